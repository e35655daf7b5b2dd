"""Statistics (mapa/reports/statistics.py) against figures computed by hand on a seeded set.

The period is March 2025, UTC: [2025-03-01 00:00, 2025-04-01 00:00). "Now" is
2025-04-10 12:00. Thirteen reports are filed through ``report_create`` and then
given their times, status and unit directly in the table:

| #  | category | district | unit           | filed       | status      | took   | due in |
|----|----------|----------|----------------|-------------|-------------|--------|--------|
| 1  | pothole  | Srodm.   | gzdiz          | 1 Mar 00:00*| resolved    | 10 h   | 24 h   |
| 2  | pothole  | Srodm.   | gzdiz          | 2 Mar       | resolved    | 20 h   | 20 h = |
| 3  | pothole  | Srodm.   | gzdiz          | 3 Mar       | resolved    | 30 h   | 24 h   |
| 4  | pothole  | Srodm.   | gzdiz          | 4 Mar       | resolved    | 40 h   | 24 h   |
| 5  | pothole  | Wrz. G.  | gck (re-routed)| 5 Mar       | resolved    | 100 h  | none   |
| 6  | pothole  | Wrz. G.  | gzdiz          | 6 Mar       | new         |        | 24 h   |
| 7  | pothole  | Wrz. G.  | gzdiz          | 31 Mar 23:59:59 | in_progress |    | 20 d   |
| 8  | stray    | Srodm.   | sm-srodmiescie | 10 Mar      | resolved    | 2 h    | 24 h   |
| 9  | stray    | Srodm.   | sm-srodmiescie | 11 Mar      | rejected    |        | 1 h    |
| 10 | stray    | Wrz. G.  | sm-wrzeszcz    | 12 Mar      | resolved    | 6 h    | 1 h    |
| 11 | stray    | Wrz. G.  | sm-wrzeszcz    | 13 Mar      | accepted    |        | 24 h   |
| 12 | pothole  | Srodm.   | gzdiz          | 1 Apr 00:00 | resolved    | 1000 h |        |
| 13 | pothole  | Srodm.   | gzdiz          | 28 Feb 23:59:59 | new     |        |        |

"Srodm." is Srodmiescie (Neptune's Fountain), "Wrz. G." Wrzeszcz Gorny; "stray" the
stray-animal category; "took" is resolved_at - created_at; "due in" is due_at - created_at.

(*) exactly at the start: counted. #12 is exactly at the end and #13 a second
before the start: neither is counted. (=) resolved exactly at the due date: on time.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from mapa.catalogue.models import Unit
from mapa.reports.models import Report
from mapa.reports.statistics import (
    By,
    Count,
    CountCell,
    DistrictOpen,
    OverdueShare,
    Period,
    ResolutionTime,
    open_by_district,
    open_by_district_geojson,
    overdue_shares,
    report_counts,
    resolution_times,
)
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY

pytestmark = pytest.mark.django_db

MARCH = Period(datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC))
NOW = datetime(2025, 4, 10, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)

SRODMIESCIE = NEPTUNE_FOUNTAIN
WRZESZCZ = WRZESZCZ_GORNY
DOG = {"animal": "dog"}

POTHOLE_PL = "Dziura w jezdni lub uszkodzona droga"
STRAY_PL = "Bezpańskie zwierzę"
GZDIZ = "Gdański Zarząd Dróg i Zieleni"
GCK = "Gdańskie Centrum Kontaktu"
SM_SRODMIESCIE = "Straż Miejska, Referat Dzielnicowy Śródmieście"
SM_WRZESZCZ = "Straż Miejska, Referat Dzielnicowy Wrzeszcz"


def march(day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def seeded(make_report) -> list[Report]:
    """The thirteen reports of the table above, in its order."""
    rows = [
        # category, place, filed, status, resolved after, due after
        ("pothole", SRODMIESCIE, march(1), "resolved", 10 * H, 24 * H),
        ("pothole", SRODMIESCIE, march(2), "resolved", 20 * H, 20 * H),
        ("pothole", SRODMIESCIE, march(3), "resolved", 30 * H, 24 * H),
        ("pothole", SRODMIESCIE, march(4), "resolved", 40 * H, 24 * H),
        ("pothole", WRZESZCZ, march(5), "resolved", 100 * H, None),
        ("pothole", WRZESZCZ, march(6), "new", None, 24 * H),
        ("pothole", WRZESZCZ, march(31, 23, 59, 59), "in_progress", None, timedelta(days=20)),
        ("stray-animal", SRODMIESCIE, march(10), "resolved", 2 * H, 24 * H),
        ("stray-animal", SRODMIESCIE, march(11), "rejected", None, 1 * H),
        ("stray-animal", WRZESZCZ, march(12), "resolved", 6 * H, 1 * H),
        ("stray-animal", WRZESZCZ, march(13), "accepted", None, 24 * H),
        ("pothole", SRODMIESCIE, datetime(2025, 4, 1, tzinfo=UTC), "resolved", 1000 * H, None),
        ("pothole", SRODMIESCIE, march(1) - timedelta(seconds=1), "new", None, None),
    ]
    reports = []
    for code, (lon, lat), filed, status, took, due in rows:
        extra = {"attributes": DOG} if code == "stray-animal" else {}
        report = make_report(code, lon, lat, **extra)
        Report.objects.filter(pk=report.pk).update(
            created_at=filed,
            status=status,
            resolved_at=filed + took if took is not None else None,
            due_at=filed + due if due is not None else None,
        )
        reports.append(report)
    Report.objects.filter(pk=reports[4].pk).update(unit=Unit.objects.get(code="gck"))
    return reports


def test_the_seeded_reports_went_where_the_table_says(seeded):
    units = [r.unit.code for r in Report.objects.filter(pk__in=[r.pk for r in seeded])]
    assert sorted(units) == sorted(
        ["gzdiz"] * 8 + ["gck", "sm-srodmiescie", "sm-srodmiescie", "sm-wrzeszcz", "sm-wrzeszcz"]
    )


def test_counts_by_district_category_and_status(seeded):
    counts = report_counts(Report.objects.all(), MARCH)

    # Rows 1-11; #12 (at the end) and #13 (before the start) are outside March.
    assert counts.total == 11
    assert counts.cells == [
        CountCell("srodmiescie", "Śródmieście", "pothole", POTHOLE_PL, "resolved", 4),  # 1-4
        CountCell("srodmiescie", "Śródmieście", "stray-animal", STRAY_PL, "resolved", 1),  # 8
        CountCell("srodmiescie", "Śródmieście", "stray-animal", STRAY_PL, "rejected", 1),  # 9
        CountCell("wrzeszcz-gorny", "Wrzeszcz Górny", "pothole", POTHOLE_PL, "new", 1),  # 6
        CountCell("wrzeszcz-gorny", "Wrzeszcz Górny", "pothole", POTHOLE_PL, "in_progress", 1),
        CountCell("wrzeszcz-gorny", "Wrzeszcz Górny", "pothole", POTHOLE_PL, "resolved", 1),  # 5
        CountCell("wrzeszcz-gorny", "Wrzeszcz Górny", "stray-animal", STRAY_PL, "accepted", 1),
        CountCell("wrzeszcz-gorny", "Wrzeszcz Górny", "stray-animal", STRAY_PL, "resolved", 1),
    ]
    assert counts.by_category_status == [
        Count("pothole", POTHOLE_PL, "new", 1),  # 6
        Count("pothole", POTHOLE_PL, "in_progress", 1),  # 7
        Count("pothole", POTHOLE_PL, "resolved", 5),  # 1-5
        Count("stray-animal", STRAY_PL, "accepted", 1),  # 11
        Count("stray-animal", STRAY_PL, "resolved", 2),  # 8, 10
        Count("stray-animal", STRAY_PL, "rejected", 1),  # 9
    ]
    assert counts.by_category == [
        Count("pothole", POTHOLE_PL, None, 7),  # 1-7
        Count("stray-animal", STRAY_PL, None, 4),  # 8-11
    ]
    assert counts.by_district == [
        Count("srodmiescie", "Śródmieście", None, 6),  # 1-4, 8, 9
        Count("wrzeszcz-gorny", "Wrzeszcz Górny", None, 5),  # 5-7, 10, 11
    ]
    assert counts.by_district_status == [
        Count("srodmiescie", "Śródmieście", "resolved", 5),  # 1-4, 8
        Count("srodmiescie", "Śródmieście", "rejected", 1),  # 9
        Count("wrzeszcz-gorny", "Wrzeszcz Górny", "new", 1),  # 6
        Count("wrzeszcz-gorny", "Wrzeszcz Górny", "accepted", 1),  # 11
        Count("wrzeszcz-gorny", "Wrzeszcz Górny", "in_progress", 1),  # 7
        Count("wrzeszcz-gorny", "Wrzeszcz Górny", "resolved", 2),  # 5, 10
    ]
    assert counts.by_status == [
        Count("new", None, "new", 1),
        Count("accepted", None, "accepted", 1),
        Count("in_progress", None, "in_progress", 1),
        Count("resolved", None, "resolved", 7),  # 1-5, 8, 10
        Count("rejected", None, "rejected", 1),
    ]


def test_category_names_follow_the_active_language(seeded, settings):
    from django.utils import translation

    with translation.override("en"):
        counts = report_counts(Report.objects.all(), MARCH)
        times = resolution_times(Report.objects.all(), MARCH, by=By.CATEGORY)
    assert counts.by_category_status[0].name == "Pothole or road damage"
    assert [t.name for t in times] == ["Pothole or road damage", "Stray animal"]


def test_the_period_includes_its_start_and_excludes_its_end(seeded):
    at_end = Period(datetime(2025, 4, 1, tzinfo=UTC), datetime(2025, 4, 2, tzinfo=UTC))
    assert report_counts(Report.objects.all(), at_end).total == 1  # 12, filed exactly at 1 April
    before = Period(march(1) - timedelta(seconds=1), march(1))
    assert report_counts(Report.objects.all(), before).total == 1  # 13 only; 1 is at the end
    first_second = Period(march(1), march(1, 0, 0, 1))
    assert report_counts(Report.objects.all(), first_second).total == 1  # 1
    last_second = Period(march(31, 23, 59, 59), datetime(2025, 4, 1, tzinfo=UTC))
    assert report_counts(Report.objects.all(), last_second).total == 1  # 7
    empty = Period(march(20), march(20))
    assert report_counts(Report.objects.all(), empty).total == 0


def test_time_to_resolve_per_category(seeded):
    times = resolution_times(Report.objects.all(), MARCH, by=By.CATEGORY)
    assert times == [
        # Potholes 1-5 took 10, 20, 30, 40, 100 h (#12's 1000 h is in April).
        # Median: the 3rd of 5 = 30.
        # p90: position 0.9 x (5 - 1) = 3.6 → 40 + 0.6 x (100 - 40) = 76.
        ResolutionTime("pothole", POTHOLE_PL, 5, 30.0, 76.0),
        # Stray animals 8 and 10 took 2 and 6 h (9 was rejected, 11 is open).
        # Median: (2 + 6) / 2 = 4. p90: position 0.9 x 1 = 0.9 → 2 + 0.9 x 4 = 5.6.
        ResolutionTime("stray-animal", STRAY_PL, 2, 4.0, 5.6),
    ]


def test_time_to_resolve_per_unit(seeded):
    times = resolution_times(Report.objects.all(), MARCH, by=By.UNIT)
    assert times == [
        # Ordered by unit name ("Gdański Zarząd" before "Gdańskie Centrum": space first).
        # 1-4: 10, 20, 30, 40 h. Median (20 + 30) / 2 = 25.
        # p90: position 0.9 x 3 = 2.7 → 30 + 0.7 x (40 - 30) = 37.
        ResolutionTime("gzdiz", GZDIZ, 4, 25.0, 37.0),
        ResolutionTime("gck", GCK, 1, 100.0, 100.0),  # 5, re-routed to GCK
        ResolutionTime("sm-srodmiescie", SM_SRODMIESCIE, 1, 2.0, 2.0),  # 8
        ResolutionTime("sm-wrzeszcz", SM_WRZESZCZ, 1, 6.0, 6.0),  # 10
    ]


def test_overdue_share_per_category(seeded):
    shares = overdue_shares(Report.objects.all(), MARCH, by=By.CATEGORY, now=NOW)
    assert shares == [
        # Potholes with a due date, resolved or open: 1, 2, 3, 4, 6, 7 (5 has none) = 6.
        # Late: 3 (30 h > 24 h), 4 (40 h > 24 h), 6 (open, due 7 March < now) = 3.
        # On time: 1 (10 h < 24 h), 2 (resolved exactly at its due date), 7 (due 20 April).
        # 3 / 6 = 0.5.
        OverdueShare("pothole", POTHOLE_PL, 6, 3, 0.5),
        # Stray animals: 8, 10, 11 (9 was rejected: left out) = 3.
        # Late: 10 (6 h > 1 h), 11 (open, due 14 March < now) = 2. 2 / 3 = 0.6667.
        OverdueShare("stray-animal", STRAY_PL, 3, 2, 0.6667),
    ]


def test_overdue_share_per_unit(seeded):
    shares = overdue_shares(Report.objects.all(), MARCH, by=By.UNIT, now=NOW)
    assert shares == [
        # GCK's only case (5) has no due date: GCK is left out.
        OverdueShare("gzdiz", GZDIZ, 6, 3, 0.5),  # as potholes above
        OverdueShare("sm-srodmiescie", SM_SRODMIESCIE, 1, 0, 0.0),  # 8 on time; 9 rejected
        OverdueShare("sm-wrzeszcz", SM_WRZESZCZ, 2, 2, 1.0),  # 10 and 11 late
    ]


def test_an_open_case_is_late_only_once_now_is_past_its_due_date(seeded):
    # On 6 March at noon, #6 (due 7 March 00:00) is not late yet; 3 and 4 already are.
    early = overdue_shares(Report.objects.all(), MARCH, by=By.CATEGORY, now=march(6, 12))
    assert early[0] == OverdueShare("pothole", POTHOLE_PL, 6, 2, 0.3333)


def test_open_cases_per_district(seeded):
    figures = open_by_district(Report.objects.all(), MARCH)
    # Wrzeszcz Górny: 6 (new), 7 (in progress), 11 (accepted). Śródmieście's only open
    # case (13) was filed in February.
    assert figures[0] == DistrictOpen("wrzeszcz-gorny", "Wrzeszcz Górny", 3)
    assert len(figures) == 35  # every district of Gdańsk, with or without open cases
    assert {f.open for f in figures[1:]} == {0}


def test_the_choropleth_is_geojson_with_every_district_and_simplified_outlines(seeded):
    collection = json.loads(open_by_district_geojson(Report.objects.all(), MARCH))
    assert collection["type"] == "FeatureCollection"
    by_slug = {f["id"]: f for f in collection["features"]}
    assert len(by_slug) == 35
    assert by_slug["wrzeszcz-gorny"]["properties"] == {
        "slug": "wrzeszcz-gorny",
        "name": "Wrzeszcz Górny",
        "open": 3,
    }
    assert by_slug["srodmiescie"]["properties"]["open"] == 0
    assert by_slug["srodmiescie"]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    full = json.loads(open_by_district_geojson(Report.objects.all(), MARCH, simplify_metres=0))
    vertices = sum(len(json.dumps(f["geometry"])) for f in collection["features"])
    assert vertices < sum(len(json.dumps(f["geometry"])) for f in full["features"])


def test_only_the_given_reports_are_counted(seeded):
    wrzeszcz_office = Report.objects.filter(unit__code="sm-wrzeszcz")
    counts = report_counts(wrzeszcz_office, MARCH)
    assert counts.total == 2  # 10, 11
    assert resolution_times(wrzeszcz_office, MARCH, by=By.CATEGORY) == [
        ResolutionTime("stray-animal", STRAY_PL, 1, 6.0, 6.0)
    ]
    assert overdue_shares(wrzeszcz_office, MARCH, by=By.UNIT, now=NOW) == [
        OverdueShare("sm-wrzeszcz", SM_WRZESZCZ, 2, 2, 1.0)
    ]
    assert open_by_district(wrzeszcz_office, MARCH)[0].open == 1  # 11


def test_an_empty_period_has_no_figures(seeded):
    empty = Period(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC))
    counts = report_counts(Report.objects.all(), empty)
    assert (counts.cells, counts.by_status, counts.total) == ([], [], 0)
    assert resolution_times(Report.objects.all(), empty, by=By.UNIT) == []
    assert overdue_shares(Report.objects.all(), empty, by=By.UNIT) == []


def test_a_period_needs_aware_ordered_bounds():
    with pytest.raises(ValueError, match="aware"):
        Period(datetime(2025, 3, 1), datetime(2025, 4, 1))
    with pytest.raises(ValueError, match="before it starts"):
        Period(march(2), march(1))
