"""The map's tiles: open reports counted on a fixed grid, built by PostGIS as GeoJSON.

The map asks for Web Mercator tiles, ``z/x/y`` as every slippy map numbers them
(EPSG:3857, 256 px, y down from the north). Each tile is cut into ``CELLS`` by ``CELLS``
cells (64 px on screen). A cell holding more than ``POINTS_UP_TO`` reports is one
cluster: its exact count, the mean position of its reports and their extent; a cell
with fewer shows them as points (the same Feature as the list API's). From
``POINTS_FROM_ZOOM`` on, every report is a point.

A tile may also be asked for at a larger ``size`` (512 or 1024 px): the same area, cut
on the grid of the zoom at which it is shown that large (8 or 16 cells a side, 64 px
each on screen). A 512-px tile ``z/x/y`` thus holds exactly the clusters and points of
the four 256-px tiles of zoom ``z + 1`` it covers, in one request.

Every report falls in exactly one cell at each zoom, because the cell is computed from
the report's own Mercator coordinates on one global grid (``floor((X + HALF) / cell)``)
and the tile's index prefilter is only widened, never trusted. So the counts of the
tiles covering an area add up to the area's count, at every zoom.

One statement per tile; Python never loops over reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import Polygon
from django.db.models import QuerySet

from mapa.core.geo import WGS84
from mapa.core.sql import fetch_one
from mapa.reports.geojson import FEATURE_JOINS, FeatureShape
from mapa.reports.models import Report

HALF = 20037508.342789244  # half the Web Mercator world's width, metres (EPSG:3857)
MAX_LATITUDE = 85.0511287798066  # where the Web Mercator square ends
TILE_PIXELS = 256
CELLS = 4  # cells per tile side: 64 px each
SIZES = (256, 512, 1024)  # a tile's size on screen, px: its grid is that of zoom z + log2(size/256)
POINTS_UP_TO = 3  # a cell with at most this many reports shows them as points
POINTS_FROM_ZOOM = 18  # from here on every report is a point
MAX_ZOOM = 22
AREA_ZOOM = 13  # the change counters' areas (migration reports 0009): zoom-13 tiles
PREFILTER_MARGIN = 1e-6  # degrees (~10 cm) around a tile for the index prefilter


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    def __post_init__(self) -> None:
        if not (0 <= self.z <= MAX_ZOOM and 0 <= self.x < 2**self.z and 0 <= self.y < 2**self.z):
            raise ValueError(f"no tile {self.z}/{self.x}/{self.y}")

    @property
    def key(self) -> str:
        return f"{self.z}/{self.x}/{self.y}"

    def lonlat_bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in EPSG:4326 degrees."""
        n = 2**self.z
        return (
            self.x / n * 360 - 180,
            _latitude(self.y + 1, n),
            (self.x + 1) / n * 360 - 180,
            _latitude(self.y, n),
        )

    def areas(self) -> tuple[int, int, int, int]:
        """The change counters' areas this tile covers: (zx0, zx1, zy0, zy1), inclusive,
        and one more on each side, so that rounding at an edge never leaves one out."""
        if self.z >= AREA_ZOOM:
            shift = self.z - AREA_ZOOM
            zx, zy = self.x >> shift, self.y >> shift
            return (zx - 1, zx + 1, zy - 1, zy + 1)
        shift = AREA_ZOOM - self.z
        return (
            (self.x << shift) - 1,
            ((self.x + 1) << shift),
            (self.y << shift) - 1,
            ((self.y + 1) << shift),
        )


def _latitude(y: float, n: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))


def bbox_areas(bbox: Polygon) -> tuple[int, int, int, int]:
    """The change counters' areas a lon/lat bounding box touches (one more on each side,
    so that rounding at an edge never leaves one out)."""
    west, south, east, north = bbox.extent
    n = 1 << AREA_ZOOM

    def column(lon: float) -> int:
        return math.floor((lon + 180) / 360 * n)

    def row(lat: float) -> int:
        lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
        mercator = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
        return math.floor((1 - mercator / math.pi) / 2 * n)

    return (column(west) - 1, column(east) + 1, row(north) - 1, row(south) + 1)


def tile_envelope(tile: Tile) -> Polygon:
    """The tile in EPSG:4326, a little wider: for the GiST index, never for membership."""
    west, south, east, north = tile.lonlat_bounds()
    m = PREFILTER_MARGIN
    envelope = Polygon.from_bbox((west - m, south - m, east + m, north + m))
    envelope.srid = WGS84
    return envelope


EARTH_RADIUS = 6378137.0  # metres: Web Mercator's sphere (HALF = pi * EARTH_RADIUS)

