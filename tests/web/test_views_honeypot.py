"""The no-JS form's honeypot, and its answer to a report held for review (mapa/web/views.py).

The honeypot is a field people never see, reach or hear: off-screen, out of the tab
order, hidden from screen readers, never autofilled. A bot that fills it is thanked
as anyone is, and nothing is filed. A report from a banned contact is acknowledged
with its reference, and its page is not shown.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mapa.moderation.models import Ban
from mapa.reports.models import Report
from tests.web.test_views import form_data

pytestmark = pytest.mark.django_db


def test_the_honeypot_is_hidden_from_people_and_their_tools(client):
    html = client.get("/").content.decode()
    trap = re.search(r'<div class="trap-field" aria-hidden="true">(.*?)</div>', html, re.DOTALL)
    assert trap is not None
    field = re.search(r"<input[^>]*>", trap[1])[0]
    assert 'name="website"' in field
    assert 'tabindex="-1"' in field
    assert 'autocomplete="off"' in field
    assert "required" not in field
    assert '<label for="id_website">' in trap[1]
    # Its error slot and description are not announced elsewhere either.
    assert "id_website-error" not in html


def test_the_stylesheet_puts_it_off_screen():
    css = (Path(__file__).resolve().parents[2] / "frontend" / "src" / "mapa.css").read_text()
    rule = re.search(r"\.trap-field \{(.*?)\}", css, re.DOTALL)
    assert rule is not None
    assert "position: absolute" in rule[1]
    assert "left: -10000px" in rule[1]


def test_a_bot_filling_it_is_thanked_and_nothing_is_filed(client):
    response = client.post("/report/", form_data(website="https://cheap-pills.example"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "notice--success" in html
    assert "GD-" not in html  # no reference: there is no report
    assert not Report.objects.exists()


def test_an_empty_honeypot_files_as_usual(client):
    response = client.post("/report/", form_data(website=""))
    assert response.status_code == 302
    assert Report.objects.filter(held=False).count() == 1


def test_a_banned_address_gets_an_acknowledgement_and_no_public_page(client):
    Ban.objects.create(network="192.0.2.0/24", reason="bot farm")
    response = client.post("/report/", form_data(), REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.held
    assert report.reference in response.content.decode()
    assert client.get(f"/r/{report.reference}/").status_code == 404
