"""Whole request bodies from the hostile values of ``strategies``: reports and photos.

Report bodies come three ways: valid ones (the API must accept them), ones with
any field missing, wrong or hostile, and raw JSON text a serializer never
writes. Photos are tiny real images of every format and mode Pillow writes,
with odd EXIF, truncated or corrupted, plus garbage bytes.
"""

from __future__ import annotations

import functools
import io
import json
import struct
import zlib
from typing import Any

from hypothesis import strategies as st
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from mapa.reports.models import Channel, LocationSource
from tests.conftest import GDANSK
from tests.fuzz.strategies import (
    DEEP_NESTING,
    NAMES,
    NUMBER_TOKENS,
    dumps,
    hostile_points,
    hostile_text,
    json_values,
    object_text,
    storable_text,
    valid_points,
    visible_text,
    wrong_types,
)

# ---------------------------------------------------------------- categories

CATEGORIES: list[dict[str, Any]] = json.loads((GDANSK / "categories.json").read_text("utf-8"))[
    "categories"
]
CATEGORY_CODES = tuple(c["code"] for c in CATEGORIES)

# A category the fuzz tests add (``questions_category`` in conftest): one question
# of each Open311 datatype, none required, so that every kind of answer is checked.
QUESTIONS_CATEGORY = "fuzz-every-question"
QUESTIONS = {
    "short": "string",
    "long": "text",
    "count": "number",
    "seen_at": "datetime",
    "one": "singlevaluelist",
    "many": "multivaluelist",
}
QUESTION_KEYS = ("a", "b", "c")


@st.composite
def valid_answers(draw: st.DrawFn, code: str) -> dict[str, Any]:
    """Answers a category's questions accept."""
    if code == QUESTIONS_CATEGORY:
        return draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "short": storable_text(max_size=200),
                    "long": storable_text(max_size=300),
                    "count": st.floats(-1e6, 1e6, allow_nan=False) | st.integers(-1000, 1000),
                    "seen_at": st.datetimes().map(lambda d: d.isoformat()),
                    "one": st.sampled_from(QUESTION_KEYS),
                    "many": st.lists(st.sampled_from(QUESTION_KEYS), max_size=3),
                },
            )
        )
    answers: dict[str, Any] = {}
    for question in next(c for c in CATEGORIES if c["code"] == code).get("attributes", []):
        keys = [v["key"] for v in question.get("values", [])]
        if keys:
            answers[question["code"]] = draw(st.sampled_from(keys))
        elif draw(st.booleans()):
            answers[question["code"]] = draw(storable_text(max_size=200))
    return answers


def hostile_answers() -> st.SearchStrategy[Any]:
    """Answers with unknown or unstorable keys, and values of every type."""
    keys = st.one_of(st.sampled_from((*QUESTIONS, "animal", "kind", "plate")), NAMES)
    return st.one_of(st.dictionaries(keys, json_values(), max_size=4), wrong_types())


# ---------------------------------------------------------------- report bodies

# Phone numbers the API takes: no surrounding spaces, which it would trim away.
PHONES = st.from_regex(r"\+?[0-9][0-9 ()-]{4,19}[0-9]", fullmatch=True)


@st.composite
def valid_reports(draw: st.DrawFn, text: st.SearchStrategy[str] | None = None) -> dict[str, Any]:
    """A report the API must accept: a known category with its answers, a point inside
    the city, and a description and address that may hold any storable character."""
    code = draw(st.sampled_from((*CATEGORY_CODES, QUESTIONS_CATEGORY)))
    body: dict[str, Any] = {
        "category": code,
        "location": draw(valid_points()),
        "description": draw(text if text is not None else visible_text(4000)),
        "attributes": draw(valid_answers(code)),
        "channel": draw(st.sampled_from(Channel.values)),
        "location_source": draw(st.sampled_from(LocationSource.values)),
    }
    optional = {
        "address": storable_text(max_size=200),
        "name": storable_text(max_size=100),
        "email": st.sampled_from(("", "jan.kowalski@example.com", "a+b@gdansk.example")),
        "phone": PHONES,
    }
    body.update(draw(st.fixed_dictionaries({}, optional=optional)))
    return body


