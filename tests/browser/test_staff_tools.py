"""The hotspots page and the routing tools in a real browser (mapa/staff/hotspot_pages.py,
routing_pages.py, frontend/src/staff/hotspots.js, routing.js): a seeded hotspot is shown and
merged; a click on the map is routed; axe finds nothing serious on either page."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from mapa.reports.models import Report, ReportStatus
from mapa.staff.services import staff_account_save
from tests.browser.conftest import Page
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


@pytest.fixture
def staff(live_url: str) -> Iterator[Callable[..., User]]:
    """Committed staff accounts (the live server's thread reads them), removed afterwards."""
    made: list[str] = []
    cache.clear()  # the log-in throttle

    def make(username: str, role: str, units: tuple[str, ...] = ()) -> User:
        made.append(username)
        return staff_account_save(username=username, role=role, units=units, password=PASSWORD)

    yield make
    User.objects.filter(username__in=made).delete()
    cache.clear()


def log_in(web: Page, username: str, then: str) -> None:
    page = web.page
    page.goto(f"{web.base}/staff/login/?next={then}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator(".login-form button[type=submit]").click()
    page.wait_for_url(f"{web.base}{then}")


def around(lon: float, lat: float, n: int, metres: float) -> list[tuple[float, float]]:
    """``n`` points on a circle of ``metres`` round (lon, lat)."""
    per_lon = 111_320 * math.cos(math.radians(lat))
    return [
        (
            lon + metres * math.cos(2 * math.pi * i / n) / per_lon,
            lat + metres * math.sin(2 * math.pi * i / n) / 111_320,
        )
        for i in range(n)
    ]


def test_the_hotspots_page_shows_a_seeded_hotspot_and_merges_it(web, staff, seed_report):
    from playwright.sync_api import expect

    reports = [
        seed_report(lon, lat, code="pothole", description=f"Zalana jezdnia {i}")
        for i, (lon, lat) in enumerate(around(*NEPTUNE_FOUNTAIN, 6, 40))
    ]
    seed_report(*WRZESZCZ_GORNY, code="pothole", description="Pojedyncza dziura")  # noise
    staff("dyspozytorka", "dispatcher")
    log_in(web, "dyspozytorka", "/staff/hotspots/")
    page = web.page

    items = page.locator("#hotspot-list > li")
    expect(items).to_have_count(1)
    hotspot = items.first
    expect(hotspot.get_by_role("heading", level=2)).to_have_text(
        "6 Dziura w jezdni lub uszkodzona droga: 6 zgłoszeń"
    )
    expect(hotspot).to_contain_text("Śródmieście")
    for report in reports:
        link = hotspot.locator(f'a[href="/staff/r/{report.reference}/"]')
        expect(link).to_have_text(report.reference)
    expect(page.locator("#hotspot-status")).to_contain_text("1 skupisko")
    expect(page.locator(".hotspot-count")).to_have_text("6")  # the count on the map
    web.audit("the hotspots page")

    into = reports[3]
    hotspot.locator("select[name=into]").select_option(into.reference)
    hotspot.get_by_role("button", name="Połącz…").click()
    confirm = hotspot.locator(".merge-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text(f"Połączyć 5 spraw ze sprawą {into.reference}?")
    expect(hotspot.get_by_role("button", name="Tak, połącz")).to_be_focused()
    web.audit("the merge confirmation")

    hotspot.get_by_role("button", name="Tak, połącz").click()
    result = page.locator("#merge-result")
    expect(result).to_be_visible()
    expect(result).to_contain_text(f"5 spraw połączono ze sprawą {into.reference}")
    expect(result.locator("a")).to_have_attribute("href", f"/staff/r/{into.reference}/")
    expect(page.locator("#hotspot-list > li")).to_have_count(0)
    expect(page.locator("#hotspot-status")).to_contain_text("Teraz nie ma skupisk")
    web.audit("the page after merging")

    merged = Report.objects.filter(pk__in=[r.pk for r in reports]).exclude(pk=into.pk)
    assert set(merged.values_list("status", "duplicate_of_id")) == {
        (ReportStatus.DUPLICATE, into.pk)
    }
    assert Report.objects.get(pk=into.pk).status == ReportStatus.NEW


def test_cancelling_a_merge_changes_nothing(web, staff, seed_report):
    from playwright.sync_api import expect

    for lon, lat in around(*NEPTUNE_FOUNTAIN, 5, 30):
        seed_report(lon, lat, code="pothole")
    staff("konsultant", "consultant")
    log_in(web, "konsultant", "/staff/hotspots/")
    page = web.page
    hotspot = page.locator("#hotspot-list > li").first
    hotspot.get_by_role("button", name="Połącz…").click()
    page.keyboard.press("Escape")
    expect(hotspot.locator(".merge-confirm")).to_be_hidden()
    expect(hotspot.get_by_role("button", name="Połącz…")).to_be_focused()
    assert not Report.objects.filter(status=ReportStatus.DUPLICATE).exists()


def test_unit_staff_see_their_hotspots_without_the_merge_action(web, staff, seed_report):
    from playwright.sync_api import expect

    for lon, lat in around(*NEPTUNE_FOUNTAIN, 5, 30):
        seed_report(lon, lat, code="pothole")
    staff("drogowiec", "unit_staff", ("gzdiz",))
    log_in(web, "drogowiec", "/staff/hotspots/")
    page = web.page
    expect(page.locator("#hotspot-list > li")).to_have_count(1)
    expect(page.locator(".merge-form")).to_have_count(0)


def click_map(web: Page, lon: float, lat: float) -> None:
    page = web.page
    page.evaluate(
        "([lon, lat]) => window.mapa.map.setView([lat, lon], 14, {animate: false})", [lon, lat]
    )
    x, y = page.evaluate(
        """([lon, lat]) => {
            const p = window.mapa.map.latLngToContainerPoint([lat, lon]);
            const r = document.getElementById('map').getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""",
        [lon, lat],
    )
    page.mouse.click(x, y)


def test_the_routing_page_simulates_a_click_and_colours_the_districts(web, staff):
    from playwright.sync_api import expect

    staff("koordynator", "dispatcher")
    log_in(web, "koordynator", "/staff/routing/?category=stray-animal")
    page = web.page
    page.wait_for_function("() => window.mapa && window.mapa.map")

    rows = page.locator("#coverage-rows tr")
    expect(rows).to_have_count(35)
    wrzeszcz = page.locator('#coverage-rows tr[data-district="wrzeszcz-gorny"]')
    expect(wrzeszcz).to_contain_text("Referat Dzielnicowy Wrzeszcz")
    expect(wrzeszcz).to_contain_text("domyślna jednostka kategorii")
    expect(page.locator("#coverage-legend li")).to_have_count(6)  # Straż Miejska's offices
    web.audit("the routing page")

    click_map(web, *WRZESZCZ_GORNY)
    result = page.locator("#simulation")
    expect(result).to_be_visible()
    expect(result.locator("[data-result=district]")).to_have_text("Wrzeszcz Górny")
    expect(result.locator("[data-result=unit]")).to_contain_text("Referat Dzielnicowy Wrzeszcz")
    expect(result.locator("[data-result=rule]")).to_have_text("brak: domyślna jednostka kategorii")
    expect(result.locator("[data-result=explanation]")).to_contain_text("Wrzeszcz Górny")
    web.audit("the routing page with a simulated point")

    # Another category: the coverage and the simulated point follow it.
    page.locator("#routing-category").select_option("pothole")
    expect(page.locator("#coverage-legend li")).to_have_count(1)
    expect(result.locator("[data-result=unit]")).to_have_text("Gdański Zarząd Dróg i Zieleni")
    assert "category=pothole" in page.url


def test_the_simulator_works_by_keyboard_with_typed_coordinates(web, staff):
    from playwright.sync_api import expect

    staff("konsultantka", "consultant")
    log_in(web, "konsultantka", "/staff/routing/?category=pothole")
    page = web.page
    expect(page.locator("#coverage-rows tr")).to_have_count(35)
    page.locator("#simulate-lat").focus()
    page.keyboard.type(str(NEPTUNE_FOUNTAIN[1]))
    page.keyboard.press("Tab")
    page.keyboard.type(str(NEPTUNE_FOUNTAIN[0]).replace(".", ","))  # a Polish decimal comma
    page.keyboard.press("Enter")
    result = page.locator("#simulation")
    expect(result).to_be_focused()
    expect(result.locator("[data-result=district]")).to_have_text("Śródmieście")
    expect(result.locator("[data-result=unit]")).to_have_text("Gdański Zarząd Dróg i Zieleni")

    # At sea: refused with the reason, next to the form.
    page.locator("#simulate-lat").fill("54.5")
    page.locator("#simulate-lon").fill("18.7")
    page.locator("#simulate-lon").press("Enter")
    expect(page.locator("#simulate-error")).to_contain_text("poza")
    expect(result).to_be_hidden()
