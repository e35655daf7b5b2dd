"""manage.py load_demo_reports: about forty believable reports for a demonstration map.

The reports are data, ``fixtures/gdansk/demo_reports.json`` (``--file`` names
another file): invented descriptions in Polish at real seeded places
(manage.py load_places), with no personal data. Each is filed through
``report_create`` and moved along through ``report_change_status``, so routing,
references and history are the real thing; then its dates are set back so the
map shows reports of different ages. Demo reports are marked by
``reporter_name`` (never public), and the command does nothing when any such
report exists.

The whole file is checked before anything is saved: a mistake in it is a
``CommandError`` naming the entry and the field. Not for production: it refuses
to run with MAPA_ENV=production.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from mapa.catalogue.attributes import AttributeErrors, clean_attributes
from mapa.catalogue.models import Category
from mapa.demo.demo_file import Demo, Step, entry_label, field_error, read_demos
from mapa.places.models import Place
from mapa.places.seeding import ADDRESSES_DATASET, DISTRICTS_DATASET
from mapa.reports.casework import report_change_status
from mapa.reports.models import LocationSource, Report, ReportEvent
from mapa.reports.refusals import REPORT_REFUSALS, refusal_errors
from mapa.reports.services import report_create

DEMO_MARK = "Mapa: demo data"
DEFAULT_FILE = Path("fixtures") / "gdansk" / "demo_reports.json"  # under settings.BASE_DIR


class Command(BaseCommand):
    help = "Create about forty demonstration reports at the seeded places (once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=None,
            help=f"the demonstration reports, JSON (default: {DEFAULT_FILE})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("demo reports are not for production (MAPA_ENV=production)")
        if Report.objects.filter(reporter_name=DEMO_MARK).exists():
            self.stdout.write("Demo reports are already there; nothing to do.")
            return
        path = Path(options["file"] or Path(settings.BASE_DIR) / DEFAULT_FILE)
        demos = read_demos(path)
        categories = _categories(demos, path)
        places = _places(demos, path)
        now = timezone.now()
        with transaction.atomic():
            named: dict[str, Report] = {}
            for number, demo in enumerate(demos, 1):
                try:
                    report = _file(demo, categories[demo.category], places[demo.place], now, named)
                except REPORT_REFUSALS as exc:
                    where = entry_label(path, number, demo.place)
                    raise CommandError(f"{where}: refused: {refusal_errors(exc)}") from exc
                if demo.id:
                    named[demo.id] = report
        self.stdout.write(f"Created {len(demos)} demo reports.")


def _categories(demos: tuple[Demo, ...], path: Path) -> dict[str, Category]:
    """The demos' categories by code; each demo's answers checked against its category."""
    categories = {c.code: c for c in Category.objects.prefetch_related("attributes")}
    for number, demo in enumerate(demos, 1):
        where = entry_label(path, number, demo.place)
        category = categories.get(demo.category)
        if category is None:
            raise field_error(where, "category", f"unknown category {demo.category!r}")
        try:
            clean_attributes(category, demo.attributes)
        except AttributeErrors as exc:
            problem = json.dumps(exc.errors, ensure_ascii=False)
            raise field_error(where, "attributes", problem) from exc
    return categories


def _places(demos: tuple[Demo, ...], path: Path) -> dict[str, Place]:
    found: dict[str, Place] = {}
    for place in Place.objects.filter(dataset__in=[ADDRESSES_DATASET, DISTRICTS_DATASET]):
        key = (
            place.external_id
            if place.dataset == ADDRESSES_DATASET
            else f"district:{place.external_id}"
        )
        found[key] = place
    if not found:
        raise CommandError("no seeded places: run manage.py load_places first")
    for number, demo in enumerate(demos, 1):
        if demo.place not in found:
            where = entry_label(path, number, demo.place)
            problem = "no such seeded place (was manage.py load_places run?)"
            raise field_error(where, "place", problem)
    return found


def _file(
    demo: Demo, category: Category, place: Place, now: datetime, named: dict[str, Report]
) -> Report:
    is_district = place.kind == "district"
    report = report_create(
        category=category,
        location=place.location,
        description=demo.description,
        address="" if is_district else " ".join(filter(None, [place.street, place.housenumber])),
        attributes=demo.attributes,
        channel=demo.channel,
        reporter_name=DEMO_MARK,
        location_source=LocationSource.DISTRICT if is_district else LocationSource.ADDRESS,
    )
    for step in demo.steps:
        report_change_status(
            report=report,
            status=step.status,
            public_note=step.note,
            duplicate_of=named[step.duplicate_of] if step.duplicate_of else None,
        )
    _set_back(report, _created_at(demo, now), demo.steps)
    return report


def _created_at(demo: Demo, now: datetime) -> datetime:
    """``days_ago`` before now, but not in an earlier year than the reference says."""
    wanted = now - timedelta(days=demo.days_ago)
    start_of_year = timezone.localtime(now).replace(
        month=1, day=1, hour=8, minute=0, second=0, microsecond=0
    )
    return max(wanted, min(start_of_year, now))


def _set_back(report: Report, created_at: datetime, steps: tuple[Step, ...]) -> None:
    """Date the report and its history as if filed at ``created_at``."""
    now = timezone.now()
    times = [created_at] + [
        min(created_at + timedelta(days=step.days_later), now) for step in steps
    ]
    for event_id, when in zip(
        report.events.order_by("id").values_list("id", flat=True), times, strict=True
    ):
        ReportEvent.objects.filter(pk=event_id).update(created_at=when)
    # The deadline and the resolution move back with the rest, or an export would show a
    # case resolved weeks after its last change.
    report.refresh_from_db(fields=["status", "created_at", "due_at"])
    shift = report.created_at - created_at
    resolved = [
        when for step, when in zip(steps, times[1:], strict=True) if step.status == "resolved"
    ]
    Report.objects.filter(pk=report.pk).update(
        created_at=created_at,
        updated_at=times[-1],
        due_at=report.due_at - shift if report.due_at else None,
        resolved_at=resolved[-1] if resolved and report.status == "resolved" else None,
    )
