"""The staff API's permission matrix: every role, every action, own or foreign unit's case.

Each cell runs twice, with a token (``Authorization: Token …``) and with a session.
"""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from mapa.reports.casework import report_mark_duplicate
from mapa.reports.models import Report, ReportEvent
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY

pytestmark = pytest.mark.django_db

API = "/api/staff/reports/"
MISSING = "GD-2026-999999"

# Whose case is "own": unit staff's own unit's; GCK's (triage) for the roles without a
# unit. "foreign" is another unit's (for the roles that see everything, GZDiZ's).
CASES = {
    "consultant": ("triage", "road"),
    "dispatcher": ("triage", "road"),
    "admin": ("triage", "road"),
    "unit_gzdiz": ("road", "animal"),
    "unit_sm": ("animal", "road"),  # the animal went to SM's Śródmieście office
    "no_role": ("triage", "road"),
    "anonymous": ("triage", "road"),
}
# Intake files a new report that routing sends to the "own" or the "foreign" unit.
INTAKE_CATEGORY = {"triage": "other", "road": "pothole", "animal": "stray-animal"}

# list: yes = 200 and the case is listed, no = 200 and it is not; otherwise the status.
MATRIX = """
role        case     list  detail  intake  transition  reroute  duplicate  unduplicate  notes
consultant  own      yes   200     201     200         200      200        200          200
consultant  foreign  yes   200     201     200         200      200        200          200
dispatcher  own      yes   200     403     200         403      200        200          200
dispatcher  foreign  yes   200     403     200         403      200        200          200
admin       own      yes   200     201     200         200      200        200          200
admin       foreign  yes   200     201     200         200      200        200          200
unit_gzdiz  own      yes   200     403     200         200      200        200          200
unit_gzdiz  foreign  no    404     403     404         404      404        404          404
unit_sm     own      yes   200     403     200         200      200        200          200
unit_sm     foreign  no    404     403     404         404      404        404          404
no_role     own      403   403     403     403         403      403        403          403
no_role     foreign  403   403     403     403         403      403        403          403
anonymous   own      401   401     401     401         401      401        401          401
anonymous   foreign  401   401     401     401         401      401        401          401
"""


def parse_matrix() -> list[tuple[str, str, str, str]]:
    header, *rows = MATRIX.strip().splitlines()
    actions = header.split()[2:]
    cells = []
    for row in rows:
        role, side, *expected = row.split()
        assert len(expected) == len(actions), row
        cells += [(role, side, a, e) for a, e in zip(actions, expected, strict=True)]
    return cells


CELLS = parse_matrix()


def test_the_matrix_is_complete():
    roles = {"consultant", "dispatcher", "admin", "unit_gzdiz", "unit_sm", "no_role", "anonymous"}
    actions = {
        "list",
        "detail",
        "intake",
        "transition",
        "reroute",
        "duplicate",
        "unduplicate",
        "notes",
    }
    assert {(r, s, a) for r, s, a, _ in CELLS} == {
        (r, s, a) for r in roles for s in ("own", "foreign") for a in actions
    }


def reroute_to(role: str, case: str) -> str:
    """A unit each role may send the case to: GCK for unit staff, another unit for the rest."""
    if role.startswith("unit_"):
        return "gck"
    return "gzdiz" if case == "triage" else "gznk"


def request(client: APIClient, role: str, action: str, case_key: str, cases) -> object:
    case = cases[case_key]
    url = f"{API}{case.reference}/"
    post = lambda path, data: client.post(url + path, data, format="json")  # noqa: E731
    if action == "list":
        return client.get(API, {"limit": 1000})
    if action == "detail":
        return client.get(url)
    if action == "intake":
        lon, lat = NEPTUNE_FOUNTAIN
        body = {
            "category": INTAKE_CATEGORY[case_key],
            "location": {"type": "Point", "coordinates": [lon, lat]},
            "description": "Zgłoszenie telefoniczne",
            "attributes": {"animal": "dog"} if case_key == "animal" else {},
            "channel": "phone",
        }
        return client.post(API, body, format="json")
    if action == "transition":
        return post("transition/", {"status": "accepted"})
    if action == "reroute":
        return post("reroute/", {"unit": reroute_to(role, case_key), "reason": "Nie nasze"})
    if action == "duplicate":
        return post("duplicate/", {"of": cases[f"{case_key}2"].reference})
    if action == "unduplicate":
        return post("unduplicate/", {})
    if action == "notes":
        return post("notes/", {"internal_note": "Sprawdzone"})
    raise AssertionError(action)


