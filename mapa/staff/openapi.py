"""The staff API's shapes and examples, for its OpenAPI description (describe only).

A case is the public report (``mapa.reports.openapi``) plus what only staff
see; the serializers here add those properties and are never used to render.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer
from rest_framework import serializers

from mapa.core.openapi import GEOJSON, area_field
from mapa.reports import map_openapi as map_shapes
from mapa.reports import openapi as public
from mapa.reports.models import Channel, LocationSource, Priority, ReportStatus

# ---------------------------------------------------------------- shapes


class Contact(serializers.Serializer):  # type: ignore[type-arg]
    """The reporter's contact data: only for roles that may see it (else ``contact`` is null)."""

    name = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)


class CaseListProperties(public.ReportProperties):
    staff_url = serializers.CharField(help_text="The case's page in the staff workspace.")
    channel = serializers.ChoiceField(choices=Channel.choices)
    priority = serializers.ChoiceField(choices=Priority.choices)
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField(help_text="Open and past its due date.")
    internal_flags = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField(help_text="Send it back (If-Match) when changing the case.")
    held = serializers.BooleanField(
        help_text="Held for review (from a banned contact): not public; release or reject it."
    )
    registered_by = serializers.CharField(allow_null=True, help_text="The consultant who took it.")
    contact = Contact(allow_null=True)


class CaseFeature(public.ReportFeature):
    properties = CaseListProperties()


class CaseCollection(serializers.Serializer):  # type: ignore[type-arg]
    """A page of the cases the caller may see, newest first, with counts per status."""

    type = public.GeoJSONCollectionType()
    features = CaseFeature(many=True)
    numberReturned = serializers.IntegerField(min_value=0)  # the OGC API names
    numberMatched = serializers.IntegerField(min_value=0, help_text="All pages together.")
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Matching cases per status."
    )
    limit = serializers.IntegerField(min_value=1)
    next = serializers.URLField(allow_null=True)


