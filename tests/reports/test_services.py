"""Report services: references, atomicity (mapa/reports/services.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mapa.catalogue.attributes import AttributeErrors
from mapa.districts.locating import OutsideServiceArea
from mapa.reports.models import Report, ReportEvent
from mapa.reports.services import next_reference, report_create
from tests.conftest import GDANSK_BAY, point

pytestmark = pytest.mark.django_db


def test_references_restart_each_year_per_prefix():
    new_year = timezone.make_aware(dt.datetime(2031, 1, 1, 0, 30))  # local (Warsaw) time
    assert next_reference("GD", when=new_year) == "GD-2031-000001"
    assert next_reference("GD", when=new_year) == "GD-2031-000002"
    assert next_reference("XY", when=new_year) == "XY-2031-000001"
    last_year = timezone.make_aware(dt.datetime(2030, 12, 31, 23, 30))
    assert next_reference("GD", when=last_year) == "GD-2030-000001"


def test_a_refused_report_leaves_nothing_behind(category):
    with pytest.raises(OutsideServiceArea):
        report_create(category=category("pothole"), location=point(*GDANSK_BAY), description="x")
    with pytest.raises(AttributeErrors):
        report_create(
            category=category("stray-animal"), location=point(18.65, 54.35), description="x"
        )
    assert Report.objects.count() == 0
    assert ReportEvent.objects.count() == 0


def test_a_report_records_its_routing_as_data_and_in_polish_words(make_report):
    report = make_report("stray-animal", 18.6060, 54.3800, attributes={"animal": "dog"})
    assert report.district.slug == "wrzeszcz-gorny"
    assert report.unit.code == "sm-wrzeszcz"
    assert report.routing_reason == "category_default"
    assert report.routing["unit_code"] == "sm-wrzeszcz"
    assert report.routing["parent_unit_name"] == "Straż Miejska w Gdańsku"
    assert "Wrzeszcz Górny" in report.routing_explanation
    assert report.routing_explanation.startswith("Przekazano do:")
