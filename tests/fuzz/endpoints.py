"""The public API as the fuzz tests call it: each endpoint's inputs, and the checks of
its answers that hold whatever was sent (on top of those in ``checks``)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from mapa.reports.geojson import SUMMARY_CHARS
from tests.fuzz.bodies import CATEGORIES, QUESTIONS, REPORT_INPUTS
from tests.fuzz.checks import api_answer, check_feature_collection, row_counts, send

REPORTS = "/api/reports/"
NEARBY = f"{REPORTS}nearby/"
ROUTING = "/api/routing/"

# What each endpoint takes; an error may name only these (or detail/non_field_errors).
LIST_INPUTS = frozenset(
    {
        "bbox",
        "status",
        "category",
        "district",
        "unit",
        "created_after",
        "created_before",
        "limit",
        "cursor",
    }
)
NEARBY_INPUTS = frozenset({"lon", "lat", "radius", "location"})
ROUTING_INPUTS = frozenset({"lon", "lat", "category", "location"})
DISTRICT_INPUTS = frozenset({"simplify"})
PLACE_INPUTS = frozenset({"q", "limit"})
PHOTO_INPUTS = frozenset({"photo"})
ALL_INPUTS = (
    REPORT_INPUTS
    | LIST_INPUTS
    | NEARBY_INPUTS
    | ROUTING_INPUTS
    | DISTRICT_INPUTS
    | PLACE_INPUTS
    | PHOTO_INPUTS
)
# Every question code of every category, and of the fuzz suite's own category.
QUESTION_CODES = frozenset(
    {q["code"] for c in CATEGORIES for q in c.get("attributes", [])} | set(QUESTIONS)
)

JSON_TYPES = st.sampled_from(
    (
        "application/json",
        "application/geo+json",
        "application/json; charset=utf-8",
        "application/geo+json; charset=UTF-8",
    )
)
LANGUAGES = st.sampled_from(
    ("pl", "en", "en-US,en;q=0.9", "de", "*", "", "pl;q=nan,en;q=1e999", "x" * 600, "\x00")
)


def post_report(body: bytes, content_type: str = "application/json", language: str = "pl") -> Any:
    return send("POST", REPORTS, body, content_type, HTTP_ACCEPT_LANGUAGE=language)


def check_get(path: str, inputs: frozenset[str], language: str = "pl") -> tuple[int, Any]:
    """A GET's answer, checked; a GET never saves anything."""
    before = row_counts()
    response = send("GET", path, HTTP_ACCEPT_LANGUAGE=language)
    payload = api_answer(response, inputs)
    assert row_counts() == before, "a GET saved rows"
    return response.status_code, payload


def check_report_answer(response: Any, sent: Any, before: tuple[int, int, int]) -> Any:
    """The properties of every answer to ``POST /api/reports/``: a refusal saved nothing
    and names only questions that exist or were sent; a report is one row and one event,
    and gives its text back unchanged. Returns the answer's JSON."""
    payload = api_answer(response, REPORT_INPUTS)
    reports, events, photos = row_counts()
    if response.status_code != 201:
        assert (reports, events, photos) == before, f"a refused report saved rows: {payload!r}"
        answers = payload.get("attributes")
        if isinstance(answers, dict) and isinstance(sent, dict):
            sent_answers = sent.get("attributes")
            named = set(sent_answers) if isinstance(sent_answers, dict) else set()
            unknown = set(answers) - named - QUESTION_CODES - {"attributes"}
            assert not unknown, f"questions that were neither asked nor sent: {payload!r}"
        return payload
    assert (reports, events) == (before[0] + 1, before[1] + 1), "a report is one row and one event"
    check_round_trip(payload, sent)
    return payload


def summary(text: str) -> str:
    """A list's description: ``SUMMARY_CHARS`` characters at most, ending in '…' when cut
    (``mapa.reports.geojson``)."""
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def check_round_trip(created: dict[str, Any], sent: dict[str, Any]) -> None:
    """The description and address come back as sent: in the 201, the detail and the list."""
    props = created["properties"]
    reference = props["reference"]
    detail = api_answer(send("GET", f"{REPORTS}{reference}/"), frozenset())["properties"]
    listed = check_feature_collection(api_answer(send("GET", f"{REPORTS}?limit=1"), frozenset()))
    assert [f["properties"]["reference"] for f in listed] == [reference]
    listed_props = listed[0]["properties"]
    # The three answers agree with each other...
    assert props["description"] == detail["description"]
    assert summary(detail["description"]) == listed_props["description"]
    assert props["address"] == detail["address"] == listed_props["address"]
    # ...and with what was sent.
    assert props["description"] == sent["description"], "the description changed"
    assert props["address"] == sent.get("address", ""), "the address changed"
