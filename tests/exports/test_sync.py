"""Incremental sync: updated_since and cursors return exactly what changed, pages have no
gaps or repeats, a change still uncommitted is never skipped, and a repeat call is a 304."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from django.db import connection
from django.utils.http import http_date

from mapa.catalogue.models import Unit
from mapa.exports.selectors import ExportQuery
from mapa.exports.streams import ReportExport
from mapa.reports.casework import (
    report_add_note,
    report_change_status,
    report_mark_duplicate,
    report_reroute,
)
from mapa.reports.hotspots import hotspot_merge
from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.exports.conftest import settle
from tests.exports.helpers import body

URL = "/api/exports/reports.geojson"
CSV_URL = "/api/exports/reports.csv"


def page(client, url=URL, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response, json.loads(body(response))


def references(data):
    return [f["properties"]["reference"] for f in data["features"]]


@pytest.fixture
def baseline(token_client, cases):
    """Six cases exported once; the cursor a nightly job would keep."""
    settle()
    response, data = page(token_client("consultant"))
    assert data["numberReturned"] == 6
    assert response["Mapa-Cursor"] == data["cursor"]
    return data["cursor"]


def test_a_cursor_returns_exactly_the_cases_changed_since(
    token_client, cases, make_report, baseline
):
    fresh = make_report("pothole", *NEPTUNE_FOUNTAIN, description="Nowa dziura")
    report_change_status(report=cases["road"], status="accepted")
    report_reroute(report=cases["triage"], unit=Unit.objects.get(code="gzdiz"), reason="Droga")
    report_add_note(report=cases["animal"], public_note="Patrol w drodze.")
    report_mark_duplicate(report=cases["road2"], original=fresh)
    settle()

    _, data = page(token_client("consultant"), cursor=baseline)
    changed = {
        fresh.reference,
        cases["road"].reference,
        cases["triage"].reference,
        cases["animal"].reference,
        cases["road2"].reference,  # and its original, ``fresh``, already counted
    }
    assert set(references(data)) == changed
    assert len(references(data)) == len(changed)  # each once, at its latest state
    by_reference = {f["properties"]["reference"]: f["properties"] for f in data["features"]}
    assert by_reference[cases["road"].reference]["status"] == "accepted"
    assert by_reference[cases["triage"].reference]["unit"] == "gzdiz"
    assert by_reference[cases["road2"].reference]["status"] == "duplicate"

    # Nothing more changed: the next call from the new cursor is empty, and keeps the cursor.
    _, again = page(token_client("consultant"), cursor=data["cursor"])
    assert again["features"] == []
    assert again["cursor"] == data["cursor"]


def test_updated_since_is_inclusive_and_sees_every_change_path(token_client, cases, baseline):
    before = datetime.now(UTC)
    report_change_status(report=cases["road"], status="accepted")
    report_change_status(report=cases["road"], status="in_progress")
    report_change_status(report=cases["road"], status="resolved", public_note="Załatane.")
    report_mark_duplicate(report=cases["animal2"], original=cases["animal"])
    settle()
    since = before.isoformat().replace("+00:00", "Z")
    _, data = page(token_client("consultant"), updated_since=since)
    assert set(references(data)) == {
        cases["road"].reference,
        cases["animal"].reference,  # the original of a duplicate changes too
        cases["animal2"].reference,
    }
    resolved = next(f for f in data["features"] if f["id"] == cases["road"].reference)
    assert resolved["properties"]["resolved"] is not None

    # Undoing the duplicate, and a hotspot merge, change both sides again.
    middle = datetime.now(UTC)
    report_change_status(report=cases["animal2"], status="accepted")
    hotspot_merge(reports=[cases["triage"], cases["triage2"]], into=cases["triage"])
    settle()
    _, data = page(token_client("consultant"), updated_since=middle.isoformat())
    assert set(references(data)) == {
        cases["animal"].reference,
        cases["animal2"].reference,
        cases["triage"].reference,
        cases["triage2"].reference,
    }
    # updated_since at a case's exact time includes it.
    exact = Report.objects.get(pk=cases["triage2"].pk).updated_at
    _, data = page(token_client("consultant"), updated_since=exact.isoformat())
    assert cases["triage2"].reference in references(data)


def test_pages_walk_every_case_once_in_order(token_client, make_report, db):
    for number in range(11):
        make_report(description=f"Dziura {number}")
    settle()
    client = token_client("consultant")
    _, whole = page(client)
    walked, url, pages = [], None, 0
    response, data = page(client, limit=3)
    while True:
        pages += 1
        walked += references(data)
        if data["next"] is None:
            assert "Link" not in response
            break
        assert response["Link"] == f'<{data["next"]}>; rel="next"'
        assert data["numberReturned"] == 3
        url = data["next"]
        response = client.get(url)
        data = json.loads(body(response))
    assert pages == 4
    assert walked == references(whole)
    assert len(set(walked)) == 11
    assert data["cursor"] == whole["cursor"]


def test_csv_pages_by_the_link_header(token_client, make_report, db):
    for number in range(5):
        make_report(description=f"Dziura {number}")
    settle()
    client = token_client("consultant")
    response = client.get(CSV_URL, {"limit": 2})
    seen = []
    while True:
        lines = body(response).decode().splitlines()
        assert lines[0].startswith("reference,")
        seen += [line.split(",")[0] for line in lines[1:]]
        if "Link" not in response:
            break
        response = client.get(response["Link"][1 : response["Link"].index(">")])
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == 5


def test_a_change_still_uncommitted_is_not_skipped(token_client, cases, make_report, settings):
    """Another transaction is open: changes after it began wait; none falls behind a cursor."""
    settle()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    other = psycopg.connect(**params)
    try:
        other.execute("SELECT 1")  # a transaction begins (psycopg is not in autocommit)
        late = make_report(description="Zmiana po starcie innej transakcji")
        settle()
        _, first = page(token_client("consultant"))
        assert late.reference not in references(first)
        assert first["numberReturned"] == 6
    finally:
        other.rollback()
        other.close()
    _, after = page(token_client("consultant"), cursor=first["cursor"])
    assert references(after) == [late.reference]


def test_the_lag_holds_back_the_latest_changes(token_client, cases, settings):
    settings.MAPA_EXPORT_SYNC_LAG_SECONDS = 3600
    _, data = page(token_client("consultant"))
    assert data["features"] == []
    assert data["cursor"] is None


def test_etag_and_last_modified_give_a_304_until_something_changes(token_client, cases):
    settle()
    client = token_client("consultant")
    response = client.get(URL, {"status": "new"})
    first = body(response)
    etag, modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('"')

    again = client.get(URL, {"status": "new"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""
    assert client.get(URL, {"status": "new"}, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert (
        client.get(URL, {"status": "new"}, HTTP_IF_NONE_MATCH=f'"x", W/{etag}').status_code == 304
    )
    # Another query, another tag; the same query's body is the same bytes.
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert body(client.get(URL, {"status": "new"})) == first

    report_add_note(report=cases["road"], public_note="Zgłoszenie przyjęte do wiadomości.")
    settle()
    changed = client.get(URL, {"status": "new"}, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    body(changed)
    assert client.get(URL, {"status": "new"}, HTTP_IF_MODIFIED_SINCE=modified).status_code == 200


def test_a_case_leaving_the_filter_changes_the_etag(token_client, cases):
    settle()
    client = token_client("consultant")
    response = client.get(CSV_URL, {"status": "new"})
    body(response)
    report_change_status(report=cases["animal"], status="accepted")
    settle()
    response = client.get(CSV_URL, {"status": "new"}, HTTP_IF_NONE_MATCH=response["ETag"])
    assert response.status_code == 200
    assert cases["animal"].reference not in body(response).decode()


def test_a_case_rerouted_away_from_a_unit_is_a_change_for_it(token_client, cases):
    settle()
    client = token_client("unit_gzdiz")
    response = client.get(URL)
    body(response)
    modified = response["Last-Modified"]
    report_reroute(report=cases["road"], unit=Unit.objects.get(code="gck"), reason="Nie nasze")
    settle()
    again = client.get(URL, HTTP_IF_MODIFIED_SINCE=modified)
    assert again.status_code == 200
    assert references(json.loads(body(again))) == [cases["road2"].reference]


def test_last_modified_is_after_the_latest_change(token_client, cases):
    settle()
    response = token_client("consultant").get(URL)
    body(response)
    latest = Report.objects.order_by("-updated_at").first().updated_at
    expected = latest.replace(microsecond=0) + timedelta(seconds=1)
    assert response["Last-Modified"] == http_date(expected.timestamp())


def test_a_client_gone_mid_stream_leaves_the_connection_usable(make_report, db):
    """Closing an export cut short cancels its COPY; the database connection goes on working.

    (A WSGI server closes the response when the client goes; the response closes the
    export, which it holds as its streaming content.)
    """
    for number in range(120):
        make_report(description=f"Dziura numer {number} " + "opis " * 40)
    settle()
    export = ReportExport(ExportQuery(reports=Report.objects.all(), reach=Report.objects.all()))
    assert export.plan.returned == 120
    first = next(iter(export))
    assert 64 * 1024 <= len(first) < 80 * 1024  # streamed in chunks, not built whole
    export.close()
    assert Report.objects.count() == 120
    assert sum(len(chunk) for chunk in ReportExport(export.query)) > 120 * 200


def test_head_answers_the_headers_only(token_client, cases):
    settle()
    client = token_client("consultant")
    head = client.head(CSV_URL)
    assert head.status_code == 200
    get = client.get(CSV_URL)
    assert head["ETag"] == get["ETag"]
    assert head["Last-Modified"] == get["Last-Modified"]
    assert b"".join(head.streaming_content) == b""
    assert body(get).startswith(b"reference,")
    assert Report.objects.count() == 6  # the database connection is fine afterwards
