"""Atmospheric attenuation on Earth-space paths from ITU-R, fast enough for millions of links.

The attenuation exceeded for p % of an average year is the ITU-R P.618-13 [1]_ section 2.5
combination of its contributions,

.. math::

    A(p) = A_{gas}(p) + \\sqrt{(A_{rain}(p) + A_{cloud}(p))^2 + A_{scint}(p)^2}

with gases from ITU-R P.676-12 [2]_ Annex 2, clouds from P.840-7 [3]_, rain from P.618-13
section 2.2.1.1 (rain rate P.837-7 [4]_, rain height P.839-4 [5]_, specific attenuation
P.838-3 [6]_) and tropospheric scintillation from P.618-13 section 2.4.1; gases and clouds
use max(p, 1 %) as P.618 prescribes. All of it is evaluated by the ``itur`` package
[7]_ (ITU-Rpy 0.4, offline data), exactly as ``itur.atmospheric_attenuation_slant_path``
does; this module only decides *where* to call it.

How the fast path works (``method="interp"``)
--------------------------------------------
``itur`` costs ~0.3-1 ms per point, nearly all of it in P.676's per-point gas model,
yet for a given place, frequency and p everything but the elevation is fixed:

- gas and cloud attenuation are exactly ``A_zenith / sin(el)`` in these models
  (P.676-12 Annex 2, P.840-7), so one zenith value per place is cached
  and scaled -- bit-for-bit what ``itur`` returns;
- rain and scintillation are evaluated by ``itur`` at fixed elevation nodes per
  place and interpolated with a cubic spline in ``t = sqrt(cot el)``. This variable
  is chosen because the rain model depends on the horizontal projection
  ``L_G = (h_R - h_s) cot el`` through ``sqrt(L_G)``, which makes it singular in
  ``el`` (and in ``1/sin el``) at the zenith but smooth in ``t``. The rain model
  switches branch at el = 25 deg (P.618-13 section 2.2.1.1 step 10, the beta
  term), so the spline is split there: 32 nodes on [5, 25] deg and 48 on
  (25, 90] deg.

The place tables are cached per (frequency, p, antenna, polarisation, ITU-R model
versions) and per (lat, lon), so repeated calls at known places cost only the spline
evaluation. Elevations below 5 deg (outside P.618's interpolation grid) are evaluated
by ``itur`` point by point, as is every point with ``method="direct"``.
Measured agreement with direct ``itur`` calls: < 1e-9 dB at the nodes, < 0.04 dB
between them even for 100+ dB tropical Ka-band rain at p = 0.01 % (see the tests and
``benchmarks/bench_links.py``).

Notes
-----
``itur`` warns for elevations below 5 deg (and, through a quirk of its check, at
exactly 90 deg); those ``RuntimeWarning`` s are silenced inside this module.
Importing ``itur`` takes ~1 s, so it is imported on first use.

References
----------
.. [1] ITU-R Recommendation P.618-13 (12/2017), "Propagation data and prediction methods
   required for the design of Earth-space telecommunication systems".
   https://www.itu.int/rec/R-REC-P.618-13-201712-I/en
.. [2] ITU-R Recommendation P.676-12 (08/2019), "Attenuation by atmospheric gases and related
   effects". https://www.itu.int/rec/R-REC-P.676-12-201908-S/en
.. [3] ITU-R Recommendation P.840-7 (12/2017), "Attenuation due to clouds and fog".
   https://www.itu.int/rec/R-REC-P.840-7-201712-I/en
.. [4] ITU-R Recommendation P.837-7 (06/2017), "Characteristics of precipitation for propagation
   modelling". https://www.itu.int/rec/R-REC-P.837-7-201706-I/en
.. [5] ITU-R Recommendation P.839-4 (09/2013), "Rain height model for prediction methods".
   https://www.itu.int/rec/R-REC-P.839-4-201309-I/en
.. [6] ITU-R Recommendation P.838-3 (03/2005), "Specific attenuation model for rain for use in
   prediction methods". https://www.itu.int/rec/R-REC-P.838-3-200503-I/en
.. [7] I. del Portillo, ITU-Rpy (``itur``), a Python implementation of the ITU-R P.
   Recommendations. https://github.com/inigodelportillo/ITU-Rpy
"""

from __future__ import annotations

import collections
import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd

