"""What the privacy app adds to the staff's case page (mapa/staff/extensions.py)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from mapa.privacy.models import Erasure
from mapa.reports.models import Report


def case_panel(request: HttpRequest, report: Report) -> str:
    """When (and why) the reporter's contact data was erased; nothing if it never was."""
    erasures = list(Erasure.objects.filter(report=report).order_by("erased_at", "id"))
    if not erasures:
        return ""
    return render_to_string("privacy/_case_panel.html", {"erasures": erasures}, request=request)
