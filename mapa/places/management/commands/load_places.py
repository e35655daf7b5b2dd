"""manage.py load_places: seed the place search with Gdańsk's addresses and districts.

Loads the 85 real addresses of fixtures/gdansk/gdansk_city_addresses_pois.geojson
and one place per district. Idempotent: a re-run reports everything unchanged.
Run it after load_city (the districts must exist).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mapa.places.seeding import GDANSK_ADDRESSES, load_places
from mapa.places.sources import SourceUnreadable


class Command(BaseCommand):
    help = "Load the seed addresses and one place per district into the place search."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addresses",
            type=Path,
            default=GDANSK_ADDRESSES,
            help="The addresses file (default: the Gdańsk fixture).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = load_places(path=options["addresses"], stream=cast(TextIO, self.stderr._out))
        except SourceUnreadable as exc:
            raise CommandError(str(exc)) from exc
        for part in (summary.addresses, summary.districts):
            for message in part.refused:
                self.stdout.write(self.style.ERROR(f"refused {message}"))
        for line in summary.lines():
            self.stdout.write(line)
