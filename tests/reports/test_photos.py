"""Photos: type and size checks, EXIF and GPS stripped (mapa/reports/photos.py)."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image, ImageFile

from mapa.reports.models import Report, ReportPhoto
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

# Neptune's Fountain, as a phone would write it: degrees, minutes, seconds.
GPS = {1: "N", 2: (54.0, 20.0, 54.6), 3: "E", 4: (18.0, 39.0, 11.52)}


def photo_bytes(fmt: str = "JPEG", size=(2400, 1800), gps: bool = True, mode="RGB") -> bytes:
    image = Image.new(mode, size, "teal")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x9003] = "2026:11:29 10:00:00"  # DateTimeOriginal
    if gps:
        exif[0x8825] = GPS
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif.tobytes())
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def upload(api, content: bytes, name="photo.jpg", **headers):
    return api.post(
        "/api/photos/", {"photo": SimpleUploadedFile(name, content)}, format="multipart", **headers
    )


def stored(photo_id: str) -> tuple[Image.Image, Image.Image]:
    photo = ReportPhoto.objects.get(id=photo_id)
    return Image.open(Path(photo.image.path)), Image.open(Path(photo.thumbnail.path))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_photos_are_stored_resized_without_any_exif(api, fmt):
    response = upload(api, photo_bytes(fmt), name=f"p.{fmt.lower()}")
    assert response.status_code == 201, response.content
    data = response.json()
    image, thumbnail = stored(data["id"])
    assert image.format == fmt
    assert max(image.size) == 1600
    assert max(thumbnail.size) == 320
    for picture in (image, thumbnail):
        assert dict(picture.getexif()) == {}
        assert "exif" not in picture.info
    raw = Path(ReportPhoto.objects.get(id=data["id"]).image.path).read_bytes()
    assert b"PhoneMaker" not in raw


def test_the_gps_position_is_offered_once_and_not_stored(api):
    data = upload(api, photo_bytes()).json()
    assert data["gps"] == pytest.approx({"lon": 18.6532, "lat": 54.3485}, abs=1e-4)
    image, _ = stored(data["id"])
    assert image.getexif().get_ifd(0x8825) == {}


def test_a_photo_without_gps_has_none(api):
    assert upload(api, photo_bytes(gps=False)).json()["gps"] is None


def test_a_transparent_png_gets_a_white_thumbnail(api):
    data = upload(api, photo_bytes("PNG", mode="RGBA", gps=False), name="p.png").json()
    _, thumbnail = stored(data["id"])
    assert thumbnail.format == "JPEG"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.4 not a photo", "scan.pdf"),
        (b"GIF89a" + b"\x00" * 100, "anim.gif"),
        (b"", "empty.jpg"),
        (b"\xff\xd8\xff\xe0 truncated jpeg", "broken.jpg"),
    ],
)
def test_other_files_are_refused_clearly(api, content, name):
    response = upload(api, content, name=name, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "photo" in response.json()
    assert ReportPhoto.objects.count() == 0


def test_a_gif_is_named_as_the_wrong_type(api):
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    response = upload(api, gif.getvalue(), name="a.gif", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"photo": ["Send a JPEG, PNG or WebP photo."]}


def test_too_large_a_photo_is_refused(api, settings):
    settings.MAPA_PHOTO_MAX_BYTES = 100_000
    content = photo_bytes(size=(1200, 900)) + b"\x00" * 200_000
    response = upload(api, content, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert ReportPhoto.objects.count() == 0


def report_with(api, photo_ids: list[str], **headers):
    body = {
        "category": "pothole",
        "description": "Dziura",
        "location": {"type": "Point", "coordinates": [18.6532, 54.3485]},
        "photos": photo_ids,
    }
    return api.post("/api/reports/", json.dumps(body), content_type="application/json", **headers)


def test_photos_attach_to_a_report_and_show_publicly(api):
    photo_id = upload(api, photo_bytes()).json()["id"]
    response = report_with(api, [photo_id])
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert props["thumbnail_url"].startswith("/media/photos/")
    assert props["photos"][0]["url"] == props["photo_url"]
    assert ReportPhoto.objects.get(id=photo_id).report == Report.objects.get()
    listed = api.get("/api/reports/").json()["features"][0]["properties"]
    assert listed["thumbnail_url"] == props["thumbnail_url"]
    # A photo belongs to one report only.
    again = report_with(api, [photo_id], HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400
    assert "photos" in again.json()
    assert Report.objects.count() == 1


def test_at_most_three_photos(api):
    ids = [upload(api, photo_bytes(size=(100, 100))).json()["id"] for _ in range(4)]
    response = report_with(api, ids)
    assert response.status_code == 400
    assert "photos" in response.json()


def test_unattached_photos_are_purged_after_a_day(api):
    old = upload(api, photo_bytes(size=(50, 50))).json()["id"]
    fresh = upload(api, photo_bytes(size=(50, 50))).json()["id"]
    ReportPhoto.objects.filter(id=old).update(created_at=timezone.now() - timedelta(days=2))
    path = Path(ReportPhoto.objects.get(id=old).image.path)
    assert path.exists()
    out = io.StringIO()
    call_command("purge_photos", stdout=out)
    assert "Deleted 1" in out.getvalue()
    assert list(ReportPhoto.objects.values_list("id", flat=True)) == [
        ReportPhoto.objects.get(id=fresh).id
    ]
    assert not path.exists()


def test_the_worker_purges_unattached_photos_after_the_configured_hours(api, settings):
    """A photo uploaded and never sent (a form left, a double submit) is personal data with
    no report: the worker's periodic job deletes it, files and all; sent ones stay."""
    from mapa.notifications.registry import periodic_jobs
    from mapa.reports.services import photos_purge_unattached

    settings.MAPA_PHOTO_UNATTACHED_HOURS = 6
    left, fresh, sent = (upload(api, photo_bytes(size=(50, 50))).json()["id"] for _ in range(3))
    assert report_with(api, [sent]).status_code == 201
    seven_hours_ago = timezone.now() - timedelta(hours=7)
    ReportPhoto.objects.filter(id__in=[left, sent]).update(created_at=seven_hours_ago)
    ReportPhoto.objects.filter(id=fresh).update(created_at=timezone.now() - timedelta(hours=5))
    files = [Path(p) for p in (ReportPhoto.objects.get(id=left).image.path,)]
    files.append(Path(ReportPhoto.objects.get(id=left).thumbnail.path))
    assert all(f.exists() for f in files)

    job = periodic_jobs()["unattached photos"]
    assert job is photos_purge_unattached
    assert job() == 1
    assert {str(i) for i in ReportPhoto.objects.values_list("id", flat=True)} == {fresh, sent}
    assert not any(f.exists() for f in files)
    assert Path(ReportPhoto.objects.get(id=sent).image.path).exists()
    assert job() == 0


