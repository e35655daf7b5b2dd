"""Sync positions and cursors (mapa/exports/sync.py): round trips and refusals."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest

from mapa.exports.sync import BEGINNING, CursorError, Position, position_from_cursor, position_since


@pytest.mark.parametrize(
    "position",
    [
        Position(datetime(2026, 11, 30, 5, 48, 57, 123456, tzinfo=UTC), 123),
        Position(datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), 1),
        Position(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), 2**63 - 1),
        BEGINNING,
    ],
)
def test_a_cursor_names_its_position_to_the_microsecond(position):
    cursor = position.cursor()
    assert cursor.isascii()
    assert "=" not in cursor
    assert position_from_cursor(cursor) == position


def test_positions_order_by_time_then_id():
    moment = datetime(2026, 11, 30, tzinfo=UTC)
    assert (
        Position(moment, 5) < Position(moment, 6) < Position(moment + timedelta(microseconds=1), 1)
    )


def test_updated_since_is_just_before_that_moment():
    warsaw = timezone(timedelta(hours=1))
    since = position_since(datetime(2026, 11, 30, 7, 0, tzinfo=warsaw))
    assert since == Position(datetime(2026, 11, 30, 6, 0, tzinfo=UTC), 0)
    assert since < Position(datetime(2026, 11, 30, 6, 0, tzinfo=UTC), 1)


def encoded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "!!!",
        "a" * 81,
        encoded("v1.12.x"),
        encoded("v1.12"),
        encoded("v1.-99999999999999999.1"),
        encoded("v1.999999999999999999.1"),
        encoded("v1.1.99999999999999999999"),
        encoded("v0.1.1"),
        encoded("v1.1.1 "),
        base64.urlsafe_b64encode(b"\xff\xfe").decode().rstrip("="),
    ],
)
def test_anything_else_is_refused(cursor):
    with pytest.raises(CursorError):
        position_from_cursor(cursor)
