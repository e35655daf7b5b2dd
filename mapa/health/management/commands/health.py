"""``manage.py health``: readiness on the command line (the worker container's healthcheck).

Prints what ``/health/ready/`` would answer and exits 1 when not ready.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mapa.health.checks import readiness


class Command(BaseCommand):
    help = "Check the database and the worker's heartbeat; exit 1 when not ready"

    def handle(self, *args: Any, **options: Any) -> None:
        found = readiness()
        self.stdout.write(json.dumps(found.as_json()))
        if not found.ready:
            raise CommandError("not ready")
