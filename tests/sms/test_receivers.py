"""Residents by SMS: chosen on the resident's form (web and API) and at intake; told the
same events as by e-mail, at their mobile number in E.164; refused with a 400 naming the
field when the number cannot receive SMS; nothing when the transaction rolls back."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from mapa.notifications.models import Channel, Event, Notification
from mapa.reports.casework import report_add_note, report_change_status
from mapa.reports.models import Report, ReportStatus
from mapa.sms.models import ResidentSms
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.web.test_views import form_data

pytestmark = pytest.mark.django_db

E164 = "+48501234567"


def report_body(**extra):
    return {
        "category": "pothole",
        "location": {"type": "Point", "coordinates": list(NEPTUNE_FOUNTAIN)},
        "description": "Dziura przy fontannie",
        **extra,
    }


def sms_rows(report: Report) -> list[tuple[str, str, str]]:
    rows = Notification.objects.filter(report=report, channel=Channel.SMS).order_by("id")
    return [(n.event, n.recipient, n.language) for n in rows]


def test_the_api_takes_sms_updates_with_a_mobile_number_written_as_people_do(api):
    response = api.post(
        "/api/reports/",
        json.dumps(report_body(phone="501 234-567", sms_updates=True)),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get(reference=response.json()["properties"]["reference"])
    assert report.reporter_phone == E164
    assert ResidentSms.objects.get(report=report).language == "en"
    assert sms_rows(report) == [(Event.REPORT_RECEIVED, E164, "en")]
    assert E164 not in response.content.decode()
    assert "501" not in response.content.decode()


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"sms_updates": True}, "phone", "Podaj numer komórki"),
        ({"sms_updates": True, "phone": "58 123 45 67"}, "phone", "polski numer komórkowy"),
        ({"sms_updates": True, "phone": "+44 7700 900123"}, "phone", "polski numer komórkowy"),
    ],
)
def test_the_api_refuses_a_number_that_cannot_get_sms_and_saves_nothing(api, extra, field, message):
    response = api.post(
        "/api/reports/", json.dumps(report_body(**extra)), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert message in response.json()[field][0]
    assert not Report.objects.exists()
    assert not Notification.objects.exists()


def test_a_phone_without_sms_is_stored_as_given_and_gets_no_sms(api):
    response = api.post(
        "/api/reports/",
        json.dumps(report_body(phone="58 123 45 67")),
        content_type="application/json",
    )
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.reporter_phone == "58 123 45 67"
    assert sms_rows(report) == []


def test_where_sms_is_disabled_it_is_not_offered_and_refused(api, client, settings):
    settings.MAPA_SMS_BACKEND = "disabled"
    response = api.post(
        "/api/reports/",
        json.dumps(report_body(phone="501234567", sms_updates=True)),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "sms_updates" in response.json()
    assert 'name="sms_updates"' not in client.get("/").content.decode()


def test_the_web_form_without_javascript_takes_sms_updates(client):
    assert 'name="sms_updates"' in client.get("/").content.decode()
    response = client.post("/report/", form_data(phone="0048 501 234 567", sms_updates="on"))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.reporter_phone == E164
    assert sms_rows(report) == [(Event.REPORT_RECEIVED, E164, "pl")]


def test_the_web_form_names_the_phone_field_in_polish(client):
    response = client.post("/report/", form_data(phone="", sms_updates="on"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Podaj numer komórki" in html
    assert not Report.objects.exists()


def test_public_updates_and_the_resolution_go_by_sms_internal_notes_do_not(make_report):
    report = make_report(reporter_phone=E164, sms_updates=True)
    report_add_note(report=report, internal_note="Tylko dla nas")
    update = report_change_status(report=report, status=ReportStatus.IN_PROGRESS)
    resolved = report_change_status(
        report=report, status=ReportStatus.RESOLVED, public_note="Załatane."
    )
    assert sms_rows(report) == [
        (Event.REPORT_RECEIVED, E164, "pl"),
        (Event.RESIDENT_UPDATE, E164, "pl"),
        (Event.RESIDENT_RESOLVED, E164, "pl"),
    ]
    case_events = Notification.objects.filter(report=report, channel=Channel.SMS)
    assert {n.case_event_id for n in case_events} == {None, update.pk, resolved.pk}


def test_a_rolled_back_report_queues_no_sms(make_report):
    def file_then_fail() -> None:
        with transaction.atomic():
            make_report(reporter_phone=E164, sms_updates=True)
            raise RuntimeError("the caller's transaction fails after the report")

    with pytest.raises(RuntimeError):
        file_then_fail()
    assert not Notification.objects.exists()
    assert not ResidentSms.objects.exists()
