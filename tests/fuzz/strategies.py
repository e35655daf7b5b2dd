"""Hypothesis strategies for hostile values (issue 7), with valid values mixed in.

Each strategy yields what a careless or hostile client could send: NUL characters
and lone UTF-16 surrogates, numbers beyond a double's range, wrong JSON types,
Unicode edge cases, very long text, text that only looks like a number,
GeoJSON that is almost right, and raw JSON text a serializer cannot produce
(deep nesting, duplicate keys, NaN tokens, empty bodies). Valid values are
mixed in everywhere, so that some requests are accepted and the accepted path
is exercised too. Whole request bodies are built from these in ``bodies``.

Bodies are JSON-encoded with ``ensure_ascii=True``: a lone surrogate travels
as a ``\\ud800`` escape, as a hostile client would send it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

from tests.conftest import GDANSK_BAY, GDYNIA_CENTRE, NEPTUNE_FOUNTAIN, SOPOT_PIER, WRZESZCZ_GORNY

# ---------------------------------------------------------------- text

NUL = "\x00"
LONE_SURROGATES = st.integers(0xD800, 0xDFFF).map(chr)

# One of each Unicode edge case PostgreSQL and the pages must carry unchanged.
UNICODE_EDGES = (
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\u0301",  # a combining acute accent with nothing to combine with
    "e\u0301\u0302\u0303\u0304\u0305\u0306\u0307",  # stacked combining marks
    "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # family: ZWJ sequence
    "\U0001f3f3\ufe0f\u200d\U0001f308",  # rainbow flag: ZWJ and a variation selector
    "\U0001f1f5\U0001f1f1",  # flag of Poland: regional indicators
    "\ufffe",  # non-character
    "\uffff",  # non-character
    "\U0010ffff",  # the last code point
    "\ufeff",  # BYTE ORDER MARK inside text
    "\u200b",  # ZERO WIDTH SPACE
    "\u2028\u2029",  # line and paragraph separators (not newlines to JSON)
    "\x85",  # NEXT LINE
    "\r\n",
    "\t",
    "\x7f\x1b[31m",  # DEL and an ANSI escape
    "Zażółć gęślą jaźń",
    "\u0130\u00df\ufb01",  # İ ß ﬁ: case mappings that change length
    "\U0001d7d8\u0661\u0668",  # mathematical and Arabic-Indic digits
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s %(name)s {0} ${x}",
    '\\"',
)

# What Python's float() or int() takes, but a strict parser should not (and some plain ones).
NUMBERISH_TEXT = (
    "1_8.6466",
    " 18.6 ",
    "0x12",
    "0b101",
    "1e999",
    "-1e999",
    "nan",
    "NaN",
    "inf",
    "-Infinity",
    "18,6466",
    "\u0661\u0668.\u0666",  # Arabic-Indic digits
    "\uff11\uff18.\uff16",  # full-width digits
    "+18.6466",
    ".5",
    "5.",
    "1e-400",
    "-0",
    "00018.6",
    "18.6.6",
    "1" * 400,
    "18.6466\x00",
    "",
    " ",
)

# Every character a PostgreSQL text column can hold: no NUL, no surrogates (which
# st.characters() draws unless told a codec).
STORABLE_CHARS = st.characters(codec="utf-8", exclude_characters=NUL)


def storable_text(min_size: int = 0, max_size: int = 60) -> st.SearchStrategy[str]:
    """Text PostgreSQL can store, edge cases included."""
    pieces = st.one_of(st.text(STORABLE_CHARS, max_size=20), st.sampled_from(UNICODE_EDGES))
    return (
        st.lists(pieces, max_size=8)
        .map("".join)
        .map(lambda text: text[:max_size])
        .filter(lambda text: len(text) >= min_size)
    )


def visible_text(max_size: int) -> st.SearchStrategy[str]:
    """Storable text that is not blank (a description must say something)."""
    return st.builds(
        lambda before, mark, after: (before + mark + after)[-max_size:],
        storable_text(max_size=max_size),
        st.sampled_from(("x", "Ł", "\U0001f600", "\u202eabc", "e\u0301")),
        storable_text(max_size=20),
    )


def long_text(min_size: int = 10_000, max_size: int = 100_000) -> st.SearchStrategy[str]:
    """Very long text, built by repetition: drawing 100,000 characters one by one is slow."""
    return st.builds(
        lambda piece, length: (piece * (length // len(piece) + 1))[:length],
        st.one_of(st.sampled_from(UNICODE_EDGES), st.text(STORABLE_CHARS, min_size=1, max_size=8)),
        st.integers(min_size, max_size),
    )


def unstorable_text(bad: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[str]:
    """Text with a NUL character or a lone surrogate (or ``bad``) somewhere in it."""
    return st.builds(
        lambda text, bad, at: text[:at] + bad + text[at:],
        storable_text(max_size=20),
        bad if bad is not None else st.one_of(st.just(NUL), LONE_SURROGATES),
        st.integers(0, 20),
    )


# Text with a NUL: what a URL can carry to the server (%00). Invalid UTF-8 in a URL,
# such as %ED%A0%80, reaches Django as U+FFFD, never as a lone surrogate.
NUL_TEXT = unstorable_text(st.just(NUL))


def hostile_text(long_max: int = 100_000) -> st.SearchStrategy[str]:
    """Any text a client may send; ``long_max`` caps the very long ones (0: none), since
    a 100,000-character value multiplies in a query string or a nested body."""
    kinds = [
        unstorable_text(),
        st.sampled_from(NUMBERISH_TEXT),
        storable_text(),
        st.text(max_size=30),  # anything, NUL included
        st.sampled_from(("", " ", "\t\n", "\u3000")),  # blank
    ]
    if long_max:
        kinds.append(long_text(min(10_000, long_max), long_max))
    return st.one_of(kinds)


# Names (of fields, members, files) are short: a multipart part's headers must stay
# under Django's 1,024 bytes for the body to be read at all.
NAMES = hostile_text(long_max=0).map(lambda name: name[:100])
STORABLE_NAMES = storable_text(max_size=100)


# ---------------------------------------------------------------- numbers

HUGE_INTS = st.integers(10**200, 10**400) | st.integers(-(10**400), -(10**200))
# Integers no double can hold (a double ends near 1.8e308): float() raises OverflowError.
BEYOND_DOUBLE = st.integers(10**309, 10**400) | st.integers(-(10**400), -(10**309))
EXTREME_FLOATS = st.sampled_from(
    (1e308, -1e308, 1.7976931348623157e308, 5e-324, -5e-324, -0.0, 2.2250738585072014e-308)
)
NON_FINITE = st.sampled_from((float("nan"), float("inf"), float("-inf")))


def hostile_numbers() -> st.SearchStrategy[int | float]:
    return st.one_of(st.integers(), HUGE_INTS, EXTREME_FLOATS, st.floats(), NON_FINITE)


# Number tokens for raw JSON text: what json.dumps never writes, or writes unparseably big.
NUMBER_TOKENS = (
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    "1E-400",
    "-0",
    "1" + "0" * 400,
    "-" + "9" * 400,
    "0." + "0" * 400 + "1",
    "1" * 5000,  # beyond Python's 4300-digit limit for int()
)

# ---------------------------------------------------------------- JSON values

SCALARS = st.one_of(st.none(), st.booleans(), hostile_numbers(), hostile_text(12_000))


def wrong_types() -> st.SearchStrategy[Any]:
    """What a client sends where a string or a number belongs."""
    return st.one_of(
        st.none(),
        st.booleans(),
        hostile_numbers(),
        st.lists(SCALARS, max_size=3),
        st.dictionaries(NAMES, SCALARS, max_size=3),
    )


def json_values() -> st.SearchStrategy[Any]:
    return st.recursive(
        SCALARS,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NAMES, inner, max_size=3),
        max_leaves=8,
    )


def dumps(value: Any) -> str:
    """JSON text as a client sends it: ASCII only, lone surrogates as ``\\ud800`` escapes."""
    return json.dumps(value, ensure_ascii=True)


def object_text(members: list[tuple[str, str]]) -> str:
    """A JSON object from ``(key, JSON text)`` members: a key may repeat, a value may be
    any text (a NaN token, ten thousand brackets)."""
    return "{" + ",".join(f"{dumps(key)}:{raw}" for key, raw in members) + "}"


def nested_text(depth: int, kind: str) -> str:
    if kind == "array":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


DEEP_NESTING = st.builds(nested_text, st.integers(1, 5000), st.sampled_from(("array", "object")))


# ---------------------------------------------------------------- places and GeoJSON

# Points inside Gdańsk, and points a client may confuse for them.
INSIDE_GDANSK = (NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY, (18.6400, 54.3520), (18.5900, 54.3950))
OUTSIDE_GDANSK = (
    SOPOT_PIER,
    GDYNIA_CENTRE,
    GDANSK_BAY,
    (0.0, 0.0),
    (NEPTUNE_FOUNTAIN[1], NEPTUNE_FOUNTAIN[0]),  # latitude and longitude swapped
    (180.0, 90.0),
    (-180.0, -90.0),
)

# ``crs`` names that are not WGS84 longitude/latitude, however close they look.
WRONG_CRS_NAMES = (
    "EPSG:43260",
    "EPSG:14326",
    "EPSG:4326x",
    "EPSG:3857",
    "EPSG:2180",
    "urn:ogc:def:crs:EPSG::43260",
    "urn:ogc:def:crs:OGC:1.3:CRS84x",
    "not EPSG:4326",
    "4326",
    "",
)
# Names every reading of RFC 7946 and GeoJSON 2008 takes for WGS84.
WGS84_CRS_NAMES = ("EPSG:4326", "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326")


def named_crs(name: Any) -> dict[str, Any]:
    return {"type": "name", "properties": {"name": name}}


def inside_gdansk() -> st.SearchStrategy[list[float]]:
    """[lon, lat] within about 100 m of a point well inside the city."""
    jitter = st.floats(-0.001, 0.001, allow_nan=False)
    return st.builds(
        lambda base, dx, dy: [round(base[0] + dx, 7), round(base[1] + dy, 7)],
        st.sampled_from(INSIDE_GDANSK),
        jitter,
        jitter,
    )


def valid_points() -> st.SearchStrategy[dict[str, Any]]:
    """GeoJSON Points inside Gdańsk: with or without a numeric altitude or a WGS84 crs."""
    altitude = st.one_of(st.integers(-100, 500), st.floats(-100, 500, allow_nan=False))
    position = st.one_of(
        inside_gdansk(), st.tuples(inside_gdansk(), altitude).map(lambda p: [*p[0], p[1]])
    )
    crs = st.one_of(st.none(), st.sampled_from(WGS84_CRS_NAMES).map(named_crs))
    return st.builds(
        lambda coordinates, crs: (
            {"type": "Point", "coordinates": coordinates} | ({"crs": crs} if crs else {})
        ),
        position,
        crs,
    )


# Other digits Python's float() reads as 0-9 (and "1_8.6" it reads as 18.6):
# text a strict decimal reading refuses, even when the number it spells is fine.
ZERO_DIGITS = {"fullwidth": 0xFF10, "arabic-indic": 0x0660, "devanagari": 0x0966}


def lenient_spelling(value: float, style: str) -> str:
    text = str(value)
    if style == "underscore":
        return text[0] + "_" + text[1:]
    return "".join(chr(ZERO_DIGITS[style] + int(c)) if c.isdigit() else c for c in text)


def leniently_spelled_positions() -> st.SearchStrategy[list[str]]:
    """[lon, lat] as text inside the city, one of them spelled so that only float() reads it."""
    return st.builds(
        lambda p, i, style: [
            lenient_spelling(c, style) if n == i else str(c) for n, c in enumerate(p)
        ],
        inside_gdansk(),
        st.integers(0, 1),
        st.sampled_from(("underscore", *ZERO_DIGITS)),
    )


def coordinate_values() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.floats(17, 20),
        hostile_numbers(),
        st.sampled_from(NUMBERISH_TEXT),
        wrong_types(),
    )


def not_strict_points() -> st.SearchStrategy[dict[str, Any]]:
    """Almost-valid Points a strict RFC 7946 reading refuses: each has one thing wrong."""
    inside = inside_gdansk()
    wrong_crs = st.sampled_from(WRONG_CRS_NAMES).map(named_crs) | st.sampled_from(WRONG_CRS_NAMES)
    not_a_number = st.one_of(
        st.sampled_from(NUMBERISH_TEXT),
        st.none(),
        st.booleans(),
        st.lists(st.integers(), max_size=2),
    )
    return st.one_of(
        st.builds(
            lambda p, crs: {"type": "Point", "coordinates": p, "crs": crs}, inside, wrong_crs
        ),
        st.builds(lambda p, z: {"type": "Point", "coordinates": [*p, z]}, inside, not_a_number),
        st.builds(  # a coordinate as text, e.g. "18.6532"
            lambda p, i: {
                "type": "Point",
                "coordinates": [str(c) if n == i else c for n, c in enumerate(p)],
            },
            inside,
            st.integers(0, 1),
        ),
        st.builds(
            lambda p, i, v: {
                "type": "Point",
                "coordinates": [v if n == i else c for n, c in enumerate(p)],
            },
            inside,
            st.integers(0, 1),
            st.one_of(not_a_number, HUGE_INTS),  # NaN is not JSON: see NUMBER_TOKENS
        ),
    )


def hostile_points() -> st.SearchStrategy[Any]:
    """What a client sends as a location: valid Points, nearly valid ones, and nonsense."""
    kinds = st.sampled_from(("Point", "point", "POINT", "MultiPoint", "Feature", "", None, 1))
    coordinates = st.one_of(
        st.lists(coordinate_values(), max_size=5),
        st.sampled_from(OUTSIDE_GDANSK).map(list),
        wrong_types(),
    )
    made_up = st.fixed_dictionaries(
        {"type": kinds, "coordinates": coordinates},
        optional={"crs": st.one_of(st.sampled_from(WRONG_CRS_NAMES).map(named_crs), json_values())},
    )
    return st.one_of(
        valid_points(),
        not_strict_points(),
        made_up,
        st.sampled_from(("POINT(18.6532 54.3485)", "18.6532,54.3485")),
        wrong_types(),
    )


# ---------------------------------------------------------------- query strings and paths


def percent_encoded(text: str) -> str:
    """``text`` percent-encoded byte by byte; lone surrogates become ``%ED%A0%80``."""
    return quote_from_bytes(text.encode("utf-8", "surrogatepass"), safe="")


def query_string(params: list[tuple[str, str]]) -> str:
    return "&".join(f"{percent_encoded(k)}={percent_encoded(v)}" for k, v in params)


RAW_QUERY_PIECES = (
    "%00",
    "%ED%A0%80",
    "%FF%FE",
    "%",
    "%G0",
    "&&",
    "=",
    "a=1&a=2",
    "%C0%AF",  # overlong '/'
    "+",
    ";",
)

# Paths that must name no report: percent-encoded bytes are decoded by the server.
HOSTILE_REFERENCES = st.one_of(
    st.sampled_from(("%00", "GD-2026-000001%00", "%ED%A0%80", "%FF", "GD-2026-%C0%AF", ".", "..")),
    st.text(max_size=40).map(percent_encoded),
    unstorable_text().map(percent_encoded),
    st.integers(100, 5000).map(lambda n: "G" * n),
)


def iso_datetimes() -> st.SearchStrategy[str]:
    """Date-time text, real and almost real."""
    return st.one_of(
        st.datetimes().map(lambda d: d.isoformat()),
        st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
        st.sampled_from(
            (
                "0001-01-01T00:00:00+14:00",
                "0001-01-01",
                "9999-12-31T23:59:59-14:00",
                "9999-12-31T23:59:59.999999",
                "2026-02-30",
                "2026-13-01",
                "2026-01-01T24:00:00",
                "2026-06-30T23:59:60",
                "+10000-01-01",
                "2026-01-01T00:00:00+99:00",
                "2026-01-01T00:00:00." + "9" * 400,
                "now",
            )
        ),
    )
