"""Reports of problems in public space, their photos and their history.

A report's location is a Point in EPSG:4326 (WGS84, longitude first). Metric
questions ("within 250 m") are asked in geography, which the expression index
``report_open_geog_gist`` serves for open reports (see ``Report.Meta.indexes``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.db.models import Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mapa.catalogue.models import Category, RoutingReason, Unit
from mapa.core.audit import audited
from mapa.core.geo import WGS84
from mapa.districts.models import District

DESCRIPTION_MAX_LENGTH = 4000  # as Open311 GeoReport v2 caps it


class ReportStatus(models.TextChoices):
    NEW = "new", _("new")
    ACCEPTED = "accepted", _("accepted")
    IN_PROGRESS = "in_progress", _("in progress")
    RESOLVED = "resolved", _("resolved")
    REJECTED = "rejected", _("not the city's responsibility")
    DUPLICATE = "duplicate", _("duplicate")


OPEN_STATUSES = (ReportStatus.NEW, ReportStatus.ACCEPTED, ReportStatus.IN_PROGRESS)

# The predicate of the partial indexes over open reports. A query uses them only when its
# WHERE clause implies this one: ``status IN (<these three>)`` or ``status = ANY(<array of
# them>)`` (or a subset), with literal values as Django sends them.
OPEN_REPORTS = models.Q(status__in=[status.value for status in OPEN_STATUSES])

# What the public may see: every report but those held for review (from a banned contact,
# mapa.moderation). Public reads of open reports add it to ``OPEN_REPORTS``, which keeps
# the partial indexes in use: held reports are few, and filtered on the rows.
PUBLIC_REPORTS = models.Q(held=False)


class Channel(models.TextChoices):
    WEB = "web", _("web")
    PHONE = "phone", _("phone")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("e-mail")
    CHAT = "chat", _("chat")
    SOCIAL = "social", _("social media")


class LocationSource(models.TextChoices):
    """How the report's point was set, i.e. how far to trust it."""

    PIN = "pin", _("pin on the map")
    DEVICE = "device", _("device location")
    PHOTO = "photo", _("photo position")
    ADDRESS = "address", _("address or place search")
    DISTRICT = "district", _("district only (approximate)")


class Priority(models.TextChoices):
    LOW = "low", _("low")
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    URGENT = "urgent", _("urgent")


