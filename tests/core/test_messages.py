"""Every message the API can emit exists in Polish (mapa/core/messages.py fills the gaps)."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import django.core.validators
import django.forms.fields
import django_filters.fields
import pytest
import rest_framework.exceptions
import rest_framework.fields
import rest_framework.relations
import rest_framework.serializers
from django.utils import translation
from django.utils.functional import Promise

from tests.conftest import ROOT

MODULES = [
    rest_framework.fields,
    rest_framework.serializers,
    rest_framework.exceptions,
    rest_framework.relations,
    django.forms.fields,
    django.core.validators,
    django_filters.fields,
]


def _upstream_messages() -> Iterator[Any]:
    for module in MODULES:
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            yield from (getattr(cls, "default_error_messages", None) or {}).values()
            for attribute in ("default_detail", "message"):
                message = getattr(cls, attribute, None)
                if isinstance(message, str | Promise) and str(message):
                    yield message


def _in(language: str, message: Any) -> str:
    with translation.override(language):
        return str(message)


def test_every_upstream_message_the_api_can_emit_is_in_polish():
    english_only = sorted(
        {_in("en", m) for m in _upstream_messages() if _in("en", m) == _in("pl", m) != ""}
    )
    assert not english_only, f"messages without a Polish translation: {english_only}"


@pytest.mark.parametrize(
    ("message", "polish"),
    [
        (rest_framework.fields.CharField.default_error_messages["invalid"], "poprawny tekst"),
        (rest_framework.fields.UUIDField.default_error_messages["invalid"], "UUID"),
        (rest_framework.fields.ProhibitSurrogateCharactersValidator.message, "surogaty"),
    ],
)
def test_the_messages_named_in_the_issue_are_polish(message, polish):
    assert polish in _in("pl", message)


def test_mapas_own_catalogue_is_complete():
    for domain in ("django", "djangojs"):
        text = (ROOT / "mapa" / "locale" / "pl" / "LC_MESSAGES" / f"{domain}.po").read_text()
        entries = text.split("\n\n")[1:]  # the first is the header
        fuzzy = [e for e in entries if "#, fuzzy" in e]
        empty = [e for e in entries if e.rstrip().endswith('msgstr ""') and "msgid_plural" not in e]
        assert not fuzzy, f"{domain}.po has fuzzy entries: {fuzzy[:3]}"
        assert not empty, f"{domain}.po has untranslated entries: {empty[:3]}"
