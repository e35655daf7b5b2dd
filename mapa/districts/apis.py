"""Public districts API."""

from __future__ import annotations

import math

from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from mapa.core.api import geojson_response
from mapa.districts.geojson import districts_geojson


class DistrictsInput(serializers.Serializer):  # type: ignore[type-arg]
    simplify = serializers.FloatField(required=False, default=0, min_value=0, max_value=1000)

    def validate_simplify(self, value: float) -> float:
        if not math.isfinite(value):
            raise serializers.ValidationError(_("A valid number is required."))
        return value


class DistrictListApi(APIView):
    """GET: the districts as GeoJSON. ``?simplify=10`` simplifies outlines to ~10 m."""

    def get(self, request: Request) -> HttpResponse:
        data = DistrictsInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        return geojson_response(districts_geojson(simplify_metres=data.validated_data["simplify"]))
