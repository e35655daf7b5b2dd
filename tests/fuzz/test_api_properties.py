"""Every public API endpoint under hostile input (issue 7): properties that always hold.

Whatever is sent, the answer is never a 5xx; it is JSON in the documented shape,
an error names only the endpoint's own inputs, a refused request saves nothing,
and an accepted report gives back its text unchanged in the answer, its detail
and the list. See ``checks`` for the checks, ``strategies`` and ``bodies`` for
what is sent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapa.reports.geojson import SUMMARY_CHARS
from tests.fuzz.bodies import (
    CATEGORY_CODES,
    REPORT_INPUTS,
    UPLOAD_NAMES,
    UPLOAD_TYPES,
    giant_png,
    hostile_reports,
    photo_files,
    raw_report_bodies,
    valid_reports,
)
from tests.fuzz.checks import (
    api_answer,
    check_feature_collection,
    each_example,
    row_counts,
    send,
)
from tests.fuzz.endpoints import (
    ALL_INPUTS,
    DISTRICT_INPUTS,
    JSON_TYPES,
    LANGUAGES,
    LIST_INPUTS,
    NEARBY,
    NEARBY_INPUTS,
    PHOTO_INPUTS,
    PLACE_INPUTS,
    REPORTS,
    ROUTING,
    ROUTING_INPUTS,
    check_get,
    check_report_answer,
    post_report,
)
from tests.fuzz.multipart import multipart
from tests.fuzz.profiles import examples
from tests.fuzz.strategies import (
    HOSTILE_REFERENCES,
    NAMES,
    NUMBERISH_TEXT,
    RAW_QUERY_PIECES,
    dumps,
    hostile_numbers,
    hostile_text,
    iso_datetimes,
    leniently_spelled_positions,
    long_text,
    not_strict_points,
    percent_encoded,
    query_string,
    visible_text,
)

pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------- POST /api/reports/


@given(body=hostile_reports(), content_type=JSON_TYPES, language=LANGUAGES)
def test_a_hostile_report_is_answered_in_shape_and_refused_without_a_trace(
    questions_category, body, content_type, language
):
    with each_example():
        before = row_counts()
        response = post_report(dumps(body).encode(), content_type, language)
        check_report_answer(response, body, before)


@given(raw=raw_report_bodies(), content_type=JSON_TYPES)
def test_raw_json_text_is_answered_in_shape(questions_category, raw, content_type):
    """Duplicate keys, NaN and 400-digit tokens, 5,000 levels of nesting, empty bodies."""
    with each_example():
        before = row_counts()
        response = post_report(raw, content_type)
        sent = json.loads(raw.decode("utf-8")) if response.status_code == 201 else None
        check_report_answer(response, sent, before)


@given(body=valid_reports(), content_type=JSON_TYPES)
@settings(max_examples=examples(0.5))  # four requests each
def test_a_valid_report_is_accepted_and_its_text_round_trips(
    questions_category, body, content_type
):
    with each_example():
        before = row_counts()
        response = post_report(dumps(body).encode(), content_type)
        assert response.status_code == 201, response.content[:2000]
        check_report_answer(response, body, before)


@given(body=valid_reports(long_text(SUMMARY_CHARS - 2, 4000) | visible_text(SUMMARY_CHARS + 2)))
@settings(max_examples=examples(0.25))
def test_a_long_description_round_trips_and_is_shortened_in_lists(questions_category, body):
    with each_example():
        before = row_counts()
        response = post_report(dumps(body).encode(), "application/json")
        check_report_answer(response, body, before)


@given(body=valid_reports(visible_text(100)), location=not_strict_points())
def test_a_location_that_is_not_strict_geojson_is_refused(questions_category, body, location):
    """RFC 7946: positions are numbers (an altitude too); a crs other than WGS84 is refused."""
    with each_example():
        before = row_counts()
        response = post_report(dumps({**body, "location": location}).encode(), "application/json")
        payload = api_answer(response, REPORT_INPUTS)
        assert response.status_code == 400, payload
        assert "location" in payload, payload
        assert row_counts() == before


NOT_JSON = st.sampled_from(
    (
        "multipart/form-data; boundary=fuzz",
        "application/x-www-form-urlencoded",
        "text/plain",
        "application/xml",
        "application/jsonx",
        "image/png",
    )
)


@given(body=valid_reports(visible_text(100)), content_type=NOT_JSON)
def test_a_body_that_is_not_json_is_a_415(questions_category, body, content_type):
    with each_example():
        before = row_counts()
        if content_type.startswith("multipart/"):
            raw, content_type = multipart([(k, dumps(v).strip('"')) for k, v in body.items()])
        else:
            raw = query_string([(k, dumps(v).strip('"')) for k, v in body.items()]).encode()
        payload = api_answer(post_report(raw, content_type), REPORT_INPUTS)
        assert set(payload) == {"detail"}, payload
        assert row_counts() == before


# ---------------------------------------------------------------- GET endpoints


def codes(*valid: str) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(valid), min_size=1, max_size=3).map(",".join)


def number_text(low: float, high: float) -> st.SearchStrategy[str]:
    """A parameter's number as text: in range, or anything a client may type."""
    return st.one_of(
        st.floats(low, high).map(str),
        st.sampled_from(NUMBERISH_TEXT),
        hostile_numbers().map(str),
    )


