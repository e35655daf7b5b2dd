"""POST requests.{json,xml} (mapa/open311/services.py): filing, routing, refusals."""

from __future__ import annotations

import json

import pytest

from mapa.catalogue.models import AttributeType, CategoryAttribute
from mapa.reports.models import Channel, Report
from tests.conftest import GDANSK_BAY, NEPTUNE_FOUNTAIN, SOPOT_PIER, WRZESZCZ_GORNY
from tests.open311.conftest import BASE, errors_of, xml_of

pytestmark = pytest.mark.django_db

LON, LAT = NEPTUNE_FOUNTAIN


def test_a_consultants_key_files_a_request_with_contact_data_kept_private(post, keys, client):
    response = post(
        keys["consultant"],
        service_code="stray-animal",
        lat=LAT,
        long=LON,
        **{"attribute[animal]": "dog"},
        description="Pies bez smyczy",
        email="ala@example.com",
        first_name="Ala",
        last_name="Kot",
        phone="+48 600 700 800",
        media_url="https://example.org/pies.jpg",
        device_id="abc",
    )
    assert response.status_code == 200, response.content
    [created] = response.json()
    report = Report.objects.get(reference=created["service_request_id"])
    assert created["service_notice"] == report.routing_explanation  # Polish by default
    assert "account_id" not in created  # null: left out of JSON
    assert report.attributes == {"animal": "dog"}
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == (
        "Ala Kot",
        "ala@example.com",
        "+48 600 700 800",
    )
    assert report.media_url == "https://example.org/pies.jpg"
    assert report.channel == Channel.WEB
    assert report.registered_by.username == "o311-gck"
    assert (report.location.x, report.location.y) == (LON, LAT)
    assert report.location.srid == 4326


