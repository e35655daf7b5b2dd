"""What a briefing map shows, read in SQL: a unit's or a district's cases, their outline, a legend.

The scope is a unit (``unit=<code>``, its district offices' cases included, as in the
dispatcher's filters) or a district (``district=<slug>``), or both (that unit's cases in
that district), narrowed by the dispatcher's other filters (``mapa.staff.filters``), open
cases unless ``status`` says otherwise. The filters only narrow what the caller may see
(``mapa.staff.access.visible_reports``): a unit's staff asking for another unit get an
empty map, exactly as the staff list answers them, never another unit's case.

PostGIS builds every piece of GeoJSON (``ST_AsGeoJSON``, ``json_agg``): the pins are one
statement over the public feature of ``mapa.reports.geojson`` (no contact data exists
in it), each pin carrying its category's colour; the outline is the district, or for a
unit the districts its pins are in (the served city's boundary when it has none).
Coordinates are WGS84 longitude/latitude (EPSG:4326), pins to 7 decimals (~1 cm),
outlines to 6 (~0.1 m).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mapa.catalogue.models import Category, Unit
from mapa.core.i18n import is_english, localized
from mapa.core.sql import fetch_one
from mapa.districts.models import District
from mapa.reports.geojson import FEATURE_JOINS, FEATURE_SQL, feature_params
from mapa.reports.models import OPEN_STATUSES, PUBLIC_REPORTS, Report
from mapa.staff.access import visible_reports
from mapa.staff.filters import StaffReportFilter
from mapa.staff.roles import AnyUser

# The newest this many cases are drawn; a map says when it shows fewer than match.
MAX_PINS = 20_000

# Kelly's colours of maximum contrast (without white and black), one per category in the
# catalogue's order: every category keeps its colour on every map while there are at most
# as many categories as colours (17 today). Each is drawn with a dark outline.
PALETTE = (
    "#BE0032", "#0067A5", "#F38400", "#008856", "#875692", "#F3C300", "#882D17",
    "#A1CAF1", "#E68FAC", "#8DB600", "#604E97", "#F99379", "#B3446C", "#DCD300",
    "#654522", "#E25822", "#2B3D26", "#C2B280", "#848482", "#F6A600",
)  # fmt: skip


class BriefingInputError(Exception):
    """The request names no scope, or a wrong one: ``errors`` maps each parameter to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class BriefingScope:
    """Whose cases a map shows; ``reports`` is already narrowed to what the caller may see."""

    unit: Unit | None
    district: District | None
    reports: QuerySet[Report]
    statuses: list[str] = field(default_factory=list)  # ReportStatus values
    categories: list[str] = field(default_factory=list)  # names, when the map is narrowed to some


@dataclass(frozen=True)
class LegendEntry:
    code: str
    name: str
    colour: str
    count: int


@dataclass(frozen=True)
class BriefingData:
    pins_json: str  # a FeatureCollection, built by PostGIS
    shown: int
    matched: int
    legend: list[LegendEntry]
    outline_json: str  # a FeatureCollection of the outline's polygons
    outline_names: list[str]
    bounds: tuple[float, float, float, float] | None  # minlon, minlat, maxlon, maxlat


def _one(params: Mapping[str, str], name: str, message: str) -> str:
    value = (params.get(name) or "").strip()
    if "," in value:
        raise BriefingInputError({name: [message]})
    return value


def briefing_scope(user: AnyUser | None, params: Mapping[str, str]) -> BriefingScope:
    """The unit or district named in ``params`` and the cases to draw; ``user=None``: all cases.

    Raises ``BriefingInputError`` naming the parameter: neither scope named, an unknown
    unit or district, more than one of either, or any filter the dispatcher's list refuses.
    """
    unit_code = _one(params, "unit", _("Give one unit's code."))
    district_slug = _one(params, "district", _("Give one district's slug."))
    if not unit_code and not district_slug:
        message = _("Name a unit (unit=<code>) or a district (district=<slug>).")
        raise BriefingInputError({"unit": [message], "district": [message]})
    errors: dict[str, list[str]] = {}
    unit = Unit.objects.filter(code=unit_code).first() if unit_code else None
    if unit_code and unit is None:
        errors["unit"] = [_("Unknown unit: %(code)s.") % {"code": unit_code}]
    district = District.objects.filter(slug=district_slug).first() if district_slug else None
    if district_slug and district is None:
        errors["district"] = [_("Unknown district: %(slug)s.") % {"slug": district_slug}]
    if errors:
        raise BriefingInputError(errors)
    filters = {key: str(value) for key, value in params.items()}
    if not filters.get("status"):
        filters["status"] = ",".join(OPEN_STATUSES)
    visible = Report.objects.all() if user is None else visible_reports(user)
    visible = visible.filter(PUBLIC_REPORTS)  # none held for review
    filtered = StaffReportFilter(filters, queryset=visible)
    if not filtered.is_valid():
        raise BriefingInputError(
            {
                name: [str(message) for message in messages]
                for name, messages in filtered.errors.items()
            }
        )
    chosen = filtered.form.cleaned_data
    categories = Category.objects.filter(code__in=chosen.get("category") or []).order_by("order")
    return BriefingScope(
        unit=unit,
        district=district,
        reports=filtered.qs,
        statuses=list(chosen.get("status") or []),
        categories=[localized(c.name_pl, c.name_en) for c in categories],
    )


