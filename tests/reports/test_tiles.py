"""The map's tiles (mapa/reports/tiles.py): exact counts at every zoom, on 30,000 open reports.

Each tile's count is checked against an independent SQL count over PostGIS's own tile
envelope (ST_TileEnvelope), the tiles covering the city must add up to the city's count,
and a tile's clusters and points must add up to the tile's count.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.contrib.gis.geos import Polygon
from django.db import connection

from mapa.reports.geojson import PUBLIC
from mapa.reports.map_apis import open_reports
from mapa.reports.tiles import (
    CELLS,
    POINTS_FROM_ZOOM,
    POINTS_UP_TO,
    Tile,
    display_zoom,
    tile_geojson,
)
from tests.reports.map_data import load_reports

OPEN = ("new", "accepted", "in_progress")

# Open reports whose Web Mercator point lies in the tile: west and north edges in, east
# and south out, as one global grid assigns them (PostGIS's envelope, not Mapa's code).
TILE_COUNT_SQL = """
SELECT count(*) FROM reports_report r,
     LATERAL (SELECT ST_Transform(r.location, 3857) AS g) m,
     LATERAL (SELECT ST_TileEnvelope(%s, %s, %s) AS e) t
WHERE r.status = ANY(%s)
  AND ST_X(m.g) >= ST_XMin(t.e) AND ST_X(m.g) < ST_XMax(t.e)
  AND ST_Y(m.g) > ST_YMin(t.e) AND ST_Y(m.g) <= ST_YMax(t.e)
"""


def sql_count(sql: str, params: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def city_tiles(z: int) -> list[Tile]:
    """Every tile at zoom ``z`` that holds a report, from the reports' extent."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Extent(location) FROM reports_report")
        west, south, east, north = Polygon.from_ewkt(
            "SRID=4326;" + _box_to_wkt(cursor.fetchone()[0])
        ).extent
    n = 2**z

    def column(lon: float) -> int:
        return math.floor((lon + 180) / 360 * n)

    def row(lat: float) -> int:
        y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
        return math.floor((1 - y / math.pi) / 2 * n)

    return [
        Tile(z, x, y)
        for x in range(column(west), column(east) + 1)
        for y in range(row(north), row(south) + 1)
    ]


def _box_to_wkt(box: str) -> str:
    (west, south), (east, north) = (map(float, corner.split()) for corner in box[4:-1].split(","))
    return Polygon.from_bbox((west, south, east, north)).wkt


def tile(t: Tile, size: int = 256) -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads(tile_geojson(open_reports(), t, PUBLIC, size))
    return data


def shown(collection: dict[str, Any]) -> int:
    """Reports a tile shows: its clusters' counts plus its points."""
    return sum(
        f["properties"]["count"] if f["properties"].get("cluster") else 1
        for f in collection["features"]
    )


@pytest.mark.django_db
def test_counts_are_exact_at_every_zoom_on_30000_open_reports():
    load_reports(35_300, open_percent=85)
    total_open = open_reports().count()
    assert total_open > 30_000

    for z in (9, 11, 13):
        tiles = city_tiles(z)
        summed = 0
        for t in tiles:
            collection = tile(t)
            expected = sql_count(TILE_COUNT_SQL, [t.z, t.x, t.y, list(OPEN)])
            assert collection["numberMatched"] == expected, t
            assert shown(collection) == expected, t  # clusters and points add up
            assert collection["tile"] == [t.z, t.x, t.y]
            summed += expected
        assert summed == total_open, z  # nothing counted twice, nothing left out

    # At the city's zoom the map shows clusters, each over POINTS_UP_TO reports, at most
    # CELLS x CELLS per tile; points only where a cell holds few.
    for t in city_tiles(11):
        clusters = [f for f in tile(t)["features"] if f["properties"].get("cluster")]
        assert len(clusters) <= CELLS * CELLS
        assert all(c["properties"]["count"] > POINTS_UP_TO for c in clusters)


@pytest.mark.django_db
def test_points_where_few_and_every_report_a_point_from_zoom_18(make_report):
    lone = make_report(lon=18.6466, lat=54.3520)
    crowd = [make_report(lon=18.6600 + i * 1e-5, lat=54.3600) for i in range(POINTS_UP_TO + 1)]
    z = 12
    t = Tile(z, math.floor((18.6466 + 180) / 360 * 2**z), 1308)
    features = tile(t)["features"]
    points = {f["properties"]["reference"] for f in features if "reference" in f["properties"]}
    clusters = [f for f in features if f["properties"].get("cluster")]
    assert lone.reference in points
    assert [c["properties"]["count"] for c in clusters] == [len(crowd)]
    west, south, east, north = clusters[0]["properties"]["bbox"]
    assert west == pytest.approx(18.66)
    assert east == pytest.approx(18.66 + POINTS_UP_TO * 1e-5)
    assert south == north == pytest.approx(54.36)

    z = POINTS_FROM_ZOOM
    n = 2**z
    x = math.floor((18.66 + 180) / 360 * n)
    y = math.floor(
        (1 - math.log(math.tan(math.pi / 4 + math.radians(54.36) / 2)) / math.pi) / 2 * n
    )
    close = tile(Tile(z, x, y))
    assert {f["properties"]["reference"] for f in close["features"]} == {r.reference for r in crowd}


