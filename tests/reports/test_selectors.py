"""The public view of one report (mapa/reports/selectors.py: ``public_report``), called directly."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import translation

from mapa.catalogue.models import Category, CategoryAttribute, Unit
from mapa.reports.models import EventKind, Report, ReportEvent
from mapa.reports.selectors import PublicReport, public_report
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY

pytestmark = pytest.mark.django_db

PLATE = "GD 4711X"
SECRETS = ("Jan Kowalski", "jan.k@example.com", "600 100 200", "sąsiad mówi, że to jego", PLATE)


@pytest.fixture
def abandoned_car(make_report):
    """A report with a public and a non-public answer, personal data and a mixed history."""
    CategoryAttribute.objects.create(
        category=Category.objects.get(code="abandoned-vehicle"),
        code="colour",
        datatype="string",
        label_pl="Kolor",
        label_en="Colour",
        public=True,
        order=1,
    )
    report = make_report(
        "abandoned-vehicle",
        *WRZESZCZ_GORNY,
        attributes={"plate": PLATE, "colour": "czerwony"},
        description="Wrak bez kół " + "stoi od miesięcy " * 20,
        reporter_name=SECRETS[0],
        reporter_email=SECRETS[1],
        reporter_phone=SECRETS[2],
    )
    # The history as staff would make it: each change an event, in this order.
    office = Unit.objects.get(code="sm-wrzeszcz")
    status = {"report": report, "kind": EventKind.STATUS}
    comment = {"report": report, "kind": EventKind.COMMENT}
    ReportEvent.objects.create(
        **status,
        from_status="new",
        to_status="accepted",
        public_note="Sprawdzimy.",
        internal_note=SECRETS[3],
        actor_unit=office,
    )
    ReportEvent.objects.create(**comment, internal_note="tylko dla straży")
    ReportEvent.objects.create(**comment, public_note="Patrol był na miejscu.")
    ReportEvent.objects.create(
        **status, from_status="accepted", to_status="resolved", public_note="Odholowano."
    )
    Report.objects.filter(pk=report.pk).update(status="resolved")
    report.refresh_from_db()
    return report


def shown(report: Report, language: str = "en") -> PublicReport:
    """The public view of ``report`` in ``language``."""
    with translation.override(language):
        detail = public_report(report.reference)
    assert detail is not None
    return detail


def test_an_unknown_reference_is_none(make_report):
    make_report()
    assert public_report("GD-2026-999999") is None
    assert public_report("") is None


def test_the_public_report_is_the_report_with_its_feature(abandoned_car):
    detail = public_report(abandoned_car.reference)
    assert isinstance(detail, PublicReport)
    assert detail.report == abandoned_car
    assert detail.feature["id"] == abandoned_car.reference
    assert detail.feature["properties"]["status"] == "resolved"
    assert detail.photos == []


def test_only_public_answers_are_shown_with_labels_in_the_active_language(abandoned_car):
    english, polish = shown(abandoned_car, "en"), shown(abandoned_car, "pl")
    answer = {"code": "colour", "value": "czerwony", "display": "czerwony"}
    assert english.attributes == [{**answer, "label": "Colour"}]
    assert polish.attributes == [{**answer, "label": "Kolor"}]


def test_list_answers_are_displayed_by_name(make_report):
    report = make_report("stray-animal", *NEPTUNE_FOUNTAIN, attributes={"animal": "dog"})
    detail = shown(report, "pl")
    assert [(a["value"], a["display"]) for a in detail.attributes] == [("dog", "pies")]


def test_the_history_is_public_entries_in_time_order(abandoned_car):
    history = shown(abandoned_car).history
    assert [(h["kind"], h["from_status"], h["to_status"], h["note"]) for h in history] == [
        ("created", None, "new", ""),
        ("status", "new", "accepted", "Sprawdzimy."),
        ("comment", None, None, "Patrol był na miejscu."),
        ("status", "accepted", "resolved", "Odholowano."),
    ]
    assert [h["kind_label"] for h in history] == [
        "registered",
        "status changed",
        "comment",
        "status changed",
    ]
    assert [h["to_status_label"] for h in history] == ["new", "accepted", None, "resolved"]
    assert [h["unit"] for h in history] == [
        "Straż Miejska, Referat Dzielnicowy Wrzeszcz",  # where it was sent
        "Straż Miejska, Referat Dzielnicowy Wrzeszcz",  # who accepted it
        None,
        None,
    ]
    times = [h["at"] for h in history]
    assert times == sorted(times)


def test_the_history_follows_the_time_of_events_not_their_ids(abandoned_car):
    # The public comment, stored after the acceptance, was written before it.
    seconds_after_creation = {
        "": 0,
        "Patrol był na miejscu.": 1,
        "Sprawdzimy.": 2,
        "Odholowano.": 3,
    }
    for note, seconds in seconds_after_creation.items():
        ReportEvent.objects.filter(report=abandoned_car, public_note=note).update(
            created_at=abandoned_car.created_at + timedelta(seconds=seconds)
        )
    assert [h["note"] for h in shown(abandoned_car).history] == [
        "",
        "Patrol był na miejscu.",
        "Sprawdzimy.",
        "Odholowano.",
    ]


def test_as_feature_is_the_list_feature_with_the_details(abandoned_car):
    detail = shown(abandoned_car)
    feature = detail.as_feature()
    assert feature["type"] == "Feature"
    assert feature["id"] == abandoned_car.reference
    assert feature["geometry"] == {"type": "Point", "coordinates": list(WRZESZCZ_GORNY)}
    props = feature["properties"]
    listed = {k: v for k, v in props.items() if k in detail.feature["properties"]}
    assert listed == {**detail.feature["properties"], "description": abandoned_car.description}
    assert props["description"] == abandoned_car.description  # in full, not shortened
    assert len(props["description"]) > 200
    assert props["attributes"] == detail.attributes
    assert props["routing"]["reason"] == "category_default"
    assert props["routing"]["explanation"].startswith("Sent to Straż Miejska")
    assert props["photos"] == []
    assert [h["to_status"] for h in props["history"]] == ["new", "accepted", None, "resolved"]
    for entry, original in zip(props["history"], detail.history, strict=True):
        assert entry["at"] == original["at"].isoformat()
    # The detail is plain JSON, as the API sends it.
    text = json.dumps(feature, ensure_ascii=False)
    for secret in (*SECRETS, "tylko dla straży"):
        assert secret not in text


def test_the_routing_explanation_follows_the_language(abandoned_car):
    polish, english = shown(abandoned_car, "pl"), shown(abandoned_car, "en")
    assert polish.explanation.startswith("Przekazano do: Straż Miejska")
    assert english.explanation.startswith("Sent to Straż Miejska")
    assert "Wrzeszcz Górny" in english.explanation
