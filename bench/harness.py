"""The benchmark harness: Mapa's endpoints against the floor of their own SQL run by psql.

For each scenario Mapa runs the full request in-process (Django test client:
URL routing, parsing, validation, PostGIS, rendering) and records the exact
SQL it sent. psql then runs that same SQL, and its ``\\timing`` is the floor:
what the database alone needs. The ratio median(Mapa) / median(psql) is the
figure of merit; it does not depend on how fast this machine is.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mapa.core.progress import Progress


@dataclass(frozen=True)
class Scenario:
    name: str
    run: Callable[[Client], Any]  # one request; must succeed


@dataclass(frozen=True)
class Result:
    name: str
    mapa_ms: float
    mapa_p95_ms: float
    sql_ms: float
    statements: int
    ratio: float


def run_benchmarks(scenarios: list[Scenario], *, repeat: int, stream: TextIO) -> list[Result]:
    client = Client()
    results = []
    progress = Progress(len(scenarios) * 2, "Benchmarking", stream)
    for scenario in scenarios:
        statements = _statements(client, scenario)
        floor = _psql_median_ms(statements, repeat)
        progress.advance(scenario.name + " (psql)")
        scenario.run(client)  # warm caches
        timings = [_timed(client, scenario) for _ in range(repeat)]
        progress.advance(scenario.name)
        median = statistics.median(timings)
        results.append(
            Result(
                name=scenario.name,
                mapa_ms=round(median, 3),
                mapa_p95_ms=round(_p95(timings), 3),
                sql_ms=round(floor, 3),
                statements=len(statements),
                ratio=round(median / floor, 2) if floor else float("inf"),
            )
        )
    return results


def _timed(client: Client, scenario: Scenario) -> float:
    start = time.perf_counter()
    scenario.run(client)
    return (time.perf_counter() - start) * 1000


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _statements(client: Client, scenario: Scenario) -> list[str]:
    """The SQL one request sends, with parameters inlined (as psql will run it).

    The request runs in a transaction rolled back afterwards, so a POST's
    statements can be replayed by psql (its reference number is still free).
    """
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        scenario.run(client)
        transaction.set_rollback(True)
    skip = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(skip)]


def _psql_median_ms(statements: list[str], repeat: int) -> float:
    """Median over ``repeat`` runs of the summed psql \\timing of ``statements``."""
    db = settings.DATABASES["default"]
    # Unaligned, tuples only: psql should not spend the floor on formatting tables.
    script = ["\\timing on", "\\pset format unaligned", "\\pset tuples_only on", "\\o /dev/null"]
    for _ in range(repeat):  # each round rolled back: a benchmarked POST leaves no rows
        script += ["BEGIN;", *(s.rstrip().rstrip(";") + ";" for s in statements), "ROLLBACK;"]
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
        handle.write("\n".join(script))
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"]}
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db["NAME"], "-f", handle.name]
    if db["USER"]:
        command += ["-U", db["USER"]]
    if db["HOST"]:
        command += ["-h", db["HOST"]]
    if db["PORT"]:
        command += ["-p", str(db["PORT"])]
    try:
        # psql with arguments from settings, no shell: nothing here comes from a client.
        done = subprocess.run(  # noqa: S603
            command, env=env, capture_output=True, text=True, timeout=600
        )
    finally:
        Path(handle.name).unlink()
    if done.returncode != 0:
        raise RuntimeError(f"psql failed on the captured SQL: {done.stderr[:2000]}")
    output = done.stdout
    times = [float(line.split()[1]) for line in output.splitlines() if line.startswith("Time:")]
    n = len(statements) + 2  # BEGIN, the statements, ROLLBACK
    rounds = [times[i + 1 : i + n - 1] for i in range(0, len(times), n)]
    return statistics.median(sum(r) for r in rounds) if rounds else 0.0


def write_results(results: list[Result], folder: Path, meta: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench.json").write_text(
        json.dumps({"meta": meta, "results": [asdict(r) for r in results]}, indent=2)
    )
    chart = folder / "bench.svg"
    chart.write_text(ratio_chart(results, title=meta.get("title", "Mapa benchmarks")))
    return chart


def ratio_chart(results: list[Result], *, title: str) -> str:
    """A horizontal bar chart (SVG) of each scenario's ratio to its psql floor."""
    width, left, bar, gap = 820, 230, 26, 14
    top = 60
    height = top + len(results) * (bar + gap) + 40
    scale_max = max([r.ratio for r in results] + [2.0])
    usable = width - left - 250

    def x(value: float) -> float:
        return left + usable * value / scale_max

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="DejaVu Sans, sans-serif" font-size="13">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="20" y="28" font-size="17" font-weight="bold">{_esc(title)}</text>',
        '<text x="20" y="48" fill="#444">median time of the full request ÷ psql time of '
        "the same SQL (1.0 = no overhead)</text>",
        f'<line x1="{x(1):.1f}" y1="{top - 6}" x2="{x(1):.1f}" y2="{height - 40}" '
        'stroke="#b00" stroke-dasharray="4 3"/>',
        f'<text x="{x(1) + 4:.1f}" y="{height - 26}" fill="#b00">psql floor</text>',
    ]
    for i, r in enumerate(results):
        y = top + i * (bar + gap)
        parts += [
            f'<text x="{left - 10}" y="{y + bar * 0.68:.1f}" text-anchor="end">'
            f"{_esc(r.name)}</text>",
            f'<rect x="{left}" y="{y}" width="{max(x(r.ratio) - left, 1):.1f}" height="{bar}" '
            'fill="#1f5f8b"/>',
            f'<text x="{x(r.ratio) + 6:.1f}" y="{y + bar * 0.68:.1f}">&#215;{r.ratio:.2f} '
            f"({r.mapa_ms:.1f} ms vs {r.sql_ms:.1f} ms)</text>",
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
