"""Scenario: the constellations as filed, and what their satellites cover.

Tidy tables for notebook 01 (shells, coverage geometry, satellites in view versus
latitude, coverage per constellation including the ~800-satellite Starlink of October
2020, coverage versus deployment and versus minimum elevation; the real constellation
of an element-set snapshot beside the idealised deployment). No new physics: the
models are in :mod:`satcloud.constellations`, :mod:`satcloud.orbits`,
:mod:`satcloud.geometry` (the closed-form coverage cone of one satellite,
:func:`satcloud.geometry.coverage_cone`, that explains the tables) and
:mod:`satcloud.coverage`. A shell of inclination ``i`` serves latitudes up to about
``min(i, 180 - i) + lambda``, ``lambda`` the cone's Earth-central half-angle.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from satcloud import data
from satcloud.constellations import CATALOGUE, Constellation, constellation, deploy
from satcloud.coverage import (
    coverage_summary,
    coverage_vs_deployment,
    coverage_vs_min_elevation,
    global_grid,
    grid_coverage,
)
from satcloud.geometry import coverage_cone
from satcloud.orbits import orbital_period_s, propagate
from satcloud.scenarios import _checks
from satcloud.time import time_grid

__all__ = [
    "CONSTELLATION_LABELS",
    "OCT2020_LABEL",
    "comparison_set",
    "constellation_totals",
    "coverage_grids",
    "coverage_table",
    "deployment_sweep",
    "elevation_sweep",
    "grid_mesh",
    "in_view_vs_latitude",
    "plane_phases",
    "plane_table",
    "real_comparison_set",
    "real_coverage_grids",
    "shell_fill_table",
    "shell_table",
    "status_table",
]

#: Display names of the catalogue constellations used in the report.
CONSTELLATION_LABELS = {
    "starlink-gen1": "Starlink Gen1",
    "starlink-gen2": "Starlink Gen2",
    "kuiper": "Kuiper",
    "oneweb": "OneWeb",
    "telesat-2020": "Telesat (2020 filing)",
    "o3b-mpower": "O3b mPOWER",
}

#: Label of the October 2020 Starlink (the first 800 satellites of Gen1 shell 1).
OCT2020_LABEL = "Starlink Oct 2020"


def shell_table(names=tuple(CONSTELLATION_LABELS)) -> pd.DataFrame:
    """The filed shells with satellite counts, periods and coverage geometry.

    Parameters
    ----------
    names : sequence of str, optional
        Constellation keys (default: those of :data:`CONSTELLATION_LABELS`).

    Returns
    -------
    pandas.DataFrame
        One row per shell: ``constellation`` (display name), ``shell``, ``altitude_km``,
        ``inclination_deg``, ``planes``, ``sats_per_plane``, ``n_satellites``,
        ``min_elevation_deg``, ``period_min``, ``central_angle_deg``,
        ``footprint_radius_km``, ``max_slant_range_km``, ``max_latitude_served_deg`` (inclination, folded to
        [0, 90], plus the cone half-angle), ``band_user``, ``source``.
    """
    shells = data.constellation_shells()
    names = _checks.names(names, "names", sorted(shells["constellation"].unique()))
    shells = shells[shells["constellation"].isin(names)].copy()
    shells["n_satellites"] = shells["planes"] * shells["sats_per_plane"]
    cone = coverage_cone(shells["altitude_km"], shells["min_elevation_deg"])
    shells["period_min"] = orbital_period_s(shells["altitude_km"].to_numpy()) / 60.0
    shells["central_angle_deg"] = cone["central_angle_deg"].to_numpy()
    shells["footprint_radius_km"] = cone["footprint_radius_km"].to_numpy()
    shells["max_slant_range_km"] = cone["max_slant_range_km"].to_numpy()
    inc = shells["inclination_deg"].to_numpy()
    folded = np.minimum(inc, 180.0 - inc)
    shells["max_latitude_served_deg"] = np.minimum(90.0, folded + shells["central_angle_deg"])
    order = {n: k for k, n in enumerate(names)}
    shells = shells.sort_values("constellation", key=lambda s: s.map(order), kind="stable")
    shells["constellation"] = shells["constellation"].map(lambda n: CONSTELLATION_LABELS.get(n, n))
    cols = ["constellation", "shell", "altitude_km", "inclination_deg", "planes",
            "sats_per_plane", "n_satellites", "min_elevation_deg", "period_min",
            "central_angle_deg", "footprint_radius_km", "max_slant_range_km",
            "max_latitude_served_deg",
            "band_user", "source"]
    return shells[cols].reset_index(drop=True)


def constellation_totals(shells: pd.DataFrame) -> pd.DataFrame:
    """Satellites, shells and altitude range per constellation, from :func:`shell_table`.

    Parameters
    ----------
    shells : pandas.DataFrame
        Output of :func:`shell_table`.
    """
    _checks.frame(shells, "shells", ("constellation", "n_satellites", "altitude_km",
                                     "min_elevation_deg"), producer="shell_table()")
    _checks.finite_columns(shells, "shells", ("n_satellites", "altitude_km",
                                              "min_elevation_deg"), producer="shell_table()")
    g = shells.groupby("constellation", sort=False)
    return pd.DataFrame({
        "shells": g.size(),
        "n_satellites": g["n_satellites"].sum(),
        "lowest_km": g["altitude_km"].min(),
        "highest_km": g["altitude_km"].max(),
        "min_elevation_deg": g["min_elevation_deg"].first(),
    }).reset_index()


def _count(value, name: str, high: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer in [1, {high}], got {value!r:.80}")
    if not 1 <= value <= high:
        raise ValueError(f"{name} must be in [1, {high}], got {value}")
    return int(value)


def comparison_set(count_2020: int = 800, plane_order: str = "spread",
                   names=tuple(CONSTELLATION_LABELS)) -> dict:
    """The constellations compared in notebook 01, keyed by display name.

    The first entry is Starlink as of October 2020: :func:`satcloud.constellations.deploy`
    of ``count_2020`` Gen1 satellites (shell 1 filled plane by plane).

    Parameters
    ----------
    count_2020 : int, optional
        Starlink Gen1 satellites in orbit in October 2020.
    plane_order : str, optional
        Order in which planes are filled, as in :func:`satcloud.constellations.deploy`.
    names : sequence of str, optional
        Constellation keys (default: those of :data:`CONSTELLATION_LABELS`).
    """
    gen1 = constellation("starlink-gen1")
    count_2020 = _count(count_2020, "count_2020", len(gen1))
    names = _checks.names(names, "names", CATALOGUE)
    out = {OCT2020_LABEL: deploy(gen1, count=count_2020, plane_order=plane_order)}
    for n in names:
        out[CONSTELLATION_LABELS.get(n, n)] = gen1 if n == "starlink-gen1" else constellation(n)
    return out


def coverage_grids(constellations: dict, *, duration="24h", step="60s", spacing_deg=5.0,
                   overrides=None, population=True, start=None) -> dict:
    """Grid coverage of each constellation (its own filed minimum elevations).

    Parameters
    ----------
    constellations : dict
        Display name -> :class:`~satcloud.constellations.Constellation`.
    duration, step : str or float
        Time grid from ``start``. [s]
    spacing_deg : float
        Global grid cell size. [deg]
    overrides : dict, optional
        Display name -> dict of ``duration``, ``step``, ``dtype`` for that constellation
        (e.g. Starlink Gen2's 29,988 satellites in float32 over a shorter window).
    population : bool
        Add the population weight of each cell (GeoNames cities).
    start : Time, datetime or str, optional
        First time of the grid (UTC; default 2020-10-01T00:00 UTC, the filed
        constellations' epoch).

    Returns
    -------
    dict
        Display name -> :func:`satcloud.coverage.grid_coverage` table; each table's
        ``attrs`` hold ``n_satellites``, ``duration_s``, ``step_s`` and
        ``min_elevation_deg`` (no wall-clock time: results do not depend on the clock).
    """
    constellations = _constellations(constellations)
    overrides = _overrides(overrides, constellations)
    out = {}
    for label, c in constellations.items():
        o = {"duration": duration, "step": step, "dtype": np.float64, **overrides.get(label, {})}
        times = time_grid(start, duration=o["duration"], step=o["step"])
        eph = propagate(c, times, dtype=o["dtype"])
        g = grid_coverage(eph, spacing_deg=spacing_deg, population=population)
        step_s = float((times[1] - times[0]).sec) if len(times) > 1 else 0.0
        g.attrs.update(n_satellites=len(c), duration_s=len(times) * step_s, step_s=step_s,
                       min_elevation_deg=float(c.satellites["min_elevation_deg"].min()))
        out[label] = g
        del eph
    return out


def _constellations(value) -> dict:
    from satcloud.constellations import Constellation

    def one(c, name):
        if not isinstance(c, Constellation):
            raise TypeError(f"{name} must be a satcloud Constellation, got "
                            f"{type(c).__name__} {c!r:.80}")
    return _checks.mapping(value, "constellations", producer="comparison_set()", check=one)


def _overrides(value, constellations) -> dict:
    if value is None:
        return {}
    return _checks.mapping(value, "overrides", keys=list(constellations), check=lambda v, n:
                           _checks.mapping(v, n, keys=("duration", "step", "dtype"))
                           ) if value else {}


_GRID_COLUMNS = ("lat_deg", "lon_deg", "fraction_covered", "mean_in_view", "min_in_view",
                 "max_in_view", "area_weight", "longest_outage_s")


def _grids(value) -> dict:
    return _checks.mapping(value, "grids", producer="coverage_grids()", check=lambda v, n:
                           _checks.frame(v, n, _GRID_COLUMNS))


def coverage_table(grids: dict) -> pd.DataFrame:
    """One row per constellation: area- and population-weighted coverage.

    Parameters
    ----------
    grids : dict
        Constellation -> global coverage grid.

    Returns
    -------
    pandas.DataFrame
        ``constellation``, ``n_satellites``, ``min_elevation_deg``, ``window_h``,
        ``step_s``, ``coverage_area_percent`` (area-weighted share of time with >= 1
        satellite in view), ``coverage_population_percent`` (population-weighted),
        ``always_covered_area_percent`` (share of the area never in outage),
        ``never_covered_area_percent`` (share of the area never
        served), ``mean_in_view`` (area-weighted), ``longest_outage_min`` (longest outage
        over the cells that are served at least some of the time; 0 when none) [min].
    """
    grids = _grids(grids)
    rows = []
    for label, g in grids.items():
        a = coverage_summary(g, "area_weight")
        row = {
            "constellation": label,
            "n_satellites": g.attrs.get("n_satellites"),
            "min_elevation_deg": g.attrs.get("min_elevation_deg"),
            "window_h": g.attrs.get("duration_s", np.nan) / 3600.0,
            "step_s": g.attrs.get("step_s"),
            "coverage_area_percent": 100 * a["fraction_covered"],
            "coverage_population_percent": np.nan,
            "always_covered_area_percent": 100 * a["fraction_always_covered"],
            "never_covered_area_percent":
                100 * g.loc[g["fraction_covered"] <= 0, "area_weight"].sum(),
            "mean_in_view": a["mean_in_view"],
        }
        if "population_weight" in g.columns:
            row["coverage_population_percent"] = 100 * coverage_summary(
                g, "population_weight")["fraction_covered"]
        served = g[g["fraction_covered"] > 0]
        row["longest_outage_min"] = float(served["longest_outage_s"].max()) / 60.0 \
            if len(served) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def in_view_vs_latitude(grids: dict) -> pd.DataFrame:
    """Satellites in view versus latitude, averaged over longitude, per constellation.

    Parameters
    ----------
    grids : dict
        Constellation -> global coverage grid.

    Returns
    -------
    pandas.DataFrame
        ``constellation``, ``lat_deg``, ``mean_in_view`` (time and longitude mean),
        ``min_in_view`` (minimum over time and longitude), ``max_in_view``,
        ``fraction_covered`` (mean over longitude).
    """
    grids = _grids(grids)
    parts = []
    for label, g in grids.items():
        a = g.groupby("lat_deg").agg(mean_in_view=("mean_in_view", "mean"),
                                     min_in_view=("min_in_view", "min"),
                                     max_in_view=("max_in_view", "max"),
                                     fraction_covered=("fraction_covered", "mean"))
        parts.append(a.reset_index().assign(constellation=label))
    out = pd.concat(parts, ignore_index=True)
    return out[["constellation", "lat_deg", "mean_in_view", "min_in_view", "max_in_view",
                "fraction_covered"]]


def grid_mesh(grid: pd.DataFrame, column: str):
    """Cell edges and a 2-D array of ``column`` for ``pcolormesh`` of a global grid.

    Parameters
    ----------
    grid : pandas.DataFrame
        A global grid with ``lat_deg``, ``lon_deg`` and ``column``.
    column : str
        The column to arrange as a 2-D array.

    Returns
    -------
    lon_edges, lat_edges : numpy.ndarray
        Cell edges. [deg]
    values : numpy.ndarray
        ``[n_lat, n_lon]``.
    """
    _checks.frame(grid, "grid", ("lat_deg", "lon_deg"), producer="a coverage_grids() table")
    if not isinstance(column, str):
        raise TypeError(f"column must be a column name, got {column!r}")
    _checks.frame(grid, "grid", ("lat_deg", "lon_deg", column),
                  producer="a coverage_grids() table")
    _checks.finite_columns(grid, "grid", ("lat_deg", "lon_deg", column),
                           producer="a coverage_grids() table")
    lats = np.sort(grid["lat_deg"].unique())
    lons = np.sort(grid["lon_deg"].unique())
    step_lat = float(np.median(np.diff(lats))) if len(lats) > 1 else 180.0
    step_lon = float(np.median(np.diff(lons))) if len(lons) > 1 else 360.0
    table = grid.pivot_table(index="lat_deg", columns="lon_deg", values=column)
    table = table.reindex(index=lats, columns=lons)
    lat_edges = np.append(lats - step_lat / 2, lats[-1] + step_lat / 2)
    lon_edges = np.append(lons - step_lon / 2, lons[-1] + step_lon / 2)
    return lon_edges, lat_edges, table.to_numpy()


def deployment_sweep(name="starlink-gen1", counts=(200, 400, 800, 1584, 2200, 3000, 4408), *,
                     duration="6h", step="60s", spacing_deg=10.0,
                     variants=(("planes", "spread"), ("planes", "sequential"),
                               ("uniform", "spread"))) -> pd.DataFrame:
    """Area-weighted coverage as a constellation is deployed, for several deployment rules.

    Parameters
    ----------
    name : str, optional
        Constellation key.
    counts : sequence of int, optional
        Numbers of satellites deployed.
    duration : str or float, optional
        Simulated span (e.g. ``"6h"``; seconds if a number).
    step : str or float, optional
        Time step (e.g. ``"60s"``; seconds if a number).
    spacing_deg : float, optional
        Spacing of the global site grid. [deg]
    variants : sequence of (str, str), optional
        (rule, plane_order) deployment variants.

    Returns
    -------
    pandas.DataFrame
        :func:`satcloud.coverage.coverage_vs_deployment` rows with ``rule``,
        ``plane_order``, ``variant`` (readable), ``coverage_percent``.
    """
    full = constellation(_checks.names(name, "name", CATALOGUE)[0])
    if isinstance(counts, (str, bytes)) or not hasattr(counts, "__iter__"):
        raise TypeError(f"counts must be a list of satellite counts, got {counts!r}")
    counts = list(counts)
    if not counts:
        raise ValueError(f"counts is empty; give satellite counts in [1, {len(full)}]")
    for n in counts:
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"counts must hold integers, got {n!r}")
        if not 1 <= n <= len(full):
            raise ValueError(f"counts must be in [1, {len(full)}] (the satellites of "
                             f"{name!r}), got {n}")
    counts = [int(n) for n in counts]
    variants = _variants(variants)
    times = time_grid(duration=duration, step=step)
    sites = global_grid(spacing_deg)
    names = {("planes", "spread"): "plane by plane, RAANs spread",
             ("planes", "sequential"): "plane by plane, adjacent RAANs",
             ("uniform", "spread"): "every plane thinned evenly"}
    parts = []
    for rule, order in variants:
        d = coverage_vs_deployment(full, times, sites, counts=counts, weights="area_weight",
                                   rule=rule, plane_order=order)
        parts.append(d.assign(rule=rule, plane_order=order,
                              variant=names.get((rule, order), f"{rule}/{order}")))
    out = pd.concat(parts, ignore_index=True)
    out["coverage_percent"] = 100 * out["fraction_covered"]
    return out


_RULES = ("planes", "uniform")
_PLANE_ORDERS = ("spread", "sequential")


def _variants(value) -> list[tuple[str, str]]:
    """Deployment variants: a non-empty list of (rule, plane_order) pairs."""
    value = _checks.sequence(value, "variants", what="(rule, plane_order) pairs")
    if not value:
        raise ValueError(f"variants is empty; give (rule, plane_order) pairs, rule in "
                         f"{list(_RULES)}, plane_order in {list(_PLANE_ORDERS)}")
    out = []
    for v in value:
        if not (isinstance(v, (tuple, list)) and len(v) == 2 and v[0] in _RULES
                and v[1] in _PLANE_ORDERS):
            raise ValueError(f"variants entries must be (rule, plane_order) pairs with rule "
                             f"in {list(_RULES)} and plane_order in {list(_PLANE_ORDERS)}; "
                             f"got {v!r:.80}")
        out.append((str(v[0]), str(v[1])))
    return out


def elevation_sweep(constellations: dict, min_elevations_deg=tuple(range(10, 61, 5)), *,
                    duration="6h", step="120s", spacing_deg=10.0, overrides=None
                    ) -> pd.DataFrame:
    """Area-weighted coverage versus minimum elevation, per constellation.

    Parameters
    ----------
    constellations : dict
        Display name -> constellation (as from :func:`comparison_set`).
    min_elevations_deg : sequence of float, optional
        Mask angles to compare. [deg]
    duration : str or float, optional
        Simulated span (e.g. ``"6h"``; seconds if a number).
    step : str or float, optional
        Time step (e.g. ``"120s"``; seconds if a number).
    spacing_deg : float, optional
        Spacing of the global site grid. [deg]
    overrides : dict, optional
        Per-constellation option overrides.

    Returns
    -------
    pandas.DataFrame
        :func:`satcloud.coverage.coverage_vs_min_elevation` rows with ``constellation``
        and ``coverage_percent``.
    """
    constellations = _constellations(constellations)
    overrides = _overrides(overrides, constellations)
    if isinstance(min_elevations_deg, (str, bytes)) or not hasattr(min_elevations_deg,
                                                                   "__iter__"):
        raise TypeError(f"min_elevations_deg must be a list of elevations [deg], got "
                        f"{min_elevations_deg!r}")
    if len(list(min_elevations_deg)) == 0:
        raise ValueError("min_elevations_deg is empty; give at least one elevation [deg]")
    sites = global_grid(spacing_deg)
    parts = []
    for label, c in constellations.items():
        o = {"duration": duration, "step": step, "dtype": np.float64, **overrides.get(label, {})}
        eph = propagate(c, time_grid(duration=o["duration"], step=o["step"]), dtype=o["dtype"])
        d = coverage_vs_min_elevation(eph, sites, list(min_elevations_deg),
                                      weights="area_weight")
        parts.append(d.assign(constellation=label))
        del eph
    out = pd.concat(parts, ignore_index=True)
    out["coverage_percent"] = 100 * out["fraction_covered"]
    return out


# ------------------------------------------------------- the real constellation of a date
def real_comparison_set(as_of="2020-10-29", count: int = 800,
                        plane_order: str = "spread") -> dict:
    """The real Starlink of a shipped element-set date beside its idealised deployment.

    The real constellation is :func:`satcloud.constellations.constellation`
    ``("starlink", as_of=as_of)``: every object of the snapshot, classified (``status``:
    operational, raising, deorbiting, other, debris) and the operational ones grouped into
    shells and planes. The idealised one is :func:`satcloud.constellations.deploy` of
    ``count`` Starlink Gen1 satellites (shell 1 filled plane by plane) with the filed
    elements taken at the real set's epoch (its latest element epoch), so that the two
    compare at one common epoch (:func:`plane_phases`).

    Parameters
    ----------
    as_of : str, pandas.Timestamp, datetime or Time, optional
        Date of a shipped Starlink element set (``"2020-10-29"``, ``"2020-12-31"``,
        ``"2026-04-02"``).
    count : int, optional
        Satellites of the idealised deployment, in [1, 4408]. [count]
    plane_order : str, optional
        Order in which the idealised planes are filled (``"spread"`` or
        ``"sequential"``), as in :func:`satcloud.constellations.deploy`.

    Returns
    -------
    dict
        ``{"Starlink real (<set date>)": real, "Starlink idealised (<count>)": deployed}``,
        both :class:`~satcloud.constellations.Constellation` with the same ``epoch``.
    """
    real = constellation("starlink", as_of=as_of)
    gen1 = constellation("starlink-gen1", epoch=real.epoch)
    count = _count(count, "count", len(gen1))
    ideal = deploy(gen1, count=count, plane_order=plane_order)
    day = pd.Timestamp(real.source["as_of"]).strftime("%Y-%m-%d")
    return {f"Starlink real ({day})": real, f"Starlink idealised ({count})": ideal}


def _per_constellation(constellations, what) -> pd.DataFrame:
    constellations = _constellations(constellations)
    parts = [what(c).assign(constellation=label) for label, c in constellations.items()]
    out = pd.concat(parts, ignore_index=True)
    return out[["constellation", *[c for c in out.columns if c != "constellation"]]]


def status_table(constellations: dict) -> pd.DataFrame:
    """Objects per status, per constellation (:func:`satcloud.constellations.describe`).

    Parameters
    ----------
    constellations : dict
        Display name -> :class:`~satcloud.constellations.Constellation` (as from
        :func:`real_comparison_set`). A filed or deployed constellation is all
        ``operational``.

    Returns
    -------
    pandas.DataFrame
        ``constellation``, ``status`` (in the order of
        :data:`satcloud.constellations.STATUSES`, absent ones left out), ``satellites``
        [count] and ``fraction`` (of the constellation's objects) [-].
    """
    return _per_constellation(constellations, lambda c: c.describe(by="status"))


def shell_fill_table(constellations: dict) -> pd.DataFrame:
    """Shells and planes found against the filing, per constellation.

    Parameters
    ----------
    constellations : dict
        Display name -> :class:`~satcloud.constellations.Constellation`.

    Returns
    -------
    pandas.DataFrame
        ``constellation`` and the :func:`satcloud.constellations.describe` columns: one
        row per shell with ``shell``, ``filed_shell``, ``altitude_km``,
        ``inclination_deg``, ``satellites`` (operational), ``planes_found``,
        ``planes_filed``, ``sats_per_plane_median``/``_min``/``_max``,
        ``satellites_filed`` and ``fill_fraction`` (NaN where no filed shell matches).
    """
    return _per_constellation(constellations, lambda c: c.describe(by="shell"))


def _angles_at_epoch(c: Constellation, label: str):
    """RAAN and argument of latitude [deg] of every satellite at ``c.epoch``: for a
    classified element-set constellation the J2-drifted values :func:`classify` wrote;
    for a filed (Walker) one its elements, which are given at its epoch."""
    sats = c.satellites
    if "raan_at_epoch_deg" in sats.columns:
        return (sats["raan_at_epoch_deg"].to_numpy(float),
                sats["arg_latitude_at_epoch_deg"].to_numpy(float))
    ep = pd.to_datetime(sats["element_epoch"], utc=True)
    ref = pd.Timestamp(c.epoch.utc.datetime64).tz_localize("UTC")
    off = np.abs((ep - ref).dt.total_seconds().to_numpy())
    if (sats["model"] == "sgp4").any() or np.any(off > 1.0):
        raise ValueError(f"constellations[{label!r}] has element sets of other epochs than "
                         f"its epoch {c.epoch.utc.isot} and no common-epoch angles; pass a "
                         "classified one (satcloud.constellations.classify or "
                         "constellation(..., as_of=...))")
    raan = np.mod(sats["raan_deg"].to_numpy(float), 360.0)
    u = np.mod(sats["arg_perigee_deg"].to_numpy(float)
               + sats["mean_anomaly_deg"].to_numpy(float), 360.0)
    return raan, u


def _common_epoch(constellations: dict):
    labels = list(constellations)
    first = constellations[labels[0]].epoch
    for label in labels[1:]:
        dt = abs(float((constellations[label].epoch - first).sec))
        if dt > 1.0:
            raise ValueError(
                f"constellations must share one epoch to compare their planes: "
                f"{labels[0]!r} is at {first.utc.isot} and {label!r} at "
                f"{constellations[label].epoch.utc.isot} UTC (real_comparison_set() builds "
                "both at the real set's epoch)")
    return first


def plane_phases(constellations: dict) -> pd.DataFrame:
    """Where every satellite is in its orbit, at the constellations' common epoch.

    One row per satellite (debris left out): its right ascension of the ascending node
    (which plane) and argument of latitude (where in the plane), both at the common
    epoch. For a classified element-set constellation these are the J2-drifted values of
    :func:`satcloud.constellations.classify` (``raan_at_epoch_deg``,
    ``arg_latitude_at_epoch_deg``); for a filed or deployed one, its elements at its
    epoch.

    Parameters
    ----------
    constellations : dict
        Display name -> :class:`~satcloud.constellations.Constellation`, all with the same
        ``epoch`` (as from :func:`real_comparison_set`).

    Returns
    -------
    pandas.DataFrame
        ``constellation``, ``sat_id``, ``status``, ``shell``, ``filed_shell`` (``""`` if
        none), ``plane`` (-1 outside the planes), ``altitude_km`` [km],
        ``raan_deg`` [deg] and ``arg_latitude_deg`` [deg], both in [0, 360).

    Raises
    ------
    ValueError
        When the epochs differ by more than 1 s, or a constellation holds unclassified
        element sets (their angles are at their own epochs).
    """
    constellations = _constellations(constellations)
    _common_epoch(constellations)
    parts = []
    for label, c in constellations.items():
        sats = c.satellites
        raan, u = _angles_at_epoch(c, label)
        filed = (sats["filed_shell"].astype(str) if "filed_shell" in sats.columns else
                 c.name + "/" + sats["shell"].astype(str))
        df = pd.DataFrame({
            "constellation": label, "sat_id": sats["sat_id"].astype(str).to_numpy(),
            "status": sats["status"].astype(str).to_numpy(),
            "shell": sats["shell"].astype(str).to_numpy(), "filed_shell": filed.to_numpy(),
            "plane": sats["plane"].to_numpy(np.int64),
            "altitude_km": sats["altitude_km"].to_numpy(float),
            "raan_deg": np.where(raan >= 360.0, 0.0, raan),
            "arg_latitude_deg": np.where(u >= 360.0, 0.0, u)})
        parts.append(df[df["status"] != "debris"])
    return pd.concat(parts, ignore_index=True)


def plane_table(phases: pd.DataFrame) -> pd.DataFrame:
    """One row per populated plane: satellites, RAAN and the gap to the next plane east.

    Parameters
    ----------
    phases : pandas.DataFrame
        :func:`plane_phases` rows; only operational satellites in a plane count.

    Returns
    -------
    pandas.DataFrame
        ``constellation``, ``shell``, ``plane``, ``satellites`` [count], ``raan_deg``
        (circular mean of its satellites' RAANs) [deg] and ``gap_to_next_deg`` (RAAN
        difference to the next plane of the shell in increasing RAAN, wrapping at
        360 deg; 360 for a shell of one plane) [deg]; planes in increasing RAAN per shell.
    """
    df = _checks.frame(phases, "phases", ("constellation", "status", "shell", "plane",
                                          "raan_deg"), producer="plane_phases()")
    _checks.finite_columns(df, "phases", ("plane", "raan_deg"), producer="plane_phases()")
    ops = df[(df["status"] == "operational") & (df["plane"] >= 0)]
    if ops.empty:
        raise ValueError("phases holds no operational satellite in a plane (status "
                         "'operational', plane >= 0)")
    ang = np.radians(ops["raan_deg"].to_numpy(float))
    keys = [ops["constellation"], ops["shell"], ops["plane"]]
    g = pd.DataFrame({"s": np.sin(ang), "c": np.cos(ang)}, index=ops.index).groupby(
        keys, sort=False)
    out = g.size().rename("satellites").to_frame()
    sums = g.sum()
    out["raan_deg"] = np.mod(np.degrees(np.arctan2(sums["s"], sums["c"])), 360.0)
    out = out.reset_index().sort_values(["constellation", "shell", "raan_deg"], kind="stable")
    nxt = out.groupby(["constellation", "shell"], sort=False)["raan_deg"].transform(
        lambda r: np.roll(r.to_numpy(), -1))
    gap = np.mod(nxt - out["raan_deg"], 360.0)
    single = out.groupby(["constellation", "shell"])["plane"].transform("size") == 1
    out["gap_to_next_deg"] = np.where(single, 360.0, gap)
    order = {label: k for k, label in enumerate(df["constellation"].unique())}
    out = out.sort_values("constellation", key=lambda s: s.map(order), kind="stable")
    return out[["constellation", "shell", "plane", "satellites", "raan_deg",
                "gap_to_next_deg"]].reset_index(drop=True)


def real_coverage_grids(constellations: dict, *, duration="24h", step="60s",
                        spacing_deg=5.0, population=True) -> dict:
    """Grid coverage of the operational satellites, inside the element sets' validity.

    Times start at the latest epoch of the element-set constellations (the snapshot's
    latest element epoch) and must end inside every element-set constellation's
    :meth:`~satcloud.constellations.Constellation.validity_window`, so no satellite is
    propagated far from its elements. Only ``status == "operational"`` satellites serve
    (those still raising, deorbiting or debris do not); filed or deployed constellations
    (all operational) are propagated over the same times.

    Parameters
    ----------
    constellations : dict
        Display name -> :class:`~satcloud.constellations.Constellation`, at least one
        from element sets (as from :func:`real_comparison_set`).
    duration : str or float, optional
        Length of the time grid (e.g. ``"24h"``; seconds if a number). [s]
    step : str or float, optional
        Time step (e.g. ``"60s"``; seconds if a number). [s]
    spacing_deg : float, optional
        Global grid cell size. [deg]
    population : bool, optional
        Add the population weight of each cell (GeoNames cities).

    Returns
    -------
    dict
        Display name -> :func:`satcloud.coverage.grid_coverage` table, with the ``attrs``
        of :func:`coverage_grids` (``n_satellites`` counts the operational satellites)
        and ``start_utc`` (ISO time of the first step).

    Raises
    ------
    ValueError
        When no constellation holds element sets, one has no operational satellite, or
        the times leave a validity window (the message gives the window).
    """
    constellations = _constellations(constellations)
    real = {k: c for k, c in constellations.items()
            if (c.satellites["model"] == "sgp4").any()}
    if not real:
        raise ValueError(f"constellations holds no element-set constellation (model "
                         f"'sgp4'); got {list(constellations)} -- use coverage_grids() for "
                         "filed ones")
    start = max((c.epoch for c in real.values()), key=lambda t: t.utc.jd)
    times = time_grid(start, duration=duration, step=step)
    for label, c in real.items():
        lo, hi = c.validity_window()
        if times[0] < lo or times[-1] > hi:
            raise ValueError(
                f"duration={duration!r} from {times[0].utc.isot} UTC runs to "
                f"{times[-1].utc.isot}, outside the validity window of {label!r} "
                f"({lo.utc.isot} to {hi.utc.isot} UTC, element sets at most 3 days old); "
                "shorten duration")
    ops = {}
    for label, c in constellations.items():
        keep = (c.satellites["status"] == "operational").to_numpy()
        if not keep.any():
            raise ValueError(f"constellations[{label!r}] has no operational satellite "
                             f"(statuses {sorted(c.satellites['status'].unique())})")
        ops[label] = c if keep.all() else c.subset(keep)
    grids = coverage_grids(ops, duration=duration, step=step, spacing_deg=spacing_deg,
                           population=population, start=start)
    for g in grids.values():
        g.attrs["start_utc"] = start.utc.isot
    return grids
