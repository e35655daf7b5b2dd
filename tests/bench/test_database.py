"""The benchmark's bulk load (bench/database.py), into the test database, then removed."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection

from bench.database import (
    FOREIGN_KEYS_SQL,
    OPEN_PERCENT,
    REBUILT_TABLES,
    SECONDARY_INDEXES_SQL,
    Loaded,
    load_reports,
)
from mapa.catalogue.routing import route
from tests.conftest import ROOT, point

BOSTON = ROOT / "fixtures" / "boston" / "boston_311_2015_public_space.csv.gz"
SIZE = 700


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[str, Loaded, str]]:
    """700 reports committed by the bench's own load (its own connection), deleted after."""
    with django_db_blocker.unblock():
        s = connection.settings_dict
        conninfo = psycopg.conninfo.make_conninfo(
            host=s["HOST"],
            port=s["PORT"] or 5432,
            user=s["USER"],
            password=s["PASSWORD"],
            dbname=s["NAME"],
        )
        stream = io.StringIO()
        result = load_reports(conninfo, SIZE, BOSTON, stream)
        try:
            yield conninfo, result, stream.getvalue()
        finally:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(
                    "DELETE FROM reports_reportevent WHERE report_id IN "
                    "(SELECT id FROM reports_report WHERE reference LIKE 'BS-%%')"
                )
                conn.execute("DELETE FROM reports_report WHERE reference LIKE 'BS-%%'")


def rows(conninfo: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql).fetchall()


def test_the_load_reports_its_progress(loaded):
    _, result, progress = loaded
    assert progress.splitlines()[-1] == f"Loading reports 0 to {SIZE:,}: {SIZE}/{SIZE} (100%)"
    assert result.seconds > 0


def test_reports_have_the_stated_shape(loaded):
    conninfo, _, _ = loaded
    [(total, open_, short, categories, backwards, future, events)] = rows(
        conninfo,
        "SELECT count(*), count(*) FILTER (WHERE status IN ('new','accepted','in_progress')), "
        "count(*) FILTER (WHERE length(description) <> 100), count(DISTINCT category_id), "
        "count(*) FILTER (WHERE resolved_at < created_at OR updated_at < created_at), "
        "count(*) FILTER (WHERE created_at > now()), "
        "(SELECT count(*) FROM reports_reportevent e JOIN reports_report x ON x.id = e.report_id "
        " WHERE x.reference LIKE 'BS-%' AND e.kind = 'created') "
        "FROM reports_report WHERE reference LIKE 'BS-%'",
    )
    assert total == SIZE
    assert open_ == SIZE * OPEN_PERCENT // 100
    assert short == 0
    assert categories >= 8  # Boston's mix, not one category
    assert backwards == 0
    assert future == 0
    assert events == SIZE  # each report's "registered" event


def test_each_report_is_where_routing_would_send_it(loaded, django_db_blocker):
    conninfo, _, _ = loaded
    sample = rows(
        conninfo,
        "SELECT category_id, ST_X(location), ST_Y(location), district_id, unit_id "
        "FROM reports_report WHERE reference LIKE 'BS-%' ORDER BY id LIMIT 25",
    )
    with django_db_blocker.unblock():
        for category_id, lon, lat, district_id, unit_id in sample:
            decision = route(category_id=category_id, point=point(lon, lat))
            assert (decision.district_id, decision.unit_id) == (district_id, unit_id)


def test_the_load_makes_again_the_indexes_and_foreign_keys_it_set_aside(loaded):
    """The load drops the tables' secondary indexes and foreign keys for speed and makes
    them again before it commits: the migrations' own are all there afterwards."""
    conninfo, _, _ = loaded
    with psycopg.connect(conninfo) as conn:
        indexes = {
            name
            for table in REBUILT_TABLES
            for name, _ in conn.execute(SECONDARY_INDEXES_SQL, [table]).fetchall()
        }
        keys = {
            (table, definition)
            for table in REBUILT_TABLES
            for _, definition in conn.execute(FOREIGN_KEYS_SQL, [table]).fetchall()
        }
    assert {"report_open_geog_gist", "report_open_location_gist", "report_updated_id"} <= indexes
    for column in ("category_id", "district_id", "unit_id"):
        assert any(
            table == "reports_report" and d.startswith(f"FOREIGN KEY ({column})")
            for table, d in keys
        ), keys
    assert any(
        table == "reports_reportevent" and d.startswith("FOREIGN KEY (report_id)")
        for table, d in keys
    ), keys
