"""The outbox: one row per message to send, its state and its history of tries."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mapa.reports.models import Report


class Event(models.TextChoices):
    """What happened to a report that someone is told about."""

    REPORT_RECEIVED = "report_received", _("report received")


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")


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

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=40, choices=Event.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    # PERSONAL DATA: an e-mail address. Admin only; never logged.
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(max_length=8, default="pl")
    key = models.CharField(
        max_length=64,
        unique=True,
        help_text=_("Idempotency key over report, event, recipient and channel."),
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
        constraints = [
            models.UniqueConstraint(
                fields=["report", "event", "recipient", "channel"], name="one_message_per_event"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.report.reference} {self.event} ({self.channel}, {self.status})"
