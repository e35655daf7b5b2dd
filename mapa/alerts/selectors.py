"""Who is told about a report: its followers, and the area alerts it matches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.gis.db.backends.postgis.adapter import PostGISAdapter
from django.db import connection

from mapa.alerts.models import ACTIVE, AlertKind, AreaAlert, Follow, Match
from mapa.core.geo import WGS84
from mapa.reports.models import Report

# The largest radius an alert may have, in metres. The matching query asks for this
# distance first, which PostgreSQL answers from the alerts' geography index; the
# alert's own radius (a column, which no index can use) then checks the few left.
MAX_RADIUS_M = 5000


@dataclass(frozen=True)
class MatchingAlert:
    id: int
    email: str  # lower-case
    language: str
    frequency: str
    sent_today: int  # immediate alerts it sent today (the cap, services.IMMEDIATE_PER_DAY)


# Written as SQL, not built with the ORM: it runs on every create and every resolution,
# and compiling the ORM's version (a UNION, four subqueries) cost ~6 ms a create in
# Python, more than PostgreSQL takes to answer it (docs/benchmarks.md).
_MATCHING_SQL = """
WITH candidates AS (
    -- Each branch from its own index: circles within the largest radius (the partial
    -- GiST index on the geography) and alerts for the report's district (the through
    -- table's index). A UNION, not an OR, so that PostgreSQL does not read every alert.
    SELECT alert.id
      FROM {alert} alert
     WHERE alert.point IS NOT NULL
       AND ST_DWithin(alert.point::geography(Point, 4326), %(location)s, %(max_radius)s)
    UNION
    SELECT chosen.areaalert_id FROM {districts} chosen WHERE chosen.district_id = %(district)s
)
SELECT alert.id,
       lower(alert.email) AS address,
       alert.language,
       alert.frequency,
       (SELECT count(*)::int
          FROM {match} sent
         WHERE sent.alert_id = alert.id AND sent.day = %(today)s AND sent.immediate) AS sent_today
  FROM {alert} alert
  JOIN candidates USING (id)
 WHERE alert.confirmed_at IS NOT NULL
   AND alert.unsubscribed_at IS NULL
   AND CASE WHEN %(kind)s = 'new' THEN alert.new_reports ELSE alert.resolved_reports END
   -- The alert's own radius (a column no index can use) checks the few candidates.
   AND (ST_DWithin(alert.point::geography(Point, 4326), %(location)s, alert.radius_m)
        OR EXISTS (SELECT FROM {districts} chosen
                    WHERE chosen.areaalert_id = alert.id AND chosen.district_id = %(district)s))
   AND (NOT EXISTS (SELECT FROM {categories} wanted WHERE wanted.areaalert_id = alert.id)
        OR EXISTS (SELECT FROM {categories} wanted
                    WHERE wanted.areaalert_id = alert.id AND wanted.category_id = %(category)s))
 ORDER BY address, alert.frequency DESC, alert.id  -- "immediate" > "daily"
"""


def _matching_sql() -> str:
    return _MATCHING_SQL.strip().format(
        alert=connection.ops.quote_name(AreaAlert._meta.db_table),
        districts=connection.ops.quote_name(AreaAlert.districts.through._meta.db_table),
        categories=connection.ops.quote_name(AreaAlert.categories.through._meta.db_table),
        match=connection.ops.quote_name(Match._meta.db_table),
    )


def matching_alerts(report: Report, kind: AlertKind, *, today: date) -> list[MatchingAlert]:
    """Active area alerts for ``kind`` that ``report`` matches, in ONE query.

    In the area: one of its districts is the report's district (the district the
    routing chose, so a point on a shared border matches as routed), or the report
    lies within ``radius_m`` metres of its point (``ST_DWithin`` on geography: metres
    on the WGS84 spheroid). In its categories, if it chose any. Ordered by address,
    then immediate alerts first, then the oldest.
    """
    location = report.location
    if location.srid != WGS84:
        raise ValueError(f"A report's location must be in EPSG:{WGS84}, not EPSG:{location.srid}")
    parameters: dict[str, Any] = {
        # EWKB with its SRID, cast to geography: metres on the spheroid.
        "location": PostGISAdapter(location, geography=True),
        "max_radius": MAX_RADIUS_M,
        "district": report.district_id,
        "category": report.category_id,
        "today": today,
        "kind": AlertKind(kind).value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_matching_sql(), parameters)
        return [MatchingAlert(*row) for row in cursor.fetchall()]


def active_followers(report: Report) -> list[Follow]:
    """The report's confirmed followers who have not unsubscribed, oldest first."""
    return list(Follow.objects.filter(ACTIVE, report=report).order_by("pk"))


def follower_count(report: Report) -> int:
    """How many confirmed followers a report has (public: a number only)."""
    return Follow.objects.filter(ACTIVE, report=report).count()
