"""mapa/staff/pages.py: the dispatcher's page, a case's page and the intake form, per role.

Anonymous visitors are sent to the log-in; an account without a staff role is
refused (403); unit staff do not learn that another unit's case exists (404);
only consultants and administrators register reports (403 for the others).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from mapa.catalogue.models import ResponseTemplate
from mapa.reports.models import ReportStatus
from tests.staff.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DISPATCHER = "/staff/"
INTAKE = "/staff/intake/"
STAFF_ROLES = ["consultant", "dispatcher", "admin", "unit_gzdiz"]


@pytest.fixture
def people(staff_account) -> dict[str, User]:
    return {
        "consultant": staff_account("konsultantka", "consultant"),
        "dispatcher": staff_account("dyspozytor", "dispatcher"),
        "admin": staff_account("szefowa", "admin"),
        "unit_gzdiz": staff_account("drogowiec", "unit_staff", units=["gzdiz"]),
        "unit_sm": staff_account("straznik", "unit_staff", units=["sm"]),
        "no_role": User.objects.create_user("mieszkaniec", password=PASSWORD),
    }


@pytest.fixture
def as_(people):
    def client_for(who: str) -> Client:
        client = Client()
        client.force_login(people[who])
        return client

    return client_for


@pytest.fixture
def pothole(make_report):
    """A pothole at Neptune's Fountain: GZDiZ's case, with the resident's contact."""
    return make_report(
        "pothole",
        description="Dziura w jezdni",
        reporter_name="Anna Nowak",
        reporter_email="anna.nowak@example.com",
        reporter_phone="+48 500 100 200",
    )


def case_url(report) -> str:
    return f"/staff/r/{report.reference}/"


def options_of(html: str, select_id: str) -> list[str]:
    """The values offered by the ``<select id=select_id>`` of a page."""
    select = html.split(f'id="{select_id}"')[1].split("</select>")[0]
    return re.findall(r'<option value="([\w-]+)"', select)


def json_script(html: str, element_id: str) -> Any:
    """The data of a page's ``{{ value|json_script:element_id }}``."""
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    assert found, element_id
    return json.loads(found.group(1))


# ---- who may open which page ----


@pytest.mark.parametrize("path", [DISPATCHER, INTAKE, "/staff/r/GD-2026-000001/"])
def test_anonymous_visitors_are_sent_to_the_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/staff/login/?next={path}"


@pytest.mark.parametrize("page", ["dispatcher", "intake", "case"])
def test_an_account_without_a_staff_role_is_refused(as_, pothole, page):
    path = {"dispatcher": DISPATCHER, "intake": INTAKE, "case": case_url(pothole)}[page]
    assert as_("no_role").get(path).status_code == 403


@pytest.mark.parametrize("who", [*STAFF_ROLES, "unit_sm"])
def test_every_staff_role_opens_the_dispatchers_page(as_, who):
    response = as_(who).get(DISPATCHER)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="case-filters"' in html
    assert 'class="case-table"' in html
    assert "mapa/staff/dispatcher.js" in html
    assert 'aria-current="page">Sprawy<' in html


@pytest.mark.parametrize("who", STAFF_ROLES)
def test_every_role_that_sees_the_case_opens_its_page(as_, pothole, who):
    response = as_(who).get(case_url(pothole))
    assert response.status_code == 200
    assert pothole.reference in response.content.decode()


def test_unit_staff_cannot_tell_a_foreign_case_exists(as_, pothole):
    foreign = as_("unit_sm").get(case_url(pothole))
    missing = as_("unit_sm").get("/staff/r/GD-1999-999999/")
    assert foreign.status_code == missing.status_code == 404


@pytest.mark.parametrize(("who", "code"), [("consultant", 200), ("admin", 200)])
def test_consultants_and_administrators_register_reports(as_, who, code):
    response = as_(who).get(INTAKE)
    assert response.status_code == code
    html = response.content.decode()
    assert 'id="intake-form"' in html
    assert '<option value="phone" selected>' in html
    assert 'id="place-search"' in html


@pytest.mark.parametrize("who", ["dispatcher", "unit_gzdiz"])
def test_other_roles_may_not_register_reports(as_, who):
    assert as_(who).get(INTAKE).status_code == 403


@pytest.mark.parametrize(("who", "shown"), [("consultant", True), ("dispatcher", False)])
def test_the_navigation_offers_the_intake_form_only_to_those_who_may_use_it(as_, who, shown):
    html = as_(who).get(DISPATCHER).content.decode()
    assert ('href="/staff/intake/"' in html) is shown


@pytest.mark.parametrize("page", [DISPATCHER, INTAKE])
def test_the_pages_write_nothing(as_, page):
    assert as_("consultant").post(page).status_code == 405


# ---- what the pages show ----


