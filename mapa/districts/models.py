"""Areas: served cities, their districts, and the neighbours Mapa only names.

This is pure geography, like mapit's areas: it knows nothing of units,
categories or reports, which sit in the layers above. All geometries are
stored in EPSG:4326 (WGS84 longitude/latitude) as MultiPolygons with a GiST
index. Containment is decided by PostGIS with ``ST_Covers``, so a point on a
boundary belongs to every area that touches it; ``mapa.districts.locating``
holds the border rule that then picks one district.
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mapa.core.audit import audited
from mapa.core.geo import WGS84


@audited(exclude=["boundary"], model_name="CityAudit")
class City(models.Model):
    """A municipality. Served cities take reports; neighbours are only named.

    A neighbour (Sopot, Gdynia) is loaded so that a point there can be refused
    with a useful answer ("this is in Sopot") instead of "outside the city".
    """

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    teryt = models.CharField(
        max_length=7, blank=True, help_text=_("Polish TERYT code of the municipality (gmina).")
    )
    served = models.BooleanField(
        default=False, help_text=_("Does Mapa take reports here? Neighbours are only named.")
    )
    reference_prefix = models.CharField(
        max_length=4,
        blank=True,
        help_text=_("Prefix of report references in this city, e.g. GD for GD-2026-000123."),
    )
    boundary = models.MultiPolygonField(srid=WGS84)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["-served", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(served=False) | ~Q(reference_prefix=""),
                name="served_city_has_reference_prefix",
            )
        ]

    def __str__(self) -> str:
        return self.name


@audited(exclude=["geometry"], model_name="DistrictAudit")
class District(models.Model):
    """An administrative district (dzielnica) of a served city: the unit of routing."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="districts")
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    geometry = models.MultiPolygonField(srid=WGS84)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
