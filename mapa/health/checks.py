"""Readiness: can this process serve requests that need the database and the worker?

The database is asked a cheap ``SELECT 1``; the worker's heartbeat must be younger than
``MAPA_WORKER_HEARTBEAT_STALE_SECONDS``. The read replica is not checked: when it fails,
public reads fall back to the primary (mapa/core/dbrouting.py), so it never makes the
service unready.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, connection

from mapa.health.heartbeat import heartbeat_age


@dataclass
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)
    worker_heartbeat_age_seconds: int | None = None

    @property
    def ready(self) -> bool:
        return all(state == "ok" for state in self.checks.values())

    def as_json(self) -> dict[str, object]:
        return {
            "status": "ready" if self.ready else "unavailable",
            "checks": self.checks,
            "worker_heartbeat_age_seconds": self.worker_heartbeat_age_seconds,
        }


def readiness() -> Readiness:
    """Each check: ``ok``, or what is wrong (``unavailable``, ``missing``, ``stale``)."""
    found = Readiness()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        age = heartbeat_age()
    except DatabaseError:
        found.checks = {"database": "unavailable", "worker": "unknown"}
        connection.close_if_unusable_or_obsolete()
        return found
    found.checks["database"] = "ok"
    if age is None:
        found.checks["worker"] = "missing"
        return found
    seconds = int(age.total_seconds())
    found.worker_heartbeat_age_seconds = seconds
    stale = seconds > settings.MAPA_WORKER_HEARTBEAT_STALE_SECONDS
    found.checks["worker"] = "stale" if stale else "ok"
    return found
