"""Staff accounts for the tests, and a clean log-in throttle for each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from mapa.staff.services import staff_account_save

PASSWORD = "correct-horse-battery"  # passes Django's password validators


@pytest.fixture(autouse=True)
def clean_throttle() -> Iterator[None]:
    """The throttle counts in the cache (locmem in tests: per process); start each test afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_account(db: None) -> Callable[..., User]:
    def make(username: str = "ola", role: str = "consultant", **extra: Any) -> User:
        extra.setdefault("password", PASSWORD)
        return staff_account_save(username=username, role=role, **extra)

    return make
