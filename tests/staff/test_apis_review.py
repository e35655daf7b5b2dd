"""Reports held for review in the staff workspace (mapa/staff/apis.py ReviewApi, filters, pages).

Consultants and administrators release or reject them; dispatchers see them but may not
decide; unit staff do not see them at all (nobody told their unit yet). Nothing else is
done to a held report until it is decided.
"""

from __future__ import annotations

import pytest

from mapa.moderation.models import Ban
from mapa.notifications.models import Event, Notification
from mapa.reports.models import Report, ReportEvent, ReportStatus
from tests.conftest import NEPTUNE_FOUNTAIN

pytestmark = pytest.mark.django_db

API = "/api/staff/reports/"
BANNED = "troll@example.com"


@pytest.fixture
def held(make_report) -> Report:
    Ban.objects.create(email=BANNED, reason="abuse")
    report = make_report("pothole", *NEPTUNE_FOUNTAIN, reporter_email=BANNED)
    assert report.held
    return report


def listed(client, **params) -> set[str]:
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return {f["properties"]["reference"] for f in response.json()["features"]}


def test_consultants_find_held_reports_with_the_filter(client_as, held, cases):
    consultant = client_as("consultant")
    assert listed(consultant, held="true") == {held.reference}
    assert held.reference not in listed(consultant, held="false")
    assert held.reference in listed(consultant)
    feature = next(
        f for f in consultant.get(API).json()["features"] if f["properties"]["held"] is True
    )
    assert feature["properties"]["reference"] == held.reference
    detail = consultant.get(f"{API}{held.reference}/").json()["properties"]
    assert detail["held"] is True


def test_unit_staff_do_not_see_held_reports(client_as, held):
    unit = client_as("unit_gzdiz")  # the unit the pothole was routed to
    assert held.reference not in listed(unit)
    assert unit.get(f"{API}{held.reference}/").status_code == 404
    refused = unit.post(f"{API}{held.reference}/review/", {"decision": "release"}, format="json")
    assert refused.status_code == 404


@pytest.mark.parametrize("who", ["consultant", "admin"])
def test_release_through_the_api(client_as, held, who):
    response = client_as(who).post(
        f"{API}{held.reference}/review/",
        {"decision": "release", "internal_note": "Rzeczowe zgłoszenie.", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["properties"]["held"] is False
    held.refresh_from_db()
    assert (held.held, held.status) == (False, ReportStatus.NEW)
    event = ReportEvent.objects.filter(report=held).order_by("-id").first()
    assert event.internal_note == "Rzeczowe zgłoszenie."
    assert event.actor.username  # who decided is in the history
    assert Notification.objects.filter(report=held, event=Event.REPORT_RECEIVED).exists()


def test_reject_through_the_api(client_as, held):
    response = client_as("consultant").post(
        f"{API}{held.reference}/review/", {"decision": "reject"}, format="json"
    )
    assert response.status_code == 200, response.content
    held.refresh_from_db()
    assert (held.held, held.status) == (True, ReportStatus.REJECTED)
    assert not Notification.objects.filter(report=held).exists()


def test_dispatchers_see_but_may_not_decide(client_as, held):
    dispatcher = client_as("dispatcher")
    assert held.reference in listed(dispatcher, held="true")
    response = dispatcher.post(
        f"{API}{held.reference}/review/", {"decision": "release"}, format="json"
    )
    assert response.status_code == 403
    assert Report.objects.get(pk=held.pk).held


def test_nothing_else_is_done_to_a_held_report(client_as, held):
    consultant = client_as("consultant")
    response = consultant.post(
        f"{API}{held.reference}/transition/", {"status": "accepted"}, format="json"
    )
    assert response.status_code == 409
    assert "czeka na przegląd" in response.json()["detail"]  # "held for review", in Polish
    response = consultant.post(
        f"{API}{held.reference}/notes/", {"internal_note": "x"}, format="json"
    )
    assert response.status_code == 409
    assert Report.objects.get(pk=held.pk).version == 1


def test_a_report_not_held_is_a_409_and_a_bad_decision_a_400(client_as, held, cases):
    consultant = client_as("consultant")
    road = cases["road"]
    response = consultant.post(
        f"{API}{road.reference}/review/", {"decision": "release"}, format="json"
    )
    assert response.status_code == 409
    response = consultant.post(
        f"{API}{held.reference}/review/", {"decision": "keep"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["decision"]


def test_the_case_page_offers_the_decision_and_nothing_else(session_client, held):
    html = session_client("consultant").get(f"/staff/r/{held.reference}/").content.decode()
    assert 'id="review"' in html
    assert "badge--held" in html
    for other in ('id="transition"', 'id="note"', 'id="reroute"', 'id="duplicate"'):
        assert other not in html
    dispatcher_html = session_client("dispatcher").get(f"/staff/r/{held.reference}/")
    assert 'id="review"' not in dispatcher_html.content.decode()


def test_the_dispatcher_page_has_the_held_filter(session_client):
    html = session_client("consultant").get("/staff/").content.decode()
    assert 'id="filter-held" name="held"' in html
