"""Open311's POST honours an Idempotency-Key as POST /api/reports/ does (mapa/idempotency)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.open311.conftest import BASE, errors_of

pytestmark = pytest.mark.django_db

LON, LAT = NEPTUNE_FOUNTAIN
KEY = "0f0c1a9e-5a6b-4c1d-9e8f-112233445566"


def send(client, api_key, fmt="json", key=KEY, **fields):
    data = {
        "api_key": api_key,
        "service_code": "pothole",
        "lat": LAT,
        "long": LON,
        "description": "Dziura przy fontannie",
        **fields,
    }
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(
        f"{BASE}requests.{fmt}",
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        **headers,
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_retry_files_nothing_and_gets_the_first_answer(client, keys, fmt):
    first = send(client, keys["consultant"], fmt)
    again = send(client, keys["consultant"], fmt)
    assert first.status_code == again.status_code == 200, first.content
    assert again.content == first.content
    assert first["Content-Type"] == again["Content-Type"]
    assert (first["Idempotent-Replayed"], again["Idempotent-Replayed"]) == ("false", "true")
    assert Report.objects.count() == 1


def test_another_request_with_the_key_is_a_409_in_the_standard_shape(client, keys):
    assert send(client, keys["consultant"]).status_code == 200
    other = send(client, keys["consultant"], description="Inna dziura", locale="en")
    assert other.status_code == 409
    assert errors_of(other)[0].startswith("Idempotency-Key: ")
    assert Report.objects.count() == 1


def test_keys_belong_to_the_api_keys_account(client, keys):
    assert send(client, keys["consultant"]).status_code == 200
    assert send(client, keys["admin"]).status_code == 200
    assert Report.objects.count() == 2


def test_a_malformed_key_is_a_400_naming_the_header(client, keys):
    response = send(client, keys["consultant"], key="x" * 256)
    assert response.status_code == 400
    assert errors_of(response)[0].startswith("Idempotency-Key: ")
    assert not Report.objects.exists()
