"""The map's tiles in Chromium (frontend/src/map/tiles.js): the stated count is SQL's, each
tile is fetched exactly once however the map moves, and a new report shows at once."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from django.contrib.gis.geos import Polygon

from mapa.reports.models import OPEN_STATUSES, Report
from tests.browser.conftest import Page
from tests.browser.test_staff_pages import (  # noqa: F401  (the staff fixture)
    log_in,
    staff,
    total_shown,
    wait_for_cases,
)
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.reports.map_data import load_reports

pytestmark = pytest.mark.browser

TILE = re.compile(r"/api/reports/map/\d+/\d+/\d+\.geojson")


def stated(web: Page) -> int:
    """The number the map says, once it says one."""
    web.page.wait_for_function(
        "() => /\\d/.test(document.getElementById('map-status').textContent)"
    )
    text = web.page.locator("#map-status").inner_text()
    found = re.search(r"\d+", text)
    assert found, text
    return int(found.group())


def open_in_view(web: Page) -> int:
    """SQL's count of the open reports in the map's view (edges included)."""
    return in_view(web, Report.objects.filter(status__in=OPEN_STATUSES))


def settle(web: Page) -> None:
    """Every request the map started has been answered."""
    web.page.wait_for_load_state("networkidle")


@pytest.fixture
def many(cleanup: None) -> None:
    load_reports(3000, open_percent=85, prefix="GD-2019-")


def test_the_stated_count_is_sqls_and_each_tile_is_fetched_once(web, many):
    asked: list[str] = []
    web.page.on("request", lambda request: asked.append(request.url))
    web.open("/")
    settle(web)
    assert stated(web) == open_in_view(web) > 1000
    clusters = web.page.locator(".marker-cluster[data-count]")
    assert clusters.count() > 0
    web.audit("the map with server clusters")

    first = clusters.first
    label = first.get_attribute("aria-label") or ""
    assert re.search(r"\d+", label), label

    # Pan away and back, zoom in and out: what was loaded is reused.
    move = "([lon, lat, z]) => window.mapa.map.setView([lat, lon], z, {animate: false})"
    for lon, lat, z in (
        (NEPTUNE_FOUNTAIN[0], NEPTUNE_FOUNTAIN[1], 14),
        (18.60, 54.38, 14),
        (NEPTUNE_FOUNTAIN[0], NEPTUNE_FOUNTAIN[1], 14),
        (NEPTUNE_FOUNTAIN[0], NEPTUNE_FOUNTAIN[1], 12),
        (NEPTUNE_FOUNTAIN[0], NEPTUNE_FOUNTAIN[1], 14),
    ):
        web.page.evaluate(move, [lon, lat, z])
        web.page.wait_for_timeout(300)
        settle(web)
        assert stated(web) == open_in_view(web)
    tiles = Counter(url.split("?")[0] for url in asked if TILE.search(url))
    assert tiles, asked
    assert max(tiles.values()) == 1, [u for u, n in tiles.items() if n > 1]

    # Clusters' numbers in view add up to at least the stated count (tiles reach past the view).
    counts = web.page.locator(".marker-cluster[data-count]").evaluate_all(
        "els => els.map(e => Number(e.dataset.count))"
    )
    pins = web.page.locator(".leaflet-marker-icon[aria-label*='GD-2019-']").count()
    assert sum(counts) + pins >= stated(web)


def loaded(web: Page) -> None:
    """Every tile covering the view, and its count, has been answered (asking again costs
    nothing: loaded and loading tiles are reused)."""
    web.page.evaluate("() => window.mapa.reports.tiles.show()")


COVER_JS = """(size) => {
    const m = window.mapa.map, b = m.getPixelBounds(), z = Math.round(m.getZoom());
    const last = 2 ** (z - Math.log2(size / 256)) - 1;
    const c = (v) => Math.max(0, Math.min(last, v));
    const across = c(Math.floor((b.max.x - 1) / size)) - c(Math.floor(b.min.x / size)) + 1;
    const down = c(Math.floor((b.max.y - 1) / size)) - c(Math.floor(b.min.y / size)) + 1;
    return across * down;
}"""


def test_the_first_view_asks_for_a_few_large_tiles_each_once(web, many):
    """The first view (the city, zoom 11-12) costs one request per 1024-px tile covering it
    (at most four, where 256-px tiles took about twenty) and one count; no URL twice. At
    street level the tiles are 512 px."""
    asked: list[str] = []
    web.page.on("request", lambda request: asked.append(request.url))
    web.open("/")
    loaded(web)
    assert stated(web) == open_in_view(web)
    maps = [url for url in asked if "/api/reports/map/" in url]
    tiles = [url for url in maps if TILE.search(url)]
    counts = [url for url in maps if "/api/reports/map/count/" in url]
    assert len(maps) == len(set(maps)), maps  # each area fetched once
    assert all(url.endswith(".geojson?size=1024") for url in tiles), tiles
    assert len(counts) == 1, counts
    large, small = web.page.evaluate(COVER_JS, 1024), web.page.evaluate(COVER_JS, 256)
    assert len(tiles) == large <= 4, (tiles, large)
    assert 4 * len(maps) <= small + 1, (len(maps), small)  # 256-px tiles and the count: before
    print(f"first view: {len(maps)} map requests, {len(tiles)} tiles (256-px tiles: {small})")
    assert web.page.locator(".marker-cluster[data-count]").count() > 0

    asked.clear()
    web.view(*NEPTUNE_FOUNTAIN, zoom=16)
    loaded(web)
    tiles = [url for url in asked if TILE.search(url)]
    assert tiles, asked
    assert all(url.endswith(".geojson?size=512") for url in tiles), tiles
    assert len(tiles) == web.page.evaluate(COVER_JS, 512), tiles
    assert stated(web) == open_in_view(web)


def test_a_cluster_opens_by_keyboard(web, many):
    web.open("/")
    settle(web)
    zoom = web.page.evaluate("() => window.mapa.map.getZoom()")
    cluster = web.page.locator(".marker-cluster[data-count]").first
    cluster.focus()
    web.page.keyboard.press("Enter")
    web.page.wait_for_function(f"() => window.mapa.map.getZoom() > {zoom}")


def test_a_new_report_shows_at_once(web, seed_report):
    web.open("/")
    settle(web)
    web.view(*NEPTUNE_FOUNTAIN, zoom=16)
    settle(web)
    before = stated(web)
    assert before == open_in_view(web)

    seeded = seed_report(*NEPTUNE_FOUNTAIN, description="Nowe zgłoszenie z innego okna")
    web.open("/")  # a new visit: the browser revalidates its tiles (ETag), the server counted it
    settle(web)
    web.view(*NEPTUNE_FOUNTAIN, zoom=16)
    settle(web)
    pin = web.page.locator(f'.leaflet-marker-icon[aria-label*="{seeded.reference}"]')
    pin.wait_for()
    assert stated(web) == open_in_view(web) == before + 1

    seeded.status = "resolved"
    seeded.save(update_fields=["status"])
    web.open("/")
    settle(web)
    web.view(*NEPTUNE_FOUNTAIN, zoom=16)
    settle(web)
    assert stated(web) == open_in_view(web) == before
    assert pin.count() == 0


def test_the_dispatchers_map_counts_what_the_filters_match(web, many, staff):  # noqa: F811
    staff("mapa-dyspozytor", "dispatcher")
    asked: list[str] = []
    web.page.on("request", lambda request: asked.append(request.url))
    log_in(web, "mapa-dyspozytor", then="/staff/?status=accepted")
    wait_for_cases(web)
    settle(web)
    assert total_shown(web) == Report.objects.filter(status="accepted").count()
    assert stated(web) == in_view(web, Report.objects.filter(status="accepted"))
    tiles = [u for u in asked if "/api/staff/reports/map/" in u and ".geojson" in u]
    assert tiles
    assert all("status=accepted" in u for u in tiles)
    assert max(Counter(tiles).values()) == 1
    web.audit("the dispatcher's map with server clusters")


def in_view(web: Page, reports: Any) -> int:
    west, south, east, north = web.page.evaluate(
        """() => { const b = window.mapa.map.getBounds();
                   return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
                     .map(v => Number(v.toFixed(5))); }"""
    )
    box = Polygon.from_bbox((west, south, east, north))
    box.srid = 4326
    return int(reports.filter(location__bboverlaps=box).count())
