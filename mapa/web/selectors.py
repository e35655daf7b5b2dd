"""Read-side data the resident pages render: categories for the form, districts to pick."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import Point
from django.db.models import QuerySet

from mapa.districts.models import District
from mapa.reports.models import Category


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


def form_categories() -> QuerySet[Category]:
    """Active categories with their extra questions, in the form's order."""
    return Category.objects.filter(active=True).prefetch_related("attributes")


def category_legend(categories: list[Category]) -> list[dict[str, Any]]:
    """What the map script needs to draw pins: code → name, icon and group (for colour)."""
    return [{"code": c.code, "name": c.name, "icon": c.icon, "group": c.group} for c in categories]


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
