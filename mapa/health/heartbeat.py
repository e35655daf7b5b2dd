"""The worker's heartbeat (``manage.py worker`` records it) and what readiness reads of it."""

from __future__ import annotations

import logging
import threading
import time
from contextlib import suppress
from datetime import timedelta

from django.db import close_old_connections, connections
from django.db.models import F
from django.db.models.functions import Now

from mapa.health.models import Heartbeat

logger = logging.getLogger(__name__)

WORKER = "worker"


def heartbeat_record(*, name: str = WORKER) -> None:
    """Say ``name`` is alive now (one upsert, on the database's clock)."""
    Heartbeat.objects.bulk_create(
        [Heartbeat(name=name, beat_at=Now())],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["beat_at"],
    )


def heartbeat_age(*, name: str = WORKER) -> timedelta | None:
    """How long ago ``name`` last beat (None: never)."""
    ages = Heartbeat.objects.filter(name=name).annotate(age=Now() - F("beat_at"))
    age: timedelta | None = ages.values_list("age", flat=True).first()
    return age


def release_connections() -> None:
    """``close_old_connections`` for a loop outside requests that must outlive the database.

    Django's check reconnects to ask whether a connection is usable; with PostgreSQL away
    that raises, and a thread calling it in ``finally`` would die. Here a connection that
    cannot be checked is dropped, and the next use connects again.
    """
    try:
        close_old_connections()
    except Exception:
        for connection in connections.all(initialized_only=True):
            with suppress(Exception):
                connection.close()


def beat_forever(interval: float, *, name: str = WORKER) -> None:
    """Record a heartbeat every ``interval`` seconds; a failed one (database down) is retried."""
    while True:
        try:
            heartbeat_record(name=name)
        except Exception:  # the database is away: the next beat tries again
            logger.warning("Heartbeat %r not recorded", name, exc_info=True)
        finally:
            release_connections()
        time.sleep(interval)


def start_heartbeat(interval: float, *, name: str = WORKER) -> threading.Thread:
    thread = threading.Thread(
        target=beat_forever, args=(interval,), kwargs={"name": name}, daemon=True, name="heartbeat"
    )
    thread.start()
    return thread
