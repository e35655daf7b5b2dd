"""Check a report's answers to its category's extra questions (Open311 attributes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from mapa.catalogue.models import AttributeType, Category
from mapa.core.numbers import NotANumber, NotFinite, finite_number

STRING_MAX = 200
TEXT_MAX = 2000


class AttributeErrors(ValueError):
    """Per-attribute error messages: ``{"animal": ["This field is required."]}``."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def clean_attributes(category: Category, raw: Any) -> dict[str, Any]:
    """Return the answers, typed and checked; raise ``AttributeErrors`` naming each bad one."""
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, dict):
        raise AttributeErrors({"attributes": [_("Must be an object of answers by code.")]})
    questions = {a.code: a for a in category.attributes.all()}
    errors: dict[str, list[str]] = {}
    for code in raw.keys() - questions.keys():
        errors[code] = [
            _("Category “%(category)s” has no such question.") % {"category": category.code}
        ]
    cleaned: dict[str, Any] = {}
    for code, question in questions.items():
        value = raw.get(code)
        if value in (None, "", []):
            if question.required:
                errors[code] = [_("This field is required.")]
            continue
        try:
            cleaned[code] = _typed(question.datatype, value, question.value_keys())
        except ValueError as exc:
            errors[code] = [str(exc)]
    if errors:
        raise AttributeErrors(errors)
    return cleaned


def _typed(datatype: str, value: Any, keys: list[str]) -> Any:
    if datatype in (AttributeType.STRING, AttributeType.TEXT):
        limit = STRING_MAX if datatype == AttributeType.STRING else TEXT_MAX
        if not isinstance(value, str):
            raise ValueError(_("Must be text."))
        if len(value) > limit:
            raise ValueError(_("Must be at most %(limit)d characters.") % {"limit": limit})
        return value.strip()
    if datatype == AttributeType.NUMBER:
        try:
            return finite_number(value.strip() if isinstance(value, str) else value)
        except NotANumber:
            raise ValueError(_("Must be a number.")) from None
        except NotFinite:
            raise ValueError(_("Must be a finite number.")) from None
    if datatype == AttributeType.DATETIME:
        try:
            return datetime.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError(_("Must be a date and time in ISO 8601 format.")) from None
    if datatype == AttributeType.SINGLE:
        if str(value) not in keys:
            raise ValueError(_("Must be one of: %(keys)s.") % {"keys": ", ".join(keys)})
        return str(value)
    values = value if isinstance(value, list) else [value]
    unknown = [str(v) for v in values if str(v) not in keys]
    if unknown:
        raise ValueError(_("Must be among: %(keys)s.") % {"keys": ", ".join(keys)})
    return [str(v) for v in values]
