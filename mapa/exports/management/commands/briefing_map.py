"""manage.py briefing_map --unit gzdiz --output briefing.html: a briefing map to a file.

The same map as ``GET /api/exports/map.html`` (``mapa.exports.briefing``): a unit's or a
district's cases (open unless ``--status`` says otherwise) on one self-contained HTML
page that opens offline. Run by an operator it shows every case; ``--user`` scopes it
to what that staff account may see, as its token would. The popups link to the report
pages at ``--base-url`` (default: ``https://`` and the first of ALLOWED_HOSTS, or
``http://localhost:8000`` in development). The file is written whole or not at all.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, TextIO, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from mapa.core.progress import Progress
from mapa.exports.briefing import briefing_filename, render_briefing_map
from mapa.exports.briefing_data import BriefingInputError, briefing_data, briefing_scope
from mapa.staff.roles import AnyUser, role_of

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "testserver"}


def default_base_url() -> str:
    """``https://<first real host of ALLOWED_HOSTS>/``, or the development server's."""
    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")]
    real = [h for h in hosts if h not in LOCAL_HOSTS]
    return f"https://{real[0]}/" if real else "http://localhost:8000/"


class Command(BaseCommand):
    help = "Write a briefing map (self-contained HTML) of a unit's or a district's cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", default="", help="A unit's code (its offices' cases too).")
        parser.add_argument("--district", default="", help="A district's slug.")
        parser.add_argument("--category", default="", help="Category codes, comma-separated.")
        parser.add_argument(
            "--status", default="open", help="Statuses, comma-separated; default: open."
        )
        parser.add_argument("--user", default="", help="Show only what this staff account may see.")
        parser.add_argument("--lang", choices=["pl", "en"], default="pl")
        parser.add_argument("--base-url", default="", help="The site's address, for links.")
        parser.add_argument(
            "--output", default="", help="The file to write (default: a name with the date)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"]):
            self._write(options)

    def _write(self, options: dict[str, Any]) -> None:
        user = _staff_user(options["user"]) if options["user"] else None
        params = {
            name: options[name]
            for name in ("unit", "district", "category", "status")
            if options[name]
        }
        progress = Progress(4, "Briefing map", cast(TextIO, self.stderr))
        try:
            scope = briefing_scope(user, params)
        except BriefingInputError as exc:
            raise CommandError(_errors_text(exc.errors)) from None
        progress.advance("scope checked")
        data = briefing_data(scope)
        progress.advance("cases and outline read")
        generated_at = timezone.now()
        page = render_briefing_map(
            scope=scope,
            data=data,
            base_url=options["base_url"] or default_base_url(),
            generated_at=generated_at,
        )
        progress.advance("page rendered")
        output = Path(options["output"] or briefing_filename(scope, generated_at))
        _write_whole(output, page)
        progress.advance("written")
        more = f" (the newest of {data.matched})" if data.shown < data.matched else ""
        self.stdout.write(
            f"Wrote {output}: {data.shown} cases{more}, {output.stat().st_size // 1024} KiB."
        )


def _staff_user(username: str) -> AnyUser:
    user = get_user_model().objects.filter(username=username).first()
    if user is None or role_of(user) is None:
        raise CommandError(f"--user: {username} is not a staff account.")
    return user


def _errors_text(errors: dict[str, list[str]]) -> str:
    return " ".join(f"--{name}: {' '.join(messages)}" for name, messages in errors.items())


def _write_whole(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, then rename it: never half a file."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise CommandError(f"--output: no directory {directory}.")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".briefing-", suffix=".html")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
