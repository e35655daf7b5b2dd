"""Running Mapa in subprocesses as a server runs it: a production environment, a settings
module and a URLconf that add views failing on purpose."""

from __future__ import annotations

import os

GOOD_KEY = "k3y-" + "abcdefghij" * 6

PRODUCTION = {
    "MAPA_ENV": "production",
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "mapa.gdansk.example",
    "DATABASE_URL": "postgis://mapa:mapa@127.0.0.1:5432/mapa",
    "EMAIL_HOST": "smtp.gdansk.example",
    "MAPA_SMS_BACKEND": "disabled",
}

# Variables a subprocess must not inherit from the test run: each test says what it wants.
PROFILE_VARIABLES = {
    "MAPA_ENV",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "REPLICA_DATABASE_URL",
    "MAPA_STATIC_ROOT",
    "MAPA_SITE_URL",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
    "MAPA_SMS_BACKEND",
    "MAPA_SMS_FILE_PATH",
    "MAPA_SMS_GATEWAY_URL",
    "MAPA_SMS_GATEWAY_TOKEN",
    "MAPA_SMS_SENDER",
    "MAPA_SMS_INBOUND_SECRET",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def environment(env: dict[str, str]) -> dict[str, str]:
    """This process's environment without the profile variables, plus ``env``."""
    clean = {k: v for k, v in os.environ.items() if k not in PROFILE_VARIABLES}
    return {**clean, **env}
