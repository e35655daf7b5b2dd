"""The benchmark harness (bench/harness.py, bench/boston.py)."""

from __future__ import annotations

import csv
import gzip
import io

import pytest

from bench.boston import BOSTON_TO_MAPA, load_boston
from bench.harness import Result, Scenario, ratio_chart, run_benchmarks
from mapa.catalogue.models import Category
from mapa.reports.models import Report
from tests.conftest import ROOT

BOSTON = ROOT / "fixtures" / "boston" / "boston_311_2015_public_space.csv.gz"


def test_every_boston_type_maps_to_a_real_category(db):
    with gzip.open(BOSTON, "rt", encoding="utf-8") as handle:
        types = {row["type"] for row in csv.DictReader(handle)}
    assert types <= BOSTON_TO_MAPA.keys()
    assert set(BOSTON_TO_MAPA.values()) <= set(Category.objects.values_list("code", flat=True))


def test_boston_requests_land_inside_gdansk_districts(db, tmp_path):
    with gzip.open(BOSTON, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()[:301]
    sample = tmp_path / "sample.csv.gz"
    with gzip.open(sample, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    assert load_boston(sample, stream=io.StringIO()) == 300
    loaded = Report.objects.filter(reference__startswith="BS-")
    assert loaded.count() == 300
    outside = [r.reference for r in loaded if not r.district.geometry.covers(r.location)]
    assert outside == []
    assert set(loaded.values_list("status", flat=True)) <= {"new", "resolved"}


@pytest.mark.django_db(transaction=False)
def test_a_benchmark_measures_both_sides(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    ok = Scenario("districts", lambda client: client.get("/api/districts/"))
    [result] = run_benchmarks([ok], repeat=2, stream=io.StringIO())
    assert result.statements == 1
    assert result.mapa_ms > 0
    assert result.sql_ms > 0
    assert result.ratio == pytest.approx(result.mapa_ms / result.sql_ms, rel=0.01)


def test_the_chart_has_a_bar_per_scenario():
    results = [Result("a", 2.0, 3.0, 1.0, 1, 2.0), Result("b", 1.0, 1.5, 1.0, 1, 1.0)]
    svg = ratio_chart(results, title="T <1>")
    assert svg.count('fill="#1f5f8b"') == 2
    assert "T &lt;1&gt;" in svg
    assert "&#215;2.00" in svg
