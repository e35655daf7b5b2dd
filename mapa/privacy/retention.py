"""Retention: contact data is erased ``MAPA_RETENTION_DAYS`` after a case closes.

A case is closed when its status is resolved, rejected or a duplicate (not one of
``OPEN_STATUSES``, mapa/reports/workflow.py). It closed when its last status change to
that status happened (its ``ReportEvent``); a report with no such event (bulk-loaded
history) counts from ``resolved_at``, else its last change (``updated_at``), so it is
never erased early. A case reopened is open again and kept.

``anonymise_closed`` erases, in batches of one transaction each, every report closed at
least that many days ago that still has contact data or was never through retention
(its follows, outbox rows and SMS case go with it: mapa/privacy/services.py). Running it
again does nothing. ``manage.py anonymise_closed`` runs it by hand; the worker runs it
daily as a task (``schedule_daily``, registered as a periodic job).

An SMS triage case dismissed without a report (mapa/sms) is erased the same number of days
after its dismissal: its number, texts and note (``erase_dismissed_sms_cases``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from mapa.privacy.models import Erasure, Reason, RetentionRun
from mapa.privacy.services import Erased, erase_contact_data, erase_dismissed_sms_cases
from mapa.reports.models import OPEN_STATUSES, EventKind, Report, ReportEvent
from mapa.sms.models import CaseStatus, SmsCase

BATCH_SIZE = 500


def closed_before(cutoff: datetime) -> QuerySet[Report]:
    """Closed reports whose case closed at or before ``cutoff`` (``closed_at`` annotated)."""
    closing = (
        ReportEvent.objects.filter(
            report=OuterRef("pk"), kind=EventKind.STATUS, to_status=OuterRef("status")
        )
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    return (
        Report.objects.exclude(status__in=[status.value for status in OPEN_STATUSES])
        # A case closes after it is filed: the created_at index narrows the scan first.
        .filter(created_at__lte=cutoff)
        .annotate(
            closed_at=Coalesce(
                Subquery(closing, output_field=DateTimeField()),
                "resolved_at",
                "updated_at",
                output_field=DateTimeField(),
            )
        )
        .filter(closed_at__lte=cutoff)
    )


def due_for_erasure(days: int | None = None) -> QuerySet[Report]:
    """What retention erases now: closed ``days`` (default ``MAPA_RETENTION_DAYS``) ago or
    more, with contact data left or never through retention."""
    days = settings.MAPA_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    through = Erasure.objects.filter(report=OuterRef("pk"), reason=Reason.RETENTION)
    return (
        closed_before(cutoff)
        .filter(~Q(reporter_name="", reporter_email="", reporter_phone="") | ~Exists(through))
        .order_by("pk")
    )


def dismissed_sms_cases_due(days: int | None = None) -> QuerySet[SmsCase]:
    """SMS cases dismissed ``days`` (default ``MAPA_RETENTION_DAYS``) ago or more that
    still hold a number or a note."""
    days = settings.MAPA_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    return (
        SmsCase.objects.filter(status=CaseStatus.DISMISSED, completed_at__lte=cutoff)
        .filter(~Q(phone="", dismissal_note=""))
        .order_by("pk")
    )


def anonymise_closed(
    *,
    days: int | None = None,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int, int], None] | None = None,
) -> Erased:
    """Erase every report due (``due_for_erasure``), a batch per transaction.

    ``on_batch(done, total)`` after each batch (the command's progress). Idempotent.
    """
    due = due_for_erasure(days)
    total = due.count()
    erased, done, after = Erased(), 0, 0
    while True:
        ids = list(due.filter(pk__gt=after).values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        erased += erase_contact_data(ids, reason=Reason.RETENTION)
        done += len(ids)
        after = ids[-1]
        if on_batch:
            on_batch(done, max(total, done))
    while ids := list(dismissed_sms_cases_due(days).values_list("pk", flat=True)[:batch_size]):
        erased += erase_dismissed_sms_cases(ids)
    return erased


def schedule_daily() -> str | None:
    """The worker's periodic job: queue today's retention task once (Europe/Warsaw day)."""
    from mapa.privacy.tasks import anonymise_closed_task

    today = timezone.localdate()
    if RetentionRun.objects.filter(day=today).exists():
        return None
    try:
        with transaction.atomic():
            RetentionRun.objects.create(day=today)
            transaction.on_commit(anonymise_closed_task.enqueue)
    except IntegrityError:
        return None  # queued already today (by this worker or another)
    return f"retention task queued for {today.isoformat()}"
