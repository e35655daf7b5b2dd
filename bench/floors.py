"""Floors: the best plan for each answer, run by psycopg directly (no Django, no HTTP).

These are not Mapa's own SQL. Each is the least PostgreSQL must do for the same
answer: one minimal ``json_agg`` of the same rows with the same properties for a list,
one query over a partial GiST index of the open reports for nearby, one statement
(reference counter, routed insert and event) including its commit for a create, one
``COPY`` for an export. The client reads the whole answer, as Mapa's client does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import psycopg

OPEN = "('new', 'accepted', 'in_progress')"
LABELS = {
    "new": "nowe",
    "accepted": "przyjęte",
    "in_progress": "w realizacji",
    "resolved": "rozwiązane",
    "rejected": "poza kompetencjami miasta",
    "duplicate": "duplikat",
}

# The same public properties as Mapa's list features (mapa.reports.geojson), built once.
FEATURE = """json_build_object(
    'type', 'Feature', 'id', r.reference,
    'geometry', ST_AsGeoJSON(r.location, 7)::json,
    'properties', json_build_object(
        'reference', r.reference, 'url', '/r/' || r.reference || '/',
        'status', r.status, 'status_label', %(labels)s::jsonb ->> r.status,
        'is_open', r.status IN ('new', 'accepted', 'in_progress'),
        'category', json_build_object('code', c.code, 'name', c.name_pl, 'icon', c.icon),
        'district', json_build_object('slug', d.slug, 'name', d.name),
        'unit', json_build_object('code', u.code, 'name', u.name),
        'description', left(r.description, 200), 'address', r.address,
        'photo_url', '/media/' || photo.image, 'thumbnail_url', '/media/' || photo.thumbnail,
        'created_at', r.created_at, 'updated_at', r.updated_at{extra}))"""

JOINS = """
JOIN catalogue_category c ON c.id = r.category_id
JOIN catalogue_unit u ON u.id = r.unit_id
LEFT JOIN districts_district d ON d.id = r.district_id
LEFT JOIN LATERAL (SELECT p.image, p.thumbnail FROM reports_reportphoto p
                   WHERE p.report_id = r.id ORDER BY p.created_at LIMIT 1) photo ON TRUE"""

LIST_SQL = f"""
SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(f), '[]'))::text
FROM (
    SELECT {FEATURE.format(extra="")} AS f
    FROM (SELECT * FROM reports_report
          WHERE status IN {OPEN}
            AND location && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)
          ORDER BY id DESC LIMIT %(limit)s) r
    {JOINS}
    ORDER BY r.id DESC
) features
"""

PARTIAL_INDEX = "bench_floor_open_geog"
PARTIAL_INDEX_SQL = f"""
CREATE INDEX IF NOT EXISTS {PARTIAL_INDEX} ON reports_report
USING gist ((location::geography(Point, 4326))) WHERE status IN {OPEN}
"""

NEARBY_SQL = f"""
WITH here AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS g)
SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(f), '[]'))::text
FROM (
    SELECT {FEATURE.format(extra=", 'distance_m', round(r.distance_m::numeric, 1)")} AS f
    FROM (SELECT x.*, ST_Distance(x.location::geography(Point, 4326), here.g) AS distance_m
          FROM reports_report x, here
          WHERE x.status IN {OPEN}
            AND ST_DWithin(x.location::geography(Point, 4326), here.g, %(metres)s)
          ORDER BY distance_m LIMIT 50) r
    {JOINS}
    ORDER BY r.distance_m
) features
"""

# One statement: the next reference, the report routed (district by polygon, unit by the
# category's default or triage), its "registered" event; autocommit commits it.
CREATE_SQL = """
WITH counter AS (
    INSERT INTO reports_referencecounter (prefix, year, last_value) VALUES ('FL', 2026, 1)
    ON CONFLICT (prefix, year) DO UPDATE SET last_value = reports_referencecounter.last_value + 1
    RETURNING last_value
),
point AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geom),
category AS (
    SELECT c.id, COALESCE(c.default_unit_id, (SELECT id FROM catalogue_unit WHERE is_triage))
           AS unit_id
    FROM catalogue_category c WHERE c.code = %(category)s
),
district AS (
    SELECT d.id FROM districts_district d, point WHERE ST_Covers(d.geometry, point.geom)
    ORDER BY d.slug COLLATE "C" LIMIT 1
),
report AS (
    INSERT INTO reports_report (reference, category_id, location, location_source, address,
        description, attributes, channel, status, district_id, unit_id, routing_reason,
        routing, routing_explanation, reporter_name, reporter_email, reporter_phone,
        created_at, updated_at)
    SELECT 'FL-2026-' || lpad(counter.last_value::text, 6, '0'), category.id, point.geom,
           'pin', '', %(description)s, '{}', 'web', 'new', district.id, category.unit_id,
           'category_default', '{}', '', '', '', '', now(), now()
    FROM counter, point, category, district
    RETURNING id, unit_id, created_at
)
INSERT INTO reports_reportevent (report_id, kind, created_at, from_status, to_status,
    to_unit_id, public_note, internal_note)
