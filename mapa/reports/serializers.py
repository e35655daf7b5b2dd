"""Input serializers: they parse and check what clients send, nothing more."""

from __future__ import annotations

import math
from typing import Any

from django.contrib.gis.geos import Point
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from mapa.core.geo import CoordinateError, point_from_geojson, point_from_lon_lat
from mapa.reports.models import DESCRIPTION_MAX_LENGTH, Category, Channel, LocationSource
from mapa.reports.selectors import LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT, NEARBY_MAX_METRES

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{5,24}$",
    gettext_lazy("Enter a phone number of digits, optionally with +, spaces or dashes."),
)


class GeoJSONPointField(serializers.Field):  # type: ignore[type-arg]
    """A GeoJSON Point in WGS84 → GEOS Point with SRID 4326."""

    def to_internal_value(self, data: Any) -> Point:
        try:
            return point_from_geojson(data)
        except CoordinateError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value: Point) -> dict[str, Any]:
        return {"type": "Point", "coordinates": [value.x, value.y]}


class CategoryCodeField(serializers.CharField):
    """A category code → the active Category; unknown codes are named in the error."""

    def to_internal_value(self, data: Any) -> Category:  # type: ignore[override]
        code = super().to_internal_value(data)
        category = (
            None if len(code) > 40 else Category.objects.filter(code=code, active=True).first()
        )
        if category is None:
            raise serializers.ValidationError(
                _("Unknown category “%(code)s”; see /api/categories/ for the list.")
                % {"code": code}
            )
        return category


class ReportCreateInput(serializers.Serializer):  # type: ignore[type-arg]
    category = CategoryCodeField()
    location = GeoJSONPointField()
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH)
    address = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    attributes = serializers.DictField(required=False, default=dict)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.WEB)
    name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, default="", allow_blank=True)
    phone = serializers.CharField(
        max_length=30, required=False, default="", allow_blank=True, validators=[phone_validator]
    )
    location_source = serializers.ChoiceField(
        choices=LocationSource.choices, default=LocationSource.PIN
    )
    photos = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=3
    )

    def validate_description(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Describe the problem."))
        return value


class LonLatInput(serializers.Serializer):  # type: ignore[type-arg]
    lon = serializers.CharField()
    lat = serializers.CharField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            attrs["point"] = point_from_lon_lat(attrs["lon"], attrs["lat"])
        except CoordinateError as exc:
            raise serializers.ValidationError({"location": [str(exc)]}) from None
        return attrs


class NearbyInput(LonLatInput):
    radius = serializers.FloatField(default=250, min_value=1, max_value=NEARBY_MAX_METRES)

    def validate_radius(self, value: float) -> float:
        if not math.isfinite(value):  # NaN slips past min/max comparisons
            raise serializers.ValidationError(_("A valid number is required."))
        return value


class RoutingPreviewInput(LonLatInput):
    category = CategoryCodeField(required=False)


class PhotoInput(serializers.Serializer):  # type: ignore[type-arg]
    photo = serializers.FileField(allow_empty_file=False)


class PageInput(serializers.Serializer):  # type: ignore[type-arg]
    limit = serializers.IntegerField(
        default=LIST_DEFAULT_LIMIT, min_value=1, max_value=LIST_MAX_LIMIT
    )
    cursor = serializers.IntegerField(required=False, min_value=1)