def test_the_dispatchers_filters_offer_what_the_role_may_filter_by(as_):
    def options(who: str) -> dict:
        return json_script(as_(who).get(DISPATCHER).content.decode(), "staff-options")

    every = options("dispatcher")
    assert {d["value"] for d in every["districts"]} >= {"srodmiescie", "wrzeszcz-gorny"}
    assert [s["value"] for s in every["statuses"]] == list(ReportStatus.values)
    assert {"gck", "gzdiz", "sm", "sm-srodmiescie"} <= {u["value"] for u in every["units"]}
    # Unit staff filter by their own units and those units' district offices only.
    own = {u["value"] for u in options("unit_sm")["units"]}
    assert {"sm", "sm-srodmiescie"} <= own
    assert not {"gzdiz", "gck"} & own


def test_the_case_page_shows_contact_data_only_to_roles_that_may_see_it(as_, pothole):
    assert "anna.nowak@example.com" in as_("consultant").get(case_url(pothole)).content.decode()
    assert "anna.nowak@example.com" in as_("unit_gzdiz").get(case_url(pothole)).content.decode()
    dispatcher = as_("dispatcher").get(case_url(pothole)).content.decode()
    assert "anna.nowak@example.com" not in dispatcher
    assert "+48 500 100 200" not in dispatcher


def test_the_case_page_offers_the_allowed_next_statuses_and_the_version(as_, pothole):
    html = as_("dispatcher").get(case_url(pothole)).content.decode()
    assert f'data-version="{pothole.version}"' in html
    assert options_of(html, "transition-status") == [
        "accepted",
        "in_progress",
        "resolved",
        "rejected",
    ]  # duplicate has its form
    assert 'id="duplicate-of"' in html
    assert 'id="reroute"' not in html  # dispatchers do not re-route


def test_unit_staff_may_send_a_case_back_to_gck_only(as_, pothole):
    html = as_("unit_gzdiz").get(case_url(pothole)).content.decode()
    assert options_of(html, "reroute-unit") == ["gck"]


def test_a_consultant_may_send_a_case_to_any_other_unit(as_, pothole):
    html = as_("consultant").get(case_url(pothole)).content.decode()
    units = options_of(html, "reroute-unit")
    assert {"gck", "sm"} <= set(units)
    assert "gzdiz" not in units  # where it is already


def test_the_history_shows_internal_notes_and_who_wrote_them(as_, people, pothole):
    from mapa.reports.casework import report_change_status

    report_change_status(
        report=pothole,
        status=ReportStatus.ACCEPTED,
        internal_note="Ekipa jedzie jutro",
        actor=people["consultant"],
        actor_unit=None,
    )
    html = as_("dispatcher").get(case_url(pothole)).content.decode()
    assert "Ekipa jedzie jutro" in html
    assert "timeline-note--internal" in html
    assert "konsultantka" in html
    assert "nowe → przyjęte" in html
    # The audit trail: each recorded change with the old and new values.
    assert 'id="audit-heading"' in html
    assert "<code>status</code>: new → accepted" in html


def test_response_templates_come_in_the_pages_language(as_, pothole):
    ResponseTemplate.objects.create(
        category=pothole.category,
        title_pl="Naprawione",
        title_en="Repaired",
        text_pl="Dziura została załatana.",
        text_en="The pothole has been patched.",
    )
    client = as_("unit_gzdiz")
    polish = client.get(case_url(pothole)).content.decode()
    assert '<option value="' in polish.split('id="transition-template"')[1]
    assert "Naprawione</option>" in polish
    assert json_script(polish, "response-templates")[0]["text"] == "Dziura została załatana."
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})  # the language switch
    english = client.get(case_url(pothole)).content.decode()
    assert "Repaired</option>" in english
    assert json_script(english, "response-templates")[0]["text"] == "The pothole has been patched."


def test_a_duplicate_offers_the_undo_and_no_status_change_to_duplicate(as_, people, make_report):
    from mapa.reports.casework import report_mark_duplicate

    original = make_report("pothole", description="Pierwsza")
    copy = make_report("pothole", description="Druga")
    report_mark_duplicate(
        report=copy, original=original, public_note="", actor=people["consultant"], actor_unit=None
    )
    html = as_("consultant").get(case_url(copy)).content.decode()
    assert 'id="unduplicate"' in html
    assert 'id="duplicate"' not in html
    assert f'href="/staff/r/{original.reference}/"' in html
    html = as_("consultant").get(case_url(original)).content.decode()
    assert f'href="/staff/r/{copy.reference}/"' in html  # its duplicates


def test_the_intake_form_lists_the_categories_questions_and_every_channel(as_):
    html = as_("consultant").get(INTAKE).content.decode()
    assert 'name="attr__stray-animal__animal"' in html
    assert options_of(html, "id_channel") == ["phone", "sms", "email", "chat", "social", "web"]
    assert 'data-case-url="/staff/r/{reference}/"' in html
