"""The staff's statistics page, /staff/stats/ (mapa/staff/stats_pages.py), and its files.

Seven cases, filed today or three days ago (inside the default period, the last 30 days):

| case       | category     | district       | unit           | status   |
|------------|--------------|----------------|----------------|----------|
| road1, 2   | pothole      | Srodmiescie    | gzdiz          | new      |
| road3      | pothole      | Srodmiescie    | gzdiz          | resolved |
| road4      | pothole      | Wrzeszcz Gorny | gzdiz          | new      |
| dog1, dog2 | stray-animal | Srodmiescie    | sm-srodmiescie | new      |
| dog3       | stray-animal | Wrzeszcz Gorny | sm-wrzeszcz    | new      |

road3 was filed three days ago, due 24 h later, and resolved after 48 h (late).
Every case carries distinctive contact data, which no statistic may contain.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mapa.reports.models import Report
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY

pytestmark = pytest.mark.django_db

URL = "/staff/stats/"
POTHOLE_PL = "Dziura w jezdni lub uszkodzona droga"
STRAY_PL = "Bezpańskie zwierzę"
CONTACT = {
    "reporter_name": "Zofia Statystyczna-Poufna",
    "reporter_email": "zofia.poufna@example.org",
    "reporter_phone": "+48 601 234 567",
}
PERSONAL = [*CONTACT.values(), "601 234 567", "zofia.poufna"]
ROLES = {
    "consultant": {},
    "dispatcher": {},
    "admin": {},
    "unit_staff": {"units": ["gzdiz"]},
}


@pytest.fixture
def seeded(make_report) -> dict[str, Report]:
    dog = {"attributes": {"animal": "dog"}, **CONTACT}
    here, there = NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY
    cases = {
        "road1": make_report("pothole", *here, **CONTACT),
        "road2": make_report("pothole", *here, **CONTACT),
        "road3": make_report("pothole", *here, **CONTACT),
        "road4": make_report("pothole", *there, **CONTACT),
        "dog1": make_report("stray-animal", *here, **dog),
        "dog2": make_report("stray-animal", *here, **dog),
        "dog3": make_report("stray-animal", *there, **dog),
    }
    filed = timezone.now() - timedelta(days=3)
    Report.objects.filter(pk=cases["road3"].pk).update(
        created_at=filed,
        status="resolved",
        resolved_at=filed + timedelta(hours=48),
        due_at=filed + timedelta(hours=24),
    )
    return cases


def logged_in(client: Client, staff_account, role: str, **extra) -> Client:
    client.force_login(staff_account(f"stats-{role}", role, **extra))
    return client


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so that spreadsheets read UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_role_gets_the_page(client, staff_account, seeded, role):
    logged_in(client, staff_account, role, **ROLES[role])
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<canvas id="chart-by-category"' in html
    assert 'id="stats-map"' in html
    assert 'id="stats-charts"' in html
    assert 'aria-current="page">Statystyki</a>' in html  # the staff navigation's link
    assert response.context["role"] == role


def test_the_page_needs_a_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


def test_an_account_without_a_staff_role_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("someone", password="x"))
    assert client.get(URL).status_code == 403


def test_the_default_period_is_the_last_30_days_today_included(client, staff_account, seeded):
    logged_in(client, staff_account, "consultant")
    response = client.get(URL)
    today = timezone.localdate()
    assert response.context["days"] == (today - timedelta(days=29), today)
    assert response.context["figures"].counts.total == 7


def test_figures_cover_every_case_for_gck_and_only_their_units_for_unit_staff(
    client, staff_account, seeded
):
    logged_in(client, staff_account, "dispatcher")
    everyone = client.get(URL).context["figures"]
    assert everyone.counts.total == 7
    client.logout()

    logged_in(client, staff_account, "unit_staff", units=["gzdiz"])
    roads = client.get(URL)
    figures = roads.context["figures"]
    assert figures.counts.total == 4  # road1-4
    assert [(c.key, c.count) for c in figures.counts.by_category] == [("pothole", 4)]
    assert [(u.code, u.resolved) for u in figures.times_by_unit] == [("gzdiz", 1)]
    assert {d.slug: d.open for d in figures.open_by_district if d.open} == {
        "srodmiescie": 2,
        "wrzeszcz-gorny": 1,
    }
    assert "Gdański Zarząd Dróg i Zieleni" in roads.context["scope"]
    assert "These figures cover only your units" not in roads.content.decode()  # Polish page
    assert "Te liczby obejmują tylko sprawy Twoich jednostek" in roads.content.decode()


def test_unit_staff_of_a_unit_with_offices_count_their_offices_cases(client, staff_account, seeded):
    logged_in(client, staff_account, "unit_staff", units=["sm"])
    figures = client.get(URL).context["figures"]
    assert figures.counts.total == 3  # dog1-3, at the Srodmiescie and Wrzeszcz offices


def test_unit_staff_download_only_their_units_counts(client, staff_account, seeded):
    logged_in(client, staff_account, "unit_staff", units=["gzdiz"])
    rows = csv_rows(client.get(URL, {"format": "csv"}))
    assert sum(int(row[-1]) for row in rows[1:]) == 4
    assert {row[2] for row in rows[1:]} == {"pothole"}


def test_the_counts_csv_has_a_row_per_district_category_and_status(client, staff_account, seeded):
    logged_in(client, staff_account, "consultant")
    response = client.get(URL, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate()
    first = today - timedelta(days=29)
    assert response["Content-Disposition"] == (
        f'attachment; filename="mapa-counts-{first.isoformat()}-{today.isoformat()}.csv"'
    )
    assert csv_rows(response) == [
        ["district", "district_name", "category", "category_name", "status", "count"],
        ["srodmiescie", "Śródmieście", "pothole", POTHOLE_PL, "new", "2"],
        ["srodmiescie", "Śródmieście", "pothole", POTHOLE_PL, "resolved", "1"],
        ["srodmiescie", "Śródmieście", "stray-animal", STRAY_PL, "new", "2"],
        ["wrzeszcz-gorny", "Wrzeszcz Górny", "pothole", POTHOLE_PL, "new", "1"],
        ["wrzeszcz-gorny", "Wrzeszcz Górny", "stray-animal", STRAY_PL, "new", "1"],
    ]


def test_the_times_csv_has_hours_and_shares_past_due_per_category_and_unit(
    client, staff_account, seeded
):
    logged_in(client, staff_account, "consultant")
    rows = csv_rows(client.get(URL, {"format": "csv", "table": "times"}))
    assert rows == [
        [
            "grouping", "code", "name", "resolved", "median_hours", "p90_hours",
            "with_due_date", "overdue", "overdue_share",
        ],
        # road3 took 48 h against a due date 24 h after filing: late. No other case has
        # a due date (the categories have no service deadline).
        ["category", "pothole", POTHOLE_PL, "1", "48.0", "48.0", "1", "1", "1.0"],
        ["unit", "gzdiz", "Gdański Zarząd Dróg i Zieleni", "1", "48.0", "48.0", "1", "1", "1.0"],
    ]  # fmt: skip


def test_the_geojson_has_the_open_cases_of_every_district(client, staff_account, seeded):
    logged_in(client, staff_account, "consultant")
    response = client.get(URL, {"format": "geojson"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    collection = json.loads(response.content)
    opened = {f["id"]: f["properties"]["open"] for f in collection["features"]}
    assert len(opened) == 35
    assert opened["srodmiescie"] == 4  # road1, road2, dog1, dog2
    assert opened["wrzeszcz-gorny"] == 2  # road4, dog3


def test_no_staff_file_or_page_carries_personal_data(client, staff_account, seeded):
    logged_in(client, staff_account, "admin")
    answers = [
        client.get(URL),
        client.get(URL, {"format": "csv"}),
        client.get(URL, {"format": "csv", "table": "times"}),
        client.get(URL, {"format": "geojson"}),
    ]
    for response in answers:
        text = response.content.decode()
        for secret in PERSONAL:
            assert secret not in text


def test_a_chosen_period_counts_its_days_both_included(client, staff_account, seeded):
    logged_in(client, staff_account, "consultant")
    today = timezone.localdate()
    filed_day = today - timedelta(days=3)  # road3
    response = client.get(URL, {"from": filed_day.isoformat(), "to": filed_day.isoformat()})
    assert response.context["figures"].counts.total == 1
    response = client.get(URL, {"from": today.isoformat(), "to": today.isoformat()})
    assert response.context["figures"].counts.total == 6
    response = client.get(URL, {"from": (filed_day + timedelta(days=1)).isoformat()})
    assert response.context["figures"].counts.total == 6  # "to" defaults to today


def test_a_wrong_period_is_said_next_to_its_field(client, staff_account):
    logged_in(client, staff_account, "consultant")
    response = client.get(URL, {"from": "2026-03-10", "to": "2026-03-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ostatni dzień jest wcześniej niż pierwszy." in html
    assert 'aria-invalid="true"' in html
    assert "stats-charts" not in html
    assert client.get(URL, {"from": "yesterday"}).status_code == 400
    assert client.get(URL, {"from": "1900-01-01"}).status_code == 400
    csv_answer = client.get(URL, {"from": "2026-13-01", "format": "csv"})
    assert csv_answer.status_code == 400
    assert csv_answer["Content-Type"].startswith("text/plain")


def test_an_unknown_format_or_table_is_refused(client, staff_account):
    logged_in(client, staff_account, "consultant")
    assert client.get(URL, {"format": "xlsx"}).status_code == 400
    assert client.get(URL, {"format": "csv", "table": "people"}).status_code == 400


def test_the_page_says_how_its_figures_are_defined_in_english_too(client, staff_account, seeded):
    logged_in(client, staff_account, "consultant")
    client.cookies["django_language"] = "en"
    html = client.get(URL).content.decode()
    assert "Time to resolve by category" in html
    assert "Cases past their due date by unit" in html
    assert "Pothole or road damage" in html
