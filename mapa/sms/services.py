"""Services of the deaf residents' line: a text received, a case completed, a reply sent.

Each is keyword-only, typed and atomic; every text to a resident goes through the outbox
in the same transaction (mapa/notifications/outbox.py), so a rolled-back change sends
nothing and a committed one is not forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mapa.core.phones import e164
from mapa.districts.models import City
from mapa.notifications.models import Channel
from mapa.notifications.outbox import queue
from mapa.reports.models import DESCRIPTION_MAX_LENGTH, Report
from mapa.reports.models import Channel as ReportChannel
from mapa.reports.services import next_reference, report_create
from mapa.sms.messages import CASE_RECEIVED, REPLY
from mapa.sms.models import CaseStatus, Direction, ResidentSms, SmsCase, SmsMessage
from mapa.sms.text import MAX_SEGMENTS, plain, segments

TEXT_MAX_LENGTH = 2000  # ten concatenated segments; a longer text is cut, not refused


class SmsError(ValueError):
    """A request the line refuses; ``field`` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Received:
    case: SmsCase
    opened: bool  # a new case (the sender was sent its reference)
    duplicate: bool  # this gateway message id was already received: nothing stored


def _lock_number(phone: str) -> None:
    """Serialise texts from one number until the transaction ends (two texts arriving at
    once must make one case, not two): a PostgreSQL transaction-level advisory lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"sms:{phone}"])


def case_reference_prefix() -> str:
    """The served city's reference prefix (a case has no place yet to route by)."""
    prefix = (
        City.objects.filter(served=True).order_by("id").values_list("reference_prefix", flat=True)
    ).first()
    if not prefix:
        raise SmsError("No served city: load the city data first.")
    return prefix


def text_received(
    *, gateway_id: str, sender: str, text: str, sent_at: datetime | None = None
) -> Received:
    """Store an inbound text: a new triage case (and its reference sent back by SMS) or,
    within ``MAPA_SMS_JOIN_MINUTES`` of the number's last text, added to its open case.

    The same ``gateway_id`` again (a webhook retried or replayed) stores nothing more.
    """
    phone = e164(sender)
    now = timezone.now()
    with transaction.atomic():
        _lock_number(phone)
        seen = SmsMessage.objects.filter(gateway_id=gateway_id).select_related("case").first()
        if seen is not None and seen.case is not None:
            return Received(seen.case, opened=False, duplicate=True)
        window = now - timedelta(minutes=settings.MAPA_SMS_JOIN_MINUTES)
        case = (
            SmsCase.objects.filter(phone=phone, status=CaseStatus.OPEN, last_text_at__gte=window)
            .order_by("-last_text_at")
            .first()
        )
        opened = case is None
        if case is None:
            case = SmsCase.objects.create(
                reference=next_reference(case_reference_prefix()), phone=phone, last_text_at=now
            )
        else:
            case.last_text_at = now
            case.save(update_fields=["last_text_at"])
        SmsMessage.objects.create(
            case=case,
            direction=Direction.INBOUND,
            text=text[:TEXT_MAX_LENGTH],
            gateway_id=gateway_id,
            sent_at=sent_at,
        )
        if opened:
            queue(
                None,
                CASE_RECEIVED,
                recipient=phone,
                channel=Channel.SMS,
                language=case.language,
                payload={"case": case.pk, "reference": case.reference},
                occurrence=case.reference,
            )
    return Received(case, opened=opened, duplicate=False)


def case_texts(case: SmsCase) -> str:
    """The texts received, oldest first, one per paragraph: the report's description."""
    texts = case.messages.filter(direction=Direction.INBOUND).values_list("text", flat=True)
    return "\n\n".join(texts)[:DESCRIPTION_MAX_LENGTH]


