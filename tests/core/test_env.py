"""Settings from the environment fail fast (mapa/env.py, mapa/settings.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from mapa.env import Env, database_from_url
from tests.conftest import ROOT
from tests.production import PRODUCTION, environment


def test_typed_readers_parse_and_default():
    env = Env({"A": "yes", "B": "12", "C": "x, y ,,z", "D": "development"})
    assert env.boolean("A", default=False) is True
    assert env.boolean("MISSING", default=True) is True
    assert env.integer("B", 0) == 12
    assert env.strings("C") == ["x", "y", "z"]
    assert env.choice("D", ("production", "development"), "production") == "development"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda e: e.boolean("A", default=False), "A must be a boolean"),
        (lambda e: e.integer("A", 0), "A must be an integer"),
        (lambda e: e.integer("N", 0, minimum=5), "N must be at least 5"),
        (lambda e: e.choice("A", ("x", "y"), "x"), "A must be one of x, y"),
        (lambda e: e.string("MISSING"), "MISSING must be set"),
    ],
)
def test_malformed_values_fail_naming_the_variable(call, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        call(Env({"A": "maybe", "N": "3"}))


def test_database_urls():
    db = database_from_url("postgis://user:p%40ss@db.example:5433/mapa?sslmode=require")
    assert db["ENGINE"] == "django.contrib.gis.db.backends.postgis"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "user",
        "p@ss",
        "db.example",
        "5433",
        "mapa",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}
    local = database_from_url("postgres:///mapa")
    assert (local["HOST"], local["NAME"]) == ("", "mapa")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "PostgreSQL URL"),
        ("postgis://u@h/", "must name a database"),
        ("postgis://u@h:port/db", "invalid port"),
    ],
)
def test_bad_database_urls_fail(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_url(url)


def django_check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=environment(env),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG must be off in production"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be a unique random value"),
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must list"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must list"),
        ({"DATABASE_URL": None}, "DATABASE_URL must be set"),
        ({"MAPA_ENV": None, "SECRET_KEY": None}, "SECRET_KEY must be set"),  # the default
        ({"MAPA_ENV": "staging"}, "MAPA_ENV must be one of"),
    ],
)
def test_production_refuses_to_start_with_a_dangerous_config(override, message):
    env = {**PRODUCTION, **override}
    result = django_check({k: v for k, v in env.items() if v is not None})
    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_is_clean_in_production():
    result = django_check(PRODUCTION, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_connection_reuse_is_off_unless_asked():
    assert database_from_url("postgis:///mapa")["CONN_MAX_AGE"] == 0
    assert database_from_url("postgis:///mapa")["CONN_HEALTH_CHECKS"] is False
    kept = database_from_url("postgis:///mapa", conn_max_age=30)
    assert (kept["CONN_MAX_AGE"], kept["CONN_HEALTH_CHECKS"]) == (30, True)


def database_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The DATABASES entry that mapa.settings builds from ``env``, as JSON on stdout."""
    script = (
        "import json; from mapa import settings; "
        "db = settings.DATABASES['default']; "
        "print(json.dumps([db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS']]))"
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
        ({"MAPA_ENV": "development"}, [0, False]),
        ({"MAPA_ENV": "test"}, [0, False]),
        (PRODUCTION, [60, True]),
        ({**PRODUCTION, "DATABASE_CONN_MAX_AGE": "0"}, [0, False]),
        ({"MAPA_ENV": "development", "DATABASE_CONN_MAX_AGE": "300"}, [300, True]),
    ],
)
def test_database_connection_reuse_by_profile(env, expected):
    result = database_settings(env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a minute", "DATABASE_CONN_MAX_AGE must be an integer"),
        ("-1", "DATABASE_CONN_MAX_AGE must be at least 0"),
    ],
)
def test_a_malformed_connection_age_stops_the_start(value, message):
    result = database_settings({"MAPA_ENV": "development", "DATABASE_CONN_MAX_AGE": value})
    assert result.returncode != 0
    assert message in result.stderr
