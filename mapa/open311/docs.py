"""How the Open311 views appear in Mapa's OpenAPI description (``/api/schema/``).

Open311 has its own contract (``fixtures/open311/georeport_v2-1.yaml``, Swagger
2.0); this describes the same operations for readers of Mapa's schema: the
parameters, a JSON example of each answer, and the standard's error array
(``[{"code": 400, "description": "..."}]``), which Open311 uses instead of
Mapa's REST error shape. Every operation answers XML too, with ``.xml``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from mapa.limits.openapi import RETRY_AFTER

TAGS = ["open311"]

ERRORS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": "The standard's errors: one {code, description} per problem.",
    "items": {
        "type": "object",
        "properties": {
            "code": {"type": "integer", "description": "The HTTP status."},
            "description": {
                "type": "string",
                "description": "What is wrong; a 400 starts with the field's name.",
            },
        },
        "required": ["code", "description"],
    },
}


def _error(status: int, description: str, message: str) -> OpenApiResponse:
    return OpenApiResponse(
        response=ERRORS_SCHEMA,
        description=description,
        examples=[
            OpenApiExample(
                f"error-{status}",
                value=[{"code": status, "description": message}],
                status_codes=[str(status)],
                response_only=True,
            )
        ],
    )


NOT_FOUND = _error(
    404,
    "Unknown format suffix, jurisdiction_id, service or service request.",
    "service_code: there is no service no-such-code.",
)
BAD_REQUEST = _error(
    400, "A parameter is wrong: its name starts the description.", "status: Must be open or closed."
)
TOO_MANY_REQUESTS = _error(
    429,
    "This address's limit of service requests is used up: retry after `Retry-After` "
    "seconds. Nothing was filed.",
    "Too many requests from your connection; please try again in 50 minutes.",
)
FORBIDDEN = _error(
    403, "No api_key, or not one that may do this.", "api_key: this api_key is not valid."
)
CONFLICT = _error(
    409,
    "The `Idempotency-Key` was used before for another request. Nothing was filed.",
    "Idempotency-Key: This Idempotency-Key was already used for a different request; "
    "send a new key with a new request.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Optional, a unique key per request (a UUID): a retry with the same key and the "
        "same parameters files nothing and gets the first answer again, with "
        "`Idempotent-Replayed: true`; with other parameters it is a 409. Keys belong to "
        "the api_key's account and are forgotten after 24 hours, as for `POST /api/reports/`."
    ),
)

FORMAT = OpenApiParameter(
    "fmt",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=["json", "xml"],
    description="The response format: `json` or `xml` (text/xml, UTF-8).",
)
JURISDICTION = OpenApiParameter(
    "jurisdiction_id",
    OpenApiTypes.STR,
    description="Optional: the city's slug (`gdansk`) or this server's host name.",
)
LOCALE = OpenApiParameter(
    "locale",
    OpenApiTypes.STR,
    description="`pl` (default) or `en`; without it, `Accept-Language` decides.",
)
API_KEY = OpenApiParameter(
    "api_key",
    OpenApiTypes.STR,
    description="A staff API token (`manage.py api_token <username>`).",
)
COMMON = [FORMAT, JURISDICTION, LOCALE]


def _in_both_formats(responses: dict[int, OpenApiResponse]) -> dict[Any, OpenApiResponse]:
    """Each answer as JSON (``.json``, with its example) and as XML (``.xml``: text/xml,
    UTF-8, the same content as elements), so that a client and a checker of the schema
    know both media types."""
    both: dict[Any, OpenApiResponse] = {}
    for status, response in responses.items():
        both[(status, "application/json")] = response
        both[(status, "text/xml")] = OpenApiResponse(
            response=OpenApiTypes.STR, description=f"{response.description} (XML)"
        )
    return both


def _ok(description: str, example: Any) -> OpenApiResponse:
    schema: Any = (
        {"type": "array", "items": {"type": "object", "additionalProperties": {}}}
        if isinstance(example, list)
        else OpenApiTypes.OBJECT
    )
    return OpenApiResponse(
        response=schema,
        description=description,
        examples=[OpenApiExample("ok", value=example, response_only=True)],
    )


SERVICE_EXAMPLE = {
    "service_code": "stray-animal",
    "service_name": "Bezdomne zwierzę",
    "description": "Bezpańskie lub ranne zwierzę.",
    "metadata": True,
    "type": "realtime",
    "keywords": "stray-animal, Stray animal, animals",
    "group": "animals",
}
REQUEST_EXAMPLE = {
    "service_request_id": "GD-2026-000123",
    "status": "open",
    "status_notes": "przyjęte",
    "service_name": "Dziura w jezdni",
    "service_code": "pothole",
    "description": "Głęboka dziura przy przejściu.",
    "agency_responsible": "Gdański Zarząd Dróg i Zieleni",
    "service_notice": "Wysłane do Gdański Zarząd Dróg i Zieleni: ...",
    "requested_datetime": "2026-05-01T10:15:00+02:00",
    "updated_datetime": "2026-05-02T08:00:00+02:00",
    "expected_datetime": "2026-05-15T10:15:00+02:00",
    "address": "Długi Targ 1",
    "lat": 54.3485,
    "long": 18.6532,
    "media_url": "https://mapa.example/media/photos/2026/05/1.jpg",
    "extended_attributes": {
        "status": "accepted",
        "status_label": "przyjęte",
        "district": "Śródmieście",
        "district_slug": "srodmiescie",
        "url": "https://mapa.example/reports/GD-2026-000123/",
    },
}

DISCOVERY: dict[str, Any] = {
    "summary": "Open311: service discovery",
    "description": "Where GeoReport v2 is served, in which formats, whom to ask for a key.",
    "tags": TAGS,
    "parameters": [FORMAT, LOCALE],
    "responses": _in_both_formats(
        {
            200: _ok(
                "The discovery document.",
                {
                    "changeset": "2026-11-30T00:00:00Z",
                    "contact": "Gdańskie Centrum Kontaktu, gck@example.org",
                    "key_service": "An api_key is a staff API token...",
                    "endpoints": [
                        {
                            "specification": "http://wiki.open311.org/GeoReport_v2",
                            "url": "https://mapa.example/open311/v2/",
                            "changeset": "2026-11-30T00:00:00Z",
                            "type": "production",
                            "formats": ["application/json", "text/xml"],
                        }
                    ],
                },
            ),
            404: NOT_FOUND,
        }
    ),
}
SERVICES: dict[str, Any] = {
    "summary": "Open311: services",
    "description": "Every active category as a service; `metadata`: it asks questions.",
    "tags": TAGS,
    "parameters": COMMON,
    "responses": _in_both_formats({200: _ok("The services.", [SERVICE_EXAMPLE]), 404: NOT_FOUND}),
}
SERVICE_DEFINITION: dict[str, Any] = {
    "summary": "Open311: a service's definition",
    "description": "The category's questions (attributes), with their datatypes and values.",
    "tags": TAGS,
    "parameters": COMMON,
    "responses": _in_both_formats(
        {
            200: _ok(
                "The service definition.",
                {
                    "service_code": "stray-animal",
                    "attributes": [
                        {
                            "variable": True,
                            "code": "animal",
                            "datatype": "singlevaluelist",
                            "required": True,
                            "datatype_description": "One key of the values.",
                            "order": 1,
                            "description": "Jakie zwierzę?",
                            "values": [{"key": "dog", "name": "pies"}],
                        }
                    ],
                },
            ),
            404: NOT_FOUND,
        }
    ),
}
REQUESTS_GET: dict[str, Any] = {
    "summary": "Open311: service requests",
    "description": (
        "Reports, newest first, at most 1000; by default those of the last 90 days. "
        "Without an api_key: every report's public fields. With a unit's api_key: that "
        "unit's cases only. Never contact data, staff notes or priorities."
    ),
    "tags": TAGS,
    "parameters": [
        *COMMON,
        API_KEY,
        OpenApiParameter(
            "service_request_id", OpenApiTypes.STR, description="References, comma-separated."
        ),
        OpenApiParameter("service_code", OpenApiTypes.STR, description="Comma-separated."),
        OpenApiParameter("start_date", OpenApiTypes.DATETIME, description="ISO 8601."),
        OpenApiParameter(
            "end_date", OpenApiTypes.DATETIME, description="ISO 8601; at most 90 days after start."
        ),
        OpenApiParameter("status", OpenApiTypes.STR, description="`open`, `closed` or both."),
    ],
    "responses": _in_both_formats(
        {
            200: _ok("The service requests.", [REQUEST_EXAMPLE]),
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        }
    ),
}
REQUEST_GET: dict[str, Any] = {
    "summary": "Open311: one service request",
    "description": "A list of one service request, as the standard answers it.",
    "tags": TAGS,
    "parameters": [*COMMON, API_KEY],
    "responses": _in_both_formats(
        {200: _ok("The service request.", [REQUEST_EXAMPLE]), 403: FORBIDDEN, 404: NOT_FOUND}
    ),
}
REQUESTS_POST: dict[str, Any] = {
    "summary": "Open311: file a service request",
    "description": (
        "Form-encoded: `api_key`, `service_code`, `lat`+`long` or `address_string`, "
        "`attribute[code]` (`attribute[code][]` per key of a multivaluelist), `description`, "
        "`email`, `first_name`, `last_name`, `phone`, `media_url` (stored, never fetched). "
        "Routed exactly as `POST /api/reports/`; the id is returned at once (no tokens)."
    ),
    "tags": TAGS,
    "parameters": [*COMMON, RETRY_AFTER, IDEMPOTENCY_KEY],
    "request": {"application/x-www-form-urlencoded": OpenApiTypes.OBJECT},
    "examples": [
        OpenApiExample(
            "file",
            value={
                "api_key": "0123456789abcdef0123456789abcdef01234567",
                "service_code": "stray-animal",
                "lat": 54.3485,
                "long": 18.6532,
                "attribute[animal]": "dog",
                "description": "Pies bez opieki przy fontannie.",
            },
            request_only=True,
            media_type="application/x-www-form-urlencoded",
        )
    ],
    "responses": _in_both_formats(
        {
            200: _ok(
                "Filed: its id and who handles it, and why.",
                [
                    {
                        "service_request_id": "GD-2026-000124",
                        "service_notice": "Wysłane do Gdański Zarząd Dróg i Zieleni: ...",
                    }
                ],
            ),
            400: BAD_REQUEST,
            403: FORBIDDEN,
            409: CONFLICT,
            429: TOO_MANY_REQUESTS,
            404: NOT_FOUND,
        }
    ),
}
