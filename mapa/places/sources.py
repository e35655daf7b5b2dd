"""Read places from files: any OGR source through GDAL, or CSV with coordinate columns.

Readers only read. Each yields one ``SourceRow`` per feature or line, with the
point already in EPSG:4326 (reprojected by GDAL) or a ``problem`` saying why
the row has no usable point. Deciding what to store is ``importing``'s job.

Axis order: GeoDjango's ``SpatialReference`` uses the traditional GIS order
(x = easting or longitude, y = northing or latitude) whatever the CRS
defines; EPSG:2180 itself defines northing first. GDAL's GML reader swaps
coordinates for ``urn:ogc:def:crs:EPSG::2180`` names; a file that writes
northing first under a bare ``EPSG:2180`` needs ``swap_xy``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.contrib.gis.gdal import (
    CoordTransform,
    DataSource,
    GDALException,
    OGRGeometry,
    SpatialReference,
)
from django.contrib.gis.gdal.feature import Feature
from django.contrib.gis.gdal.geometries import Point as OGRPoint

from mapa.core.geo import WGS84

X_FIELDS = ("x", "lon", "lng", "longitude", "dlugosc_geograficzna")
Y_FIELDS = ("y", "lat", "latitude", "szerokosc_geograficzna")


class SourceUnreadable(Exception):
    """The source as a whole cannot be read."""


@dataclass(frozen=True)
class FieldMap:
    """Which source fields hold what. ``id`` fields, joined by ":", identify a row."""

    name: str = "name"
    street: str = "street"
    housenumber: str = "housenumber"
    postcode: str = "postcode"
    id: tuple[str, ...] = ()
    x: str | None = None  # CSV only; found among X_FIELDS when not given
    y: str | None = None


@dataclass(frozen=True)
class SourceRow:
    number: int  # 1-based feature or data-line number, for messages
    values: dict[str, str]  # name, street, housenumber, postcode, id
    lon: float | None = None  # EPSG:4326
    lat: float | None = None
    swapped: tuple[float, float] | None = None  # lon, lat had the axes been swapped
    problem: str = ""


@dataclass(frozen=True)
class Source:
    total: int
    rows: Iterator[SourceRow]


def read_ogr(
    path: str | Path,
    fields: FieldMap,
    *,
    layer: int | str = 0,
    srid: int = WGS84,
    swap_xy: bool = False,
) -> Source:
    """Features of any file GDAL reads (GeoJSON, GML, GeoPackage, Shapefile...).

    ``srid`` applies only when the source does not name its CRS.
    """
    try:
        ogr_layer = DataSource(str(path))[layer]
    except (GDALException, IndexError) as exc:
        raise SourceUnreadable(f"cannot read {path}: {exc}") from exc
    fallback = _srs(srid)
    rows = (
        _ogr_row(number, feature, fields, fallback, swap_xy)
        for number, feature in enumerate(ogr_layer, start=1)
    )
    return Source(total=len(ogr_layer), rows=rows)


def _ogr_row(
    number: int, feature: Feature, fields: FieldMap, fallback: SpatialReference, swap_xy: bool
) -> SourceRow:
    values = _values(fields, lambda name: _feature_value(feature, name))
    try:
        geometry = feature.geom
    except GDALException:
        return SourceRow(number, values, problem="has no geometry")
    if geometry.empty:
        return SourceRow(number, values, problem="has an empty geometry")
    point = _single_point(geometry)
    if point is None:
        return SourceRow(
            number, values, problem=f"geometry is {geometry.geom_name}, expected a point"
        )
    return _located(number, values, point.x, point.y, geometry.srs or fallback, swap_xy)


def _single_point(geometry: OGRGeometry) -> OGRPoint | None:
    """The geometry's point: a Point, or a MultiPoint of one point; None for anything else."""
    if geometry.geom_name == "MULTIPOINT" and geometry.geom_count == 1:
        geometry = geometry[0]  # type: ignore[index]  # OGR collections are indexable
    return geometry if isinstance(geometry, OGRPoint) else None


