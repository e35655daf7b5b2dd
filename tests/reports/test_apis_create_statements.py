"""POST /api/reports/ costs a fixed, small number of statements (mapa/reports/services.py).

The reports app's own: one query before the transaction (the category and its
questions), then routing and the filing statement (report, reference, first event), and
one more to attach photos. The 201 is built from what the service holds: nothing about
the new report is read back. The receivers of ``report_created`` (the outbox, alerts)
write in the same transaction; their statements are counted apart, as theirs: one each.
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mapa.reports.signals import report_created
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY
from tests.reports.test_photos import photo_bytes, upload

pytestmark = pytest.mark.django_db

URL = "/api/reports/"
# django-pghistory puts its context before every statement of a request: skip it.
CONTEXT = re.compile(r"^\s*SELECT set_config\('pghistory\.context_id'.*?;\s*", re.DOTALL)
# The test's own transaction makes the service's transaction a savepoint: not a statement
# the service sends in production (there it is BEGIN, sent with the first, and COMMIT).
SAVEPOINT = re.compile(r"^(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b")
# What the reports app reads and writes itself.
REPORTS_APP = re.compile(
    r'\b"?(reports_report|reports_reportevent|reports_reportphoto|reports_referencecounter'
    r'|catalogue_category|districts_district)"?\b'
)


def body(**overrides):
    data = {
        "category": "stray-animal",
        "attributes": {"animal": "dog"},
        "location": {"type": "Point", "coordinates": list(WRZESZCZ_GORNY)},
        "description": "Pies bez obroży przy przystanku",
    }
    return {**data, **overrides}


def statements(queries: list[dict[str, str]]) -> list[str]:
    sent = [CONTEXT.sub("", query["sql"]).strip() for query in queries]
    return [sql for sql in sent if not SAVEPOINT.match(sql)]


def file_report(api, data) -> tuple[dict, list[str]]:
    api.post(URL, json.dumps(body()), content_type="application/json")  # warm caches
    with CaptureQueriesContext(connection) as captured:
        response = api.post(URL, json.dumps(data), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json(), statements(captured.captured_queries)


def describe(sent: list[str]) -> str:
    return "\n".join(f"{n}. {sql[:160]}" for n, sql in enumerate(sent, 1))


@pytest.fixture
def no_receivers(monkeypatch):
    """The reports app alone: nothing listens to ``report_created``."""
    monkeypatch.setattr(report_created, "receivers", [])


def kinds(sent: list[str]) -> list[str]:
    """Each statement of the reports app, named by what it does."""
    named = []
    for sql in sent:
        if sql.startswith('SELECT "catalogue_category"'):
            named.append("category and questions")
        elif sql.startswith("WITH point AS"):
            named.append("routing")
        elif sql.startswith("WITH counter AS"):
            named.append("report, reference and event")
        elif sql.startswith("UPDATE reports_reportphoto"):
            named.append("photos")
        else:
            named.append(sql[:80])
    return named


@pytest.mark.parametrize("email", ["", "jan.kowalski@example.com"])
def test_a_report_costs_three_statements_of_the_reports_app(api, no_receivers, email):
    _, sent = file_report(api, body(email=email))
    assert kinds(sent) == ["category and questions", "routing", "report, reference and event"], (
        describe(sent)
    )


def test_photos_cost_one_statement_more(api, no_receivers, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    photo = upload(api, photo_bytes(gps=False)).json()["id"]
    _, sent = file_report(api, body(photos=[photo]))
    assert kinds(sent) == [
        "category and questions",
        "routing",
        "report, reference and event",
        "photos",
    ], describe(sent)


@pytest.mark.parametrize("email", ["", "jan.kowalski@example.com"])
def test_with_its_receivers_nothing_of_the_report_is_read_back(api, email):
    _, sent = file_report(api, body(email=email))
    own = [sql for sql in sent if REPORTS_APP.search(sql)]
    assert kinds(own) == ["category and questions", "routing", "report, reference and event"], (
        describe(sent)
    )
    # The receivers' own statements, counted apart, none of them reading the report back:
    # the outbox's one INSERT for every message of the report (the resident's
    # confirmation, the unit's e-mail; no savepoint, the unit known from routing) and
    # the alerts' one query.
    theirs = [sql for sql in sent if not REPORTS_APP.search(sql)]
    assert [receiver(sql) for sql in theirs] == ["outbox", "alerts"], describe(theirs)


def receiver(sql: str) -> str:
    if sql.startswith('WITH new AS (INSERT INTO "notifications_notification"'):
        return "outbox"
    if sql.startswith("WITH candidates AS (") and 'FROM "alerts_areaalert" alert' in sql:
        return "alerts"
    return sql[:80]


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("with_photo", [False, True])
def test_the_201_is_what_reading_the_report_answers(api, tmp_path, settings, language, with_photo):
    settings.MEDIA_ROOT = tmp_path
    photos = [upload(api, photo_bytes(gps=False)).json()["id"]] if with_photo else []
    data = body(photos=photos, description="Pies bez obroży przy przystanku. " * 20)
    created = api.post(
        URL, json.dumps(data), content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert created.status_code == 201, created.content
    reference = created.json()["properties"]["reference"]
    read = api.get(f"{URL}{reference}/", HTTP_ACCEPT_LANGUAGE=language)
    assert created.json() == read.json()
    assert bool(created.json()["properties"]["photo_url"]) is with_photo


def test_the_201_of_a_category_default_in_a_district_without_questions(api):
    data = body(
        category="pothole",
        attributes={},
        location={"type": "Point", "coordinates": list(NEPTUNE_FOUNTAIN)},
    )
    created = api.post(URL, json.dumps(data), content_type="application/json").json()
    read = api.get(f"{URL}{created['properties']['reference']}/").json()
    assert created == read
    assert created["properties"]["district"] == {"slug": "srodmiescie", "name": "Śródmieście"}


def test_an_idempotency_key_costs_a_lookup_and_a_claim(api, no_receivers):
    """With the header: the key is looked up first, and claimed with the answer last, in
    the report's transaction (mapa/idempotency/services.py). Without it, nothing more."""
    api.post(URL, json.dumps(body()), content_type="application/json")  # warm caches
    with CaptureQueriesContext(connection) as captured:
        response = api.post(
            URL, json.dumps(body()), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
        )
    assert response.status_code == 201, response.content
    sent = statements(captured.captured_queries)
    named = [
        "key lookup"
        if sql.startswith('SELECT "idempotency_idempotencykey"')
        else "key claim"
        if sql.startswith("INSERT INTO idempotency_idempotencykey")
        else kind
        for sql, kind in zip(sent, kinds(sent), strict=True)
    ]
    assert named == [
        "key lookup",
        "category and questions",
        "routing",
        "report, reference and event",
        "key claim",
    ], describe(sent)
    # A retry: the lookup answers it, nothing else is sent.
    with CaptureQueriesContext(connection) as captured:
        again = api.post(
            URL, json.dumps(body()), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
        )
    assert again.content == response.content
    sent = statements(captured.captured_queries)
    assert [sql.split(" FROM ")[0] for sql in sent] == [
        'SELECT "idempotency_idempotencykey"."id", "idempotency_idempotencykey"."scope", '
        '"idempotency_idempotencykey"."key", "idempotency_idempotencykey"."request_hash", '
        '"idempotency_idempotencykey"."status", "idempotency_idempotencykey"."content_type", '
        '"idempotency_idempotencykey"."body", "idempotency_idempotencykey"."created_at"'
    ], describe(sent)
