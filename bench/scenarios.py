"""What ``python -m bench`` measures: each scenario's measured side and its floor.

Mapa's side is a real HTTP request to gunicorn (``bench.server``) that must answer as
expected; the floor is ``bench.floors``' best plan over the same database.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bench.floors import Floors
from bench.harness import SLOW_REPEAT, SLOW_WARMUP, Pair
from bench.server import Gunicorn, RequestFailed

CITY = (18.42, 54.27, 18.96, 54.45)  # Gdańsk's bounding box
HERE = (18.6532, 54.3485)  # Główne Miasto: nearby's point
DESCRIPTION = ("Benchmark: dziura w jezdni przy przejściu dla pieszych, głęboka na kilka cm. " * 2)[
    :100
]


def bbox_param(bbox: tuple[float, float, float, float]) -> str:
    return ",".join(f"{v:g}" for v in bbox)


def list_path(limit: int, bbox: tuple[float, float, float, float] = CITY) -> str:
    return f"/api/reports/?status=open&bbox={bbox_param(bbox)}&limit={limit}"


def create_points() -> Iterator[tuple[float, float]]:
    """Points in central Gdańsk, a few metres apart, never the same twice in a run."""
    for i in itertools.count():
        yield 18.60 + (i % 97) * 0.0005, 54.35 + (i // 97 % 89) * 0.0004


@dataclass
class Context:
    server: Gunicorn
    floors: Floors

    def check_features(self, body: bytes, at_least: int) -> int:
        data = json.loads(body)
        features = data.get("features")
        if not isinstance(features, list) or len(features) < at_least:
            raise RequestFailed(f"expected at least {at_least} features, got {len(features or [])}")
        return len(features)


def pages(server: Gunicorn, total: int, page: int = 1000) -> int:
    """Follow ``next`` from the first page of ``page`` open reports until ``total`` features."""
    path: str | None = list_path(page)
    seen = 0
    while path is not None and seen < total:
        answer = server.get(path)
        data = json.loads(answer.body)
        seen += len(data["features"])
        nxt = data.get("next")
        path = nxt.split(str(server.port), 1)[1] if nxt and seen < total else None
    if seen < total:
        raise RequestFailed(f"only {seen} of {total} features by following next")
    return seen


NOTHING = "HTTP: a request that does nothing (404 under /api/)"


def nothing_pair(ctx: Context) -> Pair:
    """The fixed cost of one request: TCP, gunicorn, Django's middleware, a JSON 404."""
    s = ctx.server
    return Pair(NOTHING, lambda: s.get("/api/bench-nothing/", expect=404))


def list_pairs(ctx: Context) -> list[Pair]:
    s, f = ctx.server, ctx.floors
    open_reports = int(
        f.value(
            "SELECT count(*) FROM reports_report WHERE status IN ('new', 'accepted', 'in_progress')"
        )
    )
    many = min(10_000, open_reports)
    return [
        Pair(
            "list: 1,000 open features",
            lambda: s.get(list_path(1000)),
            lambda: f.list_page(CITY, 1000),
            floor_label="minimal json_agg (psycopg)",
        ),
        Pair(
            "list: 10,000 open features (pages of 1,000)",
            lambda: pages(s, many),
            lambda: f.list_page(CITY, many),
            measured_label="Mapa over HTTP, following next",
            floor_label="one json_agg query (psycopg)",
            max_repeat=SLOW_REPEAT,
            max_warmup=SLOW_WARMUP,
        ),
    ]


def drf_gis_pair(ctx: Context) -> Pair:
    """drf-gis ÷ Mapa: both over HTTP from the same gunicorn, same rows and properties."""
    s = ctx.server
    path = f"/bench/drf-gis/reports/?status=open&bbox={bbox_param(CITY)}&limit=1000"
    return Pair(
        "drf-gis ÷ Mapa, 1,000 features",
        lambda: s.get(path),
        lambda: s.get(list_path(1000)),
        measured_label="drf-gis GeoFeatureModelSerializer over HTTP",
        floor_label="Mapa over HTTP",
        max_repeat=SLOW_REPEAT,
        max_warmup=SLOW_WARMUP,
    )


def nearby_pair(ctx: Context) -> Pair:
    s, f = ctx.server, ctx.floors
    lon, lat = HERE
    return Pair(
        "nearby: open within 250 m",
        lambda: s.get(f"/api/reports/nearby/?lon={lon}&lat={lat}&radius=250"),
        lambda: f.nearby(lon, lat, 250),
        floor_label="partial GiST index query (psycopg)",
    )


def create_pairs(ctx: Context, category_ids: tuple[int, int, int]) -> list[Pair]:
    s, f = ctx.server, ctx.floors
    points = create_points()

    def http_create() -> Any:
        lon, lat = next(points)
        body = {
            "category": "pothole",
            "description": DESCRIPTION,
            "location": {"type": "Point", "coordinates": [lon, lat]},
        }
        return s.post_json("/api/reports/", json.dumps(body).encode())

    def floor_create() -> Any:
        lon, lat = next(points)
        return f.create(lon, lat, "pothole", DESCRIPTION)

    def unrouted() -> Any:
        lon, lat = next(points)
        return f.create_unrouted(lon, lat, category_ids, DESCRIPTION)

    return [
        Pair(
            "create: one client",
            http_create,
            floor_create,
            floor_label="one statement incl. commit (psycopg)",
        ),
        Pair(
            "create: routed vs unrouted statement",
            floor_create,
            unrouted,
            measured_label="routed one-statement create",
            floor_label="same insert, district and unit given",
        ),
    ]
