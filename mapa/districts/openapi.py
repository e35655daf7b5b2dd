"""The districts API's shapes and examples, for its OpenAPI description (describe only)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from mapa.core.openapi import GEOJSON, area_field


class DistrictProperties(serializers.Serializer):  # type: ignore[type-arg]
    slug = serializers.CharField()
    name = serializers.CharField()
    city = serializers.CharField()
    area_km2 = serializers.FloatField(help_text="On the spheroid, 3 decimals.")


class DistrictFeature(serializers.Serializer):  # type: ignore[type-arg]
    """One district's outline; ``id`` is its slug."""

    type = serializers.ChoiceField(choices=[("Feature", "Feature")])
    id = serializers.CharField()
    geometry = area_field()
    properties = DistrictProperties()


class DistrictCollection(serializers.Serializer):  # type: ignore[type-arg]
    type = serializers.ChoiceField(choices=[("FeatureCollection", "FeatureCollection")])
    features = DistrictFeature(many=True)


DISTRICTS_EXAMPLE = OpenApiExample(
    "districts",
    summary="One district, simplified",
    value={
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "aniolki",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [18.6318733, 54.3714656],
                            [18.6172002, 54.3650768],
                            [18.6337378, 54.353687],
                            [18.6444124, 54.3620472],
                            [18.6318733, 54.3714656],
                        ]
                    ],
                },
                "properties": {
                    "slug": "aniolki",
                    "name": "Aniołki",
                    "city": "Gdańsk",
                    "area_km2": 2.311,
                },
            }
        ],
    },
    media_type=GEOJSON,
    response_only=True,
    status_codes=["200"],
)
