"""Answering once per key (mapa/idempotency/services.py), with real concurrent transactions."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from mapa.idempotency.models import IdempotencyKey
from mapa.idempotency.services import (
    KeyReused,
    Outcome,
    keys_expire,
    request_hash,
    respond_once,
)
from mapa.notifications.registry import periodic_jobs


def test_the_hash_is_of_the_parsed_request():
    one = request_hash(scope="anonymous", method="post", path="/a/", data={"x": 1, "y": [1, 2]})
    assert one == request_hash(
        scope="anonymous", method="POST", path="/a/", data={"y": [1, 2], "x": 1}
    )
    for other in (
        {"scope": "user:1", "method": "POST", "path": "/a/", "data": {"x": 1, "y": [1, 2]}},
        {"scope": "anonymous", "method": "POST", "path": "/b/", "data": {"x": 1, "y": [1, 2]}},
        {"scope": "anonymous", "method": "POST", "path": "/a/", "data": {"x": 1, "y": [2, 1]}},
        {"scope": "anonymous", "method": "POST", "path": "/a/", "data": {"x": "1", "y": [1, 2]}},
    ):
        assert request_hash(**other) != one, other


@pytest.mark.django_db
def test_a_refusal_stores_nothing():
    def refuse() -> Outcome:
        IdempotencyKey.objects.create(scope="side", key="write", request_hash="", status=1, body="")
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        respond_once(scope="s", key="k", fingerprint="f", perform=refuse)
    assert not IdempotencyKey.objects.exists()  # the claim and the write, rolled back
    assert respond_once(scope="s", key="k", fingerprint="f", perform=lambda: None) is None
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_another_request_with_the_key_is_refused():
    respond_once(scope="s", key="k", fingerprint="f", perform=lambda: Outcome(201, "t", "a"))
    with pytest.raises(KeyReused):
        respond_once(scope="s", key="k", fingerprint="g", perform=lambda: Outcome(201, "t", "b"))
    assert respond_once(scope="t", key="k", fingerprint="g", perform=lambda: Outcome(201, "t", "c"))


@pytest.mark.django_db
def test_old_keys_expire(settings):
    settings.MAPA_IDEMPOTENCY_KEY_HOURS = 24
    respond_once(scope="s", key="old", fingerprint="f", perform=lambda: Outcome(201, "t", "a"))
    respond_once(scope="s", key="new", fingerprint="f", perform=lambda: Outcome(201, "t", "b"))
    IdempotencyKey.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=24, minutes=1)
    )
    assert keys_expire() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_the_worker_expires_keys():
    assert periodic_jobs()["expired idempotency keys"] is keys_expire


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Real transactions on separate connections (no test transaction); a scope to use."""
    scope = f"race-{uuid.uuid4().hex}"
    with django_db_blocker.unblock():
        yield scope
        IdempotencyKey.objects.filter(scope__startswith=scope).delete()
        connection.close()


def test_of_two_requests_racing_with_one_key_one_writes_and_both_get_its_answer(committed):
    """A performs first but claims last: B, started while A works, claims first and
    commits. A's claim then finds the key taken: its write is rolled back, and it
    answers B's answer as a replay."""
    scope = committed
    a_performed, b_done = threading.Event(), threading.Event()
    answers: dict[str, Outcome] = {}

    def write(name: str) -> None:  # the request's own write, in its transaction
        IdempotencyKey.objects.create(
            scope=f"{scope}-writes", key=name, request_hash="", status=0, body=""
        )

    def slow() -> Outcome:
        write("a")
        a_performed.set()
        assert b_done.wait(60)
        return Outcome(201, "text/plain", "a")

    def quick() -> Outcome:
        write("b")
        return Outcome(201, "text/plain", "b")

    def request(name: str, perform: Any) -> None:
        try:
            answers[name] = respond_once(scope=scope, key="k", fingerprint="f", perform=perform)
        finally:
            if name == "b":
                b_done.set()
            connections.close_all()

    first = threading.Thread(target=request, args=("a", slow))
    first.start()
    assert a_performed.wait(60)
    second = threading.Thread(target=request, args=("b", quick))
    second.start()
    second.join()
    first.join()

    assert answers["b"] == Outcome(201, "text/plain", "b", replayed=False)
    assert answers["a"] == Outcome(201, "text/plain", "b", replayed=True)
    writes = IdempotencyKey.objects.filter(scope=f"{scope}-writes")
    assert list(writes.values_list("key", flat=True)) == ["b"]  # A's write was rolled back
    assert IdempotencyKey.objects.get(scope=scope, key="k").body == "b"
