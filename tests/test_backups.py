"""docs/operations.md's backup and restore, done: pg_dump -Fc, a fresh database, pg_restore.

Reports are filed (committed) in the test database, which is dumped in PostgreSQL's custom
format as the procedure says and restored into a new database on the same local server.
Every report must come back with its geometry (ST_AsText equal), its routing (district,
unit, reason) and its events, every table with as many rows, and Mapa must find its
migrations all applied there. The restored database is dropped at the end, failed or not.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from mapa.catalogue.models import Category
from mapa.reports.services import report_create
from tests.conftest import NEPTUNE_FOUNTAIN, ROOT, WRZESZCZ_GORNY, point
from tests.notifications.conftest import committed  # noqa: F401  (a fixture)
from tests.production import environment

PLACES = [NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY, (18.5700, 54.4070), (18.6640, 54.3520)]
REPORTS_SQL = """
SELECT r.reference, ST_AsText(r.location), ST_SRID(r.location), d.slug, u.id,
       r.routing_reason, r.status, r.description,
       (SELECT array_agg(e.kind || ':' || coalesce(e.to_status, '') ORDER BY e.id)
          FROM reports_reportevent e WHERE e.report_id = r.id)
  FROM reports_report r
  LEFT JOIN districts_district d ON d.id = r.district_id
  JOIN catalogue_unit u ON u.id = r.unit_id
 ORDER BY r.reference
"""
TRIGGERS_SQL = """
SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2
"""
EXTENSION = r" EXTENSION |spatial_ref_sys"
TRIGGERS = r"TRIGGER .*pgtrigger_"
LEFT_OUT = EXTENSION + "|" + TRIGGERS
DATABASE_URL = "postgis://{PGUSER}:{PGPASSWORD}@{PGHOST}:{PGPORT}/"
TABLES_SQL = """
SELECT table_name FROM information_schema.tables
 WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name
