"""The report life cycle: which status may follow which, checked in one place.

    new ──► accepted ──► in_progress ──► resolved
     │         │              │             │
     └─────────┴──────────────┴──► rejected / duplicate
    resolved ──► in_progress   (reopened: the problem came back)
    rejected, duplicate ──► accepted   (the decision was wrong)

A resolution and a rejection must say, publicly, what was done or why not:
it is the feedback the resident receives ("not the city's responsibility:
private land"). A duplicate must point at the report it duplicates.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

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


# Closing a case answers the resident: these need a public note.
NEEDS_PUBLIC_NOTE = frozenset({S.RESOLVED, S.REJECTED})


class TransitionError(ValueError):
    """A status change the workflow does not allow, or lacks what it needs.

    ``allowed`` lists the statuses the report may move to from where it is.
    """

    def __init__(self, message: str, *, allowed: frozenset[str] = frozenset()) -> None:
        super().__init__(message)
        self.allowed = sorted(allowed, key=list(S.values).index)


def allowed_next(status: str) -> frozenset[str]:
    return TRANSITIONS.get(status, frozenset())


def check_transition(
    *, current: str, target: str, public_note: str, has_duplicate_of: bool
) -> None:
    """Raise ``TransitionError`` unless ``current`` → ``target`` is allowed and complete."""
    allowed = allowed_next(current)
    if target not in S.values:
        raise TransitionError(
            _("%(status)s is an unknown status.") % {"status": target}, allowed=allowed
        )
    if target not in allowed:
        raise TransitionError(
            _("A report that is %(current)s cannot become %(target)s.")
            % {"current": S(current).label, "target": S(target).label},
            allowed=allowed,
        )
    if target in NEEDS_PUBLIC_NOTE and not public_note.strip():
        raise TransitionError(
            _("To make a report %(target)s, write a public note: the resident reads it.")
            % {"target": S(target).label},
            allowed=allowed,
        )
    if target == S.DUPLICATE and not has_duplicate_of:
        raise TransitionError(_("A duplicate must name the report it duplicates."), allowed=allowed)
