"""The admin: everything editable, maps served locally (mapa/*/admin.py)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from mapa.catalogue.models import Category, RoutingRule, Unit
from mapa.districts.models import District

pytestmark = pytest.mark.django_db

MODELS = [
    "districts.city",
    "districts.district",
    "catalogue.unit",
    "catalogue.routingrule",
    "catalogue.category",
    "catalogue.responsetemplate",
    "reports.report",
]


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_a_list_and_an_add_page(staff, model):
    app, name = model.split(".")
    assert staff.get(reverse(f"admin:{app}_{name}_changelist")).status_code == 200
    if name != "report":  # reports come in through the API and the pages
        assert staff.get(reverse(f"admin:{app}_{name}_add")).status_code == 200


def test_a_district_is_edited_on_a_map_without_any_cdn(staff):
    district = District.objects.get(slug="oliwa")
    html = staff.get(reverse("admin:districts_district_change", args=[district.pk])).content
    page = html.decode()
    assert "/static/vendor/ol/ol.js" in page
    assert "/static/gis/js/OLMapWidget.js" in page
    assert not re.search(r"https?://(cdn|unpkg|cdnjs)", page)


def test_a_routing_rule_can_be_added_in_the_admin(staff):
    category = Category.objects.get(code="snow-ice")
    response = staff.post(
        reverse("admin:catalogue_routingrule_add"),
        {
            "category": category.pk,
            "unit": Unit.objects.get(code="wzk").pk,
            "districts": [District.objects.get(slug="stogi").pk],
            "note": "Zima stulecia",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content
    rule = RoutingRule.objects.get(category=category)
    assert list(rule.districts.values_list("slug", flat=True)) == ["stogi"]
