"""Reports from banned contacts: held for review, then released or rejected (reports/review.py).

Held: stored and routed, but nobody is told (no ``report_created``: no unit e-mail, no
resident confirmation, no alert). Released: a new report as any other, and everybody
is told then. Rejected: closed, still hidden, nobody told.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User

from mapa.moderation.models import Ban
from mapa.notifications.models import Event, Notification
from mapa.reports.audit import report_audit_trail
from mapa.reports.casework import report_add_note, report_change_status
from mapa.reports.models import EventKind, Report, ReportStatus
from mapa.reports.review import report_reject_held, report_release
from mapa.reports.selectors import public_report
from mapa.reports.signals import report_created
from mapa.reports.workflow import TransitionError
from tests.conftest import WRZESZCZ_GORNY

pytestmark = pytest.mark.django_db

URL = "/api/reports/"


def body(**overrides):
    data = {
        "category": "pothole",
        "location": {"type": "Point", "coordinates": list(WRZESZCZ_GORNY)},
        "description": "Dziura w jezdni",
        "email": "resident@example.com",
    }
    return json.dumps({**data, **overrides})


@pytest.fixture
def heard() -> list[Report]:
    """The reports ``report_created`` was sent for."""
    sent: list[Report] = []

    def listen(sender, report, **kwargs):
        sent.append(report)

    report_created.connect(listen, dispatch_uid="test-review-heard")
    yield sent
    report_created.disconnect(dispatch_uid="test-review-heard")


def events_of(report: Report) -> list[str]:
    return sorted(Notification.objects.filter(report=report).values_list("event", flat=True))


def test_a_report_from_a_banned_phone_is_held_and_nobody_is_told(make_report, heard):
    Ban.objects.create(phone="+48501234567", reason="abuse")
    held = make_report(reporter_phone="501 234 567", reporter_email="x@example.com")
    other = make_report(reporter_phone="501 234 568", reporter_email="y@example.com")
    assert (held.held, other.held) == (True, False)
    assert Report.objects.get(pk=held.pk).held
    assert heard == [other]
    assert events_of(held) == []
    assert Event.REPORT_RECEIVED in events_of(other)
    assert public_report(held.reference) is None
    assert public_report(held.reference, held=True) is not None


def test_the_api_answers_a_held_report_as_any_other_but_does_not_show_it(api, heard):
    Ban.objects.create(network="203.0.113.0/24", reason="bot farm")
    created = api.post(URL, body(), content_type="application/json", REMOTE_ADDR="203.0.113.9")
    assert created.status_code == 201, created.content
    reference = created.json()["properties"]["reference"]
    assert created.json()["properties"]["status"] == "new"
    assert Report.objects.get(reference=reference).held
    assert api.get(f"{URL}{reference}/").status_code == 404
    assert heard == []
    # From another address, the same resident files as usual.
    again = api.post(URL, body(), content_type="application/json", REMOTE_ADDR="198.51.100.1")
    assert again.status_code == 201
    assert not Report.objects.get(reference=again.json()["properties"]["reference"]).held


def test_a_banned_email_is_matched_in_any_case_through_the_api(api):
    Ban.objects.create(email="troll@example.com", reason="abuse")
    created = api.post(URL, body(email="TROLL@example.com"), content_type="application/json")
    assert created.status_code == 201
    assert Report.objects.get(reference=created.json()["properties"]["reference"]).held


def test_an_expired_ban_holds_nothing(api, make_report):
    Ban.objects.create(email="troll@example.com", reason="abuse", expires_at="2020-01-01T00:00Z")
    assert not make_report(reporter_email="troll@example.com").held


def test_release_makes_it_a_new_report_and_tells_everybody_then(make_report, heard):
    Ban.objects.create(email="troll@example.com", reason="abuse")
    consultant = User.objects.create_user("konsultantka")
    held = make_report(reporter_email="troll@example.com")
    version = held.version
    event = report_release(
        report=held, actor=consultant, internal_note="Rzeczowe.", expected_version=version
    )
    held.refresh_from_db()
    assert (held.held, held.status, held.version) == (False, ReportStatus.NEW, version + 1)
    assert heard == [held]
    assert Event.REPORT_RECEIVED in events_of(held)
    assert (event.kind, event.internal_note, event.public_note) == (
        EventKind.COMMENT,
        "Rzeczowe.",
        "",
    )
    assert event.data == {"review": "released"}
    # The public history does not say it was held.
    detail = public_report(held.reference)
    assert detail is not None
    assert [entry["kind"] for entry in detail.history] == [EventKind.CREATED]
    # The audit trail records the change of ``held``.
    changes = [entry.changes for entry in report_audit_trail(held.pk)]
    assert any(change.get("held") == [True, False] for change in changes), changes


def test_release_keeps_the_residents_wish_for_sms_updates(make_report, heard, settings):
    received = []

    def listen(sender, report, sms_updates=False, **kwargs):
        received.append(sms_updates)

    report_created.connect(listen, dispatch_uid="test-review-sms")
    try:
        Ban.objects.create(email="troll@example.com", reason="abuse")
        held = make_report(
            reporter_email="troll@example.com", reporter_phone="+48501234567", sms_updates=True
        )
        assert received == []
        report_release(report=held)
        assert received == [True]
    finally:
        report_created.disconnect(dispatch_uid="test-review-sms")


def test_reject_closes_it_hidden_and_tells_nobody(make_report, heard):
    Ban.objects.create(email="troll@example.com", reason="abuse")
    held = make_report(reporter_email="troll@example.com")
    event = report_reject_held(report=held, internal_note="Spam.")
    held.refresh_from_db()
    assert (held.held, held.status) == (True, ReportStatus.REJECTED)
    assert (event.from_status, event.to_status, event.public_note) == ("new", "rejected", "")
    assert heard == []
    assert events_of(held) == []
    assert public_report(held.reference) is None
    with pytest.raises(TransitionError):
        report_release(report=held)  # decided already


def test_nothing_else_is_done_to_a_held_report_before_review(make_report):
    Ban.objects.create(email="troll@example.com", reason="abuse")
    held = make_report(reporter_email="troll@example.com")
    with pytest.raises(TransitionError, match="czeka na przegląd"):
        report_change_status(report=held, status=ReportStatus.ACCEPTED)
    with pytest.raises(TransitionError, match="czeka na przegląd"):
        report_add_note(report=held, internal_note="x")
    held.refresh_from_db()
    assert (held.status, held.version) == (ReportStatus.NEW, 1)


def test_a_report_not_held_cannot_be_released_or_rejected(make_report):
    report = make_report()
    with pytest.raises(TransitionError, match="nie czeka na przegląd"):
        report_release(report=report)
    with pytest.raises(TransitionError, match="nie czeka na przegląd"):
        report_reject_held(report=report)
