"""Mapa as deployed, for the benchmark: ``collectstatic`` and gunicorn under production settings.

The Dockerfile's command (``gunicorn mapa.wsgi --workers 3 --access-logfile -``), on a
spare loopback port, with ``MAPA_ENV=production`` (DEBUG off, the manifest's static
files, persistent database connections) against the benchmark database. The settings
module is ``bench.settings``: Mapa's own, plus one URL that serves the same reports
through djangorestframework-gis for comparison (``bench.drfgis``).

Requests are plain HTTP/1.1 from ``http.client``, one connection each (gunicorn's sync
workers close it after every answer, as they do in production), with the header a
TLS-terminating proxy adds (production redirects plain http otherwise).
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BEHIND_TLS = {"X-Forwarded-Proto": "https"}
WORKERS = 3  # the Dockerfile's
READY_SECONDS = 120
REQUEST_SECONDS = 300


class RequestFailed(RuntimeError):
    """A benchmarked request did not answer as expected: the run stops rather than time errors."""


def production_environment(database_url: str, static_root: Path) -> dict[str, str]:
    """The environment of a production container, pointed at the benchmark database."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MAPA_", "DJANGO_", "DATABASE_", "EMAIL_"))
        and k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    return {
        **keep,
        "MAPA_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "MAPA_STATIC_ROOT": str(static_root),
        # Nothing is sent during the benchmark (no worker runs); production requires it.
        "EMAIL_HOST": "127.0.0.1",
        "MAPA_SMS_BACKEND": "disabled",
        "MAPA_TILE_URL": "",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "WARNING",
        # The load comes from one address: limits it cannot reach, still counted as in
        # production (the counting's cost is measured).
        "MAPA_THROTTLE_RATES": "reports=1000000/hour,photos=1000000/hour",
        # As compose deploys it: rate-limit counts and the map cache in Redis.
        "REDIS_URL": BENCH_REDIS_URL,
    }


# The bench's own Redis database (compose's Redis is the service's alone; here the
# machine's Redis is shared, so the bench takes a database number nobody else uses).
BENCH_REDIS_URL = os.environ.get("MAPA_BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")


def fresh_redis(url: str = BENCH_REDIS_URL) -> None:
    """Empty the bench's Redis database: the benchmark database was made again, so map
    tiles cached for the last run's change counters must not be served for this one's."""
    import redis

    redis.Redis.from_url(url).flushdb()


def static_sources_digest() -> str:
    """A digest of every static file the finders see (path, size, mtime): what collectstatic
    would collect. Needs Django set up (any settings: the finders are the same)."""
    import hashlib

    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collectstatic(root: Path, env: dict[str, str]) -> bool:
    """``collectstatic`` into ``MAPA_STATIC_ROOT`` as the Dockerfile runs it, unless that
    directory already holds a collection of exactly the current files (it takes minutes on
    two busy cores: the manifest's hashing and whitenoise's compression). True if it ran."""
    static_root = Path(env["MAPA_STATIC_ROOT"])
    stamp = static_root / ".bench-sources"
    digest = static_sources_digest()
    if (
        stamp.exists()
        and stamp.read_text() == digest
        and (static_root / "staticfiles.json").exists()
    ):
        return False
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"collectstatic failed:\n{done.stdout}{done.stderr}")
    stamp.write_text(digest)
    return True


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Gunicorn:
    """A running gunicorn; ``stop()`` ends it and its workers (its own process group)."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    extra_headers: dict[str, str] = field(default_factory=lambda: dict(BEHIND_TLS))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_SECONDS)
        try:
            conn.request(method, path, body=body, headers={**self.extra_headers, **(headers or {})})
            response = conn.getresponse()
            return Answer(response.status, dict(response.getheaders()), response.read())
        finally:
            conn.close()

    def get(self, path: str, headers: dict[str, str] | None = None, expect: int = 200) -> Answer:
        answer = self.request("GET", path, headers=headers)
        if answer.status != expect:
            raise RequestFailed(f"GET {path}: {answer.status} {answer.body[:300]!r}")
        return answer

    def post_json(self, path: str, body: bytes, expect: int = 201) -> Answer:
        answer = self.request("POST", path, body, {"Content-Type": "application/json"})
        if answer.status != expect:
            raise RequestFailed(f"POST {path}: {answer.status} {answer.body[:300]!r}")
        return answer

    def worker_pids(self) -> list[int]:
        """gunicorn's workers: the children of its master process."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


def start_gunicorn(root: Path, env: dict[str, str], log: Path, workers: int = WORKERS) -> Gunicorn:
    """gunicorn as the Dockerfile starts it, on a spare port; returns once a worker answers."""
    port = spare_port()
    command = [sys.executable, "-m", "gunicorn", "mapa.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--access-logfile", "-"]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            cwd=root,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Gunicorn(process, port, log)
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            if server.request("GET", "/api/categories/").status == 200:
                # Every worker imports Django lazily on its first request: warm them all.
                for _ in range(workers * 3):
                    server.request("GET", "/api/categories/")
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer within {READY_SECONDS} s:\n{log.read_text()}")


def peak_rss_kib(pid: int) -> int:
    """A process's peak resident memory so far (VmHWM, KiB), 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(re.findall(r"\d+", line)[0])
    except OSError:
        pass
    return 0


def json_body(answer: Answer) -> Any:
    import json

    return json.loads(answer.body)
