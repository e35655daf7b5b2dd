"""The reporter's signed removal link (mapa/notifications/removal.py, mapa/privacy/views.py):
in their real e-mails, GET only shows, a POST with CSRF removes, idempotently; a tampered
or expired link is a clear 404 or 400 page."""

from __future__ import annotations

import re
import time
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client

from mapa.alerts.models import Follow
from mapa.catalogue.models import Unit
from mapa.notifications.models import Notification, Status
from mapa.notifications.removal import SALT, address_hash, read_removal_token, removal_path
from mapa.privacy.models import Erasure, Reason
from mapa.reports.casework import report_change_status
from mapa.reports.models import Report
from tests.notifications.test_outbox import file_in, run_queued

pytestmark = pytest.mark.django_db

RESIDENT = "Walentyna.Removal@Example.org"


@pytest.fixture(autouse=True)
def units_without_contact_email():
    Unit.objects.update(email="")


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def post_form(client: Client, path: str, data: dict[str, str]):
    page = client.get(path)
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
    token = token or client.cookies["csrftoken"].value
    return client.post(path, {**data, "csrfmiddlewaretoken": token})


def test_the_link_is_in_the_real_emails_and_removes_after_a_confirmed_post(
    api, smtp, settings, django_capture_on_commit_callbacks
):
    settings.MAPA_SITE_URL = "http://testserver"
    reference = file_in(
        api,
        "pl",
        RESIDENT,
        django_capture_on_commit_callbacks,
        name="Walentyna R.",
        phone="600 111 999",
    )
    report = Report.objects.get(reference=reference)
    with django_capture_on_commit_callbacks(execute=True):
        report_change_status(report=report, status="accepted", public_note="Przyjęte.")
    assert run_queued() == ["sent", "sent"]
    links = []
    for message in smtp.messages:
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        [link] = re.findall(r"http://testserver/privacy/remove/\S+/", text)
        assert f'href="{link}"' in html
        links.append(link)
    assert len(links) == 2  # the confirmation and the update
    path = urlsplit(links[-1]).path
    assert "example" not in path.lower()
    assert "walentyna" not in path.lower()

    client = csrf_client()
    shown = client.get(path)
    assert shown.status_code == 200
    page = shown.content.decode()
    assert reference in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "Walentyna" not in page
    assert "600 111 999" not in page
    report.refresh_from_db()
    assert report.reporter_email == RESIDENT  # a GET (a mail scanner) changes nothing

    assert client.post(path, {"scope": "report"}).status_code == 403  # no CSRF token
    done = post_form(client, path, {"scope": "report"})
    assert done.status_code == 200
    report.refresh_from_db()
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == ("", "", "")
    assert Erasure.objects.get(report=report).reason == Reason.REQUEST
    assert not Notification.objects.filter(recipient__iexact=RESIDENT).exists()

    # No more e-mails to them about it; the case goes on.
    with django_capture_on_commit_callbacks(execute=True):
        report_change_status(report=report, status="resolved", public_note="Naprawione.")
    assert run_queued() == []
    # Removing again, or coming back later: done, not an error.
    again = post_form(client, path, {"scope": "report"})
    assert again.status_code == 200
    assert "notice--success" in again.content.decode()
    assert "notice--success" in done.content.decode()
    assert client.get(path).status_code == 200
    assert Erasure.objects.filter(report=report).count() == 1


def test_all_reports_with_that_address_or_only_this_one(make_report):
    first = make_report(reporter_email=RESIDENT, reporter_name="W. R.")
    second = make_report(reporter_email=RESIDENT.lower(), reporter_phone="600 111 998")
    other = make_report(reporter_email="ktos.inny@example.org")
    Follow.objects.create(report=other, email=RESIDENT.lower())
    Follow.objects.create(report=first, email="sasiad@example.org")
    Follow.objects.create(report=first, email=RESIDENT.lower())

    client = csrf_client()
    assert post_form(client, removal_path(first), {"scope": "all"}).status_code == 200
    for report in (first, second):
        report.refresh_from_db()
        assert (report.reporter_name, report.reporter_email, report.reporter_phone) == ("", "", "")
    other.refresh_from_db()
    assert other.reporter_email == "ktos.inny@example.org"
    # Their own follow of their report goes; a neighbour's stays, and so does their
    # follow of someone else's report (it has its own unsubscribe link).
    assert set(Follow.objects.filter(report=first).values_list("email", flat=True)) == {
        "sasiad@example.org",
        f"follow-{Follow.objects.get(report=first, email__endswith='.invalid').pk}@erased.invalid",
    }
    assert Follow.objects.filter(report=other, email=RESIDENT.lower()).exists()


