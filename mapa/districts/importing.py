"""Import area boundaries from any OGR source (GeoJSON, Shapefile, GeoPackage...).

The service reads features through GDAL, checks each geometry, reprojects it
to EPSG:4326 and upserts by slug. It runs inside one transaction: a dry run
takes the very same path and rolls back at the end, so its summary is exact.

Geometry checks, per feature:
- missing, empty or non-polygonal geometry: refused;
- invalid geometry (self-intersection, bad ring...): refused, naming the
  feature and GEOS's reason, unless ``repair`` is on, in which case it is
  repaired with GEOS MakeValid and only its polygonal parts are kept.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO, cast

from django.contrib.gis.gdal import DataSource, GDALException, OGRGeometry
from django.contrib.gis.gdal.feature import Feature
from django.contrib.gis.gdal.layer import Layer
from django.contrib.gis.geos import GeometryCollection, GEOSGeometry, MultiPolygon, Polygon
from django.db import transaction
from django.utils.text import slugify

from mapa.core.geo import WGS84
from mapa.core.imports import ImportSummary
from mapa.core.progress import Progress
from mapa.districts.models import City, District

AreaKind = Literal["district", "city"]


class SourceUnreadable(Exception):
    """The source as a whole cannot be read (not a single feature)."""


@dataclass(frozen=True)
class AreaSpec:
    """How to read one source: which fields hold the name and the slug, and what it is."""

    kind: AreaKind
    name_field: str = "name"
    slug_field: str | None = "slug"
    city: City | None = None  # for districts: the served city they belong to
    served: bool = False  # for cities
    reference_prefix: str = ""  # for a served city
    teryt_field: str | None = "teryt"
    layer: int | str = 0


_POLISH = str.maketrans({"ł": "l", "Ł": "L"})


def area_slug(name: str) -> str:
    """ASCII slug of a Polish place name: 'Ujeścisko-Łostowice' → 'ujescisko-lostowice'."""
    plain = unicodedata.normalize("NFKD", name.translate(_POLISH))
    return slugify(plain.replace(".", " "))


def import_areas(
    source: str | Path,
    spec: AreaSpec,
    *,
    commit: bool,
    repair: bool = False,
    stream: TextIO | None = None,
) -> ImportSummary:
    """Read ``source`` and create or update the areas it holds, by slug."""
    if spec.kind == "district" and spec.city is None:
        raise ValueError("importing districts needs the city they belong to")
    try:
        layer = DataSource(str(source))[spec.layer]
    except (GDALException, IndexError) as exc:
        raise SourceUnreadable(f"cannot read {source}: {exc}") from exc
    summary = ImportSummary()
    progress = Progress(len(layer), f"Importing {Path(source).name}", stream)
    seen: set[str] = set()
    with transaction.atomic():
        for index, feature in enumerate(_features(layer), start=1):
            _import_feature(index, feature, spec, repair, seen, summary)
            progress.advance()
        summary.committed = commit
        if not commit:
            transaction.set_rollback(True)
    return summary


def _features(layer: Layer) -> Iterator[Feature]:
    yield from layer


def _import_feature(
    index: int,
    feature: Feature,
    spec: AreaSpec,
    repair: bool,
    seen: set[str],
    summary: ImportSummary,
) -> None:
    name = _field(feature, spec.name_field)
    label = f"feature {index}" + (f" ({name!r})" if name else "")
    if not name:
        summary.refused.append(f"{label}: no value in name field {spec.name_field!r}")
        return
    slug = (_field(feature, spec.slug_field) if spec.slug_field else "") or area_slug(name)
    if slug in seen:
        summary.refused.append(f"{label}: slug {slug!r} appears twice in the source")
        return
    seen.add(slug)
    try:
        geometry = _multipolygon(_geometry(feature), label, repair, summary)
    except _Refused as refusal:
        summary.refused.append(str(refusal))
        return
    outcome = _upsert(spec, slug, name, geometry, feature)
    getattr(summary, outcome).append(slug)


class _Refused(Exception):
    pass


def _geometry(feature: Feature) -> OGRGeometry | None:
    try:
        return feature.geom
    except GDALException:  # a feature with a null geometry
        return None


def _multipolygon(
    ogr: OGRGeometry | None, label: str, repair: bool, summary: ImportSummary
) -> MultiPolygon:
    if ogr is None:
        raise _Refused(f"{label}: has no geometry")
    if ogr.srs is not None and ogr.srs.srid != WGS84:
        try:
            ogr.transform(WGS84)
        except GDALException as exc:
            raise _Refused(f"{label}: cannot reproject to EPSG:4326 ({exc})") from exc
    geos = GEOSGeometry(ogr.wkb, srid=WGS84)
    if geos.empty:
        raise _Refused(f"{label}: geometry is empty")
    if geos.geom_type not in ("Polygon", "MultiPolygon"):
        raise _Refused(f"{label}: geometry is a {geos.geom_type}, expected a polygon")
    if not geos.valid:
        reason = geos.valid_reason
        if not repair:
            raise _Refused(f"{label}: invalid geometry ({reason}); use --repair to fix it")
        geos = _polygonal_part(geos.make_valid())  # type: ignore[attr-defined]
        if geos.empty:
            raise _Refused(f"{label}: invalid geometry ({reason}) with no polygon left to keep")
        summary.repaired.append(f"{label}: repaired ({reason})")
    return geos if isinstance(geos, MultiPolygon) else MultiPolygon(geos, srid=WGS84)


def _polygonal_part(geometry: GEOSGeometry) -> GEOSGeometry:
    if isinstance(geometry, Polygon | MultiPolygon):
        return geometry
    polygons: list[GEOSGeometry] = []
    for part in cast(GeometryCollection, geometry):  # MakeValid gives a collection
        if isinstance(part, Polygon):
            polygons.append(part)
        elif isinstance(part, MultiPolygon):
            polygons.extend(part)
    return MultiPolygon(*polygons, srid=WGS84)


def _field(feature: Feature, name: str | None) -> str:
    if not name or name not in feature.fields:
        return ""
    value = feature.get(name)
    return "" if value is None else str(value).strip()


def _upsert(spec: AreaSpec, slug: str, name: str, geometry: MultiPolygon, feature: Feature) -> str:
    if spec.kind == "district":
        return _save(District, slug, {"name": name, "city": spec.city}, "geometry", geometry)
    values = {
        "name": name,
        "served": spec.served,
        "reference_prefix": spec.reference_prefix,
        "teryt": _field(feature, spec.teryt_field),
    }
    return _save(City, slug, values, "boundary", geometry)


def _save(
    model: type[District] | type[City],
    slug: str,
    values: dict[str, object],
    geometry_field: str,
    geometry: MultiPolygon,
) -> str:
    existing = model.objects.filter(slug=slug).first()
    if existing is None:
        model.objects.create(slug=slug, **values, **{geometry_field: geometry})
        return "created"
    stored = getattr(existing, geometry_field)
    same_values = all(getattr(existing, key) == value for key, value in values.items())
    if same_values and stored.equals_exact(geometry, 0):
        return "unchanged"
    for key, value in {**values, geometry_field: geometry}.items():
        setattr(existing, key, value)
    existing.save()
    return "updated"
