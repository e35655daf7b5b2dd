"""The public statistics page, /stats/ (mapa/web/stats_views.py): anyone's, no personal data."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY

pytestmark = pytest.mark.django_db

URL = "/stats/"
CONTACT = {
    "reporter_name": "Bożydar Tajny-Mieszkaniec",
    "reporter_email": "bozydar.tajny@example.net",
    "reporter_phone": "+48 699 888 777",
}
PERSONAL = [*CONTACT.values(), "699 888 777", "bozydar.tajny", "Tajny-Mieszkaniec"]
INTERNAL_NOTE = "Notatka wewnętrzna: klucz do bramy u dozorcy"


@pytest.fixture(autouse=True)
def empty_cache():
    """The page keeps its figures in the cache: each test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded(make_report) -> list[Report]:
    reports = [
        make_report("pothole", *NEPTUNE_FOUNTAIN, **CONTACT),
        make_report("pothole", *NEPTUNE_FOUNTAIN, **CONTACT),
        make_report("pothole", *WRZESZCZ_GORNY, **CONTACT),
        make_report("stray-animal", *WRZESZCZ_GORNY, attributes={"animal": "dog"}, **CONTACT),
    ]
    filed = timezone.now() - timedelta(days=2)
    Report.objects.filter(pk=reports[0].pk).update(
        created_at=filed,
        status="resolved",
        resolved_at=filed + timedelta(hours=30),
        due_at=filed + timedelta(hours=24),
        internal_flags=["secret-flag-xyz"],
    )
    reports[0].events.update(internal_note=INTERNAL_NOTE)
    return reports


def test_anyone_gets_the_page_without_logging_in(client, seeded):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Statystyki</h1>" in html
    assert '<canvas id="chart-by-category"' in html
    assert '<canvas id="chart-times-category"' in html
    assert '<canvas id="chart-times-unit"' in html
    assert 'id="stats-map"' in html
    assert response.context["figures"].counts.total == 4


def test_the_public_page_has_no_due_dates(client, seeded):
    html = client.get(URL).content.decode()
    assert "overdue" not in html
    assert "po terminie" not in html.lower()
    assert response_figures(client).overdue_by_unit == []


def response_figures(client):
    return client.get(URL).context["figures"]


def test_nothing_public_carries_personal_data_or_internal_fields(client, seeded):
    answers = [
        client.get(URL),
        client.get(URL, {"format": "csv"}),
        client.get(URL, {"format": "csv", "table": "times"}),
        client.get(URL, {"format": "geojson"}),
    ]
    for response in answers:
        assert response.status_code == 200
        text = response.content.decode()
        for secret in [*PERSONAL, INTERNAL_NOTE, "secret-flag-xyz", "due_at"]:
            assert secret not in text


def test_the_times_csv_is_the_public_subset(client, seeded):
    text = client.get(URL, {"format": "csv", "table": "times"}).content.decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [
        ["grouping", "code", "name", "resolved", "median_hours", "p90_hours"],
        ["category", "pothole", "Dziura w jezdni lub uszkodzona droga", "1", "30.0", "30.0"],
        ["unit", "gzdiz", "Gdański Zarząd Dróg i Zieleni", "1", "30.0", "30.0"],
    ]


def test_the_counts_csv_and_the_map_data_may_be_kept_by_any_cache(client, seeded):
    for wanted in ("csv", "geojson"):
        response = client.get(URL, {"format": wanted})
        assert "public" in response["Cache-Control"]
        assert "max-age=300" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(client.get(URL, {"format": "csv"}).content.decode()[1:])))
    assert rows[0] == ["district", "district_name", "category", "category_name", "status", "count"]
    assert sum(int(row[-1]) for row in rows[1:]) == 4
    collection = json.loads(client.get(URL, {"format": "geojson"}).content)
    opened = {f["id"]: f["properties"]["open"] for f in collection["features"]}
    assert (opened["srodmiescie"], opened["wrzeszcz-gorny"]) == (1, 2)


def test_figures_are_computed_once_per_period_and_language(
    client, seeded, django_assert_num_queries
):
    client.get(URL)  # computes and keeps the figures
    with django_assert_num_queries(0):
        assert client.get(URL).status_code == 200
    client.cookies["django_language"] = "en"
    html = client.get(URL).content.decode()
    assert "Pothole or road damage" in html  # not the Polish figures from the cache


def test_a_wrong_period_is_a_400_with_the_form(client):
    response = client.get(URL, {"from": "2026-02-30"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert client.get(URL, {"format": "pdf"}).status_code == 400


def test_the_resident_site_links_to_the_statistics(client):
    html = client.get("/").content.decode()
    assert '<a href="/stats/" >Statystyki</a>' in html
    stats = client.get(URL).content.decode()
    assert '<a href="/stats/" aria-current="page">Statystyki</a>' in stats
