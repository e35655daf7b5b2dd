"""Exact counting under concurrency, on Redis and on the PostgreSQL table: forked processes
counting at once, and concurrent clients of a live server. At limit N, exactly N pass.

These tests commit (other processes and threads must see the counts), so they are not
in a test transaction; ``committed`` deletes what they made.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from django.db import connections

from mapa.limits.throttling import seconds_refused_for
from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.limits.conftest import rates

PROCESSES = 6
TRIES_EACH = 15
LIMIT = 40  # of 90 tries


def _count_in_a_process(start: Any, results: Any) -> None:
    """A forked child: wait for the others, then try TRIES_EACH times as one client."""
    connections.close_all()  # a database connection of its own
    start.wait()
    accepted = sum(
        1 for _ in range(TRIES_EACH) if seconds_refused_for("reports", "address:192.0.2.1") == 0
    )
    connections.close_all()
    results.put(accepted)


def test_processes_counting_at_once_accept_exactly_the_limit(
    committed: None, limits_store: Any, settings: Any, frozen_clock: int
) -> None:
    rates(settings, reports=(LIMIT, 3600))
    connections.close_all()  # the children must not share the parent's connection
    context = multiprocessing.get_context("fork")
    start = context.Barrier(PROCESSES)
    results = context.Queue()
    children = [
        context.Process(target=_count_in_a_process, args=(start, results)) for _ in range(PROCESSES)
    ]
    for child in children:
        child.start()
    accepted = [results.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0
    assert sum(accepted) == LIMIT
    assert seconds_refused_for("reports", "address:192.0.2.1") > 0  # and still refused


def test_concurrent_clients_of_a_live_server_get_exactly_the_limit_of_201s(
    live_url: str, limits_store: Any, settings: Any, frozen_clock: int
) -> None:
    limit, tries = 4, 12
    rates(settings, reports=(limit, 3600))
    body = {
        "category": "pothole",
        "location": {"type": "Point", "coordinates": list(NEPTUNE_FOUNTAIN)},
        "description": "Wyścig po limit",
    }

    def post(_: int) -> tuple[int, str]:
        answer = requests.post(f"{live_url}/api/reports/", json=body, timeout=120)
        return answer.status_code, answer.headers.get("Retry-After", "")

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(post, range(tries)))
    assert sorted(status for status, _ in answers) == [201] * limit + [429] * (tries - limit)
    assert {wait for status, wait in answers if status == 429} == {"3000"}
    assert Report.objects.filter(description="Wyścig po limit").count() == limit
