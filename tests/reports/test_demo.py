"""manage.py load_demo_reports (mapa/reports/management/commands/load_demo_reports.py)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from mapa.places.seeding import load_places
from mapa.reports.management.commands.load_demo_reports import DEMO_MARK, DEMOS
from mapa.reports.models import OPEN_STATUSES, Report, ReportEvent
from mapa.reports.selectors import public_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: None) -> str:
    load_places()
    out = StringIO()
    call_command("load_demo_reports", stdout=out)
    return out.getvalue()


def test_about_forty_reports_are_filed_at_seeded_places(demo):
    assert demo.strip() == f"Created {len(DEMOS)} demo reports."
    reports = Report.objects.filter(reporter_name=DEMO_MARK)
    assert reports.count() == len(DEMOS) == Report.objects.count()
    assert 35 <= len(DEMOS) <= 45
    assert all(r.reference.startswith("GD-") and r.district_id for r in reports)


def test_they_vary_in_category_status_district_and_age(demo):
    reports = list(Report.objects.all())
    statuses = {r.status for r in reports}
    assert statuses >= {"new", "accepted", "in_progress", "resolved", "rejected", "duplicate"}
    open_count = sum(r.status in OPEN_STATUSES for r in reports)
    assert 0.4 < open_count / len(reports) < 0.8
    assert len({r.category_id for r in reports}) >= 15
    assert len({r.district_id for r in reports}) >= 20
    now = timezone.now()
    ages = sorted(now - r.created_at for r in reports)
    assert ages[0] < timedelta(days=1)
    assert ages[-1] > timedelta(days=20)


def test_routing_and_history_are_the_real_ones(demo):
    light = Report.objects.get(description__startswith="Latarnia przy nabrzeżu")
    assert (light.district.slug, light.unit.code) == ("srodmiescie", "gzdiz")
    assert light.attributes == {"pole_number": "S-1187"}
    animal = Report.objects.get(description__startswith="Duży pies")
    assert (animal.district.slug, animal.unit.code) == ("zaspa-mlyniec", "sm-wrzeszcz")
    duplicate = Report.objects.get(status="duplicate")
    assert duplicate.duplicate_of == Report.objects.get(
        description__startswith="Głęboka dziura w jezdni"
    )
    resolved = Report.objects.get(description__startswith="Koleiny i dziury")
    history = public_history(resolved)
    assert [h["to_status"] for h in history] == ["new", "accepted", "in_progress", "resolved"]
    assert history[-1]["note"] == "Nawierzchnia wymieniona."


def test_history_is_dated_with_the_report(demo):
    now = timezone.now()
    for report in Report.objects.prefetch_related("events"):
        times = [e.created_at for e in report.events.all()]
        assert times[0] == report.created_at
        assert times == sorted(times)
        assert times[-1] <= now
        assert report.updated_at == times[-1]


def test_nothing_personal_and_nothing_public_gives_them_away(demo):
    assert not Report.objects.exclude(reporter_email="", reporter_phone="").exists()
    assert not Report.objects.filter(description__icontains="demo").exists()
    assert not ReportEvent.objects.filter(public_note__icontains="demo").exists()


def test_a_second_run_does_nothing(demo):
    out = StringIO()
    call_command("load_demo_reports", stdout=out)
    assert "already there" in out.getvalue()
    assert Report.objects.count() == len(DEMOS)


def test_it_needs_the_places(db):
    with pytest.raises(CommandError, match="load_places"):
        call_command("load_demo_reports", stdout=StringIO())
    assert not Report.objects.exists()


@override_settings(IS_PRODUCTION=True)
def test_it_refuses_to_run_in_production(db):
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo_reports", stdout=StringIO())
