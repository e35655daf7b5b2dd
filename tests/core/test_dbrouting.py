"""Which database a read goes to (mapa/core/dbrouting.py), decided in this process.

tests/core/test_replica.py runs the same against a real streaming replica. Here the
``replica`` alias is the test database itself (as Django's test ``MIRROR`` makes it), or
a loopback port where nothing listens, for a replica that is down.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connections, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.test import Client, RequestFactory
from django.urls import path

from mapa.core import dbrouting
from mapa.core.dbrouting import (
    PIN_COOKIE,
    PRIMARY,
    REPLICA,
    PublicReadsToReplica,
    ReplicaRouting,
    is_public_read,
    public_read_alias,
)
from mapa.reports.models import Report
from tests.conftest import ROOT
from tests.notifications.conftest import free_port
from tests.production import environment

DEVELOPMENT = {"MAPA_ENV": "development"}
router = PublicReadsToReplica()
factory = RequestFactory()


@pytest.mark.parametrize(
    ("method", "path", "extra", "public"),
    [
        ("GET", "/", {}, True),
        ("GET", "/r/GD-2026-000001/", {}, True),
        ("HEAD", "/api/reports/", {}, True),
        ("GET", "/api/reports/nearby/", {}, True),
        ("GET", "/api/categories/", {}, True),
        ("GET", "/open311/v2/requests.json", {}, True),
        ("GET", "/stats/", {}, True),
        ("POST", "/api/reports/", {}, False),
        ("POST", "/report/", {}, False),
        ("GET", "/staff/", {}, False),
        ("GET", "/api/staff/reports/", {}, False),
        ("GET", "/api/exports/reports.csv", {}, False),
        ("GET", "/admin/", {}, False),
        ("GET", "/api/reports/", {"HTTP_AUTHORIZATION": "Token abc"}, False),
        ("GET", "/open311/v2/requests.json?api_key=abc", {}, False),
    ],
)
def test_only_public_reads_may_use_the_replica(method, path, extra, public):
    request = factory.generic(method, path, **extra)
    assert is_public_read(request) is public


@pytest.mark.parametrize("cookie", [PIN_COOKIE, "sessionid"])
def test_a_client_that_wrote_lately_or_logged_in_reads_the_primary(cookie):
    request = factory.get("/api/reports/")
    request.COOKIES[cookie] = "1"
    assert is_public_read(request) is False


def test_writes_and_migrations_go_to_the_primary_only():
    assert router.db_for_write(Report) == PRIMARY
    assert router.allow_migrate(PRIMARY, "reports") is True
    assert router.allow_migrate(REPLICA, "reports") is False
    # Outside a request (commands, the worker, the shell): the primary.
    assert router.db_for_read(Report) == PRIMARY
    assert public_read_alias() == PRIMARY


@pytest.fixture
def replica_alias(
    django_db_setup: None, django_db_blocker: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., None]]:
    """Add a ``replica`` alias: the test database itself, or a port nobody listens on.

    These tests use the ORM outside pytest-django's transaction, which Django refuses as
    "async-unsafe" when the browser tests ran first and left Playwright's event loop in
    this thread; allowed here as tests/browser/conftest.py allows it.
    """
    monkeypatch.setattr(dbrouting, "_down_until", 0.0)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    def add(*, down: bool = False) -> None:
        entry = dict(connections.settings[PRIMARY])
        if down:
            entry.update(HOST="127.0.0.1", PORT=str(free_port()))
        connections.settings[REPLICA] = entry

    with django_db_blocker.unblock():
        yield add
        if REPLICA in connections.settings:
            connections[REPLICA].close()
            del connections[REPLICA]
            del connections.settings[REPLICA]
        connections.close_all()  # none left idle when the test database is dropped


def answered(method: str, path: str, view: Callable[[HttpRequest], HttpResponse]) -> Any:
    return ReplicaRouting(view)(factory.generic(method, path))


def where_reads_go(request: HttpRequest) -> HttpResponse:
    """A view that says where each kind of read would go, outside and inside a transaction."""
    seen = {
        "report": router.db_for_read(Report),
        "session": router.db_for_read(Session),
        "sql": public_read_alias(),
    }
    with transaction.atomic():
        seen["report_in_transaction"] = router.db_for_read(Report)
        seen["sql_in_transaction"] = public_read_alias()
    return HttpResponse(json.dumps(seen))


def test_public_reads_of_public_tables_go_to_the_replica(replica_alias):
    replica_alias()
    seen = json.loads(answered("GET", "/api/reports/", where_reads_go).content)
    assert seen == {
        "report": REPLICA,
        "session": PRIMARY,  # a log-in must never be lost to replication lag
        "sql": REPLICA,
        "report_in_transaction": PRIMARY,
        "sql_in_transaction": PRIMARY,
    }


def test_staff_pages_and_writes_read_the_primary_and_a_write_pins_the_client(replica_alias):
    replica_alias()
    staff = json.loads(answered("GET", "/staff/", where_reads_go).content)
    assert {staff["report"], staff["sql"]} == {PRIMARY}
    write = answered("POST", "/api/reports/", where_reads_go)
    assert {json.loads(write.content)["report"]} == {PRIMARY}
    cookie = write.cookies[PIN_COOKIE]
    assert (cookie["max-age"], cookie["httponly"], cookie["samesite"]) == (15, True, "Lax")
    assert PIN_COOKIE not in answered("GET", "/", where_reads_go).cookies


def test_a_404_from_the_replica_is_asked_again_of_the_primary(replica_alias):
    replica_alias()
    calls: list[str] = []

    def only_on_the_primary(request: HttpRequest) -> HttpResponse:
        calls.append(public_read_alias())
        return HttpResponse("found") if calls[-1] == PRIMARY else HttpResponseNotFound()

    assert answered("GET", "/r/GD-2026-000001/", only_on_the_primary).status_code == 200
    assert calls == [REPLICA, PRIMARY]


def test_a_replica_that_is_down_is_left_alone_for_a_while(replica_alias, caplog, settings):
    settings.MAPA_REPLICA_RETRY_SECONDS = 60
    replica_alias(down=True)
    with caplog.at_level(logging.WARNING, logger="mapa.core.dbrouting"):
        first = json.loads(answered("GET", "/api/reports/", where_reads_go).content)
        second = json.loads(answered("GET", "/", where_reads_go).content)
    assert first["report"] == first["sql"] == second["report"] == PRIMARY
    # Tried once, then left alone: one warning, not one per request.
    warnings = [r.getMessage() for r in caplog.records if r.name == "mapa.core.dbrouting"]
    assert len(warnings) == 1
    assert "Read replica unusable" in warnings[0]
    assert connections[REPLICA].connection is None


def dies_on_the_replica(request: HttpRequest) -> HttpResponse:
    """The replica goes away in the middle of this request (its port now answers nothing)."""
    if public_read_alias() == REPLICA:
        connections[REPLICA].close()
        connections.settings[REPLICA]["PORT"] = str(free_port())
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT 1")
    return HttpResponse(public_read_alias())


def conflicts_on_the_replica(request: HttpRequest) -> HttpResponse:
    """What a hot standby raises when replay needs the rows a query reads (SQLSTATE 40001)."""
    if public_read_alias() == REPLICA:
        conflict = psycopg.errors.SerializationFailure("conflict with recovery")
        raise DatabaseError("canceling statement due to conflict with recovery") from conflict
    return HttpResponse(public_read_alias())


urlpatterns = [
    path("api/reports/dies/", dies_on_the_replica),
    path("api/reports/conflict/", conflicts_on_the_replica),
]


@pytest.fixture
def through_django(settings: Any) -> Client:
    """Django's whole request handling, with the replica middleware and the views above."""
    settings.MIDDLEWARE = ["mapa.core.dbrouting.ReplicaRouting", *settings.MIDDLEWARE]
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("path", ["/api/reports/dies/", "/api/reports/conflict/"])
def test_a_read_the_replica_fails_is_answered_from_the_primary(replica_alias, through_django, path):
    replica_alias()
    answer = through_django.get(path)
    assert (answer.status_code, answer.content) == (200, PRIMARY.encode())


