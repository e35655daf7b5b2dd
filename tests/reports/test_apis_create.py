"""POST /api/reports/: the contract, and every kind of bad input (mapa/reports/apis.py)."""

from __future__ import annotations

import json
import re

import pytest

from mapa.reports.models import Report, ReportEvent
from tests.conftest import GDANSK_BAY, GDYNIA_CENTRE, NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY

pytestmark = pytest.mark.django_db

URL = "/api/reports/"
SOPOT_CENTRE = (18.5640, 54.4440)


def body(**overrides):
    data = {
        "category": "pothole",
        "location": {"type": "Point", "coordinates": list(NEPTUNE_FOUNTAIN)},
        "description": "Głęboka dziura przy fontannie Neptuna",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}


def post(api, data, **headers):
    raw = data if isinstance(data, str | bytes) else json.dumps(data)
    return api.post(
        URL, raw, content_type=headers.pop("content_type", "application/json"), **headers
    )


def refused(api, data, field, *, status=400, **headers):
    """POST, expect a refusal naming ``field``, and check nothing was saved."""
    before = (Report.objects.count(), ReportEvent.objects.count())
    response = post(api, data, **headers)
    assert response.status_code == status, response.content
    payload = response.json()
    assert field in payload, payload
    assert (Report.objects.count(), ReportEvent.objects.count()) == before
    return payload[field]


def test_a_report_is_stored_routed_and_answered_as_a_geojson_feature(api):
    response = post(
        api,
        body(
            email="jan.kowalski@example.com",
            phone="+48 600 100 200",
            name="Jan Kowalski",
            address="Długi Targ 1",
        ),
    )
    assert response.status_code == 201, response.content
    assert response["Content-Type"].startswith("application/geo+json")
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": list(NEPTUNE_FOUNTAIN)}
    props = feature["properties"]
    assert re.fullmatch(r"GD-20\d\d-\d{6}", props["reference"])
    assert props["status"] == "new"
    assert props["category"]["code"] == "pothole"
    assert props["district"] == {"slug": "srodmiescie", "name": "Śródmieście"}
    assert props["unit"] == {"code": "gzdiz", "name": "Gdański Zarząd Dróg i Zieleni"}
    assert props["routing"]["reason"] == "category_default"
    assert "Gdański Zarząd Dróg i Zieleni" in props["routing"]["explanation"]
    assert [event["to_status"] for event in props["history"]] == ["new"]

    report = Report.objects.get(reference=props["reference"])
    assert report.location.srid == 4326
    assert (report.location.x, report.location.y) == NEPTUNE_FOUNTAIN
    assert report.reporter_email == "jan.kowalski@example.com"
    assert report.channel == "web"
    assert report.routing_explanation.startswith("Przekazano")  # frozen in Polish
    text = response.content.decode()
    for secret in ("jan.kowalski@example.com", "600 100 200", "Jan Kowalski"):
        assert secret not in text


def test_references_are_sequential_and_unique(api):
    first = post(api, body()).json()["properties"]["reference"]
    second = post(api, body()).json()["properties"]["reference"]
    prefix, year, number = first.rsplit("-", 2)[0], *first.split("-")[1:]
    assert second == f"{prefix}-{year}-{int(number) + 1:06d}"


def test_category_attributes_are_checked_and_stored(api):
    response = post(
        api,
        body(
            category="stray-animal",
            attributes={"animal": "dog"},
            location={"type": "Point", "coordinates": list(WRZESZCZ_GORNY)},
        ),
    )
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert props["unit"]["code"] == "sm-wrzeszcz"
    assert props["attributes"][0]["code"] == "animal"
    assert props["attributes"][0]["value"] == "dog"


def test_private_attributes_are_not_published(api):
    response = post(api, body(category="abandoned-vehicle", attributes={"plate": "GD 12345"}))
    assert response.status_code == 201
    assert "GD 12345" not in response.content.decode()
    reference = response.json()["properties"]["reference"]
    assert Report.objects.get(reference=reference).attributes == {"plate": "GD 12345"}
    assert "GD 12345" not in api.get(f"{URL}{reference}/").content.decode()


def test_channel_is_recorded(api):
    response = post(api, body(channel="sms"))
    assert response.status_code == 201
    assert Report.objects.get().channel == "sms"


