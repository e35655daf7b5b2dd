"""CSRF on every form: each POST form a page renders carries Django's token, and a POST
without it is refused with a 403 and changes nothing.

Two views, so that a new form cannot slip through: every template's ``<form method=post>``
holds ``{% csrf_token %}`` (or is listed below with the reason it needs none), and the pages
that render them, opened by a resident and by staff, carry the token in each such form;
each form's target then refuses the same POST without it (Django's CSRF page, in Polish).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from mapa.alerts.models import Follow
from mapa.alerts.tokens import confirm_token
from mapa.notifications.unsubscribe import unsubscribe_path
from mapa.reports.models import Report
from mapa.sms.services import text_received
from mapa.staff.services import staff_account_save
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

# Forms that need no token, and why.
EXEMPT = {
    # RFC 8058's one-click unsubscribe: a mail client POSTs without a page; the signed token
    # in the URL is what authorises it (mapa/notifications/views.py is csrf_exempt).
    "mapa/notifications/templates/notifications/unsubscribe.html",
}
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post", re.IGNORECASE)
PASSWORD = "correct-horse-battery"


class Forms(HTMLParser):
    """The POST forms of a page: their action and whether they hold the CSRF token."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []
        self._open: dict[str, object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and (values.get("method") or "get").lower() == "post":
            self._open = {"action": values.get("action") or "", "token": False}
            self.forms.append(self._open)
        elif (
            tag == "input"
            and self._open is not None
            and values.get("name") == "csrfmiddlewaretoken"
            and values.get("value")
        ):
            self._open["token"] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def post_forms(html: str) -> list[dict[str, object]]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def test_every_post_form_in_the_templates_has_the_token():
    missing = []
    for template in sorted((ROOT / "mapa").glob("**/templates/**/*.html")):
        text = template.read_text()
        name = str(template.relative_to(ROOT))
        if POST_FORM.search(text) and name not in EXEMPT and "{% csrf_token %}" not in text:
            missing.append(name)
    assert missing == []
    assert all((ROOT / name).is_file() for name in EXEMPT)


@pytest.fixture
def report(make_report) -> Report:
    return make_report(description="Dziura pod fontanną")


def pages(report: Report) -> dict[str, list[str]]:
    """Who opens which pages: a resident, and an admin (every staff page)."""
    follow = Follow.objects.create(report=report, email="ktos@example.com", language="pl")
    sms = text_received(gateway_id="csrf-1", sender="48501234567", text="Dziura na Piwnej")
    return {
        "resident": [
            "/",
            f"/r/{report.reference}/",
            "/alerts/",
            f"/alerts/confirm/{confirm_token('follow', follow.pk)}/",
            "/staff/login/",
            "/admin/login/",
        ],
        "admin": [
            "/staff/",
            f"/staff/r/{report.reference}/",
            "/staff/intake/",
            "/staff/hotspots/",
            "/staff/routing/",
            "/staff/stats/",
            "/staff/sms/",
            f"/staff/sms/{sms.case.reference}/",
            "/admin/",
            f"/admin/reports/report/{report.pk}/change/",
        ],
    }


def test_every_rendered_post_form_carries_the_token_and_refuses_a_post_without_it(report):
    staff_account_save(username="csrf-admin", role="admin", password=PASSWORD)
    clients = {"resident": Client(enforce_csrf_checks=True)}
    clients["admin"] = Client(enforce_csrf_checks=True)
    clients["admin"].login(username="csrf-admin", password=PASSWORD)
    targets: dict[tuple[str, str], str] = {}
    for who, paths in pages(report).items():
        for path in paths:
            answer = clients[who].get(path)
            assert answer.status_code == 200, (who, path)
            forms = post_forms(answer.content.decode())
            without = [form["action"] for form in forms if not form["token"]]
            assert without == [], f"{path}: POST forms without the CSRF token: {without}"
            for form in forms:
                target = urlsplit(urljoin(f"http://testserver{path}", str(form["action"])))
                targets.setdefault((who, target.path), path)
    # Every page has at least the language switch or the log-out; the pages' own forms too.
    assert len({target for _, target in targets}) >= 10, targets
    events_before = report.events.count()
    reports_before = Report.objects.count()
    for (who, target), page in sorted(targets.items()):
        refused = clients[who].post(target, {"language": "en", "description": "x"})
        assert refused.status_code == 403, f"{target} (a form on {page}) took a POST without CSRF"
        assert "CSRF" in refused.content.decode(), target
    # Nothing was done by any of those POSTs.
    assert Report.objects.count() == reports_before
    assert report.events.count() == events_before
    follow = Follow.objects.get(email="ktos@example.com")
    assert follow.confirmed_at is None


def test_the_staff_api_refuses_a_session_post_without_the_token(report):
    staff_account_save(username="csrf-admin", role="admin", password=PASSWORD)
    client = Client(enforce_csrf_checks=True)
    client.login(username="csrf-admin", password=PASSWORD)
    answer = client.post(
        f"/api/staff/reports/{report.reference}/notes/",
        {"text": "forged"},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert "CSRF" in answer.json()["detail"]


def test_the_one_click_unsubscribe_needs_its_signed_link_not_a_token(report):
    follow = Follow.objects.create(report=report, email="ktos@example.com", language="pl")
    client = Client(enforce_csrf_checks=True)
    forged = client.post("/unsubscribe/not-a-signed-token/")
    assert forged.status_code == 404
    path = unsubscribe_path("follow", follow.pk)
    assert client.post(path).status_code == 200
    assert Path(path).parts[1] == "unsubscribe"
