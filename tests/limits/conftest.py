"""The limits' store, real both ways: Redis at 127.0.0.1:6379 and the PostgreSQL table.

``limits_store`` runs a test once per store. Each run has its own key prefix (and
Redis database 9), so parallel runs and other suites' keys never meet, and it
deletes its keys afterwards. ``frozen_clock`` stops the limits' clock at a known
instant in the current hour, so a test can say exactly what ``Retry-After`` is.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.cache import BaseCache, caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.testcases import LiveServerThread
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mapa.limits import throttling
from mapa.limits.cache import SharedDatabaseCache
from mapa.reports.models import Report

REDIS_URL = "redis://127.0.0.1:6379/9"
REDIS = "django.core.cache.backends.redis.RedisCache"
TABLE = "mapa.limits.cache.SharedDatabaseCache"

# Ten minutes into the current hour: an hour's window has 3000 s left.
FROZEN = (int(time.time()) // 3600) * 3600 + 600
HOUR_LEFT = 3000


@pytest.fixture(params=["postgresql", "redis"])
def limits_store(request: Any, settings: Any) -> Iterator[BaseCache]:
    prefix = f"mapa-test-{uuid.uuid4().hex[:12]}"
    if request.param == "redis":
        store = {"BACKEND": REDIS, "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    else:
        store = {"BACKEND": TABLE, "KEY_PREFIX": prefix}
    settings.CACHES = {**settings.CACHES, "limits": store}
    yield caches["limits"]
    if request.param == "redis":
        connection = redis.Redis.from_url(REDIS_URL)
        for key in connection.scan_iter(match=f"{prefix}:*"):
            connection.delete(key)
        connection.close()
    # The table's rows go with the test's transaction (or the live server's flush).


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(throttling, "clock", lambda: float(FROZEN))
    return FROZEN


def rates(settings: Any, **given: str | tuple[int, int] | None) -> None:
    """Set the limits' rates: ``rates(settings, reports=(2, 3600))``; other scopes off."""
    settings.MAPA_THROTTLE_RATES = {
        scope: given.get(scope) for scope in settings.MAPA_THROTTLE_RATES
    }


@pytest.fixture
def committed(
    django_db_setup: None, django_db_blocker: Any, limits_store: BaseCache
) -> Iterator[None]:
    """For tests whose counting happens in other processes or threads: they commit.

    The reports they file and the table's entries are deleted afterwards; the Gdańsk
    reference data, loaded once per session, stays (a transactional test would flush it).
    """
    with django_db_blocker.unblock():
        name = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
        if not name.startswith("test"):
            pytest.fail(f"these tests need the test database, not {name}")
        last_id = Report.objects.order_by("-id").values_list("id", flat=True).first() or 0
        started = timezone.now()
        try:
            yield
        finally:
            Report.objects.filter(id__gt=last_id).delete()
            DBTaskResult.objects.filter(enqueued_at__gte=started).delete()
            if isinstance(limits_store, SharedDatabaseCache):
                limits_store.clear()  # its own prefix only (Redis's keys: limits_store)
            connections.close_all()


@pytest.fixture
def live_url(committed: None) -> Iterator[str]:
    """A threaded server on 127.0.0.1 serving the test database, for this test."""
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.terminate()
