"""Browser tests: Debian's headless Chromium, driven by Playwright, against a live server.

The Gdańsk reference data is committed once per session (tests/conftest.py), so these
tests do not use pytest-django's ``live_server``/``transactional_db``, which would flush
it. Instead one server thread serves the test database for the whole session; tests
commit what they seed and delete the reports (with events and photos) they created.

No tile server is needed: the pages are served with ``MAPA_TILE_URL`` empty, and every
request that leaves 127.0.0.1 is aborted.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import override_settings
from django.test.testcases import LiveServerThread
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mapa.catalogue.models import Category
from mapa.notifications.models import Notification
from mapa.reports.models import Report, ReportPhoto
from mapa.reports.services import report_create
from tests.conftest import point

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("MAPA_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
# Reports each securitypolicyviolation event of a document to the test (``web`` fixture).
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (event) => {
    window.__mapaCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}`
        + ` at ${event.documentURI} (${event.sourceFile || ''}:${event.lineNumber}) `
        + `${event.sample || ''}`);
});
"""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_url(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """One threaded server on 127.0.0.1 (a free port) for the whole session."""
    if not (ROOT / "frontend" / "dist" / "mapa" / "map.js").exists():
        pytest.fail("frontend/dist is missing: run `make frontend` (npm ci && npm run build)")
    # pytest-django sets up the test database only for a session holding a database
    # test; the browser tests hold none (they commit). Never run them on another one:
    # their clean-up deletes reports.
    if not connections[DEFAULT_DB_ALIAS].settings_dict["NAME"].startswith("test"):
        pytest.fail(
            "the browser tests need the test database: run them with a database test, "
            "e.g. add tests/browser/test_database.py to the command"
        )
    # A request thread serves a whole keep-alive connection; with CONN_MAX_AGE > 0 its
    # database session would outlive the server and block dropping the test database.
    connections.settings[DEFAULT_DB_ALIAS]["CONN_MAX_AGE"] = 0
    with django_db_blocker.unblock(), override_settings(MAPA_TILE_URL="", DEBUG=False):
        server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            yield f"http://127.0.0.1:{server.port}"
        finally:
            server.terminate()


@pytest.fixture(scope="session")
def browser(live_url: str) -> Iterator[Any]:
    """Chromium for the whole session, started after the database is set up (Playwright's
    event loop would make Django refuse the set-up's ORM calls)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class Page:
    """A Playwright page plus what the tests check on every page: JS errors and dialogs."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.console_errors: list[str] = []
        self.csp_violations: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: str = "/") -> Any:
        self.page.goto(self.base + path)
        if path.split("?")[0] == "/":
            self.page.wait_for_function("() => window.mapa && window.mapa.map")
            self.page.wait_for_selector(".leaflet-overlay-pane path")  # districts drawn
        return self.page

    def view(self, lon: float, lat: float, zoom: int = 17) -> None:
        self.page.evaluate(
            "([lon, lat, zoom]) => window.mapa.map.setView([lat, lon], zoom, {animate: false})",
            [lon, lat, zoom],
        )

    def click_map(self, lon: float, lat: float) -> None:
        """Click the map at a longitude and latitude (centred there first)."""
        self.view(lon, lat)
        x, y = self.page.evaluate(
            """([lon, lat]) => {
                const p = window.mapa.map.latLngToContainerPoint([lat, lon]);
                const r = document.getElementById('map').getBoundingClientRect();
                return [r.left + p.x, r.top + p.y];
            }""",
            [lon, lat],
        )
        self.page.mouse.click(x, y)

    def audit(self, label: str) -> list[dict[str, Any]]:
        """axe-core (from npm) on the page as it is: no serious or critical violation.

        Waits for running transitions (Leaflet fades popups in) so that colour contrast is
        measured on the final colours, not on a half-faded frame.
        """
        self.page.wait_for_function(
            """() => document.getAnimations().every(a => a.playState !== 'running'
                || a.effect.getComputedTiming().iterations === Infinity)"""
        )
        # Evaluated through the DevTools protocol: a <script> tag would be inline code, which
        # the Content-Security-Policy (rightly) refuses.
        self.page.evaluate(AXE.read_text())
        violations: list[dict[str, Any]] = self.page.evaluate(
            """async () => {
                const result = await axe.run(document, {runOnly: {type: 'tag',
                    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
                return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
            }"""
        )
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not serious, f"axe on {label}: {serious}"
        return violations

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path))
        return path


@pytest.fixture
def browser_locale() -> str:
    """The browser's own language (Accept-Language); parametrize a test to change it."""
    return "pl-PL"


@pytest.fixture
def web(browser: Any, live_url: str, browser_locale: str) -> Iterator[Page]:
    """A fresh browser context (Polish by default, desktop size) whose requests stay local."""
    context = browser.new_context(
        locale=browser_locale,
        viewport={"width": 1366, "height": 860},
        geolocation={"longitude": 18.6532, "latitude": 54.3485},
        permissions=["geolocation"],
    )
    context.set_default_timeout(8000)
    # Every Content-Security-Policy violation on any page (and frame) is reported here:
    # the pages must work under the policy, so a browser test fails on any.
    violations: list[str] = []
    context.expose_function("__mapaCspViolation", lambda text: violations.append(text))
    context.add_init_script(CSP_LISTENER)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_url) else route.abort()
        ),
    )
    page = Page(context.new_page(), live_url)
    page.csp_violations = violations
    try:
        yield page
        assert not violations, f"Content-Security-Policy violations: {violations}"
        assert not page.errors, f"JavaScript errors: {page.errors}"
        assert not page.dialogs, f"dialogs opened: {page.dialogs}"
    finally:
        context.close()


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Let the tests use the ORM between page actions, and leave no connection behind.

    Playwright's sync API runs an event loop in this thread, so Django would refuse ORM
    calls as "async-unsafe"; they are ordinary synchronous calls here. The variable is set
    for each browser test only, never for the session (a subprocess such as
    ``manage.py check --deploy`` must not inherit it). The connections are closed so that
    none is left idle when the test database is dropped.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield
    connections.close_all()


@pytest.fixture
def cleanup(live_url: str) -> Iterator[None]:
    """Delete the reports and photos made during the test, and the background tasks and
    report-less messages their filing queued (later tests run the task queue); the
    reference data stays."""
    last_id = Report.objects.order_by("-id").values_list("id", flat=True).first() or 0
    started = timezone.now()
    yield
    photos = ReportPhoto.objects.filter(report_id__gt=last_id) | ReportPhoto.objects.filter(
        report__isnull=True, created_at__gte=started
    )
    for photo in photos:
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
    photos.delete()
    Report.objects.filter(id__gt=last_id).delete()  # events and messages go with them
    Notification.objects.filter(report__isnull=True, created_at__gte=started).delete()
    DBTaskResult.objects.filter(enqueued_at__gte=started).delete()


@pytest.fixture
def seed_report(cleanup: None) -> Callable[..., Report]:
    """File a committed report through the service (deleted after the test)."""

    def seed(lon: float, lat: float, code: str = "pothole", **extra: Any) -> Report:
        extra.setdefault("description", "Seeded report")
        return report_create(
            category=Category.objects.get(code=code), location=point(lon, lat), **extra
        )

    return seed
