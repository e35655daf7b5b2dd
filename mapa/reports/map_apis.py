"""The map's API: tiles of open reports with exact counts, and the count in a view.

``GET /api/reports/map/<z>/<x>/<y>.geojson[?size=512]`` answers one tile
(``mapa.reports.tiles``; the map asks for 512-px tiles, a quarter of the requests);
``GET /api/reports/map/count/?bbox=`` how many open reports a view holds. The staff's
map (``mapa.staff.map_apis``) answers the same with the dispatcher's filters, through
``answer_tile`` and ``answer_count`` here: one mechanism for both maps.

Answers are cached and tagged by the data's change counters (``mapa.reports.map_cache``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from django import forms
from django.contrib.gis.geos import Polygon
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

from mapa.core import openapi as doc
from mapa.core.api import GEOJSON
from mapa.reports import map_openapi as shapes
from mapa.reports.filters import parse_bbox
from mapa.reports.geojson import PUBLIC, FeatureShape
from mapa.reports.map_cache import Answer, cached_answer, key_and_tag, uncached_answer
from mapa.reports.models import OPEN_STATUSES, PUBLIC_REPORTS, Report
from mapa.reports.tiles import (
    SIZES,
    TILE_PIXELS,
    Tile,
    bbox_areas,
    count_in_bbox,
    tile_geojson,
)

ACCEPTS_GZIP = re.compile(r"\bgzip\b")
JSON_TYPE = "application/json"


def tile_or_404(z: int, x: int, y: int) -> Tile:
    try:
        return Tile(z, x, y)
    except ValueError:
        raise NotFound(_("There is no map tile %(tile)s.") % {"tile": f"{z}/{x}/{y}"}) from None


def size_or_400(raw: str | None) -> int:
    """The ``size`` query parameter: the tile's size on screen, 256 px when not given."""
    if raw is None:
        return TILE_PIXELS
    for size in SIZES:
        if raw == str(size):
            return size
    raise ValidationError(
        {"size": [_("Give the tile's size as 256, 512 or 1024 (pixels), or leave it out.")]}
    )


def bbox_or_400(raw: str | None) -> tuple[str, Polygon]:
    """The ``bbox`` query parameter, parsed (a 400 naming it when missing or wrong)."""
    if not raw:
        raise ValidationError({"bbox": [_("Give the view as minlon,minlat,maxlon,maxlat.")]})
    try:
        return raw, parse_bbox(raw)
    except forms.ValidationError as exc:
        raise ValidationError({"bbox": exc.messages}) from None


def answer_tile(
    request: Request,
    reports: QuerySet[Report],
    tile: Tile,
    *,
    shape: FeatureShape,
    question: str,
    size: int = TILE_PIXELS,
    cacheable: bool = True,
    private: bool = False,
) -> HttpResponse:
    """A tile of ``reports`` as clusters and points on the grid of ``size`` px, from the
    cache when it is current."""
    question = f"tile:{tile.key}@{size}:{translation.get_language()}:{question}"
    return _answer(
        request,
        question,
        tile.areas(),
        lambda: tile_geojson(reports, tile, shape, size),
        content_type=f"{GEOJSON}; charset=utf-8",
        cacheable=cacheable,
        private=private,
    )


def answer_count(
    request: Request,
    reports: QuerySet[Report],
    *,
    question: str,
    cacheable: bool = True,
    private: bool = False,
) -> HttpResponse:
    """``{"count": n}``: how many of ``reports`` the ``bbox`` parameter's view holds."""
    raw, bbox = bbox_or_400(request.query_params.get("bbox"))
    return _answer(
        request,
        f"count:{raw}:{question}",
        bbox_areas(bbox),
        lambda: json.dumps({"count": count_in_bbox(reports, bbox)}),
        content_type=JSON_TYPE,
        cacheable=cacheable,
        private=private,
    )


