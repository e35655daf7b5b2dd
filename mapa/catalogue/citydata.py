"""Load a city's reference data from a folder with a ``city.json`` manifest.

Boundaries are upserted (``mapa.districts.citydata``: a changed file updates
the stored geometry). Units, categories and rules are only *created when
missing*: once loaded they belong to the admin, and re-running the load never
undoes an edit made there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction

from mapa.catalogue.loading import load_categories, load_rules, load_units
from mapa.core.imports import ImportSummary
from mapa.districts.citydata import load_boundaries, read_manifest_file


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


def load_city(folder: Path, *, stream: TextIO | None = None) -> CityLoadResult:
    """Load boundaries, units, categories and rules of the city described in ``folder``."""
    manifest = read_manifest_file(folder / "city.json")
    result = CityLoadResult()
    with transaction.atomic():
        result.areas = load_boundaries(folder, manifest, stream=stream)
        _count(result, "units", load_units(_items(folder, manifest, "units")))
        _count(result, "categories", load_categories(_items(folder, manifest, "categories")))
        _count(result, "rules", load_rules(_items(folder, manifest, "rules")))
    return result


def _items(folder: Path, manifest: dict[str, Any], name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = read_manifest_file(folder / manifest[name])[name]
    return items


def _count(result: CityLoadResult, name: str, created_kept: tuple[int, int]) -> None:
    result.created[name], result.kept[name] = created_kept
