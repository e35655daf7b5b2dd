"""The hotspots page and the routing tools (mapa/staff/hotspot_pages.py, routing_pages.py):
who may open them, and what the page gives its script."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = ["/staff/hotspots/", "/staff/routing/"]


def options(html: str, name: str) -> dict:
    match = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no {name} in the page"
    return json.loads(match.group(1))


def logged_in(staff_account, role: str, units: tuple[str, ...] = ()) -> Client:
    client = Client()
    client.force_login(staff_account(f"test-{role}", role, units=units))
    return client


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=")


@pytest.mark.parametrize("path", PAGES)
def test_an_account_without_a_staff_role_is_refused(client, django_user_model, path):
    client.force_login(django_user_model.objects.create_user("resident", password="x" * 12))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_only_get(staff_account, path):
    assert logged_in(staff_account, "dispatcher").post(path).status_code == 405


@pytest.mark.parametrize(
    ("role", "units", "can_merge"),
    [
        ("consultant", (), True),
        ("dispatcher", (), True),
        ("admin", (), True),
        ("unit_staff", ("gzdiz",), False),
    ],
)
def test_the_hotspots_page_offers_merging_to_the_roles_that_may(
    staff_account, role, units, can_merge
):
    response = logged_in(staff_account, role, units).get("/staff/hotspots/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="hotspots-heading">Skupiska zgłoszeń</h1>' in html
    assert 'aria-current="page">Skupiska zgłoszeń</a>' in html
    assert "co najmniej 5 zgłoszeń w odległości do 150 m" in html
    assert options(html, "hotspot-options") == {"can_merge": can_merge}
    assert "mapa/staff/hotspots.js" in html


def test_the_routing_page_lists_the_categories_and_remembers_the_chosen_one(staff_account):
    client = logged_in(staff_account, "dispatcher")
    html = client.get("/staff/routing/").content.decode()
    page = options(html, "routing-options")
    codes = [c["code"] for c in page["categories"]]
    assert "pothole" in codes
    assert page["category"] == codes[0]
    assert page["reasons"]["district_rule"] == "reguła dzielnicowa"
    assert "gck" in page["units"]
    assert page["rule_url"] == ""  # only administrators edit rules
    chosen = client.get("/staff/routing/", {"category": "stray-animal"}).content.decode()
    assert options(chosen, "routing-options")["category"] == "stray-animal"
    assert '<option value="stray-animal" selected>' in chosen
    unknown = client.get("/staff/routing/", {"category": "<script>"}).content.decode()
    assert options(unknown, "routing-options")["category"] == codes[0]


def test_administrators_get_links_to_the_rules(staff_account):
    html = logged_in(staff_account, "admin").get("/staff/routing/").content.decode()
    assert (
        options(html, "routing-options")["rule_url"] == "/admin/catalogue/routingrule/{id}/change/"
    )
