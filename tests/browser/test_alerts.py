"""Follows and area alerts in a real browser, by keyboard alone, in Polish and English:
"me too" from the map's nearby list, and the area alert page (mapa/alerts,
frontend/src/form/nearby.js, frontend/src/alerts.js)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django_tasks_db.models import DBTaskResult

from mapa.alerts.models import AreaAlert, Follow
from mapa.notifications.models import Notification
from mapa.reports.models import Report
from tests.browser.test_resident_map import NEAR_NEPTUNE, expect_text, places  # noqa: F401
from tests.conftest import NEPTUNE_FOUNTAIN

pytestmark = pytest.mark.browser

ADDRESS = "klawiatura@example.com"
TEXTS = {
    "pl": {"me_too": "Ja też", "sent": "Sprawdź skrzynkę", "page": "Powiadomienia e-mail"},
    "en": {"me_too": "Me too", "sent": "Check your inbox", "page": "Area alerts by e-mail"},
}


@pytest.fixture
def subscriptions() -> Iterator[None]:
    """Remove the committed subscriptions, their outbox rows and tasks afterwards."""
    yield
    Follow.objects.filter(email=ADDRESS).delete()
    AreaAlert.objects.filter(email=ADDRESS).delete()
    ids = list(Notification.objects.filter(recipient=ADDRESS).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).delete()
    for task in DBTaskResult.objects.all():
        if task.args_kwargs.get("args") and task.args_kwargs["args"][0] in ids:
            task.delete()


def speak(web, language: str) -> None:
    """The site's own language switch (a cookie), before the first page."""
    web.page.context.add_cookies([{"name": "django_language", "value": language, "url": web.base}])


def tab_to(page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


@pytest.mark.parametrize("language", ["pl", "en"])
def test_me_too_from_the_nearby_list_by_keyboard(web, seed_report, subscriptions, language):
    from playwright.sync_api import expect

    seeded = seed_report(*NEAR_NEPTUNE, description="Zapadnięta studzienka")
    reports = Report.objects.count()
    speak(web, language)
    page = web.open("/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    web.view(*NEPTUNE_FOUNTAIN)
    page.locator("[data-action=pin-centre]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#nearby-list li")).to_have_count(1)

    tab_to(page, "#nearby-list button.me-too")
    toggle = page.locator("#nearby-list button.me-too")
    expect_text(toggle, TEXTS[language]["me_too"])
    expect(toggle).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    email = page.locator(f"#me-too-{seeded.reference}-email")
    expect(email).to_be_focused()
    page.keyboard.type(ADDRESS)
    page.keyboard.press("Enter")  # sends the follow, never the report around it
    status = page.locator(f"#me-too-{seeded.reference}-status")
    expect_text(status, TEXTS[language]["sent"])
    web.audit(f"the nearby list with me too open ({language})")

    follow = Follow.objects.get(email=ADDRESS)
    assert (follow.report_id, follow.language, follow.confirmed_at) == (seeded.pk, language, None)
    assert Report.objects.count() == reports
    expect(page.locator("#result")).to_be_hidden()


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_area_alert_page_by_keyboard_alone(web, subscriptions, places, language):  # noqa: F811
    from playwright.sync_api import expect

    speak(web, language)
    page = web.open("/alerts/")
    expect(page.locator("h1")).to_contain_text(TEXTS[language]["page"])
    web.audit(f"the area alert page ({language})")

    tab_to(page, "input[name=kinds][value=resolved]")
    page.keyboard.press("Space")
    if language == "pl":
        # Districts (checkboxes: no map needed).
        tab_to(page, "input[name=districts][value=srodmiescie]")
        page.keyboard.press("Space")
    else:
        # A point: the address search puts the pin; the radius stays 500 m.
        tab_to(page, "input[name=area]")
        page.keyboard.press("ArrowDown")  # "around a point"
        expect(page.locator("input[name=area][value=circle]")).to_be_checked()
        tab_to(page, "#alert-place-search")
        page.keyboard.type("Piwna 27")
        expect(page.locator("#alert-place-results [role=option]").first).to_be_visible()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        expect(page.locator("input[name=lat]")).to_have_value(re.compile(r"^54\.3\d+"))
        expect(page.locator(".alert-map path.leaflet-interactive")).not_to_have_count(0)
    tab_to(page, "input[name=frequency][value=immediate]")
    page.keyboard.press("ArrowDown")  # a daily digest
    tab_to(page, "input[name=email]")
    page.keyboard.type(ADDRESS)
    tab_to(page, "#alert-form button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url("**/alerts/sent/")
    expect_text(page.locator("main"), TEXTS[language]["sent"])
    alert = AreaAlert.objects.get(email=ADDRESS)
    assert (alert.language, alert.frequency, alert.new_reports, alert.resolved_reports) == (
        language,
        "daily",
        True,
        True,
    )
    if language == "pl":
        assert [d.slug for d in alert.districts.all()] == ["srodmiescie"]
        assert alert.point is None
    else:
        assert alert.point is not None
        assert alert.radius_m == 500
        assert alert.point.distance(seeded_point()) < 0.01


def seeded_point():
    from tests.conftest import point

    return point(*NEPTUNE_FOUNTAIN)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_confirm_and_unsubscribe_pages_by_keyboard(web, seed_report, subscriptions, language):
    from playwright.sync_api import expect

    from mapa.alerts.tokens import confirm_token
    from mapa.notifications.unsubscribe import unsubscribe_path

    report = seed_report(*NEAR_NEPTUNE)
    follow = Follow.objects.create(report=report, email=ADDRESS, language=language)
    speak(web, language)
    page = web.open(f"/alerts/confirm/{confirm_token('follow', follow.pk)}/")
    web.audit(f"the confirmation page ({language})")
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".notice--success")).to_be_visible()
    follow.refresh_from_db()
    assert follow.is_active

    page = web.open(unsubscribe_path("follow", follow.pk))
    web.audit(f"the unsubscribe page ({language})")
    expect_text(page.locator("main"), report.reference)
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".notice--success")).to_be_visible()
    follow.refresh_from_db()
    assert not follow.is_active


def test_the_map_link_of_an_alert_e_mail_opens_on_its_area(web):
    page = web.open("/#map=16/54.34850/18.65320")
    page.wait_for_function("() => window.mapa.map.getZoom() === 16")
    lat, lon = page.evaluate("[window.mapa.map.getCenter().lat, window.mapa.map.getCenter().lng]")
    assert abs(lat - NEPTUNE_FOUNTAIN[1]) < 0.0005
    assert abs(lon - NEPTUNE_FOUNTAIN[0]) < 0.0005
