"""GET /api/exports/map.html: who may ask, what they see, what a wrong question answers.

Staff accounts and clients come from tests/exports/conftest.py (tests/staff's fixtures).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from mapa.reports.models import Report, ReportStatus
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY
from tests.exports.briefing_page import BriefingPage

pytestmark = pytest.mark.django_db

URL = "/api/exports/map.html"
OSM_CREDIT = re.compile(r'"attribution": "(?:[^"\\]|\\.)*OpenStreetMap')  # a layer's credit
XSS = '<img src=x onerror=alert(1)></script><script>alert("boom")</script>'
# Distinctive personal data: it must never reach a map.
PII = {
    "reporter_name": "Bożydar Briefingowy-Nieujawniony",
    "reporter_email": "bozydar.briefing.7731@example.org",
    "reporter_phone": "+48 601 773 199",
}


@pytest.fixture
def seeded(make_report: Callable[..., Report]) -> dict[str, Report]:
    """Cases of GZDiZ and of Straż Miejska in Śródmieście and Wrzeszcz Górny, open and not."""
    dog = {"attributes": {"animal": "dog"}}
    made = {
        "road": make_report("pothole", *NEPTUNE_FOUNTAIN, description=XSS, **PII),
        "pavement": make_report("pavement", *WRZESZCZ_GORNY, address="Grunwaldzka 1", **PII),
        "road_done": make_report("pothole", *NEPTUNE_FOUNTAIN, **PII),
        "dog": make_report("stray-animal", *NEPTUNE_FOUNTAIN, **dog, **PII),
        "dog_wrzeszcz": make_report("stray-animal", *WRZESZCZ_GORNY, **dog, **PII),
    }
    Report.objects.filter(pk=made["road_done"].pk).update(status=ReportStatus.RESOLVED)
    return made


def page_of(response: object) -> BriefingPage:
    assert response.status_code == 200, response.content[:500]  # type: ignore[attr-defined]
    return BriefingPage(response.content.decode("utf-8"))  # type: ignore[attr-defined]


def refs(seeded: dict[str, Report], *names: str) -> set[str]:
    return {seeded[name].reference for name in names}


def test_a_unit_token_gets_its_units_open_cases_as_one_html_page(token_client, seeded):
    before = timezone.now()
    response = token_client("unit_gzdiz").get(URL, {"unit": "gzdiz"})
    after = timezone.now()
    page = page_of(response)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="mapa-briefing-gzdiz-')
    assert disposition.endswith('.html"')
    assert page.pin_references() == refs(seeded, "road", "pavement")  # not the resolved one
    for reference in refs(seeded, "dog", "dog_wrzeszcz", "road_done"):
        assert reference not in response.content.decode()
    assert {f["properties"]["slug"] for f in page.outline()} == {"srodmiescie", "wrzeszcz-gorny"}
    assert set(page.legend) == {"pothole", "pavement"}
    assert page.legend["pothole"][1] == 1
    assert page.legend["pavement"][1] == 1
    assert before - timedelta(seconds=1) <= page.generated_at() <= after + timedelta(seconds=1)
    assert page.generated_at().utcoffset() == timezone.localtime(before).utcoffset()  # Warsaw
    assert page.outside_references() == []


def test_a_session_works_like_a_token(session_client, seeded):
    page = page_of(session_client("dispatcher").get(URL, {"unit": "gzdiz"}))
    assert page.pin_references() == refs(seeded, "road", "pavement")


def test_a_unit_token_asking_for_another_unit_gets_an_empty_map(token_client, seeded):
    response = token_client("unit_gzdiz").get(URL, {"unit": "sm"})
    page = page_of(response)
    assert page.pins() == []
    text = response.content.decode()
    for reference in refs(seeded, "dog", "dog_wrzeszcz"):
        assert reference not in text
    assert page.legend == {}
    # With no case to outline, the map shows the city.
    assert [f["properties"]["slug"] for f in page.outline()] == ["gdansk"]


def test_a_unit_token_sees_its_district_offices_cases(token_client, seeded):
    page = page_of(token_client("unit_sm").get(URL, {"unit": "sm"}))
    assert page.pin_references() == refs(seeded, "dog", "dog_wrzeszcz")
    page = page_of(token_client("unit_sm").get(URL, {"district": "srodmiescie"}))
    assert page.pin_references() == refs(seeded, "dog")  # only its own, in the district


def test_a_district_map_shows_every_visible_case_in_it_under_its_outline(token_client, seeded):
    page = page_of(token_client("consultant").get(URL, {"district": "wrzeszcz-gorny"}))
    assert page.pin_references() == refs(seeded, "pavement", "dog_wrzeszcz")
    outline = page.outline()
    assert [f["properties"]["slug"] for f in outline] == ["wrzeszcz-gorny"]
    assert outline[0]["geometry"]["type"] == "MultiPolygon"


def test_unit_and_district_together_narrow_to_the_units_cases_in_the_district(token_client, seeded):
    page = page_of(token_client("dispatcher").get(URL, {"unit": "sm", "district": "srodmiescie"}))
    assert page.pin_references() == refs(seeded, "dog")


def test_status_and_category_narrow_the_map(token_client, seeded):
    client = token_client("dispatcher")
    page = page_of(client.get(URL, {"unit": "gzdiz", "status": "resolved"}))
    assert page.pin_references() == refs(seeded, "road_done")
    page = page_of(client.get(URL, {"unit": "gzdiz", "category": "pavement"}))
    assert page.pin_references() == refs(seeded, "pavement")
    page = page_of(client.get(URL, {"unit": "gzdiz", "status": "open,resolved"}))
    assert page.pin_references() == refs(seeded, "road", "pavement", "road_done")


def test_anonymous_is_401_and_an_account_without_a_role_is_403(token_client, seeded):
    response = APIClient().get(URL, {"unit": "gzdiz"})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    assert token_client("no_role").get(URL, {"unit": "gzdiz"}).status_code == 403


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({}, {"unit", "district"}),
        ({"unit": "gzdz"}, {"unit"}),
        ({"district": "atlantyda"}, {"district"}),
        ({"unit": "gzdiz", "district": "atlantyda"}, {"district"}),
        ({"unit": "gzdiz,sm"}, {"unit"}),
        ({"district": "oliwa,chelm"}, {"district"}),
        ({"unit": "gzdiz", "status": "lost"}, {"status"}),
        ({"unit": "gzdiz", "category": "dragons"}, {"category"}),
        ({"unit": "gzdiz", "created_after": "yesterday"}, {"created_after"}),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(token_client, query, errors):
    # A browser asks for HTML; the error is still the API's JSON.
    response = token_client("dispatcher").get(URL, query, HTTP_ACCEPT="text/html")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == errors
    assert all(isinstance(messages, list) and messages for messages in body.values())


def test_an_html_only_accept_header_still_gets_the_map(token_client, seeded):
    response = token_client("dispatcher").get(URL, {"unit": "gzdiz"}, HTTP_ACCEPT="text/html")
    assert page_of(response).pin_references() == refs(seeded, "road", "pavement")


def test_the_map_follows_accept_language(token_client, seeded):
    client = token_client("dispatcher")
    polish = page_of(client.get(URL, {"unit": "gzdiz"}))
    english = page_of(client.get(URL, {"unit": "gzdiz"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert polish.lang == "pl"
    assert english.lang == "en"
    assert polish.legend["pothole"][0] == "Dziura w jezdni lub uszkodzona droga"
    assert english.legend["pothole"][0] == "Pothole or road damage"
    polish_pin = next(p for p in polish.pins() if p["properties"]["category"]["code"] == "pothole")
    english_pin = next(
        p for p in english.pins() if p["properties"]["category"]["code"] == "pothole"
    )
    assert polish_pin["properties"]["status_label"] != english_pin["properties"]["status_label"]
    assert "OpenStreetMap" in english.panel_text


def test_no_personal_data_in_the_map(token_client, seeded):
    text = token_client("consultant").get(URL, {"district": "srodmiescie"}).content.decode()
    assert seeded["road"].reference in text
    for value in PII.values():
        assert value not in text
    for fragment in ("bozydar.briefing", "601 773 199", "601773199", "Bożydar", "Briefingowy"):
        assert fragment not in text


def test_text_from_the_database_cannot_become_markup(token_client, seeded, category):
    pothole = category("pothole")
    pothole.name_pl = "<b onmouseover=alert(2)>Dziura</b>"
    pothole.save()
    response = token_client("dispatcher").get(URL, {"unit": "gzdiz"})
    text = response.content.decode()
    page = page_of(response)
    # The description travels as JSON data inside a script: every < is escaped there.
    assert "<img src=x onerror=alert(1)>" not in text
    assert '<script>alert("boom")' not in text
    assert "<b onmouseover" not in text
    assert "&lt;b onmouseover=alert(2)&gt;Dziura&lt;/b&gt;" in text  # the legend, escaped
    assert page.legend["pothole"][0] == "<b onmouseover=alert(2)>Dziura</b>"  # as text
    road = next(p for p in page.pins() if p["properties"]["reference"] == seeded["road"].reference)
    assert road["properties"]["description"] == XSS  # the data itself is intact


def test_the_response_sandboxes_the_page_and_allows_only_tiles(token_client, seeded):
    with override_settings(MAPA_TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png"):
        response = token_client("dispatcher").get(URL, {"unit": "gzdiz"})
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox allow-scripts allow-popups")
    assert "default-src 'none'" in policy
    assert "img-src data: https://*.tiles.example.org;" in policy
    assert "private" in response["Cache-Control"]
    page = page_of(response)
    assert page.csp
    assert "default-src 'none'" in page.csp
    assert any("https://{s}.tiles.example.org/{z}/{x}/{y}.png" in s for s in page.scripts)


@override_settings(
    MAPA_TILE_URL="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    MAPA_TILE_ATTRIBUTION="&copy; OpenStreetMap contributors",
)
def test_openstreetmap_is_credited_once_with_its_tiles(token_client, seeded):
    text = token_client("dispatcher").get(URL, {"unit": "gzdiz"}).content.decode()
    assert len(OSM_CREDIT.findall(text)) == 1  # the tiles' credit
    assert '"attribution": "",' in text  # the outline's: not twice


def test_with_no_tile_server_there_is_no_tile_layer(token_client, seeded):
    with override_settings(MAPA_TILE_URL=""):
        response = token_client("dispatcher").get(URL, {"unit": "gzdiz"})
    page = page_of(response)
    assert not any("L.tileLayer(" in script for script in page.scripts)
    # The boundaries are OpenStreetMap's: the map credits it even without tiles.
    assert len(OSM_CREDIT.findall(response.content.decode())) == 1
    assert "img-src data:;" in page.csp
    assert page.pin_references() == refs(seeded, "road", "pavement")
    assert page.outline()


def test_the_popups_link_to_the_public_report_pages_on_this_site(token_client, seeded):
    response = token_client("dispatcher").get(URL, {"unit": "gzdiz"}, SERVER_NAME="localhost")
    page = page_of(response)
    assert page.config["base"] == "http://localhost/"
    road = next(p for p in page.pins() if p["properties"]["reference"] == seeded["road"].reference)
    assert road["properties"]["url"].endswith(f"/{seeded['road'].reference}/")
    detail = APIClient().get(road["properties"]["url"])
    assert detail.status_code == 200  # the public page exists at that path


def test_the_api_schema_describes_the_map_as_html_with_json_errors():
    operation = SchemaGenerator().get_schema(request=None, public=True)["paths"][URL]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"text/html"}
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names >= {"unit", "district", "category", "status"}
    bad = operation["responses"]["400"]["content"]["application/json"]["examples"]
    assert any("unit" in example["value"] for example in bad.values())
    assert {"401", "403"} <= set(operation["responses"])
