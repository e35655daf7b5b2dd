"""Photos sent with reports: checked, cleaned of metadata and resized before storing.

A photo straight from a phone carries EXIF: the camera, the time and often
the GPS position of the person who took it. Mapa reads the position once (to
offer it as the report's location) and then re-encodes the pixels without any
metadata, so nothing of it is stored or published.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
LONG_SIDE = 1600  # pixels; enough to see a pothole, small enough to load on a phone
THUMBNAIL_SIDE = 320
GPS_IFD = 0x8825
DECODE_WAIT_SECONDS = 10

# Decoding is the costly part (a 24 Mpx photo is ~100 MB of pixels for a
# moment), so each process decodes at most this many photos at once; the
# others wait their turn, and past DECODE_WAIT_SECONDS get a "busy, retry".
_decode_slots = threading.BoundedSemaphore(settings.MAPA_PHOTO_DECODES_AT_ONCE)


class PhotoError(ValueError):
    """A photo Mapa will not take, with a message for the person who sent it."""


class PhotoBusy(RuntimeError):
    """Every decoding slot of this process stayed busy: the sender should retry shortly."""


@dataclass(frozen=True)
class CleanPhoto:
    image: bytes
    extension: str
    width: int
    height: int
    thumbnail: bytes  # always JPEG
    gps: tuple[float, float] | None  # (lon, lat) in EPSG:4326, from EXIF, never stored


def clean_photo(upload: IO[bytes], *, size: int) -> CleanPhoto:
    """Check and clean an uploaded photo. Raises ``PhotoError`` saying what is wrong."""
    limit = settings.MAPA_PHOTO_MAX_BYTES
    if size > limit:
        raise PhotoError(
            _("The photo is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"size": size / 1e6, "limit": limit / 1e6}
        )
    if not _decode_slots.acquire(timeout=DECODE_WAIT_SECONDS):
        raise PhotoBusy(_("Mapa is busy processing other photos; please send it again."))
    try:
        image, kind, gps = _decode(upload)
        image.thumbnail((LONG_SIDE, LONG_SIDE))
    finally:
        _decode_slots.release()
    return CleanPhoto(
        image=_encode(image, kind),
        extension=ACCEPTED_FORMATS[kind],
        width=image.width,
        height=image.height,
        thumbnail=_thumbnail(image),
        gps=gps,
    )


def _decode(upload: IO[bytes]) -> tuple[Image.Image, str, tuple[float, float] | None]:
    """Read the header, refuse what is too big from it, then decode (JPEGs at reduced scale)."""
    max_pixels = settings.MAPA_PHOTO_MAX_PIXELS
    try:
        with Image.open(upload) as original:  # reads the header only
            kind = original.format or ""
            if kind not in ACCEPTED_FORMATS:
                raise PhotoError(_("Send a JPEG, PNG or WebP photo."))
            if original.width * original.height > max_pixels:
                raise PhotoError(
                    _(
                        "The photo is %(width)d by %(height)d pixels; the limit is "
                        "%(megapixels)d megapixels. Send a smaller photo."
                    )
                    % {
                        "width": original.width,
                        "height": original.height,
                        "megapixels": max_pixels // 1_000_000,
                    }
                )
            gps = _gps(original)
            if kind == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale when that is still enough
                original.draft("RGB", (LONG_SIDE, LONG_SIDE))
            image = ImageOps.exif_transpose(original)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Far more pixels than Pillow will open: its header alone says so.
        raise PhotoError(
            _(
                "The photo has far more pixels than a photo needs; the limit is "
                "%(megapixels)d megapixels. Send a smaller photo."
            )
            % {"megapixels": max_pixels // 1_000_000}
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise PhotoError(
            _("This file is not a photo Mapa can read; send a JPEG, PNG or WebP photo.")
        ) from None
    return image, kind, gps


def _encode(image: Image.Image, kind: str) -> bytes:
    """Re-encode pixels only: no EXIF, XMP, ICC or comments are carried over."""
    bare = image.copy()
    bare.info = {}
    if kind == "JPEG" and bare.mode not in ("RGB", "L"):
        bare = bare.convert("RGB")
    buffer = io.BytesIO()
    options = {"quality": 85, "optimize": True} if kind in ("JPEG", "WEBP") else {"optimize": True}
    bare.save(buffer, kind, **options)
    return buffer.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.info = {}
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    if small.mode in ("RGBA", "LA", "P"):
        small = small.convert("RGBA")
        background = Image.new("RGB", small.size, "white")
        background.paste(small, mask=small.getchannel("A"))
        small = background
    elif small.mode != "RGB":
        small = small.convert("RGB")
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=80, optimize=True)
    return buffer.getvalue()


def _gps(image: Image.Image) -> tuple[float, float] | None:
    """(lon, lat) from EXIF GPS tags, if present and sane."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
        lat = _degrees(gps[2], gps.get(1, "N"), "S")
        lon = _degrees(gps[4], gps.get(3, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return (round(lon, 7), round(lat, 7))


def _degrees(dms: tuple[float, float, float], ref: str | bytes, negative: str) -> float:
    degrees, minutes, seconds = (float(part) for part in dms)
    value = degrees + minutes / 60 + seconds / 3600
    ref_text = ref.decode() if isinstance(ref, bytes) else str(ref)
    return -value if ref_text.strip().upper().startswith(negative) else value
