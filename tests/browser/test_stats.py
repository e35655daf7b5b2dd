"""The statistics pages in a real browser (mapa/web/stats_views.py, mapa/staff/stats_pages.py,
frontend/src/stats.js): the charts and the choropleth are drawn without a JavaScript error,
and axe finds nothing serious or critical, publicly and for staff."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone

from mapa.reports.models import Report
from mapa.staff.services import staff_account_save
from tests.browser.conftest import Page
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
PUBLIC_CHARTS = {"by-category", "by-district", "times-category", "times-unit"}
STAFF_CHARTS = PUBLIC_CHARTS | {"overdue-category", "overdue-unit"}


@pytest.fixture
def seeded(seed_report: Callable[..., Report]) -> list[Report]:
    """Four committed cases (removed after the test): one resolved late, three open."""
    reports = [
        seed_report(*NEPTUNE_FOUNTAIN, code="pothole"),
        seed_report(*NEPTUNE_FOUNTAIN, code="pothole"),
        seed_report(*WRZESZCZ_GORNY, code="pothole"),
        seed_report(*WRZESZCZ_GORNY, code="stray-animal", attributes={"animal": "cat"}),
    ]
    filed = timezone.now() - timedelta(days=2)
    Report.objects.filter(pk=reports[0].pk).update(
        created_at=filed,
        status="resolved",
        resolved_at=filed + timedelta(hours=30),
        due_at=filed + timedelta(hours=24),
    )
    Report.objects.filter(pk=reports[1].pk).update(due_at=filed)
    cache.clear()  # the public page keeps its figures for a few minutes
    return reports


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


def wait_for_figures(web: Page, charts: set[str]) -> None:
    """Every chart is drawn on its canvas, the choropleth's districts and legend too."""
    page = web.page
    page.wait_for_function(
        "(ids) => window.mapa && ids.every((id) => window.mapa.charts[id])", arg=sorted(charts)
    )
    page.wait_for_selector("#stats-map[data-ready=true]")
    drawn = page.evaluate(
        """() => Object.fromEntries(Object.entries(window.mapa.charts).map(([id, chart]) =>
            [id, chart.canvas.width > 0 && chart.data.datasets.length > 0]))"""
    )
    assert drawn == dict.fromkeys(charts, True)
    assert page.locator("canvas[data-chart]").count() == len(charts)
    assert page.locator("#stats-map path.leaflet-interactive").count() == 35
    assert page.locator("#stats-map-legend li").count() >= 2  # "none" and at least one class


def test_the_public_statistics_draw_their_charts_and_map(web, seeded):
    page = web.open("/stats/")
    wait_for_figures(web, PUBLIC_CHARTS)
    assert page.locator("#chart-overdue-unit").count() == 0
    web.audit("the public statistics")

    # The figures behind a chart are a table a screen reader (or anyone) can open.
    page.locator("#chart-by-category-title ~ details summary").click()
    table = page.locator("#chart-by-category-title ~ details table")
    assert "Dziura w jezdni" in table.inner_text()
    web.audit("the public statistics with a table open")


def test_the_staff_statistics_draw_their_charts_and_map(web, seeded, staff):
    staff("stats-dispatcher", "dispatcher")
    log_in(web, "stats-dispatcher", "/staff/stats/")
    wait_for_figures(web, STAFF_CHARTS)
    web.audit("the staff statistics")


def test_unit_staff_see_their_units_statistics(web, seeded, staff):
    staff("stats-roads", "unit_staff", units=("gzdiz",))
    log_in(web, "stats-roads", "/staff/stats/")
    wait_for_figures(web, STAFF_CHARTS)
    categories = web.page.evaluate("() => window.mapa.charts['by-category'].data.labels")
    assert categories == ["Dziura w jezdni lub uszkodzona droga"]
    web.audit("a unit's statistics")
