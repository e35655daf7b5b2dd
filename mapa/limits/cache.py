"""A Django cache backend in one PostgreSQL table, for counters every process shares.

Rate limits and the log-in throttle count in ``CACHES["limits"]``. With
``REDIS_URL`` that is Redis (Django's ``RedisCache``: ``add`` is ``SET NX``,
``incr`` is ``INCR``, both atomic in the server). Without Redis the counts must
still be shared by every web process, on every machine, and counted exactly
under concurrency, so they cannot be per process (locmem) or per machine (a
file cache). Django's ``DatabaseCache`` is shared but not exact: its ``incr``
reads the value, adds in Python and writes it back, so two processes that read
the same count both write count + 1 and a hit is lost.

This backend keeps its entries in ``limits_entry`` (``mapa.limits.models.Entry``)
and makes each operation one statement, so PostgreSQL's row locks make it
atomic without any transaction of our own:

* ``add``: ``INSERT ... ON CONFLICT (key) DO UPDATE ... WHERE <expired>
  RETURNING``: it creates the entry, or takes over an expired one, or does
  nothing, and says which;
* ``incr``: ``UPDATE ... SET value = value + delta ... RETURNING value``: two
  concurrent increments queue on the row, and each sees the other's result.

Values are JSON (numbers, strings, lists, mappings): this is a store for
counters and small values, not a general cache. Expiry times are Unix seconds
from this process's clock (``time.time()``), as in Django's own ``DatabaseCache``,
so web servers' clocks should agree (NTP). Expired entries are deleted now and
then (about every 100th write), by an indexed ``DELETE``. Statements go to the
database the router names for writes (the primary, never a replica).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import connections, router

from mapa.limits.models import Entry

TABLE = Entry._meta.db_table
LIVE = "(expires IS NULL OR expires > %s)"
CULL_ONE_IN = 100


class SharedDatabaseCache(BaseCache):
    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)

    def _execute(self, sql: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
        with connections[router.db_for_write(Entry)].cursor() as cursor:
            cursor.execute(sql, list(params))
            return list(cursor.fetchall()) if cursor.description else []

    def _cull(self) -> None:
        if random.randrange(CULL_ONE_IN) == 0:  # noqa: S311 (not security)
            self._execute(f"DELETE FROM {TABLE} WHERE expires <= %s", [time.time()])

    def add(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        self._cull()
        rows = self._execute(
            f"INSERT INTO {TABLE} AS e (key, value, expires) VALUES (%s, %s::jsonb, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires "
            "WHERE e.expires IS NOT NULL AND e.expires <= %s RETURNING 1",
            [key, json.dumps(value), self.get_backend_timeout(timeout), time.time()],
        )
        return bool(rows)

    def set(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        self._cull()
        self._execute(
            f"INSERT INTO {TABLE} (key, value, expires) VALUES (%s, %s::jsonb, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires",
            [key, json.dumps(value), self.get_backend_timeout(timeout)],
        )

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        rows = self._execute(
            f"SELECT value FROM {TABLE} WHERE key = %s AND {LIVE}", [key, time.time()]
        )
        return _loaded(rows[0][0]) if rows else default

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        made = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not made:
            return {}
        rows = self._execute(
            f"SELECT key, value FROM {TABLE} WHERE key = ANY(%s) AND {LIVE}",
            [list(made), time.time()],
        )
        return {made[key]: _loaded(value) for key, value in rows}

    def touch(
        self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        rows = self._execute(
            f"UPDATE {TABLE} SET expires = %s WHERE key = %s AND {LIVE} RETURNING 1",
            [self.get_backend_timeout(timeout), key, time.time()],
        )
        return bool(rows)

    def delete(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return bool(self._execute(f"DELETE FROM {TABLE} WHERE key = %s RETURNING 1", [key]))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return bool(
            self._execute(f"SELECT 1 FROM {TABLE} WHERE key = %s AND {LIVE}", [key, time.time()])
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Add ``delta`` to a live integer entry, atomically; ValueError if there is none."""
        made = self.make_and_validate_key(key, version=version)
        rows = self._execute(
            f"UPDATE {TABLE} SET value = to_jsonb((value #>> '{{}}')::bigint + %s) "
            f"WHERE key = %s AND {LIVE} AND jsonb_typeof(value) = 'number' RETURNING value",
            [delta, made, time.time()],
        )
        if not rows:
            raise ValueError(f"Key '{key}' not found")
        return int(_loaded(rows[0][0]))

    def clear(self) -> None:
        """Delete this cache's entries (those under its ``KEY_PREFIX``)."""
        if self.key_prefix:
            self._execute(
                f"DELETE FROM {TABLE} WHERE starts_with(key, %s)", [f"{self.key_prefix}:"]
            )
        else:
            self._execute(f"DELETE FROM {TABLE}", [])


def _loaded(value: Any) -> Any:
    """jsonb comes back as text from Django's connections (it parses JSONField itself)."""
    return json.loads(value) if isinstance(value, str | bytes) else value
