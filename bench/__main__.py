"""python -m bench: time Mapa's main endpoints against psql on the same SQL.

    python -m bench [--repeat N] [--out DIR] [--boston FILE]

Runs in its own database (``<name>_bench``, kept between runs) holding
Gdańsk's reference data and Boston's 48,644 real 311 requests placed on
Gdańsk's districts. Prints a table, writes ``bench.json`` and ``bench.svg``
to ``--out`` (``bench-results/``); progress goes to stderr. Settings come
from the environment as for ``manage.py`` (``make bench`` sets MAPA_ENV).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

import django
from django.conf import settings
from django.db import connection

from bench.boston import bench_reports_loaded, load_boston
from bench.harness import Result, run_benchmarks, write_results
from bench.scenarios import scenarios

ROOT = Path(__file__).resolve().parent.parent  # the repository: bench/ sits beside mapa/


def main(argv: list[str] | None = None) -> None:
    options = _parser().parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mapa.settings")
    django.setup()
    run(repeat=options.repeat, out=options.out, boston=options.boston)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark the API against psql's time for the same SQL (a ratio, "
        "not seconds).",
    )
    parser.add_argument(
        "--repeat", type=int, default=30, metavar="N", help="timed runs per scenario (30)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench-results",
        metavar="DIR",
        help="where bench.json and bench.svg go (bench-results/)",
    )
    parser.add_argument(
        "--boston",
        type=Path,
        default=ROOT / "fixtures" / "boston" / "boston_311_2015_public_space.csv.gz",
        metavar="FILE",
        help="Boston 311 requests (.csv.gz), loaded once into the benchmark database",
    )
    return parser


def run(*, repeat: int, out: Path, boston: Path) -> None:
    from mapa.catalogue.citydata import load_city  # imports models: after django.setup()

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client
    test = connection.settings_dict["TEST"]
    test["NAME"] = connection.settings_dict["NAME"] + "_bench"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True)
    print(f"Benchmark database: {name}")
    load_city(ROOT / "fixtures" / "gdansk", stream=sys.stderr)
    if not bench_reports_loaded():
        rows = load_boston(boston, stream=sys.stderr)
        print(f"Loaded {rows} Boston 311 requests onto Gdańsk's districts")
    total = bench_reports_loaded()
    results = run_benchmarks(scenarios(), repeat=repeat, stream=sys.stderr)
    print(_table(results, total))
    chart = write_results(
        results,
        out,
        {
            "title": f"Mapa benchmarks ({total} reports, median of {repeat})",
            "reports": total,
            "repeat": repeat,
            "python": platform.python_version(),
            "machine": platform.machine(),
        },
    )
    print(f"Chart: {chart}")


def _table(results: list[Result], total: int) -> str:
    lines = [
        f"\n{total} reports in the benchmark database",
        f"{'scenario':32} {'Mapa ms':>9} {'p95':>8} {'psql ms':>9} {'SQL':>4} {'ratio':>6}",
    ]
    lines += [
        f"{r.name:32} {r.mapa_ms:9.2f} {r.mapa_p95_ms:8.2f} "
        f"{r.sql_ms:9.2f} {r.statements:4d} {r.ratio:6.2f}"
        for r in results
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
