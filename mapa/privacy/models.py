"""What the privacy app records: that (and when, and why) contact data was erased.

No contact data is stored here: an ``Erasure`` names the report and the reason only.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mapa.reports.models import Report


class Reason(models.TextChoices):
    RETENTION = "retention", _("retention period over")
    REQUEST = "request", _("the reporter's request")


class Erasure(models.Model):
    """The reporter's contact data was erased from ``report`` (and its outbox rows, SMS
    case and follows) at ``erased_at``. The report, its history and statistics stay."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="erasures", verbose_name=_("report")
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact data erasure")
        verbose_name_plural = _("contact data erasures")
        ordering = ["-erased_at", "-id"]
        indexes = [models.Index(fields=["report", "reason"], name="erasure_report_reason")]

    def __str__(self) -> str:
        return f"{self.report.reference} ({self.reason})"


class RetentionRun(models.Model):
    """One day's retention run, queued once (the worker's periodic job asks every minute)."""

    day = models.DateField(unique=True)
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-day"]

    def __str__(self) -> str:
        return self.day.isoformat()
