"""The outbox's life cycle: queue a message, deliver it, sweep what was left behind.

See the package's docstring for what is guaranteed and why a row left ``sending``
becomes ``uncertain`` rather than being sent again.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.db.models.sql import InsertQuery
from django.utils import timezone

from mapa.catalogue.models import Unit
from mapa.core.logging import redact
from mapa.notifications import webhooks
from mapa.notifications.emails import build_email
from mapa.notifications.models import Channel, DeliveryAttempt, Notification, Status
from mapa.notifications.registry import is_registered, register_sender, sender
from mapa.notifications.tasks import enqueue_send
from mapa.reports.models import Report, ReportEvent

logger = logging.getLogger(__name__)

# The most rows one sweep enqueues again (the next sweep takes the rest).
SWEEP_BATCH = 500


def idempotency_key(
    report_id: int | None,
    event: str,
    recipient: str,
    channel: str,
    occurrence: int | str | None = None,
) -> str:
    """A stable key for (report, event, recipient, channel); it reveals no address.

    ``occurrence`` tells apart events a report (or a subscription) may have several of:
    a case event's id for re-routes and public updates, or what the caller names (a
    digest's subscription and day, say). The event is that one occurrence.
    """
    about = "-" if report_id is None else str(report_id)
    raw = f"{about}\x1f{event}\x1f{channel}\x1f{recipient.strip().lower()}"
    if occurrence is not None:
        raw += f"\x1f{occurrence}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _enqueue_after_commit(notification_id: int, run_after: datetime | None = None) -> None:
    _enqueue_on_commit([notification_id], run_after)


def _enqueue_all_after_commit(notification_ids: list[int]) -> None:
    """One task per row, all queued in one transaction once the change commits: one
    commit (one fsync) for an event's messages, not one each. A failure leaves them all
    to the sweep, as for one."""
    _enqueue_on_commit(notification_ids)


def _enqueue_on_commit(notification_ids: list[int], run_after: datetime | None = None) -> None:
    if not notification_ids:
        return

    def enqueue() -> None:
        # The change is committed and its outbox rows with it: a database lost between the
        # commit and the enqueue is an expected, recovered fault (the sweep queues the rows
        # again), so it is a one-line warning, never a failed request or a traceback.
        try:
            with transaction.atomic():
                for pk in notification_ids:
                    enqueue_send(pk, run_after)
        except DatabaseError as error:
            logger.warning(
                "Queueing %d outbox message(s) failed, left to the sweep: %s",
                len(notification_ids),
                redact(str(error).splitlines()[0] if str(error) else type(error).__name__),
            )

    transaction.on_commit(enqueue, robust=True)


@dataclass(frozen=True)
class Message:
    """One message for the outbox; ``queue_all`` stores several in one statement."""

    report: Report | None
    event: str
    recipient: str
    channel: str
    language: str
    unit: Unit | None = None
    case_event: ReportEvent | None = None
    payload: dict[str, Any] | None = None
    occurrence: str | None = None

    def row(self) -> Notification:
        if not is_registered(self.event):
            raise LookupError(f"The event {self.event!r} is not registered with the outbox")
        sender(self.channel)  # fails now, in the caller's transaction, if the channel is unknown
        report, case_event = self.report, self.case_event
        key = idempotency_key(
            report.pk if report else None,
            self.event,
            self.recipient,
            self.channel,
            case_event.pk if case_event else self.occurrence,
        )
        return Notification(
            report=report,
            event=self.event,
            channel=self.channel,
            recipient=self.recipient,
            language=self.language,
            key=key,
            unit=self.unit,
            case_event=case_event,
            payload=self.payload,
        )


# The rows not stored already (by key) are inserted; every row's id is answered, the new
# ones' from the INSERT, the others' from the table as it stood (one statement, no
# savepoint: ON CONFLICT DO NOTHING cannot fail on a key that is there).
STORE_SQL = """
WITH new AS ({insert} ON CONFLICT (key) DO NOTHING RETURNING id, key)
SELECT id, key FROM new
UNION ALL
SELECT n.id, n.key FROM notifications_notification n
WHERE n.key = ANY(%s) AND n.key NOT IN (SELECT key FROM new)
"""


def _insert_rows(rows: list[Model]) -> tuple[str, list[Any]]:
    meta = Notification._meta
    fields = [field for field in meta.local_concrete_fields if not field.primary_key]
    query = InsertQuery(Notification)
    query.insert_values(fields, rows)
    ((sql, params),) = query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


def queue_all(messages: list[Message]) -> list[int]:
    """Add ``messages`` to the outbox in the caller's transaction, in one statement; their
    rows' ids, in order.

    The same (report, event, recipient, channel, occurrence) again is the same row:
    nothing new is stored or sent. The occurrence is the case event, if any, else the
    message's ``occurrence``. The sends are enqueued when the transaction commits. Each
    event must be registered (mapa/notifications/registry.py) and so must each
    channel's sender.
    """
    if not messages:
        return []
    ordered = [message.row() for message in messages]
    rows = list({row.key: row for row in ordered}.values())
    insert, params = _insert_rows(list(rows))  # auto_now times set as save() sets them
    keys = [row.key for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(STORE_SQL.format(insert=insert), [*params, keys])
        ids: dict[str, int] = {key: pk for pk, key in cursor.fetchall()}
    missing = [key for key in keys if key not in ids]
    if missing:  # stored by a transaction that committed while this statement ran
        ids.update(Notification.objects.filter(key__in=missing).values_list("key", "pk"))
    _enqueue_all_after_commit(list(ids.values()))
    return [ids[row.key] for row in ordered]


def queue(
    report: Report | None,
    event: str,
    *,
    recipient: str,
    channel: str,
    language: str,
    unit: Unit | None = None,
    case_event: ReportEvent | None = None,
    payload: dict[str, Any] | None = None,
    occurrence: str | None = None,
) -> int:
    """Add one message to the outbox in the caller's transaction; returns its row's id
    (``queue_all``, for one message)."""
    message = Message(
        report, event, recipient, channel, language, unit, case_event, payload, occurrence
    )
    return queue_all([message])[0]


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=settings.MAPA_NOTIFY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))


def deliver(notification_id: int) -> str:
    """Send one due, pending notification; what happened, as a word for the task's result.

    ``skipped``: not pending, not yet due, or another worker holds it. ``sent``. ``retry``:
    the send failed and is queued again with backoff. ``failed``: the last try failed.
    """
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("report__unit", "report__category", "report__district", "unit")
            .filter(pk=notification_id, status=Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if notification is None:
            return "skipped"
        notification.status = Status.SENDING
        notification.claimed_at = now
        notification.attempts += 1
        notification.save(update_fields=["status", "claimed_at", "attempts", "updated_at"])
    # Committed: from here on, a crash leaves the row `sending`, and the sweep marks it
    # uncertain instead of sending it again.
    started, clock = timezone.now(), time.monotonic()
    status_code = None
    try:
        status_code = sender(notification.channel)(notification)
    except Exception as error:  # any failure to hand over the message is retried
        _attempt(notification, started, clock, error=error)
        return _failed_try(notification, error)
    _attempt(notification, started, clock, status_code=status_code)
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), last_error="", updated_at=timezone.now()
    )
    logger.info("Notification %s (%s) sent", notification.pk, _about(notification))
    return "sent"


def _about(notification: Notification) -> str:
    """What a log line names: the report's reference (public), or the event."""
    return notification.report.reference if notification.report else notification.event


