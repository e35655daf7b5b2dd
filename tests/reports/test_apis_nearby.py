"""GET /api/reports/nearby/: open reports within a radius, nearest first, by index."""

from __future__ import annotations

import pytest

from mapa.core.sql import fetch_value
from mapa.reports.casework import report_change_status
from tests.conftest import NEPTUNE_FOUNTAIN

pytestmark = pytest.mark.django_db

URL = "/api/reports/nearby/"
LON, LAT = NEPTUNE_FOUNTAIN


def metres_east(metres: float) -> tuple[float, float]:
    """The point ``metres`` east of the fountain, on the spheroid."""
    row = fetch_value(
        "SELECT ARRAY[ST_X(p::geometry), ST_Y(p::geometry)] FROM (SELECT ST_Project("
        "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s, radians(90)) AS p) s",
        [LON, LAT, metres],
    )
    return row[0], row[1]


def test_open_reports_within_the_radius_nearest_first_with_distances(api, make_report):
    far = make_report(*(("pothole", *metres_east(240))))
    near = make_report(*(("pothole", *metres_east(100))))
    make_report(*(("pothole", *metres_east(260))))  # outside 250 m
    closed = make_report(*(("pothole", *metres_east(50))))
    report_change_status(report=closed, status="resolved", public_note="Naprawiono.")

    response = api.get(URL, {"lon": LON, "lat": LAT})
    assert response.status_code == 200
    features = response.json()["features"]
    assert [f["id"] for f in features] == [near.reference, far.reference]
    assert [round(f["properties"]["distance_m"]) for f in features] == [100, 240]


def test_the_radius_is_a_parameter_in_metres(api, make_report):
    make_report(*(("pothole", *metres_east(400))))
    assert api.get(URL, {"lon": LON, "lat": LAT}).json()["features"] == []
    assert len(api.get(URL, {"lon": LON, "lat": LAT, "radius": 500}).json()["features"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": LAT}, "lon"),
        ({"lon": LON}, "lat"),
        ({"lon": "x", "lat": LAT}, "location"),
        ({"lon": "nan", "lat": LAT}, "location"),
        ({"lon": "inf", "lat": LAT}, "location"),
        ({"lon": 200, "lat": LAT}, "location"),
        ({"lon": LON, "lat": -91}, "location"),
        ({"lon": LON, "lat": LAT, "radius": 0}, "radius"),
        ({"lon": LON, "lat": LAT, "radius": 5000}, "radius"),
        ({"lon": LON, "lat": LAT, "radius": "nan"}, "radius"),
    ],
)
def test_bad_parameters_are_400s_naming_the_field(api, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400, response.content
    assert field in response.json()
