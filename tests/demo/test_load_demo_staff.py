"""manage.py load_demo_staff: one demonstration account per role, never in production."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings

from mapa.catalogue.models import Unit
from mapa.demo.management.commands.load_demo_staff import DEMO_PASSWORD
from mapa.staff.models import Role
from mapa.staff.roles import role_of, units_of

pytestmark = pytest.mark.django_db

EXPECTED = {
    "konsultant": (Role.CONSULTANT, []),
    "dyspozytor": (Role.DISPATCHER, []),
    "gzdiz": (Role.UNIT_STAFF, ["gzdiz"]),
    "straz": (Role.UNIT_STAFF, ["sm"]),
    "admin": (Role.ADMIN, []),
    "aplikacja": (Role.INTEGRATION, []),
}


def run() -> str:
    out = StringIO()
    call_command("load_demo_staff", stdout=out)
    return out.getvalue().strip()


def test_one_account_per_role_with_the_documented_password():
    assert run() == (
        "Created demo staff accounts konsultant, dyspozytor, gzdiz, straz, admin, aplikacja "
        "(password mapa-demo)."
    )
    for username, (role, unit_codes) in EXPECTED.items():
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert role_of(user) == role
        codes = sorted(Unit.objects.filter(pk__in=units_of(user)).values_list("code", flat=True))
        assert codes == unit_codes
    assert {role for role, _ in EXPECTED.values()} == set(Role)
    assert User.objects.get(username="admin").is_superuser


def test_running_it_again_changes_nothing_and_keeps_changed_passwords():
    run()
    user = User.objects.get(username="konsultant")
    user.set_password("a-password-of-their-own")
    user.save()
    assert run() == "Demo staff accounts are already there; nothing to do."
    assert User.objects.count() == len(EXPECTED)
    assert User.objects.get(username="konsultant").check_password("a-password-of-their-own")


def test_it_is_refused_in_production():
    with override_settings(IS_PRODUCTION=True), pytest.raises(CommandError, match="production"):
        run()
    assert not User.objects.exists()
