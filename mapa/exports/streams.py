"""Unit exports' bytes: streamed from PostGIS by COPY, 64 KiB at a time.

**Plan, then stream.** ``ReportExport`` plans the page at once
(``mapa.exports.selectors.export_plan``: what the cache headers and links
need), and streams it when iterated: one ``COPY (SELECT ...) TO STDOUT`` of the
cases between the page's start and its last case. No transaction is held
between the two (a response that is never read, a HEAD, a 304 leave nothing
open): the stream reads a later snapshot, and that is safe. Below the
watermark no case can appear late, so the stream holds the planned cases minus
any changed since (a change moves a case past the watermark, to be exported
next time); the tag then describes a state that cannot recur, so it never
answers a false 304. The body counts what it really holds (``numberReturned``,
at its end).

**Built in SQL.** Each GeoJSON feature is one ``to_json`` of a row and each
CSV line is COPY's own CSV, so Python only forwards bytes, 64 KiB at a time:
memory stays flat whatever the number of cases (a million cases: the same
peak memory as none). GeoJSON rows come through COPY's CSV mode with a
delimiter and a quote character that JSON text never holds raw (PostgreSQL
escapes every control character in JSON as ``\\u00XX``), so each row is the
feature's JSON, unquoted and unescaped, ending in a newline.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Iterator
from contextlib import nullcontext
from typing import Any

from django.db import connection, transaction

from mapa.exports.selectors import (
    AFTER,
    CSV_HEADER_OPTIONS,
    GEOJSON,
    JOINS,
    RAW_ROWS,
    UP_TO,
    ExportPlan,
    ExportQuery,
    csv_columns_sql,
    export_plan,
    feature_sql,
    where_sql,
)

CHUNK_BYTES = 64 * 1024


def _copy_sql(query: ExportQuery, plan: ExportPlan) -> tuple[str, list[Any]]:
    where, params = where_sql(query.reports)
    end = plan.end or query.start  # an empty page: nothing after the start and up to it
    columns = (
        f"{feature_sql(query.english)} AS feature"
        if query.format == GEOJSON
        else csv_columns_sql(query.english, query.wkt)
    )
    options = RAW_ROWS if query.format == GEOJSON else CSV_HEADER_OPTIONS
    sql = (
        f"COPY (SELECT {columns} FROM reports_report r {JOINS} "
        f"WHERE {where} AND {AFTER} AND {UP_TO} ORDER BY r.updated_at, r.id) "
        f"TO STDOUT WITH ({options})"
    )
    return sql, [*params, query.start.updated_at, query.start.id, end.updated_at, end.id]


def _copied_rows(sql: str, params: list[Any]) -> Iterator[bytes]:
    """COPY's output, one row at a time, as the server sends it.

    A client gone mid-way closes this generator: psycopg then cancels the COPY.
    Within a transaction (a command's, a test's) a savepoint keeps that
    cancellation from spoiling the rest of it.
    """
    inside = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with inside, connection.cursor() as cursor, cursor.cursor.copy(sql, params) as copy:
        for row in copy:
            yield bytes(row)


def geojson_head(plan: ExportPlan, next_url: str | None) -> bytes:
    head = (
        '{"type":"FeatureCollection"'
        f',"cursor":{json.dumps(plan.cursor)}'
        f',"next":{json.dumps(next_url)}'
        ',"features":[\n'
    )
    return head.encode()


def export_chunks(
    query: ExportQuery,
    plan: ExportPlan,
    *,
    next_url: str | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> Generator[bytes, None, None]:
    """The export's bytes in chunks of about 64 KiB; ``on_rows(n)`` after each chunk's n cases."""
    geojson = query.format == GEOJSON
    buffer = bytearray(geojson_head(plan, next_url) if geojson else b"")
    total = 0
    cases = 0 if geojson else -1  # COPY's first CSV row is the header
    separator = b""
    for row in _copied_rows(*_copy_sql(query, plan)):
        buffer += separator
        buffer += row
        if geojson:
            separator = b","
        cases += 1
        if len(buffer) >= CHUNK_BYTES:
            yield bytes(buffer)
            buffer.clear()
            total += _counted(cases, on_rows)
            cases = 0
    if geojson:
        buffer += f'],"numberReturned":{total + cases}}}\n'.encode()
    if buffer:
        yield bytes(buffer)
    _counted(cases, on_rows)


def _counted(cases: int, on_rows: Callable[[int], None] | None) -> int:
    if on_rows is not None and cases:
        on_rows(cases)
    return cases


class ReportExport:
    """An export's page: ``plan`` at once (for the headers), then its bytes when iterated.

    ``close()`` stops a stream cut short (a WSGI server calls it through the
    response when the client has gone): the COPY is cancelled there and then,
    before the connection is handed to the next request.
    """

    def __init__(self, query: ExportQuery, *, next_url: Callable[[str], str] | None = None) -> None:
        self.query = query
        self.plan = export_plan(query)
        self.next_url = (
            next_url(self.plan.end.cursor())
            if next_url is not None and self.plan.has_more and self.plan.end is not None
            else None
        )
        self.on_rows: Callable[[int], None] | None = None

        self._chunks: Generator[bytes, None, None] | None = None

    def __iter__(self) -> Iterator[bytes]:
        self._chunks = export_chunks(
            self.query, self.plan, next_url=self.next_url, on_rows=self.on_rows
        )
        return self._chunks

    def close(self) -> None:
        if self._chunks is not None:
            self._chunks.close()
