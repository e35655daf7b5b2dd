"""What no view answered (mapa/core/errors.py): JSON under /api/, HTML pages elsewhere.

The views that fail on purpose live in tests/production/urls.py; the same URLconf serves
the gunicorn test in tests/test_production.py.
"""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def client(settings) -> Client:
    settings.ROOT_URLCONF = "tests.production.urls"
    return Client(raise_request_exception=False)


def api_error(client: Client, path: str, language: str = "en") -> tuple[int, object]:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


def test_an_unknown_api_path_is_a_json_404_that_names_it(client):
    assert api_error(client, "/api/no-such-thing/") == (
        404,
        {"detail": "There is no API endpoint at /api/no-such-thing/."},
    )


@pytest.mark.parametrize(
    "path",
    ["/api/reports/GD-2026-%25/", "/api/reports/-GD/", "/api/reports/.../", "/api/no-such-thing/"],
)
def test_with_debug_on_an_unknown_api_path_is_the_same_json_404(client, settings, path):
    """A malformed reference matches no URL: Django's own 404 page (DEBUG's list of URL
    patterns) is for pages only."""
    settings.DEBUG = True
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": f"There is no API endpoint at {response.wsgi_request.path}."
    }


def test_with_debug_on_a_page_keeps_django_s_debug_404(client, settings):
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_unknown_api_path_is_answered_in_the_requests_language(client):
    assert api_error(client, "/api/no-such-thing/", "pl") == (
        404,
        {"detail": "Pod adresem /api/no-such-thing/ nie ma punktu końcowego API."},
    )


def test_a_server_error_under_the_api_is_json(client):
    assert api_error(client, "/api/test-errors/crash/") == (
        500,
        {"detail": "Something went wrong on our side. Please try again later."},
    )


@pytest.mark.parametrize(
    ("path", "status", "detail"),
    [
        ("/api/test-errors/forbidden/", 403, "You do not have permission to do this."),
        ("/api/test-errors/suspicious/", 400, "The request is malformed."),
    ],
)
def test_refusals_under_the_api_are_json(client, path, status, detail):
    assert api_error(client, path) == (status, {"detail": detail})


@pytest.mark.django_db
def test_drf_still_answers_its_own_views_errors(client):
    status, body = api_error(client, "/api/reports/GD-2026-999999/")
    assert (status, body) == (404, {"detail": "No report with reference GD-2026-999999."})


@pytest.mark.django_db
def test_an_unknown_page_is_an_html_page_in_polish(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>Nie znaleziono strony</h1>" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_report_page_is_the_html_404(client):
    response = client.get("/r/GD-1999-000000/")
    assert response.status_code == 404
    assert "Nie znaleziono strony" in response.content.decode()


def test_a_server_error_on_a_page_is_a_self_contained_html_page(client):
    response = client.get("/test-errors/crash/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Coś poszło nie tak po naszej stronie" in html
    assert "/static/" not in html  # nothing that could fail in turn


def test_a_refused_page_stays_html(client):
    response = client.get("/test-errors/forbidden/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