SELECT id, 'created', created_at, '', 'new', unit_id, '', '' FROM report
RETURNING report_id
"""

# The same insert with the district and unit given: what a create costs without routing.
UNROUTED_CREATE_SQL = """
WITH counter AS (
    INSERT INTO reports_referencecounter (prefix, year, last_value) VALUES ('FU', 2026, 1)
    ON CONFLICT (prefix, year) DO UPDATE SET last_value = reports_referencecounter.last_value + 1
    RETURNING last_value
),
report AS (
    INSERT INTO reports_report (reference, category_id, location, location_source, address,
        description, attributes, channel, status, district_id, unit_id, routing_reason,
        routing, routing_explanation, reporter_name, reporter_email, reporter_phone,
        created_at, updated_at)
    SELECT 'FU-2026-' || lpad(counter.last_value::text, 6, '0'), %(category_id)s,
           ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), 'pin', '', %(description)s, '{}',
           'web', 'new', %(district_id)s, %(unit_id)s, 'category_default', '{}', '', '', '', '',
           now(), now()
    FROM counter
    RETURNING id, unit_id, created_at
)
INSERT INTO reports_reportevent (report_id, kind, created_at, from_status, to_status,
    to_unit_id, public_note, internal_note)
SELECT id, 'created', created_at, '', 'new', unit_id, '', '' FROM report
RETURNING report_id
"""


def session_settings() -> dict[str, int]:
    """The session settings Mapa's own connections start with (the same for the floors, so
    that the floor's plan is never worse for want of them)."""
    from django.conf import settings

    value = getattr(settings, "DATABASE_MAX_PARALLEL_WORKERS_PER_GATHER", None)
    return {} if value is None else {"max_parallel_workers_per_gather": int(value)}


@dataclass
class Floors:
    """One autocommit psycopg connection to the benchmark database, and the floor queries."""

    conn: psycopg.Connection[Any]

    @classmethod
    def connect(cls, conninfo: str) -> Floors:
        # No server-side prepared statements: each run is planned for its own values, as
        # psql plans a literal query (a generic plan can be far worse).
        conn = psycopg.connect(conninfo, autocommit=True, prepare_threshold=None)
        for name, value in session_settings().items():
            conn.execute(f"SET {name} = {int(value)}")
        return cls(conn)

    def close(self) -> None:
        self.conn.close()

    def text(self, sql: str, params: dict[str, Any]) -> str:
        row = self.conn.execute(sql, params).fetchone()
        assert row is not None
        value: str = row[0]
        return value

    def value(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        row = self.conn.execute(sql, params or {}).fetchone()
        return None if row is None else row[0]

    def list_page(self, bbox: tuple[float, float, float, float], limit: int) -> str:
        w, s, e, n = bbox
        params = {"w": w, "s": s, "e": e, "n": n, "limit": limit, "labels": json.dumps(LABELS)}
        return self.text(LIST_SQL, params)

    def nearby(self, lon: float, lat: float, metres: float) -> str:
        params = {"lon": lon, "lat": lat, "metres": metres, "labels": json.dumps(LABELS)}
        return self.text(NEARBY_SQL, params)

    def create(self, lon: float, lat: float, category: str, description: str) -> int:
        params = {"lon": lon, "lat": lat, "category": category, "description": description}
        report_id: int = self.value(CREATE_SQL, params)
        return report_id

    def create_unrouted(
        self, lon: float, lat: float, ids: tuple[int, int, int], description: str
    ) -> int:
        category_id, district_id, unit_id = ids
        params = {
            "lon": lon,
            "lat": lat,
            "category_id": category_id,
            "district_id": district_id,
            "unit_id": unit_id,
            "description": description,
        }
        report_id: int = self.value(UNROUTED_CREATE_SQL, params)
        return report_id

    def partial_open_index(self) -> str | None:
        """The name of a partial GiST index over open reports' locations, if the schema has one."""
        row = self.conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'reports_report' "
            "AND indexdef ILIKE '%%USING gist%%geography%%WHERE%%status%%' "
            "AND indexname <> %s ORDER BY indexname LIMIT 1",
            [PARTIAL_INDEX],
        ).fetchone()
        return None if row is None else str(row[0])

    def ensure_partial_open_index(self) -> tuple[str, bool]:
        """The partial index the nearby floor uses: the project's, or one the bench creates."""
        existing = self.partial_open_index()
        if existing:
            return existing, False
        self.conn.execute(PARTIAL_INDEX_SQL)
        self.conn.execute("ANALYZE reports_report")
        return PARTIAL_INDEX, True

    def plan(self, sql: str, params: dict[str, Any]) -> str:
        rows = self.conn.execute("EXPLAIN " + sql, params).fetchall()
        return "\n".join(str(r[0]) for r in rows)
