"""Where an SMS goes: the backend named by ``MAPA_SMS_BACKEND`` (like Django's EMAIL_BACKEND).

- ``console`` (development's default): the text on stdout, the number masked to its last
  three digits (``+48*******567``). It is a developer's tool, as Django's console e-mail
  backend is, but stdout of ``make run`` ends up in terminals and log collectors, so the
  full number is never printed.
- ``file``: one JSON line per text (``to``, ``message``, ``from``, ``key``) appended to
  ``MAPA_SMS_FILE_PATH``, for development and tests. That file holds phone numbers: keep
  it off shared disks.
- ``gateway``: ``POST MAPA_SMS_GATEWAY_URL`` with ``{"to": "+48...", "message": ...,
  "from": MAPA_SMS_SENDER}`` as JSON, ``Authorization: Bearer MAPA_SMS_GATEWAY_TOKEN`` and
  ``Idempotency-Key`` (the outbox row's key, the same on every retry, for gateways that drop
  copies). Any 2xx answer is a success; anything else, a timeout or a refused connection
  raises ``SmsNotSent`` and the outbox retries with backoff. The error never carries the
  number or the gateway's answer body.
- ``disabled``: SMS is not offered; a text that reaches it anyway fails (and shows in the
  admin's outbox) rather than vanish.
"""

from __future__ import annotations

import fcntl
import json
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from django.conf import settings

from mapa.notifications.webhooks import DeliveryFailed

USER_AGENT = "Mapa-SMS/1"


class SmsNotSent(DeliveryFailed):
    """The backend did not take the text; ``status_code`` if a gateway answered."""


@dataclass(frozen=True)
class Sms:
    """One text to one E.164 number; ``key`` identifies it across retries."""

    to: str
    message: str
    key: str


class SmsBackend(Protocol):
    def send(self, sms: Sms) -> int | None: ...


def masked(number: str) -> str:
    """``+48501234567`` -> ``+48*******567``: enough to tell test numbers apart."""
    return number[:3] + "*" * max(0, len(number) - 6) + number[-3:]


@dataclass
class ConsoleBackend:
    stream: TextIO | None = None

    def send(self, sms: Sms) -> None:
        stream = self.stream or sys.stdout
        stream.write(f"SMS to {masked(sms.to)} from {settings.MAPA_SMS_SENDER}:\n{sms.message}\n")
        stream.write("-" * 40 + "\n")
        stream.flush()


class FileBackend:
    def send(self, sms: Sms) -> None:
        line = {"to": sms.to, "message": sms.message, "from": settings.MAPA_SMS_SENDER}
        with open(settings.MAPA_SMS_FILE_PATH, "a", encoding="utf-8") as file:
            fcntl.flock(file, fcntl.LOCK_EX)  # workers append whole lines
            file.write(json.dumps({**line, "key": sms.key}, ensure_ascii=False) + "\n")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is a failed try: the token is never sent elsewhere


_opener = urllib.request.build_opener(_NoRedirects())


class GatewayBackend:
    def send(self, sms: Sms) -> int:
        body = {"to": sms.to, "message": sms.message, "from": settings.MAPA_SMS_SENDER}
        request = urllib.request.Request(  # noqa: S310 (an http(s) URL from settings)
            settings.MAPA_SMS_GATEWAY_URL,
            data=json.dumps(body, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Authorization": f"Bearer {settings.MAPA_SMS_GATEWAY_TOKEN}",
                "Idempotency-Key": sms.key,
                "User-Agent": USER_AGENT,
            },
        )
        timeout = settings.MAPA_SMS_GATEWAY_TIMEOUT_SECONDS
        try:
            with _opener.open(request, timeout=timeout) as response:
                status = int(response.status)
        except urllib.error.HTTPError as error:
            raise SmsNotSent(f"SMS gateway answered HTTP {error.code}", error.code) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SmsNotSent(f"SMS gateway not reached: {type(reason).__name__}") from None
        if not 200 <= status < 300:
            raise SmsNotSent(f"SMS gateway answered HTTP {status}", status)
        return status


class DisabledBackend:
    def send(self, sms: Sms) -> None:
        raise SmsNotSent("SMS is disabled (MAPA_SMS_BACKEND=disabled)")


BACKENDS: dict[str, type[SmsBackend]] = {
    "console": ConsoleBackend,
    "file": FileBackend,
    "gateway": GatewayBackend,
    "disabled": DisabledBackend,
}


def backend() -> SmsBackend:
    """The configured backend (read at each send, so tests can switch it)."""
    return BACKENDS[settings.MAPA_SMS_BACKEND]()


def sms_enabled() -> bool:
    return bool(settings.MAPA_SMS_BACKEND != "disabled")
