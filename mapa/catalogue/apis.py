"""Catalogue API: the categories residents can report, and who would handle a point."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mapa.catalogue import openapi as shapes
from mapa.catalogue.models import Category
from mapa.catalogue.routing import route
from mapa.catalogue.selectors import active_categories
from mapa.catalogue.serializers import RoutingPreviewInput
from mapa.core import openapi as doc
from mapa.core.serializers import validated
from mapa.districts.locating import OutsideServiceArea, locate


@extend_schema_view(
    get=extend_schema(
        operation_id="categories_list",
        summary="List the categories",
        description=(
            "The categories a resident can report, with their extra questions "
            "(`attributes`: answer them in the report's `attributes` by `code`), names in the "
            "request's language (`Accept-Language`) and in both languages. Takes no "
            "parameters; a question it does not know is never an error."
        ),
        tags=["catalogue"],
        auth=doc.PUBLIC,
        responses={
            200: shapes.CategoryItem(many=True),
            406: doc.detail_error(
                406,
                "Could not satisfy the request Accept header.",
                description="The client accepts no JSON.",
            ),
        },
        examples=[shapes.CATEGORIES_EXAMPLE],
    )
)
class CategoryListApi(APIView):
    """GET: active categories with their extra questions, in the request's language."""

    def get(self, request: Request) -> Response:
        return Response([_category(c) for c in active_categories()])


def _category(category: Category) -> dict[str, Any]:
    return {
        "code": category.code,
        "name": category.name,
        "name_pl": category.name_pl,
        "name_en": category.name_en,
        "description": category.description,
        "group": category.group,
        "icon": category.icon,
        "default_unit": category.default_unit.code if category.default_unit else None,
        "attributes": [
            {
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "label": a.label,
                "values": [{"key": key, "name": name} for key, name in a.choices()],
            }
            for a in category.attributes.all()
        ],
    }


@extend_schema_view(
    get=extend_schema(
        operation_id="routing_preview",
        summary="Who would handle a point",
        description=(
            "Where `lon`/`lat` (WGS84) is and, with a `category`, which unit a report there "
            "would be routed to and why, exactly as filing it would. Saves nothing. A point "
            "outside the city is a 400 naming `location`."
        ),
        tags=["catalogue"],
        auth=doc.PUBLIC,
        parameters=[RoutingPreviewInput],
        responses={
            200: shapes.ROUTING_PREVIEW,
            400: doc.validation_error(
                {
                    "location": [
                        "This location is in Sopot; Gdańsk's services cannot act there. "
                        "Please report it to Sopot."
                    ]
                },
                summary="Outside the city",
            ),
        },
        examples=[shapes.ROUTING_EXAMPLE, shapes.PLACE_EXAMPLE],
    )
)
class RoutingPreviewApi(APIView):
    """GET ?lon=&lat=[&category=]: where this is and who would handle it, and why.

    Without a category only the district is answered. Saves nothing.
    """

    def get(self, request: Request) -> Response:
        data = validated(RoutingPreviewInput, request.query_params)
        try:
            if "category" not in data:
                place = locate(data["point"])
                return Response(
                    {
                        "district": {"slug": place.district_slug, "name": place.district_name},
                        "border_with": list(place.border_with),
                    }
                )
            decision = route(category_id=data["category"].pk, point=data["point"])
        except OutsideServiceArea as exc:
            raise ValidationError({"location": [exc.message]}) from None
        return Response(
            {
                "category": data["category"].code,
                "district": {"slug": decision.district_slug, "name": decision.district_name},
                "unit": {"code": decision.unit_code, "name": decision.unit_name},
                "routing": {
                    "reason": decision.reason,
                    "explanation": decision.explanation(),
                    "border_with": list(decision.border_with),
                },
            }
        )
