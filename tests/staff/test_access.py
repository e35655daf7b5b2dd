"""mapa/staff/access.py: who may see which case and do what with it, on the object.

The API's side of the same matrix is in test_apis_permissions.py.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from mapa.catalogue.models import Unit
from mapa.staff.access import Action, acting_unit, case_for, may, reroute_targets, visible_reports
from mapa.staff.roles import role_of
from tests.conftest import WRZESZCZ_GORNY

pytestmark = pytest.mark.django_db

# What each role may do with a case it can see (issue 8, "People and permissions").
# x: allowed, .: refused. Reroute is allowed to unit staff, but only back to GCK
# (see test_reroute_targets).
MATRIX = """
action      consultant  dispatcher  admin  unit_gzdiz  unit_sm  no_role  integration
view        x           x           x      x           x        .        x
contact     x           .           x      x           x        .        .
intake      x           .           x      .           .        .        x
transition  x           x           x      x           x        .        .
note        x           x           x      x           x        .        .
duplicate   x           x           x      x           x        .        .
reroute     x           .           x      x           x        .        .
merge       x           x           x      .           .        .        .
review      x           .           x      .           .        .        .
tools       x           x           x      x           x        .        .
"""


def parse_matrix() -> list[tuple[str, str, bool]]:
    header, *rows = MATRIX.strip().splitlines()
    roles = header.split()[1:]
    cells = []
    for row in rows:
        action, *marks = row.split()
        assert len(marks) == len(roles), row
        cells += [(role, action, mark == "x") for role, mark in zip(roles, marks, strict=True)]
    return cells


def test_the_matrix_covers_every_action():
    assert sorted({action for _, action, _ in parse_matrix()}) == sorted(a.value for a in Action)


@pytest.mark.parametrize(("who", "action", "allowed"), parse_matrix())
def test_may(accounts, who, action, allowed):
    assert may(accounts[who], Action(action)) is allowed


@pytest.mark.parametrize("action", list(Action))
def test_anonymous_and_inactive_accounts_may_nothing(accounts, action):
    consultant = accounts["consultant"]
    consultant.is_active = False
    consultant.save()
    assert may(AnonymousUser(), action) is False
    assert may(None, action) is False
    assert may(consultant, action) is False
    assert role_of(consultant) is None


def references(queryset) -> set[str]:
    return set(queryset.values_list("reference", flat=True))


def test_who_sees_which_case(accounts, cases, make_report):
    wrzeszcz_dog = make_report("stray-animal", *WRZESZCZ_GORNY, attributes={"animal": "cat"})
    assert wrzeszcz_dog.unit.code == "sm-wrzeszcz"
    assert cases["animal"].unit.code == "sm-srodmiescie"
    everything = {r.reference for r in cases.values()} | {wrzeszcz_dog.reference}
    road = {cases["road"].reference, cases["road2"].reference}
    animals = {cases["animal"].reference, cases["animal2"].reference, wrzeszcz_dog.reference}

    assert references(visible_reports(accounts["consultant"])) == everything
    assert references(visible_reports(accounts["dispatcher"])) == everything
    assert references(visible_reports(accounts["admin"])) == everything
    assert references(visible_reports(accounts["unit_gzdiz"])) == road
    # Straż Miejska's staff see the cases its district offices got.
    assert references(visible_reports(accounts["unit_sm"])) == animals
    assert references(visible_reports(accounts["no_role"])) == set()
    assert references(visible_reports(AnonymousUser())) == set()
    # An integration account sees only the reports it registered.
    assert references(visible_reports(accounts["integration"])) == set()
    filed = make_report("pothole", registered_by=accounts["integration"])
    assert references(visible_reports(accounts["integration"])) == {filed.reference}


def test_staff_of_one_district_office_see_that_office_only(staff_account, cases, make_report):
    office = staff_account("referat", "unit_staff", units=["sm-wrzeszcz"])
    wrzeszcz_dog = make_report("stray-animal", *WRZESZCZ_GORNY, attributes={"animal": "cat"})
    assert references(visible_reports(office)) == {wrzeszcz_dog.reference}


def test_a_foreign_case_is_a_404_like_a_missing_one(accounts, cases):
    with pytest.raises(Http404) as foreign:
        case_for(accounts["unit_gzdiz"], cases["animal"].reference)
    with pytest.raises(Http404) as missing:
        case_for(accounts["unit_gzdiz"], "GD-2026-999999")
    assert str(foreign.value).replace(cases["animal"].reference, "GD-2026-999999") == str(
        missing.value
    )
    # Even for an action the role may not do at all: the 404 comes first.
    with pytest.raises(Http404):
        case_for(accounts["unit_gzdiz"], cases["animal"].reference, Action.INTAKE)


def test_a_visible_case_and_a_refused_action_is_a_403(accounts, cases):
    with pytest.raises(PermissionDenied):
        case_for(accounts["dispatcher"], cases["road"].reference, Action.REROUTE)
    with pytest.raises(PermissionDenied):
        case_for(accounts["dispatcher"], cases["road"].reference, Action.CONTACT)
    assert case_for(accounts["dispatcher"], cases["road"].reference) == cases["road"]
    assert case_for(accounts["unit_sm"], cases["animal"].reference, Action.REROUTE).pk == (
        cases["animal"].pk
    )


def test_reroute_targets(accounts):
    active = set(Unit.objects.filter(active=True).values_list("code", flat=True))
    assert {"gck", "gzdiz", "gznk", "wzk", "sm", "sm-srodmiescie"} <= active
    codes = {
        who: set(reroute_targets(accounts[who]).values_list("code", flat=True)) for who in accounts
    }
    assert codes == {
        "consultant": active,
        "admin": active,
        "unit_gzdiz": {"gck"},
        "unit_sm": {"gck"},
        "dispatcher": set(),
        "no_role": set(),
        "integration": set(),
    }


def test_acting_unit(accounts):
    acting = {who: acting_unit(accounts[who]) for who in accounts}
    assert {who: unit.code if unit else None for who, unit in acting.items()} == {
        "consultant": "gck",
        "unit_gzdiz": "gzdiz",
        "unit_sm": "sm",
        "dispatcher": None,
        "admin": None,
        "no_role": None,
        "integration": None,
    }
