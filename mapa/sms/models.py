"""What the SMS app stores: residents' choice of SMS updates (and, for the deaf residents'
line, the triage cases that inbound texts open).

Every phone number here is PERSONAL DATA: shown on staff case pages and in the admin only,
never in public pages, APIs, exports, webhooks or logs.
"""

from __future__ import annotations

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