from satcloud._validate import check_choice, check_latlon, check_range, check_shapes
from satcloud.links.antennas import check_diameter_m, check_efficiency

__all__ = [
    "BREAK_ELEVATION_DEG",
    "FREQ_RANGE_GHZ",
    "INTERP_MIN_ELEVATION_DEG",
    "P_RANGE_PERCENT",
    "Attenuation",
    "atmospheric_attenuation",
    "attenuation_cache_info",
    "clear_attenuation_cache",
    "elevation_nodes_deg",
    "itur_attenuation",
    "itur_versions",
]

#: Validity of the P.618-13 rain prediction in percentage of an average year. [%]
P_RANGE_PERCENT = (0.001, 5.0)
#: Frequency range of the P.618-13 prediction methods (rain up to 55 GHz). [GHz]
FREQ_RANGE_GHZ = (1.0, 55.0)
#: Lowest elevation of the interpolation grid; below it ``itur`` is called per point. [deg]
INTERP_MIN_ELEVATION_DEG = 5.0
#: Elevation where the P.618-13 rain model changes branch (the grid is split there). [deg]
BREAK_ELEVATION_DEG = 25.0
_N_LOW = 32     # nodes on [5, 25] deg
_N_HIGH = 48    # nodes on (25, 90] deg
_HL_M = 1000.0  # height of the turbulent layer, P.618-13 section 2.4.1 (itur default)
_MAX_TABLES = 64
_MAX_CACHE_BYTES = 512e6   # evict least recently used tables beyond this


def _t_of_el(el_deg):
    """Interpolation variable t = sqrt(cot el) (0 at the zenith)."""
    r = np.deg2rad(el_deg)
    return np.sqrt(np.maximum(np.cos(r), 0.0) / np.sin(r))


def _nodes():
    t25 = float(_t_of_el(BREAK_ELEVATION_DEG))
    t5 = float(_t_of_el(INTERP_MIN_ELEVATION_DEG))
    t_hi = np.linspace(0.0, t25, _N_HIGH)
    t_lo = np.linspace(t25, t5, _N_LOW)
    el_hi = np.rad2deg(np.arctan2(1.0, t_hi ** 2))
    el_lo = np.rad2deg(np.arctan2(1.0, t_lo ** 2))
    el_hi[0] = 90.0
    # itur tests `el > 25` for the upper branch: take the node just above it
    el_hi[-1] = BREAK_ELEVATION_DEG + 1e-9
    el_lo[0], el_lo[-1] = BREAK_ELEVATION_DEG, INTERP_MIN_ELEVATION_DEG
    return (t_lo, el_lo), (t_hi, el_hi)


_NODES_LOW, _NODES_HIGH = _nodes()


def elevation_nodes_deg() -> np.ndarray:
    """Elevations at which ``itur`` is evaluated per place (the spline nodes).

    Returns
    -------
    numpy.ndarray
        All node elevations, low segment [5, 25] then high segment (25, 90]. [deg]

    Examples
    --------
    80 nodes from 5 to 90 deg, split at the 25 deg branch of the P.618-13 rain model:

    >>> from satcloud.links.atmosphere import BREAK_ELEVATION_DEG, elevation_nodes_deg
    >>> nodes = elevation_nodes_deg()
    >>> print(nodes.size, nodes.min(), nodes.max(), int((nodes <= BREAK_ELEVATION_DEG).sum()))
    80 5.0 90.0 32
    """
    return np.concatenate([_NODES_LOW[1], _NODES_HIGH[1]])


