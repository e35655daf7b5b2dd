"""Seeding the place search: 85 real addresses and the districts (mapa/places/seeding.py)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from mapa.core.sql import fetch_all
from mapa.districts.models import District
from mapa.places.models import Place, PlaceKind
from mapa.places.seeding import ADDRESSES_DATASET, DISTRICTS_DATASET, load_places

pytestmark = pytest.mark.django_db


def test_every_address_gets_the_district_its_file_records(places, address_features):
    stored = {
        place.external_id: place
        for place in Place.objects.filter(dataset=ADDRESSES_DATASET).select_related("district")
    }
    assert len(address_features) == len(stored) == 85
    wrong = {}
    for feature in address_features:
        properties = feature["properties"]
        place = stored[f"{properties['source_layer']}:{properties['source_id']}"]
        if place.district is None or place.district.name != properties["district_osm_polygon"]:
            wrong[place.label] = (place.district, properties["district_osm_polygon"])
    assert wrong == {}


def test_addresses_keep_their_coordinates_and_attribution(places, address_features):
    first = address_features[0]
    place = Place.objects.get(dataset=ADDRESSES_DATASET, external_id="culture_institutions:1")
    assert (place.location.x, place.location.y) == pytest.approx(
        first["geometry"]["coordinates"], abs=1e-9
    )
    assert place.location.srid == 4326
    assert (place.kind, place.street, place.housenumber) == (PlaceKind.POI, "Piwna", "27/29")
    assert "pgs-widget-gdansk" in place.source


def test_only_the_documented_encoding_damage_is_repaired(places):
    names = set(Place.objects.filter(dataset=ADDRESSES_DATASET).values_list("name", flat=True))
    streets = set(Place.objects.filter(dataset=ADDRESSES_DATASET).values_list("street", flat=True))
    assert "Partyzantów" in streets
    assert "Wydział Bezpieczeństwa i Zarządzania Kryzysowego" in names
    assert "Wydział Programów Rozwojowych, Wydział Rozwoju Spo" in names
    text = " ".join(names | streets)
    for broken in ("Partyzantsw", "Wydziaw", "Programnw"):
        assert broken not in text
    # Not documented as damaged, so kept as the source writes it.
    assert "Budynek Głowny, Prezydent Miasta Gdańska" in names
    assert "DŁUGI TARG" in streets


def test_each_district_has_a_place_inside_it(places):
    rows = fetch_all(
        """SELECT p.external_id, d.slug, ST_Within(p.location, d.geometry) AS inside,
                  p.label = d.name AS named
           FROM places_place p JOIN districts_district d ON d.id = p.district_id
           WHERE p.dataset = %s""",
        [DISTRICTS_DATASET],
    )
    assert len(rows) == District.objects.count() == 35
    assert all(r["external_id"] == r["slug"] and r["inside"] and r["named"] for r in rows)
    assert set(Place.objects.filter(dataset=DISTRICTS_DATASET).values_list("kind", flat=True)) == {
        PlaceKind.DISTRICT
    }


def test_loading_again_changes_nothing(places):
    before = list(Place.objects.order_by("pk").values())
    summary = load_places()
    assert (len(summary.addresses.unchanged), len(summary.districts.unchanged)) == (85, 35)
    assert summary.addresses.created == summary.addresses.updated == []
    assert summary.districts.created == summary.districts.updated == []
    assert list(Place.objects.order_by("pk").values()) == before


def test_a_changed_district_name_updates_its_place(places):
    District.objects.filter(slug="oliwa").update(name="Oliwa (test)")
    summary = load_places()
    assert summary.districts.updated == ["oliwa"]
    assert Place.objects.get(dataset=DISTRICTS_DATASET, external_id="oliwa").label == "Oliwa (test)"


def test_a_dry_run_saves_nothing(db):
    summary = load_places(commit=False)
    assert (len(summary.addresses.created), len(summary.districts.created)) == (85, 35)
    assert not Place.objects.exists()


def test_the_command_reports_what_it_did(db):
    out = StringIO()
    call_command("load_places", stdout=out, stderr=StringIO())
    assert out.getvalue().splitlines() == [
        "addresses: created 85, updated 0, unchanged 0, refused 0",
        "districts: created 35, updated 0, unchanged 0, refused 0",
    ]
