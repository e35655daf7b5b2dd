"""The briefing map's content (mapa/exports/briefing.py, briefing_data.py): what PostGIS
builds for it and what the page holds, without HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation

from mapa.catalogue.models import Category
from mapa.exports.briefing import briefing_map, render_briefing_map
from mapa.exports.briefing_data import PALETTE, briefing_data, briefing_scope
from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY
from tests.exports.briefing_page import BriefingPage

pytestmark = pytest.mark.django_db

BASE = "https://mapa.gdansk.example/"
# folium's own asset links: none may remain.
CDN_HINTS = ("jsdelivr", "cdnjs", "code.jquery.com", "bootstrap", "font-awesome", "awesome-markers")


@pytest.fixture
def potholes(make_report: Callable[..., Report]) -> list[Report]:
    return [
        make_report("pothole", *NEPTUNE_FOUNTAIN, address="Długi Targ 1"),
        make_report("pavement", *WRZESZCZ_GORNY),
        make_report("street-light", *NEPTUNE_FOUNTAIN),
    ]


def render(params: dict[str, str], **kwargs: object) -> BriefingPage:
    result = briefing_map(user=None, params=params, base_url=BASE, **kwargs)  # type: ignore[arg-type]
    return BriefingPage(result.html)


def test_the_page_holds_every_pin_the_outline_the_legend_and_the_time(potholes):
    generated_at = datetime(2026, 7, 1, 10, 30, tzinfo=UTC)
    page = render({"unit": "gzdiz"}, generated_at=generated_at)
    assert page.pin_references() == {report.reference for report in potholes}
    for report in potholes:
        assert report.reference in page.text
    assert page.outline()
    assert set(page.legend) == {"pothole", "pavement", "street-light"}
    assert sum(count for _, count in page.legend.values()) == 3
    # Summer time in Warsaw: 10:30 UTC is 12:30 on the city's clock.
    assert page.generated == "2026-07-01T12:30:00+02:00"
    assert "2026-07-01 12:30" in page.panel_text
    assert "Europe/Warsaw" in page.panel_text
    assert "Gdański Zarząd Dróg i Zieleni" in page.title


def test_nothing_is_loaded_from_elsewhere(potholes):
    page = render({"unit": "gzdiz"})
    assert page.outside_references() == []
    lowered = page.text.lower()
    for hint in CDN_HINTS:
        assert hint not in lowered, hint
    assert "sourcemappingurl" not in lowered
    # Leaflet and markercluster are in the page itself.
    assert any('version="1.9.4"' in script for script in page.scripts)
    assert any("MarkerClusterGroup" in script for script in page.scripts)


def test_each_category_keeps_its_colour_from_the_catalogues_order(potholes):
    data = briefing_data(briefing_scope(None, {"unit": "gzdiz"}))
    order = list(Category.objects.order_by("order", "id").values_list("code", flat=True))
    expected = {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(order)}
    features = json.loads(data.pins_json)["features"]
    assert {f["properties"]["category"]["code"]: f["properties"]["colour"] for f in features} == {
        code: expected[code] for code in ("pothole", "pavement", "street-light")
    }
    assert {entry.code: entry.colour for entry in data.legend} == {
        code: expected[code] for code in ("pothole", "pavement", "street-light")
    }
    assert len(set(expected.values())) == len(order)  # 17 categories, 20 colours: all differ


def test_pins_are_public_features_with_the_time_on_the_citys_clock(potholes):
    data = briefing_data(briefing_scope(None, {"district": "srodmiescie"}))
    features = {f["id"]: f for f in json.loads(data.pins_json)["features"]}
    first = features[potholes[0].reference]
    lon, lat = first["geometry"]["coordinates"]
    assert (round(lon, 7), round(lat, 7)) == NEPTUNE_FOUNTAIN
    local = timezone.localtime(potholes[0].created_at)
    assert first["properties"]["created_local"] == f"{local:%Y-%m-%d %H:%M}"
    assert first["properties"]["address"] == "Długi Targ 1"
    assert "photo_url" not in first["properties"]
    assert "contact" not in first["properties"]


def test_the_district_outline_is_the_districts_geometry(potholes):
    data = briefing_data(briefing_scope(None, {"district": "wrzeszcz-gorny"}))
    [feature] = json.loads(data.outline_json)["features"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsGeoJSON(geometry, 6) FROM districts_district WHERE slug = %s",
            ["wrzeszcz-gorny"],
        )
        expected = json.loads(cursor.fetchone()[0])
    assert feature["geometry"] == expected
    assert data.outline_names == ["Wrzeszcz Górny"]
    minlon, minlat, maxlon, maxlat = data.bounds or (0, 0, 0, 0)
    assert minlon < WRZESZCZ_GORNY[0] < maxlon
    assert minlat < WRZESZCZ_GORNY[1] < maxlat


def test_a_units_outline_is_the_districts_its_cases_are_in_else_the_city(potholes):
    data = briefing_data(briefing_scope(None, {"unit": "gzdiz"}))
    assert data.outline_names == ["Wrzeszcz Górny", "Śródmieście"]
    empty = briefing_data(briefing_scope(None, {"unit": "wzk"}))
    assert empty.shown == 0
    assert json.loads(empty.pins_json)["features"] == []
    assert empty.outline_names == ["Gdańsk"]
    assert empty.bounds is not None  # the city's extent: the map opens on Gdańsk


def test_a_long_list_shows_the_newest_and_says_so(potholes):
    scope = briefing_scope(None, {"unit": "gzdiz"})
    data = briefing_data(scope, limit=2)
    assert (data.shown, data.matched) == (2, 3)
    shown = {f["id"] for f in json.loads(data.pins_json)["features"]}
    assert shown == {potholes[1].reference, potholes[2].reference}
    assert sum(entry.count for entry in data.legend) == 2
    with translation.override("en"):
        page = BriefingPage(
            render_briefing_map(scope=scope, data=data, base_url=BASE, generated_at=timezone.now())
        )
    assert "Showing the newest 2 of 3 cases." in " ".join(page.panel_text.split())


def test_the_panel_names_the_statuses_and_categories_asked_for(potholes):
    with translation.override("en"):
        page = render({"unit": "gzdiz", "category": "pavement,pothole", "status": "open"})
    panel = " ".join(page.panel_text.split())
    assert "Status: new, accepted, in progress" in panel
    assert "Categories: Pothole or road damage, Damaged pavement" in panel
    assert page.pin_references() == {potholes[0].reference, potholes[1].reference}


def test_the_file_name_names_the_scope_and_the_day_in_warsaw(potholes):
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 1 January in Warsaw
    result = briefing_map(
        user=None,
        params={"unit": "gzdiz", "district": "wrzeszcz-gorny"},
        base_url=BASE,
        generated_at=late,
    )
    assert result.filename == "mapa-briefing-gzdiz-wrzeszcz-gorny-2027-01-01.html"
    assert result.shown == result.matched == 1


def test_the_popups_links_are_made_absolute_from_the_base_url(potholes):
    page = render({"unit": "gzdiz"})
    assert page.config["base"] == BASE
    assert set(page.config["labels"]) == {"category", "status", "address", "created", "open_page"}


def test_generation_time_defaults_to_now(potholes):
    before = timezone.now()
    page = render({"unit": "gzdiz"})
    assert before - timedelta(seconds=1) <= page.generated_at() <= timezone.now()


def test_no_text_can_end_the_pins_script_and_every_character_survives(make_report):
    tricky = "</script><!-- a\u2028b\u2029c & <b>\\</b> \"quoted\" 'single' zażółć"
    report = make_report("pothole", *NEPTUNE_FOUNTAIN, description=tricky, address="</SCRIPT>")
    result = briefing_map(user=None, params={"unit": "gzdiz"}, base_url=BASE)
    assert "</script><!--" not in result.html
    assert "</SCRIPT>" not in result.html
    assert "\u2028" not in result.html
    [pin] = BriefingPage(result.html).pins()
    assert pin["properties"]["reference"] == report.reference
    assert pin["properties"]["description"] == tricky
    assert pin["properties"]["address"] == "</SCRIPT>"
