"""Schemathesis over the exports' OpenAPI description, against the live server.

Hypothesis draws the filters, the sync parameters and the cache headers from the
schema (valid and not) and calls both exports over real HTTP with a dispatcher's
token: never a server error, a documented status and media type, and a GeoJSON
body valid against the documented FeatureCollection.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.db import connection, connections
from hypothesis import HealthCheck, settings

from mapa.staff.services import api_token_for, staff_account_save
from tests.browser.conftest import live_url  # noqa: F401  (the live server fixture)
from tests.core.test_openapi_live import CHECKS, generated_schema

USERNAME = "exports-live-dispatcher"

schema = schemathesis.openapi.from_dict(generated_schema()).include(
    method="GET", path_regex=r"^/api/exports/reports\."
)


@pytest.mark.django_db
def test_the_live_tests_run_on_the_test_database():
    """A database test, so that pytest-django sets up the test database for this file."""
    assert connection.settings_dict["NAME"].startswith("test")


@contextmanager
def _orm_beside_playwright() -> Iterator[None]:
    """ORM calls allowed while Playwright's event loop is alive in this thread (the browser
    tests run first in a full run; tests/browser/conftest.py does the same per test)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield
        connections.close_all()  # none left idle when the test database is dropped


@pytest.fixture(scope="module")
def dispatcher_token(live_url: str, django_db_blocker: Any) -> Iterator[str]:  # noqa: F811
    """A dispatcher's API token, committed; the account is removed afterwards."""
    with django_db_blocker.unblock(), _orm_beside_playwright():
        user = staff_account_save(username=USERNAME, role="dispatcher", password="horse-battery-9")
        token = api_token_for(username=USERNAME)
    yield token
    with django_db_blocker.unblock(), _orm_beside_playwright():
        user.delete()


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_export_answers_as_its_schema_says(case, live_url, dispatcher_token):  # noqa: F811
    case.headers = {**(case.headers or {}), "Authorization": f"Token {dispatcher_token}"}
    case.call_and_validate(base_url=live_url, checks=CHECKS)
