"""The Idempotency-Key header's syntax (mapa/idempotency/http.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User

from mapa.idempotency.http import InvalidKey, parse_key, scope_of


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("8e03978e-40d5-43e8-bc93-6894a57f9324", "8e03978e-40d5-43e8-bc93-6894a57f9324"),
        ('"8e03978e-40d5-43e8-bc93-6894a57f9324"', "8e03978e-40d5-43e8-bc93-6894a57f9324"),
        ("  padded  ", "padded"),
        (r'"a\"b\\c"', 'a"b\\c'),
        ("~!@#$%^&*()_+{}|:<>?", "~!@#$%^&*()_+{}|:<>?"),
        ("k" * 255, "k" * 255),
    ],
)
def test_a_key_is_visible_ascii_plain_or_quoted(raw, key):
    assert parse_key(raw) == key


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "empty"),
        ('""', "empty"),
        ("k" * 256, "256 characters long; at most 255"),
        ("a b", "visible ASCII"),
        ("zażółć", "visible ASCII"),
        ("a\x00b", "visible ASCII"),
        ("a\x7fb", "visible ASCII"),
    ],
)
def test_a_malformed_key_says_why(raw, why, settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(InvalidKey, match=why):
        parse_key(raw)


@pytest.mark.django_db
def test_keys_are_scoped_by_user_or_anonymous():
    user = User.objects.create_user("scope-user")
    assert scope_of(user) == f"user:{user.pk}"
    assert scope_of(AnonymousUser()) == "anonymous"
    assert scope_of(None) == "anonymous"
