"""The map's API (mapa/reports/map_apis.py, map_cache.py): tiles and view counts that a
write never leaves stale, with ETag/304, gzip, and repeated views from the cache."""

from __future__ import annotations

import gzip
import json
import math
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mapa.reports.casework import report_change_status
from mapa.reports.models import Report, ReportStatus

NEPTUNE = (18.6532, 54.3485)
BBOX = "18.60,54.30,18.70,54.40"


def tile_of(lon: float, lat: float, z: int) -> str:
    n = 2**z
    x = math.floor((lon + 180) / 360 * n)
    y = math.floor((1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2 * n)
    return f"/api/reports/map/{z}/{x}/{y}.geojson"


def shown(body: dict[str, Any]) -> set[str]:
    return {
        f["properties"]["reference"] for f in body["features"] if "reference" in f["properties"]
    }


def count(api, bbox: str = BBOX) -> int:
    response = api.get("/api/reports/map/count/", {"bbox": bbox})
    assert response.status_code == 200, response.content
    return int(response.json()["count"])


@pytest.mark.django_db
def test_a_new_report_shows_at_once_and_a_resolved_one_goes(api, make_report):
    url = tile_of(*NEPTUNE, 15)
    first = make_report(lon=NEPTUNE[0], lat=NEPTUNE[1])
    assert shown(api.get(url).json()) == {first.reference}
    assert count(api) == 1
    assert shown(api.get(url).json()) == {first.reference}  # from the cache now

    second = make_report(lon=NEPTUNE[0] + 0.0005, lat=NEPTUNE[1])
    assert shown(api.get(url).json()) == {first.reference, second.reference}
    assert count(api) == 2

    report_change_status(report=first, status=ReportStatus.RESOLVED, public_note="Naprawione.")
    assert shown(api.get(url).json()) == {second.reference}
    assert count(api) == 1

    # A write in plain SQL, which no Django signal sees, is seen too.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_report SET status = 'resolved' WHERE id = %s", [second.pk])
    assert shown(api.get(url).json()) == set()
    assert count(api) == 0


@pytest.mark.django_db
def test_a_repeated_view_costs_one_small_query(api, make_report):
    make_report(lon=NEPTUNE[0], lat=NEPTUNE[1])
    url = tile_of(*NEPTUNE, 12)
    with CaptureQueriesContext(connection) as first:
        body = api.get(url).content
    with CaptureQueriesContext(connection) as again:
        assert api.get(url).content == body
    assert any("json_build_object" in q["sql"] for q in first.captured_queries)
    assert len(again.captured_queries) == 1
    assert "reports_map_generation" in again.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_etag_304_and_gzip(api, make_report):
    report = make_report(lon=NEPTUNE[0], lat=NEPTUNE[1])
    url = tile_of(*NEPTUNE, 14)
    plain = api.get(url)
    assert plain.status_code == 200
    assert plain["Content-Type"].startswith("application/geo+json")
    assert plain["Cache-Control"] == "public, no-cache"
    assert "Accept-Encoding" in plain["Vary"]
    etag = plain["ETag"]

    squeezed = api.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert squeezed["Content-Encoding"] == "gzip"
    assert gzip.decompress(squeezed.content) == plain.content
    assert squeezed["ETag"] == etag

    unchanged = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag

    report_change_status(report=report, status=ReportStatus.ACCEPTED)
    changed = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag

    counted = api.get("/api/reports/map/count/", {"bbox": BBOX})
    assert (
        api.get(
            "/api/reports/map/count/", {"bbox": BBOX}, HTTP_IF_NONE_MATCH=counted["ETag"]
        ).status_code
        == 304
    )


@pytest.mark.django_db
def test_a_write_elsewhere_keeps_the_tile_cached(api, make_report):
    """Only the areas a write touches are invalidated: Oliwa does not redo Śródmieście."""
    make_report(lon=NEPTUNE[0], lat=NEPTUNE[1])
    url = tile_of(*NEPTUNE, 15)
    etag = api.get(url)["ETag"]
    make_report(lon=18.5600, lat=54.4100)  # Oliwa, some 9 km away
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.django_db
def test_the_count_is_the_sql_count_of_open_reports_in_the_box(api, make_report):
    inside = [make_report(lon=18.61 + i * 0.01, lat=54.35) for i in range(5)]
    make_report(lon=18.75, lat=54.35)  # outside the box
    report_change_status(report=inside[0], status=ReportStatus.RESOLVED, public_note="Gotowe.")
    expected = Report.objects.filter(
        status__in=["new", "accepted", "in_progress"],
        location__bboverlaps="SRID=4326;POLYGON((18.6 54.3,18.7 54.3,18.7 54.4,18.6 54.4,"
        "18.6 54.3))",
    ).count()
    assert count(api) == expected == 4


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/api/reports/map/count/", 400, "bbox"),
        ("/api/reports/map/count/?bbox=1,2,3", 400, "bbox"),
        ("/api/reports/map/count/?bbox=18.7,54.3,18.6,54.4", 400, "bbox"),
        ("/api/reports/map/3/8/0.geojson", 404, "detail"),
        ("/api/reports/map/23/0/0.geojson", 404, "detail"),
        ("/api/reports/map/3/0/0.geojson?size=300", 400, "size"),
        ("/api/reports/map/3/0/0.geojson?size=", 400, "size"),
        ("/api/reports/map/3/0/0.geojson?size=%C2%B2", 400, "size"),
    ],
)
@pytest.mark.django_db
def test_bad_questions_are_named(api, url, status, field):
    response = api.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status, response.content
    assert field in json.loads(response.content)


@pytest.mark.django_db
def test_a_512_px_tile_is_cached_apart_and_shows_a_new_report_at_once(api, make_report):
    """The size is part of the question (cache key and ETag), and the map's change
    counters invalidate a 512-px tile as they do a 256-px one."""
    first = make_report(lon=NEPTUNE[0], lat=NEPTUNE[1])
    url = tile_of(*NEPTUNE, 14)
    small = api.get(url)
    big = api.get(url, {"size": 512})
    assert big.status_code == 200, big.content
    assert big["ETag"] != small["ETag"]
    assert shown(big.json()) == {first.reference}
    assert api.get(url, {"size": 512}, HTTP_IF_NONE_MATCH=big["ETag"]).status_code == 304

    second = make_report(lon=NEPTUNE[0] + 0.0005, lat=NEPTUNE[1])
    again = api.get(url, {"size": 512}, HTTP_IF_NONE_MATCH=big["ETag"])
    assert again.status_code == 200
    assert shown(again.json()) == {first.reference, second.reference}

    report_change_status(report=first, status=ReportStatus.RESOLVED, public_note="Naprawione.")
    assert shown(api.get(url, {"size": 512}).json()) == {second.reference}
