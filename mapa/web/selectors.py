"""Read-side data the resident pages render: the legend of categories on the map."""

from __future__ import annotations

from typing import Any

from mapa.catalogue.models import Category


def category_legend(categories: list[Category]) -> list[dict[str, Any]]:
    """What the map script needs to draw pins: code → name, icon and group (for colour)."""
    return [{"code": c.code, "name": c.name, "icon": c.icon, "group": c.group} for c in categories]
