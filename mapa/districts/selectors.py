"""Read-side queries for districts."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import Point

from mapa.districts.models import District


@dataclass(frozen=True)
class DistrictChoice:
    """A district the resident can pick instead of a pin.

    ``point`` is PostGIS's ``ST_PointOnSurface`` of the district (EPSG:4326): a
    point guaranteed to lie inside the polygon, unlike the centroid of a
    crescent-shaped district. Reports filed this way are marked approximate
    (``location_source=district``).
    """

    slug: str
    name: str
    point: Point


def district_choices(slug: str | None = None) -> list[DistrictChoice]:
    """Districts of served cities, by name, each with a point inside it (one query).

    With ``slug``, only that district (an empty list when there is no such district).
    """
    districts = District.objects.filter(city__served=True)
    if slug is not None:
        districts = districts.filter(slug=slug)
    rows = (
        districts.annotate(inside=PointOnSurface("geometry"))
        .order_by("name")
        .values_list("slug", "name", "inside")
    )
    return [DistrictChoice(slug=slug, name=name, point=inside) for slug, name, inside in rows]


def served_extent() -> tuple[float, ...]:
    """(west, south, east, north) of the served cities' districts, EPSG:4326; () for none."""
    extent = District.objects.filter(city__served=True).aggregate(box=Extent("geometry"))["box"]
    return tuple(extent) if extent else ()
