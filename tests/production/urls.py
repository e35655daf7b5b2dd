"""Mapa's URLs, and its error handlers, plus views that fail on purpose (tests only)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
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


def slow(request: HttpRequest) -> JsonResponse:
    """A query that takes ?seconds= (pg_sleep): what a heavy bounding box does to the server."""
    seconds = float(request.GET.get("seconds", "1"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])
        cursor.execute("SHOW statement_timeout")
        (timeout,) = cursor.fetchone()
    return JsonResponse({"slept": seconds, "statement_timeout": timeout})


urlpatterns = [
    # A public read (the statement timeout applies), a page and a staff export (it does not).
    path("api/reports/test-slow/", slow),
    path("stats/test-slow/", slow),
    path("api/exports/test-slow/", slow),
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
