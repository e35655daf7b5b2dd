"""Locust users for ``python -m bench``'s load tests (run headless by ``bench.loadtest``).

``MixedUser`` is a resident's traffic: map views of open reports in a random part of
the city (and, when the map serves them, its aggregated views, from ``BENCH_MAP_PATHS``),
nearby checks while writing a report, and reports sent. ``CreateUser`` only sends
reports: the creates/s goal is measured with eight of them. No think time: the users
are as many clients as the server can take. Every answer other than the expected one
counts as a failure.
"""

from __future__ import annotations

import json
import os
import random

from locust import FastHttpUser, constant, task

HEADERS = {"X-Forwarded-Proto": "https"}  # what the TLS proxy adds in production
# Central Gdańsk: every point here is in a served district.
AREA = (18.56, 54.33, 18.66, 54.39)
DESCRIPTION = (
    "Obciążenie: dziura w jezdni przy przejściu dla pieszych, głęboka na kilka cm. " * 2
)[:100]
MAP_PATHS: list[str] = json.loads(os.environ.get("BENCH_MAP_PATHS", "[]"))


def _point() -> tuple[float, float]:
    w, s, e, n = AREA
    return round(random.uniform(w, e), 6), round(random.uniform(s, n), 6)  # noqa: S311


def _create(user: FastHttpUser) -> None:
    lon, lat = _point()
    body = {
        "category": "pothole",
        "description": DESCRIPTION,
        "location": {"type": "Point", "coordinates": [lon, lat]},
    }
    user.client.post(
        "/api/reports/",
        json=body,
        headers=HEADERS,
        name="create report",
        catch_response=False,
    )


class MixedUser(FastHttpUser):
    wait_time = constant(0)

    @task(5)
    def map_view(self) -> None:
        lon, lat = _point()
        bbox = f"{lon - 0.03:.5f},{lat - 0.015:.5f},{lon + 0.03:.5f},{lat + 0.015:.5f}"
        self.client.get(
            f"/api/reports/?status=open&limit=1000&bbox={bbox}",
            headers=HEADERS,
            name="map view (open, 1000)",
        )

    @task(2)
    def aggregated_map(self) -> None:
        if not MAP_PATHS:
            return self.map_view()
        path = random.choice(MAP_PATHS)  # noqa: S311
        self.client.get(path, headers=HEADERS, name="map (server-side)")
        return None

    @task(3)
    def nearby(self) -> None:
        lon, lat = _point()
        self.client.get(
            f"/api/reports/nearby/?lon={lon}&lat={lat}&radius=250",
            headers=HEADERS,
            name="nearby 250 m",
        )

    @task(1)
    def create(self) -> None:
        _create(self)


class CreateUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def create(self) -> None:
        _create(self)