def _feature_value(feature: Feature, name: str) -> str:
    if name not in feature.fields:
        return ""
    value = feature.get(name)
    return "" if value is None else str(value).strip()


def read_csv(
    path: str | Path, fields: FieldMap, *, srid: int = WGS84, swap_xy: bool = False
) -> Source:
    """Lines of a CSV file (UTF-8, header row; comma, semicolon or tab separated)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(64 * 1024)
            handle.seek(0)
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
            header = next(csv.reader(handle, dialect), [])
            total = sum(1 for _ in csv.reader(handle, dialect))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceUnreadable(f"cannot read {path}: {exc}") from exc
    x_field = fields.x or next((name for name in X_FIELDS if name in header), None)
    y_field = fields.y or next((name for name in Y_FIELDS if name in header), None)
    missing = [name for name in (x_field, y_field) if name is None or name not in header]
    if missing or x_field is None or y_field is None:
        raise SourceUnreadable(
            f"{path}: no coordinate columns; the header is {', '.join(header)}. "
            "Name them with --x-field and --y-field."
        )
    return Source(
        total=total,
        rows=_csv_rows(path, fields, dialect, x_field, y_field, _srs(srid), swap_xy),
    )


def _csv_rows(
    path: str | Path,
    fields: FieldMap,
    dialect: type[csv.Dialect],
    x_field: str,
    y_field: str,
    srs: SpatialReference,
    swap_xy: bool,
) -> Iterator[SourceRow]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for number, line in enumerate(csv.DictReader(handle, dialect=dialect), start=1):
            values = _values(fields, partial(_line_value, line))
            try:
                x, y = (_coordinate(line.get(name)) for name in (x_field, y_field))
            except ValueError as exc:
                yield SourceRow(number, values, problem=str(exc))
                continue
            yield _located(number, values, x, y, srs, swap_xy)


def _line_value(line: dict[str, str | None], name: str) -> str:
    return (line.get(name) or "").strip()


def _coordinate(raw: str | None) -> float:
    text = (raw or "").strip().replace(",", ".")  # Polish exports may use a decimal comma
    if not text:
        raise ValueError("has no coordinates")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"coordinate {text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"coordinate {text!r} is not a finite number")
    return value


def _srs(srid: int) -> SpatialReference:
    try:
        return SpatialReference(srid)
    except GDALException:
        raise SourceUnreadable(f"EPSG:{srid} is not a coordinate system GDAL knows") from None


def _values(fields: FieldMap, read: Callable[[str], str]) -> dict[str, str]:
    """The row's text by meaning (name, street...), read from the mapped source fields."""
    values = {
        key: read(getattr(fields, key)) for key in ("name", "street", "housenumber", "postcode")
    }
    values["id"] = ":".join(read(name) for name in fields.id)
    return values


def _located(
    number: int, values: dict[str, str], x: float, y: float, srs: SpatialReference, swap_xy: bool
) -> SourceRow:
    if swap_xy:
        x, y = y, x
    point = _to_wgs84(x, y, srs)
    if point is None:
        return SourceRow(
            number, values, problem=f"coordinates ({x}, {y}) are not valid in {srs.name}"
        )
    return SourceRow(number, values, lon=point[0], lat=point[1], swapped=_to_wgs84(y, x, srs))


def _to_wgs84(x: float, y: float, srs: SpatialReference) -> tuple[float, float] | None:
    """(lon, lat) in EPSG:4326, or None when the point cannot exist there."""
    try:
        point = OGRPoint(f"POINT ({x!r} {y!r})", srs=srs)
        if srs.srid != WGS84:
            point.transform(_transform_to_wgs84(srs))
        lon, lat = point.x, point.y
    except GDALException:
        return None
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return lon, lat


_TRANSFORMS: dict[str, CoordTransform] = {}


def _transform_to_wgs84(srs: SpatialReference) -> CoordTransform:
    key = srs.wkt
    if key not in _TRANSFORMS:
        _TRANSFORMS[key] = CoordTransform(srs, SpatialReference(WGS84))
    return _TRANSFORMS[key]
