"""GET /api/reports/: a FeatureCollection built by PostGIS, filtered, bounded and paged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mapa.reports.casework import report_change_status
from mapa.reports.models import Report
from mapa.reports.selectors import LIST_MAX_LIMIT
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY

pytestmark = pytest.mark.django_db

URL = "/api/reports/"
OLIWA_PARK = (18.5620, 54.4110)


@pytest.fixture
def three(make_report):
    pothole = make_report("pothole", *NEPTUNE_FOUNTAIN, reporter_email="a@example.com")
    animal = make_report("stray-animal", *WRZESZCZ_GORNY, attributes={"animal": "cat"})
    light = make_report("street-light", *OLIWA_PARK)
    report_change_status(report=light, status="resolved", public_note="Naprawiono.")
    return pothole, animal, light


def refs(response):
    assert response.status_code == 200, response.content
    return [f["properties"]["reference"] for f in response.json()["features"]]


def test_lists_newest_first_as_a_feature_collection(api, three):
    response = api.get(URL)
    assert response["Content-Type"].startswith("application/geo+json")
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert data["numberReturned"] == 3
    assert data["next"] is None
    assert refs(response) == [r.reference for r in reversed(three)]
    feature = data["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert set(feature["properties"]) >= {
        "reference",
        "status",
        "category",
        "district",
        "unit",
        "description",
        "created_at",
        "url",
    }


def test_the_list_is_built_in_one_query(api, three):
    with CaptureQueriesContext(connection) as queries:
        api.get(URL + "?status=open&bbox=18.4,54.2,18.9,54.5")
    report_queries = [q["sql"] for q in queries.captured_queries if "reports_report" in q["sql"]]
    assert len(report_queries) == 1
    assert "ST_AsGeoJSON" in report_queries[0]
    assert "json_agg" in report_queries[0]


def test_filter_by_bbox(api, three):
    pothole, _animal, _light = three
    around_srodmiescie = "18.64,54.34,18.66,54.36"
    assert refs(api.get(URL, {"bbox": around_srodmiescie})) == [pothole.reference]


def test_filter_by_status_and_open(api, three):
    pothole, animal, light = three
    assert refs(api.get(URL, {"status": "resolved"})) == [light.reference]
    assert refs(api.get(URL, {"status": "open"})) == [animal.reference, pothole.reference]
    assert refs(api.get(URL, {"status": "new,resolved"})) == [r.reference for r in reversed(three)]


def test_filter_by_category_district_and_unit(api, three):
    pothole, animal, light = three
    assert refs(api.get(URL, {"category": "stray-animal"})) == [animal.reference]
    assert refs(api.get(URL, {"district": "srodmiescie"})) == [pothole.reference]
    assert refs(api.get(URL, {"unit": "sm-wrzeszcz"})) == [animal.reference]
    # A unit's code includes its district offices.
    assert refs(api.get(URL, {"unit": "sm"})) == [animal.reference]
    assert refs(api.get(URL, {"unit": "gzdiz", "category": "pothole,street-light"})) == [
        light.reference,
        pothole.reference,
    ]


def test_filter_by_created_date(api, three):
    pothole, animal, light = three
    Report.objects.filter(pk=pothole.pk).update(created_at=timezone.now() - timedelta(days=30))
    week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert refs(api.get(URL, {"created_after": week_ago})) == [light.reference, animal.reference]
    assert refs(api.get(URL, {"created_before": week_ago})) == [pothole.reference]


def test_paging_walks_every_report_once(api, three):
    first = api.get(URL, {"limit": 2}).json()
    assert first["numberReturned"] == 2
    assert first["next"].startswith("http://testserver/api/reports/?")
    second = api.get(first["next"]).json()
    assert second["next"] is None
    seen = [f["id"] for f in first["features"] + second["features"]]
    assert seen == [r.reference for r in reversed(three)]


def test_paging_keeps_the_filters(api, three):
    first = api.get(URL, {"limit": 1, "status": "open"}).json()
    assert "status=open" in first["next"]
    second = api.get(first["next"]).json()
    assert second["next"] is None
    assert len(second["features"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "18.7,54.3,18.6,54.4"}, "bbox"),
        ({"bbox": "18.6,54.3,18.7,95"}, "bbox"),
        ({"bbox": "nan,54.3,18.7,54.4"}, "bbox"),
        ({"status": "lost"}, "status"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"limit": "0"}, "limit"),
        ({"limit": str(LIST_MAX_LIMIT + 1)}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"cursor": "-5"}, "cursor"),
    ],
)
def test_bad_filters_are_400s_naming_the_parameter(api, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_the_limit_is_bounded_and_documented_default(api, make_report):
    for _ in range(3):
        make_report()
    data = api.get(URL).json()
    assert data["limit"] == 200
    assert api.get(URL, {"limit": LIST_MAX_LIMIT}).json()["limit"] == LIST_MAX_LIMIT


def test_descriptions_are_shortened_in_lists(api, make_report):
    make_report(description="Dziura " * 100)
    description = api.get(URL).json()["features"][0]["properties"]["description"]
    assert len(description) == 200
    assert description.endswith("…")
