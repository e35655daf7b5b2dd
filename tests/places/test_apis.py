"""GET /api/places/ (mapa/places/apis.py): GeoJSON results, clear 400s, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("places")

URL = "/api/places/"


def test_search_returns_a_geojson_feature_collection(api):
    response = api.get(URL, {"q": "piwna 27"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    [feature] = body["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [18.6520565, 54.3495626]}
    properties = feature["properties"]
    assert feature["id"] == properties["id"]
    assert {k: v for k, v in properties.items() if k != "id"} == {
        "label": "Piwna 27/29 — Gdańska Galeria Miejska 1",
        "name": "Gdańska Galeria Miejska 1",
        "kind": "poi",
        "street": "Piwna",
        "housenumber": "27/29",
        "district": {"slug": "srodmiescie", "name": "Śródmieście"},
    }


def test_no_match_is_an_empty_collection(api):
    response = api.get(URL, {"q": "nie ma takiej ulicy"})
    assert response.status_code == 200
    assert response.json() == {"type": "FeatureCollection", "features": []}


def test_limit(api):
    assert len(api.get(URL, {"q": "gdańsk", "limit": 2}).json()["features"]) == 2
    assert len(api.get(URL, {"q": "gdańsk"}).json()["features"]) == 10


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "q", "Type an address or a place name (the q parameter)."),
        ({"q": ""}, "q", "Type an address or a place name."),
        ({"q": "   "}, "q", "Type an address or a place name."),
        ({"q": "a"}, "q", "Type at least 2 characters."),
        ({"q": " a "}, "q", "Type at least 2 characters."),
        ({"q": "a" * 101}, "q", "Type at most 100 characters."),
        ({"q": "piwna", "limit": "abc"}, "limit", "The limit must be a whole number."),
        ({"q": "piwna", "limit": "1.5"}, "limit", "The limit must be a whole number."),
        ({"q": "piwna", "limit": "NaN"}, "limit", "The limit must be a whole number."),
        ({"q": "piwna", "limit": "0"}, "limit", "The limit must be at least 1."),
        ({"q": "piwna", "limit": "-3"}, "limit", "The limit must be at least 1."),
        ({"q": "piwna", "limit": "51"}, "limit", "The limit must be at most 50."),
        ({"q": "piwna", "limit": "9" * 30}, "limit", "The limit must be at most 50."),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, params, field, message):
    response = api.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_messages_follow_the_language(api):
    english = api.get(URL, {"q": "a"}, HTTP_ACCEPT_LANGUAGE="en").json()
    polish = api.get(URL, {"q": "a"}, HTTP_ACCEPT_LANGUAGE="pl").json()
    assert set(english) == set(polish) == {"q"}


@pytest.mark.parametrize(
    "query",
    [
        "a" * 100,
        "a\x00b",
        "%%%%",
        "'; DROP TABLE places_place; --",
        "(((((",
        "\\d+",
        "ą" * 100,
        "ﬁ" * 100,  # expands to "fi" when folded
        "🙂🙂",
        "\u202e\u202d",
        "1 " * 50,
    ],
)
def test_odd_queries_never_fail(api, query):
    response = api.get(URL, {"q": query})
    assert response.status_code in (200, 400)
    assert response.json()


def test_only_get_is_allowed(api):
    assert api.post(URL, {"q": "piwna"}, format="json").status_code == 405
