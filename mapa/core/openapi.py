"""What every API's OpenAPI description shares: the error shape, GeoJSON, filters as parameters.

drf-spectacular builds ``/api/schema/`` from the views' ``@extend_schema``
decorators. The pieces here are written once and used by every app:

- **Errors** keep DRF's shape (``mapa.core.api``): a 400 is ``{"field": ["message"]}``
  (``ValidationErrors``; nested for members of objects, ``non_field_errors`` for the
  whole body), every other error ``{"detail": "message"}`` (``ErrorDetail``). The
  ``*_error`` helpers answer an ``OpenApiResponse`` with an example of that shape.
- **GeoJSON** (RFC 7946): ``GeoJSONPoint``, ``GeoJSONPolygon``, ``GeoJSONMultiPolygon``
  are schema components, always WGS84 ``[longitude, latitude]``. Use them as fields
  of response serializers (``point_field()``...). ``GeoJSONPointField`` (the input
  field of ``mapa.core.serializers``) is described as a ``GeoJSONPoint`` too, where
  drf-spectacular's own djangorestframework-gis support would need a model field.
- **Filters**: ``filter_parameters()`` turns a django-filter FilterSet into query
  parameters, and refuses a filter without a description, so a new filter cannot
  go undocumented.

Two drf-spectacular habits to mind in ``@extend_schema``: an ``OpenApiExample``
lands under ``application/json`` unless it says ``media_type=GEOJSON`` (or sits
in an ``OpenApiResponse``), so a GeoJSON answer's example needs it; and the
example of a list answer (``Serializer(many=True)``) is one item, which
drf-spectacular wraps in a list. tests/core/test_openapi.py validates every
example against its schema.

Serializers here describe shapes only; no view validates with them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

import django_filters
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
)
from rest_framework import serializers

GEOJSON = "application/geo+json"  # as mapa.core.api.GEOJSON
JSON = "application/json"

# ``auth=PUBLIC`` in ``@extend_schema``: the operation needs no credentials, so the
# schema lists no security for it (drf-spectacular would list the default token and
# session authentication, optional, and Swagger UI would draw a lock).
PUBLIC: list[str] = []

# ---------------------------------------------------------------- errors


class ValidationErrors(serializers.Serializer):  # type: ignore[type-arg]
    """A 400: each bad field (query parameter or body member) with its messages.

    ``{"field": ["message", ...]}``; a member of an object is nested under its
    field (``{"attributes": {"depth": ["message"]}}``); a mistake of the whole
    body is under ``non_field_errors``.
    """


class ErrorDetail(serializers.Serializer):  # type: ignore[type-arg]
    """Any error but a 400: ``{"detail": "message"}``, in the request's language."""

    detail = serializers.CharField(help_text="What went wrong, for a person to read.")


_MESSAGES = {"type": "array", "items": {"type": "string"}, "minItems": 1}


class _ValidationErrorsSchema(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
    target_class = ValidationErrors

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "type": "object",
            "description": (ValidationErrors.__doc__ or "").strip(),
            "additionalProperties": {
                "anyOf": [
                    _MESSAGES,
                    {"type": "object", "additionalProperties": {}},
                ]
            },
            "minProperties": 1,
        }


# A 400 names fields, except when nothing can be named: a body that is not JSON, or
# text PostgreSQL cannot store in a parameter's name (mapa.core.guards).
BAD_REQUEST = PolymorphicProxySerializer(
    component_name="BadRequest",
    serializers=[ValidationErrors, ErrorDetail],
    resource_type_field_name=None,
)


def validation_error(
    example: Mapping[str, Any], *, summary: str = "A field is wrong", more: Sequence[Any] = ()
) -> OpenApiResponse:
    """A 400 response whose example is ``example`` (``{"field": ["message"]}``)."""
    examples = [
        OpenApiExample(
            "invalid",
            value=dict(example),
            summary=summary,
            status_codes=["400"],
            response_only=True,
        ),
        *more,
    ]
    return OpenApiResponse(
        response=BAD_REQUEST,
        description=(
            "Bad input: every wrong field is named, with why. Nothing was saved. (What "
            "names no field, such as a body that is not JSON, is a `detail`.)"
        ),
        examples=examples,
    )


