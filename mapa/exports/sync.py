"""Incremental sync for unit exports: positions, cursors and the watermark.

**Order.** Exports list cases by ``(updated_at, id)``, ascending; the index
``report_updated_id`` serves it. Every change staff or residents make sets a
case's ``updated_at`` (``mapa.reports.casework._bump``, ``auto_now`` on save),
so a case that changed moves to the end of the order, and a job that remembers
where it stopped fetches exactly what changed since, status changes included.

**Position and cursor.** A ``Position`` is a point in that order; a page holds
the cases strictly after its start position. The cursor a response hands out
is the position of the last case it holds (or its start, when it holds none),
written as ``v1.<microseconds since 1970 UTC>.<id>`` in URL-safe base64:
opaque to clients, checked strictly when it comes back (a bad one is a 400
naming ``cursor``), and not signed: crafting one gains nothing that
``updated_since`` does not give, and cursors then survive a SECRET_KEY change.
``updated_since=T`` is the position just before every case changed at T.

**Watermark.** ``updated_at`` is taken when a transaction writes, but other
transactions see the row only once it commits, possibly much later. A cursor
past such a row would skip it for ever. So a response only holds cases changed
before its *watermark*:

    watermark = whole second at or before
                least(now, start of the oldest transaction still open in this database)
                - MAPA_EXPORT_SYNC_LAG_SECONDS

Any change still uncommitted belongs to a transaction that began at or after
that oldest start, so its ``updated_at`` is later than the watermark: it can
only land after every cursor handed out so far. The lag covers what
``xact_start`` cannot: the clock difference between web servers and the
database, and a save whose time is taken in Python just before its statement
starts a transaction. Whole seconds keep ``Last-Modified`` (second precision)
exact: no case can later appear within the second it names.

The cost is freshness, never correctness: a change shows up one lag later, or,
while a long transaction is open (another large export streaming, say), once it
ends. ``pg_stat_activity`` shows ``xact_start`` of sessions of the same database
role (or to roles with ``pg_read_all_stats``); Mapa's web servers and commands
share one role.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Before every case: the start of a full export.
BEGINNING_TIME = datetime(1, 1, 1, tzinfo=UTC)
CURSOR_VERSION = "v1"
_CURSOR_TEXT = re.compile(r"^v1\.(-?\d{1,20})\.(\d{1,19})$")
_MAX_ID = 2**63 - 1

# First: within a transaction PostgreSQL answers pg_stat_activity from the copy it took
# at the first look; this makes the next look a fresh one.
CLEAR_STATISTICS_SQL = "SELECT pg_stat_clear_snapshot()"

# The watermark, in PostgreSQL. Parameter: the lag in seconds. Our own session is left
# out: its own writes are visible to it (in tests, the test's transaction is one).
WATERMARK_SQL = """
SELECT date_trunc('second', least(
    clock_timestamp(),
    (SELECT min(a.xact_start) FROM pg_stat_activity a
     WHERE a.datname = current_database()
       AND a.pid <> pg_backend_pid()
       AND a.backend_type = 'client backend'
       AND a.xact_start IS NOT NULL)
) - make_interval(secs => %s))
"""


class CursorError(ValueError):
    """A cursor this server did not hand out (or one damaged on the way)."""


@dataclass(frozen=True, order=True)
class Position:
    """A point in the export order: after every case with a smaller (updated_at, id)."""

    updated_at: datetime
    id: int

    def cursor(self) -> str:
        micros = (self.updated_at - EPOCH) // timedelta(microseconds=1)
        text = f"{CURSOR_VERSION}.{micros}.{self.id}"
        return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")


BEGINNING = Position(BEGINNING_TIME, 0)


def position_from_cursor(cursor: str) -> Position:
    """The position a cursor names; ``CursorError`` for anything this module did not write."""
    if not cursor or len(cursor) > 80 or not re.fullmatch(r"[A-Za-z0-9_-]+", cursor):
        raise CursorError(_("Not a cursor from this server; start again with updated_since."))
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise CursorError(
            _("Not a cursor from this server; start again with updated_since.")
        ) from None
    match = _CURSOR_TEXT.match(text)
    if match is None:
        raise CursorError(_("Not a cursor from this server; start again with updated_since."))
    micros, case_id = int(match[1]), int(match[2])
    try:
        when = EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        raise CursorError(_("The cursor names an impossible time.")) from None
    if when < BEGINNING_TIME or case_id > _MAX_ID:
        raise CursorError(_("The cursor names an impossible time."))
    return Position(when, case_id)


def position_since(moment: datetime) -> Position:
    """Just before every case changed at ``moment`` or later (``updated_since`` is inclusive)."""
    return Position(moment.astimezone(UTC), 0)
