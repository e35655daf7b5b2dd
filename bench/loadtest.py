"""Load tests: locust headless against the benchmark's gunicorn, bounded in time.

``run_locust`` starts ``locust`` (``bench/locustfile.py``) as a subprocess with N users
and no think time for a fixed number of seconds, and reads its CSV summary: requests
per second, failures, and the 50th/95th/99th percentiles of the response times, per
request kind and in aggregate.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"


@dataclass(frozen=True)
class LoadRow:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    max: float


@dataclass(frozen=True)
class LoadResult:
    users: int
    seconds: int
    user_class: str
    rows: list[LoadRow]

    @property
    def total(self) -> LoadRow:
        return next(r for r in self.rows if r.name == "Aggregated")


def parse_stats(path: Path) -> list[LoadRow]:
    """Locust's ``<prefix>_stats.csv``: one row per request name, then "Aggregated"."""
    rows = []
    with path.open(newline="") as handle:
        for record in csv.DictReader(handle):
            rows.append(
                LoadRow(
                    name=record["Name"],
                    requests=int(record["Request Count"]),
                    failures=int(record["Failure Count"]),
                    rps=round(float(record["Requests/s"]), 1),
                    p50=_ms(record["50%"]),
                    p95=_ms(record["95%"]),
                    p99=_ms(record["99%"]),
                    max=_ms(record["Max Response Time"]),
                )
            )
    return rows


def _ms(value: str) -> float:
    return 0.0 if value in {"", "N/A"} else float(value)


def run_locust(
    base_url: str,
    *,
    users: int,
    seconds: int,
    user_class: str,
    out: Path,
    map_paths: list[str] | None = None,
) -> LoadResult:
    out.mkdir(parents=True, exist_ok=True)
    prefix = out / f"locust-{user_class}-{users}"
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--host",
        base_url,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        user_class,
    ]
    env = {"BENCH_MAP_PATHS": json.dumps(map_paths or [])}
    import os

    done = subprocess.run(
        command,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=seconds + 120,
    )
    (out / f"locust-{user_class}-{users}.log").write_text(done.stdout + done.stderr)
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise RuntimeError(f"locust wrote no statistics:\n{done.stderr[-3000:]}")
    return LoadResult(users, seconds, user_class, parse_stats(stats))
