"""The map's shapes and examples, for its OpenAPI description (describe only).

A map tile (``mapa.reports.tiles``) holds clusters, each a cell's exact count, and the
reports of the cells that hold few, as the list API shows them.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, PolymorphicProxySerializer
from rest_framework import serializers

from mapa.core.openapi import GEOJSON, JSON, point_field
from mapa.reports import openapi as public


class ClusterProperties(serializers.Serializer):  # type: ignore[type-arg]
    cluster = serializers.BooleanField(help_text="Always true: this feature is a cluster.")
    count = serializers.IntegerField(
        min_value=1, help_text="How many reports the cell holds, exactly."
    )
    bbox = serializers.ListField(
        child=serializers.FloatField(),
        min_length=4,
        max_length=4,
        help_text="The extent of those reports: west, south, east, north (WGS84).",
    )


class ClusterFeature(serializers.Serializer):  # type: ignore[type-arg]
    """A grid cell with more than three reports: at their mean position, with their count."""

    type = public.GeoJSONFeatureType()
    geometry = point_field()
    properties = ClusterProperties()


def map_features(name: str, point: type[serializers.Serializer]) -> Any:  # type: ignore[type-arg]
    """A tile's features: clusters, or the reports themselves (``point``)."""
    return PolymorphicProxySerializer(
        component_name=name,
        serializers=[ClusterFeature, point],
        resource_type_field_name=None,
        many=True,
    )


class MapTile(serializers.Serializer):  # type: ignore[type-arg]
    """One tile's open reports: clusters first (largest first), then points, newest first."""

    type = public.GeoJSONCollectionType()
    features = map_features("MapFeature", public.ReportFeature)
    numberMatched = serializers.IntegerField(
        min_value=0, help_text="How many reports the tile holds: the sum of its features."
    )
    tile = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        min_length=3,
        max_length=3,
        help_text="z, x, y",
    )


class MapCount(serializers.Serializer):  # type: ignore[type-arg]
    count = serializers.IntegerField(min_value=0, help_text="Reports in the box, exactly.")


TILE_PARAMETERS = [
    OpenApiParameter(
        name, int, OpenApiParameter.PATH, description=text, examples=[OpenApiExample(name, value)]
    )
    for name, text, value in (
        ("z", "Zoom, 0 to 22.", 12),
        ("x", "Column, 0 to 2^z - 1, from the west (antimeridian).", 2260),
        ("y", "Row, 0 to 2^z - 1, from the north.", 1308),
    )
] + [
    OpenApiParameter(
        "size",
        int,
        enum=[256, 512, 1024],
        default=256,
        description=(
            "The tile's size on screen in pixels: its grid is that of zoom z + 1 for 512, "
            "z + 2 for 1024 (64-px cells). The map asks for 512-px tiles."
        ),
        examples=[OpenApiExample("512", 512)],
    )
]

SIZE_ERROR = "Give the tile's size as 256, 512 or 1024 (pixels), or leave it out."

BBOX_PARAMETER = OpenApiParameter(
    "bbox",
    str,
    required=True,
    description="The view: minlon,minlat,maxlon,maxlat (WGS84), edges included.",
    examples=[OpenApiExample("Gdańsk's Main Town", "18.64,54.34,18.66,54.36")],
)

CLUSTER_EXAMPLE: dict[str, Any] = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [18.6497283, 54.3512077]},
    "properties": {
        "cluster": True,
        "count": 412,
        "bbox": [18.6402511, 54.3440193, 18.6595874, 54.3587102],
    },
}

TILE_EXAMPLE = OpenApiExample(
    "tile",
    summary="A cluster of 412 reports and one report on its own",
    value={
        "type": "FeatureCollection",
        "features": [CLUSTER_EXAMPLE, public.REPORT_FEATURE],
        "numberMatched": 413,
        "tile": [12, 2260, 1308],
    },
    media_type=GEOJSON,
    response_only=True,
    status_codes=["200"],
)

COUNT_EXAMPLE = OpenApiExample(
    "count",
    summary="413 open reports in the view",
    value={"count": 413},
    media_type=JSON,
    response_only=True,
    status_codes=["200"],
)

CACHING = (
    " Answers carry an `ETag` and `Cache-Control: no-cache`: send the tag back in "
    "`If-None-Match` and an unchanged answer is a 304 without a body. They are "
    "gzip-compressed for a client that accepts it. Any write that changes what the "
    "answer shows changes it at once (see the README, *How the map counts*)."
)