def case_complete(*, case: SmsCase, user: User, **report: Any) -> Report:
    """File the routed report for an open case, under the case's reference.

    ``report`` are ``report_create``'s arguments from the consultant's form (category,
    location, description, attributes...); the channel is ``sms``, the phone the
    sender's, and the resident gets its updates by SMS. Raises ``SmsError`` when the case
    is no longer open (another consultant was faster), and ``report_create``'s refusals.
    """
    with transaction.atomic():
        locked = SmsCase.objects.select_for_update().get(pk=case.pk)
        if locked.status != CaseStatus.OPEN:
            raise SmsError(
                _("Case %(reference)s has already been completed.")
                % {"reference": locked.reference}
            )
        for given in ("channel", "reporter_phone", "sms_updates", "reference"):
            report.pop(given, None)
        filed = report_create(
            **report,
            reference=locked.reference,
            channel=ReportChannel.SMS,
            reporter_phone=locked.phone,
            sms_updates=True,
            actor=user,
            registered_by=user,
        )
        locked.status = CaseStatus.COMPLETED
        locked.completed_at = timezone.now()
        locked.completed_by = user
        locked.report = filed
        locked.save(update_fields=["status", "completed_at", "completed_by", "report"])
        SmsMessage.objects.filter(case=locked).update(report=filed)
    return filed


DISMISSAL_NOTE_MAX_LENGTH = 500


def case_dismiss(*, case: SmsCase, user: User, note: str) -> SmsCase:
    """Take an open case off the queue without a report (spam, a wrong number, nothing
    the city handles), with the consultant's reason. The sender is not texted: a reply,
    if one is owed, is sent from the case page first. Raises ``SmsError`` naming
    ``note`` for a missing or too long reason, and when the case is no longer open."""
    note = note.strip()
    if not note:
        raise SmsError(_("Say why the case is dismissed."), field="note")
    if len(note) > DISMISSAL_NOTE_MAX_LENGTH:
        raise SmsError(
            _("Keep the reason under %(limit)d characters.") % {"limit": DISMISSAL_NOTE_MAX_LENGTH},
            field="note",
        )
    with transaction.atomic():
        locked = SmsCase.objects.select_for_update().get(pk=case.pk)
        if locked.status != CaseStatus.OPEN:
            raise SmsError(
                _("Case %(reference)s is no longer open.") % {"reference": locked.reference}
            )
        locked.status = CaseStatus.DISMISSED
        locked.completed_at = timezone.now()
        locked.completed_by = user
        locked.dismissal_note = note
        locked.save(update_fields=["status", "completed_at", "completed_by", "dismissal_note"])
    return locked


def reply_problem(text: str) -> str | None:
    """Why ``text`` cannot go as a reply (empty, or longer than two segments), or None."""
    if not text.strip():
        return _("Write the reply.")
    if segments(plain(f"Mapa Porządku, GD-2026-000000: {text}")) > MAX_SEGMENTS:
        return _("The reply is too long for two text messages; shorten it.")
    return None


def _report_language(report: Report | None) -> str:
    chosen = ResidentSms.objects.filter(report=report).values_list("language", flat=True)
    return chosen.first() or "pl"


def reply_send(
    *, text: str, author: User, phone: str, case: SmsCase | None, report: Report | None
) -> SmsMessage:
    """Record a staff reply in the conversation and queue it by SMS to ``phone``."""
    problem = reply_problem(text)
    if problem:
        raise SmsError(problem, field="text")
    if case is None and report is None:
        raise ValueError("A reply belongs to a case or a report")
    reference = report.reference if report else case.reference  # type: ignore[union-attr]
    with transaction.atomic():
        message = SmsMessage.objects.create(
            case=case, report=report, direction=Direction.OUTBOUND, text=text.strip(), author=author
        )
        queue(
            report,
            REPLY,
            recipient=phone,
            channel=Channel.SMS,
            language=case.language if case else _report_language(report),
            payload={"message": message.pk, "reference": reference},
            occurrence=f"reply-{message.pk}",
        )
    return message
