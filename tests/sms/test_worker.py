"""The worker as a real process sends SMS: the reference back to a text on the line,
through the gateway backend to a real receiver on loopback, once."""

from __future__ import annotations

import pytest
from django.db import connection

from mapa.notifications.models import Notification, Status
from mapa.sms.services import text_received
from tests.sms.conftest import PHONE, TOKEN


@pytest.mark.django_db
def test_the_worker_tests_run_on_the_test_database():
    assert connection.settings_dict["NAME"].startswith("test")


def run_batch(worker, **env: str) -> str:
    process = worker("--batch", **env)
    output, _ = process.communicate(timeout=90)
    assert process.returncode == 0, output
    return output


def test_the_worker_process_texts_the_reference_back_through_the_gateway(
    worker, sms_committed, gateway
):
    received = text_received(gateway_id="worker-1", sender="48501234567", text="Ciemno na Ogarnej")
    env = {
        "MAPA_SMS_BACKEND": "gateway",
        "MAPA_SMS_GATEWAY_URL": gateway.url,
        "MAPA_SMS_GATEWAY_TOKEN": TOKEN,
        "MAPA_SMS_SENDER": "MapaGdansk",
    }
    gateway.answers = [502]  # the first try fails; the outbox retries
    output = run_batch(worker, MAPA_NOTIFY_BACKOFF_SECONDS="0", **env)
    output += run_batch(worker, MAPA_NOTIFY_BACKOFF_SECONDS="0", **env)
    notification = Notification.objects.get(event="sms_case_received", recipient=PHONE)
    assert notification.status == Status.SENT
    assert [r.body["to"] for r in gateway.requests] == [PHONE, PHONE]
    assert received.case.reference in gateway.requests[-1].body["message"]
    assert gateway.requests[-1].headers["Authorization"] == f"Bearer {TOKEN}"
    assert PHONE not in output
    assert "501234567" not in output
    run_batch(worker, **env)
    assert len(gateway.requests) == 2  # sent once
