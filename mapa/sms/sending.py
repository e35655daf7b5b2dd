"""The outbox's sender for the SMS channel (registered in ``SmsConfig.ready``)."""

from __future__ import annotations

from mapa.notifications.models import Notification
from mapa.sms.backends import Sms, backend
from mapa.sms.messages import sms_text


def send_sms(notification: Notification) -> int | None:
    """Hand one text to the configured backend; raises if it was not taken."""
    sms = Sms(to=notification.recipient, message=sms_text(notification), key=notification.key)
    return backend().send(sms)
