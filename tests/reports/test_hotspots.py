"""Hotspots (mapa/reports/hotspots.py): open reports clustering in place and time, and merging
a hotspot's cases into one, on Gdańsk's real districts."""

from __future__ import annotations

import json
import math
from datetime import timedelta

import pytest
from django.utils import timezone

from mapa.catalogue.models import Category
from mapa.reports import hotspots as hotspots_module
from mapa.reports.casework import CaseworkError
from mapa.reports.hotspots import hotspot_merge, hotspots_geojson
from mapa.reports.models import Report, ReportStatus
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY

pytestmark = pytest.mark.django_db

CASE_URL = ("/staff/r/", "/")
METRES_PER_DEGREE_LAT = 111_320


def moved(lon: float, lat: float, east: float, north: float) -> tuple[float, float]:
    """A point ``east`` and ``north`` metres from (lon, lat): good to a metre at this scale."""
    return (
        lon + east / (METRES_PER_DEGREE_LAT * math.cos(math.radians(lat))),
        lat + north / METRES_PER_DEGREE_LAT,
    )


def ring(centre: tuple[float, float], n: int, radius: float) -> list[tuple[float, float]]:
    """``n`` points evenly spaced on a circle of ``radius`` metres around ``centre``."""
    return [
        moved(
            *centre, radius * math.cos(2 * math.pi * i / n), radius * math.sin(2 * math.pi * i / n)
        )
        for i in range(n)
    ]


def hotspots(reports=None) -> list[dict]:
    queryset = Report.objects.all() if reports is None else reports
    collection = json.loads(hotspots_geojson(reports=queryset, case_url=CASE_URL))
    assert collection["type"] == "FeatureCollection"
    assert collection["numberReturned"] == len(collection["features"])
    return collection["features"]


@pytest.fixture
def cluster(make_report):
    """Six potholes on a 40 m ring round Neptune's Fountain, filed one after another."""

    def make(code: str = "pothole", centre=NEPTUNE_FOUNTAIN, n: int = 6, radius: float = 40):
        return [
            make_report(code, lon, lat, description=f"Zgłoszenie {i}")
            for i, (lon, lat) in enumerate(ring(centre, n, radius))
        ]

    return make


def age(reports: list[Report], hours: float) -> None:
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )


def test_a_cluster_of_six_reports_within_100_m_is_one_hotspot(cluster):
    reports = cluster()
    [hotspot] = hotspots()
    props = hotspot["properties"]
    assert props["count"] == 6
    assert props["references"] == [r.reference for r in reports]  # oldest first
    assert props["category"]["code"] == "pothole"
    assert [d["slug"] for d in props["districts"]] == ["srodmiescie"]
    assert [u["code"] for u in props["units"]] == ["gzdiz"]
    assert props["first_at"] <= props["last_at"]
    assert props["settings"] == {"reports": 5, "metres": 150, "hours": 24}
    lon, lat = props["centroid"]
    assert abs(lon - NEPTUNE_FOUNTAIN[0]) < 0.0002
    assert abs(lat - NEPTUNE_FOUNTAIN[1]) < 0.0001
    assert 38 <= props["radius_m"] <= 42
    assert hotspot["geometry"]["type"] == "Polygon"
    assert [m["reference"] for m in props["reports"]] == props["references"]
    first = props["reports"][0]
    assert first["url"] == f"/staff/r/{reports[0].reference}/"
    assert first["status"] == "new"
    assert first["status_label"]
    assert first["district"] == "Śródmieście"


def test_the_suggested_survivor_is_the_case_furthest_along_then_the_oldest(cluster):
    reports = cluster()
    assert hotspots()[0]["properties"]["suggested"] == reports[0].reference
    Report.objects.filter(pk=reports[3].pk).update(status=ReportStatus.IN_PROGRESS)
    assert hotspots()[0]["properties"]["suggested"] == reports[3].reference


def test_reports_500_m_apart_are_noise(make_report):
    for i in range(6):
        make_report("pothole", *moved(*NEPTUNE_FOUNTAIN, 500 * i, 0))
    assert hotspots() == []


def test_reports_older_than_the_window_are_left_out(cluster):
    reports = cluster()
    age(reports[:2], hours=25)  # 4 left in the last 24 hours: fewer than 5
    assert hotspots() == []
    age(reports[:2], hours=23)
    assert hotspots()[0]["properties"]["count"] == 6


def test_closed_reports_are_left_out(cluster):
    reports = cluster()
    Report.objects.filter(pk=reports[0].pk).update(status=ReportStatus.RESOLVED)
    assert hotspots()[0]["properties"]["count"] == 5
    Report.objects.filter(pk=reports[1].pk).update(status=ReportStatus.DUPLICATE)
    assert hotspots() == []


def test_categories_cluster_apart(cluster):
    cluster("pothole", n=3)
    cluster("drain-cover", n=3)  # six reports at one place, but 3 + 3 of two kinds
    assert hotspots() == []


