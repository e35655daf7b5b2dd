"""An integration account (one application filing reports) logs in to the staff pages and
finds only the reports it filed: the case list, map and count, their pages (without the
residents' contact data), their statistics and the intake form; none of the tools."""

from __future__ import annotations

import pytest
from django.test import Client

from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.staff.conftest import CONTACT, PASSWORD, USERNAMES

pytestmark = pytest.mark.django_db

BBOX = "18.60,54.30,18.70,54.40"


@pytest.fixture
def logged_in(accounts) -> Client:
    client = Client()
    response = client.post(
        "/staff/login/", {"username": USERNAMES["integration"], "password": PASSWORD}
    )
    assert response.status_code == 302, response.content
    assert response["Location"] == "/staff/"
    return client


@pytest.fixture
def filed(make_report, accounts) -> Report:
    return make_report(
        "pothole", *NEPTUNE_FOUNTAIN, registered_by=accounts["integration"], **CONTACT
    )


def test_it_logs_in_to_the_workspace_with_only_its_links(logged_in):
    response = logged_in.get("/staff/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/staff/intake/"' in html  # it files reports
    assert 'href="/staff/hotspots/"' not in html
    assert 'href="/staff/routing/"' not in html


def test_it_sees_only_the_reports_it_filed(logged_in, filed, cases):
    listed = logged_in.get("/api/staff/reports/").json()
    assert [f["properties"]["reference"] for f in listed["features"]] == [filed.reference]
    count = logged_in.get("/api/staff/reports/map/count/", {"bbox": BBOX}).json()
    assert count["count"] == 1
    page = logged_in.get(f"/staff/r/{filed.reference}/")
    assert page.status_code == 200
    html = page.content.decode()
    for secret in CONTACT.values():
        assert secret not in html  # an integration never sees contact data
    assert logged_in.get(f"/staff/r/{cases['road'].reference}/").status_code == 404
    assert logged_in.get(f"/api/staff/reports/{cases['road'].reference}/").status_code == 404


def test_its_statistics_count_only_its_reports(logged_in, filed, cases):
    response = logged_in.get("/staff/stats/")
    assert response.status_code == 200
    assert response.context["figures"].counts.total == 1


@pytest.mark.parametrize(
    "url",
    [
        "/staff/hotspots/",
        "/staff/routing/",
        "/api/staff/hotspots/",
        "/api/staff/coverage/?category=pothole",
    ],
)
def test_the_tools_are_refused(logged_in, url):
    assert logged_in.get(url).status_code == 403


def test_it_may_not_change_a_case_nor_open_the_admin(logged_in, filed):
    response = logged_in.post(
        f"/api/staff/reports/{filed.reference}/notes/",
        {"internal_note": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert logged_in.get("/admin/").status_code == 302  # to the admin's own log-in


def test_other_roles_keep_their_tools(session_client):
    for who in ("consultant", "dispatcher", "unit_gzdiz"):
        client = session_client(who)
        assert client.get("/staff/hotspots/").status_code == 200, who
        assert client.get("/staff/routing/").status_code == 200, who
