"""The outbox in process: what is queued, what the SMTP server receives, retries, the
admin's retry, the sweep (mapa/notifications/outbox.py, emails.py, admin.py)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mapa.catalogue.models import Unit
from mapa.notifications.models import Channel, Event, Notification, Status
from mapa.notifications.outbox import idempotency_key, queue, sweep
from mapa.notifications.tasks import send_notification
from mapa.staff.services import staff_account_save
from tests.notifications.conftest import free_port
from tests.open311.conftest import keys, post  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def units_without_contact_email():
    """These tests are about the resident's messages: the units' contact e-mails (tested
    in test_units.py) are blanked, in the test's transaction, to keep them out."""
    Unit.objects.update(email="")


RESIDENT = "anna.nowak@example.com"
NEIGHBOUR = "piotr.wisniewski@example.com"


def run_queued() -> list[str]:
    """Run every enqueued send task once, as the worker would (oldest first)."""
    outcomes = []
    for result in DBTaskResult.objects.order_by("enqueued_at"):
        assert result.task_path == "mapa.notifications.tasks.send_notification"
        outcomes.append(send_notification.call(*result.args_kwargs["args"]))
        result.delete()
    return outcomes


def file_in(api, language, email, django_capture_on_commit_callbacks, **extra):
    body = {
        "category": "pothole",
        "location": {"type": "Point", "coordinates": [18.6532, 54.3485]},
        "description": "Dziura w jezdni",
        "email": email,
        **extra,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/reports/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 201, response.content
    return response.json()["properties"]["reference"]


def test_a_resident_filing_in_english_gets_an_english_confirmation_with_a_working_link(
    api, smtp, settings, django_capture_on_commit_callbacks
):
    settings.MAPA_SITE_URL = "http://testserver"
    other = file_in(
        api, "pl", NEIGHBOUR, django_capture_on_commit_callbacks, phone="+48 601 234 567"
    )
    reference = file_in(api, "en", RESIDENT, django_capture_on_commit_callbacks, name="Anna Nowak")
    assert run_queued() == ["sent", "sent"]

    [envelope_to] = [e for e in smtp.envelopes if e == [RESIDENT]]
    assert envelope_to == [RESIDENT]
    [message] = [m for m in smtp.messages if m["To"] == RESIDENT]
    assert message["Subject"].strip() == f"Your report {reference} has been received"
    assert message["Content-Language"] == "en"
    notification = Notification.objects.get(report__reference=reference)
    assert message["Message-ID"].strip() == f"<{notification.key}@testserver>"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert reference in text
    assert reference in html
    assert "Sent to" in text
    # The unit and why it was chosen, in English.
    report = notification.report
    assert report.unit.name in text
    assert "Why" in text

    # The tracking link opens the public report page.
    [link] = [word for word in text.split() if word.startswith("http://testserver/r/")]
    assert link == f"http://testserver/r/{reference}/"
    assert f'href="{link}"' in html
    page = Client().get(urlsplit(link).path)
    assert page.status_code == 200
    assert reference in page.content.decode()

    # Nobody else's contact data, nor the other report.
    raw = message.as_string()
    for other_data in (NEIGHBOUR, "601 234 567", other):
        assert other_data not in raw
    assert [m["To"] for m in smtp.messages].count(RESIDENT) == 1


def test_polish_is_the_default_language(make_report, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(reporter_email=RESIDENT)
    assert run_queued() == ["sent"]
    [message] = smtp.messages
    assert message["Subject"].strip() == f"Twoje zgłoszenie {report.reference} zostało przyjęte"
    assert message["Content-Language"] == "pl"
    assert "Przekazano do" in message.get_body(("plain",)).get_content()


def test_no_email_no_message(make_report, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_report(reporter_phone="+48 601 234 567")
    assert callbacks == []
    assert not Notification.objects.exists()


def test_a_rolled_back_report_sends_nothing(make_report, smtp, django_capture_on_commit_callbacks):
    def change_that_fails():
        with transaction.atomic():
            make_report(reporter_email=RESIDENT)
            assert Notification.objects.count() == 1  # written in the same transaction
            raise RuntimeError("the change fails after the report was stored")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="the change fails"),
    ):
        change_that_fails()
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert smtp.messages == []


def test_the_same_event_twice_is_one_row_and_one_email(
    make_report, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(reporter_email=RESIDENT)
        again = queue(
            report,
            Event.REPORT_RECEIVED,
            recipient=RESIDENT.upper(),  # the same address, written differently
            channel=Channel.EMAIL,
            language="pl",
        )
    notification = Notification.objects.get()
    assert again == notification.pk
    assert notification.key == idempotency_key(
        report.pk, Event.REPORT_RECEIVED, RESIDENT, Channel.EMAIL
    )
    assert DBTaskResult.objects.count() == 2  # two tasks for one row...
    assert run_queued() == ["sent", "skipped"]  # ...and one e-mail
    assert len(smtp.messages) == 1


def test_smtp_down_retries_with_backoff_then_fails_and_the_admin_retry_sends_once(
    make_report, smtp, settings, django_capture_on_commit_callbacks
):
    settings.MAPA_NOTIFY_MAX_ATTEMPTS = 3
    settings.MAPA_NOTIFY_BACKOFF_SECONDS = 60
    settings.EMAIL_PORT = free_port()  # nothing listens there: the server is down
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(reporter_email=RESIDENT)
    notification = Notification.objects.get()

    waits = []
    for attempt, expected in [(1, "retry"), (2, "retry"), (3, "failed")]:
        before = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            assert run_queued() == [expected]
        notification.refresh_from_db()
        assert notification.attempts == attempt
        assert "ConnectionRefusedError" in notification.last_error
        if expected == "retry":
            assert notification.status == Status.PENDING
            waits.append((notification.next_attempt_at - before).total_seconds())
            # The retry is queued to run no earlier than the backoff; time passes.
            assert DBTaskResult.objects.get().run_after == notification.next_attempt_at
            Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    assert 60 <= waits[0] < 62
    assert 120 <= waits[1] < 122  # exponential
    assert notification.status == Status.FAILED
    assert RESIDENT not in notification.last_error
    assert not DBTaskResult.objects.exists()  # nothing more is tried by itself

    # The admin sees it and retries it, with the server up again.
    settings.EMAIL_PORT = smtp.port
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client = Client()
    client.force_login(admin)
    listing = client.get("/admin/notifications/notification/?status__exact=failed")
    assert listing.status_code == 200
    assert report.reference in listing.content.decode()
    assert RESIDENT not in listing.content.decode()  # the address is on the detail page only
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notifications/notification/",
            {"action": "retry_sending", "_selected_action": [notification.pk]},
        )
    assert response.status_code == 302
    assert run_queued() == ["sent"]
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert [m["To"] for m in smtp.messages] == [RESIDENT]
    # Retrying a sent message does nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/notifications/notification/",
            {"action": "retry_sending", "_selected_action": [notification.pk]},
        )
    assert run_queued() == []
    assert len(smtp.messages) == 1


