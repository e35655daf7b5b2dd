"""Public reads from a hot-standby replica; everything else from the primary.

With ``REPLICA_DATABASE_URL`` set, settings add a ``replica`` database, the router
``PublicReadsToReplica`` and the middleware ``ReplicaRouting`` (docs/scaling.md). The
rule is conservative: a read goes to the replica only when all of these hold.

* It happens while a **public read** is answered: a GET or HEAD of a resident's page or
  of the public API (``PUBLIC_PATHS``), without an ``Authorization`` header, an
  Open311 ``api_key`` or a log-in session (staff), from a client that has not written in
  the last ``MAPA_REPLICA_PIN_SECONDS`` (the ``mapa_primary`` cookie every write sets).
  Staff pages and APIs, exports, the admin, every write, management commands and the
  worker read the primary.
* It reads a table of the public apps (``PUBLIC_APPS``): reports, the catalogue,
  districts, places. Sessions, accounts, tokens, tasks and the outbox are always read
  from the primary, so that a log-in is never lost to replication lag.
* No transaction is open on the primary (``atomic``): what a transaction reads must be
  what it writes.
* The replica answers. It is connected to (``connect_timeout``, 2 s unless the URL says)
  and, with kept connections, health-checked once per request; one that does not answer
  is marked down for ``MAPA_REPLICA_RETRY_SECONDS`` in this process, and reads go to the
  primary meanwhile, so each request does not pay the timeout again.

A public read the replica answered with a 404 (a report filed a moment ago that has not
arrived yet) or that failed on it (the replica went away mid-request, or cancelled the
query in a conflict with recovery) is answered again from the primary: read-your-writes
for clients that keep no cookie, and no 500 for a replica's fault.

Hand-written SQL (``mapa.core.sql``) asks ``public_read_alias()`` the same question.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponseBase

logger = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
# Set on every response to a write; while the client sends it back, it reads the primary.
PIN_COOKIE = "mapa_primary"

# The apps whose tables public pages and APIs read.
PUBLIC_APPS = frozenset({"districts", "catalogue", "reports", "places"})
# The resident's pages and the public API. Anything else (/staff/, /api/staff/,
# /api/exports/, /admin/, ...) reads the primary.
PUBLIC_PATHS = re.compile(
    r"^/(?:$|r/|stats/|api/(?:reports|categories|districts|places|routing)/|open311/v2/)"
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# PostgreSQL's serialization_failure: how a hot standby cancels a query that conflicts
# with the WAL it replays ("canceling statement due to conflict with recovery").
RECOVERY_CONFLICT = "40001"


@dataclass
class _Read:
    """One request's routing: may it use the replica, did it, did the replica fail it."""

    replica_allowed: bool
    replica_ok: bool | None = None  # checked once per request, on the first public read
    used_replica: bool = False
    replica_failed: bool = False


_request: ContextVar[_Read | None] = ContextVar("mapa_replica_request", default=None)
_down_until = 0.0  # monotonic time until which this process leaves the replica alone


def mark_replica_down(reason: object) -> None:
    global _down_until
    seconds = settings.MAPA_REPLICA_RETRY_SECONDS
    _down_until = time.monotonic() + seconds
    connections[REPLICA].close()
    logger.warning("Read replica unusable (%s); reading from the primary for %s s", reason, seconds)


def replica_reachable() -> bool:
    """Is the replica connected and answering? Marks it down for a while if not."""
    if time.monotonic() < _down_until:
        return False
    replica = connections[REPLICA]
    try:
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except DatabaseError as exc:
        mark_replica_down(exc)
        return False
    return True


def _replica_for_this_read() -> bool:
    read = _request.get()
    if read is None or not read.replica_allowed:
        return False
    if connections[PRIMARY].in_atomic_block:
        return False
    if read.replica_ok is None:
        read.replica_ok = replica_reachable()
    read.used_replica = read.used_replica or read.replica_ok
    return read.replica_ok


def public_read_alias() -> str:
    """The database that hand-written SQL of a public read runs on right now."""
    return REPLICA if _replica_for_this_read() else PRIMARY


class PublicReadsToReplica:
    """Django's database router (settings.DATABASE_ROUTERS when a replica is configured)."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        if model._meta.app_label in PUBLIC_APPS and _replica_for_this_read():
            return REPLICA
        return PRIMARY

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


def is_public_read(request: HttpRequest) -> bool:
    return (
        request.method in SAFE_METHODS
        and PUBLIC_PATHS.match(request.path) is not None
        and "HTTP_AUTHORIZATION" not in request.META
        and "api_key" not in request.GET
        and PIN_COOKIE not in request.COOKIES
        and settings.SESSION_COOKIE_NAME not in request.COOKIES  # staff who logged in
    )


class ReplicaRouting:
    """Decides, per request, whether public reads may use the replica (module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_public_read(request):
            response = self._answer(request, _Read(replica_allowed=False))
            if request.method not in SAFE_METHODS:
                self._pin(request, response)
            return response
        read = _Read(replica_allowed=True)
        response = self._answer(request, read)
        if read.used_replica and response.status_code >= 500 and not read.replica_failed:
            # Was it the replica's fault? Reconnect to see (a failure marks it down).
            connections[REPLICA].close()
            read.replica_failed = not replica_reachable()
        if read.used_replica and (response.status_code == 404 or read.replica_failed):
            response = self._answer(request, _Read(replica_allowed=False))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """A query the replica cancelled in a conflict with recovery: retry on the primary."""
        read = _request.get()
        if read is not None and read.used_replica and isinstance(exception, DatabaseError):
            sqlstate = getattr(exception.__cause__, "sqlstate", None)
            read.replica_failed = read.replica_failed or sqlstate == RECOVERY_CONFLICT

    def _answer(self, request: HttpRequest, read: _Read) -> HttpResponseBase:
        token = _request.set(read)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)

    def _pin(self, request: HttpRequest, response: HttpResponseBase) -> None:
        response.set_cookie(
            PIN_COOKIE,
            "1",
            max_age=settings.MAPA_REPLICA_PIN_SECONDS,
            secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
