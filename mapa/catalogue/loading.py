"""Create units, categories (with their questions) and routing rules from reference data.

Each loader only *creates what is missing* and returns (created, kept): what
exists already belongs to the admin and is never overwritten.
"""

from __future__ import annotations

from typing import Any

from mapa.catalogue.models import Category, CategoryAttribute, RoutingRule, Unit
from mapa.districts.citydata import ManifestError
from mapa.districts.models import District


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


def load_units(items: list[dict[str, Any]]) -> tuple[int, int]:
    """Create the units that do not exist yet (by code). Parents must come first."""
    created = 0
    for item in items:
        if Unit.objects.filter(code=item["code"]).exists():
            continue
        unit = Unit.objects.create(
            code=item["code"],
            name=item["name"],
            short_name=item.get("short_name", ""),
            email=item["email"],
            phone=item.get("phone", ""),
            is_triage=item.get("is_triage", False),
            parent=Unit.objects.get(code=item["parent"]) if item.get("parent") else None,
        )
        unit.districts.set(_districts(item.get("districts", []), f"unit {item['code']}"))
        created += 1
    return created, len(items) - created


def load_rules(items: list[dict[str, Any]]) -> tuple[int, int]:
    """Create the rules that do not exist yet (same category, unit and districts)."""
    created = 0
    for item in items:
        category = Category.objects.get(code=item["category"])
        unit = Unit.objects.get(code=item["unit"])
        districts = _districts(item.get("districts", []), f"rule for {item['category']}")
        wanted = sorted(d.pk for d in districts)
        existing = RoutingRule.objects.filter(category=category, unit=unit)
        if any(sorted(r.districts.values_list("pk", flat=True)) == wanted for r in existing):
            continue
        rule = RoutingRule.objects.create(category=category, unit=unit, note=item.get("note", ""))
        rule.districts.set(districts)
        created += 1
    return created, len(items) - created


def _districts(slugs: list[str], owner: str) -> list[District]:
    found = list(District.objects.filter(slug__in=slugs))
    missing = set(slugs) - {d.slug for d in found}
    if missing:
        raise ManifestError(f"{owner} names unknown districts: {', '.join(sorted(missing))}")
    return found
