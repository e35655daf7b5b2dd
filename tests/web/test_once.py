"""The no-JavaScript form is sent once (mapa/web/once.py): its one-time token files one
report however often the same form is sent."""

from __future__ import annotations

import re

import pytest

from mapa.idempotency.models import IdempotencyKey
from mapa.reports.models import Report
from tests.conftest import SOPOT_PIER
from tests.web.test_views import form_data

pytestmark = pytest.mark.django_db


def token_of(html: str) -> str:
    found = re.search(r'<input type="hidden" name="submission" value="([^"]+)"', html)
    assert found, "no submission token in the form"
    return found[1]


def test_each_render_of_the_form_carries_a_fresh_token(client):
    first, second = (token_of(client.get("/").content.decode()) for _ in range(2))
    assert first != second


def test_the_same_form_sent_twice_files_one_report_and_shows_it_twice(client):
    data = form_data(submission=token_of(client.get("/").content.decode()))
    first = client.post("/report/", data)
    again = client.post("/report/", data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert first["Location"].startswith("/r/GD-")
    assert Report.objects.count() == 1
    assert client.get(again["Location"]).status_code == 200


def test_two_forms_file_two_reports(client):
    for _ in range(2):
        data = form_data(submission=token_of(client.get("/").content.decode()))
        assert client.post("/report/", data).status_code == 302
    assert Report.objects.count() == 2


def test_a_refused_form_keeps_its_token_and_files_once_corrected(client):
    token = token_of(client.get("/").content.decode())
    lon, lat = SOPOT_PIER
    refused = client.post("/report/", form_data(submission=token, lon=str(lon), lat=str(lat)))
    assert refused.status_code == 400
    assert token_of(refused.content.decode()) == token
    assert not IdempotencyKey.objects.exists()
    assert client.post("/report/", form_data(submission=token)).status_code == 302
    assert Report.objects.count() == 1


def test_a_form_changed_after_it_was_sent_is_refused_with_a_fresh_token(client):
    token = token_of(client.get("/").content.decode())
    assert client.post("/report/", form_data(submission=token)).status_code == 302
    changed = client.post(
        "/report/",
        form_data(submission=token, description="Inna dziura"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert changed.status_code == 400
    html = changed.content.decode()
    assert "Ten formularz został już wysłany" in html  # "This form was sent already", in Polish
    fresh = token_of(html)
    assert fresh != token
    assert "Inna dziura" in html  # nothing typed is lost
    assert Report.objects.count() == 1
    assert (
        client.post("/report/", form_data(submission=fresh, description="Inna dziura")).status_code
        == 302
    )
    assert Report.objects.count() == 2


def test_without_a_token_the_form_is_filed_as_before(client):
    assert client.post("/report/", form_data()).status_code == 302
    assert client.post("/report/", form_data()).status_code == 302
    assert Report.objects.count() == 2
