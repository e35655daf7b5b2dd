"""Pages speak Polish first; the API follows Accept-Language (mapa/core/middleware.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_page_is_polish_even_for_an_english_browser(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="pl"' in html


def test_a_page_is_english_once_the_visitor_chose_it(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert '<html lang="en"' in html


def test_the_api_follows_accept_language(client):
    english = client.get("/api/categories/", HTTP_ACCEPT_LANGUAGE="en").json()
    polish = client.get("/api/categories/").json()
    assert {c["code"]: c["name"] for c in english}["stray-animal"] == "Stray animal"
    assert {c["code"]: c["name"] for c in polish}["stray-animal"] == "Bezpańskie zwierzę"
