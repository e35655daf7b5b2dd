"""The map's cache (mapa/reports/map_cache.py) on Redis, shared by every web process, and
the change counters the triggers keep (migration reports 0009)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from mapa.reports.casework import report_change_status
from mapa.reports.map_cache import CACHE_ALIAS, generation
from mapa.reports.models import Report, ReportStatus
from mapa.reports.tiles import Tile
from tests.reports.test_map_apis import NEPTUNE, shown, tile_of

REDIS = ("127.0.0.1", 6379)
DATABASE = 15  # Redis's last database: the tests' own


def redis_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture
def on_redis() -> Iterator[object]:
    if not redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis

    client = redis.Redis(*REDIS, db=DATABASE)
    client.flushdb()
    location = f"redis://{REDIS[0]}:{REDIS[1]}/{DATABASE}"
    store = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
    with override_settings(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            CACHE_ALIAS: store,
        }
    ):
        yield client  # Django makes its caches anew when CACHES changes
    client.flushdb()


@pytest.mark.django_db
def test_answers_are_kept_in_redis_and_a_write_is_never_served_stale(api, make_report, on_redis):
    report = make_report(lon=NEPTUNE[0], lat=NEPTUNE[1])
    url = tile_of(*NEPTUNE, 13)
    assert shown(api.get(url).json()) == {report.reference}
    assert len(on_redis.keys("*")) == 1  # type: ignore[attr-defined]

    caches[CACHE_ALIAS].close()  # as another process would, with its own connection
    with CaptureQueriesContext(connection) as again:
        assert shown(api.get(url).json()) == {report.reference}
    assert len(again.captured_queries) == 1  # the counters only: the answer came from Redis

    report_change_status(report=report, status=ReportStatus.RESOLVED, public_note="Gotowe.")
    assert shown(api.get(url).json()) == set()
    assert len(on_redis.keys("*")) == 2  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_the_counters_follow_every_kind_of_write(make_report):
    tile = Tile(15, 18081, 10467)  # the Neptune fountain's
    areas = tile.areas()
    start = generation(areas)
    report = make_report(lon=NEPTUNE[0], lat=NEPTUNE[1])
    after_create = generation(areas)
    assert after_create > start
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalogue_category SET icon = icon WHERE code = 'pothole'")
    assert generation(areas) > after_create  # a category's name or icon is on the map
    changed = generation(areas)
    Report.objects.filter(pk=report.pk).delete()
    assert generation(areas) > changed
