"""What the staff workspace reads: case lists with counts, one case with everything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from mapa.catalogue.models import ResponseTemplate
from mapa.reports.audit import report_audit_trail
from mapa.reports.models import OPEN_STATUSES, Report, ReportEvent, ReportStatus
from mapa.reports.selectors import FeaturePage, public_report, report_feature_page
from mapa.reports.workflow import allowed_next
from mapa.staff.access import Action, may
from mapa.staff.geojson import staff_shape
from mapa.staff.roles import AnyUser


@dataclass(frozen=True)
class CasePage:
    page: FeaturePage
    counts: dict[str, int]  # per status, for the whole filter (not just this page)
    total: int


def case_page(
    user: AnyUser, reports: QuerySet[Report], *, limit: int, after: int | None
) -> CasePage:
    """One page of ``reports`` (already filtered to what ``user`` may see) and the counts."""
    page = report_feature_page(
        reports, limit=limit, after=after, shape=staff_shape(with_contact=may(user, Action.CONTACT))
    )
    by_status = dict(
        reports.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    counts = {status.value: by_status.get(status.value, 0) for status in ReportStatus}
    return CasePage(page=page, counts=counts, total=sum(counts.values()))


def case_detail(user: AnyUser, report: Report) -> dict[str, Any]:
    """Everything staff may see of one case: the public feature, the staff's side, the history."""
    public = public_report(report.reference, held=True)
    assert public is not None  # the caller found it
    feature = public.as_feature()
    events = (
        ReportEvent.objects.filter(report=report)
        .select_related("actor", "actor_unit", "from_unit", "to_unit")
        .order_by("created_at", "id")
    )
    properties = feature["properties"]
    properties.update(
        {
            "version": report.version,
            "held": report.held,
            "allowed_next": sorted(allowed_next(report.status), key=ReportStatus.values.index),
            "channel": report.channel,
            "priority": report.priority,
            "due_at": report.due_at.isoformat() if report.due_at else None,
            "overdue": bool(
                report.due_at and report.due_at < timezone.now() and report.status in OPEN_STATUSES
            ),
            "internal_flags": report.internal_flags,
            "location_source": report.location_source,
            "registered_by": report.registered_by.get_username() if report.registered_by else None,
            "contact": _contact(report) if may(user, Action.CONTACT) else None,
            "duplicate_of": report.duplicate_of.reference if report.duplicate_of else None,
            "duplicates": list(
                report.duplicates.order_by("id").values_list("reference", flat=True)
            ),
            "events": [_event(e) for e in events],
            "audit": [entry.as_data() for entry in report_audit_trail(report.pk)],
            "response_templates": response_templates(report),
        }
    )
    return feature


def _contact(report: Report) -> dict[str, str]:
    return {
        "name": report.reporter_name,
        "email": report.reporter_email,
        "phone": report.reporter_phone,
    }


def _event(event: ReportEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "at": event.created_at.isoformat(),
        "kind": event.kind,
        "kind_label": str(event.get_kind_display()),
        "actor": event.actor.get_username() if event.actor else None,
        "actor_unit": event.actor_unit.name if event.actor_unit else None,
        "from_status": event.from_status or None,
        "to_status": event.to_status or None,
        "from_unit": event.from_unit.name if event.from_unit else None,
        "to_unit": event.to_unit.name if event.to_unit else None,
        "public_note": event.public_note,
        "internal_note": event.internal_note,
        "data": event.data,
    }


def response_templates(report: Report) -> list[dict[str, Any]]:
    """The ready answers for the case's category, and those for every category."""
    templates = ResponseTemplate.objects.filter(
        Q(category_id=report.category_id) | Q(category__isnull=True)
    )
    return [{"id": t.pk, "title": t.title, "text": t.text} for t in templates]
