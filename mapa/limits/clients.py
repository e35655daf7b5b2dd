"""Who a client is, for counting: its IP address (an IPv6 client by its /64)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    """The client's IP address, as the counters see it.

    Behind ``MAPA_TRUSTED_PROXIES`` reverse proxies, each appending to
    ``X-Forwarded-For``, the client is the entry the outermost trusted proxy
    added; without proxies (the default) it is ``REMOTE_ADDR``. An entry the
    client wrote itself is never believed. An IPv6 client is counted by its
    /64, which one household or one server usually holds whole.
    """
    if request is None:
        return "unknown"
    address = request.META.get("REMOTE_ADDR", "")
    proxies: int = settings.MAPA_TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    return _counted_address(address)


def _counted_address(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)
