"""Import places: check each source row, then let PostGIS place and upsert them in batches.

One statement per batch of rows does everything geometric: it builds the
points, refuses those outside every served city (naming the neighbour they
fall in, if Mapa knows it), picks each point's district with the border
rule of ``mapa.districts.locating``, and inserts or updates by the natural
key (dataset, external id), touching only rows that changed. Python never
tests a point against a polygon.

The import runs in one transaction. A dry run takes the very same path and
rolls back at the end, so its summary is exact.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from django.db import transaction
from django.db.models import CharField

from mapa.core.imports import ImportSummary
from mapa.core.progress import Progress
from mapa.core.sql import fetch_all
from mapa.districts.locating import district_at_sql
from mapa.places.models import Place, PlaceKind
from mapa.places.sources import SourceRow
from mapa.places.text import normalize, place_label, search_text

BATCH_SIZE = 500
# Text a row brings or makes (by meaning) and the Place field that stores it.
TEXT_FIELDS = {
    "name": "name",
    "street": "street",
    "housenumber": "housenumber",
    "postcode": "postcode",
    "id": "external_id",
    "label": "label",
    "search text": "search",
}

# One row per candidate place, passed as parallel arrays (one per column).
COLUMNS = {
    "row_number": "int",
    "external_id": "text",
    "kind": "text",
    "name": "text",
    "street": "text",
    "housenumber": "text",
    "postcode": "text",
    "label": "text",
    "search": "text",
    "lon": "float8",
    "lat": "float8",
    "swapped_lon": "float8",
    "swapped_lat": "float8",
}
_ARRAYS = ", ".join(f"%({name})s::{kind}[]" for name, kind in COLUMNS.items())

# Only rows whose values differ are updated, so "unchanged" is exact: the
# upsert returns nothing for them. ``xmax = 0`` tells an insert from an update.
UPSERT_SQL = f"""
WITH input AS (
    SELECT * FROM unnest({_ARRAYS}) AS t({", ".join(COLUMNS)})
),
located AS (
    SELECT input.*, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS location
    FROM input
),
served AS (
    SELECT located.*, {district_at_sql("located.location")} AS district_id
    FROM located
    WHERE EXISTS (SELECT 1 FROM districts_city c
                  WHERE c.served AND ST_Covers(c.boundary, located.location))
),
saved AS (
    INSERT INTO places_place AS p (dataset, external_id, kind, name, street, housenumber,
                                   postcode, label, search, location, district_id, source)
    SELECT %(dataset)s, external_id, kind, name, street, housenumber,
           postcode, label, search, location, district_id, %(source)s
    FROM served
    ON CONFLICT (dataset, external_id) DO UPDATE
    SET kind = EXCLUDED.kind, name = EXCLUDED.name, street = EXCLUDED.street,
        housenumber = EXCLUDED.housenumber, postcode = EXCLUDED.postcode,
        label = EXCLUDED.label, search = EXCLUDED.search, location = EXCLUDED.location,
        district_id = EXCLUDED.district_id, source = EXCLUDED.source
    WHERE (p.kind, p.name, p.street, p.housenumber, p.postcode, p.label, p.search,
           p.location, p.district_id, p.source)
          IS DISTINCT FROM
          (EXCLUDED.kind, EXCLUDED.name, EXCLUDED.street, EXCLUDED.housenumber,
           EXCLUDED.postcode, EXCLUDED.label, EXCLUDED.search, EXCLUDED.location,
           EXCLUDED.district_id, EXCLUDED.source)
    RETURNING p.external_id, p.xmax = 0 AS inserted
)
SELECT located.row_number,
       served.row_number IS NOT NULL AS is_served,
       saved.inserted,
       (SELECT c.name FROM districts_city c
         WHERE NOT c.served AND ST_Covers(c.boundary, located.location)
         ORDER BY c.slug LIMIT 1) AS neighbour,
       (SELECT c.name FROM districts_city c
         WHERE c.served AND located.swapped_lon IS NOT NULL
           AND ST_Covers(c.boundary,
                         ST_SetSRID(ST_MakePoint(located.swapped_lon, located.swapped_lat), 4326))
         ORDER BY c.slug LIMIT 1) AS swapped_into
