"""The hotspots in the staff API (mapa/staff/hotspot_apis.py): who sees which, and merging."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from mapa.reports.models import Report, ReportStatus
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY
from tests.reports.test_hotspots import ring

pytestmark = pytest.mark.django_db

LIST = "/api/staff/hotspots/"
MERGE = "/api/staff/hotspots/merge/"


@pytest.fixture
def as_role(staff_account):
    def make(role: str, units: tuple[str, ...] = ()) -> APIClient:
        client = APIClient()
        client.force_login(staff_account(f"test-{role}-{'-'.join(units)}", role, units=units))
        return client

    return make


@pytest.fixture
def potholes(make_report):
    """Six potholes (GZDiZ) round Neptune's Fountain, within 80 m of each other."""
    return [make_report("pothole", lon, lat) for lon, lat in ring(NEPTUNE_FOUNTAIN, 6, 40)]


@pytest.fixture
def dogs(make_report):
    """Five stray dogs (Straż Miejska's Wrzeszcz office) in Wrzeszcz Górny."""
    return [
        make_report("stray-animal", lon, lat, attributes={"animal": "dog"})
        for lon, lat in ring(WRZESZCZ_GORNY, 5, 30)
    ]


def counts(response) -> dict[str, int]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/geo+json")
    return {
        f["properties"]["category"]["code"]: f["properties"]["count"]
        for f in response.json()["features"]
    }


def test_anonymous_is_401_and_an_account_without_a_role_403(api, django_user_model):
    assert api.get(LIST).status_code == 401
    assert api.post(MERGE, {}, format="json").status_code == 401
    api.force_login(django_user_model.objects.create_user("resident", password="x" * 12))
    assert api.get(LIST).status_code == 403
    assert api.post(MERGE, {}, format="json").status_code == 403


@pytest.mark.parametrize("role", ["consultant", "dispatcher", "admin"])
def test_first_line_dispatchers_and_admins_see_every_hotspot(as_role, potholes, dogs, role):
    assert counts(as_role(role).get(LIST)) == {"pothole": 6, "stray-animal": 5}


def test_unit_staff_see_only_the_hotspots_of_their_units_cases(as_role, potholes, dogs):
    assert counts(as_role("unit_staff", ("gzdiz",)).get(LIST)) == {"pothole": 6}
    # Straż Miejska's staff see their district offices' cases, so the dogs too.
    assert counts(as_role("unit_staff", ("sm",)).get(LIST)) == {"stray-animal": 5}


def test_a_hotspot_links_to_the_staff_case_pages(as_role, potholes):
    [feature] = as_role("consultant").get(LIST).json()["features"]
    report = feature["properties"]["reports"][0]
    assert report["url"] == f"/staff/r/{report['reference']}/"


def test_merge_answers_the_surviving_case(as_role, potholes):
    into = potholes[1]
    response = as_role("dispatcher").post(
        MERGE,
        {"references": [r.reference for r in potholes], "into": into.reference},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["properties"]["reference"] == into.reference
    assert response["ETag"] == '"6"'
    merged = Report.objects.filter(pk__in=[r.pk for r in potholes]).exclude(pk=into.pk)
    assert set(merged.values_list("status", "duplicate_of_id")) == {
        (ReportStatus.DUPLICATE, into.pk)
    }
    assert counts(as_role("dispatcher").get(LIST)) == {}


def test_unit_staff_may_not_merge(as_role, potholes):
    response = as_role("unit_staff", ("gzdiz",)).post(
        MERGE,
        {"references": [r.reference for r in potholes], "into": potholes[0].reference},
        format="json",
    )
    assert response.status_code == 403
    assert not Report.objects.filter(status=ReportStatus.DUPLICATE).exists()


def test_an_unknown_reference_merges_nothing_and_is_named(as_role, potholes):
    references = [r.reference for r in potholes] + ["GD-1999-999999"]
    response = as_role("consultant").post(
        MERGE, {"references": references, "into": potholes[0].reference}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"references": ["Nie ma zgłoszenia o numerze GD-1999-999999."]}
    assert not Report.objects.filter(status=ReportStatus.DUPLICATE).exists()


def test_an_unknown_survivor_is_named(as_role, potholes):
    response = as_role("consultant").post(
        MERGE, {"references": [potholes[0].reference], "into": "GD-1999-999999"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["into"]


def test_a_closed_case_merges_nothing(as_role, potholes):
    Report.objects.filter(pk=potholes[3].pk).update(status=ReportStatus.RESOLVED)
    response = as_role("consultant").post(
        MERGE,
        {"references": [r.reference for r in potholes], "into": potholes[0].reference},
        format="json",
    )
    assert response.status_code == 400
    assert potholes[3].reference in response.json()["references"][0]
    assert not Report.objects.filter(status=ReportStatus.DUPLICATE).exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"references": [], "into": "GD-2026-000001"},
        {"references": "GD-2026-000001", "into": "GD-2026-000001"},
        {"references": ["GD-2026-000001"] * 201, "into": "GD-2026-000001"},
        {"references": ["GD-2026-000001"], "into": ["GD-2026-000001"]},
    ],
)
def test_malformed_bodies_are_400_naming_the_field(as_role, body):
    response = as_role("consultant").post(MERGE, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) <= {"references", "into"}
