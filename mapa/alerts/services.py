"""Follows and area alerts: subscribe (double opt-in), confirm, unsubscribe, and tell.

Every message goes through the notifications outbox (``queue``) in the caller's
transaction, so a rolled-back change sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mapa.alerts.models import (
    AlertEvent,
    AlertKind,
    AreaAlert,
    Follow,
    Frequency,
    Match,
)
from mapa.alerts.selectors import MAX_RADIUS_M, MatchingAlert, active_followers, matching_alerts
from mapa.alerts.tokens import Kind
from mapa.catalogue.models import Category
from mapa.core.geo import WGS84
from mapa.districts.models import District
from mapa.notifications.models import Channel
from mapa.notifications.outbox import queue
from mapa.notifications.unsubscribe import reporter_opted_out
from mapa.reports.models import Report, ReportEvent, ReportStatus

# The cap on immediate alerts: an alert sends at most this many e-mails a day (Europe/
# Warsaw); the reports after that wait for the next morning's digest of that day.
IMMEDIATE_PER_DAY = 5


class SubscriptionRefused(ValueError):
    """Bad input to a subscription: ``errors`` names each field, in the active language."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _confirmation_occurrence(pk: int) -> str:
    """A confirmation is one message per subscription and hour: asking again within the
    hour sends nothing new (an address can't be flooded), later it is sent again."""
    return f"{pk}@{timezone.now():%Y-%m-%dT%H}"


# ---------------------------------------------------------------- follows


@transaction.atomic
def follow_request(*, report: Report, email: str, language: str) -> Follow:
    """Ask to follow ``report``: store the follow unconfirmed and e-mail the link.

    One row per (report, address). Asking again: unconfirmed, the confirmation is sent
    again (once an hour at most); unsubscribed, it starts over; already confirmed,
    nothing happens (the answer is the same, so it tells no one who follows what).
    A closed report can't be followed.
    """
    if not report.is_open:
        raise SubscriptionRefused(
            {"reference": [_("This report is closed: there will be no more news to follow.")]}
        )
    address = email.strip().lower()
    # Insert or find it: two requests at once meet at the unique constraint, not a 500.
    Follow.objects.bulk_create(
        [Follow(report=report, email=address, language=language)], ignore_conflicts=True
    )
    follow = Follow.objects.select_for_update().get(report=report, email__iexact=address)
    if follow.is_active:
        return follow
    follow.language = language
    follow.confirmed_at = None
    follow.unsubscribed_at = None
    follow.save(update_fields=["language", "confirmed_at", "unsubscribed_at"])
    queue(
        report,
        AlertEvent.FOLLOW_CONFIRM,
        recipient=address,
        channel=Channel.EMAIL,
        language=language,
        payload={"follow": follow.pk},
        occurrence=_confirmation_occurrence(follow.pk),
    )
    return follow


# ---------------------------------------------------------------- area alerts


@dataclass(frozen=True)
class Area:
    """Districts, or a circle (a WGS84 point and a radius in metres)."""

    districts: tuple[District, ...] = ()
    point: Point | None = None
    radius_m: int | None = None


@transaction.atomic
def area_alert_create(
    *,
    email: str,
    language: str,
    new_reports: bool,
    resolved_reports: bool,
    area: Area,
    categories: Iterable[Category] = (),
    frequency: Frequency = Frequency.IMMEDIATE,
) -> AreaAlert:
    """Store an unconfirmed area alert and e-mail its confirmation link.

    Each request is its own alert (one address may watch several areas); an address
    matched by several of its alerts still gets one message per report and event.
    """
    errors: dict[str, list[str]] = {}
    if not (new_reports or resolved_reports):
        errors["kinds"] = [_("Choose new reports, resolved reports, or both.")]
    if area.point is not None:
        if area.point.srid != WGS84:
            raise ValueError("The alert's point must be in EPSG:4326")
        if not area.radius_m or not 0 < area.radius_m <= MAX_RADIUS_M:
            errors["radius"] = [
                _("Choose a radius between 1 and %(max)s metres.") % {"max": MAX_RADIUS_M}
            ]
    elif not area.districts:
        errors["area"] = [_("Choose at least one district, or a point on the map.")]
    if errors:
        raise SubscriptionRefused(errors)
    address = email.strip().lower()
    alert = AreaAlert.objects.create(
        email=address,
        language=language,
        new_reports=new_reports,
        resolved_reports=resolved_reports,
        point=area.point,
        radius_m=area.radius_m if area.point is not None else None,
        frequency=frequency,
    )
    if area.point is None:
        alert.districts.set(area.districts)
    alert.categories.set(categories)
    queue(
        None,
        AlertEvent.ALERT_CONFIRM,
        recipient=address,
        channel=Channel.EMAIL,
        language=language,
        payload={"alert": alert.pk},
        occurrence=_confirmation_occurrence(alert.pk),
    )
    return alert


