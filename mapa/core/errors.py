"""Error answers for what no view answered: JSON under /api/, the site's pages elsewhere.

Django calls these (``handler400``, ``handler403``, ``handler404`` and ``handler500``
in ``mapa.urls``) when the URL resolver finds nothing, or when an exception escapes a
view. DRF answers its own views' errors (``mapa.core.api.exception_handler``); these
cover the rest, so that an API client never has to parse an HTML page: an unknown
``/api/...`` path or a crash answers ``{"detail": "message"}``, DRF's shape, in the
request's language. Pages keep HTML error pages (``404.html``, ``500.html``).
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from mapa.core.faults import fault_response
from mapa.core.middleware import is_api_request


def _detail(status: int, message: str) -> JsonResponse:
    # UTF-8 as it is, like DRF's renderer: "końcowego", not "ko\u0144cowego".
    return JsonResponse(
        {"detail": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return _detail(400, _("The request is malformed."))
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return _detail(403, _("You do not have permission to do this."))
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return _detail(404, _("There is no API endpoint at %(path)s.") % {"path": request.path})
    return defaults.page_not_found(request, exception)


class JsonNotFoundWithDebug:
    """With DEBUG on, an unknown ``/api/`` path answers the same JSON 404 as in production.

    Django answers what no URL matches with ``handler404`` only when DEBUG is off;
    with it on, with its HTML page of URL patterns, which a client (or a developer's
    test of one) cannot read. Under the APIs this answers ``page_not_found`` instead.
    Listed in settings below ``LocaleMiddleware``, so the message is in the request's
    language; Open311's middleware, above it, rewrites it into the standard's shape.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and is_api_request(request)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return page_not_found(request, Http404())
        return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Kept simple on purpose: it runs when something is already broken."""
    # The database's fault raised outside a view (a session's save): a 503, as in a view.
    fault = fault_response(request, sys.exc_info()[1])
    if fault is not None:
        return fault
    if is_api_request(request):
        return _detail(500, _("Something went wrong on our side. Please try again later."))
    return _style_allowed(defaults.server_error(request))


def _style_allowed(response: HttpResponse) -> HttpResponse:
    """The 500 page's one ``<style>`` (it links no stylesheet, so as not to fail in turn),
    allowed by its hash in the Content-Security-Policy, which allows no other inline style."""
    match = re.search(rb"<style>(.*?)</style>", response.content, re.DOTALL)
    if match:
        digest = base64.b64encode(hashlib.sha256(match[1]).digest()).decode("ascii")
        response._csp_update = {"style-src": [f"'sha256-{digest}'"]}  # type: ignore[attr-defined]
    return response
