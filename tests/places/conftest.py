"""Fixtures for the place search tests: the seed data, loaded inside each test's transaction."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mapa.places.seeding import GDANSK_ADDRESSES, load_places


@pytest.fixture
def places(db: None) -> None:
    """The 85 Gdańsk addresses and the 35 district places (rolled back after the test)."""
    load_places()


@pytest.fixture
def address_features() -> list[dict[str, Any]]:
    """The features of the addresses file, as written there (a fresh copy per test)."""
    features: list[dict[str, Any]] = json.loads(GDANSK_ADDRESSES.read_text("utf-8"))["features"]
    return features