# ---------------------------------------------------------------- confirm and unsubscribe


def _model(kind: Kind) -> type[Follow] | type[AreaAlert]:
    return Follow if kind == "follow" else AreaAlert


@transaction.atomic
def subscription_confirm(kind: Kind, pk: int) -> Follow | AreaAlert | None:
    """Confirm the address (idempotent). None if the subscription is gone or was
    unsubscribed since (an old link does not bring it back)."""
    subscription = _model(kind).objects.select_for_update().filter(pk=pk).first()
    if subscription is None or subscription.unsubscribed_at is not None:
        return None
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def subscription_stop(kind: Kind, pk: int) -> bool:
    """Unsubscribe (idempotent): no more messages from the next one on."""
    model = _model(kind)
    if not model.objects.filter(pk=pk).exists():
        return False
    model.objects.filter(pk=pk, unsubscribed_at__isnull=True).update(unsubscribed_at=timezone.now())
    return True


# ---------------------------------------------------------------- telling them


def _told_already(report: Report) -> set[str]:
    """Addresses told about this report's events anyway: the reporter (unless they
    unsubscribed) and its followers. An area alert leaves them out."""
    addresses = {f.email.lower() for f in active_followers(report)}
    if report.reporter_email and not reporter_opted_out(report.pk):
        addresses.add(report.reporter_email.lower())
    return addresses


def followers_tell(report: Report, event: ReportEvent) -> int:
    """Queue a public update (or the resolution) to each active follower; how many.

    The reporter's own address, if it follows too, gets the reporter's e-mail only.
    """
    resolved = event.to_status == ReportStatus.RESOLVED
    reporter = report.reporter_email.lower() if report.reporter_email else ""
    told = 0
    for follow in active_followers(report):
        if follow.email.lower() == reporter and not reporter_opted_out(report.pk):
            continue
        queue(
            report,
            AlertEvent.FOLLOW_RESOLVED if resolved else AlertEvent.FOLLOW_UPDATE,
            recipient=follow.email,
            channel=Channel.EMAIL,
            language=follow.language,
            case_event=event,
            payload={"follow": follow.pk},
        )
        told += 1
    return told


def area_alerts_tell(report: Report, kind: AlertKind) -> int:
    """Queue the alerts ``report`` matches (new or resolved); how many e-mails now.

    One address gets at most one message per report and kind, whatever number of its
    alerts match: the first immediate alert still under its daily cap sends it at once;
    otherwise it waits in the digest of the first matching alert. Addresses already
    told about the report (its reporter, its followers) are left out.
    """
    today = timezone.localdate()
    rows = matching_alerts(report, kind, today=today)
    if not rows:
        return 0  # the usual case: one query, nothing more
    skip = _told_already(report)
    by_address: dict[str, list[MatchingAlert]] = {}
    for row in rows:
        if row.email not in skip:
            by_address.setdefault(row.email, []).append(row)
    matches: list[Match] = []
    sent = 0
    for address, alerts in by_address.items():
        now = next(
            (
                a
                for a in alerts
                if a.frequency == Frequency.IMMEDIATE and a.sent_today < IMMEDIATE_PER_DAY
            ),
            None,
        )
        chosen = now or alerts[0]
        matches.append(
            Match(alert_id=chosen.id, report=report, kind=kind, day=today, immediate=bool(now))
        )
        if now is not None:
            queue(
                report,
                AlertEvent.ALERT_NEW if kind == AlertKind.NEW else AlertEvent.ALERT_RESOLVED,
                recipient=address,
                channel=Channel.EMAIL,
                language=now.language,
                payload={"alert": now.id},
                occurrence=str(now.id),
            )
            sent += 1
    Match.objects.bulk_create(matches, ignore_conflicts=True)
    return sent
