"""Who may export what: staff credentials only; a unit's account never sees another's case."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rest_framework.test import APIClient

from tests.exports.conftest import settle
from tests.exports.helpers import body

GEOJSON = "/api/exports/reports.geojson"
CSV = "/api/exports/reports.csv"

# tests/staff/conftest.py's cases: road/road2 to GZDiZ, animal/animal2 to Straż Miejska's
# Śródmieście office (a district office of "sm"), triage/triage2 to GCK.
SEES = {
    "consultant": {"road", "road2", "animal", "animal2", "triage", "triage2"},
    "dispatcher": {"road", "road2", "animal", "animal2", "triage", "triage2"},
    "admin": {"road", "road2", "animal", "animal2", "triage", "triage2"},
    "unit_gzdiz": {"road", "road2"},
    "unit_sm": {"animal", "animal2"},
    "integration": set(),  # an application's account: only the reports it filed itself
}


def exported(client, cases) -> tuple[set[str], set[str]]:
    """The cases' keys found in the GeoJSON and in the CSV export."""
    names = {report.reference: key for key, report in cases.items()}
    features = json.loads(body(client.get(GEOJSON)))["features"]
    rows = csv.DictReader(io.StringIO(body(client.get(CSV, {"wkt": "true"})).decode()))
    return {names[f["id"]] for f in features}, {names[r["reference"]] for r in rows}


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_role_exports_exactly_its_cases(client_as, cases, who):
    settle()
    geojson, table = exported(client_as(who), cases)
    assert geojson == SEES[who]
    assert table == SEES[who]


def test_a_unit_filter_cannot_widen_a_unit_accounts_reach(token_client, cases):
    settle()
    client = token_client("unit_gzdiz")
    data = json.loads(body(client.get(GEOJSON, {"unit": "sm,gck"})))
    assert data["features"] == []
    data = json.loads(body(client.get(GEOJSON, {"q": cases["animal"].reference})))
    assert data["features"] == []


def test_anonymous_is_401_with_the_token_challenge(cases):
    for url in (GEOJSON, CSV):
        response = APIClient().get(url)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert cases["road"].reference not in response.content.decode()


def test_a_bad_or_revoked_token_is_401(token_client, cases):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get(GEOJSON).status_code == 401


def test_an_account_without_a_role_is_403(session_client, cases):
    for url in (GEOJSON, CSV):
        response = session_client("no_role").get(url)
        assert response.status_code == 403
        assert "detail" in response.json()
