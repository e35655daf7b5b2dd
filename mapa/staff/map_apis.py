"""The dispatcher's map: the resident map's tiles and view count over the staff's cases.

Same tiles, same cache, same counters as ``mapa.reports.map_apis``; the reports are
the cases the caller may see, with the dispatcher's filters (``StaffReportFilter``;
the tile itself is the area, so ``bbox`` is left to the count). Points carry the staff's
properties but never the reporter's contact data, whatever the role.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from mapa.core import openapi as doc
from mapa.reports import map_openapi as map_shapes
from mapa.reports.map_apis import answer_count, answer_tile, size_or_400, tile_or_404
from mapa.reports.models import Report
from mapa.staff import openapi as shapes
from mapa.staff.access import visible_reports
from mapa.staff.apis import StaffApi
from mapa.staff.filters import StaffReportFilter
from mapa.staff.geojson import staff_shape
from mapa.staff.roles import AnyUser, role_of, units_of

IGNORED = {"cursor", "limit", "page", "sort", "dir"}


def filtered(user: AnyUser, params: QueryDict) -> QuerySet[Report]:
    filters = StaffReportFilter(params, queryset=visible_reports(user))
    if not filters.is_valid():
        raise ValidationError(filters.errors)
    reports: QuerySet[Report] = filters.qs
    return reports


def question(user: AnyUser, params: QueryDict) -> str:
    """Whose view and which filters: what a cached answer is kept under (with the area)."""
    role = role_of(user)
    scope = f"{role}:{units_of(user)}:{user.pk if role == 'integration' and user else ''}"
    filters = sorted((k, v) for k, values in params.lists() for v in values if k not in IGNORED)
    return f"staff:{scope}:{urlencode(filters)}"


def without(params: QueryDict, *names: str) -> QueryDict:
    copy = params.copy()
    for name in names:
        copy.pop(name, None)
    return copy


@extend_schema_view(
    get=extend_schema(
        operation_id="staff_reports_map_tile",
        summary="A map tile of cases (GeoJSON)",
        description=(
            "The dispatcher's map: the cases the caller may see that match the filters, in "
            "one Web Mercator tile `z/x/y`, as clusters with exact counts and points, exactly "
            "as the residents' map tile (GET /api/reports/map/{z}/{x}/{y}.geojson). Points "
            "carry the staff's properties (`staff_url`, priority, due date...), never the "
            "reporter's contact data. `overdue` answers are computed afresh each time (they "
            "change with the clock)." + map_shapes.CACHING
        ),
        tags=["staff"],
        parameters=[
            *map_shapes.TILE_PARAMETERS,
            *(
                parameter
                for parameter in doc.filter_parameters(
                    StaffReportFilter, shapes.STAFF_FILTERS, shapes.STAFF_FILTER_EXAMPLES
                )
                if parameter.name != "bbox"
            ),
        ],
        responses={
            (200, doc.GEOJSON): shapes.CaseMapTile,
            304: OpenApiResponse(description="Not modified since the `If-None-Match` tag."),
            400: doc.validation_error({"unit": ["Unknown: gzdz."]}),
            **doc.staff_errors(not_found_too=False),
            404: doc.not_found("map tile", "There is no map tile 12/5000/1308."),
        },
        examples=[shapes.CASE_MAP_TILE_EXAMPLE],
    )
)
class CaseMapTileApi(StaffApi):
    """GET: one tile of the cases matching the filters, as clusters and points."""

    def get(self, request: Request, z: int, x: int, y: int) -> HttpResponse:
        tile = tile_or_404(z, x, y)
        size = size_or_400(request.query_params.get("size"))
        params = without(request.query_params, "bbox", "size")
        return answer_tile(
            request,
            filtered(request.user, params),
            tile,
            shape=staff_shape(with_contact=False),
            question=question(request.user, params),
            size=size,
            cacheable="overdue" not in params,
            private=True,
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="staff_reports_map_count",
        summary="How many cases a view holds",
        description=(
            "The exact number of cases the caller may see that match the filters in `bbox`, "
            "the map's view: the dispatcher's map states it." + map_shapes.CACHING
        ),
        tags=["staff"],
        parameters=[
            *doc.filter_parameters(
                StaffReportFilter, shapes.STAFF_FILTERS, shapes.STAFF_FILTER_EXAMPLES
            ),
        ],
        responses={
            (200, doc.JSON): map_shapes.MapCount,
            304: OpenApiResponse(description="Not modified since the `If-None-Match` tag."),
            400: doc.validation_error({"bbox": ["Give the view as minlon,minlat,maxlon,maxlat."]}),
            **doc.staff_errors(not_found_too=False),
        },
        examples=[map_shapes.COUNT_EXAMPLE],
    )
)
class CaseMapCountApi(StaffApi):
    """GET ?bbox=&<filters>: the exact number of matching cases in the view."""

    def get(self, request: Request) -> HttpResponse:
        params = request.query_params
        return answer_count(
            request,
            filtered(request.user, params),
            question=question(request.user, params),
            cacheable="overdue" not in params,
            private=True,
        )
