"""Every database session starts with Mapa's PostgreSQL settings (mapa/env.py, settings)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.db import connection

from mapa.env import with_session_settings
from tests.conftest import ROOT
from tests.production import PRODUCTION, environment


def test_session_settings_become_libpq_options_and_keep_what_the_url_gave():
    database = {"OPTIONS": {"sslmode": "require"}}
    with_session_settings(database, {"max_parallel_workers_per_gather": 0, "jit": "off"})
    assert database["OPTIONS"] == {
        "sslmode": "require",
        "options": "-c max_parallel_workers_per_gather=0 -c jit=off",
    }
    from_url = {"OPTIONS": {"options": "-c max_parallel_workers_per_gather=4"}}
    with_session_settings(from_url, {"max_parallel_workers_per_gather": 0, "jit": "off"})
    assert from_url["OPTIONS"]["options"] == "-c jit=off -c max_parallel_workers_per_gather=4"


@pytest.mark.django_db
def test_parallel_query_is_off_on_the_web_connection():
    # The server applied it at connect time: no statement of Mapa's set it.
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


def parallel_workers(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = (
        "import json; from mapa import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS'].get('options')))"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment(env),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"MAPA_ENV": "development"}, "-c max_parallel_workers_per_gather=0"),
        (PRODUCTION, "-c max_parallel_workers_per_gather=0"),
        (
            {**PRODUCTION, "DATABASE_MAX_PARALLEL_WORKERS_PER_GATHER": "2"},
            "-c max_parallel_workers_per_gather=2",
        ),
    ],
)
def test_parallel_workers_come_from_the_environment(env, expected):
    result = parallel_workers(env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


def test_a_malformed_parallel_worker_count_stops_the_start():
    result = parallel_workers(
        {"MAPA_ENV": "development", "DATABASE_MAX_PARALLEL_WORKERS_PER_GATHER": "-1"}
    )
    assert result.returncode != 0
    assert "DATABASE_MAX_PARALLEL_WORKERS_PER_GATHER must be at least 0" in result.stderr
