"""Administrators manage the ban list in Django's admin; nobody else reaches it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from mapa.moderation.models import Ban

pytestmark = pytest.mark.django_db

URL = "/admin/moderation/ban/"


def test_an_administrator_adds_a_ban_and_is_named_as_its_author():
    admin = User.objects.create_superuser("root", password="x")
    client = Client()
    client.force_login(admin)
    response = client.post(
        f"{URL}add/",
        {"email": "", "phone": "", "network": "203.0.113.0/24", "reason": "bot farm"},
    )
    assert response.status_code == 302, response.content
    ban = Ban.objects.get()
    assert (ban.network, ban.created_by) == ("203.0.113.0/24", admin)
    listing = client.get(URL)
    assert listing.status_code == 200
    assert b"203.0.113.0/24" in listing.content


def test_a_bad_network_is_an_error_on_the_form():
    admin = User.objects.create_superuser("root", password="x")
    client = Client()
    client.force_login(admin)
    response = client.post(f"{URL}add/", {"network": "nonsense", "reason": "x"})
    assert response.status_code == 200
    assert not Ban.objects.exists()


def test_staff_without_the_admin_role_do_not_reach_it():
    user = User.objects.create_user("someone", password="x")
    client = Client()
    client.force_login(user)
    assert client.get(URL).status_code == 302  # to the admin's log-in
