"""POST /api/sms/inbound/: the signature (ok, wrong, old, replayed), a triage case with
the text and no place, the reference sent back, and the join window."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from mapa.notifications.models import Channel, Notification
from mapa.notifications.outbox import deliver
from mapa.reports.models import Report
from mapa.sms.models import CaseStatus, SmsCase, SmsMessage
from mapa.sms.signatures import sign
from tests.sms.conftest import PHONE

pytestmark = pytest.mark.django_db

URL = "/api/sms/inbound/"
SECRET = "inbound-secret-" + "s" * 32


@pytest.fixture(autouse=True)
def inbound_secret(settings):
    settings.MAPA_SMS_INBOUND_SECRET = SECRET
    settings.MAPA_SMS_JOIN_MINUTES = 30


def post(client, data, *, as_form=False, secret=SECRET, timestamp=None, signature=None):
    body = urlencode(data) if as_form else json.dumps(data)
    stamp = int(time.time()) if timestamp is None else timestamp
    header = signature if signature is not None else sign(secret, stamp, body.encode())
    return client.post(
        URL,
        body,
        content_type="application/x-www-form-urlencoded" if as_form else "application/json",
        HTTP_MAPA_SIGNATURE=header,
    )


def text(message_id="m-1", sender="48501234567", words="Na Piwnej leży drzewo"):
    return {"from": sender, "text": words, "message_id": message_id, "timestamp": int(time.time())}


def test_a_signed_text_opens_a_triage_case_with_no_place_and_the_reference_goes_back(
    client, sms_file
):
    response = post(client, text())
    assert response.status_code == 201, response.content
    case = SmsCase.objects.get()
    assert response.json() == {"reference": case.reference, "outcome": "opened"}
    assert case.status == CaseStatus.OPEN
    assert case.phone == PHONE
    assert case.report is None
    assert not Report.objects.exists()  # nothing on the map until a consultant places it
    assert [m.text for m in case.messages.all()] == ["Na Piwnej leży drzewo"]
    assert "501" not in response.content.decode()
    (ack,) = Notification.objects.filter(channel=Channel.SMS)
    assert (ack.recipient, ack.report) == (PHONE, None)
    assert deliver(ack.pk) == "sent"
    (sent,) = sms_file.texts()
    assert sent["to"] == PHONE
    assert case.reference in sent["message"]
    assert sent["message"].startswith("Mapa Porzadku: otrzymalismy")


def test_the_reference_comes_from_the_reports_numbering(client, make_report):
    before = make_report().reference
    post(client, text())
    after = make_report().reference
    case = SmsCase.objects.get()
    numbers = [int(r.rsplit("-", 1)[1]) for r in (before, case.reference, after)]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_a_form_encoded_call_is_taken_too(client):
    response = post(client, text(), as_form=True)
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "bad",
    [
        {"secret": "another-secret-" + "x" * 32},
        {"signature": ""},
        {"signature": "t=abc,v1=00"},
        {"timestamp": int(time.time()) - 3600},  # signed an hour ago: a replay
        {"timestamp": int(time.time()) + 3600},
    ],
)
def test_an_unsigned_wrongly_signed_or_old_call_is_refused_and_stores_nothing(client, bad):
    response = post(client, text(), **bad)
    assert response.status_code == 403
    assert "podpis" in response.json()["detail"]
    assert not SmsCase.objects.exists()
    assert not Notification.objects.exists()


def test_a_tampered_body_fails_the_signature(client):
    stamp = int(time.time())
    header = sign(SECRET, stamp, json.dumps(text()).encode())
    response = client.post(
        URL,
        json.dumps(text(words="Something else")),
        content_type="application/json",
        HTTP_MAPA_SIGNATURE=header,
    )
    assert response.status_code == 403


def test_without_a_secret_every_call_is_refused(client, settings):
    settings.MAPA_SMS_INBOUND_SECRET = ""
    assert post(client, text(), secret="").status_code == 403


def test_a_retried_or_replayed_call_adds_nothing(client):
    first = post(client, text())
    again = post(client, text())
    assert again.status_code == 200
    assert again.json() == {"reference": first.json()["reference"], "outcome": "duplicate"}
    assert SmsMessage.objects.count() == 1
    assert Notification.objects.count() == 1


def test_bad_input_is_a_400_naming_the_field(client):
    response = post(client, {"from": "48501234567", "text": "x"})
    assert response.status_code == 400
    assert "message_id" in response.json()
    response = post(client, {**text(), "from": "someone"})
    assert "from" in response.json()


def test_texts_within_the_window_join_the_open_case_outside_it_open_another(client):
    first = post(client, text("m-1", words="Drzewo na Piwnej"))
    joined = post(client, text("m-2", words="Blokuje przejście"))
    assert joined.status_code == 200
    assert joined.json() == {"reference": first.json()["reference"], "outcome": "joined"}
    case = SmsCase.objects.get()
    assert [m.text for m in case.messages.all()] == ["Drzewo na Piwnej", "Blokuje przejście"]
    assert Notification.objects.count() == 1  # one reference sent back, not two
    # Another number: its own case.
    other = post(client, text("m-3", sender="+48600700800"))
    assert other.json()["outcome"] == "opened"
    # Forty minutes later: a new case.
    SmsCase.objects.filter(pk=case.pk).update(last_text_at=timezone.now() - timedelta(minutes=40))
    later = post(client, text("m-4", words="Nadal leży"))
    assert later.json()["outcome"] == "opened"
    assert later.json()["reference"] != first.json()["reference"]
    assert SmsCase.objects.filter(phone=PHONE).count() == 2
