"""Coverage: which unit routing picks for a category in each district, and why.

The same decision as ``mapa.catalogue.routing.route`` (its ``decision_joins``
and ``DECISION_COLUMNS``), made for every served district at once in one
statement, as GeoJSON: a routing rule's reach can be seen on a map before a
report is ever filed. A point strictly inside a district is routed exactly as
its district is here; a point on a border goes by the border rule.
"""

from __future__ import annotations

import json

from mapa.catalogue.models import RoutingReason
from mapa.catalogue.routing import DECISION_COLUMNS, decision_joins
from mapa.core.i18n import is_english
from mapa.core.sql import fetch_value

# Outlines are simplified in EPSG:2180, so the tolerance is in metres; each
# district on its own (shared borders may differ by up to the tolerance, fine
# for display). Parameters: the category id, then the final SELECT's in text
# order: English?, the simplification tolerance, the reason labels.
COVERAGE_SQL = (
    """
WITH category AS (
    SELECT c.id, c.code, c.name_pl, c.name_en, c.default_unit_id
    FROM catalogue_category c WHERE c.id = %s
),
decided AS (
    SELECT d.id, d.slug, d.name, d.geometry, category.code AS category_code,
           category.name_pl AS category_name_pl, category.name_en AS category_name_en,"""
    + DECISION_COLUMNS
    + """
    FROM districts_district d
    JOIN districts_city city ON city.id = d.city_id AND city.served
    CROSS JOIN category"""
    + decision_joins(district_id="d.id")
    + """
)
SELECT json_build_object(
    'type', 'FeatureCollection',
    'category', (SELECT json_build_object(
        'code', code, 'name', CASE WHEN %s THEN name_en ELSE name_pl END) FROM category),
    'features', COALESCE(json_agg(json_build_object(
        'type', 'Feature',
        'id', slug,
        'geometry', ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(
            ST_Transform(geometry, 2180), %s::float8), 4326), 7)::json,
        'properties', json_build_object(
            'district', json_build_object('slug', slug, 'name', name),
            'unit', json_build_object('code', unit_code, 'name', unit_name),
            'office_of', parent_unit_name,
            'reason', reason,
            'reason_label', %s::jsonb ->> reason,
            'rule', CASE WHEN rule_id IS NULL THEN NULL ELSE json_build_object(
                'id', rule_id, 'note', rule_note, 'districts', rule_districts) END
        )
    ) ORDER BY name), '[]'::json)
)::text
FROM decided
"""
)


def coverage_geojson(*, category_id: int, simplify_metres: float = 10) -> str:
    """Every served district with the unit a report of ``category_id`` there goes to.

    A FeatureCollection (JSON text) of the districts' outlines (EPSG:4326,
    simplified by ``simplify_metres``), each with ``unit``, ``reason`` (a
    ``RoutingReason``) and its label, the ``rule`` that applied (id, note,
    number of districts it names) and, when a district office takes it,
    ``office_of`` (the parent unit's name). The collection names the category.
    """
    labels = {reason.value: str(reason.label) for reason in RoutingReason}
    body: str = fetch_value(
        COVERAGE_SQL, [category_id, is_english(), simplify_metres, json.dumps(labels)]
    )
    return body
