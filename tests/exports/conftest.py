"""Exports' test set-up: staff accounts and clients (tests/staff/conftest.py), cases with
contact data to keep out of every export, and a sync lag of zero.

With no lag, an export holds every change made before the current whole second
(``mapa.exports.sync``); ``settle()`` waits for the next one, so that what a
test just changed is exported.
"""

from __future__ import annotations

import time

import pytest
from django.conf import LazySettings

from tests.staff.conftest import (  # noqa: F401  (fixtures used by this directory's tests)
    CONTACT,
    accounts,
    cases,
    clean_throttle,
    client_as,
    session_client,
    staff_account,
    token_client,
)


@pytest.fixture(autouse=True)
def no_sync_lag(settings: LazySettings) -> None:
    settings.MAPA_EXPORT_SYNC_LAG_SECONDS = 0


def settle() -> None:
    """Wait until the next whole second: changes made so far are below the watermark."""
    time.sleep(1.02 - time.time() % 1)
