"""What staff do to a case: move its status, re-route it, mark duplicates, write notes.

Every service here is keyword-only and atomic. It locks the report's row,
checks the version the caller saw (``expected_version``; None skips the check,
for scripts), writes one ``ReportEvent`` saying who did what, and bumps the
report's ``version``, so that a colleague's stale write is refused
(``StaleVersion``) instead of silently overwriting this one.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mapa.catalogue.models import RoutingReason, Unit
from mapa.catalogue.routing import explain
from mapa.reports.models import EventKind, Report, ReportEvent, ReportPhoto, ReportStatus
from mapa.reports.signals import report_rerouted, report_updated
from mapa.reports.workflow import TransitionError, check_transition

S = ReportStatus


class StaleVersion(Exception):
    """The case changed since the caller read it: who changed it, and when."""

    def __init__(
        self, *, expected: int, current: int, changed_by: str, changed_at: datetime
    ) -> None:
        super().__init__(
            _(
                "%(who)s changed this case at %(when)s (version %(current)d; you had "
                "version %(expected)d). Reload it and try again."
            )
            % {
                "who": changed_by,
                "when": timezone.localtime(changed_at).strftime("%Y-%m-%d %H:%M:%S"),
                "current": current,
                "expected": expected,
            }
        )
        self.expected = expected
        self.current = current
        self.changed_by = changed_by
        self.changed_at = changed_at


class CaseworkError(ValueError):
    """A request staff may not make of this case (an unknown unit, a missing reason...)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def _actor_name(actor: User | None, actor_unit: Unit | None) -> str:
    if actor_unit is not None:
        return actor_unit.short_name or actor_unit.name
    return actor.get_username() if actor is not None else _("the city's staff")


def lock_report(report: Report, expected_version: int | None, *, held: bool = False) -> Report:
    """The report's row, locked until the transaction ends, at the version the caller saw.

    A report held for review (mapa.reports.review) is refused (``TransitionError``) unless
    ``held``: it is released or rejected first, and nothing else is done to it.
    """
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.held and not held:
        raise TransitionError(_("This report is held for review: release or reject it first."))
    if expected_version is not None and expected_version != locked.version:
        last = locked.events.select_related("actor", "actor_unit").order_by("-id").first()
        who = _("someone")
        if last is not None and last.actor_unit is not None:
            who = f"{last.actor.get_username() if last.actor else who} ({last.actor_unit.name})"
        elif last is not None and last.actor is not None:
            who = last.actor.get_username()
        raise StaleVersion(
            expected=expected_version,
            current=locked.version,
            changed_by=who,
            changed_at=locked.updated_at,
        )
    return locked


def _record(
    locked: Report,
    kind: str,
    actor: User | None,
    actor_unit: Unit | None,
    **fields: object,
) -> ReportEvent:
    return ReportEvent.objects.create(
        report=locked, kind=kind, actor=actor, actor_unit=actor_unit, **fields
    )


def _bump(locked: Report, event: ReportEvent, *fields: str) -> None:
    """Save ``fields`` of ``locked`` with the next version, changed at the event's time."""
    locked.version += 1
    locked.updated_at = event.created_at
    Report.objects.filter(pk=locked.pk).update(
        version=locked.version,
        updated_at=event.created_at,
        **{name: getattr(locked, name) for name in fields},
    )


