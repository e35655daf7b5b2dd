"""Public districts API."""

from __future__ import annotations

import math

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from mapa.core import openapi as doc
from mapa.core.api import geojson_response
from mapa.districts import openapi as shapes
from mapa.districts.geojson import districts_geojson


class DistrictsInput(serializers.Serializer):  # type: ignore[type-arg]
    simplify = serializers.FloatField(
        required=False,
        default=0,
        min_value=0,
        max_value=1000,
        help_text="Simplify the outlines to about this many metres (0: as stored).",
    )

    def validate_simplify(self, value: float) -> float:
        if not math.isfinite(value):
            raise serializers.ValidationError(_("A valid number is required."))
        return value


@extend_schema_view(
    get=extend_schema(
        operation_id="districts_list",
        summary="List the districts (GeoJSON)",
        description=(
            "Gdańsk's districts as a GeoJSON FeatureCollection of their outlines (WGS84, "
            "RFC 7946 winding), by name. `simplify=10` simplifies them to about 10 m, "
            "enough for a city-wide map."
        ),
        tags=["districts"],
        auth=doc.PUBLIC,
        parameters=[DistrictsInput],
        responses={
            (200, doc.GEOJSON): shapes.DistrictCollection,
            400: doc.validation_error(
                {"simplify": ["Ensure this value is less than or equal to 1000."]}
            ),
        },
        examples=[shapes.DISTRICTS_EXAMPLE],
    )
)
class DistrictListApi(APIView):
    """GET: the districts as GeoJSON. ``?simplify=10`` simplifies outlines to ~10 m."""

    def get(self, request: Request) -> HttpResponse:
        data = DistrictsInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        return geojson_response(districts_geojson(simplify_metres=data.validated_data["simplify"]))
