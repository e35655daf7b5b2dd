"""POST /api/reports/ refuses a filled honeypot (``website``) with a 400 naming it."""

from __future__ import annotations

import json

import pytest

from mapa.reports.models import Report
from tests.conftest import WRZESZCZ_GORNY

pytestmark = pytest.mark.django_db

URL = "/api/reports/"


def body(**overrides):
    data = {
        "category": "pothole",
        "location": {"type": "Point", "coordinates": list(WRZESZCZ_GORNY)},
        "description": "Dziura w jezdni",
    }
    return json.dumps({**data, **overrides})


@pytest.mark.parametrize("filled", ["https://cheap-pills.example", " "])
def test_a_filled_honeypot_is_refused_naming_it_and_nothing_is_saved(api, filled):
    response = api.post(URL, body(website=filled), content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["website"]
    assert response.json()["website"][0]
    assert not Report.objects.exists()


@pytest.mark.parametrize("extra", [{}, {"website": ""}])
def test_left_out_or_empty_it_files_as_usual(api, extra):
    response = api.post(URL, body(**extra), content_type="application/json")
    assert response.status_code == 201, response.content


def test_the_schema_documents_it(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    fields = schema["components"]["schemas"]["ReportCreateInputRequest"]["properties"]
    assert "website" in fields
    assert "bot" in fields["website"]["description"]
