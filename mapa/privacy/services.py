"""Erasing a reporter's contact data, wherever Mapa keeps it for a report.

What is the reporter's contact data, per report:

- the report's ``reporter_name``, ``reporter_email`` and ``reporter_phone`` (the audit
  trail never copied them: mapa/core/audit.py);
- the outbox rows to the resident about it (e-mail and SMS: ``unit`` empty), including
  the SMS line's texts about its case: the address or number is blanked, a pending one
  is cancelled, and the idempotency key (a hash over the address) is replaced;
- its SMS triage case's sender number (mapa/sms): the text that opened a case is the
  case's content and stays, like a description;
- e-mail addresses and phone numbers in the staff's internal notes (mapa/core/logging's
  patterns, and the reporter's name as written);
- follows of the report: on retention all of them (the follower's address served that
  report only); on the reporter's request, their own address's follows.

An SMS triage case dismissed without a report (mapa/sms) has no report to keep: its
number, its texts, the consultant's note and the texts sent to it about its reference are
erased (``erase_dismissed_sms_cases``); the case keeps its reference, dates and status.

What stays: the report (category, place, district, unit, dates, status), its history and
photos, statistics. Each erasure is recorded (``Erasure``: report, reason, when). Units'
addresses and webhook URLs are not personal data and stay. Erasing is idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from mapa.alerts.models import Follow
from mapa.core.logging import redact
from mapa.notifications.models import Channel, Notification, Status
from mapa.privacy.models import Erasure, Reason
from mapa.reports.models import Report, ReportEvent
from mapa.sms.models import CaseStatus, ResidentSms, SmsCase, SmsMessage

ERASED_NOTE = "[removed]"


@dataclass(frozen=True)
class Erased:
    reports: int = 0
    messages: int = 0
    sms_cases: int = 0
    follows: int = 0

    def __add__(self, other: Erased) -> Erased:
        return Erased(
            self.reports + other.reports,
            self.messages + other.messages,
            self.sms_cases + other.sms_cases,
            self.follows + other.follows,
        )


@transaction.atomic
def erase_contact_data(report_ids: list[int], *, reason: Reason, only_email: str = "") -> Erased:
    """Erase the reporters' contact data from these reports (see the module's docstring).

    ``only_email``: a reporter's own request; only follows by that address go (other
    people's follows of their report are theirs to stop).
    """
    reports = list(
        Report.objects.select_for_update(of=("self",))
        .filter(pk__in=report_ids)
        .select_related("sms_case")
        .order_by("pk")
    )
    if not reports:
        return Erased()
    ids = [report.pk for report in reports]
    references = [report.reference for report in reports]
    now = timezone.now()

    messages = _erase_outbox(reports, ids, references, now, only_email=only_email)
    sms_cases = SmsCase.objects.filter(Q(report_id__in=ids) | Q(reference__in=references))
    sms_cases_erased = sms_cases.exclude(phone="").update(phone="")
    ResidentSms.objects.filter(report_id__in=ids).delete()
    follows = Follow.objects.filter(report_id__in=ids)
    if only_email:
        follows = follows.annotate(lower_email=Lower("email")).filter(
            lower_email=only_email.strip().lower()
        )
    follows_erased = 0
    for follow in follows.exclude(email__endswith="@erased.invalid"):
        # Unique per (report, address): each gets its own undeliverable placeholder.
        follow.email = f"follow-{follow.pk}@erased.invalid"
        follow.unsubscribed_at = follow.unsubscribed_at or now
        follow.save(update_fields=["email", "unsubscribed_at"])
        follows_erased += 1
    for report in reports:
        _erase_from_internal_notes(report)
    erased = Report.objects.filter(pk__in=ids).exclude(
        reporter_name="", reporter_email="", reporter_phone=""
    )
    count = erased.update(reporter_name="", reporter_email="", reporter_phone="")
    Erasure.objects.bulk_create([Erasure(report_id=pk, reason=reason) for pk in ids])
    return Erased(count, messages, sms_cases_erased, follows_erased)


@transaction.atomic
def erase_dismissed_sms_cases(case_ids: list[int]) -> Erased:
    """Erase dismissed SMS cases' number, texts and note, and the texts sent to the number
    about them (see the module's docstring). Idempotent; other cases are left alone."""
    cases = list(
        SmsCase.objects.select_for_update()
        .filter(pk__in=case_ids, status=CaseStatus.DISMISSED)
        .order_by("pk")
    )
    if not cases:
        return Erased()
    ids = [case.pk for case in cases]
    references = [case.reference for case in cases]
    messages = _erase_outbox([], [], references, timezone.now(), only_email="")
    SmsMessage.objects.filter(case_id__in=ids).exclude(text="").update(text="")
    count = (
        SmsCase.objects.filter(pk__in=ids)
        .exclude(phone="", dismissal_note="")
        .update(phone="", dismissal_note="")
    )
    return Erased(messages=messages, sms_cases=count)


def _erase_outbox(
    reports: list[Report], ids: list[int], references: list[str], now: object, *, only_email: str
) -> int:
    """The resident's messages about these reports (and their SMS cases'), blanked. On
    retention, followers' messages about them too; on a request, only the reporter's (to
    their address or their numbers: a neighbour's pending update still goes)."""
    rows = Notification.objects.filter(
        Q(report_id__in=ids) | Q(report__isnull=True, payload__reference__in=references),
        unit__isnull=True,
        channel__in=[Channel.EMAIL, Channel.SMS],
    ).exclude(recipient="")
    if only_email:
        phones = {report.reporter_phone for report in reports} | {
            case.phone for report in reports if (case := _sms_case(report)) is not None
        }
        rows = rows.filter(
            Q(recipient__iexact=only_email.strip())
            | Q(channel=Channel.SMS, recipient__in=[phone for phone in phones if phone])
        )
    count = 0
    for pk, status in rows.values_list("pk", "status"):
        changes: dict[str, object] = {"recipient": "", "key": f"erased:{pk}", "updated_at": now}
        if status == Status.PENDING:
            changes |= {"status": Status.FAILED, "last_error": "Contact data erased: not sent."}
        count += Notification.objects.filter(pk=pk).update(**changes)
    return count


def _sms_case(report: Report) -> SmsCase | None:
    try:
        return report.sms_case
    except SmsCase.DoesNotExist:
        return None


def _erase_from_internal_notes(report: Report) -> None:
    """Addresses and numbers staff typed into internal notes (and the reporter's name)."""
    name = report.reporter_name.strip()
    for event in ReportEvent.objects.filter(report=report).exclude(internal_note=""):
        note = redact(event.internal_note)
        if len(name) >= 3:
            note = note.replace(name, ERASED_NOTE)
        if note != event.internal_note:
            ReportEvent.objects.filter(pk=event.pk).update(internal_note=note)


def erase_on_request(report: Report, *, email: str, all_reports: bool) -> Erased:
    """The reporter's request through their signed link: this report, or every report
    filed with ``email`` (compared case-insensitively)."""
    if all_reports:
        ids = list(
            Report.objects.annotate(lower_email=Lower("reporter_email"))
            .filter(lower_email=email.strip().lower())
            .values_list("pk", flat=True)
        )
    else:
        ids = [report.pk]
    return erase_contact_data(ids, reason=Reason.REQUEST, only_email=email)
