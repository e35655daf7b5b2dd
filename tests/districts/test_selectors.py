"""District selectors (mapa/districts/selectors.py)."""

from __future__ import annotations

import pytest

from mapa.districts.locating import locate
from mapa.districts.models import District
from mapa.districts.selectors import district_choices

pytestmark = pytest.mark.django_db


def test_every_district_comes_with_a_point_inside_it_that_routes_back_to_it():
    choices = district_choices()
    assert len(choices) == 35
    assert [c.name for c in choices] == sorted(c.name for c in choices)
    for choice in choices:
        assert choice.point.srid == 4326
        assert District.objects.get(slug=choice.slug).geometry.covers(choice.point)
        assert locate(choice.point).district_slug == choice.slug


def test_one_district_by_slug():
    [stogi] = district_choices("stogi")
    assert stogi.name == "Stogi"
    assert district_choices("atlantis") == []
