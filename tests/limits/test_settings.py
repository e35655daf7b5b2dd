"""The limits' settings by profile: where they count, and which rates apply."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT
from tests.production import PRODUCTION, environment


def limits_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = (
        "import json; from mapa import settings as s; "
        "print(json.dumps([s.CACHES['limits'], s.MAPA_THROTTLE_RATES]))"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment(env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_counts_in_redis_when_it_is_given_and_in_the_table_otherwise():
    result = limits_settings(PRODUCTION)
    assert result.returncode == 0, result.stderr
    store, rates = json.loads(result.stdout)
    assert store["BACKEND"] == "mapa.limits.cache.SharedDatabaseCache"  # never per process
    assert rates["reports"] == [30, 3600]
    assert rates["staff"] == [3000, 3600]
    result = limits_settings({**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/0"})
    store, _ = json.loads(result.stdout)
    assert store["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert store["LOCATION"] == "redis://127.0.0.1:6379/0"


def test_the_test_profile_lifts_the_limits_unless_told():
    result = limits_settings({"MAPA_ENV": "test"})
    _, rates = json.loads(result.stdout)
    assert set(rates.values()) == {None}
    result = limits_settings({"MAPA_ENV": "test", "MAPA_THROTTLE_RATES": "reports=2/min"})
    _, rates = json.loads(result.stdout)
    assert rates["reports"] == [2, 60]


def test_a_malformed_rate_stops_the_start():
    result = limits_settings({**PRODUCTION, "MAPA_THROTTLE_RATES": "reports=lots"})
    assert result.returncode != 0
    assert "MAPA_THROTTLE_RATES: the rate of reports must be like 30/hour" in result.stderr
