"""/api/docs/ and /api/schema/ the way the container serves them: gunicorn, collected static.

Swagger UI's files come from drf-spectacular-sidecar through ``collectstatic`` (hashed
names, whitenoise); the page must name only those, and each must be served.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.test_production import gunicorn, manifest, static_root  # noqa: F401  (fixtures)

pytestmark = pytest.mark.production


def test_swagger_ui_is_served_from_the_collected_static_files(gunicorn, static_root):  # noqa: F811
    page = gunicorn.get("/api/docs/")
    assert page.status == 200, gunicorn.output()
    html = page.body.decode()
    linked = re.findall(r'(?:src|href)="([^"]+)"', html)
    # The split view's start script is served by the view itself, as a file (the
    # Content-Security-Policy allows no inline script).
    assert linked.count("/api/docs/?script=") == 1
    start = gunicorn.get("/api/docs/?script=")
    assert start.status == 200
    assert "javascript" in start.headers["Content-Type"]
    linked.remove("/api/docs/?script=")
    # Swagger UI's favicon, stylesheet and two scripts, and Mapa's own stylesheet for it.
    assert len(linked) == 5, linked
    assert sum(url.startswith("/static/core/api-docs.") for url in linked) == 1
    hashed = set(manifest(static_root).values())
    for url in linked:
        assert url.startswith(
            ("/static/drf_spectacular_sidecar/swagger-ui-dist/", "/static/core/api-docs.")
        ), url
        assert url.removeprefix("/static/") in hashed, f"{url} is not a collected file"
        asset = gunicorn.get(url)
        assert asset.status == 200, url
        assert asset.body == (static_root / url.removeprefix("/static/")).read_bytes()
    assert "http://" not in html
    assert "https://" not in html


def test_the_schema_is_served_in_production(gunicorn):  # noqa: F811
    answer = gunicorn.get("/api/schema/?format=json")
    assert answer.status == 200, gunicorn.output()
    schema = json.loads(answer.body)
    assert "/api/reports/" in schema["paths"]
    assert schema["info"]["title"] == "Mapa Porządku API"
