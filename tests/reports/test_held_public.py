"""A report held for review (from a banned contact) is on no public surface.

One open report and one held report, side by side at the Neptune fountain, with a
distinctive description: every public read (the API's list, detail, nearby, map tiles
and count; the report page and the statistics; Open311; the follow forms) and the
exports show the first and never the second, until it is released.
"""

from __future__ import annotations

import json
import math
import re

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from mapa.moderation.models import Ban
from mapa.reports.models import Report
from mapa.reports.review import report_release
from mapa.staff.services import api_token_for
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.exports.conftest import settle
from tests.staff.conftest import (  # noqa: F401  (fixtures)
    accounts,
    clean_throttle,
    staff_account,
)

pytestmark = pytest.mark.django_db

SECRET = "Wiadomość od zbanowanego nadawcy 7Q3X"
BANNED_EMAIL = "troll@example.com"
LON, LAT = NEPTUNE_FOUNTAIN
BBOX = "18.60,54.30,18.70,54.40"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def clear_caches() -> None:
    """Forget every answer kept: the statistics' and the map's (whose counters a test's
    rolled-back transaction sets back, so that another test's answer could look current)."""
    caches["default"].clear()
    caches["map"].clear()


def tile(z: int) -> str:
    n = 2**z
    x = math.floor((LON + 180) / 360 * n)
    y = math.floor((1 - math.log(math.tan(math.pi / 4 + math.radians(LAT) / 2)) / math.pi) / 2 * n)
    return f"/api/reports/map/{z}/{x}/{y}.geojson"


@pytest.fixture
def seeded(make_report) -> tuple[Report, Report]:
    Ban.objects.create(email=BANNED_EMAIL, reason="abuse")
    shown = make_report(lon=LON, lat=LAT, description="Dziura w jezdni przy fontannie")
    held = make_report(
        lon=LON + 0.0003, lat=LAT, description=SECRET, reporter_email="Troll@Example.com"
    )
    assert (shown.held, held.held) == (False, True)
    return shown, held


def public_bodies(client: Client, held: Report) -> dict[str, str]:
    """Every public answer that could show a report, by what was asked."""
    ref = held.reference
    gets = {
        "list": ("/api/reports/", {}),
        "list-open": ("/api/reports/", {"status": "open", "bbox": BBOX}),
        "list-search-by-category": ("/api/reports/", {"category": "pothole"}),
        "detail": (f"/api/reports/{ref}/", {}),
        "nearby": ("/api/reports/nearby/", {"lon": LON, "lat": LAT, "radius": 500}),
        "tile-z12": (tile(12), {}),
        "tile-z17": (tile(17), {}),
        "count": ("/api/reports/map/count/", {"bbox": BBOX}),
        "page": (f"/r/{ref}/", {}),
        "map-page": ("/", {}),
        "stats": ("/stats/", {}),
        "stats-csv": ("/stats/", {"format": "csv"}),
        "stats-geojson": ("/stats/", {"format": "geojson"}),
        "open311-list": ("/open311/v2/requests.json", {}),
        "open311-list-xml": ("/open311/v2/requests.xml", {"status": "open"}),
        "open311-one": (f"/open311/v2/requests/{ref}.json", {}),
    }
    bodies = {}
    for name, (url, params) in gets.items():
        response = client.get(url, params)
        assert response.status_code < 500, (name, response.status_code)
        bodies[name] = response.content.decode()
        bodies[f"{name}:status"] = str(response.status_code)
    follow = client.post(
        "/api/alerts/follows/",
        json.dumps({"reference": ref, "email": "someone@example.org"}),
        content_type="application/json",
    )
    bodies["follow-api:status"] = str(follow.status_code)
    bodies["follow-form:status"] = str(
        client.post(f"/alerts/follow/{ref}/", {"email": "someone@example.org"}).status_code
    )
    return bodies


def test_a_held_report_is_on_no_public_surface(seeded):
    shown, held = seeded
    clear_caches()
    bodies = public_bodies(Client(), held)
    assert [name for name, body in bodies.items() if SECRET in body] == []
    # Asked by its reference, it is answered as a reference that names no report.
    unknown = Report(reference="GD-2026-999999", pk=10**9)
    refused = public_bodies(Client(), unknown)
    asked = {"detail", "page", "open311-one"}
    for name in asked:
        expected = refused[name].replace(unknown.reference, held.reference)
        assert CSRF.sub("", bodies[name]) == CSRF.sub("", expected), name
    leaks = [name for name, body in bodies.items() if held.reference in body]
    assert sorted(leaks) == sorted(asked)
    assert bodies["detail:status"] == "404"
    assert bodies["page:status"] == "404"
    assert bodies["open311-one:status"] == "404"
    assert bodies["follow-api:status"] == "400"
    assert bodies["follow-form:status"] == "404"
    # The open report is there, so the surfaces were asked the right questions.
    for name in ("list", "list-open", "nearby", "tile-z17", "open311-list"):
        assert shown.reference in bodies[name], name
    # Counts and clusters count only the open report.
    assert json.loads(bodies["count"])["count"] == 1
    assert json.loads(bodies["stats-geojson"]) == json.loads(
        public_bodies_without_held(held)["stats-geojson"]
    )


def public_bodies_without_held(held: Report) -> dict[str, str]:
    """The same surfaces once the held report is gone: aggregates must not differ."""
    Report.objects.filter(pk=held.pk).delete()
    clear_caches()
    return public_bodies(Client(), held)


def test_aggregates_are_the_same_as_without_the_held_report(seeded):
    _, held = seeded
    clear_caches()
    with_held = public_bodies(Client(), held)
    without = public_bodies_without_held(held)
    for name in ("count", "tile-z12", "stats-csv", "stats-geojson"):
        assert with_held[name] == without[name], name


def test_no_export_hands_a_held_report_on(seeded, accounts):  # noqa: F811
    _, held = seeded
    settle()
    for who in ("consultant", "admin", "unit_gzdiz"):
        token = api_token_for(username=accounts[who].username)
        client = Client(HTTP_AUTHORIZATION=f"Token {token}")
        for url in ("/api/exports/reports.geojson", "/api/exports/reports.csv"):
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.content)
            body = b"".join(response.streaming_content).decode()
            assert held.reference not in body, (who, url)
            assert SECRET not in body, (who, url)


def test_once_released_it_is_public_as_any_report(seeded):
    _, held = seeded
    report_release(report=held)
    clear_caches()
    client = Client()
    assert client.get(f"/api/reports/{held.reference}/").status_code == 200
    assert client.get(f"/r/{held.reference}/").status_code == 200
    assert held.reference in client.get("/api/reports/").content.decode()
    assert held.reference in client.get(tile(17)).content.decode()
    assert json.loads(client.get("/api/reports/map/count/", {"bbox": BBOX}).content)["count"] == 2
    assert timezone.now() >= held.created_at