def snapshot() -> tuple:
    rows = Report.objects.order_by("pk").values_list(
        "reference", "status", "unit_id", "version", "duplicate_of_id"
    )
    return (list(rows), ReportEvent.objects.count())


@pytest.mark.parametrize(("role", "side", "action", "expected"), CELLS)
def test_permission_matrix(client_as, cases, role, side, action, expected):
    own, foreign = CASES[role]
    case_key = own if side == "own" else foreign
    case = cases[case_key]
    if action == "unduplicate":  # something to undo
        report_mark_duplicate(report=case, original=cases[f"{case_key}2"])
    client = APIClient() if role == "anonymous" else client_as(role)
    before = snapshot()

    response = request(client, role, action, case_key, cases)

    if expected in ("yes", "no"):
        assert response.status_code == 200, response.content
        listed = {f["id"] for f in response.json()["features"]}
        assert (case.reference in listed) is (expected == "yes")
        return
    assert response.status_code == int(expected), response.content
    if response.status_code >= 400:
        assert snapshot() == before  # a refusal changes nothing
        assert set(response.json()) == {"detail"}
    elif action != "detail":
        assert snapshot() != before
    if response.status_code == 401:
        assert response["WWW-Authenticate"].startswith("Token")


FOREIGN_WRITES = [
    ("transition/", {"status": "accepted"}),
    ("reroute/", {"unit": "gck", "reason": "Nie nasze"}),
    ("duplicate/", {"of": "GD-2026-000001"}),
    ("unduplicate/", {}),
    ("notes/", {"internal_note": "Sprawdzone"}),
    ("notes/", "not json at all"),  # the body is not read before the case is found
]


def same_shape(foreign, missing, reference: str) -> None:
    assert foreign.status_code == missing.status_code == 404
    assert foreign["Content-Type"] == missing["Content-Type"]
    assert json.loads(foreign.content.decode().replace(reference, MISSING)) == missing.json()


def test_a_foreign_case_reads_exactly_like_a_missing_one(client_as, cases):
    client = client_as("unit_gzdiz")
    animal = cases["animal"].reference
    same_shape(client.get(f"{API}{animal}/"), client.get(f"{API}{MISSING}/"), animal)


@pytest.mark.parametrize(("path", "body"), FOREIGN_WRITES)
def test_a_write_to_a_foreign_case_is_exactly_like_one_to_a_missing_case(
    client_as, cases, path, body
):
    client = client_as("unit_sm")
    road = cases["road"].reference
    kwargs = {"format": "json"} if isinstance(body, dict) else {"content_type": "application/json"}
    foreign = client.post(f"{API}{road}/{path}", body, **kwargs)
    missing = client.post(f"{API}{MISSING}/{path}", body, **kwargs)
    same_shape(foreign, missing, road)


def test_naming_a_foreign_original_is_like_naming_a_missing_one(client_as, cases):
    client = client_as("unit_gzdiz")
    url = f"{API}{cases['road'].reference}/duplicate/"
    animal = cases["animal"].reference
    foreign = client.post(url, {"of": animal}, format="json")
    missing = client.post(url, {"of": MISSING}, format="json")
    assert foreign.status_code == missing.status_code == 400
    assert json.loads(foreign.content.decode().replace(animal, MISSING)) == missing.json()
    assert list(missing.json()) == ["of"]
    assert Report.objects.get(pk=cases["road"].pk).status == "new"


def test_anonymous_is_asked_for_a_token(api, cases):
    response = api.get(API)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert api.get(API, HTTP_AUTHORIZATION="Token not-a-real-token").status_code == 401


