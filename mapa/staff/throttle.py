"""Log-in throttling: after too many failures, refuse further attempts for a while.

Failures are counted in ``CACHES["limits"]``, the store every web process
shares (Redis with ``REDIS_URL``, else a PostgreSQL table: ``mapa.limits.cache``),
under two keys:

* the client address and the username: 5 failures within 15 minutes lock
  that username, from that address, for 15 minutes;
* the client address alone: 20 failures within 15 minutes, whatever the
  usernames, lock the address for 15 minutes.

While locked, the password is not even checked: the right one is refused too.
A successful log-in clears its username's count, not the address's, so one
valid account does not buy an attacker fresh guesses at the others. Refused
attempts get an answer at once: a delay would only tie up a worker.

A window starts at its first failure (fixed, not sliding). Addresses are
counted as given by ``client_address`` (``mapa.limits.clients``, which the
rate limits use too); an IPv6 client is counted by its /64, which one household
or one server usually holds whole.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.http import HttpRequest
from redis.exceptions import RedisError

from mapa.limits.clients import client_address

logger = logging.getLogger(__name__)

FAILURES_PER_USERNAME = 5  # from one client address
FAILURES_PER_ADDRESS = 20  # from one client address, any usernames
WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60

KEY_PREFIX = "mapa:login:"

__all__ = ["client_address", "failure_record", "login_attempt", "seconds_locked", "success_record"]


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
    """How long this attempt must wait, in whole seconds; 0 when it may go ahead.

    A Redis that does not answer locks nobody out (logged), as for the API's rate limits
    (``mapa.limits.throttling``): staff can still log in, unthrottled, until it is back.
    """
    now = time.time()
    try:
        locks = caches["limits"].get_many([_lock_key(key) for key, _ in attempt.counters])
    except RedisError:
        logger.warning("The limits' Redis did not answer; a log-in was not checked")
        return 0
    waits = [until - now for until in locks.values() if isinstance(until, int | float)]
    return math.ceil(max(waits, default=0))


def failure_record(attempt: LoginAttempt) -> None:
    """Count a failed log-in; a counter that reaches its limit locks its key."""
    try:
        _count_failure(attempt)
    except RedisError:
        logger.warning("The limits' Redis did not answer; a failed log-in was not counted")


def _count_failure(attempt: LoginAttempt) -> None:
    cache = caches["limits"]
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
    try:
        caches["limits"].delete(_count_key(username_key))
    except RedisError:
        logger.warning("The limits' Redis did not answer; a log-in's failures were not cleared")


def normalized_username(username: str) -> str:
    """Usernames differing only in case or Unicode form share one counter."""
    return username.strip().casefold()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _count_key(key: str) -> str:
    return f"{KEY_PREFIX}failures:{key}"


def _lock_key(key: str) -> str:
    return f"{KEY_PREFIX}locked:{key}"
