"""import_places from GeoJSON, CSV and GML (mapa/places/importing.py, sources.py).

Every coordinate comes from the real address file: either its WGS84 geometry,
or its PL-2000 zone 6 (EPSG:2177) source coordinates reprojected by PostGIS,
or a GML that ogr2ogr writes from it. Refusals use the well-known points of
tests/conftest.py (Sopot pier, Gdańsk Bay).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from mapa.core.sql import fetch_one
from mapa.places.models import Place
from mapa.places.seeding import GDANSK_ADDRESSES
from tests.conftest import GDANSK_BAY, SOPOT_PIER

pytestmark = pytest.mark.django_db

# A few addresses across the city: (source_layer, source_id) in the address file.
SAMPLE = [
    ("culture_institutions", 1),  # Piwna 27/29, Śródmieście
    ("culture_institutions", 4),  # Aleja Grunwaldzka 195/197, Wrzeszcz Górny
    ("culture_institutions", 9),  # Opata Jacka Rybińskiego 24, Oliwa
    ("city_hall_offices", 6),  # Milskiego 1, Chełm
]


def run(source: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_places", str(source), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def sample(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_key = {(f["properties"]["source_layer"], f["properties"]["source_id"]): f for f in features}
    return [by_key[key] for key in SAMPLE]


def metres_from(place: Place, lon: float, lat: float) -> float:
    row = fetch_one(
        "SELECT ST_Distance(location::geography,"
        " ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography) AS m"
        " FROM places_place WHERE id = %s",
        [lon, lat, place.pk],
    )
    assert row is not None
    return float(row["m"])


def write_geojson(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def feature(name: str, coordinates: Any, geometry_type: str = "Point") -> dict[str, Any]:
    geometry = None if coordinates is None else {"type": geometry_type, "coordinates": coordinates}
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


def ogr2ogr(*args: str) -> None:
    assert shutil.which("ogr2ogr"), "ogr2ogr (Debian's gdal-bin) is needed by these tests"
    subprocess.run(["ogr2ogr", *args], check=True, capture_output=True)


# --- GeoJSON ---------------------------------------------------------------


GEOJSON_ARGS = (
    "--dataset",
    "test",
    "--id-field",
    "source_layer,source_id",
    "--housenumber-field",
    "number",
)


def test_geojson_import_places_every_address_in_its_recorded_district(address_features):
    out, _ = run(GDANSK_ADDRESSES, *GEOJSON_ARGS, "--commit")
    assert "test: created 85, updated 0, unchanged 0, refused 0" in out
    recorded = {
        f"{f['properties']['source_layer']}:{f['properties']['source_id']}": f["properties"][
            "district_osm_polygon"
        ]
        for f in address_features
    }
    stored = dict(Place.objects.filter(dataset="test").values_list("external_id", "district__name"))
    assert stored == recorded


def test_a_second_run_changes_nothing():
    run(GDANSK_ADDRESSES, *GEOJSON_ARGS, "--commit")
    before = list(Place.objects.order_by("pk").values())
    out, _ = run(GDANSK_ADDRESSES, *GEOJSON_ARGS, "--commit")
    assert "test: created 0, updated 0, unchanged 85, refused 0" in out
    assert list(Place.objects.order_by("pk").values()) == before


def test_a_dry_run_saves_nothing_but_reports_exactly():
    out, err = run(GDANSK_ADDRESSES, *GEOJSON_ARGS)
    assert "test: created 85, updated 0, unchanged 0, refused 0" in out
    assert "Dry run: nothing was saved" in out
    assert "85/85 (100%)" in err
    assert not Place.objects.exists()


def test_without_an_id_field_a_place_is_known_by_its_address_and_name(tmp_path, address_features):
    source = write_geojson(tmp_path / "few.geojson", sample(address_features))
    out, _ = run(source, "--housenumber-field", "number", "--commit")
    assert "few: created 4" in out
    assert Place.objects.get(dataset="few", street="Piwna").external_id == (
        "piwna|27 29|gdanska galeria miejska 1|"
    )
    out, _ = run(source, "--housenumber-field", "number", "--commit")
    assert "few: created 0, updated 0, unchanged 4, refused 0" in out


def test_a_moved_point_is_updated(tmp_path, address_features):
    features = sample(address_features)
    source = write_geojson(tmp_path / "few.geojson", features)
    run(source, "--housenumber-field", "number", "--commit")
    # Move Piwna 27/29 to where its neighbour in the file, Powroźnicza 13/15, stands.
    features[0]["geometry"] = address_features[1]["geometry"]
    write_geojson(source, features)
    out, _ = run(source, "--housenumber-field", "number", "--commit")
    assert "few: created 0, updated 1, unchanged 3, refused 0" in out
    moved = Place.objects.get(dataset="few", street="Piwna")
    assert metres_from(moved, *address_features[1]["geometry"]["coordinates"]) < 0.01


def test_refusals_name_the_row_and_the_reason(tmp_path, address_features):
    piwna = address_features[0]["geometry"]["coordinates"]
    source = write_geojson(
        tmp_path / "mixed.geojson",
        [
            feature("Molo w Sopocie", list(SOPOT_PIER)),
            feature("Zatoka Gdańska", list(GDANSK_BAY)),
            feature("Bez geometrii", None),
            feature("Obszar", [piwna, [piwna[0] + 0.001, piwna[1]]], "LineString"),
            feature("", piwna),
            feature("Galeria", piwna),
            feature("Galeria", piwna),
        ],
    )
    out, _ = run(source, "--commit")
    assert "mixed: created 1, updated 0, unchanged 0, refused 6" in out
    refused = [line for line in out.splitlines() if line.startswith("refused")]
    assert refused == [
        "refused row 3 ('Bez geometrii'): has no geometry",
        "refused row 4 ('Obszar'): geometry is LINESTRING, expected a point",
        "refused row 5: has no name, street or house number",
        "refused row 7 ('Galeria'): has the same identifier (||galeria|) as row 6",
        "refused row 1 ('Molo w Sopocie'): point (18.569500, 54.447700) is in Sopot, "
        "outside every city Mapa serves",
        "refused row 2 ('Zatoka Gdańska'): point (18.700000, 54.500000) is outside every "
        "city Mapa serves (at sea or in another municipality)",
    ]


def test_an_unreadable_source_is_a_command_error(tmp_path):
    missing = tmp_path / "missing.geojson"
    with pytest.raises(CommandError, match="cannot read"):
        run(missing)


# --- CSV in EPSG:2180 --------------------------------------------------------


def epsg2180(feature: dict[str, Any]) -> tuple[float, float]:
    """The address's own PL-2000 zone 6 coordinates, reprojected to EPSG:2180 by PostGIS."""
    properties = feature["properties"]
    row = fetch_one(
        "SELECT ST_X(g) AS x, ST_Y(g) AS y FROM (SELECT ST_Transform(ST_SetSRID("
        "ST_MakePoint(%s, %s), 2177), 2180) AS g) t",
        [properties["x_2177_easting"], properties["y_2177_northing"]],
    )
    assert row is not None
    return row["x"], row["y"]


