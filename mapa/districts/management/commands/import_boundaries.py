"""manage.py import_boundaries: load districts or cities from any OGR source.

Dry run unless --commit. Examples:

    manage.py import_boundaries fixtures/gdansk/gdansk_districts_osm.geojson \
        --kind district --city gdansk --commit
    manage.py import_boundaries neighbours.gpkg --kind city --name-field name --commit
"""

from __future__ import annotations

from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mapa.districts.importing import AreaSpec, SourceUnreadable, import_areas
from mapa.districts.models import City


class Command(BaseCommand):
    help = "Import district or city boundaries from a GeoJSON, Shapefile or GeoPackage."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="Path to any file GDAL can read.")
        parser.add_argument("--kind", choices=["district", "city"], default="district")
        parser.add_argument("--city", help="Slug of the served city the districts belong to.")
        parser.add_argument("--layer", default="0", help="Layer index or name (default 0).")
        parser.add_argument("--name-field", default="name")
        parser.add_argument(
            "--slug-field",
            default="slug",
            help="Field holding the slug; made from the name if absent.",
        )
        parser.add_argument("--teryt-field", default="teryt")
        parser.add_argument(
            "--served",
            action="store_true",
            help="(cities) Mapa takes reports here; otherwise a neighbour.",
        )
        parser.add_argument(
            "--reference-prefix",
            default="",
            help="(served cities) prefix of report references, e.g. GD.",
        )
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Repair invalid geometries instead of refusing them.",
        )
        parser.add_argument(
            "--commit", action="store_true", help="Save the changes. Without it this is a dry run."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        spec = self._spec(options)
        try:
            summary = import_areas(
                options["source"],
                spec,
                commit=options["commit"],
                repair=options["repair"],
                stream=cast(TextIO, self.stderr),
            )
        except SourceUnreadable as exc:
            raise CommandError(str(exc)) from exc
        for message in summary.repaired:
            self.stdout.write(self.style.WARNING(message))
        for message in summary.refused:
            self.stdout.write(self.style.ERROR(f"refused {message}"))
        self.stdout.write(summary.line())
        if not options["commit"]:
            self.stdout.write(self.style.NOTICE("Dry run: nothing was saved. Add --commit."))

    def _spec(self, options: dict[str, Any]) -> AreaSpec:
        layer: int | str = int(options["layer"]) if options["layer"].isdigit() else options["layer"]
        if options["kind"] == "district":
            if not options["city"]:
                raise CommandError("--city is required when importing districts")
            city = City.objects.filter(slug=options["city"], served=True).first()
            if city is None:
                raise CommandError(
                    f"no served city with slug {options['city']!r}; import it "
                    "first with --kind city --served"
                )
            return AreaSpec(
                kind="district",
                city=city,
                layer=layer,
                name_field=options["name_field"],
                slug_field=options["slug_field"],
            )
        if options["served"] and not options["reference_prefix"]:
            raise CommandError("--reference-prefix is required for a served city")
        return AreaSpec(
            kind="city",
            layer=layer,
            name_field=options["name_field"],
            slug_field=options["slug_field"],
            served=options["served"],
            reference_prefix=options["reference_prefix"],
            teryt_field=options["teryt_field"],
        )
