"""How many examples each property runs, and with which seed.

``MAPA_FUZZ_PROFILE`` picks a Hypothesis profile: ``ci`` (the default, in
``make test``) keeps the whole fuzz suite under a minute on two cores, from a
fixed seed; ``fuzz`` (``make fuzz``) runs ten times as many examples from a new
seed each run. ``MAPA_FUZZ_SEED`` sets the seed; it is always printed, so that
any run can be replayed::

    MAPA_FUZZ_SEED=<seed> make fuzz
    MAPA_FUZZ_PROFILE=ci MAPA_FUZZ_SEED=<seed> .venv/bin/pytest tests/fuzz -p no:cacheprovider
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings

# Hypothesis's caches (Unicode tables, constants) stay beside the suite, not in the
# repository's root; the folder ignores itself in git. Read lazily, so this is in time.
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", str(Path(__file__).resolve().parent / ".hypothesis")
)

CI_EXAMPLES = 30
PROFILES = {"ci": CI_EXAMPLES, "fuzz": 10 * CI_EXAMPLES}

PROFILE = os.environ.get("MAPA_FUZZ_PROFILE") or "ci"
if PROFILE not in PROFILES:
    raise RuntimeError(f"MAPA_FUZZ_PROFILE must be one of {sorted(PROFILES)}, not {PROFILE!r}")
# `make test` is repeatable: its profile starts from a fixed seed (the same
# examples every run, so CI is red only for a change). `make fuzz` explores: a
# new seed each run, printed, so whatever it finds can be replayed.
CI_SEED = 20261130
SEED = int(
    os.environ.get("MAPA_FUZZ_SEED") or (CI_SEED if PROFILE == "ci" else secrets.randbelow(2**32))
)

for name, count in PROFILES.items():
    settings.register_profile(
        name,
        max_examples=count,
        deadline=None,  # a request's time depends on the machine, not on the input
        derandomize=False,  # the seed above decides; it is printed, and replayable
        database=None,  # no example database: a failure is replayed with its seed
        print_blob=True,
        # No "explain" phase: it re-runs a failing example dozens of times, each a
        # request, to list the lines only failures ran; the traceback says enough.
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=[
            # Deliberate: each example counts rows itself and runs in its own
            # savepoint (checks.each_example); the db fixture's transaction spans them.
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,  # every example is a request through Django and PostGIS
            HealthCheck.data_too_large,  # very long strings are the point
            HealthCheck.large_base_example,
        ],
    )
settings.load_profile(PROFILE)


def examples(share: float) -> int:
    """A share of the profile's examples, for properties whose example costs more."""
    return max(1, round(PROFILES[PROFILE] * share))


def replay_command() -> str:
    if PROFILE == "fuzz":
        return f"MAPA_FUZZ_SEED={SEED} make fuzz"
    return (
        f"MAPA_FUZZ_PROFILE={PROFILE} MAPA_FUZZ_SEED={SEED} "
        ".venv/bin/pytest tests/fuzz -p no:cacheprovider"
    )
