"""The public reports API's shapes and examples, for its OpenAPI description.

The views build their answers in SQL (``mapa.reports.geojson``) or from
``PublicReport``; these serializers only describe that JSON for
``/api/schema/`` and are never used to render it. Tests check that real
answers match them (tests/core/test_openapi.py).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers

from mapa.core.guards import REFERENCE_PATTERN
from mapa.core.openapi import GEOJSON, point_field
from mapa.reports.models import ReportStatus

# ---------------------------------------------------------------- shapes


class GeoJSONFeatureType(serializers.ChoiceField):
    """``"type": "Feature"`` (a one-value enum)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[("Feature", "Feature")], **kwargs)


class GeoJSONCollectionType(serializers.ChoiceField):
    """``"type": "FeatureCollection"`` (a one-value enum)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[("FeatureCollection", "FeatureCollection")], **kwargs)


class CategoryRef(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField(help_text="The category's code (GET /api/categories/).")
    name = serializers.CharField(help_text="In the request's language.")
    icon = serializers.CharField()


class DistrictRef(serializers.Serializer):  # type: ignore[type-arg]
    slug = serializers.CharField()
    name = serializers.CharField()


class UnitRef(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    name = serializers.CharField()


class ReportProperties(serializers.Serializer):  # type: ignore[type-arg]
    """What anyone may see of a report in a list. Never personal data."""

    reference = serializers.CharField(help_text="The report's reference, e.g. GD-2026-000123.")
    url = serializers.CharField(help_text="The report's public page (a path on this site).")
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    status_label = serializers.CharField(help_text="The status in the request's language.")
    is_open = serializers.BooleanField(help_text="New, accepted or in progress.")
    category = CategoryRef()
    district = DistrictRef(allow_null=True, help_text="Null outside every district.")
    unit = UnitRef(help_text="The city unit the report was routed to.")
    description = serializers.CharField(
        help_text="The resident's words; in lists cut to 200 characters (ending in …)."
    )
    address = serializers.CharField(allow_blank=True)
    photo_url = serializers.CharField(allow_null=True, help_text="The first photo, if any.")
    thumbnail_url = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ReportFeature(serializers.Serializer):  # type: ignore[type-arg]
    """One report as a GeoJSON Feature; ``id`` is its reference."""

    type = GeoJSONFeatureType()
    id = serializers.CharField()
    geometry = point_field()
    properties = ReportProperties()


class ReportCollection(serializers.Serializer):  # type: ignore[type-arg]
    """A page of reports, newest first; follow ``next`` (also in the ``Link`` header)."""

    type = GeoJSONCollectionType()
    features = ReportFeature(many=True)
    numberReturned = serializers.IntegerField(min_value=0)  # the OGC API name
    limit = serializers.IntegerField(min_value=1)
    next = serializers.URLField(allow_null=True, help_text="The next page; null on the last.")


class NearbyReportProperties(ReportProperties):
    distance_m = serializers.FloatField(help_text="Metres from the point asked about.")


class NearbyReportFeature(ReportFeature):
    properties = NearbyReportProperties()


class NearbyReportCollection(serializers.Serializer):  # type: ignore[type-arg]
    """Open reports near a point, nearest first (at most 50)."""

    type = GeoJSONCollectionType()
    features = NearbyReportFeature(many=True)


class AttributeAnswer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the JSON key
    value = serializers.JSONField(help_text="As sent: text, number, yes/no or a list's key.")
    display = serializers.CharField(help_text="The answer as people read it.")


class RoutingSummary(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(help_text="Why this unit: a RoutingReason code.")
    explanation = serializers.CharField(help_text="The same, in the request's language.")


class HistoryEntry(serializers.Serializer):  # type: ignore[type-arg]
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    from_status = serializers.ChoiceField(choices=ReportStatus.choices, allow_null=True)
    to_status = serializers.ChoiceField(choices=ReportStatus.choices, allow_null=True)
    to_status_label = serializers.CharField(allow_null=True)
    unit = serializers.CharField(allow_null=True, help_text="The unit that acted or took it.")
    note = serializers.CharField(allow_blank=True, help_text="The public note, if any.")


class ReportPhoto(serializers.Serializer):  # type: ignore[type-arg]
    url = serializers.CharField()
    thumbnail_url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class ReportDetailProperties(ReportProperties):
    description = serializers.CharField(help_text="The resident's words, whole.")
    attributes = AttributeAnswer(many=True, help_text="The public answers to the questions.")
    routing = RoutingSummary()
    history = HistoryEntry(many=True, help_text="What happened, oldest first.")
    photos = ReportPhoto(many=True)


class ReportDetailFeature(ReportFeature):
    """One report with its answers, routing, public history and photos."""

    properties = ReportDetailProperties()


class PhotoPosition(serializers.Serializer):  # type: ignore[type-arg]
    lon = serializers.FloatField()
    lat = serializers.FloatField()


class PhotoUpload(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(help_text="Send it in the report's `photos`.")
    url = serializers.CharField()
    thumbnail_url = serializers.CharField()
    gps = PhotoPosition(
        allow_null=True, help_text="Where the photo's EXIF says it was taken (not stored)."
    )


# ---------------------------------------------------------------- parameters

REFERENCE = OpenApiParameter(
    "reference",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The report's reference, e.g. GD-2026-000123.",
    pattern=f"^{REFERENCE_PATTERN}$",  # what the URL matches (mapa.core.guards)
    examples=[OpenApiExample("reference", value="GD-2026-000001")],
)

# The public list's filters (mapa.reports.filters.ReportFilter); they combine (AND).
REPORT_FILTERS = {
    "bbox": "Only reports inside `minlon,minlat,maxlon,maxlat` (WGS84 degrees).",
    "status": "Comma-separated statuses (new, accepted, in_progress, resolved, rejected, "
    "duplicate); `open` stands for new, accepted and in progress.",
    "category": "Comma-separated category codes (GET /api/categories/).",
    "district": "Comma-separated district slugs (GET /api/districts/).",
    "unit": "Comma-separated unit codes; a unit also selects its district offices' reports.",
    "created_after": "Reports filed at or after this time (ISO 8601).",
    "created_before": "Reports filed before this time (ISO 8601).",
}
REPORT_FILTER_EXAMPLES = {
    "bbox": "18.64,54.34,18.66,54.36",
    "status": "open",
    "category": "pothole,pavement",
    "district": "srodmiescie",
    "unit": "gzdiz",
    "created_after": "2026-11-01T00:00:00+01:00",
}

# ---------------------------------------------------------------- examples

_PROPERTIES: dict[str, Any] = {
    "reference": "GD-2026-000001",
    "url": "/r/GD-2026-000001/",
    "status": "new",
    "status_label": "new",
    "is_open": True,
    "category": {"code": "pothole", "name": "Pothole or road damage", "icon": "pothole"},
    "district": {"slug": "srodmiescie", "name": "Śródmieście"},
    "unit": {"code": "gzdiz", "name": "Gdański Zarząd Dróg i Zieleni"},
    "description": "Głęboka dziura w jezdni przy krawężniku, rowerzyści muszą ją omijać.",
    "address": "Piwna 27/29",
    "photo_url": None,
    "thumbnail_url": None,
    "created_at": "2026-11-27T22:38:35.983908+00:00",
    "updated_at": "2026-11-27T22:38:35.983908+00:00",
}
_POINT = {"type": "Point", "coordinates": [18.6520565, 54.3495626]}

REPORT_FEATURE: dict[str, Any] = {
    "type": "Feature",
    "id": "GD-2026-000001",
    "geometry": _POINT,
    "properties": _PROPERTIES,
}

REPORT_DETAIL: dict[str, Any] = {
    **REPORT_FEATURE,
    "properties": {
        **_PROPERTIES,
        "attributes": [],
        "routing": {
            "reason": "category_default",
            "explanation": "Sent to Gdański Zarząd Dróg i Zieleni: it handles “Pothole or "
            "road damage” in Śródmieście.",
        },
        "history": [
            {
                "at": "2026-11-27T22:38:35.983908+00:00",
                "kind": "created",
                "kind_label": "registered",
                "from_status": None,
                "to_status": "new",
                "to_status_label": "new",
                "unit": "Gdański Zarząd Dróg i Zieleni",
                "note": "",
            }
        ],
        "photos": [],
    },
}

REPORT_LIST_EXAMPLE = OpenApiExample(
    "page",
    summary="A page of one report, with the next page's URL",
    value={
        "type": "FeatureCollection",
        "features": [REPORT_FEATURE],
        "numberReturned": 1,
        "limit": 1,
        "next": "https://mapa.example.org/api/reports/?limit=1&cursor=1",
    },
    media_type=GEOJSON,
    response_only=True,
    status_codes=["200"],
)

NEARBY_EXAMPLE = OpenApiExample(
    "nearby",
    summary="One open report 67.5 m away",
    value={
        "type": "FeatureCollection",
        "features": [
            {
                **REPORT_FEATURE,
                "id": "GD-2026-000002",
                "geometry": {"type": "Point", "coordinates": [18.6540186, 54.3486151]},
                "properties": {
                    **_PROPERTIES,
                    "reference": "GD-2026-000002",
                    "url": "/r/GD-2026-000002/",
                    "category": {
                        "code": "overflowing-bin",
                        "name": "Overflowing litter bin",
                        "icon": "bin",
                    },
                    "description": "Kosz przy wejściu przepełniony od rana.",
                    "address": "Długi Targ 39/40",
                    "distance_m": 67.5,
                },
            }
        ],
    },
    media_type=GEOJSON,
    response_only=True,
    status_codes=["200"],
)

REPORT_CREATE_REQUEST = OpenApiExample(
    "pothole",
    summary="A pothole pinned on the map, with the reporter's e-mail (never shown publicly)",
    value={
        "category": "pothole",
        "location": _POINT,
        "description": "Głęboka dziura w jezdni przy krawężniku, rowerzyści muszą ją omijać.",
        "address": "Piwna 27/29",
        "email": "mieszkaniec@example.org",
    },
    request_only=True,
)

REPORT_CREATE_SMS_REQUEST = OpenApiExample(
    "sms-updates",
    summary="Updates by SMS to the reporter's mobile number (never shown publicly)",
    value={
        "category": "street-light",
        "location": _POINT,
        "description": "Latarnia nie świeci od tygodnia.",
        "phone": "501 234 567",
        "sms_updates": True,
    },
    request_only=True,
)

REPORT_DETAIL_EXAMPLE = OpenApiExample(
    "report",
    summary="A new report, routed to the roads authority",
    value=REPORT_DETAIL,
    media_type=GEOJSON,
    response_only=True,
    status_codes=["200", "201"],
)

PHOTO_EXAMPLE = OpenApiExample(
    "photo",
    summary="A stored photo whose EXIF had a position",
    value={
        "id": "0b7c6f9e-5f7a-4d8e-9a61-3c2b1d0e4f5a",
        "url": "/media/photos/2026/11/0b7c6f9e.jpg",
        "thumbnail_url": "/media/photos/2026/11/0b7c6f9e-thumb.jpg",
        "gps": {"lon": 18.6520565, "lat": 54.3495626},
    },
    response_only=True,
    status_codes=["201"],
)
