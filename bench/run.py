"""The benchmark's steps: database, server, scenarios, load tests, export, results."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import machine
from bench.browser import first_clusters
from bench.database import Connection, load_reports, prepare_schema, recreate
from bench.exports import measure_export
from bench.floors import Floors, session_settings
from bench.harness import Result, measure, ratio_chart, write_json
from bench.loadtest import run_load
from bench.mapviews import (
    map_pairs,
    map_paths_for_load,
    never_stale,
    stated_count,
    tile_path,
)
from bench.report import growth_markdown, growth_svg, load_results, write_benchmarks_md
from bench.scenarios import (
    Context,
    create_pairs,
    drf_gis_pair,
    list_pairs,
    nearby_pair,
    nothing_pair,
)
from bench.server import collectstatic, fresh_redis, production_environment, start_gunicorn


def log(text: str) -> None:
    print(f"{time.strftime('%H:%M:%S', time.gmtime())} {text}", file=sys.stderr, flush=True)


def fresh_database(db: Connection, root: Path, size: int, boston: Path) -> dict[str, Any]:
    log(f"Benchmark database {db.name}: dropped and created again")
    recreate(db)
    prepare_schema(root, sys.stderr)
    loaded = load_reports(db.conninfo(), size, boston, sys.stderr)
    log(f"{loaded.reports:,} reports ({loaded.open:,} open) loaded in {loaded.seconds:.0f} s")
    return asdict(loaded)


def category_ids(floors: Floors) -> tuple[int, int, int]:
    """(pothole's id, Śródmieście's id, pothole's unit there) for the unrouted create."""
    row = floors.conn.execute(
        "SELECT c.id, d.id, COALESCE(c.default_unit_id, "
        "(SELECT id FROM catalogue_unit WHERE is_triage)) "
        "FROM catalogue_category c, districts_district d "
        "WHERE c.code = 'pothole' ORDER BY d.slug = 'srodmiescie' DESC LIMIT 1"
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


def scenario_results(
    ctx: Context, options: argparse.Namespace, *, drf_gis: bool = True
) -> list[Result]:
    pairs = [nothing_pair(ctx), *list_pairs(ctx), nearby_pair(ctx)]
    if drf_gis:  # slow (seconds a request): not in the growth curve
        pairs.append(drf_gis_pair(ctx))
    pairs += create_pairs(ctx, category_ids(ctx.floors))
    pairs += map_pairs(ctx)
    results = []
    for i, pair in enumerate(pairs, 1):
        result = measure(pair, repeat=options.repeat, warmup=options.warmup)
        results.append(result)
        floor = f" vs {result.floor.median:.1f} ms (×{result.ratio})" if result.floor else ""
        log(f"[{i}/{len(pairs)}] {pair.name}: {result.measured.median:.1f} ms{floor}")
    return results


def tile_bytes(ctx: Context) -> dict[str, dict[str, int]]:
    sizes = {}
    for z in (14, 10):
        path = tile_path(z)
        if path:
            plain = ctx.server.get(path)
            zipped = ctx.server.get(path, headers={"Accept-Encoding": "gzip"})
            sizes[f"map tile z{z}"] = {"bytes": len(plain.body), "gzip": len(zipped.body)}
    return sizes


def run(options: argparse.Namespace, db: Connection, root: Path, boston: Path) -> None:
    out: Path = options.out
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    loaded = fresh_database(db, root, options.size, boston)
    meta = machine.describe(db.conninfo())
    meta.update(
        database=db.name,
        reports=options.size,
        repeat=options.repeat,
        warmup=options.warmup,
        loaded=loaded,
    )
    env = production_environment(db.url(), out / "static")
    log("collectstatic (production settings)")
    if not collectstatic(root, env):
        log("static files unchanged since the last collectstatic: kept")
    fresh_redis()
    server = start_gunicorn(root, env, out / "gunicorn.log")
    floors = Floors.connect(db.conninfo())
    data: dict[str, Any] = {"meta": meta}
    try:
        index, created = floors.ensure_partial_open_index()
        meta["nearby_floor_index"] = {"name": index, "created_by_bench": created}
        meta["session_settings"] = session_settings()
        ctx = Context(server, floors)
        results = scenario_results(ctx, options)
        data["results"] = results
        data["stated_count"] = stated_count(ctx)
        data["never_stale"] = never_stale(ctx)
        data["tile_bytes"] = tile_bytes(ctx)
        if not options.quick and not options.no_browser:
            log("The resident's map in headless Chromium (6 visits)")
            try:
                data["browser"] = first_clusters(server, floors)
            except Exception as exc:  # a browser problem must not lose the run
                data["browser"] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
                log(f"The browser measurement failed: {data['browser']['error']}")
        if not options.quick:
            log(f"Load test: mixed traffic, 10 clients, {options.load_seconds} s")
            data["load_mixed"] = run_load(
                server.port,
                users=10,
                seconds=options.load_seconds,
                mix="mixed",
                map_paths=map_paths_for_load(ctx),
            )
            log(f"Load test: creates, 8 clients, {options.create_seconds} s")
            data["load_creates"] = run_load(
                server.port, users=8, seconds=options.create_seconds, mix="creates"
            )
    finally:
        server.stop()
    if not options.quick and options.export_size:
        current = int(floors.value("SELECT count(*) FROM reports_report"))
        if current < options.export_size:
            log(f"Topping the database up to {options.export_size:,} reports for the export")
            load_reports(db.conninfo(), options.export_size, boston, sys.stderr, start=options.size)
        reports = int(floors.value("SELECT count(*) FROM reports_report"))
        data["exports"] = []
        for fmt in ("csv", "geojson"):
            log(f"Export of {reports:,} reports as {fmt} ({options.export_repeat} rounds)")
            data["exports"].append(
                measure_export(root, env, db.conninfo(), fmt, reports, options.export_repeat)
            )
    floors.close()
    meta["load_at_end"] = [round(v, 2) for v in machine.load_average()]
    meta["minutes"] = round((time.monotonic() - t0) / 60, 1)
    write_json(out, "bench.json", data)
    title = f"Mapa over HTTP ÷ floor, {options.size:,} reports, median of {options.repeat}"
    (out / "bench.svg").write_text(ratio_chart(data["results"], title=title))
    log(f"Results: {out / 'bench.json'}, chart: {out / 'bench.svg'}")
    full = options.size == 200_000 and not options.quick and options.export_size
    if full and not options.no_docs:
        path = write_benchmarks_md(options.docs / "benchmarks.md", data)
        log(f"Wrote {path}")


def write_growth_docs(docs: Path, meta: dict[str, Any], points: list[dict[str, Any]]) -> None:
    """docs/bench-growth.{json,md,svg}, keeping the sizes of earlier runs not measured now."""
    path = docs / "bench-growth.json"
    measured = {p["size"] for p in points}
    earlier: list[dict[str, Any]] = []
    if path.exists():
        earlier = [p for p in json.loads(path.read_text())["points"] if p["size"] not in measured]
    merged = json.loads(json.dumps(earlier + points, default=_plain))
    merged.sort(key=lambda p: p["size"])
    write_json(docs, "bench-growth.json", {"meta": meta, "points": merged})
    (docs / "bench-growth.svg").write_text(growth_svg(merged))
    (docs / "bench-growth.md").write_text(growth_markdown(merged, meta))


def _plain(value: Any) -> Any:
    return asdict(value) if hasattr(value, "__dataclass_fields__") else str(value)


def report_only(options: argparse.Namespace) -> None:
    """docs/benchmarks.md again from bench-results/bench.json (e.g. after a growth run)."""
    data = load_results(json.loads((options.out / "bench.json").read_text()))
    log(f"Wrote {write_benchmarks_md(options.docs / 'benchmarks.md', data)}")


def growth(options: argparse.Namespace, db: Connection, root: Path, boston: Path) -> None:
    """The main scenarios at each size, topping one database up from size to size."""
    from bench.__main__ import parse_size

    sizes = sorted(parse_size(s) for s in options.growth_sizes.split(","))
    out: Path = options.out
    out.mkdir(parents=True, exist_ok=True)
    fresh_database(db, root, sizes[0], boston)
    meta = machine.describe(db.conninfo())
    env = production_environment(db.url(), out / "static")
    collectstatic(root, env)
    points: list[dict[str, Any]] = []
    previous = sizes[0]
    for size in sizes:
        if size > previous:
            t = time.monotonic()
            load_reports(db.conninfo(), size, boston, sys.stderr, start=previous)
            log(f"Topped up to {size:,} in {time.monotonic() - t:.0f} s")
            previous = size
        fresh_redis()
        server = start_gunicorn(root, env, out / f"gunicorn-{size}.log")
        floors = Floors.connect(db.conninfo())
        try:
            floors.ensure_partial_open_index()
            ctx = Context(server, floors)
            results = scenario_results(ctx, options, drf_gis=False)
        finally:
            server.stop()
            floors.close()
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        points.append({"size": size, "date": when, "results": results})
        meta["load_at_end"] = [round(v, 2) for v in machine.load_average()]
        write_json(out, "growth.json", {"meta": meta, "points": points})
        if not options.no_docs:
            write_growth_docs(options.docs, meta, points)
            log(f"Wrote {options.docs / 'bench-growth.svg'} and bench-growth.md")
