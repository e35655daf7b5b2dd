"""Template helpers for the resident pages."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

ICON_SPRITE = "mapa/icons.svg"


@register.simple_tag
def icon(name: str, css_class: str = "") -> SafeString:
    """A decorative icon from the sprite; the text beside it carries the meaning."""
    return format_html(
        '<svg class="icon {}" aria-hidden="true" focusable="false"><use href="{}#icon-{}"></use>'
        "</svg>",
        css_class,
        static(ICON_SPRITE),
        name or "other",
    )


@register.filter
def is_optional(field: BoundField) -> bool:
    """Optional to the resident: not required by the form nor by the category's question."""
    return not field.field.required and "data-question-required" not in field.field.widget.attrs