class CaseEvent(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    actor_unit = serializers.CharField(allow_null=True)
    from_status = serializers.ChoiceField(choices=ReportStatus.choices, allow_null=True)
    to_status = serializers.ChoiceField(choices=ReportStatus.choices, allow_null=True)
    from_unit = serializers.CharField(allow_null=True)
    to_unit = serializers.CharField(allow_null=True)
    public_note = serializers.CharField(allow_blank=True)
    internal_note = serializers.CharField(allow_blank=True)
    data = serializers.DictField(help_text="What else the event recorded.")  # type: ignore[assignment]  # the JSON key


class AuditEntry(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    action = serializers.CharField(help_text="insert, update or delete.")
    at = serializers.DateTimeField()
    who = serializers.CharField(allow_null=True)
    via = serializers.CharField(allow_null=True, help_text="The URL or command that did it.")
    changes = serializers.DictField(help_text="field: [before, after]; never contact data.")


class ResponseTemplateItem(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField()


class CaseDetailProperties(public.ReportDetailProperties):
    version = serializers.IntegerField(help_text="Send it back (If-Match) when changing the case.")
    held = serializers.BooleanField(help_text="Held for review (from a banned contact).")
    allowed_next = serializers.ListField(
        child=serializers.ChoiceField(choices=ReportStatus.choices)
    )
    channel = serializers.ChoiceField(choices=Channel.choices)
    priority = serializers.ChoiceField(choices=Priority.choices)
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    internal_flags = serializers.ListField(child=serializers.CharField())
    location_source = serializers.ChoiceField(choices=LocationSource.choices)
    registered_by = serializers.CharField(allow_null=True)
    contact = Contact(allow_null=True)
    duplicate_of = serializers.CharField(allow_null=True)
    duplicates = serializers.ListField(child=serializers.CharField())
    events = CaseEvent(many=True, help_text="Every event, with internal notes, oldest first.")
    audit = AuditEntry(many=True)
    response_templates = ResponseTemplateItem(many=True)


class CaseDetailFeature(public.ReportFeature):
    """One case: everything staff may see. Its ``ETag`` header is the version."""

    properties = CaseDetailProperties()


class StaleVersionError(serializers.Serializer):  # type: ignore[type-arg]
    """Someone changed the case after the version the client named."""

    detail = serializers.CharField()
    version = serializers.IntegerField(help_text="The case's version now.")
    changed_by = serializers.CharField(allow_null=True)


class TransitionConflict(serializers.Serializer):  # type: ignore[type-arg]
    """The workflow does not allow this step from the case's status."""

    detail = serializers.CharField()
    allowed = serializers.ListField(child=serializers.CharField(), help_text="The allowed steps.")


CASE_CONFLICT = PolymorphicProxySerializer(
    component_name="CaseConflict",
    serializers=[StaleVersionError, TransitionConflict],
    resource_type_field_name=None,
)


class HotspotCategory(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    name = serializers.CharField()
    icon = serializers.CharField()
    group = serializers.CharField()


class HotspotSettings(serializers.Serializer):  # type: ignore[type-arg]
    reports = serializers.IntegerField(help_text="How many reports make a hotspot.")
    metres = serializers.IntegerField(help_text="Within how many metres of each other.")
    hours = serializers.IntegerField(help_text="Within how many hours.")


class HotspotReport(serializers.Serializer):  # type: ignore[type-arg]
    reference = serializers.CharField()
    url = serializers.CharField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    status_label = serializers.CharField()
    created_at = serializers.DateTimeField()
    address = serializers.CharField(allow_blank=True)
    description = serializers.CharField()
    district = serializers.CharField(allow_null=True, help_text="The district's name.")


class HotspotProperties(serializers.Serializer):  # type: ignore[type-arg]
    category = HotspotCategory()
    count = serializers.IntegerField()
    references = serializers.ListField(child=serializers.CharField(), help_text="Oldest first.")
    suggested = serializers.CharField(help_text="The case to merge the others into.")
    centroid = serializers.ListField(
        child=serializers.FloatField(), min_length=2, max_length=2, help_text="[lon, lat]"
    )
    radius_m = serializers.FloatField()
    first_at = serializers.DateTimeField()
    last_at = serializers.DateTimeField()
    settings = HotspotSettings()
    districts = public.DistrictRef(many=True)
    units = public.UnitRef(many=True)
    reports = HotspotReport(many=True)


class HotspotFeature(serializers.Serializer):  # type: ignore[type-arg]
    """A cluster of open reports of one category: its padded outline and its cases."""

    type = public.GeoJSONFeatureType()
    id = serializers.CharField()
    geometry = area_field()
    properties = HotspotProperties()


class HotspotCollection(serializers.Serializer):  # type: ignore[type-arg]
    type = public.GeoJSONCollectionType()
    features = HotspotFeature(many=True)
    numberReturned = serializers.IntegerField(min_value=0)


class CoverageRule(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    note = serializers.CharField(allow_blank=True)
    districts = serializers.IntegerField(help_text="How many districts the rule names.")


class CoverageProperties(serializers.Serializer):  # type: ignore[type-arg]
    district = public.DistrictRef()
    unit = public.UnitRef()
    office_of = serializers.CharField(allow_null=True, help_text="A district office's parent.")
    reason = serializers.CharField(help_text="A RoutingReason code.")
    reason_label = serializers.CharField()
    rule = CoverageRule(allow_null=True)


class CoverageFeature(serializers.Serializer):  # type: ignore[type-arg]
    type = public.GeoJSONFeatureType()
    id = serializers.CharField(help_text="The district's slug.")
    geometry = area_field()
    properties = CoverageProperties()


class CoverageCategory(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    name = serializers.CharField()


class CoverageCollection(serializers.Serializer):  # type: ignore[type-arg]
    """Every served district with the unit a report of the category goes to there."""

    type = public.GeoJSONCollectionType()
    category = CoverageCategory()
    features = CoverageFeature(many=True)


# ---------------------------------------------------------------- examples

_STAFF: dict[str, Any] = {
    "channel": "web",
    "priority": "normal",
    "due_at": None,
    "overdue": False,
    "internal_flags": [],
    "version": 2,
    "held": False,
    "registered_by": None,
    "contact": None,
}

CASE_LIST_EXAMPLE = OpenApiExample(
    "cases",
    summary="A page of one case, 40 matching",
    value={
        "type": "FeatureCollection",
        "features": [
            {
                **public.REPORT_FEATURE,
                "properties": {
                    **public.REPORT_FEATURE["properties"],
                    "staff_url": "/staff/r/GD-2026-000001/",
                    **_STAFF,
                },
            }
        ],
        "numberReturned": 1,
        "numberMatched": 40,
        "counts": {
            "new": 14,
            "accepted": 6,
            "in_progress": 5,
            "resolved": 13,
            "rejected": 1,
            "duplicate": 1,
        },
        "limit": 1,
        "next": "https://mapa.example.org/api/staff/reports/?limit=1&cursor=1",
    },
    media_type=GEOJSON,
    response_only=True,
    status_codes=["200"],
)

CASE_DETAIL: dict[str, Any] = {
    **public.REPORT_DETAIL,
    "properties": {
        **public.REPORT_DETAIL["properties"],
        **_STAFF,
        "allowed_next": ["accepted", "in_progress", "resolved", "rejected", "duplicate"],
        "location_source": "pin",
        "contact": {"name": "", "email": "mieszkaniec@example.org", "phone": ""},
        "duplicate_of": None,
        "duplicates": [],
        "events": [
            {
                "id": 1,
                "at": "2026-11-27T22:38:35.983908+00:00",
                "kind": "created",
                "kind_label": "registered",
                "actor": None,
                "actor_unit": None,
                "from_status": None,
                "to_status": "new",
                "from_unit": None,
                "to_unit": "Gdański Zarząd Dróg i Zieleni",
                "public_note": "",
                "internal_note": "",
                "data": {},
            }
        ],
        "audit": [
            {
                "id": 1,
                "action": "insert",
                "at": "2026-11-27T22:38:35.984176+00:00",
                "who": None,
                "via": "/api/reports/",
                "changes": {},
            }
        ],
        "response_templates": [
            {"id": 1, "title": "Przyjęte", "text": "Dziękujemy, zgłoszenie przekazaliśmy ekipie."}
        ],
    },
}

CASE_DETAIL_EXAMPLE = OpenApiExample(
    "case",
    summary="A new case, as a dispatcher sees it",
    value=CASE_DETAIL,
    media_type=GEOJSON,
    response_only=True,
    status_codes=["200", "201"],
)

INTAKE_REQUEST = OpenApiExample(
    "phone-call",
    summary="A report taken by phone",
    value={
        "category": "pothole",
        "location": {"type": "Point", "coordinates": [18.6520565, 54.3495626]},
        "description": "Dzwoniący: dziura przy krawężniku na Piwnej.",
        "address": "Piwna 27/29",
        "channel": "phone",
        "name": "Jan Kowalski",
        "phone": "+48 58 123 45 67",
        "priority": "high",
    },
    request_only=True,
)

STALE_EXAMPLE = OpenApiExample(
    "stale",
    summary="Someone else changed the case first",
    value={
        "detail": "dyspozytor changed this case at 2026-11-30 08:02:11 (version 3; you had "
        "version 2). Reload it and try again.",
        "version": 3,
        "changed_by": "dyspozytor",
    },
    response_only=True,
    status_codes=["409", "412"],
)

TRANSITION_CONFLICT_EXAMPLE = OpenApiExample(
    "not-allowed",
    summary="A step the workflow does not allow",
    value={
        "detail": "A report that is resolved cannot become new.",
        "allowed": ["accepted", "in_progress"],
    },
    response_only=True,
    status_codes=["409"],
)

HOTSPOTS_EXAMPLE = OpenApiExample(
    "hotspots",
    summary="One hotspot of three reports",
    value={
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "overflowing-bin:GD-2026-000002",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [18.6538, 54.3484],
                            [18.6543, 54.3484],
                            [18.6543, 54.3489],
                            [18.6538, 54.3489],
                            [18.6538, 54.3484],
                        ]
                    ],
                },
                "properties": {
                    "category": {
                        "code": "overflowing-bin",
                        "name": "Overflowing litter bin",
                        "icon": "bin",
                        "group": "cleanliness",
                    },
                    "count": 3,
                    "references": ["GD-2026-000002", "GD-2026-000007", "GD-2026-000009"],
                    "suggested": "GD-2026-000002",
                    "centroid": [18.6540186, 54.3486151],
                    "radius_m": 18,
                    "first_at": "2026-11-29T20:14:35+00:00",
                    "last_at": "2026-11-30T07:02:11+00:00",
                    "settings": {"reports": 3, "metres": 50, "hours": 48},
                    "districts": [{"slug": "srodmiescie", "name": "Śródmieście"}],
                    "units": [{"code": "gzdiz", "name": "Gdański Zarząd Dróg i Zieleni"}],
                    "reports": [
                        {
                            "reference": "GD-2026-000002",
                            "url": "/staff/r/GD-2026-000002/",
                            "status": "new",
                            "status_label": "new",
                            "created_at": "2026-11-29T20:14:35+00:00",
                            "address": "Długi Targ 39/40",
                            "description": "Kosz przy wejściu przepełniony od rana.",
                            "district": "Śródmieście",
                        }
                    ],
                },
            }
        ],
        "numberReturned": 1,
    },
    media_type=GEOJSON,
    response_only=True,
    status_codes=["200"],
)

COVERAGE_EXAMPLE = OpenApiExample(
    "coverage",
    summary="One district of the potholes' coverage",
    value={
        "type": "FeatureCollection",
        "category": {"code": "pothole", "name": "Pothole or road damage"},
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
                    "district": {"slug": "aniolki", "name": "Aniołki"},
                    "unit": {"code": "gzdiz", "name": "Gdański Zarząd Dróg i Zieleni"},
                    "office_of": None,
                    "reason": "category_default",
                    "reason_label": "category default",
                    "rule": None,
                },
            }
        ],
    },
    media_type=GEOJSON,
    response_only=True,
    status_codes=["200"],
)


