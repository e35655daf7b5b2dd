"""Read-side data the resident pages render: the categories for the form and the legend."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from mapa.reports.models import Category


def form_categories() -> QuerySet[Category]:
    """Active categories with their extra questions, in the form's order."""
    return Category.objects.filter(active=True).prefetch_related("attributes")


def category_legend(categories: list[Category]) -> list[dict[str, Any]]:
    """What the map script needs to draw pins: code → name, icon and group (for colour)."""
    return [{"code": c.code, "name": c.name, "icon": c.icon, "group": c.group} for c in categories]
