"""The SMS settings as mapa.settings reads them: production names a backend, and a
half-configured gateway stops the start (run in subprocesses, as a server starts)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.production import PRODUCTION, environment

GATEWAY = {
    "MAPA_SMS_BACKEND": "gateway",
    "MAPA_SMS_GATEWAY_URL": "https://api.smsgateway.example/sms",
    "MAPA_SMS_GATEWAY_TOKEN": "token",
    "MAPA_SMS_SENDER": "MapaGdansk",
}


def sms_settings(env: dict[str, str | None]) -> subprocess.CompletedProcess[str]:
    script = (
        "import json; from mapa import settings as s; "
        "print(json.dumps([s.MAPA_SMS_BACKEND, s.MAPA_SMS_GATEWAY_URL, s.MAPA_SMS_SENDER]))"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment({k: v for k, v in env.items() if v is not None}),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"MAPA_ENV": "development"}, ["console", "", "Mapa"]),
        ({"MAPA_ENV": "test"}, ["console", "", "Mapa"]),
        (PRODUCTION, ["disabled", "", "Mapa"]),
        (
            {**PRODUCTION, **GATEWAY},
            ["gateway", "https://api.smsgateway.example/sms", "MapaGdansk"],
        ),
    ],
)
def test_the_backend_by_profile(env, expected):
    result = sms_settings(env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"MAPA_SMS_BACKEND": None}, "MAPA_SMS_BACKEND must be set in production"),
        ({"MAPA_SMS_BACKEND": "console"}, "MAPA_SMS_BACKEND=console is for development"),
        ({"MAPA_SMS_BACKEND": "file"}, "MAPA_SMS_BACKEND=file is for development"),
        ({"MAPA_SMS_BACKEND": "pigeon"}, "MAPA_SMS_BACKEND must be one of"),
        ({**GATEWAY, "MAPA_SMS_GATEWAY_URL": None}, "MAPA_SMS_GATEWAY_URL must be set"),
        ({**GATEWAY, "MAPA_SMS_GATEWAY_TOKEN": None}, "MAPA_SMS_GATEWAY_TOKEN must be set"),
        ({**GATEWAY, "MAPA_SMS_SENDER": None}, "MAPA_SMS_SENDER must be set"),
        ({**GATEWAY, "MAPA_SMS_SENDER": "Mapa Porządku"}, "MAPA_SMS_SENDER must be up to 11"),
        (
            {**GATEWAY, "MAPA_SMS_GATEWAY_URL": "http://api.smsgateway.example/sms"},
            "must be an https:// URL in production",
        ),
        ({"MAPA_SMS_INBOUND_SECRET": "short"}, "MAPA_SMS_INBOUND_SECRET must be at least 32"),
    ],
)
def test_production_refuses_a_missing_or_half_configured_sms_backend(override, message):
    result = sms_settings({**PRODUCTION, **override})
    assert result.returncode != 0
    assert message in result.stderr


def test_the_file_backend_needs_its_path():
    result = sms_settings({"MAPA_ENV": "development", "MAPA_SMS_BACKEND": "file"})
    assert result.returncode != 0
    assert "MAPA_SMS_FILE_PATH must be set" in result.stderr
