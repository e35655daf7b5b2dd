"""A briefing map in headless Chromium: saved from the API over real HTTP, opened from the
disk with every request recorded (none may leave the file), clustered pins, a popup with
the reference, no console error, and a description's script payload staying text.
Then the same map straight from the API, under the response's sandboxing CSP."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User

from mapa.reports.models import Report
from mapa.staff.services import api_token_for, staff_account_save
from tests.browser.conftest import AXE
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY
from tests.exports.briefing_page import BriefingPage

pytestmark = pytest.mark.browser

XSS = '<img src=x onerror="alert(\'xss\')"><script>alert("xss2")</script>'
PII = {
    "reporter_name": "Wszebor Przegladarkowy",
    "reporter_email": "wszebor.chromium.5150@example.org",
    "reporter_phone": "+48 603 515 051",
}
# 30 m east of the fountain: one cluster with it at the city's zoom, apart at street level.
NEAR_NEPTUNE = (NEPTUNE_FOUNTAIN[0] + 0.0005, NEPTUNE_FOUNTAIN[1])


@pytest.fixture
def unit_token(live_url: str) -> Iterator[str]:
    """A committed GZDiZ staff account's API token (the live server reads it)."""
    username = "briefing-drogowiec"
    staff_account_save(
        username=username, role="unit_staff", units=("gzdiz",), password="correct-horse-battery"
    )
    yield api_token_for(username=username)
    User.objects.filter(username=username).delete()


@pytest.fixture
def cases(seed_report: Callable[..., Report]) -> dict[str, Report]:
    return {
        "road": seed_report(*NEPTUNE_FOUNTAIN, code="pothole", description=XSS, **PII),
        "road_near": seed_report(*NEAR_NEPTUNE, code="pothole", description="Obok fontanny"),
        "pavement": seed_report(*WRZESZCZ_GORNY, code="pavement", **PII),
        "dog": seed_report(
            *NEPTUNE_FOUNTAIN, code="stray-animal", attributes={"animal": "dog"}, **PII
        ),
    }


def fetch_map(live_url: str, token: str, **query: str) -> str:
    request = urllib.request.Request(  # noqa: S310 (the live server's http URL)
        f"{live_url}/api/exports/map.html?{urlencode(query)}",
        headers={"Authorization": f"Token {token}", "Accept": "text/html"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        body: bytes = response.read()
    return body.decode("utf-8")


@dataclass
class Watched:
    """A page with every request, console error, page error and dialog recorded."""

    page: Any
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def clean(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.page_errors == [], self.page_errors
        assert self.dialogs == [], self.dialogs


@pytest.fixture
def watched(browser: Any, live_url: str) -> Iterator[Watched]:
    context = browser.new_context(locale="pl-PL", viewport={"width": 1280, "height": 860})
    context.set_default_timeout(8000)
    # Only the file itself (and the live server, for the second test) may be reached.
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file:", "data:", live_url))
            else route.abort()
        ),
    )
    watched = Watched(context.new_page())
    page = watched.page
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on(
        "console",
        lambda message: (
            watched.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: watched.page_errors.append(str(error)))

    def dialog(box: Any) -> None:
        watched.dialogs.append(box.message)
        box.dismiss()

    page.on("dialog", dialog)
    try:
        yield watched
    finally:
        context.close()


def map_call(page: Any, code: str, *args: Any) -> Any:
    """Run ``code`` with ``map`` bound to folium's Leaflet map (a global named after its div)."""
    return page.evaluate(
        f"""(args) => {{
            const map = window[document.querySelector('.folium-map').id];
            return ({code})(map, ...args);
        }}""",
        list(args),
    )


def open_pin(page: Any, report: Report) -> Any:
    """Zoom to a report's pin (out of its cluster) and click it; the popup it opens."""
    lon, lat = report.location.x, report.location.y
    map_call(page, "(map, lat, lon) => map.setView([lat, lon], 18, {animate: false})", lat, lon)
    assert map_call(page, "(map) => map.getZoom()") == 18
    pin = page.locator(f'.mapa-pin[title^="{report.reference},"]')
    pin.click()
    popup = page.locator(".leaflet-popup-content .mapa-popup")
    popup.wait_for()
    return popup


def test_the_saved_map_opens_offline(watched, live_url, unit_token, cases, tmp_path):
    html = fetch_map(live_url, unit_token, unit="gzdiz")
    saved = tmp_path / "briefing.html"
    saved.write_text(html, encoding="utf-8")
    content = BriefingPage(html)
    mine = {cases[name].reference for name in ("road", "road_near", "pavement")}
    assert content.pin_references() == mine
    assert cases["dog"].reference not in html  # Straż Miejska's case
    for value in PII.values():
        assert value not in html

    page = watched.page
    page.goto(saved.as_uri())
    page.wait_for_selector(".leaflet-container")
    page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")  # the outline
    # At the opening zoom the two cases 30 m apart are one cluster of two.
    cluster = page.locator(".marker-cluster", has_text="2")
    cluster.wait_for()
    assert page.locator(".mapa-briefing-panel h1").inner_text().startswith("Sprawy jednostki")
    assert page.locator(".mapa-legend li").count() == 2
    assert page.locator(".mapa-briefing-generated time").get_attribute("datetime")

    popup = open_pin(page, cases["road"])
    assert popup.locator(".mapa-popup-reference").inner_text() == cases["road"].reference
    assert popup.locator(".mapa-popup-description").inner_text() == XSS  # shown as text
    assert popup.locator("img, script").count() == 0
    link = popup.locator("a.mapa-popup-link")
    assert link.get_attribute("href") == f"{live_url}/r/{cases['road'].reference}/"
    page.wait_for_timeout(300)  # time for an injected handler to have fired

    # axe (from npm, injected inline): nothing serious or critical on the page.
    page.evaluate(AXE.read_text())  # not a <script>: the page's CSP allows its own only
    impacts = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}))
            .violations.map(v => v.id + ':' + v.impact)"""
    )
    assert not [v for v in impacts if v.endswith((":serious", ":critical"))], impacts

    outside = [url for url in watched.requests if not url.startswith(("file:", "data:"))]
    assert outside == []
    assert watched.requests[0] == saved.as_uri()
    watched.clean()


def test_the_map_straight_from_the_api_runs_under_its_sandbox(watched, live_url, unit_token, cases):
    page = watched.page
    page.context.set_extra_http_headers({"Authorization": f"Token {unit_token}"})
    page.goto(f"{live_url}/api/exports/map.html?district=wrzeszcz-gorny")
    page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
    popup = open_pin(page, cases["pavement"])
    assert popup.locator(".mapa-popup-reference").inner_text() == cases["pavement"].reference
    # The sandbox gives the page an origin of its own: the site's cookies are out of reach.
    assert page.evaluate("() => window.origin") == "null"
    assert [url for url in watched.requests if not url.startswith(live_url)] == []
    assert len(watched.requests) == 1  # the page itself; everything else is inline
    watched.clean()


def test_a_page_with_no_case_still_shows_the_city(watched, live_url, unit_token, tmp_path):
    saved = tmp_path / "empty.html"
    saved.write_text(fetch_map(live_url, unit_token, unit="sm"), encoding="utf-8")
    page = watched.page
    page.goto(saved.as_uri())
    page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
    assert page.locator(".mapa-pin, .marker-cluster").count() == 0
    assert Path(saved).stat().st_size > 100_000  # Leaflet and markercluster are inside
    watched.clean()
