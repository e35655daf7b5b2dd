"""The staff API's writes (mapa/staff/apis.py): transitions, re-route, duplicates, notes,
versions, intake, and bad input. Who may do what is in test_apis_permissions.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from mapa.catalogue.models import Category, Unit
from mapa.reports.models import Report, ReportEvent, ReportPhoto
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY
from tests.staff.conftest import USERNAMES

pytestmark = pytest.mark.django_db

API = "/api/staff/reports/"
MISSING = "GD-2026-999999"
GZDIZ = "Gdański Zarząd Dróg i Zieleni"
GZNK = "Gdański Zarząd Nieruchomości Komunalnych"
GCK = "Gdańskie Centrum Kontaktu"
SM_SRODMIESCIE = "Straż Miejska, Referat Dzielnicowy Śródmieście"


def url(report: Report, action: str = "") -> str:
    return f"{API}{report.reference}/{action + '/' if action else ''}"


def state(report: Report) -> tuple:
    """Everything a refused write must leave as it was."""
    fresh = Report.objects.get(pk=report.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.unit_id,
        fresh.duplicate_of_id,
        fresh.routing_explanation,
        ReportEvent.objects.count(),
        sorted(ReportPhoto.objects.values_list("id", "report_id")),
    )


def set_status(report: Report, status: str) -> None:
    Report.objects.filter(pk=report.pk).update(status=status)


# --- transitions --------------------------------------------------------------------------------

# Every allowed change but "→ duplicate" (that one names its original: …/duplicate/).
ALLOWED = [
    ("new", "accepted"),
    ("new", "in_progress"),
    ("new", "resolved"),
    ("new", "rejected"),
    ("accepted", "in_progress"),
    ("accepted", "resolved"),
    ("accepted", "rejected"),
    ("in_progress", "accepted"),
    ("in_progress", "resolved"),
    ("in_progress", "rejected"),
    ("resolved", "in_progress"),
    ("rejected", "accepted"),
    ("duplicate", "accepted"),
]


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_every_allowed_transition(client_as, cases, current, target):
    case = cases["road"]
    set_status(case, current)
    response = client_as("unit_gzdiz").post(
        url(case, "transition"),
        {"status": target, "public_note": "Gotowe.", "internal_note": "Ekipa 3"},
        format="json",
    )
    assert response.status_code == 200, response.content
    props = response.json()["properties"]
    assert (props["status"], props["version"]) == (target, 2)
    assert response["ETag"] == '"2"'
    last = props["events"][-1]
    assert (last["kind"], last["from_status"], last["to_status"]) == ("status", current, target)
    assert (last["actor"], last["actor_unit"]) == (USERNAMES["unit_gzdiz"], GZDIZ)
    assert (last["public_note"], last["internal_note"]) == ("Gotowe.", "Ekipa 3")
    assert Report.objects.get(pk=case.pk).status == target


REFUSED = [
    ("new", "new", ["accepted", "in_progress", "resolved", "rejected", "duplicate"]),
    ("accepted", "new", ["in_progress", "resolved", "rejected", "duplicate"]),
    ("accepted", "accepted", ["in_progress", "resolved", "rejected", "duplicate"]),
    ("in_progress", "new", ["accepted", "resolved", "rejected", "duplicate"]),
    ("resolved", "new", ["in_progress"]),
    ("resolved", "accepted", ["in_progress"]),
    ("resolved", "rejected", ["in_progress"]),
    ("rejected", "in_progress", ["accepted"]),
    ("rejected", "resolved", ["accepted"]),
    ("duplicate", "new", ["accepted"]),
    ("duplicate", "resolved", ["accepted"]),
]


@pytest.mark.parametrize(("current", "target", "allowed"), REFUSED)
def test_a_refused_transition_is_a_409_naming_the_allowed(
    client_as, cases, current, target, allowed
):
    case = cases["road"]
    set_status(case, current)
    before = state(case)
    response = client_as("consultant").post(
        url(case, "transition"), {"status": target, "public_note": "Uwaga."}, format="json"
    )
    assert response.status_code == 409, response.content
    assert response.json()["allowed"] == allowed
    assert response.json()["detail"]
    assert state(case) == before


@pytest.mark.parametrize("target", ["resolved", "rejected"])
@pytest.mark.parametrize("note", [None, "", "   "])
def test_resolving_and_rejecting_need_a_public_note(client_as, cases, target, note):
    case = cases["road"]
    body = {"status": target, "internal_note": "Naprawione przez ekipę 3"}
    if note is not None:
        body["public_note"] = note
    before = state(case)
    response = client_as("consultant").post(
        url(case, "transition"), body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409, response.content
    assert "public note" in response.json()["detail"]
    assert response.json()["allowed"] == [
        "accepted",
        "in_progress",
        "resolved",
        "rejected",
        "duplicate",
    ]
    assert state(case) == before


def test_the_resolution_note_reaches_the_resident(client_as, api, cases):
    case = cases["road"]
    response = client_as("consultant").post(
        url(case, "transition"),
        {"status": "resolved", "public_note": "Ubytek uzupełniono masą na zimno."},
        format="json",
    )
    assert response.status_code == 200
    public = api.get(f"/api/reports/{case.reference}/").json()["properties"]
    assert public["status"] == "resolved"
    assert public["history"][-1]["note"] == "Ubytek uzupełniono masą na zimno."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "closed"}, "status"),
        ({}, "status"),
        ({"status": "duplicate"}, "status"),  # that one is …/duplicate/, naming the original
        ({"status": "accepted", "version": "abc"}, "version"),
        ({"status": "accepted", "version": 0}, "version"),
        ({"status": "accepted", "public_note": "x" * 2001}, "public_note"),
    ],
)
def test_bad_transition_input_is_a_400_naming_the_field(client_as, cases, body, field):
    before = state(cases["road"])
    response = client_as("consultant").post(url(cases["road"], "transition"), body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert state(cases["road"]) == before


# --- re-route -----------------------------------------------------------------------------------


def test_a_consultant_reroutes_and_access_moves_with_the_case(client_as, staff_account, api, cases):
    case = cases["road"]
    komunalny = staff_account("komunalny", "unit_staff", units=["gznk"])
    roads, consultant = client_as("unit_gzdiz"), client_as("consultant")
    assert roads.get(url(case)).status_code == 200

    response = consultant.post(
        url(case, "reroute"),
        {"unit": "gznk", "reason": "To podwórko budynku komunalnego"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200, response.content
    props = response.json()["properties"]
    assert props["unit"] == {"code": "gznk", "name": GZNK}
    assert props["district"]["slug"] == "srodmiescie"  # the district stays
    assert props["routing"]["reason"] == "rerouted"
    assert props["routing"]["explanation"] == (
        f"Re-routed by GCK from {GZDIZ} to {GZNK}: To podwórko budynku komunalnego."
    )
    event = props["events"][-1]
    assert (event["kind"], event["from_unit"], event["to_unit"]) == ("rerouted", GZDIZ, GZNK)
    assert (event["actor"], event["actor_unit"]) == (USERNAMES["consultant"], GCK)
    assert event["public_note"] == "To podwórko budynku komunalnego"
    # The resident sees why, in the public history and the public explanation.
    public = api.get(f"/api/reports/{case.reference}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert public["properties"]["routing"]["explanation"] == props["routing"]["explanation"]
    assert public["properties"]["history"][-1]["note"] == "To podwórko budynku komunalnego"
    # GZDiZ's staff lose it, exactly as if it did not exist; GZNK's staff have it now.
    assert roads.get(url(case)).status_code == 404
    assert case.reference not in {f["id"] for f in roads.get(API).json()["features"]}
    assert roads.post(url(case, "notes"), {"internal_note": "x"}, format="json").status_code == 404
    gznk = APIClient()
    gznk.force_login(komunalny)
    assert gznk.get(url(case)).status_code == 200
    assert [f["id"] for f in gznk.get(API).json()["features"]] == [case.reference]


def test_rerouting_to_a_unit_with_district_offices_lands_at_the_districts_office(
    client_as, cases, make_report
):
    consultant, sm = client_as("consultant"), client_as("unit_sm")
    case = cases["road"]
    assert sm.get(url(case)).status_code == 404
    response = consultant.post(
        url(case, "reroute"), {"unit": "sm", "reason": "Auto na chodniku"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["properties"]["unit"]["code"] == "sm-srodmiescie"
    assert response.json()["properties"]["events"][-1]["to_unit"] == SM_SRODMIESCIE
    assert sm.get(url(case)).status_code == 200

    elsewhere = make_report("pothole", *WRZESZCZ_GORNY)
    response = consultant.post(
        url(elsewhere, "reroute"), {"unit": "sm", "reason": "Auto na chodniku"}, format="json"
    )
    assert response.json()["properties"]["unit"]["code"] == "sm-wrzeszcz"
    assert response.json()["properties"]["district"]["slug"] == "wrzeszcz-gorny"


def test_unit_staff_send_a_case_back_to_gck(client_as, cases):
    case = cases["animal"]
    sm = client_as("unit_sm")
    response = sm.post(
        url(case, "reroute"),
        {"unit": "gck", "reason": "Zwierzę na terenie prywatnym"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200, response.content
    props = response.json()["properties"]
    assert props["unit"]["code"] == "gck"
    assert props["routing"]["explanation"] == (
        f"Re-routed by Straż Miejska from {SM_SRODMIESCIE} to {GCK}: Zwierzę na terenie prywatnym."
    )
    assert sm.get(url(case)).status_code == 404
    assert client_as("consultant").get(url(case)).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unit": "no-such-unit", "reason": "x"}, "unit"),
        ({"unit": "gzdiz", "reason": "x"}, "unit"),  # it is there already
        ({"reason": "x"}, "unit"),
        ({"unit": "gznk"}, "reason"),
        ({"unit": "gznk", "reason": ""}, "reason"),
        ({"unit": "gznk", "reason": "   "}, "reason"),
    ],
)
def test_bad_reroute_input_is_a_400_naming_the_field(client_as, cases, body, field):
    before = state(cases["road"])
    response = client_as("consultant").post(url(cases["road"], "reroute"), body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert state(cases["road"]) == before


def test_an_inactive_unit_is_unknown(client_as, cases):
    Unit.objects.filter(code="wzk").update(active=False)
    response = client_as("consultant").post(
        url(cases["road"], "reroute"), {"unit": "wzk", "reason": "x"}, format="json"
    )
    assert (response.status_code, list(response.json())) == (400, ["unit"])


def test_a_closed_case_is_not_rerouted(client_as, cases):
    case = cases["road"]
    set_status(case, "resolved")
    before = state(case)
    response = client_as("consultant").post(
        url(case, "reroute"), {"unit": "gznk", "reason": "x"}, format="json"
    )
    assert (response.status_code, list(response.json())) == (400, ["unit"])
    assert state(case) == before


# --- duplicates ---------------------------------------------------------------------------------


def add_photos(report: Report, count: int) -> list[str]:
    return sorted(
        str(
            ReportPhoto.objects.create(
                report=report, image=f"photos/{report.reference}-{i}.jpg", thumbnail=f"t{i}.jpg"
            ).id
        )
        for i in range(count)
    )


def photo_urls(client, report: Report) -> list[str]:
    return sorted(p["url"] for p in client.get(url(report)).json()["properties"]["photos"])


def test_duplicate_and_unduplicate(client_as, api, cases):
    original, copy = cases["road"], cases["road2"]
    add_photos(original, 1)
    add_photos(copy, 2)
    staff = client_as("unit_gzdiz")
    original_photos, copy_photos = photo_urls(staff, original), photo_urls(staff, copy)
    assert (len(original_photos), len(copy_photos)) == (1, 2)

    response = staff.post(
        url(copy, "duplicate"),
        {"of": original.reference, "public_note": "Zgłoszone wcześniej."},
        format="json",
    )
    assert response.status_code == 200, response.content
    props = response.json()["properties"]
    assert (props["status"], props["duplicate_of"], props["photos"]) == (
        "duplicate",
        original.reference,
        [],
    )
    assert props["events"][-1]["public_note"] == "Zgłoszone wcześniej."
    origin = staff.get(url(original)).json()["properties"]
    assert origin["duplicates"] == [copy.reference]
    assert photo_urls(staff, original) == sorted(original_photos + copy_photos)
    assert copy.reference in origin["events"][-1]["internal_note"]
    # The resident following either case sees where things stand.
    assert api.get(f"/api/reports/{copy.reference}/").json()["properties"]["status"] == (
        "duplicate"
    )
    public_photos = api.get(f"/api/reports/{original.reference}/").json()["properties"]["photos"]
    assert len(public_photos) == 3

    response = staff.post(url(copy, "unduplicate"), {"internal_note": "Jednak inne"}, format="json")
    assert response.status_code == 200, response.content
    props = response.json()["properties"]
    assert (props["status"], props["duplicate_of"]) == ("accepted", None)
    assert photo_urls(staff, copy) == copy_photos
    assert photo_urls(staff, original) == original_photos
    assert staff.get(url(original)).json()["properties"]["duplicates"] == []


@pytest.mark.parametrize(
    ("of", "field"),
    [
        (MISSING, "of"),
        ("", "of"),
        (None, "of"),
        ("self", "of"),
        ("a duplicate", "of"),
    ],
)
def test_bad_duplicate_input_is_a_400_naming_of(client_as, cases, of, field):
    case, other, third = cases["road"], cases["road2"], cases["triage"]
    client = client_as("consultant")
    assert (
        client.post(url(third, "duplicate"), {"of": other.reference}, format="json").status_code
        == 200
    )
    before = state(case)
    body = {
        MISSING: {"of": MISSING},
        "": {"of": ""},
        None: {},
        "self": {"of": case.reference},
        "a duplicate": {"of": third.reference},
    }[of]
    response = client.post(url(case, "duplicate"), body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert state(case) == before


def test_unduplicating_a_case_that_is_no_duplicate_is_a_400(client_as, cases):
    before = state(cases["road"])
    response = client_as("consultant").post(url(cases["road"], "unduplicate"), {}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["status"])
    assert state(cases["road"]) == before


def test_a_closed_case_is_not_marked_a_duplicate(client_as, cases):
    set_status(cases["road"], "resolved")
    before = state(cases["road"])
    response = client_as("consultant").post(
        url(cases["road"], "duplicate"), {"of": cases["road2"].reference}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["allowed"] == ["in_progress"]
    assert state(cases["road"]) == before


# --- notes --------------------------------------------------------------------------------------

SECRET = "Zgłaszający to sąsiad, uwaga na konflikt"


def test_internal_notes_never_reach_the_public(client_as, api, client, cases):
    case = cases["road"]
    staff = client_as("consultant")
    assert (
        staff.post(url(case, "notes"), {"internal_note": SECRET}, format="json").status_code == 200
    )
    assert (
        staff.post(
            url(case, "transition"),
            {"status": "accepted", "internal_note": SECRET + " (2)"},
            format="json",
        ).status_code
        == 200
    )
    response = staff.post(
        url(case, "notes"),
        {"public_note": "Ekipa wyjedzie jutro.", "internal_note": SECRET + " (3)"},
        format="json",
    )
    assert response.status_code == 200, response.content
    events = response.json()["properties"]["events"]
    assert [e["internal_note"] for e in events[1:]] == [SECRET, SECRET + " (2)", SECRET + " (3)"]
    assert response.json()["properties"]["version"] == 4

    public_api = api.get(f"/api/reports/{case.reference}/")
    page = client.get(f"/r/{case.reference}/")
    public_list = api.get("/api/reports/", {"limit": 1000})
    for answer in (public_api, page, public_list):
        assert answer.status_code == 200
        text = answer.content.decode()
        assert "uwaga na konflikt" not in text
        assert "anna.nowak@example.com" not in text
    assert "Ekipa wyjedzie jutro." in public_api.content.decode()
    assert "Ekipa wyjedzie jutro." in page.content.decode()


@pytest.mark.parametrize(
    "body", [{}, {"public_note": "", "internal_note": ""}, {"internal_note": "   "}]
)
def test_an_empty_note_is_a_400(client_as, cases, body):
    before = state(cases["road"])
    response = client_as("consultant").post(url(cases["road"], "notes"), body, format="json")
    assert (response.status_code, list(response.json())) == (400, ["internal_note"])
    assert state(cases["road"]) == before


# --- stale versions -----------------------------------------------------------------------------


def test_a_stale_write_is_refused_and_names_who_changed_the_case(client_as, cases):
    case = cases["road"]
    first, second = client_as("consultant"), client_as("unit_gzdiz")
    for client in (first, second):
        seen = client.get(url(case))
        assert seen["ETag"] == '"1"'
        assert seen.json()["properties"]["version"] == 1

    written = first.post(
        url(case, "notes"), {"internal_note": "Dzwoniłam"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert written.status_code == 200, written.content
    assert written["ETag"] == '"2"'
    before = state(case)

    stale = second.post(
        url(case, "transition"),
        {"status": "in_progress"},
        format="json",
        HTTP_IF_MATCH='"1"',
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert stale.status_code == 412, stale.content
    assert stale.json()["version"] == 2
    assert stale.json()["changed_by"] == f"{USERNAMES['consultant']} ({GCK})"
    assert f"{USERNAMES['consultant']} ({GCK}) changed this case" in stale.json()["detail"]

    stale = second.post(
        url(case, "transition"), {"status": "in_progress", "version": 1}, format="json"
    )
    assert stale.status_code == 409, stale.content
    assert stale.json()["changed_by"] == f"{USERNAMES['consultant']} ({GCK})"
    assert stale.json()["version"] == 2
    assert "allowed" not in stale.json()
    assert state(case) == before

    for action, body in [
        ("reroute", {"unit": "gck", "reason": "x"}),
        ("duplicate", {"of": cases["road2"].reference}),
        ("notes", {"internal_note": "x"}),
    ]:
        assert (
            second.post(url(case, action), body, format="json", HTTP_IF_MATCH='"1"').status_code
            == 412
        )
        assert (
            second.post(url(case, action), {**body, "version": 1}, format="json").status_code == 409
        )
    assert state(case) == before

    fresh = second.post(
        url(case, "transition"), {"status": "in_progress"}, format="json", HTTP_IF_MATCH='W/"2"'
    )
    assert fresh.status_code == 200, fresh.content
    assert fresh["ETag"] == '"3"'


def test_if_match_wins_over_the_version_field(client_as, cases):
    case = cases["road"]
    response = client_as("consultant").post(
        url(case, "notes"), {"internal_note": "x", "version": 7}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("header", ["*", '"abc"', '"-1"', '"1.5"'])
def test_a_malformed_if_match_is_a_400(client_as, cases, header):
    before = state(cases["road"])
    response = client_as("consultant").post(
        url(cases["road"], "notes"), {"internal_note": "x"}, format="json", HTTP_IF_MATCH=header
    )
    assert (response.status_code, list(response.json())) == (400, ["If-Match"])
    assert state(cases["road"]) == before


# --- a reference that does not exist --------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("", None),
        ("transition", {"status": "accepted"}),
        ("reroute", {"unit": "gck", "reason": "x"}),
        ("duplicate", {"of": MISSING}),
        ("unduplicate", {}),
        ("notes", {"internal_note": "x"}),
    ],
)
def test_a_reference_that_does_not_exist_is_a_404(client_as, cases, action, body):
    path = f"{API}{MISSING}/{action + '/' if action else ''}"
    client = client_as("consultant")
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    if body is None:
        response = client.get(path, **english)
    else:
        response = client.post(path, body, format="json", **english)
    assert response.status_code == 404
    assert response.json() == {"detail": f"No report with reference {MISSING}."}


# --- intake ---------------------------------------------------------------------------------------


def intake_body(**overrides):
    body = {
        "category": "pothole",
        "location": {"type": "Point", "coordinates": list(NEPTUNE_FOUNTAIN)},
        "description": "Dzwoni mieszkanka: dziura przy fontannie",
        "address": "Długi Targ 1",
        "channel": "sms",
        "name": "Maria Kowalska",
        "email": "maria@example.com",
        "phone": "+48 600 700 800",
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize("role", ["consultant", "admin"])
def test_a_consultant_registers_a_report_from_a_call(client_as, accounts, role):
    Category.objects.filter(code="pothole").update(service_days=7)
    before = timezone.now()
    response = client_as(role).post(API, intake_body(), format="json")
    after = timezone.now()
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert (props["channel"], props["registered_by"]) == ("sms", USERNAMES[role])
    assert props["contact"] == {
        "name": "Maria Kowalska",
        "email": "maria@example.com",
        "phone": "+48 600 700 800",
    }
    assert (props["unit"]["code"], props["status"], props["version"]) == ("gzdiz", "new", 1)
    report = Report.objects.get(reference=props["reference"])
    assert (report.channel, report.registered_by) == ("sms", accounts[role])
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == (
        "Maria Kowalska",
        "maria@example.com",
        "+48 600 700 800",
    )
    assert report.address == "Długi Targ 1"
    assert before + timedelta(days=7) <= report.due_at <= after + timedelta(days=7)
    assert props["due_at"] == report.due_at.isoformat()
    assert response["ETag"] == '"1"'


def test_intake_without_a_deadline_has_no_due_date_and_defaults_to_phone(client_as):
    Category.objects.filter(code="litter-dump").update(service_days=None)
    body = intake_body(category="litter-dump")
    del body["channel"]
    response = client_as("consultant").post(API, body, format="json")
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert (props["due_at"], props["channel"], props["unit"]["code"]) == (
        None,
        "phone",
        "sm-srodmiescie",
    )


@pytest.mark.parametrize("role", ["unit_gzdiz", "unit_sm", "dispatcher"])
def test_intake_is_refused_to_unit_staff_and_dispatchers(client_as, role):
    count = Report.objects.count()
    response = client_as(role).post(API, intake_body(), format="json")
    assert response.status_code == 403
    assert Report.objects.count() == count


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"category": "potholes"}, "category"),
        ({"email": "not-an-address"}, "email"),
        ({"description": "  "}, "description"),
        ({"location": {"type": "Point", "coordinates": [18.5695, 54.4477]}}, "location"),  # Sopot
        ({"priority": "asap"}, "priority"),
    ],
)
def test_bad_intake_is_a_400_naming_the_field(client_as, overrides, field):
    count = Report.objects.count()
    response = client_as("consultant").post(API, intake_body(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert Report.objects.count() == count