def test_a_send_left_sending_by_a_crash_becomes_uncertain_and_is_not_sent_again(
    make_report, smtp, django_capture_on_commit_callbacks
):
    report = make_report(reporter_email=RESIDENT)
    notification = Notification.objects.get(report=report)
    # What a worker killed between "sending" and "sent" leaves behind.
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING, attempts=1, claimed_at=timezone.now() - timedelta(minutes=3)
    )
    assert sweep().uncertain == 0  # still within an SMTP conversation's time
    assert send_notification.call(notification.pk) == "skipped"
    Notification.objects.filter(pk=notification.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=11)  # time passes
    )
    assert sweep().uncertain == 1
    notification.refresh_from_db()
    assert notification.status == Status.UNCERTAIN
    assert send_notification.call(notification.pk) == "skipped"
    assert smtp.messages == []


def test_a_pending_message_whose_task_was_lost_is_enqueued_again_by_the_sweep(
    make_report, smtp, django_capture_on_commit_callbacks
):
    report = make_report(reporter_email=RESIDENT)  # on_commit never ran: the task is lost
    assert not DBTaskResult.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep().requeued == 0  # not overdue yet
        Notification.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=11))
        assert sweep().requeued == 1
        assert sweep().requeued == 0  # once per stale period, not at every sweep
    assert run_queued() == ["sent"]
    assert [m["Subject"].strip() for m in smtp.messages] == [
        f"Twoje zgłoszenie {report.reference} zostało przyjęte"
    ]


