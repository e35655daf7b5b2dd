"""Many open reports at once, for the map's tests: one INSERT … SELECT, routed in SQL.

Points are drawn by PostGIS in each served district, by its share of the city's area (a
fixed seed); each report gets the district that covers it and its category's default unit
(GCK without one), so every routing column is valid.
"""

from __future__ import annotations

import pgtrigger
from django.db import connection

BULK_SQL = """
WITH weights AS (
    SELECT d.id, d.geometry,
           ST_Area(d.geometry::geography) / sum(ST_Area(d.geometry::geography)) OVER () AS share
    FROM districts_district d JOIN districts_city c ON c.id = d.city_id AND c.served
),
drawn AS (
    SELECT w.id AS district_id, (ST_Dump(ST_GeneratePoints(w.geometry,
               ceil(w.share * %s)::int, %s))).geom
    FROM weights w WHERE ceil(w.share * %s) > 0
),
points AS (
    SELECT row_number() OVER (ORDER BY district_id, ST_X(geom), ST_Y(geom)) AS n, geom, district_id
    FROM drawn
    ORDER BY n
    LIMIT %s
),
categories AS (
    SELECT row_number() OVER (ORDER BY code) - 1 AS i, id, default_unit_id, count(*) OVER () AS k
    FROM catalogue_category
)
INSERT INTO reports_report (reference, category_id, location, location_source, address,
    description, attributes, channel, status, district_id, unit_id, routing_reason, routing,
    routing_explanation, reporter_name, reporter_email, reporter_phone, created_at, updated_at)
SELECT %s || lpad(p.n::text, 6, '0'), cat.id, p.geom, 'pin', '',
       'Zgłoszenie masowe ' || p.n, '{}', 'web',
       CASE WHEN p.n %% 100 < %s
            THEN (ARRAY['new', 'accepted', 'in_progress'])[1 + p.n %% 3]
            ELSE 'resolved' END,
       p.district_id,
       COALESCE(cat.default_unit_id, (SELECT id FROM catalogue_unit WHERE is_triage LIMIT 1)),
       CASE WHEN cat.default_unit_id IS NULL THEN 'triage' ELSE 'category_default' END,
       '{}', 'Bulk', '', '', '', now() - make_interval(secs => p.n::int), now()
FROM points p
JOIN categories cat ON cat.i = p.n %% cat.k
"""


def load_reports(
    total: int, *, open_percent: int = 85, seed: int = 20261130, prefix: str = "GD-2020-"
) -> None:
    """``total`` reports, ``open_percent`` of them open, in one statement; then ANALYZE."""
    # The audit trail's row trigger would take most of the time; the map's counters stay.
    with pgtrigger.ignore("reports.Report:insert_insert"), connection.cursor() as cursor:
        cursor.execute(
            BULK_SQL,
            [total, seed, total, total, prefix, open_percent],
        )
        cursor.execute("ANALYZE reports_report")
