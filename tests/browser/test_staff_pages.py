"""The staff pages in a real browser (mapa/staff/pages.py, frontend/src/staff/): the
dispatcher draws an area and works a case, unit staff cannot reach a foreign case, a
consultant registers a phone call by keyboard alone; axe finds nothing serious on any page."""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import Polygon
from django.core.cache import cache
from django.core.management import call_command
from PIL import Image

from mapa.catalogue.models import ResponseTemplate
from mapa.places.models import Place
from mapa.places.seeding import load_places
from mapa.reports.casework import report_add_note
from mapa.reports.models import Channel, Report, ReportEvent, ReportStatus
from mapa.staff.services import staff_account_save
from tests.browser.conftest import ROOT, Page
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
REFERENCE = re.compile(r"^[A-Z]{2,4}-\d{4}-\d{6}$")
# A rectangle around Długi Targ (Neptune's Fountain), [lon, lat] of two opposite corners.
DLUGI_TARG = ((18.6500, 54.3470), (18.6570, 54.3500))


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


@pytest.fixture
def places() -> Iterator[None]:
    was_empty = not Place.objects.exists()
    load_places()
    yield
    if was_empty:
        Place.objects.all().delete()


def log_in(web: Page, username: str, then: str = "/staff/") -> None:
    page = web.page
    page.goto(f"{web.base}/staff/login/?next={then}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator(".login-form button[type=submit]").click()
    page.wait_for_url(f"{web.base}{then}")


def wait_for_case_page(web: Page) -> None:
    """The case page's script has bound its forms."""
    web.page.wait_for_function("() => window.mapa && window.mapa.casePage")


def wait_for_cases(web: Page) -> None:
    """The table has been filled from the API (not only the "Loading…" line)."""
    web.page.wait_for_selector(".case-table[aria-busy=false]")
    web.page.wait_for_function(
        "() => /\\d/.test(document.getElementById('case-total').textContent)"
    )


def total_shown(web: Page) -> int:
    text = web.page.locator("#case-total").inner_text()
    found = re.search(r"\d+", text)
    assert found, text
    return int(found.group())


def map_point(web: Page, lon: float, lat: float) -> tuple[float, float]:
    """Where on the page a longitude and latitude are on the dispatcher's map."""
    x, y = web.page.evaluate(
        """([lon, lat]) => {
            const p = window.mapa.map.latLngToContainerPoint([lat, lon]);
            const r = document.getElementById('map').getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""",
        [lon, lat],
    )
    return x, y


def table_references(web: Page) -> set[str]:
    return set(
        web.page.locator("#case-rows tr[data-reference]").evaluate_all(
            "rows => rows.map(r => r.dataset.reference)"
        )
    )


def test_the_dispatcher_draws_a_rectangle_and_resolves_a_case_with_a_ready_answer(
    web, staff, seed_report
):
    from playwright.sync_api import expect

    staff("dyspozytorka", "dispatcher")
    inside = [
        seed_report(NEPTUNE_FOUNTAIN[0], NEPTUNE_FOUNTAIN[1], description="Dziura przy Neptunie"),
        seed_report(18.6555, 54.3490, code="overflowing-bin", description="Kosz przy Bramie"),
    ]
    outside = seed_report(*WRZESZCZ_GORNY, description="Dziura we Wrzeszczu")
    template = ResponseTemplate.objects.create(
        category=inside[0].category,
        title_pl="Dziura załatana",
        title_en="Pothole patched",
        text_pl="Dziękujemy! Ekipa GZDiZ załatała dziurę.",
        text_en="Thank you! The crew patched the pothole.",
    )
    page = web.page
    try:
        log_in(web, "dyspozytorka")
        wait_for_cases(web)
        everything = total_shown(web)
        assert everything == Report.objects.count()
        assert {inside[0].reference, outside.reference} <= table_references(web)
        web.audit("the dispatcher's page")

        # Geoman's rectangle tool, by mouse: one corner, then the opposite one.
        web.view(18.6535, 54.3485, zoom=15)
        page.get_by_role("button", name="Narysuj prostokąt").click()
        expect(page.get_by_role("button", name="Narysuj prostokąt")).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(page.locator("#draw-status")).to_contain_text("przeciwległy")
        web.audit("the dispatcher's page while drawing")
        (west, south), (east, north) = DLUGI_TARG
        x1, y1 = map_point(web, west, north)
        x2, y2 = map_point(web, east, south)
        page.mouse.click(x1, y1)
        page.mouse.move((x1 + x2) / 2, (y1 + y2) / 2)
        page.mouse.move(x2, y2)
        page.mouse.click(x2, y2)

        rectangle = Polygon.from_bbox((west, south, east, north))
        rectangle.srid = 4326
        expected = Report.objects.filter(location__intersects=rectangle).count()
        assert 2 <= expected < everything
        expect(page.locator("#case-total")).to_contain_text(str(expected))
        expect(page.locator("#case-rows tr[data-reference]")).to_have_count(expected)
        assert {r.reference for r in inside} <= table_references(web)
        assert outside.reference not in table_references(web)

        # The view is in the URL: opening it again restores the area and the list.
        drawn = parse_qs(urlparse(page.url).query)["polygon"][0]
        assert '"type":"Polygon"' in drawn
        page.goto(page.url)
        wait_for_cases(web)
        assert total_shown(web) == expected
        expect(page.get_by_role("button", name="Usuń narysowany obszar")).to_be_visible()
        assert page.locator("#filter-polygon-error").inner_text() == ""
        web.audit("the dispatcher's page with a drawn area")

        # A row opens its case.
        page.locator(f'#case-rows tr[data-reference="{inside[0].reference}"] td').first.click()
        page.wait_for_url(f"**/staff/r/{inside[0].reference}/")
        expect(page.locator("#case-title")).to_be_visible()
        wait_for_case_page(web)
        web.audit("a case's page")

        page.locator("#transition-status").select_option("resolved")
        page.locator("#transition-template").select_option(label="Dziura załatana")
        expect(page.locator("#transition-public_note")).to_have_value(template.text_pl)
        expect(page.locator("#transition-public_note")).to_be_focused()
        page.get_by_role("button", name="Zmień status").click()

        expect(page.locator("#case-message")).to_be_focused()
        expect(page.locator("#case-message")).to_contain_text("załatwione")
        expect(page.locator(".case-badges .status")).to_have_text("załatwione")
        expect(page.locator(".case-history")).to_contain_text(template.text_pl)
        expect(page.locator("#transition-status option")).to_have_count(1)  # reopen only
        report = Report.objects.get(pk=inside[0].pk)
        assert report.status == ReportStatus.RESOLVED
        event = ReportEvent.objects.filter(report=report).latest("id")
        assert event.public_note == template.text_pl
        assert event.actor is not None
        assert event.actor.username == "dyspozytorka"
        web.audit("a resolved case's page")
    finally:
        template.delete()


def test_a_stale_version_says_who_changed_the_case_first(web, staff, seed_report):
    from playwright.sync_api import expect

    staff("dyspozytorka", "dispatcher")
    other = staff("konsultant-ola", "consultant")
    case = seed_report(*NEPTUNE_FOUNTAIN, description="Dziura przy Neptunie")
    page = web.page
    log_in(web, "dyspozytorka", then=f"/staff/r/{case.reference}/")
    wait_for_case_page(web)
    report_add_note(report=case, internal_note="Dzwoniłam do GZDiZ", actor=other, actor_unit=None)

    page.locator("#note-internal_note").fill("Moja notatka")
    page.get_by_role("button", name="Dodaj notatkę").click()
    error = page.locator("#note-error")
    expect(error).to_contain_text("konsultant-ola")
    expect(error.get_by_role("link")).to_have_attribute("href", f"/staff/r/{case.reference}/")
    expect(page.locator("#note-internal_note")).to_have_value("Moja notatka")  # nothing lost
    web.audit("a case's page with a conflict")

    error.get_by_role("link").click()
    expect(page.locator(".case-history")).to_contain_text("Dzwoniłam do GZDiZ")


def test_a_missing_field_is_named_next_to_it(web, staff, seed_report):
    from playwright.sync_api import expect

    staff("dyspozytorka", "dispatcher")
    case = seed_report(*NEPTUNE_FOUNTAIN)
    page = web.page
    log_in(web, "dyspozytorka", then=f"/staff/r/{case.reference}/")
    wait_for_case_page(web)
    page.locator("#duplicate-of").fill("GD-1999-999999")
    page.get_by_role("button", name="Oznacz jako duplikat").click()
    expect(page.locator("#duplicate-of-error")).to_contain_text("GD-1999-999999")
    expect(page.locator("#duplicate-of")).to_have_attribute("aria-invalid", "true")
    assert Report.objects.get(pk=case.pk).status == ReportStatus.NEW


def test_unit_staff_neither_list_nor_reach_another_units_case(web, staff, seed_report):
    from playwright.sync_api import expect

    staff("straznik", "unit_staff", units=("sm",))
    own = seed_report(
        *NEPTUNE_FOUNTAIN, code="stray-animal", attributes={"animal": "dog"}, description="Pies"
    )
    foreign = seed_report(*NEPTUNE_FOUNTAIN, description="Dziura, sprawa GZDiZ")
    page = web.page
    log_in(web, "straznik")
    wait_for_cases(web)
    references = table_references(web)
    assert own.reference in references
    assert foreign.reference not in references
    expect(page.locator("#filter-unit option[value=gzdiz]")).to_have_count(0)

    response = page.goto(f"{web.base}/staff/r/{foreign.reference}/")
    assert response is not None
    assert response.status == 404
    response = page.goto(f"{web.base}/staff/r/{own.reference}/")
    assert response is not None
    assert response.status == 200
    expect(page.locator("#reroute-unit option")).to_have_count(1)  # back to GCK only


def test_unit_staff_send_a_case_back_to_gck_and_lose_sight_of_it(web, staff, seed_report):
    from playwright.sync_api import expect

    staff("drogowiec", "unit_staff", units=("gzdiz",))
    case = seed_report(*NEPTUNE_FOUNTAIN, description="To nie jest dziura, tylko kałuża")
    page = web.page
    log_in(web, "drogowiec", then=f"/staff/r/{case.reference}/")
    wait_for_case_page(web)
    page.get_by_role("button", name="Przekaż tej jednostce").click()
    expect(page.locator("#reroute-reason-error")).not_to_be_empty()  # the reason is required
    page.locator("#reroute-reason").fill("To nie nasza sprawa: woda na jezdni po deszczu")
    page.get_by_role("button", name="Przekaż tej jednostce").click()
    expect(page.locator("#case-message")).to_contain_text("Gdańskie Centrum Kontaktu")
    expect(page.locator("#case")).to_contain_text("nie jest już wśród spraw")
    case.refresh_from_db()
    assert case.unit.code == "gck"


def test_the_intake_form_by_keyboard_alone(web, staff, cleanup, places):
    from playwright.sync_api import expect

    staff("konsultant-ola", "consultant")
    page = web.page
    log_in(web, "konsultant-ola", then="/staff/intake/")
    web.audit("the intake form")

    def tab_to(selector: str, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} cannot be reached with Tab")

    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to("#id_channel")
    expect(page.locator("#id_channel")).to_have_value("phone")
    tab_to("#place-search")
    page.keyboard.type("Piwna 27")
    expect(page.locator("#place-results [role=option]").first).to_be_visible()
    page.keyboard.press("Enter")  # the first result
    expect(page.locator("#location-status")).to_contain_text("Śródmieście")
    expect(page.locator("#id_address")).to_have_value(re.compile("Piwna"))

    tab_to("#id_category")
    page.keyboard.type("Bezpa")
    expect(page.locator("#id_category")).to_have_value("stray-animal")
    tab_to("#id_attr__stray-animal__animal")
    page.keyboard.type("pies")
    expect(page.locator("#id_attr__stray-animal__animal")).to_have_value("dog")
    tab_to("#id_description")
    page.keyboard.type("Pies bez obroży biega po Piwnej")
    tab_to("#id_name")
    page.keyboard.type("Jan Kowalski")
    tab_to("#id_phone")
    page.keyboard.type("+48 600 700 800")
    tab_to("#submit-button")
    page.keyboard.press("Enter")

    expect(page.locator("#result")).to_be_focused()
    reference = page.locator("[data-result=reference]").inner_text()
    assert REFERENCE.match(reference), reference
    report = Report.objects.get(reference=reference)
    assert report.channel == Channel.PHONE
    assert report.category.code == "stray-animal"
    assert report.attributes == {"animal": "dog"}
    assert report.reporter_phone == "+48 600 700 800"
    assert report.registered_by is not None
    assert report.registered_by.username == "konsultant-ola"
    expect(page.locator("[data-result=unit]")).to_have_text(report.unit.name)
    expect(page.locator("[data-result=explanation]")).not_to_be_empty()
    link = page.locator("[data-result=link]")
    expect(link).to_have_attribute("href", f"/staff/r/{reference}/")
    web.audit("the intake form's result")

    tab_to("[data-result=link]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/r/{reference}/")
    # The caller's contact card (the SMS panel beside it shares its look, not its content).
    contact = page.locator(".contact-card", has=page.locator("#contact-heading"))
    expect(contact).to_contain_text("Jan Kowalski")


def test_the_intake_form_takes_the_callers_photo_and_shows_mistakes(web, staff, cleanup):
    from playwright.sync_api import expect

    staff("konsultant-ola", "consultant")
    page = web.page
    log_in(web, "konsultant-ola", then="/staff/intake/")
    page.wait_for_function("() => window.mapa && window.mapa.intake")
    page.locator("#submit-button").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(3)  # place, category, description
    web.audit("the intake form with mistakes")

    image = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 90, 60)).save(image, "PNG")
    page.locator("#id_photo").set_input_files(
        {"name": "od-mieszkanca.png", "mimeType": "image/png", "buffer": image.getvalue()}
    )
    expect(page.locator(".photo-preview")).to_be_visible()
    page.locator("#id_channel").select_option("email")
    page.locator("#id_district").select_option("oliwa")
    expect(page.locator("#location-status")).to_contain_text("Oliwa")
    page.locator("#id_category").select_option("graffiti-vandalism")
    page.locator("#id_description").fill("Graffiti na przystanku, zdjęcie w e-mailu")
    page.locator("#submit-button").click()
    expect(page.locator("#result")).to_be_visible()

    report = Report.objects.get(reference=page.locator("[data-result=reference]").inner_text())
    assert report.channel == Channel.EMAIL
    assert report.district is not None
    assert report.district.slug == "oliwa"
    assert report.photos.count() == 1


