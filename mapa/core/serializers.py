"""Input fields and serializers shared by every API: points in, validated data out.

Serializers here only parse and check what clients send; the views hand the
result to one service or selector.
"""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import Point
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField

from mapa.core.geo import CoordinateError, point_from_geojson, point_from_lon_lat


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:  # type: ignore[type-arg]
    """``data`` checked by ``serializer_class``; a ValidationError (400) names each bad field."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    result: dict[str, Any] = serializer.validated_data
    return result


class TextField(serializers.CharField):
    """Text as the client wrote it: a JSON string only, kept as sent.

    DRF's CharField would take a number and store its digits ("0", "inf"),
    and trims spaces and line separators off the ends; a resident's words
    are neither (a report's text round-trips unchanged). ``trim_whitespace``
    can still be asked for where the ends do not matter.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        # Only spaces is still blank, though the spaces of real text are kept.
        if isinstance(data, str) and data and not data.strip() and not self.allow_blank:
            self.fail("blank")
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class GeoJSONPointField(GeometryField):  # type: ignore[misc]  # drf-gis ships no types
    """A GeoJSON Point in WGS84 (``[longitude, latitude]``) ↔ a GEOS Point with SRID 4326.

    djangorestframework-gis's field, so the API schema describes it as GeoJSON,
    with Mapa's strict parsing (``mapa.core.geo.point_from_geojson``) instead
    of GEOS's lenient one: wrong types, swapped ranges and other CRSs are refused
    with a message saying what is wrong.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("precision", 7)  # 7 decimals of a degree: about 1 cm
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> Point:
        try:
            return point_from_geojson(value)
        except CoordinateError as exc:
            raise serializers.ValidationError(str(exc)) from None


class LonLatInput(serializers.Serializer):  # type: ignore[type-arg]
    """``?lon=&lat=`` query parameters → ``point`` (EPSG:4326); errors name ``location``."""

    lon = serializers.CharField(help_text="Longitude, WGS84 degrees (e.g. 18.6532).")
    lat = serializers.CharField(help_text="Latitude, WGS84 degrees (e.g. 54.3485).")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            attrs["point"] = point_from_lon_lat(attrs["lon"], attrs["lat"])
        except CoordinateError as exc:
            raise serializers.ValidationError({"location": [str(exc)]}) from None
        return attrs
