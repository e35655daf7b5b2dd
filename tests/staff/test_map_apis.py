"""The dispatcher's map tiles (mapa/staff/map_apis.py) at the sizes the map asks for."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN


def tile_url(z: int) -> str:
    lon, lat = NEPTUNE_FOUNTAIN
    n = 2**z
    x = math.floor((lon + 180) / 360 * n)
    y = math.floor((1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2 * n)
    return f"/api/staff/reports/map/{z}/{x}/{y}.geojson"


def shown(body: dict[str, Any]) -> set[str]:
    """The references of a tile's points, and its clusters' total."""
    return {
        f["properties"].get("reference") or f"cluster of {f['properties']['count']}"
        for f in body["features"]
    }


@pytest.mark.django_db
def test_a_512_px_tile_is_the_same_cases_on_the_next_zooms_grid(
    token_client: Callable[[str], APIClient], cases: dict[str, Report]
) -> None:
    client = token_client("dispatcher")
    url = tile_url(17)  # shown at zoom 18 when 512 px wide, where every case is a point
    small = client.get(url)
    big = client.get(url, {"size": "512"})
    assert small.status_code == big.status_code == 200, big.content
    assert shown(small.json()) == {f"cluster of {len(cases)}"}
    assert shown(big.json()) == {case.reference for case in cases.values()}
    assert big["ETag"] != small["ETag"]
    assert "anna.nowak" not in big.content.decode()
    # The filters still apply; the size is not one of them.
    potholes = client.get(url, {"category": "pothole", "size": "512"})
    assert shown(potholes.json()) == {cases["road"].reference, cases["road2"].reference}


@pytest.mark.django_db
def test_a_wrong_size_is_a_400_naming_it(token_client: Callable[[str], APIClient]) -> None:
    response = token_client("dispatcher").get(
        tile_url(12), {"size": "300"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "size" in response.json()
