"""Answer a request once per Idempotency-Key, and replay that answer to its retries.

The key is claimed in the same transaction as the request's own write, by the statement
that stores the answer (``CLAIM_SQL``): a crash leaves neither a write without its key
nor a key without its write. Concurrent requests with one key cannot both write: the
unique (scope, key) index makes the second claim wait for the first transaction; once
it commits, the second finds the key taken, rolls its own work back and replays the
first answer (so a retry sent while the first is still in flight waits for it, and is
never a second write). If the first rolls back, the second's claim goes through.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, overload

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from mapa.idempotency.models import IdempotencyKey


@dataclass(frozen=True)
class Outcome:
    """An answer: its status, content type and body, as sent; ``replayed`` for a retry's."""

    status: int
    content_type: str
    body: str
    replayed: bool = False


class KeyReused(Exception):
    """The key was used for another request (another body, path or method)."""


class KeyPending(Exception):
    """The key's first request is claimed but its answer cannot be read (it has just expired)."""


def request_hash(*, scope: str, method: str, path: str, data: Any) -> str:
    """SHA-256 of the request as parsed: equal for the same JSON in any key order or spacing."""
    canonical = json.dumps(
        [scope, method.upper(), path, data],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _cutoff(now: datetime | None = None) -> datetime:
    """Keys created before this have expired."""
    return (now or timezone.now()) - timedelta(hours=settings.MAPA_IDEMPOTENCY_KEY_HOURS)


def _stored(scope: str, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(scope=scope, key=key, created_at__gte=_cutoff()).first()


# Store the answer under (scope, key) unless a live key holds it; an expired key's row is
# taken over. RETURNING answers a row only when this request claimed the key.
CLAIM_SQL = """
INSERT INTO idempotency_idempotencykey
    (scope, key, request_hash, status, content_type, body, created_at)
VALUES (%s, %s, %s, %s, %s, %s, now())
ON CONFLICT (scope, key) DO UPDATE SET
    request_hash = EXCLUDED.request_hash, status = EXCLUDED.status,
    content_type = EXCLUDED.content_type, body = EXCLUDED.body, created_at = EXCLUDED.created_at
WHERE idempotency_idempotencykey.created_at < %s
RETURNING id
"""


def _claim(scope: str, key: str, fingerprint: str, outcome: Outcome) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            CLAIM_SQL,
            [
                scope,
                key,
                fingerprint,
                outcome.status,
                outcome.content_type,
                outcome.body,
                _cutoff(),
            ],
        )
        return cursor.fetchone() is not None


class _Taken(Exception):
    """Raised inside the transaction to roll back a request whose key another one claimed."""


def _replay(stored: IdempotencyKey, fingerprint: str) -> Outcome:
    if stored.request_hash != fingerprint:
        raise KeyReused
    return Outcome(stored.status, stored.content_type, stored.body, replayed=True)


@overload
def respond_once(
    *, scope: str, key: str, fingerprint: str, perform: Callable[[], Outcome]
) -> Outcome: ...


@overload
def respond_once(
    *, scope: str, key: str, fingerprint: str, perform: Callable[[], Outcome | None]
) -> Outcome | None: ...


def respond_once(
    *, scope: str, key: str, fingerprint: str, perform: Callable[[], Outcome | None]
) -> Outcome | None:
    """``perform()`` once for (``scope``, ``key``), or the answer it gave.

    ``perform`` does the request's writes and returns its answer; it runs inside this
    function's transaction. An exception from it rolls everything back and stores
    nothing, so the key stays free; so does None (a refusal whose writes stand, such as
    a page form's uploaded photo), answered as None. Raises ``KeyReused`` when the key
    holds another request's answer (``fingerprint``: ``request_hash``). Costs one
    statement before ``perform`` (the lookup) and one after it (the claim).
    """
    stored = _stored(scope, key)
    if stored is not None:
        return _replay(stored, fingerprint)
    try:
        with transaction.atomic():
            outcome = perform()
            if outcome is not None and not _claim(scope, key, fingerprint, outcome):
                raise _Taken
    except _Taken:
        stored = _stored(scope, key)
        if stored is None:
            raise KeyPending from None
        return _replay(stored, fingerprint)
    return outcome


def keys_expire(*, now: datetime | None = None) -> int:
    """Delete the keys older than ``MAPA_IDEMPOTENCY_KEY_HOURS``; how many were deleted."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=_cutoff(now)).delete()
    return deleted
