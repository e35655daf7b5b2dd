"""Follows end to end through a real SMTP server: double opt-in, every public update to
the followers in their language, the reporter's own e-mail apart, unsubscribe, no one
else's address in any message (mapa/alerts/services.py, emails.py, receivers.py)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation

from mapa.alerts.models import AlertEvent, Follow
from mapa.alerts.services import SubscriptionRefused, follow_request
from mapa.catalogue.models import Category
from mapa.notifications.models import Notification
from mapa.reports.casework import report_add_note, report_change_status
from mapa.reports.models import Report
from mapa.reports.services import report_create
from tests.alerts.conftest import html_of, run_queued, text_of, to
from tests.conftest import NEPTUNE_FOUNTAIN, point

pytestmark = pytest.mark.django_db

REPORTER = "anna.nowak@example.com"
FOLLOWER = "jan.kowalski@example.com"
NEIGHBOUR = "ola.lis@example.com"


def link(message, pattern: str) -> str:
    """The one link in the plain text matching ``pattern``, as a path for the test client."""
    [url] = re.findall(rf"http://testserver(/{pattern}[^\s]*)", text_of(message))
    return url


def step(capture, action):
    with capture(execute=True):
        return action()


def follow(capture, report, email, language="pl"):
    return step(capture, lambda: follow_request(report=report, email=email, language=language))


def confirm_from(message) -> None:
    path = link(message, "alerts/confirm/")
    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    assert b"<form" in page.content
    done = client.post(path)
    assert done.status_code == 200


@pytest.fixture
def report(django_capture_on_commit_callbacks, smtp) -> Report:
    with translation.override("pl"), django_capture_on_commit_callbacks(execute=True):
        filed = report_create(
            category=Category.objects.get(code="pothole"),
            location=point(*NEPTUNE_FOUNTAIN),
            description="Dziura w jezdni",
            reporter_email=REPORTER,
        )
    assert run_queued() == ["sent"]  # the reporter's confirmation
    smtp.messages.clear()
    return filed


def test_nothing_but_the_confirmation_before_it_is_confirmed_then_every_update(
    report, smtp, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    follow(capture, report, FOLLOWER, "en")
    assert run_queued() == ["sent"]
    [confirmation] = smtp.messages
    assert confirmation["To"] == FOLLOWER
    assert confirmation["Subject"] == f"Confirm: follow report {report.reference}"
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # An update before the link is followed: the reporter only.
    step(capture, lambda: report_change_status(report=report, status="accepted"))
    run_queued()
    assert [m["To"] for m in smtp.messages[1:]] == [REPORTER]

    confirm_from(confirmation)
    assert Follow.objects.get().is_active
    smtp.messages.clear()
    step(
        capture,
        lambda: report_add_note(report=report, public_note="Ekipa wyjedzie w czwartek."),
    )
    assert sorted(run_queued()) == ["sent", "sent"]
    [to_follower] = to(smtp, FOLLOWER)
    [to_reporter] = to(smtp, REPORTER)
    assert to_follower["Subject"] == f"Update on report {report.reference} that you follow"
    assert to_follower["Content-Language"] == "en"
    for body in (text_of(to_follower), html_of(to_follower)):
        assert "that you follow" in body
        assert "Ekipa wyjedzie w czwartek." in body
        assert f"http://testserver/r/{report.reference}/" in body
        assert REPORTER not in body
    assert to_reporter["Subject"].startswith("Nowe informacje o zgłoszeniu")
    assert FOLLOWER not in text_of(to_reporter) + html_of(to_reporter)
    assert FOLLOWER not in str(to_reporter)
    # The tracking link in the follower's message works.
    assert Client().get(urlsplit(link(to_follower, "r/")).path).status_code == 200


def test_the_resolution_reaches_followers_as_the_citys_answer_in_polish(
    report, smtp, django_capture_on_commit_callbacks, confirmed_follow
):
    confirmed_follow(report, FOLLOWER)
    confirmed_follow(report, NEIGHBOUR, "en")
    step(
        django_capture_on_commit_callbacks,
        lambda: report_change_status(
            report=report, status="resolved", public_note="Załatane 28 listopada."
        ),
    )
    assert run_queued() == ["sent"] * 3
    [polish] = to(smtp, FOLLOWER)
    [english] = to(smtp, NEIGHBOUR)
    resolved = f"Obserwowane zgłoszenie {report.reference} zostało załatwione"
    assert polish["Subject"].strip() == resolved
    assert "Odpowiedź miasta" in text_of(polish)
    assert english["Subject"] == f"Report {report.reference} that you follow has been resolved"
    assert "The city's answer" in text_of(english)
    # Each follower sees only their own address.
    for message, other in ((polish, NEIGHBOUR), (english, FOLLOWER)):
        assert other not in str(message)
        assert REPORTER not in str(message)


def test_a_closed_report_cannot_be_followed_and_nothing_is_stored(
    report, django_capture_on_commit_callbacks
):
    step(
        django_capture_on_commit_callbacks,
        lambda: report_change_status(report=report, status="resolved", public_note="Gotowe."),
    )
    with pytest.raises(SubscriptionRefused) as refused:
        follow_request(report=report, email=FOLLOWER, language="pl")
    assert "reference" in refused.value.errors
    assert not Follow.objects.exists()


def test_asking_again_is_one_follow_and_one_confirmation_an_hour(
    report, smtp, django_capture_on_commit_callbacks, confirmed_follow
):
    capture = django_capture_on_commit_callbacks
    first = follow(capture, report, FOLLOWER)
    again = follow(capture, report, FOLLOWER.upper())
    assert first.pk == again.pk
    assert Follow.objects.count() == 1
    assert run_queued() == ["sent", "skipped"]  # the same outbox row, sent once
    assert len(smtp.messages) == 1
    assert Notification.objects.filter(event=AlertEvent.FOLLOW_CONFIRM).count() == 1
    # Already confirmed: asking again sends nothing at all.
    confirmed = confirmed_follow(report, NEIGHBOUR)
    follow(capture, report, NEIGHBOUR)
    assert Follow.objects.get(pk=confirmed.pk).is_active
    assert run_queued() == []


def test_the_one_click_unsubscribe_stops_the_next_update(
    report, smtp, django_capture_on_commit_callbacks, confirmed_follow
):
    capture = django_capture_on_commit_callbacks
    confirmed_follow(report, FOLLOWER)
    step(capture, lambda: report_add_note(report=report, public_note="Pierwsza wiadomość."))
    run_queued()
    [message] = to(smtp, FOLLOWER)
    header = str(message["List-Unsubscribe"]).strip()
    assert header.startswith("<http://testserver/unsubscribe/")
    path = urlsplit(header.strip("<>")).path
    assert link(message, "unsubscribe/") == path  # the same link is in the body
    # A mail client's RFC 8058 POST: no session, no CSRF token.
    client = Client(enforce_csrf_checks=True)
    answer = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert not Follow.objects.get().is_active

    step(capture, lambda: report_add_note(report=report, public_note="Druga wiadomość."))
    run_queued()
    assert len(to(smtp, FOLLOWER)) == 1
    assert len(to(smtp, REPORTER)) == 2  # the reporter still hears


def test_the_reporter_can_stop_their_own_updates_with_one_click(
    report, smtp, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    step(capture, lambda: report_add_note(report=report, public_note="Przyjęliśmy."))
    run_queued()
    [update] = to(smtp, REPORTER)
    path = urlsplit(str(update["List-Unsubscribe"]).strip().strip("<>")).path
    page = Client().get(path)
    assert page.status_code == 200
    assert report.reference in page.content.decode()
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200
    step(
        capture,
        lambda: report_change_status(report=report, status="resolved", public_note="Gotowe."),
    )
    assert run_queued() == []
    assert len(to(smtp, REPORTER)) == 1


def test_a_forged_or_tampered_link_does_nothing(report, confirmed_follow):
    confirmed_follow(report, FOLLOWER)
    assert Client().post("/unsubscribe/not-a-token/").status_code == 404
    assert Client().get("/alerts/confirm/forged:token/").status_code == 404
    assert Follow.objects.get().is_active


def test_a_rolled_back_request_stores_and_sends_nothing(report, smtp):
    @transaction.atomic
    def failing_request() -> None:
        follow_request(report=report, email=FOLLOWER, language="pl")
        raise RuntimeError("the request failed after the follow")

    with pytest.raises(RuntimeError):
        failing_request()
    assert not Follow.objects.exists()
    assert not Notification.objects.filter(event=AlertEvent.FOLLOW_CONFIRM).exists()
    assert run_queued() == []
