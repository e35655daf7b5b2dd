"""The benchmark harness: a measured side against its floor, interleaved, and their statistics.

A ``Pair`` is one scenario: Mapa's side (a real HTTP request to gunicorn, or a command)
and its floor (the best plan for the same answer, run by psycopg directly). Both are
warmed up, then run alternately (measured, floor; floor, measured; ...) so that a
neighbour's load on the shared machine falls on both sides alike. Each side's median,
minimum, maximum and 95th percentile are reported, and the ratio of the medians is the
figure of merit: it does not depend on how fast the machine is.

Nothing here asserts a time: the goals are compared and written down, never enforced.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from mapa.core.progress import Progress

Run = Callable[[], Any]


@dataclass(frozen=True)
class Stats:
    median: float
    min: float
    max: float
    p95: float
    n: int

    @classmethod
    def of(cls, values: list[float]) -> Stats:
        if not values:
            raise ValueError("no measurements")
        return cls(
            median=round(statistics.median(values), 3),
            min=round(min(values), 3),
            max=round(max(values), 3),
            p95=round(percentile(values, 95), 3),
            n=len(values),
        )


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile by linear interpolation between the closest ranks."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no measurements")
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Pair:
    """A scenario: ``measured`` (Mapa) against ``floor`` (the best plan), both must succeed."""

    name: str
    measured: Run
    floor: Run | None = None
    measured_label: str = "Mapa over HTTP"
    floor_label: str = "floor"
    prepare: Run | None = None  # once, before the warm-up (e.g. fill every worker's cache)
    before: Run | None = None  # before each measured run, untimed (e.g. a write that
    # invalidates a cache)
    # At most this many timed and warm-up rounds (a scenario of seconds a round: its
    # spread is small against its median, and the issue asks for 15 rounds at least).
    max_repeat: int | None = None
    max_warmup: int | None = None


@dataclass
class Result:
    """What a row of the results says; ``ratio`` is measured ÷ floor (medians)."""

    name: str
    measured: Stats
    floor: Stats | None
    ratio: float | None
    measured_label: str = "Mapa over HTTP"
    floor_label: str = "floor"
    extra: dict[str, Any] = field(default_factory=dict)


def interleaved(
    pair: Pair, *, repeat: int, warmup: int, clock: Callable[[], float] = time.perf_counter
) -> tuple[list[float], list[float]]:
    """Run ``pair`` ``warmup`` times untimed, then ``repeat`` timed rounds, alternating.

    Round i runs measured then floor when i is even, floor then measured when odd
    (ABBA), so that a drift in the machine's load weighs on both sides equally.
    Returns the measured and the floor times in milliseconds.
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    if pair.prepare is not None:
        pair.prepare()
    for _ in range(warmup):
        if pair.before is not None:
            pair.before()
        pair.measured()
        if pair.floor is not None:
            pair.floor()
    measured: list[float] = []
    floor: list[float] = []

    def timed(run: Run, into: list[float]) -> None:
        if run is pair.measured and pair.before is not None:
            pair.before()
        start = clock()
        run()
        into.append((clock() - start) * 1000)

    for i in range(repeat):
        if pair.floor is None:
            timed(pair.measured, measured)
        elif i % 2 == 0:
            timed(pair.measured, measured)
            timed(pair.floor, floor)
        else:
            timed(pair.floor, floor)
            timed(pair.measured, measured)
    return measured, floor


SLOW_REPEAT = 15  # the minimum of timed rounds
SLOW_WARMUP = 1


def measure(pair: Pair, *, repeat: int, warmup: int) -> Result:
    if pair.max_repeat is not None:
        repeat = min(repeat, pair.max_repeat)
    if pair.max_warmup is not None:
        warmup = min(warmup, pair.max_warmup)
    measured, floor = interleaved(pair, repeat=repeat, warmup=warmup)
    m = Stats.of(measured)
    f = Stats.of(floor) if floor else None
    return Result(
        name=pair.name,
        measured=m,
        floor=f,
        ratio=ratio(m.median, f.median) if f else None,
        measured_label=pair.measured_label,
        floor_label=pair.floor_label,
    )


def ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 2) if denominator > 0 else None


def measure_all(pairs: list[Pair], *, repeat: int, warmup: int, stream: TextIO) -> list[Result]:
    progress = Progress(len(pairs), "Benchmarking", stream)
    results = []
    for pair in pairs:
        results.append(measure(pair, repeat=repeat, warmup=warmup))
        progress.advance(pair.name)
    return results


def write_json(folder: Path, name: str, data: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(data, indent=2, default=_jsonable))
    return path


def _jsonable(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    return str(value)


def ratio_chart(results: list[Result], *, title: str, subtitle: str = "") -> str:
    """A horizontal bar chart (SVG) of each result's ratio to its floor (those with one)."""
    rows = [r for r in results if r.ratio is not None and r.floor is not None]
    width, left, bar, gap = 900, 300, 24, 12
    top = 64
    height = top + len(rows) * (bar + gap) + 44
    scale_max = max([r.ratio or 0 for r in rows] + [2.0])
    usable = width - left - 250

    def x(value: float) -> float:
        return left + usable * min(value, scale_max) / scale_max

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="DejaVu Sans, sans-serif" font-size="13">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="20" y="28" font-size="17" font-weight="bold">{esc(title)}</text>',
        f'<text x="20" y="50" fill="#444">{esc(subtitle or "median of the measured side ÷ median of its floor (1.0 = the floor)")}</text>',  # noqa: E501
        f'<line x1="{x(1):.1f}" y1="{top - 6}" x2="{x(1):.1f}" y2="{height - 40}" '
        'stroke="#b00" stroke-dasharray="4 3"/>',
        f'<text x="{x(1) + 4:.1f}" y="{height - 24}" fill="#b00">floor</text>',
    ]
    for i, r in enumerate(rows):
        assert r.floor is not None
        assert r.ratio is not None
        y = top + i * (bar + gap)
        parts += [
            f'<text x="{left - 10}" y="{y + bar * 0.68:.1f}" text-anchor="end">'
            f"{esc(r.name)}</text>",
            f'<rect x="{left}" y="{y}" width="{max(x(r.ratio) - left, 1):.1f}" height="{bar}" '
            'fill="#1f5f8b"/>',
            f'<text x="{x(r.ratio) + 6:.1f}" y="{y + bar * 0.68:.1f}">&#215;{r.ratio:.2f} '
            f"({r.measured.median:.1f} ms vs {r.floor.median:.1f} ms)</text>",
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