# A point's global grid column and row at a cell size, from its lon/lat by Web Mercator's
# formulas (the same as the counters' trigger, migration reports 0009): plain arithmetic,
# cheaper than ST_Transform, and the planner costs it so (no JIT for a tile).
GRID_X = f"floor((radians(ST_X({{p}})) * {EARTH_RADIUS} + {HALF}) / {{cell}})::bigint"
GRID_Y = (
    f"floor(({HALF} - ln(tan(pi() / 4 + radians(greatest(-{MAX_LATITUDE}, "
    f"least({MAX_LATITUDE}, ST_Y({{p}})))) / 2)) * {EARTH_RADIUS}) / {{cell}})::bigint"
)

TILE_SQL = f"""
WITH inside AS (
    SELECT * FROM (
        SELECT c.id, ST_X(c.location) AS lon, ST_Y(c.location) AS lat,
               {GRID_X.format(p="c.location", cell="%s")} AS gx,
               {GRID_Y.format(p="c.location", cell="%s")} AS gy
        FROM ({{candidates}}) c
    ) placed
    WHERE gx BETWEEN %s AND %s AND gy BETWEEN %s AND %s
),
cells AS (
    SELECT count(*) AS n, avg(lon) AS lon, avg(lat) AS lat,
           min(lon) AS west, min(lat) AS south, max(lon) AS east, max(lat) AS north,
           CASE WHEN count(*) <= %s THEN array_agg(id) END AS ids
    FROM inside GROUP BY gx, gy
),
clusters AS (
    SELECT n, json_build_object(
        'type', 'Feature',
        'geometry', json_build_object('type', 'Point', 'coordinates',
            json_build_array(round(lon::numeric, 7), round(lat::numeric, 7))),
        'properties', json_build_object(
            'cluster', true,
            'count', n,
            'bbox', json_build_array(round(west::numeric, 7), round(south::numeric, 7),
                                     round(east::numeric, 7), round(north::numeric, 7)))
    ) AS feature
    FROM cells WHERE n > %s
),
points AS (
    SELECT r.id, {{feature}} AS feature
    FROM cells CROSS JOIN LATERAL unnest(cells.ids) AS point(id)
    JOIN reports_report r ON r.id = point.id
    {FEATURE_JOINS}
)
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', (SELECT COALESCE(jsonb_agg(feature ORDER BY n DESC), '[]'::jsonb) FROM clusters)
              || (SELECT COALESCE(jsonb_agg(feature ORDER BY id DESC), '[]'::jsonb) FROM points),
    'numberMatched', (SELECT count(*) FROM inside),
    'tile', json_build_array(%s, %s, %s)
)::text AS body
"""


def display_zoom(tile: Tile, size: int) -> int:
    """The zoom whose grid a tile shown ``size`` px wide is cut on."""
    if size not in SIZES:
        raise ValueError(f"no tile size {size}")
    return tile.z + (size // TILE_PIXELS).bit_length() - 1


def tile_geojson(
    reports: QuerySet[Report], tile: Tile, shape: FeatureShape, size: int = TILE_PIXELS
) -> str:
    """The reports of ``reports`` in ``tile``, as clusters and points on the grid of the
    tile shown ``size`` px wide (a FeatureCollection with ``numberMatched``, the tile's
    exact count)."""
    zoom = display_zoom(tile, size)
    cells = CELLS * size // TILE_PIXELS  # per tile side
    candidates = (
        reports.filter(location__bboverlaps=tile_envelope(tile)).order_by().values("id", "location")
    )
    candidates_sql, candidates_params = candidates.query.sql_with_params()
    per_side = 2**tile.z * cells
    cell = 2 * HALF / per_side
    points_up_to = POINTS_UP_TO if zoom < POINTS_FROM_ZOOM else 2**31
    first_x, first_y = tile.x * cells, tile.y * cells
    params: list[Any] = [
        cell,
        cell,
        *candidates_params,
        first_x,
        first_x + cells - 1,
        first_y,
        first_y + cells - 1,
        points_up_to,
        points_up_to,
        *shape.params(),
        tile.z,
        tile.x,
        tile.y,
    ]
    sql = TILE_SQL.format(candidates=candidates_sql, feature=shape.sql)
    row = fetch_one(sql, params)
    assert row is not None  # an aggregate always returns a row
    body: str = row["body"]
    return body


def count_in_bbox(reports: QuerySet[Report], bbox: Polygon) -> int:
    """How many of ``reports`` lie in the lon/lat box (edges included), as the list's
    ``bbox`` filter counts them."""
    return reports.filter(location__bboverlaps=bbox).order_by().count()
