"""The outbox: one row per message to send, its state and its history of tries."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mapa.catalogue.models import Unit
from mapa.reports.models import Report, ReportEvent


class Event(models.TextChoices):
    """What happened to a report that someone is told about: the core's own events.

    Apps above this one (alerts, SMS) add events of their own with
    ``mapa.notifications.registry.register_email`` and friends, so the column holds any
    registered name and has no fixed choices.
    """

    REPORT_RECEIVED = "report_received", _("report received")
    # To the reporter, on a public status change or note, and on resolution:
    RESIDENT_UPDATE = "resident_update", _("update to the reporter")
    RESIDENT_RESOLVED = "resident_resolved", _("resolution to the reporter")
    # To a unit's contact e-mail:
    UNIT_NEW_REPORT = "unit_new_report", _("new report for the unit")
    UNIT_REROUTED = "unit_rerouted", _("report re-routed to the unit")
    # To a unit's webhook (the JSON event type is what follows "webhook_"):
    WEBHOOK_CREATED = "webhook_created", _("webhook: created")
    WEBHOOK_UPDATED = "webhook_updated", _("webhook: updated")
    WEBHOOK_REROUTED = "webhook_rerouted", _("webhook: re-routed")
    WEBHOOK_RESOLVED = "webhook_resolved", _("webhook: resolved")


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    WEBHOOK = "webhook", _("webhook")
    SMS = "sms", _("SMS")


class Status(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    # A worker died while sending: the server may have accepted the message. Never
    # re-sent automatically; an admin checks and may retry.
    UNCERTAIN = "uncertain", _("uncertain")


class Notification(models.Model):
    """A message to one recipient about one event of one report (the outbox row)."""

    # Empty for a message about no single report (a subscription's confirmation, a digest).
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=40)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    # PERSONAL DATA for a resident (an e-mail address): admin only, never logged. For a
    # unit, its contact e-mail or its webhook URL.
    recipient = models.CharField(_("recipient"), max_length=254)
    # The unit told (unit e-mails and webhooks; its secret signs a webhook delivery).
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    # The case event told about, when a report has several of that kind (re-routes,
    # updates): part of the idempotency key, so each occurrence is one message.
    case_event = models.ForeignKey(
        ReportEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A webhook's JSON body, fixed when queued (the facts at the time of the event); for
    # other events, what their content builder needs (ids, never personal data).
    payload = models.JSONField(null=True, blank=True)
    language = models.CharField(max_length=8, default="pl")
    key = models.CharField(
        max_length=64,
        unique=True,
        help_text=_("Idempotency key over report, event, recipient, channel and occurrence."),
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        about = self.report.reference if self.report else "-"
        return f"{about} {self.event} ({self.channel}, {self.status})"


class DeliveryAttempt(models.Model):
    """One try at sending a notification: its outcome, for the admin's history.

    The error is redacted (no addresses or phone numbers); a webhook's response body is
    never stored.
    """

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    number = models.PositiveIntegerField(_("try"))
    started_at = models.DateTimeField(_("started at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    ok = models.BooleanField(_("delivered"), default=False)
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["notification", "number"]

    def __str__(self) -> str:
        return f"#{self.number} {'ok' if self.ok else self.error or self.status_code}"


class ReporterOptOut(models.Model):
    """The reporter asked for no more e-mails about this report (the signed unsubscribe
    link in their confirmation and updates, mapa/notifications/unsubscribe.py).

    Keyed by the report, whose one reporter address it silences: no address is stored
    again. Only the reporter's updates stop; the case goes on as before.
    """

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reporter opt-out")
        verbose_name_plural = _("reporter opt-outs")

    def __str__(self) -> str:
        return self.report.reference
