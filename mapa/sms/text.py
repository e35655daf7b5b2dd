"""SMS text: the GSM-7 alphabet, Polish letters, and how many segments a text costs.

A text in the GSM 03.38 alphabet carries 160 characters in one segment (153 per segment
when it is split); a single character outside it (``ą``, ``ł``, ``ż``... an emoji) makes
the whole text UCS-2, 70 characters in one segment and 67 per segment. Mapa writes the
Polish letters without diacritics in its texts (``zgłoszenie`` -> ``zgloszenie``), as
Polish senders commonly do, so that a confirmation fits one GSM-7 segment rather than three
UCS-2 ones; residents read it without trouble. A staff reply is converted the same way.
"""

from __future__ import annotations

import math
import re

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"  # each costs two characters (an escape, then the sign)
_GSM7 = frozenset(GSM7_BASIC) | frozenset(GSM7_EXTENSION)

POLISH = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
# Typography that keyboards and phones put in text, and its GSM-7 equivalent.
TYPOGRAPHY = str.maketrans(
    {
        "\u201e": '"',  # low double quotation mark, as Polish opens quotes
        "\u201d": '"',
        "\u201c": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2026": "...",
        "\u00a0": " ",
    }
)

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67
# Every text Mapa sends fits in this many segments.
MAX_SEGMENTS = 2


def plain(text: str) -> str:
    """``text`` with Polish letters and typographic signs written in GSM-7, spaces collapsed."""
    text = text.translate(POLISH).translate(TYPOGRAPHY)
    return re.sub(r"\s+", " ", text)


def is_gsm7(text: str) -> bool:
    return all(char in _GSM7 for char in text)


def units(text: str) -> int:
    """Characters as the network counts them (GSM-7 extension signs and UTF-16 pairs are 2)."""
    if is_gsm7(text):
        return len(text) + sum(1 for char in text if char in GSM7_EXTENSION)
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    """How many SMS segments ``text`` is sent in."""
    single, multi = (GSM7_SINGLE, GSM7_MULTI) if is_gsm7(text) else (UCS2_SINGLE, UCS2_MULTI)
    count = units(text)
    return 1 if count <= single else math.ceil(count / multi)


def capacity(text: str, max_segments: int = MAX_SEGMENTS) -> int:
    """The most characters (network units) ``text``'s alphabet fits in ``max_segments``."""
    single, multi = (GSM7_SINGLE, GSM7_MULTI) if is_gsm7(text) else (UCS2_SINGLE, UCS2_MULTI)
    return single if max_segments == 1 else multi * max_segments


def fit(head: str, tail: str = "", max_segments: int = MAX_SEGMENTS) -> str:
    """``head`` + ``tail`` in at most ``max_segments``, shortening ``tail`` (with "...").

    ``head`` carries what must be there (the reference); ``tail`` is what may be cut
    (a note, a category's name).
    """
    text = plain(head + tail).strip()
    if segments(text) <= max_segments:
        return text
    head, tail = plain(head), plain(tail)
    tail = tail[: capacity(head + tail, max_segments)]
    while tail and segments(f"{head}{tail.rstrip()}...") > max_segments:
        tail = tail[:-1]
    tail = tail.rstrip()
    return f"{head}{tail}..." if tail else head.strip()
