"""Coverage (mapa/catalogue/coverage.py, GET /api/staff/coverage/): for a category, the unit
routing picks in each of Gdańsk's 35 districts, checked against ``route()`` itself."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from mapa.catalogue.models import Category, RoutingRule, Unit
from mapa.catalogue.routing import route
from mapa.core.sql import fetch_all
from mapa.districts.models import District
from tests.conftest import point

pytestmark = pytest.mark.django_db

COVERAGE = "/api/staff/coverage/"

# A point surely inside each district (not on its border), from PostGIS.
INSIDE_EACH_DISTRICT = """
SELECT d.slug, ST_X(p) AS lon, ST_Y(p) AS lat
FROM districts_district d, ST_PointOnSurface(d.geometry) p
ORDER BY d.slug
"""


@pytest.fixture
def staff(staff_account) -> APIClient:
    client = APIClient()
    client.force_login(staff_account("koordynatorka", "dispatcher"))
    return client


def coverage(client: APIClient, code: str) -> dict[str, dict]:
    response = client.get(COVERAGE, {"category": code})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/geo+json")
    collection = response.json()
    assert collection["category"]["code"] == code
    return {f["id"]: f for f in collection["features"]}


def assert_matches_route(client: APIClient, code: str) -> dict[str, dict]:
    features = coverage(client, code)
    category = Category.objects.get(code=code)
    inside = fetch_all(INSIDE_EACH_DISTRICT)
    assert len(inside) == len(features) == 35
    for row in inside:
        decision = route(category_id=category.pk, point=point(row["lon"], row["lat"]))
        assert decision.district_slug == row["slug"]
        props = features[row["slug"]]["properties"]
        assert props["district"] == {"slug": row["slug"], "name": decision.district_name}
        assert props["unit"] == {"code": decision.unit_code, "name": decision.unit_name}
        assert props["reason"] == decision.reason
        assert props["office_of"] == decision.parent_unit_name
        assert (props["rule"] or {}).get("id") == decision.rule_id
    return features


@pytest.mark.parametrize("code", ["pothole", "stray-animal", "hazard", "other"])
def test_each_districts_unit_is_the_one_route_picks_inside_it(staff, code):
    assert_matches_route(staff, code)


def test_district_offices_take_the_municipal_polices_categories(staff):
    features = assert_matches_route(staff, "stray-animal")
    wrzeszcz = features["wrzeszcz-gorny"]["properties"]
    assert wrzeszcz["unit"]["code"] == "sm-wrzeszcz"
    assert wrzeszcz["office_of"] == "Straż Miejska w Gdańsku"
    assert wrzeszcz["reason"] == "category_default"
    assert wrzeszcz["reason_label"] == "domyślna jednostka kategorii"


def test_rules_show_where_they_apply_and_match_route(staff):
    category = Category.objects.get(code="tree-greenery")
    citywide = RoutingRule.objects.create(category=category, unit=Unit.objects.get(code="gznk"))
    local = RoutingRule.objects.create(
        category=category, unit=Unit.objects.get(code="wzk"), note="sezon burz"
    )
    local.districts.set(District.objects.filter(slug__in=["srodmiescie", "oliwa"]))
    features = assert_matches_route(staff, "tree-greenery")
    srodmiescie = features["srodmiescie"]["properties"]
    assert srodmiescie["unit"]["code"] == "wzk"
    assert srodmiescie["rule"] == {"id": local.pk, "note": "sezon burz", "districts": 2}
    assert srodmiescie["reason"] == "district_rule"
    elsewhere = features["wrzeszcz-gorny"]["properties"]
    assert (elsewhere["unit"]["code"], elsewhere["reason"]) == ("gznk", "city_rule")
    assert elsewhere["rule"]["id"] == citywide.pk


def test_a_rule_to_a_unit_with_offices_goes_to_each_districts_office(staff):
    category = Category.objects.get(code="pothole")
    RoutingRule.objects.create(category=category, unit=Unit.objects.get(code="sm"))
    features = assert_matches_route(staff, "pothole")
    assert {f["properties"]["office_of"] for f in features.values()} == {"Straż Miejska w Gdańsku"}


def test_an_inactive_default_unit_falls_back_to_triage_everywhere(staff):
    Unit.objects.filter(code="gzdiz").update(active=False)
    features = assert_matches_route(staff, "pothole")
    assert {f["properties"]["unit"]["code"] for f in features.values()} == {"gck"}


def test_outlines_are_simplified_polygons(staff):
    features = coverage(staff, "pothole")
    geometry = features["srodmiescie"]["geometry"]
    assert geometry["type"] in {"Polygon", "MultiPolygon"}
    assert len(str(geometry)) < 60_000


def test_names_follow_the_request_language(staff):
    response = staff.get(COVERAGE, {"category": "pothole"}, HTTP_ACCEPT_LANGUAGE="en")
    collection = response.json()
    assert collection["category"]["name"] == "Pothole or road damage"
    assert collection["features"][0]["properties"]["reason_label"] == "category default"


def test_anonymous_is_401_and_an_account_without_a_role_403(api, django_user_model):
    assert api.get(COVERAGE, {"category": "pothole"}).status_code == 401
    api.force_login(django_user_model.objects.create_user("resident", password="x" * 12))
    assert api.get(COVERAGE, {"category": "pothole"}).status_code == 403


@pytest.mark.parametrize(
    "query", [{}, {"category": ""}, {"category": "no-such"}, {"category": "x" * 500}]
)
def test_a_missing_or_unknown_category_is_400_naming_it(staff, query):
    response = staff.get(COVERAGE, query)
    assert response.status_code == 400
    assert list(response.json()) == ["category"]


def test_every_role_may_see_coverage(staff_account):
    for role, units in [("consultant", ()), ("unit_staff", ("gzdiz",)), ("admin", ())]:
        client = APIClient()
        client.force_login(staff_account(f"test-{role}", role, units=units))
        assert client.get(COVERAGE, {"category": "pothole"}).status_code == 200
