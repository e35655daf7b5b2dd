"""What the SMS pages read: the queue, a conversation."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from mapa.reports.models import Report
from mapa.sms.models import CaseStatus, SmsCase, SmsMessage

RECENTLY_COMPLETED = 20


def open_cases() -> QuerySet[SmsCase]:
    """GCK's queue: open SMS cases, oldest first, with how many texts each holds."""
    return (
        SmsCase.objects.filter(status=CaseStatus.OPEN)
        .annotate(texts=Count("messages", filter=Q(messages__direction="in")))
        .order_by("created_at", "id")
    )


def recently_completed() -> QuerySet[SmsCase]:
    """The cases that left the queue last: completed as reports, or dismissed."""
    return (
        SmsCase.objects.filter(status__in=[CaseStatus.COMPLETED, CaseStatus.DISMISSED])
        .select_related("report")
        .order_by("-completed_at")[:RECENTLY_COMPLETED]
    )


def conversation(*, case: SmsCase | None = None, report: Report | None = None) -> list[SmsMessage]:
    """Every text of a triage case and/or the report filed from it, oldest first."""
    where = Q(pk__in=[])
    if case is not None:
        where |= Q(case=case)
    if report is not None:
        where |= Q(report=report)
    return list(
        SmsMessage.objects.filter(where).select_related("author").order_by("created_at", "id")
    )