def mostly(
    valid: st.SearchStrategy[Any], hostile: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    """Valid three times in four, so that most requests have one bad field at most."""
    return st.one_of(valid, valid, valid, hostile)


BAD = hostile_text() | wrong_types()
REPORT_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "category": mostly(st.sampled_from(CATEGORY_CODES), BAD),
    "location": mostly(valid_points(), hostile_points()),
    "description": mostly(visible_text(300), BAD),
    "address": mostly(storable_text(max_size=200), BAD),
    "attributes": hostile_answers(),
    "channel": mostly(st.sampled_from(Channel.values), BAD),
    "location_source": mostly(st.sampled_from(LocationSource.values), BAD),
    "name": mostly(storable_text(max_size=100), BAD),
    "email": st.one_of(st.emails(), BAD),
    "phone": mostly(PHONES, BAD),
    "photos": st.one_of(
        st.lists(st.uuids().map(str), max_size=4), st.lists(hostile_text(200), max_size=4), BAD
    ),
}
REQUIRED = ("category", "location", "description")
# The fields ``POST /api/reports/`` documents: an error may name only these.
REPORT_INPUTS = frozenset(REPORT_FIELDS)


def hostile_reports() -> st.SearchStrategy[dict[str, Any]]:
    """Report bodies with any field missing, wrong or hostile, and unknown members."""
    return st.fixed_dictionaries(
        {name: REPORT_FIELDS[name] for name in REQUIRED},
        optional={
            **{name: s for name, s in REPORT_FIELDS.items() if name not in REQUIRED},
            "unknown": json_values(),
            "\x00": st.just(1),
            "\ud800": st.just(1),
        },
    )


def _members(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(key, dumps(value)) for key, value in report.items()]


def _with(members: list[tuple[str, str]], key: str, raw: str) -> str:
    """The object with member ``key`` written as ``raw`` JSON text."""
    return object_text([(k, v) for k, v in members if k != key] + [(key, raw)])


@st.composite
def raw_report_bodies(draw: st.DrawFn) -> bytes:
    """JSON text no serializer writes: duplicate keys, NaN and huge-number tokens, deep
    nesting, fragments and empty bodies, other encodings, random bytes."""
    report = draw(valid_reports(visible_text(200)))
    members = _members(report)
    kind = draw(st.sampled_from(("duplicate", "token", "nested", "fragment", "encoding", "bytes")))
    if kind == "duplicate":
        key = draw(st.sampled_from([k for k, _ in members]))
        members.insert(draw(st.integers(0, len(members))), (key, dumps(draw(json_values()))))
        return object_text(members).encode()
    if kind == "token":
        token = draw(st.sampled_from(NUMBER_TOKENS))
        lon, lat = report["location"]["coordinates"][:2]
        raw = {
            "lon": ("location", f'{{"type":"Point","coordinates":[{token},{lat}]}}'),
            "lat": ("location", f'{{"type":"Point","coordinates":[{lon},{token}]}}'),
            "alt": ("location", f'{{"type":"Point","coordinates":[{lon},{lat},{token}]}}'),
            "description": ("description", token),
            "answer": ("attributes", f'{{"count":{token}}}'),
        }
        field, text = raw[draw(st.sampled_from(sorted(raw)))]
        if field == "attributes":
            members = [(k, v) for k, v in members if k != "category"]
            members.append(("category", dumps(QUESTIONS_CATEGORY)))
        return _with(members, field, text).encode()
    if kind == "nested":
        nested: str = draw(DEEP_NESTING)
        inside = draw(st.sampled_from(("", "location", "attributes", "description", "photos")))
        return (_with(members, inside, nested) if inside else nested).encode()
    if kind == "fragment":
        fragments = (b"", b" ", b"\n", b"null", b"[]", b"{}", b'"text"', b"1", b"true", b"{")
        broken = (b'{"a":1,}', b"{'a': 1}", b"/* */{}", b"\xef\xbb\xbf{}", b'{"a":"\xff"}')
        fragment: bytes = draw(st.sampled_from(fragments + broken))
        return fragment
    if kind == "encoding":
        codec = draw(st.sampled_from(("utf-16", "utf-32", "latin-1", "utf-8-sig")))
        return json.dumps(report, ensure_ascii=False).encode(codec, "replace")
    garbage: bytes = draw(st.binary(max_size=300))
    return garbage


# ---------------------------------------------------------------- photos