def write_csv(path: Path, rows: list[list[Any]], delimiter: str = ";") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def test_csv_in_epsg_2180_lands_on_the_addresses(tmp_path, address_features):
    features = sample(address_features)
    rows: list[list[Any]] = [["id", "ulica", "numer", "nazwa", "x", "y"]]
    for f in features:
        p = f["properties"]
        rows.append(
            [
                f"{p['source_layer']}-{p['source_id']}",
                p["street"],
                p["number"],
                p["name"],
                *epsg2180(f),
            ]
        )
    source = write_csv(tmp_path / "adresy.csv", rows)
    out, _ = run(
        source,
        "--srid",
        "2180",
        "--id-field",
        "id",
        "--street-field",
        "ulica",
        "--housenumber-field",
        "numer",
        "--name-field",
        "nazwa",
        "--commit",
    )
    assert "adresy: created 4, updated 0, unchanged 0, refused 0" in out
    for f in features:
        p = f["properties"]
        place = Place.objects.get(
            dataset="adresy", external_id=f"{p['source_layer']}-{p['source_id']}"
        )
        # PL-2000 → PL-1992 → WGS84 and the file's own WGS84 agree to centimetres.
        assert metres_from(place, *f["geometry"]["coordinates"]) < 0.05
        assert place.district is not None
        assert place.district.name == p["district_osm_polygon"]


