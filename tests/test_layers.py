"""Layers point one way: import-linter's contract in pyproject.toml, run as a test."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = config["tool"]["importlinter"]["contracts"]
    return contract


def test_the_layers_are_the_documented_ones_bottom_up():
    layers = list(reversed(_contract()["layers"]))
    order = [name.strip() for layer in layers for name in layer.replace("|", ":").split(":")]
    assert order.index("core") < order.index("districts") < order.index("catalogue")
    assert order.index("catalogue") < order.index("reports") < order.index("web")
    assert order.index("districts") < order.index("places") < order.index("web")


def test_every_app_is_placed_in_a_layer():
    placed = {
        name.strip()
        for layer in _contract()["layers"]
        for name in layer.replace("|", ":").split(":")
    }
    apps = {p.name for p in (ROOT / "mapa").iterdir() if (p / "__init__.py").exists()}
    assert apps <= placed, f"apps in no layer: {apps - placed}"


def test_no_module_imports_a_layer_above_its_own():
    assert LINT_IMPORTS.exists() or shutil.which("lint-imports")
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 kept, 0 broken" in done.stdout
