"""What the SMS app stores: residents' choice of SMS updates (and, for the deaf residents'
line, the triage cases that inbound texts open).

Every phone number here is PERSONAL DATA: shown on staff case pages and in the admin only,
never in public pages, APIs, exports, webhooks or logs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mapa.reports.models import Report


class ResidentSms(models.Model):
    """A reporter asked for SMS updates about their report, at the report's phone number.

    Kept here rather than as a column of ``Report``: SMS is this app's business, the
    reports app (below it) only passes the choice on (``report_created``'s
    ``sms_updates``). ``language`` is the resident's at submission, for every later text.
    """

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="resident_sms")
    language = models.CharField(_("language"), max_length=8, default="pl")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SMS updates")
        verbose_name_plural = _("SMS updates")

    def __str__(self) -> str:
        return self.report.reference


class CaseStatus(models.TextChoices):
    OPEN = "open", _("waiting for a consultant")
    COMPLETED = "completed", _("completed: a report")
    DISMISSED = "dismissed", _("dismissed: not a report")


class SmsCase(models.Model):
    """A triage case in GCK's queue, opened by a text to the deaf residents' line.

    It is not a ``Report`` yet: a report has a place, a category and a unit, and every
    public map, list, export, Open311 answer and statistic relies on that. The text has
    none of them. So the case waits here, with a reference from the same numbering as
    reports (``GD-2026-000123``), which the sender gets back at once. A consultant
    completes it (place, category) and a routed report is filed under that very
    reference (``report``): the resident keeps one number throughout.

    Texts from the same number within ``MAPA_SMS_JOIN_MINUTES`` of the last one join the
    open case instead of opening another (mapa/sms/services.py).

    A case that is not a report at all (spam, a wrong number, nothing the city handles) is
    **dismissed** with a note; ``completed_at``/``completed_by`` then say when and by whom
    it left the queue. Its number and texts are erased after the retention period
    (mapa/privacy/retention.py), as a closed report's contact data is.
    """

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    # PERSONAL DATA (E.164): staff case pages and the admin only.
    phone = models.CharField(_("phone"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    language = models.CharField(_("language"), max_length=8, default="pl")
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    last_text_at = models.DateTimeField(_("last text at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.OneToOneField(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="sms_case"
    )
    # Why a consultant dismissed it (internal; staff pages and the admin only).
    dismissal_note = models.TextField(_("why it was dismissed"), blank=True, max_length=500)

    class Meta:
        verbose_name = _("SMS case")
        verbose_name_plural = _("SMS cases")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["phone", "-last_text_at"],
                name="sms_case_open_by_phone",
                condition=models.Q(status="open"),
            )
        ]

    def __str__(self) -> str:
        return self.reference


class Direction(models.TextChoices):
    INBOUND = "in", _("from the resident")
    OUTBOUND = "out", _("to the resident")


class SmsMessage(models.Model):
    """One text of a conversation: received on the line, or a staff reply.

    A reply belongs to a triage case, or to a report (the staff case page of a report
    with a phone), or both once the case is completed. ``gateway_id`` (the gateway's
    message id) is unique: a webhook delivered twice stores one text.
    """

    case = models.ForeignKey(
        SmsCase, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.CASCADE, related_name="sms_messages"
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    text = models.TextField(_("text"), max_length=2000)
    gateway_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.created_at:%Y-%m-%d %H:%M}"
