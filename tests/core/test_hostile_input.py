"""Each class of hostile input that once ended in a 500 or was wrongly accepted (issue 7).

One test per class, through the public API as a client sends it: the answer is
a 4xx in the API's own shape naming the field (or a 404 for a path), and
nothing is saved. mapa/core/api.py (parsing), core/guards.py (query and path),
core/geo.py and core/numbers.py (numbers), reports/photos.py (decoding).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from mapa.catalogue.models import CategoryAttribute
from mapa.reports.models import Report, ReportEvent
from tests.conftest import NEPTUNE_FOUNTAIN

pytestmark = pytest.mark.django_db

POINT = {"type": "Point", "coordinates": list(NEPTUNE_FOUNTAIN)}
REPORT = {"category": "pothole", "location": POINT, "description": "Dziura w jezdni"}
NUL = "\x00"
SURROGATE = "\ud800"


def post(api, body: Any, content_type: str = "application/json", language: str = "en"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()  # \ud800 escaped
    return api.generic(
        "POST", "/api/reports/", raw, content_type=content_type, HTTP_ACCEPT_LANGUAGE=language
    )


@pytest.fixture
def nothing_saved():
    before = (Report.objects.count(), ReportEvent.objects.count())
    yield
    assert (Report.objects.count(), ReportEvent.objects.count()) == before


@pytest.mark.parametrize("bad", [NUL, SURROGATE, f"pot{NUL}hole", f"pot{SURROGATE}hole"])
@pytest.mark.parametrize("field", ["category", "description", "address", "email", "name"])
def test_unstorable_text_in_any_json_field_is_a_400_naming_it(api, nothing_saved, field, bad):
    response = post(api, {**REPORT, field: bad})
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert "U+" in response.json()[field][0]


def test_unstorable_text_in_a_question_names_the_question(api, nothing_saved):
    body = {**REPORT, "category": "stray-animal", "attributes": {"animal": f"dog{NUL}"}}
    response = post(api, body)
    assert response.status_code == 400
    assert response.json() == {
        "attributes": {"animal": ["Text cannot contain NUL characters (U+0000)."]}
    }


@pytest.mark.parametrize("key", [f"animal{NUL}", f"animal{SURROGATE}"])
def test_unstorable_text_in_a_question_key_names_the_answers(api, nothing_saved, key):
    response = post(api, {**REPORT, "category": "stray-animal", "attributes": {key: "dog"}})
    assert response.status_code == 400
    assert list(response.json()) == ["attributes"]


def test_unstorable_text_in_a_member_name_is_a_400(api, nothing_saved):
    response = post(api, {**REPORT, f"x{NUL}": 1})
    assert response.status_code == 400
    assert "detail" in response.json()


def test_polish_is_the_default_for_these_messages_too(api, nothing_saved):
    response = post(api, {**REPORT, "description": NUL}, language="pl")
    assert response.json() == {"description": ["Tekst nie może zawierać znaków NUL (U+0000)."]}


@pytest.mark.parametrize(
    "path",
    [
        "/api/reports/?category=pot%00hole",
        "/api/reports/?district=%00",
        "/api/reports/nearby/?lon=18.65&lat=54.35&radius=%00",
        "/api/routing/?lon=18.65&lat=54.35&category=%00",
        "/api/places/?q=Piwna%00",
    ],
)
def test_a_nul_in_a_query_parameter_is_a_400_naming_it(api, path):
    response = api.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    name = path.split("=")[-2].rsplit("&", 1)[-1].split("?")[-1]
    assert list(response.json()) == [name]


@pytest.mark.parametrize("path", ["/api/reports/%00/", "/api/reports/GD-2026-%00/"])
def test_a_nul_in_an_api_path_is_a_json_404(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_nul_in_a_page_path_is_an_html_404(client):
    response = client.get("/r/GD-2026-%00/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("coordinates", "message"),
    [
        ([10**400, 54.35], "longitude must be a finite number"),  # an OverflowError once
        ([18.65, -(10**400)], "latitude must be a finite number"),
        ([1e300, 54.35], "out of range"),
        ([18.65, 54.35, "zzz"], "altitude"),
        (["18.65", 54.35], "longitude must be a number"),
    ],
)
def test_coordinates_are_parsed_strictly(api, nothing_saved, coordinates, message):
    response = post(api, {**REPORT, "location": {"type": "Point", "coordinates": coordinates}})
    assert response.status_code == 400
    assert message in response.json()["location"][0]


@pytest.mark.parametrize(
    "crs", ["EPSG:43260", "EPSG:2180", "4326", {"properties": {"name": "EPSG:4326"}}, "CRS84x"]
)
def test_only_wgs84_crs_names_are_accepted(api, nothing_saved, crs):
    named = crs if isinstance(crs, dict) else {"type": "name", "properties": {"name": crs}}
    response = post(api, {**REPORT, "location": {**POINT, "crs": named}})
    assert response.status_code == 400
    assert list(response.json()) == ["location"]


def test_wgs84s_own_crs_name_is_accepted(api):
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    assert post(api, {**REPORT, "location": {**POINT, "crs": crs}}).status_code == 201


@pytest.mark.parametrize("lon", ["1_8.6532", "nan", "inf", "0x12", "18.65.1", "1e999"])
def test_query_coordinates_must_be_plain_decimal_numbers(api, lon):
    response = api.get(f"/api/reports/nearby/?lon={lon}&lat=54.35", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert list(response.json()) == ["location"]


def test_a_huge_number_as_a_numeric_answer_is_a_400(api, category):
    pothole = category("pothole")
    CategoryAttribute.objects.create(
        category=pothole, code="depth_cm", datatype="number", label_pl="Głębokość", label_en="Depth"
    )
    for value in (10**400, "1_000", "nan"):
        response = post(api, {**REPORT, "attributes": {"depth_cm": value}})
        assert response.status_code == 400, value
        assert list(response.json()["attributes"]) == ["depth_cm"]
    assert not Report.objects.exists()
    assert post(api, {**REPORT, "attributes": {"depth_cm": "12.5"}}).status_code == 201


@pytest.mark.parametrize("depth", [33, 5000, 100_000])
def test_deep_nesting_is_a_400_before_parsing(api, nothing_saved, settings, depth):
    settings.MAPA_MAX_JSON_BODY_BYTES = 400_000
    response = post(api, b"[" * depth + b"]" * depth)
    assert response.status_code == 400
    assert "nested more than 32 levels" in response.json()["detail"]


def test_brackets_inside_strings_do_not_count_as_nesting(api):
    response = post(api, {**REPORT, "description": "[[[[{{{{" * 100})
    assert response.status_code == 201


def test_rfc_7946s_own_media_type_is_json(api):
    response = post(api, REPORT, content_type="application/geo+json")
    assert response.status_code == 201


def test_a_multipart_body_to_a_json_endpoint_says_what_it_takes(api, nothing_saved):
    response = api.post("/api/reports/", REPORT | {"location": "x"}, format="multipart")
    assert response.status_code == 415
    detail = response.json()["detail"]
    assert "application/json" in detail
    assert "multipart/form-data" in detail


# Fullwidth, Arabic-Indic and Devanagari digits: float() reads them all.
@pytest.mark.parametrize(
    "lon", ["\uff11\uff18.\uff16\uff15", "\u0661\u0668.\u0666", "\u0967\u096e.\u096c"]
)
def test_digits_of_other_scripts_are_not_numbers(api, lon):
    response = api.get(f"/api/reports/nearby/?lon={lon}&lat=54.3485", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert list(response.json()) == ["location"]


@pytest.mark.parametrize("field", ["description", "address", "name"])
@pytest.mark.parametrize("value", [0, 1e308, True, ["text"]])
def test_text_fields_take_text_only(api, nothing_saved, field, value):
    response = post(api, {**REPORT, field: value})
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("text", ["Dziura ", " Dziura", "Dziura\u2028", "Dziura\n\n"])
def test_a_description_round_trips_unchanged(api, text):
    created = post(api, {**REPORT, "description": text, "address": f"{text} 1"})
    assert created.status_code == 201
    reference = created.json()["properties"]["reference"]
    detail = api.get(f"/api/reports/{reference}/").json()["properties"]
    assert (detail["description"], detail["address"]) == (text, f"{text} 1")


def test_an_altitude_beyond_a_double_is_refused(api, nothing_saved):
    response = post(api, {**REPORT, "location": {**POINT, "coordinates": [18.65, 54.35, 10**309]}})
    assert response.status_code == 400
    assert "altitude" in response.json()["location"][0]


def test_a_parameter_whose_name_cannot_be_stored_is_a_detail(api):
    response = api.get("/api/reports/?%00=1&bbox=%00")
    assert response.status_code == 400
    assert list(response.json()) == ["detail"]
    assert isinstance(response.json()["detail"], str)


def test_a_page_refusing_a_query_answers_in_polish(client):
    response = client.get("/?x=%00")
    assert response.status_code == 400
    text = response.content.decode()
    assert '<html lang="pl">' in text
    assert "Nie udało się odczytać żądania" in text


def test_the_no_javascript_form_parses_coordinates_strictly(client, nothing_saved):
    response = client.post(
        "/report/",
        {"category": "pothole", "description": "Dziura", "lon": "1_8.6532", "lat": "54.3485"},
    )
    assert response.status_code == 400
