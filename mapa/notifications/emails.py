"""The e-mails themselves: subject, plain text and HTML, in the recipient's language."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from mapa.core.i18n import localized
from mapa.notifications.models import Event, Notification
from mapa.notifications.registry import EmailContent, email_builder, register_event
from mapa.notifications.removal import removal_path
from mapa.notifications.unsubscribe import unsubscribe_path
from mapa.reports.models import Report, ReportStatus
from mapa.reports.selectors import routing_explanation


def site_url(path: str) -> str:
    """An absolute URL on the public site (MAPA_SITE_URL)."""
    return f"{settings.MAPA_SITE_URL}{path}"


def message_id(notification: Notification) -> str:
    """The Message-ID header, derived from the idempotency key (no address in it)."""
    return f"<{notification.key}@{urlsplit(settings.MAPA_SITE_URL).hostname}>"


def about_report(notification: Notification) -> Report:
    """The report a message is about (for events that always have one)."""
    if notification.report is None:
        raise ValueError(f"Notification {notification.pk} ({notification.event}) has no report")
    return notification.report


def reporter_unsubscribe_url(report: Report) -> str:
    """The reporter's signed one-click link: no more e-mails about this report."""
    return site_url(unsubscribe_path("report", report.pk))


def reporter_removal_url(report: Report) -> str:
    """The reporter's signed link to remove their contact data (mapa/privacy/views.py);
    empty once the report has no address."""
    return site_url(removal_path(report)) if report.reporter_email else ""


def _report_received(notification: Notification) -> EmailContent:
    report = about_report(notification)
    subject = gettext("Your report %(reference)s has been received") % {
        "reference": report.reference
    }
    context = {
        "reference": report.reference,
        "category": localized(report.category.name_pl, report.category.name_en),
        "address": report.address,
        "unit": report.unit.name if report.unit else "",
        "why": routing_explanation(report),
        "tracking_url": site_url(reverse("web:report", args=[report.reference])),
        "removal_url": reporter_removal_url(report),
    }
    return EmailContent(
        subject, "notifications/report_received", context, reporter_unsubscribe_url(report)
    )


def _unit_report(notification: Notification) -> EmailContent:
    """A new or re-routed case, to the unit's contact e-mail: public facts and a link to
    the staff case page; the reporter's contact data stays on that page."""
    report = about_report(notification)
    unit = notification.unit.name if notification.unit else ""
    names = {"reference": report.reference, "unit": unit}
    if notification.event == Event.UNIT_REROUTED:
        subject = gettext("Report %(reference)s re-routed to %(unit)s") % names
        lead = gettext("The report %(reference)s has been re-routed to %(unit)s.") % names
    else:
        subject = gettext("New report %(reference)s for %(unit)s") % names
        lead = gettext("A new report %(reference)s has been sent to %(unit)s.") % names
    context = {
        "lead": lead,
        "reference": report.reference,
        "category": localized(report.category.name_pl, report.category.name_en),
        "address": report.address,
        "district": report.district.name if report.district else "",
        "why": routing_explanation(report),
        "case_url": site_url(reverse("staff:case", args=[report.reference])),
    }
    return EmailContent(subject, "notifications/unit_report", context)


def resident_update_context(notification: Notification) -> tuple[str, dict[str, str]]:
    """A public status change or note (or the resolution), to the reporter: the public
    note, the status label, the reference and the tracking link; nothing internal.

    Returns the subject and the template context (followers get the same, introduced
    differently).
    """
    report = about_report(notification)
    event = notification.case_event
    status = event.to_status if event and event.to_status else report.status
    names = {"reference": report.reference}
    if notification.event == Event.RESIDENT_RESOLVED:
        subject = gettext("Your report %(reference)s has been resolved") % names
        lead = gettext("Your report %(reference)s has been resolved.") % names
        note_label = gettext("The city's answer")
    else:
        subject = gettext("Update on your report %(reference)s") % names
        lead = gettext("There is news about your report %(reference)s.") % names
        note_label = gettext("Note")
    return subject, {
        "lead": lead,
        "reference": report.reference,
        "status": str(ReportStatus(status).label),
        "note_label": note_label,
        "note": event.public_note if event else "",
        "category": localized(report.category.name_pl, report.category.name_en),
        "tracking_url": site_url(reverse("web:report", args=[report.reference])),
    }


def _resident_update(notification: Notification) -> EmailContent:
    subject, context = resident_update_context(notification)
    context["removal_url"] = reporter_removal_url(about_report(notification))
    return EmailContent(
        subject,
        "notifications/resident_update",
        context,
        reporter_unsubscribe_url(about_report(notification)),
    )


for _event, _builder in [
    (Event.REPORT_RECEIVED, _report_received),
    (Event.RESIDENT_UPDATE, _resident_update),
    (Event.RESIDENT_RESOLVED, _resident_update),
    (Event.UNIT_NEW_REPORT, _unit_report),
    (Event.UNIT_REROUTED, _unit_report),
]:
    register_event(_event, _event.label, email=_builder)
for _event in [
    Event.WEBHOOK_CREATED,
    Event.WEBHOOK_UPDATED,
    Event.WEBHOOK_REROUTED,
    Event.WEBHOOK_RESOLVED,
]:
    register_event(_event, _event.label)


def build_email(notification: Notification) -> EmailMultiAlternatives:
    """The message for an outbox row, ready to send to its one recipient."""
    with translation.override(notification.language):
        content = email_builder(notification.event)(notification)
        context = {
            **content.context,
            "subject": content.subject,
            "site_url": settings.MAPA_SITE_URL,
            "unsubscribe_url": content.unsubscribe_url,
        }
        text = render_to_string(f"{content.template}.txt", context)
        html = render_to_string(f"{content.template}.html", context)
    headers = {
        "Message-ID": message_id(notification),
        "Content-Language": notification.language,
        "Auto-Submitted": "auto-generated",
    }
    if content.unsubscribe_url:
        # RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the link.
        headers["List-Unsubscribe"] = f"<{content.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=content.subject, body=text, to=[notification.recipient], headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message
