"""Any text a resident writes comes back unchanged everywhere it is published (issue 12).

A report filed through ``POST /api/reports/`` with any storable description and
address (everything but NUL and lone surrogates, which the API refuses: see
test_input_classes) is read back from its GeoJSON detail, the staff exports
(GeoJSON and CSV) and Open311 (JSON and XML): the text is the same in each,
except where a format documents a change: the CSV's apostrophe before what a
spreadsheet would run as a formula, and U+FFFD in Open311's XML for each
character XML 1.0 cannot hold (control characters).
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import F
from hypothesis import given, settings

from mapa.open311.formats import xml_text
from mapa.reports.models import Report
from mapa.staff.services import api_token_for, staff_account_save
from tests.fuzz.bodies import valid_reports
from tests.fuzz.checks import api_answer, each_example, send
from tests.fuzz.endpoints import REPORTS, post_report
from tests.fuzz.profiles import examples
from tests.fuzz.strategies import storable_text, visible_text

pytestmark = pytest.mark.django_db

FORMULA_STARTS = tuple("-=+@\t\r")  # mapa.exports.selectors: a spreadsheet would run it


@pytest.fixture
def token(db: None) -> str:
    staff_account_save(username="fuzz-dispatcher", role="dispatcher", password=None)
    return api_token_for(username="fuzz-dispatcher")


def _spreadsheet_safe(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _exported_geojson(token: str, reference: str) -> dict[str, Any]:
    response = send("GET", "/api/exports/reports.geojson", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.content[:500]
    features = json.loads(b"".join(response).decode() if response.streaming else response.content)
    (feature,) = [f for f in features["features"] if f["properties"]["reference"] == reference]
    properties: dict[str, Any] = feature["properties"]
    return properties


def _exported_csv(token: str, reference: str) -> dict[str, str]:
    response = send("GET", "/api/exports/reports.csv", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.content[:500]
    body = b"".join(response) if response.streaming else response.content
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    (row,) = [r for r in rows if r["reference"] == reference]
    return row


def _open311(reference: str) -> tuple[dict[str, Any], ET.Element]:
    as_json = send("GET", f"/open311/v2/requests/{reference}.json")
    assert as_json.status_code == 200, as_json.content[:500]
    (request,) = json.loads(as_json.content)
    as_xml = send("GET", f"/open311/v2/requests/{reference}.xml")
    assert as_xml.status_code == 200, as_xml.content[:500]
    element = ET.fromstring(as_xml.content).find("request")  # noqa: S314  (our own answer)
    assert element is not None
    return request, element


@given(body=valid_reports(visible_text(300)), address=storable_text(max_size=200))
@settings(max_examples=examples(0.5))  # six reads of each report
def test_any_text_round_trips_through_geojson_exports_and_open311(
    questions_category: Any, token: str, body: dict[str, Any], address: str
) -> None:
    body["address"] = address
    description = body["description"]
    with each_example():
        created = post_report(json.dumps(body).encode())
        payload = api_answer(created, frozenset())
        assert created.status_code == 201, payload
        reference = payload["properties"]["reference"]
        # As if filed a minute ago: an export holds the cases changed before its
        # watermark, a few seconds back (mapa.exports.sync).
        Report.objects.filter(reference=reference).update(
            updated_at=F("updated_at") - timedelta(minutes=1)
        )

        detail = api_answer(send("GET", f"{REPORTS}{reference}/"), frozenset())["properties"]
        assert (detail["description"], detail["address"]) == (description, address)

        exported = _exported_geojson(token, reference)
        assert (exported["description"], exported["address"]) == (description, address)

        row = _exported_csv(token, reference)
        assert row["description"] == _spreadsheet_safe(description)
        assert row["address"] == _spreadsheet_safe(address)

        request, element = _open311(reference)
        assert (request["description"], request["address"]) == (description, address)
        assert (element.findtext("description") or "") == xml_text(description)
        assert (element.findtext("address") or "") == xml_text(address)
