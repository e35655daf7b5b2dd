"""GET /api/exports/reports.csv: UTF-8 with a header, lon/lat (and WKT), read back by GDAL."""

from __future__ import annotations

import csv
import io

import pytest

from mapa.reports.models import Report
from tests.exports.conftest import settle
from tests.exports.helpers import (
    INTERNAL,
    PII_FRAGMENTS,
    PROPERTIES,
    body,
    expected,
    ogr2ogr,
    read_layer,
    seed,
    spreadsheet_safe,
)

URL = "/api/exports/reports.csv"


@pytest.fixture
def seeded(make_report):
    made = seed(make_report)
    settle()
    return made


def rows_of(raw: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))


def test_header_and_rows_equal_the_database(token_client, seeded):
    response = token_client("consultant").get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    raw = body(response)
    assert raw.splitlines()[0].decode() == ",".join([*PROPERTIES, "lon", "lat"])
    truth = expected(Report.objects.all())
    rows = rows_of(raw)
    assert [r["reference"] for r in rows] == list(truth)  # the sync order
    for row in rows:
        want = spreadsheet_safe(truth[row["reference"]])
        assert {n: row[n] for n in PROPERTIES} == {n: want[n] for n in PROPERTIES}
        assert float(row["lon"]) == pytest.approx(want["lon"], abs=1e-7)
        assert float(row["lat"]) == pytest.approx(want["lat"], abs=1e-7)
        assert len(row["lon"].split(".")[1]) <= 7
        assert len(row["lat"].split(".")[1]) <= 7


def test_formulas_are_defused_for_spreadsheets(token_client, seeded):
    rows = {r["reference"]: r for r in rows_of(body(token_client("consultant").get(URL)))}
    assert rows[seeded["formula"].reference]["description"].startswith("'=HYPERLINK(")
    assert rows[seeded["formula"].reference]["address"] == "'-12 Grunwaldzka"
    assert rows[seeded["at"].reference]["description"] == "'@SUM(A1) nie świeci"
    assert rows[seeded["plus"].reference]["description"] == "'+48 to nie telefon, to pies"
    assert rows[seeded["quotes"].reference]["description"] == seeded["quotes"].description


def test_wkt_on_request(token_client, seeded):
    assert "wkt" not in rows_of(body(token_client("consultant").get(URL)))[0]
    rows = rows_of(body(token_client("consultant").get(URL, {"wkt": "true"})))
    truth = expected(Report.objects.all())
    for row in rows:
        x, y = row["wkt"].removeprefix("POINT(").removesuffix(")").split()
        assert float(x) == pytest.approx(truth[row["reference"]]["lon"], abs=1e-7)
        assert float(y) == pytest.approx(truth[row["reference"]]["lat"], abs=1e-7)


def test_gdal_reads_the_csv_and_ogr2ogr_places_the_points(tmp_path, token_client, seeded):
    source = tmp_path / "reports.csv"
    source.write_bytes(body(token_client("consultant").get(URL, {"wkt": "true"})))
    truth = {ref: spreadsheet_safe(row) for ref, row in expected(Report.objects.all()).items()}

    read = read_layer(source)  # GDAL's CSV driver: the WKT column is the geometry
    assert set(read) == set(truth)
    for reference, want in truth.items():
        assert {n: read[reference][n] for n in PROPERTIES} == {n: want[n] for n in PROPERTIES}
        assert read[reference]["_x"] == pytest.approx(want["lon"], abs=1e-7)
        assert read[reference]["_y"] == pytest.approx(want["lat"], abs=1e-7)

    target = tmp_path / "reports.gpkg"
    ogr2ogr(
        "-f", "GPKG", "-a_srs", "EPSG:4326",
        "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat",
        "-oo", "GEOM_POSSIBLE_NAMES=none",
        str(target), str(source),
    )  # fmt: skip
    placed = read_layer(target)
    for reference, want in truth.items():
        assert placed[reference]["_x"] == pytest.approx(want["lon"], abs=1e-7)
        assert placed[reference]["_y"] == pytest.approx(want["lat"], abs=1e-7)
        assert placed[reference]["description"] == want["description"]


def test_no_personal_data_internal_notes_or_flags(token_client, seeded):
    text = body(token_client("consultant").get(URL, {"wkt": "true"})).decode().lower()
    assert seeded["plain"].reference.lower() in text
    for secret in [*PII_FRAGMENTS, *INTERNAL]:
        assert secret.lower() not in text


def test_an_empty_export_still_has_its_header(token_client, db):
    raw = body(token_client("consultant").get(URL, {"wkt": "1"}))
    assert raw.decode() == ",".join([*PROPERTIES, "lon", "lat", "wkt"]) + "\n"


@pytest.mark.parametrize(
    "text",
    ["=1", "+48", "-12 Grunwaldzka", "@SUM(A1)", "\tx", "\rx", "x=1", "", "'=", "Żółw", "€", None],
)
def test_formula_test_is_the_regular_expression_it_replaced(db, text):
    """``_spreadsheet_safe`` reads the first character only (``ascii``): the same cells
    get the apostrophe as with the pattern ``^[-=+@\\t\\r]`` it replaced, in PostgreSQL."""
    from django.db import connection

    from mapa.exports.selectors import _spreadsheet_safe

    old = "CASE WHEN x ~ '^[-=+@\\t\\r]' THEN '''' || x ELSE x END"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_spreadsheet_safe('x')}, {old} FROM (SELECT %s::text AS x) t", [text]
        )
        new_value, old_value = cursor.fetchone()
    assert new_value == old_value
    formula = bool(text) and text[0] in "-=+@\t\r"
    assert new_value == ("'" + text if formula else text)
