"""What the notifications app does when the layers below it say something happened.

Residents: the confirmation of a new report, then an e-mail on every public status
change or note (``resident_update``; ``resident_resolved`` on resolution, presenting the
resolution note as the city's answer), in the language of their confirmation. Units: a
new routed report and a re-route to the unit go to its contact e-mail; a unit with a
webhook URL also gets ``created``, ``updated`` (a public status change or note),
``rerouted`` (to the new unit and the one it left) and ``resolved`` deliveries
(mapa/notifications/webhooks.py). Every message is queued in the caller's transaction
(mapa/notifications/outbox.py).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import translation

from mapa.catalogue.models import Unit
from mapa.notifications.emails import site_url
from mapa.notifications.models import Channel, Event, Notification
from mapa.notifications.outbox import Message, queue, queue_all
from mapa.notifications.unsubscribe import reporter_opted_out
from mapa.reports.models import Report, ReportEvent, ReportStatus

# Units are written to in Polish (the city's working language).
UNIT_LANGUAGE = "pl"


def resident_language() -> str:
    """The active language (the request's, at submission), as one of the site's two."""
    return "en" if (translation.get_language() or "").startswith("en") else "pl"


def webhook_payload(
    report: Report, event: Event, case_event: ReportEvent | None, previous_unit: Unit | None
) -> dict[str, Any]:
    """The webhook body: the report's public facts only, never the reporter's contact data."""
    occurred_at = case_event.created_at if case_event else report.created_at
    payload: dict[str, Any] = {
        "event": event.removeprefix("webhook_"),
        "reference": report.reference,
        "status": report.status,
        "category": report.category.code,
        "unit": report.unit.code if report.unit else None,
        "district": report.district.name if report.district else None,
        "public_note": case_event.public_note if case_event else "",
        "url": site_url(reverse("web:report", args=[report.reference])),
        "location": {"type": "Point", "coordinates": [report.location.x, report.location.y]},
        "occurred_at": occurred_at.isoformat(),
    }
    if previous_unit is not None:
        payload["previous_unit"] = previous_unit.code
    return payload


def _unit_email(report: Report, event: Event, case_event: ReportEvent | None) -> list[Message]:
    unit = report.unit
    if unit is None or not unit.email:
        return []
    return [
        Message(
            report,
            event,
            recipient=unit.email,
            channel=Channel.EMAIL,
            language=UNIT_LANGUAGE,
            unit=unit,
            case_event=case_event,
        )
    ]


def _webhooks(
    report: Report,
    event: Event,
    case_event: ReportEvent | None,
    units: list[Unit | None],
    previous_unit: Unit | None = None,
) -> list[Message]:
    payload = None
    messages = []
    for unit in {u.pk: u for u in units if u is not None and u.webhook_url}.values():
        payload = payload or webhook_payload(report, event, case_event, previous_unit)
        messages.append(
            Message(
                report,
                event,
                recipient=unit.webhook_url,
                channel=Channel.WEBHOOK,
                language=UNIT_LANGUAGE,
                unit=unit,
                case_event=case_event,
                payload=payload,
            )
        )
    return messages


def report_created(sender: type[Report], report: Report, **kwargs: Any) -> None:
    """The resident's confirmation, in their language; the unit's e-mail and webhook.
    All in one statement (``queue_all``)."""
    messages = []
    if report.reporter_email:
        messages.append(
            Message(
                report,
                Event.REPORT_RECEIVED,
                recipient=report.reporter_email,
                channel=Channel.EMAIL,
                language=resident_language(),
            )
        )
    messages += _unit_email(report, Event.UNIT_NEW_REPORT, None)
    messages += _webhooks(report, Event.WEBHOOK_CREATED, None, [report.unit])
    queue_all(messages)


def report_rerouted(
    sender: type[Report], report: Report, event: ReportEvent, previous_unit: Unit, **kwargs: Any
) -> None:
    """The new unit's e-mail; the webhooks of the new unit and of the one it left."""
    queue_all(
        _unit_email(report, Event.UNIT_REROUTED, event)
        + _webhooks(
            report, Event.WEBHOOK_REROUTED, event, [report.unit, previous_unit], previous_unit
        )
    )


def reporter_language(report: Report) -> str:
    """The language the reporter filed in: that of their confirmation e-mail.

    It is stored on that outbox row only (no column on the report); a report without
    one (filed without an address, which was added later) gets Polish.
    """
    language = (
        Notification.objects.filter(report=report, event=Event.REPORT_RECEIVED)
        .order_by("id")
        .values_list("language", flat=True)
        .first()
    )
    return language or "pl"


def report_updated(sender: type[Report], report: Report, event: ReportEvent, **kwargs: Any) -> None:
    """A public status change or note: the reporter's e-mail, if they gave an address
    and have not unsubscribed (``ReporterOptOut``), and the unit's webhook (``resolved``
    on resolution). Only public changes are sent this signal (mapa/reports/signals.py),
    so internal-only notes tell no one."""
    resolved = event.to_status == ReportStatus.RESOLVED
    if report.reporter_email and not reporter_opted_out(report.pk):
        queue(
            report,
            Event.RESIDENT_RESOLVED if resolved else Event.RESIDENT_UPDATE,
            recipient=report.reporter_email,
            channel=Channel.EMAIL,
            language=reporter_language(report),
            case_event=event,
        )
    kind = Event.WEBHOOK_RESOLVED if resolved else Event.WEBHOOK_UPDATED
    queue_all(_webhooks(report, kind, event, [report.unit]))
