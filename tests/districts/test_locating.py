"""One border rule for everyone (mapa/districts/locating.py).

On Gdańsk's real districts, points exactly on shared borders and on vertices
where three districts meet are decided by ``locate``, by routing and by both
ways places get their district (the importer and ``place_save``). All four must
pick the district whose slug sorts first in byte order among those covering
the point; the expectation is computed here from the covering set alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

from mapa.catalogue.models import Category
from mapa.catalogue.routing import route
from mapa.core.sql import fetch_all
from mapa.districts.locating import locate
from mapa.places.importing import import_places
from mapa.places.models import Place
from mapa.places.services import place_save
from mapa.places.sources import SourceRow
from tests.catalogue.test_routing import SHARED_EDGE_MIDPOINTS, TRIPLE_VERTEX
from tests.conftest import point

pytestmark = pytest.mark.django_db

# Every vertex of a district polygon that three or more districts cover.
MEETING_VERTICES = """
WITH vertices AS (SELECT DISTINCT (ST_DumpPoints(geometry)).geom AS p FROM districts_district)
SELECT ST_X(v.p) AS lon, ST_Y(v.p) AS lat
FROM vertices v JOIN districts_district d ON ST_Covers(d.geometry, v.p)
GROUP BY v.p HAVING count(*) >= 3
ORDER BY ST_X(v.p), ST_Y(v.p)
"""

# Pairs of districts sharing a stretch of border (not just a point).
NEIGHBOURS = """
SELECT a.slug AS a, b.slug AS b
FROM districts_district a JOIN districts_district b
  ON a.slug < b.slug AND ST_Intersects(a.geometry, b.geometry)
WHERE ST_Length(ST_Intersection(ST_Boundary(a.geometry), ST_Boundary(b.geometry))) > 0
ORDER BY a.slug, b.slug
"""

COVERING = """
SELECT array_agg(d.id ORDER BY d.id) AS ids
FROM districts_district d JOIN districts_city c ON c.id = d.city_id
WHERE c.served AND ST_Covers(d.geometry, ST_SetSRID(ST_MakePoint(%s, %s), 4326))
"""

EDGE_POINTS_PER_PAIR = 2


@dataclass(frozen=True)
class BorderPoint:
    lon: float
    lat: float
    covering: tuple[int, ...]  # the ids of every served district covering the point


@dataclass(frozen=True)
class Districts:
    """The districts' slugs and names by id, as the test sees them."""

    slugs: dict[int, str]
    names: dict[int, str]

    def in_byte_order(self, p: BorderPoint) -> list[int]:
        return sorted(p.covering, key=lambda id_: self.slugs[id_].encode())

    def expected_slug(self, p: BorderPoint) -> str:
        return self.slugs[self.in_byte_order(p)[0]]

    def expected_border_with(self, p: BorderPoint) -> tuple[str, ...]:
        return tuple(self.names[id_] for id_ in self.in_byte_order(p)[1:])


def border_point(lon: float, lat: float) -> BorderPoint:
    [row] = fetch_all(COVERING, [lon, lat])
    return BorderPoint(lon, lat, tuple(row["ids"] or ()))


@pytest.fixture(scope="module")
def border_points(django_db_setup: None, django_db_blocker: Any) -> list[BorderPoint]:
    """Vertices where ≥3 districts meet, and midpoints of shared edges lying on both sides."""
    with django_db_blocker.unblock():
        found = [border_point(*TRIPLE_VERTEX)]
        found += [border_point(row["lon"], row["lat"]) for row in fetch_all(MEETING_VERTICES)]
        for pair in fetch_all(NEIGHBOURS):
            midpoints = fetch_all(SHARED_EDGE_MIDPOINTS, pair)
            on_both = [m for m in midpoints if m["in_a"] and m["in_b"]]
            found += [border_point(m["lon"], m["lat"]) for m in on_both[:EDGE_POINTS_PER_PAIR]]
    return found


# On Gdańsk's data, slug order agrees with id and name order at every border. So
# each test also runs with the slugs renamed to sort in the reverse order of the
# ids (and so, roughly, of the names): a rule that ordered by anything but the
# slug would then pick another district.
RENAME_SLUGS = "UPDATE districts_district SET slug = 'd-' || lpad((100000 - id)::text, 6, '0')"


@pytest.fixture(params=["slugs as loaded", "slugs renamed"])
def districts(request: pytest.FixtureRequest, db: None) -> Districts:
    if request.param == "slugs renamed":
        with connection.cursor() as cursor:
            cursor.execute(RENAME_SLUGS)
    rows = fetch_all("SELECT id, slug, name FROM districts_district")
    return Districts(
        slugs={row["id"]: row["slug"] for row in rows},
        names={row["id"]: row["name"] for row in rows},
    )


def test_the_border_points_lie_on_two_or_three_districts(border_points):
    assert all(len(p.covering) >= 2 for p in border_points)
    assert len([p for p in border_points if len(p.covering) >= 3]) >= 10
    assert len({p.covering for p in border_points if len(p.covering) == 2}) >= 20


@pytest.mark.parametrize("districts", ["slugs renamed"], indirect=True)
def test_renamed_slugs_tell_the_slug_order_from_the_id_and_name_orders(border_points, districts):
    expected = [districts.expected_slug(p) for p in border_points]
    by_id = [districts.slugs[min(p.covering)] for p in border_points]
    by_name = [
        districts.slugs[min(p.covering, key=lambda id_: districts.names[id_].encode())]
        for p in border_points
    ]
    assert by_id != expected
    assert by_name != expected


def test_locate_picks_the_first_slug_in_byte_order_and_names_the_others(border_points, districts):
    for p in border_points:
        located = locate(point(p.lon, p.lat))
        assert (located.district_slug, located.border_with) == (
            districts.expected_slug(p),
            districts.expected_border_with(p),
        ), p


def test_routing_picks_the_same_district(border_points, districts):
    pothole = Category.objects.get(code="pothole").pk
    for p in border_points:
        decision = route(category_id=pothole, point=point(p.lon, p.lat))
        assert (decision.district_slug, decision.border_with) == (
            districts.expected_slug(p),
            districts.expected_border_with(p),
        ), p


def test_the_place_importer_picks_the_same_district(border_points, districts):
    rows = [
        SourceRow(
            number=number,
            values={
                "name": f"Punkt graniczny {number}",
                "street": "",
                "housenumber": "",
                "postcode": "",
                "id": f"border-{number}",
            },
            lon=p.lon,
            lat=p.lat,
        )
        for number, p in enumerate(border_points, start=1)
    ]
    summary = import_places(
        rows, total=len(rows), dataset="border-test", source="test", commit=True
    )
    assert summary.refused == []
    assert len(summary.created) == len(border_points)
    chosen = dict(
        Place.objects.filter(dataset="border-test").values_list("external_id", "district__slug")
    )
    for number, p in enumerate(border_points, start=1):
        assert chosen[f"border-{number}"] == districts.expected_slug(p), p


def test_a_place_saved_on_a_border_gets_the_same_district(border_points, districts):
    for number, p in enumerate(border_points, start=1):
        place = place_save(
            place=Place(
                dataset="border-edit",
                external_id=str(number),
                kind="poi",
                name=f"Punkt graniczny {number}",
                location=point(p.lon, p.lat),
            )
        )
        assert place.district is not None
        assert place.district.slug == districts.expected_slug(p), p
