"""The SMS backends: console (number masked), file, and the HTTP gateway against a real
receiver on loopback, through the outbox (retries with backoff, delivery history)."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from mapa.notifications.models import Channel, DeliveryAttempt, Event, Notification, Status
from mapa.notifications.outbox import deliver, queue
from mapa.sms.backends import ConsoleBackend, DisabledBackend, Sms, SmsNotSent, masked
from tests.sms.conftest import PHONE, TOKEN

pytestmark = pytest.mark.django_db


def queue_confirmation(report) -> int:
    return queue(report, Event.REPORT_RECEIVED, recipient=PHONE, channel=Channel.SMS, language="pl")


def test_the_console_backend_prints_the_text_with_the_number_masked(settings):
    settings.MAPA_SMS_SENDER = "Mapa"
    stream = io.StringIO()
    ConsoleBackend(stream).send(Sms(to=PHONE, message="Zgloszenie GD-2026-000001", key="k"))
    printed = stream.getvalue()
    assert "Zgloszenie GD-2026-000001" in printed
    assert masked(PHONE) == "+48******567"
    assert "+48******567" in printed
    assert PHONE not in printed


def test_the_file_backend_writes_one_json_line_per_text(make_report, sms_file):
    report = make_report()
    assert deliver(queue_confirmation(report)) == "sent"
    (text,) = sms_file.texts()
    assert text["to"] == PHONE
    assert report.reference in text["message"]
    assert text["from"] == "Mapa"
    assert text["key"] == Notification.objects.get(channel=Channel.SMS).key


def test_the_gateway_gets_json_with_the_bearer_token(make_report, gateway):
    report = make_report()
    pk = queue_confirmation(report)
    assert deliver(pk) == "sent"
    (request,) = gateway.requests
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"].startswith("application/json")
    assert request.headers["Idempotency-Key"] == Notification.objects.get(pk=pk).key
    assert request.body["to"] == PHONE
    assert request.body["from"] == "MapaGdansk"
    assert report.reference in request.body["message"]
    assert "Mapa Porzadku" in request.body["message"]  # Polish, without diacritics
    attempt = DeliveryAttempt.objects.get(notification_id=pk)
    assert (attempt.ok, attempt.status_code) == (True, 200)


def test_a_gateway_answering_500_is_retried_by_the_outbox_and_sent_once(
    make_report, gateway, settings, caplog
):
    settings.MAPA_NOTIFY_BACKOFF_SECONDS = 30
    gateway.answers = [500, 503]
    report = make_report()
    pk = queue_confirmation(report)
    with caplog.at_level(logging.INFO):
        assert deliver(pk) == "retry"
        notification = Notification.objects.get(pk=pk)
        assert notification.status == Status.PENDING
        assert notification.next_attempt_at > timezone.now() + timedelta(seconds=20)
        assert deliver(pk) == "skipped"  # not due yet
        Notification.objects.filter(pk=pk).update(next_attempt_at=timezone.now())
        assert deliver(pk) == "retry"
        Notification.objects.filter(pk=pk).update(next_attempt_at=timezone.now())
        assert deliver(pk) == "sent"
    assert len(gateway.requests) == 3
    assert len({r.headers["Idempotency-Key"] for r in gateway.requests}) == 1
    history = DeliveryAttempt.objects.filter(notification_id=pk).order_by("number")
    assert [(a.ok, a.status_code) for a in history] == [(False, 500), (False, 503), (True, 200)]
    assert "HTTP 500" in history[0].error
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "HTTP 500" in logged
    assert "501" not in logged
    assert PHONE not in logged
    assert all(PHONE not in a.error for a in history)
    assert Notification.objects.get(pk=pk).status == Status.SENT


def test_an_unreachable_gateway_is_a_failed_try_naming_no_number(make_report, gateway, settings):
    settings.MAPA_SMS_GATEWAY_URL = "http://127.0.0.1:9/nothing-listens"
    pk = queue_confirmation(make_report())
    assert deliver(pk) == "retry"
    attempt = DeliveryAttempt.objects.get(notification_id=pk)
    assert not attempt.ok
    assert "not reached" in attempt.error
    assert PHONE not in attempt.error


def test_the_disabled_backend_refuses_visibly():
    with pytest.raises(SmsNotSent, match="disabled"):
        DisabledBackend().send(Sms(to=PHONE, message="x", key="k"))
