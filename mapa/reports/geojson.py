"""GeoJSON for reports, built by PostGIS (ST_AsGeoJSON and json aggregation).

Python never loops over report rows here: each function runs one statement
and returns the JSON text that goes to the client as it is.

Every public feature has the same properties (``FEATURE_SQL``), and none of
them is personal data: reporter name, e-mail and phone are never selected.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse

from mapa.core.i18n import is_english
from mapa.core.sql import fetch_one
from mapa.reports.models import OPEN_STATUSES, ReportStatus

SUMMARY_CHARS = 200

# The index report_location_geog_gist is on exactly this expression.
GEOGRAPHY = "r.location::geography(POINT,4326)"

# One public Feature per report row ``r`` joined to category ``c``, district
# ``d`` and unit ``u``. Parameters: see ``feature_params()``.
FEATURE_SQL = f"""
json_build_object(
    'type', 'Feature',
    'id', r.reference,
    'geometry', ST_AsGeoJSON(r.location, 7)::json,
    'properties', json_build_object(
        'reference', r.reference,
        'url', %s || r.reference || %s,
        'status', r.status,
        'status_label', %s::jsonb ->> r.status,
        'is_open', r.status IN ({", ".join(f"'{s.value}'" for s in OPEN_STATUSES)}),
        'category', json_build_object(
            'code', c.code,
            'name', CASE WHEN %s THEN c.name_en ELSE c.name_pl END,
            'icon', c.icon),
        'district', CASE WHEN d.id IS NULL THEN NULL
                    ELSE json_build_object('slug', d.slug, 'name', d.name) END,
        'unit', json_build_object('code', u.code, 'name', u.name),
        'description', CASE WHEN length(r.description) > {SUMMARY_CHARS}
                       THEN left(r.description, {SUMMARY_CHARS - 1}) || '…'
                       ELSE r.description END,
        'address', r.address,
        'photo_url', %s || photo.image,
        'thumbnail_url', %s || photo.thumbnail,
        'created_at', r.created_at,
        'updated_at', r.updated_at
    )
)"""

FEATURE_JOINS = """
JOIN catalogue_category c ON c.id = r.category_id
JOIN catalogue_unit u ON u.id = r.unit_id
LEFT JOIN districts_district d ON d.id = r.district_id
LEFT JOIN LATERAL (
    SELECT p.image, p.thumbnail FROM reports_reportphoto p
    WHERE p.report_id = r.id ORDER BY p.created_at, p.id LIMIT 1
) photo ON TRUE
"""

# The report columns FEATURE_SQL reads: a page of reports selects just these.
FEATURE_COLUMNS = (
    "id",
    "reference",
    "location",
    "status",
    "description",
    "address",
    "created_at",
    "updated_at",
    "category_id",
    "unit_id",
    "district_id",
)


# The URL name of a report's public page (``mapa.web.urls``): the page is the
# report's public address, so its features link to it.
REPORT_PAGE_URL = "web:report"


def report_url_parts() -> tuple[str, str]:
    """What comes before and after the reference in a report page's URL, from the URLconf."""
    marker = "REFERENCE"
    before, after = reverse(REPORT_PAGE_URL, args=[marker]).split(marker)
    return before, after


def feature_params() -> list[Any]:
    """The parameters FEATURE_SQL needs, in the active language."""
    labels = {status.value: str(status.label) for status in ReportStatus}
    return [
        *report_url_parts(),
        json.dumps(labels),
        is_english(),
        settings.MEDIA_URL,
        settings.MEDIA_URL,
    ]


@dataclass(frozen=True)
class FeatureShape:
    """What one feature of a list holds: its SQL, the report columns it reads, its parameters.

    The public shape is ``PUBLIC``; the staff side adds its own properties on top.
    """

    sql: str
    columns: tuple[str, ...]
    params: Callable[[], list[Any]]


PUBLIC = FeatureShape(sql=FEATURE_SQL, columns=FEATURE_COLUMNS, params=feature_params)


def page_of_features(
    page_sql: str, page_params: list[Any], limit: int, shape: FeatureShape = PUBLIC
) -> dict[str, Any]:
    """Features for the reports that ``page_sql`` selects (newest first).

    ``page_sql`` selects ``shape.columns`` of at most ``limit + 1`` reports; the
    extra one only tells whether another page exists. Returns the features as
    JSON text, how many, and the id to continue after.
    """
    sql = f"""
    WITH page AS ({page_sql}),
    features AS (
        SELECT r.id, {shape.sql} AS feature
        FROM (SELECT * FROM page ORDER BY id DESC LIMIT %s) r
        {FEATURE_JOINS}
    )
    SELECT
        COALESCE((SELECT json_agg(feature ORDER BY id DESC) FROM features), '[]'::json)::text
            AS features,
        (SELECT count(*) FROM features) AS returned,
        (SELECT count(*) FROM page) > %s AS has_more,
        (SELECT min(id) FROM features) AS last_id
    """
    row = fetch_one(sql, [*page_params, *shape.params(), limit, limit])
    assert row is not None  # an aggregate always returns a row
    return row


NEARBY_SQL = f"""
WITH here AS (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography AS g),
near AS (
    SELECT r.*, ST_Distance({GEOGRAPHY}, here.g) AS distance_m
    FROM reports_report r, here
    WHERE ST_DWithin({GEOGRAPHY}, here.g, %s)
      AND r.status = ANY(%s)
    ORDER BY distance_m, r.id
    LIMIT %s
),
features AS (
    SELECT r.distance_m,
           jsonb_set({FEATURE_SQL}::jsonb, '{{properties,distance_m}}',
                     to_jsonb(round(r.distance_m::numeric, 1))) AS feature
    FROM near r
    {FEATURE_JOINS}
)
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', COALESCE((SELECT json_agg(feature ORDER BY distance_m) FROM features), '[]'::json)
)::text AS body
"""


def open_reports_near_geojson(*, lon: float, lat: float, metres: float, limit: int) -> str:
    """Open reports within ``metres`` (on the spheroid) of lon/lat, nearest first.

    Uses the geography GiST index through ``ST_DWithin``; ``distance_m`` is in metres.
    """
    statuses = [s.value for s in OPEN_STATUSES]
    row = fetch_one(NEARBY_SQL, [lon, lat, metres, statuses, limit, *feature_params()])
    assert row is not None
    body: str = row["body"]
    return body


def report_feature(report_id: int) -> dict[str, Any]:
    """One report as a public GeoJSON Feature (same properties as in lists)."""
    sql = (
        f"SELECT {FEATURE_SQL}::text AS feature FROM reports_report r {FEATURE_JOINS} "
        "WHERE r.id = %s"
    )
    row = fetch_one(sql, [*feature_params(), report_id])
    assert row is not None
    feature: dict[str, Any] = json.loads(row["feature"])
    return feature
