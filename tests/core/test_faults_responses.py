"""Which database errors are faults, and the 503s they become (mapa/core/faults.py).

In process, on the test database: a real statement_timeout cancel and a real refused
connection. The server stopped under load is tests/core/test_faults.py.
"""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test import RequestFactory

from mapa.core.errors import server_error
from mapa.core.faults import fault_of, fault_response, is_public_read

pytestmark = pytest.mark.django_db


def cancelled_by_statement_timeout() -> DatabaseError:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(5)")
    except DatabaseError as exc:
        return exc
    raise AssertionError("pg_sleep(5) was not cancelled")


def refused_connection() -> DatabaseError:
    settings = {**connection.settings_dict, "PORT": "1", "HOST": "127.0.0.1"}
    wrapper = DatabaseWrapper(settings, alias="refused")
    try:
        wrapper.ensure_connection()
    except DatabaseError as exc:
        return exc
    finally:
        wrapper.close()
    raise AssertionError("port 1 answered")


def test_faults_are_told_apart():
    assert fault_of(cancelled_by_statement_timeout()) == "timeout"
    assert fault_of(refused_connection()) == "unavailable"
    with pytest.raises(DatabaseError) as division, transaction.atomic():
        connection.cursor().execute("SELECT 1/0")
    assert fault_of(division.value) is None  # a bug stays a 500
    assert fault_of(IntegrityError("duplicate")) is None
    assert fault_of(ValueError()) is None


def test_an_api_gets_json_and_a_page_gets_html(rf: RequestFactory):
    response = fault_response(rf.get("/api/reports/"), refused_connection())
    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    assert list(json.loads(response.content)) == ["detail"]
    page = fault_response(rf.get("/r/GD-2026-000001/"), cancelled_by_statement_timeout())
    assert page is not None
    assert page.status_code == 503
    assert page["Content-Type"].startswith("text/html")
    assert b"<h1>" in page.content


@pytest.mark.parametrize(
    ("method", "path", "public"),
    [
        ("GET", "/", True),
        ("GET", "/api/reports/", True),
        ("HEAD", "/r/GD-2026-000001/", True),
        ("GET", "/open311/v2/requests.json", True),
        ("POST", "/api/reports/", False),
        ("GET", "/api/staff/reports/", False),
        ("GET", "/api/exports/reports.csv", False),
        ("GET", "/staff/", False),
        ("GET", "/health/ready/", False),
    ],
)
def test_which_requests_the_public_timeout_covers(rf: RequestFactory, method, path, public):
    assert is_public_read(rf.generic(method, path)) is public


def test_a_fault_raised_outside_a_view_is_a_503_too(rf: RequestFactory):
    """handler500 runs inside Django's except block: a fault there is answered as one."""
    try:
        raise refused_connection()
    except DatabaseError:
        response = server_error(rf.get("/api/reports/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(rf.get("/api/reports/")).status_code == 500
