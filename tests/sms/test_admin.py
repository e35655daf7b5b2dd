"""The SMS cases in the admin: listed without numbers, read on the detail page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mapa.sms.services import text_received

pytestmark = pytest.mark.django_db


def test_cases_are_listed_without_the_number_and_read_in_detail(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.com", "pw"))
    case = text_received(gateway_id="a-1", sender="48501234567", text="Latarnia").case
    listed = client.get(reverse("admin:sms_smscase_changelist")).content.decode()
    assert case.reference in listed
    assert "501234567" not in listed
    detail = client.get(reverse("admin:sms_smscase_change", args=[case.pk]))
    assert detail.status_code == 200
    assert "Latarnia" in detail.content.decode()
    assert client.get(reverse("admin:sms_smscase_add")).status_code == 403