def _answer(
    request: Request,
    question: str,
    areas: tuple[int, int, int, int],
    compute: Callable[[], str],
    *,
    content_type: str,
    cacheable: bool,
    private: bool,
) -> HttpResponse:
    if cacheable:
        key, etag = key_and_tag(question, areas)
        if _not_modified(request, etag):
            return _headers(HttpResponse(status=304), etag, private=private)
        answer = cached_answer(key, etag, compute)
    else:
        answer = uncached_answer(compute)
        if _not_modified(request, answer.etag):
            return _headers(HttpResponse(status=304), answer.etag, private=private)
    return _send(request, answer, content_type=content_type, private=private)


def _not_modified(request: Request, etag: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    if not sent:
        return False
    wanted = etag.removeprefix("W/")
    return sent.strip() == "*" or any(tag.removeprefix("W/") == wanted for tag in parse_etags(sent))


def _send(request: Request, answer: Answer, *, content_type: str, private: bool) -> HttpResponse:
    if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(answer.gzipped, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(answer.body, content_type=content_type)
    return _headers(response, answer.etag, private=private)


def _headers(response: HttpResponse, etag: str, *, private: bool) -> HttpResponse:
    response["ETag"] = etag
    # Kept by the browser, and asked again (If-None-Match) before each reuse.
    response["Cache-Control"] = "private, no-cache" if private else "public, no-cache"
    patch_vary_headers(response, ["Accept-Encoding", "Accept-Language", "Cookie"])
    if private:
        patch_vary_headers(response, ["Authorization"])
    return response


def open_reports() -> QuerySet[Report]:
    return Report.objects.filter(PUBLIC_REPORTS, status__in=OPEN_STATUSES)


@extend_schema_view(
    get=extend_schema(
        operation_id="reports_map_tile",
        summary="A map tile of open reports (GeoJSON)",
        description=(
            "The open reports in one Web Mercator tile (`z/x/y`, as slippy maps number "
            "them), counted on a fixed grid of 4 by 4 cells per tile: a cell with more than "
            "three reports is one cluster with its exact `count`, at its reports' mean "
            "position; the reports of the other cells are points, as the list shows them. "
            "From zoom 18 every report is a point. `numberMatched` is the tile's exact "
            "count, so the tiles covering an area add up to its count at every zoom. "
            "With `size=512` (or 1024) the tile is cut on the grid of the zoom at which it "
            "is shown that large: 8 (16) cells a side, the clusters of the four (sixteen) "
            "256-px tiles of the next zoom(s), in one request." + shapes.CACHING
        ),
        tags=["reports"],
        auth=doc.PUBLIC,
        parameters=shapes.TILE_PARAMETERS,
        responses={
            (200, doc.GEOJSON): shapes.MapTile,
            304: OpenApiResponse(description="Not modified since the `If-None-Match` tag."),
            400: doc.validation_error({"size": [shapes.SIZE_ERROR]}),
            404: doc.not_found("map tile", "There is no map tile 12/5000/1308."),
        },
        examples=[shapes.TILE_EXAMPLE],
    )
)
class MapTileApi(APIView):
    """GET: one tile of open reports as clusters (exact counts) and points."""

    def get(self, request: Request, z: int, x: int, y: int) -> HttpResponse:
        tile = tile_or_404(z, x, y)
        size = size_or_400(request.query_params.get("size"))
        return answer_tile(
            request, open_reports(), tile, shape=PUBLIC, question="public", size=size
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="reports_map_count",
        summary="How many open reports a view holds",
        description=(
            "The exact number of open reports (new, accepted, in progress) in `bbox`, the "
            "map's view: the map states it." + shapes.CACHING
        ),
        tags=["reports"],
        auth=doc.PUBLIC,
        parameters=[shapes.BBOX_PARAMETER],
        responses={
            (200, doc.JSON): shapes.MapCount,
            304: OpenApiResponse(description="Not modified since the `If-None-Match` tag."),
            400: doc.validation_error({"bbox": ["Give the view as minlon,minlat,maxlon,maxlat."]}),
        },
        examples=[shapes.COUNT_EXAMPLE],
    )
)
class MapCountApi(APIView):
    """GET ?bbox=: the exact number of open reports in the view."""

    def get(self, request: Request) -> HttpResponse:
        return answer_count(request, open_reports(), question="public")
