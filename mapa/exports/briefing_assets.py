"""Leaflet and markercluster, inlined into a briefing map so that the saved file opens offline.

folium links its JavaScript and CSS from CDNs (jsdelivr, cdnjs, code.jquery.com); a
briefing map links nothing. The files come from the frontend build
(``frontend/build.mjs`` copies them from npm to ``dist/vendor/``) and are read through
Django's staticfiles: the finders in development and tests, the storage
(``STATIC_ROOT`` after ``collectstatic``) where the finders find nothing. The images
leaflet.css refers to become ``data:`` URIs, and the source-map comments are dropped:
the file must name nothing it does not hold.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured

LEAFLET_JS = "vendor/leaflet/leaflet.js"
LEAFLET_CSS = "vendor/leaflet/leaflet.css"
CLUSTER_JS = "vendor/leaflet.markercluster/leaflet.markercluster.js"
CLUSTER_CSS = (
    "vendor/leaflet.markercluster/MarkerCluster.css",
    "vendor/leaflet.markercluster/MarkerCluster.Default.css",
)

# Mapa's own part of the page: how pins, popups and the legend look and behave.
OWN_SCRIPT = Path(__file__).with_name("briefing_map.js")
OWN_STYLE = Path(__file__).with_name("briefing_map.css")

_SOURCE_MAP = re.compile(r"^\s*(//|/\*)# sourceMappingURL=.*$", re.MULTILINE)
_RELATIVE_URL = re.compile(r"url\((['\"]?)(?!data:|#|[a-z]+://)([^'\")]+)\1\)")
_MEDIA_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}


class MissingAsset(ImproperlyConfigured):
    """A vendored file is not in the static files: the frontend was not built."""


def static_bytes(name: str) -> bytes:
    """The static file ``name``: from the finders, else from the storage (``collectstatic``)."""
    found = finders.find(name)
    if isinstance(found, str):
        return Path(found).read_bytes()
    try:
        with staticfiles_storage.open(name) as handle:
            data: bytes = handle.read()
            return data
    except (OSError, ImproperlyConfigured, ValueError):
        raise MissingAsset(
            f"Static file {name} not found: build the frontend (cd frontend && npm run build) "
            "and, in production, run collectstatic."
        ) from None


def _script_text(name: str) -> str:
    text = static_bytes(name).decode("utf-8")
    return _SOURCE_MAP.sub("", text)


def _style_text(name: str) -> str:
    """A stylesheet with its relative ``url(...)`` images turned into ``data:`` URIs."""
    folder = name.rsplit("/", 1)[0]

    def inline(match: re.Match[str]) -> str:
        relative = match.group(2)
        media_type = _MEDIA_TYPES.get(Path(relative).suffix.lower())
        if media_type is None:
            return match.group(0)
        encoded = base64.b64encode(static_bytes(f"{folder}/{relative}")).decode("ascii")
        return f'url("data:{media_type};base64,{encoded}")'

    return _RELATIVE_URL.sub(inline, _SOURCE_MAP.sub("", static_bytes(name).decode("utf-8")))


def _safe_in(tag: str, text: str) -> str:
    """Text that cannot close its ``<script>``/``<style>`` element early."""
    return re.sub(rf"</(?={tag})", r"<\\/", text, flags=re.IGNORECASE)


@cache
def inline_scripts() -> str:
    """``<script>`` elements holding Leaflet, markercluster and Mapa's briefing script."""
    texts = [_script_text(LEAFLET_JS), _script_text(CLUSTER_JS), OWN_SCRIPT.read_text("utf-8")]
    return "\n".join(f"<script>{_safe_in('script', text)}</script>" for text in texts)


@cache
def inline_styles() -> str:
    """One ``<style>`` element holding Leaflet's, markercluster's and the briefing's CSS."""
    texts = [_style_text(LEAFLET_CSS), *(_style_text(name) for name in CLUSTER_CSS)]
    texts.append(OWN_STYLE.read_text("utf-8"))
    return f"<style>{_safe_in('style', chr(10).join(texts))}</style>"
