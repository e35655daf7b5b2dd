"""The catalogue API's shapes and examples, for its OpenAPI description (describe only)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer
from rest_framework import serializers

from mapa.catalogue.models import AttributeType


class AttributeValue(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField(help_text="What to send as the answer.")
    name = serializers.CharField(help_text="What people read, in the request's language.")


class CategoryAttribute(serializers.Serializer):  # type: ignore[type-arg]
    """One extra question of a category; answer it in the report's ``attributes``."""

    code = serializers.CharField()
    datatype = serializers.ChoiceField(choices=AttributeType.choices)
    required = serializers.BooleanField()  # type: ignore[assignment]  # the JSON key
    label = serializers.CharField()  # type: ignore[assignment]  # the JSON key
    values = AttributeValue(many=True, help_text="The choices of a list question; else empty.")


class CategoryItem(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField(help_text="Send it as a report's `category`.")
    name = serializers.CharField(help_text="In the request's language.")
    name_pl = serializers.CharField()
    name_en = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    group = serializers.CharField()
    icon = serializers.CharField()
    default_unit = serializers.CharField(allow_null=True, help_text="The usual unit's code.")
    attributes = CategoryAttribute(many=True)


class Named(serializers.Serializer):  # type: ignore[type-arg]
    slug = serializers.CharField()
    name = serializers.CharField()


class UnitNamed(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    name = serializers.CharField()


class PlaceOnly(serializers.Serializer):  # type: ignore[type-arg]
    """Without a category: only the district, and the districts whose border is at the point."""

    district = Named()
    border_with = serializers.ListField(child=serializers.CharField())


class RoutingDecisionDetail(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(help_text="A RoutingReason code.")
    explanation = serializers.CharField(help_text="Why, in the request's language.")
    border_with = serializers.ListField(child=serializers.CharField())


class RoutingDecision(serializers.Serializer):  # type: ignore[type-arg]
    """With a category: the unit a report there would go to, and why."""

    category = serializers.CharField()
    district = Named()
    unit = UnitNamed()
    routing = RoutingDecisionDetail()


ROUTING_PREVIEW = PolymorphicProxySerializer(
    component_name="RoutingPreview",
    serializers=[RoutingDecision, PlaceOnly],
    resource_type_field_name=None,
)

_CATEGORY: dict[str, Any] = {
    "code": "traffic-sign-signal",
    "name": "Traffic sign or signal damaged",
    "name_pl": "Uszkodzony znak lub sygnalizacja świetlna",
    "name_en": "Traffic sign or signal damaged",
    "description": "A damaged, fallen or missing sign; traffic lights not working.",
    "group": "roads",
    "icon": "signal",
    "default_unit": "gzdiz",
    "attributes": [
        {
            "code": "kind",
            "datatype": "singlevaluelist",
            "required": True,
            "label": "What is affected",
            "values": [
                {"key": "sign", "name": "traffic sign"},
                {"key": "signal", "name": "traffic lights"},
            ],
        }
    ],
}

CATEGORIES_EXAMPLE = OpenApiExample(
    "categories",
    summary="One category with a list question",
    value=_CATEGORY,  # drf-spectacular lists it, as the answer is a list
    response_only=True,
    status_codes=["200"],
)

ROUTING_EXAMPLE = OpenApiExample(
    "decision",
    summary="With a category: the unit and why",
    value={
        "category": "pothole",
        "district": {"slug": "srodmiescie", "name": "Śródmieście"},
        "unit": {"code": "gzdiz", "name": "Gdański Zarząd Dróg i Zieleni"},
        "routing": {
            "reason": "category_default",
            "explanation": "Sent to Gdański Zarząd Dróg i Zieleni: it handles “Pothole or "
            "road damage” in Śródmieście.",
            "border_with": [],
        },
    },
    response_only=True,
    status_codes=["200"],
)

PLACE_EXAMPLE = OpenApiExample(
    "district-only",
    summary="Without a category: only the district",
    value={"district": {"slug": "srodmiescie", "name": "Śródmieście"}, "border_with": []},
    response_only=True,
    status_codes=["200"],
)
