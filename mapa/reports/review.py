"""Reports held for review: filed from a banned contact (mapa.moderation), not public.

``report_create`` files such a report with ``held`` set: it is stored and routed, but no
public read shows it (``PUBLIC_REPORTS``) and ``report_created`` is not sent, so neither
the unit, nor route notifications, nor alerts hear of it. Staff then decide:

* ``report_release``: it becomes a new report as any other, public from now on, and
  ``report_created`` is sent (the unit's e-mail and webhook, the resident's confirmation,
  alerts, SMS updates if asked for), with a deadline counted from the release;
* ``report_reject_held``: it is rejected and stays hidden; nobody is told.

Each decision is an event of the case's history with an internal note only (the public
history of a released report does not show that it was held), and the change of ``held``
is in the audit trail.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from mapa.catalogue.models import Unit
from mapa.reports.casework import _bump, _record, lock_report
from mapa.reports.models import EventKind, Report, ReportEvent, ReportStatus
from mapa.reports.services import _due
from mapa.reports.signals import report_created
from mapa.reports.workflow import TransitionError

RELEASED = "released"
REJECTED = "rejected"


def _locked_held(report: Report, expected_version: int | None) -> Report:
    locked = lock_report(report, expected_version, held=True)
    if not locked.held or locked.status != ReportStatus.NEW:
        raise TransitionError(_("This report is not waiting for review."))
    return locked


def report_release(
    *,
    report: Report,
    actor: User | None = None,
    actor_unit: Unit | None = None,
    internal_note: str = "",
    expected_version: int | None = None,
) -> ReportEvent:
    """Release a held report: from now on it is a new report as any other (see module)."""
    with transaction.atomic():
        locked = _locked_held(report, expected_version)
        event = _record(
            locked,
            EventKind.COMMENT,
            actor,
            actor_unit,
            internal_note=internal_note.strip() or _("Released after review."),
            data={"review": RELEASED},
        )
        locked.held = False
        locked.due_at = _due(locked.category)
        _bump(locked, event, "held", "due_at")
        created = locked.events.filter(kind=EventKind.CREATED).order_by("id").first()
        sms_updates = bool(created and created.data.get("sms_updates"))
        report_created.send(sender=Report, report=locked, sms_updates=sms_updates)
    report.refresh_from_db()
    return event


def report_reject_held(
    *,
    report: Report,
    actor: User | None = None,
    actor_unit: Unit | None = None,
    internal_note: str = "",
    expected_version: int | None = None,
) -> ReportEvent:
    """Reject a held report: it is closed as rejected and stays hidden; nobody is told."""
    with transaction.atomic():
        locked = _locked_held(report, expected_version)
        event = _record(
            locked,
            EventKind.STATUS,
            actor,
            actor_unit,
            from_status=locked.status,
            to_status=ReportStatus.REJECTED,
            internal_note=internal_note.strip() or _("Rejected after review."),
            data={"review": REJECTED},
        )
        locked.status = ReportStatus.REJECTED
        _bump(locked, event, "status")
    report.refresh_from_db()
    return event
