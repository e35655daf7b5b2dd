"""The texts: what each event says by SMS, in the recipient's language, short.

Every text names the reference and fits in two segments (mapa/sms/text.py): a
confirmation in one. Only the part that may be long (a public note, a reply) is cut.
A text never carries personal data: the recipient's number is only the address.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from mapa.notifications.emails import about_report, site_url
from mapa.notifications.models import Event, Notification
from mapa.reports.models import ReportStatus
from mapa.sms.models import SmsMessage
from mapa.sms.text import fit

TextBuilder = Callable[[Notification], str]
_builders: dict[str, TextBuilder] = {}


def register_text(event: str, build: TextBuilder) -> None:
    _builders[event] = build


def tracking_url(reference: str) -> str:
    return site_url(reverse("web:report", args=[reference]))


def _received(notification: Notification) -> str:
    report = about_report(notification)
    return fit(
        gettext("Mapa Porządku: we have received your report %(reference)s. Follow it: %(url)s")
        % {"reference": report.reference, "url": tracking_url(report.reference)}
    )


def _update(notification: Notification) -> str:
    report = about_report(notification)
    event = notification.case_event
    status = event.to_status if event and event.to_status else report.status
    names = {"reference": report.reference, "status": ReportStatus(status).label}
    if notification.event == Event.RESIDENT_RESOLVED:
        head = gettext("Mapa Porządku: your report %(reference)s has been resolved.") % names
    else:
        head = gettext("Mapa Porządku, report %(reference)s: %(status)s.") % names
    note = event.public_note if event else ""
    return fit(head, f" {note}" if note else "")


register_text(Event.REPORT_RECEIVED, _received)
register_text(Event.RESIDENT_UPDATE, _update)
register_text(Event.RESIDENT_RESOLVED, _update)
# This app's own events (mapa/sms/services.py):
CASE_RECEIVED = "sms_case_received"
REPLY = "sms_reply"


def sms_text(notification: Notification) -> str:
    """The text of an outbox row of the SMS channel, in its language."""
    try:
        build = _builders[notification.event]
    except KeyError:
        raise LookupError(f"No SMS text for the event {notification.event!r}") from None
    with translation.override(notification.language):
        return build(notification)


def _case_received(notification: Notification) -> str:
    payload = notification.payload or {}
    return fit(
        gettext(
            "Mapa Porządku: we have received your text. Case number: %(reference)s. "
            "A consultant will handle it; we will answer by SMS."
        )
        % {"reference": payload.get("reference", "")}
    )


def _reply(notification: Notification) -> str:
    payload = notification.payload or {}
    message = SmsMessage.objects.get(pk=payload["message"])
    head = gettext("Mapa Porządku, %(reference)s: ") % {"reference": payload.get("reference", "")}
    return fit(head, message.text)


register_text(CASE_RECEIVED, _case_received)
register_text(REPLY, _reply)
