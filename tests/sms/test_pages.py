"""GCK's SMS pages: the queue (count, roles), a case, completing it through the intake
form and its API, replying by SMS from the triage case and from a report's case page."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import translation

from mapa.notifications.models import Notification
from mapa.reports.models import Report
from mapa.sms.models import CaseStatus, Direction, SmsMessage
from mapa.sms.services import text_received
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.sms.conftest import PHONE

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(accounts):
    def login(who: str) -> Client:
        client = Client()
        client.force_login(accounts[who])
        return client

    return login


@pytest.fixture
def case():
    return text_received(gateway_id="m-1", sender="48501234567", text="Drzewo leży na Piwnej").case


def test_the_queue_lists_open_cases_with_their_count_for_gck(logged_in, case):
    text_received(gateway_id="m-2", sender="48600700800", text="Ciemno na Chlebnickiej")
    html = logged_in("consultant").get("/staff/sms/").content.decode()
    assert "2 otwarte sprawy SMS" in html
    assert case.reference in html
    assert PHONE not in html  # numbers only on the case's own page
    assert 'href="/staff/sms/"' in html  # in the staff navigation
    with translation.override("en"):
        english = logged_in("admin").get("/staff/sms/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200


@pytest.mark.parametrize("who", ["dispatcher", "unit_gzdiz", "integration"])
def test_other_roles_do_not_see_the_sms_line(logged_in, case, who):
    client = logged_in(who)
    assert client.get("/staff/sms/").status_code == 403
    assert client.get(f"/staff/sms/{case.reference}/").status_code == 403
    assert client.get(f"/staff/sms/{case.reference}/complete/").status_code == 403
    assert client.post(f"/staff/sms/{case.reference}/reply/", {"text": "x"}).status_code == 403
    assert 'href="/staff/sms/"' not in client.get("/staff/").content.decode()
    assert not SmsMessage.objects.filter(direction=Direction.OUTBOUND).exists()


def test_anonymous_visitors_are_sent_to_log_in_and_the_api_refuses(client, case):
    assert client.get("/staff/sms/").status_code == 302
    response = client.post(
        f"/api/staff/sms/cases/{case.reference}/complete/", "{}", content_type="application/json"
    )
    assert response.status_code in {401, 403}


def test_the_case_page_shows_the_texts_and_number_and_the_complete_form_is_the_intake(
    logged_in, case
):
    client = logged_in("consultant")
    html = client.get(f"/staff/sms/{case.reference}/").content.decode()
    assert "Drzewo leży na Piwnej" in html
    assert PHONE in html
    form = client.get(f"/staff/sms/{case.reference}/complete/").content.decode()
    assert 'id="intake-form"' in form
    assert f'data-submit-url="/api/staff/sms/cases/{case.reference}/complete/"' in form
    assert "Drzewo leży na Piwnej</textarea>" in form
    assert '<option value="sms" selected>' in form


def test_completing_through_the_api_answers_the_new_case(logged_in, case):
    body = {
        "category": "pothole",
        "location": {"type": "Point", "coordinates": list(NEPTUNE_FOUNTAIN)},
        "description": "Dziura (z SMS-a)",
        "priority": "high",
        "phone": "ignored",
    }
    client = logged_in("consultant")
    url = f"/api/staff/sms/cases/{case.reference}/complete/"
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["properties"]["reference"] == case.reference
    report = Report.objects.get(reference=case.reference)
    assert (report.channel, report.reporter_phone, report.priority) == ("sms", PHONE, "high")
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    again = client.post(url, json.dumps(body), content_type="application/json")
    assert again.status_code == 409
    other = text_received(gateway_id="m-9", sender="48600700800", text="x").case
    bad = client.post(
        f"/api/staff/sms/cases/{other.reference}/complete/",
        json.dumps({**body, "category": "nope"}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "category" in bad.json()


def test_a_reply_from_the_triage_case_page_is_recorded_and_queued(logged_in, case):
    client = logged_in("consultant")
    response = client.post(f"/staff/sms/{case.reference}/reply/", {"text": "Dziękujemy, jedziemy."})
    assert response.status_code == 302
    (reply,) = SmsMessage.objects.filter(direction=Direction.OUTBOUND)
    assert reply.text == "Dziękujemy, jedziemy."
    notification = Notification.objects.get(event="sms_reply")
    assert notification.recipient == PHONE
    assert notification.payload == {"message": reply.pk, "reference": case.reference}
    page = client.get(f"/staff/sms/{case.reference}/").content.decode()
    assert "Dziękujemy, jedziemy." in page
    too_long = client.post(f"/staff/sms/{case.reference}/reply/", {"text": "ż" * 400})
    assert too_long.status_code == 400
    assert "skróć" in too_long.content.decode()


def test_a_report_with_a_mobile_number_gets_replies_from_its_case_page(logged_in, make_report):
    report = make_report(reporter_phone=PHONE)  # filed by phone call: no SMS updates chosen
    landline = make_report(reporter_phone="58 123 45 67")
    consultant = logged_in("consultant")
    page = consultant.get(f"/staff/r/{report.reference}/").content.decode()
    assert f'action="/staff/sms/{report.reference}/reply/"' in page
    assert "sms-reply" not in consultant.get(f"/staff/r/{landline.reference}/").content.decode()
    response = consultant.post(
        f"/staff/sms/{report.reference}/reply/", {"text": "Czy dziura jest przy krawężniku?"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/staff/r/{report.reference}/#sms"
    assert Notification.objects.get(event="sms_reply").report == report
    assert (
        "Czy dziura jest przy" in consultant.get(f"/staff/r/{report.reference}/").content.decode()
    )
    # The unit that handles it may answer too; a dispatcher (no contact data) may not.
    assert (
        logged_in("unit_gzdiz")
        .post(f"/staff/sms/{report.reference}/reply/", {"text": "Jutro."})
        .status_code
        == 302
    )
    assert (
        logged_in("dispatcher")
        .post(f"/staff/sms/{report.reference}/reply/", {"text": "x"})
        .status_code
        == 403
    )
    assert (
        logged_in("unit_sm")
        .post(f"/staff/sms/{report.reference}/reply/", {"text": "x"})
        .status_code
        == 404
    )
    assert (
        logged_in("consultant")
        .post(f"/staff/sms/{landline.reference}/reply/", {"text": "x"})
        .status_code
        == 403
    )


def test_the_public_page_of_an_sms_reference_says_received_and_nothing_more(client, case):
    response = client.get(f"/r/{case.reference}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert case.reference in html
    assert "Otrzymane SMS-em" in html
    assert "Drzewo" not in html  # the texts are not public
    assert "501" not in html
    assert client.get("/r/GD-2026-999999/").status_code == 404
