"""The resident's map in headless Chromium (Playwright, Debian's chromium), against gunicorn.

Each visit is a fresh browser context (nothing cached in the browser): the time from
the navigation's start to the first cluster on the map (``performance.now()`` when a
``.marker-cluster`` first exists), the number the page states (``#map-status``) against
SQL's count of the open reports in the map's view, and the map requests it made,
repeated URLs counted (each area should be fetched once): all of them, and the tiles
among them (``…/map/<z>/<x>/<y>.geojson?size=1024`` at the city's zoom; the size is part
of the URL, so a tile asked for at two sizes is two areas, not a repeat). The first
visit meets a cold server cache; the others find it warm.
"""

from __future__ import annotations

import os
import re
import statistics
from typing import Any

from bench.floors import Floors
from bench.server import BEHIND_TLS, Gunicorn

CHROMIUM = os.environ.get("MAPA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
CLUSTER = ".marker-cluster"
FIRST_CLUSTER_JS = f"() => document.querySelector('{CLUSTER}') ? performance.now() : false"
MAP_REQUEST = re.compile(r"/api/(reports|staff)/")
TILE_REQUEST = re.compile(r"/map/\d+/\d+/\d+\.geojson")


def visit(browser: Any, server: Gunicorn, floors: Floors) -> dict[str, Any]:
    context = browser.new_context(extra_http_headers=BEHIND_TLS, service_workers="block")
    try:
        page = context.new_page()
        page.route(
            re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort()
        )  # no tile server, nothing outside
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url) if MAP_REQUEST.search(r.url) else None)
        page.goto(server.base_url + "/", wait_until="commit", timeout=60_000)
        first = page.wait_for_function(FIRST_CLUSTER_JS, timeout=60_000, polling=10).json_value()
        page.wait_for_load_state("networkidle", timeout=60_000)
        page.wait_for_function(
            "() => /\\d/.test(document.getElementById('map-status')?.textContent || '')",
            timeout=30_000,
        )
        text = page.locator("#map-status").inner_text()
        found = re.search(r"\d[\d\s\u00a0]*", text)
        stated = int(re.sub(r"\D", "", found.group())) if found else None
        bounds = page.evaluate(
            "() => { const b = window.mapa.map.getBounds();"
            " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
        )
        zoom = page.evaluate("() => window.mapa.map.getZoom()")
    finally:
        context.close()
    w, s, e, n = bounds
    truth = floors.value(
        "SELECT count(*) FROM reports_report WHERE status IN ('new', 'accepted', 'in_progress') "
        "AND location && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)",
        {"w": w, "s": s, "e": e, "n": n},
    )
    urls = [u.split("#")[0] for u in asked]
    return {
        "first_cluster_ms": round(float(first), 1),
        "stated": stated,
        "status_text": text.strip(),
        "truth": int(truth),
        "zoom": zoom,
        "map_requests": len(urls),
        "tile_requests": sum(1 for u in urls if TILE_REQUEST.search(u)),
        "repeated_requests": len(urls) - len(set(urls)),
    }


def first_clusters(server: Gunicorn, floors: Floors, visits: int = 6) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            runs = [visit(browser, server, floors) for _ in range(visits)]
        finally:
            browser.close()
    warm = [r["first_cluster_ms"] for r in runs[1:]] or [runs[0]["first_cluster_ms"]]
    return {
        "visits": runs,
        "cold_ms": runs[0]["first_cluster_ms"],
        "warm_median_ms": round(statistics.median(warm), 1),
        "warm_max_ms": max(warm),
        "stated_exact": all(r["stated"] == r["truth"] for r in runs),
        "repeated_requests": max(r["repeated_requests"] for r in runs),
    }
