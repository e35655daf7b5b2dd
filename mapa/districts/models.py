"""Areas of the city, the units that serve them, and the rules that route reports.

All geometries are stored in EPSG:4326 (WGS84 longitude/latitude) as
MultiPolygons with a GiST index. Containment is decided by PostGIS with
``ST_Covers``, so a point on a boundary belongs to every area that touches it;
see ``mapa.districts.routing`` for how a single district is then chosen.
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

WGS84 = 4326


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


class Unit(models.Model):
    """A city unit that receives reports: an authority, a department or an office.

    A unit may have district offices (children) that each cover a set of
    districts. A report routed to a unit with offices goes to the office that
    covers the report's district, as Straż Miejska does with its district units.
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True)
    email = models.EmailField(help_text=_("Where the unit receives notifications."))
    phone = models.CharField(max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="offices"
    )
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="units",
        help_text=_("Districts this unit covers, if it is district-based."),
    )
    is_triage = models.BooleanField(
        default=False,
        help_text=_("The first-line unit (GCK) that triages reports no rule routes elsewhere."),
    )
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_triage"], condition=Q(is_triage=True), name="one_triage_unit"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Category (+ optional districts) → unit.

    The most specific matching rule wins: a rule naming districts beats a
    city-wide one, and among rules naming districts the one naming fewer wins.
    Without a matching rule the category's default unit takes the report, and
    without one of those the triage unit (GCK) does.
    """

    category = models.ForeignKey(
        "reports.Category", on_delete=models.CASCADE, related_name="routing_rules"
    )
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="routing_rules",
        help_text=_("Leave empty for a city-wide rule."),
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="routing_rules")
    note = models.CharField(
        max_length=200, blank=True, help_text=_("Why this rule exists; shown in explanations.")
    )
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category", "id"]

    def __str__(self) -> str:
        return f"{self.category} → {self.unit}"


def localized(pl: str, en: str) -> str:
    """Pick the Polish or English text by the active language (Polish by default)."""
    return en if (get_language() or "pl").startswith("en") and en else pl
