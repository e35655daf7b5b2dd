"""Statistics of reports, each figure computed by PostgreSQL in one statement.

Every selector takes the reports it may count (``Report.objects.all()`` for the
public page, ``visible_reports(user)`` for a unit's staff) and a ``Period``,
and counts only the reports *filed* in it: ``start <= created_at < end``. A
case filed in March and resolved in April belongs to March.

Definitions, in one place:

* **Time to resolve**: ``resolved_at - created_at`` of the cases whose status is
  *resolved*, in hours. Rejected cases and duplicates are not resolutions. The
  median and 90th percentile are ``percentile_cont`` (interpolated between the
  two nearest cases, as a spreadsheet's PERCENTILE.INC does).
* **Past due**: among the cases with a due date (``due_at``, set from the
  category's service deadline when the case was filed) that were resolved or
  are still open, those whose due date passed before they were resolved:
  resolved after ``due_at``, or still open with ``due_at`` before ``now``. A
  case resolved exactly at its due date is on time. Rejected cases and
  duplicates have no resolution time and are left out.
* **Open**: new, accepted or in progress (``OPEN_STATUSES``), now.

No selector returns anything about a person: only codes, names of units,
categories and districts, and numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from mapa.core.i18n import is_english
from mapa.core.sql import fetch_all, fetch_one
from mapa.reports.models import OPEN_STATUSES, Report, ReportStatus

# The district outlines of the choropleth are simplified in EPSG:2180 (metres);
# at city scale 25 m is invisible and keeps the answer small.
CHOROPLETH_SIMPLIFY_METRES = 25.0

# Names are listed in Polish alphabetical order (Ś after S), not the database's byte order.
# PostgreSQL built with ICU (Debian's and the postgis image's are) has this collation.
POLISH_ORDER = 'COLLATE "pl-x-icu"'

_OPEN = [s.value for s in OPEN_STATUSES]
_RESOLVED = ReportStatus.RESOLVED.value


@dataclass(frozen=True)
class Period:
    """A half-open interval of filing times, ``[start, end)``; both aware datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if timezone.is_naive(self.start) or timezone.is_naive(self.end):
            raise ValueError("a statistics period needs aware datetimes")
        if self.end < self.start:
            raise ValueError("a statistics period cannot end before it starts")


class By(StrEnum):
    """What the per-group figures are grouped by."""

    UNIT = "unit"
    CATEGORY = "category"


def _scope(reports: QuerySet[Report], period: Period) -> tuple[str, list[Any]]:
    """The SQL of the reports filed in ``period``, with only the columns statistics read."""
    filed = (
        reports.filter(created_at__gte=period.start, created_at__lt=period.end)
        .order_by()
        .values(
            "id",
            "status",
            "category_id",
            "district_id",
            "unit_id",
            "created_at",
            "resolved_at",
            "due_at",
        )
    )
    sql, params = filed.query.sql_with_params()
    return sql, list(params)


# A group's code and name, for each grouping. ``%s`` is "is English active".
_GROUP_SQL = {
    By.UNIT: (
        "JOIN catalogue_unit g ON g.id = r.unit_id",
        "g.code",
        "g.name",
        f"g.name {POLISH_ORDER}, g.code",
    ),
    By.CATEGORY: (
        "JOIN catalogue_category g ON g.id = r.category_id",
        "g.code",
        "CASE WHEN %s THEN g.name_en ELSE g.name_pl END",
        'g."order", g.code',
    ),
}


def _group_params(by: By) -> list[Any]:
    return [is_english()] if by == By.CATEGORY else []


# ---------------------------------------------------------------- counts


@dataclass(frozen=True)
class CountCell:
    """How many reports of one category, in one status, fell in one district.

    ``district`` is None for reports without a district.
    """

    district: str | None
    district_name: str | None
    category: str
    category_name: str
    status: str
    count: int


@dataclass(frozen=True)
class Count:
    """A count over one key (a category, a district or a status) and a status (or all)."""

    key: str | None
    name: str | None
    status: str | None  # None: every status
    count: int


@dataclass(frozen=True)
class Counts:
    """Reports filed in a period, counted by district, category and status and its margins.

    Every figure comes from one ``GROUP BY GROUPING SETS`` statement; combinations
    with no report are absent rather than zero.
    """

    cells: list[CountCell]
    by_category_status: list[Count]
    by_category: list[Count]
    by_district_status: list[Count]
    by_district: list[Count]
    by_status: list[Count]
    total: int


