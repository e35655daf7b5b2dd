"""Shared API plumbing: one error format, size limits, GeoJSON responses.

Errors keep DRF's shape, ``{"field": ["message"]}`` for validation and
``{"detail": "message"}`` otherwise, so a client always learns which field is
wrong and why. Nothing a client sends should end in a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

GEOJSON = "application/geo+json"


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def _refuse_oversized(parser_context: Mapping[str, Any] | None, limit: int) -> None:
    """Check the declared body size before reading a byte of it."""
    request = (parser_context or {}).get("request")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
    except ValueError:
        length = 0
    if length > limit:
        raise PayloadTooLarge(
            _("The request body is %(size)d bytes; the limit is %(limit)d bytes.")
            % {"size": length, "limit": limit}
        )


class LimitedJSONParser(JSONParser):
    """JSON bodies up to MAPA_MAX_JSON_BODY_BYTES; anything bigger is a 413."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        _refuse_oversized(parser_context, settings.MAPA_MAX_JSON_BODY_BYTES)
        return super().parse(stream, media_type, parser_context)


class LimitedMultiPartParser(MultiPartParser):
    """Uploads up to one photo's size limit plus room for the form fields."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        _refuse_oversized(parser_context, settings.MAPA_PHOTO_MAX_BYTES + 64 * 1024)
        return super().parse(stream, media_type, parser_context)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, ParseError):
        exc = ParseError(
            _("The request body is not valid JSON (%(error)s).") % {"error": exc.detail}
        )
    return drf_exception_handler(exc, context)


def geojson_response(
    body: str, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> HttpResponse:
    """Send JSON text that PostGIS built, as it is."""
    return HttpResponse(
        body, status=status_code, headers=headers, content_type=f"{GEOJSON}; charset=utf-8"
    )
