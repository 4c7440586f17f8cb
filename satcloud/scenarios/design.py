"""Scenario: the shell design trade for a fixed satellite budget (notebook 08).

Which altitude, inclination and number of planes give the best latency to the Azure
regions, and the best coverage, for a fixed number of satellites? :func:`shell_trade`
scores one Walker-delta design; :func:`satcloud.sweep.sweep` evaluates it over a grid of
designs on Dask. The scores are population-weighted over the most populous cities
(GeoNames), so a design is judged where people live:

- ``coverage_population_percent``: population-weighted share of time with at least one
  satellite above the minimum elevation (:func:`satcloud.chunked.coverage_statistics`);
- ``reachable_population_percent``: population-weighted share of (city, snapshot) pairs
  with a route to an Azure region over laser links (:func:`satcloud.latency.rtt`);
- ``rtt_median_ms`` and ``rtt_p95_ms``: population-weighted median and 95th percentile
  of the round-trip time over the reachable (city, snapshot) pairs: propagation only,
  no overheads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from satcloud import data
from satcloud._validate import check_count, check_memory, check_range
from satcloud.scenarios import _checks

__all__ = ["DESIGN_GRID", "HILL_SPHERE_KM", "best_designs", "shell_trade",
           "weighted_quantile"]

#: Radius of the Earth's Hill sphere, ~1.5 million km (Earth-Sun): no orbit beyond it is
#: bound to the Earth, so it caps the altitude of a shell. [km]
HILL_SPHERE_KM = 1.5e6

#: The design grid of notebook 08 for 1,584 satellites (Starlink shell 1's budget, 72 x 22):
#: every plane count divides 1,584, so each design uses the whole budget.
DESIGN_GRID = {
    "altitude_km": [550.0, 800.0, 1100.0],
    "inclination_deg": [45.0, 53.0, 70.0],
    "planes": [24, 36, 72],
}


def weighted_quantile(values, weights, q: float) -> float:
    """Quantile ``q`` of ``values`` with ``weights`` (the smallest value whose cumulative
    weight reaches ``q`` of the total; the weighted median for ``q = 0.5``).

    Parameters
    ----------
    values, weights : array_like
        Same length; weights >= 0 with a positive sum.
    q : float
        In [0, 1].
    """
    from satcloud._validate import as_float_array

    v = as_float_array(values, "values")
    w = as_float_array(weights, "weights")
    if not (np.isfinite(v).all() and np.isfinite(w).all()):
        raise ValueError("values and weights must be finite")
    if v.shape != w.shape or v.ndim != 1 or v.size == 0:
        raise ValueError(f"values and weights must be non-empty 1-D arrays of one length; "
                         f"got shapes {v.shape} and {w.shape}")
    check_range(w, "weights", 0.0, None)
    q = float(check_range(q, "q", 0.0, 1.0))
    total = w.sum()
    if total <= 0:
        raise ValueError("weights must have a positive sum")
    order = np.argsort(v, kind="stable")
    cum = np.cumsum(w[order])
    idx = int(np.searchsorted(cum, q * total, side="left"))
    return float(v[order][min(idx, v.size - 1)])


def shell_trade(altitude_km, inclination_deg, planes, *, n_satellites: int = 1584,
                n_cities: int = 50, min_elevation_deg: float = 25.0,
                start: str = "2020-10-01T00:00:00", duration: str = "1h",
                step: str = "300s") -> dict:
    """Score one Walker-delta shell: coverage and RTT to Azure where people live.

    Parameters
    ----------
    altitude_km : float
        Shell altitude. [km]
    inclination_deg : float
        Inclination. [deg]
    planes : int
        Number of orbital planes; must divide ``n_satellites``.
    n_satellites : int
        Satellite budget (satellites per plane = ``n_satellites / planes``).
    n_cities : int
        The most populous cities to score over (GeoNames, 1..1000).
    min_elevation_deg : float
        Minimum elevation of the user terminals. [deg]
    start, duration, step : str
        Time window and sampling (:func:`satcloud.time.time_grid`).

    Returns
    -------
    dict
        ``sats_per_plane``, ``coverage_population_percent`` [%],
        ``reachable_population_percent`` [%],
        ``rtt_median_ms`` [ms], ``rtt_p95_ms`` [ms] (RTT statistics over reachable
        pairs; ``inf`` when no pair is reachable, never NaN).
    """
    from satcloud import latency
    from satcloud.chunked import coverage_statistics
    from satcloud.constellations import Constellation
    from satcloud.network._checks import finite_scalar
    from satcloud.orbits import propagate
    from satcloud.time import time_grid

    finite_scalar(altitude_km, "altitude_km", 0.0, HILL_SPHERE_KM, low_open=True, unit="km")
    finite_scalar(inclination_deg, "inclination_deg", 0.0, 180.0, unit="deg")
    planes = check_count(planes, "planes")  # a sweep may hand 24.0: integral floats pass
    n_satellites = check_count(n_satellites, "n_satellites")
    if n_satellites % planes:
        raise ValueError(f"planes must be a positive divisor of n_satellites="
                         f"{n_satellites}; got {planes}")
    n_cities = check_count(n_cities, "n_cities")
    if n_cities > 1000:
        raise ValueError(f"n_cities must be in [1, 1000] (the cities of data/cities.csv), "
                         f"got {n_cities}")
    times = time_grid(start, duration, step)
    # positions of every satellite at every time step, in float64 ECEF (x, y, z)
    check_memory(24.0 * n_satellites * len(times),
                 f"shell_trade: n_satellites={n_satellites} satellites x {len(times)} time "
                 "steps", "give fewer n_satellites, a shorter duration or a longer step")
    cities = data.cities(n_cities, unique_names=True)  # e.g. Hyderabad (IN) and (PK)
    shell = Constellation.walker(float(altitude_km), float(inclination_deg), planes,
                                 n_satellites // planes,
                                 min_elevation_deg=min_elevation_deg, name="trade")
    cov = coverage_statistics(propagate(shell, times), cities)
    pop = cities.set_index("name")["population"].astype(float)
    coverage = float(np.average(cov["fraction_covered"].to_numpy(float),
                                weights=pop.reindex(cov["site"]).to_numpy()))
    rows = latency.rtt(shell, "isl", sources=cities[["name", "lat_deg", "lon_deg"]],
                       destinations="nearest Azure region", times=times,
                       return_paths=False)
    w = pop.reindex(rows["source"]).to_numpy()
    ok = rows["reachable"].to_numpy(bool)
    reachable = float(100.0 * w[ok].sum() / w.sum())
    if ok.any():
        rtt = rows.loc[ok, "rtt_ms"].to_numpy(float)
        median, p95 = (weighted_quantile(rtt, w[ok], 0.5),
                       weighted_quantile(rtt, w[ok], 0.95))
    else:
        median = p95 = float("inf")
    return {"sats_per_plane": n_satellites // planes,
            "coverage_population_percent": 100.0 * coverage,
            "reachable_population_percent": reachable,
            "rtt_median_ms": median,
            "rtt_p95_ms": p95}


def best_designs(results: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` best designs: full coverage first, then lowest median and p95 RTT.

    Parameters
    ----------
    results : pandas.DataFrame
        Output of ``sweep(shell_trade, grid)``.
    n : int
        Rows to keep.
    """
    _checks.frame(results, "results", ("coverage_population_percent",
                                       "reachable_population_percent", "rtt_median_ms",
                                       "rtt_p95_ms"),
                  producer="sweep(shell_trade, grid)")
    _checks.finite_columns(results, "results", ("coverage_population_percent",
                                                "reachable_population_percent"),
                           producer="sweep(shell_trade, grid)")
    for c in ("rtt_median_ms", "rtt_p95_ms"):   # shell_trade: +inf when nothing is reachable
        try:
            v = results[c].to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            raise TypeError(f"results column {c!r} must hold numbers (the output of "
                            f"sweep(shell_trade, grid)); got dtype {results[c].dtype}") from None
        bad = np.isnan(v) | (v == -np.inf)
        if bad.any():
            raise ValueError(f"results column {c!r} must hold finite numbers or +inf (no pair "
                             f"reachable); got {v[bad][0]!r}")
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    ranked = results.assign(_cov=-results["coverage_population_percent"].round(3),
                            _reach=-results["reachable_population_percent"].round(3))
    ranked = ranked.sort_values(["_cov", "_reach", "rtt_median_ms", "rtt_p95_ms"],
                                kind="stable")
    return ranked.drop(columns=["_cov", "_reach"]).head(int(n)).reset_index(drop=True)
