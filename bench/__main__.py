"""python -m bench: Mapa over real HTTP (gunicorn, production settings) against its floors.

    python -m bench [--size 200k|2m|…] [--repeat N] [--quick] [--growth]

Each run drops and re-creates its own database (``<name>_bench``; never the
development database), bulk-loads it to ``--size`` reports (200,000 by default,
``--size 2m`` for two million), runs ``collectstatic`` and starts gunicorn as the
Dockerfile does on a spare port, then measures each scenario against its floor
(``bench.floors``), interleaved, after a warm-up; then the load tests
(``bench.loadtest``), the resident's map in Chromium, then the unit export of a
million reports (the database topped up to ``--export-size``). It writes
``bench-results/`` (JSON, SVG chart, logs) and, for a full run at the default size,
``docs/benchmarks.md``. ``--growth`` measures the main
scenarios at 1k, 10k, 100k, 200k and 2M reports instead (``docs/bench-growth.svg``
and ``.md``). Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # the repository: bench/ sits beside mapa/
BOSTON = ROOT / "fixtures" / "boston" / "boston_311_2015_public_space.csv.gz"
DEFAULT_DEV_URL = "postgis://mapa:mapa@127.0.0.1:5432/mapa"
GROWTH_SIZES = (1_000, 10_000, 100_000, 200_000, 2_000_000)


def parse_size(text: str) -> int:
    """``200k``, ``2m``, ``1000`` → reports."""
    raw = text.strip().lower().replace("_", "").replace(",", "")
    factor = 1
    if raw.endswith("k"):
        factor, raw = 1_000, raw[:-1]
    elif raw.endswith("m"):
        factor, raw = 1_000_000, raw[:-1]
    try:
        value = int(float(raw) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 200k, 2m)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"a size must be at least 1, got {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark Mapa over HTTP (gunicorn, production settings) against the "
        "best plan for each answer, in its own database.",
    )
    p.add_argument("--size", type=parse_size, default=200_000, help="reports (200k; 2m)")
    p.add_argument("--repeat", type=int, default=20, help="timed rounds per scenario (20)")
    p.add_argument("--warmup", type=int, default=3, help="untimed rounds first (3)")
    p.add_argument("--load-seconds", type=int, default=60, help="mixed load test (60 s)")
    p.add_argument("--create-seconds", type=int, default=30, help="8-client creates (30 s)")
    p.add_argument(
        "--export-size", type=parse_size, default=1_000_000, help="export test size (1m)"
    )
    p.add_argument("--export-repeat", type=int, default=2, help="rounds of each export (2)")
    p.add_argument(
        "--quick", action="store_true", help="no load tests, no export (for development)"
    )
    p.add_argument("--no-browser", action="store_true", help="skip the Chromium map visits")
    p.add_argument("--growth", action="store_true", help="the growth curve, 1k to 2M")
    p.add_argument(
        "--growth-sizes",
        default=",".join(str(s) for s in GROWTH_SIZES),
        help="sizes for --growth (comma-separated, e.g. 1k,10k,100k)",
    )
    p.add_argument(
        "--report-only",
        action="store_true",
        help="only write docs/benchmarks.md again from bench-results/bench.json",
    )
    p.add_argument("--out", type=Path, default=ROOT / "bench-results")
    p.add_argument("--docs", type=Path, default=ROOT / "docs")
    p.add_argument(
        "--no-docs",
        action="store_true",
        help="do not write docs/ (the default writes it for "
        "a full run at the default size, and for --growth)",
    )
    p.add_argument("--database", help="the benchmark database's name (must end in _bench)")
    return p


def main(argv: list[str] | None = None) -> None:
    options = parser().parse_args(argv)
    if options.report_only:
        from bench.run import report_only

        report_only(options)
        return
    if options.repeat < 15 and not options.quick:
        print("note: fewer than 15 repetitions; use --quick for a development run", file=sys.stderr)
    from mapa.env import database_from_url  # no Django settings needed

    dev = database_from_url(os.environ.get("DATABASE_URL") or DEFAULT_DEV_URL, conn_max_age=0)
    from bench.database import Connection, bench_database_name

    db = Connection(
        host=str(dev["HOST"] or "127.0.0.1"),
        port=int(dev["PORT"] or 5432),
        user=str(dev["USER"]),
        password=str(dev["PASSWORD"]),
        name=bench_database_name(str(dev["NAME"]), options.database),
    )
    # The bench process itself: Mapa's settings (development profile), the bench database.
    os.environ["DATABASE_URL"] = db.url()
    os.environ.setdefault("MAPA_ENV", "development")
    os.environ["DJANGO_SETTINGS_MODULE"] = "mapa.settings"
    import django

    django.setup()
    from bench.run import growth, run

    started = time.monotonic()
    if options.growth:
        growth(options, db, ROOT, BOSTON)
    else:
        run(options, db, ROOT, BOSTON)
    print(f"Done in {(time.monotonic() - started) / 60:.1f} min", file=sys.stderr)


def dump(data: Any) -> str:
    return json.dumps(data, indent=2, default=str)


if __name__ == "__main__":
    main()
