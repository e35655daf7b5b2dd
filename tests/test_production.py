"""The production path, run the way the container runs it (Dockerfile, compose.yaml).

``collectstatic`` under production settings into a temporary directory, then gunicorn
with production settings on a loopback port, serving the test database (Gdańsk is loaded
and committed once per session, tests/conftest.py). These run real subprocesses, so they
wait for readiness with generous deadlines (two cores, a busy machine) and always stop
what they started.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection, connections

from tests.conftest import ROOT
from tests.production import PRODUCTION, environment

pytestmark = pytest.mark.production

MAIN_BUNDLE = "mapa/map.js"
READY_SECONDS = 90  # a cold start on two busy cores: imports, GDAL, two workers
REQUEST_SECONDS = 30
# whitenoise's answer for files whose name carries their hash (the manifest's).
FAR_FUTURE = "max-age=315360000, public, immutable"
# What a TLS-terminating proxy sends; without it production redirects to https.
BEHIND_TLS = {"X-Forwarded-Proto": "https"}


def run_collectstatic(static_root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=environment(
            {
                **PRODUCTION,
                "DATABASE_URL": "postgis://build/build",
                "MAPA_STATIC_ROOT": str(static_root),
            }
        ),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Static files collected as the Dockerfile collects them (no database needed)."""
    root = tmp_path_factory.mktemp("static")
    result = run_collectstatic(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def manifest(static_root: Path) -> dict[str, str]:
    paths: dict[str, str] = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    return paths


def test_collectstatic_succeeds_under_production_settings(static_root):
    hashed = manifest(static_root)
    assert re.fullmatch(r"mapa/map\.[0-9a-f]{12}\.js", hashed[MAIN_BUNDLE])
    assert (static_root / hashed[MAIN_BUNDLE]).is_file()
    # The admin's OpenLayers keeps a working source map reference.
    ol = (static_root / hashed["vendor/ol/ol.js"]).read_text()
    assert f"sourceMappingURL={Path(hashed['vendor/ol/ol.js.map']).name}" in ol


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        assert self.headers["Content-Type"] == "application/json", self.headers
        return json.loads(self.body)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_SECONDS)
        try:
            conn.request("GET", path, headers={**BEHIND_TLS, **(headers or {})})
            response = conn.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            conn.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def served_database_url() -> str:
    """The pytest-django test database (its name is set once the database exists)."""
    db = connection.settings_dict
    credentials = quote(db["USER"], safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgis://{credentials}@{db['HOST']}{port}/{quote(db['NAME'], safe='')}"


def wait_until_ready(process: subprocess.Popen[bytes], log: Path) -> int:
    """The port gunicorn bound (it logs it), once a worker answers a request."""
    deadline = time.monotonic() + READY_SECONDS
    port = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        if port is None:
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text())
            port = int(found.group(1)) if found else None
        if port is not None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_SECONDS)
            try:
                conn.request("GET", "/api/categories/", headers=BEHIND_TLS)
                conn.getresponse().read()
                return port
            except OSError:
                pass
            finally:
                conn.close()
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within {READY_SECONDS} s:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Graceful first (gunicorn stops its workers on SIGTERM), then the whole group."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def start_gunicorn(
    settings_module: str, static_root: Path, log: Path, database_url: str
) -> Iterator[Server]:
    # The Dockerfile's command, on a free loopback port (0: the kernel picks; gunicorn
    # logs it) and with two workers instead of three.
    command = [sys.executable, "-m", "gunicorn", "mapa.wsgi", "--bind", "127.0.0.1:0"]
    command += ["--workers", "2", "--access-logfile", "-"]
    env = {
        **PRODUCTION,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "MAPA_STATIC_ROOT": str(static_root),
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment(env),
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that stop() reaches workers
        )
    try:
        yield Server(process, wait_until_ready(process, log), log)
    finally:
        stop(process)


