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
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse

from mapa.core.i18n import is_english
from mapa.core.sql import fetch_one
from mapa.reports.models import OPEN_STATUSES, ReportStatus

if TYPE_CHECKING:
    from mapa.reports.models import Report

SUMMARY_CHARS = 200

# The index report_open_geog_gist is on exactly this expression (open reports only).
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


# The open reports nearest to the point, by the partial index report_open_geog_gist:
# its ``<->`` ordering (KNN) reads the nearest ``limit`` entries and stops, so the cost
# depends on the limit, not on how many open reports lie within the radius. ``<->`` is
# the distance on the sphere; ``distance_m`` and the final order are on the spheroid (the
# two differ by under 0.5%, so only a near-tie at the last place could go either way).
NEARBY_SQL = f"""
WITH near AS (
    SELECT r.*, ST_Distance({GEOGRAPHY}, here.g) AS distance_m
    FROM (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography AS g) here
    CROSS JOIN LATERAL (
        SELECT r.* FROM reports_report r
        WHERE ST_DWithin({GEOGRAPHY}, here.g, %s)
          AND r.status = ANY(%s) AND NOT r.held
        ORDER BY {GEOGRAPHY} <-> here.g
        LIMIT %s
    ) r
),
features AS (
    SELECT r.distance_m, r.id,
           jsonb_set({FEATURE_SQL}::jsonb, '{{properties,distance_m}}',
                     to_jsonb(round(r.distance_m::numeric, 1))) AS feature
    FROM near r
    {FEATURE_JOINS}
)
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', COALESCE((SELECT json_agg(feature ORDER BY distance_m, id) FROM features),
                         '[]'::json)
)::text AS body
"""


def open_reports_near_geojson(*, lon: float, lat: float, metres: float, limit: int) -> str:
    """Open reports within ``metres`` (on the spheroid) of lon/lat, nearest first.

    Uses the open reports' geography GiST index (``ST_DWithin`` and ``<->``); ``distance_m``
    is in metres.
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


def json_time(moment: datetime) -> str:
    """A time as PostgreSQL writes a ``timestamptz`` in JSON (Django's sessions are in UTC):
    ISO 8601 with the fraction of a second without trailing zeros."""
    text = moment.astimezone(UTC).isoformat()
    if "." not in text:
        return text
    whole, rest = text.split(".")
    fraction, offset = rest[:6].rstrip("0"), rest[6:]
    return f"{whole}.{fraction}{offset}" if fraction else f"{whole}{offset}"


def new_report_feature(report: Report) -> dict[str, Any]:
    """The public Feature of a report ``report_create`` just stored, from what it holds.

    The same properties as ``FEATURE_SQL`` builds in PostgreSQL (a test compares the
    two), without reading the report back: the district and unit are those its routing
    decision named, the photo the first one attached (``report.photos`` in hand).
    """
    before, after = report_url_parts()
    routing = report.routing
    category = report.category
    photo = next(iter(report.photos.all()), None)
    description = report.description
    if len(description) > SUMMARY_CHARS:
        description = description[: SUMMARY_CHARS - 1] + "…"
    x, y = report.location.coords
    return {
        "type": "Feature",
        "id": report.reference,
        "geometry": {"type": "Point", "coordinates": [round(x, 7), round(y, 7)]},
        "properties": {
            "reference": report.reference,
            "url": f"{before}{report.reference}{after}",
            "status": report.status,
            "status_label": str(ReportStatus(report.status).label),
            "is_open": report.status in OPEN_STATUSES,
            "category": {
                "code": category.code,
                "name": category.name_en if is_english() else category.name_pl,
                "icon": category.icon,
            },
            "district": (
                {"slug": routing["district_slug"], "name": routing["district_name"]}
                if report.district_id is not None
                else None
            ),
            "unit": {"code": routing["unit_code"], "name": routing["unit_name"]},
            "description": description,
            "address": report.address,
            "photo_url": settings.MEDIA_URL + photo.image.name if photo else None,
            "thumbnail_url": settings.MEDIA_URL + photo.thumbnail.name if photo else None,
            "created_at": json_time(report.created_at),
            "updated_at": json_time(report.updated_at),
        },
    }
