"""Loaded by pytest before Django (``-p tests.profile``): the test profile is the default."""

import os

os.environ.setdefault("MAPA_ENV", "test")
