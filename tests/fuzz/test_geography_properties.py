"""Where a report may be (issue 12): anywhere in Gdańsk, and nowhere else.

Points inside are drawn from the whole city polygon in the database (PostGIS's
``ST_GeneratePoints`` from a seed Hypothesis draws), not from a few known
places; points outside are drawn from the neighbouring towns' polygons, the
bay, the whole globe, and Gdańsk's own points with latitude and longitude
swapped, each kept only if no served district covers it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mapa.catalogue.models import Category
from tests.fuzz.checks import api_answer, each_example, row_counts
from tests.fuzz.endpoints import post_report
from tests.fuzz.profiles import examples

pytestmark = pytest.mark.django_db

SEEDS = st.integers(1, 2**31 - 1)
# Categories each routed by their own rules (stray animals: per district office).
CATEGORY_CODES = (
    "pothole",
    "street-light",
    "tree-greenery",
    "stray-animal",
    "litter-dump",
    "graffiti-vandalism",
    "snow-ice",
    "municipal-building",
    "hazard",
    "other",
)
CATEGORIES = st.sampled_from(CATEGORY_CODES)


def _point_in(served: bool, seed: int) -> tuple[float, float]:
    """A random point (lon, lat) inside a city's boundary: Gdańsk's, or a neighbour's."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_X(p.geom), ST_Y(p.geom)
            FROM (
                SELECT (ST_Dump(ST_GeneratePoints(ST_Union(boundary), 1, %s))).geom
                FROM districts_city WHERE served = %s
            ) p
            """,
            [seed, served],
        )
        lon, lat = cursor.fetchone()
    return lon, lat


def _covering_districts(lon: float, lat: float) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT d.slug FROM districts_district d
            JOIN districts_city c ON c.id = d.city_id
            WHERE c.served AND ST_Covers(d.geometry, ST_SetSRID(ST_MakePoint(%s, %s), 4326))
            """,
            [lon, lat],
        )
        return [slug for (slug,) in cursor.fetchall()]


def _report(category: str, lon: float, lat: float) -> bytes:
    body = {
        "category": category,
        "location": {"type": "Point", "coordinates": [lon, lat]},
        "description": "Punkt z losowania",
    }
    if category == "stray-animal":
        body["attributes"] = {"animal": "dog"}
    return json.dumps(body).encode()


@pytest.fixture
def known_categories(db: None) -> None:
    codes = set(Category.objects.filter(active=True).values_list("code", flat=True))
    assert set(CATEGORY_CODES) <= codes


@given(seed=SEEDS, category=CATEGORIES)
@settings(max_examples=examples(0.5))
def test_any_point_inside_gdansk_routes_to_one_district_and_one_unit(
    known_categories: None, seed: int, category: str
) -> None:
    with each_example():
        lon, lat = _point_in(True, seed)
        covering = _covering_districts(lon, lat)
        assert covering, f"no district covers ({lon}, {lat}) inside the city"
        response = post_report(_report(category, lon, lat))
        payload = api_answer(response, frozenset({"location", "attributes"}))
        assert response.status_code == 201, payload
        properties = payload["properties"]
        assert properties["district"]["slug"] in covering
        assert isinstance(properties["unit"]["code"], str)
        assert properties["unit"]["code"]


def _outside_points() -> st.SearchStrategy[tuple[float, float]]:
    swapped = SEEDS.map(lambda seed: tuple(reversed(_point_in(True, seed))))
    neighbour = SEEDS.map(lambda seed: _point_in(False, seed))
    bay = st.tuples(st.floats(18.70, 19.20), st.floats(54.42, 54.70))
    globe = st.tuples(st.floats(-180, 180), st.floats(-90, 90))
    return st.one_of(swapped, neighbour, bay, globe)


@given(point=_outside_points(), category=CATEGORIES)
@settings(max_examples=examples(0.5))
def test_any_point_outside_gdansk_is_a_400_naming_the_location(
    known_categories: None, point: tuple[float, float], category: str
) -> None:
    lon, lat = point
    with each_example():
        assume(not _covering_districts(lon, lat))
        before = row_counts()
        response = post_report(_report(category, lon, lat))
        payload: Any = api_answer(response, frozenset({"location", "attributes", "category"}))
        assert response.status_code == 400, payload
        assert "location" in payload, payload
        assert row_counts() == before