def test_csv_with_lon_lat_columns_needs_no_options(tmp_path, address_features):
    piwna = address_features[0]
    lon, lat = piwna["geometry"]["coordinates"]
    source = write_csv(
        tmp_path / "lonlat.csv",
        [["street", "housenumber", "lon", "lat"], ["Piwna", "27/29", lon, lat]],
        delimiter=",",
    )
    out, _ = run(source, "--commit")
    assert "lonlat: created 1" in out
    assert Place.objects.get(dataset="lonlat").label == "Piwna 27/29"


def test_csv_rows_with_bad_coordinates_are_refused_by_row(tmp_path, address_features):
    x, y = epsg2180(address_features[0])
    source = write_csv(
        tmp_path / "zle.csv",
        [
            ["street", "housenumber", "x", "y"],
            ["Piwna", "1", "", str(y)],
            ["Piwna", "2", "abc", str(y)],
            ["Piwna", "3", "inf", str(y)],
            ["Piwna", "4", "1e300", "1e300"],
            ["Piwna", "5", str(x).replace(".", ","), str(y).replace(".", ",")],  # decimal commas
        ],
    )
    out, _ = run(source, "--srid", "2180", "--commit")
    assert "zle: created 1, updated 0, unchanged 0, refused 4" in out
    assert "refused row 1 ('Piwna 1'): has no coordinates" in out
    assert "refused row 2 ('Piwna 2'): coordinate 'abc' is not a number" in out
    assert "refused row 3 ('Piwna 3'): coordinate 'inf' is not a finite number" in out
    assert "refused row 4 ('Piwna 4'): coordinates (1e+300, 1e+300) are not valid in" in out


def test_csv_in_wgs84_out_of_range_is_refused(tmp_path):
    source = write_csv(tmp_path / "poza.csv", [["name", "lon", "lat"], ["Biegun", "18.65", "95"]])
    out, _ = run(source, "--commit")
    assert "refused row 1 ('Biegun'): coordinates (18.65, 95.0) are not valid in WGS 84" in out


def test_csv_without_coordinate_columns_is_a_command_error(tmp_path):
    source = write_csv(tmp_path / "bez.csv", [["name", "a", "b"], ["X", "1", "2"]])
    with pytest.raises(CommandError, match="no coordinate columns"):
        run(source)


# --- GML (PRG address points are GML in EPSG:2180) --------------------------


def gml_of_sample(tmp_path: Path, address_features: list[dict[str, Any]]) -> Path:
    """GML 3.2 in EPSG:2180 written by ogr2ogr: srsName urn:ogc:def:crs:EPSG::2180 and
    coordinates in the CRS's own axis order, northing first, as in PRG files."""
    source = write_geojson(tmp_path / "sample.geojson", sample(address_features))
    target = tmp_path / "punkty_adresowe.gml"
    ogr2ogr("-f", "GML", "-t_srs", "EPSG:2180", "-lco", "FORMAT=GML3.2", str(target), str(source))
    text = target.read_text("utf-8")
    assert 'srsName="urn:ogc:def:crs:EPSG::2180"' in text
    return target


GML_ARGS = ("--id-field", "source_layer,source_id", "--housenumber-field", "number")