def test_the_intake_form_is_refused_to_dispatchers(web, staff):
    staff("dyspozytorka", "dispatcher")
    log_in(web, "dyspozytorka")
    response = web.page.goto(f"{web.base}/staff/intake/")
    assert response is not None
    assert response.status == 403


def test_the_log_in_page_is_accessible(web):
    web.page.goto(f"{web.base}/staff/login/")
    web.audit("the log-in page")


def test_screenshot_of_the_dispatchers_view(web, staff, cleanup, places):
    """Saves test-artifacts/staff-dispatcher.png: the demonstration cases, map and list.

    The README's docs/screenshot-staff.png is a copy of it (MAPA_UPDATE_SCREENSHOTS=1
    copies it there).
    """
    call_command("load_demo_reports", verbosity=0)
    staff("dyspozytorka", "dispatcher")
    page = web.page
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(web, "dyspozytorka")
    wait_for_cases(web)
    page.wait_for_selector(".leaflet-overlay-pane path")  # the districts are drawn
    page.wait_for_timeout(500)  # the clusters settle
    path = web.screenshot("staff-dispatcher.png")
    if os.environ.get("MAPA_UPDATE_SCREENSHOTS") == "1":
        shutil.copy(path, ROOT / "docs" / "screenshot-staff.png")
