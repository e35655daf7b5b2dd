"""Test set-up: a real PostGIS test database holding Gdańsk's real reference data.

The reference data (city, neighbours, 35 districts, units, categories) is
loaded once per session, committed, and shared by every test. Tests that use
the ``db`` fixture run inside a transaction that is rolled back; browser tests
talk to a live server and clean up the reports they create.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.test import APIClient

from mapa.catalogue.citydata import load_city
from mapa.catalogue.models import Category
from mapa.reports.models import Report
from mapa.reports.services import report_create

ROOT = Path(__file__).resolve().parent.parent
GDANSK = ROOT / "fixtures" / "gdansk"
WGS84 = 4326

# Well-known places, [lon, lat] (EPSG:4326).
NEPTUNE_FOUNTAIN = (18.6532, 54.3485)  # Długi Targ, Śródmieście
WRZESZCZ_GORNY = (18.6060, 54.3800)
SOPOT_PIER = (18.5695, 54.4477)
GDYNIA_CENTRE = (18.5365, 54.5189)
GDANSK_BAY = (18.7000, 54.5000)  # at sea, north of the city


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        load_city(GDANSK)
    yield
    with django_db_blocker.unblock():
        _wait_for_the_other_sessions_to_leave()


def _wait_for_the_other_sessions_to_leave(seconds: float = 10) -> None:
    """Before the test database is dropped: the servers and workers tests started have
    exited, but PostgreSQL ends a closed session's backend a moment later, and a drop
    in that moment fails ("being accessed by other users"). One still there after
    ``seconds`` is a leak: it is named in a warning, then ended."""
    from django.db import connection, connections

    connections.close_all()  # this process's own, whatever became of them: a fresh one
    deadline = time.monotonic() + seconds
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, application_name, backend_start, state, left(query, 200)"
                " FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            others = cursor.fetchall()
            if others and time.monotonic() > deadline:
                warnings.warn(f"sessions left open on the test database: {others}", stacklevel=1)
                pids = [pid for pid, *_ in others]
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) pid", [pids]
                )
                others = []
        if not others:
            break
        time.sleep(0.1)
    connections.close_all()


@pytest.fixture(autouse=True)
def _orm_beside_a_running_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the browser tests have started Playwright (a session fixture), its sync API
    keeps an event loop running in this thread until the session ends, and Django would
    refuse every later test's ORM calls as "async-unsafe"; they are ordinary synchronous
    calls. Only then, and only for that test, is the check lifted
    (tests/browser/conftest.py does the same for the browser tests themselves)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_map_cache() -> None:
    """Each test starts with an empty map cache (this process's memory).

    Cached tiles are keyed by the database's change counters. A test's rolled-back
    transaction takes its counters back with it, so the next test could find a tile
    cached for the same counters over different rows; on a server, counters only grow.
    A Redis cache (REDIS_URL) is left alone: clearing it would empty a shared database.
    """
    store = caches["map"]
    if isinstance(store, LocMemCache):
        store.clear()


def point(lon: float, lat: float) -> Point:
    return Point(lon, lat, srid=WGS84)


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def category(db: None) -> Callable[[str], Category]:
    return lambda code: Category.objects.get(code=code)


@pytest.fixture
def make_report(db: None) -> Callable[..., Report]:
    """File a report through the service, as the API would."""

    def make(
        code: str = "pothole",
        lon: float = NEPTUNE_FOUNTAIN[0],
        lat: float = NEPTUNE_FOUNTAIN[1],
        **extra: Any,
    ) -> Report:
        extra.setdefault("description", "Test report")
        return report_create(
            category=Category.objects.get(code=code), location=point(lon, lat), **extra
        )

    return make