def replica_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = (
        "import json; from mapa import settings as s; "
        "r = s.DATABASES.get('replica'); "
        "print(json.dumps(r and [r['HOST'], r['PORT'], r['OPTIONS'], r['TEST'], "
        "s.DATABASE_ROUTERS, s.MIDDLEWARE]))"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment(env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_replica_url_adds_the_replica_the_router_and_the_middleware():
    result = replica_settings(
        {**DEVELOPMENT, "REPLICA_DATABASE_URL": "postgis://mapa:pw@standby.example:5433/mapa"}
    )
    assert result.returncode == 0, result.stderr
    host, port, options, test, routers, middleware = json.loads(result.stdout)
    assert (host, port, options["connect_timeout"]) == ("standby.example", "5433", "2")
    assert test == {"MIRROR": "default"}
    assert routers == ["mapa.core.dbrouting.PublicReadsToReplica"]
    after_whitenoise = middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1
    assert middleware[after_whitenoise] == "mapa.core.dbrouting.ReplicaRouting"
    # Outside it: database faults become 503s after the replica's own retry had its say.
    assert middleware.index("mapa.core.faults.DatabaseFaults") < after_whitenoise
    assert json.loads(replica_settings(DEVELOPMENT).stdout) is None  # none without the URL


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("mysql://standby/mapa", "REPLICA_DATABASE_URL must be a PostgreSQL URL"),
        ("postgis://standby:port/mapa", "REPLICA_DATABASE_URL has an invalid port"),
        ("postgis://standby/", "REPLICA_DATABASE_URL must name a database"),
    ],
)
def test_a_malformed_replica_url_stops_the_start(value, message):
    result = replica_settings({**DEVELOPMENT, "REPLICA_DATABASE_URL": value})
    assert result.returncode != 0
    assert message in result.stderr
