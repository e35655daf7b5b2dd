"""The e-mails of follows and area alerts, built for the outbox (registered in ``register``).

Each is plain text and HTML in the subscriber's language and carries a signed one-click
unsubscribe link (``List-Unsubscribe`` headers too). A message names only its own
report(s) and its own recipient's choices: never another subscriber or the reporter.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.gis.db.models import Extent
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from mapa.alerts.digest import digest_summary
from mapa.alerts.models import AlertEvent, AlertKind, AreaAlert, Follow, Frequency
from mapa.alerts.services import subscription_stop
from mapa.alerts.tokens import CONFIRM_DAYS, confirm_token
from mapa.core.i18n import localized
from mapa.districts.models import District
from mapa.notifications.emails import about_report, resident_update_context, site_url
from mapa.notifications.models import Notification
from mapa.notifications.registry import EmailContent, register_event
from mapa.notifications.unsubscribe import register_unsubscribe, unsubscribe_path
from mapa.reports.models import Report

DESCRIPTION_CHARS = 200


def _payload_id(notification: Notification, name: str) -> int:
    payload = notification.payload or {}
    return int(payload[name])


def _unsubscribe(kind: str, pk: int) -> str:
    return site_url(unsubscribe_path(kind, pk))


def _report_facts(report: Report) -> dict[str, str]:
    return {
        "reference": report.reference,
        "category": localized(report.category.name_pl, report.category.name_en),
        "address": report.address,
        "district": report.district.name if report.district else "",
        "description": Truncator(report.description).chars(DESCRIPTION_CHARS),
        "status": str(report.get_status_display()),
        "tracking_url": site_url(reverse("web:report", args=[report.reference])),
    }


# ---------------------------------------------------------------- describing an alert


def describe_alert(alert: AreaAlert) -> str:
    """What an alert watches, in the active language, in one line."""
    if alert.new_reports and alert.resolved_reports:
        what = gettext("New and resolved reports")
    elif alert.new_reports:
        what = gettext("New reports")
    else:
        what = gettext("Resolved reports")
    if alert.point is not None:
        where = gettext("within %(metres)s m of %(lat).5f° N, %(lon).5f° E") % {
            "metres": alert.radius_m,
            "lat": alert.point.y,
            "lon": alert.point.x,
        }
    else:
        names = ", ".join(d.name for d in alert.districts.order_by("name"))
        where = gettext("in %(districts)s") % {"districts": names}
    categories = [localized(c.name_pl, c.name_en) for c in alert.categories.order_by("code")]
    kinds = (
        gettext("categories: %(names)s") % {"names": ", ".join(categories)}
        if categories
        else gettext("all categories")
    )
    when = gettext("at once") if alert.frequency == Frequency.IMMEDIATE else gettext("daily")
    return f"{what} {where}; {kinds}; {when}"


def alert_map_url(alert: AreaAlert) -> str:
    """The resident map, centred on the alert's area (``#map=zoom/lat/lon``)."""
    if alert.point is not None:
        radius = alert.radius_m or 0
        zoom = 16 if radius <= 500 else 15 if radius <= 1000 else 14 if radius <= 2500 else 13
        lat, lon = alert.point.y, alert.point.x
    else:
        extent = District.objects.filter(pk__in=alert.districts.values("pk")).aggregate(
            box=Extent("geometry")
        )["box"]
        if extent is None:
            return site_url(reverse("web:map"))
        zoom = 14 if alert.districts.count() == 1 else 13
        lon, lat = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    return site_url(reverse("web:map")) + f"#map={zoom}/{lat:.5f}/{lon:.5f}"


# ---------------------------------------------------------------- confirmations


def _follow_confirm(notification: Notification) -> EmailContent:
    report = about_report(notification)
    pk = _payload_id(notification, "follow")
    facts = _report_facts(report)
    subject = gettext("Confirm: follow report %(reference)s") % facts
    context = {
        **facts,
        "lead": gettext(
            "Someone (we hope you) asked to be e-mailed about every public update of "
            "report %(reference)s and its resolution."
        )
        % facts,
        "confirm_url": site_url(reverse("alerts:confirm", args=[confirm_token("follow", pk)])),
        "days": CONFIRM_DAYS,
    }
    return EmailContent(subject, "alerts/confirm", context, _unsubscribe("follow", pk))


def _alert_confirm(notification: Notification) -> EmailContent:
    pk = _payload_id(notification, "alert")
    alert = AreaAlert.objects.get(pk=pk)
    subject = gettext("Confirm your area alert")
    context = {
        "lead": gettext(
            "Someone (we hope you) asked for e-mail alerts about reports on the Mapa "
            "Porządku: %(what)s."
        )
        % {"what": describe_alert(alert)},
        "confirm_url": site_url(reverse("alerts:confirm", args=[confirm_token("alert", pk)])),
        "days": CONFIRM_DAYS,
    }
    return EmailContent(subject, "alerts/confirm", context, _unsubscribe("alert", pk))


