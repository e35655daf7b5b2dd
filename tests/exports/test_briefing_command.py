"""manage.py briefing_map: the file, its progress and summary, scoping and refusals."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY
from tests.exports.briefing_page import BriefingPage

pytestmark = pytest.mark.django_db

PII = {
    "reporter_name": "Gerwazy Komendowy-Ukryty",
    "reporter_email": "gerwazy.komenda.4412@example.net",
    "reporter_phone": "+48 602 441 288",
}


@pytest.fixture
def reports(make_report: Callable[..., Report]) -> dict[str, Report]:
    return {
        "road": make_report("pothole", *NEPTUNE_FOUNTAIN, **PII),
        "pavement": make_report("pavement", *WRZESZCZ_GORNY, **PII),
        "dog": make_report("stray-animal", *NEPTUNE_FOUNTAIN, attributes={"animal": "dog"}, **PII),
    }


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("briefing_map", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_writes_the_units_map_with_progress_and_a_summary(reports, tmp_path):
    output = tmp_path / "briefing.html"
    out, err = run("--unit", "gzdiz", "--output", str(output))
    page = BriefingPage(output.read_text(encoding="utf-8"))
    assert page.pin_references() == {reports["road"].reference, reports["pavement"].reference}
    assert reports["dog"].reference not in page.text
    assert page.outline()
    assert set(page.legend) == {"pothole", "pavement"}
    assert page.generated
    assert page.outside_references() == []
    assert page.lang == "pl"
    assert f"Wrote {output}: 2 cases" in out
    assert "Briefing map: 4/4 (100%)" in err
    for value in PII.values():
        assert value not in page.text
    assert list(tmp_path.iterdir()) == [output]  # no temporary file left behind


def test_without_output_the_file_is_named_after_the_scope_and_day(reports, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out, _ = run("--district", "wrzeszcz-gorny", "--lang", "en")
    [written] = list(tmp_path.iterdir())
    assert written.name.startswith("mapa-briefing-wrzeszcz-gorny-")
    page = BriefingPage(written.read_text(encoding="utf-8"))
    assert page.lang == "en"
    assert page.pin_references() == {reports["pavement"].reference}
    assert page.legend["pavement"][0] == "Damaged pavement"
    assert written.name in out


def test_user_scopes_the_map_to_what_that_account_may_see(reports, accounts, tmp_path):
    output = tmp_path / "map.html"
    unit_staff = accounts["unit_sm"].username
    run("--district", "srodmiescie", "--user", unit_staff, "--output", str(output))
    assert BriefingPage(output.read_text()).pin_references() == {reports["dog"].reference}
    run("--district", "srodmiescie", "--output", str(output))  # an operator sees every case
    assert BriefingPage(output.read_text()).pin_references() == {
        reports["dog"].reference,
        reports["road"].reference,
    }


def test_the_base_url_makes_the_links_absolute(reports, tmp_path):
    output = tmp_path / "map.html"
    run("--unit", "gzdiz", "--base-url", "https://mapa.gdansk.example/", "--output", str(output))
    assert BriefingPage(output.read_text()).config["base"] == "https://mapa.gdansk.example/"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "--unit: Wskaż jednostkę"),
        (("--unit", "gzdz"), "--unit: Nieznana jednostka: gzdz."),
        (("--district", "atlantyda"), "--district: Nieznana dzielnica: atlantyda."),
        (("--unit", "gzdiz", "--status", "lost"), "--status:"),
        (("--unit", "gzdiz", "--user", "nobody-here"), "--user: nobody-here is not a staff"),
    ],
)
def test_bad_options_are_refused_and_nothing_is_written(reports, tmp_path, args, message):
    output = tmp_path / "map.html"
    with pytest.raises(CommandError) as refused:
        run(*args, "--output", str(output))
    assert message in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_an_account_without_a_staff_role_is_refused(reports, accounts, tmp_path):
    with pytest.raises(CommandError, match="not a staff account"):
        run("--unit", "gzdiz", "--user", accounts["no_role"].username)


def test_a_missing_directory_is_refused(reports, tmp_path):
    with pytest.raises(CommandError, match="--output: no directory"):
        run("--unit", "gzdiz", "--output", str(tmp_path / "nowhere" / "map.html"))
    assert not (tmp_path / "nowhere").exists()


def test_an_existing_file_is_replaced_whole(reports, tmp_path):
    output = tmp_path / "map.html"
    output.write_text("old contents")
    run("--unit", "gzdiz", "--output", str(output))
    assert Path(output).read_text().startswith("<!DOCTYPE html>")
