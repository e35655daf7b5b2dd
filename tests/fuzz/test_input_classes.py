"""One property per class of hostile input in issue 7, aimed so that every example hits it.

The broad properties (``test_api_properties``) mix these classes with everything
else and may go 30 examples without one; here each example carries exactly one
hostile value into one place, so a regression fails at once and shrinks to the
field that lets it through:

* NUL characters and lone surrogates, in any field, question (key or answer) or
  GeoJSON member: a 400 naming it, nothing saved; a NUL in a query parameter: a
  400 naming it; in a report's reference: a 404;
* numbers beyond a double's range (hundreds of digits): a 400 naming the field;
* thousands of levels of nesting: a 400 or 413 before the parser recurses;
* a JSON value of the wrong type where text belongs: a 400 naming the field.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapa.core.text import MAX_JSON_DEPTH
from tests.fuzz.bodies import QUESTIONS_CATEGORY, valid_reports
from tests.fuzz.checks import each_example, row_counts
from tests.fuzz.endpoints import (
    DISTRICT_INPUTS,
    LIST_INPUTS,
    NEARBY,
    NEARBY_INPUTS,
    PLACE_INPUTS,
    REPORTS,
    ROUTING,
    ROUTING_INPUTS,
    check_get,
    check_report_answer,
    post_report,
)
from tests.fuzz.profiles import examples
from tests.fuzz.strategies import (
    BEYOND_DOUBLE,
    NUL_TEXT,
    dumps,
    nested_text,
    object_text,
    percent_encoded,
    query_string,
    unstorable_text,
    visible_text,
)

pytestmark = pytest.mark.django_db

REPORTS_OF_ONE_LINE = valid_reports(visible_text(60))
TEXT_FIELDS = (
    "category",
    "description",
    "address",
    "name",
    "email",
    "phone",
    "channel",
    "location_source",
)


def _put(report: dict[str, Any], place: str, value: Any) -> tuple[dict[str, Any], str]:
    """``report`` with ``value`` at ``place``; and the field an error must name."""
    report = {**report}
    if place in TEXT_FIELDS:
        report[place] = value
        return report, place
    if place in ("answer", "question"):
        report["category"] = QUESTIONS_CATEGORY
        report["attributes"] = {"short": value} if place == "answer" else {value: "x"}
        return report, "attributes"
    if place == "photo id":
        report["photos"] = [value]
        return report, "photos"
    location = {**report["location"]}
    if place == "point type":
        location["type"] = value
    elif place == "crs name":
        location["crs"] = {"type": "name", "properties": {"name": value}}
    else:  # a coordinate: lon, lat or altitude
        position = location["coordinates"][:2]
        if place == "altitude":
            position.append(0)
        position[("lon", "lat", "altitude").index(place)] = value
        location["coordinates"] = position
    report["location"] = location
    return report, "location"


def check_refused_naming(report: dict[str, Any], field: str) -> None:
    with each_example():
        before = row_counts()
        response = post_report(dumps(report).encode())
        payload = check_report_answer(response, report, before)
        assert response.status_code == 400, payload
        assert field in payload, f"{field} is not named: {payload!r}"


PLACES_FOR_TEXT = (
    *TEXT_FIELDS,
    "answer",
    "question",
    "photo id",
    "point type",
    "crs name",
)


# Each place is a test of its own, so that every run reaches every place.
@pytest.mark.parametrize("place", PLACES_FOR_TEXT)
@given(report=REPORTS_OF_ONE_LINE, bad=unstorable_text())
@settings(max_examples=examples(0.2))
def test_unstorable_text_anywhere_in_a_report_is_refused_naming_its_field(
    questions_category, place, report, bad
):
    """PostgreSQL text cannot hold NUL; psycopg cannot send a lone surrogate."""
    check_refused_naming(*_put(report, place, bad))


@pytest.mark.parametrize("place", ["lon", "lat", "altitude", "answer"])
@given(report=REPORTS_OF_ONE_LINE, huge=BEYOND_DOUBLE)
@settings(max_examples=examples(0.2))
def test_a_number_beyond_a_double_is_refused_naming_its_field(
    questions_category, place, report, huge
):
    """float() of a 300-digit integer raises OverflowError; it must not reach a 500."""
    if place == "answer":
        report = {**report, "category": QUESTIONS_CATEGORY, "attributes": {"count": huge}}
        check_refused_naming(report, "attributes")
    else:
        check_refused_naming(*_put(report, place, huge))


WRONG_TYPES = st.one_of(
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(("a", "code")), st.integers(), max_size=2),
)


@pytest.mark.parametrize("field", TEXT_FIELDS)
@given(report=REPORTS_OF_ONE_LINE, value=WRONG_TYPES)
@settings(max_examples=examples(0.2))
def test_a_value_of_the_wrong_type_is_refused_naming_its_field(
    questions_category, field, report, value
):
    """Text fields take JSON strings: a number is not quietly turned into "12" or "inf"."""
    check_refused_naming(*_put(report, field, value))


# Deeper than Mapa takes (the body's own object adds a level where it is a member).
TOO_DEEP = st.builds(
    nested_text, st.integers(MAX_JSON_DEPTH + 1, 5000), st.sampled_from(("array", "object"))
)


@given(
    report=REPORTS_OF_ONE_LINE,
    where=st.sampled_from(("", "location", "attributes", "description", "photos")),
    nested=TOO_DEEP,
)
def test_deep_nesting_is_refused_before_parsing(questions_category, report, where, nested):
    """Python's JSON parser recurses per level: thousands of levels raise RecursionError."""
    members = [(key, dumps(value)) for key, value in report.items() if key != where]
    body = object_text([*members, (where, nested)]) if where else nested
    with each_example():
        before = row_counts()
        response = post_report(body.encode())
        payload = check_report_answer(response, None, before)
        assert response.status_code in (400, 413), payload


GET_PARAMETERS = (
    *((REPORTS, name, LIST_INPUTS) for name in sorted(LIST_INPUTS)),
    *((NEARBY, name, NEARBY_INPUTS) for name in ("lon", "lat", "radius")),
    *((ROUTING, name, ROUTING_INPUTS) for name in ("lon", "lat", "category")),
    ("/api/districts/", "simplify", DISTRICT_INPUTS),
    ("/api/places/", "q", PLACE_INPUTS),
    ("/api/places/", "limit", PLACE_INPUTS),
)
VALID_PARAMETERS = {"lon": "18.6532", "lat": "54.3485", "q": "piwna"}


@pytest.mark.parametrize(("path", "name", "inputs"), GET_PARAMETERS)
@given(bad=NUL_TEXT)
@settings(max_examples=examples(0.1))
def test_a_nul_in_any_parameter_is_refused_naming_it(a_report, path, name, inputs, bad):
    others = [(k, v) for k, v in VALID_PARAMETERS.items() if k in inputs and k != name]
    with each_example():
        status, payload = check_get(f"{path}?{query_string([*others, (name, bad)])}", inputs)
        assert status == 400, payload
        named = {name, "location"} if name in ("lon", "lat") else {name}
        assert named & set(payload), f"{name} is not named: {payload!r}"


@given(bad=NUL_TEXT)
def test_a_nul_in_a_reference_is_a_404(bad):
    status, payload = check_get(f"{REPORTS}{percent_encoded(bad)}/", frozenset())
    assert status == 404, payload
