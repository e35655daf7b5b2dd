"""GET /api/exports/reports.geojson: RFC 7946, read back by GDAL equal to the database."""

from __future__ import annotations

import json
import re

import pytest

from mapa.districts.models import District
from mapa.reports.models import Report
from tests.exports.conftest import settle
from tests.exports.helpers import (
    INTERNAL,
    PII_FRAGMENTS,
    PROPERTIES,
    body,
    expected,
    ogr2ogr,
    read_layer,
    seed,
)

URL = "/api/exports/reports.geojson"


@pytest.fixture
def seeded(make_report):
    made = seed(make_report)
    settle()
    return made


def test_the_export_read_back_by_gdal_equals_the_database(tmp_path, token_client, seeded):
    response = token_client("consultant").get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="mapa-reports-\d{8}T\d{6}Z\.geojson"',
        response["Content-Disposition"],
    )
    path = tmp_path / "reports.geojson"
    path.write_bytes(body(response))

    truth = expected(Report.objects.all())
    read = read_layer(path)
    assert len(read) == len(truth) == 5
    for reference, want in truth.items():
        got = read[reference]
        assert {name: got[name] for name in PROPERTIES} == {n: want[n] for n in PROPERTIES}
        assert got["_x"] == pytest.approx(want["lon"], abs=1e-7)
        assert got["_y"] == pytest.approx(want["lat"], abs=1e-7)


def test_ogr2ogr_converts_it_to_a_geopackage_with_every_value(tmp_path, token_client, seeded):
    source = tmp_path / "reports.geojson"
    source.write_bytes(body(token_client("dispatcher").get(URL)))
    target = tmp_path / "reports.gpkg"
    ogr2ogr("-f", "GPKG", "-oo", "DATE_AS_STRING=YES", str(target), str(source))

    truth = expected(Report.objects.all())
    read = read_layer(target)
    assert set(read) == set(truth)
    for reference, want in truth.items():
        got = read[reference]
        assert {name: got[name] for name in PROPERTIES} == {n: want[n] for n in PROPERTIES}
        assert (got["_x"], got["_y"]) == pytest.approx((want["lon"], want["lat"]), abs=1e-7)


def test_rfc_7946_no_crs_lon_first_seven_decimals(token_client, make_report):
    """A case at Neptune's Fountain lies in Śródmieście only when read longitude first."""
    make_report("pothole", 18.653212345678, 54.348512345678, description="Precyzyjnie")
    settle()
    data = json.loads(body(token_client("consultant").get(URL)))
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data
    [feature] = data["features"]
    assert "crs" not in feature
    assert "crs" not in feature["geometry"]
    assert feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    assert (lon, lat) == (18.6532123, 54.3485123)  # 7 decimals, rounded
    text = body(token_client("consultant").get(URL)).decode()
    assert not re.search(r"\d\.\d{8,}", text)
    srodmiescie = District.objects.get(slug="srodmiescie")
    assert srodmiescie.geometry.covers(Report.objects.get().location)
    from django.contrib.gis.geos import Point

    assert srodmiescie.geometry.covers(Point(lon, lat, srid=4326))
    assert not srodmiescie.geometry.covers(Point(lat, lon, srid=4326))
    assert feature["properties"]["district"] == "srodmiescie"


def test_properties_are_flat(token_client, seeded):
    data = json.loads(body(token_client("consultant").get(URL)))
    for feature in data["features"]:
        assert list(feature) == ["type", "id", "geometry", "properties"]
        assert list(feature["properties"]) == PROPERTIES
        assert feature["id"] == feature["properties"]["reference"]
        for value in feature["properties"].values():
            assert value is None or isinstance(value, str)


def test_no_personal_data_internal_notes_or_flags(token_client, seeded):
    raw = body(token_client("admin").get(URL))
    text = raw.decode()
    assert seeded["quotes"].reference in text
    for secret in [*PII_FRAGMENTS, *INTERNAL]:
        assert secret.lower() not in text.lower()
        assert json.dumps(secret)[1:-1] not in text  # nor escaped in JSON


def test_category_names_follow_the_language(token_client, seeded):
    client = token_client("consultant")
    english = json.loads(body(client.get(URL, HTTP_ACCEPT_LANGUAGE="en")))
    polish = json.loads(body(client.get(URL)))
    names = {
        f["properties"]["category"]: f["properties"]["category_name"] for f in english["features"]
    }
    assert names["pothole"] == seeded["quotes"].category.name_en
    names = {
        f["properties"]["category"]: f["properties"]["category_name"] for f in polish["features"]
    }
    assert names["pothole"] == seeded["quotes"].category.name_pl


def test_an_empty_export_is_a_valid_collection(token_client, db):
    response = token_client("consultant").get(URL)
    data = json.loads(body(response))
    assert data == {
        "type": "FeatureCollection",
        "numberReturned": 0,
        "cursor": None,
        "next": None,
        "features": [],
    }
    assert "Last-Modified" not in response
