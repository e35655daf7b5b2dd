"""The benchmark's own database: created afresh on every run, then bulk-loaded to a fixed size.

``<name>_bench`` (``mapa_bench`` for the default DATABASE_URL) is dropped and created
again from ``template1`` (which has PostGIS), migrated, and given Gdańsk's reference
data; then ``load_reports`` fills it with N reports in two statements (one ``COPY``
of Boston's 48,644 real 2015 requests into a temporary table, one ``INSERT … SELECT``)
and one more for their "registered" events. The development database is never
touched: ``bench_database_name`` refuses any name that does not end in ``_bench``.

What the reports are like (see ``LOAD_SQL``):

- **category and time mix**: report *n* takes Boston request ``(n · 7919) mod 48,644``
  (a permutation of the real requests, repeated as often as N needs): its category
  (``BOSTON_TO_MAPA``), its time of day, day of year and resolution time, moved to
  the last three years (year ``n mod 3`` before the latest);
- **about 15 % open** (``OPEN_PERCENT``; Boston's own share is 13.9 %): new, accepted
  and in progress 4 : 2 : 1; the rest resolved;
- **100-character descriptions** (the Boston case title, repeated to 100 characters);
- **where**: points PostGIS draws inside Gdańsk's districts (fixed seed), districts
  weighted by area;
- **routed in SQL**: the unit is routing's own decision for the (category, district)
  pair (``mapa.catalogue.routing.decision_joins``, as ``mapa.catalogue.coverage``
  makes it for every district at once).
"""

from __future__ import annotations

import csv
import gzip
import io
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

import psycopg
from django.core.management import call_command

from bench.boston import BOSTON_TO_MAPA
from mapa.core.progress import Progress

SUFFIX = "_bench"
OPEN_PERCENT = 15
DESCRIPTION_CHARS = 100
BOSTON_STEP = 7919  # a prime: n -> (n * step) mod 48,644 visits every request once per round
YEARS = 3
BATCH = 50_000  # reports per INSERT … SELECT: the progress bar's step


class NotABenchDatabase(ValueError):
    """A database name the benchmark must not drop (the development database, or any other)."""


def bench_database_name(dev_name: str, override: str | None = None) -> str:
    """The benchmark database's name: ``<dev_name>_bench`` unless ``override`` is given.

    Any name that is the development database's, or that does not end in ``_bench``,
    is refused: the benchmark drops and re-creates this database on every run.
    """
    name = override or f"{dev_name}{SUFFIX}"
    if name in (dev_name, SUFFIX) or not name.endswith(SUFFIX):
        raise NotABenchDatabase(
            f"refusing to use {name!r} for the benchmark: it drops the database it runs in, "
            f"so the name must end in {SUFFIX!r} and differ from the development database "
            f"({dev_name!r})"
        )
    return name


@dataclass(frozen=True)
class Connection:
    """Where the benchmark database lives (from the development DATABASE_URL)."""

    host: str
    port: int
    user: str
    password: str
    name: str

    def conninfo(self, name: str | None = None) -> str:
        return psycopg.conninfo.make_conninfo(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=name or self.name,
        )

    def url(self) -> str:
        """A DATABASE_URL (postgis://) for Mapa's settings."""
        credentials = quote(self.user, safe="")
        if self.password:
            credentials += ":" + quote(self.password, safe="")
        return f"postgis://{credentials}@{self.host}:{self.port}/{quote(self.name, safe='')}"


def recreate(db: Connection, maintenance: str = "postgres") -> None:
    """Drop and create the benchmark database (refusing any name not ending in _bench)."""
    if not db.name.endswith(SUFFIX):
        raise NotABenchDatabase(f"refusing to drop {db.name!r}: not a benchmark database")
    with psycopg.connect(db.conninfo(maintenance), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db.name}" TEMPLATE template1')


def prepare_schema(root: Path, stream: TextIO) -> None:
    """Migrate the (Django-configured) benchmark database and load Gdańsk's reference data."""
    from mapa.catalogue.citydata import load_city  # imports models: after django.setup()

    call_command("migrate", verbosity=0, interactive=False)
    load_city(root / "fixtures" / "gdansk", stream=io.StringIO())
    stream.write("Schema migrated, Gdańsk's districts, categories and units loaded\n")


