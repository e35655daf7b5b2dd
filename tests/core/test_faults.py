"""Database faults against a real server (mapa/core/faults.py, mapa/health/).

One throwaway PostgreSQL 15 cluster (tests/pgcluster.py) with PostGIS, Mapa migrated and
Gdańsk loaded; gunicorn serves it with connections kept between requests, as production
does, and ``manage.py worker`` beats its heartbeat against it. The cluster is stopped in
the middle of a stream of report POSTs and GETs, then started again; a public read that
runs longer than ``MAPA_PUBLIC_STATEMENT_TIMEOUT_MS`` is cut. The cluster is stopped and
removed at the end, failed or not.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import NEPTUNE_FOUNTAIN, ROOT, WRZESZCZ_GORNY
from tests.pgcluster import (
    Answer,
    Client,
    Cluster,
    cluster_directory,
    make_primary,
    run,
    wait_for,
    wait_until_ready,
)
from tests.production import environment
from tests.test_production import stop

# gunicorn and the worker in subprocesses, on a cluster of their own (about 2.5 minutes on
# two busy cores, most of it migrating and loading Gdańsk into the new cluster).
pytestmark = pytest.mark.production

APPLICATION = "mapa-faults-test"
PUBLIC_TIMEOUT_MS = 300
SETUP_SCRIPT = """
import io
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
call_command("load_city", "fixtures/gdansk", stdout=io.StringIO())
"""
# Every process against the cluster: the web reads these, the worker beats by them.
HEALTH = {"MAPA_WORKER_HEARTBEAT_SECONDS": "1", "MAPA_WORKER_HEARTBEAT_STALE_SECONDS": "10"}


@dataclass
class Site:
    cluster: Cluster
    port: int
    log: Path
    env: dict[str, str]

    def client(self, **cookies: str) -> Client:
        return Client(self.port, keep=False, cookies=dict(cookies))

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with cluster_directory("mapa-faults-") as (root, made):
        cluster = make_primary(root, application=APPLICATION)
        made.append(cluster)
        env = {
            "MAPA_ENV": "test",
            "DATABASE_URL": cluster.url,
            "DJANGO_SETTINGS_MODULE": "tests.production.settings",  # + the slow views
            "PYTHONUNBUFFERED": "1",
            **HEALTH,
        }
        run([sys.executable, "-c", SETUP_SCRIPT], cwd=ROOT, env=environment(env))
        served = {
            **env,
            # Kept, health-checked connections, as production keeps them.
            "DATABASE_CONN_MAX_AGE": "60",
            "ALLOWED_HOSTS": "127.0.0.1",
            "MAPA_PUBLIC_STATEMENT_TIMEOUT_MS": str(PUBLIC_TIMEOUT_MS),
        }
        log = tmp_path_factory.mktemp("faults") / "gunicorn.log"
        command = [sys.executable, "-m", "gunicorn", "mapa.wsgi", "--bind", "127.0.0.1:0"]
        command += ["--workers", "2", "--access-logfile", "-"]
        with log.open("wb") as sink:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=environment(served),
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            yield Site(cluster, wait_until_ready(process, log), log, env)
        finally:
            stop(process)


@pytest.fixture(scope="module")
def worker(
    site: Site, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[subprocess.Popen[bytes]]:
    """``manage.py worker`` against the cluster, beating, sweeping and running its periodic
    jobs every second, so that each of them meets the outage."""
    log = tmp_path_factory.mktemp("faults") / "worker.log"
    command = [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay"]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*command, "--interval", "0.5", "--sweep-interval", "1"],
            cwd=ROOT,
            env=environment({**site.env, "MAPA_SMS_BACKEND": "disabled"}),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    process.log = log  # type: ignore[attr-defined]
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=30)


def ready(site: Site) -> Answer:
    return site.client().get("/health/ready/")


def report_body(description: str, where: tuple[float, float] = NEPTUNE_FOUNTAIN) -> bytes:
    body = {
        "category": "pothole",
        "location": {"type": "Point", "coordinates": list(where)},
        "description": description,
    }
    return json.dumps(body).encode()


@dataclass
class Load:
    """Clients filing reports and reading the map until told to stop; every answer kept."""

    site: Site
    answers: list[tuple[str, str, Answer]] = field(default_factory=list)  # kind, description
    failures: list[str] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, kind: str, status: int, since: int = 0) -> int:
        with self.lock:
            return sum(1 for k, _, a in self.answers[since:] if k == kind and a.status == status)

    def mark(self) -> int:
        with self.lock:
            return len(self.answers)

    def _loop(self, name: str, send: Callable[[int], tuple[str, str, Answer]]) -> None:
        sent = 0
        while not self.done.is_set():
            sent += 1
            try:
                kind, description, answer = send(sent)
            except OSError as exc:  # the server itself must never drop a request
                self.failures.append(f"{name} #{sent}: {exc!r}")
                continue
            with self.lock:
                self.answers.append((kind, description, answer))

    def poster(self, name: str) -> Callable[[], None]:
        def send(n: int) -> tuple[str, str, Answer]:
            description = f"Outage test {name} {n}"
            where = NEPTUNE_FOUNTAIN if n % 2 else WRZESZCZ_GORNY
            headers = {"Content-Type": "application/json"}
            answer = self.site.client().request(
                "POST", "/api/reports/", report_body(description, where), headers
            )
            return "post", description, answer

        return lambda: self._loop(name, send)

    def reader(self) -> Callable[[], None]:
        paths = ["/api/reports/?limit=20", "/api/categories/", "/", "/stats/"]

        def send(n: int) -> tuple[str, str, Answer]:
            path = paths[n % len(paths)]
            return "get", path, self.site.client().get(path)

        return lambda: self._loop("reader", send)

    def __enter__(self) -> Load:
        self.threads = [
            threading.Thread(target=target, daemon=True)
            for target in (self.poster("a"), self.poster("b"), self.reader())
        ]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        for thread in self.threads:
            thread.join(timeout=60)


def assert_503(answer: Answer, *, api: bool) -> None:
    assert answer.status == 503, (answer.status, answer.body[:500])
    assert answer.headers["Retry-After"] == "5"
    if api:
        assert answer.headers["Content-Type"].startswith("application/json")
        assert set(answer.json()) == {"detail"}, answer.body
    else:
        assert answer.headers["Content-Type"].startswith("text/html")
        assert b"<h1>" in answer.body
        assert b"Traceback" not in answer.body


def test_postgresql_stopped_under_load_answers_503_then_recovers_without_a_restart(site, worker):
    wait_for(lambda: ready(site).status == 200, seconds=60)  # the worker has beaten
    with Load(site) as load:
        wait_for(lambda: load.count("post", 201) >= 10, seconds=120)
        site.cluster.stop("immediate")  # as a crash: transactions in flight are cut
        stopped_at = load.mark()
        try:
            wait_for(lambda: load.count("post", 503, stopped_at) >= 5, seconds=60)
            wait_for(lambda: load.count("get", 503, stopped_at) >= 5, seconds=60)
            # Every kind of answer, while the database is away.
            browser = site.client(django_language="en")
            assert_503(browser.get("/api/reports/"), api=True)
            open311 = browser.get("/open311/v2/services.json")  # in Open311's own error shape
            assert open311.status == 503
            assert open311.headers["Retry-After"] == "5"
            assert open311.json()[0]["code"] == 503
            page = browser.get("/")
            assert_503(page, api=False)
            assert b"Service briefly unavailable" in page.body
            assert site.client().get("/health/live/").status == 200
            not_ready = ready(site)
            assert not_ready.status == 503
            assert not_ready.json()["checks"]["database"] == "unavailable"
        finally:
            site.cluster.start()
        restarted_at = load.mark()
        tries = 0
        while True:  # back by itself: no restart of gunicorn
            tries += 1
            filed = site.client().request(
                "POST",
                "/api/reports/",
                report_body("Outage test after"),
                {"Content-Type": "application/json"},
            )
            if filed.status == 201 or tries == 5:
                break
        assert filed.status == 201, (tries, filed.body)
        print(f"Filed again at try {tries} after the start; ", end="")
        filed_after = filed.json()["properties"]["reference"]
        wait_for(lambda: load.count("post", 201, restarted_at) >= 5, seconds=60)

    assert not load.failures, load.failures[:5]
    statuses = {(kind, answer.status) for kind, _, answer in load.answers}
    assert statuses <= {("post", 201), ("post", 503), ("get", 200), ("get", 503)}, statuses
    for kind, path, answer in load.answers:
        if answer.status == 503:
            assert_503(answer, api=kind == "post" or path.startswith("/api/"))
    output = site.output()
    assert "Traceback" not in output, output[-3000:]
    # The worker rode it out too: still running, and whatever of it met the outage (the
    # task loop, the sweep, the periodic jobs; which one depends on timing) said so in a
    # line, never a traceback (the rule, with a real refused connection: test_worker.py).
    worked = worker.log.read_text()
    assert "Traceback" not in worked, worked[-3000:]
    assert worker.poll() is None
    assert "Internal Server Error" not in output, output[-3000:]

    # Each 201 is there, routed, with its filing event; no report exists without its event,
    # and none but those filed or whose answer was lost with the database (a 503).
    filed_references = {
        answer.json()["properties"]["reference"]
        for kind, _, answer in load.answers
        if kind == "post" and answer.status == 201
    }
    filed_references.add(filed_after)
    print(f"{len(filed_references)} filed, {load.count('post', 503)} POSTs answered 503")
    refused = {d for kind, d, answer in load.answers if kind == "post" and answer.status == 503}
    rows = site.cluster.rows(
        "SELECT r.reference, r.description, r.district_id IS NOT NULL, r.unit_id IS NOT NULL,"
        " (SELECT count(*) FROM reports_reportevent e"
        "  WHERE e.report_id = r.id AND e.kind = 'created')"
        " FROM reports_report r WHERE r.description LIKE 'Outage test %%'"
    )
    stored = {reference: (description, *rest) for reference, description, *rest in rows}
    assert filed_references <= set(stored), filed_references - set(stored)
    for reference, (description, in_district, has_unit, created_events) in stored.items():
        assert in_district, (reference, description)
        assert has_unit, (reference, description)
        assert created_events == 1, (reference, description)
        if reference not in filed_references:
            assert description in refused, (reference, description)

    # The worker lived through it and beats again (not an old beat still young): ready.
    last = site.cluster.value("SELECT beat_at FROM health_heartbeat")
    beat_again = "SELECT beat_at > %s FROM health_heartbeat"
    wait_for(lambda: site.cluster.value(beat_again, (last,)), seconds=60)
    assert worker.poll() is None, worker.log.read_text()[-3000:]
    assert ready(site).status == 200


def test_a_slow_public_read_is_cut_at_the_statement_timeout_and_staff_reads_are_not(site):
    stranger = site.client(django_language="en")
    quick = stranger.get("/api/reports/test-slow/?seconds=0.01")
    assert quick.status == 200
    assert quick.json()["statement_timeout"] == f"{PUBLIC_TIMEOUT_MS}ms"

    cut = stranger.get("/api/reports/test-slow/?seconds=5")
    assert_503(cut, api=True)
    assert "took too long" in cut.json()["detail"]
    page = stranger.get("/stats/test-slow/?seconds=5")
    assert_503(page, api=False)
    assert b"took too long" in page.body

    for _ in range(3):  # on whichever worker and kept connection it lands: not cut
        export = stranger.get("/api/exports/test-slow/?seconds=0.5")
        assert export.status == 200, export.body[:500]
        assert export.json()["statement_timeout"] == "0"
        assert stranger.get("/api/reports/?limit=5").status == 200
    assert "Traceback" not in site.output()

    # A management command (and so the worker) keeps the server's default: no limit.
    show = "from django.db import connection\nc = connection.cursor()\n"
    show += "c.execute('SELECT pg_sleep(0.5)'); c.execute('SHOW statement_timeout')\n"
    show += "print('timeout=' + c.fetchone()[0])"
    env = {**site.env, "MAPA_PUBLIC_STATEMENT_TIMEOUT_MS": str(PUBLIC_TIMEOUT_MS)}
    result = run([sys.executable, "manage.py", "shell", "-c", show], cwd=ROOT, env=environment(env))
    assert re.search(r"^timeout=0$", result.stdout, re.M), result.stdout


def test_readiness_fails_on_a_stale_or_missing_heartbeat_and_liveness_does_not(site, worker):
    wait_for(lambda: ready(site).status == 200, seconds=60)  # the worker has beaten
    answer = ready(site)
    assert answer.json()["checks"] == {"database": "ok", "worker": "ok"}
    assert "no-store" in answer.headers["Cache-Control"]
    assert answer.json()["worker_heartbeat_age_seconds"] <= 10

    worker.terminate()
    worker.wait(timeout=30)
    site.cluster.value(
        "UPDATE health_heartbeat SET beat_at = now() - interval '1 hour' RETURNING name"
    )
    stale = ready(site)
    assert stale.status == 503
    assert stale.json()["checks"] == {"database": "ok", "worker": "stale"}
    assert stale.json()["worker_heartbeat_age_seconds"] >= 3600
    site.cluster.value("DELETE FROM health_heartbeat RETURNING name")
    assert ready(site).json()["checks"]["worker"] == "missing"
    live = site.client().get("/health/live/")
    assert live.status == 200
    assert live.json() == {"status": "alive"}