def children(t: Tile, levels: int) -> list[Tile]:
    """The tiles ``levels`` zooms down that ``t`` covers."""
    k = 2**levels
    return [Tile(t.z + levels, t.x * k + i, t.y * k + j) for i in range(k) for j in range(k)]


def features(collection: dict[str, Any]) -> list[str]:
    """A tile's features, comparable across tiles (clusters by count and place, points by
    reference), sorted."""
    import json

    return sorted(json.dumps(f, sort_keys=True) for f in collection["features"])


@pytest.mark.django_db
def test_a_larger_tile_holds_exactly_the_clusters_and_points_of_the_tiles_it_covers(make_report):
    """A 512-px tile z/x/y is cut on zoom z+1's grid: the same clusters (exact counts, the
    same positions and extents) and points as its four 256-px tiles, in one answer; a
    1024-px one as its sixteen tiles two zooms down. Points from zoom 18 go by the zoom
    the tile is shown at."""
    load_reports(8_000, open_percent=85)
    for t, size, levels in (
        (city_tiles(10)[0], 512, 1),
        *((t, 512, 1) for t in city_tiles(12)),
        (city_tiles(11)[0], 1024, 2),
    ):
        big = tile(t, size)
        small = [tile(c) for c in children(t, levels)]
        assert big["numberMatched"] == sum(c["numberMatched"] for c in small), (t, size)
        assert features(big) == sorted(f for c in small for f in features(c)), (t, size)
        assert big["tile"] == [t.z, t.x, t.y]

    # A crowd on one spot: a cluster on zoom 17's grid, points on zoom 18's.
    crowd = {make_report(lon=18.66, lat=54.36).reference for _ in range(POINTS_UP_TO + 2)}
    z = POINTS_FROM_ZOOM - 1
    n = 2**z
    x = math.floor((18.66 + 180) / 360 * n)
    y = math.floor(
        (1 - math.log(math.tan(math.pi / 4 + math.radians(54.36) / 2)) / math.pi) / 2 * n
    )
    assert display_zoom(Tile(z, x, y), 512) == POINTS_FROM_ZOOM
    small = [f["properties"] for f in tile(Tile(z, x, y))["features"]]
    big = [f["properties"] for f in tile(Tile(z, x, y), 512)["features"]]
    assert any(p.get("cluster") and p["count"] >= len(crowd) for p in small)
    assert crowd <= {p.get("reference") for p in big}
    assert not any(p.get("cluster") for p in big)

    def clusters(collection: dict[str, Any]) -> int:
        return sum(1 for f in collection["features"] if f["properties"].get("cluster"))

    city = city_tiles(10)
    assert sum(clusters(tile(t, 512)) for t in city) > sum(clusters(tile(t)) for t in city)
    with pytest.raises(ValueError, match="no tile size"):
        display_zoom(Tile(3, 0, 0), 300)


def test_a_tile_outside_the_grid_is_refused():
    for z, x, y in ((-1, 0, 0), (23, 0, 0), (3, 8, 0), (3, 0, 8), (3, -1, 0)):
        with pytest.raises(ValueError, match="no tile"):
            Tile(z, x, y)


@pytest.mark.django_db
def test_a_tile_reads_the_spatial_index_and_plans_without_jit():
    """A street-level tile reads only its corner of the city through a GiST index, and is
    costed low enough that PostgreSQL does not JIT-compile it (a second, on 2 cores)."""
    load_reports(20_000, open_percent=85)
    captured: dict[str, Any] = {}

    def capture(sql: str, params: list[Any]) -> dict[str, Any]:
        captured["sql"], captured["params"] = sql, params
        return {"body": "{}"}

    import mapa.reports.tiles as tiles_module

    real = tiles_module.fetch_one
    tiles_module.fetch_one = capture  # type: ignore[assignment]
    try:
        tile_geojson(open_reports(), Tile(14, 9040, 5233), PUBLIC)
    finally:
        tiles_module.fetch_one = real
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + captured["sql"], captured["params"])
        plan = cursor.fetchone()[0][0]
    nodes = list(plan_nodes(plan["Plan"]))
    on_reports = [n for n in nodes if n.get("Relation Name") == "reports_report"]
    assert on_reports
    assert not [n for n in on_reports if n["Node Type"] == "Seq Scan"]
    indexes = [n.get("Index Name", "") for n in nodes if "Index" in n["Node Type"]]
    assert any("location" in name for name in indexes), indexes
    assert plan["Plan"]["Total Cost"] < 100_000  # PostgreSQL's jit_above_cost


def plan_nodes(node: dict[str, Any]) -> Any:
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)
