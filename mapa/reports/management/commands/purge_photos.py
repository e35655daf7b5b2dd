"""manage.py purge_photos: delete photos uploaded but never sent with a report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from mapa.reports.services import photos_purge_unattached


class Command(BaseCommand):
    help = "Delete photos that were uploaded but never attached to a report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=int,
            default=None,
            help="Only photos older than this (default: MAPA_PHOTO_UNATTACHED_HOURS, 24).",
        )

    def handle(self, *args: Any, hours: int | None, **options: Any) -> None:
        if hours is None:
            hours = settings.MAPA_PHOTO_UNATTACHED_HOURS
        removed = photos_purge_unattached(older_than=timezone.now() - timedelta(hours=hours))
        self.stdout.write(f"Deleted {removed} unattached photos older than {hours} h.")
