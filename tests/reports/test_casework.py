"""mapa/reports/casework.py: status with the version the caller saw, re-route, duplicates, notes.

The staff API over these services is tested in tests/staff/test_apis_casework.py.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.utils import timezone, translation

from mapa.catalogue.models import Unit
from mapa.reports.casework import (
    CaseworkError,
    StaleVersion,
    report_add_note,
    report_change_status,
    report_mark_duplicate,
    report_reroute,
)
from mapa.reports.models import Report, ReportEvent, ReportPhoto
from mapa.reports.selectors import public_report
from mapa.reports.workflow import TransitionError
from tests.conftest import WRZESZCZ_GORNY


@pytest.fixture(autouse=True)
def _messages_in_english():
    """The workflow's messages are matched in English (Polish is the default)."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

GZDIZ = "Gdański Zarząd Dróg i Zieleni"
GZNK = "Gdański Zarząd Nieruchomości Komunalnych"
GCK = "Gdańskie Centrum Kontaktu"


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


@pytest.fixture
def ola(db) -> User:
    return User.objects.create_user("ola")


def state(report: Report) -> tuple:
    """Everything a refused change must leave as it was."""
    fresh = Report.objects.get(pk=report.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.unit_id,
        fresh.duplicate_of_id,
        fresh.routing,
        fresh.routing_explanation,
        fresh.resolved_at,
        ReportEvent.objects.count(),
        sorted(ReportPhoto.objects.values_list("id", "report_id")),
    )


def add_photos(report: Report, count: int) -> list[str]:
    photos = [
        ReportPhoto.objects.create(
            report=report, image=f"photos/{report.reference}-{i}.jpg", thumbnail=f"t{i}.jpg"
        )
        for i in range(count)
    ]
    return sorted(str(p.id) for p in photos)


def photo_ids(report: Report) -> list[str]:
    return sorted(
        str(i) for i in ReportPhoto.objects.filter(report=report).values_list("id", flat=True)
    )


# --- status -------------------------------------------------------------------------------------


def test_a_change_records_who_and_bumps_the_version(make_report, ola):
    report = make_report()
    assert report.version == 1
    event = report_change_status(
        report=report,
        status="accepted",
        actor=ola,
        actor_unit=unit("gzdiz"),
        internal_note="Pilne",
        expected_version=1,
    )
    report.refresh_from_db()
    assert (report.status, report.version) == ("accepted", 2)
    assert (event.kind, event.from_status, event.to_status) == ("status", "new", "accepted")
    assert (event.actor, event.actor_unit.code, event.internal_note) == (ola, "gzdiz", "Pilne")
    assert report.updated_at == event.created_at


def test_resolving_stamps_the_time_and_reopening_clears_it(make_report):
    report = make_report()
    before = timezone.now()
    report_change_status(report=report, status="resolved", public_note="Załatane.")
    assert report.resolved_at is not None
    assert report.resolved_at >= before
    report_change_status(report=report, status="in_progress")
    assert (report.status, report.resolved_at, report.version) == ("in_progress", None, 3)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("new", "new", ["accepted", "in_progress", "resolved", "rejected", "duplicate"]),
        ("accepted", "new", ["in_progress", "resolved", "rejected", "duplicate"]),
        ("in_progress", "new", ["accepted", "resolved", "rejected", "duplicate"]),
        ("resolved", "accepted", ["in_progress"]),
        ("resolved", "rejected", ["in_progress"]),
        ("rejected", "resolved", ["accepted"]),
        ("duplicate", "in_progress", ["accepted"]),
    ],
)
def test_a_refused_change_names_the_allowed_and_changes_nothing(
    make_report, current, target, allowed
):
    report = make_report()
    Report.objects.filter(pk=report.pk).update(status=current)
    before = state(report)
    with pytest.raises(TransitionError) as refused:
        report_change_status(report=report, status=target, public_note="Uwaga.")
    assert refused.value.allowed == allowed
    assert state(report) == before


@pytest.mark.parametrize("target", ["resolved", "rejected"])
@pytest.mark.parametrize("note", ["", "   \n"])
def test_closing_needs_a_public_note(make_report, target, note):
    report = make_report()
    before = state(report)
    with pytest.raises(TransitionError, match="public note"):
        report_change_status(report=report, status=target, public_note=note, internal_note="x")
    assert state(report) == before


# --- stale versions -----------------------------------------------------------------------------