# A query string carries each value percent-encoded: up to 12 bytes a character.
ANY_TEXT = hostile_text(12_000)
LIST_PARAMS = {
    "bbox": st.one_of(
        st.just("18.5,54.3,18.8,54.45"),
        st.lists(number_text(-200, 200), max_size=5).map(",".join),
        ANY_TEXT,
    ),
    "status": st.one_of(codes("open", "new", "accepted", "in_progress", "resolved"), ANY_TEXT),
    "category": st.one_of(codes(*CATEGORY_CODES), ANY_TEXT),
    "district": st.one_of(codes("srodmiescie", "wrzeszcz-gorny", "oliwa"), ANY_TEXT),
    "unit": st.one_of(codes("gzdiz", "sm", "gck"), ANY_TEXT),
    "created_after": st.one_of(iso_datetimes(), ANY_TEXT),
    "created_before": st.one_of(iso_datetimes(), ANY_TEXT),
    "limit": st.one_of(st.integers(-5, 1005).map(str), number_text(-1e9, 1e9), ANY_TEXT),
    "cursor": st.one_of(st.integers(-5, 10**30).map(str), number_text(-1e9, 1e9), ANY_TEXT),
}


def params_of(inputs: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[str]:
    """A query string of any of ``inputs`` (some repeated, some unknown), percent-encoded
    byte by byte, with broken escapes sprinkled in."""
    pair = st.sampled_from(sorted(inputs)).flatmap(
        lambda name: st.tuples(st.just(name), inputs[name])
    )
    stray = st.tuples(NAMES, ANY_TEXT)
    encoded = st.lists(st.one_of(pair, pair, stray), max_size=6).map(query_string)
    return st.one_of(
        encoded,
        st.tuples(encoded, st.lists(st.sampled_from(RAW_QUERY_PIECES), max_size=3)).map(
            lambda t: "&".join([t[0], *t[1]])
        ),
        st.sampled_from(sorted(inputs)).map(lambda name: f"{name}=%00"),
    )


@given(query=params_of(LIST_PARAMS), language=LANGUAGES)
def test_the_report_list_takes_any_query(a_report, query, language):
    with each_example():
        status, payload = check_get(f"{REPORTS}?{query}", LIST_INPUTS, language)
        if status == 200:
            features = check_feature_collection(payload)
            assert payload["numberReturned"] == len(features) <= payload["limit"] <= 1000


@given(reference=st.one_of(st.none(), HOSTILE_REFERENCES))
def test_a_hostile_reference_is_a_404(a_report, reference):
    with each_example():
        path = f"{REPORTS}{a_report.reference if reference is None else reference}/"
        status, payload = check_get(path, frozenset())
        assert status in (200, 404), payload
        if reference is None:
            assert payload["properties"]["reference"] == a_report.reference


LON_LAT = {
    "lon": st.one_of(number_text(18.5, 18.8), ANY_TEXT),
    "lat": st.one_of(number_text(54.3, 54.45), ANY_TEXT),
}


@given(query=params_of({**LON_LAT, "radius": st.one_of(number_text(-10, 3000), ANY_TEXT)}))
def test_nearby_takes_any_query(a_report, query):
    with each_example():
        status, payload = check_get(f"{NEARBY}?{query}", NEARBY_INPUTS)
        if status == 200:
            check_feature_collection(payload)


@given(
    path=st.sampled_from((NEARBY, ROUTING)),
    position=leniently_spelled_positions(),
)
def test_a_coordinate_only_float_reads_is_refused(a_report, path, position):
    """ "1_8.6532" or full-width digits: float() reads 18.6532, a decimal number does not."""
    with each_example():
        query = query_string([("lon", position[0]), ("lat", position[1])])
        status, payload = check_get(f"{path}?{query}", NEARBY_INPUTS | ROUTING_INPUTS)
        assert status == 400, payload
        assert set(payload) & {"location", "lon", "lat"}, payload


@given(
    query=params_of({**LON_LAT, "category": st.one_of(st.sampled_from(CATEGORY_CODES), ANY_TEXT)}),
    language=LANGUAGES,
)
def test_routing_preview_takes_any_query_and_saves_nothing(query, language):
    with each_example():
        status, payload = check_get(f"{ROUTING}?{query}", ROUTING_INPUTS, language)
        if status == 200:
            assert isinstance(payload, dict), payload
            assert "district" in payload, payload


@given(query=params_of({"simplify": st.one_of(number_text(-10, 2000), ANY_TEXT)}))
@settings(max_examples=examples(0.25))  # each answer is every district's outline
def test_districts_take_any_simplification(query):
    status, payload = check_get(f"/api/districts/?{query}", DISTRICT_INPUTS)
    if status == 200:
        assert len(check_feature_collection(payload)) == 35


@given(query=params_of({"junk": ANY_TEXT}), language=LANGUAGES)
@settings(max_examples=examples(0.25))
def test_categories_take_any_query(query, language):
    """Categories have no parameters: any query is ignored (or refused, naming none)."""
    status, payload = check_get(f"/api/categories/?{query}", frozenset(), language)
    if status == 200:
        assert {c["code"] for c in payload} >= set(CATEGORY_CODES)


PLACE_PARAMS = {
    "q": st.one_of(
        st.sampled_from(("piwna 27", "Długi Targ", "oliwa", "80-831")), ANY_TEXT, long_text(90, 200)
    ),
    "limit": st.one_of(st.integers(-5, 60).map(str), number_text(-1e9, 1e9), ANY_TEXT),
}


@given(query=params_of(PLACE_PARAMS), language=LANGUAGES)
def test_place_search_takes_any_query(places, query, language):
    with each_example():
        status, payload = check_get(f"/api/places/?{query}", PLACE_INPUTS, language)
        if status == 200:
            assert len(check_feature_collection(payload)) <= 50


# ---------------------------------------------------------------- POST /api/photos/

PHOTO_PARTS = st.lists(
    st.one_of(
        st.tuples(st.just("photo"), st.tuples(UPLOAD_NAMES, UPLOAD_TYPES, photo_files())),
        st.tuples(st.sampled_from(("photo", "other")), hostile_text(12_000)),
    ),
    max_size=3,
)


def files_in(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file())


@given(parts=PHOTO_PARTS)
@settings(max_examples=examples(0.75))
def test_any_upload_is_a_clean_photo_or_a_refusal_that_stores_nothing(media, parts):
    with each_example():
        before, files = row_counts(), files_in(media)
        body, content_type = multipart(parts)
        response = send("POST", "/api/photos/", body, content_type)
        payload = api_answer(response, PHOTO_INPUTS)
        if response.status_code == 201:
            assert set(payload) == {"id", "url", "thumbnail_url", "gps"}, payload
            assert row_counts()[2] == before[2] + 1
        else:
            assert row_counts() == before, payload
            assert files_in(media) == files, "a refused photo left files behind"


# More pixels than a phone photo needs (issue 7: "about 12 to 24 Mpx at most").
PHONE_PHOTO_MAX_PIXELS = 24_000_000
GIANT_SIZES = ((5000, 5000), (6000, 4500), (7000, 7000), (4000, 12_000), (10_000, 10_000))


@given(size=st.sampled_from(GIANT_SIZES))
@settings(max_examples=len(GIANT_SIZES))
def test_a_photo_with_more_pixels_than_a_phone_takes_is_refused(media, size):
    """A valid PNG of a few kB can hold 49 Mpx; decoding it costs seconds and gigabytes."""
    assert size[0] * size[1] > PHONE_PHOTO_MAX_PIXELS
    with each_example():
        before = row_counts()
        body, content_type = multipart([("photo", ("giant.png", "image/png", giant_png(*size)))])
        response = send("POST", "/api/photos/", body, content_type)
        payload = api_answer(response, PHOTO_INPUTS)
        assert response.status_code == 400, payload
        assert "photo" in payload, payload
        assert row_counts() == before


# ---------------------------------------------------------------- any method, any path

API_PATHS = (
    REPORTS,
    f"{REPORTS}nearby/",
    f"{REPORTS}GD-2026-000001/",
    "/api/photos/",
    "/api/routing/",
    "/api/categories/",
    "/api/districts/",
    "/api/places/",
    "/api/",
)


@given(
    method=st.sampled_from(
        ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND")
    ),
    path=st.one_of(
        st.sampled_from(API_PATHS),
        st.tuples(st.sampled_from(API_PATHS), st.text(max_size=30)).map(
            lambda t: t[0] + percent_encoded(t[1])
        ),
        st.sampled_from(("/api/%00/", "/api/reports/%ED%A0%80/", "/api/" + "a/" * 500)),
    ),
    body=st.one_of(st.just(b""), st.binary(max_size=50)),
)
@settings(max_examples=examples(0.75))
def test_any_method_on_any_api_path_is_answered_in_json(method, path, body):
    with each_example():
        before = row_counts()
        response = send(method, path, body, "application/json" if body else "")
        payload = api_answer(response, ALL_INPUTS)
        if response.status_code >= 400:
            assert row_counts() == before, payload
