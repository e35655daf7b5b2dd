"""mapa/staff/services.py and mapa/staff/roles.py: staff accounts, roles, tokens."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.test import RequestFactory
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from mapa.catalogue.models import Unit
from mapa.staff.models import Role, StaffProfile
from mapa.staff.roles import role_of, units_of
from mapa.staff.services import (
    StaffAccountError,
    UnknownAccount,
    UnknownUnit,
    api_token_for,
)
from tests.staff.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def unit_ids(*codes: str) -> list[int]:
    return sorted(Unit.objects.filter(code__in=codes).values_list("pk", flat=True))


def test_a_consultant_is_created_with_a_working_password_and_no_admin_flags(staff_account):
    user = staff_account("ola", "consultant", email="ola@gck.gdansk.example")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.email == "ola@gck.gdansk.example"
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert role_of(user) == Role.CONSULTANT
    assert units_of(user) == []


def test_unit_staff_are_bound_to_their_units(staff_account):
    user = staff_account("jan", "unit_staff", units=["gzdiz", "sm"])
    assert role_of(user) == Role.UNIT_STAFF
    assert units_of(user) == unit_ids("gzdiz", "sm")


def test_saving_again_updates_the_same_account(staff_account):
    first = staff_account("jan", "unit_staff", units=["gzdiz", "sm"], email="jan@example.com")
    again = staff_account("jan", "unit_staff", units=["gzdiz", "sm"], email="jan@example.com")
    assert again.pk == first.pk
    assert User.objects.filter(username="jan").count() == StaffProfile.objects.count() == 1
    assert units_of(User.objects.get(pk=first.pk)) == unit_ids("gzdiz", "sm")
    password_hash = User.objects.get(pk=first.pk).password
    staff_account("jan", "unit_staff", units=["gzdiz", "sm"])
    assert User.objects.get(pk=first.pk).password == password_hash  # the same password kept

    changed = staff_account("jan", "unit_staff", units=["sm-wrzeszcz"], password=None, email=None)
    changed = User.objects.get(pk=changed.pk)
    assert units_of(changed) == unit_ids("sm-wrzeszcz")  # the whole set replaced
    assert changed.email == "jan@example.com"  # None keeps the e-mail
    assert changed.check_password(PASSWORD)  # and the password


def test_administrators_get_the_admin_flags_and_lose_them_with_the_role(staff_account):
    user = staff_account("szefowa", "admin")
    assert (user.is_staff, user.is_superuser) == (True, True)
    assert role_of(user) == Role.ADMIN
    user = staff_account("szefowa", "dispatcher", password=None)
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)
    assert role_of(user) == Role.DISPATCHER


def test_an_unknown_unit_is_named_and_nothing_is_saved(staff_account):
    with pytest.raises(UnknownUnit, match="no-such-unit") as refused:
        staff_account("jan", "unit_staff", units=["gzdiz", "no-such-unit"])
    assert isinstance(refused.value, ValueError)
    assert refused.value.codes == ["no-such-unit"]
    assert not User.objects.filter(username="jan").exists()


def test_unit_staff_need_a_unit_and_other_roles_take_none(staff_account):
    with pytest.raises(StaffAccountError, match="at least one unit"):
        staff_account("jan", "unit_staff")
    with pytest.raises(StaffAccountError, match="only unit staff"):
        staff_account("jan", "dispatcher", units=["gzdiz"])
    assert not User.objects.filter(username="jan").exists()


def test_an_unknown_role_a_weak_password_a_bad_username_or_email_are_refused(staff_account):
    with pytest.raises(StaffAccountError, match="unknown role"):
        staff_account("jan", "mayor")
    with pytest.raises(StaffAccountError, match="password"):
        staff_account("jan", "consultant", password="12345")
    with pytest.raises(StaffAccountError, match="username"):
        staff_account("jan kowalski", "consultant")
    with pytest.raises(StaffAccountError, match="e-mail"):
        staff_account("jan", "consultant", email="not an address")
    assert not User.objects.exists()


def test_an_account_created_without_a_password_has_none_that_works(staff_account):
    user = staff_account("system-erp", "dispatcher", password=None)
    assert not user.has_usable_password()


def test_role_of_anonymous_inactive_and_plain_superusers():
    assert role_of(None) is None
    assert role_of(AnonymousUser()) is None
    plain = User.objects.create_user("resident", password=PASSWORD)
    assert role_of(plain) is None
    assert units_of(plain) == []
    root = User.objects.create_superuser("root", password=PASSWORD)
    assert role_of(root) == Role.ADMIN  # manage.py createsuperuser: an administrator
    root.is_active = False
    assert role_of(root) is None


def test_api_token_is_created_once_and_authenticates_its_account(staff_account):
    user = staff_account("system-erp", "dispatcher", password=None)
    key = api_token_for(username="system-erp")
    assert api_token_for(username="system-erp") == key
    assert Token.objects.get(user=user).key == key
    authenticated, token = TokenAuthentication().authenticate_credentials(key)
    assert (authenticated.pk, token.key) == (user.pk, key)

    request = RequestFactory().get("/api/categories/", HTTP_AUTHORIZATION=f"Token {key}")
    found = TokenAuthentication().authenticate(request)
    assert found is not None
    assert found[0].pk == user.pk


def test_the_api_takes_a_token_and_refuses_a_wrong_one(staff_account, api):
    staff_account("system-erp", "dispatcher", password=None)
    key = api_token_for(username="system-erp")
    assert api.get("/api/categories/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    wrong = api.get("/api/categories/", HTTP_AUTHORIZATION="Token not-a-token")
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"] == "Token"
    assert api.get("/api/categories/").status_code == 200  # public endpoints stay public


def test_api_token_for_an_unknown_or_inactive_account_is_refused(staff_account):
    with pytest.raises(UnknownAccount, match="nobody"):
        api_token_for(username="nobody")
    user = staff_account("gone", "consultant")
    user.is_active = False
    user.save()
    with pytest.raises(StaffAccountError, match="inactive"):
        api_token_for(username="gone")