def boston_rows(source: Path) -> list[tuple[str, str, str, str]]:
    """(opened_at, closed_at, category, title) of every Boston request, in time order."""
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    records.sort(key=lambda r: (r["opened_at"], r["case_id"]))
    return [
        (
            r["opened_at"],
            r["closed_at"],
            BOSTON_TO_MAPA.get(r["type"], "other"),
            (r["case_title"] or r["type"]).strip() or r["type"],
        )
        for r in records
    ]


def decisions_sql() -> str:
    """Routing's decision for every (served district, category) pair, as a temporary table."""
    from mapa.catalogue.routing import DECISION_COLUMNS, decision_joins  # after django.setup()

    return (
        """
CREATE TEMP TABLE bench_decision AS
SELECT d.id AS district_id, category.id AS category_id, category.code AS category_code,"""
        + DECISION_COLUMNS
        + """
FROM districts_district d
JOIN districts_city city ON city.id = d.city_id AND city.served
CROSS JOIN catalogue_category category"""
        + decision_joins(district_id="d.id")
    )


# Points: each served district's share of N by area, drawn by PostGIS (fixed seed).
POINTS_SQL = """
CREATE TEMP TABLE bench_point AS
WITH weights AS (
    SELECT d.id, d.geometry,
           ST_Area(d.geometry::geography) / sum(ST_Area(d.geometry::geography)) OVER () AS share
    FROM districts_district d
    JOIN districts_city city ON city.id = d.city_id AND city.served
),
quota AS (SELECT id, geometry, ceil(share * %(total)s)::int AS n FROM weights),
points AS (
    SELECT q.id AS district_id, (ST_Dump(ST_GeneratePoints(q.geometry, q.n, 20150101))).geom
    FROM quota q WHERE q.n > 0
)
SELECT (row_number() OVER () - 1)::bigint AS n, district_id, geom FROM points
"""

# Report n (0-based) of the batch [start, stop): Boston request (n * step) mod B.
LOAD_SQL = f"""
INSERT INTO reports_report (reference, category_id, location, location_source, address,
    description, attributes, channel, status, district_id, unit_id, routing_reason, routing,
    routing_explanation, reporter_name, reporter_email, reporter_phone, created_at, updated_at,
    resolved_at)
SELECT 'BS-' || (2015 + p.n / 1000000) || '-' || lpad((p.n %% 1000000)::text, 6, '0'),
       dec.category_id, p.geom, 'pin', '',
       left(repeat(b.title || '. ', {DESCRIPTION_CHARS}), {DESCRIPTION_CHARS}),
       '{{}}', 'web',
       CASE WHEN (p.n * 37) %% 100 >= {OPEN_PERCENT} THEN 'resolved'
            WHEN p.n %% 7 < 4 THEN 'new'
            WHEN p.n %% 7 < 6 THEN 'accepted'
            ELSE 'in_progress' END,
       p.district_id, dec.unit_id, dec.reason,
       json_build_object('bench', true, 'unit', dec.unit_code, 'reason', dec.reason)::jsonb,
       'Benchmark data: routed in bulk by routing''s SQL', '', '', '',
       t.created_at,
       CASE WHEN (p.n * 37) %% 100 >= {OPEN_PERCENT} THEN t.resolved_at ELSE t.created_at END,
       CASE WHEN (p.n * 37) %% 100 >= {OPEN_PERCENT} THEN t.resolved_at END
FROM bench_point p
JOIN bench_boston b ON b.i = (p.n * {BOSTON_STEP}) %% %(boston)s
JOIN bench_decision dec ON dec.district_id = p.district_id AND dec.category_code = b.category
CROSS JOIN LATERAL (
    SELECT created, LEAST(created + GREATEST(COALESCE(b.closed_at - b.opened_at,
                                                      interval '3 days'), interval '0'),
                          now()) AS resolved_at
    FROM (SELECT LEAST((b.opened_at + %(shift)s::interval - (p.n %% {YEARS}) * interval '1 year')
                       AT TIME ZONE 'America/New_York', now()) AS created) c
) t0
CROSS JOIN LATERAL (SELECT t0.created AS created_at, t0.resolved_at) t
WHERE p.n >= %(start)s AND p.n < %(stop)s AND p.n < %(total)s
"""

EVENTS_SQL = """
INSERT INTO reports_reportevent (report_id, kind, created_at, from_status, to_status,
    to_unit_id, public_note, internal_note)
SELECT id, 'created', created_at, '', 'new', unit_id, '', ''
FROM reports_report WHERE id > %(after)s AND reference LIKE 'BS-%%'
"""


