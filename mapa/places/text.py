"""Search text for places: one normalization for what is stored and what is typed.

PostgreSQL's ``unaccent`` extension is not assumed (a managed database may not
offer it), so Python folds the text once, when a place is saved and when a
query arrives, and the database compares plain ASCII:

    "Żabianka-Wejhera"  → "zabianka wejhera"
    "Łostowice"         → "lostowice"
    "PIWNA 27/29"       → "piwna 27 29"
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into base letter + accent.
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "ø": "o", "Ø": "o", "đ": "d"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")

# Opens each part of the search column (street and number, name, postcode) so
# that "begins with" can be asked of each part. ``normalize`` never outputs it.
PART_SEPARATOR = "|"


def normalize(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: no accents, no punctuation."""
    folded = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED).lower())
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", plain).strip()


def query_words(query: str) -> list[str]:
    """The words of a query, normalized; each one must match the start of a stored word."""
    return normalize(query).split()


def search_text(*, street: str, housenumber: str, name: str, postcode: str) -> str:
    """The stored search column: ``"| piwna 27 29 | gdanska galeria miejska 1 | 80 831 "``.

    Every word follows a space and every part follows ``"| "``, so plain LIKE
    patterns (no regular expressions) ask "a word begins with" (``'% word%'``)
    and "a part begins with" (``'%| words%'``).
    """
    parts = (f"{street} {housenumber}", name, postcode)
    return "".join(f"{PART_SEPARATOR} {normalize(part)} " for part in parts)


def place_label(*, street: str, housenumber: str, name: str) -> str:
    """What a resident sees: ``"Piwna 27/29 — Gdańska Galeria Miejska 1"``."""
    address = " ".join(part for part in (street.strip(), housenumber.strip()) if part)
    name = name.strip()
    if address and name and normalize(name) != normalize(address):
        return f"{address} — {name}"
    return address or name
