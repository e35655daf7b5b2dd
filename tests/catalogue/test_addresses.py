"""85 real Gdańsk addresses each route to the district their file records."""

from __future__ import annotations

import json

import pytest

from mapa.catalogue.models import Category
from mapa.catalogue.routing import route
from mapa.districts.locating import locate
from tests.conftest import GDANSK, point

ADDRESSES = json.loads((GDANSK / "gdansk_city_addresses_pois.geojson").read_text(encoding="utf-8"))[
    "features"
]


def test_the_fixture_holds_85_addresses():
    assert len(ADDRESSES) == 85


@pytest.mark.django_db
@pytest.mark.parametrize(
    "feature",
    ADDRESSES,
    ids=[f"{f['properties']['street']} {f['properties']['number']}" for f in ADDRESSES],
)
def test_each_address_routes_to_the_district_its_file_records(feature):
    lon, lat = feature["geometry"]["coordinates"]
    expected = feature["properties"]["district_osm_polygon"]
    assert locate(point(lon, lat)).district_name == expected
    decision = route(
        category_id=Category.objects.get(code="stray-animal").pk, point=point(lon, lat)
    )
    assert decision.district_name == expected
    assert decision.unit_code.startswith("sm-")
