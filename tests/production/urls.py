"""Mapa's URLs, and its error handlers, plus views that fail on purpose (tests only)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from mapa import urls as mapa_urls


class ForcedError(Exception):
    """A bug, as far as Django can tell."""


def crash(request: HttpRequest) -> HttpResponse:
    raise ForcedError("forced by a test")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("forced by a test")


urlpatterns = [
    path("api/test-errors/crash/", crash),
    path("api/test-errors/forbidden/", forbidden),
    path("api/test-errors/suspicious/", suspicious),
    path("test-errors/crash/", crash),
    path("test-errors/forbidden/", forbidden),
    *mapa_urls.urlpatterns,
]

handler400 = mapa_urls.handler400
handler403 = mapa_urls.handler403
handler404 = mapa_urls.handler404
handler500 = mapa_urls.handler500
