"""Signed one-click unsubscribe links (mapa/notifications/unsubscribe.py, views.py)."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client

from mapa.notifications.models import ReporterOptOut
from mapa.notifications.unsubscribe import SALT, read_token, unsubscribe_path, unsubscribe_token

pytestmark = pytest.mark.django_db


def test_a_token_names_a_kind_and_an_id_and_no_address(make_report):
    report = make_report(reporter_email="ktos@example.com")
    token = unsubscribe_token("report", report.pk)
    assert "example" not in signing.loads(token, salt=SALT).__repr__()
    found = read_token(token)
    assert found is not None
    assert found[1] == report.pk


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        signing.dumps(["report", 1], salt="another.salt"),  # another purpose's signature
        signing.dumps(["no_such_kind", 1], salt=SALT),
        signing.dumps(["report", "1"], salt=SALT),
        signing.dumps("report", salt=SALT),
    ],
)
def test_a_forged_or_foreign_token_is_refused(token):
    assert read_token(token) is None
    assert Client().get(f"/unsubscribe/{token}/").status_code == 404
    assert Client().post(f"/unsubscribe/{token}/").status_code == 404


def test_get_shows_one_button_and_only_a_post_stops_idempotently(make_report):
    report = make_report(reporter_email="ktos@example.com")
    path = unsubscribe_path("report", report.pk)
    page = Client().get(path, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert page.count('type="submit"') >= 1
    assert f"E-maile o Twoim zgłoszeniu {report.reference}" in page
    assert "ktos@example.com" not in page
    assert not ReporterOptOut.objects.exists()
    client = Client(enforce_csrf_checks=True)  # a mail client's POST carries no CSRF token
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert ReporterOptOut.objects.filter(report=report).count() == 1


def test_a_link_to_a_deleted_report_is_gone(make_report):
    report = make_report()
    path = unsubscribe_path("report", report.pk)
    report.delete()
    assert Client().post(path).status_code == 404
