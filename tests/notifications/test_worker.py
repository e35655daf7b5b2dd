"""``manage.py worker`` as a real process against the test database, sending to a real
SMTP server on loopback: it delivers what a committed report queued, and a worker killed
mid-send, then restarted, does not send the message again (it is left for an admin)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mapa.catalogue.models import Category
from mapa.notifications.models import Notification, Status
from mapa.notifications.outbox import retry
from mapa.reports.models import Report
from mapa.reports.services import report_create
from tests.conftest import NEPTUNE_FOUNTAIN, point

RESIDENT = "ewa.zielinska@example.com"


@pytest.mark.django_db
def test_the_worker_tests_run_on_the_test_database():
    """A database test: it makes pytest-django set up the test database for this module
    (the tests below commit, so they are not database tests; ``committed`` refuses to run
    on any other database, as its clean-up deletes reports)."""
    assert connection.settings_dict["NAME"].startswith("test")


def file_report() -> Report:
    """A committed report with the resident's e-mail (report_create commits here)."""
    return report_create(
        category=Category.objects.get(code="pothole"),
        location=point(*NEPTUNE_FOUNTAIN),
        description="Dziura",
        reporter_email=RESIDENT,
    )


def run_batch(worker) -> str:
    """A worker that sends what is queued, then exits; its output."""
    process = worker("--batch")
    output, _ = process.communicate(timeout=90)
    assert process.returncode == 0, output
    return output


def test_the_worker_process_sends_the_confirmation_of_a_committed_report(worker, smtp):
    report = file_report()
    notification = Notification.objects.get(report=report, recipient=RESIDENT)
    unit_email = report.unit.email  # the unit is told too (test_units.py)
    # Enqueued when the report committed.
    assert DBTaskResult.objects.filter(args_kwargs__args=[notification.pk]).count() == 1
    output = run_batch(worker)
    assert sorted(smtp.envelopes) == sorted([[RESIDENT], [unit_email]])
    [message] = [m for m in smtp.messages if m["To"] == RESIDENT]
    assert report.reference in message["Subject"]
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.attempts == 1
    assert RESIDENT not in output  # the worker's log names no address
    # Run again: nothing more is sent.
    run_batch(worker)
    assert len(smtp.messages) == 2


def test_a_worker_killed_mid_send_and_restarted_does_not_send_again(worker, smtp):
    smtp.hold.set()  # the server stalls after RCPT TO: the send is in flight
    report = file_report()
    process = worker()
    assert smtp.held.wait(60), "the worker never reached the SMTP server"
    # The resident's or the unit's message, whichever the worker took first.
    notification = Notification.objects.get(report=report, status=Status.SENDING)
    assert notification.status == Status.SENDING  # committed before talking to SMTP
    process.kill()
    process.wait(timeout=10)
    smtp.hold.clear()

    # Restarted at once: the row is not pending, so nothing is sent.
    run_batch(worker)
    notification.refresh_from_db()
    assert notification.status == Status.SENDING
    # Restarted later (time passes): the send is marked uncertain, still not re-sent.
    Notification.objects.filter(pk=notification.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=11)
    )
    output = run_batch(worker)
    notification.refresh_from_db()
    assert notification.status == Status.UNCERTAIN
    assert "1 uncertain" in output
    assert [notification.recipient] not in smtp.envelopes  # (the other one was sent)

    # An admin decides to send it again: exactly once.
    assert retry([notification]) == 1
    run_batch(worker)
    run_batch(worker)
    assert smtp.envelopes.count([notification.recipient]) == 1
    assert len(smtp.envelopes) == 2
    notification.refresh_from_db()
    assert notification.status == Status.SENT


def test_a_periodic_job_meeting_the_database_away_is_one_line_and_a_bug_is_a_traceback(
    caplog, monkeypatch, django_db_blocker
):
    """The worker's loop outlives both; the database away (a real connection refused, on a
    port nothing listens on) is expected and logged in one line, any other error in full."""
    from django.db import connections
    from django.db.backends.postgresql.base import DatabaseWrapper

    from mapa.notifications import registry
    from mapa.notifications.management.commands import worker

    def away() -> None:
        settings = {**connections["default"].settings_dict, "HOST": "127.0.0.1", "PORT": "9"}
        DatabaseWrapper(settings, alias="away").ensure_connection()

    def bug() -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(registry, "_periodic", {"away": away, "bug": bug})
    with django_db_blocker.unblock():  # no test transaction: the worker closes connections
        worker.run_periodic_jobs()
    records = [r for r in caplog.records if r.name == worker.logger.name]
    # (The redacting log filter turns a traceback into exc_text.)
    assert [(r.levelname, "Traceback" in (r.exc_text or "")) for r in records] == [
        ("WARNING", False),
        ("ERROR", True),
    ]
    assert "Periodic job 'away': database unavailable (connection failed" in records[0].message
    assert "Periodic job 'bug' failed" in records[1].message