@audited(
    exclude=["reporter_name", "reporter_email", "reporter_phone", "updated_at"],
    model_name="ReportAudit",
)
class Report(models.Model):
    """One resident's report. Contact fields are personal data: never public.

    ``version`` grows by one with every change staff make, so that a write
    naming an older version is refused instead of overwriting a colleague's.
    """

    reference = models.CharField(max_length=20, unique=True, editable=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    location = models.PointField(srid=WGS84)
    location_source = models.CharField(
        max_length=10, choices=LocationSource.choices, default=LocationSource.PIN
    )
    address = models.CharField(max_length=200, blank=True)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH)
    attributes = models.JSONField(default=dict, blank=True)
    # A photo hosted elsewhere, as Open311 clients send it (``media_url``). Mapa stores
    # the link and never fetches it: fetching would let anyone make the server call any URL.
    media_url = models.URLField(max_length=500, blank=True, db_default="")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    # No index of its own: open reports, what the public reads, have partial indexes
    # (``Meta.indexes``); a status index tempted the planner to combine it with them and
    # read every open row, and closed statuses are most of the table.
    status = models.CharField(max_length=12, choices=ReportStatus.choices, default=ReportStatus.NEW)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )

    # Where it went, and why (see mapa.catalogue.routing).
    district = models.ForeignKey(
        District, null=True, on_delete=models.PROTECT, related_name="reports"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    routing_reason = models.CharField(max_length=20, choices=RoutingReason.choices)
    routing = models.JSONField(
        default=dict, help_text=_("The routing decision as data: rule, district, unit, border.")
    )
    routing_explanation = models.TextField(
        help_text=_("The routing decision in words, in Polish, as made at the time.")
    )

    # Personal data: only for staff and for feedback to the reporter.
    reporter_name = models.CharField(max_length=100, blank=True)
    reporter_email = models.EmailField(blank=True)
    reporter_phone = models.CharField(max_length=30, blank=True)

    # The staff's side of the case: never public.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registered_reports",
        help_text=_("The consultant who took the report by phone, SMS, e-mail, chat..."),
    )
    # Database defaults too, so that bulk loads in SQL need not name these columns.
    priority = models.CharField(
        max_length=8, choices=Priority.choices, default=Priority.NORMAL, db_default="normal"
    )
    due_at = models.DateTimeField(
        null=True, blank=True, help_text=_("From the category's service deadline.")
    )
    internal_flags = ArrayField(
        models.CharField(max_length=40),
        default=list,
        db_default=Value([], output_field=ArrayField(models.CharField(max_length=40))),
        blank=True,
        help_text=_("Staff's own markers, e.g. danger, site visit."),
    )
    version = models.PositiveIntegerField(default=1, db_default=1)
    # From a banned contact (mapa.moderation): filed, but not public and nobody notified
    # until staff release it (then it is a new report as any other) or reject it (then it
    # stays hidden). Every public read excludes held reports (``PUBLIC_REPORTS``).
    held = models.BooleanField(
        default=False,
        db_default=False,
        help_text=_("Held for review: from a banned contact; not public until released."),
    )

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When it was last resolved (empty while open).")
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-id"]
        # What the public reads is open reports (about 15% of all, fewer every year), so
        # its indexes hold only those: a whole-table index makes PostgreSQL combine it with
        # the status index and read every open row (README, Performance).
        indexes = [
            # Nearby (``ST_DWithin`` in geography, mapa.reports.geojson.NEARBY_SQL).
            GistIndex(
                Cast("location", models.PointField(geography=True, srid=WGS84)),
                name="report_open_geog_gist",
                condition=OPEN_REPORTS,
            ),
            # The map: open reports in a bounding box (``location && box``).
            GistIndex(
                fields=["location"], name="report_open_location_gist", condition=OPEN_REPORTS
            ),
            # Open reports newest first, a page at a time (keyset on id).
            models.Index(fields=["-id"], name="report_open_newest", condition=OPEN_REPORTS),
            # Incremental sync (unit exports, Open311): what changed since, in a stable order.
            models.Index(fields=["updated_at", "id"], name="report_updated_id"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def _photo_path(photo: ReportPhoto, filename: str) -> str:
    return f"photos/{photo.created_at:%Y/%m}/{filename}"


@audited(fields=["report", "image"], model_name="ReportPhotoAudit")
class ReportPhoto(models.Model):
    """A photo of the problem, stored without metadata (see ``mapa.reports.photos``).

    Photos are uploaded before the report is sent, so ``report`` is empty for a
    while; ``purge_photos`` removes photos never attached to a report.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(upload_to=_photo_path)
    thumbnail = models.ImageField(upload_to=_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return str(self.id)


class EventKind(models.TextChoices):
    CREATED = "created", _("registered")
    STATUS = "status", _("status changed")
    REROUTED = "rerouted", _("re-routed")
    COMMENT = "comment", _("comment")


class ReportEvent(models.Model):
    """One entry in a report's history. ``public_note`` is shown to everyone."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=12, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ReportStatus.choices, blank=True)
    from_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    public_note = models.TextField(blank=True, max_length=2000)
    internal_note = models.TextField(blank=True, max_length=2000)
    data = models.JSONField(
        default=dict,
        db_default=Value({}, output_field=models.JSONField()),
        blank=True,
        help_text=_("Details: the duplicate's original, moved photos."),
    )

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report.reference}: {self.kind}"


class ReferenceCounter(models.Model):
    """Last reference number issued per prefix and year (GD-2026-000123)."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="unique_reference_counter")
        ]
