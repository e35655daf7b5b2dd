"""A real SMTP server on loopback (aiosmtpd) and the worker as a real process.

``smtp`` starts aiosmtpd on a free 127.0.0.1 port for one test and points Django's SMTP
backend at it; ``smtp.messages`` are the parsed messages it accepted. ``smtp.hold``
makes it stall after RCPT TO (a send in flight, for killing the worker mid-send).

``worker`` runs ``manage.py worker`` in a subprocess against the test database. It sees
only committed rows, so tests using it commit their data (``committed``) and delete the
reports they made afterwards, as tests/browser/conftest.py does: the Gdańsk reference
data, loaded once per session, stays.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.db import DEFAULT_DB_ALIAS, connections
from django_tasks_db.models import DBTaskResult

from mapa.notifications.models import Notification
from mapa.reports.models import Report
from tests.production import environment

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Mailbox:
    """What the SMTP server received (its handler)."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[list[str]] = field(default_factory=list)
    hold: threading.Event = field(default_factory=threading.Event)
    held: threading.Event = field(default_factory=threading.Event)
    refuse: bool = False  # answer RCPT TO with a permanent refusal quoting the address
    port: int = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, _: Any):
        if self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        while self.hold.is_set():
            self.held.set()
            await asyncio.sleep(0.05)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Mailbox]:
    """aiosmtpd on loopback; Django sends to it over SMTP for this test."""
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = mailbox.port
    settings.EMAIL_TIMEOUT = 5
    try:
        yield mailbox
    finally:
        mailbox.hold.clear()
        controller.stop()


@pytest.fixture
def committed(
    django_db_setup: None, django_db_blocker: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Let a test commit (for the worker's process); deletes its reports and tasks after.

    In a session with the browser tests, Playwright's event loop runs in this thread, so
    Django would refuse ordinary ORM calls as async-unsafe; they are allowed here as in
    tests/browser/conftest.py (and never passed on to the worker's process).
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with django_db_blocker.unblock():
        name = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
        if not name.startswith("test"):
            pytest.fail(f"the worker tests need the test database, not {name}")
        last_id = Report.objects.order_by("-id").values_list("id", flat=True).first() or 0
        last_message = Notification.objects.order_by("-id").values_list("id", flat=True).first()
        try:
            yield
        finally:
            Report.objects.filter(id__gt=last_id).delete()  # notifications go with them
            # and those about no report (confirmations, digests):
            Notification.objects.filter(id__gt=last_message or 0).delete()
            DBTaskResult.objects.all().delete()
            connections.close_all()


def database_url() -> str:
    db = connections[DEFAULT_DB_ALIAS].settings_dict
    credentials = f"{quote(db['USER'])}:{quote(db['PASSWORD'])}@" if db["USER"] else ""
    return f"postgis://{credentials}{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(committed: None, smtp: Mailbox) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start ``manage.py worker`` (extra arguments as given) sending to ``smtp``."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str, **env: str) -> subprocess.Popen[str]:
        command = [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay"]
        process = subprocess.Popen(
            [*command, "--interval", "0.1", *args],
            cwd=ROOT,
            env=environment(
                {
                    "MAPA_ENV": "test",
                    "DATABASE_URL": database_url(),
                    "EMAIL_HOST": "127.0.0.1",
                    "EMAIL_PORT": str(smtp.port),
                    "EMAIL_TIMEOUT": "30",
                    "MAPA_SITE_URL": "http://testserver",
                    **env,
                }
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
