"""Mapa's settings for the benchmark's gunicorn: the same, plus the drf-gis comparison URL."""

from mapa.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
