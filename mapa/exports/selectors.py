"""Unit exports read from PostGIS: which cases a page holds, and its SQL.

An export is a set of cases (the caller's visible cases, filtered as the
dispatcher filters them) read in the sync order ``(updated_at, id)``
(``mapa.exports.sync``) from a start position, up to the watermark, and at
most ``limit`` cases when a limit is given (otherwise all of them).

**Plan.** A few cheap statements *plan* the page (``export_plan``: the
watermark; the page's last case, and whether more follow; count, sum of ids and
latest change of the page; the latest change anywhere in the caller's reach),
from which the API answers ``ETag``, ``Last-Modified``, the links and a 304
before reading any case. ``mapa.exports.streams`` then streams the page.

**Properties** are flat, so that a Shapefile, a GeoPackage or a CSV can carry
them: reference, category and category_name, status, district and
district_name, unit and unit_name, created, updated, resolved (ISO 8601, UTC,
microseconds, ``Z``), the full public description, and the address. Never the
reporter's name, e-mail or phone, internal notes or flags: they are not selected.
Coordinates are WGS84 longitude, latitude with at most 7 decimals (about 1 cm),
and GeoJSON carries no ``crs`` member (RFC 7946).

**CSV and spreadsheets.** A text cell that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return would be run as a formula by Excel or
LibreOffice. In the CSV such cells of the free-text and name columns
(category_name, district_name, unit_name, description, address) get a leading
apostrophe (OWASP's advice), which spreadsheets hide; GIS tools show it. The
GeoJSON is left exact, as no spreadsheet opens it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

from mapa.core.sql import fetch_all, fetch_one, fetch_value
from mapa.exports.sync import BEGINNING, CLEAR_STATISTICS_SQL, WATERMARK_SQL, Position
from mapa.reports.models import EventKind, Report

GEOJSON = "geojson"
CSV = "csv"
FORMATS = (GEOJSON, CSV)

# ------------------------------------------------------------------ SQL pieces


def _timestamp(column: str) -> str:
    """ISO 8601 in UTC with microseconds: ``2026-11-30T05:48:57.123456Z`` (NULL stays NULL)."""
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""


# The first characters that make a cell a formula, - = + @ tab CR, as code points.
FORMULA_STARTS = ", ".join(str(ord(c)) for c in "-=+@\t\r")


def _spreadsheet_safe(expression: str) -> str:
    """The text with a leading apostrophe if a spreadsheet would read it as a formula.

    ``ascii()`` reads the first character only; a regular expression converts the whole
    text first (over a million descriptions: seconds more, measured in psql)."""
    return (
        f"CASE WHEN ascii({expression}) IN ({FORMULA_STARTS}) "
        f"THEN '''' || {expression} ELSE {expression} END"
    )


def _category_name(english: bool) -> str:
    return "c.name_en" if english else "c.name_pl"


def _properties(english: bool, text: Callable[[str], str]) -> list[tuple[str, str]]:
    """(name, SQL) of each property, in order; ``text`` wraps the free-text ones."""
    return [
        ("reference", "r.reference"),
        ("category", "c.code"),
        ("category_name", text(_category_name(english))),
        ("status", "r.status"),
        ("district", "d.slug"),
        ("district_name", text("d.name")),
        ("unit", "u.code"),
        ("unit_name", text("u.name")),
        ("created", _timestamp("r.created_at")),
        ("updated", _timestamp("r.updated_at")),
        ("resolved", _timestamp("r.resolved_at")),
        ("description", text("r.description")),
        ("address", text("r.address")),
    ]


PROPERTY_NAMES = [name for name, _ in _properties(False, str)]
CSV_COLUMNS = [*PROPERTY_NAMES, "lon", "lat"]


def feature_sql(english: bool) -> str:
    """One report row ``r`` (with ``c``, ``u``, ``d``) as a GeoJSON Feature, flat properties.

    ``to_json`` of a row writes compact JSON (``json_build_object`` pads every colon).
    """
    properties = ", ".join(f"{sql} AS {name}" for name, sql in _properties(english, str))
    return f"""(SELECT to_json(f) FROM (
    SELECT 'Feature' AS type, r.reference AS id,
           ST_AsGeoJSON(r.location, 7, 0)::json AS geometry,
           (SELECT p FROM (SELECT {properties}) p) AS properties) f)"""


def csv_columns_sql(english: bool, wkt: bool) -> str:
    """The CSV's columns for a report row ``r``, named as in the header."""
    columns = [f"{sql} AS {name}" for name, sql in _properties(english, _spreadsheet_safe)]
    columns += [
        "round(ST_X(r.location)::numeric, 7) AS lon",
        "round(ST_Y(r.location)::numeric, 7) AS lat",
    ]
    if wkt:
        columns.append("ST_AsText(r.location, 7) AS wkt")
    return ",\n    ".join(columns)


