"""Addresses and named places that a resident can search instead of using the map.

A place is a Point in EPSG:4326 (WGS84, longitude first) with a GiST index.
Its district is decided by PostGIS when the place is imported, with the same
border rule as report routing (``mapa.districts.locating``): of the districts
of a served city that *cover* the point, the one whose slug sorts first in
byte order (``COLLATE "C"``). It is stored, not recomputed per search.

Imports are idempotent through the natural key (``dataset``, ``external_id``):
the dataset names the source collection ("prg-2261011", "districts") and the
identifier is the source's own (a PRG ``lokalnyId``, a district slug...).
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from mapa.core.geo import WGS84
from mapa.districts.models import District


class PlaceKind(models.TextChoices):
    ADDRESS = "address", _("address")
    POI = "poi", _("named place")
    DISTRICT = "district", _("district")


class Place(models.Model):
    """An address point, a named place (with its address if known) or a district."""

    dataset = models.SlugField(
        max_length=60,
        db_index=False,  # the natural key's unique index starts with it
        help_text=_("The collection the place comes from, e.g. prg-2261011."),
    )
    external_id = models.CharField(
        max_length=120, help_text=_("The place's identifier within its dataset.")
    )
    kind = models.CharField(max_length=10, choices=PlaceKind.choices)
    name = models.CharField(max_length=300, blank=True)
    street = models.CharField(max_length=200, blank=True)
    housenumber = models.CharField(max_length=40, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    label = models.CharField(
        max_length=520, help_text=_("What search results show: street, number and name.")
    )
    search = models.CharField(
        max_length=600,
        editable=False,
        help_text=_(
            "Street and number | name | postcode, lower-case, without accents "
            "or punctuation (see mapa.places.text)."
        ),
    )
    location = models.PointField(srid=WGS84)
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.SET_NULL, related_name="places"
    )
    source = models.CharField(
        max_length=300, blank=True, help_text=_("Where the data comes from, for attribution.")
    )

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "external_id"], name="unique_place_in_dataset"
            ),
        ]
        indexes = [models.Index(fields=["label"], name="place_label")]

    def __str__(self) -> str:
        return self.label
