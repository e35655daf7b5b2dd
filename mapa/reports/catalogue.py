"""Create report categories and their attributes from reference data."""

from __future__ import annotations

from typing import Any

from mapa.districts.models import Unit
from mapa.reports.models import Category, CategoryAttribute


def load_categories(items: list[dict[str, Any]]) -> tuple[int, int]:
    """Create the categories that do not exist yet (by code); existing ones are kept."""
    created = 0
    for order, item in enumerate(items, start=1):
        if Category.objects.filter(code=item["code"]).exists():
            continue
        category = Category.objects.create(
            code=item["code"],
            name_pl=item["name_pl"],
            name_en=item["name_en"],
            description_pl=item.get("description_pl", ""),
            description_en=item.get("description_en", ""),
            group=item.get("group", ""),
            icon=item.get("icon", ""),
            order=order * 10,
            default_unit=Unit.objects.get(code=item["default_unit"])
            if item.get("default_unit")
            else None,
        )
        CategoryAttribute.objects.bulk_create(
            CategoryAttribute(category=category, order=position * 10, **attribute)
            for position, attribute in enumerate(item.get("attributes", []), start=1)
        )
        created += 1
    return created, len(items) - created