def _send_email(notification: Notification) -> None:
    build_email(notification).send()
    return None


def _post_webhook(notification: Notification) -> int:
    return webhooks.post(notification).status_code


register_sender(Channel.EMAIL, _send_email)
register_sender(Channel.WEBHOOK, _post_webhook)


def _describe(error: Exception) -> str:
    # SMTP errors can quote the recipient's address: stored and logged redacted.
    return redact(f"{type(error).__name__}: {error}")[:500]


def _attempt(
    notification: Notification,
    started: datetime,
    clock: float,
    *,
    status_code: int | None = None,
    error: Exception | None = None,
) -> None:
    """Record one try in the delivery history (the admin's inline)."""
    if isinstance(error, webhooks.DeliveryFailed):
        status_code = error.status_code
    DeliveryAttempt.objects.create(
        notification=notification,
        number=notification.attempts,
        started_at=started,
        duration_ms=round((time.monotonic() - clock) * 1000),
        ok=error is None,
        status_code=status_code,
        error=_describe(error) if error else "",
    )


def _failed_try(notification: Notification, error: Exception) -> str:
    notification.last_error = _describe(error)
    with transaction.atomic():
        if notification.attempts >= settings.MAPA_NOTIFY_MAX_ATTEMPTS:
            notification.status = Status.FAILED
            outcome = "failed"
        else:
            notification.status = Status.PENDING
            notification.next_attempt_at = timezone.now() + _backoff(notification.attempts)
            _enqueue_after_commit(notification.pk, notification.next_attempt_at)
            outcome = "retry"
        notification.save(update_fields=["status", "next_attempt_at", "last_error", "updated_at"])
    logger.warning(
        "Notification %s (%s), try %s: %s; %s",
        notification.pk,
        _about(notification),
        notification.attempts,
        notification.last_error,
        outcome,
    )
    return outcome


@dataclass(frozen=True)
class Swept:
    requeued: int
    uncertain: int


def sweep() -> Swept:
    """Mark sends stuck in ``sending`` uncertain; enqueue again pending rows long overdue.

    Overdue means due more than ``MAPA_NOTIFY_STALE_MINUTES`` ago: their task was lost
    (the process died before ``on_commit`` ran) or is far behind. A duplicate task is
    harmless: ``deliver`` sends only a pending row it can claim.
    """
    now = timezone.now()
    stale = now - timedelta(minutes=settings.MAPA_NOTIFY_STALE_MINUTES)
    with transaction.atomic():
        uncertain = Notification.objects.filter(status=Status.SENDING, claimed_at__lt=stale).update(
            status=Status.UNCERTAIN,
            last_error="The worker stopped while sending: check before retrying.",
            updated_at=now,
        )
        overdue = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, next_attempt_at__lt=stale)
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        Notification.objects.filter(pk__in=overdue).update(next_attempt_at=now, updated_at=now)
        for pk in overdue:
            _enqueue_after_commit(pk)
    if uncertain or overdue:
        logger.warning("Outbox sweep: %s enqueued again, %s uncertain", len(overdue), uncertain)
    return Swept(requeued=len(overdue), uncertain=uncertain)


def retry(notifications: list[Notification]) -> int:
    """An admin's decision: send failed or uncertain rows again (from a fresh count)."""
    ids = [n.pk for n in notifications if n.status in {Status.FAILED, Status.UNCERTAIN}]
    with transaction.atomic():
        Notification.objects.filter(
            pk__in=ids, status__in=[Status.FAILED, Status.UNCERTAIN]
        ).update(
            status=Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            claimed_at=None,
            updated_at=timezone.now(),
        )
        for pk in ids:
            _enqueue_after_commit(pk)
    return len(ids)
