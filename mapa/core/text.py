"""Text PostgreSQL can store: no NUL characters, no lone UTF-16 surrogates.

PostgreSQL's text and jsonb cannot hold U+0000, and a lone surrogate
(U+D800 to U+DFFF, which a JSON ``\\ud800`` escape can produce) is not valid
UTF-8, so psycopg refuses to send it. Such text is refused where it enters,
with a message naming the field, before any query runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

MAX_JSON_DEPTH = 32  # Mapa's own documents nest 4 levels; GeoJSON polygons 5


def unstorable_reason(text: str) -> str | None:
    """Why ``text`` cannot be stored, in the user's language; None when it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return _("Text cannot contain NUL characters (U+0000).")
    return _("Text cannot contain unpaired UTF-16 surrogates (U+D800 to U+DFFF).")


def unstorable_paths(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, str]]:
    """Each ``(path, reason)`` where parsed JSON holds unstorable text, in a key or a value."""
    if isinstance(data, str):
        reason = unstorable_reason(data)
        if reason:
            yield path, reason
    elif isinstance(data, dict):
        for key, value in data.items():
            reason = unstorable_reason(key)
            if reason:
                yield (*path, key), reason
            else:
                yield from unstorable_paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from unstorable_paths(value, (*path, index))


def json_depth_exceeds(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Does the JSON text ``raw`` nest arrays or objects deeper than ``limit``?

    A linear scan of the bytes (strings skipped), done before parsing: the
    parser itself recurses per level and would fail on thousands of levels.
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:  # the usual case, at C speed
        return False
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False
