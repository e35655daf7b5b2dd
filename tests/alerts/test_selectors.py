"""Which area alerts a report matches: one query; radius edges, districts, categories."""

from __future__ import annotations

import pytest
from django.contrib.gis.db.models import PointField
from django.contrib.gis.db.models.functions import Distance
from django.db import connection
from django.db.models.functions import Cast
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mapa.alerts.models import AlertKind, AreaAlert
from mapa.alerts.selectors import matching_alerts
from mapa.alerts.services import subscription_stop
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY, point

pytestmark = pytest.mark.django_db

# About 600 m north-east of the fountain.
NEARBY = (18.6600, 54.3525)


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The geography distance PostGIS computes (the one the match uses)."""
    geography = Cast("point", PointField(geography=True, srid=4326))
    alert = AreaAlert.objects.create(email="probe@example.com", point=point(*a), radius_m=1)
    try:
        return (
            AreaAlert.objects.filter(pk=alert.pk)
            .annotate(d=Distance(geography, point(*b)))
            .values_list("d", flat=True)
            .get()
            .m
        )
    finally:
        alert.delete()


def matched(report, kind=AlertKind.NEW):
    return {row.email for row in matching_alerts(report, kind, today=timezone.localdate())}


def test_a_radius_matches_just_inside_and_not_just_outside(make_report, confirmed_alert):
    metres = metres_between(NEARBY, NEPTUNE_FOUNTAIN)
    assert 400 < metres < 900
    confirmed_alert("inside@example.com", at=NEARBY, radius_m=int(metres) + 1)
    confirmed_alert("outside@example.com", at=NEARBY, radius_m=int(metres) - 1)
    report = make_report(lon=NEPTUNE_FOUNTAIN[0], lat=NEPTUNE_FOUNTAIN[1])
    assert matched(report) == {"inside@example.com"}


def test_districts_match_by_the_reports_district(make_report, confirmed_alert):
    confirmed_alert("centre@example.com", districts=("srodmiescie",))
    confirmed_alert("both@example.com", districts=("wrzeszcz-gorny", "srodmiescie"))
    confirmed_alert("north@example.com", districts=("wrzeszcz-gorny",))
    report = make_report(lon=NEPTUNE_FOUNTAIN[0], lat=NEPTUNE_FOUNTAIN[1])
    assert report.district.slug == "srodmiescie"
    assert matched(report) == {"centre@example.com", "both@example.com"}
    north = make_report(lon=WRZESZCZ_GORNY[0], lat=WRZESZCZ_GORNY[1])
    assert matched(north) == {"both@example.com", "north@example.com"}


def test_categories_filter_and_kinds_choose(make_report, confirmed_alert):
    confirmed_alert("potholes@example.com", districts=("srodmiescie",), categories=("pothole",))
    confirmed_alert("animals@example.com", districts=("srodmiescie",), categories=("stray-animal",))
    confirmed_alert("all@example.com", districts=("srodmiescie",))
    confirmed_alert("resolved@example.com", districts=("srodmiescie",), new=False, resolved=True)
    report = make_report(code="pothole")
    assert matched(report) == {"potholes@example.com", "all@example.com"}
    assert matched(report, AlertKind.RESOLVED) == {"resolved@example.com"}


def test_unconfirmed_and_unsubscribed_alerts_match_nothing(make_report, confirmed_alert):
    AreaAlert.objects.create(email="pending@example.com", radius_m=500, point=point(*NEARBY))
    gone = confirmed_alert("gone@example.com", districts=("srodmiescie",))
    subscription_stop("alert", gone.pk)
    assert matched(make_report()) == set()


def test_matching_is_one_query_however_many_alerts(
    make_report, confirmed_alert, django_assert_num_queries
):
    for n in range(6):
        confirmed_alert(f"a{n}@example.com", at=NEARBY, radius_m=2000, categories=("pothole",))
        confirmed_alert(f"d{n}@example.com", districts=("srodmiescie", "wrzeszcz-gorny"))
    report = make_report()
    with django_assert_num_queries(1):
        rows = matching_alerts(report, AlertKind.NEW, today=timezone.localdate())
    assert len(rows) == 12


def test_the_match_reads_the_indexes_not_every_alert(make_report):
    """With thousands of alerts, PostgreSQL answers from the geography and district
    indexes (measured: 2 ms for 3000 alerts; an OR of both read them all, 475 ms)."""
    now = timezone.now()
    AreaAlert.objects.bulk_create(
        AreaAlert(
            email=f"a{n}@example.com",
            point=point(18.40 + (n % 60) * 0.01, 54.30 + (n // 60) * 0.003),
            radius_m=500,
            confirmed_at=now,
        )
        for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE alerts_areaalert")
    report = make_report()
    with CaptureQueriesContext(connection) as queries:
        rows = matching_alerts(report, AlertKind.NEW, today=timezone.localdate())
    assert rows  # the grid puts a few circles around the fountain
    [query] = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "area_alert_point_geog_gist" in plan
    assert "Seq Scan on alerts_areaalert " not in plan
