"""Mapa's settings with a URLconf that adds views failing on purpose (tests only)."""

from mapa.settings import *  # noqa: F403

ROOT_URLCONF = "tests.production.urls"
