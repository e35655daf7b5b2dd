"""Is a contact banned? As an SQL expression, so that filing a report asks in its own statement."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from mapa.moderation.models import normalized_email, normalized_phone

# True when an active ban names the e-mail, the phone or a network holding the address.
# Parameters: e-mail, phone, address (each normalised, NULL when not given: NULL matches no
# ban). The e-mail and phone lookups read the partial indexes; the ban list is short.
BANNED_SQL = """EXISTS (
    SELECT 1 FROM moderation_ban b
    WHERE (b.expires_at IS NULL OR b.expires_at > now())
      AND (b.email = %s OR b.phone = %s OR %s::inet <<= b.network)
)"""


def banned_sql(
    *, email: str = "", phone: str = "", address: str | None = None
) -> tuple[str, list[Any]]:
    """``BANNED_SQL`` and its parameters for a contact (any part may be empty)."""
    return BANNED_SQL, [
        normalized_email(email) or None,
        normalized_phone(phone) or None,
        valid_address(address),
    ]


def is_banned(*, email: str = "", phone: str = "", address: str | None = None) -> bool:
    """Does an active ban name this e-mail, this phone, or a network holding ``address``?"""
    sql, params = banned_sql(email=email, phone=phone, address=address)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        return bool(cursor.fetchone()[0])


def valid_address(address: str | None) -> str | None:
    """``address`` if it is an IP address, else None."""
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address: ``REMOTE_ADDR``, or behind ``MAPA_TRUSTED_PROXIES`` reverse
    proxies the ``X-Forwarded-For`` entry the outermost trusted one added (an entry the
    client wrote itself is never believed). None when it is not an address."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies: int = settings.MAPA_TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    return valid_address(address)
