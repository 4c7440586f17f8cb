"""Garbage into every public entry point: a named error or finite numbers out (issue 11).

How the harness works
---------------------
1. :func:`public_entry_points` enumerates every public function of the package: for each
   non-underscore module and sub-package (``pkgutil.walk_packages``), every function in
   its ``__all__`` (re-exports deduplicated by identity), plus the public constructors
   and methods of :class:`~satcloud.constellations.Constellation` and
   :class:`~satcloud.orbits.Ephemeris` listed in :data:`METHODS`, plus the widget
   panels of :mod:`satcloud.widgets`, whose parameters are their controls' initial
   values (:data:`PANELS`; an error a panel shows counts as raised).
2. :data:`REGISTRY` maps each qualified name to a :class:`Case`: a factory returning the
   keyword arguments of one valid, cheap call (tiny constellations, a few time steps, one
   or two sites). :data:`EXEMPT` lists the few functions that are not fuzzed here, each
   with its reason. ``test_registry_covers_every_public_function`` fails when a public
   function is in neither, so a new function cannot ship without a fuzz case.
3. ``test_valid_call_is_finite`` runs each valid call; its numbers must be finite except
   in the result fields of :attr:`Case.allow` (each with its documented reason).
   ``test_garbage_argument`` then replaces one parameter at a time (every parameter of
   the signature, given or defaulted) by each value of a fixed garbage list chosen by
   the kind of the valid value (number, array, string, table, ...): the call must raise
   ``ValueError``/``TypeError`` whose message names that parameter (or one of the names
   in :attr:`Case.names`: a parser names the line/field, a table loader its file), or
   return finite numbers. Anything else -- a raw numpy/pandas ``KeyError``,
   ``IndexError``, ``AttributeError``, a message naming an internal parameter, a silent
   NaN, a call running longer than :data:`TIMEOUT_S` -- fails.
4. Hypothesis properties draw random floats and text for the numeric parameters of the
   cheap functions (``SATCLOUD_FUZZ_EXAMPLES`` raises the number of examples).

The memory limit is lowered for this module (as in ``test_fuzz_orbits.py``) so that a
garbage size (``1e308`` steps) is refused at once rather than allocated.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import math
import os
import pkgutil
import signal
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import satcloud

DATA = Path(__file__).parent / "data"
TIMEOUT_S = 30.0
EXAMPLES = int(os.environ.get("SATCLOUD_FUZZ_EXAMPLES", "25"))


@pytest.fixture(scope="module", autouse=True)
def scratch_cwd(tmp_path_factory):
    """Run in a scratch folder: a garbage string is a valid relative path for the
    functions that write (``sweep(output="garbage")``)."""
    old = Path.cwd()
    os.chdir(tmp_path_factory.mktemp("fuzz_cwd"))
    try:
        yield
    finally:
        os.chdir(old)


# 64 MB: a garbage size that would build a large (valid) grid is refused at once
pytestmark = pytest.mark.usefixtures("small_memory_limit")


# ------------------------------------------------------------------ enumeration

#: Public classes whose constructors/methods are entry points as well (name -> methods).
METHODS = {
    "satcloud.constellations.Constellation": ("walker", "from_tle", "from_omm",
                                              "from_orbits", "subset", "with_min_elevation",
                                              "deployed", "describe", "validity_window"),
    "satcloud.orbits.Ephemeris": ("isel",),
}


def _public_modules() -> list[types.ModuleType]:
    mods = [satcloud]
    for info in pkgutil.walk_packages(satcloud.__path__, "satcloud."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        mods.append(importlib.import_module(info.name))
    return mods


def public_entry_points() -> dict[str, Callable]:
    """Qualified name (where defined) -> function, for every public function."""
    seen: dict[int, str] = {}
    out: dict[str, Callable] = {}
    for mod in _public_modules():
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name)
            if inspect.isfunction(obj) and id(obj) not in seen:
                qual = f"{obj.__module__}.{obj.__qualname__}"
                seen[id(obj)] = qual
                out[qual] = obj
    for cls_name, methods in METHODS.items():
        module, _, cls = cls_name.rpartition(".")
        klass = getattr(importlib.import_module(module), cls)
        for m in methods:
            out[f"{cls_name}.{m}"] = getattr(klass, m)
    # the widget panels: their constructors' control keywords (see PANELS)
    from satcloud.widgets._base import Panel
    widgets = importlib.import_module("satcloud.widgets")
    for name in widgets.__all__:
        obj = getattr(widgets, name)
        if inspect.isclass(obj) and issubclass(obj, Panel):
            out[f"satcloud.widgets.{name}"] = (_panel_entry(name) if name in PANELS
                                               else obj)
    return out


# ------------------------------------------------------------------ garbage values

NAN, INF = float("nan"), float("inf")
TLE_JUNK = ("ISS (ZARYA)\n1 25544U 98067A   18184.80969102  .00001614  zzzzz-z  nan-4 0  999x\n"
            "2 25544  51.6414 inf 0003435 nan 1e999 15.5397 12345")


class _Opaque:
    """An object of no known type (``object()`` with a readable repr)."""

    def __repr__(self):
        return "<opaque object>"


def _numbers() -> list:
    return [NAN, INF, -INF, 1e308, -1e308, True, "garbage", [NAN], _Opaque()]


def _texts() -> list:
    return ["garbage", TLE_JUNK, "", 42, NAN, INF, [], _Opaque()]


def _non_finite_copy(value, fill):
    """The valid array/table with its numbers replaced by ``fill`` (NaN or inf)."""
    if isinstance(value, pd.DataFrame):
        out = value.copy()
        for c in out.select_dtypes("number").columns:
            if out[c].dtype.kind == "f":
                out[c] = fill
        return out
    arr = np.array(value, dtype=float, copy=True)
    arr.flat[0] = fill
    return arr


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _is_numeric_array(v) -> bool:
    if isinstance(v, (list, tuple, np.ndarray)) and len(np.shape(v)) and np.size(v):
        try:
            return np.asarray(v).dtype.kind in "if"
        except (ValueError, TypeError):
            return False
    return False


def garbage_for(value) -> list[tuple[str, object]]:
    """(label, garbage) pairs for a parameter whose valid value is ``value``."""
    if isinstance(value, bool):
        vals = ["garbage", NAN, _Opaque()]
    elif _is_number(value):
        vals = _numbers()
    elif _is_numeric_array(value):
        vals = _numbers() + [[], _non_finite_copy(value, NAN), _non_finite_copy(value, INF)]
    elif isinstance(value, str):
        vals = _texts()
    elif isinstance(value, pd.DataFrame):
        vals = [pd.DataFrame(), pd.DataFrame({"zz": [1.0, 2.0]}), "garbage", NAN, 42,
                _Opaque(), _non_finite_copy(value, NAN), _non_finite_copy(value, INF)]
    else:
        vals = ["garbage", TLE_JUNK, 42, NAN, INF, -1e308, [], [NAN], _Opaque()]
    out = []
    for v in vals:
        label = type(v).__name__ if isinstance(v, (pd.DataFrame, np.ndarray)) else repr(v)
        if isinstance(v, (pd.DataFrame, np.ndarray)) and np.size(v):
            label += "-nonfinite" if v is not value else ""
        out.append((label[:40], v))
    return out


# ------------------------------------------------------------------ finite results

def _nonfinite_paths(obj, path="result", depth=0) -> Iterator[str]:
    """Paths of the non-finite numbers inside ``obj`` (recursively)."""
    if depth > 6 or obj is None or isinstance(obj, (str, bytes, bool, Path)):
        return
    if isinstance(obj, (int, float, np.integer, np.floating)):
        if not math.isfinite(float(obj)):
            yield path
        return
    if isinstance(obj, pd.DataFrame):
        if "reachable" in obj.columns and obj["reachable"].dtype == bool:
            # latency module notes: unreachable rows hold <NA> in every delay column;
            # reachable rows must be finite
            obj = obj[obj["reachable"]]
        for c in obj.columns:
            yield from _nonfinite_paths(obj[c], f"{path}[{c!r}]", depth + 1)
        return
    if isinstance(obj, pd.Series):
        if (pd.api.types.is_numeric_dtype(obj.dtype) and not pd.api.types.is_bool_dtype(
                obj.dtype) and len(obj)):
            # nullable Float64/Int64: <NA> counts as non-finite
            if not np.isfinite(obj.to_numpy(dtype=float, na_value=np.nan)).all():
                yield path
        elif obj.dtype == object and len(obj):
            for i, v in enumerate(obj.iloc[:50]):
                if isinstance(v, (float, np.floating, np.ndarray)):
                    yield from _nonfinite_paths(v, f"{path}[{i}]", depth + 1)
        return
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fc" and obj.size and not np.isfinite(obj).all():
            yield path
        elif obj.dtype == object:
            for i, v in enumerate(obj.flat[:50]):
                yield from _nonfinite_paths(v, f"{path}[{i}]", depth + 1)
        return
    if hasattr(obj, "to_dataframe") and hasattr(obj, "dims"):        # xarray
        ds = obj if hasattr(obj, "data_vars") else obj.to_dataset(name="value")
        for k, v in ds.data_vars.items():
            yield from _nonfinite_paths(np.asarray(v.values), f"{path}.{k}", depth + 1)
        return
    if hasattr(obj, "jd1") and hasattr(obj, "jd2"):                 # astropy Time
        yield from _nonfinite_paths(np.asarray(obj.jd, dtype=float), f"{path}.jd", depth + 1)
        return
    if type(obj).__name__ == "SnapshotRoutes":
        # documented: total_ms is inf and the components NaN where unreachable, which
        # exit_index marks with -1; anywhere else they must be finite
        reached = np.asarray(obj.exit_index) >= 0
        for f in ("total_ms", "uplink_ms", "isl_ms", "downlink_ms", "fibre_ms"):
            if not np.isfinite(np.asarray(getattr(obj, f))[reached]).all():
                yield f"{path}.{f}"
        return
    if type(obj).__name__ == "Constellation":
        yield from _nonfinite_paths(obj.satellites, f"{path}.satellites", depth + 1)
        return
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _nonfinite_paths(getattr(obj, f.name), f"{path}.{f.name}", depth + 1)
        return
    if isinstance(obj, Mapping):
        for k, v in list(obj.items())[:200]:
            yield from _nonfinite_paths(v, f"{path}[{k!r}]", depth + 1)
        return
    if isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj[:200]):
            yield from _nonfinite_paths(v, f"{path}[{i}]", depth + 1)
        return
    if hasattr(obj, "toarray") and hasattr(obj, "nnz"):             # scipy sparse
        yield from _nonfinite_paths(np.asarray(obj.data), f"{path}.data", depth + 1)
    # figures, widgets, paths, clients: no numbers of their own to check


def _materialise(result):
    """Consume generators (iter_propagate, iter_access, iter_routes) into a list."""
    if isinstance(result, Iterator) and not isinstance(result, (str, bytes)):
        return list(result)
    return result


# ------------------------------------------------------------------ the registry

@dataclasses.dataclass
class Case:
    """One valid call of a public function and what its garbage calls may do.

    kwargs
        Factory returning the keyword arguments of a valid, cheap call (``"*"`` holds the
        positional ``*args`` of a variadic function).
    names
        Parameter -> other names an error about it may give instead of the parameter's
        own, each justified where the case is declared (e.g. a parser's line number).
    allow
        Result paths (DataFrame columns or dataclass fields, matched as substrings of the
        path) that may hold NaN or infinity, each with its documented reason.
    skip
        Parameter -> reason it is not fuzzed here.
    """

    kwargs: Callable[[], dict]
    names: dict = dataclasses.field(default_factory=dict)
    allow: dict = dataclasses.field(default_factory=dict)
    skip: dict = dataclasses.field(default_factory=dict)
    cleanup: Callable | None = None  # applied to every result (e.g. close a client)
    signature: Callable | None = None  # whose signature lists the parameters, if not
    # the function's own (a ``*args, **kwargs`` wrapper)


REGISTRY: dict[str, Case] = {}
EXEMPT: dict[str, str] = {}


def case(qualname: str, **kw):
    """Register the decorated kwargs factory as the valid call of ``qualname``."""
    def deco(factory):
        REGISTRY[qualname] = Case(kwargs=factory, **kw)
        return factory
    return deco


def simple(qualname: str, **kwargs):
    """Register a case whose valid keyword arguments are constants (a function with a
    parameter called ``names``, ``allow``, ``skip``, ... needs :func:`case`)."""
    extra = {k: kwargs.pop(k) for k in ("names", "allow", "skip", "signature", "cleanup")
             if k in kwargs}
    REGISTRY[qualname] = Case(kwargs=lambda: dict(kwargs), **extra)


# ------------------------------------------------------------------ shared small inputs
# Cached: every factory returns fresh copies of mutable tables.

@functools.cache
def _walker():
    from satcloud.constellations import Constellation
    return Constellation.walker(550.0, 53.0, 3, 4, 1, min_elevation_deg=10.0)


@functools.cache
def _times():
    from satcloud.time import time_grid
    return time_grid("2020-10-01T00:00:00", "15min", "300s")


@functools.cache
def _ephemeris():
    from satcloud.orbits import propagate
    return propagate(_walker(), _times())


def _sites() -> pd.DataFrame:
    return pd.DataFrame({"site": ["London", "Quito"], "lat_deg": [51.5, -0.2],
                         "lon_deg": [-0.13, -78.5]})


def _stations() -> pd.DataFrame:
    return pd.DataFrame({"station": ["Svalbard", "Troll"], "network": ["ksat", "ksat"],
                         "lat_deg": [78.23, -72.01], "lon_deg": [15.41, 2.53]})


@functools.cache
def _eo_ephemeris():
    """A sun-synchronous satellite over 3 hours: it passes the polar stations."""
    from satcloud.orbits import propagate
    from satcloud.scenarios.ground_stations import eo_constellation
    from satcloud.time import time_grid
    return propagate(eo_constellation(), time_grid("2020-10-01T00:00:00", "3h", "60s"))


@functools.cache
def _passes():
    from satcloud.passes import passes
    return passes(_eo_ephemeris(), _stations())


def _tle_text() -> str:
    return (DATA / "iss_2018-07-03.tle").read_text()


def _omm_json() -> str:
    import json
    return json.dumps(json.loads((DATA / "starlink_2020-02-14.json").read_text())[:3])


def _site_table():
    from satcloud.coverage import site_coverage
    return site_coverage(_ephemeris(), _sites())


# Names an error may give instead of the parameter's own, and why.
TLE_NAMES = ("line", "source")      # a parser names the line (and field) that is wrong
OMM_NAMES = ("record", "line", "source", "OMM")  # ... or the OMM record/line and field


# ------------------------------------------------------------------ orbits, time, TLE

simple("satcloud.time.time_grid", start="2020-10-01T00:00:00", duration="10min",
       step="300s")
simple("satcloud.time.to_time", value="2020-10-01T00:00:00", skip={
    "name": "the parameter name used in messages, not data"},
    names={"value": ("times",)})  # messages call value by `name`, default "times"
case("satcloud.time.earth_rotation_angle_rad")(lambda: {"times": _times()})
case("satcloud.time.gmst82_rad")(lambda: {"times": _times()})
simple("satcloud.time.duration_s", value="10min", allow_zero=False, skip={
    "name": "the parameter name used in messages, not data"},
    names={"value": ("duration",)})  # messages call value by `name`, default "duration"
case("satcloud.time.sample_durations_s", skip={
    "name": "the parameter name used in messages, not data"})(lambda: {"times": _times()})
case("satcloud.time.uniform_step_s", skip={
    "name": "the parameter name used in messages, not data"})(lambda: {"times": _times()})
simple("satcloud.orbits.j2_secular_rates", a_km=6928.0, eccentricity=0.001,
       inclination_deg=53.0)
simple("satcloud.orbits.mean_motion_rad_s", a_km=6928.0)
simple("satcloud.orbits.nodal_period_s", altitude_km=550.0, inclination_deg=53.0,
       eccentricity=0.0)
simple("satcloud.orbits.orbital_period_s", altitude_km=550.0)
simple("satcloud.orbits.sun_synchronous_inclination_deg", altitude_km=550.0,
       eccentricity=0.0)
case("satcloud.orbits.propagate")(lambda: {"constellation": _walker(), "times": _times()})
case("satcloud.orbits.iter_propagate")(lambda: {"constellation": _walker(), "times": _times(),
                                                "chunk_steps": 2})
case("satcloud.orbits.propagate_pairs")(lambda: {"constellation": _walker(),
                                                 "sat_index": np.array([0, 1, 2]),
                                                 "times": _times()[:3]})
case("satcloud.orbits.Ephemeris.isel")(
    lambda: {"self": _ephemeris(), "time": slice(0, 2), "sat": [0, 1]})

case("satcloud.tle.parse_tle", names={"source": TLE_NAMES})(lambda: {"source": _tle_text()})
case("satcloud.tle.parse_omm", names={"source": OMM_NAMES})(
    lambda: {"source": _omm_json(), "format": "json"})
case("satcloud.tle.tle_checksum")(lambda: {"line": _tle_text().splitlines()[1]})

# ------------------------------------------------------------------ constellations

simple("satcloud.constellations.Constellation.walker", altitude_km=550.0,
       inclination_deg=53.0, planes=3, sats_per_plane=4, phasing=1, min_elevation_deg=10.0)
case("satcloud.constellations.Constellation.from_tle", names={"source": TLE_NAMES})(
    lambda: {"source": _tle_text()})
case("satcloud.constellations.Constellation.from_omm", names={"source": OMM_NAMES})(
    lambda: {"source": _omm_json(), "format": "json"})
case("satcloud.constellations.Constellation.subset")(
    lambda: {"self": _walker(), "rows": [0, 1, 5]})
case("satcloud.constellations.Constellation.with_min_elevation")(
    lambda: {"self": _walker(), "min_elevation_deg": 20.0})
case("satcloud.constellations.Constellation.deployed")(
    lambda: {"self": _walker(), "fraction": 0.5})
case("satcloud.constellations.deploy")(lambda: {"constellation": _walker(), "count": 6})
simple("satcloud.constellations.constellation", name="o3b-mpower",
       names={"name": ("constellation",)})  # "unknown constellation 'x'; valid choices"
simple("satcloud.constellations.geostationary_altitude_km")
case("satcloud.constellations.classify")(
    lambda: {"constellation": __import__("satcloud.constellations", fromlist=["x"])
             .Constellation.from_tle(_tle_text()), "filed": ("starlink-gen1",),
             "epoch": None, "plane_tolerance_deg": 2.0})
#: describe: fill_fraction is NaN for a shell no filing matches (documented)
case("satcloud.constellations.describe", allow={"fill_fraction": "no filed shell"})(
    lambda: {"constellation": _walker(), "by": "shell"})
simple("satcloud.constellations.element_sets", name="starlink")
case("satcloud.constellations.Constellation.describe")(
    lambda: {"self": _walker(), "by": "status"})
case("satcloud.constellations.Constellation.validity_window")(
    lambda: {"self": _walker(), "max_age_days": 3.0})
simple("satcloud.constellations.real_constellation", name="starlink", as_of="2020-10-29",
       epoch=None, min_elevation_deg=None)
simple("satcloud.orbits.tle_along_track_error_km", age_days=2.0)
simple("satcloud.constellations.network_constellation", network="oneweb")
simple("satcloud.constellations.sun_synchronous_orbit", altitude_km=550.0, ltan_h=22.5)


@case("satcloud.constellations.Constellation.from_orbits")
def _from_orbits():
    from astropy import units as u
    from boinor.bodies import Earth
    from boinor.twobody import Orbit
    o = Orbit.from_classical(Earth, 6928 * u.km, 0.001 * u.one, 53 * u.deg, 10 * u.deg,
                             0 * u.deg, 0 * u.deg)
    return {"orbits": [o]}


# ------------------------------------------------------------------ geometry

simple("satcloud.geometry.geodetic_to_ecef", lat_deg=51.5, lon_deg=-0.13, altitude_km=0.1)
simple("satcloud.geometry.ecef_to_geodetic", r_km=[3980.0, -9.0, 4966.0])
simple("satcloud.geometry.slant_range_km", altitude_km=550.0, elevation_deg=30.0)
case("satcloud.geometry.elevation_deg")(
    lambda: {"r_sat_km": _ephemeris().r_ecef_km, "lat_deg": 51.5, "lon_deg": -0.13})
case("satcloud.geometry.look_angles")(
    lambda: {"ephemeris": _ephemeris(), "lat_deg": 51.5, "lon_deg": -0.13, "alt_m": 10.0})
case("satcloud.geometry.normalize_sites", skip={
    "name": "the parameter name used in messages, not data"})(lambda: {"sites": _sites()})
case("satcloud.geometry.access")(
    lambda: {"ephemeris": _ephemeris(), "sites": _sites(), "min_elevation_deg": 10.0})
case("satcloud.geometry.iter_access")(
    lambda: {"ephemeris": _ephemeris(), "sites": _sites(), "min_elevation_deg": 10.0,
             "chunk_steps": 2})
simple("satcloud.geometry.enu_basis", lat_deg=[51.5, -0.2], lon_deg=[-0.13, -78.5])
simple("satcloud.geometry.gso_arc_separation_deg", lat_deg=[0.5, 51.5], lon_deg=-0.13,
       alt_m=10.0, sat_ecef_km=[[6900.0, 0.0, 100.0], [4500.0, -10.0, 5300.0]])
simple("satcloud.geometry.gso_arc_excluded", lat_deg=[0.5, 51.5], lon_deg=-0.13,
       alt_m=10.0, sat_ecef_km=[[6900.0, 0.0, 100.0], [4500.0, -10.0, 5300.0]],
       avoidance_deg=22.0)
simple("satcloud.geometry.coverage_cone", altitude_km=[550.0, 1200.0],
       min_elevation_deg=25.0)
simple("satcloud.geometry.coverage_cone_cos", r_max_km=[6928.0, 7500.0],
       min_elevation_deg=10.0, rho_min_km=6356.0)
case("satcloud.geometry.ecef_positions_km", skip={
    "name": "the parameter name used in messages, not data"},
    names={"ephemeris_or_r": ("ephemeris",)})(  # messages call it by `name`
    lambda: {"ephemeris_or_r": _ephemeris()})
case("satcloud.geometry.satellite_min_elevation_deg")(
    lambda: {"ephemeris": _ephemeris(), "min_elevation_deg": 10.0, "n_satellites": 12})
case("satcloud.geometry.iter_visible_pairs")(
    lambda: {"ephemeris": _ephemeris(), "sites": _sites(), "min_elevation_deg": 10.0,
             "chunk_steps": 2, "method": "auto", "sort_sites": False})
case("satcloud.geometry.ground_track")(lambda: {"ephemeris": _ephemeris(), "sat_index": 1})
case("satcloud.geometry.subsatellite_points")(
    lambda: {"ephemeris": _ephemeris(), "time_index": 1})

# ------------------------------------------------------------------ coverage, chunked, passes

simple("satcloud.coverage.global_grid", spacing_deg=30.0, lat_limit_deg=60.0)
case("satcloud.coverage.site_coverage")(
    lambda: {"ephemeris": _ephemeris(), "sites": _sites(), "min_elevation_deg": 10.0, "k": 1})
case("satcloud.coverage.demand_fraction")(
    lambda: {"ephemeris": _ephemeris(), "sites": _sites(), "max_times": 2})
case("satcloud.coverage.visible_counts")(
    lambda: {"ephemeris": _ephemeris(), "sites": _sites(), "min_elevation_deg": 10.0})
case("satcloud.coverage.grid_coverage")(
    lambda: {"ephemeris": _ephemeris(), "spacing_deg": 30.0, "min_elevation_deg": 10.0,
             "lat_limit_deg": 60.0})
case("satcloud.coverage.population_coverage")(
    lambda: {"ephemeris": _ephemeris(), "min_elevation_deg": 10.0, "n": 5})
case("satcloud.coverage.coverage_vs_min_elevation")(
    lambda: {"ephemeris": _ephemeris(), "sites": _sites(), "min_elevations_deg": [10.0, 30.0]})
case("satcloud.coverage.coverage_vs_deployment")(
    lambda: {"constellation": _walker(), "times": _times(), "sites": _sites(),
             "fractions": [0.5, 1.0], "min_elevation_deg": 10.0})
case("satcloud.coverage.coverage_summary")(lambda: {"table": _site_table(), "weight": None})
case("satcloud.chunked.coverage_statistics")(
    lambda: {"ephemeris": _ephemeris(), "sites": _sites(), "min_elevation_deg": 10.0,
             "chunk_steps": 2})
case("satcloud.chunked.coverage_over_time")(
    lambda: {"constellation": _walker(), "start": "2020-10-01T00:00:00", "duration": "15min",
             "step": "300s", "sites": _sites(), "min_elevation_deg": 10.0, "chunk_steps": 2,
             "scheduler": "synchronous", "progress": False})
case("satcloud.chunked.coverage_over_grid")(
    lambda: {"constellation": _walker(), "start": "2020-10-01T00:00:00", "duration": "15min",
             "step": "300s", "spacing_deg": 30.0, "lat_limit_deg": 60.0,
             "scheduler": "synchronous", "progress": False, "min_elevation_deg": 10.0})
case("satcloud.passes.passes")(
    lambda: {"ephemeris": _eo_ephemeris(), "stations": _stations(), "min_elevation_deg": 5.0})
case("satcloud.passes.daily_totals")(
    lambda: {"passes_df": _passes().copy(), "by": "station", "stations": _stations()})


# ------------------------------------------------------------------ links

_LINK = "satcloud.links."
simple(_LINK + "fspl.fspl_db", distance_km=1000.0, freq_ghz=12.0)
simple(_LINK + "fspl.slant_range_km", altitude_km=550.0, elevation_deg=40.0)
simple(_LINK + "fspl.wavelength_m", freq_ghz=12.0)
simple(_LINK + "antennas.beamwidth_3db_deg", antenna_diameter_m=0.6, freq_ghz=12.0)
simple(_LINK + "antennas.eirp_dbw", tx_power_dbw=10.0, tx_gain_dbi=30.0, tx_losses_db=1.0)
simple(_LINK + "antennas.eirp_with_dish_dbw", reference_eirp_dbw=45.0,
       antenna_diameter_m=1.2, reference_antenna_diameter_m=0.6)
simple(_LINK + "antennas.gain_from_beamwidth_dbi", beamwidth_deg=3.0, antenna_efficiency=0.6)
simple(_LINK + "antennas.parabolic_gain_dbi", antenna_diameter_m=0.6, freq_ghz=12.0,
       antenna_efficiency=0.6)
simple(_LINK + "antennas.phased_array_boresight_gain_dbi", n_elements=1000,
       element_gain_dbi=5.0)
simple(_LINK + "antennas.phased_array_gain_dbi", boresight_gain_dbi=35.0, scan_angle_deg=30.0)
simple(_LINK + "antennas.pointing_loss_db", offset_deg=0.2, beamwidth_deg=2.0)
simple(_LINK + "antennas.scan_angle_deg", elevation_deg=50.0, azimuth_deg=10.0)
simple(_LINK + "antennas.watts_to_dbw", power_w=20.0)
simple(_LINK + "atmosphere.atmospheric_attenuation", lat_deg=51.5, lon_deg=-0.13,
       elevation_deg=40.0, freq_ghz=12.0, p_percent=0.5)
simple(_LINK + "atmosphere.itur_attenuation", lat_deg=51.5, lon_deg=-0.13,
       elevation_deg=40.0, freq_ghz=12.0, p_percent=0.5)
simple(_LINK + "atmosphere.attenuation_cache_info")
simple(_LINK + "atmosphere.clear_attenuation_cache")
simple(_LINK + "atmosphere.elevation_nodes_deg")
simple(_LINK + "atmosphere.itur_versions")
simple(_LINK + "availability.availability_for_budget", profile="starlink_user_downlink",
       elevation_deg=40.0, lat_deg=51.5, lon_deg=-0.13, p_grid_percent=[0.1, 1.0])
simple(_LINK + "availability.availability_for_margin", margin_db=6.0, lat_deg=51.5,
       lon_deg=-0.13, elevation_deg=40.0, freq_ghz=12.0)
simple(_LINK + "availability.availability_from_fade_margin", fade_margin_db=[5.0, 3.0, 1.0],
       p_grid_percent=[0.01, 0.1, 1.0])
simple(_LINK + "availability.margin_vs_percentage", lat_deg=51.5, lon_deg=-0.13,
       elevation_deg=40.0, freq_ghz=12.0, p_percent=[0.1, 1.0])
simple(_LINK + "availability.availability_map", margin_db=6.0, bands_ghz={"Ku": 12.0},
       lat_step_deg=30.0, lon_step_deg=60.0, lat_range_deg=(-30.0, 30.0))
#: links.budget module notes: NaN where the profile gives the receiver only as a G/T
BUDGET_NAN = {"rx_gain_dbi": "G/T-only (satellite) receiver: not applicable",
              "rx_tsys_k": "G/T-only (satellite) receiver: not applicable"}
simple(_LINK + "budget.link_budget", allow=BUDGET_NAN, profile="starlink_user_downlink", range_km=[800.0, 1200.0],
       elevation_deg=[60.0, 35.0], lat_deg=51.5, lon_deg=-0.13, p_percent=0.5)
simple(_LINK + "budget.bent_pipe_budget", allow=BUDGET_NAN, chain="starlink_forward",
       uplink={"range_km": 900.0, "elevation_deg": 50.0, "lat_deg": 52.0, "lon_deg": 0.0},
       downlink={"range_km": 800.0, "elevation_deg": 60.0, "lat_deg": 51.5, "lon_deg": -0.13})


@case(_LINK + "budget.budget_table")
def _budget_table():
    from satcloud.links import link_budget
    return {"budget": link_budget("starlink_user_downlink", 800.0, 60.0, lat_deg=51.5,
                                  lon_deg=-0.13), "row": 0}


simple(_LINK + "capacity.beam_capacity_mbps", channel_throughput_mbps=400.0, n_channels=4)
simple(_LINK + "capacity.cell_area_km2", beamwidth_deg=2.5, altitude_km=550.0)
simple(_LINK + "capacity.channels_per_beam", spectrum_mhz=2000.0, channel_bandwidth_mhz=250.0,
       colours=4, polarizations=2)
simple(_LINK + "capacity.max_subscribers", cell_capacity_mbps=2000.0, target_mbps=100.0,
       activity_factor=0.1)
simple(_LINK + "capacity.per_user_throughput_mbps", cell_capacity_mbps=2000.0,
       subscribers=[10, 100, 1000], activity_factor=0.1, peak_mbps=500.0)
simple(_LINK + "capacity.satellite_capacity_gbps", channel_throughput_mbps=400.0, n_beams=24,
       n_channels_per_beam=4)
simple(_LINK + "capacity.system_capacity", satellite_capacity_gbps=20.0, n_satellites=1584,
       fraction_over_populated_land=0.2, n_gateways=50, gateway_capacity_gbps=40.0)
simple(_LINK + "capacity.user_throughput_table", cell_capacity_mbps=2000.0,
       subscribers_per_km2=[0.1, 1.0], cell_area_km2=3000.0, activity_factor=0.1,
       claim_mbps=100.0, peak_mbps=500.0)
simple(_LINK + "modcod.information_rate_mbps", symbol_rate_msps=200.0,
       spectral_efficiency_bps_per_hz=2.0)
simple(_LINK + "modcod.modcod_table", standards=("DVB-S2",))
simple(_LINK + "modcod.select_modcod", esn0_db=[0.0, 8.0], implementation_margin_db=0.5)
simple(_LINK + "modcod.shannon_capacity_mbps", bandwidth_mhz=250.0, snr_db=8.0)
simple(_LINK + "modcod.shannon_min_esn0_db", spectral_efficiency_bps_per_hz=2.0)
simple(_LINK + "modcod.symbol_rate_msps", bandwidth_mhz=250.0, roll_off=0.2)
simple(_LINK + "noise.cn0_dbhz", eirp_dbw=40.0, path_loss_db=180.0, gt_db_per_k=15.0,
       other_losses_db=1.0)
simple(_LINK + "noise.cn_db", cn0_dbhz=90.0, bandwidth_mhz=250.0)
case(_LINK + "noise.combine_ratios_db")(lambda: {"*": (10.0, 20.0), "names": None})
simple(_LINK + "noise.ebn0_db", cn0_dbhz=90.0, bit_rate_mbps=500.0)
simple(_LINK + "noise.esn0_db", cn0_dbhz=90.0, symbol_rate_msps=200.0)
simple(_LINK + "noise.gt_db_per_k", gain_dbi=35.0, system_temp_k=150.0)
simple(_LINK + "noise.noise_temperature_from_figure_k", noise_figure_db=1.5)
simple(_LINK + "noise.sky_noise_increase_k", excess_attenuation_db=3.0)
simple(_LINK + "noise.sky_noise_temperature_k", attenuation_db=3.0)
simple(_LINK + "noise.system_noise_temperature_k", antenna_temp_k=50.0, receiver_temp_k=100.0,
       feeder_loss_db=0.5)
simple(_LINK + "profiles.bent_pipe_names")
simple(_LINK + "profiles.profile_names")
simple(_LINK + "profiles.profiles_table", allow={
    # profile fields that are optional (None) for some profiles: a satellite receiver is
    # given by its G/T alone, a ground receiver by dish size and noise temperature
    "rx_antenna_diameter_m": "optional field", "rx_gain_dbi": "optional field",
    "rx_system_noise_temp_k": "optional field", "rx_gt_db_per_k": "optional field"})
simple(_LINK + "profiles.get_profile", profile="starlink_user_downlink")
simple(_LINK + "profiles.describe_profile", profile="starlink_user_downlink")


# ------------------------------------------------------------------ network

_NET = "satcloud.network."


@functools.cache
def _isl_edges():
    from satcloud.network.isl import plus_grid_edges
    sats = _walker().satellites
    return plus_grid_edges(sats["shell"], sats["plane"], sats["slot"])


def _routes_kwargs(isl=True) -> dict:
    kw = {"positions": _ephemeris().r_ecef_km, "source_lat_deg": [51.5, 40.7],
          "source_lon_deg": [-0.13, -74.0], "exit_lat_deg": [52.0, 48.9],
          "exit_lon_deg": [0.5, 2.35], "sat_min_elevation_deg": 10.0,
          "exit_to_destination_ms": [[1.0, 5.0], [4.0, 1.0]], "times_s": [0.0, 300.0, 600.0],
          "reassign_interval_s": 15.0, "return_paths": True, "gso_arc_avoidance_deg": 22.0}
    if isl:
        kw["isl_edges"] = _isl_edges()
    return kw


simple(_NET + "bentpipe.geo_floor_rtt_ms", altitude_km=35786.0)
simple(_NET + "bentpipe.geo_positions_ecef_km", slot_lon_deg=[0.0, 120.0], n_times=2)
simple(_NET + "bentpipe.geo_elevation_deg", lat_deg=51.5, lon_deg=-0.13)
case(_NET + "bentpipe.bent_pipe_rtt_ms")(lambda: {
    "r_sat_km": _ephemeris().r_ecef_km[0], "user_lat_deg": 51.5, "user_lon_deg": -0.13,
    "gateway_lat_deg": 52.0, "gateway_lon_deg": 0.5})
simple(_NET + "fibre.fibre_path_rtt_ms", lat1_deg=51.5, lon1_deg=-0.13, lat2_deg=48.9,
       lon2_deg=2.35, route_factor="typical", overhead_ms=1.0, hops=2, hop_overhead_ms=0.5)
simple(_NET + "fibre.fibre_rtt_ms", distance_km=[100.0, 1000.0], route_factor=1.5,
       overhead_ms=1.0)
simple(_NET + "fibre.geodesic_distance_km", lat1_deg=51.5, lon1_deg=-0.13, lat2_deg=48.9,
       lon2_deg=2.35)
simple(_NET + "fibre.resolve_route_factor", route_factor="typical")
simple(_NET + "fibre.vacuum_rtt_ms", distance_km=[100.0, 1000.0])
case(_NET + "fibre.nearest_site")(lambda: {
    "lat_deg": [51.5, -33.9], "lon_deg": [-0.13, 151.2],
    "sites": pd.DataFrame({"region": ["a", "b"], "lat_deg": [50.0, -30.0],
                           "lon_deg": [0.0, 150.0]}), "key": "region"})
simple(_NET + "gateways.gateway_grid", spacing_deg=30.0, lat_min_deg=-30.0, lat_max_deg=30.0)
simple(_NET + "gateways.gateways", spec="azure-regions",
       # the spec is a gateway set; messages call it "gateways", the name of the rtt()
       # option that passes it here
       names={"spec": ("gateways",)})
case(_NET + "gateways.gateway_to_destination_ms")(lambda: {
    "gateway_table": __import__("satcloud.network.gateways", fromlist=["x"]).gateways(
        "azure-regions").head(3), "dest_lat_deg": [51.5], "dest_lon_deg": [-0.13],
    "route_factor": "typical"})
case(_NET + "isl.plus_grid_edges")(lambda: {
    "shell": _walker().satellites["shell"].to_numpy(),
    "plane": _walker().satellites["plane"].to_numpy(),
    "slot": _walker().satellites["slot"].to_numpy(), "inter_plane_slot_offset": 1,
    "phasing": 1, "wrap_planes": True})
case(_NET + "isl.infer_plus_grid")(lambda: {
    "satellites": _walker(), "epoch": "2020-10-01T06:00:00", "sats_per_plane": 4,
    "plane_spacing_deg": 120.0, "gap_factor": 1.5, "tolerance_slots": 0.5})
case(_NET + "isl.isl_snapshots")(lambda: {"r_ecef_km": _ephemeris().r_ecef_km,
                                          "edges": _isl_edges(), "max_isl_range_km": 5000.0})
case(_NET + "isl.segment_min_radius_km")(lambda: {
    "point_a_km": _ephemeris().r_ecef_km[0, :4],
    "point_b_km": _ephemeris().r_ecef_km[0, 4:8]})


@case(_NET + "isl.isl_graph")
def _isl_graph():
    from satcloud.network.isl import isl_snapshots
    snap = isl_snapshots(_ephemeris().r_ecef_km[:1], _isl_edges())
    return {"edges": snap.edges, "length_km": snap.length_km[0], "valid": snap.valid[0],
            "n_satellites": snap.n_satellites}


case(_NET + "routing.iter_routes")(_routes_kwargs)
case(_NET + "routing.route_snapshots", signature=__import__(
    "satcloud.network.routing", fromlist=["x"]).iter_routes)(
    _routes_kwargs)


@case(_NET + "routing.snapshot_graph")
def _snapshot_graph():
    kw = _routes_kwargs()
    for k in ("times_s", "reassign_interval_s", "return_paths"):
        kw.pop(k)
    kw["r_ecef_km"] = kw.pop("positions")[0]
    return kw

# ------------------------------------------------------------------ latency

@functools.cache
def _leo():
    """80 LEO satellites: London reachable at some of the 3 snapshots, not at others."""
    from satcloud.constellations import Constellation
    return Constellation.walker(550.0, 53.0, 8, 10, 1, min_elevation_deg=10.0)


@functools.cache
def _fibre_rows():
    from satcloud.latency import rtt
    return rtt("fibre", "typical", ["London", "Quito"], times=_times())


case("satcloud.latency.rtt")(lambda: {
    "network": _leo(), "mode": "isl", "sources": ["London", "Quito"],
    "destinations": "nearest Azure region", "times": _times(), "overhead_ms": 1.0,
    "hop_overhead_ms": 0.1, "gateways": "starlink-pops", "max_isl_range_km": 5000.0,
    "reassign_interval_s": 15.0, "min_elevation_deg": 15.0, "time_chunk": 2})
case("satcloud.latency.compare")(lambda: {
    "sources": ["London"], "times": _times(),
    "systems": [("fibre", "typical"), (_leo(), "bent-pipe")]})
case("satcloud.latency.compare_rtt")(lambda: {
    "sources": ["London"], "times": _times(),
    "systems": [("fibre", "typical"), (_leo(), "bent-pipe")]})
simple("satcloud.latency.options_by_system", systems=[("fibre", "typical"), ("geo", "bent-pipe")],
       options={"overhead_ms": 1.0, "max_gateway_distance_km": 3000.0})
simple("satcloud.sites.resolve_sites", value=["London", "Quito"], skip={
    "name": "the parameter name used in messages, not data"},
    names={"value": ("sources",)})  # messages call value by `name`, default "sources"
simple("satcloud.sites.site_table", tables=("cities", "azure_regions"))
simple("satcloud.sites.resolve_place", place="London", lat_deg=None, lon_deg=None,
       tables=("cities", "remote_sites"))
simple("satcloud.latency.rtt_options", network="starlink-gen1", mode="isl")
#: rtt_map: a cell never reachable keeps <NA> in its delay columns (documented); Quito
#: is not reachable over the 80-satellite Walker shell in these 3 snapshots
_MAP_NA = {f"'{c}'": "documented <NA> for a cell never reachable" for c in (
    "bent_pipe_share", "rtt_ms", "user_link_ms", "isl_ms", "gateway_link_ms", "fibre_ms",
    "backhaul_ms", "pop_fibre_ms", "overhead_ms", "access_ms", "last_mile_ms",
    "queueing_ms", "propagation_ms", "hops", "rtt_min_ms", "rtt_p05_ms", "rtt_p95_ms")}
case("satcloud.latency.rtt_map", allow=_MAP_NA)(lambda: {
    "network": _leo(), "mode": "isl",
    "cells": pd.DataFrame({"lat_deg": [51.5, -0.2], "lon_deg": [-0.13, -78.5],
                           "country": ["GB", "EC"], "population": [10, 20]}),
    "times": _times(), "destinations": ("home PoP", "nearest Azure region"),
    "gateways": "starlink-gateways", "delay_presets": "starlink-2024",
    "min_elevation_deg": 15.0, "max_isl_range_km": 5000.0, "time_chunk": 2})
case(_NET + "routing.iter_destination_routes")(lambda: {
    "positions": _ephemeris().r_ecef_km, "source_lat_deg": [51.5, 40.7],
    "source_lon_deg": [-0.13, -74.0], "source_group": [0, 1], "exit_lat_deg": [52.0, 48.9],
    "exit_lon_deg": [0.5, 2.35], "exit_to_group_ms": [[1.0, 5.0], [4.0, 1.0]],
    "sat_min_elevation_deg": 10.0, "isl_edges": _isl_edges(), "gso_arc_avoidance_deg": 22.0,
    "source_chunk": 1})
simple("satcloud.sites.country_of", lat_deg=[50.85, 6.45], lon_deg=[4.35, 3.39],
       max_distance_km=100.0)
simple("satcloud.sites.country_code", name="Belgium")
simple("satcloud.sites.countries")
simple("satcloud.sites.site_countries", value=["London", "Quito"], skip={
    "name": "the parameter name used in messages, not data"},
    names={"value": ("sources",)})
simple("satcloud.ground.ground_segment", as_of="2024-08-06")
simple("satcloud.ground.home_pop", lat_deg=[50.85, 0.0], lon_deg=[4.35, -30.0],
       country=None, rule="regional", as_of=None)
case("satcloud.latency.summarize")(lambda: {"df": _fibre_rows().copy()})
simple("satcloud.delays.delay_preset", preset="starlink-2022")
simple("satcloud.delays.delay_presets")
simple("satcloud.delays.preset_names")
simple("satcloud.delays.lognormal_sigma", shift_ms=10.0, median_ms=35.0, p95_ms=70.0)


# capacity (issue 15): small grids and OneWeb (~650 satellites) keep each call ~1 s
def _capacity_grid():
    return pd.DataFrame({"lat_deg": [50.5, 40.5], "lon_deg": [4.5, -3.5],
                         "country": ["BE", "ES"], "population": [1e5, 2e5]})


def _capacity_edges():
    return pd.DataFrame({"tail": ["s", "s", "a", "b"], "head": ["a", "b", "t", "t"],
                         "capacity_gbps": [3.0, 4.0, 2.0, 5.0]})


simple("satcloud.capacity.capacity_presets", preset="starlink-gen1")
case("satcloud.capacity.demand")(lambda: {
    "preset": "starlink-2025-12", "take_rate": 0.01, "busy_hour_activity": 0.1,
    "active_subscriber_mbps": 25.0, "countries": "all", "grid": _capacity_grid()})
simple("satcloud.capacity.beam_capacity_gbps", network="starlink-gen1",
       elevation_deg=[25.0, 60.0], atm_loss_db=0.5)
case("satcloud.capacity.max_flow")(lambda: {
    "edges": _capacity_edges(), "source": "s", "sink": "t", "method": "maxflow",
    "fairness": "max-min", "resolution_mbps": 1.0, "max_rounds": 5})
_CAPACITY_NET = {"network": "oneweb", "lasers": False, "cloud": "azure",
                 "overrides": {"gateway_pop_gbps": 100.0}, "atm_loss_db": 0.5,
                 "gateway_min_elevation_deg": 25.0}
#: the region -> sink edges of the capacity graph are unbounded by design (documented)
case("satcloud.capacity.network_graph", names={"time": ("times",)},
     allow={"'capacity_gbps'": "region -> sink edges are infinite by design"})(lambda: {
         **_CAPACITY_NET, "time": "2026-04-02T20:00:00",
         "demand": satcloud.capacity.demand(grid=_capacity_grid(), countries="all")})
case("satcloud.capacity.network_capacity", names={"time": ("times",)})(lambda: {
    **_CAPACITY_NET, "time": "2026-04-02T20:00:00", "method": "maxflow",
    "fairness": "none", "resolution_mbps": 1.0,
    "demand": satcloud.capacity.demand(grid=_capacity_grid(), countries="all")})
case("satcloud.capacity.capacity_series")(lambda: {
    **_CAPACITY_NET, "times": ["2026-04-02T20:00:00", "2026-04-02T20:15:00"],
    "method": "maxflow", "fairness": "none", "resolution_mbps": 1.0,
    "demand": satcloud.capacity.demand(grid=_capacity_grid(), countries="all")})

# ------------------------------------------------------------------ data

for _loader in ("aws_regions", "azure_regions", "colours", "comparisons",
                "constellation_shells", "data_dir", "ground_stations", "modcods",
                "networks", "remote_sites", "starlink_pops", "systems", "countries",
                "starlink_gateways", "starlink_home_pops", "element_sets",
                "delay_presets", "demand_grid", "capacity_presets"):
    if _loader != "networks":
        simple(f"satcloud.data.{_loader}")
#: networks.csv: an empty optional cell is "not defined by this network" (e.g. no
#: service-region limit, no capacity assumptions for fibre), read as NaN as documented
#: in TableSchema; satcloud.systems turns them into None
simple("satcloud.data.networks", allow={f"'{c}'": "empty optional cell (None in systems)"
                                        for c in ("min_elevation_deg",
                                                  "max_gateway_distance_km", "spectrum_mhz",
                                                  "reuse_colours", "polarizations",
                                                  "beams_per_satellite",
                                                  "gso_arc_avoidance_deg")})
simple("satcloud.data.cities", n=5, unique_names=True)
case("satcloud.data.unique_city_names")(lambda: {
    "cities": __import__("satcloud.data", fromlist=["x"]).cities(5)})

# ------------------------------------------------------------------ systems

simple("satcloud.systems.networks", include_aliases=False)
simple("satcloud.systems.network", name="geo")
simple("satcloud.systems.network_modes", include_aliases=True)
simple("satcloud.systems.system", key="starlink")
simple("satcloud.systems.systems", comparison="latency")
simple("satcloud.systems.comparisons")
simple("satcloud.systems.style", key="starlink", comparison="latency")
simple("satcloud.systems.colours")
simple("satcloud.systems.capacity_assumptions", comparison="competition")
simple("satcloud.data.load_table", name="azure_regions")


@case("satcloud.data.validate_table", names={"df": ("azure_regions",)})
def _validate_table():
    from satcloud import data
    schema = data.TABLES["azure_regions"]
    raw = pd.read_csv(data.data_dir() / schema.filename, comment="#")
    return {"df": raw, "schema": schema, "path": data.data_dir() / schema.filename}


# ------------------------------------------------------------------ sweep

def _sweep_metric(x, y=1.0):
    """A picklable sweep function."""
    return {"z": x * y}


@functools.cache
def _sweep_output() -> str:
    from satcloud.sweep import sweep
    out = Path.cwd() / "fuzz-sweep-results"  # the module's scratch folder (scratch_cwd)
    sweep(_sweep_metric, {"x": [1.0, 2.0]}, scheduler="synchronous", output=out,
          progress=False)
    return str(out)


simple("satcloud.sweep.grid_combinations", grid={"x": [1.0, 2.0], "y": [3.0]},
       function=_sweep_metric, fixed=None)
simple("satcloud.sweep.parameter_key", params={"x": 1.0}, function=_sweep_metric,
       fixed={"y": 2.0})
case("satcloud.sweep.read_results")(lambda: {"output": _sweep_output()})
simple("satcloud.sweep.sweep", function=_sweep_metric, grid={"x": [1.0, 2.0]},
       fixed={"y": 2.0}, scheduler="synchronous", progress=False, retries=0,
       flush_interval_s=5.0)
simple("satcloud.sweep.local_client", n_workers=1, threads_per_worker=1, dashboard=False,
       cleanup=lambda client: client.close())

# ------------------------------------------------------------------ scenarios
# Tidy tables for the notebooks; their inputs are outputs of the models above, built
# small here (three time steps, two or three places, the cheap systems).

_SC = "satcloud.scenarios."


@functools.cache
def _endpoints():
    from satcloud.scenarios.latency import endpoints
    return endpoints(2, remote=False, extra=("Brussels", "Quito"))


@functools.cache
def _sys_rows():
    from satcloud.scenarios.latency import system_rtt
    return system_rtt(_endpoints(), _times(), ["fibre, typical", "GEO", "O3b mPOWER"])


@functools.cache
def _model_rows():
    from satcloud.scenarios.latency import system_rtt_by_model
    return system_rtt_by_model(_endpoints(), _times(), ["fibre, typical", "GEO"])


@functools.cache
def _sys_summary():
    from satcloud.scenarios.latency import summary_by_system
    return summary_by_system(_sys_rows(), _endpoints())


@functools.cache
def _ephemerides():
    from satcloud.scenarios.competition import propagate_systems
    return propagate_systems(_times(), ["o3b", "geo"])


@functools.cache
def _samples():
    from satcloud.scenarios.competition import rtt_samples
    return rtt_samples(["London", "Quito"], _times(), ["o3b", "geo"], ephemerides=_ephemerides())


@functools.cache
def _msamples():
    from satcloud.scenarios.competition import rtt_samples_by_model
    return rtt_samples_by_model(["London", "Quito"], _times(), ["o3b", "geo"],
                                ephemerides=_ephemerides(), last_mile="dsl")


@functools.cache
def _competition_tables():
    from satcloud.scenarios import competition as sc
    cov, grids = sc.coverage_table(_ephemerides(), 30.0)
    cap = sc.capacity_table(_ephemerides(), _sites())
    avail = sc.availability_table(["London"], ["o3b", "geo"])
    from satcloud.latency import resolve_sites
    by_city = sc.rtt_by_city(_samples(), resolve_sites(["London", "Quito"]))
    return cov, grids, sc.rtt_table(_samples()), cap, avail, by_city


@functools.cache
def _grids():
    from satcloud.scenarios.constellations import coverage_grids
    return coverage_grids({"o3b-mpower": __import__("satcloud.constellations", fromlist=["x"])
                           .constellation("o3b-mpower")}, duration="15min", step="300s",
                          spacing_deg=30.0, population=True)


@functools.cache
def _budgets():
    from satcloud.scenarios.links import reference_budgets
    return reference_budgets()


@functools.cache
def _pass_geometry():
    from satcloud.scenarios.links import pass_geometry
    return pass_geometry(search_window_h=0.5, search_step_s=120.0, step_s=60.0)


# fibre
simple(_SC + "fibre.cloud_regions", provider="aws")
case(_SC + "fibre.fibre_to_nearest_region")(lambda: {
    "sites": _sites(), "provider": "azure", "route_factor": "typical", "overhead_ms": 1.0,
    "name_column": "site"})

# design
simple(_SC + "design.weighted_quantile", values=[1.0, 2.0, 3.0], weights=[1.0, 1.0, 2.0],
       q=0.5)
simple(_SC + "design.shell_trade", altitude_km=550.0, inclination_deg=53.0, planes=4,
       n_satellites=40, n_cities=3, min_elevation_deg=25.0, duration="10min", step="300s")


@case(_SC + "design.best_designs")
def _best_designs():
    from satcloud.scenarios.design import shell_trade
    rows = [shell_trade(550.0, inc, 4, n_satellites=40, n_cities=3, duration="10min",
                        step="300s") for inc in (53.0, 70.0)]
    return {"results": pd.DataFrame(rows), "n": 1}


# ground stations
simple(_SC + "ground_stations.eo_orbit", altitude_km=550.0, ltan_h=22.5)
simple(_SC + "ground_stations.eo_constellation", altitude_km=550.0, ltan_h=22.5,
       min_elevation_deg=5.0)
simple(_SC + "ground_stations.station_table", networks=("ksat-partner",),
       route_factor="typical")
case(_SC + "ground_stations.orbit_summary")(lambda: {
    "constellation": __import__("satcloud.scenarios.ground_stations", fromlist=["x"])
    .eo_constellation(), "ltan_h": 22.5})


@functools.cache
def _gs_stations():
    from satcloud.scenarios.ground_stations import station_table
    return station_table(("ksat-partner",))


@functools.cache
def _gs_passes():
    from satcloud.scenarios.ground_stations import network_passes
    return network_passes(_eo_ephemeris(), _gs_stations())


case(_SC + "ground_stations.network_passes")(lambda: {
    "ephemeris": _eo_ephemeris(), "stations": _gs_stations().copy(), "min_elevation_deg": 5.0})
case(_SC + "ground_stations.merged_contacts")(lambda: {"passes_df": _gs_passes().copy()})
case(_SC + "ground_stations.network_summary")(lambda: {
    "passes_df": _gs_passes().copy(), "stations": _gs_stations().copy(), "rate_mbps": 800.0})
case(_SC + "ground_stations.data_age")(lambda: {
    "passes_df": _gs_passes().copy(), "stations": _gs_stations().copy(),
    "sample_step_s": 60.0})

# latency
simple(_SC + "latency.endpoints", n_cities=3, remote=True, extra=("Brussels",),
       allow={"population": "documented <NA> for remote sites"})
case(_SC + "latency.system_rtt")(lambda: {
    "sources": ["London", "Quito"], "times": _times(),
    "systems": ["fibre, typical", "GEO", "O3b mPOWER"]})
case(_SC + "latency.summary_by_system")(lambda: {"rows": _sys_rows().copy(),
                                                 "sites": _endpoints().copy()})
case(_SC + "latency.component_breakdown")(lambda: {"rows": _sys_rows().copy(),
                                                   "sources": ["Brussels"]})
case(_SC + "latency.route_changes")(lambda: {"rows": _sys_rows().copy()})
case(_SC + "latency.idle_rtt_map", allow=_MAP_NA)(lambda: {
    "times": _times(), "every_deg": 30, "network": _leo(), "delay_model": "idle",
    "gateways": "starlink-gateways", "delay_presets": "starlink-2024"})
case(_SC + "latency.rtt_map_by_region")(lambda: {
    "table": pd.DataFrame({"target": ["home PoP"] * 2, "continent": ["Europe", "Africa"],
                           "population": [10.0, 20.0], "rtt_ms": [30.0, 80.0],
                           "floor_ms": [2.0, 9.0], "bent_pipe_share": [1.0, 0.0],
                           "fraction_reachable": [1.0, 1.0]}), "by": "continent"})
case(_SC + "latency.best_option")(lambda: {
    "summary": _sys_summary().copy(), "min_reachable": 0.5, "satellite_systems": ["GEO"],
    "fibre_system": "fibre, typical", "leo_systems": ["GEO"]})
case(_SC + "latency.measured_comparison")(lambda: {"summary": _sys_summary().copy(),
                                                   "system": "O3b mPOWER"})
case(_SC + "latency.overview")(lambda: {"summary": _sys_summary().copy(),
                                        "min_reachable": 0.5})
case(_SC + "latency.system_rtt_by_model")(lambda: {
    "sources": ["London", "Quito"], "times": _times(), "systems": ["fibre, typical", "GEO"],
    "delay_models": ("propagation", "idle", "loaded"), "last_mile": "ftth"})
case(_SC + "latency.delay_model_overview")(lambda: {
    "rows": _model_rows().copy(), "sites": _endpoints().copy(), "min_reachable": 0.5,
    "kind": "city"})
case(_SC + "latency.measured_comparison_idle")(lambda: {
    "rows": _model_rows()[_model_rows().delay_model == "idle"].copy(), "system": "GEO"})
case(_SC + "latency.median_table")(lambda: {"summary": _sys_summary().copy(),
                                            "sources": ["Brussels"]})

# links
case(_SC + "links.climate_cities")(lambda: {"names": ("London", "Lagos")})
simple(_SC + "links.reference_budgets", elevation_deg=40.0, p_percent=0.5)
case(_SC + "links.budget_lines")(lambda: {"budgets": _budgets().copy()})
simple(_SC + "links.rain_fade_by_city", places=["London"],
       bands={"Ku": "starlink_user_downlink"},
       elevation_deg=40.0, p_percent=[0.1, 1.0])
simple(_SC + "links.link_availability", places=["London"],
       bands={"Ku": "starlink_user_downlink"},
       elevation_deg=40.0, margin_db=6.0)
case(_SC + "links.pass_geometry")(lambda: {"search_window_h": 0.5, "search_step_s": 120.0,
                                           "step_s": 60.0, "floor_elevation_deg": 10.0})
case(_SC + "links.pass_budget")(lambda: {"profile": "starlink_user_downlink",
                                         "geometry": _pass_geometry().copy()})
case(_SC + "links.pass_summary")(lambda: {"budgets": {
    "starlink_user_downlink": __import__("satcloud.scenarios.links", fromlist=["x"])
    .pass_budget("starlink_user_downlink", _pass_geometry())}})
case(_SC + "links.cell_capacity")(lambda: {"budgets": _budgets().copy(), "colours": 4,
                                           "polarizations": 2})
case(_SC + "links.subscriber_sweep")(lambda: {
    "cells": __import__("satcloud.scenarios.links", fromlist=["x"]).cell_capacity(_budgets()),
    "subscribers_per_cell": [10, 100], "activity_factor": 0.1, "claim_mbps": 100.0})
case(_SC + "links.map_summary")(lambda: {
    "availability": __import__("satcloud.links", fromlist=["x"]).availability_map(
        6.0, bands_ghz={"Ku": 12.0}, lat_step_deg=30.0, lon_step_deg=60.0,
        lat_range_deg=(-30.0, 30.0)), "threshold_percent": 99.9})

# constellations
case(_SC + "constellations.shell_table")(lambda: {"names": ("o3b-mpower", "oneweb")})
case(_SC + "constellations.constellation_totals")(lambda: {
    "shells": __import__("satcloud.scenarios.constellations", fromlist=["x"])
    .shell_table(("o3b-mpower", "oneweb"))})
case(_SC + "constellations.comparison_set")(lambda: {"count_2020": 800,
                                                     "names": ("o3b-mpower",)})
case(_SC + "constellations.coverage_grids")(lambda: {
    "constellations": {"o3b-mpower": __import__("satcloud.constellations", fromlist=["x"])
                       .constellation("o3b-mpower")},
    "duration": "15min", "step": "300s", "spacing_deg": 30.0, "population": False})
case(_SC + "constellations.coverage_table")(lambda: {"grids": dict(_grids())})
case(_SC + "constellations.in_view_vs_latitude")(lambda: {"grids": dict(_grids())})
case(_SC + "constellations.grid_mesh")(lambda: {"grid": next(iter(_grids().values())).copy(),
                                                "column": "fraction_covered"})
simple(_SC + "constellations.deployment_sweep", name="o3b-mpower", counts=(4, 11),
       duration="15min", step="300s", spacing_deg=30.0, variants=(("planes", "spread"),))
case(_SC + "constellations.elevation_sweep")(lambda: {
    "constellations": {"o3b-mpower": __import__("satcloud.constellations", fromlist=["x"])
                       .constellation("o3b-mpower")},
    "min_elevations_deg": (10, 30), "duration": "15min", "step": "300s", "spacing_deg": 30.0})



@functools.cache
def _real_pair():
    from satcloud.scenarios.constellations import real_comparison_set
    return real_comparison_set("2020-10-29", count=40)


simple(_SC + "constellations.real_comparison_set", as_of="2020-10-29", count=40,
       plane_order="spread")
case(_SC + "constellations.status_table")(lambda: {"constellations": dict(_real_pair())})
case(_SC + "constellations.shell_fill_table")(lambda: {"constellations": dict(_real_pair())})
case(_SC + "constellations.plane_phases")(lambda: {"constellations": dict(_real_pair())})
case(_SC + "constellations.plane_table")(lambda: {
    "phases": __import__("satcloud.scenarios.constellations", fromlist=["x"])
    .plane_phases(dict(_real_pair()))})
case(_SC + "constellations.real_coverage_grids")(lambda: {
    "constellations": dict(_real_pair()), "duration": "10min", "step": "300s",
    "spacing_deg": 30.0, "population": False})

# datacenter
case(_SC + "datacenter.remote_sites")(lambda: {"names": ("Funafuti (Tuvalu)",)})
def _dc_sites():
    return _sites().rename(columns={"site": "name"})


#: backhaul_rtt docstring: NaN for fibre rows (no satellite on the path)
DC_NAN = {"user_elevation_deg": "documented NaN for fibre rows",
          "user_range_km": "documented NaN for fibre rows"}
case(_SC + "datacenter.backhaul_rtt", allow=DC_NAN)(lambda: {
    "sites": _dc_sites(), "times": _times(), "options": ["GEO HTS", "fibre"]})
case(_SC + "datacenter.shell_coverage", allow={
    "altitude_km": "the shell 'all' row spans several shells: no single value",
    "inclination_deg": "the shell 'all' row spans several shells: no single value"})(lambda: {
    "sites": _dc_sites(), "times": _times(), "constellation_name": "o3b-mpower",
    "min_elevation_deg": 10.0})


@functools.cache
def _backhaul_table():
    from satcloud.scenarios.datacenter import backhaul_table
    return backhaul_table(_dc_sites(), _times(), ["GEO HTS", "fibre"])


#: backhaul_table docstring: throughputs (and the geometry behind them) are "NaN for
#: fibre and where the option does not cover the site"
BACKHAUL_NAN = {c: "documented NaN for fibre / an option not covering the site" for c in (
    "elevation_deg", "range_km", "_mbps", "rain_db")}
# not documented as such: the fibre row has no radio link, hence no link availability
BACKHAUL_NAN.update({c: "documented NaN for fibre (no radio link) / an option not "
                        "covering the site" for c in ("availability_", "downtime_h_per_year")})
case(_SC + "datacenter.backhaul_table", allow=BACKHAUL_NAN)(lambda: {
    "sites": _dc_sites(), "times": _times(), "options": ["GEO HTS", "fibre"], "p_percent": 0.5,
    "min_reachable": 0.99})
case(_SC + "datacenter.decision_table", allow={
    "forward_rain_mbps": "of the choice: NaN when the choice is fibre (see backhaul_table)",
    "availability_percent": "of the choice: NaN when the choice is fibre or none"})(lambda: {
    "table": _backhaul_table().copy(), "availability_target": 99.5, "min_forward_mbps": 0.0})

# capacity-story (issue 15 point 4, issue 14 point 5): OneWeb (~650 satellites, no lasers)
# and a two-cell demand keep every flow ~1 s
_FLEET = {"OneWeb": {"network": "oneweb", "as_of": None, "lasers": False,
                     "day": "2026-04-02"}}


def _fleet_demand():
    import satcloud.capacity
    return satcloud.capacity.demand(grid=_capacity_grid(), countries="all")


@functools.cache
def _fleet_results():
    from satcloud.scenarios.capacity import fleet_capacity
    return fleet_capacity(_FLEET, _fleet_demand())


case(_SC + "capacity.fleet_capacity")(lambda: {
    "fleets": dict(_FLEET), "demand": _fleet_demand(), "hour_utc": 20.0,
    "fairness": "none"})
for _fn in ("fleet_table", "fleet_by_continent", "binding_table"):
    case(_SC + f"capacity.{_fn}")(lambda: {"results": dict(_fleet_results())})
case(_SC + "capacity.site_capacity")(lambda: {
    "sites": _dc_sites(), "times": ["2026-04-02T20:00:00"], "network": "oneweb",
    "site_demand_gbps": 5.0, "demand": _fleet_demand(), "alone": True, "fairness": "none"})
#: the rest of the world's served share is NaN when the country asks alone (documented)
case(_SC + "capacity.failover", allow={
    "world_served_fraction": "documented NaN for the 'alone' scenario"})(lambda: {
    "country": "BJ", "network": "oneweb", "time": "2026-04-02T20:00:00", "case": None,
    "demand": _fleet_demand(), "fairness": "none"})
case(_SC + "capacity.claim_distribution")(lambda: {
    "fleets": dict(_FLEET), "claim_mbps": 100.0, "subscribers": {"OneWeb": "2020"},
    "countries": ["US"],
    "hour_utc": 20.0, "fairness": "none"})
case(_SC + "capacity.claim_summary")(lambda: {
    "cells": pd.DataFrame({"fleet": "x", "subscribers_basis": "2020",
                           "subscribers": [1.0, 3.0], "active_rate_mbps": [10.0, 100.0],
                           "claim_mbps": 100.0, "meets_claim": [False, True]}),
    "quantiles": (0.1, 0.5)})
case(_SC + "datacenter.backhaul_rtt_by_model", allow=DC_NAN)(lambda: {
    "sites": _dc_sites(), "times": _times(), "options": ["GEO HTS", "fibre"],
    "delay_models": ("propagation", "idle", "loaded"), "last_mile": "ftth"})


@functools.cache
def _dc_model_rows():
    from satcloud.scenarios.datacenter import backhaul_rtt_by_model
    return backhaul_rtt_by_model(_dc_sites(), _times(), ["GEO HTS", "fibre"])


case(_SC + "datacenter.delay_model_table")(lambda: {
    "rows": _dc_model_rows().copy(), "sites": _dc_sites(), "min_reachable": 0.99})
case(_SC + "datacenter.site_throughput")(lambda: {
    "sites": _dc_sites(), "start": "2026-04-02T20:00:00", "hours": 0.5, "step_h": 0.5,
    "network": "oneweb", "site_demand_gbps": 5.0, "demand": _fleet_demand()})
case(_SC + "datacenter.throughput_summary")(lambda: {
    "table": pd.DataFrame({"time": pd.to_datetime(["2026-04-02T20:00", "2026-04-02T21:00"]),
                           "site": "A", "site_demand_gbps": 5.0,
                           "site_served_gbps": [4.0, 5.0], "n_satellites_in_view": [3, 4],
                           "site_alone_gbps": [5.0, 5.0]})})

# competition
simple(_SC + "competition.systems_table", keys=["o3b", "geo"])
simple(_SC + "competition.city_set", n=3)
simple(_SC + "competition.availability_text", value=99.95, bound="exact")
case(_SC + "competition.propagate_systems")(lambda: {"times": _times(), "keys": ["o3b", "geo"]})
case(_SC + "competition.contenders_table")(lambda: {"ephemerides": dict(_ephemerides())})
case(_SC + "competition.coverage_table")(lambda: {"ephemerides": dict(_ephemerides()),
                                                  "spacing_deg": 30.0})
case(_SC + "competition.coverage_by_latitude")(lambda: {"grids": dict(_competition_tables()[1])})
case(_SC + "competition.rtt_samples")(lambda: {
    "sources": ["London", "Quito"], "times": _times(), "keys": ["o3b", "geo"],
    "ephemerides": dict(_ephemerides()), "overhead_ms": 1.0})
case(_SC + "competition.rtt_table")(lambda: {"samples": _samples().copy()})
case(_SC + "competition.rtt_by_city")(lambda: {"samples": _samples().copy()})
case(_SC + "competition.winners_by_city")(lambda: {"by_city": _competition_tables()[5].copy(),
                                                   "min_reachable": 0.5})
case(_SC + "competition.winners_by_band", allow={
    "rtt_winner_ms": "NaN for a latitude band without any of the cities"})(lambda: {
    "cov_lat": __import__("satcloud.scenarios.competition", fromlist=["x"])
    .coverage_by_latitude(_competition_tables()[1]),
    "by_city": _competition_tables()[5].copy(), "band_deg": 30.0, "min_reachable": 0.5})
case(_SC + "competition.capacity_table")(lambda: {
    "ephemerides": dict(_ephemerides()), "demand_sites": _sites(), "elevation_deg": 40.0})
simple(_SC + "competition.availability_table", places=["London"], keys=["o3b", "geo"])
#: side_by_side: the fibre reference row has no satellites, coverage or satellite
#: capacity ("one row per system plus the fibre reference"): NaN there, not applicable
FIBRE_ROW_NAN = {c: "fibre reference row: not applicable" for c in (
    "'satellites'", "min. elevation", "coverage, ", "satellites in view", "capacity per",
    "system capacity")}
case(_SC + "competition.side_by_side", allow=FIBRE_ROW_NAN)(lambda: {
    "cov": _competition_tables()[0].copy(), "rtt": _competition_tables()[2].copy(),
    "cap": _competition_tables()[3].copy(), "avail": _competition_tables()[4].copy()})
case(_SC + "competition.rtt_samples_by_model")(lambda: {
    "sources": ["London", "Quito"], "times": _times(), "keys": ["o3b", "geo"],
    "delay_models": ["propagation", "idle"], "last_mile": "cable",
    "ephemerides": dict(_ephemerides())})
case(_SC + "competition.delay_model_table")(lambda: {"samples": _msamples().copy()})
#: satellite_vs_fibre: a city no satellite system reaches often enough has no satellite RTT
case(_SC + "competition.satellite_vs_fibre", allow={
    c: "NaN where no satellite system reaches the city min_reachable of the time"
    for c in ("satellite_rtt_ms", "satellite_minus_fibre_ms")})(lambda: {
    "by_city": __import__("satcloud.scenarios.competition", fromlist=["x"]).rtt_by_city(
        _msamples()[_msamples().delay_model == "idle"],
        __import__("satcloud.latency", fromlist=["x"]).resolve_sites(["London", "Quito"])),
    "min_reachable": 0.5, "exclude": [], "fibre_key": "fibre"})
case(_SC + "competition.side_by_side_text")(lambda: {
    "table": __import__("satcloud.scenarios.competition", fromlist=["x"]).side_by_side(
        *[_competition_tables()[i] for i in (0, 2, 3, 4)])})


# ------------------------------------------------------------------ presentation

simple("satcloud.widgets.latency.available_destinations")
simple("satcloud.widgets.capacity.default_cell_capacity_mbps")
simple("satcloud.widgets.places.place_names")
simple("satcloud.widgets.link_budget.dish_overrides", profile="starlink_user_downlink",
       antenna_diameter_m=0.6)
simple("satcloud.widgets.places.resolve_place", place="London")
simple("satcloud.widgets.app.parse_query", query="panel=latency&source=Lagos",
       panels=["latency"])
simple("satcloud.widgets.app.voila_query_string")
simple("satcloud.widgets.network_capacity.satellite_generations")
# the switch is process-wide: whatever a call set, put it back off (the default)
simple("satcloud._progress.set_progress", on=False,
       cleanup=lambda _previous: importlib.import_module("satcloud._progress")
       .set_progress(False))
simple("satcloud._progress.showing", on=False)
simple("satcloud.widgets.network_capacity.gateway_sites", network="starlink", share=0.5)
simple("satcloud.report.headline", key="rtt_ms", value=42.0, unit="ms", label="RTT",
       fmt=".3g")
simple("satcloud.report.default_notebook_dir")
simple("satcloud.report.say", template="RTT {rtt_ms:.0f} ms to {region}", rtt_ms=42.0,
       region="UK South")
simple("satcloud.report.list_notebooks")
simple("satcloud.plots.naturalearth_dir")
simple("satcloud.plots.naturalearth_path", category="physical", name="coastline",
       resolution="110m")
simple("satcloud.plots.use_style")


@functools.cache
def _geoaxes():
    """One shared map: the add_* and plot_sites cases draw into it (features are lazy)."""
    import cartopy.crs as ccrs
    import matplotlib.pyplot as plt
    return plt.figure(figsize=(3.0, 2.0)).add_subplot(projection=ccrs.PlateCarree())


def _close_figure(ax):
    import matplotlib.pyplot as plt
    plt.close(ax.figure)


case("satcloud.plots.world_map", cleanup=_close_figure)(lambda: {
    "projection": __import__("cartopy.crs", fromlist=["x"]).PlateCarree(),
    "extent": (-30.0, 60.0, -40.0, 70.0), "land": True, "coastlines": True, "borders": True,
    "figsize": (3.0, 2.0), "title": "a map"})
case("satcloud.plots.add_land")(lambda: {"ax": _geoaxes(), "color": "#EDEDE8",
                                         "zorder": 0})
case("satcloud.plots.add_coastlines")(lambda: {"ax": _geoaxes(), "color": "#555555",
                                               "linewidth": 0.5, "zorder": 1})
case("satcloud.plots.add_borders")(lambda: {"ax": _geoaxes(), "color": "#999999",
                                            "linewidth": 0.3, "zorder": 1})
case("satcloud.plots.plot_sites")(lambda: {
    "ax": _geoaxes(), "sites": _sites(), "label": "sites", "color": "#0072B2",
    "marker": "o", "size": 30.0, "annotate": "site", "zorder": 5})
case("satcloud.plots.link_budget_curves")(lambda: {
    "curve": pd.DataFrame({"elevation_deg": [20.0, 50.0, 80.0], "margin_db": [1.0, 3.0, 4.0],
                           "fade_margin_db": [3.0, 5.0, 6.0],
                           "throughput_mbps": [300.0, 400.0, 420.0],
                           "shannon_mbps": [500.0, 600.0, 640.0]}),
    "elevation_deg": 50.0, "margin_db": 3.0, "throughput_mbps": 400.0,
    "min_elevation_deg": 25.0, "system": "starlink", "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.per_user_throughput")(lambda: {
    "table": pd.DataFrame({"subscribers": [1.0, 10.0, 100.0],
                           "per_user_mbps": [1000.0, 100.0, 10.0]}),
    "claim_mbps": 100.0, "max_subscribers": 10, "subscribers": 10, "per_user_mbps": 100.0,
    "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.coverage_map")(lambda: {
    "coverage": pd.DataFrame({"lat_deg": [-45.0, -45.0, 45.0, 45.0],
                              "lon_deg": [-90.0, 90.0, -90.0, 90.0],
                              "mean_in_view": [1.0, 2.0, 0.0, 3.0]}),
    "spacing_deg": 90.0, "column": "mean_in_view", "colorbar_label": "in view [-]",
    "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.in_view_by_latitude")(lambda: {
    "by_latitude": pd.DataFrame({"lat_deg": [-45.0, 45.0], "mean_in_view": [2.0, 3.0],
                                 "min_in_view": [0.0, 1.0], "max_in_view": [4.0, 5.0]}),
    "title": "t", "figsize": (3.0, 2.0)})
simple("satcloud.plots.network_color", network="starlink-gen1", mode="isl")
case("satcloud.plots.design_trade")(lambda: {
    "results": pd.DataFrame({"altitude_km": [550.0, 1100.0], "inclination_deg": [53.0, 53.0],
                             "planes": [18, 18], "rtt_median_ms": [40.0, 45.0],
                             "coverage_population_percent": [90.0, 100.0]}),
    "min_elevation_deg": 25.0, "title": "t", "figsize": (3.0, 2.0)})
@functools.lru_cache(maxsize=1)
def _ground_segment_cached():
    from satcloud import ground

    return ground.ground_segment()


def _ground_segment():
    """The shipped ground segment (fresh tables: a garbage run may not alter the cache)."""
    import dataclasses as _dc

    seg = _ground_segment_cached()
    return _dc.replace(seg, gateways=seg.gateways.copy(), pops=seg.pops.copy(),
                       country_pops=seg.country_pops.copy(), home_pops=seg.home_pops.copy())


case("satcloud.plots.sites_map")(lambda: {
    "layers": [{"sites": _sites(), "label": "sites", "color": "#0072B2", "marker": "o",
                "size": 30.0}],
    "title": "t", "legend_loc": "lower left", "figsize": (3.0, 2.0)})
case("satcloud.plots.rtt_to_nearest_region")(lambda: {
    "table": pd.DataFrame({"site": ["A", "B"], "region_name": ["East", "West"],
                           "fibre_rtt_ms": [51.0, 13.0], "fibre_ideal_rtt_ms": [39.0, 10.0],
                           "floor_rtt_ms": [27.0, 7.0]}),
    "route_factor": 1.3, "overhead_ms": 2.0, "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.rtt_over_time")(lambda: {
    "rtt": pd.DataFrame({"network": ["kuiper", "kuiper", "fibre"],
                         "mode": ["isl", "isl", "route factor 2.1"],
                         "time_s": [0.0, 60.0, 0.0], "rtt_ms": [40.0, 42.0, 60.0]}),
    "floor_ms": 20.0, "time_origin": "2020-10-01 00:00 UTC", "title": "t",
    "figsize": (3.0, 2.0)})

# report: a one-notebook series in the module's scratch folder (scratch_cwd); a kernel
# run takes about a second, and every garbage argument is refused before the kernel
# starts except a garbage string that is a valid folder name (out_dir, scratch_dir)


@functools.cache
def _books() -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
    folder = Path.cwd() / "fuzz-notebooks"
    folder.mkdir(exist_ok=True)
    nb = new_notebook(cells=[
        new_markdown_cell("# Fuzz notebook"),
        new_code_cell("x = 1.0", metadata={"tags": ["parameters"]}),
        new_code_cell("y = 2 * x")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, str(folder / "01_fuzz.ipynb"))
    return folder


def _executed():
    """An executed notebook with one headline output, built by hand (no kernel)."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from satcloud.report import HEADLINE_MIME
    record = {"key": "rtt_ms", "value": 42.0, "unit": "ms", "label": "RTT", "text": "42"}
    return new_notebook(cells=[
        new_markdown_cell("# Executed"),
        new_code_cell("headline(...)", execution_count=1, outputs=[new_output(
            "display_data", data={"text/plain": "RTT: 42 ms", HEADLINE_MIME: record})])])


case("satcloud.report.notebook_parameters")(
    lambda: {"path": _books() / "01_fuzz.ipynb"})
case("satcloud.report.read_headlines")(lambda: {"nb": _executed()})
case("satcloud.report.render_html")(lambda: {"nb": _executed(),
                                             "out_path": Path.cwd() / "fuzz-page.html"})
simple("satcloud.report.scratch_folder", prefix="satcloud-fuzz-",
       cleanup=lambda cm: cm.__exit__(None, None, None) if cm.__enter__() else None)
case("satcloud.report.execute_notebook")(lambda: {
    "path": _books() / "01_fuzz.ipynb", "out_path": Path.cwd() / "fuzz-exec" / "01.ipynb",
    "parameters": {"x": 3.0}, "progress_bar": False, "timeout_s": 60.0})
case("satcloud.report.run_report")(lambda: {
    "out_dir": Path.cwd() / "fuzz-report", "notebook_dir": _books(), "small": False,
    "only": ["01"], "jobs": 1, "parameters": {"01_fuzz": {"x": 2.0}}, "progress": False,
    "timeout_s": 60.0})
simple("satcloud.cli.main", argv=["data"])
case("satcloud.cli.rtt_summary")(lambda: {"df": _fibre_rows().copy()})


# ------------------------------------------------------------------ plots of notebooks 01-03
case("satcloud.plots.rtt_distributions")(lambda: {
    "summary": pd.DataFrame({"source": ["A", "A", "B", "B"],
                             "system": ["fibre, typical", "GEO"] * 2,
                             "rtt_min_ms": [80.0, np.nan, 5.0, 480.0],
                             "rtt_median_ms": [80.0, np.nan, 5.0, 490.0],
                             "rtt_p95_ms": [80.0, np.nan, 5.0, 495.0],
                             "target_floor_ms": [25.0, 25.0, 2.0, 2.0]}),
    "systems": ["fibre, typical", "GEO"],
    "styles": {"fibre, typical": {"color": "#000000", "ls": "--"},
               "GEO": {"color": "#999999", "ls": "-"},
               "vacuum floor": {"color": "#0072B2", "ls": "-."}},
    "markers": {"fibre, typical": "s", "GEO": "^"}, "remote_sites": ["A"], "title": "t",
    "figsize": (3.0, 2.0)})
case("satcloud.plots.rtt_components")(lambda: {
    "components": pd.DataFrame({"source": ["A", "A"], "system": ["fibre, typical", "GEO"],
                                "reachable": [True, False], "target_floor_ms": [27.0, 27.0],
                                "user_link_ms": [np.nan, np.nan], "isl_ms": [np.nan, np.nan],
                                "gateway_link_ms": [np.nan, np.nan],
                                "fibre_ms": [85.0, np.nan], "overhead_ms": [0.0, np.nan]}),
    "sites": ["A"], "systems": ["fibre, typical", "GEO"], "floor_color": "#0072B2",
    "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.rtt_cell_map")(lambda: {
    "table": pd.DataFrame({"target": ["home PoP", "nearest Azure region"],
                           "lat_deg": [50.5, 50.5], "lon_deg": [4.5, 4.5],
                           "population": [1, 1], "rtt_ms": [30.0, 35.0]}),
    "spacing_deg": 1.0, "vmax_ms": 100.0, "title": "t"})
case("satcloud.plots.rtt_by_delay_model")(lambda: {
    "table": pd.DataFrame({"system": ["fibre, typical", "GEO"],
                           "floor_median_ms": [5.0, 5.0],
                           "propagation_median_ms": [11.0, np.nan],
                           "idle_median_ms": [21.5, np.nan], "idle_p05_ms": [21.5, np.nan],
                           "idle_p95_ms": [21.5, np.nan], "loaded_median_ms": [21.5, np.nan]}),
    "systems": ["fibre, typical", "GEO"],
    "styles": {"fibre, typical": {"color": "#000000", "ls": "--"},
               "GEO": {"color": "#999999", "ls": "-"}},
    "floor_color": "#0072B2", "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.rtt_by_delay_model_own_cloud")(lambda: {
    "table": pd.DataFrame({"system": ["fibre", "Kuiper + AWS"], "floor_median_ms": [5.0, 5.0],
                           "propagation_median_ms": [11.0, 19.0],
                           "idle_median_ms": [21.5, 45.0], "idle_p05_ms": [21.5, 38.0],
                           "idle_p95_ms": [21.5, 58.0], "loaded_median_ms": [21.5, 91.0]}),
    "systems": ["fibre", "Kuiper + AWS"],
    "styles": {"fibre": {"color": "#000000", "ls": "--"},
               "Kuiper + AWS": {"color": "#009E73", "ls": "-"}},
    "floor_color": "#0072B2", "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.satellite_vs_fibre_scatter")(lambda: {
    "table": pd.DataFrame({"best": ["starlink", None], "satellite_rtt_ms": [25.0, np.nan],
                           "fibre_rtt_ms": [30.0, 60.0]}),
    "labels": {"starlink": "Starlink"}, "colors": {"starlink": "#D55E00"},
    "fibre_label": "typical + FTTH", "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.rtt_series")(lambda: {
    "rows": pd.DataFrame({"source": ["A"] * 4, "system": ["ISL", "ISL", "fibre", "fibre"],
                          "time_s": [0.0, 15.0, 0.0, 15.0], "rtt_ms": [26.0, 27.0, 66.0, 66.0],
                          "route_change": [False, True, False, False],
                          "target_floor_ms": [21.0] * 4}),
    "sites": ["A"], "stepped": ["ISL"], "flat": ["fibre"],
    "styles": {"ISL": {"color": "#CC79A7", "ls": "-"}, "fibre": {"color": "#000000", "ls": "--"},
               "vacuum floor": {"color": "#0072B2", "ls": "-."}},
    "time_label": "minutes [min]", "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.best_option_map")(lambda: {
    "best": pd.DataFrame({"lat_deg": [51.5, -8.5], "lon_deg": [-0.1, 179.2],
                          "kind": ["city", "remote site"], "best_system": ["GEO", "ISL"],
                          "leo_minus_fibre_ms": [3.0, -40.0]}),
    "systems": ["GEO", "ISL"],
    "styles": {"GEO": {"color": "#999999", "ls": "-"}, "ISL": {"color": "#CC79A7", "ls": "-"}},
    "limit_ms": 50.0, "option_title": "t", "difference_title": "d", "figsize": (3.0, 2.0)})
case("satcloud.plots.rain_fade_curves")(lambda: {
    "fade": pd.DataFrame({"band": ["Ku", "Ku", "Ka", "Ka"], "freq_ghz": [11.7, 11.7, 18.9, 18.9],
                          "city": ["A", "A", "A", "A"], "p_percent": [0.01, 1.0, 0.01, 1.0],
                          "atm_total_db": [10.0, 1.0, 25.0, 2.0]}),
    "names": {"Ku": "Starlink Ku", "Ka": "Kuiper Ka"}, "elevation_deg": 40.0, "title": "t",
    "figsize": (3.0, 2.0)})
case("satcloud.plots.pass_throughput")(lambda: {
    "passes": {"Ku": pd.DataFrame({
        "t_from_culmination_s": [-30.0, 0.0, 30.0], "throughput_mbps": [400.0, 900.0, 400.0],
        "shannon_mbps": [600.0, 1200.0, 600.0], "elevation_deg": [30.0, 80.0, 30.0],
        "below_min_elevation": [False, False, False], "modcod": ["a", "b", "a"],
        "sat_id": ["s1", "s1", "s1"]})},
    "names": {"Ku": "Starlink Ku"}, "colors": {"Ku": "#D55E00"}, "title": "t",
    "figsize": (3.0, 2.0)})
case("satcloud.plots.subscribers_per_cell")(lambda: {
    "sweep": pd.DataFrame({"label": ["Ku", "Ku"], "subscribers_per_cell": [1.0, 1000.0],
                           "per_user_mbps": [900.0, 37.6],
                           "max_subscribers_per_cell": [376, 376]}),
    "cell_capacity_mbps": {"Ku": 3760.0}, "claim_mbps": 100.0,
    "names": {"Ku": "Starlink Ku"}, "colors": {"Ku": "#D55E00"}, "title": "t",
    "figsize": (3.0, 2.0)})
case("satcloud.plots.availability_nines_map")(lambda: {
    "amap": __import__("xarray").Dataset(
        {"availability_percent": (("band", "lat_deg", "lon_deg"),
                                  np.array([[[99.0, 99.9], [99.99, 100.0]]]))},
        coords={"band": ["Ku"], "lat_deg": [-30.0, 30.0], "lon_deg": [-90.0, 90.0]}),
    "margin_db": 6.0, "elevation_deg": 40.0, "panel_titles": {"Ku": "ku"}, "title": "t",
    "figsize": (3.0, 2.0)})
case("satcloud.plots.ground_tracks")(lambda: {
    "tracks": pd.DataFrame({"sat_id": ["a", "a", "b"], "segment": [0, 1, 0],
                            "lat_deg": [0.0, 50.0, -60.0], "lon_deg": [0.0, -170.0, 20.0]}),
    "title": "t", "legend_title": "satellite", "figsize": (3.0, 2.0)})
case("satcloud.plots.in_view_by_latitude_compared")(lambda: {
    "in_view": pd.DataFrame({"constellation": ["A", "A", "B"],
                             "lat_deg": [-45.0, 45.0, 0.0], "mean_in_view": [2.0, 30.0, 1.0]}),
    "colors": {"A": "#D55E00", "B": "#0072B2"}, "dashed": ["B"], "title": "t",
    "figsize": (3.0, 2.0)})
case("satcloud.plots.plane_phases_compared")(lambda: {
    "phases": pd.DataFrame({"constellation": ["A", "A", "B"],
                            "status": ["operational", "raising", "operational"],
                            "raan_deg": [0.0, 90.0, 10.0],
                            "arg_latitude_deg": [0.0, 180.0, 360.0]}),
    "colors": {"A": "#D55E00", "B": "#0072B2"}, "title": "t", "panel_titles": {"A": "a"},
    "figsize": (3.0, 2.0)})
case("satcloud.plots.coverage_sweeps")(lambda: {
    "deployment": pd.DataFrame({"variant": ["spread", "spread", "adjacent"],
                                "n_satellites": [100, 800, 800],
                                "coverage_percent": [40.0, 87.0, 75.0]}),
    "elevation": pd.DataFrame({"constellation": ["A", "A", "B"],
                               "min_elevation_deg": [10.0, 55.0, 10.0],
                               "coverage_percent": [100.0, 99.0, 87.0]}),
    "colors": {"A": "#000000", "B": "#0072B2"}, "dashed": ["B"], "marked_count": 800,
    "deployment_title": "l", "elevation_title": "r", "figsize": (3.0, 2.0)})


# ------------------------------------------------------------------ plots of notebooks 04-06

case("satcloud.plots.coverage_by_latitude_systems")(lambda: {
    "by_latitude": pd.DataFrame({"key": ["a", "a", "b", "b"], "lat_deg": [-10.0, 10.0] * 2,
                                 "fraction_covered": [1.0, 0.5, 0.0, 1.0],
                                 "mean_in_view": [3.0, 1.0, 0.0, 2.0]}),
    "labels": {"a": "A", "b": "B"}, "colors": {"a": "#0072B2", "b": "#E69F00"},
    "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.rtt_cdf_by_system")(lambda: {
    "samples": pd.DataFrame({"key": ["a", "a", "b"], "rtt_ms": [20.0, 30.0, 90.0],
                             "reachable": [True, True, True]}),
    "labels": {"a": "A", "b": "B"}, "colors": {"a": "#0072B2", "b": "#E69F00"},
    "floor_ms": 10.0, "dashed": ["b"], "xlim_ms": (2.0, 800.0), "title": "t",
    "figsize": (3.0, 2.0)})
case("satcloud.plots.capacity_bars")(lambda: {
    "capacity": pd.DataFrame({"key": ["a", "b"], "satellite_gbps": [20.0, 40.0],
                              "system_tbps": [60.0, 3.0]}),
    "labels": {"a": "A", "b": "B"}, "colors": {"a": "#0072B2", "b": "#E69F00"},
    "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.band_heatmaps")(lambda: {
    "coverage_percent": pd.DataFrame([[100.0, 50.0]], index=["A"], columns=["s", "n"]),
    "rtt_ms": pd.DataFrame([[30.0, np.nan]], index=["A"], columns=["s", "n"]),
    "min_reachable": 0.9, "title": "t", "figsize": (3.0, 2.0)})

case("satcloud.plots.backhaul_choice_map")(lambda: {
    "sites": pd.DataFrame({"name": ["A", "B"], "lat_deg": [-24.0, 60.0],
                           "lon_deg": [-69.0, 10.0]}),
    "choice": {"A": "sat", "B": "fibre"}, "regions": _sites(),
    "styles": {"sat": {"color": "#CC79A7", "marker": "P"},
               "fibre": {"color": "#000000", "marker": "s"}},
    "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.fleet_capacity_bars")(lambda: {
    "fleets": pd.DataFrame({"fleet": ["a", "b"], "offered_gbps": [100.0, 100.0],
                            "served_gbps": [40.0, 90.0]}),
    "by_continent": pd.DataFrame({"fleet": ["a", "b"], "continent": ["Europe", "Europe"],
                                  "served_fraction": [0.4, 0.9]}),
    "colors": {"a": "#D55E00", "b": "#009E73"}, "title": "t", "figsize": (4.0, 2.0)})
case("satcloud.plots.claim_cdf")(lambda: {
    "cells": pd.DataFrame({"fleet": ["a", "a"], "subscribers": [1.0, 3.0],
                           "active_rate_mbps": [10.0, 100.0], "claim_mbps": 100.0}),
    "colors": {"a": "#D55E00"}, "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.served_fraction_map")(lambda: {
    "cells": pd.DataFrame({"lat_deg": [50.5, 40.5], "lon_deg": [4.5, -3.5],
                           "served_fraction": [0.0, 0.7]}),
    "column": "served_fraction", "colorbar_label": "served [-]", "title": "t",
    "figsize": (4.0, 2.0)})
case("satcloud.plots.site_throughput_day")(lambda: {
    "table": pd.DataFrame({"time": pd.to_datetime(["2026-04-02T20:00", "2026-04-02T21:00"]),
                           "site": "A", "site_served_gbps": [4.0, 5.0],
                           "site_demand_gbps": 5.0}),
    "colors": {"A": "#D55E00"}, "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.backhaul_decision")(lambda: {
    "table": pd.DataFrame({"site": ["A", "A"], "option": ["sat", "fibre"],
                           "covered": [True, True], "rtt_median_ms": [11.0, 21.0],
                           "rtt_p95_ms": [13.0, 21.0], "floor_ms": [7.0, 7.0],
                           "forward_rain_mbps": [900.0, np.nan],
                           "forward_clear_mbps": [941.0, np.nan],
                           "downtime_h_per_year": [2.0, np.nan]}),
    "sites": ["A"], "styles": {"sat": {"color": "#CC79A7", "marker": "P"},
                               "fibre": {"color": "#000000", "marker": "s"}},
    "availability_target": 99.9, "floor_color": "#0072B2", "title": "t",
    "figsize": (3.0, 2.0)})
case("satcloud.plots.ground_stations_map")(lambda: {
    "stations": pd.DataFrame({"network": ["a", "b"], "lat_deg": [47.6, 39.0],
                              "lon_deg": [-122.3, -77.5]}),
    "track": pd.DataFrame({"segment": [0, 0], "lat_deg": [0.0, 10.0],
                           "lon_deg": [170.0, 179.0]}),
    "styles": {"a": {"color": "#0072B2", "marker": "^"},
               "b": {"color": "#E69F00", "marker": "v"}},
    "labels": {"a": "A", "b": "B"}, "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.ground_segment_map")(lambda: {
    "segment": _ground_segment(), "title": "t", "extent": (-30.0, 40.0, 30.0, 70.0),
    "annotate_home_pops": False, "figsize": (3.0, 2.0)})
case("satcloud.plots.contact_timeline")(lambda: {
    "contacts": pd.DataFrame({"network": ["a", "b"],
                              "start": pd.to_datetime(["2020-10-01 01:00", "2020-10-01 02:00"]),
                              "duration_s": [600.0, 300.0]}),
    "start": np.datetime64("2020-10-01T00:00", "ns"), "colors": {"a": "#0072B2",
                                                               "b": "#E69F00"},
    "labels": {"a": "A", "b": "B"}, "hours": 24.0, "title": "t", "figsize": (3.0, 2.0)})
case("satcloud.plots.data_age_cdf")(lambda: {
    "age": pd.DataFrame({"network": ["a", "a", "b"], "age_min": [1.0, 7.0, 14.0]}),
    "colors": {"a": "#0072B2", "b": "#E69F00"}, "labels": {"a": "A", "b": "B"},
    "dashed": ["b"], "title": "t", "figsize": (3.0, 2.0)})


# ------------------------------------------------------------------ widget panels
# A panel's constructor takes the initial control values as keywords (``LatencyPanel(
# source="Lima")``). Each panel is an entry point whose parameters are its controls: it
# is built synchronously with cheap grids, and an error the panel shows (it never
# raises from a computation) counts as raised, so it too must name the control.

#: Panel -> (fixed constructor keywords, control -> valid initial value). The controls
#: are checked against the panels' own in ``test_panel_cases_list_every_control``.
PANELS = {
    "LinkBudgetPanel": ({}, {
        "profile": "starlink_user_downlink", "antenna_diameter_m": 0.6, "p_percent": 0.5,
        "place": "Singapore", "lat_deg": 1.29, "lon_deg": 103.85, "elevation_deg": 40.0}),
    "CapacityPanel": ({}, {
        "subscribers": 1000, "activity_factor": 0.1, "cell_capacity_mbps": 3000.0,
        "claim_mbps": 100.0}),
    "ConstellationPanel": (
        {"grids": {"coarse": ("20min", "600s", 30.0), "full": ("20min", "600s", 30.0)}}, {
            "design": "walker", "altitude_km": 550.0, "inclination_deg": 53.0,
            "planes": 6, "sats_per_plane": 8, "phasing": 1, "name": "o3b-mpower",
            "fraction": 1.0, "min_elevation_deg": 25.0}),
    "LatencyPanel": ({"grids": {"coarse": ("2min", "60s"), "full": ("2min", "60s")}}, {
        "source": "Nairobi", "lat_deg": -1.28, "lon_deg": 36.82,
        "destination": "nearest Azure region", "networks": ("fibre", "geo"), "isl": True,
        "gateways": None, "route_factor": 2.1, "delay_model": "idle", "last_mile": "ftth"}),
    "NetworkCapacityPanel": ({}, {
        "network": "starlink-gen1", "demand_preset": "starlink-2025-12",
        "take_rate_scale": 1.0, "generation": None, "gateway_scale": 1.0,
        "gateway_share": 1.0}),
}


def _panel_entry(name: str) -> Callable:
    fixed, controls = PANELS[name]

    def construct(**values):
        from satcloud import widgets
        panel = getattr(widgets, name)(threaded=False, **fixed, **values)
        if panel.last_error is not None:  # shown in the panel instead of raised
            raise ValueError(panel.last_error)
        return panel.result

    construct.__signature__ = inspect.Signature([
        inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=v)
        for k, v in controls.items()])
    construct.__qualname__ = name
    return construct


for _name, (_fixed, _controls) in PANELS.items():
    case(f"satcloud.widgets.{_name}")(lambda c=_controls: dict(c))


# ------------------------------------------------------------------ the globe (issue 16)
def _globe_kwargs():
    # a 12-satellite Walker shell over two minutes: one cheap propagation and route
    return {"network": _walker(), "start": "2020-10-01T00:00:00", "duration_s": 60.0,
            "step_s": 30.0, "user": "London", "destination": "nearest Azure region",
            "mode": "isl", "max_satellites": 8}


@functools.cache
def _globe_scene():
    from satcloud.globe import scene
    return scene(**_globe_kwargs())


case("satcloud.globe.scene")(_globe_kwargs)
case("satcloud.globe.figure")(lambda: {**_globe_kwargs(), "max_figure_mb": 2.0,
                                       "widget": False})
case("satcloud.globe.to_czml")(_globe_kwargs)
case("satcloud.globe.write_czml")(lambda: {"path": "globe.czml", **_globe_kwargs()})
case("satcloud.globe.czml_document")(lambda: {"sc": _globe_scene()})
simple("satcloud.globe.shell_colours", shells=["1", "2", "3"])


# ------------------------------------------------------------------ not done yet
#: Public functions without a fuzz case yet, listed (not exempt) until each gets a case
#: in REGISTRY. Empty: every public function has one.
PENDING: dict[str, str] = {}

#: (function:parameter) cases the harness found failing and that are not fixed yet,
#: marked xfail(strict=True): fixing one makes its case pass and the suite then asks for
#: its removal from this list. Empty: every finding so far is fixed in the library.
KNOWN_FAILURES: set[str] = set()

# ------------------------------------------------------------------ the tests

ENTRY_POINTS = public_entry_points()


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang(f"no answer within {TIMEOUT_S:g} s")


def _call(qualname: str, kwargs: dict):
    """Call the entry point with ``kwargs`` (``"*"``: positional args), bounded in time."""
    func = ENTRY_POINTS[qualname]
    args = kwargs.pop("*", ())
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, TIMEOUT_S)
    try:
        result = _materialise(func(*args, **kwargs))
        c = REGISTRY.get(qualname)
        if c is not None and c.cleanup is not None:
            c.cleanup(result)
        return result
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _signature(qualname: str) -> inspect.Signature:
    c = REGISTRY.get(qualname)
    return inspect.signature(c.signature if c and c.signature else ENTRY_POINTS[qualname])


def _parameters(qualname: str) -> list[inspect.Parameter]:
    params = _signature(qualname).parameters.values()
    return [p for p in params if p.name != "self" and p.kind is not p.VAR_KEYWORD]


def _allowed(path: str, allow: Mapping) -> bool:
    return any(key in path for key in allow)


def _check_result(result, allow: Mapping) -> list[str]:
    return [p for p in _nonfinite_paths(result) if not _allowed(p, allow)]


def _fuzz_ids():
    for qual in sorted(REGISTRY):
        if qual not in ENTRY_POINTS:
            continue
        for p in _parameters(qual):
            ident = f"{qual.removeprefix('satcloud.')}:{p.name}"
            marks = ([pytest.mark.xfail(strict=True, reason="KNOWN_FAILURES: not fixed yet")]
                     if ident in KNOWN_FAILURES else [])
            yield pytest.param(qual, p.name, id=ident, marks=marks)


def test_panel_cases_list_every_control():
    """PANELS names exactly each panel's controls (so a new control gets fuzzed)."""
    from satcloud import widgets
    for name, (fixed, controls) in PANELS.items():
        panel = getattr(widgets, name)(threaded=False, **fixed, **controls)
        assert panel.last_error is None, (name, panel.last_error)
        assert list(panel.controls) == list(controls), name


def test_registry_covers_every_public_function():
    missing = sorted(set(ENTRY_POINTS) - set(REGISTRY) - set(EXEMPT) - set(PENDING))
    stale = sorted((set(REGISTRY) | set(EXEMPT) | set(PENDING)) - set(ENTRY_POINTS))
    both = sorted(set(REGISTRY) & set(EXEMPT))
    assert not missing, (
        "public functions without a fuzz case: add a valid small call for each to REGISTRY "
        f"in tests/test_fuzz_public_api.py (or an EXEMPT reason): {missing}")
    assert not stale, f"REGISTRY/EXEMPT name functions that are no longer public: {stale}"
    assert not both, f"both registered and exempt: {both}"
    for qual, c in REGISTRY.items():
        names = {p.name for p in _parameters(qual)} | {"*"}
        assert set(c.skip) <= names and set(c.names) <= names, qual


@pytest.mark.parametrize("qualname", sorted(REGISTRY))
def test_valid_call_is_finite(qualname):
    c = REGISTRY[qualname]
    result = _call(qualname, c.kwargs())
    bad = _check_result(result, c.allow)
    assert not bad, f"{qualname}: valid call returned non-finite values at {bad}"


@pytest.mark.parametrize(("qualname", "param"), list(_fuzz_ids()))
def test_garbage_argument(qualname, param):
    c = REGISTRY[qualname]
    if param in c.skip:
        pytest.skip(c.skip[param])
    valid = c.kwargs()
    sig_param = _signature(qualname).parameters[param]
    if sig_param.kind is sig_param.VAR_POSITIONAL:
        base = valid.get("*", ())
        base_value = base[0] if base else 0.0
    else:
        base_value = valid.get(param, sig_param.default)
    accepted_names = (param, *c.names.get(param, ()))
    failures = []
    for label, junk in garbage_for(base_value):
        kwargs = c.kwargs()
        if sig_param.kind is sig_param.VAR_POSITIONAL:
            kwargs["*"] = (junk, *kwargs.get("*", ())[1:])
        else:
            kwargs[param] = junk
        try:
            result = _call(qualname, kwargs)
        except (ValueError, TypeError) as exc:
            msg = str(exc)
            if not any(n in msg for n in accepted_names):
                failures.append(f"{param}={label}: {type(exc).__name__} names none of "
                                f"{accepted_names}: {msg[:300]}")
            continue
        except Exception as exc:  # noqa: BLE001 - any other exception is the finding
            failures.append(f"{param}={label}: {type(exc).__module__}.{type(exc).__name__}: "
                            f"{str(exc)[:300]}")
            continue
        bad = _check_result(result, c.allow)
        if bad:
            failures.append(f"{param}={label}: accepted and returned non-finite values at "
                            f"{bad[:5]}")
    assert not failures, f"{qualname}:\n" + "\n".join(failures)


# ------------------------------------------------------------------ hypothesis

def _numeric_cases():
    """(function, parameter) pairs of the cheap closed-form models whose valid value is a
    number: links, orbit closed forms, fibre/GEO delays."""
    cheap = ("satcloud.links.antennas.", "satcloud.links.fspl.", "satcloud.links.noise.",
             "satcloud.links.modcod.", "satcloud.links.capacity.", "satcloud.orbits.",
             "satcloud.network.fibre.", "satcloud.network.bentpipe.geo_floor")
    out = []
    for qual in sorted(REGISTRY):
        if not qual.startswith(cheap) or "propagate" in qual or "Ephemeris" in qual:
            continue
        valid = REGISTRY[qual].kwargs()
        out += [(qual, k) for k, v in valid.items() if _is_number(v)
                and f"{qual.removeprefix('satcloud.')}:{k}" not in KNOWN_FAILURES]
    return out


NUMERIC_CASES = _numeric_cases()


@settings(max_examples=EXAMPLES * 8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(pair=st.sampled_from(NUMERIC_CASES),
       value=st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                       st.integers(-10**12, 10**12),
                       st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=3),
                       st.text(max_size=8)))
def test_random_numbers_into_closed_forms(pair, value):
    """Random floats, integers, short lists and text for one numeric parameter: a named
    ValueError/TypeError or finite numbers."""
    qual, param = pair
    c = REGISTRY[qual]
    kwargs = c.kwargs()
    kwargs[param] = value
    try:
        result = _call(qual, kwargs)
    except (ValueError, TypeError) as exc:
        assert any(n in str(exc) for n in (param, *c.names.get(param, ()))), (
            f"{qual}({param}={value!r}): {type(exc).__name__} does not name {param}: {exc}")
        return
    bad = _check_result(result, c.allow)
    assert not bad, f"{qual}({param}={value!r}) returned non-finite values at {bad}"