COUNTS_SQL = """
WITH scope AS ({scope})
SELECT
    GROUPING(d.slug, c.code, r.status) AS rolled_up,
    d.slug AS district, d.name AS district_name,
    c.code AS category, CASE WHEN %s THEN c.name_en ELSE c.name_pl END AS category_name,
    r.status, count(*) AS count
FROM scope r
JOIN catalogue_category c ON c.id = r.category_id
LEFT JOIN districts_district d ON d.id = r.district_id
GROUP BY GROUPING SETS (
    (d.slug, d.name, c.code, c.name_pl, c.name_en, c."order", r.status),
    (c.code, c.name_pl, c.name_en, c."order", r.status),
    (c.code, c.name_pl, c.name_en, c."order"),
    (d.slug, d.name, r.status),
    (d.slug, d.name),
    (r.status),
    ()
)
ORDER BY rolled_up, d.name {order} NULLS LAST, c."order", c.code, array_position(%s, r.status)
"""

# GROUPING(d.slug, c.code, r.status) is a bit mask: 1 where the column is rolled up.
_CELL = 0b000
_CATEGORY_STATUS, _CATEGORY = 0b100, 0b101
_DISTRICT_STATUS, _DISTRICT = 0b010, 0b011
_STATUS, _TOTAL = 0b110, 0b111


def report_counts(reports: QuerySet[Report], period: Period) -> Counts:
    """Reports filed in ``period``, by district, category and status, with the margins."""
    scope, params = _scope(reports, period)
    statuses = [s.value for s in ReportStatus]  # in the workflow's order
    rows = fetch_all(
        COUNTS_SQL.format(scope=scope, order=POLISH_ORDER), [*params, is_english(), statuses]
    )
    by_grouping: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_grouping.setdefault(row["rolled_up"], []).append(row)
    return Counts(
        cells=[
            CountCell(
                district=row["district"],
                district_name=row["district_name"],
                category=row["category"],
                category_name=row["category_name"],
                status=row["status"],
                count=row["count"],
            )
            for row in by_grouping.get(_CELL, [])
        ],
        by_category_status=[
            Count(row["category"], row["category_name"], row["status"], row["count"])
            for row in by_grouping.get(_CATEGORY_STATUS, [])
        ],
        by_category=[
            Count(row["category"], row["category_name"], None, row["count"])
            for row in by_grouping.get(_CATEGORY, [])
        ],
        by_district_status=[
            Count(row["district"], row["district_name"], row["status"], row["count"])
            for row in by_grouping.get(_DISTRICT_STATUS, [])
        ],
        by_district=[
            Count(row["district"], row["district_name"], None, row["count"])
            for row in by_grouping.get(_DISTRICT, [])
        ],
        by_status=[
            Count(row["status"], None, row["status"], row["count"])
            for row in by_grouping.get(_STATUS, [])
        ],
        total=sum(row["count"] for row in by_grouping.get(_TOTAL, [])),
    )


# ---------------------------------------------------------------- time to resolve


@dataclass(frozen=True)
class ResolutionTime:
    """Time to resolve the cases of one unit or category, in hours (rounded to 0.01 h)."""

    code: str
    name: str
    resolved: int  # how many resolved cases the figures are from
    median_hours: float
    p90_hours: float


RESOLUTION_SQL = """
WITH scope AS ({scope}),
took AS (
    SELECT r.*, extract(epoch FROM r.resolved_at - r.created_at) / 3600.0 AS hours
    FROM scope r
    WHERE r.status = %s AND r.resolved_at IS NOT NULL
)
SELECT {code} AS code, {name} AS name, count(*) AS resolved,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY r.hours)::numeric, 2)::float8
           AS median_hours,
       round(percentile_cont(0.9) WITHIN GROUP (ORDER BY r.hours)::numeric, 2)::float8
           AS p90_hours
FROM took r
{join}
GROUP BY g.id
ORDER BY {order}
"""


def resolution_times(reports: QuerySet[Report], period: Period, *, by: By) -> list[ResolutionTime]:
    """Median and 90th percentile time to resolve per unit or category.

    Groups without a resolved case are left out.
    """
    join, code, name, order = _GROUP_SQL[by]
    scope, params = _scope(reports, period)
    sql = RESOLUTION_SQL.format(scope=scope, code=code, name=name, join=join, order=order)
    rows = fetch_all(sql, [*params, _RESOLVED, *_group_params(by)])
    return [ResolutionTime(**row) for row in rows]


