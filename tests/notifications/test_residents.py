"""The reporter's e-mails after the confirmation: every public status change or note,
and the resolution with the city's answer (mapa/notifications/receivers.py
``report_updated``, emails.py ``_resident_update``), through a real SMTP server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client

from mapa.catalogue.models import Unit
from mapa.notifications.models import Event, Notification
from mapa.notifications.receivers import report_updated
from mapa.reports.casework import report_add_note, report_change_status
from mapa.reports.models import Report
from tests.notifications.test_outbox import file_in, run_queued

pytestmark = pytest.mark.django_db

RESIDENT = "anna.nowak@example.com"
NEIGHBOUR = "piotr.wisniewski@example.com"


@pytest.fixture(autouse=True)
def units_without_contact_email():
    """The units' contact e-mails (test_units.py) are blanked to keep them out."""
    Unit.objects.update(email="")


def step(capture, action):
    with capture(execute=True):
        action()


def to_resident(smtp):
    return [m for m in smtp.messages if m["To"] == RESIDENT]


@pytest.mark.parametrize(
    ("language", "subject", "status", "lead"),
    [
        ("pl", "Nowe informacje o zgłoszeniu {}", "w realizacji", "Jest nowa informacja"),
        ("en", "Update on your report {}", "in progress", "There is news about your report"),
    ],
)
def test_a_status_change_with_a_public_note_emails_the_reporter_in_their_language(
    api, smtp, settings, django_capture_on_commit_callbacks, language, subject, status, lead
):
    settings.MAPA_SITE_URL = "http://testserver"
    reference = file_in(api, language, RESIDENT, django_capture_on_commit_callbacks)
    report = Report.objects.get(reference=reference)
    step(
        django_capture_on_commit_callbacks,
        lambda: report_change_status(
            report=report, status="in_progress", public_note="Ekipa wyjedzie w czwartek."
        ),
    )
    assert run_queued() == ["sent", "sent"]
    _, message = to_resident(smtp)
    assert message["Subject"].strip() == subject.format(reference)
    assert message["Content-Language"] == language
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert lead in body
        assert status in body
        assert "Ekipa wyjedzie w czwartek." in body
        assert f"http://testserver/r/{reference}/" in body
    notification = Notification.objects.get(event=Event.RESIDENT_UPDATE)
    assert notification.language == language


def test_resolution_sends_the_note_as_the_citys_answer_with_a_working_link(
    api, smtp, settings, django_capture_on_commit_callbacks
):
    settings.MAPA_SITE_URL = "http://testserver"
    reference = file_in(api, "en", RESIDENT, django_capture_on_commit_callbacks)
    report = Report.objects.get(reference=reference)
    answer = "The pothole was filled on 28 November."
    step(
        django_capture_on_commit_callbacks,
        lambda: report_change_status(report=report, status="resolved", public_note=answer),
    )
    assert run_queued() == ["sent", "sent"]
    _, message = to_resident(smtp)
    assert message["Subject"].strip() == f"Your report {reference} has been resolved"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert f"The city's answer:\n{answer}" in text
    assert "Status: resolved" in text
    assert answer in message.get_body(("html",)).get_content()
    [link] = [word for word in text.split() if word.startswith("http://testserver/r/")]
    page = Client().get(urlsplit(link).path)
    assert page.status_code == 200
    assert reference in page.content.decode()


def test_resolution_in_polish(make_report, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(reporter_email=RESIDENT)
    step(
        django_capture_on_commit_callbacks,
        lambda: report_change_status(report=report, status="resolved", public_note="Naprawione."),
    )
    assert run_queued() == ["sent", "sent"]
    _, message = smtp.messages
    assert message["Subject"].strip() == f"Twoje zgłoszenie {report.reference} zostało załatwione"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Odpowiedź miasta:\nNaprawione." in text


def test_a_public_note_emails_but_an_internal_note_sends_nothing(
    make_report, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(reporter_email=RESIDENT)
    assert run_queued() == ["sent"]
    step(
        django_capture_on_commit_callbacks,
        lambda: report_add_note(report=report, internal_note="Reporter called, angry"),
    )
    assert run_queued() == []
    assert not Notification.objects.filter(event=Event.RESIDENT_UPDATE).exists()
    step(
        django_capture_on_commit_callbacks,
        lambda: report_add_note(
            report=report, public_note="Sprawdzimy jutro.", internal_note="Not this one"
        ),
    )
    assert run_queued() == ["sent"]
    _, message = smtp.messages
    raw = message.as_string()
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Sprawdzimy jutro." in text
    assert "Status: nowe" in text  # the current status, in Polish
    for internal in ("Reporter called", "Not this one"):
        assert internal not in raw


def test_no_address_no_email(make_report, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(reporter_email="")
    step(
        django_capture_on_commit_callbacks,
        lambda: report_change_status(report=report, status="resolved", public_note="Gotowe."),
    )
    assert run_queued() == []
    assert smtp.messages == []
    assert not Notification.objects.filter(report=report).exists()


def test_the_same_event_queued_twice_is_one_email(
    make_report, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(reporter_email=RESIDENT)
    step(
        django_capture_on_commit_callbacks,
        lambda: report_change_status(report=report, status="accepted", public_note="Przyjęte."),
    )
    event = report.events.get(to_status="accepted")
    report.refresh_from_db()
    step(
        django_capture_on_commit_callbacks,
        lambda: report_updated(sender=Report, report=report, event=event),
    )
    assert Notification.objects.filter(event=Event.RESIDENT_UPDATE).count() == 1
    run_queued()
    texts = [m.get_body(("plain",)).get_content() for m in smtp.messages]
    assert len([t for t in texts if "Przyjęte." in t]) == 1
    assert len(smtp.messages) == 2  # the confirmation and the one update


def test_no_other_persons_personal_data(make_report, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        neighbour = make_report(
            reporter_email=NEIGHBOUR,
            reporter_name="Piotr Wiśniewski",
            reporter_phone="+48 601 234 567",
        )
        report = make_report(
            reporter_email=RESIDENT, reporter_name="Anna Nowak", reporter_phone="+48 602 345 678"
        )
    run_queued()
    step(
        django_capture_on_commit_callbacks,
        lambda: report_change_status(report=report, status="resolved", public_note="Gotowe."),
    )
    assert run_queued() == ["sent"]
    message = smtp.messages[-1]
    assert message["To"] == RESIDENT
    raw = message.as_string()
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Gotowe." in text
    for other in (NEIGHBOUR, "Wiśniewski", "601 234 567", neighbour.reference, "602 345 678"):
        assert other not in raw
        assert other not in text
