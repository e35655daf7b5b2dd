"""manage.py load_demo_reports and its data file, fixtures/gdansk/demo_reports.json."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from mapa.demo.demo_file import read_demos
from mapa.demo.management.commands.load_demo_reports import DEMO_MARK
from mapa.places.seeding import load_places
from mapa.reports.models import OPEN_STATUSES, Report, ReportEvent
from mapa.reports.selectors import public_history
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

DEMO_FILE = ROOT / "fixtures" / "gdansk" / "demo_reports.json"
DEMOS = read_demos(DEMO_FILE)


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


def test_resolution_and_deadline_are_dated_with_the_report(demo):
    reports = Report.objects.filter(reporter_name=DEMO_MARK).select_related("category")
    resolved = [r for r in reports if r.status == "resolved"]
    assert resolved
    for report in resolved:
        last = report.events.filter(to_status="resolved").latest("created_at", "id")
        assert report.resolved_at == last.created_at
        assert report.created_at <= report.resolved_at <= report.updated_at
    assert all(r.resolved_at is None for r in reports if r.status != "resolved")
    for report in reports:
        if report.category.service_days is not None:
            expected = report.created_at + timedelta(days=report.category.service_days)
            assert abs(report.due_at - expected) < timedelta(seconds=5)


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


def _demo_file(tmp_path, entries) -> str:
    path = tmp_path / "demo.json"
    path.write_text(entries if isinstance(entries, str) else json.dumps(entries))
    return str(path)


GOOD = {
    "id": "bench",
    "place": "culture_institutions:65",
    "category": "street-furniture",
    "description": "Złamana deska w ławce.",
    "days_ago": 6,
    "steps": [{"status": "accepted", "days_later": 1, "note": ""}],
}
SECOND = {k: v for k, v in GOOD.items() if k != "id"}


def test_another_file_can_be_given(db, tmp_path):
    load_places()
    out = StringIO()
    call_command("load_demo_reports", file=_demo_file(tmp_path, [GOOD]), stdout=out)
    assert out.getvalue().strip() == "Created 1 demo reports."
    [report] = Report.objects.filter(reporter_name=DEMO_MARK)
    assert (report.description, report.status) == (GOOD["description"], "accepted")


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ({**SECOND, "category": "potholes"}, r'entry 2 \(.*\), "category": unknown category'),
        ({**SECOND, "description": ""}, r'entry 2 \(.*\), "description": must not be empty'),
        ({**SECOND, "days_ago": "6"}, r'entry 2 \(.*\), "days_ago": must be a number'),
        ({k: v for k, v in SECOND.items() if k != "place"}, r'entry 2, "place": missing'),
        ({**SECOND, "colour": "red"}, r'entry 2 \(.*\), "colour": unknown field'),
        (GOOD, r'"id": \'bench\' is already the id'),
        ({**SECOND, "place": "district:atlantis"}, r'"place": no such seeded place'),
        ({**SECOND, "channel": "fax"}, r'"channel": unknown channel \'fax\''),
        ({**SECOND, "attributes": {"colour": "red"}}, r'"attributes": .*colour'),
        (
            {**SECOND, "steps": [{"status": "done", "days_later": 1}]},
            r'entry 2 \(.*\), step 1, "status": unknown status \'done\'',
        ),
        (
            {**SECOND, "steps": [{"status": "resolved", "days_later": 1, "note": "Gotowe."}] * 2},
            r'step 2, "status": .*(załatwione|resolved)',
        ),
        (
            {**SECOND, "steps": [{"status": "resolved", "days_later": 1}]},
            r'step 1, "status": .*(załatwione|resolved)',
        ),
        (
            {**SECOND, "steps": [{"status": "duplicate", "days_later": 1}]},
            r'step 1, "duplicate_of": a duplicate needs the id of an earlier entry',
        ),
        (
            {**SECOND, "steps": [{"status": "accepted"}]},
            r'step 1, "days_later": missing',
        ),
    ],
)
def test_a_mistake_in_the_file_names_the_entry_and_field_and_saves_nothing(
    db, tmp_path, second, message
):
    load_places()
    path = _demo_file(tmp_path, [GOOD, second])
    with pytest.raises(CommandError, match=message):
        call_command("load_demo_reports", file=path, stdout=StringIO())
    assert not Report.objects.exists()
    assert not ReportEvent.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "demo.json is not valid JSON: .* line 1 column 3"),
        ('{"place": "district:osowa"}', "must be a list of demo reports"),
        ("[]", "must be a list of demo reports"),
        ('["district:osowa"]', "entry 1: must be a JSON object"),
    ],
)
def test_a_file_that_is_not_a_list_of_reports_is_refused(db, tmp_path, content, message):
    load_places()
    with pytest.raises(CommandError, match=message):
        call_command("load_demo_reports", file=_demo_file(tmp_path, content), stdout=StringIO())
    assert not Report.objects.exists()


def test_a_missing_file_is_named(db, tmp_path):
    with pytest.raises(CommandError, match=r"cannot read the demo reports .*nothing\.json"):
        call_command("load_demo_reports", file=str(tmp_path / "nothing.json"), stdout=StringIO())


def test_the_demo_file_keeps_its_texts_and_names_its_duplicate():
    first, *_, last = DEMOS
    assert (
        first.description == "Głęboka dziura w jezdni przy krawężniku, rowerzyści muszą ją omijać."
    )
    assert [(s.status, s.duplicate_of) for s in last.steps] == [("duplicate", first.id)]
    notes = {s.note for d in DEMOS for s in d.steps}
    assert "Naprawione. Dziękujemy za zgłoszenie." in notes
    assert "Teren uprzątnięty. Dziękujemy za zgłoszenie." in notes
