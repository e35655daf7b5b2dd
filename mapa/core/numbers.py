"""Numbers from clients: JSON numbers, or decimal text as a form sends it, finite only."""

from __future__ import annotations

import math
import re
from typing import Any

# A decimal number as text, in ASCII digits: what a person or a form would
# write. Python's float() takes more ("1_8.6", "nan", "0x1p3", " inf ", and
# digits of other scripts, such as fullwidth ones); Mapa does not.
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")


class NotANumber(ValueError):
    """Not a JSON number nor decimal text."""


class NotFinite(ValueError):
    """A number, but NaN, infinite, or beyond the range of a double."""


def finite_number(value: Any) -> float:
    """``value`` as a finite float: a JSON number (not a bool) or decimal text."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise NotANumber(value)
    if isinstance(value, str) and not DECIMAL.fullmatch(value):
        raise NotANumber(value)
    try:
        number = float(value)
    except OverflowError:  # an int of hundreds of digits
        raise NotFinite(value) from None
    if not math.isfinite(number):
        raise NotFinite(value)
    return number
