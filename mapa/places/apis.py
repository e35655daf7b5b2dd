"""Public places API: address and place search for the "skip the map" path."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from mapa.core import openapi as doc
from mapa.core.api import geojson_response
from mapa.places import openapi as shapes
from mapa.places.selectors import SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT, places_geojson

QUERY_MIN_CHARS = 2
QUERY_MAX_CHARS = 100


class PlaceSearchInput(serializers.Serializer):  # type: ignore[type-arg]
    q = serializers.CharField(
        min_length=QUERY_MIN_CHARS,
        max_length=QUERY_MAX_CHARS,
        help_text="An address (street and number) or a place's name; any case, accents optional.",
        error_messages={
            "required": _("Type an address or a place name (the q parameter)."),
            "blank": _("Type an address or a place name."),
            "min_length": _("Type at least {min_length} characters."),
            "max_length": _("Type at most {max_length} characters."),
        },
    )
    limit = serializers.IntegerField(
        default=SEARCH_DEFAULT_LIMIT,
        min_value=1,
        max_value=SEARCH_MAX_LIMIT,
        help_text="How many matches at most.",
        error_messages={
            "invalid": _("The limit must be a whole number."),
            "min_value": _("The limit must be at least {min_value}."),
            "max_value": _("The limit must be at most {max_value}."),
        },
    )


@extend_schema_view(
    get=extend_schema(
        operation_id="places_search",
        summary="Search addresses and places (GeoJSON)",
        description=(
            "Addresses and named places matching `q`, best match first, as GeoJSON Points "
            "(WGS84) with the district each is in: the report form's way to skip the map."
        ),
        tags=["places"],
        auth=doc.PUBLIC,
        parameters=[PlaceSearchInput],
        responses={
            (200, doc.GEOJSON): shapes.PlaceCollection,
            400: doc.validation_error({"q": ["Type at least 2 characters."]}),
        },
        examples=[shapes.PLACES_EXAMPLE],
    )
)
class PlaceSearchApi(APIView):
    """GET ?q=piwna 27&limit=10: matching places as GeoJSON, best match first."""

    def get(self, request: Request) -> HttpResponse:
        data = PlaceSearchInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        query: str = data.validated_data["q"]
        limit: int = data.validated_data["limit"]
        return geojson_response(places_geojson(query, limit=limit))