# ---------------------------------------------------------------- parameters

# The dispatcher's filters (mapa.staff.filters.StaffReportFilter); they combine (AND).
STAFF_FILTERS = {
    **public.REPORT_FILTERS,
    "polygon": "Only cases inside a GeoJSON Polygon or MultiPolygon (WGS84, at most 500 "
    "vertices), URL-encoded.",
    "channel": "Comma-separated channels: web, phone, sms, email, chat, social.",
    "updated_after": "Cases changed at or after this time (ISO 8601).",
    "overdue": "`true`: open cases past their due date; `false`: all others.",
    "held": "`true`: reports held for review (from a banned contact; not public); `false`: "
    "the others.",
    "q": "Words (all of them) found in the reference, description or address.",
}
STAFF_FILTER_EXAMPLES: dict[str, Any] = {
    **public.REPORT_FILTER_EXAMPLES,
    "polygon": '{"type":"Polygon","coordinates":[[[18.64,54.34],[18.66,54.34],'
    "[18.66,54.36],[18.64,54.34]]]}",
    "channel": "phone,email",
    "overdue": True,
    "q": "Piwna",
}


# ---------------------------------------------------------------- the dispatcher's map


class CaseMapTile(map_shapes.MapTile):
    """One tile of the matching cases: clusters (exact counts) and points (cases)."""

    features = map_shapes.map_features("CaseMapFeature", CaseFeature)


CASE_MAP_TILE_EXAMPLE = OpenApiExample(
    "tile",
    summary="A cluster of 412 cases and one case on its own",
    value={
        "type": "FeatureCollection",
        "features": [
            map_shapes.CLUSTER_EXAMPLE,
            {
                **public.REPORT_FEATURE,
                "properties": {
                    **public.REPORT_FEATURE["properties"],
                    "staff_url": "/staff/r/GD-2026-000001/",
                    **_STAFF,
                    "contact": None,
                },
            },
        ],
        "numberMatched": 413,
        "tile": [12, 2260, 1308],
    },
    media_type=GEOJSON,
    response_only=True,
    status_codes=["200"],
)
