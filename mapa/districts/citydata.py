"""Load a city's reference data from a folder with a ``city.json`` manifest.

Boundaries are upserted (a changed file updates the stored geometry). Units,
categories and rules are only *created when missing*: once loaded they belong
to the admin, and re-running the load never undoes an edit made there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction

from mapa.core.imports import ImportSummary
from mapa.districts.importing import AreaSpec, import_areas
from mapa.districts.models import City, District, RoutingRule, Unit
from mapa.reports.catalogue import load_categories


@dataclass
class CityLoadResult:
    areas: dict[str, ImportSummary] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"{name}: {summary.line()}" for name, summary in self.areas.items()]
        out += [
            f"{name}: created {self.created[name]}, kept {self.kept[name]} as they are"
            for name in self.created
        ]
        return out


class ManifestError(Exception):
    pass


def load_city(folder: Path, *, stream: TextIO | None = None) -> CityLoadResult:
    """Load boundaries, units, categories and rules of the city described in ``folder``."""
    manifest = _read_json(folder / "city.json")
    result = CityLoadResult()
    with transaction.atomic():
        city_spec = manifest["city"]
        result.areas["city"] = import_areas(
            folder / city_spec["source"],
            AreaSpec(
                kind="city",
                name_field=city_spec.get("name_field", "name"),
                slug_field=city_spec.get("slug_field"),
                served=True,
                reference_prefix=city_spec["reference_prefix"],
                teryt_field=city_spec.get("teryt_field"),
            ),
            commit=True,
            stream=stream,
        )
        city = City.objects.get(slug=city_spec["slug"])
        if "neighbours" in manifest:
            spec = manifest["neighbours"]
            result.areas["neighbours"] = import_areas(
                folder / spec["source"],
                AreaSpec(
                    kind="city",
                    name_field=spec.get("name_field", "name"),
                    slug_field=spec.get("slug_field"),
                    served=False,
                    teryt_field=spec.get("teryt_field"),
                ),
                commit=True,
                stream=stream,
            )
        spec = manifest["districts"]
        result.areas["districts"] = import_areas(
            folder / spec["source"],
            AreaSpec(
                kind="district",
                city=city,
                name_field=spec.get("name_field", "name"),
                slug_field=spec.get("slug_field", "slug"),
            ),
            commit=True,
            stream=stream,
        )
        _count(result, "units", load_units(_read_json(folder / manifest["units"])["units"]))
        _count(
            result,
            "categories",
            load_categories(_read_json(folder / manifest["categories"])["categories"]),
        )
        _count(result, "rules", load_rules(_read_json(folder / manifest["rules"])["rules"]))
    return result


def _count(result: CityLoadResult, name: str, created_kept: tuple[int, int]) -> None:
    result.created[name], result.kept[name] = created_kept


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"cannot read {path}: {exc}") from exc
    return data


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
    from mapa.reports.models import Category

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
