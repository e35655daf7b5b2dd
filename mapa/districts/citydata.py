"""Load a city's boundaries from a folder with a ``city.json`` manifest.

The manifest names the served city's boundary, its districts and any
neighbours to name, as files GDAL reads. Boundaries are upserted by slug: a
changed file updates the stored geometry. ``mapa.catalogue.citydata`` loads
the rest of a city (units, categories, rules) on top of this.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction

from mapa.core.imports import ImportSummary
from mapa.districts.importing import AreaSpec, import_areas
from mapa.districts.models import City


class ManifestError(Exception):
    pass


def read_manifest_file(path: Path) -> dict[str, Any]:
    """A JSON object from a file of the city's folder, or ``ManifestError`` saying why not."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"cannot read {path}: {exc}") from exc
    return data


def load_boundaries(
    folder: Path, manifest: dict[str, Any], *, stream: TextIO | None = None
) -> dict[str, ImportSummary]:
    """Upsert the city, its neighbours and its districts named in ``manifest``."""
    areas: dict[str, ImportSummary] = {}
    with transaction.atomic():
        city_spec = manifest["city"]
        areas["city"] = import_areas(
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
            areas["neighbours"] = import_areas(
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
        areas["districts"] = import_areas(
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
    return areas
