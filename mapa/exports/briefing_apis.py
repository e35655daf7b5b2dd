"""``GET /api/exports/map.html``: a briefing map of a unit's or a district's cases.

Authenticated as the staff API (``Authorization: Token <key>`` or the staff session),
scoped to the cases the caller may see: a unit's token asking for another unit gets an
empty map (no pin, the city's outline), as the staff list would answer it, never a case
it may not see. The answer is one self-contained HTML page (``mapa.exports.briefing``);
errors are the API's JSON whatever the client accepts. Texts follow ``Accept-Language``
(Polish first), like the rest of the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from mapa.core import openapi as doc
from mapa.exports.briefing import briefing_map
from mapa.exports.briefing_data import BriefingInputError
from mapa.staff.apis import StaffApi

HTML = "text/html"


class ErrorsAsJson(BaseContentNegotiation):
    """The map is HTML whatever ``Accept`` says, and an error is always the API's JSON."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, str(renderer.media_type)


def _parameter(name: str, description: str, example: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description=description,
        examples=[OpenApiExample(name, value=example)],
    )


PARAMETERS = [
    _parameter(
        "unit",
        "A unit's code: its cases and its district offices'. Give `unit`, `district` or both "
        "(the unit's cases in the district).",
        "gzdiz",
    ),
    _parameter(
        "district", "A district's slug: the cases in it, under its outline.", "wrzeszcz-gorny"
    ),
    _parameter("category", "Category codes, comma-separated.", "pothole,pavement"),
    _parameter(
        "status",
        "Statuses, comma-separated; `open` stands for new, accepted and in progress. "
        "Default: open. The dispatcher's other filters (`created_after`, `bbox`, `overdue`, "
        "`q`...; see `GET /api/staff/reports/`) narrow the map too.",
        "open",
    ),
]

PAGE_EXAMPLE = (
    '<!DOCTYPE html>\n<html lang="pl">\n<head>\n<title>Cases of Gdański Zarząd Dróg i Zieleni'
    " — Mapa Porządku — Gdańsk</title>\n<style>/* Leaflet, markercluster */</style>\n"
    "<script>/* Leaflet, markercluster, the pins */</script>\n</head>\n<body>\n"
    '<section class="mapa-briefing-panel">…legend, generated 2026-11-30 08:15…</section>\n'
    '<div class="folium-map" id="map_…"></div>\n</body>\n<script>/* folium */</script>\n</html>\n'
)


BRIEFING_MAP_SCHEMA = extend_schema(
    operation_id="exports_briefing_map",
    summary="Briefing map (self-contained HTML)",
    description=(
        "A unit's or a district's cases (open ones unless `status` says otherwise) on one "
        "HTML page made with folium, for a briefing on paper or in a mail: the district "
        "outline (for a unit, the districts its cases are in), the pins clustered and "
        "coloured by category with popups (reference, category, status, address, filed, "
        "public description, link to the public page), a legend with counts and the "
        "generation time (Europe/Warsaw). Leaflet and markercluster are inlined: the saved "
        "file opens offline (only map tiles need a network). No contact data. Only the cases "
        "the caller may see: a unit's token asking for another unit gets an empty map. "
        "Errors are JSON. At most 20,000 pins (the newest); the page says when it shows fewer."
    ),
    tags=["exports"],
    parameters=PARAMETERS,
    responses={
        (200, HTML): OpenApiResponse(
            response=OpenApiTypes.STR,
            description="The map: `Content-Disposition: inline; filename=...html`.",
            examples=[
                OpenApiExample(
                    "map",
                    value=PAGE_EXAMPLE,
                    summary="A unit's map (abridged)",
                    response_only=True,
                    media_type=HTML,
                    status_codes=["200"],
                )
            ],
        ),
        400: doc.validation_error(
            {"unit": ["Unknown unit: gzdz."]},
            summary="An unknown unit",
            more=[
                OpenApiExample(
                    "no-scope",
                    value={
                        "unit": ["Name a unit (unit=<code>) or a district (district=<slug>)."],
                        "district": ["Name a unit (unit=<code>) or a district (district=<slug>)."],
                    },
                    summary="Neither a unit nor a district",
                    status_codes=["400"],
                    response_only=True,
                )
            ],
        ),
        **doc.staff_errors(not_found_too=False),
    },
)


class BriefingMapApi(StaffApi):
    """GET: the briefing map the query asks for, of the cases the caller may see."""

    content_negotiation_class = ErrorsAsJson

    @BRIEFING_MAP_SCHEMA
    def get(self, request: Request) -> HttpResponse:
        try:
            result = briefing_map(
                user=request.user,
                params=request.query_params.dict(),
                base_url=request.build_absolute_uri("/"),
            )
        except BriefingInputError as exc:
            raise ValidationError(exc.errors) from None
        return HttpResponse(
            result.html,
            content_type=f"{HTML}; charset=utf-8",
            headers=_headers(result.filename, result.policy),
        )


def _headers(filename: str, policy: str) -> dict[str, Any]:
    return {
        "Content-Disposition": f'inline; filename="{filename}"',
        # Opened from the API's address, the page runs in a sandbox of its own origin
        # (no access to the staff session's cookies) and may load nothing but tiles.
        "Content-Security-Policy": "sandbox allow-scripts allow-popups "
        f"allow-popups-to-escape-sandbox; {policy}",
        "Cache-Control": "private, no-store",
        "Vary": "Accept-Language, Authorization, Cookie",
    }