def test_two_places_make_two_hotspots_largest_first(cluster):
    cluster(n=5)
    big = cluster(centre=WRZESZCZ_GORNY, n=7)
    found = hotspots()
    assert [h["properties"]["count"] for h in found] == [7, 5]
    assert found[0]["properties"]["references"] == [r.reference for r in big]
    assert [d["slug"] for d in found[0]["properties"]["districts"]] == ["wrzeszcz-gorny"]


def test_a_category_sets_its_own_count_distance_and_window(cluster):
    pothole = Category.objects.get(code="pothole")
    reports = cluster(n=3)  # three reports 40 m apart
    assert hotspots() == []

    Category.objects.filter(pk=pothole.pk).update(hotspot_reports=3)
    assert hotspots()[0]["properties"]["count"] == 3

    Category.objects.filter(pk=pothole.pk).update(hotspot_metres=30)  # neighbours are 69 m apart
    assert hotspots() == []

    Category.objects.filter(pk=pothole.pk).update(hotspot_metres=150, hotspot_hours=2)
    age(reports, hours=3)
    assert hotspots() == []
    age(reports, hours=1)
    assert hotspots()[0]["properties"]["settings"] == {"reports": 3, "metres": 150, "hours": 2}


def test_a_chain_of_reports_is_one_hotspot_longer_than_the_distance(make_report):
    """DBSCAN: a flooded street, reports every 100 m along it, is one hotspot."""
    Category.objects.filter(code="pothole").update(hotspot_reports=3)
    chain = [make_report("pothole", *moved(*NEPTUNE_FOUNTAIN, 100 * i, 0)) for i in range(6)]
    [hotspot] = hotspots()
    assert hotspot["properties"]["references"] == [r.reference for r in chain]
    assert 240 <= hotspot["properties"]["radius_m"] <= 260


def test_only_the_reports_given_are_clustered(cluster):
    reports = cluster()
    visible = Report.objects.exclude(pk=reports[0].pk).exclude(pk=reports[1].pk)
    assert hotspots(visible) == []
    assert hotspots(Report.objects.filter(unit__code="gzdiz"))[0]["properties"]["count"] == 6
    assert hotspots(Report.objects.none()) == []


def test_the_feature_names_are_in_the_active_language(cluster):
    from django.utils import translation

    cluster()
    with translation.override("en"):
        props = hotspots()[0]["properties"]
    assert props["category"]["name"] == "Pothole or road damage"
    assert props["reports"][0]["status_label"] == "new"


# --- merging ------------------------------------------------------------------


def test_merge_makes_every_other_case_a_duplicate_of_the_survivor(cluster):
    reports = cluster()
    into = reports[2]
    survivor = hotspot_merge(reports=reports, into=into)
    assert survivor.pk == into.pk
    assert survivor.status == ReportStatus.NEW
    for report in reports:
        report.refresh_from_db()
    others = [r for r in reports if r.pk != into.pk]
    assert {r.status for r in others} == {ReportStatus.DUPLICATE}
    assert {r.duplicate_of_id for r in others} == {into.pk}
    assert survivor.version == 1 + len(others)  # a note per duplicate on the survivor
    event = others[0].events.order_by("-id").first()
    assert event.to_status == ReportStatus.DUPLICATE
    assert into.reference in event.internal_note
    assert hotspots() == []


def test_a_closed_case_refuses_the_whole_merge(cluster):
    reports = cluster()
    Report.objects.filter(pk=reports[4].pk).update(status=ReportStatus.RESOLVED)
    with pytest.raises(CaseworkError) as refusal:
        hotspot_merge(reports=reports, into=reports[0])
    assert refusal.value.field == "references"
    assert reports[4].reference in str(refusal.value)
    assert Report.objects.filter(status=ReportStatus.DUPLICATE).count() == 0


def test_a_closed_survivor_is_refused(cluster):
    reports = cluster()
    Report.objects.filter(pk=reports[0].pk).update(status=ReportStatus.REJECTED)
    with pytest.raises(CaseworkError) as refusal:
        hotspot_merge(reports=reports, into=reports[0])
    assert refusal.value.field == "into"


def test_a_merge_that_fails_half_way_changes_nothing(cluster, monkeypatch):
    reports = cluster()
    real = hotspots_module.report_mark_duplicate
    calls = []

    def fail_on_the_third(**kwargs):
        calls.append(kwargs["report"].reference)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(hotspots_module, "report_mark_duplicate", fail_on_the_third)
    with pytest.raises(RuntimeError):
        hotspot_merge(reports=reports, into=reports[0])
    assert len(calls) == 3
    assert Report.objects.filter(status=ReportStatus.DUPLICATE).count() == 0
    assert Report.objects.get(pk=reports[0].pk).version == 1


def test_merging_nothing_else_is_refused(cluster):
    reports = cluster(n=1)
    with pytest.raises(CaseworkError):
        hotspot_merge(reports=reports, into=reports[0])
