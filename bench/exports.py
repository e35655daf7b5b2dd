"""The unit export of a million reports: time and peak memory against a ``COPY`` floor.

Mapa's side is ``manage.py export_reports --format geojson|csv --output -`` (the
export API's bytes, streamed from PostGIS; ``mapa.exports``) run as a child process
under the production settings, its output read to the end and thrown away; its peak
resident memory is the kernel's high-water mark for that process (``VmHWM`` in
``/proc/<pid>/status``, read after every MiB of output; ``ru_maxrss`` would include
the benchmark's own memory, which the child inherits across fork and exec). The floor
is one ``COPY (SELECT …) TO STDOUT`` of the same rows and properties in the same order
(``updated_at, id``) read by psycopg: CSV columns for the CSV, a minimal JSON object per
row for the GeoJSON.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from bench.floors import session_settings
from bench.harness import Stats
from bench.server import peak_rss_kib

PROPERTIES = """r.reference, c.code AS category, c.name_pl AS category_name, r.status,
    d.slug AS district, d.name AS district_name, u.code AS unit, u.name AS unit_name,
    r.created_at AS created, r.updated_at AS updated, r.resolved_at AS resolved,
    r.description, r.address"""
FROM = """FROM reports_report r
JOIN catalogue_category c ON c.id = r.category_id
JOIN catalogue_unit u ON u.id = r.unit_id
LEFT JOIN districts_district d ON d.id = r.district_id"""

NAMES = [
    "reference", "category", "category_name", "status", "district", "district_name", "unit",
    "unit_name", "created", "updated", "resolved", "description", "address",
]  # fmt: skip
# In the export's own order: the sync order (updated_at, id) is part of its answer (a
# client resumes from a cursor in it), and reading a million rows in it costs a sort or an
# index scan that a dump in the table's order does not pay.
ORDER = "ORDER BY r.updated_at, r.id"
FLOOR_SQL = {
    "csv": f"COPY (SELECT {PROPERTIES}, ST_X(r.location) AS lon, ST_Y(r.location) AS lat "
    f"{FROM} {ORDER}) TO STDOUT WITH (FORMAT csv, HEADER)",
    "geojson": "COPY (SELECT json_build_object('type', 'Feature', 'id', reference, "
    "'geometry', ST_AsGeoJSON(location, 7)::json, 'properties', json_build_object("
    + ", ".join(f"'{n}', {n}" for n in NAMES)
    + f"))::text FROM (SELECT r.location, r.updated_at, r.id, {PROPERTIES} {FROM}) p "
    "ORDER BY p.updated_at, p.id) TO STDOUT",
}


@dataclass(frozen=True)
class ExportResult:
    format: str
    reports: int
    measured: Stats  # ms
    floor: Stats  # ms
    ratio: float
    peak_rss_mib: float
    bytes: int


def run_command(root: Path, env: dict[str, str], fmt: str) -> tuple[float, float, int]:
    """One ``export_reports`` to a pipe read to the end: (ms, peak RSS in MiB, bytes)."""
    command = [sys.executable, "manage.py", "export_reports", "--format", fmt, "--output", "-"]
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert process.stdout is not None
    size = peak = 0
    while chunk := process.stdout.read(1 << 20):
        size += len(chunk)
        peak = max(peak, peak_rss_kib(process.pid))
    returncode = process.wait()
    elapsed = (time.perf_counter() - start) * 1000
    if returncode != 0:
        raise RuntimeError(f"export_reports --format {fmt} failed ({returncode})")
    return elapsed, peak / 1024, size


def run_floor(conninfo: str, fmt: str) -> tuple[float, int]:
    start = time.perf_counter()
    size = 0
    with psycopg.connect(conninfo) as conn:
        for name, value in session_settings().items():
            conn.execute(f"SET {name} = {int(value)}")
        with conn.cursor().copy(FLOOR_SQL[fmt]) as copy:
            for block in copy:
                size += len(block)
    return (time.perf_counter() - start) * 1000, size


def measure_export(
    root: Path, env: dict[str, str], conninfo: str, fmt: str, reports: int, repeat: int
) -> ExportResult:
    """``repeat`` interleaved rounds (command, COPY; COPY, command; ...)."""
    measured: list[float] = []
    floor: list[float] = []
    peak = 0.0
    size = 0
    for i in range(repeat):
        order = ("command", "floor") if i % 2 == 0 else ("floor", "command")
        for side in order:
            if side == "command":
                ms, rss, size = run_command(root, env, fmt)
                measured.append(ms)
                peak = max(peak, rss)
            else:
                floor.append(run_floor(conninfo, fmt)[0])
    m, f = Stats.of(measured), Stats.of(floor)
    return ExportResult(fmt, reports, m, f, round(m.median / f.median, 2), round(peak, 1), size)
