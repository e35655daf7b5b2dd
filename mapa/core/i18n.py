"""The one place that decides whether text is shown in Polish or English.

Polish is the default language of every page and answer; English is the
switchable second language. Data that exists in both (category names,
questions, answer choices) is stored as ``*_pl`` / ``*_en`` pairs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language


def is_english() -> bool:
    """Is the active language English? (Anything else, or none, means Polish.)"""
    return (get_language() or "pl").startswith("en")


def localized(pl: str, en: str) -> str:
    """The English text when English is active and there is one; otherwise the Polish."""
    return en if en and is_english() else pl


def localized_name(item: Mapping[str, Any], default: str = "") -> str:
    """``name_en`` or ``name_pl`` of a dict such as an answer choice, by the active language."""
    return str(localized(item.get("name_pl") or default, item.get("name_en") or ""))
