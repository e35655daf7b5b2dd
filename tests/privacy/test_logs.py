"""Logs carry no contact data and no photo EXIF (mapa/core/logging.py, settings.LOGGING).

Representative flows run with the project's own logging configuration (its handler, its
formatter, its redacting filter) at DEBUG, as with ``LOG_LEVEL=DEBUG``, writing to a
buffer; and every record of every logger is also kept raw, before any filter. SQL
debugging is forced on (as ``DEBUG=True`` would): its lines carry the queries'
parameters, so the configuration must keep ``django.db.backends`` quiet. Flows: a photo
with EXIF (camera, time, GPS) and a report with contact data; staff actions with an
internal note; a text to the SMS line, and a badly signed one; e-mail through the outbox,
delivered and refused by the server; failing requests.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import logging.config
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from PIL import Image

from mapa.catalogue.models import Unit
from mapa.reports.casework import report_change_status
from mapa.reports.models import Report, ReportPhoto
from mapa.sms.signatures import sign
from tests.notifications.test_outbox import run_queued
from tests.reports.test_photos import GPS
from tests.staff.conftest import accounts, clean_throttle, staff_account  # noqa: F401

pytestmark = pytest.mark.django_db

NAME = "Kunegunda Wierzbięta-Leśniewska"
EMAIL = "Kunegunda.WL@Example.org"
PHONE = "605 404 717"
SMS_SENDER = "48609515626"
CONTACT = (
    NAME,
    "Wierzbięta-Leśniewska",
    "Wierzbi\\u0119ta",  # as JSON escapes it
    EMAIL,
    EMAIL.lower(),
    "kunegunda.wl%40example.org",
    PHONE,
    "605404717",
    "609515626",
    "609 515 626",
)
EXIF = ("ExifLeakCam", "LeakPhone X99", "LeakySoft 4.2", "2026:11:29 10:00:00")
SMS_SECRET = "inbound-secret-" + "p" * 32

# The console handler's stream, for dictConfig ("ext://" + this module's BUFFER).
BUFFER = io.StringIO()


class Raw(logging.Handler):
    """Every record as logged, before any filter: message and traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {text}")


def configured(settings, *, held: bool = True) -> dict:
    """settings.LOGGING into BUFFER at DEBUG; ``held=False``: without its held loggers."""
    config = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"]["stream"] = f"ext://{__name__}.BUFFER"
    config["root"]["level"] = "DEBUG"
    if not held:
        config["loggers"] = {name: {"level": "DEBUG"} for name in config.get("loggers", {})}
    return config


@pytest.fixture
def logs(settings) -> Iterator[tuple[io.StringIO, Raw]]:
    """The project's logging at DEBUG into BUFFER, a raw copy of every record, and SQL
    debugging forced on; the test configuration back afterwards."""
    BUFFER.seek(0)
    BUFFER.truncate()
    logging.config.dictConfig(configured(settings))
    raw = Raw()
    logging.getLogger().addHandler(raw)
    forced, connection.force_debug_cursor = connection.force_debug_cursor, True
    try:
        yield BUFFER, raw
    finally:
        connection.force_debug_cursor = forced
        logging.getLogger().removeHandler(raw)
        logging.config.dictConfig(settings.LOGGING)


def exif_photo() -> bytes:
    image = Image.new("RGB", (1200, 900), "teal")
    exif = Image.Exif()
    exif[0x010F] = EXIF[0]  # Make
    exif[0x0110] = EXIF[1]  # Model
    exif[0x0131] = EXIF[2]  # Software
    exif[0x9003] = EXIF[3]  # DateTimeOriginal
    exif[0x8825] = GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


PHOTO = exif_photo()  # made here, so that Pillow's own debug lines on saving it are not scanned


def hits(text: str, secrets: tuple[str, ...]) -> list[str]:
    return [secret for secret in secrets if secret.lower() in text.lower()]


