"""manage.py bench: time Mapa's main endpoints against psql on the same SQL.

Runs in its own database (``<name>_bench``, kept between runs) holding
Gdańsk's reference data and Boston's 48,644 real 311 requests placed on
Gdańsk's districts. Writes bench-results/bench.json and bench.svg.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any, TextIO, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from mapa.catalogue.citydata import load_city
from mapa.core.bench import Scenario, run_benchmarks, write_results
from mapa.core.benchdata import bench_reports_loaded, load_boston

ROOT = Path(settings.BASE_DIR)


def _ok(response: Any) -> Any:
    if response.status_code >= 300:
        raise RuntimeError(
            f"benchmark request failed: {response.status_code} {response.content[:300]!r}"
        )
    return response


def scenarios() -> list[Scenario]:
    report = json.dumps(
        {
            "category": "pothole",
            "description": "Benchmark: dziura w jezdni",
            "location": {"type": "Point", "coordinates": [18.6060, 54.3800]},
        }
    )
    return [
        Scenario(
            "route preview (1 point)",
            lambda c: _ok(
                c.get(
                    "/api/routing/",
                    {"category": "stray-animal", "lon": "18.6060", "lat": "54.3800"},
                )
            ),
        ),
        Scenario(
            "list: open, city bbox, 1000",
            lambda c: _ok(
                c.get(
                    "/api/reports/",
                    {"status": "open", "bbox": "18.42,54.27,18.96,54.45", "limit": "1000"},
                )
            ),
        ),
        Scenario(
            "list: all, Śródmieście, 200",
            lambda c: _ok(c.get("/api/reports/", {"district": "srodmiescie"})),
        ),
        Scenario(
            "nearby: 250 m",
            lambda c: _ok(
                c.get("/api/reports/nearby/", {"lon": "18.6532", "lat": "54.3485", "radius": "250"})
            ),
        ),
        Scenario("districts: full GeoJSON", lambda c: _ok(c.get("/api/districts/"))),
        Scenario(
            "districts: simplified 20 m", lambda c: _ok(c.get("/api/districts/", {"simplify": 20}))
        ),
        Scenario(
            "create report (POST)",
            lambda c: _ok(c.post("/api/reports/", report, content_type="application/json")),
        ),
    ]


class Command(BaseCommand):
    help = "Benchmark the API against psql's time for the same SQL (a ratio, not seconds)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument(
            "--boston",
            type=Path,
            default=ROOT / "fixtures" / "boston" / "boston_311_2015_public_space.csv.gz",
        )
        parser.add_argument("--out", type=Path, default=ROOT / "bench-results")

    def handle(self, *args: Any, **options: Any) -> None:
        stream = cast(TextIO, self.stderr)
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client
        test = connection.settings_dict["TEST"]
        test["NAME"] = connection.settings_dict["NAME"] + "_bench"
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True)
        self.stdout.write(f"Benchmark database: {name}")
        load_city(ROOT / "fixtures" / "gdansk", stream=stream)
        if not bench_reports_loaded():
            rows = load_boston(options["boston"], stream=stream)
            self.stdout.write(f"Loaded {rows} Boston 311 requests onto Gdańsk's districts")
        total = bench_reports_loaded()
        results = run_benchmarks(scenarios(), repeat=options["repeat"], stream=stream)
        self._table(results, total)
        chart = write_results(
            results,
            options["out"],
            {
                "title": f"Mapa benchmarks ({total} reports, median of {options['repeat']})",
                "reports": total,
                "repeat": options["repeat"],
                "python": platform.python_version(),
                "machine": platform.machine(),
            },
        )
        self.stdout.write(f"Chart: {chart}")

    def _table(self, results: list[Any], total: int) -> None:
        self.stdout.write(f"\n{total} reports in the benchmark database\n")
        self.stdout.write(
            f"{'scenario':32} {'Mapa ms':>9} {'p95':>8} {'psql ms':>9} {'SQL':>4} {'ratio':>6}"
        )
        for r in results:
            self.stdout.write(
                f"{r.name:32} {r.mapa_ms:9.2f} {r.mapa_p95_ms:8.2f} "
                f"{r.sql_ms:9.2f} {r.statements:4d} {r.ratio:6.2f}"
            )
