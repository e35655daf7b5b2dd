"""Seed the place table: Gdańsk's 85 real addresses and one place per district.

Both go through ``import_places``, so districts are decided by PostGIS with
the border rule of ``mapa.districts.locating`` and a re-run changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.db import transaction

from mapa.core.imports import ImportSummary
from mapa.core.sql import fetch_all
from mapa.places.importing import import_places
from mapa.places.models import PlaceKind
from mapa.places.sources import FieldMap, SourceRow, read_ogr

GDANSK_ADDRESSES: Path = (
    settings.BASE_DIR / "fixtures" / "gdansk" / "gdansk_city_addresses_pois.geojson"
)
ADDRESSES_DATASET = "gdansk-city-pois"
ADDRESSES_SOURCE = (
    "Gdańsk cultural institutions and City Hall offices, from PgS-Toolbox/pgs-widget-gdansk "
    "src/static_data/pois.js @42ed46b (MIT, © 2022 Parking gets Smart)"
)
ADDRESS_FIELDS = FieldMap(
    name="name", street="street", housenumber="number", id=("source_layer", "source_id")
)

DISTRICTS_DATASET = "districts"
DISTRICTS_SOURCE = "District boundaries: © OpenStreetMap contributors (ODbL)"

# The source's broken encoding in City Hall office names, as documented in
# /work/shared/data/SOURCES.md (section 4). Only these words are repaired.
DOCUMENTED_MISSPELLINGS = {
    "Partyzantsw": "Partyzantów",
    "Wydziaw": "Wydział",
    "Programnw": "Programów",
}
_MISSPELLING = re.compile(r"\b(" + "|".join(DOCUMENTED_MISSPELLINGS) + r")\b")


@dataclass
class SeedSummary:
    addresses: ImportSummary
    districts: ImportSummary

    def lines(self) -> list[str]:
        return [f"addresses: {self.addresses.line()}", f"districts: {self.districts.line()}"]


def load_places(
    *, path: Path = GDANSK_ADDRESSES, commit: bool = True, stream: TextIO | None = None
) -> SeedSummary:
    """Load the addresses file and a place for every district, in one transaction."""
    with transaction.atomic():
        source = read_ogr(path, ADDRESS_FIELDS)
        addresses = import_places(
            (repair_encoding(row) for row in source.rows),
            total=source.total,
            dataset=ADDRESSES_DATASET,
            source=ADDRESSES_SOURCE,
            commit=True,
            stream=stream,
            title=f"Loading {path.name}",
        )
        districts = district_places(stream=stream)
        if not commit:
            transaction.set_rollback(True)
    addresses.committed = districts.committed = commit
    return SeedSummary(addresses=addresses, districts=districts)


def repair_encoding(row: SourceRow) -> SourceRow:
    """Undo the documented encoding damage in a row's name and street."""
    values = {
        key: _MISSPELLING.sub(lambda m: DOCUMENTED_MISSPELLINGS[m[1]], value)
        if key in ("name", "street")
        else value
        for key, value in row.values.items()
    }
    return replace(row, values=values)


# A point inside each district (ST_PointOnSurface is never on the outline for
# a polygon), so the border rule gives the district its own place.
DISTRICT_POINTS_SQL = """
SELECT d.slug, d.name, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat
FROM districts_district d
JOIN districts_city c ON c.id = d.city_id AND c.served
CROSS JOIN LATERAL (SELECT ST_PointOnSurface(d.geometry) AS geom) p
ORDER BY d.slug
"""


def district_places(*, stream: TextIO | None = None) -> ImportSummary:
    """One ``district`` place per district of a served city, named as the district."""
    rows = fetch_all(DISTRICT_POINTS_SQL)
    return import_places(
        _district_rows(rows),
        total=len(rows),
        dataset=DISTRICTS_DATASET,
        source=DISTRICTS_SOURCE,
        commit=True,
        kind=PlaceKind.DISTRICT,
        stream=stream,
        title="District places",
    )


def _district_rows(rows: list[dict[str, Any]]) -> Iterator[SourceRow]:
    for number, row in enumerate(rows, start=1):
        values = {
            "name": row["name"],
            "street": "",
            "housenumber": "",
            "postcode": "",
            "id": row["slug"],
        }
        yield SourceRow(number, values, lon=row["lon"], lat=row["lat"])
