"""50 concurrent clients file reports over HTTP, some repeating an Idempotency-Key.

gunicorn (two workers of eight threads, as a server runs it) serves the test database;
50 client threads send, round by round (a barrier starts each round together), one
request each: in a round, one key is sent three times with two different bodies, three
keys two, three and five times with the same body, five requests carry no key and the
rest a key of their own. The repeats of a key are in the same round, so they race each
other. Then exactly the expected reports exist, each routed (district and unit); every
repeat got the first answer byte for byte; of a conflicting key's bodies one was filed
and the other got 409s. ``make test`` runs 6 rounds (300 creates); ``make fuzz``
(``MAPA_FUZZ_PROFILE=fuzz``) 200 rounds (10,000 creates).
"""

from __future__ import annotations

import http.client
import json
import random
import subprocess
import sys
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mapa.idempotency.models import IdempotencyKey
from mapa.notifications.models import Notification
from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN, ROOT, WRZESZCZ_GORNY
from tests.fuzz import profiles
from tests.production import environment
from tests.test_production import served_database_url, stop, wait_until_ready

CLIENTS = 50
ROUNDS = 200 if profiles.PROFILE == "fuzz" else 6
REQUEST_SECONDS = 300  # a request waits for the others on two busy cores; never a timing check
PLACES = [WRZESZCZ_GORNY, NEPTUNE_FOUNTAIN]


@dataclass(frozen=True)
class Send:
    group: str  # the key's group (or the request's own, without a key)
    key: str | None
    description: str  # the body's own part: equal bodies, equal descriptions
    place: int


@dataclass
class Answer:
    status: int
    body: bytes
    replayed: str | None


@dataclass
class Plan:
    rounds: list[list[Send]] = field(default_factory=list)
    expected_rows: int = 0


def plan(run: str, rng: random.Random) -> Plan:
    """Each round: 50 requests, 41 reports (one per key, and one per request without)."""
    result = Plan()
    for r in range(ROUNDS):
        sends: list[Send] = []
        conflict = f"{run}-{r}-conflict"
        sends += [Send(conflict, conflict, f"{run} r{r} conflict A", 0)] * 2
        sends += [Send(conflict, conflict, f"{run} r{r} conflict B", 1)]
        for size in (2, 3, 5):
            key = f"{run}-{r}-repeat{size}"
            sends += [Send(key, key, f"{run} r{r} repeat{size}", size % 2)] * size
        for n in range(5):
            sends.append(Send(f"{run}-{r}-nokey{n}", None, f"{run} r{r} nokey{n}", n % 2))
        while len(sends) < CLIENTS:
            key = str(uuid.uuid4())
            sends.append(Send(key, key, f"{run} r{r} {key}", len(sends) % 2))
        rng.shuffle(sends)
        result.rounds.append(sends)
        result.expected_rows += len({send.group for send in sends})
    return result


def body(send: Send) -> str:
    return json.dumps(
        {
            "category": "stray-animal",
            "attributes": {"animal": "dog"},
            "location": {"type": "Point", "coordinates": list(PLACES[send.place])},
            "description": f"Pies bez obroży ({send.description})",
            "email": "jan.kowalski@example.com",
        }
    )


def client(
    port: int,
    sends: list[Send],
    answers: list[Answer],
    barrier: threading.Barrier,
    errors: list[BaseException],
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_SECONDS)
    try:
        for send in sends:
            barrier.wait()
            headers = {"Content-Type": "application/json", "Accept-Language": "en"}
            if send.key is not None:
                headers["Idempotency-Key"] = send.key
            conn.request("POST", "/api/reports/", body(send), headers)
            response = conn.getresponse()
            answers.append(
                Answer(response.status, response.read(), response.getheader("Idempotent-Replayed"))
            )
    except threading.BrokenBarrierError:
        pass  # another client failed: its error is the one to report
    except Exception as error:
        errors.append(error)
        barrier.abort()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def server(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """gunicorn with the test settings (no rate limits) on the test database: its port."""
    log: Path = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "mapa.wsgi", "--bind", "127.0.0.1:0"]
    command += ["--workers", "2", "--worker-class", "gthread", "--threads", "8"]
    command += ["--timeout", str(REQUEST_SECONDS), "--keep-alive", str(REQUEST_SECONDS)]
    command += ["--error-logfile", "-"]
    env = {
        "MAPA_ENV": "test",
        "DATABASE_URL": served_database_url(),
        "MAPA_THROTTLE_RATES": "reports=off",
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment(env),
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield wait_until_ready(process, log)
    finally:
        stop(process)


@pytest.fixture
def committed(django_db_blocker: Any) -> Iterator[None]:
    """Database access outside a test transaction (gunicorn commits); the new rows are
    deleted afterwards, with the messages and tasks their filing queued."""
    with django_db_blocker.unblock():
        last_id = Report.objects.order_by("-id").values_list("id", flat=True).first() or 0
        started = timezone.now()
        yield
        Report.objects.filter(id__gt=last_id).delete()
        Notification.objects.filter(report__isnull=True, created_at__gte=started).delete()
        DBTaskResult.objects.filter(enqueued_at__gte=started).delete()
        IdempotencyKey.objects.filter(created_at__gte=started).delete()


def test_concurrent_creates_file_each_report_once_and_routed(server, committed):
    run = uuid.uuid4().hex[:8]
    work = plan(run, random.Random(profiles.SEED))
    barrier = threading.Barrier(CLIENTS)
    answers: list[list[Answer]] = [[] for _ in range(CLIENTS)]
    errors: list[BaseException] = []
    threads = [
        threading.Thread(
            target=client,
            args=(server, [sends[i] for sends in work.rounds], answers[i], barrier, errors),
        )
        for i in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert all(len(mine) == ROUNDS for mine in answers), "a client stopped early"

    by_group: dict[str, list[tuple[Send, Answer]]] = defaultdict(list)
    for i in range(CLIENTS):
        for sends, answer in zip(work.rounds, answers[i], strict=True):
            by_group[sends[i].group].append((sends[i], answer))

    references = set()
    for group, sent in by_group.items():
        statuses = sorted({answer.status for _, answer in sent})
        filed = [(send, answer) for send, answer in sent if answer.status == 201]
        assert filed, (group, statuses, sent[0][1].body[:300])
        # One answer per key: byte for byte the same, the first one marked as not replayed.
        assert len({answer.body for _, answer in filed}) == 1, group
        assert len({send.description for send, _ in filed}) == 1, group
        if filed[0][0].key is not None:
            replays = sorted(answer.replayed or "" for _, answer in filed)
            assert replays == ["false"] + ["true"] * (len(filed) - 1), (group, replays)
        refused = [answer for _, answer in sent if answer.status != 201]
        if "conflict" in group:
            assert {answer.status for answer in refused} == {409}, group
            assert all("Idempotency-Key" in json.loads(a.body)["detail"] for a in refused)
            assert len(refused) in (1, 2), group  # body A filed (B refused) or B (A twice)
        else:
            assert not refused, (group, statuses, refused[0].body[:300])
        references.add(json.loads(filed[0][1].body)["properties"]["reference"])

    assert len(by_group) == work.expected_rows == len(references)
    rows = Report.objects.filter(description__contains=f"({run} r")
    assert rows.count() == work.expected_rows
    assert set(rows.values_list("reference", flat=True)) == references
    assert not rows.filter(district__isnull=True).exists()
    assert not rows.filter(unit__isnull=True).exists()
    keyed = {send.key for sends in work.rounds for send in sends if send.key is not None}
    assert IdempotencyKey.objects.filter(key__in=keyed).count() == len(keyed)
