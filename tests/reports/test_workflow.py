"""Status transitions, checked in one place (mapa/reports/workflow.py)."""

from __future__ import annotations

import pytest
from django.utils import translation

from mapa.reports.casework import report_change_status
from mapa.reports.models import ReportEvent, ReportStatus
from mapa.reports.workflow import TRANSITIONS, TransitionError, allowed_next, check_transition


@pytest.fixture(autouse=True)
def _messages_in_english():
    """The workflow's messages are matched in English (Polish is the default)."""
    with translation.override("en"):
        yield


S = ReportStatus

# The allowed changes, written out (README "Statuses", mapa/reports/workflow.py):
# forward along new → accepted → in_progress → resolved, skipping steps allowed and
# in_progress → accepted allowed back; rejected and duplicate from any open status;
# resolved → in_progress reopens; rejected/duplicate → accepted undoes a wrong call.
ALLOWED = {
    ("new", "accepted"),
    ("new", "in_progress"),
    ("new", "resolved"),
    ("new", "rejected"),
    ("new", "duplicate"),
    ("accepted", "in_progress"),
    ("accepted", "resolved"),
    ("accepted", "rejected"),
    ("accepted", "duplicate"),
    ("in_progress", "accepted"),
    ("in_progress", "resolved"),
    ("in_progress", "rejected"),
    ("in_progress", "duplicate"),
    ("resolved", "in_progress"),
    ("rejected", "accepted"),
    ("duplicate", "accepted"),
}
STATUSES = ["new", "accepted", "in_progress", "resolved", "rejected", "duplicate"]
EVERY_PAIR = [(current, target) for current in STATUSES for target in STATUSES]


def test_the_statuses_are_the_documented_six():
    assert sorted(S.values) == sorted(STATUSES)


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transitions_pass(current, target):
    check_transition(current=current, target=target, public_note="powód", has_duplicate_of=True)


@pytest.mark.parametrize(
    ("current", "target"), [pair for pair in EVERY_PAIR if pair not in ALLOWED]
)
def test_every_other_transition_is_refused(current, target):
    with pytest.raises(TransitionError):
        check_transition(current=current, target=target, public_note="powód", has_duplicate_of=True)


def test_every_status_has_a_rule():
    assert set(TRANSITIONS) == set(S.values)
    for status in STATUSES:
        assert allowed_next(status) == {target for current, target in ALLOWED if current == status}


# Closing a case answers the resident: resolving says what was done, rejecting why not.
NEEDS_A_PUBLIC_NOTE = {"resolved", "rejected"}


@pytest.mark.parametrize("target", sorted(NEEDS_A_PUBLIC_NOTE))
def test_resolving_and_rejecting_need_a_public_note(target):
    with translation.override("en"), pytest.raises(TransitionError, match="public note"):
        check_transition(current=S.NEW, target=target, public_note="  ", has_duplicate_of=False)


@pytest.mark.parametrize(
    ("current", "target"),
    sorted(pair for pair in ALLOWED if pair[1] not in NEEDS_A_PUBLIC_NOTE | {"duplicate"}),
)
def test_other_changes_need_no_note(current, target):
    check_transition(current=current, target=target, public_note="", has_duplicate_of=False)


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
    report_change_status(report=report, status=S.RESOLVED, public_note="Naprawiono.")
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
