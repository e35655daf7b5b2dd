"""Schemathesis over Mapa's own OpenAPI schema, against the live server.

Hypothesis draws query parameters and path references from the schema (valid and
not), calls the public and staff reads over real HTTP, and checks every answer:
never a server error, a documented status and media type, and a body that validates
against the schema documented for it. This is how ``created_after=...+23:35`` (a 500)
was found. Reads only: what the writes answer is checked in test_openapi.py.
Exports and Open311 have their own tests (tests/exports, tests/open311).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.db import connection, connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mapa.staff.services import api_token_for, staff_account_save
from tests.browser.conftest import live_url  # noqa: F401  (the live server fixture)

USERNAME = "openapi-live-dispatcher"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def generated_schema() -> dict[str, Any]:
    """The schema as /api/schema/?format=json serves it (built here, without a request)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    result: dict[str, Any] = json.loads(OpenApiJsonRenderer().render(document))
    return result


schema = (
    schemathesis.openapi.from_dict(generated_schema())
    .include(method="GET", path_regex=r"^/api/")
    .exclude(path_regex=r"^/api/exports/")
)


@pytest.mark.django_db
def test_the_live_tests_run_on_the_test_database():
    """A database test, so that pytest-django sets up the test database for this file."""
    assert connection.settings_dict["NAME"].startswith("test")


@pytest.fixture(scope="module")
def dispatcher_token(live_url: str, django_db_blocker: Any) -> Iterator[str]:  # noqa: F811
    """A dispatcher's API token, committed; the account is removed afterwards.

    When the browser tests ran first, Playwright's event loop is alive in this thread
    and Django would refuse the ORM as "async-unsafe": these are plain synchronous
    calls, allowed for their duration only (as tests/browser/conftest.py does).
    """
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        user = staff_account_save(username=USERNAME, role="dispatcher", password="horse-battery-9")
        token = api_token_for(username=USERNAME)
    yield token
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        user.delete()
        connections.close_all()  # none left idle when the test database is dropped


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_read_answers_as_its_schema_says(case, live_url, dispatcher_token):  # noqa: F811
    if case.path.startswith("/api/staff/"):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {dispatcher_token}"}
    case.call_and_validate(base_url=live_url, checks=CHECKS)
