"""Matching a contact against the ban list: in SQL, case-insensitive, by network for addresses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from mapa.moderation.models import Ban
from mapa.moderation.selectors import client_address, is_banned

pytestmark = pytest.mark.django_db


@pytest.fixture
def bans() -> None:
    Ban.objects.create(email="spammer@example.com", reason="spam")
    Ban.objects.create(phone="+48501234567", reason="abuse")
    Ban.objects.create(network="203.0.113.0/24", reason="bot farm")
    Ban.objects.create(network="2001:db8:1::/48", reason="bot farm")


def test_an_email_matches_in_any_case(bans):
    assert is_banned(email="Spammer@Example.COM ")
    assert not is_banned(email="someone.else@example.com")


def test_a_phone_matches_however_it_is_written(bans):
    assert is_banned(phone="501 234 567")
    assert is_banned(phone="+48 501-234-567")
    assert not is_banned(phone="501 234 568")


def test_an_address_matches_inside_a_banned_network(bans):
    assert is_banned(address="203.0.113.77")
    assert is_banned(address="2001:db8:1:ffff::1")
    assert not is_banned(address="203.0.114.1")
    assert not is_banned(address="2001:db8:2::1")
    assert not is_banned(address="not an address")


def test_nothing_given_matches_nothing(bans):
    # Empty values must not match the bans whose other columns are empty.
    assert not is_banned()
    assert not is_banned(email="", phone="", address=None)


def test_an_expired_ban_matches_no_more():
    Ban.objects.create(
        email="reformed@example.com", reason="x", expires_at=timezone.now() - timedelta(days=1)
    )
    Ban.objects.create(
        email="still@example.com", reason="x", expires_at=timezone.now() + timedelta(days=1)
    )
    assert not is_banned(email="reformed@example.com")
    assert is_banned(email="still@example.com")


def test_the_client_address_is_remote_addr_unless_proxies_are_trusted(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5"
    )
    settings.MAPA_TRUSTED_PROXIES = 0
    assert client_address(request) == "10.0.0.1"
    settings.MAPA_TRUSTED_PROXIES = 1
    assert client_address(request) == "203.0.113.5"  # the trusted proxy's entry
    settings.MAPA_TRUSTED_PROXIES = 3  # more proxies than entries: REMOTE_ADDR
    assert client_address(request) == "10.0.0.1"