def test_gml_in_epsg_2180_keeps_the_axis_order_right(tmp_path, address_features):
    source = gml_of_sample(tmp_path, address_features)
    # The file really is northing first: Piwna's first coordinate is its northing.
    x, y = epsg2180(address_features[0])
    first = source.read_text("utf-8").split("<gml:pos>")[1].split("<")[0].split()
    assert [float(v) for v in first] == pytest.approx([y, x], abs=0.05)

    out, _ = run(source, *GML_ARGS, "--commit")
    assert "punkty_adresowe: created 4, updated 0, unchanged 0, refused 0" in out
    for f in sample(address_features):
        p = f["properties"]
        place = Place.objects.get(external_id=f"{p['source_layer']}:{p['source_id']}")
        assert metres_from(place, *f["geometry"]["coordinates"]) < 0.01
        assert place.district is not None
        assert place.district.name == p["district_osm_polygon"]


def test_gml_that_writes_northing_first_under_a_bare_epsg_code_needs_swap_xy(
    tmp_path, address_features
):
    source = gml_of_sample(tmp_path, address_features)
    # A bare "EPSG:2180" tells GDAL nothing about the axis order; it reads x first.
    source.write_text(source.read_text("utf-8").replace("urn:ogc:def:crs:EPSG::2180", "EPSG:2180"))
    (tmp_path / "punkty_adresowe.xsd").unlink()

    out, _ = run(source, *GML_ARGS, "--commit")
    assert "created 0, updated 0, unchanged 0, refused 4" in out
    assert "with x and y swapped it would be in Gdańsk" in out
    assert "--swap-xy" in out

    out, _ = run(source, *GML_ARGS, "--swap-xy", "--commit")
    assert "created 4, updated 0, unchanged 0, refused 0" in out
    piwna = Place.objects.get(external_id="culture_institutions:1")
    assert metres_from(piwna, *address_features[0]["geometry"]["coordinates"]) < 0.01


def test_an_unknown_crs_is_a_command_error(tmp_path):
    source = write_csv(tmp_path / "crs.csv", [["name", "x", "y"], ["X", "1", "2"]])
    with pytest.raises(CommandError, match="EPSG:99999 is not a coordinate system"):
        run(source, "--srid", "99999")


def test_an_empty_csv_is_a_command_error(tmp_path):
    source = tmp_path / "empty.csv"
    source.write_text("", "utf-8")
    with pytest.raises(CommandError, match="cannot read"):
        run(source)


def test_an_empty_point_and_a_multipoint(tmp_path, address_features):
    piwna = address_features[0]["geometry"]["coordinates"]
    source = write_geojson(
        tmp_path / "multi.geojson",
        [
            feature("Pusty", [], "Point"),
            feature("Jeden", [piwna], "MultiPoint"),
            feature("Dwa", [piwna, address_features[1]["geometry"]["coordinates"]], "MultiPoint"),
        ],
    )
    out, _ = run(source, "--commit")
    assert "multi: created 1, updated 0, unchanged 0, refused 2" in out
    assert "refused row 1 ('Pusty'): has no geometry" in out  # GDAL reads [] as none
    assert "refused row 3 ('Dwa'): geometry is MULTIPOINT, expected a point" in out
    assert Place.objects.get(dataset="multi").name == "Jeden"


def test_text_too_long_to_store_is_refused_by_row(tmp_path, address_features):
    lon, lat = address_features[0]["geometry"]["coordinates"]
    source = write_csv(
        tmp_path / "long.csv",
        [
            ["id", "name", "street", "housenumber", "lon", "lat"],
            ["1", "N" * 301, "Piwna", "1", lon, lat],
            ["2", "N" * 300, "S" * 200, "1" * 40, lon, lat],  # each fits; the label does not
            ["x" * 121, "Galeria", "Piwna", "1", lon, lat],
            ["4", "N" * 300, "Piwna", "27/29", lon, lat],
            ["5", "Gale\x00ria", "Piwna", "1", lon, lat],
        ],
        delimiter=",",
    )
    out, _ = run(source, "--id-field", "id", "--commit")
    assert "long: created 1, updated 0, unchanged 0, refused 4" in out
    assert "contains a NUL character" in out
    assert "its name is longer than 300 characters" in out
    assert "its label is longer than 520 characters" in out
    assert "its id is longer than 120 characters" in out
