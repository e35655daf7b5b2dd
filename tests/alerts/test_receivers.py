"""Area alerts on report events through a real SMTP server: exactly the matching, confirmed
addresses, once each; the daily cap folds the rest into the digest; links work."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from mapa.alerts.models import AlertEvent, AreaAlert, Frequency, Match
from mapa.alerts.services import IMMEDIATE_PER_DAY
from mapa.catalogue.models import Category
from mapa.notifications.models import Notification
from mapa.reports.casework import report_change_status
from mapa.reports.services import report_create
from tests.alerts.conftest import html_of, run_queued, text_of, to
from tests.conftest import NEPTUNE_FOUNTAIN, WRZESZCZ_GORNY, point

pytestmark = pytest.mark.django_db

REPORTER = "zgłaszający@example.com".replace("ł", "l")
CENTRE = "centrum@example.com"
NORTH = "wrzeszcz@example.com"
TWICE = "dwa.razy@example.com"


def file(capture, at=NEPTUNE_FOUNTAIN, code="pothole", email=""):
    with capture(execute=True):
        return report_create(
            category=Category.objects.get(code=code),
            location=point(*at),
            description="Dziura w jezdni",
            reporter_email=email,
            address="Długi Targ 1",
        )


def test_a_new_report_alerts_exactly_the_matching_confirmed_addresses_once(
    smtp, confirmed_alert, django_capture_on_commit_callbacks
):
    confirmed_alert(CENTRE, districts=("srodmiescie",), language="en")
    confirmed_alert(NORTH, districts=("wrzeszcz-gorny",))
    confirmed_alert(TWICE, districts=("srodmiescie",))
    confirmed_alert(TWICE, at=NEPTUNE_FOUNTAIN, radius_m=300)
    AreaAlert.objects.create(
        email="pending@example.com", point=point(*NEPTUNE_FOUNTAIN), radius_m=900
    )
    report = file(django_capture_on_commit_callbacks, email=REPORTER)
    run_queued()
    assert sorted(m["To"] for m in smtp.messages) == sorted([REPORTER, CENTRE, TWICE])
    [english] = to(smtp, CENTRE)
    assert (
        english["Subject"] == f"New report in your area: Pothole or road damage, {report.reference}"
    )
    assert english["Content-Language"] == "en"
    [polish] = to(smtp, TWICE)
    assert polish["Content-Language"] == "pl"
    for message in (english, polish):
        body = str(message)
        for other in (REPORTER, CENTRE, TWICE, NORTH):
            if other != message["To"]:
                assert other not in body
        assert "Długi Targ 1" in text_of(message)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The links work: the report, the map of the area, the unsubscribe page.
    text = text_of(english)
    paths = re.findall(r"http://testserver(/[^\s]*)", text)
    assert f"/r/{report.reference}/" in paths
    [map_link] = [p for p in paths if p.startswith("/#map=")]
    assert re.fullmatch(r"/#map=14/54\.\d+/18\.\d+", map_link)
    for path in paths:
        assert Client().get(urlsplit(path).path).status_code == 200, path
    assert 'href="http://testserver/#map=' in html_of(english)


def test_categories_and_kinds_choose_who_hears_about_a_resolution(
    smtp, confirmed_alert, confirmed_follow, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    confirmed_alert("nowe@example.com", districts=("srodmiescie",))
    confirmed_alert("zalatwione@example.com", districts=("srodmiescie",), new=False, resolved=True)
    confirmed_alert(
        "zwierzeta@example.com",
        districts=("srodmiescie",),
        categories=("stray-animal",),
        new=True,
        resolved=True,
    )
    confirmed_alert("obserwuje@example.com", districts=("srodmiescie",), new=False, resolved=True)
    report = file(capture)
    run_queued()
    assert [m["To"] for m in smtp.messages] == ["nowe@example.com"]
    confirmed_follow(report, "obserwuje@example.com")
    smtp.messages.clear()
    with capture(execute=True):
        report_change_status(report=report, status="resolved", public_note="Naprawione.")
    run_queued()
    # The follower hears once, as a follower; the alert for resolutions tells the other.
    assert sorted(m["To"] for m in smtp.messages) == [
        "obserwuje@example.com",
        "zalatwione@example.com",
    ]
    [resolved] = to(smtp, "zalatwione@example.com")
    assert resolved["Subject"].strip().startswith("Załatwione w Twojej okolicy")
    assert Notification.objects.filter(event=AlertEvent.FOLLOW_RESOLVED).count() == 1


def test_a_report_outside_every_area_tells_no_one(
    smtp, confirmed_alert, django_capture_on_commit_callbacks
):
    confirmed_alert(CENTRE, districts=("srodmiescie",))
    file(django_capture_on_commit_callbacks, at=WRZESZCZ_GORNY)
    assert run_queued() == []
    assert smtp.messages == []


def test_the_daily_cap_folds_further_reports_into_the_digest(
    smtp, confirmed_alert, django_capture_on_commit_callbacks
):
    alert = confirmed_alert(CENTRE, districts=("srodmiescie",))
    daily = confirmed_alert(NORTH, districts=("srodmiescie",), frequency=Frequency.DAILY)
    for _ in range(IMMEDIATE_PER_DAY + 2):
        file(django_capture_on_commit_callbacks)
    run_queued()
    assert len(to(smtp, CENTRE)) == IMMEDIATE_PER_DAY
    assert to(smtp, NORTH) == []  # the daily alert waits for tomorrow's digest
    assert Match.objects.filter(alert=alert, immediate=False).count() == 2
    assert Match.objects.filter(alert=daily, immediate=False).count() == IMMEDIATE_PER_DAY + 2


def test_unsubscribing_from_an_alert_stops_the_next_one(
    smtp, confirmed_alert, django_capture_on_commit_callbacks
):
    confirmed_alert(CENTRE, districts=("srodmiescie",))
    file(django_capture_on_commit_callbacks)
    run_queued()
    [first] = to(smtp, CENTRE)
    path = urlsplit(str(first["List-Unsubscribe"]).strip().strip("<>")).path
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200
    file(django_capture_on_commit_callbacks)
    run_queued()
    assert len(to(smtp, CENTRE)) == 1
