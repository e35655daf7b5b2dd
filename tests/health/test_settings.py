"""The health and fault settings as mapa.settings reads them (in subprocesses, as a server
starts): bad values stop the start, naming the variable."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.production import environment


def settings_start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = (
        "from mapa import settings as s; print(s.MAPA_PUBLIC_STATEMENT_TIMEOUT_MS, "
        "s.MAPA_WORKER_HEARTBEAT_SECONDS, s.MAPA_WORKER_HEARTBEAT_STALE_SECONDS)"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment({"MAPA_ENV": "test", **env}),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_defaults():
    started = settings_start({})
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["5000", "30", "120"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MAPA_PUBLIC_STATEMENT_TIMEOUT_MS": "50"}, "0 \\(no limit\\) or at least 100"),
        ({"MAPA_PUBLIC_STATEMENT_TIMEOUT_MS": "5s"}, "must be an integer"),
        ({"MAPA_WORKER_HEARTBEAT_SECONDS": "0"}, "at least 1"),
        ({"MAPA_WORKER_HEARTBEAT_STALE_SECONDS": "30"}, "must be longer than"),
    ],
)
def test_bad_values_stop_the_start(env, message):
    started = settings_start(env)
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert next(iter(env)) in started.stderr
    assert re.search(message, started.stderr), started.stderr[-500:]
