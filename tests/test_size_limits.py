"""Every size limit of issue 12 in one place: what is too big gets a clear error naming it.

The request body, a description, the points of a drawn area and each API's page
size: each answer names the field (or, for a whole body, says it is the body) and
the limit, and nothing is saved. A photo's bytes and pixels (a decompression bomb
too) are in tests/reports/test_photos.py; the limits' own tests try their edges.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from mapa.exports.inputs import MAX_LIMIT as EXPORT_MAX_LIMIT
from mapa.places.selectors import SEARCH_MAX_LIMIT
from mapa.reports.models import DESCRIPTION_MAX_LENGTH, Report
from mapa.reports.selectors import LIST_MAX_LIMIT
from mapa.staff.filters import MAX_POLYGON_VERTICES
from mapa.staff.services import api_token_for, staff_account_save
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.staff.test_filters import circle

pytestmark = pytest.mark.django_db
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def staff(api: APIClient) -> APIClient:
    staff_account_save(username="limits-dispatcher", role="dispatcher", password=None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(username='limits-dispatcher')}")
    return api


def report(**fields: Any) -> str:
    return json.dumps(
        {
            "category": "pothole",
            "location": {"type": "Point", "coordinates": list(NEPTUNE_FOUNTAIN)},
            "description": "Dziura",
            **fields,
        }
    )


def test_a_body_over_the_limit_is_a_413_saying_the_body_is_too_big(api, settings):
    body = report(description="x" * (settings.MAPA_MAX_JSON_BODY_BYTES + 1))
    response = api.post("/api/reports/", body, content_type="application/json", **ENGLISH)
    assert response.status_code == 413
    assert response.json() == {
        "detail": f"The request body is {len(body.encode())} bytes; "
        f"the limit is {settings.MAPA_MAX_JSON_BODY_BYTES} bytes."
    }
    assert Report.objects.count() == 0


def test_a_description_over_its_length_is_a_400_naming_it(api):
    body = report(description="x" * (DESCRIPTION_MAX_LENGTH + 1))
    response = api.post("/api/reports/", body, content_type="application/json", **ENGLISH)
    assert response.status_code == 400
    (message,) = response.json()["description"]
    assert str(DESCRIPTION_MAX_LENGTH) in message
    assert Report.objects.count() == 0


def test_a_drawn_area_with_too_many_points_is_a_400_naming_the_polygon(staff):
    too_many = MAX_POLYGON_VERTICES + 2
    response = staff.get(
        "/api/staff/reports/", {"polygon": json.dumps(circle(too_many))}, **ENGLISH
    )
    assert response.status_code == 400
    assert response.json() == {
        "polygon": [f"The area has {too_many} points; draw it with at most {MAX_POLYGON_VERTICES}."]
    }


@pytest.mark.parametrize(
    ("path", "limit", "extra"),
    [
        ("/api/reports/", LIST_MAX_LIMIT, {}),
        ("/api/staff/reports/", LIST_MAX_LIMIT, {}),
        ("/api/exports/reports.geojson", EXPORT_MAX_LIMIT, {}),
        ("/api/places/", SEARCH_MAX_LIMIT, {"q": "piwna"}),
    ],
)
def test_a_page_size_over_the_maximum_is_a_400_naming_the_limit(
    staff: APIClient, path: str, limit: int, extra: dict[str, str]
) -> None:
    response = staff.get(path, {"limit": str(limit + 1), **extra}, **ENGLISH)
    assert response.status_code == 400, response.content
    (message,) = response.json()["limit"]
    assert str(limit) in message.replace(",", "").replace("\u00a0", "")
