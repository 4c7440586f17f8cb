"""Garbage into every public scenario function: a named error, never a raw pandas one.

Each function of :mod:`satcloud.scenarios` is called with garbage for its first
parameter (the others given as ``None``); it must raise ``ValueError`` or ``TypeError``
whose message names that parameter (not ``KeyError``/``AttributeError``/"No objects to
concatenate" from pandas). A few parameters beyond the first are checked explicitly.
"""

from __future__ import annotations

import importlib
import inspect

import pandas as pd
import pytest

MODULES = ["competition", "constellations", "datacenter", "design", "fibre",
           "ground_stations", "latency", "links"]
GARBAGE = {"None": None, "42": 42, "nonsense": "nonsense", "[]": [], "{}": {},
           "empty table": pd.DataFrame(), "wrong table": pd.DataFrame({"zz": [1, 2]}),
           "nan": float("nan"), "inf": float("inf"), "object": object()}
# first parameters for which a garbage value is also a valid one
VALID = {("competition", "city_set"): {"None", "42"},
         ("competition", "systems_table"): {"None"},
         ("constellations", "comparison_set"): {"42"},
         ("datacenter", "remote_sites"): {"None"},
         ("latency", "endpoints"): {"42"},
         ("links", "link_availability"): {"None"},
         ("links", "rain_fade_by_city"): {"None"},
         ("links", "reference_budgets"): {"None"},
         ("competition", "availability_table"): {"None"},
         ("competition", "side_by_side_text"): {"wrong table"},
         ("design", "shell_trade"): {"42"},
         ("competition", "availability_text"): {"None", "42", "nonsense", "[]", "{}",
                                                "empty table", "wrong table", "nan", "inf",
                                                "object"}}


def _cases():
    for m in MODULES:
        mod = importlib.import_module(f"satcloud.scenarios.{m}")
        for name in mod.__all__:
            f = getattr(mod, name)
            if not inspect.isfunction(f):
                continue
            params = [p for p in inspect.signature(f).parameters.values()
                      if p.kind is p.POSITIONAL_OR_KEYWORD]
            if not params:
                continue
            for label in GARBAGE:
                if label in VALID.get((m, name), set()):
                    continue
                yield pytest.param(f, params, label, id=f"{m}.{name}({params[0].name}={label})")


@pytest.mark.parametrize("function, params, label", list(_cases()))
def test_garbage_first_parameter_gives_a_named_error(function, params, label):
    first = params[0]
    others = {p.name: None for p in params[1:] if p.default is p.empty}
    with pytest.raises((ValueError, TypeError)) as info:
        function(GARBAGE[label], **others)
    assert first.name in str(info.value), str(info.value)


def test_further_parameters():
    from satcloud.scenarios import competition as sc
    from satcloud.scenarios import constellations as scons
    from satcloud.scenarios import latency as slat

    with pytest.raises(ValueError, match="systems is empty; give at least one of"):
        slat.system_rtt(["London"], None, systems=[])
    with pytest.raises(ValueError, match=r"option\(s\) \['inter_plane_slot_offset'\] apply "
                                         "to none of the systems"):
        slat.system_rtt(["London"], None, systems=["fibre, ideal", "GEO"],
                        inter_plane_slot_offset=1)
    with pytest.raises(ValueError, match="keys is empty"):
        sc.rtt_samples(["London"], None, keys=[])
    with pytest.raises(ValueError, match=r"counts must be in \[1, 4408\]"):
        scons.deployment_sweep("starlink-gen1", counts=(100, 5000))
    with pytest.raises(ValueError, match="counts is empty"):
        scons.deployment_sweep("starlink-gen1", counts=())


def test_system_rtt_passes_each_system_only_what_applies():
    # hop_overhead_ms is a satellite option: fibre rows are those of a plain fibre call
    from satcloud import latency
    from satcloud.scenarios import latency as slat

    rows = slat.system_rtt(["London", "Lagos"], None, systems=["fibre, typical", "GEO"],
                           overhead_ms=1.0, hop_overhead_ms=0.5)
    fib = rows[rows["system"] == "fibre, typical"].drop(columns="system").reset_index(drop=True)
    ref = latency.rtt("fibre", "typical", ["London", "Lagos"], overhead_ms=1.0)
    pd.testing.assert_frame_equal(fib, ref)
    geo = rows[rows["system"] == "GEO"]
    assert (geo["overhead_ms"].astype(float) == 1.0 + 2 * 0.5).all()
