"""Delete Idempotency-Keys older than MAPA_IDEMPOTENCY_KEY_HOURS (the worker does it too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mapa.idempotency.services import keys_expire


class Command(BaseCommand):
    help = "Delete expired Idempotency-Keys and their stored answers"

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = keys_expire()
        self.stdout.write(f"{deleted} expired idempotency keys deleted")