# The tables a load fills. Their secondary indexes and foreign keys are dropped first and
# made again after: one CREATE INDEX over all rows is much cheaper than a million single-row
# insertions into each index (GiST above all), and adding a foreign key checks every row in
# one join, where the constraint's trigger looks each row up (EXPLAIN ANALYZE of a 50,000-row
# batch: 4.6 s for the rows, 4.9 s in the five foreign keys' triggers). Indexes behind a
# constraint (primary key, unique) stay.
REBUILT_TABLES = ("reports_report", "reports_reportevent")
SECONDARY_INDEXES_SQL = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid = %s::regclass
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
ORDER BY 1
"""
FOREIGN_KEYS_SQL = """
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = %s::regclass AND contype = 'f'
ORDER BY 1
"""


def set_aside_indexes_and_keys(conn: psycopg.Connection) -> list[str]:
    """Drop the secondary indexes and foreign keys of ``REBUILT_TABLES``; the statements
    that make them again, to run once the rows are in."""
    again = []
    for table in REBUILT_TABLES:
        keys = conn.execute(FOREIGN_KEYS_SQL, [table]).fetchall()
        for name, _definition in keys:
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, definition in conn.execute(SECONDARY_INDEXES_SQL, [table]).fetchall():
            conn.execute(f"DROP INDEX {name}")
            again.append(definition)
        again += [f'ALTER TABLE {table} ADD CONSTRAINT "{n}" {d}' for n, d in keys]
    return again


@dataclass(frozen=True)
class Loaded:
    reports: int
    open: int
    seconds: float


def load_reports(conninfo: str, total: int, boston: Path, stream: TextIO, start: int = 0) -> Loaded:
    """Bulk-load reports ``start`` to ``total`` (and their events) into the benchmark database.

    ``start`` > 0 tops a loaded database up (reports 0 to ``start`` are there already).
    """
    started = time.perf_counter()
    rows = boston_rows(boston)
    progress = Progress(total - start, f"Loading reports {start:,} to {total:,}", stream)
    with psycopg.connect(conninfo) as conn:
        conn.execute("SET synchronous_commit = off")
        # Foreign keys checked row by row, not queued to the commit: the trigger can be
        # switched on again before it.
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        conn.execute(
            "CREATE TEMP TABLE bench_boston (i int PRIMARY KEY, opened_at timestamp, "
            "closed_at timestamp, category text, title text)"
        )
        with conn.cursor().copy(
            "COPY bench_boston (i, opened_at, closed_at, category, title) FROM STDIN"
        ) as copy:
            for i, (opened, closed, category, title) in enumerate(rows):
                copy.write_row((i, opened, closed or None, category, title))
        conn.execute(decisions_sql())
        conn.execute(POINTS_SQL, {"total": total})
        conn.execute("CREATE INDEX ON bench_point (n)")
        conn.execute("ANALYZE bench_boston")
        conn.execute("ANALYZE bench_point")
        conn.execute("ANALYZE bench_decision")
        # The audit trigger (pghistory) costs about 0.9 ms a row: a bulk-loaded report
        # has no audit history, as if imported. It is on again before the commit.
        conn.execute("ALTER TABLE reports_report DISABLE TRIGGER USER")
        conn.execute("SET maintenance_work_mem = '256MB'")
        set_aside = set_aside_indexes_and_keys(conn)
        # Boston's last request (31 December 2015) lands at the start of today.
        shift = conn.execute(
            "SELECT (date_trunc('day', now() AT TIME ZONE 'America/New_York') "
            "- max(opened_at))::text FROM bench_boston"
        ).fetchone()
        assert shift is not None
        after = conn.execute("SELECT COALESCE(max(id), 0) FROM reports_report").fetchone()
        assert after is not None
        for first in range(start, total, BATCH):
            stop = min(first + BATCH, total)
            conn.execute(
                LOAD_SQL,
                {
                    "start": first,
                    "stop": stop,
                    "total": total,
                    "boston": len(rows),
                    "shift": shift[0],
                },
            )
            progress.advance(count=stop - first)
        conn.execute(EVENTS_SQL, {"after": after[0]})
        for statement in set_aside:  # the same indexes and keys, each made in one pass
            conn.execute(statement)
        conn.execute("ALTER TABLE reports_report ENABLE TRIGGER USER")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE reports_report")
        conn.execute("VACUUM ANALYZE reports_reportevent")
        counts = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE status IN ('new','accepted','in_progress')) "
            "FROM reports_report"
        ).fetchone()
    assert counts is not None
    return Loaded(counts[0], counts[1], time.perf_counter() - started)
