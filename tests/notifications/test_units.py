"""Units are told: their contact e-mail (new and re-routed reports) at a real SMTP server,
and their webhook at a real HTTP receiver on loopback that verifies each delivery with
the README's own snippet (mapa/notifications/receivers.py, webhooks.py, outbox.py)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from mapa.catalogue.models import Unit
from mapa.notifications.models import Channel, DeliveryAttempt, Event, Notification, Status
from mapa.notifications.outbox import deliver
from mapa.reports.casework import (
    CaseworkError,
    report_add_note,
    report_change_status,
    report_reroute,
)
from tests.notifications.conftest import free_port
from tests.notifications.test_outbox import run_queued
from tests.staff.conftest import accounts, staff_account  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PII = {
    "reporter_name": "Katarzyna Lewandowska",
    "reporter_email": "k.lewandowska@example.com",
    "reporter_phone": "+48 602 345 678",
}
PII_STRINGS = [*PII.values(), "Lewandowska", "602 345 678", "602345678"]


def readme_verify() -> Any:
    """The verification snippet, taken from the README and run as a unit would run it."""
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- webhook-verify -->\n```python\n(.*?)```", readme, re.S)
    assert match, "the README's verification snippet is missing"
    namespace: dict[str, Any] = {}
    exec(match.group(1), namespace)  # noqa: S102 (our own documentation)
    return namespace["verify"]


verify = readme_verify()


@dataclass
class Receiver:
    """A unit's webhook endpoint: answers with ``statuses`` in turn (then 200)."""

    secret: str = ""
    statuses: list[int] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/mapa"

    def verified(self) -> list[bool]:
        return [
            verify(self.secret, r["headers"]["Mapa-Signature"], r["body"]) for r in self.requests
        ]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"nope")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def with_webhook(unit: Unit, receiver: Receiver) -> Unit:
    unit.webhook_url = receiver.url
    unit.save()
    assert len(unit.webhook_secret) == 64  # generated on first save
    receiver.secret = unit.webhook_secret
    return unit


# Unit e-mails ------------------------------------------------------------------------


def test_a_new_report_emails_its_unit_a_case_link_and_no_reporter_contact_data(
    make_report,
    smtp,
    settings,
    accounts,  # noqa: F811 (the fixture)
    django_capture_on_commit_callbacks,
):
    settings.MAPA_SITE_URL = "http://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(**PII)
    assert sorted(run_queued()) == ["sent", "sent"]  # the resident and the unit
    unit = report.unit
    [message] = [m for m in smtp.messages if m["To"] == unit.email]
    assert [unit.email] in smtp.envelopes
    assert unit.email.endswith(".example") or "example" in unit.email
    assert message["Subject"].strip() == f"Nowe zgłoszenie {report.reference} dla {unit.name}"
    assert message["Content-Language"] == "pl"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    # The staff case page, absolute; it opens for staff and shows them the contact data.
    [link] = [w for w in text.split() if w.startswith("http://testserver/")]
    assert f'href="{link}"' in html
    client = Client()
    client.force_login(accounts["dispatcher"])
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200
    assert report.reference in page.content.decode()
    # The e-mail itself carries none of it.
    raw = message.as_string()
    for personal in PII_STRINGS:
        assert personal not in raw
    notification = Notification.objects.get(event=Event.UNIT_NEW_REPORT)
    assert (notification.unit, notification.recipient) == (unit, unit.email)


def test_a_reroute_emails_the_new_unit_each_time(
    make_report, smtp, django_capture_on_commit_callbacks
):
    report = make_report(**PII)
    first = report.unit
    other = Unit.objects.filter(active=True, parent=None).exclude(pk=first.pk).first()
    run_queued()
    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report_reroute(report=report, unit=other, reason="Nie nasza ulica")
    with django_capture_on_commit_callbacks(execute=True):
        report_reroute(report=report, unit=first, reason="Jednak wasza")
    assert run_queued() == ["sent", "sent"]
    rerouted = Notification.objects.filter(event=Event.UNIT_REROUTED).order_by("pk")
    assert [n.recipient for n in rerouted] == [n.unit.email for n in rerouted]
    assert rerouted[1].unit == first
    assert len({n.key for n in rerouted}) == 2
    for message in smtp.messages:
        assert message["Subject"].strip().startswith(f"Zgłoszenie {report.reference} przekazano")
        for personal in PII_STRINGS:
            assert personal not in message.as_string()
    assert smtp.envelopes[-1] == [first.email]
    # A refused re-route tells nobody.
    before = Notification.objects.count()
    with pytest.raises(CaseworkError):  # already with this unit
        report_reroute(report=report, unit=first, reason="again")
    assert Notification.objects.count() == before


