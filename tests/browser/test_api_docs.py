"""Swagger UI at /api/docs/: every file from our own static files, every operation shown.

drf-spectacular-sidecar ships Swagger UI's scripts, stylesheet and favicon; the page
must not reach a CDN, Google Fonts or validator.swagger.io. The ``web`` fixture aborts
requests that leave 127.0.0.1; this test also asserts that none was even attempted.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from tests.browser.conftest import Page


def test_swagger_ui_renders_every_operation_from_local_files_only(web: Page, live_url: str):
    page = web.page
    requested: list[str] = []
    failed: list[str] = []
    console_errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )

    web.open("/api/docs/")
    # The schema is generated on first use (seconds on a busy machine), then drawn.
    page.wait_for_selector(".opblock-summary", state="visible", timeout=60_000)
    assert "Mapa Porządku API" in page.locator(".info .title").inner_text()

    with urllib.request.urlopen(f"{live_url}/api/schema/?format=json") as response:  # noqa: S310
        schema: dict[str, Any] = json.load(response)
    operation_count = sum(
        method in ("get", "post", "put", "patch", "delete")
        for item in schema["paths"].values()
        for method in item
    )
    assert page.locator(".opblock").count() == operation_count
    shown = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/reports/nearby/" in [text.replace("\u200b", "") for text in shown]

    # One operation opened: its description, and its examples rendered.
    post = page.locator("#operations-reports-reports_create")
    post.locator(".opblock-summary").click()
    post.locator(".opblock-description-wrapper").first.wait_for()
    assert "routed at once" in post.inner_text()
    post.locator(".responses-table").wait_for()
    text = post.inner_text()
    assert "GD-2026-000001" in text  # the success example
    assert "Unknown category" in text  # the 400 example, in the error shape

    page.wait_for_load_state("networkidle")
    assert requested, "the page made no request at all?"
    leaving = [
        url
        for url in requested
        if urlsplit(url).scheme not in ("data", "blob") and not url.startswith(live_url + "/")
    ]
    assert not leaving, f"requests leaving 127.0.0.1: {leaving}"
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/" in url for url in requested)
    assert not failed, f"failed requests: {failed}"
    assert not console_errors, f"console errors: {console_errors}"


def test_the_docs_page_names_no_other_host(live_url: str):
    """What a browser elsewhere would fetch: only this site's paths (and no validator badge)."""
    with urllib.request.urlopen(f"{live_url}/api/docs/") as response:  # noqa: S310
        html = response.read().decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "http://" not in html
    assert "https://" not in html
    # Swagger UI's start script is a file of its own (?script), as the CSP wants.
    assert '<script src="/api/docs/?script="></script>' in html
    with urllib.request.urlopen(f"{live_url}/api/docs/?script=") as response:  # noqa: S310
        assert response.headers["Content-Type"].startswith("application/javascript")
        script = response.read().decode()
    assert "http://" not in script
    assert "https://" not in script
    assert '"validatorUrl": null' in script


def test_a_request_leaving_the_host_would_be_seen(web: Page):
    """The listening above can fail: an off-host fetch is refused by the page's
    Content-Security-Policy (connect-src 'self') before it leaves, and that is seen."""
    page = web.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    web.open("/api/docs/")
    page.wait_for_selector(".opblock-summary", timeout=60_000)
    blocked = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener('securitypolicyviolation',
                (event) => resolve([event.effectiveDirective, event.blockedURI]), {once: true});
            fetch('https://cdn.jsdelivr.net/npm/x.js').catch(() => null);
        })"""
    )
    assert blocked == ["connect-src", "https://cdn.jsdelivr.net/npm/x.js"]
    assert "https://cdn.jsdelivr.net/npm/x.js" not in requested
    # The fixture's listener saw it first (it was added first); this one was asked for.
    assert [v for v in web.csp_violations if "cdn.jsdelivr.net" in v], web.csp_violations
    web.csp_violations.clear()
