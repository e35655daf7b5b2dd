"""What both statistics pages share (mapa/reports/statistics_pages.py): period form, charts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mapa.reports.statistics import Count, Counts, Period, ResolutionTime
from mapa.reports.statistics_pages import Figures, PeriodForm, charts

TODAY = date(2026, 3, 31)


def period_of(data: dict[str, str] | None) -> Period:
    form = PeriodForm(data, today=TODAY)
    assert form.is_valid(), form.errors
    return form.period()


def test_no_dates_mean_the_last_30_days_today_included():
    # Gdańsk's midnights: 2 March 00:00 CET is 1 March 23:00 UTC; 1 April 00:00 CEST
    # (summer time since 29 March) is 31 March 22:00 UTC.
    assert period_of(None) == Period(
        datetime(2026, 3, 1, 23, tzinfo=UTC), datetime(2026, 3, 31, 22, tzinfo=UTC)
    )
    assert period_of({}) == period_of(None)
    form = PeriodForm(None, today=TODAY)
    assert (form["from"].value(), form["to"].value()) == ("2026-03-02", "2026-03-31")  # shown


def test_both_days_are_included():
    assert period_of({"from": "2026-01-10", "to": "2026-01-10"}) == Period(
        datetime(2026, 1, 9, 23, tzinfo=UTC), datetime(2026, 1, 10, 23, tzinfo=UTC)
    )


def test_one_day_alone_takes_the_other_from_the_default():
    assert period_of({"from": "2026-03-20"}).end == datetime(2026, 3, 31, 22, tzinfo=UTC)
    assert period_of({"to": "2026-03-20"}).start == datetime(2026, 3, 1, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"from": "2026-03-10", "to": "2026-03-09"}, "to"),
        ({"from": "not a day"}, "from"),
        ({"from": "1999-12-31"}, "from"),
        ({"to": "2101-01-01"}, "to"),
        ({"to": "9999-12-31"}, "to"),
    ],
)
def test_a_wrong_period_is_an_error_on_its_field(data, field):
    form = PeriodForm(data, today=TODAY)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert form.fields[field].widget.attrs["aria-invalid"] == "true"
    with pytest.raises(ValueError, match="not valid"):
        form.period()


def test_counts_become_stacked_bars_with_zeros_where_a_status_has_no_case():
    counts = Counts(
        cells=[],
        by_category_status=[
            Count("pothole", "Pothole", "new", 2),
            Count("pothole", "Pothole", "resolved", 1),
            Count("graffiti", "Graffiti", "resolved", 4),
        ],
        by_category=[Count("pothole", "Pothole", None, 3), Count("graffiti", "Graffiti", None, 4)],
        by_district_status=[],
        by_district=[],
        by_status=[],
        total=7,
    )
    figures = Figures(
        period=period_of(None),
        counts=counts,
        times_by_category=[ResolutionTime("pothole", "Pothole", 3, 36.0, 60.0)],
        times_by_unit=[],
        open_by_district=[],
    )
    by_category, by_district, times, *rest = charts(figures)
    assert by_category.as_json()["labels"] == ["Pothole", "Graffiti"]
    assert [(s["key"], s["values"]) for s in by_category.as_json()["series"]] == [
        ("new", [2, 0]),
        ("resolved", [1, 4]),
    ]
    # The table has the totals too (the chart does not draw them).
    assert by_category.table_rows() == [("Pothole", [2, 1, 3]), ("Graffiti", [0, 4, 4])]
    assert by_district.labels == []
    # Hours become days in the chart: 36 h = 1.5 days, 60 h = 2.5 days.
    assert times.table_rows() == [("Pothole", [3, 1.5, 2.5])]
    assert [chart.id for chart in rest] == ["times-unit"]  # no shares past due were asked for