class Attenuation(NamedTuple):
    """Atmospheric attenuation exceeded for p % of an average year, by contribution.

    Gases follow ITU-R P.676-12 [2]_ Annex 2, clouds P.840-7 [3]_, rain and
    scintillation ITU-R P.618-13 [1]_ (sections 2.2.1.1 and 2.4.1), and the total is
    the P.618-13 section 2.5 combination.

    References
    ----------
    .. [1] ITU-R Recommendation P.618-13 (12/2017), "Propagation data and prediction methods
       required for the design of Earth-space telecommunication systems".
       https://www.itu.int/rec/R-REC-P.618-13-201712-I/en
    .. [2] ITU-R Recommendation P.676-12 (08/2019), "Attenuation by atmospheric gases and
       related effects". https://www.itu.int/rec/R-REC-P.676-12-201908-S/en
    .. [3] ITU-R Recommendation P.840-7 (12/2017), "Attenuation due to clouds and fog".
       https://www.itu.int/rec/R-REC-P.840-7-201712-I/en
    """

    #: Oxygen and water vapour, ITU-R P.676 Annex 2. [dB]
    gas_db: np.ndarray
    #: Cloud liquid water, ITU-R P.840. [dB]
    cloud_db: np.ndarray
    #: Rain, ITU-R P.618 section 2.2.1.1. [dB]
    rain_db: np.ndarray
    #: Tropospheric scintillation fade depth, ITU-R P.618 section 2.4.1. [dB]
    scintillation_db: np.ndarray
    #: ``gas + sqrt((rain + cloud)^2 + scint^2)``, ITU-R P.618 section 2.5. [dB]
    total_db: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        """The contributions as DataFrame columns (flattened)."""
        return pd.DataFrame({"gas_db": np.ravel(self.gas_db),
                             "cloud_db": np.ravel(self.cloud_db),
                             "rain_db": np.ravel(self.rain_db),
                             "scintillation_db": np.ravel(self.scintillation_db),
                             "atm_total_db": np.ravel(self.total_db)})


def _combine(gas, cloud, rain, scint):
    return gas + np.sqrt((rain + cloud) ** 2 + scint ** 2)


def _itur():
    import itur  # noqa: F401  (slow import, done on first use)
    from itur.models import (
        itu618,
        itu676,
        itu835,
        itu836,
        itu837,
        itu838,
        itu839,
        itu840,
        itu1510,
        itu1511,
    )

    return {"618": itu618, "676": itu676, "835": itu835, "836": itu836, "837": itu837,
            "838": itu838, "839": itu839, "840": itu840, "1510": itu1510, "1511": itu1511}


def itur_versions() -> dict:
    """Versions of the ITU-R recommendations ``itur`` is set to use.

    Returns
    -------
    dict
        Recommendation -> version, e.g. ``{"P.618": 13, "P.676": 12, ...}``.
    """
    m = _itur()
    return {f"P.{k}": int(m[k].get_version()) for k in ("618", "676", "840", "837", "838",
                                                         "839")}


def _value(q) -> np.ndarray:
    """Strip an astropy Quantity (dB, km ...) to a float array."""
    return np.asarray(getattr(q, "value", q), dtype=float)


# --------------------------------------------------------------------------- checks


def _check_common(freq_ghz, p_percent, antenna_diameter_m, antenna_efficiency,
                  polarization_tilt_deg):
    f = check_range(freq_ghz, "freq_ghz", *FREQ_RANGE_GHZ, unit="GHz")
    p = check_range(p_percent, "p_percent", *P_RANGE_PERCENT, unit="%")
    if f.ndim or p.ndim:
        raise TypeError(
            "freq_ghz and p_percent must be scalars (one call per frequency and "
            f"percentage; itur cannot vectorise p with elevation), got shapes {f.shape} "
            f"and {p.shape}")
    d = check_diameter_m(antenna_diameter_m, "antenna_diameter_m")
    eta = check_efficiency(antenna_efficiency, "antenna_efficiency")
    tau = check_range(polarization_tilt_deg, "polarization_tilt_deg", 0.0, 90.0, unit="deg")
    if d.ndim or eta.ndim or tau.ndim:
        raise TypeError("antenna_diameter_m, antenna_efficiency and polarization_tilt_deg "
                        "must be scalars")
    return float(f), float(p), float(d), float(eta), float(tau)


def _points(lat_deg, lon_deg, elevation_deg):
    check_shapes(lat_deg=lat_deg, lon_deg=lon_deg, elevation_deg=elevation_deg)
    lat, lon = check_latlon(lat_deg, lon_deg)
    el = check_range(elevation_deg, "elevation_deg", 0.0, 90.0, low_open=True, unit="deg")
    lat, lon, el = np.broadcast_arrays(lat, lon, el)
    lon = (lon + 180.0) % 360.0 - 180.0   # one key per place; itur takes lon mod 360
    return lat, lon, el


# --------------------------------------------------------------------------- itur calls


