"""The staff's statistics page, /staff/stats/: the figures of the cases the user may see.

GCK, dispatchers and administrators see every case's figures; unit staff only
their units' (``visible_reports``), district offices included. The same URL
answers ``?format=csv`` (counts by district x category x status; with
``&table=times``, times to resolve and shares past due per category and
unit) and ``?format=geojson`` (open cases per district, for the map).
No format carries personal data: only codes, names of places, categories
and units, and numbers.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mapa.catalogue.models import Unit
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
from mapa.staff.access import visible_reports
from mapa.staff.models import Role
from mapa.staff.pages import staff_only
from mapa.staff.roles import role_of, units_of

TEMPLATE = "staff/stats.html"
FORMATS = ("html", "csv", "geojson")
TABLES = ("counts", "times")


@require_GET
@staff_only
def stats_page(request: HttpRequest) -> HttpResponse:
    """The period form, the charts and the map; or, with ``format``, their figures as files."""
    wanted = request.GET.get("format", "html")
    table = request.GET.get("table", "counts")
    if wanted not in FORMATS or table not in TABLES:
        return HttpResponseBadRequest(_("Unknown format."), content_type="text/plain")
    form = PeriodForm(request.GET)
    scope = _scope_note(request)
    if not form.is_valid():
        if wanted != "html":
            return HttpResponseBadRequest(form.errors.as_text(), content_type="text/plain")
        return render(request, TEMPLATE, {"form": form, "scope": scope}, status=400)

    reports = visible_reports(request.user)
    period = form.period()
    if wanted == "geojson":
        body = open_by_district_geojson(reports, period)
        return geojson_response(body, headers={"Cache-Control": "private, max-age=60"})
    if wanted == "csv" and table == "counts":
        rows = counts_rows(report_counts(reports, period))
        return csv_response(rows, filename=csv_filename("counts", form.days()))
    figures = gather_figures(reports, period, overdue=True)
    if wanted == "csv":
        rows = times_rows(figures, overdue=True)
        return csv_response(rows, filename=csv_filename("times", form.days()))
    context = page_context(figures, form.days(), units=True)
    return render(request, TEMPLATE, {"form": form, "scope": scope, **context})


def _scope_note(request: HttpRequest) -> list[str]:
    """The names of the units whose cases unit staff's figures cover; [] for everyone else."""
    if role_of(request.user) != Role.UNIT_STAFF:
        return []
    units = units_of(request.user)
    return list(Unit.objects.filter(pk__in=units).order_by("name").values_list("name", flat=True))
