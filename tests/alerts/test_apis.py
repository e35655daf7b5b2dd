"""POST /api/alerts/follows/: the map's "me too" (mapa/alerts/apis.py)."""

from __future__ import annotations

import pytest

from mapa.alerts.models import Follow
from mapa.notifications.models import Notification
from mapa.reports.casework import report_change_status

pytestmark = pytest.mark.django_db

URL = "/api/alerts/follows/"
ADDRESS = "sasiadka@example.com"


def test_a_follow_is_accepted_unconfirmed_with_one_confirmation_queued(api, make_report):
    report = make_report()
    answer = api.post(URL, {"reference": report.reference, "email": ADDRESS}, format="json")
    assert answer.status_code == 202
    assert "Sprawdź skrzynkę" in answer.json()["detail"]
    follow = Follow.objects.get()
    assert (follow.report, follow.email, follow.language, follow.confirmed_at) == (
        report,
        ADDRESS,
        "pl",
        None,
    )
    assert Notification.objects.get(recipient=ADDRESS).event == "follow_confirm"
    assert ADDRESS not in answer.content.decode()


def test_the_answer_is_the_same_for_an_address_that_already_follows(api, make_report):
    report = make_report()
    body = {"reference": report.reference, "email": ADDRESS}
    first = api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    Follow.objects.update(confirmed_at="2026-11-30T08:00:00Z")
    again = api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (first.status_code, first.json()) == (again.status_code, again.json())
    assert Follow.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"email": ADDRESS}, "reference", "Which report? (the reference)"),
        ({"reference": "GD-2026-999999", "email": ADDRESS}, "reference", "No report"),
        ({"reference": "{reference}", "email": "no-at-sign"}, "email", "not an e-mail"),
        ({"reference": "{reference}"}, "email", "Give your e-mail address."),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_saved(
    api, make_report, body, field, message
):
    report = make_report()
    body = {k: v.format(reference=report.reference) for k, v in body.items()}
    answer = api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400
    assert message in " ".join(answer.json()[field])
    assert not Follow.objects.exists()
    assert not Notification.objects.filter(event="follow_confirm").exists()


def test_a_closed_report_is_refused_in_polish(api, make_report):
    report = make_report()
    report_change_status(report=report, status="resolved", public_note="Naprawione.")
    answer = api.post(URL, {"reference": report.reference, "email": ADDRESS}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {
        "reference": [
            "To zgłoszenie jest zamknięte: nie będzie już nowych informacji do obserwowania."
        ]
    }
    assert not Follow.objects.exists()
