"""Importing boundaries from GeoJSON, Shapefile and GeoPackage (mapa/districts/importing.py)."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mapa.core.sql import fetch_value
from mapa.districts.importing import AreaSpec, area_slug, import_areas
from mapa.districts.models import City, District
from tests.conftest import GDANSK

pytestmark = pytest.mark.django_db

DISTRICTS = GDANSK / "gdansk_districts_osm.geojson"


def _three_districts(tmp_path: Path) -> Path:
    data = json.loads(DISTRICTS.read_text(encoding="utf-8"))
    data["features"] = [
        f for f in data["features"] if f["properties"]["slug"] in {"oliwa", "stogi", "osowa"}
    ]
    for feature in data["features"]:
        feature["properties"]["slug"] = "test-" + feature["properties"]["slug"]
    path = tmp_path / "three.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _ogr2ogr(*args: str) -> None:
    subprocess.run(["ogr2ogr", *args], check=True, capture_output=True)


def _run(source: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "import_boundaries",
        str(source),
        "--kind",
        "district",
        "--city",
        "gdansk",
        *extra,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def test_a_dry_run_reports_what_would_happen_and_saves_nothing(tmp_path):
    output = _run(_three_districts(tmp_path))
    assert "created 3, updated 0, unchanged 0, refused 0" in output
    assert "Dry run" in output
    assert not District.objects.filter(slug__startswith="test-").exists()


def test_geojson_import_is_idempotent_by_slug(tmp_path):
    source = _three_districts(tmp_path)
    assert "created 3," in _run(source, "--commit")
    assert "created 0, updated 0, unchanged 3, refused 0" in _run(source, "--commit")
    oliwa = District.objects.get(slug="test-oliwa")
    assert oliwa.geometry.srid == 4326
    assert oliwa.geometry.geom_type == "MultiPolygon"
    assert oliwa.geometry.equals_exact(District.objects.get(slug="oliwa").geometry, 0)


def test_a_changed_name_is_an_update(tmp_path):
    source = _three_districts(tmp_path)
    _run(source, "--commit")
    data = json.loads(source.read_text())
    data["features"][0]["properties"]["name"] = "Renamed"
    source.write_text(json.dumps(data))
    assert "created 0, updated 1, unchanged 2" in _run(source, "--commit")


def test_shapefile_in_epsg_2180_is_reprojected_to_wgs84(tmp_path):
    shapefile = tmp_path / "districts.shp"
    _ogr2ogr(
        "-f",
        "ESRI Shapefile",
        "-t_srs",
        "EPSG:2180",
        "-lco",
        "ENCODING=UTF-8",
        str(shapefile),
        str(_three_districts(tmp_path)),
    )
    assert "created 3," in _run(shapefile, "--commit")
    assert District.objects.get(slug="test-oliwa").geometry.srid == 4326
    # A round trip through EPSG:2180 moves no vertex by as much as a millimetre.
    moved = fetch_value(
        """SELECT ST_HausdorffDistance(ST_Transform(a.geometry, 2180),
                                       ST_Transform(b.geometry, 2180))
           FROM districts_district a, districts_district b
           WHERE a.slug = 'test-oliwa' AND b.slug = 'oliwa'"""
    )
    assert moved < 0.001
    assert District.objects.get(slug="test-stogi").name == "Stogi"


def test_geopackage_import_with_other_field_names(tmp_path):
    gpkg = tmp_path / "districts.gpkg"
    _ogr2ogr(
        "-f",
        "GPKG",
        "-sql",
        "SELECT name AS nazwa, slug AS kod FROM three",
        str(gpkg),
        str(_three_districts(tmp_path)),
    )
    output = _run(gpkg, "--name-field", "nazwa", "--slug-field", "kod", "--commit")
    assert "created 3," in output
    assert District.objects.get(slug="test-osowa").name == "Osowa"


def test_slugs_are_made_from_names_when_the_source_has_none(tmp_path):
    source = _three_districts(tmp_path)
    data = json.loads(source.read_text())
    for feature in data["features"]:
        del feature["properties"]["slug"]
        feature["properties"]["name"] += " Test"
    source.write_text(json.dumps(data))
    _run(source, "--commit")
    assert District.objects.filter(slug__in=["oliwa-test", "stogi-test", "osowa-test"]).count() == 3


def test_polish_names_become_ascii_slugs():
    assert area_slug("Ujeścisko-Łostowice") == "ujescisko-lostowice"
    assert area_slug("Orunia-Św. Wojciech-Lipce") == "orunia-sw-wojciech-lipce"
    assert (
        area_slug("Żabianka-Wejhera-Jelitkowo-Tysiąclecia")
        == "zabianka-wejhera-jelitkowo-tysiaclecia"
    )


BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[18.60, 54.30], [18.62, 54.32], [18.62, 54.30], [18.60, 54.32], [18.60, 54.30]]
    ],
}
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[18.60, 54.30], [18.61, 54.30], [18.61, 54.31], [18.60, 54.31], [18.60, 54.30]]
    ],
}


def _collection(tmp_path: Path, *features: dict) -> Path:
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    return path


def _feature(name: str, geometry: dict | None, slug: str | None = None) -> dict:
    properties = {"name": name, **({"slug": slug} if slug else {})}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def test_an_invalid_polygon_is_refused_naming_the_feature(tmp_path):
    source = _collection(
        tmp_path, _feature("Good", SQUARE, "t-good"), _feature("Bowtie", BOWTIE, "t-bowtie")
    )
    output = _run(source, "--commit")
    assert "refused feature 2 ('Bowtie'): invalid geometry (Self-intersection" in output
    assert "created 1, updated 0, unchanged 0, refused 1" in output
    assert not District.objects.filter(slug="t-bowtie").exists()
    assert District.objects.filter(slug="t-good").exists()


def test_an_invalid_polygon_is_repaired_on_request(tmp_path):
    source = _collection(tmp_path, _feature("Bowtie", BOWTIE, "t-bowtie"))
    output = _run(source, "--repair", "--commit")
    assert "repaired" in output
    repaired = District.objects.get(slug="t-bowtie").geometry
    assert repaired.valid
    assert repaired.geom_type == "MultiPolygon"
    assert len(repaired) == 2  # the two triangles of the bow tie


@pytest.mark.parametrize(
    ("feature", "reason"),
    [
        (
            _feature(
                "Line",
                {"type": "LineString", "coordinates": [[18.6, 54.3], [18.7, 54.4]]},
                "t-line",
            ),
            "is a LineString, expected a polygon",
        ),
        (_feature("Nothing", None, "t-none"), "has no geometry"),
        (_feature("", SQUARE, "t-nameless"), "no value in name field 'name'"),
    ],
)
def test_features_that_are_not_areas_are_refused(tmp_path, feature, reason):
    output = _run(_collection(tmp_path, feature), "--commit")
    assert reason in output
    assert "refused 1" in output


def test_a_slug_twice_in_one_source_is_refused(tmp_path):
    source = _collection(tmp_path, _feature("A", SQUARE, "t-same"), _feature("B", SQUARE, "t-same"))
    output = _run(source, "--commit")
    assert "slug 't-same' appears twice" in output
    assert District.objects.get(slug="t-same").name == "A"


def test_an_unreadable_source_is_a_command_error(tmp_path):
    bad = tmp_path / "not-geo.geojson"
    bad.write_text("this is not geojson")
    with pytest.raises(CommandError, match="cannot read"):
        _run(bad)


def test_districts_need_a_served_city():
    with pytest.raises(CommandError, match="no served city"):
        call_command(
            "import_boundaries",
            str(DISTRICTS),
            "--city",
            "sopot",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_cities_import_as_neighbours_or_served(tmp_path):
    source = _collection(tmp_path, _feature("Pruszcz Test", SQUARE))
    call_command(
        "import_boundaries",
        str(source),
        "--kind",
        "city",
        "--commit",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    city = City.objects.get(slug="pruszcz-test")
    assert not city.served
    with pytest.raises(CommandError, match="reference-prefix"):
        call_command(
            "import_boundaries",
            str(source),
            "--kind",
            "city",
            "--served",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_progress_is_shown(tmp_path):
    err = io.StringIO()
    import_areas(
        _three_districts(tmp_path),
        AreaSpec(kind="district", city=City.objects.get(slug="gdansk")),
        commit=False,
        stream=err,
    )
    assert "Importing three.geojson: 3/3 (100%)" in err.getvalue()
