"""What the two statistics pages share: the period form, the charts with their tables, CSV.

The public page (``/stats/``, mapa.web) and the staff page (``/staff/stats/``,
mapa.staff) show the same figures over different reports: every report, or
those the staff member may see. The figures come from ``statistics`` (SQL);
this module only arranges them into charts, tables and files.

A chart is drawn by Chart.js in the browser from ``Chart.as_json()``, and the
same figures are written under it as a table (``Chart.table_rows()``), so they
reach screen-reader users and pages without JavaScript.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mapa.reports.models import Report, ReportStatus
from mapa.reports.statistics import (
    By,
    Count,
    Counts,
    DistrictOpen,
    OverdueShare,
    Period,
    ResolutionTime,
    open_by_district,
    overdue_shares,
    report_counts,
    resolution_times,
)

DEFAULT_DAYS = 30
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


class PeriodForm(forms.Form):
    """``?from=YYYY-MM-DD&to=YYYY-MM-DD``: the days whose reports count, both included.

    Days are Gdańsk's (Europe/Warsaw). Empty fields mean the last 30 days, today
    included.
    """

    def __init__(self, data: Any = None, *, today: date | None = None) -> None:
        self.today = today or timezone.localdate()
        # A day not given is the default's, written into the data so the fields show it.
        given = {name: (data or {}).get(name) or "" for name in ("from", "to")}
        given["from"] = given["from"] or self.default_start.isoformat()
        given["to"] = given["to"] or self.today.isoformat()
        super().__init__(given)
        bounds = {"min": EARLIEST.isoformat(), "max": LATEST.isoformat()}
        for name, label in (("from", gettext_lazy("From")), ("to", gettext_lazy("To"))):
            attrs = {"type": "date", "aria-describedby": f"id_{name}-error", **bounds}
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=forms.DateInput(attrs=attrs, format="%Y-%m-%d"),
            )

    @property
    def default_start(self) -> date:
        return self.today - timedelta(days=DEFAULT_DAYS - 1)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first = cleaned.get("from") or self.default_start
        last = cleaned.get("to") or self.today
        for name, day in (("from", first), ("to", last)):
            if not EARLIEST <= day <= LATEST and name not in self.errors:
                self.add_error(
                    name,
                    _("Choose a day between %(first)s and %(last)s.")
                    % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()},
                )
        if first > last and not self.errors:
            self.add_error("to", _("The last day comes before the first."))
        cleaned["from"], cleaned["to"] = first, last
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
        return cleaned

    def period(self) -> Period:
        """The chosen days as [first day's midnight, the day after the last's midnight)."""
        if not self.is_valid():
            raise ValueError("the period form is not valid")
        first: date = self.cleaned_data["from"]
        last: date = self.cleaned_data["to"]
        return Period(start=_midnight(first), end=_midnight(last + timedelta(days=1)))

    def days(self) -> tuple[date, date]:
        return self.cleaned_data["from"], self.cleaned_data["to"]


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figures:
    """Everything one statistics page shows, for one period and set of reports."""

    period: Period
    counts: Counts
    times_by_category: list[ResolutionTime]
    times_by_unit: list[ResolutionTime]
    open_by_district: list[DistrictOpen]
    overdue_by_category: list[OverdueShare] = field(default_factory=list)
    overdue_by_unit: list[OverdueShare] = field(default_factory=list)


def gather_figures(reports: QuerySet[Report], period: Period, *, overdue: bool) -> Figures:
    """Run the statistics' statements; ``overdue`` adds the shares past due (staff only)."""
    return Figures(
        period=period,
        counts=report_counts(reports, period),
        times_by_category=resolution_times(reports, period, by=By.CATEGORY),
        times_by_unit=resolution_times(reports, period, by=By.UNIT),
        open_by_district=open_by_district(reports, period),
        overdue_by_category=overdue_shares(reports, period, by=By.CATEGORY) if overdue else [],
        overdue_by_unit=overdue_shares(reports, period, by=By.UNIT) if overdue else [],
    )


# ---------------------------------------------------------------- charts