def test_a_stale_version_is_refused_and_says_who_changed_the_case(make_report, ola):
    report = make_report()
    report_change_status(report=report, status="accepted", actor=ola, actor_unit=unit("gck"))
    before = state(report)
    with pytest.raises(StaleVersion) as stale:
        report_add_note(report=report, internal_note="Spóźnione", expected_version=1)
    assert (stale.value.expected, stale.value.current) == (1, 2)
    assert stale.value.changed_by == f"ola ({GCK})"
    assert "ola (Gdańskie Centrum Kontaktu)" in str(stale.value)
    assert state(report) == before
    for write in (
        lambda: report_change_status(
            report=report, status="resolved", public_note="x", expected_version=1
        ),
        lambda: report_reroute(report=report, unit=unit("gznk"), reason="x", expected_version=1),
        lambda: report_mark_duplicate(report=report, original=make_report(), expected_version=1),
    ):
        with pytest.raises(StaleVersion):
            write()
    # make_report added a report and its event; the case itself did not change
    assert state(report)[:7] == before[:7]


def test_a_stale_version_by_someone_without_a_unit_names_the_account(make_report, ola):
    report = make_report()
    report_add_note(report=report, internal_note="Sprawdzone", actor=ola)
    with pytest.raises(StaleVersion) as stale:
        report_add_note(report=report, internal_note="Też", expected_version=1)
    assert stale.value.changed_by == "ola"


def test_no_version_skips_the_check_for_scripts(make_report):
    report = make_report()
    report_add_note(report=report, internal_note="1")
    report_add_note(report=report, internal_note="2")
    assert Report.objects.get(pk=report.pk).version == 3


# --- re-route -----------------------------------------------------------------------------------


def test_reroute_records_the_move_and_rewrites_the_explanation(make_report, ola):
    report = make_report("pothole")  # Neptune's Fountain: Śródmieście, GZDiZ
    assert (report.unit.code, report.district.slug) == ("gzdiz", "srodmiescie")
    event = report_reroute(
        report=report,
        unit=unit("gznk"),
        reason="  To podwórko budynku komunalnego  ",
        actor=ola,
        actor_unit=unit("gck"),
        expected_version=1,
    )
    report.refresh_from_db()
    assert (report.unit.code, report.district.slug, report.version) == ("gznk", "srodmiescie", 2)
    assert report.routing_reason == "rerouted"
    assert (event.kind, event.from_unit.code, event.to_unit.code) == ("rerouted", "gzdiz", "gznk")
    assert (event.actor, event.actor_unit.code) == (ola, "gck")
    assert event.public_note == "To podwórko budynku komunalnego"
    assert event.data["previous_routing"]["unit_code"] == "gzdiz"
    assert report.routing["rerouted_by"] == "GCK"
    assert report.routing["rerouted_from"] == GZDIZ
    assert report.routing["rule_note"] == "To podwórko budynku komunalnego"
    assert (report.routing["unit_code"], report.routing["district_name"]) == ("gznk", "Śródmieście")
    for text in ("GCK", GZDIZ, GZNK, "To podwórko budynku komunalnego"):
        assert text in report.routing_explanation
    # The public view explains it in the reader's language, from the stored decision.
    with translation.override("en"):
        explanation = public_report(report.reference).explanation
    assert explanation == (
        f"Re-routed by GCK from {GZDIZ} to {GZNK}: To podwórko budynku komunalnego."
    )


@pytest.mark.parametrize(
    ("where", "district", "office"),
    [
        (None, "srodmiescie", "sm-srodmiescie"),
        (WRZESZCZ_GORNY, "wrzeszcz-gorny", "sm-wrzeszcz"),
    ],
)
def test_reroute_to_a_unit_with_district_offices_lands_at_the_districts_office(
    make_report, where, district, office
):
    report = make_report("pothole", *where) if where else make_report("pothole")
    report_reroute(report=report, unit=unit("sm"), reason="Nielegalnie zaparkowane auto")
    report.refresh_from_db()
    assert (report.unit.code, report.district.slug) == (office, district)
    assert report.routing["parent_unit_name"] == "Straż Miejska w Gdańsku"
    assert report.routing["unit_code"] == office


def test_the_reason_is_required(make_report):
    report = make_report()
    before = state(report)
    for reason in ("", "   "):
        with pytest.raises(CaseworkError) as refused:
            report_reroute(report=report, unit=unit("gznk"), reason=reason)
        assert refused.value.field == "reason"
    assert state(report) == before


def test_reroute_refuses_the_same_unit_an_inactive_one_and_a_closed_case(make_report):
    report = make_report()
    before = state(report)
    with pytest.raises(CaseworkError) as same:
        report_reroute(report=report, unit=unit("gzdiz"), reason="x")
    assert same.value.field == "unit"
    inactive = unit("wzk")
    inactive.active = False
    with pytest.raises(CaseworkError) as gone:
        report_reroute(report=report, unit=inactive, reason="x")
    assert gone.value.field == "unit"
    assert state(report) == before
    report_change_status(report=report, status="resolved", public_note="Zrobione.")
    closed = state(report)
    with pytest.raises(CaseworkError):
        report_reroute(report=report, unit=unit("gznk"), reason="x")
    assert state(report) == closed


# --- duplicates ---------------------------------------------------------------------------------


