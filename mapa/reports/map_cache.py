"""Repeated map views from a cache that a write never leaves stale.

Triggers count the changes per map area in the database (``reports_map_generation``,
migration reports 0009): every INSERT, UPDATE, DELETE or TRUNCATE of reports and photos
bumps the areas of the reports it touched, and a change to categories, units or
districts bumps every area. They run in the writing transaction, however the write is
made (API, pages, admin, commands, plain SQL), so a reader sees a new count exactly
when it sees the new rows.

An answer is cached under its question (which tile or box, whose view, which filters,
which language) *and* the sum of its areas' counters, read first in one small query. A
write in the area changes the sum, so the next request misses and computes the answer
afresh; the stale entry is never read again and ages out. The same key is the answer's
``ETag``, so a client's ``If-None-Match`` is answered 304 from that one query.

The store is Django's ``map`` cache: Redis shared by every process when ``REDIS_URL`` is
set, otherwise each process's own memory. Both are correct, because correctness comes
from the counters, not from the store. Entries hold the gzip-compressed body.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import caches

from mapa.core.sql import fetch_value

CACHE_ALIAS = "map"
ENTRY_SECONDS = 60 * 60  # an entry is correct for as long as it is kept; this bounds memory
GZIP_LEVEL = 6

GENERATION_SQL = """
SELECT COALESCE(sum(generation), 0) FROM reports_map_generation
WHERE (zx BETWEEN %s AND %s AND zy BETWEEN %s AND %s) OR (zx = -1 AND zy = -1)
"""


def generation(areas: tuple[int, int, int, int]) -> int:
    """The sum of the change counters of the areas ``(zx0, zx1, zy0, zy1)`` and of the
    counter for every area. It grows with every committed write that touches them."""
    zx0, zx1, zy0, zy1 = areas
    return int(fetch_value(GENERATION_SQL, [zx0, zx1, zy0, zy1]))


@dataclass(frozen=True)
class Answer:
    """A map answer: its gzip-compressed body and its entity tag."""

    gzipped: bytes
    etag: str

    @property
    def body(self) -> bytes:
        return gzip.decompress(self.gzipped)


def entity_tag(text: str) -> str:
    return 'W/"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def key_and_tag(question: str, areas: tuple[int, int, int, int]) -> tuple[str, str]:
    """The cache key of ``question`` as the data stands now, and its ETag."""
    digest = hashlib.sha256(question.encode()).hexdigest()[:40]  # filters can be long
    key = f"mapa:map:{digest}@{generation(areas)}"
    return key, entity_tag(key)


def cached_answer(key: str, etag: str, compute: Callable[[], str]) -> Answer:
    """The answer stored under ``key``, or ``compute()``'s, stored there."""
    store = caches[CACHE_ALIAS]
    gzipped = store.get(key)
    if not isinstance(gzipped, bytes):
        gzipped = gzip.compress(compute().encode(), compresslevel=GZIP_LEVEL, mtime=0)
        store.set(key, gzipped, ENTRY_SECONDS)
    return Answer(gzipped=gzipped, etag=etag)


def uncached_answer(compute: Callable[[], str]) -> Answer:
    """An answer that depends on the clock (``overdue``): computed each time, tagged by
    its content so that an unchanged one is still a 304."""
    body = compute()
    return Answer(
        gzipped=gzip.compress(body.encode(), compresslevel=GZIP_LEVEL, mtime=0),
        etag=entity_tag(body),
    )