def test_a_database_lost_between_the_commit_and_the_enqueue_is_a_warning_and_the_sweep_sends(
    make_report, smtp, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    """The report and its outbox row are committed; the task's insert then fails (the
    whole outage is played for real in tests/core/test_faults.py). One line, no
    traceback, no failed request: the sweep queues the row again."""
    from django.db import connection

    from mapa.notifications import outbox

    def enqueue_on_a_broken_database(pk, run_after=None):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")  # a real error from PostgreSQL, in the callback

    monkeypatch.setattr(outbox, "enqueue_send", enqueue_on_a_broken_database)
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(reporter_email=RESIDENT)
    warnings = [r for r in caplog.records if r.name == "mapa.notifications.outbox"]
    assert [r.levelname for r in warnings] == ["WARNING"]
    assert "left to the sweep" in warnings[0].getMessage()
    assert "division by zero" in warnings[0].getMessage()
    assert warnings[0].exc_info is None
    assert not [r for r in caplog.records if r.exc_info]
    assert Notification.objects.get().status == Status.PENDING
    assert not DBTaskResult.objects.exists()

    monkeypatch.undo()
    Notification.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep().requeued == 1
    assert run_queued() == ["sent"]
    assert [m["Subject"].strip() for m in smtp.messages] == [
        f"Twoje zgłoszenie {report.reference} zostało przyjęte"
    ]


def test_a_request_filed_through_open311_is_confirmed_too(
    post,  # noqa: F811
    keys,  # noqa: F811
    smtp,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            keys["consultant"],
            service_code="pothole",
            lat=54.3485,
            long=18.6532,
            description="Dziura",
            email=RESIDENT,
        )
    assert response.status_code == 200, response.content
    [created] = response.json()
    assert run_queued() == ["sent"]
    assert smtp.envelopes == [[RESIDENT]]
    assert created["service_request_id"] in smtp.messages[0]["Subject"]


def test_a_refused_address_is_not_kept_in_the_error_or_the_log(
    make_report, smtp, settings, caplog, django_capture_on_commit_callbacks
):
    settings.MAPA_NOTIFY_MAX_ATTEMPTS = 1
    smtp.refuse = True
    with django_capture_on_commit_callbacks(execute=True):
        make_report(reporter_email=RESIDENT)
    assert run_queued() == ["failed"]
    notification = Notification.objects.get()
    assert notification.status == Status.FAILED
    assert "SMTPRecipientsRefused" in notification.last_error
    assert "[e-mail]" in notification.last_error  # the server quoted it; redacted
    assert RESIDENT not in notification.last_error
    assert "mailbox unavailable" in notification.last_error
    assert any("failed" in record.getMessage() for record in caplog.records)
    assert all(RESIDENT not in record.getMessage() for record in caplog.records)
    assert smtp.messages == []


@pytest.mark.parametrize("role", ["consultant", "dispatcher", "unit_staff"])
def test_only_administrators_see_the_outbox(make_report, role):
    make_report(reporter_email=RESIDENT)
    account = staff_account_save(
        username=f"outbox-{role}",
        role=role,
        units=["gzdiz"] if role == "unit_staff" else [],
        password="Kormoran-nad-Motlawa-7",
    )
    client = Client()
    client.force_login(account)
    response = client.get("/admin/notifications/notification/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert RESIDENT not in response.content.decode()
