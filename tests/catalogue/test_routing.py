"""Routing edge cases on Gdańsk's real district polygons (mapa/districts/routing.py)."""

from __future__ import annotations

import re

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import translation

from mapa.catalogue.models import Category, RoutingRule, Unit
from mapa.catalogue.routing import ROUTE_SQL, route
from mapa.core.sql import fetch_all, fetch_one
from mapa.districts.locating import OutsideServiceArea
from mapa.districts.models import District
from tests.conftest import GDANSK_BAY, GDYNIA_CENTRE, NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY, point

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English here; Polish is checked in the API tests."""
    with translation.override("en"):
        yield


SOPOT_CENTRE = (18.5640, 54.4440)


def decide(code: str, lon: float, lat: float):
    return route(category_id=Category.objects.get(code=code).pk, point=point(lon, lat))


def test_inside_a_district_goes_to_the_category_default_unit():
    decision = decide("pothole", *NEPTUNE_FOUNTAIN)
    assert decision.district_slug == "srodmiescie"
    assert decision.unit_code == "gzdiz"
    assert decision.reason == "category_default"
    assert decision.border_with == ()
    assert "Gdański Zarząd Dróg i Zieleni" in decision.explanation("en")


def test_stray_animal_in_wrzeszcz_goes_to_the_municipal_police_wrzeszcz_office():
    decision = decide("stray-animal", *WRZESZCZ_GORNY)
    assert decision.district_slug == "wrzeszcz-gorny"
    assert decision.unit_code == "sm-wrzeszcz"
    assert decision.parent_unit_name == "Straż Miejska w Gdańsku"
    explanation = decision.explanation("en")
    assert "Referat Dzielnicowy Wrzeszcz" in explanation
    assert "covers Wrzeszcz Górny" in explanation


def test_every_district_has_exactly_one_municipal_police_office():
    coverage = fetch_all(
        """SELECT d.slug, count(u.id) AS offices FROM districts_district d
           LEFT JOIN catalogue_unit_districts ud ON ud.district_id = d.id
           LEFT JOIN catalogue_unit u ON u.id = ud.unit_id AND u.parent_id IS NOT NULL
           GROUP BY d.slug"""
    )
    assert len(coverage) == 35
    assert {row["slug"]: row["offices"] for row in coverage if row["offices"] != 1} == {}


def test_a_district_rule_beats_the_category_default():
    category = Category.objects.get(code="tree-greenery")
    rule = RoutingRule.objects.create(
        category=category, unit=Unit.objects.get(code="wzk"), note="storm damage season"
    )
    rule.districts.set([District.objects.get(slug="srodmiescie")])
    inside = decide("tree-greenery", *NEPTUNE_FOUNTAIN)
    elsewhere = decide("tree-greenery", *WRZESZCZ_GORNY)
    assert (inside.unit_code, inside.reason, inside.rule_id) == ("wzk", "district_rule", rule.pk)
    assert "storm damage season" in inside.explanation("en")
    assert (elsewhere.unit_code, elsewhere.reason) == ("gzdiz", "category_default")


def test_the_most_specific_rule_wins():
    category = Category.objects.get(code="pothole")
    srodmiescie = District.objects.get(slug="srodmiescie")
    citywide = RoutingRule.objects.create(category=category, unit=Unit.objects.get(code="gznk"))
    wide = RoutingRule.objects.create(category=category, unit=Unit.objects.get(code="sm"))
    wide.districts.set(District.objects.filter(slug__in=["srodmiescie", "aniolki"]))
    narrow = RoutingRule.objects.create(category=category, unit=Unit.objects.get(code="wzk"))
    narrow.districts.set([srodmiescie])

    assert decide("pothole", *NEPTUNE_FOUNTAIN).rule_id == narrow.pk
    narrow.delete()
    # A rule to a unit with offices is passed to the office covering the district.
    two_districts = decide("pothole", *NEPTUNE_FOUNTAIN)
    assert (two_districts.rule_id, two_districts.unit_code) == (wide.pk, "sm-srodmiescie")
    city_rule = decide("pothole", *WRZESZCZ_GORNY)
    assert (city_rule.rule_id, city_rule.reason, city_rule.unit_code) == (
        citywide.pk,
        "city_rule",
        "gznk",
    )


def test_inactive_rules_and_units_are_skipped():
    category = Category.objects.get(code="pothole")
    RoutingRule.objects.create(category=category, unit=Unit.objects.get(code="gznk"), active=False)
    Unit.objects.filter(code="wzk").update(active=False)
    RoutingRule.objects.create(category=category, unit=Unit.objects.get(code="wzk"))
    assert decide("pothole", *NEPTUNE_FOUNTAIN).unit_code == "gzdiz"


def test_without_rule_or_default_the_report_goes_to_gck_for_triage():
    decision = decide("other", *NEPTUNE_FOUNTAIN)
    assert (decision.unit_code, decision.reason) == ("gck", "triage")
    assert "triage" in decision.explanation("en")


def test_an_inactive_default_unit_falls_back_to_triage():
    Unit.objects.filter(code="gzdiz").update(active=False)
    assert decide("pothole", *NEPTUNE_FOUNTAIN).unit_code == "gck"


# --- borders ---------------------------------------------------------------

SHARED_EDGE_MIDPOINTS = """
WITH a AS (SELECT geometry g FROM districts_district WHERE slug = %(a)s),
     b AS (SELECT geometry g FROM districts_district WHERE slug = %(b)s),
     segments AS (
        SELECT (ST_DumpSegments(ST_Intersection(ST_Boundary(a.g), ST_Boundary(b.g)))).geom s
        FROM a, b)
