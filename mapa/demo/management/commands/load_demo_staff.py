"""manage.py load_demo_staff: one demonstration account per staff role, for `make run`.

The accounts (README, "For city staff") share the password ``mapa-demo``,
which is for demonstrations only: the command refuses to run with
MAPA_ENV=production. An account that already exists keeps its password and
is brought back to its demonstration role and units, so running it again
changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from mapa.staff.models import Role
from mapa.staff.services import StaffAccountError, staff_account_save

DEMO_PASSWORD = "mapa-demo"  # noqa: S105 - documented, development only
DEMO_STAFF: tuple[tuple[str, Role, tuple[str, ...]], ...] = (
    ("konsultant", Role.CONSULTANT, ()),
    ("dyspozytor", Role.DISPATCHER, ()),
    ("gzdiz", Role.UNIT_STAFF, ("gzdiz",)),  # Gdański Zarząd Dróg i Zieleni
    ("straz", Role.UNIT_STAFF, ("sm",)),  # Straż Miejska, with its district offices
    ("admin", Role.ADMIN, ()),
    ("aplikacja", Role.INTEGRATION, ()),  # one integrating application (e.g. Open311)
)


class Command(BaseCommand):
    help = "Create one demonstration staff account per role (password mapa-demo; not production)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("demo staff accounts are not for production (MAPA_ENV=production)")
        existing = set(
            User.objects.filter(username__in=[name for name, _, _ in DEMO_STAFF]).values_list(
                "username", flat=True
            )
        )
        for username, role, units in DEMO_STAFF:
            try:
                staff_account_save(
                    username=username,
                    role=role,
                    units=units,
                    password=None if username in existing else DEMO_PASSWORD,
                )
            except StaffAccountError as exc:  # e.g. a unit missing: load_city first
                raise CommandError(f"demo account {username}: {exc}") from exc
        created = [name for name, _, _ in DEMO_STAFF if name not in existing]
        if created:
            self.stdout.write(
                f"Created demo staff accounts {', '.join(created)} (password {DEMO_PASSWORD})."
            )
        else:
            self.stdout.write("Demo staff accounts are already there; nothing to do.")
