"""What ``python -m bench`` measures: Mapa's main requests, each one must succeed."""

from __future__ import annotations

import json
from typing import Any

from bench.harness import Scenario


def _ok(response: Any) -> Any:
    if response.status_code >= 300:
        raise RuntimeError(
            f"benchmark request failed: {response.status_code} {response.content[:300]!r}"
        )
    return response


def scenarios() -> list[Scenario]:
    report = json.dumps(
        {
            "category": "pothole",
            "description": "Benchmark: dziura w jezdni",
            "location": {"type": "Point", "coordinates": [18.6060, 54.3800]},
        }
    )
    return [
        Scenario(
            "route preview (1 point)",
            lambda c: _ok(
                c.get(
                    "/api/routing/",
                    {"category": "stray-animal", "lon": "18.6060", "lat": "54.3800"},
                )
            ),
        ),
        Scenario(
            "list: open, city bbox, 1000",
            lambda c: _ok(
                c.get(
                    "/api/reports/",
                    {"status": "open", "bbox": "18.42,54.27,18.96,54.45", "limit": "1000"},
                )
            ),
        ),
        Scenario(
            "list: all, Śródmieście, 200",
            lambda c: _ok(c.get("/api/reports/", {"district": "srodmiescie"})),
        ),
        Scenario(
            "nearby: 250 m",
            lambda c: _ok(
                c.get("/api/reports/nearby/", {"lon": "18.6532", "lat": "54.3485", "radius": "250"})
            ),
        ),
        Scenario("districts: full GeoJSON", lambda c: _ok(c.get("/api/districts/"))),
        Scenario(
            "districts: simplified 20 m", lambda c: _ok(c.get("/api/districts/", {"simplify": 20}))
        ),
        Scenario(
            "create report (POST)",
            lambda c: _ok(c.post("/api/reports/", report, content_type="application/json")),
        ),
    ]
