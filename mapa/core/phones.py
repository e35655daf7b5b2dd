"""Phone numbers that can receive SMS: Polish mobile numbers, written in E.164.

A resident who asks for updates by SMS types their number as people do (``501 234 567``,
``+48 501-234-567``, ``0048501234567``); Mapa stores and sends ``+48501234567``. Only
Polish mobile ranges are taken (the first two digits of the nine: 45, 50, 51, 53, 57, 60,
66, 69, 72, 73, 78, 79, 88), so that a landline (``58 ...`` in Gdańsk) is refused where
it is typed instead of failing at the gateway days later. The numbering plan is the
Polish regulator's (UKE); a number ported between networks keeps its range.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext as _

MOBILE_PREFIXES = frozenset(
    {"45", "50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"}
)
_SEPARATORS = re.compile(r"[\s().-]")


def polish_mobile(raw: str) -> str | None:
    """``raw`` as ``+48XXXXXXXXX`` if it is a Polish mobile number, else None."""
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("48"):
            return None
        digits = digits[2:]
    elif digits.startswith("0048"):
        digits = digits[4:]
    elif len(digits) == 11 and digits.startswith("48"):
        digits = digits[2:]
    if not re.fullmatch(r"[0-9]{9}", digits) or digits[:2] not in MOBILE_PREFIXES:
        return None
    return f"+48{digits}"


def e164(raw: str) -> str:
    """A sender's number as a gateway gives it (``48501234567``, ``+48...``) in E.164.

    Polish numbers get their ``+48``; others keep their own country code. Not a check:
    whatever the gateway says sent the text is the address to answer.
    """
    digits = _SEPARATORS.sub("", raw.strip())
    if polish := polish_mobile(digits):
        return polish
    if digits.startswith("00"):
        digits = digits[2:]
    return digits if digits.startswith("+") else f"+{digits}"


def sms_phone_error() -> str:
    return _("Enter a Polish mobile number, e.g. 501 234 567, to get updates by SMS.")


def sms_needs_phone_error() -> str:
    return _("Give your mobile number to get updates by SMS.")


def sms_number(phone: str) -> str:
    """The number to send a resident's SMS updates to; ``ValueError`` with the message to
    show at the phone field when there is none or it cannot receive SMS."""
    if not phone.strip():
        raise ValueError(sms_needs_phone_error())
    number = polish_mobile(phone)
    if number is None:
        raise ValueError(sms_phone_error())
    return number


def sms_offered() -> bool:
    """Whether residents may choose SMS (``MAPA_SMS_BACKEND`` is not ``disabled``)."""
    return bool(settings.MAPA_SMS_BACKEND) and settings.MAPA_SMS_BACKEND != "disabled"
