"""POST /api/reports/ with an Idempotency-Key: a retry files nothing and gets the first answer."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from mapa.idempotency.models import IdempotencyKey
from mapa.reports.models import Report
from tests.conftest import SOPOT_PIER, WRZESZCZ_GORNY

pytestmark = pytest.mark.django_db

URL = "/api/reports/"
KEY = "8e03978e-40d5-43e8-bc93-6894a57f9324"


def body(**overrides):
    data = {
        "category": "stray-animal",
        "attributes": {"animal": "dog"},
        "location": {"type": "Point", "coordinates": list(WRZESZCZ_GORNY)},
        "description": "Pies bez obroży przy przystanku",
        "email": "jan.kowalski@example.com",
        "phone": "501 234 567",
        "name": "Jan Kowalski",
    }
    return {**data, **overrides}


def post(client, data, key=KEY, **extra):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(URL, json.dumps(data), content_type="application/json", **headers, **extra)


def token_client(username: str) -> APIClient:
    user = User.objects.create_user(username)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_the_same_key_and_body_file_one_report_and_answer_alike(api):
    first = post(api, body())
    again = post(api, body())
    assert first.status_code == again.status_code == 201, first.content
    assert again.content == first.content
    assert first["Content-Type"] == again["Content-Type"] == "application/geo+json"
    assert first["Idempotent-Replayed"] == "false"
    assert again["Idempotent-Replayed"] == "true"
    reference = first.json()["properties"]["reference"]
    assert Report.objects.filter(reference=reference).count() == 1
    assert Report.objects.filter(description=body()["description"]).count() == 1


def test_the_same_body_in_another_key_order_and_spacing_is_the_same_request(api):
    first = post(api, body())
    reordered = json.dumps(dict(reversed(list(body().items()))), indent=2)
    again = api.post(URL, reordered, content_type="application/json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert again.status_code == 201
    assert again.content == first.content
    assert Report.objects.count() == 1


def test_the_draft_quoted_key_is_the_same_key(api):
    first = post(api, body())
    again = post(api, body(), key=f'"{KEY}"')
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_is_a_409_naming_the_header(api):
    assert post(api, body()).status_code == 201
    other = post(api, body(description="Inny opis"), HTTP_ACCEPT_LANGUAGE="en")
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()["detail"]
    assert Report.objects.count() == 1


def test_a_refused_request_keeps_its_key_free(api):
    refused = post(api, body(location={"type": "Point", "coordinates": list(SOPOT_PIER)}))
    assert refused.status_code == 400
    assert "location" in refused.json()
    assert not IdempotencyKey.objects.exists()
    fixed = post(api, body())
    assert fixed.status_code == 201
    assert fixed["Idempotent-Replayed"] == "false"
    assert Report.objects.count() == 1


def test_without_the_header_every_post_files_a_report(api):
    assert post(api, body(), key=None).status_code == 201
    response = post(api, body(), key=None)
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Report.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize(
    "key",
    ["", "   ", '""', "x" * 256, "klucz z spacjami", "zażółć", "tab\there"],
    ids=["empty", "blank", "empty-quoted", "too-long", "spaces", "non-ascii", "control"],
)
def test_a_malformed_key_is_a_400_naming_the_header(api, key):
    response = post(api, body(), key=key, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["Idempotency-Key"]
    assert Report.objects.count() == 0


def test_the_longest_key_is_taken(api):
    assert post(api, body(), key="k" * 255).status_code == 201


def test_keys_belong_to_their_client(api):
    alice, bob = token_client("alice"), token_client("bob")
    for_alice = post(alice, body())
    for_bob = post(bob, body())
    anonymous = post(api, body())
    references = {r.json()["properties"]["reference"] for r in (for_alice, for_bob, anonymous)}
    assert len(references) == 3
    assert Report.objects.count() == 3
    again = post(alice, body())
    assert again.content == for_alice.content


def test_a_replay_carries_no_contact_data(api):
    first = post(api, body())
    again = post(api, body())
    for text in ("jan.kowalski", "501", "Kowalski"):
        assert text not in first.content.decode()
        assert text not in again.content.decode()


def test_an_expired_key_is_free_again_and_the_worker_job_deletes_it(api, settings):
    first = post(api, body())
    IdempotencyKey.objects.update(
        created_at=IdempotencyKey.objects.get().created_at - timedelta(hours=25)
    )
    settings.MAPA_IDEMPOTENCY_KEY_HOURS = 24
    again = post(api, body())
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "false"
    assert again.json()["properties"]["reference"] != first.json()["properties"]["reference"]
    assert IdempotencyKey.objects.count() == 1
    IdempotencyKey.objects.update(
        created_at=IdempotencyKey.objects.get().created_at - timedelta(hours=25)
    )
    out = io.StringIO()
    call_command("expire_idempotency_keys", stdout=out)
    assert out.getvalue() == "1 expired idempotency keys deleted\n"
    assert not IdempotencyKey.objects.exists()
