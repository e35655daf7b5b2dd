"""GET /api/reports/<reference>/: one report with its routing and public history."""

from __future__ import annotations

import pytest

from mapa.reports.casework import report_change_status

pytestmark = pytest.mark.django_db


def test_a_report_with_its_public_history(api, make_report):
    report = make_report(
        "stray-animal",
        18.6060,
        54.3800,
        attributes={"animal": "dog"},
        description="Pies bez obroży",
        reporter_email="secret@example.com",
    )
    report_change_status(
        report=report,
        status="accepted",
        internal_note="tel. do zgłaszającej",
        public_note="Patrol w drodze.",
    )
    report_change_status(report=report, status="resolved", public_note="Pies w schronisku.")
    response = api.get(f"/api/reports/{report.reference}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    props = response.json()["properties"]
    assert props["description"] == "Pies bez obroży"
    assert props["status"] == "resolved"
    assert props["status_label"] == "resolved"
    assert props["attributes"] == [
        {"code": "animal", "label": "Which animal", "value": "dog", "display": "dog"}
    ]
    assert "Referat Dzielnicowy Wrzeszcz" in props["routing"]["explanation"]
    history = props["history"]
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "new"),
        ("new", "accepted"),
        ("accepted", "resolved"),
    ]
    assert [h["note"] for h in history] == ["", "Patrol w drodze.", "Pies w schronisku."]
    body = response.content.decode()
    assert "tel. do zgłaszającej" not in body
    assert "secret@example.com" not in body


def test_labels_follow_the_language(api, make_report):
    report = make_report("stray-animal", 18.6060, 54.3800, attributes={"animal": "dog"})
    props = api.get(f"/api/reports/{report.reference}/").json()["properties"]
    assert props["status_label"] == "nowe"
    assert props["category"]["name"] == "Bezpańskie zwierzę"
    assert props["attributes"][0]["display"] == "pies"
    assert props["routing"]["explanation"].startswith("Przekazano do:")


def test_an_unknown_reference_is_a_404_that_says_so(api):
    response = api.get("/api/reports/GD-2026-999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"detail": "No report with reference GD-2026-999999."}
