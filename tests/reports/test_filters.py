"""The public report list's filters (mapa/reports/filters.py), without the API around them.

Each filter's count is checked against a count that SQL written here makes
from the same reports, so that the filter and the check do not share code.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django import forms
from django.utils import timezone, translation

from mapa.core.sql import fetch_value
from mapa.reports.filters import ReportFilter, parse_bbox
from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY
from tests.reports.test_apis_list import OLIWA_PARK

# --- parse_bbox ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "18.6,54.3,18.7",  # three values
        "18.6,54.3,18.7,54.4,1",  # five
        "18.6,54.3,18.7,",  # an empty fourth
        "18.6;54.3;18.7;54.4",
        "a,54.3,18.7,54.4",
        "18.7,54.3,18.6,54.4",  # minlon > maxlon
        "18.6,54.4,18.7,54.3",  # minlat > maxlat
        "18.6,54.3,18.6,54.4",  # no width
        "18.6,54.3,18.7,54.3",  # no height
        "-181,54.3,18.7,54.4",
        "18.6,54.3,181,54.4",
        "18.6,-91,18.7,54.4",
        "18.6,54.3,18.7,91",
    ],
)
def test_a_bad_bbox_is_refused(raw):
    with pytest.raises(forms.ValidationError):
        parse_bbox(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "NaN,54.3,18.7,54.4",
        "18.6,nan,18.7,54.4",
        "18.6,54.3,inf,54.4",
        "-inf,54.3,18.7,54.4",
        "18.6,54.3,1e999,54.4",  # overflows to infinity
    ],
)
def test_a_bbox_that_is_not_finite_is_refused_as_such(raw):
    with translation.override("en"), pytest.raises(forms.ValidationError, match="finite"):
        parse_bbox(raw)


def test_a_bbox_is_a_wgs84_rectangle():
    polygon = parse_bbox("18.64,54.34,18.66,54.36")
    assert polygon.srid == 4326
    assert polygon.extent == (18.64, 54.34, 18.66, 54.36)
    assert polygon.coords == (
        ((18.64, 54.34), (18.64, 54.36), (18.66, 54.36), (18.66, 54.34), (18.64, 54.34)),
    )


@pytest.mark.parametrize(
    ("raw", "extent"),
    [
        (" 18.6 , 54.3 ,18.7, 54.4 ", (18.6, 54.3, 18.7, 54.4)),
        ("-180,-90,180,90", (-180, -90, 180, 90)),  # the whole world, edges included
        ("1e1,5e1,2e1,6e1", (10, 50, 20, 60)),
    ],
)
def test_bbox_edge_cases_that_are_valid(raw, extent):
    assert parse_bbox(raw).extent == extent


# --- ReportFilter --------------------------------------------------------------------

# Independent SQL for each filter below: reports r, category c, district d, unit u
# and its parent p.
COUNT_SQL = """
SELECT count(*) FROM reports_report r
JOIN catalogue_category c ON c.id = r.category_id
JOIN catalogue_unit u ON u.id = r.unit_id
LEFT JOIN catalogue_unit p ON p.id = u.parent_id
LEFT JOIN districts_district d ON d.id = r.district_id
WHERE {where}
"""
AROUND_SRODMIESCIE = (18.64, 54.34, 18.66, 54.36)
IN_BOX = "ST_X(r.location) BETWEEN 18.64 AND 18.66 AND ST_Y(r.location) BETWEEN 54.34 AND 54.36"
DAY = timedelta(days=1)


@pytest.fixture
def reports(make_report):
    """Reports of several categories, places, units, statuses and ages."""
    made = [
        make_report("pothole", *NEPTUNE_FOUNTAIN),
        make_report("pothole", 18.6500, 54.3500),  # Śródmieście, in the box
        make_report("pothole", *WRZESZCZ_GORNY),
        make_report("street-light", *OLIWA_PARK),
        make_report("stray-animal", *NEPTUNE_FOUNTAIN, attributes={"animal": "dog"}),
        make_report("stray-animal", *WRZESZCZ_GORNY, attributes={"animal": "cat"}),
        make_report("litter-dump", *OLIWA_PARK),
        make_report("hazard", *WRZESZCZ_GORNY),
    ]
    statuses = ["new", "accepted", "in_progress", "resolved", "new", "rejected", "new", "duplicate"]
    now = timezone.now()
    for report, status, days_ago in zip(made, statuses, [40, 20, 10, 3, 2, 1, 0, 0], strict=True):
        Report.objects.filter(pk=report.pk).update(status=status, created_at=now - days_ago * DAY)
    Report.objects.filter(pk=made[7].pk).update(duplicate_of=made[2])
    return made


def filtered(params: dict[str, str]) -> int:
    filters = ReportFilter(params, queryset=Report.objects.all())
    assert filters.is_valid(), filters.errors
    return filters.qs.count()


def counted(where: str) -> int:
    return int(fetch_value(COUNT_SQL.format(where=where)))


def days_ago(days: int) -> str:
    return (timezone.now() - days * DAY - timedelta(hours=1)).isoformat()


CASES = [
    ({}, "TRUE"),
    ({"bbox": ",".join(map(str, AROUND_SRODMIESCIE))}, IN_BOX),
    ({"status": "open"}, "r.status IN ('new', 'accepted', 'in_progress')"),
    ({"status": "resolved,rejected"}, "r.status IN ('resolved', 'rejected')"),
    ({"status": "duplicate"}, "r.duplicate_of_id IS NOT NULL"),
    ({"category": "pothole"}, "c.code = 'pothole'"),
    ({"category": "stray-animal,litter-dump"}, "c.code IN ('stray-animal', 'litter-dump')"),
    ({"district": "wrzeszcz-gorny"}, "d.slug = 'wrzeszcz-gorny'"),
    ({"district": "srodmiescie,oliwa"}, "d.name IN ('Śródmieście', 'Oliwa')"),
    ({"unit": "gzdiz"}, "u.code = 'gzdiz'"),
    # Straż Miejska: its own reports and its district offices'.
    ({"unit": "sm"}, "'sm' IN (u.code, p.code)"),
    ({"unit": "sm-wrzeszcz"}, "u.code = 'sm-wrzeszcz'"),
    ({"created_after": "CUTOFF"}, "r.created_at > now() - interval '5 days'"),
    ({"created_before": "CUTOFF"}, "r.created_at < now() - interval '5 days'"),
    (
        {"status": "open", "category": "pothole", "bbox": "18.6,54.3,18.7,54.4"},
        "r.status IN ('new', 'accepted', 'in_progress') AND c.code = 'pothole'"
        " AND ST_X(r.location) BETWEEN 18.6 AND 18.7 AND ST_Y(r.location) BETWEEN 54.3 AND 54.4",
    ),
    (
        {"unit": "sm", "status": "open", "created_after": "CUTOFF"},
        "'sm' IN (u.code, p.code) AND r.status IN ('new', 'accepted', 'in_progress')"
        " AND r.created_at > now() - interval '5 days'",
    ),
    (
        {"district": "wrzeszcz-gorny", "category": "pothole,hazard", "created_before": "CUTOFF"},
        "d.slug = 'wrzeszcz-gorny' AND c.code IN ('pothole', 'hazard')"
        " AND r.created_at < now() - interval '5 days'",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "where"), CASES)
def test_each_filter_alone_and_combined_matches_a_direct_count(reports, params, where):
    params = {k: days_ago(5) if v == "CUTOFF" else v for k, v in params.items()}
    expected = counted(where)
    if params:
        assert 0 < expected < len(reports), "the case should select some reports, not all"
    assert filtered(params) == expected


@pytest.mark.django_db
def test_the_fixture_reports_are_where_the_cases_expect(reports):
    # The expectations above depend on where routing put the reports: said once here.
    assert counted(IN_BOX) == 3
    assert counted("'sm' IN (u.code, p.code)") == 3
    assert counted("u.code = 'sm-wrzeszcz'") == 1
    assert counted("d.slug = 'wrzeszcz-gorny'") == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "18.6,54.3,18.7"}, "bbox"),
        ({"status": "open,lost"}, "status"),
        ({"created_after": "last week"}, "created_after"),
        ({"created_before": "2026-13-01"}, "created_before"),
        # Python takes offsets to ±23:59, PostgreSQL to ±15:59 (was a 500, found by schemathesis).
        ({"created_after": "2492-10-29T04:31:55+23:35"}, "created_after"),
        ({"created_before": "2026-01-01T00:00:00-16:00"}, "created_before"),
    ],
)
def test_bad_values_make_the_filter_invalid_naming_the_field(params, field):
    filters = ReportFilter(params, queryset=Report.objects.all())
    assert not filters.is_valid()
    assert set(filters.errors) == {field}


@pytest.mark.django_db
@pytest.mark.parametrize("offset", ["+15:59", "-15:59", "Z"])
def test_the_widest_offsets_postgresql_takes_are_taken(reports, offset):
    filters = ReportFilter(
        {"created_after": f"2000-01-01T00:00:00{offset}"}, queryset=Report.objects.all()
    )
    assert filters.is_valid(), filters.errors
    assert filters.qs.count() == len(reports)  # the query runs


@pytest.mark.django_db
def test_empty_values_filter_nothing(reports):
    params = {"bbox": "", "status": "", "category": "", "district": ",", "unit": " "}
    assert filtered(params) == len(reports)
