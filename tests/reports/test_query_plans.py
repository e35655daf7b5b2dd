"""The public reads use the partial indexes over open reports (mapa/reports/models.py).

Plans, not timings: each test loads enough reports, most of them closed as in a real
city, for a scan to be the planner's honest choice without the right index, runs
ANALYZE, and reads the plan of the very statement the endpoint runs. A whole-table
index (or the status index) in the plan means the query reads every open report.
"""

from __future__ import annotations

import re

import pgtrigger
import pytest
from django.contrib.gis.geos import Polygon
from django.db import connection
from django.http import QueryDict

from mapa.reports import geojson
from mapa.reports.filters import ReportFilter
from mapa.reports.geojson import NEARBY_SQL, feature_params
from mapa.reports.models import OPEN_STATUSES, Report
from mapa.reports.selectors import report_feature_page
from tests.conftest import NEPTUNE_FOUNTAIN

pytestmark = pytest.mark.django_db

LON, LAT = NEPTUNE_FOUNTAIN

# 20,000 reports over Gdańsk's extent, 15% open: new, accepted and in progress in turn.
BULK_REPORTS_SQL = """
INSERT INTO reports_report (reference, category_id, location, location_source, address,
    description, attributes, channel, status, district_id, unit_id, routing_reason, routing,
    routing_explanation, reporter_name, reporter_email, reporter_phone, created_at, updated_at)
SELECT 'PLAN-' || g, c.id,
       ST_SetSRID(ST_MakePoint(18.45 + random() * 0.45, 54.28 + random() * 0.16), 4326),
       'pin', '', 'x', '{}', 'web',
       CASE WHEN g %% 20 < 3 THEN (ARRAY['new', 'accepted', 'in_progress'])[1 + g %% 3]
            ELSE 'resolved' END,
       NULL, c.default_unit_id, 'category_default', '{}', '', '', '', '',
       now() - g * interval '1 minute', now()
FROM generate_series(1, 20000) g, catalogue_category c WHERE c.code = 'pothole'
"""

# Indexes a query over open reports must not need: they hold closed reports too.
WHOLE_TABLE = re.compile(
    r"reports_report_status_\w+|reports_report_location_\w+|reports_report_pkey"
)


@pytest.fixture
def city_of_reports(db):
    # The audit trail's row trigger (a history row per report) would take most of the time.
    with pgtrigger.ignore("reports.Report:insert_insert"), connection.cursor() as cursor:
        cursor.execute(BULK_REPORTS_SQL, [])
        cursor.execute("ANALYZE reports_report")


def plan_of(sql: str, params: list[object]) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def list_plan(query: str, monkeypatch: pytest.MonkeyPatch, *, after: int | None = None) -> str:
    """The plan of the statement ``GET /api/reports/?<query>`` runs."""
    plans: list[str] = []

    def explain(sql: str, params: list[object]) -> dict[str, object]:
        plans.append(plan_of(sql, params))
        return {"features": "[]", "returned": 0, "has_more": False, "last_id": None}

    monkeypatch.setattr(geojson, "fetch_one", explain)
    filters = ReportFilter(QueryDict(query), queryset=Report.objects.all())
    assert filters.is_valid(), filters.errors
    report_feature_page(filters.qs, limit=int(QueryDict(query).get("limit", 200)), after=after)
    assert len(plans) == 1
    return plans[0]


def test_nearby_reads_the_open_reports_geography_index(city_of_reports):
    statuses = [s.value for s in OPEN_STATUSES]
    plan = plan_of(NEARBY_SQL, [LON, LAT, 250, statuses, 50, *feature_params()])
    assert "Index Scan using report_open_geog_gist on reports_report" in plan, plan
    assert not WHOLE_TABLE.search(plan), plan
    assert "Seq Scan on reports_report" not in plan, plan


def test_open_reports_in_a_map_area_read_the_open_reports_location_index(
    city_of_reports, monkeypatch
):
    plan = list_plan("bbox=18.64,54.34,18.66,54.36&status=open&limit=1000", monkeypatch)
    assert re.search(r"(Bitmap Index|Index) Scan on report_open_location_gist", plan), plan
    assert not WHOLE_TABLE.search(plan), plan
    assert "Seq Scan on reports_report" not in plan, plan


def test_open_reports_newest_first_read_the_open_reports_recency_index(
    city_of_reports, monkeypatch
):
    plan = list_plan("status=open&limit=200", monkeypatch)
    assert "Index Scan using report_open_newest on reports_report" in plan, plan
    assert not WHOLE_TABLE.search(plan), plan
    # The next page continues from a cursor, on the same index.
    plan = list_plan("status=open&limit=200", monkeypatch, after=15_000)
    assert "Index Scan using report_open_newest on reports_report" in plan, plan


def test_one_open_status_is_served_by_the_open_reports_indexes_too(city_of_reports, monkeypatch):
    plan = list_plan("bbox=18.64,54.34,18.66,54.36&status=new&limit=1000", monkeypatch)
    assert "report_open_location_gist" in plan, plan


def test_counting_open_reports_in_a_map_area_reads_the_open_reports_location_index(
    city_of_reports,
):
    # The map's counts and tiles ask this (mapa/reports/tiles.py).
    box = Polygon.from_bbox((18.64, 54.34, 18.66, 54.36))
    box.srid = 4326
    open_in_view = Report.objects.filter(status__in=OPEN_STATUSES, location__bboverlaps=box)
    plan = open_in_view.order_by().values("id").explain()
    assert "report_open_location_gist" in plan, plan
    assert not WHOLE_TABLE.search(plan), plan
