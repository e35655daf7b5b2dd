"""Typed readers for settings that come from the environment.

Every reader fails fast: a value that is present but malformed raises
``ImproperlyConfigured`` naming the variable, instead of silently falling back
to a default. A default is used only when the variable is absent.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Env:
    """A view of the environment (``os.environ`` unless given) with typed getters."""

    source: Mapping[str, str]

    @classmethod
    def from_os(cls) -> Env:
        return cls(os.environ)

    def has(self, name: str) -> bool:
        return name in self.source

    def string(self, name: str, default: str | None = None) -> str:
        """A text value; an empty one counts as unset (``SECRET_KEY=`` is no key)."""
        value = self.source.get(name)
        if not value:
            if default is None:
                raise ImproperlyConfigured(f"{name} must be set")
            return default
        return value

    def boolean(self, name: str, default: bool) -> bool:
        raw = self.source.get(name)
        if raw is None:
            return default
        lowered = raw.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")

    def integer(self, name: str, default: int, *, minimum: int = 0) -> int:
        raw = self.source.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
        if value < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
        return value

    def strings(self, name: str, default: list[str] | None = None) -> list[str]:
        raw = self.source.get(name)
        if raw is None:
            return list(default or [])
        return [item.strip() for item in raw.split(",") if item.strip()]

    def url(self, name: str, default: str | None = None) -> str:
        """An absolute http(s) URL such as ``https://mapa.gdansk.pl``, without a trailing slash."""
        value = self.string(name, default)
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query:
            raise ImproperlyConfigured(
                f"{name} must be an absolute http(s) URL such as https://mapa.example.org, "
                f"got {value!r}"
            )
        try:
            parts.port  # noqa: B018 (raises on a malformed port)
        except ValueError:
            raise ImproperlyConfigured(f"{name} has an invalid port") from None
        return value.rstrip("/")

    def rates(
        self, name: str, defaults: Mapping[str, str | None]
    ) -> dict[str, tuple[int, int] | None]:
        """Request rates per scope: ``scope=N/period`` pairs, comma-separated.

        ``period`` is ``second``, ``minute``, ``hour`` or ``day`` (or ``s``, ``min``,
        ``h``, ``d``), optionally with a count (``10/15min``); ``off`` lifts the scope's
        limit. Scopes the variable does not name keep ``defaults``; a scope not in
        ``defaults`` is refused. Answers ``(requests, seconds)`` or None (no limit).
        """
        given: dict[str, str | None] = dict(defaults)
        for item in (self.source.get(name) or "").split(","):
            if not item.strip():
                continue
            scope, sep, rate = (part.strip() for part in item.partition("="))
            if not sep or scope not in defaults:
                raise ImproperlyConfigured(
                    f"{name}: {item.strip()!r} must be scope=rate, the scope one of "
                    f"{', '.join(defaults)}"
                )
            given[scope] = rate
        return {scope: _rate(name, scope, rate) for scope, rate in given.items()}

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.source.get(name, default)
        if value not in choices:
            raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}")
        return value


_PERIODS = {
    "s": 1, "sec": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
}  # fmt: skip


def _rate(name: str, scope: str, rate: str | None) -> tuple[int, int] | None:
    if rate is None or rate.lower() == "off":
        return None
    match = re.fullmatch(r"(\d+)\s*/\s*(\d*)\s*([a-z]+)", rate.lower())
    if not match or match[3] not in _PERIODS or int(match[1]) < 1 or int(match[2] or 1) < 1:
        raise ImproperlyConfigured(
            f"{name}: the rate of {scope} must be like 30/hour, 5/10min or off, got {rate!r}"
        )
    return int(match[1]), int(match[2] or 1) * _PERIODS[match[3]]


_DB_SCHEMES = {"postgis", "postgres", "postgresql", "pgsql"}


def database_from_url(
    url: str, *, name: str = "DATABASE_URL", conn_max_age: int = 0
) -> dict[str, Any]:
    """Turn ``postgis://user:password@host:port/dbname`` into a Django DATABASES entry.

    Only PostgreSQL URLs are accepted: Mapa needs PostGIS. An empty host means the
    local Unix socket. ``?sslmode=require`` style query parameters become OPTIONS.
    ``conn_max_age`` is how many seconds a connection is kept for the next request
    (0: closed after each one); kept connections are checked before they are reused.
    """
    parts = urlsplit(url)
    if parts.scheme not in _DB_SCHEMES:
        raise ImproperlyConfigured(
            f"{name} must be a PostgreSQL URL such as postgis://user:password@host:5432/db, "
            f"got scheme {parts.scheme!r}"
        )
    database = unquote(parts.path.lstrip("/"))
    if not database:
        raise ImproperlyConfigured(f"{name} must name a database, e.g. postgis://host/mapa")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has an invalid port") from None
    options = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair)
    return {
        "ENGINE": "django.contrib.gis.db.backends.postgis",
        "NAME": database,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(parts.hostname or ""),
        "PORT": str(port or ""),
        "OPTIONS": options,
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": conn_max_age > 0,
    }


def with_session_settings(database: dict[str, Any], session: Mapping[str, str | int]) -> None:
    """Start every session of ``database`` (a DATABASES entry) with these PostgreSQL settings.

    They go in libpq's ``options`` (``-c name=value``), so they cost no statement: the
    server applies them when the connection opens. An ``options`` the URL gave is kept,
    and a setting it names wins over ``session``.
    """
    given = database["OPTIONS"].get("options", "")
    flags = [f"-c {name}={value}" for name, value in session.items() if f"{name}=" not in given]
    database["OPTIONS"]["options"] = " ".join([*flags, given]).strip()
