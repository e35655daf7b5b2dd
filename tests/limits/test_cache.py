"""The limits' store (mapa/limits/cache.py, and Redis): the cache operations the counters
and the log-in throttle use. tests/limits/test_concurrency.py counts from several
processes at once."""

from __future__ import annotations

import time

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.django_db


def test_add_is_refused_while_the_entry_lives_and_incr_counts_from_it(limits_store):
    assert limits_store.add("count", 0, 60) is True
    assert limits_store.add("count", 5, 60) is False  # kept: a window is not restarted
    assert limits_store.incr("count") == 1
    assert limits_store.incr("count", 4) == 5
    assert limits_store.get("count") == 5
    with pytest.raises(ValueError, match="not found"):
        limits_store.incr("no-such-count")


def test_values_round_trip_and_expire(limits_store):
    limits_store.set("until", 1234567890.25, 60)
    limits_store.set("gone", 1, 60)
    assert limits_store.get_many(["until", "gone", "never-set"]) == {
        "until": 1234567890.25,
        "gone": 1,
    }
    assert limits_store.delete("gone") is True
    assert limits_store.get("gone", "default") == "default"
    limits_store.set("short", 1, 0)  # a timeout of 0 expires at once
    assert limits_store.get("short") is None
    assert not limits_store.has_key("short")


def test_the_table_expires_by_the_clock_and_an_expired_entry_can_be_added_again(
    settings, monkeypatch
):
    # The table's own expiry (Redis expires keys itself, by its clock).
    settings.CACHES = {
        **settings.CACHES,
        "limits": {"BACKEND": "mapa.limits.cache.SharedDatabaseCache", "KEY_PREFIX": "t"},
    }
    store = caches["limits"]
    store.add("count", 0, 60)
    store.incr("count")
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + 61)
    assert store.get("count") is None
    with pytest.raises(ValueError, match="not found"):
        store.incr("count")
    assert store.add("count", 0, 60) is True
    assert store.incr("count") == 1


def test_clear_deletes_only_its_own_prefix(settings):
    table = "mapa.limits.cache.SharedDatabaseCache"
    settings.CACHES = {
        **settings.CACHES,
        "limits": {"BACKEND": table, "KEY_PREFIX": "one"},
        "other": {"BACKEND": table, "KEY_PREFIX": "two"},
    }
    caches["limits"].set("k", 1)
    caches["other"].set("k", 2)
    caches["limits"].clear()
    assert caches["limits"].get("k") is None
    assert caches["other"].get("k") == 2