@dataclass(frozen=True)
class Series:
    """One column of a chart's table; drawn as bars unless ``drawn`` is false."""

    key: str
    label: str
    values: list[Any]
    drawn: bool = True


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart and the table of its figures (one row per bar)."""

    id: str
    title: str
    axis: str
    row_header: str
    labels: list[str]
    series: list[Series]
    note: str = ""
    stacked: bool = False
    percent: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "axis": self.axis,
            "stacked": self.stacked,
            "percent": self.percent,
            "labels": self.labels,
            "series": [
                {"key": s.key, "label": s.label, "values": s.values} for s in self.series if s.drawn
            ],
        }

    def table_rows(self) -> list[tuple[str, list[Any]]]:
        return [(label, [s.values[i] for s in self.series]) for i, label in enumerate(self.labels)]

    @property
    def height(self) -> int:
        """Pixels for the canvas: room for each bar and the axis."""
        return max(140, 26 * len(self.labels) + 70)


def _status_label(code: str) -> str:
    return str(ReportStatus(code).label)


def _stacked_by_status(
    id: str, title: str, row_header: str, by_status: list[Count], totals: list[Count]
) -> Chart:
    keys = [total.key for total in totals]
    values: dict[str, dict[str | None, int]] = {}
    for count in by_status:
        assert count.status is not None
        values.setdefault(count.status, {})[count.key] = count.count
    statuses = [s.value for s in ReportStatus if s.value in values]
    series = [
        Series(status, _status_label(status), [values[status].get(key, 0) for key in keys])
        for status in statuses
    ]
    series.append(Series("total", _("All"), [total.count for total in totals], drawn=False))
    return Chart(
        id=id,
        title=title,
        axis=_("Reports"),
        row_header=row_header,
        labels=[total.name or _("No district") for total in totals],
        series=series,
        note=_("Reports filed in this period, by their status today."),
        stacked=True,
    )


def _days(hours: float) -> float:
    return round(hours / 24, 1)


def _times(id: str, title: str, row_header: str, times: list[ResolutionTime]) -> Chart:
    return Chart(
        id=id,
        title=title,
        axis=_("Days"),
        row_header=row_header,
        labels=[t.name for t in times],
        series=[
            Series("resolved", _("Resolved cases"), [t.resolved for t in times], drawn=False),
            Series("median", _("Median (days)"), [_days(t.median_hours) for t in times]),
            Series("p90", _("90th percentile (days)"), [_days(t.p90_hours) for t in times]),
        ],
        note=_(
            "From filing to resolution, for the cases filed in this period and resolved: half "
            "took less than the median, nine in ten less than the 90th percentile. Rejected "
            "cases and duplicates are not counted."
        ),
    )


def _overdue(id: str, title: str, row_header: str, shares: list[OverdueShare]) -> Chart:
    return Chart(
        id=id,
        title=title,
        axis=_("Per cent of the cases with a due date"),
        row_header=row_header,
        labels=[s.name for s in shares],
        series=[
            Series(
                "with_due_date",
                _("Cases with a due date"),
                [s.with_due_date for s in shares],
                drawn=False,
            ),
            Series("overdue_count", _("Past due"), [s.overdue for s in shares], drawn=False),
            Series("overdue", _("Share past due (%)"), [round(s.share * 100, 1) for s in shares]),
        ],
        note=_(
            "Of the cases with a due date that were resolved or are still open: the share "
            "resolved after their due date, or still open past it."
        ),
        percent=True,
    )


def charts(figures: Figures, *, units: bool = True) -> list[Chart]:
    """The page's charts, in the order shown; ``units`` adds the per-unit ones."""
    counts = figures.counts
    shown = [
        _stacked_by_status(
            "by-category",
            _("Reports by category and status"),
            _("Category"),
            counts.by_category_status,
            counts.by_category,
        ),
        _stacked_by_status(
            "by-district",
            _("Reports by district and status"),
            _("District"),
            counts.by_district_status,
            counts.by_district,
        ),
        _times(
            "times-category",
            _("Time to resolve by category"),
            _("Category"),
            figures.times_by_category,
        ),
    ]
    if units:
        shown.append(
            _times("times-unit", _("Time to resolve by unit"), _("Unit"), figures.times_by_unit)
        )
    if figures.overdue_by_category or figures.overdue_by_unit:
        shown.append(
            _overdue(
                "overdue-category",
                _("Cases past their due date by category"),
                _("Category"),
                figures.overdue_by_category,
            )
        )
        if units:
            shown.append(
                _overdue(
                    "overdue-unit",
                    _("Cases past their due date by unit"),
                    _("Unit"),
                    figures.overdue_by_unit,
                )
            )
    return shown


