"""Public reads on a real hot-standby replica (mapa/core/dbrouting.py, docs/scaling.md).

A throwaway primary and a streaming hot standby are made from the PostgreSQL 15 binaries
on the machine (``initdb``, ``pg_basebackup -R``, ``pg_ctl``) in a temporary directory, on
spare loopback ports; PostGIS is created on the primary and replicates. Mapa is migrated
on the primary, Gdańsk loaded, and gunicorn serves it with ``DATABASE_URL`` on the primary
and ``REPLICA_DATABASE_URL`` on the standby. Replay is paused on the standby
(``pg_wal_replay_pause()``) to make the two differ: what a request answers then says
which one it read. Both clusters are stopped and removed at the end, failed or not.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mapa.core.dbrouting import PIN_COOKIE
from tests.conftest import NEPTUNE_FOUNTAIN, ROOT, WRZESZCZ_GORNY
from tests.notifications.conftest import free_port
from tests.pgcluster import (
    BIN,
    USER,
    Client,
    Cluster,
    as_postgres,
    cluster_directory,
    make_primary,
    run,
    wait_for,
    wait_until_ready,
)
from tests.production import environment
from tests.test_production import stop

STAFF_PASSWORD = "replica-test-password-1"
APPLICATION = "mapa-replica-test"

SETUP_SCRIPT = f"""
import io, os
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
call_command("load_city", "fixtures/gdansk", stdout=io.StringIO())
os.environ["MAPA_STAFF_PASSWORD"] = {STAFF_PASSWORD!r}
call_command("create_staff", "dyspozytor", "--role", "dispatcher", stdout=io.StringIO())
out = io.StringIO()
call_command("api_token", "dyspozytor", stdout=out)
print("TOKEN=" + out.getvalue().strip())
"""


@dataclass
class Clusters:
    primary: Cluster
    replica: Cluster

    def has_report(self, cluster: Cluster, reference: str) -> bool:
        found = cluster.value("SELECT 1 FROM reports_report WHERE reference = %s", (reference,))
        return found is not None

    def pause_replay(self) -> None:
        self.replica.value("SELECT pg_wal_replay_pause()")
        wait_for(lambda: self.replica.value("SELECT pg_get_wal_replay_pause_state()") == "paused")

    def resume_replay(self) -> None:
        self.replica.value("SELECT pg_wal_replay_resume()")
        self.caught_up()

    def caught_up(self) -> None:
        """Wait until the standby has replayed everything the primary has written."""
        target = self.primary.value("SELECT pg_current_wal_lsn()::text")
        wait_for(
            lambda: (
                self.replica.value("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,))
                is True
            )
        )


def make_clusters(root: Path) -> Clusters:
    replication = "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
    primary = make_primary(root, application=APPLICATION, extra_conf=replication)
    replica = Cluster(root / "replica", free_port(), APPLICATION)
    # -R writes standby.signal and primary_conninfo: the copy starts as a hot standby.
    basebackup = [str(BIN / "pg_basebackup"), "-D", str(replica.directory), "-R", "-X", "stream"]
    source = ["-h", "127.0.0.1", "-p", str(primary.port), "-U", USER]
    run(as_postgres([*basebackup, "-c", "fast", "--no-sync", *source]))
    with (replica.directory / "postgresql.conf").open("a") as conf:
        conf.write(f"port = {replica.port}\n")
    replica.start()
    assert replica.value("SELECT pg_is_in_recovery()") is True
    assert primary.value("SELECT pg_is_in_recovery()") is False
    return Clusters(primary, replica)


@pytest.fixture(scope="module")
def clusters() -> Iterator[Clusters]:
    with cluster_directory("mapa-replica-") as (root, made):
        made += [Cluster(root / "primary", 0), Cluster(root / "replica", 0)]
        pair = make_clusters(root)
        made[:] = [pair.replica, pair.primary]
        yield pair


@dataclass
class Mapa:
    port: int
    token: str
    log: Path

    def client(self, *, keep: bool = True) -> Client:
        return Client(self.port, keep=keep)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def mapa(clusters: Clusters, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mapa]:
    """Mapa migrated on the primary, served by gunicorn with the replica configured."""
    env = {
        "MAPA_ENV": "test",
        "DATABASE_URL": clusters.primary.url,
        "DJANGO_SETTINGS_MODULE": "mapa.settings",
        "PYTHONUNBUFFERED": "1",
    }
    setup = run([sys.executable, "-c", SETUP_SCRIPT], cwd=ROOT, env=environment(env))
    token = re.search(r"TOKEN=(\w+)", setup.stdout)
    assert token, setup.stdout + setup.stderr
    clusters.caught_up()
    log = tmp_path_factory.mktemp("replica") / "gunicorn.log"
    served = {
        **env,
        "REPLICA_DATABASE_URL": clusters.replica.url,
        "MAPA_REPLICA_RETRY_SECONDS": "1",
        # Connections kept between requests, health-checked, as production keeps them.
        "DATABASE_CONN_MAX_AGE": "60",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    command = [sys.executable, "-m", "gunicorn", "mapa.wsgi", "--bind", "127.0.0.1:0"]
    command += ["--workers", "1", "--access-logfile", "-"]
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
        yield Mapa(wait_until_ready(process, log), token.group(1), log)
    finally:
        stop(process)


def report_body(description: str, where: tuple[float, float] = NEPTUNE_FOUNTAIN) -> dict[str, Any]:
    return {
        "category": "pothole",
        "location": {"type": "Point", "coordinates": list(where)},
        "description": description,
    }


def listed(client: Client, path: str = "/api/reports/?limit=1000") -> set[str]:
    answer = client.get(path)
    assert answer.status == 200, answer.body[:500]
    return {f["properties"]["reference"] for f in answer.json()["features"]}


def test_public_reads_use_the_replica_and_a_writer_reads_its_own_writes(mapa, clusters):
    clusters.pause_replay()
    try:
        resident = mapa.client()
        filed = resident.post_json("/api/reports/", report_body("Replica: a pothole"))
        assert filed.status == 201, filed.body
        reference = filed.json()["properties"]["reference"]
        # The write went to the primary; the paused standby has not seen it.
        assert clusters.has_report(clusters.primary, reference)
        assert not clusters.has_report(clusters.replica, reference)
        assert PIN_COOKIE in filed.cookies, filed.headers

        # Anyone else reads the replica: the list, nearby and Open311 do not have it yet.
        stranger = mapa.client(keep=False)
        assert reference not in listed(stranger)
        assert clusters.replica.mapa_sessions() == 1  # gunicorn's one worker, connected
        lon, lat = NEPTUNE_FOUNTAIN
        nearby = f"/api/reports/nearby/?lon={lon}&lat={lat}&radius=100"
        assert reference not in listed(stranger, nearby)
        open311 = stranger.get("/open311/v2/requests.json?service_code=pothole")
        assert open311.status == 200
        assert reference not in {r["service_request_id"] for r in open311.json()}

        # The resident who filed it reads the primary: it is there, at once.
        assert reference in listed(resident)
        assert reference in listed(resident, nearby)
        assert resident.get(f"/r/{reference}/").status == 200

        # A client without cookies asking for the report itself: the replica's 404 is
        # asked again of the primary.
        page = stranger.get(f"/r/{reference}/")
        assert page.status == 200
        assert reference.encode() in page.body
        assert stranger.get(f"/api/reports/{reference}/").json()["properties"]["reference"] == (
            reference
        )
        assert stranger.get("/r/GD-2020-999999/").status == 404  # and a real 404 stays one

        # Staff read the primary.
        staff = mapa.client(keep=False)
        token = {"Authorization": f"Token {mapa.token}"}
        cases = staff.get("/api/staff/reports/?limit=1000", token)
        assert cases.status == 200
        assert reference in {f["properties"]["reference"] for f in cases.json()["features"]}
    finally:
        clusters.resume_replay()
    # Replayed: now everyone sees it.
    assert reference in listed(mapa.client(keep=False))


def test_the_form_redirects_a_resident_to_a_page_that_shows_their_report(mapa, clusters):
    browser = mapa.client()
    form = browser.get("/")
    assert form.status == 200
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
    assert csrf, "no CSRF token in the form"
    clusters.pause_replay()
    try:
        lon, lat = WRZESZCZ_GORNY
        sent = browser.post_form(
            "/report/",
            {
                "csrfmiddlewaretoken": csrf.group(1).decode(),
                "category": "pothole",
                "description": "Replica: filed without JavaScript",
                "lon": str(lon),
                "lat": str(lat),
                "location_source": "pin",
            },
        )
        assert sent.status == 302, sent.body[:2000]
        location = sent.headers["Location"]
        reference = re.search(r"/r/([^/]+)/", location)
        assert reference, location
        assert not clusters.has_report(clusters.replica, reference.group(1))
        page = browser.get(location)
        assert page.status == 200
        assert b"Replica: filed without JavaScript" in page.body
        # Its list too, while the others' still lags.
        assert reference.group(1) in listed(browser)
        assert reference.group(1) not in listed(mapa.client(keep=False))
    finally:
        clusters.resume_replay()


def test_with_the_replica_stopped_reads_fall_back_to_the_primary(mapa, clusters):
    filed = mapa.client(keep=False).post_json("/api/reports/", report_body("Replica: stopped"))
    assert filed.status == 201
    reference = filed.json()["properties"]["reference"]
    clusters.replica.stop()
    try:
        stranger = mapa.client(keep=False)
        for path in ("/", "/stats/", f"/r/{reference}/", "/api/categories/", "/api/districts/"):
            assert stranger.get(path).status == 200, (path, mapa.output()[-3000:])
        assert reference in listed(stranger)
        lon, lat = NEPTUNE_FOUNTAIN
        assert reference in listed(stranger, f"/api/reports/nearby/?lon={lon}&lat={lat}")
        assert "Read replica unusable" in mapa.output()
    finally:
        clusters.replica.start()
    clusters.caught_up()
    assert "Internal Server Error" not in mapa.output()
    assert "Traceback" not in mapa.output()

    # Back: after MAPA_REPLICA_RETRY_SECONDS (1 s here) public reads use the replica again.
    clusters.pause_replay()
    try:
        filed = mapa.client(keep=False).post_json("/api/reports/", report_body("Replica: back"))
        reference = filed.json()["properties"]["reference"]
        time.sleep(1.1)
        wait_for(lambda: reference not in listed(mapa.client(keep=False)), seconds=10)
    finally:
        clusters.resume_replay()
