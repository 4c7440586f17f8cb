"""Availability: the margin a place needs for a percentage of time, and its inverse.

A link with a fade margin ``M`` against the atmosphere (its vacuum budget's
``fade_margin_db``, i.e. :func:`~satcloud.links.budget.link_budget` with
``atm_loss_db=0``) is available whenever the atmospheric attenuation is below ``M``.
With ``A(p)`` the attenuation exceeded for ``p`` % of an average year (ITU-R P.618-13 [1]_,
see :mod:`satcloud.links.atmosphere`), the availability it buys is ``100 - p*`` with
``A(p*) = M``. ``A`` falls monotonically with ``p``; it is evaluated on a log-spaced
grid of ``p`` over the P.618 validity range [0.001, 5] % and inverted by linear
interpolation of ``log10 p`` against ``A``. Outside that range the answer is a bound
(``"at_least"`` 99.999 % or ``"at_most"`` 95 %), never an extrapolation.

The sky-noise rise during rain (which lowers a downlink's G/T) is not part of ``A``;
include it by using a budget's ``fade_margin_db`` computed at the rain level of
interest, or by reducing ``M``.

Sources
-------
ITU-R P.618-13 [1]_ sections 2.2.1.1 and 2.5 (through ``itur``); the inversion of the
attenuation-exceedance curve is the standard availability computation of Maral and
Bousquet [2]_, ch. 5.

References
----------
.. [1] ITU-R Recommendation P.618-13 (12/2017), "Propagation data and prediction methods
   required for the design of Earth-space telecommunication systems".
   https://www.itu.int/rec/R-REC-P.618-13-201712-I/en
.. [2] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems, Techniques and
   Technology*, 5th ed., Wiley, 2009 (DOI not verified).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from satcloud._validate import (
    as_float_array,
    check_memory,
    check_range,
    check_scalar,
    check_shapes,
)
from satcloud.links.atmosphere import P_RANGE_PERCENT, atmospheric_attenuation
from satcloud.links.budget import link_budget

__all__ = [
    "DEFAULT_BANDS_GHZ",
    "DEFAULT_P_PERCENT",
    "P_GRID_PERCENT",
    "availability_for_budget",
    "availability_for_margin",
    "availability_from_fade_margin",
    "availability_map",
    "margin_vs_percentage",
]

#: Percentages of time shown by default in margin curves. [%]
DEFAULT_P_PERCENT = np.array([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0])
#: Log-spaced grid over the P.618 validity range used to invert A(p). [%]
P_GRID_PERCENT = np.geomspace(P_RANGE_PERCENT[0], P_RANGE_PERCENT[1], 17)
#: Representative user-downlink frequencies of the two bands compared in the maps:
#: Ku 11.7 GHz (centre of 10.7-12.7 GHz) and Ka 18.95 GHz (centre of 17.7-20.2 GHz),
#: REFERENCE.md "Radio links". [GHz]
DEFAULT_BANDS_GHZ = {"Ku": 11.7, "Ka": 18.95}
#: Peak memory of the ITU-R evaluation per grid point and band (measured ~2.4 kB with
#: tracemalloc over 2,000 points), for the memory guard of :func:`availability_map`.
#: [bytes]
_BYTES_PER_POINT = 2500


def _curves(lat, lon, el, freq_ghz, p_values, kw):
    """Attenuation contributions for each point (rows) and p (columns)."""
    out = {k: np.empty((lat.size, len(p_values))) for k in
           ("gas_db", "cloud_db", "rain_db", "scintillation_db", "atm_total_db")}
    for j, p in enumerate(p_values):
        att = atmospheric_attenuation(lat, lon, el, freq_ghz, float(p), method="direct", **kw)
        for k, v in zip(out, att, strict=True):
            out[k][:, j] = v
    return out


def _points(lat_deg, lon_deg, elevation_deg):
    check_shapes(lat_deg=lat_deg, lon_deg=lon_deg, elevation_deg=elevation_deg)
    lat, lon, el = np.broadcast_arrays(as_float_array(lat_deg, "lat_deg", finite=True),
                                       as_float_array(lon_deg, "lon_deg", finite=True),
                                       as_float_array(elevation_deg, "elevation_deg", finite=True))
    return lat.ravel(), lon.ravel(), el.ravel()


def margin_vs_percentage(lat_deg, lon_deg, elevation_deg, freq_ghz,
                         p_percent=DEFAULT_P_PERCENT, *, antenna_diameter_m=0.6,
                         antenna_efficiency=0.6, polarization_tilt_deg=45.0) -> pd.DataFrame:
    """Margin needed against the atmosphere versus the percentage of time exceeded.

    Parameters
    ----------
    lat_deg, lon_deg, elevation_deg : array_like
        Places and elevations (broadcast together), as for
        :func:`~satcloud.links.atmosphere.atmospheric_attenuation`. [deg]
    freq_ghz : float
        Frequency, in [1, 55]. [GHz]
    p_percent : array_like
        Percentages of an average year, each in [0.001, 5]; default 0.01 .. 5. [%]
    antenna_diameter_m, antenna_efficiency, polarization_tilt_deg : float
        Ground antenna and polarisation, see ``atmospheric_attenuation``.

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per (point, p) with ``point``, ``lat_deg``, ``lon_deg``,
        ``elevation_deg``, ``freq_ghz``, ``p_percent``, ``availability_percent``
        (= 100 - p), the contributions ``gas_db`` ... ``atm_total_db`` and
        ``required_margin_db`` (= ``atm_total_db``, the margin over a vacuum budget).
    """
    p = np.atleast_1d(check_range(p_percent, "p_percent", *P_RANGE_PERCENT, unit="%"))
    if p.ndim != 1:
        raise ValueError(f"p_percent must be 1-D, got shape {p.shape}")
    lat, lon, el = _points(lat_deg, lon_deg, elevation_deg)
    kw = dict(antenna_diameter_m=antenna_diameter_m, antenna_efficiency=antenna_efficiency,
              polarization_tilt_deg=polarization_tilt_deg)
    cur = _curves(lat, lon, el, freq_ghz, p, kw)
    n, k = lat.size, p.size
    df = pd.DataFrame({
        "point": np.repeat(np.arange(n), k),
        "lat_deg": np.repeat(lat, k), "lon_deg": np.repeat(lon, k),
        "elevation_deg": np.repeat(el, k), "freq_ghz": float(freq_ghz),
        "p_percent": np.tile(p, n), "availability_percent": 100.0 - np.tile(p, n),
    })
    for name, arr in cur.items():
        df[name] = arr.ravel()
    df["required_margin_db"] = df["atm_total_db"]
    return df


def _invert(atten, margin, grid):
    """p at which the (row-wise decreasing) attenuation curve equals the margin."""
    a = np.minimum.accumulate(atten, axis=1)          # enforce non-increasing in p
    n_above = (a > margin[:, None]).sum(axis=1)        # grid nodes still above margin
    k = len(grid)
    logp = np.log10(grid)
    lo = np.clip(n_above - 1, 0, k - 2)
    a0 = np.take_along_axis(a, lo[:, None], 1)[:, 0]
    a1 = np.take_along_axis(a, (lo + 1)[:, None], 1)[:, 0]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # inf -> clipped
        w = np.where(a0 > a1, (a0 - margin) / (a0 - a1), 1.0)
    p = 10.0 ** (logp[lo] + np.clip(w, 0.0, 1.0) * (logp[lo + 1] - logp[lo]))
    bound = np.full(margin.shape, "exact", dtype=object)
    bound[n_above == 0] = "at_least"     # margin covers even the 0.001 % attenuation
    bound[n_above == k] = "at_most"      # margin below the 5 % attenuation
    p = np.where(n_above == 0, grid[0], np.where(n_above == k, grid[-1], p))
    return p, bound


def availability_from_fade_margin(fade_margin_db, p_grid_percent):
    """Where a fade margin scanned over percentages of time crosses zero.

    Parameters
    ----------
    fade_margin_db : array_like
        Fade margin of a link evaluated at each percentage of ``p_grid_percent``
        (last axis), e.g. a full :func:`~satcloud.links.link_budget` per p. [dB]
    p_grid_percent : array_like
        Increasing percentages of time. [%]

    Returns
    -------
    p_percent, bound
        The percentage of time the link is down (log-linear interpolation, as in
        :func:`availability_for_margin`) and ``"exact"``, ``"at_least"`` (up even at
        the smallest p) or ``"at_most"`` (down even at the largest p). Scalars for a
        1-D scan, arrays for a 2-D one.

    Examples
    --------
    The margin grows with p (the attenuation exceeded for more of the time is smaller).
    Here it crosses zero half-way between 0.01 % and 0.1 % on the log scale, at
    10**-1.5 = 0.0316 %, so the link is up 99.968 % of an average year:

    >>> from satcloud.links.availability import availability_from_fade_margin
    >>> p, bound = availability_from_fade_margin([-1.0, 1.0, 3.0], [0.01, 0.1, 1.0])
    >>> print(f"{p:.4f} % {bound}, available {100 - p:.3f} %")
    0.0316 % exact, available 99.968 %

    A link with margin to spare even at the smallest p is a bound, not an extrapolation:

    >>> availability_from_fade_margin([2.0, 3.0, 4.0], [0.01, 0.1, 1.0])
    (0.01, 'at_least')
    """
    fm = as_float_array(fade_margin_db, "fade_margin_db", finite=True)
    grid = check_range(p_grid_percent, "p_grid_percent", 0.0, 100.0, low_open=True,
                       unit="%")
    if grid.ndim != 1 or np.any(np.diff(grid) <= 0):
        raise ValueError(f"p_grid_percent must be a 1-D increasing list of percentages, got "
                         f"{p_grid_percent!r:.200}")
    rows = np.atleast_2d(fm)
    if fm.ndim > 2 or rows.shape[-1] != grid.size or grid.size < 2:
        raise ValueError(f"fade_margin_db must have {grid.size} values per scan (one per "
                         f"p_grid_percent value, at least 2); got shape {fm.shape}")
    p, bound = _invert(-rows, np.zeros(len(rows)), grid)
    return (float(p[0]), str(bound[0])) if fm.ndim == 1 else (p, bound)


def availability_for_budget(profile, elevation_deg, lat_deg, lon_deg, *, range_km=None,
                            p_grid_percent=P_GRID_PERCENT,
                            overrides: Mapping | None = None) -> pd.DataFrame:
    """Availability of a whole link budget: where its fade margin crosses zero over p.

    The full budget (:func:`~satcloud.links.budget.link_budget` with ITU-R weather,
    ``method="direct"``: attenuation, sky-noise rise, interference) is evaluated at each
    percentage of ``p_grid_percent``; the link is down for the ``p`` at which its
    ``fade_margin_db`` crosses zero (:func:`availability_from_fade_margin`, log-linear
    interpolation), and available ``100 - p`` % of an average year. Unlike
    :func:`availability_for_margin` (a fixed margin against the attenuation alone),
    this includes everything the weather does to the budget.

    Parameters
    ----------
    profile : str or LinkProfile
        Link profile (see :func:`~satcloud.links.profiles.profile_names`).
    elevation_deg : array_like
        Elevation at the ground end, in (0, 90] (broadcast with the places). [deg]
    lat_deg, lon_deg : array_like
        Ground ends of the paths (for the ITU-R weather). [deg]
    range_km : array_like, optional
        Slant ranges, > 0; default from the profile's altitude and the elevation. [km]
    p_grid_percent : array_like
        At least two increasing percentages in [0.001, 5]; default
        :data:`P_GRID_PERCENT`. [%]
    overrides : mapping, optional
        Profile fields to change, as for ``link_budget``.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``lat_deg``, ``lon_deg``, ``elevation_deg``, ``range_km``,
        ``p_percent`` (time the link is down) [%], ``availability_percent``
        (= 100 - p) [%] and ``bound`` (``"exact"``, ``"at_least"`` 99.999 % or
        ``"at_most"`` 95 %, outside the grid).

    Notes
    -----
    The attenuation and sky noise follow ITU-R P.618-13 [1]_ (through ``itur``); reading
    the availability off the percentage of time at which the margin is used up is the
    link-availability computation of Maral and Bousquet [2]_, ch. 5.

    References
    ----------
    .. [1] ITU-R Recommendation P.618-13 (12/2017), "Propagation data and prediction methods
       required for the design of Earth-space telecommunication systems".
       https://www.itu.int/rec/R-REC-P.618-13-201712-I/en
    .. [2] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems, Techniques and
       Technology*, 5th ed., Wiley, 2009 (DOI not verified).
    """
    grid = check_range(p_grid_percent, "p_grid_percent", *P_RANGE_PERCENT, unit="%")
    if grid.ndim != 1 or grid.size < 2 or np.any(np.diff(grid) <= 0):
        raise ValueError(f"p_grid_percent must be at least two increasing percentages in "
                         f"[{P_RANGE_PERCENT[0]:g}, {P_RANGE_PERCENT[1]:g}] %, got "
                         f"{p_grid_percent!r:.200}")
    budgets = [link_budget(profile, range_km=range_km, elevation_deg=elevation_deg,
                           lat_deg=lat_deg, lon_deg=lon_deg, p_percent=float(pp),
                           method="direct", overrides=overrides) for pp in grid]
    scan = np.column_stack([b["fade_margin_db"].to_numpy(float) for b in budgets])
    # one 1-D inversion per point (the same arithmetic for any number of points)
    out = [availability_from_fade_margin(row, grid) for row in scan]
    p = np.array([q for q, _ in out], dtype=float)
    first = budgets[0]
    return pd.DataFrame({
        "lat_deg": first["lat_deg"].to_numpy(float),
        "lon_deg": first["lon_deg"].to_numpy(float),
        "elevation_deg": first["elevation_deg"].to_numpy(float),
        "range_km": first["range_km"].to_numpy(float),
        "p_percent": p, "availability_percent": 100.0 - p,
        "bound": np.array([b for _, b in out], dtype=object),
    })


def availability_for_margin(margin_db, lat_deg, lon_deg, elevation_deg, freq_ghz, *,
                            antenna_diameter_m=0.6, antenna_efficiency=0.6,
                            polarization_tilt_deg=45.0) -> pd.DataFrame:
    """Availability that a fade margin buys at each place.

    Parameters
    ----------
    margin_db : array_like
        Margin against atmospheric attenuation (broadcast with the points). [dB]
    lat_deg, lon_deg, elevation_deg : array_like
        Places and elevations. [deg]
    freq_ghz : float
        Frequency, in [1, 55]. [GHz]
    antenna_diameter_m, antenna_efficiency, polarization_tilt_deg : float
        Ground antenna and polarisation, see ``atmospheric_attenuation``.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``lat_deg``, ``lon_deg``, ``elevation_deg``, ``margin_db``,
        ``p_percent`` (time the margin is exceeded), ``availability_percent`` and
        ``bound``: ``"exact"`` inside the P.618 range, ``"at_least"`` (availability is
        at least 99.999 %) or ``"at_most"`` (at most 95 %) outside it.
    """
    check_shapes(margin_db=margin_db, lat_deg=lat_deg, lon_deg=lon_deg,
                 elevation_deg=elevation_deg)
    m = as_float_array(margin_db, "margin_db", finite=True)
    lat, lon, el, m = (a.ravel() for a in np.broadcast_arrays(
        as_float_array(lat_deg, "lat_deg", finite=True),
        as_float_array(lon_deg, "lon_deg", finite=True),
        as_float_array(elevation_deg, "elevation_deg", finite=True), m))
    kw = dict(antenna_diameter_m=antenna_diameter_m, antenna_efficiency=antenna_efficiency,
              polarization_tilt_deg=polarization_tilt_deg)
    atten = _curves(lat, lon, el, freq_ghz, P_GRID_PERCENT, kw)["atm_total_db"]
    p, bound = _invert(atten, m, P_GRID_PERCENT)
    return pd.DataFrame({"lat_deg": lat, "lon_deg": lon, "elevation_deg": el,
                         "margin_db": m, "p_percent": p, "availability_percent": 100.0 - p,
                         "bound": bound})


def availability_map(margin_db=6.0, *, bands_ghz: Mapping | None = None,
                     elevation_deg=40.0, lat_step_deg=5.0, lon_step_deg=5.0,
                     lat_range_deg=(-60.0, 70.0), antenna_diameter_m=0.6,
                     antenna_efficiency=0.6, polarization_tilt_deg=45.0):
    """World grid of the availability a margin buys, band by band (Ku versus Ka).

    Parameters
    ----------
    margin_db : float or mapping
        Fade margin against the atmosphere, one value or band -> value; default 6 dB
        (assumption: a typical clear-sky margin of consumer Ku/Ka links). [dB]
    bands_ghz : mapping, optional
        Band name -> frequency [GHz]; default :data:`DEFAULT_BANDS_GHZ`.
    elevation_deg : float
        Elevation of the link everywhere, in (0, 90]. [deg]
    lat_step_deg, lon_step_deg : float
        Grid spacing, in (0, 90]. [deg]
    lat_range_deg : tuple of float
        Latitude span (inclusive) of the grid, within [-90, 90]. [deg]
    antenna_diameter_m, antenna_efficiency, polarization_tilt_deg : float
        Ground antenna and polarisation, see ``atmospheric_attenuation``.

    Returns
    -------
    xarray.Dataset
        ``availability_percent`` and ``bound`` over (``band``, ``lat_deg``,
        ``lon_deg``), with ``freq_ghz`` and ``margin_db`` per band; attributes name
        the model and the elevation. Cost: ~0.5 ms per grid point and band (the gas
        model); the default 5 deg grid takes ~10 s.
    """
    import xarray as xr

    if bands_ghz is not None and not isinstance(bands_ghz, Mapping):
        raise TypeError(f"bands_ghz must be a mapping of band name -> frequency in GHz, e.g. "
                        f"{{'Ku': 12.0}}, got {bands_ghz!r:.100}")
    bands = dict(DEFAULT_BANDS_GHZ if bands_ghz is None else bands_ghz)
    if not bands:
        raise ValueError("bands_ghz must name at least one band")
    if isinstance(margin_db, Mapping):
        missing = set(bands) - set(margin_db)
        if missing:
            raise ValueError(f"margin_db lacks band(s) {sorted(missing)}")
    margins = {b: margin_db[b] if isinstance(margin_db, Mapping) else margin_db
               for b in bands}
    sl = check_scalar(check_range(lat_step_deg, "lat_step_deg", 0.0, 90.0, low_open=True,
                                  unit="deg"), "lat_step_deg")
    so = check_scalar(check_range(lon_step_deg, "lon_step_deg", 0.0, 90.0, low_open=True,
                                  unit="deg"), "lon_step_deg")
    span = check_range(lat_range_deg, "lat_range_deg", -90.0, 90.0, unit="deg")
    if span.shape != (2,):
        raise ValueError(f"lat_range_deg must be (low, high), got {lat_range_deg!r:.100}")
    lo, hi = (float(x) for x in span)
    if lo > hi:
        raise ValueError(f"lat_range_deg must be (low, high) with low <= high, got "
                         f"{lat_range_deg!r}")
    n_points = (np.floor((hi - lo) / sl + 1e-9) + 1) * np.ceil(360.0 / so - 1e-9)
    check_memory(n_points * len(bands) * _BYTES_PER_POINT,
                 f"availability_map: {n_points:,.0f} grid points x {len(bands)} band(s)",
                 "choose larger lat_step_deg / lon_step_deg or a smaller lat_range_deg "
                 "(each point also costs about a millisecond of ITU-R models per band)")
    lats = np.arange(lo, hi + 1e-9, sl)
    lons = np.arange(-180.0, 180.0 - 1e-9, so)
    glat, glon = np.meshgrid(lats, lons, indexing="ij")
    avail, bnd = [], []
    for b, f in bands.items():
        r = availability_for_margin(margins[b], glat.ravel(), glon.ravel(), elevation_deg,
                                    f, antenna_diameter_m=antenna_diameter_m,
                                    antenna_efficiency=antenna_efficiency,
                                    polarization_tilt_deg=polarization_tilt_deg)
        avail.append(r["availability_percent"].to_numpy().reshape(glat.shape))
        bnd.append(r["bound"].to_numpy().astype(str).reshape(glat.shape))
    names = list(bands)
    return xr.Dataset(
        {"availability_percent": (("band", "lat_deg", "lon_deg"), np.stack(avail)),
         "bound": (("band", "lat_deg", "lon_deg"), np.stack(bnd))},
        coords={"band": names, "lat_deg": lats, "lon_deg": lons,
                "freq_ghz": ("band", [float(bands[b]) for b in names]),
                "margin_db": ("band", [float(margins[b]) for b in names])},
        attrs={"model": "ITU-R P.618-13 total attenuation via itur (P.676, P.840, P.618)",
               "elevation_deg": float(elevation_deg),
               "units_availability_percent": "%"},
    )
