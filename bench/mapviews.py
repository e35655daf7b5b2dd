"""The map's server-side views (tiles of clusters and points, the count in a view), if served.

Found in the URLconf by name (``api-reports-map-tile``, ``api-reports-map-count``); a
Mapa without them gets no such rows, and the results say so. Measured:

- a repeated tile from the cache against the floor of computing it (a minimal
  ``json_agg`` of the tile's open reports at z14; counts per ``ST_SnapToGrid`` cell
  at z10), and the same tile computed afresh (a write in the tile first, untimed);
- the count the map states for the whole city against ``count(*)``;
- that a write is never served stale: a report sent over HTTP shows in the next answer.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.urls import NoReverseMatch, reverse

from bench.floors import LABELS, LIST_SQL
from bench.harness import Pair, Run
from bench.scenarios import CITY, DESCRIPTION, Context, bbox_param, create_points
from bench.server import RequestFailed

CENTRE = (18.6466, 54.3520)  # Gdańsk's centre
GZIP = {"Accept-Encoding": "gzip"}

GRID_SQL = """
SELECT COALESCE(json_agg(json_build_object(
    'type', 'Feature', 'geometry', ST_AsGeoJSON(centre, 7)::json,
    'properties', json_build_object('count', n))), '[]')::text
FROM (SELECT ST_Centroid(ST_Collect(location)) AS centre, count(*) AS n
      FROM reports_report
      WHERE status IN ('new', 'accepted', 'in_progress')
        AND location && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)
      GROUP BY ST_SnapToGrid(location, %(cell)s)) cells
"""


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    rad = math.radians(lat)
    y = int((1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2 * n)
    return x, y


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def tile_path(z: int, lon: float = CENTRE[0], lat: float = CENTRE[1]) -> str | None:
    x, y = tile_of(lon, lat, z)
    try:
        return reverse("api-reports-map-tile", kwargs={"z": z, "x": x, "y": y})
    except NoReverseMatch:
        return None


def count_path(bbox: tuple[float, float, float, float]) -> str | None:
    try:
        return reverse("api-reports-map-count") + f"?bbox={bbox_param(bbox)}"
    except NoReverseMatch:
        return None


def map_paths_for_load(ctx: Context) -> list[str]:
    """Tiles around the centre at z12-z15 and the city's count, for the load test's users."""
    paths: list[str] = []
    for z in (12, 13, 14, 15):
        for dlon, dlat in ((0, 0), (0.02, 0), (0, 0.01), (-0.02, -0.01)):
            path = tile_path(z, CENTRE[0] + dlon, CENTRE[1] + dlat)
            if path:
                paths.append(path)
    count = count_path(CITY)
    if count:
        paths.append(count)
    return paths


def map_pairs(ctx: Context) -> list[Pair]:
    s, f = ctx.server, ctx.floors
    pairs: list[Pair] = []

    def write_in(z: int, x: int, y: int) -> Any:
        # At the city's centre, which is in the tile (the tile is the centre's): a tile's
        # own centre may lie outside every district (z10's is south-east of the city),
        # where the floor's create inserts nothing and the tile stays cached.
        if tile_of(*CENTRE, z) != (x, y):
            raise ValueError(f"the centre is not in tile {z}/{x}/{y}")
        report_id = f.create(*CENTRE, "pothole", DESCRIPTION)
        if report_id is None:
            raise RequestFailed(f"the write before tile {z}/{x}/{y} stored nothing")
        return report_id

    for z in (14, 10):
        found = tile_path(z)
        if found is None:
            continue
        path: str = found
        x, y = tile_of(*CENTRE, z)
        w, south, e, n = tile_bounds(z, x, y)
        bounds = {"w": w, "s": south, "e": e, "n": n}
        if z >= 14:
            sql, params = LIST_SQL, {**bounds, "limit": 100_000, "labels": json.dumps(LABELS)}
            floor_label = "minimal json_agg of the tile's open reports"
        else:
            sql, params = GRID_SQL, {**bounds, "cell": (e - w) / 16}
            floor_label = "ST_SnapToGrid counts in the tile"

        def floor(sql: str = sql, params: dict[str, Any] = params) -> Any:
            return f.text(sql, params)

        def tile(path: str = path) -> Any:
            return s.get(path, headers=GZIP)

        def warm(tile: Run = tile) -> None:
            for _ in range(12):  # every worker's own cache, three workers
                tile()

        def fresh(z: int = z, x: int = x, y: int = y) -> Any:
            write_in(z, x, y)

        pairs.append(
            Pair(
                f"map tile z{z}: repeated, from the cache",
                tile,
                floor,
                floor_label=f"{floor_label} (uncached, psycopg)",
                prepare=warm,
            )
        )
        pairs.append(
            Pair(
                f"map tile z{z}: computed afresh",
                tile,
                floor,
                floor_label=f"{floor_label} (psycopg)",
                before=fresh,
            )
        )
    return pairs


def stated_count(ctx: Context) -> dict[str, Any] | None:
    """The count the map states for the whole city, against the truth."""
    path = count_path(CITY)
    if path is None:
        return None
    stated = json.loads(ctx.server.get(path).body)["count"]
    w, s, e, n = CITY
    truth = ctx.floors.value(
        "SELECT count(*) FROM reports_report WHERE status IN ('new', 'accepted', 'in_progress') "
        "AND location && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)",
        {"w": w, "s": s, "e": e, "n": n},
    )
    return {"stated": stated, "truth": int(truth), "exact": stated == truth}


def never_stale(ctx: Context) -> dict[str, Any] | None:
    """A report sent over HTTP is counted, and shown in its z18 tile, in the very next answer."""
    path = count_path(CITY)
    if path is None:
        return None
    s = ctx.server
    before = json.loads(s.get(path).body)["count"]
    json.loads(s.get(path).body)  # cached now
    lon, lat = next(create_points())
    body = {
        "category": "pothole",
        "description": DESCRIPTION,
        "location": {"type": "Point", "coordinates": [lon, lat]},
    }
    created = json.loads(s.post_json("/api/reports/", json.dumps(body).encode()).body)
    after = json.loads(s.get(path).body)["count"]
    reference = created["properties"]["reference"]
    tile = tile_path(18, lon, lat)
    shown = None
    if tile:
        shown = reference in s.get(tile).body.decode()
    if after != before + 1:
        raise RequestFailed(f"stale map count: {before} before a new report, {after} after")
    return {"count_before": before, "count_after": after, "in_z18_tile": shown}
