"""Load tests against the benchmark's gunicorn: N clients, no think time, bounded in time.

Each client is a thread with its own HTTP connections (``http.client``, a new
connection per request, as gunicorn's sync workers close them), sending requests
back to back for a fixed number of seconds. Two mixes:

- ``mixed``: a resident's traffic. Map views of open reports in a random part of
  the city (the list API, 1,000 at most), the map's tiles and count when the map
  serves them, nearby checks while writing a report, and reports sent (5 : 2 : 3 : 1);
- ``creates``: reports only (the creates/s goal is measured with eight clients).

Every answer other than the expected status counts as a failure (a refused
connection or a time-out too). Reported per request kind and in aggregate:
requests, failures, requests per second, p50/p95/p99 and the maximum.

Locust was the first choice; its HTTP client (geventhttpclient) requires brotli,
and with brotli installed whitenoise's ``collectstatic`` also brotli-compresses every
static file: about four times slower on this machine, for every test run that
collects static files, and unlike the container (whose lock has no brotli).
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.harness import percentile

HEADERS = {"X-Forwarded-Proto": "https"}  # what the TLS proxy adds in production
AREA = (18.56, 54.33, 18.66, 54.39)  # central Gdańsk: every point is in a served district
DESCRIPTION = (
    "Obciążenie: dziura w jezdni przy przejściu dla pieszych, głęboka na kilka cm. " * 2
)[:100]
TIMEOUT = 30


@dataclass(frozen=True)
class LoadRow:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    max: float


@dataclass(frozen=True)
class LoadResult:
    users: int
    seconds: int
    mix: str
    rows: list[LoadRow]

    @property
    def total(self) -> LoadRow:
        return next(r for r in self.rows if r.name == "Aggregated")


Sample = tuple[str, float, bool]  # request kind, milliseconds, answered as expected


def summarize(samples: list[Sample], seconds: float) -> list[LoadRow]:
    """One row per request kind (in order of first appearance), then "Aggregated"."""
    kinds: dict[str, list[Sample]] = {}
    for sample in samples:
        kinds.setdefault(sample[0], []).append(sample)
    rows = [_row(name, group, seconds) for name, group in kinds.items()]
    if samples:
        rows.append(_row("Aggregated", samples, seconds))
    return rows


def _row(name: str, samples: list[Sample], seconds: float) -> LoadRow:
    times = [ms for _, ms, _ in samples]
    return LoadRow(
        name=name,
        requests=len(samples),
        failures=sum(1 for _, _, ok in samples if not ok),
        rps=round(len(samples) / seconds, 1) if seconds > 0 else 0.0,
        p50=round(percentile(times, 50), 1),
        p95=round(percentile(times, 95), 1),
        p99=round(percentile(times, 99), 1),
        max=round(max(times), 1),
    )


def _point(rng: random.Random) -> tuple[float, float]:
    w, s, e, n = AREA
    return round(rng.uniform(w, e), 6), round(rng.uniform(s, n), 6)


class Client:
    def __init__(self, port: int, seed: int, map_paths: list[str]) -> None:
        self.port = port
        self.rng = random.Random(seed)  # noqa: S311 (traffic, not secrets)
        self.map_paths = map_paths

    def request(self, name: str, method: str, path: str, body: bytes | None, expect: int) -> Sample:
        headers = dict(HEADERS)
        if body is not None:
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        ok = False
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == expect
        except OSError:
            ok = False
        finally:
            conn.close()
        return name, (time.perf_counter() - start) * 1000, ok

    def create(self) -> Sample:
        lon, lat = _point(self.rng)
        body = {
            "category": "pothole",
            "description": DESCRIPTION,
            "location": {"type": "Point", "coordinates": [lon, lat]},
        }
        return self.request(
            "create report", "POST", "/api/reports/", json.dumps(body).encode(), 201
        )

    def map_view(self) -> Sample:
        lon, lat = _point(self.rng)
        bbox = f"{lon - 0.03:.5f},{lat - 0.015:.5f},{lon + 0.03:.5f},{lat + 0.015:.5f}"
        path = f"/api/reports/?status=open&limit=1000&bbox={bbox}"
        return self.request("map view (list, open, ≤1000)", "GET", path, None, 200)

    def map_tiles(self) -> Sample:
        if not self.map_paths:
            return self.map_view()
        path = self.rng.choice(self.map_paths)
        return self.request("map tile or count", "GET", path, None, 200)

    def nearby(self) -> Sample:
        lon, lat = _point(self.rng)
        path = f"/api/reports/nearby/?lon={lon}&lat={lat}&radius=250"
        return self.request("nearby 250 m", "GET", path, None, 200)

    def mixed(self) -> Sample:
        tasks: list[Callable[[], Sample]] = [self.map_view] * 5 + [self.map_tiles] * 2
        tasks += [self.nearby] * 3 + [self.create]
        return self.rng.choice(tasks)()


def run_load(
    port: int, *, users: int, seconds: int, mix: str, map_paths: list[str] | None = None
) -> LoadResult:
    """``users`` clients sending ``mix`` ("mixed" or "creates") for ``seconds``."""
    if mix not in {"mixed", "creates"}:
        raise ValueError(f"unknown mix {mix!r}")
    samples: list[Sample] = []
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds

    def client(seed: int) -> None:
        c = Client(port, seed, map_paths or [])
        mine: list[Sample] = []
        while time.perf_counter() < deadline:
            mine.append(c.mixed() if mix == "mixed" else c.create())
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return LoadResult(users, seconds, mix, summarize(samples, elapsed))
