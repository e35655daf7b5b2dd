"""The resident's map in a real browser: pin, nearby reports, send, follow; by mouse,
by keyboard alone, and without JavaScript (mapa/web, frontend/src)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from PIL import Image

from mapa.places.models import Place
from mapa.places.seeding import load_places
from mapa.reports.models import LocationSource, Report
from tests.conftest import NEPTUNE_FOUNTAIN, SOPOT_PIER

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"^[A-Z]{2,4}-\d{4}-\d{6}$")
# About 100 m north-east of the Neptune fountain, on Długi Targ.
NEAR_NEPTUNE = (NEPTUNE_FOUNTAIN[0] + 0.0011, NEPTUNE_FOUNTAIN[1] + 0.0006)
XSS = "<img src=x onerror=alert(1)>"


def expect_text(locator, pattern):
    from playwright.sync_api import expect

    expect(locator).to_contain_text(pattern)


@pytest.fixture
def places() -> Iterator[None]:
    """The place table seeded as `load_places` does, removed afterwards if it was empty."""
    was_empty = not Place.objects.exists()
    load_places()
    yield
    if was_empty:
        Place.objects.all().delete()


def test_pin_by_click_nearby_send_and_see_the_new_pin(web, seed_report):
    from playwright.sync_api import expect

    seeded = seed_report(*NEAR_NEPTUNE, code="drain-cover", description="Brak pokrywy studzienki")
    page = web.open("/")
    web.audit("the map page")

    web.click_map(*NEPTUNE_FOUNTAIN)
    expect_text(page.locator("#location-status"), "Śródmieście")
    expect(page.locator("input[name=lon]")).not_to_have_value("")

    page.locator("#category-pothole").check()
    page.locator("#id_description").fill("Głęboka dziura w jezdni przy fontannie")

    nearby = page.locator("#nearby-list li")
    expect(nearby).to_have_count(1)
    expect_text(nearby.first, "Brak pokrywy studzienki")
    expect_text(nearby.first, re.compile(r"\d+ m"))
    expect(nearby.first.locator(f'a[href="/r/{seeded.reference}/"]')).to_be_visible()
    web.audit("the form with the nearby list")

    page.locator("#submit-button").click()
    result = page.locator("#result")
    expect(result).to_be_visible()
    reference = page.locator("[data-result=reference]").inner_text()
    assert REFERENCE.match(reference), reference
    report = Report.objects.get(reference=reference)
    expect_text(page.locator("[data-result=unit]"), report.unit.name)
    expect(page.locator("[data-result=explanation]")).not_to_be_empty()
    expect(page.locator("[data-result=link]")).to_have_attribute("href", f"/r/{reference}/")
    assert report.location_source == LocationSource.PIN
    assert report.location.distance(seeded.location) * 111_000 < 200

    new_pin = page.locator(f'.leaflet-marker-icon[aria-label*="{reference}"]')
    expect(new_pin).to_be_visible()
    expect_text(page.locator(".leaflet-popup-content"), reference)
    web.audit("the result panel")
    page.wait_for_timeout(400)  # let the new pin's drop animation finish
    web.screenshot("map-with-submitted-report.png")


def test_keyboard_only_address_search_and_send(web, cleanup, places):
    from playwright.sync_api import expect

    page = web.open("/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")

    def tab_to(selector: str, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} cannot be reached with Tab")

    tab_to("#place-search")
    page.keyboard.type("Piwna 27")
    expect(page.locator("#place-results [role=option]").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#place-search")).to_have_attribute(
        "aria-activedescendant", "place-option-0"
    )
    page.keyboard.press("Enter")
    expect_text(page.locator("#location-status"), "Śródmieście")
    expect(page.locator("#id_address")).to_have_value(re.compile("Piwna"))

    tab_to("input[name=category]")
    page.keyboard.press("ArrowDown")  # moves to, and checks, the next category
    assert page.evaluate("document.activeElement.checked")
    tab_to("#id_description")
    page.keyboard.type("Nie świeci latarnia przed galerią")
    tab_to("#submit-button")
    page.keyboard.press("Enter")

    expect(page.locator("#result")).to_be_focused()
    reference = page.locator("[data-result=reference]").inner_text()
    report = Report.objects.get(reference=reference)
    assert report.location_source == LocationSource.ADDRESS
    assert report.district is not None
    assert report.district.name == "Śródmieście"


def test_keyboard_places_and_nudges_the_pin(web):
    from playwright.sync_api import expect

    page = web.open("/")
    web.view(*NEPTUNE_FOUNTAIN)
    page.locator("[data-action=pin-centre]").focus()
    page.keyboard.press("Enter")
    pin = page.locator(".draft-pin-icon")
    expect(pin).to_be_focused()
    expect_text(page.locator("#location-status"), "Śródmieście")
    before = page.locator("input[name=lon]").input_value()
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("input[name=lon]")).not_to_have_value(before)
    assert float(page.locator("input[name=lon]").input_value()) > float(before)
    expect(pin).to_be_focused()


def test_outside_the_city_keeps_what_was_typed(web):
    from playwright.sync_api import expect

    page = web.open("/")
    page.locator("#id_description").fill("Przewrócony kosz na molo")
    web.click_map(*SOPOT_PIER)
    message = page.locator("#map-message")
    expect(message).to_be_visible()
    expect_text(message, "Sopot")
    expect(page.locator("input[name=lon]")).to_have_value("")
    expect(page.locator("#id_description")).to_have_value("Przewrócony kosz na molo")
    web.audit("the map with the outside-the-city message")


def jpeg_with_gps(lon: float, lat: float) -> bytes:
    """A small JPEG whose EXIF carries a camera name and a GPS position."""

    def dms(value: float) -> tuple[float, float, float]:
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
        return (degrees, minutes, seconds)

    exif = Image.Exif()
    exif[0x010F] = "Mapa Test Camera"
    exif[0x8825] = {1: "N", 2: dms(lat), 3: "E", 4: dms(lon)}
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (150, 110, 60)).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_photo_upload_strips_exif_and_offers_its_place(web, cleanup):
    from playwright.sync_api import expect

    photo = jpeg_with_gps(*NEPTUNE_FOUNTAIN)
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)

    page = web.open("/")
    page.locator("#id_photo").set_input_files(
        {"name": "dziura.jpg", "mimeType": "image/jpeg", "buffer": photo}
    )
    expect(page.locator(".photo-preview")).to_be_visible()
    expect(page.locator("#photo-id")).not_to_have_value("")
    offer = page.locator("#photo-gps")
    expect(offer).to_be_visible()
    offer.locator("button").click()
    expect_text(page.locator("#location-status"), "Śródmieście")
    page.locator("#category-pothole").check()
    page.locator("#id_description").fill("Dziura, zdjęcie w załączniku")
    page.locator("#submit-button").click()
    expect(page.locator("#result")).to_be_visible()

    report = Report.objects.get(reference=page.locator("[data-result=reference]").inner_text())
    assert report.location_source == LocationSource.PHOTO
    stored = report.photos.get()
    with stored.image.open("rb") as file:
        image = Image.open(file)
        image.load()
        assert not image.getexif(), "EXIF left in the stored photo"
        assert "exif" not in image.info

    page.goto(f"{web.base}/r/{report.reference}/")
    expect(page.locator(".report-photo img")).to_be_visible()


def test_a_file_that_is_not_a_photo_is_refused(web):
    from playwright.sync_api import expect

    page = web.open("/")
    page.locator("#id_photo").set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a picture"}
    )
    expect(page.locator("#id_photo-error")).not_to_be_empty()
    expect(page.locator("#photo-id")).to_have_value("")


def test_language_switch_is_remembered(web):
    from playwright.sync_api import expect

    page = web.open("/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect_text(page.locator("label[for=category-pothole]"), "Dziura w jezdni")
    page.locator("button[name=language][value=en]").click()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    expect_text(page.locator("label[for=category-pothole]"), "Pothole or road damage")
    expect(page.locator("button[name=language][value=en]")).to_have_attribute(
        "aria-pressed", "true"
    )
    web.open("/")  # a new visit: the choice is remembered in a cookie
    expect(page.locator("html")).to_have_attribute("lang", "en")
    web.audit("the map page in English")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("django_language") == "en"


def test_user_text_is_shown_as_text(web, seed_report):
    from playwright.sync_api import expect

    seeded = seed_report(*NEPTUNE_FOUNTAIN, code="graffiti-vandalism", description=XSS)
    page = web.open("/")
    web.view(*NEPTUNE_FOUNTAIN, zoom=18)
    pin = page.locator(f'.leaflet-marker-icon[aria-label*="{seeded.reference}"]')
    pin.click()
    popup = page.locator(".leaflet-popup-content")
    expect_text(popup, XSS)
    expect(popup.locator("img[src=x]")).to_have_count(0)

    web.click_map(NEPTUNE_FOUNTAIN[0] + 0.0003, NEPTUNE_FOUNTAIN[1])
    expect_text(page.locator("#nearby-list"), XSS)
    expect(page.locator("#nearby-list img[src=x]")).to_have_count(0)

    page.goto(f"{web.base}/r/{seeded.reference}/")
    expect_text(page.locator(".report-description"), XSS)
    expect(page.locator(".report-description img")).to_have_count(0)
    page.wait_for_timeout(200)
    assert not web.dialogs


def test_report_page_is_accessible_and_private_data_stays_private(web, seed_report):
    from playwright.sync_api import expect

    seeded = seed_report(
        *NEPTUNE_FOUNTAIN,
        code="stray-animal",
        attributes={"animal": "dog"},
        description="Pies bez opieki przy fontannie",
        reporter_name="Anna Nowak",
        reporter_email="anna@example.org",
        reporter_phone="+48 600 200 300",
    )
    page = web.page
    page.goto(f"{web.base}/r/{seeded.reference}/")
    expect(page.locator("h1")).to_contain_text("Bezpańskie zwierzę")
    expect(page.locator(".report-map .leaflet-marker-icon")).to_be_visible()
    expect_text(page.locator(".timeline-list"), re.compile(r"\d{4}"))
    body = page.locator("body").inner_text()
    for private in ("Anna Nowak", "anna@example.org", "600 200 300"):
        assert private not in body
    web.audit("a report's page")


def test_mistakes_are_named_and_announced(web):
    from playwright.sync_api import expect

    page = web.open("/")
    page.locator("#submit-button").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(3)  # place, category, description
    expect(page.locator("#id_description")).to_have_attribute("aria-invalid", "true")
    web.audit("the form with errors")


def test_the_form_works_without_javascript(browser, live_url, cleanup):
    context = browser.new_context(java_script_enabled=False, locale="pl-PL")
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_url) else route.abort()
        ),
    )
    try:
        page = context.new_page()
        page.goto(live_url + "/")
        page.locator("#category-overflowing-bin").check()
        page.locator("#id_description").fill("Przepełniony kosz przy przystanku")
        page.locator("#id_district").select_option("wrzeszcz-gorny")
        page.locator("#id_address").fill("Przystanek Grunwaldzka")
        page.locator("#submit-button").click()
        page.wait_for_url(re.compile(r"/r/[A-Z]+-\d{4}-\d{6}/\?sent=1$"))
        reference = page.url.rstrip("/").split("/r/")[1].split("/")[0]
        report = Report.objects.get(reference=reference)
        assert report.location_source == LocationSource.DISTRICT
        assert report.district is not None
        assert report.district.slug == "wrzeszcz-gorny"
    finally:
        context.close()


@pytest.fixture
def demo_reports(cleanup, places) -> None:
    """The demonstration reports `make run` shows (deleted after the test)."""
    call_command("load_demo_reports", verbosity=0)


@pytest.mark.parametrize(
    ("size", "name"),
    [((1366, 860), "map-with-submitted-report.png"), ((390, 844), "map-mobile.png")],
)
def test_screenshot_of_the_map_with_a_submitted_report(web, demo_reports, size, name):
    """Saves test-artifacts/<name>: the map with demo reports and one just sent."""
    from playwright.sync_api import expect

    page = web.page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    web.open("/")
    web.click_map(18.6555, 54.3497)  # Długi Targ, by the Green Gate
    expect_text(page.locator("#location-status"), "Śródmieście")
    page.locator("#category-overflowing-bin").check()
    page.locator("#id_description").fill("Przepełniony kosz przy Zielonej Bramie, śmieci na bruku.")
    expect(page.locator("#nearby-list li").first).to_be_visible()
    page.locator("#submit-button").click()
    expect(page.locator("#result")).to_be_visible()
    expect(page.locator(".leaflet-popup-content")).to_be_visible()
    page.wait_for_timeout(600)  # markers settle, the new pin's drop animation ends
    page.evaluate("window.scrollTo(0, 0)")
    web.screenshot(name)


def test_use_my_location(web):
    """The browser's position (granted, at the Neptune fountain) becomes the pin."""
    from playwright.sync_api import expect

    page = web.open("/")
    page.locator("[data-action=locate]").click()
    expect_text(page.locator("#location-status"), "Śródmieście")
    expect(page.locator("input[name=location_source]")).to_have_value("device")
    expect(page.locator(".draft-pin-icon")).to_be_visible()
