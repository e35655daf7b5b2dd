"""Open311 tests: staff accounts with API keys, and helpers to call /open311/v2/."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.test import Client

from mapa.places.seeding import load_places
from mapa.staff.services import api_token_for, staff_account_save

BASE = "/open311/v2/"
PASSWORD = "correct-horse-battery"

# Distinctive personal data: none of it may ever appear in an Open311 answer.
PII = {
    "reporter_name": "Zenobia Pstrokońska",
    "reporter_email": "zenobia.pstrokonska.pii@example.com",
    "reporter_phone": "+48 511 987 654",
}


@pytest.fixture
def keys(db: None) -> dict[str, str]:
    """An api_key per kind of account: consultant, dispatcher, admin, two units, no role."""
    made = {
        "consultant": staff_account_save(username="o311-gck", role="consultant", password=PASSWORD),
        "dispatcher": staff_account_save(
            username="o311-disp", role="dispatcher", password=PASSWORD
        ),
        "admin": staff_account_save(username="o311-admin", role="admin", password=PASSWORD),
        "unit_gzdiz": staff_account_save(
            username="o311-roads", role="unit_staff", units=["gzdiz"], password=PASSWORD
        ),
        "unit_sm": staff_account_save(
            username="o311-guard", role="unit_staff", units=["sm"], password=PASSWORD
        ),
        "no_role": User.objects.create_user("o311-nobody", password=PASSWORD),
    }
    return {who: api_token_for(username=user.username) for who, user in made.items()}


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def places(db: None) -> None:
    load_places()


def xml_of(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own server's answer


def errors_of(response: Any) -> list[str]:
    """The descriptions of an error answer in either format, after checking its shape."""
    if response["Content-Type"].startswith("text/xml"):
        root = xml_of(response)
        assert root.tag == "errors"
        items = root.findall("error")
        assert all(e.findtext("code") == str(response.status_code) for e in items)
        return [e.findtext("description") or "" for e in items]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    payload = response.json()
    assert isinstance(payload, list)
    assert payload
    assert all(set(e) == {"code", "description"} for e in payload)
    assert all(e["code"] == response.status_code for e in payload)
    return [e["description"] for e in payload]


@pytest.fixture
def post(client: Client) -> Callable[..., Any]:
    """POST requests.<fmt> form-encoded, with the consultant's key unless told otherwise."""

    def send(key: str | None, fmt: str = "json", **fields: Any) -> Any:
        data = {"api_key": key, **fields} if key else fields
        body = urlencode(data, doseq=True)
        return client.post(
            f"{BASE}requests.{fmt}", body, content_type="application/x-www-form-urlencoded"
        )

    return send
