"""Every page works under the Content-Security-Policy (mapa/settings.py, django-csp).

The ``web`` fixture fails a test on any ``securitypolicyviolation`` event (tests/browser/
conftest.py), JavaScript error or dialog; these tests also fail on any console error (a
refused script or style is one) and open every kind of page: the resident's map (a pin,
a category, the nearby list, a report sent), a report's page, the alerts pages,
statistics, the staff workspace (as an admin: every page, a case, the SMS queue), the
API's docs, Django's admin (its map widget too) and the error pages. Each page is also
checked to have been served under the policy, so that a page that lost the header
cannot pass by having nothing to violate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from mapa.reports.models import Report
from mapa.staff.services import staff_account_save
from tests.browser.conftest import Page
from tests.conftest import NEPTUNE_FOUNTAIN

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


@pytest.fixture
def admin_user(live_url: str) -> Iterator[User]:
    """A committed admin (Django's admin and every staff page), removed afterwards."""
    cache.clear()  # the log-in throttle
    user = staff_account_save(username="csp-admin", role="admin", password=PASSWORD)
    yield user
    User.objects.filter(username="csp-admin").delete()
    cache.clear()


def log_in(web: Page, username: str, then: str = "/staff/") -> None:
    page = web.page
    page.goto(f"{web.base}/staff/login/?next={then}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator(".login-form button[type=submit]").click()
    page.wait_for_url(f"{web.base}{then}")


def visit(web: Page, path: str, ready: str | None = None, status: int = 200) -> Any:
    """Open ``path``, wait until it settles (and for ``ready``), check it was served under
    the policy and raised no violation and no console error."""
    web.page.set_default_timeout(30_000)  # many heavy pages in one test, on a busy machine
    response = web.page.goto(web.base + path)
    assert response is not None
    assert response.status == status, path
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, f"{path} served without the policy: {policy!r}"
    assert "unsafe-inline" not in policy, policy
    assert "unsafe-eval" not in policy, policy
    if ready:
        try:
            web.page.wait_for_selector(ready, state="attached")
        except Exception as error:  # a refused script leaves the page unfinished: say why
            raise AssertionError(
                f"{path}: {ready} never came; {web.csp_violations} {web.console_errors} "
                f"{web.errors}"
            ) from error
    web.page.wait_for_load_state("networkidle")
    if status != 200:  # the browser logs the page's own status as an error
        own = f"status of {status}"
        web.console_errors[:] = [e for e in web.console_errors if own not in e or path not in e]
    assert_clean(web, path)
    return response


def assert_clean(web: Page, where: str) -> None:
    assert web.csp_violations == [], f"{where}: {web.csp_violations}"
    assert web.console_errors == [], f"{where}: {web.console_errors}"
    assert web.errors == [], f"{where}: {web.errors}"


def test_the_public_pages_work_under_the_policy(web, seed_report):
    report = seed_report(*NEPTUNE_FOUNTAIN, description="Dziura pod fontanną")
    visit(web, "/", ".leaflet-overlay-pane path")
    visit(web, f"/r/{report.reference}/", "#report-map .leaflet-marker-icon")
    visit(web, "/stats/", "#stats-map[data-ready=true]")
    visit(web, "/alerts/", "#alert-map.leaflet-container")
    visit(web, "/staff/login/", "#id_username")
    visit(web, "/admin/login/", "#id_username")
    visit(web, "/api/docs/", ".opblock-summary")
    visit(web, "/no-such-page/", status=404)
    # The stats charts' heights come from data attributes, not style attributes.
    heights = web.page.goto(web.base + "/stats/")
    assert heights is not None
    web.page.wait_for_selector("canvas[data-chart]")
    boxes = web.page.locator(".stats-canvas").evaluate_all(
        "boxes => boxes.map(b => [b.dataset.height, b.getBoundingClientRect().height])"
    )
    assert boxes
    assert all(abs(float(want) - got) < 1 for want, got in boxes), boxes


def test_the_resident_map_pins_sends_and_shows_the_nearby_list_under_the_policy(web, seed_report):
    seed_report(NEPTUNE_FOUNTAIN[0] + 0.0003, NEPTUNE_FOUNTAIN[1], description="Obok")
    page = web.open("/")
    web.click_map(*NEPTUNE_FOUNTAIN)
    page.locator("#category-pothole").check()
    page.wait_for_selector("#nearby-list li")
    page.locator("#id_description").fill("Głęboka dziura w jezdni")
    page.locator("#submit-button").click()
    page.wait_for_selector("#result:visible")
    page.wait_for_selector(".leaflet-popup-content")
    page.wait_for_load_state("networkidle")
    assert_clean(web, "the resident's map")


def test_the_staff_pages_and_the_admin_work_under_the_policy(
    web, admin_user, seed_report: Callable[..., Report]
):
    report = seed_report(*NEPTUNE_FOUNTAIN, description="Dziura pod fontanną")
    log_in(web, admin_user.username)
    visit(web, "/staff/", ".case-table[aria-busy=false]")
    visit(web, f"/staff/r/{report.reference}/")
    web.page.wait_for_function("() => window.mapa && window.mapa.casePage")
    visit(web, "/staff/intake/", "#map .leaflet-overlay-pane path")
    visit(web, "/staff/hotspots/", "#map .leaflet-overlay-pane path")
    visit(web, "/staff/routing/", "#map .leaflet-overlay-pane path")
    visit(web, "/staff/stats/", "canvas[data-chart]")
    visit(web, "/staff/sms/")
    visit(web, "/admin/")
    visit(web, f"/admin/reports/report/{report.pk}/change/", ".dj_map canvas")
    visit(web, "/admin/catalogue/category/")


def test_the_headers(web):
    response = web.page.goto(web.base + "/")
    assert response is not None
    headers = response.headers
    policy = dict(
        part.strip().split(" ", 1)
        for part in headers["content-security-policy"].split(";")
        if " " in part.strip()
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert re.fullmatch(r"'self' data: blob:( https://\S+)?", policy["img-src"]), policy
    permissions = headers["permissions-policy"]
    assert "geolocation=(self)" in permissions
    assert "camera=()" in permissions
    assert "microphone=()" in permissions
