"""Categories, districts and the routing preview: the reference API."""

from __future__ import annotations

import pytest

from mapa.reports.models import Report

pytestmark = pytest.mark.django_db


def test_categories_in_polish_and_english_with_attributes(api):
    polish = {c["code"]: c for c in api.get("/api/categories/").json()}
    english = {c["code"]: c for c in api.get("/api/categories/", HTTP_ACCEPT_LANGUAGE="en").json()}
    assert polish["stray-animal"]["name"] == "Bezpańskie zwierzę"
    assert english["stray-animal"]["name"] == "Stray animal"
    animal = english["stray-animal"]["attributes"][0]
    assert animal["code"] == "animal"
    assert animal["required"] is True
    assert animal["datatype"] == "singlevaluelist"
    assert {"key": "dog", "name": "dog"} in animal["values"]
    assert polish["stray-animal"]["attributes"][0]["values"][0]["name"] == "pies"


def test_districts_as_geojson(api):
    response = api.get("/api/districts/")
    assert response["Content-Type"].startswith("application/geo+json")
    features = response.json()["features"]
    assert len(features) == 35
    oliwa = next(f for f in features if f["id"] == "oliwa")
    assert oliwa["geometry"]["type"] == "MultiPolygon"
    assert oliwa["properties"]["city"] == "Gdańsk"
    assert abs(oliwa["properties"]["area_km2"] - 18.662) < 0.05


def _vertices(feature):
    return sum(len(ring) for polygon in feature["geometry"]["coordinates"] for ring in polygon)


def test_districts_can_be_simplified_in_metres(api):
    full = api.get("/api/districts/").json()["features"]
    simple = api.get("/api/districts/", {"simplify": 20}).json()["features"]
    assert sum(map(_vertices, simple)) < sum(map(_vertices, full)) / 2
    assert (
        len(api.get("/api/districts/", {"simplify": 20}).content)
        < len(api.get("/api/districts/").content) / 2
    )


@pytest.mark.parametrize("value", ["-1", "5000", "lots", "nan"])
def test_bad_simplify_is_a_400(api, value):
    response = api.get("/api/districts/", {"simplify": value})
    assert response.status_code == 400
    assert "simplify" in response.json()


def test_routing_preview_says_who_and_why_and_saves_nothing(api):
    response = api.get(
        "/api/routing/",
        {"category": "stray-animal", "lon": 18.6060, "lat": 54.3800},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["district"] == {"slug": "wrzeszcz-gorny", "name": "Wrzeszcz Górny"}
    assert data["unit"]["code"] == "sm-wrzeszcz"
    assert "Wrzeszcz" in data["routing"]["explanation"]
    assert Report.objects.count() == 0


def test_routing_preview_without_category_names_the_district(api):
    data = api.get("/api/routing/", {"lon": 18.6532, "lat": 54.3485}).json()
    assert data == {"district": {"slug": "srodmiescie", "name": "Śródmieście"}, "border_with": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "pothole", "lon": 18.5640, "lat": 54.4440}, "location"),  # Sopot
        ({"category": "unicorn", "lon": 18.65, "lat": 54.35}, "category"),
        ({"category": "pothole", "lon": 18.65}, "lat"),
        ({"category": "pothole", "lon": "∞", "lat": 54.35}, "location"),
    ],
)
def test_routing_preview_refusals(api, params, field):
    response = api.get("/api/routing/", params)
    assert response.status_code == 400
    assert field in response.json()