JOINS = """
JOIN catalogue_category c ON c.id = r.category_id
JOIN catalogue_unit u ON u.id = r.unit_id
LEFT JOIN districts_district d ON d.id = r.district_id
"""

# The sync order's range: strictly after the start, up to and including the end.
AFTER = "(r.updated_at, r.id) > (%s, %s)"
UP_TO = "(r.updated_at, r.id) <= (%s, %s)"

# COPY's CSV mode with separators JSON text never holds raw: each row is the JSON as it is.
RAW_ROWS = "FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01'"
CSV_HEADER_OPTIONS = "FORMAT csv, HEADER true, ENCODING 'UTF8'"

# Everything that names things in an export: renaming a category or a unit changes it.
NAMES_DIGEST_SQL = """
SELECT md5(
  (SELECT coalesce(string_agg(code || '|' || name_pl || '|' || name_en, ',' ORDER BY id), '')
   FROM catalogue_category)
  || (SELECT coalesce(string_agg(code || '|' || name, ',' ORDER BY id), '') FROM catalogue_unit)
  || (SELECT coalesce(string_agg(slug || '|' || name, ',' ORDER BY id), '')
      FROM districts_district))
"""


def where_sql(reports: QuerySet[Report]) -> tuple[str, list[Any]]:
    """A condition on ``r`` selecting the rows of ``reports`` (TRUE when unfiltered)."""
    if reports.query.is_empty():
        return "FALSE", []
    if not reports.query.where:
        return "TRUE", []
    try:
        sql, params = reports.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:
        return "FALSE", []
    return f"r.id IN ({sql})", list(params)


# ------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class ExportQuery:
    """What to export: the cases, from where, how many, in which shape and language.

    ``reports`` is already scoped and filtered; ``reach`` is everything the
    caller may see (its latest change dates the export), and ``reach_units``
    the units whose cases the caller sees (a case re-routed away from them
    leaves the export: that is a change too). Empty for callers who see all.
    """

    reports: QuerySet[Report]
    reach: QuerySet[Report]
    reach_units: tuple[int, ...] = ()
    format: str = GEOJSON
    wkt: bool = False
    start: Position = BEGINNING
    limit: int | None = None
    english: bool = False


