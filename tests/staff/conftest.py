"""Staff accounts and API clients for the tests, cases to work on, a clean log-in throttle."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from rest_framework.test import APIClient

from mapa.reports.models import Report
from mapa.staff.services import api_token_for, staff_account_save
from tests.conftest import NEPTUNE_FOUNTAIN

PASSWORD = "correct-horse-battery"  # passes Django's password validators


@pytest.fixture(autouse=True)
def clean_throttle() -> Iterator[None]:
    """Each test starts with an empty cache. (The log-in throttle counts in CACHES["limits"],
    a table in tests, which goes with each test's transaction: tests/limits/.)"""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_account(db: None) -> Callable[..., User]:
    def make(username: str = "ola", role: str = "consultant", **extra: Any) -> User:
        extra.setdefault("password", PASSWORD)
        return staff_account_save(username=username, role=role, **extra)

    return make


# One account per role, and API clients for them (issue 8, "People and permissions").
# The keys name who the account is; the usernames are what events and errors show.
USERNAMES = {
    "consultant": "konsultantka",
    "dispatcher": "dyspozytor",
    "admin": "administratorka",
    "unit_gzdiz": "drogowiec",  # unit staff of GZDiZ (roads and greenery)
    "unit_sm": "straznik",  # unit staff of Straż Miejska: its district offices' cases too
    "no_role": "mieszkaniec",  # an account with no staff role at all
    "integration": "aplikacja",  # a system account for one application (files reports only)
}


@pytest.fixture
def accounts(staff_account: Callable[..., User]) -> dict[str, User]:
    return {
        "consultant": staff_account(USERNAMES["consultant"], "consultant"),
        "dispatcher": staff_account(USERNAMES["dispatcher"], "dispatcher"),
        "admin": staff_account(USERNAMES["admin"], "admin"),
        "unit_gzdiz": staff_account(USERNAMES["unit_gzdiz"], "unit_staff", units=["gzdiz"]),
        "unit_sm": staff_account(USERNAMES["unit_sm"], "unit_staff", units=["sm"]),
        "no_role": User.objects.create_user(USERNAMES["no_role"], password=PASSWORD),
        "integration": staff_account(USERNAMES["integration"], "integration"),
    }


@pytest.fixture
def token_client(accounts: dict[str, User]) -> Callable[[str], APIClient]:
    """An API client that sends ``Authorization: Token <key>`` for the account named."""

    def make(who: str) -> APIClient:
        client = APIClient()
        token = api_token_for(username=accounts[who].username)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make


@pytest.fixture
def session_client(accounts: dict[str, User]) -> Callable[[str], APIClient]:
    """An API client logged in with a session, as the staff pages are."""

    def make(who: str) -> APIClient:
        client = APIClient()
        client.force_login(accounts[who])
        return client

    return make


@pytest.fixture(params=["token", "session"])
def client_as(
    request: pytest.FixtureRequest,
    token_client: Callable[[str], APIClient],
    session_client: Callable[[str], APIClient],
) -> Callable[[str], APIClient]:
    """Each test that uses this runs twice: once with a token, once with a session."""
    return token_client if request.param == "token" else session_client


CONTACT = {
    "reporter_name": "Anna Nowak",
    "reporter_email": "anna.nowak@example.com",
    "reporter_phone": "+48 500 100 200",
}


@pytest.fixture
def cases(make_report: Callable[..., Report]) -> dict[str, Report]:
    """Three pairs of new cases at Neptune's Fountain (Śródmieście), each with contact data.

    ``road``/``road2``: potholes, routed to GZDiZ. ``animal``/``animal2``: stray
    dogs, routed to Straż Miejska's Śródmieście office (``sm-srodmiescie``).
    ``triage``/``triage2``: "other", which no unit takes, so GCK triages it.
    """
    lon, lat = NEPTUNE_FOUNTAIN
    dog = {"attributes": {"animal": "dog"}, **CONTACT}
    return {
        "road": make_report("pothole", lon, lat, description="Dziura w jezdni", **CONTACT),
        "road2": make_report("pothole", lon, lat, description="Ta sama dziura", **CONTACT),
        "animal": make_report("stray-animal", lon, lat, description="Pies bez pana", **dog),
        "animal2": make_report("stray-animal", lon, lat, description="Znowu ten pies", **dog),
        "triage": make_report("other", lon, lat, description="Coś innego", **CONTACT),
        "triage2": make_report("other", lon, lat, description="Coś jeszcze", **CONTACT),
    }
