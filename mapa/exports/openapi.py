"""The unit exports' shapes, parameters and examples, for their OpenAPI description.

The exports are built in SQL (``mapa.exports.selectors``); these serializers
only describe that JSON for ``/api/schema/``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from mapa.core import openapi as doc
from mapa.reports.models import ReportStatus
from mapa.staff.filters import StaffReportFilter

STAFF_FILTERS = {
    "bbox": "Only cases in this box: `minlon,minlat,maxlon,maxlat` (WGS84).",
    "status": "Comma-separated statuses; `open` stands for new, accepted and in progress.",
    "category": "Comma-separated category codes (GET /api/categories/).",
    "district": "Comma-separated district slugs (GET /api/districts/).",
    "unit": "Comma-separated unit codes; a unit also selects its district offices' cases.",
    "created_after": "Filed at or after this time (ISO 8601).",
    "created_before": "Filed before this time (ISO 8601).",
    "polygon": "Only cases in this GeoJSON Polygon or MultiPolygon (WGS84, at most 500 points).",
    "channel": "Comma-separated channels: web, phone, sms, email, chat, social.",
    "updated_after": "Changed at or after this time (ISO 8601); for sync use `updated_since`.",
    "overdue": "`true`: open cases past their due date; `false`: all others.",
    "held": "Ignored: reports held for review (from a banned contact) are never exported.",
    "q": "Words found in the reference, the description or the address.",
}
STAFF_FILTER_EXAMPLES = {"status": "open", "district": "srodmiescie", "unit": "gzdiz"}


def parameters() -> list[OpenApiParameter]:
    return [
        *doc.filter_parameters(StaffReportFilter, STAFF_FILTERS, STAFF_FILTER_EXAMPLES),
        OpenApiParameter(
            "If-None-Match",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description="The `ETag` of an earlier answer: a 304 if nothing it holds changed.",
        ),
        OpenApiParameter(
            "If-Modified-Since",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description=(
                "The `Last-Modified` of an earlier answer: a 304 if no case the caller may "
                "see changed since. Ignored when If-None-Match is sent."
            ),
        ),
    ]


class _OneValue(serializers.ChoiceField):
    def __init__(self, value: str, **kwargs: Any) -> None:
        super().__init__(choices=[(value, value)], **kwargs)


class ExportProperties(serializers.Serializer):  # type: ignore[type-arg]
    """A case's exported properties: flat, for Shapefile, GeoPackage and CSV. No contact data."""

    reference = serializers.CharField(help_text="e.g. GD-2026-000123")
    category = serializers.CharField(help_text="The category's code.")
    category_name = serializers.CharField(help_text="In the request's language.")
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    district = serializers.CharField(allow_null=True, help_text="The district's slug.")
    district_name = serializers.CharField(allow_null=True)
    unit = serializers.CharField(help_text="The unit's code.")
    unit_name = serializers.CharField()
    created = serializers.DateTimeField(help_text="ISO 8601, UTC.")
    updated = serializers.DateTimeField(help_text="The last change, ISO 8601, UTC.")
    resolved = serializers.DateTimeField(allow_null=True, help_text="Empty unless resolved.")
    description = serializers.CharField(help_text="The resident's words, in full.")
    address = serializers.CharField(allow_blank=True)


class ExportFeature(serializers.Serializer):  # type: ignore[type-arg]
    type = _OneValue("Feature")
    id = serializers.CharField(help_text="The case's reference.")
    geometry = doc.point_field()
    properties = ExportProperties()


class ExportCollection(serializers.Serializer):  # type: ignore[type-arg]
    """An RFC 7946 FeatureCollection, in the sync order (last change, then id)."""

    type = _OneValue("FeatureCollection")
    numberReturned = serializers.IntegerField()
    cursor = serializers.CharField(
        allow_null=True, help_text="Send it back as `cursor` to get what changed after this page."
    )
    next = serializers.URLField(
        allow_null=True, help_text="The next page now, when `limit` cut this one short."
    )
    features = ExportFeature(many=True)


_FEATURE = {
    "type": "Feature",
    "id": "GD-2026-000123",
    "geometry": {"type": "Point", "coordinates": [18.6532, 54.3485]},
    "properties": {
        "reference": "GD-2026-000123",
        "category": "pothole",
        "category_name": "Dziura w jezdni",
        "status": "accepted",
        "district": "srodmiescie",
        "district_name": "Śródmieście",
        "unit": "gzdiz",
        "unit_name": "Gdański Zarząd Dróg i Zieleni",
        "created": "2026-11-29T08:15:02.183114Z",
        "updated": "2026-11-29T10:02:40.004871Z",
        "resolved": None,
        "description": "Głęboka dziura przy fontannie Neptuna.",
        "address": "Długi Targ",
    },
}

GEOJSON_EXAMPLE = OpenApiExample(
    "page",
    summary="A page of a sync",
    value={
        "type": "FeatureCollection",
        "numberReturned": 1,
        "cursor": "djEuMTc5NjU0NjU2MDAwNDg3MS4xMjM",
        "next": None,
        "features": [_FEATURE],
    },
    response_only=True,
    status_codes=["200"],
    media_type=doc.GEOJSON,
)

CSV_EXAMPLE = OpenApiExample(
    "csv",
    summary="Header and one case",
    value=(
        "reference,category,category_name,status,district,district_name,unit,unit_name,"
        "created,updated,resolved,description,address,lon,lat\n"
        "GD-2026-000123,pothole,Dziura w jezdni,accepted,srodmiescie,Śródmieście,gzdiz,"
        "Gdański Zarząd Dróg i Zieleni,2026-11-29T08:15:02.183114Z,"
        "2026-11-29T10:02:40.004871Z,,Głęboka dziura przy fontannie Neptuna.,Długi Targ,"
        "18.6532000,54.3485000\n"
    ),
    response_only=True,
    status_codes=["200"],
    media_type="text/csv",
)

NOT_MODIFIED = OpenApiResponse(
    description="Nothing changed since the `ETag` or `Last-Modified` sent: no body."
)

BAD_INPUT = doc.validation_error(
    {"cursor": ["Not a cursor from this server; start again with updated_since."]},
    summary="A bad cursor",
    more=[
        OpenApiExample(
            "bad-filter",
            value={
                "status": [
                    "Unknown status done; use new, accepted, in_progress, resolved, "
                    "rejected, duplicate or open."
                ]
            },
            summary="A bad filter",
            status_codes=["400"],
            response_only=True,
        ),
        OpenApiExample(
            "unknown-parameter",
            value={"statuss": ["Unknown parameter for this export."]},
            summary="A misspelt parameter",
            status_codes=["400"],
            response_only=True,
        ),
    ],
)
