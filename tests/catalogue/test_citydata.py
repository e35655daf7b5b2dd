"""Loading a city from its manifest (mapa/districts/citydata.py)."""

from __future__ import annotations

import pytest

from mapa.catalogue.citydata import load_city
from mapa.catalogue.models import Category, Unit
from mapa.districts.models import City, District
from tests.conftest import GDANSK

pytestmark = pytest.mark.django_db


def test_gdansk_is_loaded_with_its_neighbours_catalogue_units_and_categories():
    assert District.objects.count() == 35
    assert set(City.objects.values_list("slug", "served")) == {
        ("gdansk", True),
        ("sopot", False),
        ("gdynia", False),
    }
    assert City.objects.get(slug="gdansk").reference_prefix == "GD"
    assert Unit.objects.get(is_triage=True).code == "gck"
    assert Unit.objects.filter(parent__code="sm").count() == 6
    assert Category.objects.count() >= 13
    for unit in Unit.objects.all():
        assert unit.email.endswith(".example"), unit.code  # never the real city in dev


def test_reloading_changes_nothing_and_keeps_admin_edits():
    Unit.objects.filter(code="gzdiz").update(email="roads@city.example")
    Category.objects.filter(code="pothole").update(name_en="Hole in the road")
    result = load_city(GDANSK)
    assert result.created == {"units": 0, "categories": 0, "rules": 0}
    assert all(s.line().startswith("created 0, updated 0") for s in result.areas.values())
    assert Unit.objects.get(code="gzdiz").email == "roads@city.example"
    assert Category.objects.get(code="pothole").name_en == "Hole in the road"


def test_required_categories_exist_with_both_names():
    required = {
        "pothole",
        "pavement",
        "street-light",
        "traffic-sign-signal",
        "tree-greenery",
        "stray-animal",
        "injured-dead-animal",
        "litter-dump",
        "abandoned-vehicle",
        "graffiti-vandalism",
        "snow-ice",
        "street-furniture",
        "other",
    }
    categories = {c.code: c for c in Category.objects.all()}
    assert required <= categories.keys()
    for category in categories.values():
        assert category.name_pl
        assert category.name_en
    assert categories["other"].default_unit is None  # goes to GCK triage
