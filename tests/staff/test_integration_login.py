"""An integration account (one application filing reports) works through the API with its
token and never through a page: its password opens no session in the staff pages or the
admin, a session it somehow holds opens no page, and its token still files reports and
reads back only the ones it filed, none of the tools."""

from __future__ import annotations

import pytest
from django.test import Client

from mapa.reports.models import Report
from mapa.staff.throttle import LoginAttempt, seconds_locked
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.staff.conftest import CONTACT, PASSWORD, USERNAMES

pytestmark = pytest.mark.django_db

BBOX = "18.60,54.30,18.70,54.40"
PAGES = ["/staff/", "/staff/intake/", "/staff/stats/", "/staff/hotspots/", "/staff/routing/"]


@pytest.fixture
def filed(make_report, accounts) -> Report:
    return make_report(
        "pothole", *NEPTUNE_FOUNTAIN, registered_by=accounts["integration"], **CONTACT
    )


def test_its_password_opens_no_staff_session(accounts):
    client = Client()
    response = client.post(
        "/staff/login/", {"username": USERNAMES["integration"], "password": PASSWORD}
    )
    assert response.status_code == 200  # the form again, with the reason
    refusal = response.context["form"].non_field_errors().as_data()
    assert [error.code for error in refusal] == ["application_account"]
    assert "_auth_user_id" not in client.session
    assert client.get("/staff/").status_code == 302  # still to the log-in page


def test_its_right_password_is_not_counted_as_a_guess(accounts):
    client = Client()
    for _ in range(8):  # more than the 5 failures that lock a username
        client.post("/staff/login/", {"username": USERNAMES["integration"], "password": PASSWORD})
    attempt = LoginAttempt(address="127.0.0.1", username=USERNAMES["integration"])
    assert seconds_locked(attempt) == 0


def test_nor_an_admin_session(accounts):
    client = Client()
    client.post("/admin/login/", {"username": USERNAMES["integration"], "password": PASSWORD})
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", PAGES)
def test_a_session_it_holds_opens_no_page(session_client, filed, url):
    assert session_client("integration").get(url).status_code == 403


def test_its_token_files_and_reads_only_its_own_reports(token_client, filed, cases):
    client = token_client("integration")
    listed = client.get("/api/staff/reports/").json()
    assert [f["properties"]["reference"] for f in listed["features"]] == [filed.reference]
    count = client.get("/api/staff/reports/map/count/", {"bbox": BBOX}).json()
    assert count["count"] == 1
    detail = client.get(f"/api/staff/reports/{filed.reference}/")
    assert detail.status_code == 200
    for secret in CONTACT.values():
        assert secret not in detail.content.decode()  # an integration never sees contact data
    assert client.get(f"/api/staff/reports/{cases['road'].reference}/").status_code == 404


@pytest.mark.parametrize("url", ["/api/staff/hotspots/", "/api/staff/coverage/?category=pothole"])
def test_its_token_gets_none_of_the_tools(token_client, url):
    assert token_client("integration").get(url).status_code == 403


def test_other_roles_keep_their_pages_and_tools(session_client):
    for who in ("consultant", "dispatcher", "unit_gzdiz"):
        client = session_client(who)
        assert client.get("/staff/hotspots/").status_code == 200, who
        assert client.get("/staff/routing/").status_code == 200, who
