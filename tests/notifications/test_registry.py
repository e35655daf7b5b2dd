"""The outbox's registry: events and channels added by apps above notifications."""

from __future__ import annotations

import pytest
from django.db import transaction

from mapa.notifications import registry
from mapa.notifications.models import Notification, Status
from mapa.notifications.outbox import deliver, queue
from mapa.notifications.registry import EmailContent

pytestmark = pytest.mark.django_db

EVENT = "test_reminder"


@pytest.fixture
def reminder_event():
    """A report-less event with an unsubscribe link, as an alerts app would register."""

    def build(notification: Notification) -> EmailContent:
        return EmailContent(
            subject=f"Reminder {notification.payload['n']}",
            template="notifications/report_received",
            context={"reference": "-", "tracking_url": "http://mapa.test/t"},
            unsubscribe_url="http://mapa.test/unsubscribe/signed-token/",
        )

    registry.register_event(EVENT, "test reminder", email=build)
    yield EVENT
    registry._labels.pop(EVENT)
    registry._email_builders.pop(EVENT)


def test_an_unregistered_event_or_channel_is_refused_and_nothing_is_stored():
    with pytest.raises(LookupError, match="not registered"):
        queue(None, "no_such_event", recipient="a@example.com", channel="email", language="pl")
    with pytest.raises(LookupError, match="carrier_pigeon"):
        queue(
            None,
            "report_received",
            recipient="a@example.com",
            channel="carrier_pigeon",
            language="pl",
        )
    assert not Notification.objects.exists()


def test_a_message_about_no_report_is_one_row_per_occurrence(reminder_event):
    def send(occurrence: str) -> int:
        with transaction.atomic():
            return queue(
                None,
                reminder_event,
                recipient="Ola@Example.com",
                channel="email",
                language="en",
                payload={"n": occurrence},
                occurrence=occurrence,
            )

    first = send("2026-11-30")
    assert send("2026-11-30") == first  # the same day's message again: the same row
    assert send("2026-12-01") != first
    assert Notification.objects.filter(report=None, event=reminder_event).count() == 2


def test_a_registered_email_is_sent_with_one_click_unsubscribe_headers(reminder_event, smtp):
    pk = queue(
        None,
        reminder_event,
        recipient="ola@example.com",
        channel="email",
        language="en",
        payload={"n": "7"},
        occurrence="7",
    )
    assert deliver(pk) == "sent"
    assert Notification.objects.get(pk=pk).status == Status.SENT
    (message,) = smtp.messages
    assert message["Subject"] == "Reminder 7"
    assert message["To"] == "ola@example.com"
    assert message["List-Unsubscribe"] == "<http://mapa.test/unsubscribe/signed-token/>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_registered_channel_hands_over_its_rows(reminder_event):
    handed: list[str] = []
    registry.register_sender("test_channel", lambda n: handed.append(n.recipient))
    try:
        pk = queue(
            None, reminder_event, recipient="+48500100200", channel="test_channel", language="pl"
        )
        assert deliver(pk) == "sent"
    finally:
        registry._senders.pop("test_channel")
    assert handed == ["+48500100200"]
