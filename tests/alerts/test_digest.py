"""The daily digest: batched, capped and summarised, once per alert and day, nothing on a
quiet day; and the worker process sends it (mapa/alerts/digest.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mapa.alerts.digest import DIGEST_LISTED, digest_summary, send_due_digests
from mapa.alerts.models import AlertEvent, AreaAlert, Frequency, Match
from mapa.alerts.services import Area, area_alert_create, subscription_confirm, subscription_stop
from mapa.catalogue.models import Category
from mapa.districts.models import District
from mapa.notifications.models import Notification
from mapa.reports.services import report_create
from tests.alerts.conftest import html_of, run_queued, text_of, to
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY, point

DAILY = "codziennie@example.com"
OTHER = "sasiad@example.com"


def file(capture, code="pothole", at=NEPTUNE_FOUNTAIN):
    with capture(execute=True):
        return report_create(
            category=Category.objects.get(code=code),
            location=point(*at),
            description="Zgłoszenie do podsumowania",
        )


def yesterday_it_was() -> None:
    """Time passes: today's matches become yesterday's."""
    Match.objects.update(day=timezone.localdate() - timedelta(days=1))


@pytest.mark.django_db
def test_a_digest_lists_ten_then_and_n_more_with_counts_per_category_and_a_map_link(
    smtp, confirmed_alert, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    confirmed_alert(DAILY, districts=("srodmiescie",), frequency=Frequency.DAILY, language="en")
    for _ in range(9):
        file(capture, "pothole")
    for _ in range(4):
        file(capture, "street-light")
    assert run_queued() == []  # nothing at once
    assert send_due_digests() == 0  # today's digest is due tomorrow
    yesterday_it_was()
    with capture(execute=True):
        assert send_due_digests() == 1
    assert send_due_digests() == 0  # never twice
    run_queued()
    [digest] = to(smtp, DAILY)
    assert digest["Subject"].startswith("Your area alert for ")
    assert digest["Subject"].endswith(": 13 reports")
    text = text_of(digest)
    assert len(re.findall(r"^\* GD-", text, re.M)) == DIGEST_LISTED
    assert "… and 3 more." in text
    assert "Pothole or road damage: 9" in text
    assert "Street light out: 4" in text
    assert "… and 3 more." in html_of(digest)
    [map_link] = re.findall(r"http://testserver(/#map=\S+)", text)
    assert Client().get("/").status_code == 200
    assert map_link.startswith("/#map=14/")
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.django_db
def test_a_quiet_day_or_an_unsubscribed_alert_sends_no_digest(
    smtp, confirmed_alert, django_capture_on_commit_callbacks
):
    quiet = confirmed_alert(DAILY, districts=("wrzeszcz-gorny",), frequency=Frequency.DAILY)
    gone = confirmed_alert(OTHER, districts=("srodmiescie",), frequency=Frequency.DAILY)
    file(django_capture_on_commit_callbacks)
    subscription_stop("alert", gone.pk)
    yesterday_it_was()
    assert send_due_digests() == 0
    run_queued()
    assert smtp.messages == []
    assert not Match.objects.filter(alert=quiet).exists()
    assert not Match.objects.filter(digested_at__isnull=True).exists()  # dropped


@pytest.mark.django_db
def test_one_address_with_two_matching_alerts_gets_the_report_once(
    confirmed_alert, django_capture_on_commit_callbacks
):
    confirmed_alert(DAILY, districts=("srodmiescie",), frequency=Frequency.DAILY)
    confirmed_alert(DAILY, at=NEPTUNE_FOUNTAIN, radius_m=500, frequency=Frequency.DAILY)
    file(django_capture_on_commit_callbacks)
    assert Match.objects.count() == 1
    file(django_capture_on_commit_callbacks, at=WRZESZCZ_GORNY)  # neither area
    assert Match.objects.count() == 1


@pytest.mark.django_db
def test_the_summary_is_three_queries_whatever_the_number_of_reports(
    confirmed_alert, django_capture_on_commit_callbacks, django_assert_num_queries
):
    alert = confirmed_alert(DAILY, districts=("srodmiescie",), frequency=Frequency.DAILY)
    for _ in range(DIGEST_LISTED + 5):
        file(django_capture_on_commit_callbacks)
    with django_assert_num_queries(3):
        summary = digest_summary(alert.pk, timezone.localdate())
    assert (summary.total, len(summary.listed), summary.more) == (15, DIGEST_LISTED, 5)


# ---------------------------------------------------------------- the worker process


@pytest.mark.django_db
def test_the_digest_tests_run_on_the_test_database():
    """(Sets up the test database for the worker test below, which commits.)"""


def run_batch(worker) -> str:
    process = worker("--batch")
    output, _ = process.communicate(timeout=90)
    assert process.returncode == 0, output
    return output


def test_the_worker_process_sends_each_days_digest_once(worker, smtp):
    alert = area_alert_create(
        email=DAILY,
        language="pl",
        new_reports=True,
        resolved_reports=False,
        area=Area(districts=(District.objects.get(slug="srodmiescie"),)),
        frequency=Frequency.DAILY,
    )
    try:
        run_batch(worker)  # the confirmation only: nothing else before it is confirmed
        [confirmation] = to(smtp, DAILY)
        assert confirmation["Subject"].strip() == "Potwierdź powiadomienia z okolicy"
        subscription_confirm("alert", alert.pk)
        smtp.messages.clear()
        category = Category.objects.get(code="pothole")
        for _ in range(DIGEST_LISTED + 2):
            report_create(
                category=category, location=point(*NEPTUNE_FOUNTAIN), description="Dziura"
            )
        run_batch(worker)  # (the units hear of their new reports)
        assert to(smtp, DAILY) == []  # today's digest waits for tomorrow
        yesterday_it_was()
        output = run_batch(worker)
        [digest] = to(smtp, DAILY)
        assert "… i jeszcze 2." in text_of(digest)
        assert DAILY not in output
        # A restarted worker does not send it again.
        run_batch(worker)
        assert len(to(smtp, DAILY)) == 1
        assert Notification.objects.filter(event=AlertEvent.ALERT_DIGEST).count() == 1
    finally:
        AreaAlert.objects.filter(pk=alert.pk).delete()
