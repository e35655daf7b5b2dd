"""Routing tools in the staff API: which unit covers which district, for a category.

``GET /api/staff/coverage/?category=<code>`` answers every served district's
outline with the unit routing would pick there and why
(``mapa.catalogue.coverage``). Simulating one point needs no staff API: the
public ``GET /api/routing/`` answers it.
"""

from __future__ import annotations

from django.http import HttpResponse
from rest_framework import serializers
from rest_framework.request import Request

from mapa.catalogue.coverage import coverage_geojson
from mapa.catalogue.serializers import CategoryCodeField
from mapa.core.api import geojson_response
from mapa.core.serializers import validated
from mapa.staff.apis import StaffApi

# Outlines simplified to about this many metres: plenty for a city-wide map.
SIMPLIFY_METRES = 10


class CoverageInput(serializers.Serializer):  # type: ignore[type-arg]
    category = CategoryCodeField()


class CoverageApi(StaffApi):
    """GET ?category=<code>: the districts, each with its unit for the category and why."""

    def get(self, request: Request) -> HttpResponse:
        data = validated(CoverageInput, request.query_params)
        body = coverage_geojson(category_id=data["category"].pk, simplify_metres=SIMPLIFY_METRES)
        return geojson_response(body)
