"""Script in the data is inert on every page and popup that shows it.

The payloads go in through the services and the ORM, as a resident, a consultant, an SMS
and an administrator would put them: a report's description and address, a category's
names and a unit's name (both edited by staff in the admin), a staff note (public and
internal) and an SMS. Then every page that shows them is opened in Chromium. The ``web``
fixture fails the test on any dialog (``alert``), JavaScript error or Content-Security-
Policy violation (an injected handler the policy blocked is one); here each page also
shows the payload as text and holds no element the payload would have made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches

from mapa.catalogue.models import Category, Unit
from mapa.notifications.models import Notification
from mapa.reports.casework import report_add_note
from mapa.reports.models import Report
from mapa.sms.models import SmsCase, SmsMessage
from mapa.sms.services import text_received
from mapa.staff.services import api_token_for, staff_account_save
from tests.browser.conftest import Page
from tests.conftest import NEPTUNE_FOUNTAIN

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
# An element with a handler, a script that closes its quote and tag, a template expression.
PAYLOAD = '<img src=x onerror=alert(1)>"><script>alert(2)</script>{{7*7}}'
# A URL scheme and the end of a script element (what JSON in a page must survive).
ADDRESS = "javascript:alert(3)</script><svg onload=alert(4)>"
# What the payloads would have made, had they been read as HTML.
INJECTED = "img[src=x], svg[onload], a[href^='javascript:']"


@pytest.fixture
def hostile_names(live_url: str) -> Iterator[None]:
    """The pothole category and GZDiZ, renamed to the payload by "staff"; restored after."""
    category = Category.objects.get(code="pothole")
    unit = Unit.objects.get(code="gzdiz")
    before = (category.name_pl, category.name_en, unit.name)
    Category.objects.filter(pk=category.pk).update(
        name_pl=f"{before[0]} {PAYLOAD}", name_en=f"{before[1]} {PAYLOAD}"
    )
    Unit.objects.filter(pk=unit.pk).update(name=f"{before[2]} {PAYLOAD}")
    caches["map"].clear()
    yield
    Category.objects.filter(pk=category.pk).update(name_pl=before[0], name_en=before[1])
    Unit.objects.filter(pk=unit.pk).update(name=before[2])
    caches["map"].clear()


@pytest.fixture
def admin_user(live_url: str) -> Iterator[User]:
    caches["default"].clear()  # the log-in throttle
    user = staff_account_save(
        username="xss-admin", role="admin", units=(), password=PASSWORD, email=None
    )
    yield user
    User.objects.filter(username="xss-admin").delete()
    caches["default"].clear()


@pytest.fixture
def sms_case(cleanup: None) -> Iterator[SmsCase]:
    last_case = SmsCase.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_message = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    received = text_received(gateway_id="xss-1", sender="48501234599", text=PAYLOAD)
    yield received.case
    SmsMessage.objects.filter(case_id__gt=last_case).delete()
    SmsCase.objects.filter(id__gt=last_case).delete()
    Notification.objects.filter(id__gt=last_message).delete()


@pytest.fixture
def hostile_report(hostile_names: None, seed_report: Callable[..., Report]) -> Report:
    report = seed_report(*NEPTUNE_FOUNTAIN, description=PAYLOAD, address=ADDRESS)
    report_add_note(report=report, public_note=PAYLOAD, internal_note=PAYLOAD)
    return report


def assert_inert(web: Page, where: str, shown: tuple[str, ...] = (PAYLOAD,)) -> None:
    """The page shows the payload as text, made nothing of it, and nothing ran."""
    page = web.page
    page.wait_for_load_state("networkidle")
    text = page.evaluate("() => document.body.innerText")
    for payload in shown:
        assert payload in text, f"{where}: {payload!r} not shown as text"
    assert "49" not in text.replace(PAYLOAD, ""), f"{where}: a template evaluated {{{{7*7}}}}?"
    made = page.locator(INJECTED).evaluate_all("nodes => nodes.map(n => n.outerHTML)")
    assert made == [], f"{where}: the payload became markup: {made}"
    scripts = page.evaluate(
        "() => [...document.scripts].filter(s => s.textContent.trim() === 'alert(2)').length"
    )
    assert scripts == 0, f"{where}: the payload's <script> is in the page"
    assert web.dialogs == [], f"{where}: {web.dialogs}"
    assert web.errors == [], f"{where}: {web.errors}"
    assert web.csp_violations == [], f"{where}: {web.csp_violations}"


def log_in(web: Page, username: str) -> None:
    page = web.page
    page.goto(f"{web.base}/staff/login/?next=/staff/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator(".login-form button[type=submit]").click()
    page.wait_for_url(f"{web.base}/staff/")


def test_the_public_pages_and_popups(web, hostile_report):
    web.page.set_default_timeout(30_000)
    page = web.open("/")
    # The pin's popup: description, category and address.
    web.view(*NEPTUNE_FOUNTAIN, zoom=18)
    page.locator(f'.leaflet-marker-icon[aria-label*="{hostile_report.reference}"]').click()
    page.locator(".leaflet-popup-content").wait_for()
    assert_inert(web, "the map's popup")
    # The nearby list while filing a report beside it; the category list shows the name.
    web.click_map(NEPTUNE_FOUNTAIN[0] + 0.0003, NEPTUNE_FOUNTAIN[1])
    page.locator("#nearby-list li").first.wait_for()
    assert_inert(web, "the nearby list")
    page.locator("#category-pothole").check()
    page.locator("#location-status").wait_for()
    assert_inert(web, "the form with the category chosen")

    page.goto(f"{web.base}/r/{hostile_report.reference}/")
    page.locator("#report-map .leaflet-marker-icon").wait_for()
    assert_inert(web, "the report's page", (PAYLOAD, ADDRESS))

    page.goto(f"{web.base}/stats/")
    page.locator("#stats-map[data-ready=true]").wait_for()
    assert_inert(web, "statistics", ())  # today's reports are not in its figures yet

    page.goto(f"{web.base}/alerts/")
    assert_inert(web, "the area alert page (the category list)")


def test_the_staff_pages_the_sms_case_and_the_admin(web, hostile_report, admin_user, sms_case):
    web.page.set_default_timeout(30_000)
    log_in(web, admin_user.username)
    page = web.page
    page.locator(f'#case-rows tr[data-reference="{hostile_report.reference}"]').wait_for()
    assert_inert(web, "the dispatcher's list")
    # The dispatcher's map: the pin's label and what a click on it shows.
    page.evaluate(
        "([lon, lat]) => window.mapa.map.setView([lat, lon], 18, {animate: false})",
        list(NEPTUNE_FOUNTAIN),
    )
    pin = page.locator(f'#map .leaflet-marker-icon[title*="{hostile_report.reference}"]')
    pin.first.click()
    assert_inert(web, "the dispatcher's map")

    page.goto(f"{web.base}/staff/r/{hostile_report.reference}/")
    page.wait_for_function("() => window.mapa && window.mapa.casePage")
    assert_inert(web, "the case page", (PAYLOAD, ADDRESS))

    page.goto(f"{web.base}/staff/stats/")
    assert_inert(web, "the staff statistics", ())

    page.goto(f"{web.base}/staff/sms/{sms_case.reference}/")
    assert_inert(web, "the SMS case")
    page.goto(f"{web.base}/staff/sms/")
    assert_inert(web, "the SMS queue", ())  # references and times only

    page.goto(f"{web.base}/admin/reports/report/{hostile_report.pk}/change/")
    assert_inert(web, "the report in the admin")  # the address is a field's value
    page.goto(f"{web.base}/admin/catalogue/category/")
    assert_inert(web, "the categories in the admin")


def test_the_briefing_map(web, hostile_report, live_url):
    username = "xss-briefing"
    staff_account_save(username=username, role="unit_staff", units=("gzdiz",), password=None)
    try:
        page = web.page
        page.set_default_timeout(30_000)
        page.context.set_extra_http_headers(
            {"Authorization": f"Token {api_token_for(username=username)}"}
        )
        page.goto(f"{live_url}/api/exports/map.html?unit=gzdiz&district=srodmiescie")
        page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
        assert_inert(web, "the briefing map's title and legend")
        lon, lat = NEPTUNE_FOUNTAIN
        page.evaluate(
            """([lat, lon]) => window[document.querySelector('.folium-map').id]
                .setView([lat, lon], 18, {animate: false})""",
            [lat, lon],
        )
        page.locator(f'.mapa-pin[title^="{hostile_report.reference},"]').click()
        page.locator(".leaflet-popup-content .mapa-popup").wait_for()
        assert_inert(web, "the briefing map's popup", (PAYLOAD, ADDRESS))
    finally:
        User.objects.filter(username=username).delete()


def test_payloads_are_stored_as_they_were_typed(hostile_report: Report):
    """What is inert on the pages is the very text given (not stripped on the way in)."""
    stored: Any = Report.objects.get(pk=hostile_report.pk)
    assert stored.description == PAYLOAD
    assert stored.address == ADDRESS