# --- location ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "message"),
    [
        (..., "required"),
        (None, "null"),
        ("18.65,54.35", "GeoJSON Point"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[18.6, 54.3], [18.7, 54.3], [18.6, 54.4], [18.6, 54.3]]],
            },
            "not Polygon",
        ),
        ({"type": "LineString", "coordinates": [[18.6, 54.3], [18.7, 54.3]]}, "not LineString"),
        ({"coordinates": [18.65, 54.35]}, "GeoJSON Point"),
        ({"type": "Point"}, "[longitude, latitude]"),
        ({"type": "Point", "coordinates": [18.65]}, "[longitude, latitude]"),
        ({"type": "Point", "coordinates": "18.65 54.35"}, "[longitude, latitude]"),
        ({"type": "Point", "coordinates": ["east", 54.35]}, "longitude must be a number"),
        ({"type": "Point", "coordinates": [18.65, None]}, "latitude is missing"),
        ({"type": "Point", "coordinates": [True, 54.35]}, "longitude is missing"),
        ({"type": "Point", "coordinates": [1e999, 54.35]}, "finite"),
        ({"type": "Point", "coordinates": [18.65, -1e999]}, "finite"),
        ({"type": "Point", "coordinates": [181, 54.35]}, "Longitude 181 is out of range"),
        ({"type": "Point", "coordinates": [18.65, 90.5]}, "Latitude 90.5 is out of range"),
        (
            {
                "type": "Point",
                "coordinates": [18.65, 54.35],
                "crs": {"type": "name", "properties": {"name": "EPSG:2180"}},
            },
            "EPSG:4326",
        ),
    ],
)
def test_bad_locations_are_refused_naming_the_location(api, location, message):
    data = body(location=location)
    raw = json.dumps(data).replace("Infinity", "1e999")  # json.dumps writes Infinity
    errors = refused(api, raw, "location", HTTP_ACCEPT_LANGUAGE="en")
    assert message in " ".join(errors), errors


def test_nan_is_not_json_and_is_refused(api):
    raw = json.dumps(body()).replace("18.6532", "NaN")
    response = post(api, raw)
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (SOPOT_CENTRE, "This location is in Sopot; Gdańsk's services cannot act there"),
        (GDYNIA_CENTRE, "This location is in Gdynia"),
        (GDANSK_BAY, "outside Gdańsk"),
        ((NEPTUNE_FOUNTAIN[1], NEPTUNE_FOUNTAIN[0]), "swapped"),
    ],
)
def test_points_outside_the_city_are_refused_saying_where_they_are(api, where, message):
    errors = refused(
        api,
        body(location={"type": "Point", "coordinates": list(where)}),
        "location",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert message in errors[0]


def test_outside_message_is_in_polish_by_default(api):
    errors = refused(
        api, body(location={"type": "Point", "coordinates": list(SOPOT_CENTRE)}), "location"
    )
    assert "Sopot" in errors[0]
    assert "This location" not in errors[0]


# --- other fields --------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"category": ...}, "category", "required"),
        ({"category": "unicorn"}, "category", "Unknown category “unicorn”"),
        ({"category": "x" * 500}, "category", "Unknown category"),
        ({"description": ...}, "description", "required"),
        ({"description": ""}, "description", "blank"),
        ({"description": "   \n "}, "description", "blank"),
        ({"description": "x" * 4001}, "description", "4000"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"phone": "call me"}, "phone", "phone number"),
        ({"channel": "pigeon"}, "channel", "not a valid choice"),
        ({"location_source": "guess"}, "location_source", "not a valid choice"),
        ({"attributes": ["dog"]}, "attributes", "dictionary"),
        ({"photos": ["not-a-uuid"]}, "photos", "UUID"),
    ],
)
def test_bad_fields_are_refused_naming_the_field(api, overrides, field, message):
    errors = refused(api, body(**overrides), field, HTTP_ACCEPT_LANGUAGE="en")
    assert message in json.dumps(errors, ensure_ascii=False), errors


def test_a_description_of_exactly_4000_characters_is_accepted(api):
    assert post(api, body(description="x" * 4000)).status_code == 201


def test_a_missing_required_attribute_is_named(api):
    errors = refused(api, body(category="stray-animal"), "attributes", HTTP_ACCEPT_LANGUAGE="en")
    assert errors == {"animal": ["This field is required."]}


def test_a_wrong_attribute_value_and_an_unknown_attribute_are_named(api):
    errors = refused(
        api,
        body(category="stray-animal", attributes={"animal": "dragon", "colour": "red"}),
        "attributes",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert set(errors) == {"animal", "colour"}
    assert "dog, cat, wild, other" in errors["animal"][0]


def test_an_unknown_photo_id_is_refused_and_nothing_is_saved(api):
    errors = refused(
        api,
        body(photos=["0b7e8d4c-7d7e-4a58-9d2c-0a3c3c1b2a10"]),
        "photos",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "not found" in errors[0]


# --- the request itself -----------------------------------------------------------


def test_malformed_json_is_a_400(api):
    response = post(api, '{"category": "pothole", "location": ')
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["detail"] or "JSON" in response.json()["detail"]
    assert Report.objects.count() == 0


def test_a_json_array_is_refused(api):
    response = post(api, "[1, 2]", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_a_wrong_content_type_is_a_415(api, content_type):
    response = post(api, json.dumps(body()), content_type=content_type)
    assert response.status_code == 415
    assert content_type.split(";")[0] in response.json()["detail"]
    assert Report.objects.count() == 0


def test_an_oversized_body_is_a_413(api):
    response = post(api, json.dumps(body(description="x" * 70_000)))
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]
    assert Report.objects.count() == 0


def test_errors_are_in_english_when_asked(api):
    errors = refused(api, body(description=""), "description", HTTP_ACCEPT_LANGUAGE="en")
    assert errors == ["This field may not be blank."]


def test_errors_are_in_polish_by_default(api):
    errors = refused(api, body(category="unicorn"), "category")
    assert "unicorn" in errors[0]
    assert "Unknown category" not in errors[0]
