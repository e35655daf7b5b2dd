"""What the notifications app does when the layers below it say something happened."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from mapa.notifications.models import Channel, Event
from mapa.notifications.outbox import queue
from mapa.reports.models import Report


def resident_language() -> str:
    """The active language (the request's, at submission), as one of the site's two."""
    return "en" if (translation.get_language() or "").startswith("en") else "pl"


def report_created(sender: type[Report], report: Report, **kwargs: Any) -> None:
    """A new report with an e-mail: the resident's confirmation, in their language."""
    if report.reporter_email:
        queue(
            report,
            Event.REPORT_RECEIVED,
            recipient=report.reporter_email,
            channel=Channel.EMAIL,
            language=resident_language(),
        )
