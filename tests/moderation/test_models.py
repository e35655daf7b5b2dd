"""Bans store one contact each, normalised, so that matching is equality in SQL."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mapa.moderation.models import (
    Ban,
    normalized_email,
    normalized_network,
    normalized_phone,
)

pytestmark = pytest.mark.django_db


def test_values_are_normalised():
    assert normalized_email("  Jan.Kowalski@Example.COM ") == "jan.kowalski@example.com"
    assert normalized_phone("501 234 567") == "+48501234567"
    assert normalized_phone("0048 501-234-567") == "+48501234567"
    assert normalized_phone("+44 20 7946 0958") == "+442079460958"
    assert normalized_phone("  ") == ""
    assert normalized_network("203.0.113.7") == "203.0.113.7/32"
    assert normalized_network("203.0.113.7/24") == "203.0.113.0/24"
    assert normalized_network("2001:db8::1/48") == "2001:db8::/48"


def test_a_network_that_is_not_one_is_refused_naming_what_to_enter():
    with pytest.raises(ValidationError, match=r"203\.0\.113\.0/24"):
        normalized_network("203.0.113.300")


def test_clean_normalises_and_wants_exactly_one_contact():
    ban = Ban(email=" Spam@Example.com", reason="spam")
    ban.full_clean()
    assert ban.email == "spam@example.com"
    assert ban.kind == "email"
    with pytest.raises(ValidationError, match="dokładnie jedno"):  # "exactly one", in Polish
        Ban(email="a@example.com", phone="501234567", reason="x").full_clean()
    with pytest.raises(ValidationError, match="dokładnie jedno"):  # "exactly one", in Polish
        Ban(reason="x").full_clean()


def test_the_database_refuses_a_ban_of_nothing_or_of_two_contacts():
    for fields in ({}, {"email": "a@example.com", "network": "10.0.0.0/8"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Ban.objects.create(reason="x", **fields)


def test_a_network_round_trips_as_cidr_text():
    ban = Ban.objects.create(network="198.51.100.9/24", reason="flood")
    ban.refresh_from_db()
    assert ban.network == "198.51.100.0/24"
    assert ban.kind == "network"


def test_str_names_no_personal_data():
    ban = Ban.objects.create(email="secret.person@example.com", reason="spam")
    assert "secret" not in str(ban)
    assert "example" not in str(ban)
