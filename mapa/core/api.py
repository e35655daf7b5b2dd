"""Shared API plumbing: one error format, size limits, GeoJSON responses.

Errors keep DRF's shape, ``{"field": ["message"]}`` for validation and
``{"detail": "message"}`` otherwise, so a client always learns which field is
wrong and why. Nothing a client sends should end in a 500.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import (
    APIException,
    ParseError,
    UnsupportedMediaType,
    ValidationError,
)
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from mapa.core.text import MAX_JSON_DEPTH, json_depth_exceeds, unstorable_paths, unstorable_reason

GEOJSON = "application/geo+json"


class ServiceBusy(APIException):
    """A 503 with ``Retry-After``: the request was fine, the server is momentarily full."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is busy; please try again in a few seconds."
    default_code = "busy"
    wait = 5  # seconds; DRF's handler sends it as Retry-After


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
    """JSON bodies Mapa can store, up to MAPA_MAX_JSON_BODY_BYTES (bigger is a 413).

    Before parsing, nesting deeper than ``MAX_JSON_DEPTH`` is a 400. After
    parsing, text PostgreSQL cannot hold (NUL, lone surrogates), in a value or
    a key, is a 400 naming the field, before any view code or query sees it.
    """

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.MAPA_MAX_JSON_BODY_BYTES
        _refuse_oversized(parser_context, limit)
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:  # a body sent without (or with a false) Content-Length
            raise PayloadTooLarge(
                _("The request body is over the limit of %(limit)d bytes.") % {"limit": limit}
            )
        if not raw.strip():
            raise ParseError(_("The request body is empty; send a JSON object."))
        if json_depth_exceeds(raw):
            raise ParseError(
                _("The JSON is nested more than %(depth)d levels deep.") % {"depth": MAX_JSON_DEPTH}
            )
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except ParseError as exc:
            raise ParseError(
                _("The request body is not valid JSON (%(error)s).") % {"error": exc.detail}
            ) from None
        _refuse_unstorable(data)
        return data


class GeoJSONParser(LimitedJSONParser):
    """RFC 7946's own media type, ``application/geo+json``, is JSON too."""

    media_type = GEOJSON


def _refuse_unstorable(data: Any) -> None:
    """A 400 naming each field (and member, inside objects) that holds unstorable text."""
    errors: dict[str, Any] = {}
    for path, reason in unstorable_paths(data):
        if not path or not isinstance(path[0], str) or unstorable_reason(path[0]):
            raise ParseError(reason)  # the body itself, or a member name that names nothing
        names = [path[0]]
        for key in path[1:]:
            if not isinstance(key, str) or unstorable_reason(key):
                break
            names.append(key)
        _set_error(errors, names, reason)
    if errors:
        raise ValidationError(errors)


def _set_error(errors: dict[str, Any], names: list[str], message: str) -> None:
    node = errors
    for name in names[:-1]:
        child = node.setdefault(name, {})
        if not isinstance(child, dict):
            return  # that field has a message of its own already
        node = child
    node.setdefault(names[-1], [message])


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
    elif isinstance(exc, UnsupportedMediaType):
        request = context.get("request")
        accepted = [p.media_type for p in getattr(request, "parsers", None) or []]
        exc = UnsupportedMediaType(
            getattr(request, "content_type", "") or "",
            detail=_("This endpoint takes %(accepted)s, not %(sent)s.")
            % {
                "accepted": " or ".join(accepted) or "JSON",
                "sent": (getattr(request, "content_type", "") or _("a body without a type"))
                .split(";")[0]
                .strip(),
            },
        )
    # Imported here: rest_framework.views reads DEFAULT_PARSER_CLASSES, which names
    # this module's parsers, when it is first imported.
    from rest_framework.views import exception_handler as drf_exception_handler

    return drf_exception_handler(exc, context)


def geojson_response(
    body: str, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> HttpResponse:
    """Send JSON text that PostGIS built, as it is."""
    return HttpResponse(
        body, status=status_code, headers=headers, content_type=f"{GEOJSON}; charset=utf-8"
    )
