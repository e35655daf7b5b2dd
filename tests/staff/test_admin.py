"""Staff accounts in the admin (mapa/staff/admin.py) and DRF's token admin."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User

from mapa.catalogue.models import Unit
from mapa.staff.admin_site import StaffAdminSite
from mapa.staff.models import Role
from mapa.staff.roles import role_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_account):
    client.force_login(staff_account("szefowa", "admin"))
    return client


def user_form(user: User, role: str, units: list[Unit], profile_id: int | None = None) -> dict:
    """The user's change form as the admin sends it, with the staff role inline."""
    return {
        "username": user.username,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "staff-TOTAL_FORMS": "1",
        "staff-INITIAL_FORMS": "1" if profile_id else "0",
        "staff-MIN_NUM_FORMS": "0",
        "staff-MAX_NUM_FORMS": "1",
        "staff-0-id": str(profile_id or ""),
        "staff-0-user": str(user.pk),
        "staff-0-role": role,
        "staff-0-units": [str(unit.pk) for unit in units],
    }


def test_the_admin_site_is_the_throttled_one():
    assert isinstance(admin.site, StaffAdminSite)  # every app's admin.py registers on it


def test_the_user_list_shows_role_and_units(admin_client, staff_account):
    staff_account("jan", "unit_staff", units=["gzdiz", "sm"])
    page = admin_client.get("/admin/auth/user/").content.decode()
    assert "pracownik jednostki" in page
    assert "gzdiz, sm" in page
    assert admin_client.get("/admin/auth/user/?staff__role=unit_staff").status_code == 200


def test_tokens_are_managed_in_the_admin(admin_client):
    assert admin_client.get("/admin/authtoken/tokenproxy/").status_code == 200
    assert admin_client.get("/admin/authtoken/tokenproxy/add/").status_code == 200


def test_a_role_given_in_the_admin_sets_the_admin_flags(admin_client, staff_account):
    user = staff_account("jan", "consultant")
    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/change/", user_form(user, "admin", [], user.staff.pk)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert (role_of(user), user.is_staff, user.is_superuser) == (Role.ADMIN, True, True)


def test_unit_staff_without_a_unit_are_refused_in_the_admin(admin_client, staff_account):
    user = staff_account("jan", "consultant")
    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/change/", user_form(user, "unit_staff", [], user.staff.pk)
    )
    assert response.status_code == 200
    assert "unit staff need at least one unit" in response.content.decode()
    assert role_of(User.objects.get(pk=user.pk)) == Role.CONSULTANT

    gzdiz = Unit.objects.get(code="gzdiz")
    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/change/",
        user_form(user, "unit_staff", [gzdiz], user.staff.pk),
    )
    assert response.status_code == 302
    assert role_of(User.objects.get(pk=user.pk)) == Role.UNIT_STAFF
