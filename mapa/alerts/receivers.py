"""What alerts do when reports say something happened (mapa.reports.signals).

A new report: the area alerts it matches (``new``). A public update: the report's
followers; on resolution, also the area alerts it matches (``resolved``). Queued in
the report's transaction, like the reporter's own e-mails.
"""

from __future__ import annotations

from typing import Any

from mapa.alerts.models import AlertKind
from mapa.alerts.services import area_alerts_tell, followers_tell
from mapa.reports.models import Report, ReportEvent, ReportStatus


def report_created(sender: type[Report], report: Report, **kwargs: Any) -> None:
    area_alerts_tell(report, AlertKind.NEW)


def report_updated(sender: type[Report], report: Report, event: ReportEvent, **kwargs: Any) -> None:
    followers_tell(report, event)
    if event.to_status == ReportStatus.RESOLVED:
        area_alerts_tell(report, AlertKind.RESOLVED)
