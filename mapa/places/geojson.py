"""Places as GeoJSON, built by PostGIS (ST_AsGeoJSON and json aggregation)."""

from __future__ import annotations

from typing import Any

from mapa.core.sql import fetch_one


def features_for_ids(ids_sql: str, ids_params: list[Any]) -> str:
    """A FeatureCollection of the places that ``ids_sql`` selects, in its order.

    ``ARRAY(subquery)`` keeps the subquery's ORDER BY, and ``WITH ORDINALITY``
    numbers the ids in that order, so the ranking survives the aggregation.
    """
    sql = f"""
    WITH chosen AS (
        SELECT id, position
        FROM unnest(ARRAY({ids_sql})) WITH ORDINALITY AS c(id, position)
    )
    SELECT json_build_object(
        'type', 'FeatureCollection',
        'features', COALESCE(json_agg(json_build_object(
            'type', 'Feature',
            'id', p.id,
            'geometry', ST_AsGeoJSON(p.location, 7)::json,
            'properties', json_build_object(
                'id', p.id,
                'label', p.label,
                'name', p.name,
                'kind', p.kind,
                'street', p.street,
                'housenumber', p.housenumber,
                'district', CASE WHEN d.id IS NULL THEN NULL
                            ELSE json_build_object('slug', d.slug, 'name', d.name) END
            )
        ) ORDER BY chosen.position), '[]'::json)
    )::text AS body
    FROM chosen
    JOIN places_place p ON p.id = chosen.id
    LEFT JOIN districts_district d ON d.id = p.district_id
    """
    row = fetch_one(sql, ids_params)
    assert row is not None  # an aggregate always returns a row
    body: str = row["body"]
    return body
