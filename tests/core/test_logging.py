"""Personal data never reaches the logs (mapa/core/logging.py)."""

from __future__ import annotations

import json
import logging

import pytest

from mapa.core.logging import RedactPersonalData, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from jan.kowalski@example.com", "from [e-mail]"),
        ("call +48 600 100 200 now", "call [phone] now"),
        ("call 600-100-200", "call [phone]"),
        ("report GD-2026-000123 at 18.6532,54.3485", "report GD-2026-000123 at 18.6532,54.3485"),
    ],
)
def test_redaction(text, expected):
    assert redact(text) == expected


def test_the_filter_rewrites_records_and_tracebacks():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "user %s", ("a@b.pl",), None)
    try:
        raise ValueError("bad phone 600100200")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    RedactPersonalData().filter(record)
    assert record.getMessage() == "user [e-mail]"
    assert "600100200" not in record.exc_text
    assert "[phone]" in record.exc_text


@pytest.mark.django_db
def test_a_failing_request_logs_no_contact_data(api, caplog, settings):
    """Django logs 4xx responses; the body's contact data must not appear there."""
    settings.LOGGING_CONFIG = None
    handler = logging.StreamHandler()
    handler.addFilter(RedactPersonalData())
    caplog.handler.addFilter(RedactPersonalData())
    with caplog.at_level(logging.INFO):
        api.post(
            "/api/reports/",
            json.dumps(
                {
                    "category": "pothole",
                    "description": "x",
                    "email": "anna.nowak@example.com",
                    "phone": "+48 600 700 800",
                    "location": {"type": "Point", "coordinates": [18.564, 54.444]},
                }
            ),
            content_type="application/json",
        )
        logging.getLogger("mapa").warning("contact anna.nowak@example.com +48 600 700 800")
    text = caplog.text
    assert "anna.nowak@example.com" not in text
    assert "600 700 800" not in text
