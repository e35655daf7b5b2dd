"""manage.py export_reports: write the unit export to a file, as the API would send it.

    manage.py export_reports --format geojson --output reports.geojson
    manage.py export_reports --format csv --wkt --unit gzdiz --status open --output gzdiz.csv
    manage.py export_reports --format geojson --user drogowiec --cursor <cursor> --output a.geojson

The bytes are the API's (``mapa.exports.selectors``, same filters and checks
through ``mapa.exports.inputs``). ``--user`` exports what that account sees;
``--unit CODE`` the cases of a unit and its district offices (the ``unit``
filter); neither: every case. A progress bar goes to stderr, then the cursor
to resume from (``--cursor`` next time).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO, cast

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict
from django.utils import translation
from rest_framework.exceptions import ValidationError

from mapa.core.progress import Progress
from mapa.exports.inputs import export_query
from mapa.exports.selectors import FORMATS
from mapa.exports.streams import ReportExport
from mapa.staff.roles import role_of

# Command-line options that are the API's query parameters (minus "limit": a file takes all).
PARAMETERS = {
    "unit": "unit",
    "status": "status",
    "category": "category",
    "district": "district",
    "channel": "channel",
    "bbox": "bbox",
    "polygon": "polygon",
    "created_after": "created_after",
    "created_before": "created_before",
    "updated_after": "updated_after",
    "updated_since": "updated_since",
    "cursor": "cursor",
    "overdue": "overdue",
    "q": "q",
}


class Command(BaseCommand):
    help = "Write the unit export (GeoJSON or CSV) to a file, with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=FORMATS, required=True)
        parser.add_argument("--output", required=True, help="The file to write ('-': stdout).")
        parser.add_argument("--wkt", action="store_true", help="CSV: add a wkt column.")
        parser.add_argument("--user", help="Export what this staff account sees.")
        parser.add_argument("--language", choices=["pl", "en"], default="pl")
        for option in PARAMETERS:
            parser.add_argument(f"--{option.replace('_', '-')}", dest=option)

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None or role_of(user) is None:
                raise CommandError(f"No staff account named {options['user']}.")
        params = QueryDict(mutable=True)
        for option, name in PARAMETERS.items():
            if options[option] is not None:
                params[name] = options[option]
        if options["wkt"]:
            if options["format"] != "csv":
                raise CommandError("--wkt is for --format csv.")
            params["wkt"] = "true"
        with translation.override(options["language"]):
            try:
                query = export_query(
                    params, user, fmt=options["format"], english=options["language"] == "en"
                )
            except ValidationError as exc:
                raise CommandError(_errors(exc.detail, PARAMETERS)) from None
            export = ReportExport(query)
            self._write(export, options["output"])
        cursor = export.plan.cursor
        self.stderr.write(
            f"Exported {export.plan.returned} cases to {options['output']}."
            + (f" Resume with --cursor {cursor}" if cursor else "")
        )

    def _write(self, export: ReportExport, output: str) -> None:
        progress = Progress(
            export.plan.returned, "Exporting cases", stream=cast(TextIO, self.stderr._out)
        )
        export.on_rows = lambda rows: progress.advance(count=rows)
        if output == "-":
            for chunk in export:
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
            return
        path = Path(output)
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as file:
            for chunk in export:
                file.write(chunk)
        partial.replace(path)  # a file that exists is complete


def _errors(detail: Any, options: dict[str, str]) -> str:
    """DRF's ``{"parameter": ["message"]}`` as the command's option names."""
    if not isinstance(detail, dict):
        return str(detail)
    names = {param: option for option, param in options.items()}
    lines = []
    for name, messages in detail.items():
        option = "--" + names.get(str(name), str(name)).replace("_", "-")
        text = " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
        lines.append(f"{option}: {text}")
    return "\n".join(lines)
