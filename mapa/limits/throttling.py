"""Rate limits per client on what residents and other systems file.

Each limited endpoint names a scope; ``MAPA_THROTTLE_RATES`` (settings) gives
each scope its rate, ``N`` requests per period:

=================  =====================================================
``reports``        POST /api/reports/ and the resident's no-JS form
``photos``         POST /api/photos/
``open311``        Open311's POST /open311/v2/requests.json
``subscriptions``  follows and area alerts (API and pages)
``sms_inbound``    the SMS gateway's webhook, per calling address
``sms_sender``     texts from one phone number (after the signature check)
``staff``          any of the above by a logged-in or token-holding account
=================  =====================================================

A client is its address (``client_address``: the proxy-aware IP, an IPv6
client by its /64). An authenticated account (a consultant filing phone
reports from the contact centre's one address, an integration) is counted by
the account instead, under the ``staff`` scope's much higher rate, so that the
address's residents and the account do not share a count.

Counting is a fixed window: the count for the current period (periods start
at multiples of the period since the Unix epoch) is incremented atomically in
``CACHES["limits"]`` (``add`` then ``incr``: Redis's ``SET NX`` and ``INCR``,
or one statement each on PostgreSQL, ``mapa.limits.cache``), so N requests
are accepted per period, exactly, however many processes serve them. A refused
request waits until the period ends: DRF answers it with a 429, ``Retry-After``
in whole seconds and ``{"detail": ...}``; pages answer a 429 too, with the
form and a message. Keys hold a digest of the address, not the address.

Should Redis not answer, requests are let through uncounted (and logged): a
limit protects the service, it must not stop residents from reaching it. The
PostgreSQL store fails with the database, which the request needs anyway.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext
from redis.exceptions import RedisError
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from mapa.limits.clients import client_address

logger = logging.getLogger(__name__)

STAFF_SCOPE = "staff"
KEY_PREFIX = "mapa:rate:"
# Entries outlive their period by this much, so that a request that read the clock
# just before the period ended still finds its period's entry to increment.
GRACE_SECONDS = 60


def clock() -> float:
    """Unix seconds: which period a request falls in (tests stop it at a known instant)."""
    return time.time()


class TooManyRequests(Throttled):
    """A 429 whose message (in the request's language) says how long to wait."""

    def __init__(self, wait: int) -> None:
        super().__init__(detail=too_many_requests(wait))
        self.wait = wait


def too_many_requests(seconds: int) -> str:
    if seconds < 120:
        return ngettext(
            "Too many requests from your connection; please try again in %(count)d second.",
            "Too many requests from your connection; please try again in %(count)d seconds.",
            seconds,
        ) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many requests from your connection; please try again in %(count)d minute.",
        "Too many requests from your connection; please try again in %(count)d minutes.",
        minutes,
    ) % {"count": minutes}


def seconds_refused(request: HttpRequest | Request, scope: str, account: Any = None) -> int:
    """Count this request against its client's limit in ``scope``.

    Answers 0 when it may go ahead, else how many seconds its client must wait
    (at least 1). Authenticated accounts (``request.user``, or ``account`` for a
    view that authenticates by itself) count under ``staff``, by account.
    """
    user = account or getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        scope, client = STAFF_SCOPE, f"account:{user.pk}"
    else:
        client = f"address:{client_address(request)}"
    return seconds_refused_for(scope, client)


def seconds_refused_for(scope: str, client: str) -> int:
    """Count one request by ``client`` (any text naming it) in ``scope``; 0 or seconds to wait."""
    rate: tuple[int, int] | None = settings.MAPA_THROTTLE_RATES.get(scope)
    if rate is None:
        return 0
    limit, period = rate
    now = clock()
    window = int(now // period)
    digest = hashlib.sha256(client.encode()).hexdigest()[:32]
    key = f"{KEY_PREFIX}{scope}:{period}:{window}:{digest}"
    try:
        count = _counted(key, period + GRACE_SECONDS)
    except RedisError:
        # Limits are a guard, not the service: a resident's report is taken without them.
        logger.warning("The limits' Redis did not answer; a %s request was not counted", scope)
        return 0
    if count <= limit:
        return 0
    return max(1, math.ceil((window + 1) * period - now))


def _counted(key: str, timeout: int) -> int:
    store = caches["limits"]
    count = 0
    for _attempt in range(3):  # an entry can expire between add and incr only under a stopped clock
        store.add(key, 0, timeout)
        try:
            count = store.incr(key)
            break
        except ValueError:
            continue
    return count


class ClientRateThrottle(BaseThrottle):
    """DRF's throttle for a view's ``throttle_scope``; views without one are not limited.

    A view that authenticates by itself (Open311's ``api_key``) names the account
    with a ``counted_account(request)`` method; None counts by address.

    Only writes are counted (``POST``, ``PUT``, ``PATCH``, ``DELETE``): reading the
    map must never run into a resident's limit. A refusal raises ``TooManyRequests``
    at once, so the answer carries Mapa's own message (DRF's would not be translated).
    """

    counted_methods = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def allow_request(self, request: Request, view: Any) -> bool:
        scope = getattr(view, "throttle_scope", None)
        if not scope or request.method not in self.counted_methods:
            return True
        counted_account = getattr(view, "counted_account", None)
        account = counted_account(request) if counted_account is not None else None
        wait = seconds_refused(request, scope, account)
        if wait:
            raise TooManyRequests(wait)
        return True


def refusal_message(request: HttpRequest, scope: str) -> tuple[int, str] | None:
    """For pages: None when the request may go ahead, else (seconds, the message to show)."""
    wait = seconds_refused(request, scope)
    return (wait, too_many_requests(wait)) if wait else None


def mark_refused(response: HttpResponse, wait: int) -> HttpResponse:
    """A page refused by a limit: status 429 with ``Retry-After``."""
    response.status_code = 429
    response["Retry-After"] = str(wait)
    return response