def _rain_scint_direct(m, lat, lon, f, el, p, d, eta, tau):
    """itur's rain and scintillation, called as atmospheric_attenuation_slant_path does."""
    hs = m["1511"].topographic_altitude(lat, lon)
    rain = m["618"].rain_attenuation(lat, lon, f, el, hs, p, None, tau, None)
    scint = m["618"].scintillation_attenuation(lat, lon, f, el, p, d, eta, None, None, None,
                                               _HL_M)
    return (_value(rain).reshape(np.shape(lat)), _value(scint).reshape(np.shape(lat)))


def _zenith_gas_cloud(m, lat, lon, f, p):
    """Gas and cloud attenuation at 90 deg elevation (both scale as 1/sin el)."""
    pcg = max(1.0, p)   # P.618-13 section 2.5: gases and clouds at max(p, 1 %)
    hs = m["1511"].topographic_altitude(lat, lon)
    temp = m["1510"].surface_mean_temperature(lat, lon)
    press = m["835"].standard_pressure(hs)
    vt = m["836"].total_water_vapour_content(lat, lon, pcg, hs)
    rho = m["836"].surface_water_vapour_density(lat, lon, pcg, hs)
    gas = m["676"].gaseous_attenuation_slant_path(f, np.full(np.shape(lat), 90.0), rho,
                                                  press, temp, vt, hs, "approx")
    cloud = m["840"].cloud_attenuation(lat, lon, np.full(np.shape(lat), 90.0), f, pcg)
    return (_value(gas).reshape(np.shape(lat)), _value(cloud).reshape(np.shape(lat)))


# --------------------------------------------------------------------------- the cache


class _Table:
    """Cached per-place rows for one key: a dict place -> row plus arrays by name."""

    def __init__(self, key):
        self.key = key
        self.index: dict = {}
        self.arrays: dict = {}

    def __len__(self):
        return len(self.index)

    def rows(self, ulat, ulon, compute):
        """Row of each unique place, calling ``compute(lat, lon) -> {name: array}`` (last
        axis = place) for the places not yet cached."""
        keys = list(zip(ulat.tolist(), ulon.tolist(), strict=True))
        missing = np.array([k not in self.index for k in keys], dtype=bool)
        if missing.any():
            new = compute(ulat[missing], ulon[missing])
            start = len(self.index)
            for i, k in enumerate(k for k, miss in zip(keys, missing, strict=True) if miss):
                self.index[k] = start + i
            for name, arr in new.items():
                old = self.arrays.get(name)
                self.arrays[name] = arr if old is None else np.concatenate([old, arr], axis=-1)
        return np.fromiter((self.index[k] for k in keys), dtype=np.intp, count=len(keys))


def _spline_coefficients(t_nodes, y):
    """Not-a-knot cubic spline coefficients per place, (4, n_places * (K-1))."""
    from scipy.interpolate import CubicSpline

    c = CubicSpline(t_nodes, y, axis=1).c          # (4, K-1, n_places)
    return np.ascontiguousarray(np.transpose(c, (0, 2, 1)).reshape(4, -1))


def _spline_eval(coef, t_nodes, place, t):
    k1 = len(t_nodes) - 1
    j = np.clip(np.searchsorted(t_nodes, t, side="right") - 1, 0, k1 - 1)
    dx = t - t_nodes[j]
    flat = place * k1 + j
    out = np.take(coef[0], flat)
    for i in (1, 2, 3):
        out *= dx
        out += np.take(coef[i], flat)
    return np.maximum(out, 0.0)   # itur clips negative attenuation to 0


def _spline_tables(m, f, p, d, eta, tau):
    """Compute rain and scintillation splines over elevation for new places."""
    def compute(lat, lon):
        out = {}
        for seg, (t_nodes, el_nodes) in (("low", _NODES_LOW), ("high", _NODES_HIGH)):
            k = len(el_nodes)
            rain, scint = _rain_scint_direct(m, np.repeat(lat, k), np.repeat(lon, k), f,
                                             np.tile(el_nodes, len(lat)), p, d, eta, tau)
            # coefficient arrays are place-major: (4, place * (K-1) + interval)
            out[f"rain_{seg}"] = _spline_coefficients(t_nodes, rain.reshape(len(lat), k))
            out[f"scint_{seg}"] = _spline_coefficients(t_nodes, scint.reshape(len(lat), k))
        return out
    return compute