def png_of(width: int, height: int) -> bytes:
    """A tiny PNG file (one colour compresses to a few hundred KB) with many pixels."""
    buffer = io.BytesIO()
    Image.new("L", (width, height), 0).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_photo_over_the_pixel_limit_is_refused_from_its_header(api, monkeypatch):
    """7000 x 7000 px in a small PNG: 49 Mpx would take seconds and gigabytes to decode."""
    bomb = png_of(7000, 7000)
    assert len(bomb) < 1_000_000

    def no_decoding(self, *args, **kwargs):
        raise AssertionError("the photo was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    response = upload(api, bomb, name="bomb.png", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {
        "photo": [
            "The photo is 7000 by 7000 pixels; the limit is 24 megapixels. Send a smaller photo."
        ]
    }
    assert ReportPhoto.objects.count() == 0


def test_a_phone_sized_photo_is_within_the_limit(api, settings):
    settings.MAPA_PHOTO_MAX_PIXELS = 12_000_000
    response = upload(api, png_of(4000, 3000), name="phone.png")
    assert response.status_code == 201


def test_decoding_waits_for_a_free_slot_then_says_busy(api, monkeypatch):
    from mapa.reports import photos

    monkeypatch.setattr(photos, "DECODE_WAIT_SECONDS", 0.1)
    slots = photos._decode_slots
    taken = 0
    while slots.acquire(blocking=False):  # every slot busy with another upload
        taken += 1
    try:
        response = upload(api, photo_bytes(size=(800, 600)), HTTP_ACCEPT_LANGUAGE="en")
    finally:
        for _ in range(taken):
            slots.release()
    assert taken == 2  # MAPA_PHOTO_DECODES_AT_ONCE's default
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert ReportPhoto.objects.count() == 0
    assert upload(api, photo_bytes(size=(800, 600))).status_code == 201


def png_header_of(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes that declares ``width`` by ``height`` pixels (a bomb:
    decoded, it would be gigabytes); Pillow opens it from the header alone."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_a_400_naming_the_photo_from_its_header(api, monkeypatch):
    """50,000 by 50,000 px: over twice Pillow's MAX_IMAGE_PIXELS, its DecompressionBombError."""

    def no_decoding(self, *args, **kwargs):
        raise AssertionError("the photo was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    response = upload(
        api, png_header_of(50_000, 50_000), name="bomb.png", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json() == {
        "photo": [
            "The photo has far more pixels than a photo needs; the limit is 24 megapixels. "
            "Send a smaller photo."
        ]
    }
    assert ReportPhoto.objects.count() == 0


# As in Mapa's processes (the next test); pytest resets the filter the app sets.
@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_a_bomb_that_pillow_only_warns_of_is_a_400_too(api, monkeypatch):
    """10,000 by 10,000 px: over MAX_IMAGE_PIXELS, under twice it, where Pillow only warns."""
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda *a, **k: pytest.fail("decoded"))
    response = upload(api, png_header_of(10_000, 10_000), name="bomb.png")
    assert response.status_code == 400
    (message,) = response.json()["photo"]
    assert "24" in message
    assert ReportPhoto.objects.count() == 0


def test_pillow_s_decompression_bomb_warning_is_an_error_in_mapa_s_processes():
    """Set when the reports app is ready (pytest resets warning filters set while it
    starts, so this asks a fresh process, as gunicorn's workers are)."""
    script = (
        "import io, django; django.setup()\n"
        "from PIL import Image\n"
        "from tests.reports.test_photos import png_header_of\n"
        "try:\n"
        "    Image.open(io.BytesIO(png_header_of(10_000, 10_000)))\n"
        "except Image.DecompressionBombWarning:\n"
        "    print('refused')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mapa.settings", "MAPA_ENV": "test"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "refused", done.stderr
