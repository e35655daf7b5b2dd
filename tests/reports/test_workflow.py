"""Status transitions, checked in one place (mapa/reports/workflow.py)."""

from __future__ import annotations

import pytest

from mapa.reports.models import ReportEvent, ReportStatus
from mapa.reports.services import report_change_status
from mapa.reports.workflow import TRANSITIONS, TransitionError, check_transition

S = ReportStatus


@pytest.mark.parametrize(
    ("current", "target"),
    [(current, target) for current, targets in TRANSITIONS.items() for target in targets],
)
def test_allowed_transitions_pass(current, target):
    check_transition(current=current, target=target, public_note="powód", has_duplicate_of=True)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (current, target)
        for current in S.values
        for target in S.values
        if target not in TRANSITIONS[current]
    ],
)
def test_every_other_transition_is_refused(current, target):
    with pytest.raises(TransitionError):
        check_transition(current=current, target=target, public_note="powód", has_duplicate_of=True)


def test_every_status_has_a_rule():
    assert set(TRANSITIONS) == set(S.values)


def test_a_rejection_needs_a_public_reason():
    with pytest.raises(TransitionError, match="public note"):
        check_transition(current=S.NEW, target=S.REJECTED, public_note="  ", has_duplicate_of=False)


def test_a_duplicate_must_name_its_original():
    with pytest.raises(TransitionError, match="duplicates"):
        check_transition(current=S.NEW, target=S.DUPLICATE, public_note="", has_duplicate_of=False)


def test_an_unknown_status_is_refused():
    with pytest.raises(TransitionError, match="unknown status"):
        check_transition(current=S.NEW, target="lost", public_note="", has_duplicate_of=False)


@pytest.mark.django_db
def test_a_change_writes_an_event_with_who_when_from_to_and_note(make_report, django_user_model):
    report = make_report()
    user = django_user_model.objects.create(username="gck1")
    event = report_change_status(
        report=report,
        status=S.ACCEPTED,
        actor=user,
        public_note="Przyjęte do realizacji.",
        internal_note="priorytet",
    )
    report.refresh_from_db()
    assert report.status == S.ACCEPTED
    assert (event.kind, event.from_status, event.to_status) == ("status", "new", "accepted")
    assert event.actor == user
    assert event.created_at is not None
    assert ReportEvent.objects.filter(report=report).count() == 2


@pytest.mark.django_db
def test_a_refused_change_changes_nothing(make_report):
    report = make_report()
    report_change_status(report=report, status=S.RESOLVED)
    with pytest.raises(TransitionError):
        report_change_status(report=report, status=S.NEW)
    report.refresh_from_db()
    assert report.status == S.RESOLVED
    assert report.events.count() == 2


@pytest.mark.django_db
def test_duplicates_point_at_the_original(make_report):
    original, copy = make_report(), make_report()
    report_change_status(report=copy, status=S.DUPLICATE, duplicate_of=original)
    copy.refresh_from_db()
    assert copy.duplicate_of == original
    with pytest.raises(TransitionError, match="itself"):
        report_change_status(report=original, status=S.DUPLICATE, duplicate_of=original)
    report_change_status(report=copy, status=S.ACCEPTED)
    copy.refresh_from_db()
    assert copy.duplicate_of is None