@dataclass(frozen=True)
class ExportPlan:
    """A page of an export, before its bytes: enough for the cache headers and the links."""

    watermark: datetime
    returned: int
    id_sum: int
    latest: datetime | None  # latest change within the page
    end: Position | None  # the page's last case
    has_more: bool  # more cases follow the page now (a limit cut it)
    reach_changed: datetime | None  # latest change the caller could see, up to the watermark
    names: str
    start: Position = field(default=BEGINNING)

    @property
    def cursor(self) -> str | None:
        """Where the next call resumes: after the page's last case (or where this one began)."""
        resume = self.end or self.start
        return None if resume == BEGINNING else resume.cursor()

    @property
    def last_modified(self) -> datetime | None:
        """The second after the latest change in the caller's reach (all before it are final).

        The watermark is a whole second later than every change counted, so no
        change can still arrive within or before the second this names.
        """
        if self.reach_changed is None:
            return None
        return self.reach_changed.replace(microsecond=0) + timedelta(seconds=1)

    def etag(self, identity: str) -> str:
        """A strong entity tag: the request (``identity``: URL, caller, language) and the data."""
        state = [
            identity,
            self.returned,
            self.id_sum,
            self.latest.isoformat() if self.latest else None,
            self.end.cursor() if self.end else None,
            self.start.cursor(),
            self.has_more,
            self.reach_changed.isoformat() if self.reach_changed else None,
            self.names,
        ]
        digest = hashlib.sha256(json.dumps(state).encode()).hexdigest()[:40]
        return f'"{digest}"'


def _end_of_page(query: ExportQuery, watermark: datetime) -> tuple[Position | None, bool]:
    """The page's last case (None when empty), and whether more follow it now."""
    where, params = where_sql(query.reports)
    base = (
        f"SELECT r.updated_at, r.id FROM reports_report r "
        f"WHERE {where} AND r.updated_at < %s AND {AFTER} "
    )
    base_params = [*params, watermark, query.start.updated_at, query.start.id]
    if query.limit is not None:
        rows = fetch_all(
            base + "ORDER BY r.updated_at, r.id OFFSET %s LIMIT 2",
            [*base_params, query.limit - 1],
        )
        if rows:
            return Position(rows[0]["updated_at"], rows[0]["id"]), len(rows) > 1
    last = fetch_one(base + "ORDER BY r.updated_at DESC, r.id DESC LIMIT 1", base_params)
    return (Position(last["updated_at"], last["id"]), False) if last else (None, False)


def _reach_changed(query: ExportQuery, watermark: datetime) -> datetime | None:
    """The latest change among the cases the caller may see, or re-routed away from them."""
    where, params = where_sql(query.reach)
    sql = f"SELECT max(r.updated_at) FROM reports_report r WHERE {where} AND r.updated_at < %s"
    changed: datetime | None = fetch_value(sql, [*params, watermark])
    if query.reach_units:
        units = list(query.reach_units)
        left: datetime | None = fetch_value(
            """SELECT max(e.created_at) FROM reports_reportevent e
               JOIN catalogue_unit fu ON fu.id = e.from_unit_id
               WHERE e.kind = %s AND e.created_at < %s
                 AND (fu.id = ANY(%s) OR fu.parent_id = ANY(%s))""",
            [EventKind.REROUTED.value, watermark, units, units],
        )
        changed = max(filter(None, [changed, left]), default=None)
    return changed


def export_plan(query: ExportQuery) -> ExportPlan:
    """Plan the page ``query`` asks for: its extent, and what its cache headers need."""
    fetch_value(CLEAR_STATISTICS_SQL)
    watermark: datetime = fetch_value(WATERMARK_SQL, [settings.MAPA_EXPORT_SYNC_LAG_SECONDS])
    end, has_more = _end_of_page(query, watermark)
    returned, id_sum, latest = 0, 0, None
    if end is not None:
        where, params = where_sql(query.reports)
        row = fetch_one(
            f"SELECT count(*) AS n, coalesce(sum(r.id), 0) AS s, max(r.updated_at) AS m "
            f"FROM reports_report r WHERE {where} AND {AFTER} AND {UP_TO}",
            [*params, query.start.updated_at, query.start.id, end.updated_at, end.id],
        )
        assert row is not None  # an aggregate always answers a row
        returned, id_sum, latest = row["n"], int(row["s"]), row["m"]
    return ExportPlan(
        watermark=watermark,
        returned=returned,
        id_sum=id_sum,
        latest=latest,
        end=end,
        has_more=has_more,
        reach_changed=_reach_changed(query, watermark),
        names=fetch_value(NAMES_DIGEST_SQL),
        start=query.start,
    )