FROM located
LEFT JOIN served ON served.row_number = located.row_number
LEFT JOIN saved ON saved.external_id = located.external_id
ORDER BY located.row_number
"""


@dataclass(frozen=True)
class Candidate:
    row: SourceRow
    external_id: str
    kind: str
    label: str
    search: str

    def described(self) -> str:
        return f"row {self.row.number} ({self.label!r})"

    def columns(self) -> dict[str, Any]:
        """This candidate's values for UPSERT_SQL's input columns."""
        row = self.row
        swapped_lon, swapped_lat = row.swapped or (None, None)
        return {
            "row_number": row.number,
            "external_id": self.external_id,
            "kind": self.kind,
            **{key: row.values[key] for key in ("name", "street", "housenumber", "postcode")},
            "label": self.label,
            "search": self.search,
            "lon": row.lon,
            "lat": row.lat,
            "swapped_lon": swapped_lon,
            "swapped_lat": swapped_lat,
        }


def import_places(
    rows: Iterable[SourceRow],
    *,
    total: int,
    dataset: str,
    source: str,
    commit: bool,
    kind: PlaceKind | None = None,
    stream: TextIO | None = None,
    title: str = "Importing places",
) -> ImportSummary:
    """Create or update the places in ``rows`` under ``dataset``; ``source`` is attribution.

    Without ``kind``, a row with a name is a named place, one without a name an address.
    """
    summary = ImportSummary()
    progress = Progress(total, title, stream)
    seen: dict[str, int] = {}
    batch: list[Candidate] = []
    with transaction.atomic():
        for row in rows:
            candidate = _candidate(row, kind, seen, summary)
            if candidate is not None:
                batch.append(candidate)
            if len(batch) >= BATCH_SIZE:
                _save_batch(batch, dataset, source, summary)
                batch = []
            progress.advance()
        if batch:
            _save_batch(batch, dataset, source, summary)
        summary.committed = commit
        if not commit:
            transaction.set_rollback(True)
    return summary


def _candidate(
    row: SourceRow, kind: PlaceKind | None, seen: dict[str, int], summary: ImportSummary
) -> Candidate | None:
    values = row.values
    text = {
        **values,
        "label": place_label(
            street=values["street"], housenumber=values["housenumber"], name=values["name"]
        ),
        "search text": search_text(
            street=values["street"],
            housenumber=values["housenumber"],
            name=values["name"],
            postcode=values["postcode"],
        ),
    }
    label = text["label"]
    external_id = values["id"] or _content_key(values)
    problem = row.problem or _text_problem(text)
    if not problem and external_id in seen:
        problem = f"has the same identifier ({external_id}) as row {seen[external_id]}"
    if problem:
        summary.refused.append(
            f"row {row.number}" + (f" ({label!r})" if label else "") + f": {problem}"
        )
        return None
    seen[external_id] = row.number
    return Candidate(
        row=row,
        external_id=external_id,
        kind=kind or (PlaceKind.POI if values["name"] else PlaceKind.ADDRESS),
        label=label,
        search=text["search text"],
    )


def _text_problem(text: dict[str, str]) -> str:
    if not text["label"]:
        return "has no name, street or house number"
    if any("\x00" in value for value in text.values()):
        return "contains a NUL character"
    for key, field_name in TEXT_FIELDS.items():
        limit = _max_length(field_name)
        if len(text[key]) > limit:
            return f"its {key} is longer than {limit} characters"
    return ""


def _max_length(field_name: str) -> int:
    field = Place._meta.get_field(field_name)
    assert isinstance(field, CharField)
    return field.max_length or 0


def _content_key(values: dict[str, str]) -> str:
    """Without an id field, a place is known by its normalized address and name."""
    key = "|".join(normalize(values[k]) for k in ("street", "housenumber", "name", "postcode"))
    if len(key) <= 100:
        return key
    return f"{key[:80]}~{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _save_batch(batch: list[Candidate], dataset: str, source: str, summary: ImportSummary) -> None:
    rows = [candidate.columns() for candidate in batch]
    params = {name: [row[name] for row in rows] for name in COLUMNS}
    by_number = {candidate.row.number: candidate for candidate in batch}
    for result in fetch_all(UPSERT_SQL, {**params, "dataset": dataset, "source": source}):
        candidate = by_number[result["row_number"]]
        if not result["is_served"]:
            summary.refused.append(f"{candidate.described()}: {_outside(candidate, result)}")
        elif result["inserted"] is None:
            summary.unchanged.append(candidate.external_id)
        else:
            (summary.created if result["inserted"] else summary.updated).append(
                candidate.external_id
            )


def _outside(candidate: Candidate, result: dict[str, Any]) -> str:
    where = f"point ({candidate.row.lon:.6f}, {candidate.row.lat:.6f})"
    if result["neighbour"]:
        return f"{where} is in {result['neighbour']}, outside every city Mapa serves"
    if result["swapped_into"]:
        return (
            f"{where} is outside every city Mapa serves; with x and y swapped it would "
            f"be in {result['swapped_into']}: does the source give northing first "
            "(use --swap-xy)?"
        )
    return f"{where} is outside every city Mapa serves (at sea or in another municipality)"