def test_a_duplicate_links_both_closes_and_moves_its_photos(make_report, ola):
    original, copy = make_report(), make_report()
    kept = add_photos(original, 1)
    moving = add_photos(copy, 2)
    event = report_mark_duplicate(
        report=copy, original=original, actor=ola, public_note="Zgłoszone już wcześniej."
    )
    copy.refresh_from_db()
    original.refresh_from_db()
    assert (copy.status, copy.duplicate_of, copy.version) == ("duplicate", original, 2)
    assert list(original.duplicates.all()) == [copy]
    assert photo_ids(copy) == []
    assert photo_ids(original) == sorted(kept + moving)
    assert (event.from_status, event.to_status, event.public_note) == (
        "new",
        "duplicate",
        "Zgłoszone już wcześniej.",
    )
    assert sorted(event.data) == ["duplicate_of", "photos_moved"]
    assert event.data["duplicate_of"] == original.reference
    assert sorted(event.data["photos_moved"]) == moving
    # The original's history says so (internally), and its version moved on too.
    note = original.events.order_by("-id").first()
    assert note.kind == "comment"
    assert copy.reference in note.internal_note
    assert note.public_note == ""
    assert original.version == 2


def test_undoing_a_duplicate_brings_its_photos_back(make_report):
    original, copy = make_report(), make_report()
    kept = add_photos(original, 1)
    moving = add_photos(copy, 2)
    report_mark_duplicate(report=copy, original=original)
    added_later = add_photos(original, 1)  # the original's own, after the merge
    event = report_change_status(report=copy, status="accepted", internal_note="Jednak inne")
    copy.refresh_from_db()
    assert (copy.status, copy.duplicate_of) == ("accepted", None)
    assert photo_ids(copy) == moving
    assert photo_ids(original) == sorted(kept + added_later)
    assert sorted(event.data["photos_returned"]) == moving
    assert list(original.duplicates.all()) == []


@pytest.mark.parametrize("status", ["resolved", "rejected"])
def test_a_closed_case_cannot_become_a_duplicate(make_report, status):
    original, copy = make_report(), make_report()
    report_change_status(report=copy, status=status, public_note="Koniec.")
    before = state(copy)
    with pytest.raises(TransitionError) as refused:
        report_mark_duplicate(report=copy, original=original)
    assert refused.value.allowed == {"resolved": ["in_progress"], "rejected": ["accepted"]}[status]
    assert state(copy) == before


def test_the_original_must_be_a_case_of_its_own(make_report):
    first, second, third = make_report(), make_report(), make_report()
    report_mark_duplicate(report=second, original=first)
    before = state(third)
    with pytest.raises(CaseworkError) as refused:
        report_mark_duplicate(report=third, original=second)
    assert refused.value.field == "of"
    assert second.reference in str(refused.value)
    with pytest.raises(TransitionError):
        report_mark_duplicate(report=third, original=third)
    assert state(third) == before


# --- notes --------------------------------------------------------------------------------------


def test_notes_public_and_internal(make_report, ola):
    report = make_report()
    report_add_note(report=report, internal_note=" Tylko dla nas ", actor=ola)
    report_add_note(report=report, public_note="Ekipa wyjedzie jutro.", actor=ola)
    events = list(report.events.filter(kind="comment").order_by("id"))
    assert [(e.public_note, e.internal_note) for e in events] == [
        ("", "Tylko dla nas"),
        ("Ekipa wyjedzie jutro.", ""),
    ]
    assert Report.objects.get(pk=report.pk).version == 3
    history = public_report(report.reference).history
    assert [entry["note"] for entry in history] == ["", "Ekipa wyjedzie jutro."]
    assert "Tylko dla nas" not in repr(public_report(report.reference).as_feature())


def test_an_empty_note_is_refused(make_report):
    report = make_report()
    before = state(report)
    with pytest.raises(CaseworkError) as refused:
        report_add_note(report=report, public_note="  ", internal_note="")
    assert refused.value.field == "internal_note"
    assert state(report) == before


def test_undoing_a_duplicate_changes_its_original_too(make_report):
    """Its photos and its duplicate leave the original: a new version, a note, updated_at."""
    original, copy = make_report(), make_report()
    moving = add_photos(copy, 1)
    report_mark_duplicate(report=copy, original=original)
    original.refresh_from_db()
    before = (original.version, original.updated_at)
    event = report_change_status(report=copy, status="accepted", internal_note="Jednak inne")
    original.refresh_from_db()
    assert original.version == before[0] + 1
    assert original.updated_at > before[1]
    note = original.events.order_by("-id").first()
    assert note.kind == "comment"
    assert copy.reference in note.internal_note
    assert note.data == {"unduplicated": copy.reference, "photos_returned": moving}
    assert original.updated_at == note.created_at
    assert event.data["photos_returned"] == moving
