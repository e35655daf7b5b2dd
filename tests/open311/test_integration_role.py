"""The integration role (mapa/staff/access.py): one application's account files and sees its own.

``manage.py create_staff NAME --role integration`` makes it, ``manage.py api_token NAME``
its key. Through Open311 it files reports and reads back only those; through the
staff API it can do nothing else with a case and never sees contact data.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.open311.conftest import BASE, PASSWORD, errors_of

pytestmark = pytest.mark.django_db

LON, LAT = NEPTUNE_FOUNTAIN


@pytest.fixture
def app_key(monkeypatch) -> str:
    monkeypatch.setenv("MAPA_STAFF_PASSWORD", PASSWORD)
    out = StringIO()
    call_command("create_staff", "fixmystreet-app", "--role", "integration", stdout=out)
    assert out.getvalue().strip() == "Created fixmystreet-app: integration."
    out = StringIO()
    call_command("api_token", "fixmystreet-app", stdout=out)
    return out.getvalue().strip()


def test_it_files_and_sees_only_what_it_filed(client, app_key, post, make_report):
    other = make_report("pothole")
    response = post(app_key, service_code="pothole", lat=LAT, long=LON, email="a@example.com")
    assert response.status_code == 200, response.content
    mine = response.json()[0]["service_request_id"]
    listed = client.get(f"{BASE}requests.json?api_key={app_key}").json()
    assert [r["service_request_id"] for r in listed] == [mine]
    response = client.get(f"{BASE}requests/{other.reference}.json?api_key={app_key}")
    assert response.status_code == 404
    assert errors_of(response)
    # Without its key, every report's public fields are public anyway.
    listed = client.get(f"{BASE}requests.json").json()
    assert {r["service_request_id"] for r in listed} == {mine, other.reference}


def test_it_may_not_work_cases_nor_see_contact_data(app_key, post):
    reference = post(
        app_key, service_code="pothole", lat=LAT, long=LON, email="a@example.com"
    ).json()[0]["service_request_id"]
    staff_api = APIClient()
    staff_api.credentials(HTTP_AUTHORIZATION=f"Token {app_key}")
    detail = staff_api.get(f"/api/staff/reports/{reference}/")
    assert detail.status_code == 200
    assert "a@example.com" not in detail.content.decode()
    version = Report.objects.get(reference=reference).version
    response = staff_api.post(
        f"/api/staff/reports/{reference}/transition/",
        {"status": "accepted", "version": version},
        format="json",
    )
    assert response.status_code == 403
    assert Report.objects.get(reference=reference).status == "new"