# ---------------------------------------------------------------- CSV

COUNTS_HEADER = ["district", "district_name", "category", "category_name", "status", "count"]
TIMES_HEADER = [
    "grouping",
    "code",
    "name",
    "resolved",
    "median_hours",
    "p90_hours",
]
OVERDUE_HEADER = ["with_due_date", "overdue", "overdue_share"]


def csv_response(rows: list[list[Any]], *, filename: str) -> HttpResponse:
    """A UTF-8 CSV download (with a byte-order mark, so spreadsheets read the Polish letters)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerows(rows)
    return response


def counts_rows(counts: Counts) -> list[list[Any]]:
    """One row per district x category x status that has reports, under a header."""
    return [COUNTS_HEADER] + [
        [c.district or "", c.district_name or "", c.category, c.category_name, c.status, c.count]
        for c in counts.cells
    ]


def times_rows(figures: Figures, *, overdue: bool) -> list[list[Any]]:
    """Times to resolve (hours) per category and per unit; with ``overdue``, the shares past due.

    A group appears if it has a resolved case or (with ``overdue``) a case with a
    due date; the figures it lacks are empty.
    """
    header = TIMES_HEADER + (OVERDUE_HEADER if overdue else [])
    rows: list[list[Any]] = [header]
    groups = (
        (By.CATEGORY, figures.times_by_category, figures.overdue_by_category),
        (By.UNIT, figures.times_by_unit, figures.overdue_by_unit),
    )
    for by, times, shares in groups:
        names = {t.code: t.name for t in times} | {s.code: s.name for s in shares}
        timed = {t.code: t for t in times}
        late = {s.code: s for s in shares}
        order = [t.code for t in times] + [s.code for s in shares if s.code not in timed]
        for code in order:
            t = timed.get(code)
            row: list[Any] = [by.value, code, names[code]]
            row += [t.resolved, t.median_hours, t.p90_hours] if t else [0, "", ""]
            if overdue:
                s = late.get(code)
                row += [s.with_due_date, s.overdue, s.share] if s else [0, 0, ""]
            rows.append(row)
    return rows


def geojson_response(body: str, headers: dict[str, str] | None = None) -> HttpResponse:
    """The choropleth's GeoJSON text, as PostGIS built it.

    Not ``mapa.core.api.geojson_response``: importing that module before DRF's views
    are loaded (as the URLconf does with these pages) is a circular import.
    """
    return HttpResponse(body, headers=headers, content_type="application/geo+json; charset=utf-8")


def csv_filename(kind: str, days: tuple[date, date]) -> str:
    first, last = days
    return f"mapa-{kind}-{first.isoformat()}-{last.isoformat()}.csv"


# ---------------------------------------------------------------- the page


def page_context(figures: Figures, days: tuple[date, date], *, units: bool) -> dict[str, Any]:
    """What ``reports/_stats_figures.html`` shows: the summary, the charts, the links."""
    shown = charts(figures, units=units)
    query = urlencode({"from": days[0].isoformat(), "to": days[1].isoformat()})
    downloads = [
        (_("Counts (CSV)"), f"?{query}&format=csv"),
        (_("Times to resolve (CSV)"), f"?{query}&format=csv&table=times"),
    ]
    return {
        "figures": figures,
        "days": days,
        "summary": [
            (_status_label(str(count.status)), count.count) for count in figures.counts.by_status
        ],
        "charts": shown,
        "chart_data": {chart.id: chart.as_json() for chart in shown},
        "geojson_url": f"?{query}&format=geojson",
        "downloads": downloads,
    }
