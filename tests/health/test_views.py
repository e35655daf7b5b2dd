"""/health/live/ and /health/ready/ in process, on the test database (mapa/health/views.py).

The database going away and a real worker beating are in tests/core/test_faults.py.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import Client
from django.utils import timezone

from mapa.health.heartbeat import heartbeat_record
from mapa.health.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_live_answers_without_asking_the_database(client: Client, django_assert_num_queries):
    with django_assert_num_queries(0):
        answer = client.get("/health/live/")
    assert answer.status_code == 200
    assert answer.json() == {"status": "alive"}
    assert "no-store" in answer["Cache-Control"]


def test_ready_with_a_fresh_heartbeat(client: Client):
    heartbeat_record()
    answer = client.get("/health/ready/")
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "status": "ready",
        "checks": {"database": "ok", "worker": "ok"},
        "worker_heartbeat_age_seconds": 0,
    }
    assert "no-store" in answer["Cache-Control"]


def test_not_ready_with_a_stale_heartbeat(client: Client, settings):
    heartbeat_record()
    too_old = settings.MAPA_WORKER_HEARTBEAT_STALE_SECONDS + 1
    Heartbeat.objects.update(beat_at=F("beat_at") - timezone.timedelta(seconds=too_old))
    answer = client.get("/health/ready/")
    assert answer.status_code == 503
    assert answer.json()["checks"] == {"database": "ok", "worker": "stale"}
    assert answer.json()["worker_heartbeat_age_seconds"] >= too_old
    assert answer["Retry-After"] == "5"


def test_not_ready_before_the_worker_ever_beat(client: Client):
    Heartbeat.objects.all().delete()
    answer = client.get("/health/ready/")
    assert answer.status_code == 503
    assert answer.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "worker": "missing"},
        "worker_heartbeat_age_seconds": None,
    }


def test_a_heartbeat_is_one_row_moved_forward(client: Client):
    heartbeat_record()
    first = Heartbeat.objects.get().beat_at
    Heartbeat.objects.update(beat_at=F("beat_at") - timezone.timedelta(minutes=5))
    heartbeat_record()
    assert Heartbeat.objects.count() == 1
    assert Heartbeat.objects.get().beat_at >= first


@pytest.mark.parametrize("path", ["/health/live/", "/health/ready/"])
def test_probes_take_only_reads(client: Client, path: str):
    assert client.post(path).status_code == 405


def test_the_health_command_says_the_same_and_fails_when_not_ready():
    heartbeat_record()
    out = io.StringIO()
    call_command("health", stdout=out)
    assert json.loads(out.getvalue())["status"] == "ready"
    Heartbeat.objects.all().delete()
    with pytest.raises(CommandError, match="not ready"):
        call_command("health", stdout=io.StringIO())