SELECT ST_X(p) AS lon, ST_Y(p) AS lat,
       ST_Covers(a.g, p) AS in_a, ST_Covers(b.g, p) AS in_b
FROM (SELECT ST_LineInterpolatePoint(s, 0.5) AS p FROM segments) m, a, b
"""


def test_a_point_exactly_on_a_shared_border_is_covered_by_both_and_goes_to_the_first_slug():
    midpoints = fetch_all(SHARED_EDGE_MIDPOINTS, {"a": "wrzeszcz-dolny", "b": "wrzeszcz-gorny"})
    on_border = [m for m in midpoints if m["in_a"] and m["in_b"]]
    assert on_border, "PostGIS should find some midpoints of the shared edge exactly on it"
    for m in on_border:
        decision = decide("pothole", m["lon"], m["lat"])
        assert decision.district_slug == "wrzeszcz-dolny"  # "wrzeszcz-d" < "wrzeszcz-g"
        assert decision.border_with == ("Wrzeszcz Górny",)
        assert "border of Wrzeszcz Dolny and Wrzeszcz Górny" in decision.explanation("en")


def test_points_along_a_shared_border_are_never_lost_and_always_decided_the_same_way():
    midpoints = fetch_all(SHARED_EDGE_MIDPOINTS, {"a": "wrzeszcz-dolny", "b": "wrzeszcz-gorny"})
    assert len(midpoints) > 20
    for m in midpoints:
        first = decide("pothole", m["lon"], m["lat"])
        again = decide("pothole", m["lon"], m["lat"])
        assert first == again
        expected = "wrzeszcz-dolny" if m["in_a"] else "wrzeszcz-gorny"
        assert first.district_slug == expected


# A vertex shared by three districts' polygons in the OSM data.
TRIPLE_VERTEX = (18.5704686, 54.4153544)


def test_a_vertex_where_three_districts_meet_goes_to_the_first_slug():
    covering = fetch_all(
        """SELECT slug FROM districts_district
           WHERE ST_Covers(geometry, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) ORDER BY slug""",
        TRIPLE_VERTEX,
    )
    assert [row["slug"] for row in covering] == [
        "oliwa",
        "przymorze-male",
        "zabianka-wejhera-jelitkowo-tysiaclecia",
    ]
    decision = decide("pothole", *TRIPLE_VERTEX)
    assert decision.district_slug == "oliwa"
    assert decision.border_with == ("Przymorze Małe", "Żabianka-Wejhera-Jelitkowo-Tysiąclecia")
    assert decide("stray-animal", *TRIPLE_VERTEX).unit_code == "sm-oliwa"


# --- outside the city --------------------------------------------------------


def test_sopot_is_named_and_refused():
    with pytest.raises(OutsideServiceArea) as refusal:
        decide("pothole", *SOPOT_CENTRE)
    assert refusal.value.neighbour == "Sopot"
    assert "This location is in Sopot" in refusal.value.message


def test_gdynia_is_named_and_refused():
    with pytest.raises(OutsideServiceArea) as refusal:
        decide("pothole", *GDYNIA_CENTRE)
    assert refusal.value.neighbour == "Gdynia"


def test_at_sea_is_refused_with_the_distance_to_the_city():
    with pytest.raises(OutsideServiceArea) as refusal:
        decide("pothole", *GDANSK_BAY)
    assert refusal.value.neighbour is None
    assert refusal.value.distance_m is not None
    assert 5_000 < refusal.value.distance_m < 15_000
    assert "outside Gdańsk" in refusal.value.message


def test_swapped_coordinates_are_refused_and_said_to_be_swapped():
    lon, lat = NEPTUNE_FOUNTAIN
    with pytest.raises(OutsideServiceArea) as refusal:
        decide("pothole", lat, lon)  # [54.35, 18.65]: the Arabian Sea side of the world
    assert refusal.value.swapped
    assert "swapped" in refusal.value.message


def _stepped_from_border_towards_sopot(metres: float) -> Point:
    row = fetch_one(
        """WITH sopot AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g),
                edge AS (SELECT ST_ClosestPoint(ST_Boundary(c.boundary), sopot.g) AS g
                         FROM districts_city c, sopot WHERE c.slug = 'gdansk')
           SELECT ST_X(p::geometry) AS lon, ST_Y(p::geometry) AS lat FROM (
             SELECT ST_Project(edge.g::geography, %(metres)s, ST_Azimuth(edge.g, sopot.g)) AS p
             FROM edge, sopot) s""",
        {"lon": SOPOT_CENTRE[0], "lat": SOPOT_CENTRE[1], "metres": metres},
    )
    assert row is not None
    return point(row["lon"], row["lat"])


def test_just_outside_the_border_with_sopot_is_sopot_and_just_inside_is_gdansk():
    outside = _stepped_from_border_towards_sopot(10)
    inside = _stepped_from_border_towards_sopot(-10)
    pothole = Category.objects.get(code="pothole").pk
    with pytest.raises(OutsideServiceArea) as refusal:
        route(category_id=pothole, point=outside)
    assert refusal.value.neighbour == "Sopot"
    assert route(category_id=pothole, point=inside).district_slug


def test_route_requires_wgs84():
    with pytest.raises(ValueError, match="EPSG:4326"):
        route(category_id=1, point=Point(6_540_000, 6_024_000, srid=2177))


def test_the_routing_statement_finds_districts_through_the_gist_index():
    pothole = Category.objects.get(code="pothole").pk
    params = {"lon": NEPTUNE_FOUNTAIN[0], "lat": NEPTUNE_FOUNTAIN[1], "category_id": pothole}
    with connection.cursor() as cursor:
        # 35 rows fit in a page, so without this the planner rightly prefers a scan;
        # with it, a statement that cannot use the index would still show a Seq Scan.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + ROUTE_SQL, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert re.search(
        r"Index Scan using districts_district_geometry_\w+ on districts_district", plan
    ), plan
    assert "Seq Scan on districts_district" not in plan, plan
