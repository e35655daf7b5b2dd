"""A real SMS gateway on loopback (http.server) and the file backend, for the SMS tests.

``gateway`` starts a JSON receiver on a free 127.0.0.1 port and points the gateway
backend at it; ``gateway.requests`` are what it received (headers and parsed body), and
``gateway.answers`` the statuses it gives, in order (200 once they run out).
``sms_file`` switches to the file backend and reads back what it wrote.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.notifications.conftest import committed, smtp, worker  # noqa: F401 (fixtures)
from tests.staff.conftest import accounts, clean_throttle, session_client, staff_account  # noqa: F401

TOKEN = "gateway-token-" + "x" * 20
PHONE = "+48501234567"


@dataclass
class Received:
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Gateway:
    url: str = ""
    requests: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)


@pytest.fixture
def gateway(settings: Any) -> Iterator[Gateway]:
    state = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length))
            state.requests.append(Received(dict(self.headers.items()), body))
            status = state.answers.pop(0) if state.answers else 200
            answer = json.dumps({"ok": status == 200}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    settings.MAPA_SMS_BACKEND = "gateway"
    settings.MAPA_SMS_GATEWAY_URL = state.url
    settings.MAPA_SMS_GATEWAY_TOKEN = TOKEN
    settings.MAPA_SMS_SENDER = "MapaGdansk"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class SmsFile:
    path: Path

    def texts(self) -> list[dict[str, str]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines()]


@pytest.fixture
def sms_file(settings: Any, tmp_path: Path) -> SmsFile:
    settings.MAPA_SMS_BACKEND = "file"
    settings.MAPA_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    return SmsFile(tmp_path / "sms.jsonl")


@pytest.fixture
def sms_committed(committed: None) -> Iterator[None]:  # noqa: F811
    """``committed`` (tests/notifications/conftest.py), also removing the SMS cases made."""
    from mapa.sms.models import SmsCase, SmsMessage

    last_case = SmsCase.objects.order_by("-id").values_list("id", flat=True).first() or 0
    try:
        yield
    finally:
        SmsMessage.objects.filter(case_id__gt=last_case).delete()
        SmsCase.objects.filter(id__gt=last_case).delete()
