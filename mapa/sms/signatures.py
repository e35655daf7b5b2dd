"""The inbound webhook's signature (README, "Notifications": the deaf residents' line).

The gateway (or the small adapter in front of it) signs each call as Mapa signs its own
webhooks: header ``Mapa-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>``, the HMAC keyed
with ``MAPA_SMS_INBOUND_SECRET`` over ``f"{t}."`` followed by the raw request body. A call
is taken when the digest matches (compared in constant time) and ``t`` is within
``MAPA_SMS_INBOUND_TOLERANCE_SECONDS`` of the server's clock: an old call replayed later
fails, and one replayed within the tolerance names a message id already stored, which
adds nothing (mapa/sms/services.py).
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Mapa-Signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verified(
    secret: str, header: str, body: bytes, *, tolerance: int, now: float | None = None
) -> bool:
    """Does ``header`` sign ``body`` with ``secret``, recently enough?"""
    if not secret or not header:
        return False
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
