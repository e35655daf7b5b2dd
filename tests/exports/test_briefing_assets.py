"""Leaflet and markercluster inlined into a briefing map from the static files (briefing_assets)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings

from mapa.exports import briefing_assets
from mapa.exports.briefing_assets import (
    LEAFLET_JS,
    MissingAsset,
    inline_scripts,
    inline_styles,
    static_bytes,
)
from tests.conftest import ROOT
from tests.test_production import run_collectstatic

PRODUCTION_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(autouse=True)
def fresh_assets() -> Iterator[None]:
    """The inlined text is cached per process; each test reads the files afresh."""
    inline_scripts.cache_clear()
    inline_styles.cache_clear()
    yield
    inline_scripts.cache_clear()
    inline_styles.cache_clear()


def test_the_scripts_are_leaflet_markercluster_and_mapas_own():
    scripts = re.findall(r"<script>(.*?)</script>", inline_scripts(), re.DOTALL)
    assert len(scripts) == 3
    leaflet = (ROOT / "frontend/node_modules/leaflet/dist/leaflet.js").read_text()
    assert scripts[0].strip() == leaflet.split("//# sourceMappingURL")[0].strip()
    assert "MarkerClusterGroup" in scripts[1]
    assert "window.MapaBriefing" in scripts[2]
    assert "sourceMappingURL" not in inline_scripts()


def test_the_styles_carry_their_images_as_data_uris():
    styles = inline_styles()
    assert styles.startswith("<style>")
    assert styles.endswith("</style>")
    assert "url(images/" not in styles
    assert styles.count('url("data:image/png;base64,') == 3  # layers, layers-2x, marker-icon
    assert ".marker-cluster-small" in styles  # MarkerCluster.Default.css
    assert ".mapa-pin-dot" in styles
    assert "sourceMappingURL" not in styles


def test_text_cannot_close_its_element_early():
    assert briefing_assets._safe_in("script", 'a = "</script><b>";') == 'a = "<\\/script><b>";'
    assert briefing_assets._safe_in("style", "/* </STYLE> */") == "/* <\\/STYLE> */"


def test_a_missing_file_says_to_build_the_frontend():
    with pytest.raises(MissingAsset, match="npm run build"):
        static_bytes("vendor/leaflet/not-there.js")


@pytest.mark.production
def test_after_collectstatic_the_files_come_from_static_root(tmp_path: Path):
    """Production's storage holds them when the finders have nothing (only STATIC_ROOT kept)."""
    result = run_collectstatic(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    with override_settings(STATICFILES_DIRS=[], STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGE):
        assert finders.find(LEAFLET_JS) is None
        assert static_bytes(LEAFLET_JS) == (tmp_path / LEAFLET_JS).read_bytes()
        scripts = inline_scripts()
        styles = inline_styles()
    assert 'version="1.9.4"' in scripts
    assert "MarkerClusterGroup" in scripts
    assert styles.count("data:image/png;base64,") == 3
