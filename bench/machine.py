"""What the benchmark ran on: cores, CPU, memory, load, PostgreSQL and PostGIS."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def describe(conninfo: str) -> dict[str, Any]:
    with psycopg.connect(conninfo) as conn:
        pg = conn.execute("SHOW server_version").fetchone()
        postgis = conn.execute("SELECT postgis_lib_version()").fetchone()
        workers = conn.execute("SHOW max_parallel_workers_per_gather").fetchone()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gib": _memory_gib(),
        "postgresql": pg[0] if pg else "?",
        "postgis": postgis[0] if postgis else "?",
        "max_parallel_workers_per_gather": workers[0] if workers else "?",
        "python": platform.python_version(),
        "load_at_start": [round(v, 2) for v in load_average()],
    }
