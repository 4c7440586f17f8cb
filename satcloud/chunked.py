"""Coverage over long spans and large site sets, as Dask tasks over time and site chunks.

A year at 60 s for Starlink Gen1 is 525,600 x 4,408 satellite states (56 GB of float64
positions); a 1-degree global grid is 64,800 sites. Neither fits in memory at once, and
neither needs to: coverage statistics per site reduce *exactly* over time chunks. Each
Dask task here propagates its own block of ``chunk_steps`` time steps
(:func:`satcloud.orbits.propagate`), counts the satellites in view of one block of sites
(:func:`satcloud.coverage.visible_counts`, the pruned access search), and reduces them at
once to the mergeable summary of :mod:`satcloud.coverage`
(:class:`~satcloud.coverage.CoverageSummary`) per site; summaries of consecutive blocks
are merged in a tree of tasks. So a worker never holds more than one block of positions, and
the client receives one summary per site.

The statistics are those of :func:`satcloud.coverage.site_coverage` (a step is *covered*
when at least ``k`` satellites are at or above their minimum elevation, an *outage*
otherwise), plus three more::

    fraction_covered      fraction of time steps covered                     [-]
    mean_in_view          mean number of satellites in view                  [-]
    min_in_view           fewest satellites in view at any step              [-]
    max_in_view           most satellites in view at any step                [-]
    longest_outage_s      longest run of outage steps x step                 [s]
    outage_count          number of maximal runs of outage steps             [-]
    longest_outage_start  UTC time of the first step of the longest outage (the
                          earliest if tied; NaT when there is no outage)
    n_steps               time steps                                         [-]

Durations are sampled: a run of ``m`` outage steps lasts ``m x step`` seconds (each
sample stands for the step that follows it, as in :mod:`satcloud.coverage`), so the
resolution is one step. Every statistic is built from integer counts that add up across
blocks; outages that span a block boundary are joined through each block's leading and
trailing runs (see :meth:`satcloud.coverage.CoverageSummary.merge`), so the chunked
result equals the in-memory result over the whole span exactly, for any chunking (tested). Against
:func:`satcloud.coverage.site_coverage` on the same grid the integer statistics are
equal and the fractions and durations agree to rounding (it weights samples by their
durations computed from Julian dates, equal to the step to ~1e-11 s).

Where it runs: exactly as :func:`satcloud.sweep.sweep` (``client=``, the
``SATCLOUD_DASK_SCHEDULER`` environment variable, the session's default client, or a
local cluster started on demand); ``scheduler="synchronous"`` runs the same blocks one
after the other in this process.

Examples
--------
::

    from satcloud import chunked, data
    from satcloud.constellations import constellation

    gen1 = constellation("starlink-gen1")
    # a year at 60 s over the 48 Azure regions, on the local cluster (or client="tcp://...")
    stats = chunked.coverage_over_time(gen1, "2021-01-01", "365d", "60s",
                                       data.azure_regions())
    # a 1-degree global grid over one day (one row per cell, as coverage.grid_coverage)
    cells = chunked.coverage_over_grid(gen1, "2021-01-01", "24h", "60s", spacing_deg=1.0)
    # ... or as an xarray Dataset over lat_deg x lon_deg
    ds = chunked.coverage_over_grid(gen1, "2021-01-01", "24h", "60s", as_xarray=True)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from satcloud._validate import check_choice
from satcloud.coverage import CoverageSummary
from satcloud.time import duration_s, time_grid, uniform_step_s

__all__ = [
    "coverage_over_grid",
    "coverage_over_time",
    "coverage_statistics",
]

_SCHEDULERS = ("distributed", "synchronous")


def coverage_statistics(ephemeris, sites, min_elevation_deg=None, k: int = 1, *,
                        chunk_steps=None) -> pd.DataFrame:
    """Per-site coverage statistics of an ephemeris held in memory (no Dask).

    The in-memory counterpart of :func:`coverage_over_time`, giving the same table for a
    span that fits in memory: :func:`satcloud.coverage.site_coverage` plus
    ``outage_count``, ``longest_outage_start`` and ``n_steps``.

    Parameters
    ----------
    ephemeris : satcloud.orbits.Ephemeris
        Positions over a uniform time grid.
    sites : pandas.DataFrame
        As for :func:`satcloud.geometry.access`.
    min_elevation_deg : float, optional
        Visibility threshold [deg]; default each satellite's own.
    k : int
        Covered means at least ``k`` satellites in view.
    chunk_steps : int, optional
        Time steps per chunk of the access search (memory bound).

    Returns
    -------
    pandas.DataFrame
        One row per site (columns in the module docstring).

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
    >>> from satcloud.chunked import coverage_statistics
    >>> stats = coverage_statistics(eph, sites, min_elevation_deg=10.0)
    >>> stats[["site", "fraction_covered", "outage_count", "longest_outage_s", "n_steps"]]
           site  fraction_covered  outage_count  longest_outage_s  n_steps
    0  Brussels               1.0             0               0.0        3
    1    Sydney               0.0             1           10800.0        3
    """
    from satcloud.coverage import visible_counts
    from satcloud.geometry import normalize_sites

    k = CoverageSummary.check_k(k)
    site_df = normalize_sites(sites)
    counts = visible_counts(ephemeris, site_df, min_elevation_deg, chunk_steps=chunk_steps)
    return CoverageSummary.from_counts(counts, k=k).to_frame(
        site_df, ephemeris.times, uniform_step_s(ephemeris.times, "ephemeris times"))


# --------------------------------------------------------------------------------------
# the tasks
# --------------------------------------------------------------------------------------

def _block_summary(constellation, times, sites, min_elevation_deg, k, t0, access_chunk_steps):
    """One task: propagate one block of times, count per site, summarise."""
    from satcloud import orbits
    from satcloud.coverage import visible_counts

    eph = orbits.propagate(constellation, times)
    counts = visible_counts(eph, sites, min_elevation_deg, chunk_steps=access_chunk_steps)
    return CoverageSummary.from_counts(counts, k=k, t0=t0)


def _merge(a: CoverageSummary, b: CoverageSummary) -> CoverageSummary:
    return a.merge(b)


def _identity(x):
    return x


def _default_chunk_steps(n_sat: int) -> int:
    # ~2e6 satellite states per block: 48 MB of float64 positions, plus access temporaries
    return int(max(1, min(1440, 2_000_000 // max(n_sat, 1))))


def _check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _resolve_constellation(constellation):
    if isinstance(constellation, str):
        from satcloud.constellations import constellation as named

        return named(constellation)
    if not hasattr(constellation, "satellites"):
        raise TypeError(f"constellation must be a satcloud Constellation or a catalogue name, "
                        f"got {type(constellation).__name__}")
    return constellation


def coverage_over_time(constellation, start, duration, step, sites, *,
                       min_elevation_deg=None, k: int = 1, chunk_steps: int | None = None,
                       site_chunk_size: int = 2000, client=None,
                       scheduler: str = "distributed", n_workers: int | None = None,
                       progress: bool = True) -> pd.DataFrame:
    """Per-site coverage statistics over a long time span, as Dask tasks over blocks.

    Parameters
    ----------
    constellation : Constellation or str
        The satellites, or a catalogue name for :func:`satcloud.constellations.constellation`.
    start : Time, datetime or str
        First time (UTC).
    duration : str, float, timedelta or Quantity
        Span, half-open, as for :func:`satcloud.time.time_grid`: a string with a unit
        (``"365D"``, ``"24h"``), a number of seconds, a Quantity or a timedelta (see
        :func:`satcloud.time.duration_s`; ``"24"`` without a unit is an error). [s]
    step : str, float, timedelta or Quantity
        Time step, > 0, in the same forms. [s]
    sites : pandas.DataFrame
        Ground sites with ``lat_deg``, ``lon_deg`` [deg] (optional ``alt_m`` [m] and a
        ``site``/``name``/``region`` column), e.g. :func:`satcloud.data.azure_regions`.
    min_elevation_deg : float, optional
        Visibility threshold [deg]; default each satellite's own.
    k : int
        Covered means at least ``k`` satellites in view.
    chunk_steps : int, optional
        Time steps per task; bounds a worker's memory at about
        ``chunk_steps x n_satellites x 24`` bytes of positions. Default ~2e6 states
        (453 steps for Starlink Gen1, 66 for Gen2).
    site_chunk_size : int
        Sites per task. Each site block propagates its time blocks anew, so keep it large
        unless the access search itself needs the memory (e.g. fine global grids).
    client, scheduler, n_workers, progress
        Where and how to run, as for :func:`satcloud.sweep.sweep`.

    Returns
    -------
    pandas.DataFrame
        One row per site, in the order of ``sites``: the sites' columns, then the
        statistics of the module docstring.
    """
    from satcloud.geometry import normalize_sites

    constellation = _resolve_constellation(constellation)
    k = CoverageSummary.check_k(k)
    scheduler = check_choice(scheduler, "scheduler", _SCHEDULERS)
    chunk = (_default_chunk_steps(len(constellation)) if chunk_steps is None
             else _check_positive_int(chunk_steps, "chunk_steps"))
    site_chunk = _check_positive_int(site_chunk_size, "site_chunk_size")
    if scheduler == "synchronous" and (client is not None or n_workers is not None):
        raise ValueError("scheduler='synchronous' runs in this process; do not give client= "
                         "or n_workers=")
    site_df = normalize_sites(sites)
    times = time_grid(start, duration, step)
    step_s = duration_s(step, "step")
    n_t = len(times)
    t_blocks = [(t0, min(t0 + chunk, n_t)) for t0 in range(0, n_t, chunk)]
    s_blocks = [(s0, min(s0 + site_chunk, len(site_df)))
                for s0 in range(0, len(site_df), site_chunk)]
    # the access search's own time sub-chunks, ~2e6 states like the propagation blocks
    access_chunk = max(1, min(64, 2_000_000 // max(len(constellation), 1)))
    task = (min_elevation_deg, k)

    if scheduler == "synchronous":
        summaries = _run_synchronous(constellation, times, site_df, t_blocks, s_blocks, task,
                                     access_chunk, progress)
    else:
        summaries = _run_dask(constellation, times, site_df, t_blocks, s_blocks, task,
                              access_chunk, client, n_workers, progress)
    frames = [s.to_frame(site_df.iloc[s0:s1], times, step_s)
              for s, (s0, s1) in zip(summaries, s_blocks, strict=True)]
    return pd.concat(frames, ignore_index=True)


def _bar(total, progress, desc):
    from satcloud import _progress

    return _progress.bar(total, desc, unit="block", progress=progress)


def _run_synchronous(constellation, times, site_df, t_blocks, s_blocks, task, access_chunk,
                     progress):
    bar = _bar(len(t_blocks) * len(s_blocks), progress, "coverage")
    out = []
    try:
        for s0, s1 in s_blocks:
            sites = site_df.iloc[s0:s1].reset_index(drop=True)
            acc = None
            for t0, t1 in t_blocks:
                s = _block_summary(constellation, times[t0:t1], sites, *task, t0, access_chunk)
                acc = s if acc is None else acc.merge(s)
                bar.update(1)
            out.append(acc)
    finally:
        bar.close()
    return out


def _run_dask(constellation, times, site_df, t_blocks, s_blocks, task, access_chunk, client,
              n_workers, progress):
    from distributed import as_completed

    from satcloud.sweep import _resolve_client

    client, owned = _resolve_client(client, n_workers)
    leaves, finals = [], []
    try:
        # a task holding the constellation (recomputable if its worker dies), fetched
        # once per worker rather than pickled into every task
        const = client.submit(_identity, constellation, pure=False)
        for s0, s1 in s_blocks:
            sites = site_df.iloc[s0:s1].reset_index(drop=True)
            level = [client.submit(_block_summary, const, times[t0:t1], sites, *task, t0,
                                   access_chunk, pure=False)
                     for t0, t1 in t_blocks]
            leaves.extend(level)
            while len(level) > 1:      # pairwise tree in time order (merge is not commutative)
                nxt = [client.submit(_merge, level[i], level[i + 1], pure=False)
                       for i in range(0, len(level) - 1, 2)]
                if len(level) % 2:
                    nxt.append(level[-1])
                level = nxt
            finals.append(level[0])
        bar = _bar(len(leaves), progress, "coverage")
        try:
            done = as_completed(leaves, loop=client.loop)
            leaves = []                       # the scheduler frees each leaf once merged
            for future in done:
                if future.status == "error":  # raise the first error; results stay put
                    future.result()
                bar.update(1)
        finally:
            bar.close()
        return client.gather(finals)
    finally:
        pending = [f for f in leaves + finals if not f.done()]
        if pending:
            client.cancel(pending)
        if owned:
            client.close()


# --------------------------------------------------------------------------------------
# global grids
# --------------------------------------------------------------------------------------

def coverage_over_grid(constellation, start, duration, step, *, spacing_deg: float = 1.0,
                       lat_limit_deg: float = 90.0, as_xarray: bool = False, **kwargs):
    """Coverage statistics over a global latitude/longitude grid, in Dask tasks.

    The long-span, chunked counterpart of :func:`satcloud.coverage.grid_coverage`, on
    the grid of :func:`satcloud.coverage.global_grid`.

    Parameters
    ----------
    constellation, start, duration, step
        As for :func:`coverage_over_time`.
    spacing_deg : float
        Grid cell size, dividing 180. [deg]
    lat_limit_deg : float
        Keep cells whose centre has |latitude| below this. [deg]
    as_xarray : bool
        Return an :class:`xarray.Dataset` over ``lat_deg`` x ``lon_deg`` instead of a
        table.
    **kwargs
        Passed to :func:`coverage_over_time` (``k``, ``chunk_steps``, ``site_chunk_size``,
        ``client``, ``scheduler``, ...).

    Returns
    -------
    pandas.DataFrame or xarray.Dataset
        One row per cell: the :func:`satcloud.coverage.global_grid` columns (with
        ``area_weight``; :func:`satcloud.coverage.coverage_summary` summarises it) and
        the statistics of the module docstring. As a Dataset: one variable per column
        except ``site``, ``lat_deg`` and ``lon_deg``, which become the coordinates.
    """
    from satcloud.coverage import global_grid

    grid = global_grid(spacing_deg, lat_limit_deg=lat_limit_deg)
    kwargs.setdefault("site_chunk_size", 5000)
    table = coverage_over_time(constellation, start, duration, step, grid, **kwargs)
    if not as_xarray:
        return table
    import xarray as xr

    lat = np.unique(table["lat_deg"].to_numpy())
    lon = np.unique(table["lon_deg"].to_numpy())
    shape = (lat.size, lon.size)
    if lat.size * lon.size != len(table):
        raise ValueError("the grid is not a full latitude x longitude product")
    order = np.lexsort((table["lon_deg"].to_numpy(), table["lat_deg"].to_numpy()))
    data = {c: (("lat_deg", "lon_deg"), table[c].to_numpy()[order].reshape(shape))
            for c in table.columns if c not in ("site", "lat_deg", "lon_deg")}
    return xr.Dataset(data, coords={"lat_deg": lat, "lon_deg": lon},
                      attrs={"k": kwargs.get("k", 1), "spacing_deg": float(spacing_deg)})