# ---------------------------------------------------------------- past due


@dataclass(frozen=True)
class OverdueShare:
    """Of one unit's or category's cases with a due date, how many went past it.

    ``share`` is ``overdue / with_due_date``, from 0 to 1, rounded to 0.0001.
    """

    code: str
    name: str
    with_due_date: int
    overdue: int
    share: float


OVERDUE_SQL = """
WITH scope AS ({scope}),
due AS (
    SELECT r.*,
           (r.status = %s AND r.resolved_at > r.due_at)
           OR (r.status = ANY(%s) AND r.due_at < %s) AS late
    FROM scope r
    WHERE r.due_at IS NOT NULL AND (r.status = %s OR r.status = ANY(%s))
)
SELECT {code} AS code, {name} AS name, count(*) AS with_due_date,
       count(*) FILTER (WHERE r.late) AS overdue,
       round(count(*) FILTER (WHERE r.late)::numeric / count(*), 4)::float8 AS share
FROM due r
{join}
GROUP BY g.id
ORDER BY {order}
"""


def overdue_shares(
    reports: QuerySet[Report], period: Period, *, by: By, now: datetime | None = None
) -> list[OverdueShare]:
    """The share of cases past their due date per unit or category (see the module's definition).

    Groups without a case that has a due date are left out. ``now`` decides
    whether an open case is late (default: the current time).
    """
    join, code, name, order = _GROUP_SQL[by]
    scope, params = _scope(reports, period)
    sql = OVERDUE_SQL.format(scope=scope, code=code, name=name, join=join, order=order)
    late = [_RESOLVED, _OPEN, now or timezone.now()]
    counted = [_RESOLVED, _OPEN]
    rows = fetch_all(sql, [*params, *late, *counted, *_group_params(by)])
    return [OverdueShare(**row) for row in rows]


# ---------------------------------------------------------------- choropleth

OPEN_BY_DISTRICT_SQL = """
WITH scope AS ({scope}),
open AS (
    SELECT r.district_id, count(*) AS n FROM scope r
    WHERE r.status = ANY(%s) GROUP BY r.district_id
)
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', COALESCE(json_agg(json_build_object(
        'type', 'Feature',
        'id', d.slug,
        'geometry', ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(
            ST_Transform(d.geometry, 2180), %s::float8), 4326), 6)::json,
        'properties', json_build_object('slug', d.slug, 'name', d.name, 'open', COALESCE(o.n, 0))
    ) ORDER BY d.name {order}), '[]'::json)
)::text AS body
FROM districts_district d
JOIN districts_city city ON city.id = d.city_id AND city.served
LEFT JOIN open o ON o.district_id = d.id
"""


def open_by_district_geojson(
    reports: QuerySet[Report],
    period: Period,
    *,
    simplify_metres: float = CHOROPLETH_SIMPLIFY_METRES,
) -> str:
    """Each served district as a Feature; ``open`` counts its open cases filed in ``period``.

    Outlines are simplified by ``simplify_metres`` in EPSG:2180 and written in
    EPSG:4326 with 6 decimals (about 0.1 m): a map's picture, never a boundary
    to route by. Districts without an open case have ``open`` 0.
    """
    scope, params = _scope(reports, period)
    row = fetch_one(
        OPEN_BY_DISTRICT_SQL.format(scope=scope, order=POLISH_ORDER),
        [*params, _OPEN, simplify_metres],
    )
    assert row is not None  # an aggregate always returns a row
    body: str = row["body"]
    return body


@dataclass(frozen=True)
class DistrictOpen:
    slug: str
    name: str
    open: int


OPEN_COUNTS_SQL = """
WITH scope AS ({scope})
SELECT d.slug, d.name, count(r.id) AS open
FROM districts_district d
JOIN districts_city city ON city.id = d.city_id AND city.served
LEFT JOIN scope r ON r.district_id = d.id AND r.status = ANY(%s)
GROUP BY d.id
ORDER BY open DESC, d.name {order}
"""


def open_by_district(reports: QuerySet[Report], period: Period) -> list[DistrictOpen]:
    """Open cases filed in ``period`` per served district, most first: the choropleth's figures."""
    scope, params = _scope(reports, period)
    rows = fetch_all(OPEN_COUNTS_SQL.format(scope=scope, order=POLISH_ORDER), [*params, _OPEN])
    return [DistrictOpen(**row) for row in rows]