# One statement: the newest MAX_PINS cases of the scope as public features, each with
# its category's colour (PALETTE by the catalogue's order) and its creation time on the
# city's clock, the legend (shown cases per category), their districts and their extent.
# PICKED_REPORTS is replaced by the scope's queryset's SQL (its parameters come first).
PINS_SQL = f"""
WITH picked AS (PICKED_REPORTS),
shown AS (
    SELECT r.* FROM reports_report r WHERE r.id IN (SELECT id FROM picked)
    ORDER BY r.id DESC LIMIT %s
),
colours AS (
    SELECT id, (%s::text[])[(row_number() OVER (ORDER BY "order", id) - 1)
                             %% cardinality(%s::text[]) + 1] AS colour
    FROM catalogue_category
),
features AS (
    SELECT r.id, r.category_id, r.district_id, r.location, k.colour,
           jsonb_set(f, '{{properties}}', (f -> 'properties') - 'photo_url' - 'thumbnail_url'
               || jsonb_build_object(
                   'colour', k.colour,
                   'created_local', to_char(r.created_at AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI')
               )) AS feature
    FROM shown r
    {FEATURE_JOINS}
    JOIN colours k ON k.id = r.category_id
    CROSS JOIN LATERAL (SELECT ({FEATURE_SQL})::jsonb AS f) AS public_feature
)
SELECT
    json_build_object(
        'type', 'FeatureCollection',
        'features', COALESCE((SELECT json_agg(feature ORDER BY id DESC) FROM features), '[]')
    )::text AS pins,
    (SELECT count(*) FROM features) AS shown,
    (SELECT count(*) FROM picked) AS matched,
    (SELECT COALESCE(array_agg(DISTINCT district_id), '{{}}') FROM features
     WHERE district_id IS NOT NULL) AS district_ids,
    COALESCE((
        SELECT json_agg(json_build_object(
                   'code', c.code, 'name', CASE WHEN %s THEN c.name_en ELSE c.name_pl END,
                   'colour', per.colour, 'count', per.n)
               ORDER BY per.n DESC, c."order", c.id)
        FROM (SELECT category_id, colour, count(*) AS n FROM features
              GROUP BY category_id, colour) per
        JOIN catalogue_category c ON c.id = per.category_id
    ), '[]')::text AS legend,
    (SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)]
     FROM (SELECT ST_Extent(location) AS e FROM features) extent WHERE e IS NOT NULL) AS bounds
"""

# The outline: the district asked for; else the districts holding the unit's pins;
# with neither, the served city's boundary.
OUTLINE_SQL = """
WITH areas AS (
    SELECT d.name, d.slug, d.geometry FROM districts_district d
    WHERE d.id = %s OR (%s IS NULL AND d.id = ANY(%s))
),
chosen AS (
    SELECT * FROM areas
    UNION ALL
    SELECT c.name, c.slug, c.boundary FROM districts_city c
    WHERE c.served AND NOT EXISTS (SELECT 1 FROM areas)
)
SELECT
    json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(
        json_build_object(
            'type', 'Feature',
            'geometry', ST_AsGeoJSON(geometry, 6)::json,
            'properties', json_build_object('name', name, 'slug', slug))
        ORDER BY name), '[]'))::text AS outline,
    COALESCE(array_agg(name ORDER BY name), '{}') AS names,
    (SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)]
     FROM (SELECT ST_Extent(geometry) AS e FROM chosen) extent WHERE e IS NOT NULL) AS bounds
FROM chosen
"""


def _union(
    *boxes: list[float] | None,
) -> tuple[float, float, float, float] | None:
    present = [box for box in boxes if box]
    if not present:
        return None
    return (
        min(box[0] for box in present),
        min(box[1] for box in present),
        max(box[2] for box in present),
        max(box[3] for box in present),
    )


def briefing_data(scope: BriefingScope, *, limit: int = MAX_PINS) -> BriefingData:
    """The pins, legend and outline of ``scope``, in the active language (category names)."""
    picked_sql, picked_params = scope.reports.order_by().values("id").query.sql_with_params()
    palette = list(PALETTE)
    pins = fetch_one(
        PINS_SQL.replace("PICKED_REPORTS", picked_sql, 1),
        [
            *picked_params,
            limit,
            palette,
            palette,
            settings.TIME_ZONE,
            *feature_params(),
            is_english(),  # the legend's category names
        ],
    )
    assert pins is not None  # aggregates always answer one row
    district_id = scope.district.pk if scope.district else None
    outline = fetch_one(OUTLINE_SQL, [district_id, district_id, pins["district_ids"]])
    assert outline is not None
    legend = [LegendEntry(**entry) for entry in json.loads(pins["legend"])]
    return BriefingData(
        pins_json=pins["pins"],
        shown=pins["shown"],
        matched=pins["matched"],
        legend=legend,
        outline_json=outline["outline"],
        outline_names=outline["names"],
        bounds=_union(pins["bounds"], outline["bounds"]),
    )
