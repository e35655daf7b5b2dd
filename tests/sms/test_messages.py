"""What each event says by SMS: the reference always, short, in the resident's language."""

from __future__ import annotations

import pytest

from mapa.notifications.models import Channel, Event, Notification
from mapa.notifications.outbox import queue
from mapa.reports.casework import report_change_status
from mapa.reports.models import ReportStatus
from mapa.sms.messages import sms_text
from mapa.sms.text import segments
from tests.sms.conftest import PHONE

pytestmark = pytest.mark.django_db


def text_of(report, event, language="pl", case_event=None) -> str:
    pk = queue(
        report,
        event,
        recipient=PHONE,
        channel=Channel.SMS,
        language=language,
        case_event=case_event,
    )
    return sms_text(Notification.objects.get(pk=pk))


def test_the_confirmation_is_one_segment_with_the_reference_and_link(make_report, settings):
    settings.MAPA_SITE_URL = "https://mapa.gdansk.pl"
    report = make_report()
    text = text_of(report, Event.REPORT_RECEIVED)
    assert text == (
        f"Mapa Porzadku: przyjelismy zgloszenie {report.reference}. "
        f"Sledz je: https://mapa.gdansk.pl/r/{report.reference}/"
    )
    assert segments(text) == 1
    other = make_report()
    english = text_of(other, Event.REPORT_RECEIVED, language="en")
    assert english.startswith(f"Mapa Porzadku: we have received your report {other.reference}")
    assert segments(english) == 1
    assert PHONE not in text


def test_a_long_resolution_note_is_cut_to_two_segments(make_report):
    report = make_report()
    event = report_change_status(
        report=report,
        status=ReportStatus.RESOLVED,
        public_note="Naprawiliśmy nawierzchnię na całej długości ulicy. " * 30,
    )
    text = text_of(report, Event.RESIDENT_RESOLVED, case_event=event)
    assert text.startswith(f"Mapa Porzadku: zgloszenie {report.reference} zostalo rozwiazane.")
    assert "Naprawilismy" in text
    assert text.endswith("...")
    assert segments(text) == 2