#: place tables: ("zenith", f, max(p, 1), versions) for gas and cloud at 90 deg, and
#: ("spline", f, p, D, eta, tau, versions) for rain and scintillation splines.
_CACHE: collections.OrderedDict = collections.OrderedDict()


def clear_attenuation_cache() -> None:
    """Forget all cached place tables."""
    _CACHE.clear()


def attenuation_cache_info() -> pd.DataFrame:
    """What the attenuation cache holds.

    Returns
    -------
    pandas.DataFrame
        One row per table: ``kind`` (``"zenith"``: gas and cloud at 90 deg per
        frequency and max(p, 1 %); ``"spline"``: rain and scintillation over
        elevation per frequency, p, antenna and polarisation), ``freq_ghz``,
        ``p_percent``, ``places`` and ``megabytes``.
    """
    rows = [{"kind": key[0], "freq_ghz": key[1], "p_percent": key[2], "places": len(tab),
             "megabytes": sum(a.nbytes for a in tab.arrays.values()) / 1e6}
            for key, tab in _CACHE.items()]
    return pd.DataFrame(rows, columns=["kind", "freq_ghz", "p_percent", "places",
                                       "megabytes"])


def _evict(keep) -> None:
    """Drop least recently used tables while the cache is over its memory budget."""
    total = sum(a.nbytes for t in _CACHE.values() for a in t.arrays.values())
    for key in list(_CACHE):
        if total <= _MAX_CACHE_BYTES:
            break
        if key not in keep:
            total -= sum(a.nbytes for a in _CACHE.pop(key).arrays.values())


def _table(key) -> _Table:
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    tab = _Table(key)
    _CACHE[key] = tab
    while len(_CACHE) > _MAX_TABLES:
        _CACHE.popitem(last=False)
    return tab


# --------------------------------------------------------------------------- public