def test_only_this_report(make_report):
    first = make_report(reporter_email=RESIDENT)
    second = make_report(reporter_email=RESIDENT)
    assert post_form(csrf_client(), removal_path(first), {"scope": "report"}).status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.reporter_email, second.reporter_email) == ("", RESIDENT)


def test_a_post_without_a_choice_names_the_field(make_report):
    report = make_report(reporter_email=RESIDENT)
    answer = post_form(csrf_client(), removal_path(report), {"scope": "everything"})
    assert answer.status_code == 400
    assert 'id="id_scope-error"' in answer.content.decode()
    report.refresh_from_db()
    assert report.reporter_email == RESIDENT


def test_the_token_holds_no_address_and_is_keyed(make_report):
    report = make_report(reporter_email=RESIDENT)
    token = removal_path(report).split("/")[-2]
    payload = signing.loads(token, salt=SALT)
    assert payload == [report.reference, address_hash(RESIDENT.upper())]
    assert "example" not in repr(payload).lower()
    asked = read_removal_token(token)
    assert asked is not None
    assert asked.matches(RESIDENT.lower())


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "nonsense",
        lambda token: signing.dumps(signing.loads(token, salt=SALT), salt="another.salt"),
        lambda token: signing.dumps(["GD-2026-999999", "0" * 32], salt=SALT),
        lambda token: signing.dumps("GD-2026-000001", salt=SALT),
    ],
)
def test_a_tampered_or_foreign_link_is_a_clear_404(make_report, forge):
    report = make_report(reporter_email=RESIDENT)
    token = forge(removal_path(report).split("/")[-2])
    for answer in (
        Client().get(f"/privacy/remove/{token}/"),
        Client().post(f"/privacy/remove/{token}/", {"scope": "all"}),
    ):
        assert answer.status_code == 404
        assert "Ten link jest nieprawidłowy." in answer.content.decode()  # Polish by default
    report.refresh_from_db()
    assert report.reporter_email == RESIDENT


def test_a_link_for_an_address_changed_since_is_invalid(make_report):
    report = make_report(reporter_email=RESIDENT)
    path = removal_path(report)
    Report.objects.filter(pk=report.pk).update(reporter_email="nowy@example.org")
    assert Client().get(path).status_code == 404


def test_an_expired_link_is_a_clear_400(make_report, settings):
    report = make_report(reporter_email=RESIDENT)
    settings.MAPA_REMOVAL_LINK_DAYS = 30
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 31 * 86400):
        path = removal_path(report)
    for answer in (Client().get(path), Client().post(path, {"scope": "report"})):
        assert answer.status_code == 400
        assert "Ten link wygasł." in answer.content.decode()  # Polish by default
    report.refresh_from_db()
    assert report.reporter_email == RESIDENT


def test_the_page_speaks_polish_and_english(make_report, settings):
    report = make_report(reporter_email=RESIDENT)
    polish = Client().get(removal_path(report))
    switched = Client()
    switched.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # what the language switch sets
    english = switched.get(removal_path(report))
    assert '<html lang="pl"' in polish.content.decode()
    assert '<html lang="en"' in english.content.decode()
    assert "Remove my contact data" in english.content.decode()
    # The page's language switch (web/base.html) is there.
    assert 'class="language-switch"' in polish.content.decode()


def test_pending_messages_to_them_are_cancelled(make_report):
    report = make_report(reporter_email=RESIDENT)
    pending = Notification.objects.get(report=report, recipient=RESIDENT)
    assert pending.status == Status.PENDING
    # A neighbour following the report has an update waiting too: theirs still goes.
    neighbour = Notification.objects.create(
        report=report, event="follow_update", recipient="sasiad@example.org", key="neighbour-1"
    )
    post_form(csrf_client(), removal_path(report), {"scope": "report"})
    pending.refresh_from_db()
    assert (pending.recipient, pending.status) == ("", Status.FAILED)
    neighbour.refresh_from_db()
    assert (neighbour.recipient, neighbour.status) == ("sasiad@example.org", Status.PENDING)
