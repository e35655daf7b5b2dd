"""Completing a triage case files a routed report under the same reference; replies go
through the outbox; two texts from one number arriving at once still make one case."""

from __future__ import annotations

import threading

import pytest
from django.contrib.gis.geos import Point
from django.db import connections

from mapa.catalogue.models import Category
from mapa.notifications.models import Channel, Event, Notification
from mapa.reports.models import Channel as ReportChannel
from mapa.reports.models import Report, ReportEvent
from mapa.sms.models import CaseStatus, Direction, SmsCase
from mapa.sms.services import SmsError, case_complete, reply_send, text_received
from tests.conftest import NEPTUNE_FOUNTAIN
from tests.sms.conftest import PHONE


def receive(message_id: str, words: str = "Drzewo na Piwnej", sender: str = "48501234567"):
    return text_received(gateway_id=message_id, sender=sender, text=words)


def complete(case, user):
    return case_complete(
        case=case,
        user=user,
        category=Category.objects.get(code="pothole"),
        location=Point(*NEPTUNE_FOUNTAIN, srid=4326),
        description="Dziura na Długim Targu (z SMS-ów)",
        address="Długi Targ 1",
    )


@pytest.mark.django_db
def test_completion_files_a_routed_report_under_the_case_reference(staff_account):
    consultant = staff_account("konsultantka", "consultant")
    case = receive("m-1", "Dziura na Długim Targu").case
    receive("m-2", "Głęboka")
    report = complete(case, consultant)
    assert report.reference == case.reference
    assert report.channel == ReportChannel.SMS
    assert report.reporter_phone == PHONE
    assert report.unit is not None
    assert report.district is not None
    assert report.registered_by == consultant
    case.refresh_from_db()
    assert (case.status, case.report, case.completed_by) == (
        CaseStatus.COMPLETED,
        report,
        consultant,
    )
    assert set(case.messages.values_list("report", flat=True)) == {report.pk}
    assert ReportEvent.objects.filter(report=report).count() == 1
    # The resident is told by SMS from now on: the confirmation, with the same reference.
    texts = Notification.objects.filter(channel=Channel.SMS, recipient=PHONE).order_by("id")
    assert [(n.event, n.report_id) for n in texts] == [
        ("sms_case_received", None),
        (Event.REPORT_RECEIVED, report.pk),
    ]
    with pytest.raises(SmsError):
        complete(case, consultant)  # a second consultant, too late
    assert Report.objects.filter(reference=case.reference).count() == 1


@pytest.mark.django_db
def test_a_reply_is_recorded_and_queued_once_per_reply(staff_account):
    consultant = staff_account("konsultantka", "consultant")
    case = receive("m-1").case
    first = reply_send(
        text="Dziękujemy, sprawdzimy.", author=consultant, phone=PHONE, case=case, report=None
    )
    second = reply_send(
        text="Dziękujemy, sprawdzimy.", author=consultant, phone=PHONE, case=case, report=None
    )
    assert first.direction == Direction.OUTBOUND
    replies = Notification.objects.filter(event="sms_reply")
    assert sorted(n.payload["message"] for n in replies) == [first.pk, second.pk]
    with pytest.raises(SmsError, match="dwóch"):
        reply_send(text="x" * 400, author=consultant, phone=PHONE, case=case, report=None)
    with pytest.raises(SmsError):
        reply_send(text="  ", author=consultant, phone=PHONE, case=case, report=None)


def test_texts_from_one_number_arriving_at_once_make_one_case(sms_committed):
    """Eight texts from one number at the same moment, each in its own connection and
    transaction (as eight gateway calls would be): one case, eight texts."""
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def arrive(n: int) -> None:
        try:
            connections["default"].ensure_connection()  # connected before the start
            start.wait(timeout=10)
            receive(f"burst-{n}", f"Tekst {n}")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=arrive, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    case = SmsCase.objects.get(phone=PHONE)
    assert case.messages.count() == 8
    assert Notification.objects.filter(event="sms_case_received").count() == 1


def test_a_text_waits_for_another_from_the_same_number_to_commit(sms_committed):
    """The serialisation itself: while one transaction holds the number's lock (as a text
    being stored does), another text from that number waits; a different number does not."""
    from mapa.sms.services import _lock_number

    held, release = threading.Event(), threading.Event()
    finished: dict[str, threading.Event] = {"same": threading.Event(), "other": threading.Event()}

    def hold() -> None:
        from django.db import transaction

        with transaction.atomic():
            _lock_number(PHONE)
            held.set()
            release.wait(timeout=20)
        connections.close_all()

    def arrive(name: str, sender: str) -> None:
        receive(f"wait-{name}", sender=sender)
        finished[name].set()
        connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(10)
    same = threading.Thread(target=arrive, args=("same", "48501234567"))
    other = threading.Thread(target=arrive, args=("other", "48600700800"))
    same.start()
    other.start()
    try:
        assert finished["other"].wait(10)
        assert not finished["same"].wait(1.0)  # blocked behind the lock
    finally:
        release.set()
        for thread in (holder, same, other):
            thread.join(timeout=10)
    assert finished["same"].is_set()
    assert SmsCase.objects.filter(phone__in=[PHONE, "+48600700800"]).count() == 2
