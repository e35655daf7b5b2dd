"""The database test that makes pytest-django set up the test database for browser tests.

The browser tests commit (the live server must see their rows), so none of them is a
database test; a session of browser tests alone would otherwise run on the development
database. ``live_url`` refuses that; this file, run with them, makes it right.
"""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_browser_tests_run_on_the_test_database():
    assert connection.settings_dict["NAME"].startswith("test")