def test_logs_carry_no_contact_data_or_exif(
    logs,
    api,
    accounts,  # noqa: F811
    smtp,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    buffer, raw = logs
    settings.MEDIA_ROOT = tmp_path
    settings.MAPA_SMS_INBOUND_SECRET = SMS_SECRET
    settings.MAPA_SITE_URL = "http://testserver"
    Unit.objects.update(email="")

    # A photo with EXIF, and a report with contact data.
    photo = api.post(
        "/api/photos/",
        {"photo": SimpleUploadedFile("IMG_0001.jpg", PHOTO)},
        format="multipart",
    )
    assert photo.status_code == 201, photo.content
    body = {
        "category": "pothole",
        "description": "Dziura przy wejściu",
        "name": NAME,
        "email": EMAIL,
        "phone": PHONE,
        "photos": [photo.json()["id"]],
        "location": {"type": "Point", "coordinates": [18.6532, 54.3485]},
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/reports/", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    reference = created.json()["properties"]["reference"]
    report = Report.objects.get(reference=reference)

    # The stored photo and what /media/ serves have no EXIF at all.
    stored = ReportPhoto.objects.get(report=report)
    for path in (stored.image.path, stored.thumbnail.path):
        content = Path(path).read_bytes()
        assert hits(content.decode("latin-1"), EXIF) == []
        assert dict(Image.open(io.BytesIO(content)).getexif()) == {}
    served = Client().get(created.json()["properties"]["photo_url"])
    assert served.status_code == 200
    assert hits(b"".join(served.streaming_content).decode("latin-1"), EXIF) == []

    # Staff: the case page and API, a transition with an internal note, a public update.
    consultant = Client()
    consultant.force_login(accounts["consultant"])
    assert consultant.get(f"/staff/r/{reference}/").status_code == 200
    moved = consultant.post(
        f"/api/staff/reports/{reference}/transition/",
        {"status": "accepted", "internal_note": f"oddzwonić {PHONE}, {NAME}"},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.content
    with django_capture_on_commit_callbacks(execute=True):
        report_change_status(
            report=Report.objects.get(pk=report.pk), status="in_progress", public_note="Jedziemy."
        )

    # E-mail through the outbox: delivered, then refused by the server quoting the address.
    assert "sent" in run_queued()
    smtp.refuse = True
    with django_capture_on_commit_callbacks(execute=True):
        report_change_status(
            report=Report.objects.get(pk=report.pk),
            status="resolved",
            public_note="Naprawione.",
        )
    assert run_queued() == ["retry"]

    # A text to the SMS line, and one badly signed.
    text = json.dumps(
        {"from": SMS_SENDER, "text": "Latarnia nie świeci", "message_id": "log-1"}
        | {"timestamp": int(time.time())}
    )
    stamp = int(time.time())
    for signature in (sign(SMS_SECRET, stamp, text.encode()), "t=1,v1=00"):
        Client().post(
            "/api/sms/inbound/",
            text,
            content_type="application/json",
            HTTP_MAPA_SIGNATURE=signature,
        )

    # Failing requests: a 400 with contact data in the body, a 404, a refused log-in.
    outside = {**body, "photos": [], "location": {"type": "Point", "coordinates": [0, 0]}}
    refused = api.post("/api/reports/", json.dumps(outside), content_type="application/json")
    assert refused.status_code == 400
    bad = api.post("/api/reports/", "{" + json.dumps(body), content_type="application/json")
    assert bad.status_code == 400
    assert Client().get(f"/r/{reference}-nie/", {"email": EMAIL}).status_code == 404
    Client().post("/staff/login/", {"username": EMAIL, "password": PHONE})

    output = buffer.getvalue()
    records = "\n".join(raw.lines)
    # The scan saw the flows (so finding nothing means something).
    assert "django.request" in output
    assert f"({reference})" in output  # the outbox's sent and refused lines
    assert "mapa.notifications.outbox" in records
    assert hits(output, CONTACT + EXIF) == []
    assert hits(records, CONTACT + EXIF) == []
    assert "SELECT" not in records  # SQL debug lines were never emitted


def test_the_held_loggers_would_carry_contact_data_and_exif(settings, api, tmp_path):
    """Why ``django.db.backends`` and ``PIL`` are held at INFO: without that, LOG_LEVEL=DEBUG
    (with SQL debugging on) writes the queries' parameters, names included, and Pillow
    the tags of every photo it reads."""
    settings.MEDIA_ROOT = tmp_path
    BUFFER.seek(0)
    BUFFER.truncate()
    logging.config.dictConfig(configured(settings, held=False))
    forced, connection.force_debug_cursor = connection.force_debug_cursor, True
    try:
        Report.objects.filter(reporter_name=NAME).exists()
        api.post(
            "/api/photos/",
            {"photo": SimpleUploadedFile("IMG_0002.jpg", PHOTO)},
            format="multipart",
        )
    finally:
        connection.force_debug_cursor = forced
        logging.config.dictConfig(settings.LOGGING)
    assert NAME in BUFFER.getvalue()
    assert EXIF[0] in BUFFER.getvalue()
