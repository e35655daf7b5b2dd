"""Benchmark data: Boston's real 2015 311 requests, placed on Gdańsk's districts.

Boston's categories, statuses, dates and volumes are real (City of Boston,
ODC-PDDL; see fixtures/ATTRIBUTION.md). Their Boston coordinates mean nothing in
Gdańsk, so each request gets a point PostGIS draws at random (fixed seed)
inside a Gdańsk district, districts weighted by area: the spatial load is
uniform, the rest is a real city's 311 traffic.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import TextIO

from django.db import connection, transaction

from mapa.core.progress import Progress

BOSTON_TO_MAPA = {
    "Street Light Outages": "street-light",
    "Pothole Repair (Internal)": "pothole",
    "Roadway Repair": "pothole",
    "BWSC Pothole": "pothole",
    "Sign Repair": "traffic-sign-signal",
    "Missing Sign": "traffic-sign-signal",
    "Traffic Signal Repair": "traffic-sign-signal",
    "Graffiti Removal": "graffiti-vandalism",
    "Illegal Posting of Signs": "graffiti-vandalism",
    "Sidewalk Repair (Make Safe)": "pavement",
    "Sidewalk Repair": "pavement",
    "Tree Maintenance Requests": "tree-greenery",
    "Tree Emergencies": "hazard",
    "Empty Litter Basket": "overflowing-bin",
    "Litter Basket Maintenance": "overflowing-bin",
    "Overflowing or Un-kept Dumpster": "overflowing-bin",
    "Abandoned Vehicles": "abandoned-vehicle",
    "Abandoned Bicycle": "abandoned-vehicle",
    "Animal Generic Request": "stray-animal",
    "Pick up Dead Animal": "injured-dead-animal",
    "Illegal Dumping": "litter-dump",
    "Trash on Vacant Lot": "litter-dump",
    "Improper Storage of Trash (Barrels)": "litter-dump",
    "Needle Pickup": "litter-dump",
    "Catchbasin": "drain-cover",
    "Unshoveled Sidewalk": "snow-ice",
    "Parks General Request": "street-furniture",
    "Rodent Activity": "other",  # no such category in Gdańsk: GCK triages it
    "Park Improvement Requests": "street-furniture",
}

BENCH_PREFIX = "BS"  # references BS-2015-<n>, apart from the city's own GD-…

LOAD_SQL = """
WITH numbered AS (
    SELECT s.*, row_number() OVER (ORDER BY s.opened_at, s.case_id) AS n
    FROM bench_boston s
),
weights AS (
    SELECT d.id, d.geometry, d.slug,
           ST_Area(d.geometry::geography) / sum(ST_Area(d.geometry::geography)) OVER () AS share
    FROM districts_district d
),
quota AS (
    SELECT id, geometry, ceil(share * (SELECT count(*) FROM numbered))::int AS n
    FROM weights
),
points AS (
    SELECT q.id AS district_id,
           (ST_Dump(ST_GeneratePoints(q.geometry, q.n, 20150101))).geom AS geom
    FROM quota q WHERE q.n > 0
),
numbered_points AS (
    SELECT district_id, geom, row_number() OVER (ORDER BY random()) AS n FROM points
)
INSERT INTO reports_report (reference, category_id, location, location_source, address,
    description, attributes, channel, status, district_id, unit_id, routing_reason, routing,
    routing_explanation, reporter_name, reporter_email, reporter_phone, created_at, updated_at,
    resolved_at)
SELECT %(prefix)s || '-2015-' || lpad(b.n::text, 6, '0'), c.id, p.geom, 'pin', '',
       b.title, '{}', 'web',
       CASE WHEN b.status = 'Open' THEN 'new' ELSE 'resolved' END,
       p.district_id, COALESCE(c.default_unit_id, (SELECT id FROM catalogue_unit WHERE is_triage)),
       CASE WHEN c.default_unit_id IS NULL THEN 'triage' ELSE 'category_default' END,
       '{}', 'Boston 311 benchmark data', '', '', '',
       b.opened_at AT TIME ZONE 'America/New_York',
       COALESCE(b.closed_at, b.opened_at) AT TIME ZONE 'America/New_York',
       b.closed_at AT TIME ZONE 'America/New_York'
FROM numbered b
JOIN numbered_points p ON p.n = b.n
JOIN catalogue_category c ON c.code = b.category
"""


def bench_reports_loaded() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM reports_report WHERE reference LIKE %s", [BENCH_PREFIX + "-%"]
        )
        count: int = cursor.fetchone()[0]
    return count


def load_boston(source: Path, stream: TextIO | None = None) -> int:
    """Copy Boston's requests into reports (one COPY, one INSERT … SELECT). Returns rows."""
    rows = _read(source, stream)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_boston (case_id text, opened_at timestamp, "
            "closed_at timestamp, status text, category text, title text) ON COMMIT DROP"
        )
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        with cursor.copy("COPY bench_boston FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
        cursor.execute(LOAD_SQL, {"prefix": BENCH_PREFIX})
        cursor.execute("ANALYZE reports_report")
    return len(rows)


def _read(source: Path, stream: TextIO | None) -> list[tuple[str, ...]]:
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    progress = Progress(len(records), "Reading Boston 311 requests", stream)
    rows: list[tuple[str, ...]] = []
    for record in records:
        progress.advance()
        category = BOSTON_TO_MAPA.get(record["type"], "other")
        rows.append(
            (
                record["case_id"],
                record["opened_at"],
                record["closed_at"],
                record["status"],
                category,
                (record["case_title"] or record["type"])[:200],
            )
        )
    return rows
