"""Run hand-written SQL where GeoDjango cannot express the query.

Mapa builds GeoJSON and does routing inside PostGIS. The statements live next
to the code that needs them; this module only executes them, on the primary, or on
the read replica while a public read is answered (``mapa.core.dbrouting``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from mapa.core.dbrouting import public_read_alias


def _connection() -> BaseDatabaseWrapper:
    return connections[public_read_alias()]


def fetch_one(sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> dict[str, Any] | None:
    with _connection().cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        names = [col.name for col in cursor.description]
        return dict(zip(names, row, strict=True))


def fetch_all(sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[dict[str, Any]]:
    with _connection().cursor() as cursor:
        cursor.execute(sql, params)
        names = [col.name for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def fetch_value(sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
    with _connection().cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        return None if row is None else row[0]
