"""A page speaks one language, whatever the browser's: the calls it makes follow the page.

Chromium sends its own Accept-Language (en-US here) with every request. The
pages ignore it (Polish first, English by the switch), and the page's own API
calls must carry the page's language, so that what they fill in (the district
and unit read back at the pin, the nearby list, the routing explanation after
sending) is in the page's language too. Any sentence of Mapa's own
translation catalogue found on the page in the other language fails the test.
"""

from __future__ import annotations

import gettext
import re

import pytest

from tests.browser.test_resident_map import expect_text
from tests.conftest import NEPTUNE_FOUNTAIN, ROOT

pytestmark = pytest.mark.browser

LOCALE = ROOT / "mapa" / "locale" / "pl" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\w*\}|<[^>]*>")


def _sentence_fragments() -> tuple[set[str], set[str]]:
    """Fragments of Mapa's catalogue sentences, (English, Polish), between placeholders.

    Only fragments of three words or more, whose two languages differ: words
    shared by both (names, numbers) say nothing about the language.
    """
    english: set[str] = set()
    polish: set[str] = set()
    for domain in ("django", "djangojs"):
        with (LOCALE / f"{domain}.mo").open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        for msgid, msgstr in catalog.items():
            if not isinstance(msgid, str) or not msgid or msgid == msgstr:
                continue
            english |= _fragments(msgid)
            polish |= _fragments(msgstr)
    return english - polish, polish - english


def _fragments(text: str) -> set[str]:
    pieces = (piece.strip(" .,:;“”\"'()—-") for piece in PLACEHOLDER.split(text))
    return {p for p in pieces if len(re.findall(r"[^\W\d_]{2,}", p)) >= 3 and len(p) >= 12}


def _send_a_report(web, description: str) -> None:
    from playwright.sync_api import expect

    page = web.page
    web.click_map(*NEPTUNE_FOUNTAIN)
    expect_text(page.locator("#location-status"), "Śródmieście")
    page.locator("#category-pothole").check()
    page.locator("#id_description").fill(description)
    page.locator("#submit-button").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#result")).to_be_visible()
    expect(page.locator("[data-result=explanation]")).not_to_be_empty()


def _shown_text(page) -> str:
    return page.evaluate("document.body.innerText")


@pytest.mark.parametrize("browser_locale", ["en-US"])
def test_a_polish_page_in_an_english_browser_has_no_english_sentence(web, cleanup):
    english, _polish = _sentence_fragments()
    page = web.open("/")
    assert page.evaluate("document.documentElement.lang") == "pl"
    _send_a_report(web, "Dziura w jezdni przy fontannie")
    expect_text(page.locator("[data-result=explanation]"), "Przekazano do")
    text = _shown_text(page)
    found = sorted(fragment for fragment in english if fragment in text)
    assert not found, f"English on the Polish page: {found}"


@pytest.mark.parametrize("browser_locale", ["pl-PL"])
def test_an_english_page_in_a_polish_browser_has_no_polish_sentence(web, cleanup):
    _english, polish = _sentence_fragments()
    page = web.open("/")
    page.locator("button[name=language][value=en]").click()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    page.wait_for_function("() => window.mapa && window.mapa.map")
    page.wait_for_selector(".leaflet-overlay-pane path")
    _send_a_report(web, "A pothole by the fountain")
    expect_text(page.locator("[data-result=explanation]"), "Sent to")
    text = _shown_text(page)
    found = sorted(fragment for fragment in polish if fragment in text)
    assert not found, f"Polish on the English page: {found}"
