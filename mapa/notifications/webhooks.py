"""Unit webhooks: the JSON body, its signature, and one HTTP delivery (README "Webhooks").

A delivery is a ``POST`` of the notification's stored ``payload`` (public facts only:
never the reporter's name, e-mail or phone) as compact JSON, with headers:

- ``Mapa-Event``: ``created``, ``updated``, ``rerouted`` or ``resolved``;
- ``Mapa-Delivery``: a UUID, the same on every retry of one delivery (derived from the
  outbox row's idempotency key), so that a receiver can drop a copy;
- ``Mapa-Signature``: ``t=<unix seconds>,v1=<hex HMAC-SHA256>`` with the unit's secret
  over ``f"{t}.{body}"``: the timestamp is signed, so an old delivery replayed later fails
  a receiver's tolerance check.

Any 2xx answer is a success. Anything else (another status, a redirect, which is never
followed, a refused connection, a timeout of ``MAPA_WEBHOOK_TIMEOUT_SECONDS``) raises
``DeliveryFailed``, and the outbox retries with backoff.

SSRF guard: only ``http``/``https`` URLs (validated on the unit, checked again here), no
redirects, and unless ``MAPA_WEBHOOK_ALLOW_PRIVATE`` (default off in production) a host
that resolves to a loopback, private, link-local or otherwise non-global address is
refused. The check resolves the name before connecting, so a DNS answer changing between
the two (rebinding) is not covered: put the worker behind an egress proxy for that.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from mapa.notifications.models import Notification

EVENT_PREFIX = "webhook_"
USER_AGENT = "Mapa-Webhooks/1"


class DeliveryFailed(Exception):
    """The receiver did not take the delivery; ``status_code`` if it answered."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class Delivered:
    status_code: int


def event_type(event: str) -> str:
    """The JSON event type of an outbox event (``webhook_created`` -> ``created``)."""
    return event.removeprefix(EVENT_PREFIX)


def delivery_id(notification: Notification) -> str:
    """A UUID stable across retries, derived from the idempotency key."""
    return str(uuid.UUID(notification.key[:32]))


def body_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Mapa-Signature`` header: ``t=<timestamp>,v1=<hex HMAC-SHA256>``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def check_destination(url: str) -> None:
    """Refuse a URL that is not http(s), or (see the module) resolves to a private address."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise DeliveryFailed("Only http and https webhook URLs are called.")
    if settings.MAPA_WEBHOOK_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise DeliveryFailed(f"Cannot resolve the webhook's host: {error}") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise DeliveryFailed("The webhook's host is not a public address (refused).")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx answer is an HTTPError: a failed try, never followed


_opener = urllib.request.build_opener(_NoRedirects())


def post(notification: Notification) -> Delivered:
    """POST one delivery; returns the status code, or raises ``DeliveryFailed``."""
    unit = notification.unit
    if unit is None or not unit.webhook_secret or notification.payload is None:
        raise DeliveryFailed("The unit or its webhook secret is gone.")
    url = notification.recipient
    check_destination(url)
    body = body_bytes(notification.payload)
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "Mapa-Event": event_type(notification.event),
            "Mapa-Delivery": delivery_id(notification),
            "Mapa-Signature": signature(unit.webhook_secret, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=settings.MAPA_WEBHOOK_TIMEOUT_SECONDS) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(f"HTTP {error.code}", status_code=error.code) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryFailed(f"{type(reason).__name__}: {reason}") from None
    if not 200 <= status < 300:
        raise DeliveryFailed(f"HTTP {status}", status_code=status)
    return Delivered(status_code=status)
