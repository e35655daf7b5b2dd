"""The places API's shapes and examples, for its OpenAPI description (describe only)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from mapa.core.openapi import GEOJSON, point_field
from mapa.places.models import PlaceKind


class PlaceDistrict(serializers.Serializer):  # type: ignore[type-arg]
    slug = serializers.CharField()
    name = serializers.CharField()


class PlaceProperties(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    label = serializers.CharField(help_text="What to show in a list of matches.")  # type: ignore[assignment]  # the JSON key
    name = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=PlaceKind.choices)
    street = serializers.CharField(allow_blank=True)
    housenumber = serializers.CharField(allow_blank=True)
    district = PlaceDistrict(allow_null=True)


class PlaceFeature(serializers.Serializer):  # type: ignore[type-arg]
    type = serializers.ChoiceField(choices=[("Feature", "Feature")])
    id = serializers.IntegerField()
    geometry = point_field()
    properties = PlaceProperties()


class PlaceCollection(serializers.Serializer):  # type: ignore[type-arg]
    """Matching places, best match first."""

    type = serializers.ChoiceField(choices=[("FeatureCollection", "FeatureCollection")])
    features = PlaceFeature(many=True)


PLACES_EXAMPLE = OpenApiExample(
    "piwna",
    summary="A match for “piwna 27”",
    value={
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": 1,
                "geometry": {"type": "Point", "coordinates": [18.6520565, 54.3495626]},
                "properties": {
                    "id": 1,
                    "label": "Piwna 27/29 — Gdańska Galeria Miejska 1",
                    "name": "Gdańska Galeria Miejska 1",
                    "kind": "poi",
                    "street": "Piwna",
                    "housenumber": "27/29",
                    "district": {"slug": "srodmiescie", "name": "Śródmieście"},
                },
            }
        ],
    },
    media_type=GEOJSON,
    response_only=True,
    status_codes=["200"],
)