def report_change_status(
    *,
    report: Report,
    status: str,
    actor: User | None = None,
    actor_unit: Unit | None = None,
    public_note: str = "",
    internal_note: str = "",
    duplicate_of: Report | None = None,
    expected_version: int | None = None,
) -> ReportEvent:
    """Move ``report`` to ``status`` if the workflow allows it, and record the event.

    A duplicate (``duplicate_of`` given) goes through ``report_mark_duplicate``.
    """
    if status == S.DUPLICATE and duplicate_of is not None:
        return report_mark_duplicate(
            report=report,
            original=duplicate_of,
            actor=actor,
            actor_unit=actor_unit,
            public_note=public_note,
            internal_note=internal_note,
            expected_version=expected_version,
        )
    with transaction.atomic():
        if report.duplicate_of_id is not None:
            # Undoing a duplicate changes its original too: lock both, lower id first,
            # as report_mark_duplicate does, so the two cannot deadlock.
            ids = [report.pk, report.duplicate_of_id]
            list(Report.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        locked = lock_report(report, expected_version)
        check_transition(
            current=locked.status,
            target=status,
            public_note=public_note,
            has_duplicate_of=duplicate_of is not None,
        )
        event = _record(
            locked,
            EventKind.STATUS,
            actor,
            actor_unit,
            from_status=locked.status,
            to_status=status,
            public_note=public_note,
            internal_note=internal_note,
        )
        undone = _undo_duplicate(locked, actor, actor_unit) if locked.status == S.DUPLICATE else []
        if undone:
            event.data = {"photos_returned": undone}
            event.save(update_fields=["data"])
        locked.status = status
        locked.resolved_at = timezone.now() if status == S.RESOLVED else None
        _bump(locked, event, "status", "duplicate_of", "resolved_at")
        report_updated.send(sender=Report, report=locked, event=event)
    report.refresh_from_db()
    return event


def _undo_duplicate(locked: Report, actor: User | None, actor_unit: Unit | None) -> list[str]:
    """Photos that moved to the original when ``locked`` became its duplicate come back.

    The original changes too (it loses a duplicate, and maybe photos): a note in
    its history and a new version and ``updated_at``, so that a sync sees it.
    """
    marked = (
        locked.events.filter(kind=EventKind.STATUS, to_status=S.DUPLICATE).order_by("-id").first()
    )
    moved = [str(i) for i in (marked.data.get("photos_moved", []) if marked else [])]
    if locked.duplicate_of_id is None:
        return []
    original = Report.objects.select_for_update().get(pk=locked.duplicate_of_id)
    back = ReportPhoto.objects.filter(id__in=moved, report_id=original.pk)
    returned = [str(i) for i in back.values_list("id", flat=True)]
    back.update(report=locked)
    locked.duplicate_of = None
    note = _record(
        original,
        EventKind.COMMENT,
        actor,
        actor_unit,
        internal_note=_("%(reference)s is no longer marked as a duplicate of this case.")
        % {"reference": locked.reference},
        data={"unduplicated": locked.reference, "photos_returned": returned},
    )
    _bump(original, note)
    return returned


def report_mark_duplicate(
    *,
    report: Report,
    original: Report,
    actor: User | None = None,
    actor_unit: Unit | None = None,
    public_note: str = "",
    internal_note: str = "",
    expected_version: int | None = None,
) -> ReportEvent:
    """Close ``report`` as a duplicate of ``original``; its photos move to the original.

    The original must be a case of its own (not itself a duplicate), so that
    every duplicate points at the one case that is worked on.
    """
    if original.pk == report.pk:
        raise TransitionError(_("A report cannot duplicate itself."))
    with transaction.atomic():
        # Lock both rows, lower id first, so two opposite requests cannot deadlock.
        first, second = sorted([report, original], key=lambda r: r.pk)
        locked_first = lock_report(first, expected_version if first is report else None)
        locked_second = lock_report(second, expected_version if second is report else None)
        locked, target = (
            (locked_first, locked_second) if first is report else (locked_second, locked_first)
        )
        if target.status == S.DUPLICATE:
            raise CaseworkError(
                _("%(reference)s is itself a duplicate; name its original instead.")
                % {"reference": target.reference},
                field="of",
            )
        check_transition(
            current=locked.status,
            target=S.DUPLICATE,
            public_note=public_note,
            has_duplicate_of=True,
        )
        photos = ReportPhoto.objects.filter(report=locked)
        moved = [str(i) for i in photos.values_list("id", flat=True)]
        photos.update(report=target)
        event = _record(
            locked,
            EventKind.STATUS,
            actor,
            actor_unit,
            from_status=locked.status,
            to_status=S.DUPLICATE,
            public_note=public_note,
            internal_note=internal_note,
            data={"duplicate_of": target.reference, "photos_moved": moved},
        )
        locked.status = S.DUPLICATE
        locked.duplicate_of = target
        locked.resolved_at = None
        _bump(locked, event, "status", "duplicate_of", "resolved_at")
        report_updated.send(sender=Report, report=locked, event=event)
        note = _record(
            target,
            EventKind.COMMENT,
            actor,
            actor_unit,
            internal_note=_("%(reference)s was marked as a duplicate of this case.")
            % {"reference": locked.reference},
            data={"duplicate": locked.reference, "photos_received": moved},
        )
        _bump(target, note)
    report.refresh_from_db()
    return event


def report_reroute(
    *,
    report: Report,
    unit: Unit,
    reason: str,
    actor: User | None = None,
    actor_unit: Unit | None = None,
    expected_version: int | None = None,
) -> ReportEvent:
    """Send the case to ``unit`` (its district office, if it has one for the district).

    The district stays; the routing explanation is rewritten to say who
    re-routed it from where, and why (the reason is public, like the
    explanation). Access moves with the unit.
    """
    if not reason.strip():
        raise CaseworkError(_("Say why the case goes to another unit."), field="reason")
    if not unit.active:
        raise CaseworkError(_("This unit no longer takes reports."), field="unit")
    with transaction.atomic():
        locked = lock_report(report, expected_version)
        if not locked.is_open:
            raise CaseworkError(_("Only an open case can be re-routed."), field="unit")
        office = (
            Unit.objects.filter(parent=unit, active=True, districts=locked.district_id)
            .order_by("code")
            .first()
        )
        target = office or unit
        if target.pk == locked.unit_id:
            raise CaseworkError(_("The case is already with this unit."), field="unit")
        previous = locked.unit
        routing = {
            **locked.routing,
            "reason": RoutingReason.REROUTED.value,
            "unit_id": target.pk,
            "unit_code": target.code,
            "unit_name": target.name,
            "parent_unit_name": unit.name if office else None,
            "rerouted_from": previous.name,
            "rerouted_by": _actor_name(actor, actor_unit),
            "rule_note": reason.strip(),
            "rule_id": None,
        }
        event = _record(
            locked,
            EventKind.REROUTED,
            actor,
            actor_unit,
            from_unit=previous,
            to_unit=target,
            public_note=reason.strip(),
            data={"previous_routing": locked.routing},
        )
        locked.unit = target
        locked.routing = routing
        locked.routing_reason = RoutingReason.REROUTED
        locked.routing_explanation = explain(routing, "pl")
        _bump(locked, event, "unit", "routing", "routing_reason", "routing_explanation")
        report_rerouted.send(sender=Report, report=locked, event=event, previous_unit=previous)
    report.refresh_from_db()
    return event


def report_add_note(
    *,
    report: Report,
    actor: User | None = None,
    actor_unit: Unit | None = None,
    public_note: str = "",
    internal_note: str = "",
    expected_version: int | None = None,
) -> ReportEvent:
    """A public update (everyone sees it) and/or an internal note (staff only)."""
    if not public_note.strip() and not internal_note.strip():
        raise CaseworkError(_("Write a public update or an internal note."), field="internal_note")
    with transaction.atomic():
        locked = lock_report(report, expected_version)
        event = _record(
            locked,
            EventKind.COMMENT,
            actor,
            actor_unit,
            public_note=public_note.strip(),
            internal_note=internal_note.strip(),
        )
        _bump(locked, event)
        if event.public_note:
            report_updated.send(sender=Report, report=locked, event=event)
    report.refresh_from_db()
    return event
