"""Routing tools in the staff API: which unit covers which district, for a category.

``GET /api/staff/coverage/?category=<code>`` answers every served district's
outline with the unit routing would pick there and why
(``mapa.catalogue.coverage``). Simulating one point needs no staff API: the
public ``GET /api/routing/`` answers it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request

from mapa.catalogue.coverage import coverage_geojson
from mapa.catalogue.serializers import CategoryCodeField
from mapa.core import openapi as doc
from mapa.core.api import geojson_response
from mapa.core.serializers import validated
from mapa.staff import openapi as shapes
from mapa.staff.access import Action, may
from mapa.staff.apis import StaffApi

# Outlines simplified to about this many metres: plenty for a city-wide map.
SIMPLIFY_METRES = 10


class CoverageInput(serializers.Serializer):  # type: ignore[type-arg]
    category = CategoryCodeField(help_text="The category's code (GET /api/categories/).")


@extend_schema_view(
    get=extend_schema(
        operation_id="staff_coverage",
        summary="Which unit covers which district (GeoJSON)",
        description=(
            "For one `category`: every served district's outline (simplified to about "
            "10 m) with the unit a report there would go to, why (`reason`, the `rule` that "
            "applied) and, for a district office, its parent unit."
        ),
        tags=["staff"],
        parameters=[CoverageInput],
        responses={
            (200, doc.GEOJSON): shapes.CoverageCollection,
            400: doc.validation_error(
                {"category": ["Unknown category “potholes”; see /api/categories/ for the list."]}
            ),
            **doc.staff_errors(not_found_too=False),
        },
        examples=[shapes.COVERAGE_EXAMPLE],
    )
)
class CoverageApi(StaffApi):
    """GET ?category=<code>: the districts, each with its unit for the category and why."""

    def get(self, request: Request) -> HttpResponse:
        if not may(request.user, Action.TOOLS):
            raise PermissionDenied(_("Your role sees only the reports it filed."))
        data = validated(CoverageInput, request.query_params)
        body = coverage_geojson(category_id=data["category"].pk, simplify_metres=SIMPLIFY_METRES)
        return geojson_response(body)
