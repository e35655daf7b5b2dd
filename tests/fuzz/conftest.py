"""Fuzz-suite set-up: the profile and seed (``profiles``), printed at the start and the
end of the session, and the data the properties need beside Gdańsk's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import is_hypothesis_test, seed

from mapa.catalogue.models import Category, CategoryAttribute
from mapa.places.seeding import load_places
from mapa.reports.models import Report
from tests.fuzz import profiles
from tests.fuzz.bodies import QUESTION_KEYS, QUESTIONS, QUESTIONS_CATEGORY

HERE = Path(__file__).parent
_FUZZING = pytest.StashKey[bool]()


def _is_fuzz_item(item: pytest.Item) -> bool:
    return HERE in Path(item.path).parents


def _say(config: pytest.Config, text: str) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(text)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every property runs with the session's seed; the seed is printed first and last."""
    fuzz_items = [item for item in items if _is_fuzz_item(item)]
    for item in fuzz_items:
        if isinstance(item, pytest.Function) and is_hypothesis_test(item.function):
            seed(profiles.SEED)(item.function)
    config.stash[_FUZZING] = bool(fuzz_items)
    if fuzz_items:
        _say(config, _banner())


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if config.stash.get(_FUZZING, False):
        terminalreporter.write_line(_banner())


def _banner() -> str:
    return (
        f"fuzz: Hypothesis profile {profiles.PROFILE!r}, seed {profiles.SEED}; "
        f"replay with: {profiles.replay_command()}"
    )


@pytest.fixture
def questions_category(db: None) -> Category:
    """A category asking one question of each Open311 datatype, none required."""
    category = Category.objects.create(
        code=QUESTIONS_CATEGORY, name_pl="Każde pytanie", name_en="Every question"
    )
    values = [{"key": key, "name_pl": key.upper(), "name_en": key} for key in QUESTION_KEYS]
    for code, datatype in QUESTIONS.items():
        CategoryAttribute.objects.create(
            category=category,
            code=code,
            datatype=datatype,
            label_pl=code,
            label_en=code,
            values=values if datatype.endswith("valuelist") else [],
        )
    return category


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    """Photos go to a temporary folder, counted before and after each example."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def places(db: None) -> None:
    """The 85 Gdańsk addresses and the 35 district places, so that searches find things."""
    load_places()


@pytest.fixture
def a_report(make_report: Any) -> Report:
    """One real report, so that some hostile references are near a real one."""
    report: Report = make_report(description="Dziura przy fontannie")
    return report
