"""manage.py export_reports: the API's bytes in a file, scoped, filtered, with a progress bar."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from mapa.reports.models import Report
from tests.exports.conftest import settle
from tests.exports.helpers import (
    INTERNAL,
    PII_FRAGMENTS,
    PROPERTIES,
    body,
    expected,
    read_layer,
    seed,
)


def export(tmp_path, *args: str, name: str = "out") -> tuple[bytes, str]:
    path = tmp_path / name
    stderr = io.StringIO()
    call_command("export_reports", *args, "--output", str(path), stderr=stderr)
    assert not (tmp_path / f"{name}.partial").exists()
    return path.read_bytes(), stderr.getvalue()


@pytest.mark.parametrize(
    ("api", "args"),
    [
        ({}, ["--format", "geojson"]),
        ({"wkt": "true"}, ["--format", "csv", "--wkt"]),
        (
            {"status": "new", "district": "srodmiescie"},
            ["--format", "csv", "--status", "new", "--district", "srodmiescie"],
        ),
    ],
)
def test_the_same_bytes_as_the_api(tmp_path, token_client, accounts, cases, api, args):
    settle()
    fmt = args[1]
    url = f"/api/exports/reports.{fmt}"
    from_api = body(token_client("consultant").get(url, api))
    written, _ = export(tmp_path, *args, "--user", accounts["consultant"].username)
    assert written == from_api
    everything, _ = export(tmp_path, *args)  # no --user: every case, as GCK sees them
    assert everything == from_api


def test_user_and_unit_scope_the_export(tmp_path, accounts, cases):
    settle()
    written, _ = export(tmp_path, "--format", "geojson", "--user", accounts["unit_gzdiz"].username)
    ids = {f["id"] for f in json.loads(written)["features"]}
    assert ids == {cases["road"].reference, cases["road2"].reference}
    written, _ = export(tmp_path, "--format", "csv", "--unit", "sm")
    assert cases["animal"].reference in written.decode()  # its Śródmieście office's case
    assert cases["road"].reference not in written.decode()


def test_gdal_reads_the_file_equal_to_the_database(tmp_path, make_report):
    seed(make_report)
    settle()
    written, _ = export(tmp_path, "--format", "geojson", name="reports.geojson")
    truth = expected(Report.objects.all())
    read = read_layer(tmp_path / "reports.geojson")
    assert set(read) == set(truth)
    for reference, want in truth.items():
        assert {n: read[reference][n] for n in PROPERTIES} == {n: want[n] for n in PROPERTIES}
        assert read[reference]["_x"] == pytest.approx(want["lon"], abs=1e-7)
        assert read[reference]["_y"] == pytest.approx(want["lat"], abs=1e-7)
    for secret in [*PII_FRAGMENTS, *INTERNAL]:
        assert secret.lower() not in written.decode().lower()
    csv_written, _ = export(tmp_path, "--format", "csv", "--wkt")
    for secret in [*PII_FRAGMENTS, *INTERNAL]:
        assert secret.lower() not in csv_written.decode().lower()


def test_progress_on_stderr_and_the_cursor_to_resume(tmp_path, make_report, db):
    for number in range(150):
        make_report(description=f"Dziura {number} " + "opis " * 40)
    settle()
    written, stderr = export(tmp_path, "--format", "geojson")
    assert "Exporting cases: 150/150 (100%)" in stderr
    assert stderr.count("Exporting cases:") >= 2  # advanced chunk by chunk
    cursor = json.loads(written)["cursor"]
    assert f"Exported 150 cases to {tmp_path / 'out'}. Resume with --cursor {cursor}" in stderr
    again, stderr = export(tmp_path, "--format", "csv", "--cursor", cursor)
    assert again.decode().count("\n") == 1  # nothing new: the header only
    assert "Exported 0 cases" in stderr


def test_mistakes_name_the_option(tmp_path, accounts, db):
    with pytest.raises(CommandError, match="--status: Unknown status done"):
        export(tmp_path, "--format", "csv", "--status", "done", "--language", "en")
    with pytest.raises(CommandError, match="--status: Nieznany status done"):
        export(tmp_path, "--format", "csv", "--status", "done")
    with pytest.raises(CommandError, match="--cursor: "):
        export(tmp_path, "--format", "csv", "--cursor", "zzz")
    with pytest.raises(CommandError, match="No staff account named mieszkaniec"):
        export(tmp_path, "--format", "csv", "--user", accounts["no_role"].username)
    with pytest.raises(CommandError, match="--wkt is for --format csv"):
        export(tmp_path, "--format", "geojson", "--wkt")
    assert not (tmp_path / "out").exists()
