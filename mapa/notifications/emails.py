"""The e-mails themselves: subject, plain text and HTML, in the recipient's language."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from mapa.core.i18n import localized
from mapa.notifications.models import Event, Notification
from mapa.reports.selectors import routing_explanation


def site_url(path: str) -> str:
    """An absolute URL on the public site (MAPA_SITE_URL)."""
    return f"{settings.MAPA_SITE_URL}{path}"


def message_id(notification: Notification) -> str:
    """The Message-ID header, derived from the idempotency key (no address in it)."""
    return f"<{notification.key}@{urlsplit(settings.MAPA_SITE_URL).hostname}>"


def _report_received(notification: Notification) -> tuple[str, dict[str, Any]]:
    report = notification.report
    subject = gettext("Your report %(reference)s has been received") % {
        "reference": report.reference
    }
    return subject, {
        "reference": report.reference,
        "category": localized(report.category.name_pl, report.category.name_en),
        "address": report.address,
        "unit": report.unit.name if report.unit else "",
        "why": routing_explanation(report),
        "tracking_url": site_url(reverse("web:report", args=[report.reference])),
    }


def _unit_report(notification: Notification) -> tuple[str, dict[str, Any]]:
    """A new or re-routed case, to the unit's contact e-mail: public facts and a link to
    the staff case page; the reporter's contact data stays on that page."""
    report = notification.report
    unit = notification.unit.name if notification.unit else ""
    names = {"reference": report.reference, "unit": unit}
    if notification.event == Event.UNIT_REROUTED:
        subject = gettext("Report %(reference)s re-routed to %(unit)s") % names
        lead = gettext("The report %(reference)s has been re-routed to %(unit)s.") % names
    else:
        subject = gettext("New report %(reference)s for %(unit)s") % names
        lead = gettext("A new report %(reference)s has been sent to %(unit)s.") % names
    return subject, {
        "lead": lead,
        "reference": report.reference,
        "category": localized(report.category.name_pl, report.category.name_en),
        "address": report.address,
        "district": report.district.name if report.district else "",
        "why": routing_explanation(report),
        "case_url": site_url(reverse("staff:case", args=[report.reference])),
    }


_CONTENT = {
    Event.REPORT_RECEIVED: _report_received,
    Event.UNIT_NEW_REPORT: _unit_report,
    Event.UNIT_REROUTED: _unit_report,
}
_TEMPLATE = {Event.UNIT_NEW_REPORT: "unit_report", Event.UNIT_REROUTED: "unit_report"}


def build_email(notification: Notification) -> EmailMultiAlternatives:
    """The message for an outbox row, ready to send to its one recipient."""
    with translation.override(notification.language):
        subject, context = _CONTENT[Event(notification.event)](notification)
        context = {**context, "subject": subject, "site_url": settings.MAPA_SITE_URL}
        event = Event(notification.event)
        template = f"notifications/{_TEMPLATE.get(event, notification.event)}"
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[notification.recipient],
        headers={
            "Message-ID": message_id(notification),
            "Content-Language": notification.language,
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
