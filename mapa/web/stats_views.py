"""The public statistics page, /stats/: what anyone may know about the city's reports.

The public subset of the staff's page: counts by district, category and
status, time to resolve per category and per unit (units are public: every
routing explanation names them), and the choropleth of open cases. No due
dates (they are the staff's side of a case) and nothing about a person.
The same URL answers ``?format=csv`` (``&table=times`` for the times) and
``?format=geojson``.

Cheap to serve: the figures for a period are computed once per language and
kept in the cache for ``CACHE_SECONDS``; the files say so to HTTP caches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mapa.reports.models import PUBLIC_REPORTS, Report
from mapa.reports.statistics import open_by_district_geojson, report_counts
from mapa.reports.statistics_pages import (
    PeriodForm,
    counts_rows,
    csv_filename,
    csv_response,
    gather_figures,
    geojson_response,
    page_context,
    times_rows,
)

TEMPLATE = "web/stats.html"
CACHE_SECONDS = 300
FORMATS = ("html", "csv", "geojson")
TABLES = ("counts", "times")

T = TypeVar("T")


@require_GET
def stats_page(request: HttpRequest) -> HttpResponse:
    """The period form, the charts and the map; or, with ``format``, their figures as files."""
    wanted = request.GET.get("format", "html")
    table = request.GET.get("table", "counts")
    if wanted not in FORMATS or table not in TABLES:
        return HttpResponseBadRequest(_("Unknown format."), content_type="text/plain")
    form = PeriodForm(request.GET)
    if not form.is_valid():
        if wanted != "html":
            return HttpResponseBadRequest(form.errors.as_text(), content_type="text/plain")
        return render(request, TEMPLATE, {"form": form}, status=400)

    reports = Report.objects.filter(PUBLIC_REPORTS)  # none held for review
    period, days = form.period(), form.days()
    key = f"{days[0].isoformat()}:{days[1].isoformat()}:{get_language()}"
    if wanted == "geojson":
        body = _cached(f"geojson:{key}", lambda: open_by_district_geojson(reports, period))
        return _public(geojson_response(body))
    if wanted == "csv" and table == "counts":
        counts = _cached(f"counts:{key}", lambda: report_counts(reports, period))
        return _public(csv_response(counts_rows(counts), filename=csv_filename("counts", days)))
    figures = _cached(f"figures:{key}", lambda: gather_figures(reports, period, overdue=False))
    if wanted == "csv":
        rows = times_rows(figures, overdue=False)
        return _public(csv_response(rows, filename=csv_filename("times", days)))
    context = page_context(figures, days, units=True)
    return render(request, TEMPLATE, {"form": form, **context})


def _cached(key: str, compute: Callable[[], T]) -> T:
    value: Any = cache.get_or_set(f"mapa:stats:public:{key}", compute, CACHE_SECONDS)
    return value  # type: ignore[no-any-return]


def _public(response: HttpResponse) -> HttpResponse:
    """Anyone's cache may keep a file for as long as the figures are kept here."""
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))  # names follow the language
    return response
