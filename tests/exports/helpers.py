"""What the exports' tests share: a varied set of cases, the database's truth, GDAL readers.

``expected()`` reads each case from the database through the ORM, not through
the export's SQL, so that a wrong column, time zone or rounding in the export
shows as a difference.
"""

from __future__ import annotations

import ctypes
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.gdal.libgdal import lgdal

from mapa.reports.casework import report_add_note, report_change_status
from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY

OLIWA_CATHEDRAL = (18.5606, 54.4104)

# Distinctive personal data: none of it may appear in any export.
PII = {
    "reporter_name": "Zenobia Eksportowa-Tajna",
    "reporter_email": "zenobia.tajna.7731@example.org",
    "reporter_phone": "+48 601 773 199",
}
PII_FRAGMENTS = [*PII.values(), "601773199", "601 773 199", "zenobia", "Eksportowa"]
INTERNAL = ["TAJNA-NOTATKA-WEWNĘTRZNA", "flaga-niebezpieczna-x"]

PROPERTIES = [
    "reference",
    "category",
    "category_name",
    "status",
    "district",
    "district_name",
    "unit",
    "unit_name",
    "created",
    "updated",
    "resolved",
    "description",
    "address",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEXT_COLUMNS = {"category_name", "district_name", "unit_name", "description", "address"}


def seed(make_report: Callable[..., Report]) -> dict[str, Report]:
    """Cases in three districts and four units, open and closed, with awkward text."""
    contact = dict(PII)
    made = {
        "quotes": make_report(
            "pothole",
            *NEPTUNE_FOUNTAIN,
            description='Dziura "głęboka", 30 cm;\nna dwie linie — zażółć gęślą jaźń ☃',
            address="Długi Targ 1, Gdańsk",
            **contact,
        ),
        "formula": make_report(
            "graffiti-vandalism",
            *WRZESZCZ_GORNY,
            description='=HYPERLINK("http://evil.example","klik")',
            address="-12 Grunwaldzka",
            **contact,
        ),
        "at": make_report(
            "street-light", *OLIWA_CATHEDRAL, description="@SUM(A1) nie świeci", **contact
        ),
        "plus": make_report(
            "stray-animal",
            *WRZESZCZ_GORNY,
            description="+48 to nie telefon, to pies",
            attributes={"animal": "dog"},
            **contact,
        ),
        "plain": make_report("litter-dump", *OLIWA_CATHEDRAL, description="Śmieci w lesie"),
    }
    report_change_status(report=made["plain"], status="accepted", internal_note=INTERNAL[0])
    report_change_status(report=made["plain"], status="in_progress")
    report_change_status(report=made["plain"], status="resolved", public_note="Posprzątane.")
    report_add_note(report=made["quotes"], internal_note=INTERNAL[0])
    Report.objects.filter(pk=made["at"].pk).update(internal_flags=[INTERNAL[1]])
    for report in made.values():
        report.refresh_from_db()
    return made


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def expected(reports: Any, *, english: bool = False) -> dict[str, dict[str, Any]]:
    """Each case's exported properties and coordinates, by reference, from the ORM."""
    rows = {}
    for r in reports.select_related("category", "unit", "district").order_by("updated_at", "id"):
        rows[r.reference] = {
            "reference": r.reference,
            "category": r.category.code,
            "category_name": r.category.name_en if english else r.category.name_pl,
            "status": r.status,
            "district": r.district.slug if r.district else None,
            "district_name": r.district.name if r.district else None,
            "unit": r.unit.code,
            "unit_name": r.unit.name,
            "created": iso(r.created_at),
            "updated": iso(r.updated_at),
            "resolved": iso(r.resolved_at),
            "description": r.description,
            "address": r.address,
            "lon": r.location.x,
            "lat": r.location.y,
        }
    return rows


def spreadsheet_safe(row: dict[str, Any]) -> dict[str, Any]:
    """The CSV's version of a row: empty for null, an apostrophe before a formula."""
    safe = {}
    for name, value in row.items():
        if value is None:
            value = ""
        elif name in TEXT_COLUMNS and str(value).startswith(FORMULA_START):
            value = "'" + value
        safe[name] = value
    return safe


def body(response: Any) -> bytes:
    """A streamed response's bytes (reading them to the end closes its snapshot)."""
    assert response.streaming, "exports are streamed"
    return b"".join(response.streaming_content)


@contextmanager
def dates_as_text() -> Iterator[None]:
    """GDAL's GeoJSON driver reads ISO 8601 as text, not as seconds-only DateTimes."""
    lgdal.CPLSetConfigOption.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    lgdal.CPLSetConfigOption(b"OGR_GEOJSON_DATE_AS_STRING", b"YES")
    try:
        yield
    finally:
        lgdal.CPLSetConfigOption(b"OGR_GEOJSON_DATE_AS_STRING", None)


def read_layer(path: Path) -> dict[str, dict[str, Any]]:
    """Every feature of the file's first layer as GDAL reads it, by reference."""
    with dates_as_text():
        source = DataSource(str(path))
        layer = source[0]
        rows = {}
        for feature in layer:
            row = {name: feature.get(name) for name in layer.fields}
            try:
                geometry = feature.geom
            except GDALException:  # a feature without geometry
                geometry = None
            if geometry is not None:
                row["_x"], row["_y"] = geometry.x, geometry.y
            rows[row["reference"]] = row
    return rows


def ogr2ogr(*args: str) -> None:
    """Debian's ogr2ogr (gdal-bin): a real GIS tool reading what Mapa wrote."""
    subprocess.run(["ogr2ogr", *args], check=True, capture_output=True, timeout=60)