def detail_error(status_code: int, message: str, *, description: str) -> OpenApiResponse:
    """A ``{"detail": message}`` response for ``status_code`` with its example."""
    return OpenApiResponse(
        response=ErrorDetail,
        description=description,
        examples=[
            OpenApiExample(
                f"error-{status_code}",
                value={"detail": message},
                summary=description.split(".")[0],
                status_codes=[str(status_code)],
                response_only=True,
            )
        ],
    )


def not_found(
    what: str = "report", example: str = "No report with reference GD-2026-009999."
) -> OpenApiResponse:
    return detail_error(404, example, description=f"No such {what}, or not one the caller may see.")


UNAUTHENTICATED = detail_error(
    401,
    "Authentication credentials were not provided.",
    description=(
        "No valid credentials: send `Authorization: Token <key>` (manage.py api_token) "
        "or log in to the staff workspace."
    ),
)


def forbidden(
    message: str = "You do not have permission to perform this action.",
) -> OpenApiResponse:
    return detail_error(403, message, description="The caller's role may not do this.")


PAYLOAD_TOO_LARGE = detail_error(
    413,
    "The request body is 2000000 bytes; the limit is 1000000 bytes.",
    description="The body is over the size limit; nothing was read.",
)
UNSUPPORTED_MEDIA_TYPE = detail_error(
    415,
    "This endpoint takes application/json or application/geo+json, not text/plain.",
    description="The body's Content-Type is not one this endpoint reads.",
)
SERVICE_BUSY = detail_error(
    503,
    "The service is busy; please try again in a few seconds.",
    description="Momentarily full: retry after the `Retry-After` seconds.",
)


def staff_errors(*, not_found_too: bool = True) -> dict[int, OpenApiResponse]:
    """What every staff endpoint can answer: 401 without credentials, 403 for non-staff (404)."""
    errors = {
        401: UNAUTHENTICATED,
        403: forbidden(),  # DRF's own message for an account with no staff role
    }
    if not_found_too:
        errors[404] = not_found("case")
    return errors


# ---------------------------------------------------------------- GeoJSON

_POSITION = {
    "type": "array",
    "items": {"type": "number"},
    "minItems": 2,
    "maxItems": 2,
    "description": "[longitude, latitude] in WGS84 (EPSG:4326), degrees, at most 7 decimals.",
}
_RING = {"type": "array", "items": _POSITION, "minItems": 4, "description": "A closed ring."}
_POLYGON_COORDINATES = {
    "type": "array",
    "items": _RING,
    "minItems": 1,
    "description": "The outer ring (counter-clockwise, RFC 7946), then any holes (clockwise).",
}


def _geometry(kind: str, coordinates: dict[str, Any], doc: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": doc,
        "properties": {"type": {"type": "string", "enum": [kind]}, "coordinates": coordinates},
        "required": ["type", "coordinates"],
    }


class GeoJSONPoint(serializers.Serializer):  # type: ignore[type-arg]
    """A GeoJSON Point (RFC 7946): ``{"type": "Point", "coordinates": [lon, lat]}``."""


class GeoJSONPolygon(serializers.Serializer):  # type: ignore[type-arg]
    """A GeoJSON Polygon (RFC 7946), WGS84 longitude/latitude."""


class GeoJSONMultiPolygon(serializers.Serializer):  # type: ignore[type-arg]
    """A GeoJSON MultiPolygon (RFC 7946), WGS84 longitude/latitude."""


class GeoJSONArea(serializers.Serializer):  # type: ignore[type-arg]
    """A GeoJSON Polygon or MultiPolygon (RFC 7946), WGS84 longitude/latitude."""


GEOMETRY_SCHEMAS: dict[type[serializers.Serializer], dict[str, Any]] = {  # type: ignore[type-arg]
    GeoJSONPoint: _geometry("Point", _POSITION, GeoJSONPoint.__doc__ or ""),
    GeoJSONPolygon: _geometry("Polygon", _POLYGON_COORDINATES, GeoJSONPolygon.__doc__ or ""),
    GeoJSONMultiPolygon: _geometry(
        "MultiPolygon",
        {"type": "array", "items": _POLYGON_COORDINATES, "minItems": 1},
        GeoJSONMultiPolygon.__doc__ or "",
    ),
}