def atmospheric_attenuation(lat_deg, lon_deg, elevation_deg, freq_ghz, p_percent, *,
                            antenna_diameter_m=0.6, antenna_efficiency=0.6,
                            polarization_tilt_deg=45.0, method="interp") -> Attenuation:
    """Attenuation exceeded for p % of an average year on Earth-space paths (cached).

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Ground end of each path, geodetic latitude in [-90, 90] and longitude in
        [-180, 360]. [deg]
    elevation_deg : array_like
        Path elevation at the ground end, in (0, 90]; broadcast with lat/lon. [deg]
    freq_ghz : float
        Carrier frequency, in [1, 55] (P.618 range [1]_). [GHz]
    p_percent : float
        Percentage of an average year the attenuation is exceeded, in [0.001, 5]
        (validity of the P.618-13 rain method). [%]
    antenna_diameter_m : float
        Ground antenna diameter, for the scintillation aperture averaging, in (0, 100].
        [m]
    antenna_efficiency : float
        Ground antenna efficiency, in (0, 1]. [-]
    polarization_tilt_deg : float
        Polarisation tilt relative to the horizontal, in [0, 90]; 45 for circular
        polarisation (P.838-3 [2]_). [deg]
    method : {"interp", "direct"}
        ``"interp"``: cached per-place splines over elevation (fast, < 0.05 dB from
        ``itur``); best for many elevations per place. ``"direct"``: ``itur``'s rain
        and scintillation at every point (gas and cloud still from the cached exact
        zenith scaling); equal to :func:`itur_attenuation` to rounding, and cheaper
        than ``"interp"`` when each place is seen at only one or two elevations.

    Returns
    -------
    Attenuation
        Arrays with the broadcast shape of the inputs. [dB]

    References
    ----------
    .. [1] ITU-R Recommendation P.618-13 (12/2017), "Propagation data and prediction methods
       required for the design of Earth-space telecommunication systems".
       https://www.itu.int/rec/R-REC-P.618-13-201712-I/en
    .. [2] ITU-R Recommendation P.838-3 (03/2005), "Specific attenuation model for rain for use
       in prediction methods". https://www.itu.int/rec/R-REC-P.838-3-200503-I/en
    """
    check_choice(method, "method", ("interp", "direct"))
    f, p, d, eta, tau = _check_common(freq_ghz, p_percent, antenna_diameter_m,
                                      antenna_efficiency, polarization_tilt_deg)
    lat, lon, el = _points(lat_deg, lon_deg, elevation_deg)
    shape = el.shape
    lat, lon, el = lat.ravel(), lon.ravel(), el.ravel()
    m = _itur()
    versions = tuple(sorted(itur_versions().items()))
    # unique places and the row of each point's place
    if lat.size == 0:
        ulat, ulon, inv = lat, lon, np.zeros(0, dtype=np.intp)
    elif np.all(lat == lat[0]) and np.all(lon == lon[0]):
        ulat, ulon, inv = lat[:1], lon[:1], np.zeros(lat.size, dtype=np.intp)
    else:
        uniq, inv = np.unique(lat + 1j * lon, return_inverse=True)
        ulat, ulon = uniq.real.copy(), uniq.imag.copy()
    inv = inv.ravel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        zen = _table(("zenith", f, max(1.0, p), versions))
        zrows = zen.rows(ulat, ulon, lambda a, b: dict(zip(
            ("gas", "cloud"), _zenith_gas_cloud(m, a, b, f, p), strict=True)))
        inv_sin = 1.0 / np.sin(np.deg2rad(el))
        gas = zen.arrays["gas"][zrows][inv] * inv_sin if el.size else np.zeros(0)
        cloud = zen.arrays["cloud"][zrows][inv] * inv_sin if el.size else np.zeros(0)
        rain = np.empty(el.size)
        scint = np.empty(el.size)
        direct = (el < INTERP_MIN_ELEVATION_DEG) if method == "interp" else np.ones(
            el.size, dtype=bool)
        if direct.any():
            rain[direct], scint[direct] = _rain_scint_direct(
                m, lat[direct], lon[direct], f, el[direct], p, d, eta, tau)
        if not direct.all():
            spl = _table(("spline", f, p, d, eta, tau, versions))
            place = spl.rows(ulat, ulon, _spline_tables(m, f, p, d, eta, tau))[inv]
            t = _t_of_el(el)
            for seg, (t_nodes, _), sel in (
                    ("low", _NODES_LOW, ~direct & (el <= BREAK_ELEVATION_DEG)),
                    ("high", _NODES_HIGH, ~direct & (el > BREAK_ELEVATION_DEG))):
                if sel.any():
                    rain[sel] = _spline_eval(spl.arrays[f"rain_{seg}"], t_nodes, place[sel],
                                             t[sel])
                    scint[sel] = _spline_eval(spl.arrays[f"scint_{seg}"], t_nodes,
                                              place[sel], t[sel])
    _evict({zen.key} | ({spl.key} if not direct.all() else set()))
    total = _combine(gas, cloud, rain, scint)
    return Attenuation(*(a.reshape(shape) for a in (gas, cloud, rain, scint, total)))


def itur_attenuation(lat_deg, lon_deg, elevation_deg, freq_ghz, p_percent, *,
                     antenna_diameter_m=0.6, antenna_efficiency=0.6,
                     polarization_tilt_deg=45.0) -> Attenuation:
    """Reference: one vectorised ``itur.atmospheric_attenuation_slant_path`` call.

    Same parameters and checks as :func:`atmospheric_attenuation`; no caching. This
    is the baseline the fast path is tested and benchmarked against (~0.3-1 ms per
    point).

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Ground station position. [deg]
    elevation_deg : array_like
        Elevation of the path. [deg]
    freq_ghz : array_like
        Carrier frequency. [GHz]
    p_percent : array_like
        Percentage of an average year the attenuation is exceeded. [%]
    antenna_diameter_m : float, optional
        Ground antenna diameter (scintillation). [m]
    antenna_efficiency : float, optional
        Ground antenna aperture efficiency. [-]
    polarization_tilt_deg : float, optional
        Polarisation tilt angle. [deg]

    Returns
    -------
    Attenuation
        Arrays with the broadcast shape of the inputs, units stripped. [dB]
    """
    f, p, d, eta, tau = _check_common(freq_ghz, p_percent, antenna_diameter_m,
                                      antenna_efficiency, polarization_tilt_deg)
    lat, lon, el = _points(lat_deg, lon_deg, elevation_deg)
    shape = el.shape
    _itur()
    import itur

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = itur.atmospheric_attenuation_slant_path(
            lat.ravel(), lon.ravel(), f, el.ravel(), p, d, eta=eta, tau=tau, hL=_HL_M,
            return_contributions=True)
    return Attenuation(*(_value(a).reshape(shape) for a in out))

