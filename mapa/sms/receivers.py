"""What the SMS app does when reports say something happened (connected in SmsConfig.ready).

A reporter who chose SMS (``sms_updates``, with a mobile number) gets the same events as
by e-mail: the confirmation, every public status change or note, and the resolution,
each queued in the caller's transaction through the outbox (channel ``sms``).
"""

from __future__ import annotations

from typing import Any

from mapa.core.phones import sms_offered
from mapa.notifications.models import Channel, Event
from mapa.notifications.outbox import queue
from mapa.notifications.receivers import resident_language
from mapa.reports.models import Report, ReportEvent, ReportStatus
from mapa.sms.models import ResidentSms


def report_created(
    sender: type[Report], report: Report, sms_updates: bool = False, **kwargs: Any
) -> None:
    if not (sms_updates and report.reporter_phone and sms_offered()):
        return
    language = resident_language()
    ResidentSms.objects.create(report=report, language=language)
    queue(
        report,
        Event.REPORT_RECEIVED,
        recipient=report.reporter_phone,
        channel=Channel.SMS,
        language=language,
    )


def report_updated(sender: type[Report], report: Report, event: ReportEvent, **kwargs: Any) -> None:
    chosen = ResidentSms.objects.filter(report=report).first()
    if chosen is None or not report.reporter_phone or not sms_offered():
        return
    resolved = event.to_status == ReportStatus.RESOLVED
    queue(
        report,
        Event.RESIDENT_RESOLVED if resolved else Event.RESIDENT_UPDATE,
        recipient=report.reporter_phone,
        channel=Channel.SMS,
        language=chosen.language,
        case_event=event,
    )
