"""Refuse text PostgreSQL cannot store where it enters: the URL path and query string.

JSON bodies are checked by ``mapa.core.api.LimitedJSONParser``; this checks
what every request carries, so that no view, filter or lookup ever sends a
NUL character (or a lone surrogate) to the database:

* a path holding one names nothing: 404;
* a query parameter holding one is a 400 naming the parameter (JSON under
  the APIs (``/api/``, ``/open311/``), the HTML error page elsewhere).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from mapa.core.middleware import is_api_request
from mapa.core.text import unstorable_reason

# References as Mapa issues them (GD-2026-000123), generously: anything else names no report.
REFERENCE_PATTERN = "[A-Za-z0-9][A-Za-z0-9-]{0,31}"


class ReferenceConverter:
    """``<reference:reference>`` in a URL: only what could be a report's reference matches."""

    regex = REFERENCE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class RefuseUnstorableText:
    """Middleware: a 404 for such a path, a 400 naming such a query parameter."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if unstorable_reason(request.path):
            raise Http404(_("No such page."))
        errors: dict[str, list[str]] = {}
        for name, values in request.GET.lists():
            reason = unstorable_reason(name)
            if reason:  # a parameter whose very name cannot be stored names nothing
                return self._refuse(request, {"detail": reason})
            for value in values:
                reason = unstorable_reason(value)
                if reason:
                    errors[name] = [reason]
        if not errors:
            return self.get_response(request)
        return self._refuse(request, errors)

    def _refuse(self, request: HttpRequest, errors: dict[str, Any]) -> HttpResponse:
        """The parameters the client sent are named: JSON from the APIs, the 400 page elsewhere."""
        if is_api_request(request):
            return JsonResponse(errors, status=400)
        raise BadRequest(str(errors))
