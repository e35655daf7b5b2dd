"""docs/benchmarks.md (the last full run against issue 11's goals) and the growth curve."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.exports import ExportResult
from bench.harness import SLOW_REPEAT, SLOW_WARMUP, Result, Stats, esc
from bench.loadtest import LoadResult, LoadRow


def load_results(raw: dict[str, Any]) -> dict[str, Any]:
    """bench.json read back into the objects the report is written from."""
    data = dict(raw)

    def stats(value: dict[str, Any] | None) -> Stats | None:
        return Stats(**value) if value else None

    data["results"] = [
        Result(**{**r, "measured": stats(r["measured"]), "floor": stats(r["floor"])})
        for r in raw["results"]
    ]
    for key in ("load_mixed", "load_creates"):
        if raw.get(key):
            load = raw[key]
            data[key] = LoadResult(
                load["users"], load["seconds"], load["mix"], [LoadRow(**r) for r in load["rows"]]
            )
    data["exports"] = [
        ExportResult(**{**e, "measured": stats(e["measured"]), "floor": stats(e["floor"])})
        for e in raw.get("exports") or []
    ]
    return data


@dataclass(frozen=True)
class Goal:
    scenario: str
    today: str
    goal: str
    measured: str
    verdict: str  # "met", "missed" or "not measured"
    why: str = ""


def _find(results: list[Result], prefix: str) -> Result | None:
    return next((r for r in results if r.name.startswith(prefix)), None)


def _ms(value: float) -> str:
    return f"{value:.1f} ms" if value >= 1 else f"{value:.2f} ms"


def _side(r: Result) -> str:
    assert r.floor is not None
    return (
        f"{_ms(r.measured.median)} vs {_ms(r.floor.median)} "
        f"(min {_ms(r.measured.min)}/{_ms(r.floor.min)}, max {_ms(r.measured.max)}/"
        f"{_ms(r.floor.max)})"
    )


def _verdict(ok: bool) -> str:
    return "met" if ok else "missed"


def _ratio_goal(
    results: list[Result], prefix: str, scenario: str, today: str, limit: float, why: str
) -> Goal:
    r = _find(results, prefix)
    if r is None or r.ratio is None:
        return Goal(scenario, today, f"≤ {limit}", "—", "not measured", "scenario did not run")
    ok = r.ratio <= limit
    return Goal(
        scenario,
        today,
        f"≤ {limit}",
        f"**{r.ratio}** — {_side(r)}",
        _verdict(ok),
        "" if ok else why,
    )


def _fixed_cost(results: list[Result]) -> str:
    nothing = _find(results, "HTTP: a request that does nothing")
    if nothing is None:
        return ""
    return f" (a request that does nothing costs {_ms(nothing.measured.median)} here)"


def goals(data: dict[str, Any], growth: dict[str, Any] | None) -> list[Goal]:
    results: list[Result] = data["results"]
    fixed = _fixed_cost(results)
    rows: list[Goal] = []
    rows += _map_goals(data)
    rows.append(
        _ratio_goal(
            results,
            "list: 1,000",
            "list page, 1,000 features over HTTP ÷ minimal json_agg floor",
            "1.9–2.1",
            1.15,
            "HTTP, gunicorn, Django's middleware and the page's planning cost a fixed few ms "
            f"on top of the query{fixed}",
        )
    )
    rows.append(
        _ratio_goal(
            results,
            "list: 10,000",
            "10,000 features ÷ one-query floor",
            "1.7–1.8",
            1.15,
            "ten pages of 1,000 (the API's maximum) are ten requests and ten queries against one",
        )
    )
    drf = _find(results, "drf-gis")
    if drf and drf.ratio is not None:
        ok = drf.ratio >= 25
        rows.append(
            Goal(
                "drf-gis ÷ Mapa, same rows, same properties",
                "17–24×",
                "≥ 25×",
                f"**{drf.ratio}×** — {_side(drf)}",
                _verdict(ok),
                ""
                if ok
                else "both measured over HTTP from the same gunicorn: Mapa's fixed HTTP and "
                "Django overhead is in the denominator",
            )
        )
    nearby = _find(results, "nearby")
    growth_text, growth_ok = _nearby_growth(growth)
    if nearby and nearby.ratio is not None:
        ok = nearby.ratio <= 1.3 and growth_ok is not False
        parts = [f"**{nearby.ratio}** at {data['meta']['reports']:,} — {_side(nearby)}"]
        parts.append(growth_text)
        why = []
        if nearby.ratio > 1.3:
            why.append(f"over HTTP a request costs a few ms more than the query alone{fixed}")
        if growth_ok is False:
            why.append("the time grows more than 1.5× from 200k to 2M")
        if growth_ok is None:
            why.append("growth 200k → 2M not measured (run python -m bench --growth)")
        rows.append(
            Goal(
                "nearby p50 over HTTP ÷ best-plan floor, at 200k and 2M",
                "1.1–1.4 of a plan 11× too slow at 2M",
                "≤ 1.3, and growth 200k → 2M ≤ 1.5×",
                "; ".join(parts),
                _verdict(ok) if growth_ok is not None else ("missed" if not ok else "met (200k)"),
                "; ".join(why),
            )
        )
    rows.append(
        _ratio_goal(
            results,
            "create: one client",
            "create, one client ÷ one-statement floor (commit included)",
            "6.5–7.8",
            3,
            "validation, routing's own statement, the counter, the audit trigger and the "
            f"201's body over HTTP cost more than one statement{fixed}",
        )
    )
    creates: LoadResult | None = data.get("load_creates")
    if creates:
        t = creates.total
        ok = t.rps >= 150 and t.p99 < 200 and t.failures == 0
        why = []
        if t.rps < 150:
            why.append(
                f"{t.rps} creates/s: the two cores are shared by gunicorn's 3 workers, "
                "PostgreSQL, the load generator and other engineers' work"
            )
        if t.p99 >= 200:
            why.append(f"p99 {t.p99:.0f} ms")
        if t.failures:
            why.append(f"{t.failures} errors")
        rows.append(
            Goal(
                "creates/s, 8 clients, gunicorn on 2 cores",
                "66",
                "≥ 150, p99 < 200 ms, 0 errors",
                f"**{t.rps}/s**, p50 {t.p50:.0f} ms, p95 {t.p95:.0f} ms, p99 {t.p99:.0f} ms, "
                f"{t.failures} errors of {t.requests:,} ({creates.seconds} s)",
                _verdict(ok),
                "; ".join(why),
            )
        )
    else:
        rows.append(Goal("creates/s, 8 clients", "66", "≥ 150", "—", "not measured", "--quick run"))
    routed = _find(results, "create: routed")
    if routed and routed.ratio:
        speed = round(1 / routed.ratio, 2)
        rows.append(
            Goal(
                "routed ÷ unrouted create (speed)",
                "—",
                "≥ 0.9",
                f"**{speed}** — routed {_side(routed)}",
                _verdict(speed >= 0.9),
                ""
                if speed >= 0.9
                else "the district lookup (ST_Covers) is a large share of a one-statement create",
            )
        )
    rows.append(_cache_goal(data))
    rows.append(_export_goal(data))
    rows.append(_tile_goal(results, data))
    return rows


def _map_goals(data: dict[str, Any]) -> list[Goal]:
    """The first two rows: what the page states, and how soon its first clusters show."""
    count = data.get("stated_count")
    browser = data.get("browser")
    scenario = "the map's stated open count and cluster numbers, whole city in view"
    before, goal = "1,000 (3.4% of the truth)", "exact, at every zoom"
    parts, ok = [], True
    if browser and "visits" in browser:
        v = browser["visits"][0]
        parts.append(
            f"the page says “{v['status_text']}”; SQL counts {v['truth']:,} open in its view "
            f"(zoom {v['zoom']}), every visit {'equal' if browser['stated_exact'] else 'NOT equal'}"
        )
        ok = ok and bool(browser["stated_exact"])
    if count:
        parts.append(
            f"count API for the whole city: {count['stated']:,} stated, {count['truth']:,} true"
        )
        ok = ok and bool(count["exact"])
    if parts:
        first = Goal(
            scenario,
            before,
            goal,
            "; ".join(parts),
            _verdict(ok),
            "" if ok else "the stated number differs from count(*)",
        )
    else:
        reason = "this Mapa serves no map count (api-reports-map-count)"
        if browser and "error" in browser:
            reason = f"the browser visit failed: {browser['error']}"
        first = Goal(scenario, before, goal, "—", "not measured", reason)
    scenario = "the map's first clusters, headless Chromium"
    before, goal = "~1.5 s, data fetched twice", "< 1.0 s, each area fetched once"
    if browser and "visits" in browser:
        fast = browser["warm_median_ms"] < 1000 and browser["cold_ms"] < 1000
        once = browser["repeated_requests"] == 0
        why = []
        if not fast:
            why.append("slower than 1 s on this shared machine")
        if not once:
            why.append(f"{browser['repeated_requests']} map requests repeated in a visit")
        second = Goal(
            scenario,
            before,
            goal,
            f"**{browser['cold_ms'] / 1000:.2f} s** on the first visit (cold server cache), "
            f"median **{browser['warm_median_ms'] / 1000:.2f} s** over the next "
            f"{len(browser['visits']) - 1} (max {browser['warm_max_ms'] / 1000:.2f} s); "
            f"{browser['visits'][0]['map_requests']} map requests, "
            f"{browser['repeated_requests']} repeated",
            _verdict(fast and once),
            "; ".join(why),
        )
    else:
        reason = "--quick or --no-browser run"
        if browser and "error" in browser:
            reason = f"the browser visit failed: {browser['error']}"
        second = Goal(scenario, before, goal, "—", "not measured", reason)
    return [first, second]


def _nearby_growth(growth: dict[str, Any] | None) -> tuple[str, bool | None]:
    if not growth:
        return "2M: not in this run", None
    by_size = {p["size"]: p for p in growth["points"]}
    if 200_000 not in by_size or 2_000_000 not in by_size:
        return "2M: not in the last growth run", None

    def median(point: dict[str, Any]) -> float:
        for r in point["results"]:
            if r["name"].startswith("nearby"):
                return float(r["measured"]["median"])
        return math.nan

    a, b = median(by_size[200_000]), median(by_size[2_000_000])
    grow = round(b / a, 2)
    return f"growth run: {a:.1f} ms at 200k, {b:.1f} ms at 2M (×{grow})", grow <= 1.5


def _cache_goal(data: dict[str, Any]) -> Goal:
    results: list[Result] = data["results"]
    cached = [r for r in results if "from the cache" in r.name and r.floor]
    stale = data.get("never_stale")
    if not cached:
        return Goal(
            "repeated map view from cache ÷ floor",
            "—",
            "≥ 10× faster; a write never served stale",
            "—",
            "not measured",
            "this Mapa serves no cached map view (api-reports-map-tile)",
        )
    parts, ok = [], True
    fresh = {r.name.split(":")[0]: r for r in results if "computed afresh" in r.name}
    for r in cached:
        assert r.floor is not None
        label = r.name.split(":")[0]
        faster = round(r.floor.median / r.measured.median, 1)
        ok = ok and faster >= 10
        text = f"{label}: **{faster}× faster** than its floor ({_side(r)})"
        if label in fresh:
            again = fresh[label].measured.median
            text += f", {round(again / r.measured.median, 1)}× faster than computing it afresh "
            text += f"over HTTP ({_ms(again)})"
        parts.append(text)
    if stale:
        parts.append(
            f"a report sent over HTTP counted at once ({stale['count_before']:,} → "
            f"{stale['count_after']:,}), in its z18 tile (every report a point): "
            f"{stale.get('in_z18_tile')}"
        )
    return Goal(
        "repeated map view from cache ÷ floor",
        "—",
        "≥ 10× faster; a write never served stale",
        "; ".join(parts),
        _verdict(ok),
        ""
        if ok
        else "a cached answer still costs an HTTP request, Django and the counters' "
        "query; the floor is a small query",
    )


def _export_goal(data: dict[str, Any]) -> Goal:
    exports: list[ExportResult] = data.get("exports") or []
    if not exports:
        return Goal(
            "unit export of 1M reports (GeoJSON and CSV)",
            "—",
            "RSS < 150 MB, ≤ 1.5× the COPY floor",
            "—",
            "not measured",
            "--quick run",
        )
    parts, ok, why = [], True, []
    for e in exports:
        parts.append(
            f"{e.format}: **×{e.ratio}**, peak RSS **{e.peak_rss_mib:.0f} MiB**, "
            f"{e.measured.median / 1000:.1f} s vs COPY {e.floor.median / 1000:.1f} s, "
            f"{e.bytes / 1e6:.0f} MB"
        )
        if e.ratio > 1.5:
            ok = False
            why.append(f"{e.format} is {e.ratio}× the COPY floor")
        if e.peak_rss_mib >= 150:
            ok = False
            why.append(f"{e.format} peaks at {e.peak_rss_mib:.0f} MiB")
    n = exports[0].reports
    return Goal(
        f"unit export of {n:,} reports (manage.py export_reports)",
        "—",
        "RSS < 150 MB, ≤ 1.5× the COPY floor",
        "; ".join(parts),
        _verdict(ok),
        "; ".join(why),
    )


def _tile_goal(results: list[Result], data: dict[str, Any]) -> Goal:
    fresh = {r.name.split(":")[0]: r for r in results if "computed afresh" in r.name}
    if not fresh:
        return Goal(
            "tile z14 / z10 at 200k",
            "—",
            "≤ 3 ms / ≤ 100 ms and ≤ 1 MB",
            "—",
            "not measured",
            "this Mapa serves no tiles",
        )
    sizes = data.get("tile_bytes", {})
    parts, ok, why = [], True, []
    for label, limit in (("map tile z14", 3.0), ("map tile z10", 100.0)):
        r = fresh.get(label)
        if r is None:
            continue
        size = sizes.get(label, {})
        parts.append(
            f"{label.split()[-1]}: **{_ms(r.measured.median)}** over HTTP "
            f"(min {_ms(r.measured.min)}), {size.get('bytes', 0) / 1000:.1f} kB "
            f"({size.get('gzip', 0) / 1000:.1f} kB gzip)"
        )
        if r.floor is not None and r.measured.median < 0.2 * r.floor.median:
            parts[-1] += (
                f" — far below its floor ({_ms(r.floor.median)}): the write before each "
                "request may not make the server compute this tile again; to be checked"
            )
        if r.measured.median > limit:
            ok = False
            why.append(
                f"{label.split()[-1]} takes {_ms(r.measured.median)} over HTTP, "
                f"including the request itself{_fixed_cost(results)}"
            )
        if size.get("bytes", 0) > 1_000_000:
            ok = False
            why.append(f"{label.split()[-1]} is over 1 MB")
    return Goal(
        "GeoJSON tile z14 / z10 (clusters and points), computed afresh",
        "—",
        "≤ 3 ms / ≤ 100 ms and ≤ 1 MB",
        "; ".join(parts),
        _verdict(ok),
        "; ".join(why),
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def benchmarks_markdown(data: dict[str, Any], growth: dict[str, Any] | None) -> str:
    meta = data["meta"]
    results: list[Result] = data["results"]
    lines = [
        "# Benchmarks",
        "",
        "The last full `make bench` run (`python -m bench`, written by it; see "
        "[bench/](../bench/) and the README's *Benchmarks* section). Mapa is measured "
        "over real HTTP against gunicorn started as the Dockerfile starts it (production "
        "settings, DEBUG off, `collectstatic` done, 3 workers), in its own database "
        f"(`{meta.get('database', '<name>_bench')}`), dropped, created and bulk-loaded to "
        f"{meta['reports']:,} reports on every run. Floors are the best plan for the same "
        "answer run by psycopg directly; measured and floor runs alternate, after "
        f"{meta['warmup']} warm-up rounds, {meta['repeat']} timed rounds each (the two "
        f"scenarios of seconds a round, 10,000 features and drf-gis: {SLOW_WARMUP} and "
        f"{min(SLOW_REPEAT, meta['repeat'])}). Ratios are medians' ratios.",
        "",
        "## Machine",
        "",
        f"- date: {meta['date']}",
        f"- {meta['nproc']} cores ({meta['cpu']}), {meta['memory_gib']} GiB RAM",
        f"- PostgreSQL {meta['postgresql']}, PostGIS {meta['postgis']}, "
        "max_parallel_workers_per_gather (server default) "
        f"{meta['max_parallel_workers_per_gather']}",
        f"- Python {meta['python']}",
        f"- load average (1, 5, 15 min) at the start {meta['load_at_start']}, at the end "
        f"{meta.get('load_at_end')}: the machine is shared with other engineers' work, "
        "so absolute times are noisy; ratios less so, as both sides share the noise",
        f"- data: {meta['loaded']['reports']:,} reports, {meta['loaded']['open']:,} open, "
        f"loaded in {meta['loaded']['seconds']:.0f} s; the whole run took "
        f"{meta.get('minutes')} min",
    ]
    index = meta.get("nearby_floor_index")
    if index:
        lines.append(
            f"- nearby's floor used the partial index `{index['name']}` "
            + (
                "(created by the bench: the schema has no partial GiST index over open "
                "reports, so Mapa's own query could use it too)"
                if index["created_by_bench"]
                else "(the project's own)"
            )
        )
    if meta.get("session_settings"):
        lines.append(
            f"- Mapa's sessions and the floors' both run with {meta['session_settings']} "
            "(Mapa's DATABASE_MAX_PARALLEL_WORKERS_PER_GATHER)"
        )
    lines += [
        "",
        "## Issue 11's goals",
        "",
        "| scenario | before | goal | measured | verdict |",
        "|---|---|---|---|---|",
    ]
    for g in goals(data, growth):
        verdict = g.verdict if not g.why else f"{g.verdict}: {g.why}"
        lines.append(
            f"| {_cell(g.scenario)} | {_cell(g.today)} | {_cell(g.goal)} | "
            f"{_cell(g.measured)} | {_cell(verdict)} |"
        )
    lines += [
        "",
        "## Every scenario",
        "",
        "| scenario | measured | median | min | max | p95 | floor | median | min | max | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        f = r.floor
        lines.append(
            f"| {_cell(r.name)} | {_cell(r.measured_label)} | {r.measured.median} | "
            f"{r.measured.min} | {r.measured.max} | {r.measured.p95} | "
            f"{_cell(r.floor_label) if f else '—'} | {f.median if f else '—'} | "
            f"{f.min if f else '—'} | {f.max if f else '—'} | {r.ratio or '—'} |"
        )
    for key, title in (("load_mixed", "Load test: mixed"), ("load_creates", "Load test: creates")):
        load: LoadResult | None = data.get(key)
        if not load:
            continue
        lines += [
            "",
            f"## {title} ({load.users} clients, {load.seconds} s, no think time, "
            "bench/loadtest.py)",
            "",
            "| request | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in load.rows:
            lines.append(
                f"| {_cell(row.name)} | {row.requests:,} | {row.failures} | {row.rps} | "
                f"{row.p50:.0f} | {row.p95:.0f} | {row.p99:.0f} | {row.max:.0f} |"
            )
    lines += [
        "",
        "Times in milliseconds. Nothing here is asserted by `make test`; the tests of "
        "the bench (tests/bench) check its statistics, interleaving, database safety and "
        "progress output, never a time. Raw results: `bench-results/bench.json` and the "
        "chart `bench-results/bench.svg` (not committed). The growth curve from 1k to 2M "
        "reports: [bench-growth.md](bench-growth.md).",
        "",
    ]
    return "\n".join(lines)


def write_benchmarks_md(path: Path, data: dict[str, Any]) -> Path:
    growth_file = path.parent / "bench-growth.json"
    growth = json.loads(growth_file.read_text()) if growth_file.exists() else None
    path.write_text(benchmarks_markdown(data, growth))
    return path


# ------------------------------------------------------------------ growth curve

COLOURS = [
    "#1f5f8b", "#c0392b", "#27864a", "#8e44ad", "#d68910", "#555555", "#17a2b8", "#a0522d",
]  # fmt: skip


def _median(result: Any, side: str) -> float | None:
    value = result[side] if isinstance(result, dict) else getattr(result, side)
    if value is None:
        return None
    return float(value["median"] if isinstance(value, dict) else value.median)


def _name(result: Any) -> str:
    return str(result["name"] if isinstance(result, dict) else result.name)


def growth_series(points: list[dict[str, Any]]) -> dict[str, list[tuple[int, float]]]:
    """{"<scenario> (Mapa)": [(size, median ms)], "<scenario> (floor)": [...]}."""
    series: dict[str, list[tuple[int, float]]] = {}
    for point in points:
        for r in point["results"]:
            for side, label in (("measured", "Mapa"), ("floor", "floor")):
                value = _median(r, side)
                if value is not None:
                    series.setdefault(f"{_name(r)} ({label})", []).append((point["size"], value))
    return series


def growth_svg(points: list[dict[str, Any]]) -> str:
    """Median time against the number of reports, both axes logarithmic."""
    series = {
        k: v
        for k, v in growth_series(points).items()
        if "routed" not in k and "from the cache" not in k
    }
    width, height, left, right, top, bottom = 1060, 520, 70, 440, 50, 50
    sizes = sorted({s for values in series.values() for s, _ in values})
    times = [t for values in series.values() for _, t in values if t > 0]
    if not sizes or not times:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    x0, x1 = math.log10(min(sizes)), math.log10(max(sizes)) or 1
    y0, y1 = math.floor(math.log10(min(times))), math.ceil(math.log10(max(times)))
    y1 = max(y1, y0 + 1)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(size: int) -> float:
        return left + plot_w * ((math.log10(size) - x0) / ((x1 - x0) or 1))

    def y(ms: float) -> float:
        return top + plot_h * (1 - (math.log10(max(ms, 10**y0)) - y0) / (y1 - y0))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="DejaVu Sans, sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        '<text x="20" y="26" font-size="16" font-weight="bold">Mapa benchmark: median time '
        "against the number of reports (log-log)</text>",
    ]
    for e in range(y0, y1 + 1):
        yy = y(10**e)
        parts.append(
            f'<line x1="{left}" y1="{yy:.1f}" x2="{left + plot_w}" y2="{yy:.1f}" stroke="#ddd"/>'
        )
        parts.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{10**e:g} ms</text>')
    for size in sizes:
        xx = x(size)
        parts.append(
            f'<line x1="{xx:.1f}" y1="{top}" x2="{xx:.1f}" y2="{top + plot_h}" stroke="#eee"/>'
        )
        parts.append(
            f'<text x="{xx:.1f}" y="{top + plot_h + 18}" text-anchor="middle">{_size(size)}</text>'
        )
    scenarios = sorted({label.rsplit(" (", 1)[0] for label in series})
    for i, (label, values) in enumerate(sorted(series.items())):
        colour = COLOURS[scenarios.index(label.rsplit(" (", 1)[0]) % len(COLOURS)]
        dash = ' stroke-dasharray="5 4"' if label.endswith("(floor)") else ""
        path = " ".join(f"{x(s):.1f},{y(t):.1f}" for s, t in sorted(values))
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        ly = top + 14 + i * 18
        lx = left + plot_w + 16
        parts.append(
            f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 24}" y2="{ly - 4}" stroke="{colour}" '
            f'stroke-width="2"{dash}/>'
        )
        parts.append(f'<text x="{lx + 30}" y="{ly}">{esc(label)}</text>')
    parts.append(
        f'<text x="{left + plot_w / 2:.0f}" y="{height - 10}" text-anchor="middle">reports in '
        "the database</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:g}M"
    if n >= 1000:
        return f"{n / 1000:g}k"
    return str(n)


def growth_markdown(points: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    sizes = [p["size"] for p in points]
    names: list[str] = []
    for p in points:
        for r in p["results"]:
            if _name(r) not in names:
                names.append(_name(r))
    lines = [
        "# Benchmark growth curve",
        "",
        "`python -m bench --growth` (written by it): the main scenarios at each size, "
        "one database topped up from size to size, gunicorn restarted for each size. "
        "Median milliseconds of Mapa over HTTP / of the floor (see "
        "[benchmarks.md](benchmarks.md) for what each floor is).",
        "",
        f"Machine: {meta['nproc']} cores ({meta['cpu']}), {meta['memory_gib']} GiB, "
        f"PostgreSQL {meta['postgresql']}, PostGIS {meta['postgis']}; {meta['date']}; "
        f"load average at the start {meta['load_at_start']}, at the end "
        f"{meta.get('load_at_end')} (a shared machine).",
        "",
        "![growth](bench-growth.svg)",
        "",
        "| scenario | " + " | ".join(_size(s) for s in sizes) + " |",
        "|---|" + "---|" * len(sizes),
        "| measured on | " + " | ".join(str(p.get("date", "—")) for p in points) + " |",
    ]
    for name in names:
        cells = []
        for p in points:
            r = next((r for r in p["results"] if _name(r) == name), None)
            if r is None:
                cells.append("—")
                continue
            m, f = _median(r, "measured"), _median(r, "floor")
            cells.append(f"{m:.1f} / {f:.1f}" if f is not None else f"{m:.1f}")
        lines.append(f"| {_cell(name)} | " + " | ".join(cells) + " |")
    missing = [s for s in (1_000, 10_000, 100_000, 200_000, 2_000_000) if s not in sizes]
    if missing:
        lines += [
            "",
            "Not measured in this run: " + ", ".join(_size(s) for s in missing) + ".",
        ]
    lines.append("")
    return "\n".join(lines)
