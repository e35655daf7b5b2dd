"""``manage.py anonymise_closed``: erase reporters' contact data from cases closed
``MAPA_RETENTION_DAYS`` (or ``--days``) ago or more (mapa/privacy/retention.py).

The worker runs the same daily; this is for running it by hand (or from cron). Safe to
run again: what was erased is not touched twice.
"""

from __future__ import annotations

from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mapa.core.progress import Progress
from mapa.privacy.retention import BATCH_SIZE, anonymise_closed, due_for_erasure


class Command(BaseCommand):
    help = "Erase reporters' contact data from cases closed MAPA_RETENTION_DAYS ago or more"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, help="Days after closing (default: MAPA_RETENTION_DAYS)."
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--dry-run", action="store_true", help="Only count the reports due.")

    def handle(self, *args: Any, **options: Any) -> None:
        days, batch_size = options["days"], options["batch_size"]
        if days is not None and days < 1:
            raise CommandError(f"--days must be at least 1, got {days}")
        if batch_size < 1:
            raise CommandError(f"--batch-size must be at least 1, got {batch_size}")
        due = due_for_erasure(days).count()
        if options["dry_run"]:
            self.stdout.write(f"{due} reports due for erasure")
            return
        progress = Progress(due, "Erasing contact data", stream=cast(TextIO, self.stderr))
        erased = anonymise_closed(
            days=days,
            batch_size=batch_size,
            on_batch=lambda done, total: progress.advance(count=done - progress.done),
        )
        self.stdout.write(
            f"Erased contact data: {erased.reports} reports, {erased.messages} outbox "
            f"messages, {erased.sms_cases} SMS cases, {erased.follows} follows"
        )