# ---------------------------------------------------------------- followers


def _follow_update(notification: Notification) -> EmailContent:
    """The reporter's update (emails.resident_update_context), introduced to a follower."""
    report = about_report(notification)
    _subject, context = resident_update_context(notification)
    names = {"reference": report.reference}
    if notification.event == AlertEvent.FOLLOW_RESOLVED:
        subject = gettext("Report %(reference)s that you follow has been resolved") % names
        lead = gettext("Report %(reference)s that you follow has been resolved.") % names
        context["note_label"] = gettext("The city's answer")
    else:
        subject = gettext("Update on report %(reference)s that you follow") % names
        lead = gettext("There is news about report %(reference)s that you follow.") % names
    context["lead"] = lead
    pk = _payload_id(notification, "follow")
    return EmailContent(subject, "alerts/follow_update", context, _unsubscribe("follow", pk))


# ---------------------------------------------------------------- area alerts


def _alert_report(notification: Notification) -> EmailContent:
    report = about_report(notification)
    alert = AreaAlert.objects.get(pk=_payload_id(notification, "alert"))
    facts = _report_facts(report)
    if notification.event == AlertEvent.ALERT_RESOLVED:
        subject = gettext("Resolved in your area: %(category)s, %(reference)s") % facts
        lead = gettext("A report in the area you watch has been resolved.")
    else:
        subject = gettext("New report in your area: %(category)s, %(reference)s") % facts
        lead = gettext("A new report has been filed in the area you watch.")
    context = {
        **facts,
        "lead": lead,
        "alert": describe_alert(alert),
        "map_url": alert_map_url(alert),
    }
    return EmailContent(subject, "alerts/alert_report", context, _unsubscribe("alert", alert.pk))


def _alert_digest(notification: Notification) -> EmailContent:
    alert = AreaAlert.objects.get(pk=_payload_id(notification, "alert"))
    day = date.fromisoformat(str((notification.payload or {})["day"]))
    summary = digest_summary(alert.pk, day)
    day_text = date_format(day, "j E Y")
    subject = ngettext(
        "Your area alert for %(day)s: %(count)s report",
        "Your area alert for %(day)s: %(count)s reports",
        summary.total,
    ) % {
        "day": day_text,
        "count": summary.total,
    }
    kind_labels = {AlertKind.NEW: gettext("new"), AlertKind.RESOLVED: gettext("resolved")}
    context: dict[str, Any] = {
        "day": day_text,
        "total": summary.total,
        "alert": describe_alert(alert),
        "reports": [
            {**_report_facts(report), "kind": kind_labels[AlertKind(kind)]}
            for kind, report in summary.listed
        ],
        "more": summary.more,
        "per_category": [
            {"name": localized(name_pl, name_en), "count": count}
            for _code, name_pl, name_en, count in summary.per_category
        ],
        "map_url": alert_map_url(alert),
    }
    return EmailContent(subject, "alerts/digest", context, _unsubscribe("alert", alert.pk))


# ---------------------------------------------------------------- the unsubscribe page


def _describe_follow(pk: int) -> str | None:
    reference = Follow.objects.filter(pk=pk).values_list("report__reference", flat=True).first()
    if reference is None:
        return None
    return gettext("E-mails about report %(reference)s that you follow") % {"reference": reference}


def _describe_alert(pk: int) -> str | None:
    alert = AreaAlert.objects.filter(pk=pk).first()
    return (
        None if alert is None else gettext("Area alert: %(what)s") % {"what": describe_alert(alert)}
    )


def register() -> None:
    """Make the events and the unsubscribe kinds known (``AlertsConfig.ready``)."""
    builders = {
        AlertEvent.FOLLOW_CONFIRM: _follow_confirm,
        AlertEvent.FOLLOW_UPDATE: _follow_update,
        AlertEvent.FOLLOW_RESOLVED: _follow_update,
        AlertEvent.ALERT_CONFIRM: _alert_confirm,
        AlertEvent.ALERT_NEW: _alert_report,
        AlertEvent.ALERT_RESOLVED: _alert_report,
        AlertEvent.ALERT_DIGEST: _alert_digest,
    }
    for event, builder in builders.items():
        register_event(event, event.label, email=builder)
    register_unsubscribe(
        "follow", stop=lambda pk: subscription_stop("follow", pk), describe=_describe_follow
    )
    register_unsubscribe(
        "alert", stop=lambda pk: subscription_stop("alert", pk), describe=_describe_alert
    )
