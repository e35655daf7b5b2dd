"""Every form and page under hostile input (issue 7): properties that always hold.

The no-JavaScript report form either files the report and redirects to its page,
or answers 400 with the page re-rendered and nothing saved. The language switch
redirects only within the site. A report page for a reference that names no
report is a 404, and the map takes any query string. Never a 5xx.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.bodies import (
    CATEGORIES,
    CATEGORY_CODES,
    QUESTION_KEYS,
    QUESTIONS,
    QUESTIONS_CATEGORY,
    UPLOAD_TYPES,
    mostly,
    photo_files,
)
from tests.fuzz.checks import (
    each_example,
    is_local_redirect,
    page_answer,
    row_counts,
    send,
)
from tests.fuzz.multipart import multipart
from tests.fuzz.profiles import examples
from tests.fuzz.strategies import (
    HOSTILE_REFERENCES,
    INSIDE_GDANSK,
    NAMES,
    NUMBERISH_TEXT,
    OUTSIDE_GDANSK,
    RAW_QUERY_PIECES,
    STORABLE_NAMES,
    hostile_numbers,
    hostile_text,
    leniently_spelled_positions,
    percent_encoded,
    query_string,
    storable_text,
    visible_text,
)

pytestmark = pytest.mark.django_db

FORM = "/report/"
REPORT_PAGE = re.compile(r"/r/(GD-\d{4}-\d{6})/\?sent=1")
# Form values are sent as they are; query values percent-encoded (up to 12 bytes a character).
ANY_TEXT = hostile_text()
QUERY_TEXT = hostile_text(12_000)


def coordinate(index: int) -> st.SearchStrategy[str]:
    places = st.sampled_from(INSIDE_GDANSK + OUTSIDE_GDANSK).map(lambda p: str(p[index]))
    return mostly(
        places, st.one_of(st.sampled_from(NUMBERISH_TEXT), hostile_numbers().map(str), ANY_TEXT)
    )


# Every question of every category, as the form names it: attr__<category>__<question>.
QUESTION_FIELDS = tuple(
    f"attr__{c['code']}__{q['code']}" for c in CATEGORIES for q in c.get("attributes", [])
) + tuple(f"attr__{QUESTIONS_CATEGORY}__{code}" for code in QUESTIONS)
ANSWERS = st.one_of(
    st.sampled_from(("dog", "cat", "injured", "sign", *QUESTION_KEYS, "12.5", "2026-11-30T10:00")),
    st.sampled_from(NUMBERISH_TEXT),
    ANY_TEXT,
)

FORM_FIELDS: dict[str, st.SearchStrategy[str]] = {
    "category": mostly(st.sampled_from((*CATEGORY_CODES, QUESTIONS_CATEGORY)), ANY_TEXT),
    "description": mostly(visible_text(300), ANY_TEXT),
    "lon": coordinate(0),
    "lat": coordinate(1),
    "location_source": mostly(
        st.sampled_from(("pin", "device", "address", "photo", "district", "")), ANY_TEXT
    ),
    "district": mostly(st.sampled_from(("", "srodmiescie", "wrzeszcz-gorny", "oliwa")), ANY_TEXT),
    "address": mostly(storable_text(max_size=200), ANY_TEXT),
    "name": mostly(st.just(""), ANY_TEXT),
    "email": mostly(st.sampled_from(("", "jan@example.com")), ANY_TEXT),
    "phone": mostly(st.sampled_from(("", "+48 600 100 200")), ANY_TEXT),
}


@st.composite
def form_parts(draw: st.DrawFn) -> list[tuple[str, Any]]:
    """The form's fields, each present or not (some twice), answers to any questions,
    unknown fields, and maybe a photo."""
    parts: list[tuple[str, Any]] = []
    for name, values in FORM_FIELDS.items():
        for _ in range(draw(st.sampled_from((1, 1, 1, 0, 2)))):
            parts.append((name, draw(values)))
    # Names as a browser sends them, valid UTF-8 (and escaped, see multipart): Django
    # refuses a body with invalid UTF-8 in a part's name once it spans more than 64 KiB.
    unknown = STORABLE_NAMES.map("attr__{}".format)
    answers = st.tuples(st.sampled_from(QUESTION_FIELDS) | unknown, ANSWERS)
    parts += draw(st.lists(answers, max_size=4))
    if draw(st.booleans()):
        upload = (draw(STORABLE_NAMES), draw(UPLOAD_TYPES), draw(photo_files()))
        parts.append(("photo", upload))
    return draw(st.permutations(parts))


def read_by_django(parts: list[tuple[str, Any]]) -> bool:
    """Does Django read this body at all? Beyond DATA_UPLOAD_MAX_MEMORY_SIZE of field
    text it answers 400 before any view runs, so there is no form to show again."""
    text = sum(len(v.encode("utf-8", "surrogatepass")) for _, v in parts if isinstance(v, str))
    return text <= django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def check_form_answer(
    response: Any, before: tuple[int, int, int], *, rerendered: bool = True
) -> None:
    html = page_answer(response, language="pl")
    if response.status_code == 302:
        match = REPORT_PAGE.fullmatch(response["Location"])
        assert match, response["Location"]
        assert row_counts()[:2] == (before[0] + 1, before[1] + 1)
        page = send("GET", response["Location"])
        assert page.status_code == 200
        assert match[1] in page_answer(page)
        return
    assert response.status_code == 400, response.status_code
    assert row_counts() == before, "a refused form saved rows"
    if rerendered:
        assert 'action="/report/"' in html, "the form is shown again"


@given(parts=form_parts())
@settings(max_examples=examples(0.5))  # a refusal renders the whole map page
def test_the_report_form_files_or_refuses_whatever_is_sent(questions_category, media, parts):
    with each_example():
        before = row_counts()
        body, content_type = multipart(parts, as_browser=True)
        response = send("POST", FORM, body, content_type)
        check_form_answer(response, before, rerendered=read_by_django(parts))


@given(position=leniently_spelled_positions())
@settings(max_examples=examples(0.25))
def test_the_form_refuses_a_coordinate_only_float_reads(questions_category, position):
    """ "1_8.6532" or full-width digits: float() reads 18.6532, a decimal number does not."""
    with each_example():
        before = row_counts()
        fields = {"category": "pothole", "description": "Dziura", "location_source": "pin"}
        parts = [*fields.items(), ("lon", position[0]), ("lat", position[1])]
        body, content_type = multipart(parts)
        response = send("POST", FORM, body, content_type)
        check_form_answer(response, before)
        assert response.status_code == 400, response.get("Location")


@given(
    pairs=st.lists(st.tuples(st.sampled_from(sorted(FORM_FIELDS)) | NAMES, ANY_TEXT), max_size=8),
    pieces=st.lists(st.sampled_from(RAW_QUERY_PIECES), max_size=3),
    many=st.sampled_from((0, 0, 0, 1001)),
)
@settings(max_examples=examples(0.5))
def test_the_form_takes_any_urlencoded_body(questions_category, pairs, pieces, many):
    """Percent-escapes of any bytes (%00, %ED%A0%80), broken escapes, too many fields."""
    with each_example():
        before = row_counts()
        body = "&".join([query_string(pairs), *pieces, *["a=1"] * many]).encode()
        response = send("POST", FORM, body, "application/x-www-form-urlencoded")
        # More fields or bytes than Django reads: refused before the form exists.
        read = not many and len(body) <= django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        check_form_answer(response, before, rerendered=read)


NEXT_URLS = st.one_of(
    st.sampled_from(
        (
            "/",
            "/r/GD-2026-000001/",
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "http://testserver/",
            "\x00",
            "/%00",
            " //evil.example",
        )
    ),
    NAMES,
)


@given(
    language=st.one_of(st.sampled_from(("pl", "en", "de", "EN", "pl-PL", "")), NAMES),
    next_url=st.one_of(st.none(), NEXT_URLS),
    referer=st.one_of(st.none(), NEXT_URLS),
)
def test_the_language_switch_stays_on_the_site(language, next_url, referer):
    fields = [("language", language)] + ([("next", next_url)] if next_url is not None else [])
    headers = {"HTTP_REFERER": referer} if referer is not None else {}
    response = send(
        "POST",
        "/i18n/setlang/",
        query_string(fields).encode(),
        "application/x-www-form-urlencoded",
        HTTP_ACCEPT="text/html",
        **headers,
    )
    page_answer(response)
    if response.status_code == 302:
        assert is_local_redirect(response["Location"]), response["Location"]
    if language in ("pl", "en"):
        assert response.cookies["django_language"].value == language


@given(reference=st.one_of(st.none(), HOSTILE_REFERENCES), sent=st.one_of(st.none(), QUERY_TEXT))
def test_a_report_page_for_a_hostile_reference_is_a_404(a_report, reference, sent):
    path = f"/r/{a_report.reference if reference is None else reference}/"
    if sent is not None:
        path += f"?sent={percent_encoded(sent)}"
    response = send("GET", path)
    page_answer(response, language="pl")
    if sent is not None and "\x00" in sent:
        # A NUL in a query parameter is refused before any view (mapa.core.guards).
        assert response.status_code in (400, 404), response.status_code
    else:
        assert response.status_code == (200 if reference is None else 404), response.status_code


@given(
    query=st.one_of(
        st.lists(st.tuples(NAMES, QUERY_TEXT), max_size=5).map(query_string),
        st.lists(st.sampled_from(RAW_QUERY_PIECES), max_size=5).map("&".join),
    ),
    language_cookie=st.one_of(
        st.none(), st.sampled_from(("en", "pl", "xx", "\x7f")), NAMES.map(percent_encoded)
    ),
)
@settings(max_examples=examples(0.5))
def test_the_map_takes_any_query_string(query, language_cookie):
    headers = {"HTTP_COOKIE": f"django_language={language_cookie}"} if language_cookie else {}
    response = send("GET", f"/?{query}", b"", "", **headers)
    page_answer(response, language="en" if language_cookie == "en" else "pl")
    assert response.status_code in (200, 400), response.status_code