"""


def libpq_env() -> dict[str, str]:
    db = connections[DEFAULT_DB_ALIAS].settings_dict
    return {
        "PGHOST": db["HOST"] or "127.0.0.1",
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": db["USER"],
        "PGPASSWORD": db["PASSWORD"],
    }


def tool(*command: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command,
        input=input,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **libpq_env()},
    )
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}{result.stderr}"
    return result


def query(dbname: str, sql: str) -> list[tuple[Any, ...]]:
    env = libpq_env()
    with psycopg.connect(
        host=env["PGHOST"],
        port=env["PGPORT"],
        user=env["PGUSER"],
        password=env["PGPASSWORD"],
        dbname=dbname,
    ) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.django_db
def test_the_backup_test_runs_on_the_test_database():
    """A database test first: it makes pytest-django set up the test database for this
    module (the test below commits, as ``committed`` allows only there)."""
    assert connections[DEFAULT_DB_ALIAS].settings_dict["NAME"].startswith("test")


@pytest.fixture
def restored_name() -> Iterator[str]:
    name = f"test_mapa_restore_{uuid.uuid4().hex[:12]}"
    try:
        yield name
    finally:
        tool("dropdb", "--if-exists", "--force", name)


@pytest.fixture
def filed(committed: None) -> list[str]:  # noqa: F811
    """Reports in several districts, committed (so that pg_dump sees them)."""
    pothole = Category.objects.get(code="pothole")
    references = []
    for n, (lon, lat) in enumerate(PLACES):
        report = report_create(
            category=pothole,
            location=point(lon, lat),
            description=f"Backup test {n}: zażółć gęślą jaźń",
            reporter_email=f"backup{n}@example.org",
        )
        references.append(report.reference)
    return references


def test_a_dump_restored_into_a_fresh_database_has_every_report(
    filed: list[str], restored_name: str, tmp_path: Path
):
    source = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    dump = tmp_path / "mapa.dump"
    # The procedure (docs/operations.md, "Backups"), step by step.
    tool("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source)
    tool("createdb", restored_name)  # here template1 has PostGIS; see the procedure
    # PostGIS is there already (a superuser's, from template1), so its entries are left
    # out (CREATE, COMMENT, and its spatial_ref_sys, where Mapa adds no rows); and so are
    # django-pgtrigger's triggers, which pg_restore cannot make (the second test says why).
    listing = tool("pg_restore", "--list", str(dump)).stdout.splitlines()
    kept = [line for line in listing if not re.search(LEFT_OUT, line)]
    toc = tmp_path / "restore.list"
    toc.write_text("\n".join(kept) + "\n")
    restore = ["pg_restore", "--no-owner", "--exit-on-error", f"--use-list={toc}"]
    tool(*restore, f"--dbname={restored_name}", str(dump))
    # Then those triggers, from the dump, run with the usual search_path.
    triggers = tmp_path / "triggers.list"
    triggers.write_text("\n".join(line for line in listing if re.search(TRIGGERS, line)) + "\n")
    script = tool("pg_restore", f"--use-list={triggers}", "--file=-", str(dump)).stdout
    script = "\n".join(line for line in script.splitlines() if "'search_path'" not in line)
    assert script.count("CREATE TRIGGER") > 0
    tool("psql", "-v", "ON_ERROR_STOP=1", "-q", "-d", restored_name, input=script)
    mapa = environment({"MAPA_ENV": "test", "DATABASE_URL": DATABASE_URL.format(**libpq_env())})
    mapa["DATABASE_URL"] += restored_name

    before = query(source, REPORTS_SQL)
    after = query(restored_name, REPORTS_SQL)
    assert {row[0] for row in before} >= set(filed)
    assert after == before
    for row in after:
        wkt, srid, district, events = row[1], row[2], row[3], row[8]
        assert wkt.startswith("POINT(")
        assert srid == 4326
        assert district is not None
        assert events is not None
        assert events[0].startswith("created")

    # Routing still answers in the copy: each report's district covers its point.
    covered = query(
        restored_name,
        "SELECT bool_and(ST_Covers(d.geometry, r.location)) FROM reports_report r"
        " JOIN districts_district d ON d.id = r.district_id",
    )
    assert covered == [(True,)]
    # Every table, the tasks' and the outbox's too, with as many rows.
    tables = [name for (name,) in query(source, TABLES_SQL)]
    assert "django_tasks_database_dbtaskresult" in tables
    assert [name for (name,) in query(restored_name, TABLES_SQL)] == tables
    for table in tables:
        count = f'SELECT count(*) FROM "{table}"'
        assert query(restored_name, count) == query(source, count), table

    # The same triggers (the audit trail's, the map's change counters), and Mapa, pointed
    # at the copy, finds every migration applied.
    assert query(restored_name, TRIGGERS_SQL) == query(source, TRIGGERS_SQL)
    manage("migrate", "--check", env=mapa)


def test_the_triggers_left_out_are_the_ones_a_restore_cannot_make(
    filed: list[str], restored_name: str, tmp_path: Path
):
    """Why pgtrigger's are restored apart: pg_restore runs with an empty search_path, and a
    trigger comparing geometries (``old.location IS DISTINCT FROM new.location``, the audit
    trail's) finds no unique ``=`` for PostGIS's type there. If PostgreSQL or PostGIS ever
    lifts that, this fails, and the procedure can restore everything in one step."""
    source = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    dump = tmp_path / "mapa.dump"
    tool("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source)
    tool("createdb", restored_name)
    listing = tool("pg_restore", "--list", str(dump)).stdout.splitlines()
    toc = tmp_path / "restore.list"
    toc.write_text("\n".join(line for line in listing if not re.search(EXTENSION, line)) + "\n")
    restore = ["pg_restore", "--no-owner", "--exit-on-error", f"--use-list={toc}"]
    failed = subprocess.run(
        [*restore, f"--dbname={restored_name}", str(dump)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **libpq_env()},
    )
    assert failed.returncode == 1
    assert "operator is not unique: public.geometry = public.geometry" in failed.stderr


def manage(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
