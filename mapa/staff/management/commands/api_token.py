"""manage.py api_token USERNAME: print the account's API token, created if it has none.

Other systems send it as ``Authorization: Token <token>``. Administrators
revoke tokens in the admin (Auth Token > Tokens); the next run then makes a
new one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mapa.staff.services import StaffAccountError, api_token_for


class Command(BaseCommand):
    help = "Print an account's API token (created if missing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            token = api_token_for(username=options["username"])
        except StaffAccountError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(token)
