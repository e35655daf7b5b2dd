"""Public GeoJSON of reports, built by PostGIS (mapa/reports/geojson.py), called directly."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import translation

from mapa.reports.geojson import (
    FEATURE_COLUMNS,
    open_reports_near_geojson,
    page_of_features,
    report_feature,
)
from mapa.reports.models import EventKind, Report, ReportEvent
from mapa.reports.selectors import report_feature_page
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY
from tests.reports.test_apis_nearby import metres_east

pytestmark = pytest.mark.django_db

# The report page under another prefix (see test_the_url_comes_from_the_urlconf).
urlpatterns = [path("zgloszenia/", include("mapa.web.urls"))]

PROPERTIES = {
    "reference",
    "url",
    "status",
    "status_label",
    "is_open",
    "category",
    "district",
    "unit",
    "description",
    "address",
    "photo_url",
    "thumbnail_url",
    "created_at",
    "updated_at",
}
SECRETS = ("Zofia Wiśniewska", "zofia.w@example.com", "601 202 303", "oddzwonić po 16")


@pytest.fixture
def secret_report(make_report):
    """A report carrying personal data and an internal note."""
    report = make_report(
        "pothole",
        *NEPTUNE_FOUNTAIN,
        address="Długi Targ 1",
        description="Dziura przy fontannie",
        reporter_name=SECRETS[0],
        reporter_email=SECRETS[1],
        reporter_phone=SECRETS[2],
    )
    ReportEvent.objects.create(
        report=report, kind=EventKind.STATUS, to_status="accepted", internal_note=SECRETS[3]
    )
    Report.objects.filter(pk=report.pk).update(status="accepted")
    return report


def assert_public(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text
    for key in ("reporter", "internal_note", "routing_explanation", "attributes", "channel"):
        assert key not in text


# --- one feature -------------------------------------------------------------------


def test_a_report_feature_has_the_public_properties_and_nothing_else(secret_report):
    with translation.override("en"):
        feature = report_feature(secret_report.pk)
    assert feature["type"] == "Feature"
    assert feature["id"] == secret_report.reference
    assert feature["geometry"] == {"type": "Point", "coordinates": list(NEPTUNE_FOUNTAIN)}
    props = feature["properties"]
    assert set(props) == PROPERTIES
    assert props["reference"] == secret_report.reference
    assert props["url"] == f"/r/{secret_report.reference}/"
    assert (props["status"], props["status_label"], props["is_open"]) == (
        "accepted",
        "accepted",
        True,
    )
    assert props["category"] == {
        "code": "pothole",
        "name": "Pothole or road damage",
        "icon": "pothole",
    }
    assert props["district"] == {"slug": "srodmiescie", "name": "Śródmieście"}
    assert props["unit"] == {"code": "gzdiz", "name": "Gdański Zarząd Dróg i Zieleni"}
    assert (props["description"], props["address"]) == ("Dziura przy fontannie", "Długi Targ 1")
    assert (props["photo_url"], props["thumbnail_url"]) == (None, None)
    assert props["created_at"] <= props["updated_at"]
    assert_public(json.dumps(feature, ensure_ascii=False))


def test_labels_are_polish_or_english_by_the_active_language(make_report):
    report = make_report("stray-animal", *WRZESZCZ_GORNY, attributes={"animal": "dog"})
    Report.objects.filter(pk=report.pk).update(status="in_progress")
    with translation.override("pl"):
        polish = report_feature(report.pk)["properties"]
    with translation.override("en"):
        english = report_feature(report.pk)["properties"]
    assert (polish["status_label"], polish["category"]["name"]) == (
        "w realizacji",
        "Bezpańskie zwierzę",
    )
    assert (english["status_label"], english["category"]["name"]) == ("in progress", "Stray animal")
    # Names that exist in one language only are the same in both.
    assert polish["unit"] == english["unit"]
    assert (
        polish["district"]
        == english["district"]
        == {
            "slug": "wrzeszcz-gorny",
            "name": "Wrzeszcz Górny",
        }
    )


@pytest.mark.parametrize("status", ["resolved", "rejected", "duplicate"])
def test_closed_reports_are_not_open(make_report, status):
    report = make_report()
    Report.objects.filter(pk=report.pk).update(status=status)
    assert report_feature(report.pk)["properties"]["is_open"] is False


def test_a_report_without_a_district_has_a_null_district(make_report):
    report = make_report()
    Report.objects.filter(pk=report.pk).update(district=None)
    assert report_feature(report.pk)["properties"]["district"] is None


@pytest.mark.urls(__name__)
def test_the_url_comes_from_the_urlconf(make_report):
    report = make_report()
    url = report_feature(report.pk)["properties"]["url"]
    assert url == f"/zgloszenia/r/{report.reference}/"


# --- pages of features -------------------------------------------------------------


def references(features_json: str) -> list[str]:
    return [feature["id"] for feature in json.loads(features_json)]


def test_pages_walk_newest_first_and_stop_exactly_at_the_end(make_report):
    reports = [make_report(description=f"Dziura {n}") for n in range(4)]
    newest_first = [r.reference for r in reversed(reports)]

    first = report_feature_page(Report.objects.all(), limit=2)
    assert (references(first.features_json), first.returned) == (newest_first[:2], 2)
    assert first.next_after == reports[2].pk

    second = report_feature_page(Report.objects.all(), limit=2, after=first.next_after)
    assert (references(second.features_json), second.returned) == (newest_first[2:], 2)
    # Exactly two pages' worth: the second says there is no third.
    assert second.next_after is None

    everything = report_feature_page(Report.objects.all(), limit=4)
    assert (everything.returned, everything.next_after) == (4, None)
    beyond = report_feature_page(Report.objects.all(), limit=3, after=reports[0].pk)
    assert (beyond.features_json, beyond.returned, beyond.next_after) == ("[]", 0, None)


def test_a_page_respects_the_queryset_it_is_given(make_report):
    make_report("pothole")
    animal = make_report("stray-animal", *WRZESZCZ_GORNY, attributes={"animal": "cat"})
    page = report_feature_page(Report.objects.filter(category__code="stray-animal"), limit=10)
    assert references(page.features_json) == [animal.reference]


def test_a_page_selects_only_the_columns_features_show(secret_report):
    with CaptureQueriesContext(connection) as queries:
        page = report_feature_page(Report.objects.all(), limit=10)
    [sql] = [q["sql"] for q in queries.captured_queries if "reports_report" in q["sql"]]
    for column in ("reporter_name", "reporter_email", "reporter_phone", "routing", "attributes"):
        assert f'"reports_report"."{column}"' not in sql
    assert_public(page.features_json)


def test_page_of_features_takes_any_statement_selecting_the_feature_columns(make_report):
    reports = [make_report() for _ in range(3)]
    columns = ", ".join(FEATURE_COLUMNS)
    page_sql = f"SELECT {columns} FROM reports_report WHERE id <= %s ORDER BY id DESC LIMIT %s"
    row = page_of_features(page_sql, [reports[1].pk, 2], 1)
    assert references(row["features"]) == [reports[1].reference]
    assert (row["returned"], row["has_more"], row["last_id"]) == (1, True, reports[1].pk)
    last = page_of_features(page_sql, [reports[0].pk, 2], 1)
    assert (last["returned"], last["has_more"], last["last_id"]) == (1, False, reports[0].pk)


# --- open reports nearby -----------------------------------------------------------


def nearby(metres: float = 250, limit: int = 50) -> list[dict]:
    lon, lat = NEPTUNE_FOUNTAIN
    collection = json.loads(open_reports_near_geojson(lon=lon, lat=lat, metres=metres, limit=limit))
    assert collection["type"] == "FeatureCollection"
    return collection["features"]


def test_nearby_is_open_reports_nearest_first_with_metres(make_report):
    at = {metres: make_report("pothole", *metres_east(metres)) for metres in (180, 30, 120, 90)}
    for metres, status in [(90, "accepted"), (120, "in_progress"), (180, "rejected")]:
        Report.objects.filter(pk=at[metres].pk).update(status=status)
    features = nearby()
    assert [f["id"] for f in features] == [at[30].reference, at[90].reference, at[120].reference]
    assert [f["properties"]["distance_m"] for f in features] == pytest.approx(
        [30, 90, 120], abs=0.1
    )
    assert set(features[0]["properties"]) == PROPERTIES | {"distance_m"}


def test_nearby_is_bounded_by_the_radius_and_the_limit(make_report):
    outside = make_report("pothole", *metres_east(101))  # filed first: ids do not decide
    inside = make_report("pothole", *metres_east(99))
    assert [f["id"] for f in nearby(metres=100)] == [inside.reference]
    assert [f["id"] for f in nearby(metres=102)] == [inside.reference, outside.reference]
    assert [f["id"] for f in nearby(metres=102, limit=1)] == [inside.reference]
    assert nearby(metres=50) == []


def test_nearby_features_carry_no_personal_data(secret_report):
    features = nearby()
    assert [f["id"] for f in features] == [secret_report.reference]
    assert_public(json.dumps(features, ensure_ascii=False))
