"""Place search ranking and diacritics on the real seed data (mapa/places/selectors.py)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mapa.places.models import Place
from mapa.places.selectors import places_geojson, places_matching

pytestmark = pytest.mark.usefixtures("places")


def labels(query: str, limit: int = 10) -> list[str]:
    return [place.label for place in places_matching(query, limit=limit)]


@pytest.mark.parametrize("query", ["piwna 27", "PIWNA 27", "Piwna", "piwna 27/29", "piwna,27"])
def test_street_and_number_find_the_address_in_any_case(query):
    assert labels(query)[0] == "Piwna 27/29 — Gdańska Galeria Miejska 1"


def test_a_word_of_the_name_finds_every_gallery():
    assert labels("galeria") == [
        "Grobla I 8/11 — Muzeum Narodowe w Gdańsku - Gdańska Galeria Fotografii",
        "Piwna 27/29 — Gdańska Galeria Miejska 1",
        "Powroźnicza 13/15 — Gdańska Galeria Miejska 2",
        "Szeroka 34/35, 36, 37 — Gdańska Galeria Güntera Grassa",
    ]


def test_a_district_is_found_without_its_diacritics():
    found = places_matching("zabianka")
    assert [(p.kind, p.name) for p in found] == [
        ("district", "Żabianka-Wejhera-Jelitkowo-Tysiąclecia")
    ]


@pytest.mark.parametrize("query", ["łostowice", "lostowice", "ŁOSTOWICE", "Lostowice"])
def test_l_with_stroke_folds_to_l(query):
    assert labels(query) == ["Ujeścisko-Łostowice"]


def test_every_word_must_match():
    assert labels("piwna galeria") == ["Piwna 27/29 — Gdańska Galeria Miejska 1"]
    assert labels("piwna teatr") == []


def test_words_match_at_the_start_of_a_word_not_inside_it():
    # "27" is house number 27, not 127 or the "27" inside "2027".
    assert labels("targ 27") == []
    assert labels("rwona") == []  # inside "Czerwony"
    assert labels("czerw") == [
        "Czerwony Dwór 21 — Wojewódzka i Miejska Biblioteka Publiczna im. Josepha Conrada "
        "Korzeniowskiego w Gdańsku"
    ]


def test_a_prefix_of_street_or_name_ranks_before_a_match_inside_the_text():
    # "Gdański Archipelag Kultury" begins with the query; "Orunia Górna-Gdańsk
    # Południe" only contains it.
    found = labels("gdańsk", limit=50)
    assert found.index("Dworcowa 9 — Gdański Archipelag Kultury") < found.index(
        "Orunia Górna-Gdańsk Południe"
    )
    assert found.index("Orunia Górna-Gdańsk Południe") < found.index(
        "Aleja Zwycięstwa 15 — Opera Bałtycka w Gdańsku"
    )


def test_house_numbers_sort_as_numbers_and_case_does_not_split_a_street():
    assert labels("długi targ") == [
        "Długi Targ 24 — Muzeum Narodowe w Gdańsku - Oddział Zielona Brama",
        "Długi Targ 39/40 — Biuro Prezydenta ds. Sportu",
        "Długi Targ 39/40 — Instytut Kultury Miejskiej",
        "DŁUGI TARG 44 — Dwór Artusa",
    ]


def test_a_building_the_source_lists_twice_is_shown_once():
    assert Place.objects.filter(street="Targ Rakowy").count() == 3
    assert len(labels("targ rakowy")) == 1


def test_the_limit_is_respected():
    assert len(labels("gdańsk", limit=3)) == 3


@pytest.mark.parametrize("query", ["", "  ", "!!", "—", "%_", ".*", "\\"])
def test_queries_without_words_find_nothing(query):
    assert labels(query) == []


def test_geojson_is_built_in_one_statement_in_ranking_order():
    with CaptureQueriesContext(connection) as queries:
        collection = json.loads(places_geojson("długi targ", limit=10))
    assert len(queries) == 1
    features = collection["features"]
    assert [f["properties"]["housenumber"] for f in features] == ["24", "39/40", "39/40", "44"]
    first = features[0]
    assert first["geometry"]["type"] == "Point"
    assert first["properties"]["district"] == {"slug": "srodmiescie", "name": "Śródmieście"}
    assert set(first["properties"]) == {
        "id",
        "label",
        "name",
        "kind",
        "street",
        "housenumber",
        "district",
    }