@pytest.fixture(scope="module")
def gunicorn(
    django_db_setup: None, static_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """gunicorn as the container starts it, with Mapa's own settings."""
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    yield from start_gunicorn("mapa.settings", static_root, log, served_database_url())


@pytest.fixture(scope="module")
def gunicorn_with_failing_views(
    django_db_setup: None, static_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The same, with tests/production/urls.py's views that fail on purpose."""
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    yield from start_gunicorn("tests.production.settings", static_root, log, served_database_url())


def test_a_page_and_the_api_answer(gunicorn):
    page = gunicorn.get("/")
    assert page.status == 200, gunicorn.output()
    assert page.headers["Content-Type"].startswith("text/html")
    categories = gunicorn.get("/api/categories/", {"Accept-Language": "en"})
    assert categories.status == 200, gunicorn.output()
    assert "pothole" in {c["code"] for c in categories.json()}, "not the test database?"


def test_plain_http_is_sent_to_https(gunicorn):
    conn = http.client.HTTPConnection("127.0.0.1", gunicorn.port, timeout=REQUEST_SECONDS)
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    assert response.status == 301
    assert response.headers["Location"] == f"https://127.0.0.1:{gunicorn.port}/"


def test_hashed_static_files_are_cached_for_ever(gunicorn, static_root):
    asset = gunicorn.get("/static/" + manifest(static_root)[MAIN_BUNDLE])
    assert asset.status == 200, gunicorn.output()
    assert asset.headers["Cache-Control"] == FAR_FUTURE
    assert asset.body == (static_root / manifest(static_root)[MAIN_BUNDLE]).read_bytes()


def test_an_unknown_api_path_is_a_json_404(gunicorn):
    answer = gunicorn.get("/api/no-such-thing/", {"Accept-Language": "en"})
    assert answer.status == 404, gunicorn.output()
    assert answer.json() == {"detail": "There is no API endpoint at /api/no-such-thing/."}


def test_an_unknown_page_is_html(gunicorn):
    answer = gunicorn.get("/no-such-page/")
    assert answer.status == 404
    assert answer.headers["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_is_json(gunicorn_with_failing_views):
    server = gunicorn_with_failing_views
    answer = server.get("/api/test-errors/crash/", {"Accept-Language": "en"})
    assert answer.status == 500, server.output()
    assert answer.json() == {"detail": "Something went wrong on our side. Please try again later."}
    assert "ForcedError: forced by a test" in server.output()  # logged, with its traceback


def test_pages_are_served_with_the_browser_security_headers(gunicorn):
    """HSTS, the Content-Security-Policy (tiles from the default tile host only), the
    Permissions-Policy, and the CSRF cookie Secure, HttpOnly and SameSite=Lax."""
    page = gunicorn.get("/")
    assert page.status == 200, gunicorn.output()
    headers = page.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    policy = headers["Content-Security-Policy"]
    # Directives in any order (django-csp does not keep one).
    directives = {part.strip() for part in policy.split(";")}
    assert "script-src 'self'" in directives
    assert "style-src 'self'" in directives
    assert "img-src 'self' data: blob: https://tile.openstreetmap.org" in directives
    assert "frame-ancestors 'none'" in directives
    assert "unsafe" not in policy
    assert headers["Permissions-Policy"].startswith("geolocation=(self), camera=()")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    cookies = [c for c in headers.get_all("Set-Cookie") or [] if c.startswith("csrftoken=")]
    assert len(cookies) == 1, headers.get_all("Set-Cookie")
    flags = {flag.strip().split("=")[0].lower() for flag in cookies[0].split(";")[1:]}
    assert {"secure", "httponly", "samesite"} <= flags, cookies[0]
    assert "SameSite=Lax" in cookies[0]


def test_the_container_healthcheck_gets_past_the_host_check_and_the_https_redirect(
    gunicorn, django_db_blocker
):
    """scripts/healthcheck.py, the Dockerfile's and compose's probe, against production."""
    from mapa.health.models import Heartbeat

    with django_db_blocker.unblock():
        # A worker started by an earlier test (tests/notifications) may have beaten into
        # this database; this server has none.
        Heartbeat.objects.all().delete()
        # Outside a test transaction: the connection is this test's to close (left open,
        # it would still hold the test database when the session drops it).
        connections.close_all()

    def probe(which: str) -> subprocess.CompletedProcess[str]:
        env = {"ALLOWED_HOSTS": "127.0.0.1", "MAPA_HEALTHCHECK_PORT": str(gunicorn.port)}
        return subprocess.run(
            [sys.executable, "scripts/healthcheck.py", which],
            cwd=ROOT,
            env=environment(env),
            capture_output=True,
            text=True,
            timeout=60,
        )

    live = probe("live")
    assert live.returncode == 0, live.stdout + live.stderr + gunicorn.output()[-2000:]
    assert live.stdout.startswith('200 {"status": "alive"}')
    # No worker beats for this server's database: not ready, and the probe says why.
    ready = probe("ready")
    assert ready.returncode == 1
    assert ready.stdout.startswith("503 ")
    assert '"database": "ok"' in ready.stdout
