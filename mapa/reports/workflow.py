"""The report life cycle: which status may follow which, checked in one place.

    new ──► accepted ──► in_progress ──► resolved
     │         │              │             │
     └─────────┴──────────────┴──► rejected / duplicate
    resolved ──► in_progress   (reopened: the problem came back)
    rejected, duplicate ──► accepted   (the decision was wrong)

A rejection must say why, publicly ("not the city's responsibility: private
land"); a duplicate must point at the report it duplicates.
"""

from __future__ import annotations

from mapa.reports.models import ReportStatus

S = ReportStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ACCEPTED, S.IN_PROGRESS, S.RESOLVED, S.REJECTED, S.DUPLICATE}),
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.RESOLVED, S.REJECTED, S.DUPLICATE}),
    S.IN_PROGRESS: frozenset({S.ACCEPTED, S.RESOLVED, S.REJECTED, S.DUPLICATE}),
    S.RESOLVED: frozenset({S.IN_PROGRESS}),
    S.REJECTED: frozenset({S.ACCEPTED}),
    S.DUPLICATE: frozenset({S.ACCEPTED}),
}


class TransitionError(ValueError):
    """A status change the workflow does not allow, or lacks what it needs."""


def allowed_next(status: str) -> frozenset[str]:
    return TRANSITIONS.get(status, frozenset())


def check_transition(
    *, current: str, target: str, public_note: str, has_duplicate_of: bool
) -> None:
    """Raise ``TransitionError`` unless ``current`` → ``target`` is allowed and complete."""
    if target not in S.values:
        raise TransitionError(f"unknown status {target!r}")
    if target not in allowed_next(current):
        raise TransitionError(
            f"a report that is {S(current).label} cannot become {S(target).label}"
        )
    if target == S.REJECTED and not public_note.strip():
        raise TransitionError("a rejection needs a public note saying why")
    if target == S.DUPLICATE and not has_duplicate_of:
        raise TransitionError("a duplicate must name the report it duplicates")
