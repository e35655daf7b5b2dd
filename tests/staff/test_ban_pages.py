"""The ban list in the staff workspace (mapa/staff/ban_pages.py): consultants and
administrators add and lift bans; other roles are refused; a bad value is an error on
the form, nothing saved."""

from __future__ import annotations

import pytest

from mapa.moderation.models import Ban
from mapa.moderation.selectors import is_banned

pytestmark = pytest.mark.django_db

URL = "/staff/bans/"


@pytest.mark.parametrize("who", ["consultant", "admin"])
def test_reviewers_add_and_lift_a_ban(session_client, accounts, who):
    client = session_client(who)
    page = client.get(URL)
    assert page.status_code == 200
    assert 'href="/staff/bans/"' in page.content.decode()  # in their navigation
    added = client.post(
        URL, {"kind": "network", "value": "203.0.113.7/24", "reason": "Farma botów"}
    )
    assert added.status_code == 302
    ban = Ban.objects.get()
    assert (ban.network, ban.created_by, ban.reason) == (
        "203.0.113.0/24",
        accounts[who],
        "Farma botów",
    )
    assert is_banned(address="203.0.113.99")
    listing = client.get(URL).content.decode()
    assert "203.0.113.0/24" in listing
    assert "Farma botów" in listing
    lifted = client.post(URL, {"lift": str(ban.pk)})
    assert lifted.status_code == 302
    assert not Ban.objects.exists()


def test_a_phone_is_stored_normalised(session_client):
    client = session_client("consultant")
    client.post(URL, {"kind": "phone", "value": "501 234 567", "reason": "Nękanie"})
    assert Ban.objects.get().phone == "+48501234567"


@pytest.mark.parametrize(
    ("kind", "value"), [("network", "300.1.2.3"), ("email", "not-an-address"), ("phone", "")]
)
def test_a_bad_value_is_an_error_on_the_form_and_nothing_is_saved(session_client, kind, value):
    response = session_client("consultant").post(URL, {"kind": kind, "value": value, "reason": "x"})
    assert response.status_code == 400
    assert response.context["form"].errors["value"]
    assert not Ban.objects.exists()


@pytest.mark.parametrize("who", ["dispatcher", "unit_gzdiz", "integration", "no_role"])
def test_other_roles_are_refused(session_client, who):
    client = session_client(who)
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"kind": "email", "value": "a@example.com", "reason": "x"})
    assert response.status_code == 403
    assert not Ban.objects.exists()
    if who == "dispatcher":
        assert 'href="/staff/bans/"' not in client.get("/staff/").content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(URL).status_code == 302
