"""Dismissing an SMS triage case that is not a report (mapa/sms/services.py
``case_dismiss``): the page and the API, who may, a reason required, a race with
completing, what the public page then says, and retention erasing it later
(mapa/privacy/retention.py)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mapa.catalogue.models import Category
from mapa.notifications.models import Channel, Notification
from mapa.privacy.retention import anonymise_closed
from mapa.reports.models import Report
from mapa.sms.models import CaseStatus, SmsCase, SmsMessage
from mapa.sms.services import SmsError, case_complete, case_dismiss, text_received
from mapa.staff.services import api_token_for
from tests.conftest import NEPTUNE_FOUNTAIN, point
from tests.sms.conftest import PHONE

pytestmark = pytest.mark.django_db

SPAM = "Tanie kredyty! Zadzwoń 700 100 200"


@pytest.fixture
def logged_in(accounts):
    def login(who: str) -> Client:
        client = Client()
        client.force_login(accounts[who])
        return client

    return login


@pytest.fixture
def case():
    return text_received(gateway_id="spam-1", sender="48501234567", text=SPAM).case


def dismiss_api(client: Client, reference: str, body: object):
    return client.post(
        f"/api/staff/sms/cases/{reference}/dismiss/",
        json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_consultant_dismisses_from_the_case_page_and_it_leaves_the_queue(
    logged_in, accounts, case
):
    client = logged_in("consultant")
    page = client.get(f"/staff/sms/{case.reference}/").content.decode()
    assert f'action="/staff/sms/{case.reference}/dismiss/"' in page
    assert "To nie zgłoszenie?" in page

    answer = client.post(f"/staff/sms/{case.reference}/dismiss/", {"note": "  Spam reklamowy.  "})
    assert answer.status_code == 302
    assert answer["Location"] == "/staff/sms/"
    queue = client.get("/staff/sms/").content.decode()
    assert f"Sprawa {case.reference} została odrzucona." in queue
    assert "0 otwartych spraw SMS" in queue
    # Among the cases that left the queue last, marked as dismissed.
    assert f"{case.reference}</a>" in queue
    assert "odrzucona: to nie zgłoszenie" in queue
    case.refresh_from_db()
    assert case.status == CaseStatus.DISMISSED
    assert case.dismissal_note == "Spam reklamowy."
    assert case.completed_by == accounts["consultant"]
    assert case.completed_at is not None
    assert not Report.objects.filter(reference=case.reference).exists()
    # The case page now says so, with no form to complete or dismiss it.
    closed = client.get(f"/staff/sms/{case.reference}/").content.decode()
    assert "to nie zgłoszenie: Spam reklamowy." in closed
    assert "complete-link" not in closed
    assert "/dismiss/" not in closed
    # No text goes to the sender.
    assert (
        not Notification.objects.filter(channel=Channel.SMS, recipient=PHONE)
        .exclude(payload__reference=case.reference, event="sms_case_received")
        .exists()
    )


def test_without_a_reason_the_page_asks_for_one_and_nothing_changes(logged_in, case):
    answer = logged_in("admin").post(f"/staff/sms/{case.reference}/dismiss/", {"note": "   "})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Napisz, dlaczego sprawa jest odrzucana." in html
    assert 'aria-invalid="true"' in html
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


@pytest.mark.parametrize("who", ["dispatcher", "unit_gzdiz", "integration"])
def test_other_roles_may_not_dismiss(logged_in, accounts, case, who):
    page = logged_in(who).post(f"/staff/sms/{case.reference}/dismiss/", {"note": "x"})
    assert page.status_code == 403
    token = api_token_for(username=accounts[who].username)
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert dismiss_api(client, case.reference, {"note": "x"}).status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_the_api_dismisses_names_the_note_and_refuses_a_closed_case(logged_in, case):
    client = logged_in("consultant")
    assert dismiss_api(client, case.reference, {}).json() == {"note": ["This field is required."]}
    too_long = dismiss_api(client, case.reference, {"note": "x" * 501})
    assert too_long.status_code == 400
    assert list(too_long.json()) == ["note"]
    answer = dismiss_api(client, case.reference, {"note": "Wrong number."})
    assert answer.status_code == 200
    assert answer.json() == {"reference": case.reference, "status": "dismissed"}
    again = dismiss_api(client, case.reference, {"note": "Wrong number."})
    assert again.status_code == 409
    assert again.json() == {"detail": f"Case {case.reference} is no longer open."}
    assert dismiss_api(client, "GD-2026-999999", {"note": "x"}).status_code == 404


def test_a_dismissed_case_cannot_be_completed_nor_a_completed_one_dismissed(accounts, case):
    consultant = accounts["consultant"]
    case_dismiss(case=case, user=consultant, note="Spam.")
    with pytest.raises(SmsError):
        case_complete(
            case=case,
            user=consultant,
            category=Category.objects.get(code="pothole"),
            location=point(*NEPTUNE_FOUNTAIN),
            description="Dziura",
        )
    other = text_received(gateway_id="real-1", sender="48600700800", text="Dziura na Długiej").case
    case_complete(
        case=other,
        user=consultant,
        category=Category.objects.get(code="pothole"),
        location=point(*NEPTUNE_FOUNTAIN),
        description="Dziura na Długiej",
    )
    with pytest.raises(SmsError) as refused:
        case_dismiss(case=other, user=consultant, note="Spam.")
    assert refused.value.field is None
    other.refresh_from_db()
    assert other.status == CaseStatus.COMPLETED


def test_the_public_page_says_closed_without_a_report_and_nothing_more(
    client, accounts, case, settings
):
    case_dismiss(case=case, user=accounts["consultant"], note="Reklama od 48501234567.")
    response = client.get(f"/r/{case.reference}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Otrzymane SMS-em, zamknięte bez zgłoszenia" in html
    assert "Tanie kredyty" not in html
    assert "Reklama" not in html
    assert "501" not in html
    english_visitor = Client()
    english_visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the pages' language switch
    english = english_visitor.get(f"/r/{case.reference}/").content.decode()
    assert "Received by SMS, closed without a report" in english


def test_retention_erases_a_dismissed_cases_number_texts_and_note(accounts, case, settings):
    settings.MAPA_RETENTION_DAYS = 30
    case_dismiss(case=case, user=accounts["consultant"], note="Spam z 48501234567.")
    recent = text_received(gateway_id="spam-2", sender="48600700800", text="Reklama").case
    case_dismiss(case=recent, user=accounts["consultant"], note="Spam.")
    still_open = text_received(gateway_id="open-1", sender="48600900900", text="Dziura").case
    SmsCase.objects.filter(pk__in=[case.pk, still_open.pk]).update(
        completed_at=timezone.now() - timedelta(days=31)
    )
    SmsCase.objects.filter(pk=recent.pk).update(completed_at=timezone.now() - timedelta(days=29))
    texted = Notification.objects.filter(payload__reference=case.reference, channel=Channel.SMS)
    assert texted.exclude(recipient="").exists()  # its reference was texted back

    erased = anonymise_closed()
    assert (erased.sms_cases, erased.messages) == (1, texted.count())
    case.refresh_from_db()
    assert (case.phone, case.dismissal_note, case.status) == ("", "", CaseStatus.DISMISSED)
    assert set(SmsMessage.objects.filter(case=case).values_list("text", flat=True)) == {""}
    assert not texted.exclude(recipient="").exists()
    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert recent.phone == "48600700800" or recent.phone.endswith("600700800")
    assert still_open.phone.endswith("600900900")
    assert SmsMessage.objects.filter(case=recent).exclude(text="").exists()
    assert anonymise_closed().sms_cases == 0  # nothing twice
