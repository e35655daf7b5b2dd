"""Database faults answered as what they are: a 503 with ``Retry-After``, never a 500.

Two faults are the database's, not the request's, and pass:

* **The database is unavailable**: PostgreSQL stopped, restarting or unreachable (the
  connection is refused, or a kept one was cut). Nothing was half-written: a report is
  filed in one transaction, which either committed (the client got its 201) or did not.
  A kept connection found dead is closed at the end of the request
  (``CONN_HEALTH_CHECKS``), so the service recovers by itself once PostgreSQL is back.
* **A public read took too long**: GET and HEAD of the resident's pages and the public
  API (``dbrouting.PUBLIC_PATHS``) run under ``statement_timeout =
  MAPA_PUBLIC_STATEMENT_TIMEOUT_MS`` (0: no limit), so one heavy bounding box cannot
  hold a connection and a core for long while others wait. PostgreSQL cancels the
  statement; the client is told to try a smaller area or again later. Staff pages and
  APIs, exports, writes, the worker and management commands keep the server's default
  (no limit unless the database or role sets one).

``DatabaseFaults`` is the middleware: it sets the timeout on each connection a request
uses, and turns a fault a view raised into the 503. A fault raised by another middleware
(the session's save) reaches ``handler500``, which asks ``fault_response`` too. APIs get
``{"detail": "..."}``; pages get ``503.html``, rendered without the database.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from mapa.core.dbrouting import PUBLIC_PATHS, SAFE_METHODS
from mapa.core.middleware import is_api_request

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again (the Retry-After header).
RETRY_AFTER_SECONDS = 5
# PostgreSQL's query_canceled: statement_timeout fired (or an administrator cancelled it).
QUERY_CANCELED = "57014"
# The server is shutting down, crashed or cannot take connections yet
# (admin_shutdown, crash_shutdown, cannot_connect_now) and connection exceptions (08...).
UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03"})

# The statement_timeout each live psycopg connection was last set to in this process
# (None: the server's default). A reconnect starts with a new connection, unknown here.
_session_timeouts: weakref.WeakKeyDictionary[Any, int | None] = weakref.WeakKeyDictionary()


def _sqlstate(exc: BaseException) -> str | None:
    return getattr(exc.__cause__, "sqlstate", None)


def fault_of(exc: BaseException | None) -> str | None:
    """``"timeout"``, ``"unavailable"`` or None: is this exception a database fault?"""
    if not isinstance(exc, DatabaseError):
        return None
    state = _sqlstate(exc)
    if state == QUERY_CANCELED:
        return "timeout"
    if isinstance(exc, InterfaceError):  # the connection was already closed
        return "unavailable"
    if isinstance(exc, OperationalError) and (
        state is None or state in UNAVAILABLE_STATES or state.startswith("08")
    ):
        return "unavailable"  # no SQLSTATE: the server never answered (refused, cut)
    return None


def fault_response(request: HttpRequest, exc: BaseException | None) -> HttpResponse | None:
    """The 503 for a database fault, or None for any other exception."""
    fault = fault_of(exc)
    if fault is None:
        return None
    logger.warning("Database %s on %s %s: %s", fault, request.method, request.path, exc)
    if fault == "timeout":
        message = _(
            "This request took too long to answer. Please ask for a smaller area, "
            "or try again in a moment."
        )
    else:
        message = _("The service is briefly unavailable. Please try again in a moment.")
    response: HttpResponse
    if is_api_request(request):
        response = JsonResponse(
            {"detail": message}, status=503, json_dumps_params={"ensure_ascii": False}
        )
    else:
        page = loader.get_template("503.html").render({"message": message})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def is_public_read(request: HttpRequest) -> bool:
    """A resident's page or the public API, read: what the public statement timeout covers."""
    return request.method in SAFE_METHODS and PUBLIC_PATHS.match(request.path) is not None


def _timeout_setter(timeout_ms: int | None) -> Callable[..., Any]:
    """An execute wrapper that gives the connection ``timeout_ms`` before the query runs."""

    def execute(run: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        wrapper = context["connection"]
        raw = wrapper.connection  # psycopg's own: a plain statement, even under .iterator()
        if _session_timeouts.get(raw, None) != timeout_ms:
            value = "DEFAULT" if timeout_ms is None else str(int(timeout_ms))
            if wrapper.in_atomic_block:
                # Inside a transaction a plain SET would be undone by its rollback.
                raw.execute(f"SET LOCAL statement_timeout = {value}")
            else:
                raw.execute(f"SET statement_timeout = {value}")
                _session_timeouts[raw] = timeout_ms
        return run(sql, params, many, context)

    return execute


class DatabaseFaults:
    """Statement timeouts per kind of request, and database faults as 503s (module docstring).

    Placed before ``ReplicaRouting`` so that the replica's own retry sees a failed read first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        public_ms = settings.MAPA_PUBLIC_STATEMENT_TIMEOUT_MS
        timeout_ms = public_ms if public_ms and is_public_read(request) else None
        setter = _timeout_setter(timeout_ms)
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(setter))
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return fault_response(request, exception)
