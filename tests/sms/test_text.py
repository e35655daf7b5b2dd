"""GSM-7 versus UCS-2: Polish letters written plainly, segments counted as networks do."""

from __future__ import annotations

import pytest

from mapa.sms.text import fit, is_gsm7, plain, segments, units


def test_polish_letters_are_written_without_diacritics_and_stay_gsm7():
    text = plain("Zażółć gęślą jaźń — „cytat”…")
    assert text == 'Zazolc gesla jazn - "cytat"...'
    assert is_gsm7(text)
    assert not is_gsm7("Zażółć")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("ą" * 70, 1),  # one Polish letter makes the whole text UCS-2
        ("ą" * 71, 2),
        ("a" * 80 + "ą", 2),
        ("€" * 80, 1),  # extension signs count twice
        ("€" * 81, 2),
    ],
)
def test_segments(text, expected):
    assert segments(text) == expected


def test_fit_cuts_only_the_tail_and_keeps_two_segments():
    head = "Mapa Porządku, zgłoszenie GD-2026-000123: rozwiązane."
    text = fit(head, " " + "Łata położona na całej długości. " * 40)
    assert text.startswith("Mapa Porzadku, zgloszenie GD-2026-000123: rozwiazane. Lata")
    assert text.endswith("...")
    assert segments(text) == 2
    assert units(text) <= 306
    assert fit(head, " Krótko.") == "Mapa Porzadku, zgloszenie GD-2026-000123: rozwiazane. Krotko."


def test_an_emoji_makes_a_text_ucs2_and_fit_still_keeps_two_segments():
    text = fit("Ref GD-2026-000001: ", "🙂" + "x" * 300)
    assert not is_gsm7(text)
    assert segments(text) == 2
