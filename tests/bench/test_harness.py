"""The benchmark's own logic (bench/): statistics, interleaving, safety, progress, reports.

Nothing here times Mapa: a benchmark's figures are written down by ``make bench``,
never asserted by ``make test``.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json

import pytest

from bench.__main__ import parse_size
from bench.database import Connection, NotABenchDatabase, bench_database_name, recreate
from bench.harness import (
    Pair,
    Result,
    Stats,
    interleaved,
    measure_all,
    percentile,
    ratio_chart,
    write_json,
)
from bench.loadtest import LoadResult, run_load, summarize
from bench.mapviews import tile_bounds, tile_of
from bench.report import (
    benchmarks_markdown,
    goals,
    growth_markdown,
    growth_svg,
    load_results,
)
from bench.server import spare_port


def test_stats_report_median_min_max_and_p95():
    stats = Stats.of([5.0, 1.0, 3.0, 2.0, 4.0])
    assert (stats.median, stats.min, stats.max, stats.n) == (3.0, 1.0, 5.0, 5)
    assert stats.p95 == pytest.approx(4.8)  # between the 4th and 5th of five, by rank
    assert Stats.of([1.0, 2.0]).median == 1.5
    with pytest.raises(ValueError, match="no measurements"):
        Stats.of([])


def test_percentile_interpolates_between_ranks():
    values = list(range(1, 101))  # 1..100
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile([7.0], 95) == 7.0


def fake_clock():
    """A clock that moves 1 ms between any two readings."""
    ticks = itertools.count()
    return lambda: next(ticks) / 1000


def test_measured_and_floor_runs_alternate_abba_after_a_warm_up():
    calls: list[str] = []
    pair = Pair(
        "x",
        measured=lambda: calls.append("m"),
        floor=lambda: calls.append("f"),
        prepare=lambda: calls.append("prepare"),
    )
    measured, floor = interleaved(pair, repeat=4, warmup=2, clock=fake_clock())
    assert calls == ["prepare", "m", "f", "m", "f", "m", "f", "f", "m", "m", "f", "f", "m"]
    assert len(measured) == len(floor) == 4


def test_an_untimed_step_runs_before_every_measured_run_only():
    calls: list[str] = []
    pair = Pair(
        "x",
        measured=lambda: calls.append("m"),
        floor=lambda: calls.append("f"),
        before=lambda: calls.append("b"),
    )
    interleaved(pair, repeat=2, warmup=1, clock=fake_clock())
    assert calls == ["b", "m", "f", "b", "m", "f", "f", "b", "m"]


def test_times_are_milliseconds_of_the_run_alone():
    readings = iter([0.0, 0.010, 1.0, 1.003])  # measured 10 ms, then floor 3 ms
    pair = Pair("x", measured=lambda: None, floor=lambda: None)
    measured, floor = interleaved(pair, repeat=1, warmup=0, clock=lambda: next(readings))
    assert measured == [pytest.approx(10.0)]
    assert floor == [pytest.approx(3.0)]


def test_a_scenario_without_a_floor_has_no_ratio():
    [result] = measure_all(
        [Pair("alone", measured=lambda: None)], repeat=2, warmup=0, stream=io.StringIO()
    )
    assert result.floor is None
    assert result.ratio is None


def test_a_failing_request_stops_the_benchmark():
    def fails() -> None:
        raise RuntimeError("503")

    with pytest.raises(RuntimeError, match="503"):
        interleaved(Pair("x", measured=fails, floor=lambda: None), repeat=3, warmup=0)


def test_progress_goes_to_the_stream_per_scenario():
    stream = io.StringIO()
    pairs = [Pair(name, measured=lambda: None) for name in ("a", "b", "c", "d")]
    measure_all(pairs, repeat=1, warmup=0, stream=stream)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("Benchmarking: 1/4 (25%)")
    assert lines[-1] == "Benchmarking: 4/4 (100%)"


def test_the_bench_database_is_never_the_development_database():
    assert bench_database_name("mapa") == "mapa_bench"
    assert bench_database_name("mapa", "other_bench") == "other_bench"
    for wrong in ("mapa", "mapa_bench_copy", "_bench", "production"):
        with pytest.raises(NotABenchDatabase, match="refusing"):
            bench_database_name("mapa", wrong)
    with pytest.raises(NotABenchDatabase, match="refusing"):
        # A development database that happens to be named like a bench one.
        bench_database_name("dev_bench", "dev_bench")


def test_recreate_refuses_to_drop_anything_but_a_bench_database():
    db = Connection("127.0.0.1", 5432, "mapa", "mapa", "mapa")
    with pytest.raises(NotABenchDatabase, match="refusing to drop 'mapa'"):
        recreate(db)


def test_sizes_are_read_as_people_write_them():
    assert parse_size("200k") == 200_000
    assert parse_size("2m") == 2_000_000
    assert parse_size("2M") == 2_000_000
    assert parse_size("1,000") == 1000
    assert parse_size("1.5k") == 1500
    for wrong in ("lots", "0", "-1k"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_size(wrong)


def test_tiles_are_the_web_mercator_grid():
    x, y = tile_of(18.6466, 54.3520, 14)
    w, s, e, n = tile_bounds(14, x, y)
    assert w <= 18.6466 < e
    assert s <= 54.3520 < n
    assert tile_of(0.0, 0.0, 1) == (1, 1)


def test_load_statistics_are_per_request_kind_and_in_aggregate():
    samples = [("create", float(ms), ms != 50) for ms in range(1, 101)]
    samples += [("nearby", 5.0, True)] * 100
    create, nearby, total = summarize(samples, seconds=10.0)
    assert (create.name, create.requests, create.failures, create.rps) == ("create", 100, 1, 10.0)
    assert (create.p50, create.p95, create.p99, create.max) == (50.5, 95.0, 99.0, 100.0)
    assert (nearby.p50, nearby.failures) == (5.0, 0)
    assert (total.name, total.requests, total.failures, total.rps) == ("Aggregated", 200, 1, 20.0)
    assert summarize([], seconds=1.0) == []


def test_a_load_test_counts_refused_connections_as_failures():
    result = run_load(spare_port(), users=2, seconds=1, mix="creates")
    assert result.total.requests > 0
    assert result.total.failures == result.total.requests


def result(name: str, measured: float, floor: float | None) -> Result:
    m = Stats(measured, measured, measured, measured, 15)
    f = Stats(floor, floor, floor, floor, 15) if floor is not None else None
    return Result(name, m, f, round(measured / floor, 2) if floor else None)


def test_goals_say_met_or_missed_with_a_reason_and_never_skip_a_row():
    data = {
        "meta": {"reports": 200_000},
        "results": [
            result("list: 1,000 open features", 11.0, 10.0),
            result("list: 10,000 open features (pages of 1,000)", 200.0, 100.0),
            result("drf-gis ÷ Mapa, 1,000 features", 300.0, 10.0),
            result("nearby: open within 250 m", 5.0, 4.5),
            result("create: one client", 9.0, 2.0),
            result("create: routed vs unrouted statement", 2.0, 1.9),
        ],
    }
    rows = {g.scenario: g for g in goals(data, growth=None)}
    assert len(rows) == 12  # every row of issue 11's table
    lists = rows["list page, 1,000 features over HTTP ÷ minimal json_agg floor"]
    assert (lists.verdict, lists.why) == ("met", "")
    pages = rows["10,000 features ÷ one-query floor"]
    assert pages.verdict == "missed"
    assert "ten pages" in pages.why
    assert rows["drf-gis ÷ Mapa, same rows, same properties"].verdict == "met"  # 30x
    assert rows["create, one client ÷ one-statement floor (commit included)"].verdict == "missed"
    assert rows["routed ÷ unrouted create (speed)"].verdict == "met"  # 0.95
    nearby = rows["nearby p50 over HTTP ÷ best-plan floor, at 200k and 2M"]
    assert "not measured" in nearby.why  # no growth run to compare 2M with
    not_measured = [g for g in rows.values() if g.verdict == "not measured"]
    assert all(g.why for g in not_measured)  # each one says why


def test_benchmarks_markdown_names_the_machine_and_the_load():
    meta = {
        "date": "2026-11-30 10:10 UTC",
        "nproc": 2,
        "cpu": "Some CPU",
        "memory_gib": 23.5,
        "postgresql": "15.20",
        "postgis": "3.3.2",
        "max_parallel_workers_per_gather": "2",
        "python": "3.11.2",
        "load_at_start": [3.1, 2.0, 1.0],
        "load_at_end": [4.0, 3.0, 2.0],
        "reports": 200_000,
        "repeat": 20,
        "warmup": 3,
        "loaded": {"reports": 200_000, "open": 30_000, "seconds": 60.0},
        "minutes": 12.5,
    }
    text = benchmarks_markdown(
        {"meta": meta, "results": [result("list: 1,000 open features", 12.0, 10.0)]}, None
    )
    assert "2 cores (Some CPU), 23.5 GiB RAM" in text
    assert "PostgreSQL 15.20, PostGIS 3.3.2" in text
    assert "[3.1, 2.0, 1.0]" in text
    assert (
        "| list page, 1,000 features over HTTP ÷ minimal json_agg floor | 1.9\u20132.1 | ≤ 1.15 |"
        in text
    )
    assert "missed: HTTP" in text  # 1.2 > 1.15, with the reason


def test_the_report_can_be_written_again_from_the_json(tmp_path, monkeypatch):
    meta = {
        "date": "d",
        "nproc": 2,
        "cpu": "c",
        "memory_gib": 1,
        "postgresql": "15",
        "postgis": "3",
        "max_parallel_workers_per_gather": "0",
        "python": "3.11",
        "load_at_start": [1, 1, 1],
        "reports": 200_000,
        "repeat": 20,
        "warmup": 3,
        "loaded": {"reports": 200_000, "open": 30_000, "seconds": 1.0},
    }
    data = {
        "meta": meta,
        "results": [result("nearby: open within 250 m", 5.0, 4.0), result("alone", 1.0, None)],
        "load_creates": LoadResult(8, 30, "creates", summarize([("create", 20.0, True)], 1.0)),
        "exports": [],
    }
    path = write_json(tmp_path, "bench.json", data)
    again = load_results(json.loads(path.read_text()))
    assert benchmarks_markdown(again, None) == benchmarks_markdown(data, None)


def test_the_growth_curve_has_a_line_per_side_and_a_row_per_scenario():
    points = [
        {"size": size, "results": [result("nearby", 1.0 * size / 1000, 0.5 * size / 1000)]}
        for size in (1_000, 10_000, 100_000)
    ]
    svg = growth_svg(points)
    assert svg.count("<polyline") == 2  # Mapa and floor
    assert "nearby (floor)" in svg
    meta = {
        "nproc": 2,
        "cpu": "c",
        "memory_gib": 1,
        "postgresql": "15",
        "postgis": "3",
        "date": "d",
        "load_at_start": [1, 1, 1],
    }
    text = growth_markdown(points, meta)
    assert "| nearby | 1.0 / 0.5 | 10.0 / 5.0 | 100.0 / 50.0 |" in text
    assert "Not measured in this run: 200k, 2M." in text
    # The same from the JSON the growth run commits.
    again = json.loads(json.dumps(points, default=lambda o: o.__dict__))
    assert growth_markdown(again, meta) == text


def test_the_chart_has_a_bar_per_scenario_with_a_floor():
    results = [result("a", 2.0, 1.0), result("b", 1.0, 1.0), result("no floor", 1.0, None)]
    svg = ratio_chart(results, title="T <1>")
    assert svg.count('fill="#1f5f8b"') == 2
    assert "T &lt;1&gt;" in svg
    assert "&#215;2.00" in svg


def test_a_slow_scenario_runs_at_most_its_own_rounds_never_fewer_than_asked_below_them():
    calls: list[str] = []
    slow = Pair("slow", measured=lambda: calls.append("m"), max_repeat=15, max_warmup=1)
    [capped] = measure_all([slow], repeat=20, warmup=3, stream=io.StringIO())
    assert capped.measured.n == 15
    assert len(calls) == 1 + 15  # one warm-up round
    [asked] = measure_all([slow], repeat=5, warmup=0, stream=io.StringIO())
    assert asked.measured.n == 5
