"""Settings from the environment fail fast (mapa/env.py, mapa/settings.py)."""

from __future__ import annotations

import json
import re
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
        ({"EMAIL_HOST": None}, "EMAIL_HOST must be set in production"),
        ({"EMAIL_HOST": ""}, "EMAIL_HOST must be set in production"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT must be an integer"),
        ({"EMAIL_USE_TLS": "maybe"}, "EMAIL_USE_TLS must be a boolean"),
        ({"MAPA_SITE_URL": "mapa.gdansk.pl"}, "MAPA_SITE_URL must be an absolute http(s) URL"),
        ({"MAPA_SITE_URL": "ftp://mapa.gdansk.pl"}, "MAPA_SITE_URL must be an absolute"),
        ({"MAPA_SITE_URL": "https://mapa.gdansk.pl:http"}, "MAPA_SITE_URL has an invalid port"),
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


def mail_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT and MAPA_SITE_URL as mapa.settings sets them."""
    script = (
        "import json; from mapa import settings as s; "
        "print(json.dumps([s.EMAIL_BACKEND.rsplit('.', 2)[-2], s.EMAIL_HOST, s.EMAIL_PORT, "
        "s.EMAIL_USE_TLS, s.MAPA_SITE_URL]))"
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
        ({"MAPA_ENV": "development"}, ["console", "", 25, False, "http://127.0.0.1:8000"]),
        ({"MAPA_ENV": "test"}, ["console", "", 25, False, "http://127.0.0.1:8000"]),
        (
            {"MAPA_ENV": "development", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": "8025"},
            ["smtp", "127.0.0.1", 8025, False, "http://127.0.0.1:8000"],
        ),
        (
            {**PRODUCTION, "EMAIL_USE_TLS": "true", "EMAIL_PORT": "587"},
            ["smtp", "smtp.gdansk.example", 587, True, "https://mapa.gdansk.example"],
        ),
        (
            {**PRODUCTION, "MAPA_SITE_URL": "https://mapa.gdansk.pl/"},
            ["smtp", "smtp.gdansk.example", 25, False, "https://mapa.gdansk.pl"],
        ),
    ],
)
def test_mail_goes_over_smtp_when_a_host_is_given_and_to_the_console_otherwise(env, expected):
    result = mail_settings(env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


RATE_DEFAULTS = {"reports": "30/hour", "open311": "300/hour", "staff": None}


def test_rates_default_and_are_changed_per_scope():
    env = Env({"MAPA_THROTTLE_RATES": "reports=5/min, open311=off,staff=100/15min"})
    assert env.rates("MAPA_THROTTLE_RATES", RATE_DEFAULTS) == {
        "reports": (5, 60),
        "open311": None,
        "staff": (100, 900),
    }
    assert Env({}).rates("MAPA_THROTTLE_RATES", RATE_DEFAULTS) == {
        "reports": (30, 3600),
        "open311": (300, 3600),
        "staff": None,
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("reprots=5/min", "'reprots=5/min' must be scope=rate, the scope one of reports"),
        ("reports", "'reports' must be scope=rate"),
        ("reports=5", "the rate of reports must be like 30/hour"),
        ("reports=0/hour", "the rate of reports must be like 30/hour"),
        ("reports=5/fortnight", "the rate of reports must be like 30/hour"),
        ("reports=5/0min", "the rate of reports must be like 30/hour"),
    ],
)
def test_a_malformed_rate_stops_the_start_naming_the_variable(value, message):
    with pytest.raises(ImproperlyConfigured, match="MAPA_THROTTLE_RATES") as refused:
        Env({"MAPA_THROTTLE_RATES": value}).rates("MAPA_THROTTLE_RATES", RATE_DEFAULTS)
    assert message in str(refused.value)


def test_production_cookies_are_secure_and_out_of_scripts_reach():
    """The session, CSRF and language cookies: Secure (https only), SameSite=Lax and
    HttpOnly (no page script reads them) in production."""
    names = [
        f"{cookie}_COOKIE_{flag}"
        for cookie in ("SESSION", "CSRF", "LANGUAGE")
        for flag in ("SECURE", "HTTPONLY", "SAMESITE")
    ]
    script = (
        "import json; from django.conf import settings; import django; "
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'mapa.settings'; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment(PRODUCTION),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        **{f"{cookie}_COOKIE_SECURE": True for cookie in ("SESSION", "CSRF", "LANGUAGE")},
        **{f"{cookie}_COOKIE_SAMESITE": "Lax" for cookie in ("SESSION", "CSRF", "LANGUAGE")},
        **{f"{cookie}_COOKIE_HTTPONLY": True for cookie in ("SESSION", "CSRF", "LANGUAGE")},
    }


def test_the_only_silenced_check_is_the_one_with_a_written_reason():
    """``check --deploy`` is clean (above) without hiding anything but gis.W001, which
    settings.py explains: GDAL 3.6 cannot block network access in spatial references, and
    Mapa parses them only from files an administrator imports."""
    source = (ROOT / "mapa" / "settings.py").read_text()
    assert re.findall(r"^SILENCED_SYSTEM_CHECKS = (.*)$", source, re.MULTILINE) == ['["gis.W001"]']
    assert "GDAL 3.9+ can block network and file access" in source
