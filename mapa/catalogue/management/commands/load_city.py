"""manage.py load_city FOLDER: load a city's boundaries, units, categories and rules.

Idempotent: boundaries are updated only when the files change; units,
categories and rules are created only when missing (admin edits are kept).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mapa.catalogue.citydata import load_city
from mapa.districts.citydata import ManifestError
from mapa.districts.importing import SourceUnreadable


class Command(BaseCommand):
    help = "Load a city's reference data from a folder holding city.json (e.g. fixtures/gdansk)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        try:
            result = load_city(folder, stream=cast(TextIO, self.stderr))
        except (ManifestError, SourceUnreadable) as exc:
            raise CommandError(str(exc)) from exc
        for summary in result.areas.values():
            for message in summary.refused:
                self.stdout.write(self.style.ERROR(f"refused {message}"))
        for line in result.lines():
            self.stdout.write(line)
