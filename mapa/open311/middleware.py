"""Every error under /open311/ in the standard's shape, whoever answered it.

Open311's views answer their own errors (``mapa.open311.apis``). A few come
from before them: the guard against unstorable text in the query string (a
400 naming the parameter), an over-large body, a crash (the JSON 500 of
``mapa.core.errors``). This rewrites any such answer into
``[{"code": ..., "description": ...}]`` (or its XML, for a ``.xml`` path), so an
Open311 client never has to read Mapa's REST error shape or an HTML page.
Listed in settings just after ``SessionMiddleware``, so it sees what the
middleware below it answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from mapa.open311.errors import flatten
from mapa.open311.formats import Format, error_response, is_open311

PREFIX = "/open311/"


class Open311Errors:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(PREFIX) or response.status_code < 400:
            return response
        if is_open311(response):
            return response  # an Open311 view's own answer
        rewritten = error_response(
            Format.guess(request.path), response.status_code, _descriptions(response)
        )
        for header in ("Allow", "Retry-After"):  # a 405's methods; a 503's or 429's wait
            if response.has_header(header):
                rewritten[header] = response[header]
        return rewritten


def _descriptions(response: HttpResponse) -> list[str]:
    """The messages of a JSON error (``{"detail": ...}``, ``{"field": [...]}``), else a default."""
    if "json" in response.get("Content-Type", ""):
        try:
            lines = flatten(json.loads(response.content))
        except (ValueError, AttributeError):
            lines = []
        lines = [line.removeprefix("detail: ") for line in lines]
        if lines:
            return lines
    return [
        _("The request could not be answered (HTTP %(status)d).") % {"status": response.status_code}
    ]
