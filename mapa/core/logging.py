"""Logging filter that keeps personal data out of logs.

Reports carry the reporter's e-mail address and phone number. Whatever code
path ends up logging a request or an exception, those values must not reach
log storage, so every handler runs this filter over the rendered message.
"""

from __future__ import annotations

import logging
import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Polish and international phone numbers: 9+ digits, optionally grouped.
PHONE = re.compile(r"(?<![\w.-])\+?\d(?:[\s-]?\d){8,14}(?![\w.])")


def redact(text: str) -> str:
    return PHONE.sub("[phone]", EMAIL.sub("[e-mail]", text))


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
