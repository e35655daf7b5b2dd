"""Follows and area alerts in the admin: administrators only; the address on the detail
page, not in the list (mapa/alerts/admin.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from mapa.alerts.models import AreaAlert, Follow

pytestmark = pytest.mark.django_db

ADDRESS = "admin.widzi@example.com"


@pytest.fixture
def administrator() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "x"))
    return client


def test_administrators_find_subscriptions_by_address_and_unsubscribe_them(
    administrator, make_report
):
    follow = Follow.objects.create(report=make_report(), email=ADDRESS, language="pl")
    alert = AreaAlert.objects.create(email=ADDRESS, radius_m=500, point=follow.report.location)
    for path, pk in (("follow", follow.pk), ("areaalert", alert.pk)):
        listing = administrator.get(f"/admin/alerts/{path}/")
        assert listing.status_code == 200
        assert ADDRESS not in listing.content.decode()
        found = administrator.get(f"/admin/alerts/{path}/", {"q": ADDRESS})
        assert f"/admin/alerts/{path}/{pk}/change/" in found.content.decode()
        detail = administrator.get(f"/admin/alerts/{path}/{pk}/change/")
        assert ADDRESS in detail.content.decode()
        administrator.post(
            f"/admin/alerts/{path}/",
            {"action": "unsubscribe", "_selected_action": [pk]},
        )
    follow.refresh_from_db()
    alert.refresh_from_db()
    assert follow.unsubscribed_at is not None
    assert alert.unsubscribed_at is not None


def test_no_one_else_reaches_them(make_report):
    Follow.objects.create(report=make_report(), email=ADDRESS, language="pl")
    for path in ("/admin/alerts/follow/", "/admin/alerts/areaalert/"):
        answer = Client().get(path)
        assert answer.status_code == 302
        assert ADDRESS not in answer.content.decode()
