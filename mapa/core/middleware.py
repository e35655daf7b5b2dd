"""Which language a request is answered in; which browser features the pages may use."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"
# Open311 GeoReport v2 (mapa.open311) is an API too: Accept-Language, no HTML errors.
API_PREFIXES = (API_PREFIX, "/open311/")


def is_api_request(request: HttpRequest) -> bool:
    """The APIs answer in JSON (or Open311's XML) and follow Accept-Language; the rest are pages."""
    return request.path.startswith(API_PREFIXES)


class PagesInPolishFirst:
    """Pages open in Polish unless the visitor chose English; the API follows Accept-Language.

    Mapa is a Gdańsk service: its pages speak the city's language first, whatever
    the browser is set to, and the language switch (a cookie) is how a visitor
    asks for English. API clients say what they want in ``Accept-Language``.
    Runs just before ``LocaleMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api_request(request):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PermissionsPolicy:
    """``Permissions-Policy`` on every response: what the pages may ask the browser for
    (``MAPA_PERMISSIONS_POLICY``: the location for "Use my location", nothing else)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy: str = settings.MAPA_PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response
