"""The daily digest: yesterday's matches of each alert, in one capped e-mail.

``send_due_digests`` runs in the worker after every outbox sweep (``manage.py worker``,
registered as a periodic job in ``AlertsConfig.ready``) and once when it starts. It
queues one digest per (alert, day) for every day before today (Europe/Warsaw) that has
matches still waiting, and marks them digested in the same transaction. The outbox key
includes the alert and the day, so a day's digest is one message even if the run is
repeated, a worker restarts mid-way or two workers run at once. A day with nothing to
tell sends nothing. A worker that was down at midnight sends the missed days when it
comes back.

What a digest shows (``digest_summary``): at most ``DIGEST_LISTED`` reports, newest
first, then "and N more"; the count of each category; a link to the map of the area.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from mapa.alerts.models import ACTIVE, AlertEvent, AreaAlert, Match
from mapa.notifications.models import Channel
from mapa.notifications.outbox import queue
from mapa.reports.models import Report

DIGEST_LISTED = 10


def send_due_digests() -> int:
    """Queue every digest due (days before today); how many were queued."""
    today = timezone.localdate()
    due = list(
        Match.objects.filter(immediate=False, digested_at__isnull=True, day__lt=today)
        .values_list("alert_id", "day")
        .distinct()
        .order_by("day", "alert_id")
    )
    queued = 0
    for alert_id, day in due:
        queued += _queue_digest(alert_id, day)
    return queued


@transaction.atomic
def _queue_digest(alert_id: int, day: date) -> int:
    waiting = Match.objects.select_for_update(skip_locked=True).filter(
        alert_id=alert_id, day=day, immediate=False, digested_at__isnull=True
    )
    if not list(waiting.values_list("pk", flat=True)):
        return 0  # another worker took it
    alert = AreaAlert.objects.filter(ACTIVE, pk=alert_id).first()
    waiting.update(digested_at=timezone.now())
    if alert is None:  # unsubscribed since: the matches are dropped
        return 0
    queue(
        None,
        AlertEvent.ALERT_DIGEST,
        recipient=alert.email,
        channel=Channel.EMAIL,
        language=alert.language,
        payload={"alert": alert.pk, "day": day.isoformat()},
        occurrence=f"digest:{alert.pk}:{day.isoformat()}",
    )
    return 1


@dataclass(frozen=True)
class DigestSummary:
    total: int
    listed: list[tuple[str, Report]]  # (kind, report), newest first, at most DIGEST_LISTED
    more: int
    per_category: list[tuple[str, str, str, int]]  # (code, name_pl, name_en, count)


def digest_summary(alert_id: int, day: date) -> DigestSummary:
    """What a day's digest tells: three queries, whatever the number of matches."""
    matches = Match.objects.filter(alert_id=alert_id, day=day, immediate=False)
    total = matches.count()
    listed = [
        (m.kind, m.report)
        for m in matches.select_related("report__category", "report__district").order_by(
            "-report__created_at", "-pk"
        )[:DIGEST_LISTED]
    ]
    category = ("report__category__code", "report__category__name_pl", "report__category__name_en")
    per_category = [
        (*names, n)
        for *names, n in matches.values_list(*category)
        .annotate(n=Count("pk"))
        .order_by("-n", "report__category__code")
    ]
    return DigestSummary(
        total=total, listed=listed, more=max(total - len(listed), 0), per_category=per_category
    )
