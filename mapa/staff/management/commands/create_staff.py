"""manage.py create_staff USERNAME --role ROLE [--unit CODE ...] [--email E]

Creates a staff account, or brings an existing one to what is given: running
it again updates the role, the units, the e-mail (when given) and the
password. The password comes from the ``MAPA_STAFF_PASSWORD`` environment
variable, or is asked for twice at the terminal; it is never an argument,
where it would be left in the shell's history and the process list.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mapa.staff.models import Role
from mapa.staff.services import StaffAccountError, staff_account_save

PASSWORD_VARIABLE = "MAPA_STAFF_PASSWORD"  # noqa: S105 - the variable's name


class Command(BaseCommand):
    help = "Create or update a staff account (password from MAPA_STAFF_PASSWORD, or asked for)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--unit",
            dest="units",
            action="append",
            default=[],
            metavar="CODE",
            help="a unit's code (repeat for several); required for unit_staff",
        )
        parser.add_argument("--email", default=None, help="the account's e-mail address")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        existed = User.objects.filter(username=username).exists()
        try:
            user = staff_account_save(
                username=username,
                role=options["role"],
                units=options["units"],
                password=self._password(),
                email=options["email"],
            )
        except StaffAccountError as exc:
            raise CommandError(str(exc)) from exc
        role = Role(options["role"])
        units = f" for {', '.join(options['units'])}" if options["units"] else ""
        done = "Updated" if existed else "Created"
        self.stdout.write(f"{done} {user.username}: {role.value}{units}.")

    def _password(self) -> str:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is not None:
            if not password:
                raise CommandError(f"{PASSWORD_VARIABLE} is set but empty")
            return password
        password = getpass.getpass("Password: ")
        if not password:
            raise CommandError("the password must not be empty")
        if getpass.getpass("Password (again): ") != password:
            raise CommandError("the two passwords differ; nothing was changed")
        return password
