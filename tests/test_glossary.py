"""Every unit-suffixed parameter name of the public API is in docs/glossary.md (issue 12,
point 7): one spelling and one unit per quantity, written down once."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import satcloud

GLOSSARY = Path(__file__).resolve().parents[1] / "docs" / "glossary.md"

# A parameter whose name ends in one of these is a quantity with a unit.
UNIT_SUFFIX = re.compile(
    r"_(s|ms|h|min|days|km|km2|m|mm|deg|rad|k|db|dbw|dbi|dbk|dbhz|db_per_k|hz|ghz|mhz|"
    r"bps|mbps|gbps|bps_per_hz|w|kg|pct|percent|per_km2|count)$")


def public_functions():
    """(module, function) for every public function defined in a public module."""
    for info in pkgutil.walk_packages(satcloud.__path__, "satcloud."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (not name.startswith("_") and inspect.isfunction(obj)
                    and obj.__module__ == info.name):
                yield info.name, obj


def glossary_entries() -> str:
    """The glossary without its closing list of spellings still to settle."""
    return GLOSSARY.read_text(encoding="utf-8").split("## Quantities spelled two ways")[0]


def glossary_names() -> set[str]:
    text = glossary_entries()
    names = set()
    for line in text.splitlines():
        if line.startswith("- "):
            head = line.split("[", 1)[0]
            names.update(re.findall(r"`([a-z0-9_]+)`", head))
    return names


def test_every_unit_suffixed_parameter_is_in_the_glossary():
    known = glossary_names()
    missing = {}
    for module, fn in public_functions():
        for name in inspect.signature(fn).parameters:
            if UNIT_SUFFIX.search(name) and name not in known:
                missing.setdefault(name, f"{module}.{fn.__name__}")
    assert not missing, f"add to docs/glossary.md (name [unit] meaning): {missing}"


def test_glossary_lines_carry_a_unit():
    for line in glossary_entries().splitlines():
        if line.startswith("- `"):
            assert re.search(r"\[[^\]]+\]", line), f"no [unit] in glossary line: {line}"


def test_the_check_sees_the_api():
    """Guard against a vacuous pass: the walk finds the well-known names."""
    seen = {p for _, fn in public_functions() for p in inspect.signature(fn).parameters}
    assert {"freq_ghz", "elevation_deg", "altitude_km", "p_percent"} <= seen
