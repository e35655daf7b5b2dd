"""Services that change reports. Each is keyword-only, typed and atomic."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone, translation

from mapa.core.sql import fetch_value
from mapa.districts.models import Unit
from mapa.districts.routing import route
from mapa.reports.attributes import clean_attributes
from mapa.reports.models import (
    Category,
    Channel,
    EventKind,
    Report,
    ReportEvent,
    ReportStatus,
)
from mapa.reports.workflow import check_transition

NEXT_REFERENCE_SQL = """
INSERT INTO reports_referencecounter (prefix, year, last_value)
VALUES (%s, %s, 1)
ON CONFLICT (prefix, year)
DO UPDATE SET last_value = reports_referencecounter.last_value + 1
RETURNING last_value
"""


def next_reference(prefix: str, *, when: datetime | None = None) -> str:
    """Issue the next reference for ``prefix`` in the local year: ``GD-2026-000123``.

    The counter row is locked until the caller's transaction ends, so numbers
    are unique and gap-free for committed reports within a year.
    """
    year = timezone.localtime(when).year
    value = fetch_value(NEXT_REFERENCE_SQL, [prefix, year])
    return f"{prefix}-{year}-{value:06d}"


def report_create(
    *,
    category: Category,
    location: Point,
    description: str,
    address: str = "",
    attributes: dict[str, Any] | None = None,
    channel: str = Channel.WEB,
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    actor: AbstractBaseUser | None = None,
) -> Report:
    """Store a report at ``location`` (EPSG:4326) and route it, in one transaction.

    Raises ``OutsideServiceArea`` (nothing saved) when no served district covers
    the point, and ``AttributeErrors`` when the category's questions are not answered.
    """
    answers = clean_attributes(category, attributes)
    with transaction.atomic():
        decision = route(category_id=category.pk, point=location)
        with translation.override("pl"):
            explanation = decision.explanation()
        report = Report.objects.create(
            reference=next_reference(decision.reference_prefix),
            category=category,
            location=location,
            address=address,
            description=description,
            attributes=answers,
            channel=channel,
            district_id=decision.district_id,
            unit_id=decision.unit_id,
            routing_reason=decision.reason,
            routing=decision.as_data(),
            routing_explanation=explanation,
            reporter_name=reporter_name,
            reporter_email=reporter_email,
            reporter_phone=reporter_phone,
        )
        ReportEvent.objects.create(
            report=report,
            kind=EventKind.CREATED,
            actor=actor,
            to_status=ReportStatus.NEW,
            to_unit_id=decision.unit_id,
        )
    return report


def report_change_status(
    *,
    report: Report,
    status: str,
    actor: AbstractBaseUser | None = None,
    actor_unit: Unit | None = None,
    public_note: str = "",
    internal_note: str = "",
    duplicate_of: Report | None = None,
) -> ReportEvent:
    """Move ``report`` to ``status`` if the workflow allows it, and record the event."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        check_transition(current=locked.status, target=status, public_note=public_note,
                         has_duplicate_of=duplicate_of is not None)
        event = ReportEvent.objects.create(
            report=locked,
            kind=EventKind.STATUS,
            actor=actor,
            actor_unit=actor_unit,
            from_status=locked.status,
            to_status=status,
            public_note=public_note,
            internal_note=internal_note,
        )
        locked.status = status
        locked.duplicate_of = duplicate_of if status == ReportStatus.DUPLICATE else None
        locked.save(update_fields=["status", "duplicate_of", "updated_at"])
    report.refresh_from_db()
    return event