# Formats and modes Pillow writes; Mapa takes JPEG, PNG and WebP, whatever the mode.
IMAGE_KINDS = (
    *(("JPEG", m) for m in ("RGB", "L", "1", "CMYK", "YCbCr")),
    *(("PNG", m) for m in ("RGB", "RGBA", "L", "LA", "P", "1", "I;16")),
    *(("WEBP", m) for m in ("RGB", "RGBA", "L", "LA", "P", "1", "CMYK", "I;16", "I", "F")),
    *(("GIF", m) for m in ("P", "L", "1")),
    ("BMP", "RGB"),
    ("TIFF", "F"),
    ("ICO", "RGBA"),
)

# EXIF GPS blocks a phone or a forger may write: sane, zero, huge, out of range, short,
# divided by zero (read back as NaN), with odd references.
GPS_BLOCKS = (
    {1: "N", 2: (54.0, 20.0, 54.6), 3: "E", 4: (18.0, 39.0, 11.52)},
    {1: "S", 2: (0.0, 0.0, 0.0), 3: "W", 4: (0.0, 0.0, 0.0)},
    {1: "N", 2: (4294967295.0, 4294967295.0, 4294967295.0), 3: "E", 4: (1e-9, 60.0, 3600.0)},
    {1: "X", 2: (91.0, 0.0, 0.0), 3: "", 4: (181.0, 0.0, 0.0)},
    {2: (54.0,), 4: (18.0, 39.0)},
    {
        1: "N",
        2: (IFDRational(1, 0), IFDRational(0, 0), 0.0),
        3: "E",
        4: (IFDRational(5, 0), 0.0, 0.0),
    },
    {1: "N\x00", 2: (), 3: "E" * 100, 4: (1.0, 2.0, 3.0, 4.0)},
)


def image_bytes(kind: tuple[str, str], size: tuple[int, int], orientation: int, gps: int) -> bytes:
    fmt, mode = kind
    image = Image.new(mode, size)
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps >= 0:
        exif[0x8825] = GPS_BLOCKS[gps]
    buffer = io.BytesIO()
    options = {"exif": exif.tobytes()} if fmt in ("JPEG", "PNG", "WEBP") else {}
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def real_images() -> st.SearchStrategy[bytes]:
    """Tiny images in every format and mode, with EXIF orientations from 0 to 10 and odd GPS."""
    return st.builds(
        image_bytes,
        st.sampled_from(IMAGE_KINDS),
        st.tuples(st.integers(1, 48), st.integers(1, 48)),
        st.integers(0, 10),
        st.integers(-1, len(GPS_BLOCKS) - 1),
    )


def png_header(width: int, height: int, pixels: bytes) -> bytes:
    """A one-bit grey PNG of ``width`` by ``height`` whose pixel data is ``pixels``."""

    def chunk(name: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + name + data + struct.pack(">I", zlib.crc32(name + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@functools.lru_cache(maxsize=8)
def giant_png(width: int, height: int) -> bytes:
    """A complete, valid one-bit PNG of ``width`` by ``height``: megapixels in a few kB."""
    row = b"\x00" * (1 + (width + 7) // 8)
    return png_header(width, height, zlib.compress(row * height, 9))


def broken_images() -> st.SearchStrategy[bytes]:
    """Real images truncated or with a byte changed; headers that promise billions of pixels."""
    truncated = st.builds(
        lambda data, cut: data[: cut % max(len(data), 1)], real_images(), st.integers(0, 10_000)
    )
    flipped = st.builds(
        lambda data, at, value: (
            data[: at % len(data)] + bytes([value]) + data[at % len(data) + 1 :]
        ),
        real_images(),
        st.integers(0, 10_000),
        st.integers(0, 255),
    )
    side = st.integers(1, 2**31 - 1)
    promised = st.builds(lambda w, h: png_header(w, h, zlib.compress(b"\x00" * 64)), side, side)
    return st.one_of(truncated, flipped, promised)


def photo_files() -> st.SearchStrategy[bytes]:
    return st.one_of(real_images(), broken_images(), st.binary(max_size=2000))


UPLOAD_NAMES = st.one_of(
    st.sampled_from(("photo.jpg", "photo.png", "p.webp", "photo", ".jpg", "../../etc/passwd")),
    NAMES,
)
UPLOAD_TYPES = st.sampled_from(
    ("image/jpeg", "image/png", "image/webp", "application/octet-stream", "text/html", "")
)
