"""Throwaway PostgreSQL 15 clusters, and gunicorn on them, for tests that stop, start or
replicate a real server.

``initdb`` makes one in a temporary directory (as the postgres OS user when the tests run
as root), on a spare loopback port, trusting local connections, without fsync. Used by
tests/core/test_replica.py (a primary and a hot standby) and tests/core/test_faults.py
(a primary stopped and started under load).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
import pytest

from tests.notifications.conftest import free_port

BIN = Path("/usr/lib/postgresql/15/bin")
USER = "mapa"
DATABASE = "mapa"
READY_SECONDS = 90  # two busy cores: migrations, Gdańsk, gunicorn's start
REQUEST_SECONDS = 30
INITDB_OPTIONS = ["-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"]


def as_postgres(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres OS user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}{result.stderr}"
    return result


@dataclass
class Cluster:
    """One PostgreSQL 15 instance in the temporary directory."""

    directory: Path
    port: int
    application: str = "mapa-test"

    @property
    def url(self) -> str:
        return (
            f"postgis://{USER}@127.0.0.1:{self.port}/{DATABASE}?application_name={self.application}"
        )

    def mapa_sessions(self) -> int:
        """Mapa's connections to this cluster now (kept between requests, as in production)."""
        count: int = self.value(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
            (self.application,),
        )
        return count

    def connect(self, dbname: str = DATABASE) -> psycopg.Connection[Any]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=USER, dbname=dbname, autocommit=True
        )

    def value(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        with self.connect() as conn:
            row = conn.execute(sql, params).fetchone()
            return None if row is None else row[0]

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.connect() as conn:
            return conn.execute(sql, params).fetchall()

    def pg_ctl(self, *args: str) -> None:
        log = self.directory.parent / f"{self.directory.name}.log"
        run(as_postgres([str(BIN / "pg_ctl"), "-D", str(self.directory), "-l", str(log), *args]))

    def start(self) -> None:
        self.pg_ctl("-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("-w", "-t", "60", "-m", mode, "stop")

    def running(self) -> bool:
        status = subprocess.run(
            as_postgres([str(BIN / "pg_ctl"), "-D", str(self.directory), "status"]),
            capture_output=True,
            timeout=30,
        )
        return status.returncode == 0


def wait_for(condition: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except psycopg.OperationalError:
            pass
        time.sleep(0.05)
    pytest.fail(f"still not true after {seconds} s: {condition}")


def make_primary(root: Path, *, application: str, extra_conf: str = "") -> Cluster:
    """A running cluster with the ``mapa`` database and PostGIS in it."""
    primary = Cluster(root / "primary", free_port(), application)
    initdb = [str(BIN / "initdb"), "-D", str(primary.directory), "-U", USER, "--auth=trust"]
    run(as_postgres([*initdb, *INITDB_OPTIONS]))
    # Throwaway: no fsync. initdb's pg_hba.conf already trusts replication from 127.0.0.1.
    with (primary.directory / "postgresql.conf").open("a") as conf:
        conf.write(
            f"listen_addresses = '127.0.0.1'\nport = {primary.port}\n"
            f"unix_socket_directories = '{root}'\nfsync = off\nmax_connections = 30\n"
            f"{extra_conf}"
        )
    primary.start()
    with primary.connect("postgres") as conn:
        conn.execute(f"CREATE DATABASE {DATABASE}")
    with primary.connect() as conn:
        conn.execute("CREATE EXTENSION postgis")
    return primary


@contextmanager
def cluster_directory(prefix: str) -> Iterator[tuple[Path, list[Cluster]]]:
    """A temporary directory the postgres user owns, and the list of clusters made in it:
    each one still running at the end is stopped, and the directory removed, failed or not."""
    if not (BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL 15's server binaries are missing ({BIN}): make test installs them")
    root = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    root.chmod(0o700)
    made: list[Cluster] = []
    try:
        yield root, made
    finally:
        for cluster in made:
            if cluster.directory.exists() and cluster.running():
                cluster.pg_ctl("-w", "-t", "60", "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def cookies(self) -> SimpleCookie:
        jar: SimpleCookie = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return jar


@dataclass
class Client:
    """An HTTP client with a cookie jar (a browser) or without one (``keep=False``)."""

    port: int
    keep: bool = True
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: Any = None
    ) -> Answer:
        sent = {"Accept-Language": "en", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_SECONDS)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            conn.close()
        if self.keep:
            self.cookies.update({k: m.value for k, m in answer.cookies.items()})
        return answer

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post_json(self, path: str, data: Any) -> Answer:
        body = json.dumps(data).encode()
        return self.request("POST", path, body, {"Content-Type": "application/json"})

    def post_form(self, path: str, data: dict[str, str]) -> Answer:
        body = urlencode(data).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )


def wait_until_ready(process: subprocess.Popen[bytes], log: Path) -> int:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text())
        if found:
            try:
                if Client(int(found.group(1))).get("/api/categories/").status == 200:
                    return int(found.group(1))
            except OSError:
                pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within {READY_SECONDS} s:\n{log.read_text()}")
