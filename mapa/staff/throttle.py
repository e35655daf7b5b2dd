"""Log-in throttling: after too many failures, refuse further attempts for a while.

Failures are counted in Django's cache (``django.core.cache.cache``, so they
follow ``CACHES``) under two keys:

* the client address and the username: 5 failures within 15 minutes lock
  that username, from that address, for 15 minutes;
* the client address alone: 20 failures within 15 minutes, whatever the
  usernames, lock the address for 15 minutes.

While locked, the password is not even checked: the right one is refused too.
A successful log-in clears its username's count, not the address's, so one
valid account does not buy an attacker fresh guesses at the others. Refused
attempts get an answer at once: a delay would only tie up a worker.

A window starts at its first failure (fixed, not sliding). Addresses are
counted as given by ``client_address``; an IPv6 client is counted by its /64,
which one household or one server usually holds whole.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

FAILURES_PER_USERNAME = 5  # from one client address
FAILURES_PER_ADDRESS = 20  # from one client address, any usernames
WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60

KEY_PREFIX = "mapa:login:"


@dataclass(frozen=True)
class LoginAttempt:
    """Who is trying to log in: the client's address and the username they typed."""

    address: str
    username: str

    @property
    def counters(self) -> tuple[tuple[str, int], ...]:
        """Each counter's cache key (no username or address in clear) and its limit."""
        by_username = _digest(f"{self.address}\0{normalized_username(self.username)}")
        by_address = _digest(self.address)
        return (
            (f"user:{by_username}", FAILURES_PER_USERNAME),
            (f"address:{by_address}", FAILURES_PER_ADDRESS),
        )


def login_attempt(request: HttpRequest | None, username: str) -> LoginAttempt:
    return LoginAttempt(address=client_address(request), username=username)


def seconds_locked(attempt: LoginAttempt) -> int:
    """How long this attempt must wait, in whole seconds; 0 when it may go ahead."""
    now = time.time()
    waits = [
        until - now
        for until in cache.get_many([_lock_key(key) for key, _ in attempt.counters]).values()
        if isinstance(until, int | float)
    ]
    return math.ceil(max(waits, default=0))


def failure_record(attempt: LoginAttempt) -> None:
    """Count a failed log-in; a counter that reaches its limit locks its key."""
    for key, limit in attempt.counters:
        count_key = _count_key(key)
        cache.add(count_key, 0, WINDOW_SECONDS)  # a window starts at its first failure
        try:
            count = cache.incr(count_key)
        except ValueError:  # the window ran out between add and incr
            cache.set(count_key, 1, WINDOW_SECONDS)
            count = 1
        if count >= limit:
            cache.set(_lock_key(key), time.time() + LOCKOUT_SECONDS, LOCKOUT_SECONDS)
            cache.delete(count_key)  # after the lockout, a fresh count


def success_record(attempt: LoginAttempt) -> None:
    """A successful log-in clears its username's failures (the address's stay)."""
    username_key, _ = attempt.counters[0]
    cache.delete(_count_key(username_key))


def normalized_username(username: str) -> str:
    """Usernames differing only in case or Unicode form share one counter."""
    return username.strip().casefold()


def client_address(request: HttpRequest | None) -> str:
    """The client's IP address, as the counters see it.

    Behind ``MAPA_TRUSTED_PROXIES`` reverse proxies, each appending to
    ``X-Forwarded-For``, the client is the entry the outermost trusted proxy
    added; without proxies (the default) it is ``REMOTE_ADDR``. An entry the
    client wrote itself is never believed.
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


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _count_key(key: str) -> str:
    return f"{KEY_PREFIX}failures:{key}"


def _lock_key(key: str) -> str:
    return f"{KEY_PREFIX}locked:{key}"
