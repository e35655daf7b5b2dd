"""Follows of one report and area alerts: who asked to be told what, by e-mail.

Both are **double opt-in**: a row is stored unconfirmed and only a confirmation e-mail
(a signed, time-limited link) is sent; nothing else goes to the address until the link
is followed (``confirmed_at``). An unsubscribe (a signed one-click link in every
message) sets ``unsubscribed_at``; subscribing again starts over, unconfirmed.

The e-mail address is PERSONAL DATA: shown in the admin only, never on a public page,
in an API answer or a log line.
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.db.models.functions import Cast, Lower
from django.utils.translation import gettext_lazy as _

from mapa.catalogue.models import Category
from mapa.core.geo import WGS84
from mapa.districts.models import District
from mapa.reports.models import Report


class Language(models.TextChoices):
    PL = "pl", "polski"
    EN = "en", "English"


class Subscription(models.Model):
    """What both kinds share: an address, its language, and the opt-in's state."""

    email = models.EmailField(_("e-mail"))
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.PL
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


ACTIVE = models.Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


class Follow(Subscription):
    """ "Me too": an address told about every public update of one report, and its
    resolution. One row per (report, address); the address is stored lower-case."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="follows", verbose_name=_("report")
    )

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "report", Lower("email"), name="one_follow_per_address_and_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report.reference} #{self.pk}"


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("at once")
    DAILY = "daily", _("a daily digest")


class AreaAlert(Subscription):
    """New and/or resolved reports in an area, optionally of some categories only.

    The area is either some districts (``districts``) or a circle: ``point`` (EPSG:4326)
    and ``radius_m`` metres, matched with ``ST_DWithin`` on geography (metres on the
    spheroid). No categories means all of them.
    """

    new_reports = models.BooleanField(_("new reports"), default=True)
    resolved_reports = models.BooleanField(_("resolved reports"), default=False)
    districts = models.ManyToManyField(
        District, blank=True, related_name="+", verbose_name=_("districts")
    )
    point = models.PointField(_("centre"), srid=WGS84, null=True, blank=True)
    radius_m = models.PositiveIntegerField(_("radius (m)"), null=True, blank=True)
    categories = models.ManyToManyField(
        Category, blank=True, related_name="+", verbose_name=_("categories")
    )
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )

    class Meta:
        verbose_name = _("area alert")
        verbose_name_plural = _("area alerts")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(point__isnull=True, radius_m__isnull=True)
                | models.Q(point__isnull=False, radius_m__gt=0),
                name="area_alert_circle_has_centre_and_radius",
            ),
            models.CheckConstraint(
                condition=models.Q(new_reports=True) | models.Q(resolved_reports=True),
                name="area_alert_tells_something",
            ),
        ]
        indexes = [
            # ST_DWithin in geography (selectors.matching_alerts), within the largest radius.
            GistIndex(
                Cast("point", models.PointField(geography=True, srid=WGS84)),
                name="area_alert_point_geog_gist",
                condition=models.Q(point__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class AlertKind(models.TextChoices):
    NEW = "new", _("new report")
    RESOLVED = "resolved", _("resolved report")


class Match(models.Model):
    """A report (new or resolved) that matched an area alert on a day (Europe/Warsaw).

    ``immediate``: it was e-mailed at once. The others are that day's digest: the digest
    run (``digest.send_due_digests``) e-mails them the next day and sets ``digested_at``.
    One row per (alert, report, kind): a report is told once per alert and kind.
    """

    alert = models.ForeignKey(AreaAlert, on_delete=models.CASCADE, related_name="matches")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    day = models.DateField()
    immediate = models.BooleanField(default=False)
    digested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("alert match")
        verbose_name_plural = _("alert matches")
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "report", "kind"], name="one_match_per_alert_report_kind"
            )
        ]
        indexes = [
            models.Index(fields=["alert", "day"], name="alert_match_alert_day"),
            # The digest run reads only what is still waiting.
            models.Index(
                fields=["day"],
                name="alert_match_digest_due",
                condition=models.Q(immediate=False, digested_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.kind} {self.report_id}"


class AlertEvent(models.TextChoices):
    """The outbox events of this app (registered in emails.py)."""

    FOLLOW_CONFIRM = "follow_confirm", _("follow: confirm the address")
    FOLLOW_UPDATE = "follow_update", _("follow: public update")
    FOLLOW_RESOLVED = "follow_resolved", _("follow: resolution")
    ALERT_CONFIRM = "alert_confirm", _("area alert: confirm the address")
    ALERT_NEW = "alert_new", _("area alert: new report")
    ALERT_RESOLVED = "alert_resolved", _("area alert: resolved report")
    ALERT_DIGEST = "alert_digest", _("area alert: daily digest")
