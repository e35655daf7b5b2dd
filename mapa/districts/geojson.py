"""District boundaries as GeoJSON, built by PostGIS."""

from __future__ import annotations

from mapa.core.sql import fetch_one

# Simplification happens in EPSG:2180 (Poland's metric CRS), so the tolerance
# is in metres. Each polygon is simplified on its own: shared borders may then
# differ by up to the tolerance, which is fine for display, never for routing.
DISTRICTS_SQL = """
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', COALESCE(json_agg(json_build_object(
        'type', 'Feature',
        'id', d.slug,
        'geometry', ST_AsGeoJSON(
            CASE WHEN %(tolerance)s::float8 > 0
                 THEN ST_Transform(ST_SimplifyPreserveTopology(
                          ST_Transform(d.geometry, 2180), %(tolerance)s::float8), 4326)
                 ELSE d.geometry END, 7)::json,
        'properties', json_build_object(
            'slug', d.slug,
            'name', d.name,
            'city', c.name,
            'area_km2', round((ST_Area(d.geometry::geography) / 1e6)::numeric, 3)
        )
    ) ORDER BY d.name), '[]'::json)
)::text AS body
FROM districts_district d
JOIN districts_city c ON c.id = d.city_id
"""


def districts_geojson(*, simplify_metres: float = 0) -> str:
    """All districts as a FeatureCollection; ``simplify_metres`` > 0 simplifies outlines."""
    row = fetch_one(DISTRICTS_SQL, {"tolerance": simplify_metres})
    assert row is not None
    body: str = row["body"]
    return body
