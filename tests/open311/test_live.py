"""Open311 over real HTTP: a round trip with urllib, and schemathesis against the standard's spec.

The server is the browser tests' live server (one thread on 127.0.0.1 for the
session, serving the committed test database). What these tests file is
committed, so the account they use and its reports are deleted afterwards.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from django.db import connection, connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mapa.reports.models import Report
from mapa.staff.services import api_token_for, staff_account_save
from tests.browser.conftest import live_url  # noqa: F401 - the live server fixture
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.open311.spec import corrected_spec

LON, LAT = NEPTUNE_FOUNTAIN
USERNAME = "o311-live-integration"


@pytest.mark.django_db
def test_the_live_tests_run_on_the_test_database():
    """A database test, so that pytest-django sets up the test database when this file runs
    alone (as tests/browser/test_database.py does for the browser tests)."""
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
def live_key(live_url: str, django_db_blocker: Any) -> Iterator[str]:  # noqa: F811
    """A consultant's api_key, committed; its account and reports are removed afterwards."""
    with django_db_blocker.unblock(), _orm_beside_playwright():
        user = staff_account_save(username=USERNAME, role="consultant", password="correct-horse-9")
        key = api_token_for(username=USERNAME)
    yield key
    with django_db_blocker.unblock(), _orm_beside_playwright():
        Report.objects.filter(registered_by=user).delete()
        user.delete()


def call(url: str, data: dict[str, Any] | None = None) -> tuple[int, str, bytes]:
    body = urlencode(data, doseq=True).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method="POST" if data else "GET")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - 127.0.0.1
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_round_trip_post_then_get_by_id_then_with_filters(live_url, live_key, fmt):  # noqa: F811
    base = f"{live_url}/open311/v2"
    status, kind, body = call(
        f"{base}/requests.{fmt}",
        {
            "api_key": live_key,
            "service_code": "stray-animal",
            "lat": LAT,
            "long": LON,
            "attribute[animal]": "dog",
            "description": f"Pies ({fmt})",
            "email": "x@example.com",
        },
    )
    assert status == 200, body
    if fmt == "json":
        assert kind == "application/json; charset=utf-8"
        reference = json.loads(body)[0]["service_request_id"]
    else:
        assert kind == "text/xml; charset=utf-8"
        reference = ET.fromstring(body).findtext("request/service_request_id")  # noqa: S314
    assert reference

    def requests(query: str) -> list[dict[str, Any]]:
        status, _kind, body = call(
            f"{base}/requests.{fmt}?{query}" if query else f"{base}/requests/{reference}.{fmt}"
        )
        assert status == 200, body
        if fmt == "json":
            return json.loads(body)
        root = ET.fromstring(body)  # noqa: S314 - our own server's answer
        assert root.tag == "service_requests"
        return [{child.tag: child.text for child in r} for r in root.findall("request")]

    [one] = requests("")
    assert one["service_request_id"] == reference
    assert one["status"] == "open"
    assert float(one["lat"]) == LAT
    assert float(one["long"]) == LON
    assert "x@example.com" not in json.dumps(one)
    listed = [r["service_request_id"] for r in requests("service_code=stray-animal&status=open")]
    assert reference in listed
    assert reference not in [r["service_request_id"] for r in requests("status=closed")]
    assert reference not in [r["service_request_id"] for r in requests("service_code=pothole")]


schema = schemathesis.openapi.from_dict(corrected_spec())
# The XML answers are checked for status codes, content types and server errors;
# the spec's schemas describe JSON (test_apis.py parses the XML).
xml_schema = schemathesis.openapi.from_dict(corrected_spec(fmt="xml"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def base_url(live_url):  # noqa: F811
    return f"{live_url}/open311/v2"


def run(case: Any, base_url: str, key: str) -> None:
    if case.method == "POST":
        case.query = {**(case.query or {}), "api_key": key}
    case.call_and_validate(base_url=base_url, checks=CHECKS)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_server_honours_the_georeport_v2_spec(case, base_url, live_key):
    run(case, base_url, live_key)


@xml_schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_xml_answers_honour_it_too(case, base_url, live_key):
    run(case, base_url, live_key)
