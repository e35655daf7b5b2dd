"""Reporter name, e-mail and phone never appear in public output."""

from __future__ import annotations

import json

import pytest

from mapa.reports.casework import report_change_status
from tests.conftest import NEPTUNE_FOUNTAIN

pytestmark = pytest.mark.django_db

SECRETS = ("Zofia Wiśniewska", "zofia.w@example.com", "601 202 303")


def test_no_public_endpoint_shows_contact_data(api, make_report):
    created = api.post(
        "/api/reports/",
        json.dumps(
            {
                "category": "pothole",
                "description": "Dziura na chodniku",
                "name": SECRETS[0],
                "email": SECRETS[1],
                "phone": "+48 " + SECRETS[2],
                "location": {"type": "Point", "coordinates": list(NEPTUNE_FOUNTAIN)},
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    reference = created.json()["properties"]["reference"]
    report = created.wsgi_request and None
    from mapa.reports.models import Report

    report = Report.objects.get(reference=reference)
    assert report.reporter_phone == "+48 " + SECRETS[2]
    report_change_status(
        report=report, status="accepted", public_note="OK", internal_note=f"oddzwonić: {SECRETS[2]}"
    )
    lon, lat = NEPTUNE_FOUNTAIN
    bodies = [
        created.content,
        api.get("/api/reports/").content,
        api.get(f"/api/reports/{reference}/").content,
        api.get("/api/reports/nearby/", {"lon": lon, "lat": lat}).content,
        api.get("/api/reports/", {"status": "open", "bbox": "18.6,54.3,18.7,54.4"}).content,
    ]
    for body in bodies:
        text = body.decode()
        for secret in SECRETS:
            assert secret not in text