def test_an_account_without_a_role_is_refused(client_as, cases):
    client = client_as("no_role")
    assert client.get(API).status_code == 403
    assert client.get(f"{API}{cases['road'].reference}/").status_code == 403
    assert client.get(f"{API}{MISSING}/").status_code == 403  # not even a 404 to learn from


# --- contact data -------------------------------------------------------------------------

CONTACT_SEEN = {
    "consultant": {
        "name": "Anna Nowak",
        "email": "anna.nowak@example.com",
        "phone": "+48 500 100 200",
    },
    "admin": {"name": "Anna Nowak", "email": "anna.nowak@example.com", "phone": "+48 500 100 200"},
    "unit_gzdiz": {
        "name": "Anna Nowak",
        "email": "anna.nowak@example.com",
        "phone": "+48 500 100 200",
    },
    "dispatcher": None,
}


@pytest.mark.parametrize("role", sorted(CONTACT_SEEN))
def test_contact_data_in_list_and_detail(client_as, cases, role):
    client = client_as(role)
    road = cases["road"].reference
    listed = {f["id"]: f for f in client.get(API, {"limit": 1000}).json()["features"]}
    assert listed[road]["properties"]["contact"] == CONTACT_SEEN[role]
    detail = client.get(f"{API}{road}/")
    assert detail.json()["properties"]["contact"] == CONTACT_SEEN[role]
    if CONTACT_SEEN[role] is None:
        for body in (json.dumps(listed[road]), detail.content.decode()):
            assert "anna.nowak@example.com" not in body
            assert "500 100 200" not in body
            assert "Anna Nowak" not in body


# --- Straż Miejska's district offices ----------------------------------------------------------


def test_sm_staff_see_their_district_offices_cases(client_as, cases, make_report):
    wrzeszcz_cat = make_report("stray-animal", *WRZESZCZ_GORNY, attributes={"animal": "cat"})
    assert (cases["animal"].unit.code, wrzeszcz_cat.unit.code) == ("sm-srodmiescie", "sm-wrzeszcz")
    sm = client_as("unit_sm")
    listed = {f["id"]: f for f in sm.get(API).json()["features"]}
    assert set(listed) == {
        cases["animal"].reference,
        cases["animal2"].reference,
        wrzeszcz_cat.reference,
    }
    assert listed[wrzeszcz_cat.reference]["properties"]["unit"]["code"] == "sm-wrzeszcz"
    assert sm.get(f"{API}{wrzeszcz_cat.reference}/").status_code == 200
    roads = client_as("unit_gzdiz")
    assert roads.get(f"{API}{wrzeszcz_cat.reference}/").status_code == 404


# --- where each role may re-route -----------------------------------------------------------


@pytest.mark.parametrize("role", ["unit_gzdiz", "unit_sm"])
@pytest.mark.parametrize("target", ["gznk", "wzk", "sm", "gzdiz", "sm-wrzeszcz"])
def test_unit_staff_may_reroute_only_to_gck(client_as, cases, role, target):
    case = cases["road" if role == "unit_gzdiz" else "animal"]
    before = snapshot()
    response = client_as(role).post(
        f"{API}{case.reference}/reroute/", {"unit": target, "reason": "Nie nasze"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["unit"]
    assert snapshot() == before


@pytest.mark.parametrize("role", ["consultant", "admin"])
@pytest.mark.parametrize(("target", "lands_at"), [("wzk", "wzk"), ("sm", "sm-srodmiescie")])
def test_consultants_and_admins_reroute_to_any_unit(client_as, cases, role, target, lands_at):
    response = client_as(role).post(
        f"{API}{cases['road'].reference}/reroute/",
        {"unit": target, "reason": "Nie drogi"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["properties"]["unit"]["code"] == lands_at


def test_dispatchers_may_not_reroute_at_all(client_as, cases):
    before = snapshot()
    response = client_as("dispatcher").post(
        f"{API}{cases['road'].reference}/reroute/", {"unit": "gck", "reason": "x"}, format="json"
    )
    assert response.status_code == 403
    assert snapshot() == before