# Webhooks ----------------------------------------------------------------------------


def test_a_delivery_verifies_with_the_documented_snippet_and_a_tampered_one_does_not(
    make_report, smtp, receiver, settings, django_capture_on_commit_callbacks
):
    settings.MAPA_SITE_URL = "http://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        probe = make_report()
    unit = with_webhook(probe.unit, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(**PII)
    assert report.unit == unit
    run_queued()
    [request] = receiver.requests
    assert request["path"] == "/hooks/mapa"
    headers, body = request["headers"], request["body"]
    assert headers["Mapa-Event"] == "created"
    assert headers["Content-Type"].startswith("application/json")
    assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64}", headers["Mapa-Signature"])
    notification = Notification.objects.get(channel=Channel.WEBHOOK)
    assert headers["Mapa-Delivery"] == str(__import__("uuid").UUID(notification.key[:32]))
    assert receiver.verified() == [True]

    payload = json.loads(body)
    assert payload == {
        "event": "created",
        "reference": report.reference,
        "status": "new",
        "category": "pothole",
        "unit": unit.code,
        "district": report.district.name,
        "public_note": "",
        "url": f"http://testserver/r/{report.reference}/",
        "location": {"type": "Point", "coordinates": [report.location.x, report.location.y]},
        "occurred_at": report.created_at.isoformat(),
    }
    for personal in PII_STRINGS:
        assert personal not in body.decode()

    signature = headers["Mapa-Signature"]
    tampered = body.replace(b'"status":"new"', b'"status":"resolved"')
    assert tampered != body
    assert not verify(receiver.secret, signature, tampered)
    assert not verify("another unit's secret", signature, body)
    timestamp = int(signature.split(",")[0][2:])
    assert not verify(receiver.secret, signature, body, tolerance=-1)  # too old
    forged = signature.replace(f"t={timestamp}", f"t={timestamp + 1}")
    assert not verify(receiver.secret, forged, body)  # the timestamp is signed
    assert not verify(receiver.secret, "v1=abc", body)


def test_500_three_times_then_200_is_retried_with_backoff_and_one_success_recorded(
    make_report, smtp, receiver, settings, django_capture_on_commit_callbacks
):
    settings.MAPA_NOTIFY_BACKOFF_SECONDS = 60
    settings.MAPA_NOTIFY_MAX_ATTEMPTS = 6
    unit = with_webhook(make_report().unit, receiver)
    receiver.statuses = [500, 500, 500, 200]
    report = make_report()
    notification = Notification.objects.get(report=report, channel=Channel.WEBHOOK)

    outcomes, waits = [], []
    for _ in range(6):
        before = timezone.now()
        outcomes.append(deliver(notification.pk))
        notification.refresh_from_db()
        if notification.status != Status.PENDING:
            break
        waits.append((notification.next_attempt_at - before).total_seconds())
        assert deliver(notification.pk) == "skipped"  # not due yet: no request
        Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    assert outcomes == ["retry", "retry", "retry", "sent"]
    assert [round(w / 60) for w in waits] == [1, 2, 4]  # exponential backoff
    assert notification.status == Status.SENT
    assert len(receiver.requests) == 4
    assert receiver.verified() == [True] * 4
    assert len({r["headers"]["Mapa-Delivery"] for r in receiver.requests}) == 1  # one delivery
    assert len({r["body"] for r in receiver.requests}) == 1
    attempts = list(notification.delivery_attempts.order_by("number"))
    assert [(a.number, a.status_code, a.ok) for a in attempts] == [
        (1, 500, False),
        (2, 500, False),
        (3, 500, False),
        (4, 200, True),
    ]
    assert attempts[0].error == "DeliveryFailed: HTTP 500"
    assert DeliveryAttempt.objects.filter(notification=notification, ok=True).count() == 1
    assert deliver(notification.pk) == "skipped"  # sent: never again
    assert len(receiver.requests) == 4

    # The history in the admin.
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client = Client()
    client.force_login(admin)
    listing = client.get(
        f"/admin/notifications/notification/?channel__exact=webhook&unit__id__exact={unit.pk}"
    )
    assert listing.status_code == 200
    assert report.reference in listing.content.decode()
    page = client.get(f"/admin/notifications/notification/{notification.pk}/change/")
    content = page.content.decode()
    assert page.status_code == 200
    assert "DeliveryFailed: HTTP 500" in content
    assert content.count('<td class="field-status_code">') == 4
    # The unit's page shows the secret for its developers.
    unit_page = client.get(f"/admin/catalogue/unit/{unit.pk}/change/")
    assert unit.webhook_secret in unit_page.content.decode()


