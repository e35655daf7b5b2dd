"""Bad export requests: a 400 naming each wrong parameter, in DRF's error shape."""

from __future__ import annotations

import base64

import pytest

from tests.exports.helpers import body

GEOJSON = "/api/exports/reports.geojson"
CSV = "/api/exports/reports.csv"


def cursor_of(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


BAD = [
    ("status", "done"),
    ("district", "atlantyda"),
    ("unit", "nasa"),
    ("category", "unicorns"),
    ("channel", "fax"),
    ("created_after", "yesterday"),
    ("created_before", "2026-13-01"),
    ("updated_after", "soon"),
    ("bbox", "18.6,54.3,18.7"),
    ("polygon", '{"type": "Point", "coordinates": [18.6, 54.3]}'),
    ("overdue", "maybe"),
    ("q", "x" * 101),
    ("updated_since", "wczoraj"),
    ("updated_since", "2026-11-30T25:00:00Z"),
    ("cursor", "not a cursor!"),
    ("cursor", "Zm9vYmFy"),  # base64, but not ours
    ("cursor", cursor_of("v1.99999999999999999999.1")),  # beyond any time
    ("cursor", cursor_of("v2.1.1")),
    ("cursor", "x" * 200),
    ("limit", "0"),
    ("limit", "100001"),
    ("limit", "ten"),
    ("statuss", "open"),  # misspelt: would export everything
    ("format", "json"),
]


@pytest.mark.parametrize(("name", "value"), BAD)
@pytest.mark.parametrize("url", [GEOJSON, CSV])
def test_a_bad_parameter_is_a_400_naming_it(token_client, db, url, name, value):
    response = token_client("consultant").get(url, {name: value})
    assert response.status_code == 400, body(response) if response.streaming else response
    errors = response.json()
    assert list(errors) == [name]
    assert all(isinstance(message, str) and message for message in errors[name])


def test_wkt_is_a_csv_option(token_client, db):
    client = token_client("consultant")
    assert client.get(GEOJSON, {"wkt": "true"}).json() == {
        "wkt": ["Ten eksport nie przyjmuje takiego parametru."]
    }
    assert list(client.get(CSV, {"wkt": "perhaps"}).json()) == ["wkt"]


def test_every_mistake_is_named_at_once(token_client, db):
    response = token_client("consultant").get(
        GEOJSON, {"status": "done", "cursor": "zzz", "limit": "-1"}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"status", "cursor", "limit"}


def test_errors_are_json_whatever_the_client_accepts(token_client, db):
    response = token_client("consultant").get(CSV, {"limit": "0"}, HTTP_ACCEPT="text/csv")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert list(response.json()) == ["limit"]
