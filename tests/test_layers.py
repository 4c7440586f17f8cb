"""The layers of DESIGN.md as import contracts (import-linter, ``[tool.importlinter]``).

``_core`` imports nothing else of satcloud; models import no presentation and no
scenarios; scenarios import no presentation. import-linter follows module-level and
function-level imports, direct and through other modules, so a lazy ``from satcloud
import plots`` inside a model function breaks the contract too.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "satcloud"


def _config() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]


def test_import_contracts_are_kept():
    pytest.importorskip("importlinter", reason="pip install 'satcloud[test]'")
    run = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                               "sys.exit(lint_imports_command())", "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    report = run.stdout + run.stderr
    assert run.returncode == 0, f"import contracts broken (lint-imports):\n{report}"
    assert "0 broken" in report, report


def _layer_names(layer: str) -> set[str]:
    return {t.strip().strip("()") for t in layer.replace("|", ":").split(":")}


def test_every_top_level_module_has_a_layer():
    """A new module of satcloud must be placed in a layer (or the contracts miss it)."""
    contracts = {c["id"]: c for c in _config()["contracts"]}
    listed = set().union(*(_layer_names(layer) for layer in contracts["layers"]["layers"]))
    present = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    present |= {p.name for p in PACKAGE.iterdir()
                if p.is_dir() and (p / "__init__.py").exists()}
    missing = sorted(present - listed)
    assert not missing, (f"satcloud modules {missing} are in no layer of [tool.importlinter] "
                         "in pyproject.toml; add each to its layer")


def _required(layer: str) -> set[str]:
    return {t.strip() for t in layer.replace("|", ":").split(":")
            if not t.strip().startswith("(")}


def test_forbidden_contracts_agree_with_the_layers():
    """The two forbidden contracts restate the layers for every required module (the
    optional ones, in parentheses, are covered by the layers contract alone)."""
    contracts = {c["id"]: c for c in _config()["contracts"]}
    layers = contracts["layers"]["layers"]
    presentation, scenarios, models, core = (_layer_names(x) for x in layers)
    req = [_required(x) for x in layers]

    def short(names):
        return {n.removeprefix("satcloud.") for n in names}

    sources = short(contracts["models"]["source_modules"])
    assert req[2] | req[3] <= sources <= models | core
    forbidden = short(contracts["models"]["forbidden_modules"])
    assert req[0] | req[1] <= forbidden <= presentation | scenarios
    assert req[0] | req[1] | req[2] <= short(contracts["core"]["forbidden_modules"]) \
        <= presentation | scenarios | models
