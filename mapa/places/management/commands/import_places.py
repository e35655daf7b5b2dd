"""manage.py import_places SOURCE: load addresses or named places from a file.

Dry run unless --commit. Examples:

    # PRG address points, GML of the 2012 model (prg-ad:PRG_PunktAdresowy), EPSG:2180
    # with northing first under urn:ogc:def:crs:EPSG::2180; GDAL reads that order right.
    manage.py import_places PRG_PunktyAdresowe_2261011.xml --layer PRG_PunktAdresowy \\
        --dataset prg-2261011 --id-field lokalnyId --street-field ulica \\
        --housenumber-field numerPorzadkowy --postcode-field kodPocztowy \\
        --source "PRG, GUGiK" --commit
    # a CSV export in EPSG:2180
    manage.py import_places adresy.csv --srid 2180 --x-field x --y-field y \\
        --street-field ulica --housenumber-field numer --commit

The 2021 PRG model (prgad:AD_PunktAdresowy) links streets by xlink:href instead of
naming them, so GDAL sees no street name: convert it to CSV first (e.g. with
prg_convert) or use the 2012-model package. Points outside every served city are
refused by row; when swapping x and y would put them inside, the refusal says so
(--swap-xy).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from mapa.core.geo import WGS84
from mapa.places.importing import import_places
from mapa.places.sources import FieldMap, Source, SourceUnreadable, read_csv, read_ogr


class Command(BaseCommand):
    help = "Import addresses or named places from any OGR source (GeoJSON, GML...) or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="Path to a file GDAL can read, or a CSV file.")
        parser.add_argument(
            "--format",
            choices=["ogr", "csv"],
            default=None,
            help="How to read it (default: csv for .csv files, else ogr).",
        )
        parser.add_argument(
            "--dataset",
            help="Name of the collection; with the id it is the "
            "natural key of each place (default: the file name).",
        )
        parser.add_argument("--source", default="", help="Attribution stored with each place.")
        parser.add_argument("--layer", default="0", help="(ogr) Layer index or name.")
        parser.add_argument(
            "--srid",
            type=int,
            default=WGS84,
            help="CRS of the coordinates when the source does not name one "
            "(always for CSV), e.g. 2180. Default 4326.",
        )
        parser.add_argument(
            "--swap-xy",
            action="store_true",
            help="The source gives northing (latitude) before easting.",
        )
        parser.add_argument("--x-field", help="(csv) Column of x / easting / longitude.")
        parser.add_argument("--y-field", help="(csv) Column of y / northing / latitude.")
        parser.add_argument(
            "--id-field",
            default="",
            help="Field(s) identifying a row, comma-separated; without it a "
            "place is known by its normalized address and name.",
        )
        parser.add_argument("--name-field", default="name")
        parser.add_argument("--street-field", default="street")
        parser.add_argument("--housenumber-field", default="housenumber")
        parser.add_argument("--postcode-field", default="postcode")
        parser.add_argument(
            "--commit", action="store_true", help="Save the changes. Without it this is a dry run."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["source"])
        dataset = slugify(options["dataset"] or path.stem)[:60]
        if not dataset:
            raise CommandError("--dataset must contain letters or digits")
        try:
            source = self._read(path, options)
        except SourceUnreadable as exc:
            raise CommandError(str(exc)) from exc
        summary = import_places(
            source.rows,
            total=source.total,
            dataset=dataset,
            source=options["source"] or path.name,
            commit=options["commit"],
            stream=cast(TextIO, self.stderr._out),
            title=f"Importing {path.name}",
        )
        for message in summary.refused:
            self.stdout.write(self.style.ERROR(f"refused {message}"))
        self.stdout.write(f"{dataset}: {summary.line()}")
        if not options["commit"]:
            self.stdout.write(self.style.NOTICE("Dry run: nothing was saved. Add --commit."))

    def _read(self, path: Path, options: dict[str, Any]) -> Source:
        fields = FieldMap(
            name=options["name_field"],
            street=options["street_field"],
            housenumber=options["housenumber_field"],
            postcode=options["postcode_field"],
            id=tuple(name.strip() for name in options["id_field"].split(",") if name.strip()),
            x=options["x_field"],
            y=options["y_field"],
        )
        kind = options["format"] or ("csv" if path.suffix.lower() == ".csv" else "ogr")
        if kind == "csv":
            return read_csv(path, fields, srid=options["srid"], swap_xy=options["swap_xy"])
        layer: int | str = int(options["layer"]) if options["layer"].isdigit() else options["layer"]
        return read_ogr(path, fields, layer=layer, srid=options["srid"], swap_xy=options["swap_xy"])
