"""Streaming (mapa/exports/streams.py): memory stays flat, whatever the number of cases."""

from __future__ import annotations

import json
import tracemalloc

from django.db import connection

from mapa.exports.selectors import CSV, ExportQuery
from mapa.exports.streams import CHUNK_BYTES, ReportExport
from mapa.reports.models import Report
from tests.exports.conftest import settle

# Cases made in one statement, as a city's years of reports would be loaded.
MANY_SQL = """
INSERT INTO reports_report (reference, location, location_source, address, description,
    attributes, channel, status, routing_reason, routing, routing_explanation, reporter_name,
    reporter_email, reporter_phone, created_at, updated_at, category_id, unit_id, district_id)
SELECT 'GD-2025-' || lpad(g::text, 6, '0'),
       ST_SetSRID(ST_MakePoint(18.60 + g * 0.00001, 54.35), 4326), 'pin', 'ul. Testowa ' || g,
       'Opis numer ' || g || ', "w cudzysłowie", ' || repeat('długi opis ', 40),
       '{}', 'web', 'new', 'rule', '{}', '', '', '', '',
       now() - make_interval(secs => 10000 - g), now() - make_interval(secs => 10000 - g),
       (SELECT id FROM catalogue_category WHERE code = 'pothole'),
       (SELECT id FROM catalogue_unit WHERE code = 'gzdiz'),
       (SELECT id FROM districts_district WHERE slug = 'srodmiescie')
FROM generate_series(%s, %s) g
"""


def many(count: int, first: int = 1) -> None:
    with connection.cursor() as cursor:
        cursor.execute(MANY_SQL, [first, first + count - 1])


def streamed(query: ExportQuery) -> tuple[int, int, int]:
    """Bytes, chunks and the peak of Python's memory while reading the export chunk by chunk."""
    export = ReportExport(query)
    size = chunks = 0
    tracemalloc.start()
    try:
        for chunk in export:
            size += len(chunk)
            chunks += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return size, chunks, peak


def test_memory_stays_flat_as_the_export_grows(db):
    many(300)
    settle()
    everything = Report.objects.all()
    small = streamed(ExportQuery(reports=everything, reach=everything))
    many(2700, first=301)
    settle()
    large = streamed(ExportQuery(reports=everything, reach=everything))
    assert large[0] > 8 * small[0] > 8 * 100_000  # ten times the cases, ten times the bytes
    assert large[1] > 20  # in many chunks
    assert large[2] < 4 * CHUNK_BYTES  # yet never more than a few chunks in memory
    assert large[2] < 2 * max(small[2], CHUNK_BYTES)


def test_every_case_arrives_whole_across_chunks(db):
    many(1000)
    settle()
    everything = Report.objects.all()
    export = ReportExport(ExportQuery(reports=everything, reach=everything))
    data = json.loads(b"".join(export))
    assert data["numberReturned"] == len(data["features"]) == 1000
    csv_export = ReportExport(ExportQuery(reports=everything, reach=everything, format=CSV))
    assert b"".join(csv_export).count(b"\nGD-2025-") == 1000
