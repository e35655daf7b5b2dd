"""Retention (mapa/privacy/retention.py): contact data goes MAPA_RETENTION_DAYS after a
case closes; the report, its history and statistics stay. Real rows across the boundary."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mapa.alerts.models import Follow
from mapa.notifications.models import Channel, Notification, Status
from mapa.notifications.registry import periodic_jobs
from mapa.privacy.models import Erasure, Reason, RetentionRun
from mapa.privacy.retention import anonymise_closed, due_for_erasure, schedule_daily
from mapa.privacy.services import Erased
from mapa.privacy.tasks import anonymise_closed_task
from mapa.reports.casework import report_change_status
from mapa.reports.models import EventKind, Report, ReportEvent
from mapa.sms.models import SmsCase
from mapa.sms.services import text_received
from tests.production import PRODUCTION, environment
from tests.staff.conftest import accounts, clean_throttle, staff_account  # noqa: F401

pytestmark = pytest.mark.django_db

DAYS = 30


@pytest.fixture(autouse=True)
def retention(settings):
    settings.MAPA_RETENTION_DAYS = DAYS


def closed(make_report, *, days_ago: float, status: str = "resolved", n: int = 0) -> Report:
    """A report with contact data everywhere, whose case closed ``days_ago``."""
    report = make_report(
        reporter_name=f"Teodozja Kwiecińska {n}",
        reporter_email=f"teodozja.{n}@example.org",
        reporter_phone=f"60{n} 111 222",
    )
    Follow.objects.create(
        report=report, email=f"sasiad.{n}@example.net", confirmed_at=timezone.now()
    )
    case = text_received(gateway_id=f"ret-{report.pk}", sender=f"4860{n}333444", text="Dziura").case
    SmsCase.objects.filter(pk=case.pk).update(report=report)
    report_change_status(
        report=report,
        status="accepted",
        public_note="",
        internal_note=f"oddzwonić: 60{n} 111 222, Teodozja Kwiecińska {n}",
    )
    if status == "rejected":
        report_change_status(report=report, status=status, public_note="Teren prywatny.")
    elif status != "open":
        report_change_status(report=report, status=status, public_note="Naprawione.")
    at = timezone.now() - timedelta(days=days_ago)
    ReportEvent.objects.filter(report=report, kind=EventKind.STATUS, to_status=status).update(
        created_at=at
    )
    if status == "resolved":
        Report.objects.filter(pk=report.pk).update(resolved_at=at)
    Report.objects.filter(pk=report.pk).update(created_at=at - timedelta(days=10))
    return Report.objects.get(pk=report.pk)


def contact_left(report: Report) -> list[str]:
    report.refresh_from_db()
    left = [v for v in (report.reporter_name, report.reporter_email, report.reporter_phone) if v]
    left += [
        n.recipient
        for n in Notification.objects.filter(report=report, unit__isnull=True)
        if n.channel != Channel.WEBHOOK and n.recipient
    ]
    left += [c.phone for c in SmsCase.objects.filter(report=report) if c.phone]
    left += [f.email for f in Follow.objects.filter(report=report) if "example" in f.email]
    left += [
        e.internal_note
        for e in report.events.all()
        if "111 222" in e.internal_note or "Teodozja" in e.internal_note
    ]
    return left


def test_closed_n_days_ago_is_erased_n_minus_one_kept_open_never(make_report):
    kept = closed(make_report, days_ago=DAYS - 1, n=1)
    erased = closed(make_report, days_ago=DAYS, n=2)
    rejected = closed(make_report, days_ago=DAYS + 5, status="rejected", n=3)
    still_open = closed(make_report, days_ago=DAYS * 10, status="open", n=4)
    assert contact_left(erased)
    assert contact_left(rejected)
    assert Notification.objects.filter(report=erased, unit__isnull=True).exists()

    result = anonymise_closed()

    assert contact_left(erased) == []
    assert contact_left(rejected) == []
    assert len(contact_left(kept)) >= 5
    assert len(contact_left(still_open)) >= 5
    assert result.reports == 2
    assert result.sms_cases == 2
    assert result.follows == 2
    assert set(Erasure.objects.values_list("report", "reason")) == {
        (erased.pk, Reason.RETENTION),
        (rejected.pk, Reason.RETENTION),
    }
    # The staff's note keeps its sense, without the number or the name.
    note = erased.events.get(to_status="accepted").internal_note
    assert note.startswith("oddzwonić: [phone]")
    # Nothing pending is sent to a blanked address.
    assert not Notification.objects.filter(recipient="", status=Status.PENDING).exists()


def test_statistics_and_history_survive(make_report):
    report = closed(make_report, days_ago=DAYS + 1)
    before = Report.objects.filter(pk=report.pk).values(
        "reference", "category", "district", "unit", "status", "created_at", "resolved_at"
    )[0]
    history = list(report.events.values_list("kind", "from_status", "to_status", "created_at"))
    trail = report.audit_events.count()
    anonymise_closed()
    after = Report.objects.filter(pk=report.pk).values(*before)[0]
    assert after == before
    assert list(report.events.values_list("kind", "from_status", "to_status", "created_at")) == (
        history
    )
    assert report.audit_events.count() == trail  # contact data is not in the trail
    assert Erasure.objects.get(report=report).erased_at is not None


def test_running_again_changes_nothing(make_report):
    closed(make_report, days_ago=DAYS + 1)
    assert anonymise_closed().reports == 1
    assert list(due_for_erasure()) == []
    assert anonymise_closed() == Erased()
    assert Erasure.objects.count() == 1


def test_a_reopened_case_is_kept(make_report):
    report = closed(make_report, days_ago=DAYS + 1)
    report_change_status(report=report, status="in_progress", public_note="Wróciło.")
    assert anonymise_closed() == Erased()
    assert len(contact_left(report)) >= 5


def test_batches_report_progress(make_report):
    for n in range(3):
        closed(make_report, days_ago=DAYS + 2, n=n)
    seen: list[tuple[int, int]] = []
    anonymise_closed(batch_size=2, on_batch=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 3), (3, 3)]


def test_the_command_shows_progress_and_counts(make_report):
    closed(make_report, days_ago=DAYS + 2)
    closed(make_report, days_ago=3, n=1)
    out, err = io.StringIO(), io.StringIO()
    call_command("anonymise_closed", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "1 reports due for erasure"
    call_command("anonymise_closed", "--days", "2", "--batch-size", "1", stdout=out, stderr=err)
    assert "Erasing contact data: 2/2 (100%)" in err.getvalue()
    assert "Erased contact data: 2 reports" in out.getvalue()
    with pytest.raises(CommandError, match="--days must be at least 1"):
        call_command("anonymise_closed", "--days", "0")


def test_the_worker_queues_the_task_once_a_day_and_the_task_erases(
    make_report, django_capture_on_commit_callbacks
):
    report = closed(make_report, days_ago=DAYS + 1)
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        # The job the worker runs after every sweep (manage.py worker).
        assert periodic_jobs()["retention"]() == f"retention task queued for {timezone.localdate()}"
        assert schedule_daily() is None  # already queued today
    [queued] = DBTaskResult.objects.filter(task_path__startswith="mapa.privacy")
    assert queued.task_path == "mapa.privacy.tasks.anonymise_closed_task"
    assert RetentionRun.objects.get().day == timezone.localdate()
    assert anonymise_closed_task.call()["reports"] == 1
    assert contact_left(report) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "MAPA_RETENTION_DAYS must be at least 1"),
        ("a year", "MAPA_RETENTION_DAYS must be an integer"),
    ],
)
def test_a_bad_retention_setting_stops_the_start(value, message):
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run(
        [sys.executable, "-c", "import mapa.settings"],
        cwd=ROOT,
        env=environment({**PRODUCTION, "MAPA_RETENTION_DAYS": value}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_the_case_page_tells_staff_when_and_why(make_report, accounts, settings):  # noqa: F811
    report = closed(make_report, days_ago=DAYS + 1, n=7)
    consultant = Client()
    consultant.force_login(accounts["consultant"])
    before = consultant.get(f"/staff/r/{report.reference}/").content.decode()
    assert "teodozja.7@example.org" in before
    assert 'id="privacy"' not in before
    anonymise_closed()
    consultant.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    after = consultant.get(f"/staff/r/{report.reference}/")
    assert after.status_code == 200
    page = after.content.decode()
    assert 'id="privacy"' in page
    assert "retention period over" in page
    assert "teodozja.7@example.org" not in page
    assert "Teodozja" not in page