def test_an_xml_post_in_english_says_who_got_it(post, keys):
    response = post(
        keys["admin"],
        "xml",
        service_code="pothole",
        lat=LAT,
        long=LON,
        description="Hole",
        locale="en",
    )
    root = xml_of(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    report = Report.objects.get(reference=request.findtext("service_request_id"))
    assert request.findtext("service_notice").startswith(f"Sent to {report.unit.name}")
    assert request.find("account_id") is not None
    assert request.findtext("account_id") == ""


@pytest.mark.parametrize(
    ("code", "point", "attributes"),
    [
        ("pothole", NEPTUNE_FOUNTAIN, {}),
        ("stray-animal", NEPTUNE_FOUNTAIN, {"animal": "cat"}),
        ("stray-animal", WRZESZCZ_GORNY, {"animal": "dog"}),
        ("other", WRZESZCZ_GORNY, {}),
        ("traffic-sign-signal", WRZESZCZ_GORNY, {"kind": "signal"}),
        ("street-light", NEPTUNE_FOUNTAIN, {"pole_number": "A-12"}),
    ],
)
def test_routes_exactly_as_the_rest_api(post, keys, api, code, point, attributes):
    rest = api.post(
        "/api/reports/",
        json.dumps(
            {
                "category": code,
                "location": {"type": "Point", "coordinates": list(point)},
                "description": "Test",
                "attributes": attributes,
            }
        ),
        content_type="application/json",
    )
    assert rest.status_code == 201, rest.content
    via_rest = Report.objects.get(reference=rest.json()["id"])
    fields = {f"attribute[{k}]": v for k, v in attributes.items()}
    response = post(
        keys["consultant"],
        service_code=code,
        long=point[0],
        lat=point[1],
        description="Test",
        **fields,
    )
    assert response.status_code == 200, response.content
    via_open311 = Report.objects.get(reference=response.json()[0]["service_request_id"])
    assert (via_open311.unit_id, via_open311.district_id, via_open311.routing_reason) == (
        via_rest.unit_id,
        via_rest.district_id,
        via_rest.routing_reason,
    )
    assert via_open311.routing == via_rest.routing


def test_an_address_string_is_looked_up(post, keys, places):
    response = post(
        keys["consultant"],
        service_code="pothole",
        address_string="Długi Targ 39",
        description="Dziura",
    )
    assert response.status_code == 200, response.content
    report = Report.objects.get(reference=response.json()[0]["service_request_id"])
    assert report.location_source == "address"
    assert "Długi Targ" in report.address
    assert report.district.slug == "srodmiescie"


def test_lat_long_win_over_an_address_string(post, keys, places):
    response = post(
        keys["consultant"],
        service_code="pothole",
        address_string="Długi Targ 39",
        lat=WRZESZCZ_GORNY[1],
        long=WRZESZCZ_GORNY[0],
    )
    report = Report.objects.get(reference=response.json()[0]["service_request_id"])
    assert (report.location.x, report.location.y) == WRZESZCZ_GORNY
    assert report.address == "Długi Targ 39"


def test_a_multivaluelist_takes_repeated_keys(post, keys):
    CategoryAttribute.objects.create(
        category_id=CategoryAttribute.objects.get(category__code="stray-animal").category_id,
        code="seen",
        datatype=AttributeType.MULTI,
        label_pl="Kiedy",
        label_en="When",
        values=[
            {"key": "am", "name_pl": "rano", "name_en": "morning"},
            {"key": "pm", "name_pl": "po południu", "name_en": "afternoon"},
        ],
    )
    response = post(
        keys["consultant"],
        service_code="stray-animal",
        lat=LAT,
        long=LON,
        **{"attribute[animal]": "dog", "attribute[seen][]": ["am", "pm"]},
    )
    assert response.status_code == 200, response.content
    report = Report.objects.get(reference=response.json()[0]["service_request_id"])
    assert report.attributes == {"animal": "dog", "seen": ["am", "pm"]}


def test_multipart_works_too(client, keys):
    response = client.post(
        f"{BASE}requests.json",
        {"api_key": keys["consultant"], "service_code": "pothole", "lat": LAT, "long": LON},
    )
    assert response.status_code == 200, response.content


def test_fields_in_the_query_string_are_taken_as_the_spec_describes_them(client, keys):
    response = client.post(
        f"{BASE}requests.json?api_key={keys['consultant']}"
        f"&service_code=pothole&lat={LAT}&long={LON}"
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({}, "service_code"),
        ({"service_code": "no-such"}, "service_code"),
        ({"service_code": "pothole"}, "lat"),
        ({"service_code": "pothole", "lat": LAT}, "long"),
        ({"service_code": "pothole", "lat": "north", "long": LON}, "lat"),
        ({"service_code": "pothole", "lat": 91, "long": LON}, "lat"),
        ({"service_code": "pothole", "lat": LAT, "long": "nan"}, "long"),
        ({"service_code": "pothole", "lat": GDANSK_BAY[1], "long": GDANSK_BAY[0]}, "lat"),
        ({"service_code": "pothole", "lat": SOPOT_PIER[1], "long": SOPOT_PIER[0]}, "lat"),
        ({"service_code": "pothole", "lat": LON, "long": LAT}, "lat"),  # swapped
        ({"service_code": "pothole", "address_string": "Nieistniejąca 99999"}, "address_string"),
        ({"service_code": "stray-animal", "lat": LAT, "long": LON}, "attribute[animal]"),
        (
            {"service_code": "stray-animal", "lat": LAT, "long": LON, "attribute[animal]": "cow"},
            "attribute[animal]",
        ),
        (
            {"service_code": "pothole", "lat": LAT, "long": LON, "attribute[depth]": "3"},
            "attribute[depth]",
        ),
        ({"service_code": "pothole", "lat": LAT, "long": LON, "email": "not-an-email"}, "email"),
        ({"service_code": "pothole", "lat": LAT, "long": LON, "phone": "call me"}, "phone"),
        (
            {"service_code": "pothole", "lat": LAT, "long": LON, "media_url": "file:///etc/passwd"},
            "media_url",
        ),
        (
            {"service_code": "pothole", "lat": LAT, "long": LON, "description": "x" * 4001},
            "description",
        ),
        (
            {"service_code": "pothole", "lat": LAT, "long": LON, "description": "a\x00b"},
            "description",
        ),
        (
            {
                "service_code": "pothole",
                "lat": LAT,
                "long": LON,
                "first_name": "A" * 60,
                "last_name": "B" * 60,
            },
            "last_name",
        ),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_refusals_are_400s_naming_the_field_and_save_nothing(post, keys, fields, field, fmt):
    before = Report.objects.count()
    response = post(keys["consultant"], fmt, **fields)
    assert response.status_code == 400, response.content
    assert errors_of(response)[0].startswith(field + ":"), errors_of(response)
    assert Report.objects.count() == before


def test_sopot_is_named(post, keys):
    response = post(
        keys["consultant"],
        service_code="pothole",
        lat=SOPOT_PIER[1],
        long=SOPOT_PIER[0],
        locale="en",
    )
    assert "Sopot" in errors_of(response)[0]


@pytest.mark.parametrize("who", [None, "bad", "no_role", "dispatcher", "unit_gzdiz", "a\x00b"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_only_keys_of_accounts_that_may_file_can_post(post, keys, who, fmt):
    key = keys.get(who, who) if who else None
    response = post(key, fmt, service_code="pothole", lat=LAT, long=LON)
    assert response.status_code == 403
    assert errors_of(response)[0].startswith("api_key")
    assert not Report.objects.exists()


def test_a_browser_session_alone_cannot_file(client, keys):
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="o311-gck"))
    client.handler.enforce_csrf_checks = True
    response = client.post(
        f"{BASE}requests.json", {"service_code": "pothole", "lat": LAT, "long": LON}
    )
    assert response.status_code == 403
    assert errors_of(response)[0].startswith("api_key")
    # and with the key, no CSRF token is needed
    response = client.post(
        f"{BASE}requests.json",
        {"api_key": keys["consultant"], "service_code": "pothole", "lat": LAT, "long": LON},
    )
    assert response.status_code == 200