class _GeometrySchema(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
    target_class = GeoJSONPoint  # and the other geometries (matched in _matches)
    match_subclasses = False

    @classmethod
    def _matches(cls, target: Any) -> bool:
        kind = target if isinstance(target, type) else type(target)
        return kind in GEOMETRY_SCHEMAS or kind is GeoJSONArea

    def get_name(self, auto_schema: Any, direction: Any) -> str:
        kind = self.target if isinstance(self.target, type) else type(self.target)
        return kind.__name__  # the same component for requests and responses

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        kind = self.target if isinstance(self.target, type) else type(self.target)
        if kind is GeoJSONArea:
            return {
                "description": (GeoJSONArea.__doc__ or "").strip(),
                "oneOf": [
                    auto_schema.resolve_serializer(GeoJSONPolygon, direction).ref,
                    auto_schema.resolve_serializer(GeoJSONMultiPolygon, direction).ref,
                ],
            }
        # A copy: drf-spectacular's postprocessing rewrites schemas in place (enums
        # become components), which must not change the next generation's input.
        return copy.deepcopy(GEOMETRY_SCHEMAS[kind])


class _GeoJSONPointFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """Mapa's strict point input field is a GeoJSON Point (not a model's geometry field)."""

    target_class = "mapa.core.serializers.GeoJSONPointField"
    match_subclasses = True
    priority = 1  # before drf-spectacular's rest_framework_gis GeometryField extension

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        ref: dict[str, Any] = auto_schema.resolve_serializer(GeoJSONPoint, direction).ref
        return ref


def point_field(**kwargs: Any) -> GeoJSONPoint:
    """A response field holding a GeoJSON Point."""
    return GeoJSONPoint(**kwargs)


def area_field(**kwargs: Any) -> GeoJSONArea:
    """A response field holding a GeoJSON Polygon or MultiPolygon."""
    return GeoJSONArea(**kwargs)


# ---------------------------------------------------------------- parameters


def filter_parameters(
    filterset: type[django_filters.FilterSet],
    descriptions: Mapping[str, str],
    examples: Mapping[str, Any] | None = None,
) -> list[OpenApiParameter]:
    """Every filter of ``filterset`` as a query parameter (string, optional), described.

    A filter missing from ``descriptions`` is an error here, at schema time:
    the API description never lags behind the filters.
    """
    parameters = []
    for name, flt in filterset.base_filters.items():
        if name not in descriptions:
            raise KeyError(f"{filterset.__name__}.{name} has no description for the API schema")
        kind = (
            OpenApiTypes.DATETIME
            if isinstance(flt, django_filters.IsoDateTimeFilter)
            else OpenApiTypes.BOOL
            if isinstance(flt, django_filters.BooleanFilter)
            else OpenApiTypes.STR
        )
        example = (examples or {}).get(name)
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                OpenApiParameter.QUERY,
                description=descriptions[name],
                examples=[OpenApiExample(name, value=example)] if example is not None else None,
            )
        )
    return parameters


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        'The case\'s version the client saw, as an entity tag (`"12"`; the `ETag` of the '
        "last answer). If another change came first the answer is a 412. Without it, "
        "the body's `version` does the same with a 409; without either, the change applies."
    ),
)


# ---------------------------------------------------------------- hooks


def describe_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A postprocessing hook: every response without a description gets one.

    The HTTP reason phrase, then the description of the schema it answers
    (a serializer's docstring): "Created. One report with its answers, ...".
    """
    schemas = result.get("components", {}).get("schemas", {})
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for status, response in operation.get("responses", {}).items():
                if response.get("description"):
                    continue
                phrase = HTTPStatus(int(status)).phrase
                about = ""
                for content in response.get("content", {}).values():
                    ref = content.get("schema", {}).get("$ref", "")
                    about = schemas.get(ref.rsplit("/", 1)[-1], {}).get("description", "")
                    break
                response["description"] = f"{phrase}. {about}".strip() if about else phrase
    return result