def test_a_receiver_that_is_down_ends_failed_with_each_try_recorded(make_report, smtp, settings):
    settings.MAPA_NOTIFY_MAX_ATTEMPTS = 2
    unit = make_report().unit
    unit.webhook_url = f"http://127.0.0.1:{free_port()}/down"  # nothing listens
    unit.save()
    report = make_report()
    notification = Notification.objects.get(report=report, channel=Channel.WEBHOOK)
    assert deliver(notification.pk) == "retry"
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    assert deliver(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    errors = [a.error for a in notification.delivery_attempts.all()]
    assert len(errors) == 2
    assert all("ConnectionRefusedError" in e or "Connection refused" in e for e in errors)


def test_updates_reroutes_and_resolution_are_delivered_but_internal_notes_are_not(
    make_report, smtp, receiver, django_capture_on_commit_callbacks
):
    unit = with_webhook(make_report().unit, receiver)
    other_receiver_unit = Unit.objects.filter(active=True, parent=None).exclude(pk=unit.pk).first()
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(**PII)
    steps = [
        lambda: report_add_note(report=report, internal_note="Reporter called again, see phone"),
        lambda: report_add_note(report=report, public_note="Sprawdzimy to jutro."),
        lambda: report_change_status(report=report, status="in_progress"),
        lambda: report_reroute(report=report, unit=other_receiver_unit, reason="Teren kolei"),
        lambda: report_reroute(report=report, unit=unit, reason="Jednak miasto"),
        lambda: report_change_status(report=report, status="resolved", public_note="Gotowe."),
    ]
    for step in steps:
        with django_capture_on_commit_callbacks(execute=True):
            step()
    run_queued()
    events = [(r["headers"]["Mapa-Event"], json.loads(r["body"])) for r in receiver.requests]
    assert [e for e, _ in events] == [
        "created",
        "updated",
        "updated",
        "rerouted",
        "rerouted",
        "resolved",
    ]
    assert events[1][1]["public_note"] == "Sprawdzimy to jutro."
    assert events[2][1]["status"] == "in_progress"
    assert events[3][1]["unit"] == other_receiver_unit.code  # told it lost the case
    assert events[3][1]["previous_unit"] == unit.code
    assert events[4][1]["unit"] == unit.code
    assert (events[5][1]["status"], events[5][1]["public_note"]) == ("resolved", "Gotowe.")
    assert all(receiver.verified())
    for request in receiver.requests:
        for personal in [*PII_STRINGS, "Reporter called again"]:
            assert personal not in request["body"].decode()


def test_no_webhook_url_no_delivery_row(make_report, smtp):
    report = make_report(**PII)
    report_change_status(report=report, status="resolved", public_note="Naprawione.")
    assert report.unit.webhook_url == ""
    assert not Notification.objects.filter(channel=Channel.WEBHOOK).exists()
    assert Notification.objects.filter(event=Event.UNIT_NEW_REPORT).count() == 1


def test_only_http_urls_are_accepted_and_private_hosts_are_refused_in_production(
    make_report, receiver, settings
):
    unit = make_report().unit
    for bad in ["ftp://example.org/hook", "file:///etc/passwd", "gopher://example.org/"]:
        unit.webhook_url = bad
        with pytest.raises(ValidationError) as error:
            unit.full_clean()
        assert "webhook_url" in error.value.message_dict
    settings.MAPA_WEBHOOK_ALLOW_PRIVATE = False  # as in production
    with_webhook(unit, receiver)
    report = make_report()
    notification = Notification.objects.get(report=report, channel=Channel.WEBHOOK)
    assert deliver(notification.pk) == "retry"
    [attempt] = notification.delivery_attempts.all()
    assert "not a public address" in attempt.error
    assert receiver.requests == []
