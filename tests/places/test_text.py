"""Normalization shared by stored places and typed queries (mapa/places/text.py)."""

from __future__ import annotations

import pytest

from mapa.places.text import normalize, place_label, query_words, search_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Żabianka-Wejhera-Jelitkowo-Tysiąclecia", "zabianka wejhera jelitkowo tysiaclecia"),
        ("Ujeścisko-Łostowice", "ujescisko lostowice"),
        ("ŁOSTOWICE", "lostowice"),
        ("PIWNA 27/29", "piwna 27 29"),
        ("Orunia-Św. Wojciech-Lipce", "orunia sw wojciech lipce"),
        ('Centrum ""Błękitny Baranek""', "centrum blekitny baranek"),
        ("  źdźbło,, ćma; óśka  ", "zdzblo cma oska"),
        ("Güntera Grassa", "guntera grassa"),
        ("!!", ""),
    ],
)
def test_normalize_folds_case_diacritics_and_punctuation(text, expected):
    assert normalize(text) == expected


def test_query_words_are_the_normalized_words():
    assert query_words("  Długi   TARG, 39/40 ") == ["dlugi", "targ", "39", "40"]


def test_search_text_keeps_the_parts_apart():
    text = search_text(
        street="Piwna", housenumber="27/29", name="Gdańska Galeria Miejska 1", postcode="80-831"
    )
    assert text == "| piwna 27 29 | gdanska galeria miejska 1 | 80 831 "
    assert search_text(street="", housenumber="", name="Oliwa", postcode="") == "|  | oliwa |  "


@pytest.mark.parametrize(
    ("street", "housenumber", "name", "label"),
    [
        ("Piwna", "27/29", "Gdańska Galeria Miejska 1", "Piwna 27/29 — Gdańska Galeria Miejska 1"),
        ("Piwna", "27/29", "", "Piwna 27/29"),
        ("", "", "Oliwa", "Oliwa"),
        ("Dolna Brama", "", "Brama Nizinna", "Dolna Brama — Brama Nizinna"),
        ("Piwna", "1", "PIWNA 1", "Piwna 1"),
    ],
)
def test_place_label(street, housenumber, name, label):
    assert place_label(street=street, housenumber=housenumber, name=name) == label
