"""Geodesy and visibility: WGS84 conversions, look angles, access and ground tracks.

Conventions
-----------
- Earth-fixed positions are ITRS/WGS84 Cartesian coordinates in km, shaped ``[..., 3]``.
- Geodetic latitude and height refer to the WGS84 ellipsoid (NIMA TR8350.2 [1]_):
  a = 6378.137 km, 1/f = 298.257223563.
- Elevation is measured from the local horizontal plane, perpendicular to the
  *ellipsoid normal* (geodetic vertical); azimuth is clockwise from geodetic north,
  in [0, 360). No refraction. This is the convention of skyfield's
  ``(satellite - wgs84.latlon(...)).at(t).altaz()``, which the tests compare against.

Access, the pruned visibility search
------------------------------------
:func:`access` finds every (time, site, satellite) with elevation at or above the
threshold *without* forming the dense time x site x satellite cube. Each satellite sees
the ground inside a cone; the Earth-central angle of that cone is bounded by

.. math::

    \\psi_{max} = \\arccos\\left(\\frac{\\rho_{min} \\cos \\epsilon'}{r_{max}}\\right) - \\epsilon'

(the central angle at which a satellite at geocentric distance ``r_max`` sits at
elevation ``epsilon'`` above the geocentric horizon of a site at distance ``rho_min``;
Vallado [2]_, sec. 11.4). The bound
is made safe for the ellipsoid by taking ``rho_min`` the smallest site radius, ``r_max``
the satellite's largest radius in the chunk and ``epsilon' = epsilon - 0.2 deg`` (the
geodetic and geocentric verticals differ by at most 0.1924 deg).

Sites are fixed in the Earth-fixed frame, so they are binned once into latitude/longitude
cells of about half the smallest cone. For each satellite and time a compiled (numba)
loop visits only the cells the cone can touch (latitude band +- psi, longitude
+- asin(sin psi / cos lat)), rejects sites outside the cone with one dot product of unit
vectors, and applies the exact ellipsoidal elevation test to the rest, so the result
equals the dense computation (tested; benchmarked in ``benchmarks/bench_access.py``).
Without numba, the same bound prunes with :class:`scipy.spatial.cKDTree` (``method=
"kdtree"``). Work is in chunks of time steps sized for ~2 million pairs.

The engine is public, for the statistics built on it (:mod:`satcloud.coverage`,
:mod:`satcloud.passes`, :mod:`satcloud.network.routing`): :func:`iter_visible_pairs`
(the triples as arrays, chunk by chunk), :func:`coverage_cone_cos` (the bound above),
:func:`enu_basis` (local east/north/up vectors), :func:`ecef_positions_km` (checked
positions of an ephemeris) and :func:`satellite_min_elevation_deg` (each satellite's
threshold). The compiled search itself is :mod:`satcloud._core.access`.

References
----------
.. [1] National Imagery and Mapping Agency, "Department of Defense World Geodetic
   System 1984", Technical Report TR8350.2, 3rd ed., Amendment 1, 2000.
   https://earth-info.nga.mil/GandG/publications/tr8350.2/tr8350_2.html
.. [2] D. A. Vallado (with W. D. McClain), *Fundamentals of Astrodynamics and
   Applications*, 4th ed., Microcosm Press, Hawthorne, CA, 2013 (a book, no DOI).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from satcloud._core._jit import load as load_kernels
from satcloud._validate import (
    _finite_sum,
    as_float_array,
    check_choice,
    check_count,
    check_finite_result,
    check_latlon,
    check_memory,
    check_range,
    check_scalar,
    check_shapes,
    renamed_keywords,
)
from satcloud.time import SIDEREAL_RATE_RAD_S

__all__ = [
    "WGS84_A_KM",
    "WGS84_B_KM",
    "WGS84_E2",
    "WGS84_F",
    "GSO_ARC_RADIUS_KM",
    "LookAngles",
    "VisiblePairs",
    "access",
    "coverage_cone",
    "coverage_cone_cos",
    "ecef_positions_km",
    "ecef_to_geodetic",
    "elevation_deg",
    "enu_basis",
    "geodetic_to_ecef",
    "ground_track",
    "gso_arc_excluded",
    "gso_arc_separation_deg",
    "iter_access",
    "iter_visible_pairs",
    "look_angles",
    "normalize_sites",
    "satellite_min_elevation_deg",
    "slant_range_km",
    "subsatellite_points",
]

#: WGS84 semi-major axis (NIMA TR8350.2, module References [1]). [km]
WGS84_A_KM = 6378.137
#: WGS84 flattening (NIMA TR8350.2, module References [1]). [-]
WGS84_F = 1.0 / 298.257223563
#: WGS84 semi-minor axis. [km]
WGS84_B_KM = WGS84_A_KM * (1.0 - WGS84_F)
#: WGS84 first eccentricity squared. [-]
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
_EP2 = WGS84_E2 / (1.0 - WGS84_E2)
#: Largest angle between the geodetic and geocentric verticals, plus margin. [deg]
_VERTICAL_MARGIN_DEG = 0.2

_SITE_NAME_COLUMNS = ("site", "name", "region")
#: Memory per row of an access table: 56 bytes of columns, held twice while the chunks
#: are concatenated, plus the pair buffers. [bytes]
_ACCESS_BYTES_PER_ROW = 128
#: Memory per row of a sub-satellite table: 7 columns and the geodetic temporaries.
#: [bytes]
_SUBSATELLITE_BYTES_PER_ROW = 160


@renamed_keywords(alt_km="altitude_km")
def geodetic_to_ecef(lat_deg, lon_deg, altitude_km=0.0) -> np.ndarray:
    """Earth-fixed Cartesian position of geodetic coordinates on WGS84.

    Parameters
    ----------
    lat_deg : array_like
        Geodetic latitude, in [-90, 90]. [deg]
    lon_deg : array_like
        Longitude, in [-180, 360]. [deg]
    altitude_km : array_like, optional
        Height above the ellipsoid (spelled ``alt_km`` before issue 12; the old keyword
        still works, with a ``DeprecationWarning``, for one release). [km]

    Returns
    -------
    numpy.ndarray
        ECEF (ITRS) position, shape ``broadcast(lat, lon, altitude) + (3,)``. [km]

    Notes
    -----
    x = (N + h) cos(phi) cos(lambda), y = (N + h) cos(phi) sin(lambda),
    z = (N (1 - e^2) + h) sin(phi), with N = a / sqrt(1 - e^2 sin^2(phi))
    (NIMA TR8350.2 [1]_, eq. 4-14).

    References
    ----------
    .. [1] National Imagery and Mapping Agency, "Department of Defense World Geodetic
       System 1984", Technical Report TR8350.2, 3rd ed., Amendment 1, 2000.
       https://earth-info.nga.mil/GandG/publications/tr8350.2/tr8350_2.html
    """
    check_shapes(lat_deg=lat_deg, lon_deg=lon_deg, altitude_km=altitude_km)
    lat, lon = check_latlon(lat_deg, lon_deg)
    h = as_float_array(altitude_km, "altitude_km", finite=True)
    phi = np.radians(lat)
    lam = np.radians(lon)
    sphi = np.sin(phi)
    cphi = np.cos(phi)
    n = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * sphi * sphi)
    x = (n + h) * cphi * np.cos(lam)
    y = (n + h) * cphi * np.sin(lam)
    z = (n * (1.0 - WGS84_E2) + h) * sphi
    x, y, z = np.broadcast_arrays(x, y, z)
    return np.stack([x, y, z], axis=-1)


def ecef_to_geodetic(r_km):
    """Geodetic latitude, longitude and height of Earth-fixed positions (WGS84).

    Parameters
    ----------
    r_km : array_like
        ECEF (ITRS) positions, shape ``[..., 3]``. [km]

    Returns
    -------
    lat_deg : numpy.ndarray
        Geodetic latitude. [deg]
    lon_deg : numpy.ndarray
        Longitude in (-180, 180]. [deg]
    altitude_km : numpy.ndarray
        Height above the ellipsoid. [km]

    Notes
    -----
    Closed form of Heikkinen [1]_, as given by Zhu [2]_, followed by one Newton step of
    Bowring's iteration; agrees with PROJ to < 1 mm from the surface to beyond GEO.
    Undefined within ~40 km of the Earth's centre (raises).

    References
    ----------
    .. [1] M. Heikkinen, "Geschlossene Formeln zur Berechnung räumlicher geodätischer
       Koordinaten aus rechtwinkligen Koordinaten", *Zeitschrift für Vermessungswesen*
       107, 207-211, 1982 (not verified: used as given by Zhu, entry [2]).
    .. [2] J. Zhu, "Conversion of Earth-centered Earth-fixed coordinates to geodetic
       coordinates", *IEEE Transactions on Aerospace and Electronic Systems* 30(3),
       957-961, 1994. doi:10.1109/7.303772
    """
    r = as_float_array(r_km, "r_km", finite=True)
    if r.shape[-1:] != (3,):
        raise ValueError(f"r_km must have shape [..., 3], got {r.shape}")
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    a, b, e2 = WGS84_A_KM, WGS84_B_KM, WGS84_E2
    p2 = x * x + y * y
    p = np.sqrt(p2)
    if np.any(np.sqrt(p2 + z * z) < 50.0):
        raise ValueError("r_km: positions within 50 km of the Earth's centre have no "
                         "defined geodetic coordinates")
    z2 = z * z
    f_ = 54.0 * b * b * z2
    g = p2 + (1.0 - e2) * z2 - e2 * (a * a - b * b)
    c = e2 * e2 * f_ * p2 / (g * g * g)
    s = np.cbrt(1.0 + c + np.sqrt(c * c + 2.0 * c))
    k = s + 1.0 + 1.0 / s
    pp = f_ / (3.0 * k * k * g * g)
    q = np.sqrt(1.0 + 2.0 * e2 * e2 * pp)
    rad = 0.5 * a * a * (1.0 + 1.0 / q) - pp * (1.0 - e2) * z2 / (q * (1.0 + q)) - 0.5 * pp * p2
    r0 = -(pp * e2 * p) / (1.0 + q) + np.sqrt(np.maximum(rad, 0.0))
    v = np.sqrt((p - e2 * r0) ** 2 + (1.0 - e2) * z2)
    z0 = b * b * z / (a * v)
    lat = np.arctan2(z + _EP2 * z0, p)
    # one Newton/Bowring refinement: robust near the poles and far from the surface
    sl, cl = np.sin(lat), np.cos(lat)
    n = a / np.sqrt(1.0 - e2 * sl * sl)
    h = p * cl + z * sl - a * a / n
    lat = np.arctan2(z, p * (1.0 - e2 * n / (n + h)))
    sl, cl = np.sin(lat), np.cos(lat)
    n = a / np.sqrt(1.0 - e2 * sl * sl)
    h = p * cl + z * sl - a * a / n
    lon = np.degrees(np.arctan2(y, x))
    return np.degrees(lat), lon, h


def enu_basis(lat_deg, lon_deg):
    """East, north and up unit vectors of the local geodetic frame, in ECEF components.

    Parameters
    ----------
    lat_deg : array_like
        Geodetic latitude (WGS84), in [-90, 90]. [deg]
    lon_deg : array_like
        Longitude, in [-180, 360]. [deg]

    Returns
    -------
    east, north, up : numpy.ndarray
        Unit vectors, each shaped ``broadcast(lat, lon) + (3,)``. [-]

    Notes
    -----
    e = (-sin(lambda), cos(lambda), 0), n = (-sin(phi) cos(lambda), -sin(phi) sin(lambda),
    cos(phi)), u = (cos(phi) cos(lambda), cos(phi) sin(lambda), sin(phi)): the rows of the
    ECEF -> ENU rotation (Vallado [1]_, sec. 3.4; NIMA TR8350.2 [2]_). ``up`` is the
    ellipsoid normal, so elevations measured with it are geodetic.

    References
    ----------
    .. [1] D. A. Vallado (with W. D. McClain), *Fundamentals of Astrodynamics and
       Applications*, 4th ed., Microcosm Press, Hawthorne, CA, 2013 (a book, no DOI).
    .. [2] National Imagery and Mapping Agency, "Department of Defense World Geodetic
       System 1984", Technical Report TR8350.2, 3rd ed., Amendment 1, 2000.
       https://earth-info.nga.mil/GandG/publications/tr8350.2/tr8350_2.html
    """
    check_shapes(lat_deg=lat_deg, lon_deg=lon_deg)
    lat, lon = np.broadcast_arrays(*check_latlon(lat_deg, lon_deg))
    phi = np.radians(lat)
    lam = np.radians(lon)
    sp, cp, sl, cl = np.sin(phi), np.cos(phi), np.sin(lam), np.cos(lam)
    east = np.stack([-sl, cl, np.zeros_like(sl)], axis=-1)
    north = np.stack([-sp * cl, -sp * sl, cp], axis=-1)
    up = np.stack([cp * cl, cp * sl, sp], axis=-1)
    return east, north, up


class LookAngles(NamedTuple):
    """Azimuth, elevation and slant range, each shaped ``[time, satellite]``."""

    azimuth_deg: np.ndarray
    elevation_deg: np.ndarray
    range_km: np.ndarray


def ecef_positions_km(ephemeris_or_r, name="ephemeris") -> np.ndarray:
    """Earth-fixed positions of an Ephemeris or an array, checked. [km]

    Parameters
    ----------
    ephemeris_or_r : Ephemeris or array_like
        A :class:`satcloud.orbits.Ephemeris` (its ``r_ecef_km``) or ECEF (ITRS, WGS84)
        positions shaped ``[..., 3]``. [km]
    name : str, optional
        Parameter name used in the error messages.

    Returns
    -------
    numpy.ndarray
        The positions, float, last axis 3 (no copy for a float array). [km]

    Raises
    ------
    TypeError
        If the value is neither an Ephemeris nor numeric.
    ValueError
        If the last axis is not 3 or a position is not finite.
    """
    r = getattr(ephemeris_or_r, "r_ecef_km", ephemeris_or_r)
    if not (isinstance(r, np.ndarray) and r.dtype.kind == "f"):
        try:
            r = np.asarray(r, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a satcloud Ephemeris or ECEF positions "
                            f"[..., 3] in km, got {type(ephemeris_or_r).__name__}") from None
    if r.ndim == 0 or r.shape[-1:] != (3,):
        raise ValueError(f"{name} positions must have shape [..., 3] km, got {r.shape}")
    # one reduction, no temporary: NaN and infinities propagate into the sum
    if r.size and not _finite_sum(r):
        bad = np.argwhere(~np.isfinite(r).all(axis=-1))
        if not bad.size:  # finite values whose sum overflows: ~1e308 km
            raise ValueError(f"{name} positions are far outside any orbit (their sum "
                             "overflows); give ECEF positions in km")
        where = tuple(int(i) for i in bad[0])
        raise ValueError(f"{name} positions must be finite; the position at index {where} "
                         "is not")
    return r


def look_angles(ephemeris, lat_deg, lon_deg, alt_m=0.0) -> LookAngles:
    """Azimuth, elevation and slant range of every satellite from one ground site.

    Parameters
    ----------
    ephemeris : Ephemeris or array_like
        An :class:`satcloud.orbits.Ephemeris` or ECEF positions ``[..., 3]``. [km]
    lat_deg : float
        Site geodetic latitude, in [-90, 90]. [deg]
    lon_deg : float
        Site longitude, in [-180, 360]. [deg]
    alt_m : float, optional
        Site height above the WGS84 ellipsoid. [m]

    Returns
    -------
    LookAngles
        ``azimuth_deg`` in [0, 360) clockwise from north [deg], ``elevation_deg`` above
        the geodetic horizon [deg], ``range_km`` slant range [km]; each shaped like the
        positions without the last axis (``[time, satellite]`` for an ephemeris).

    Notes
    -----
    Topocentric east-north-up components of ``r_sat - r_site``; el = atan2(u, hypot(e, n)),
    az = atan2(e, n) (Vallado [1]_, sec. 3.4, "SEZ"/ENU rotation).

    References
    ----------
    .. [1] D. A. Vallado (with W. D. McClain), *Fundamentals of Astrodynamics and
       Applications*, 4th ed., Microcosm Press, Hawthorne, CA, 2013 (a book, no DOI).
    """
    return _look_angles(ephemeris, lat_deg, lon_deg, alt_m, "ephemeris")


def _look_angles(ephemeris, lat_deg, lon_deg, alt_m, name) -> LookAngles:
    r = ecef_positions_km(ephemeris, name)
    lat = check_range(lat_deg, "lat_deg", -90.0, 90.0, unit="deg")
    lon = check_range(lon_deg, "lon_deg", -180.0, 360.0, unit="deg")
    alt = as_float_array(alt_m, "alt_m", finite=True)
    if lat.ndim or lon.ndim or alt.ndim:
        raise TypeError("look_angles takes one site: lat_deg, lon_deg and alt_m must be "
                        "scalars (use access() for many sites)")
    site = geodetic_to_ecef(lat, lon, alt / 1000.0)
    east, north, up = enu_basis(lat, lon)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        d = r.astype(np.float64, copy=False) - site
        e = d @ east
        n = d @ north
        u = d @ up
        horiz = np.hypot(e, n)
        el = np.degrees(np.arctan2(u, horiz))
        az = np.degrees(np.arctan2(e, n)) % 360.0
        rng = np.sqrt(horiz * horiz + u * u)
    check_finite_result(rng, f"{name} positions or alt_m")
    return LookAngles(az, el, rng)


def elevation_deg(r_sat_km, lat_deg, lon_deg, alt_m=0.0) -> np.ndarray:
    """Elevation of ECEF positions seen from one site (see :func:`look_angles`). [deg]

    Parameters
    ----------
    r_sat_km : array_like
        ECEF satellite positions ``[..., 3]``. [km]
    lat_deg : float
        Site geodetic latitude. [deg]
    lon_deg : float
        Site longitude. [deg]
    alt_m : float, optional
        Site height above the WGS84 ellipsoid. [m]
    """
    return _look_angles(r_sat_km, lat_deg, lon_deg, alt_m, "r_sat_km").elevation_deg


def slant_range_km(altitude_km, elevation_deg, earth_radius_km=WGS84_A_KM):
    """Slant range to a satellite at a given altitude seen at a given elevation.

    Parameters
    ----------
    altitude_km : array_like
        Satellite altitude above a spherical Earth. [km]
    elevation_deg : array_like
        Elevation angle, in [-90, 90]. [deg]
    earth_radius_km : float, optional
        Spherical Earth radius. [km]

    Returns
    -------
    numpy.ndarray
        d = sqrt((R + h)^2 - (R cos el)^2) - R sin el (spherical Earth). [km]
    """
    check_shapes(altitude_km=altitude_km, elevation_deg=elevation_deg)
    h = check_range(altitude_km, "altitude_km", 0.0, None, unit="km", finite=True)
    el = np.radians(check_range(elevation_deg, "elevation_deg", -90.0, 90.0, unit="deg"))
    r = check_scalar(check_range(earth_radius_km, "earth_radius_km", 0.0, None,
                                 low_open=True, unit="km", finite=True), "earth_radius_km")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(np.sqrt((r + h) ** 2 - (r * np.cos(el)) ** 2) - r * np.sin(el),
                                   "altitude_km and earth_radius_km")


def normalize_sites(sites, name="sites") -> pd.DataFrame:
    """Sites as a DataFrame with ``site`` (str), ``lat_deg``, ``lon_deg``, ``alt_m``.

    Parameters
    ----------
    sites : pandas.DataFrame
        Needs ``lat_deg`` and ``lon_deg`` [deg]; optional ``alt_m`` [m] (default 0); the
        site name is taken from the first of the columns ``site``, ``name``, ``region``
        present, else ``"site-<row>"``. Names must be unique; where a name repeats and
        the table has a ``network`` column, the repeated names become
        ``"<name> (<network>)"``.
    name : str, optional
        Parameter name used in error messages.

    Returns
    -------
    pandas.DataFrame
        A new frame with a RangeIndex and columns ``site``, ``lat_deg``, ``lon_deg``,
        ``alt_m`` (other columns kept).
    """
    if isinstance(sites, pd.Series):
        sites = sites.to_frame().T
    if not isinstance(sites, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame with lat_deg and lon_deg "
                        f"columns, got {type(sites).__name__}")
    missing = [c for c in ("lat_deg", "lon_deg") if c not in sites.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s) {missing}; found {list(sites.columns)}")
    if len(sites) == 0:
        raise ValueError(f"{name} is empty")
    out = sites.reset_index(drop=True).copy()
    check_latlon(out["lat_deg"].to_numpy(), out["lon_deg"].to_numpy(),
                 f"{name} column lat_deg", f"{name} column lon_deg")
    if "alt_m" not in out.columns:
        out["alt_m"] = 0.0
    as_float_array(out["alt_m"].to_numpy(), f"{name} column alt_m", finite=True)
    col = next((c for c in _SITE_NAME_COLUMNS if c in out.columns), None)
    names = (out[col].astype(str) if col is not None
             else pd.Series([f"site-{i}" for i in range(len(out))]))
    if names.duplicated().any() and "network" in out.columns:
        # one place serving two networks (e.g. Awarua NZ: KSAT and Starlink TT&C) is two
        # stations: qualify the repeated names with their network
        rep = names.duplicated(keep=False).to_numpy()
        names = names.where(~rep, names + " (" + out["network"].astype(str) + ")")
    if names.duplicated().any():
        dup = names[names.duplicated()].iloc[0]
        raise ValueError(f"{name}: site names must be unique; {dup!r} repeats")
    out["site"] = names.to_numpy()
    return out


@renamed_keywords(n_sat="n_satellites")
def satellite_min_elevation_deg(ephemeris, min_elevation_deg=None, n_satellites=None
                                ) -> np.ndarray:
    """The visibility threshold of each satellite. [deg]

    Parameters
    ----------
    ephemeris : Ephemeris or array_like
        Propagated positions; with ``min_elevation_deg=None`` an Ephemeris whose
        constellation gives each satellite's own ``min_elevation_deg``.
    min_elevation_deg : float or array_like, optional
        One threshold for all, one per satellite, or ``None`` (each satellite's own),
        in [-90, 90]. [deg]
    n_satellites : int, optional
        Number of satellites (default: the ephemeris's second axis; spelled ``n_sat``
        before issue 12, still accepted with a ``DeprecationWarning`` for one release).

    Returns
    -------
    numpy.ndarray
        One threshold per satellite, shape ``[n_satellites]``. [deg]
    """
    n_sat = n_satellites
    if n_sat is None:
        shape = ecef_positions_km(ephemeris).shape
        n_sat = shape[-2] if len(shape) >= 2 else 1
    elif isinstance(n_sat, bool) or not isinstance(n_sat, int | np.integer) or n_sat < 1:
        raise ValueError(f"n_satellites must be a positive integer (number of satellites), "
                         f"got {n_sat!r:.60}")
    if min_elevation_deg is None:
        const = getattr(ephemeris, "constellation", None)
        if const is None:
            raise ValueError("min_elevation_deg=None needs an Ephemeris with a constellation "
                             "(each satellite's own min_elevation_deg); give a number")
        return const.satellites["min_elevation_deg"].to_numpy(dtype=float)
    el = check_range(min_elevation_deg, "min_elevation_deg", -90.0, 90.0, unit="deg")
    if el.ndim == 0:
        return np.full(n_sat, float(el))
    if el.shape != (n_sat,):
        raise ValueError(f"min_elevation_deg must be a scalar or one value per satellite "
                         f"({n_sat}), got shape {el.shape}")
    return el


class _SiteGeometry:
    """Site positions, up vectors and unit-vector k-d tree (built once)."""

    def __init__(self, sites: pd.DataFrame):
        self.sites = sites
        lat = sites["lat_deg"].to_numpy(dtype=float)
        lon = sites["lon_deg"].to_numpy(dtype=float)
        alt = sites["alt_m"].to_numpy(dtype=float) / 1000.0
        self.xyz = geodetic_to_ecef(lat, lon, alt)
        _, _, self.up = enu_basis(lat, lon)
        rho = np.linalg.norm(self.xyz, axis=-1)
        self.rho_min = float(rho.min())
        self.unit = self.xyz / rho[:, None]
        self.tree = cKDTree(self.unit)


def _sat_groups(ephemeris, min_el: np.ndarray) -> list[np.ndarray]:
    """Satellite index groups sharing a shell and a threshold (for tight cones)."""
    const = getattr(ephemeris, "constellation", None)
    n = min_el.size
    if const is not None and len(const) == n:
        key = pd.Series(const.satellites["shell"].astype(str).to_numpy()) + "|" + \
            pd.Series(min_el).astype(str)
    else:
        key = pd.Series(min_el).astype(str)
    codes, _ = pd.factorize(key)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    return np.split(order, bounds)


def _chunk_steps(n_sat: int, n_site: int, chunk_steps) -> int:
    chunk = None if chunk_steps is None else check_count(chunk_steps, "chunk_steps")
    if chunk is not None:
        return chunk
    return max(1, min(64, 2_000_000 // max(n_sat, 1)))


class VisiblePairs(NamedTuple):
    """Visible (time, site, satellite) triples of one chunk, as parallel arrays.

    Attributes
    ----------
    time_index, site_index, sat_index : numpy.ndarray of int64
        Indices into the time grid, the sites and the satellites.
    elevation_deg, azimuth_deg : numpy.ndarray
        Geodetic elevation and azimuth (clockwise from north, [0, 360)). [deg]
    range_km : numpy.ndarray
        Slant range. [km]
    """

    time_index: np.ndarray
    site_index: np.ndarray
    sat_index: np.ndarray
    elevation_deg: np.ndarray
    azimuth_deg: np.ndarray
    range_km: np.ndarray


def _central_angle_rad(radius_km, r_km, elevation_rad):
    """Earth-central angle to the edge of a satellite's cone on a sphere. [rad]

    ``arccos(R cos eps / r) - eps`` for a satellite at geocentric distance ``r`` seen at
    elevation ``eps`` from a sphere of radius ``R`` (module References [2], sec. 11.4);
    the cosine's argument is capped at 1 (a satellite inside the sphere sees nothing more).
    """
    return np.arccos(np.minimum(1.0, radius_km * np.cos(elevation_rad) / r_km)) \
        - elevation_rad


def coverage_cone(altitude_km, min_elevation_deg, earth_radius_km=WGS84_A_KM) -> pd.DataFrame:
    """Footprint of one satellite at a minimum elevation (spherical Earth, closed form).

    A satellite at altitude ``h`` above a sphere of radius ``R`` is seen at elevation
    >= ``eps`` from every point within the Earth-central half-angle

    .. math::

        \\lambda = \\arccos\\left(\\frac{R \\cos\\varepsilon}{R + h}\\right) - \\varepsilon

    at slant ranges up to :func:`slant_range_km` ``(h, eps)``; the satellite sees the
    cone's edge at the nadir angle ``eta = 90 deg - eps - lambda`` and the footprint is
    a spherical cap of area ``2 pi R^2 (1 - cos lambda)`` (Vallado [1]_, sec. 11.4;
    Larson and Wertz [2]_, sec. 5.2, Earth geometry). :func:`coverage_cone_cos` is the
    same angle made conservative for the ellipsoid (the access engine's pruning bound).

    Parameters
    ----------
    altitude_km : array_like
        Satellite altitude, > 0. [km]
    min_elevation_deg : array_like
        Minimum elevation angle, in [0, 90) (broadcast with ``altitude_km``). [deg]
    earth_radius_km : float, optional
        Spherical Earth radius, > 0 (default the WGS84 equatorial radius). [km]

    Returns
    -------
    pandas.DataFrame
        One row per broadcast element: ``altitude_km``, ``min_elevation_deg``,
        ``central_angle_deg`` (Earth-central half-angle of the cone) [deg],
        ``footprint_radius_km`` (along the surface) [km], ``footprint_area_km2``
        (spherical cap) [km^2], ``nadir_angle_deg`` (half-angle seen from the satellite)
        [deg] and ``max_slant_range_km`` [km].

    References
    ----------
    .. [1] D. A. Vallado (with W. D. McClain), *Fundamentals of Astrodynamics and
       Applications*, 4th ed., Microcosm Press, Hawthorne, CA, 2013 (a book, no DOI).
    .. [2] W. J. Larson and J. R. Wertz (eds.), *Space Mission Analysis and Design*, 3rd
       ed., Microcosm Press / Kluwer, 1999 (a book, no DOI).
    """
    def _finite(value, name, **kw):
        if value is None or isinstance(value, (str, bytes)):
            raise TypeError(f"{name} must be numeric, got {value!r}")
        return check_range(value, name, finite=True, **kw)

    h = _finite(altitude_km, "altitude_km", low=0.0, low_open=True, unit="km")
    eps = _finite(min_elevation_deg, "min_elevation_deg", low=0.0, high=90.0,
                  high_open=True, unit="deg")
    if isinstance(earth_radius_km, (bool, np.bool_)):
        raise TypeError(f"earth_radius_km must be a number [km], got {earth_radius_km!r}")
    radius = np.float64(check_scalar(_finite(earth_radius_km, "earth_radius_km", low=0.0,
                                             low_open=True, unit="km"), "earth_radius_km"))
    try:
        h, eps = np.broadcast_arrays(h, eps)
    except ValueError:
        raise ValueError(f"altitude_km and min_elevation_deg must broadcast to one shape; "
                         f"got altitude_km {np.shape(h)}, min_elevation_deg "
                         f"{np.shape(eps)}") from None
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.radians(eps)
        lam = _central_angle_rad(radius, radius + h, e)
        eta = np.pi / 2 - e - lam
        area = 2 * np.pi * radius**2 * (1 - np.cos(lam))
    check_finite_result(area, "altitude_km and earth_radius_km")
    check_finite_result(lam, "altitude_km and earth_radius_km")
    out = pd.DataFrame({
        "altitude_km": h.ravel(),
        "min_elevation_deg": eps.ravel(),
        "central_angle_deg": np.degrees(lam).ravel(),
        "footprint_radius_km": (radius * lam).ravel(),
        "footprint_area_km2": area.ravel(),
        "nadir_angle_deg": np.degrees(eta).ravel(),
        "max_slant_range_km": np.asarray(slant_range_km(h, eps, float(radius))).ravel(),
    })
    check_finite_result(out["max_slant_range_km"], "altitude_km and earth_radius_km")
    return out


def coverage_cone_cos(r_max_km, min_elevation_deg, rho_min_km) -> np.ndarray:
    """cos of the Earth-central angle bounding a satellite's visibility cone. [-]

    A site sees the satellite at or above ``min_elevation_deg`` only if the angle at the
    Earth's centre between the two is at most psi_max, the angle of the coverage cone
    (Vallado [1]_, sec. 11.4, the Earth-central angle of a ground site's view of a
    satellite):

    .. math::

        \\psi_{max} = \\arccos\\left(\\frac{\\rho_{min} \\cos \\epsilon'}{r_{max}}\\right)
                     - \\epsilon'

    with ``epsilon' = epsilon - 0.2 deg`` (the geodetic and geocentric verticals differ
    by at most 0.1924 deg, so the bound holds on the ellipsoid) and 1e-6 rad of margin.

    Parameters
    ----------
    r_max_km : array_like
        Largest geocentric distance of the satellite over the span considered, > 0. [km]
    min_elevation_deg : array_like
        Elevation threshold, in [-90, 90]. [deg]
    rho_min_km : float or array_like
        Smallest geocentric distance of the sites, > 0. [km]

    Returns
    -------
    numpy.ndarray
        cos(psi_max), broadcast over the inputs; just below -1 when the cone covers the
        whole sphere. [-]

    References
    ----------
    .. [1] D. A. Vallado (with W. D. McClain), *Fundamentals of Astrodynamics and
       Applications*, 4th ed., Microcosm Press, Hawthorne, CA, 2013 (a book, no DOI).
    """
    check_shapes(r_max_km=r_max_km, min_elevation_deg=min_elevation_deg,
                 rho_min_km=rho_min_km)
    rn_max = check_range(r_max_km, "r_max_km", 0.0, None, low_open=True, unit="km",
                         finite=True)
    min_el = check_range(min_elevation_deg, "min_elevation_deg", -90.0, 90.0, unit="deg")
    rho_min = check_range(rho_min_km, "rho_min_km", 0.0, None, low_open=True, unit="km",
                          finite=True)
    el_b = np.radians(np.maximum(min_el - _VERTICAL_MARGIN_DEG, -90.0))
    psi = _central_angle_rad(rho_min, rn_max, el_b) + 1e-6
    return np.where(psi >= np.pi, -1.0 - 1e-9, np.cos(np.minimum(psi, np.pi)))


class _SiteCells:
    """Sites binned in (geocentric latitude, longitude) cells for the numba search."""

    def __init__(self, geo: _SiteGeometry, cell_deg: float):
        # cells tile the sphere exactly (nlat x nlon), so longitude bins wrap cleanly
        self.nlat = int(np.ceil(180.0 / cell_deg))
        self.nlon = int(np.ceil(360.0 / cell_deg))
        self.cell_lat = np.pi / self.nlat
        self.cell_lon = 2 * np.pi / self.nlon
        u = geo.unit
        lat = np.arcsin(np.clip(u[:, 2], -1, 1))
        lon = np.arctan2(u[:, 1], u[:, 0])
        bi = np.clip(((lat + np.pi / 2) / self.cell_lat).astype(np.int64), 0, self.nlat - 1)
        bj = np.clip(np.floor((lon + np.pi) / self.cell_lon).astype(np.int64), 0,
                     self.nlon - 1)
        cell = bi * self.nlon + bj
        order = np.argsort(cell, kind="stable")
        self.orig = order.astype(np.int64)
        self.cell_start = np.searchsorted(cell[order], np.arange(self.nlat * self.nlon + 1)
                                          ).astype(np.int64)
        east, north, up = enu_basis(geo.sites["lat_deg"].to_numpy(float),
                                     geo.sites["lon_deg"].to_numpy(float))
        self.unit = np.ascontiguousarray(u[order])
        self.xyz = np.ascontiguousarray(geo.xyz[order])
        self.up = np.ascontiguousarray(up[order])
        self.east = np.ascontiguousarray(east[order])
        self.north = np.ascontiguousarray(north[order])


def _iter_pairs(r_ecef, geo: _SiteGeometry, min_el: np.ndarray, groups, chunk: int | None,
                t_start: int = 0, t_stop: int | None = None, method: str = "auto",
                sort_sites: bool = False) -> Iterator[VisiblePairs]:
    """Yield the visible (time, site, satellite) triples, chunk by chunk.

    Rows come ordered by time, then satellite (then site if ``sort_sites``).
    """
    n_t = r_ecef.shape[0] if t_stop is None else t_stop
    sin_min = np.sin(np.radians(min_el))
    core = load_kernels("access") if method in ("auto", "cells") else None
    kernel = None if core is None else core.visible_pairs_into
    if method == "cells" and kernel is None:  # pragma: no cover
        raise RuntimeError("method='cells' needs numba")
    auto_chunk = chunk is None
    if auto_chunk:
        chunk = max(1, min(64, 1_000_000 // max(r_ecef.shape[1], 1)))
    cells = None
    per_step = None
    bufs = None
    t0 = t_start
    while t0 < n_t:
        if auto_chunk and per_step is not None:
            # aim at ~2 million pairs per chunk (bounded memory, buffers reused)
            chunk = int(np.clip(2_000_000 // max(per_step, 1.0), 1, 64))
        t1 = min(t0 + chunk, n_t)
        r = np.ascontiguousarray(r_ecef[t0:t1], dtype=np.float64)
        rn = np.sqrt(np.einsum("tnk,tnk->tn", r, r))
        if kernel is not None:
            cos_psi = coverage_cone_cos(rn.max(axis=0), min_el, geo.rho_min)
            if cells is None:
                psi_min = float(np.degrees(np.arccos(np.clip(cos_psi.max(), -1, 1))))
                cells = _SiteCells(geo, float(np.clip(psi_min / 2.0, 0.5, 10.0)))
            args = (sin_min, cos_psi, cells.unit, cells.xyz, cells.up, cells.east,
                    cells.north, cells.orig, cells.cell_start, cells.cell_lat,
                    cells.cell_lon, cells.nlat, cells.nlon, sort_sites)
            if per_step is None:  # size the output buffers from the first time step
                probe = [np.empty(0, np.int64)] * 3 + [np.empty(0)] * 3
                per_step = kernel(r[:1], t0, *args, *probe) + 1.0
                if auto_chunk:
                    chunk = int(np.clip(2_000_000 // per_step, 1, 64))
                    continue
            need = int(per_step * (t1 - t0) * 1.2) + 1024
            while True:
                if bufs is None or bufs[0].size < need:
                    bufs = (np.empty(need, np.int64), np.empty(need, np.int64),
                            np.empty(need, np.int64), np.empty(need), np.empty(need),
                            np.empty(need))
                k = kernel(r, t0, *args, *bufs)
                if k <= bufs[0].size:
                    break
                need = int(k * 1.1) + 1024
            per_step = max(per_step, k / (t1 - t0))
            # views into reused buffers: valid until the next iteration
            yield VisiblePairs(*(b[:k] for b in bufs))
            t0 = t1
            continue
        yield _kdtree_pairs(r, rn, t0, geo, min_el, sin_min, groups)
        t0 = t1


def _kdtree_pairs(r, rn, t0, geo, min_el, sin_min, groups) -> VisiblePairs:
    """k-d tree pruning (used when numba is unavailable, and as a cross-check)."""
    out = {k: [] for k in ("t", "s", "n", "u", "d", "r")}
    for gi in groups:
        rg = r[:, gi]
        rng_g = rn[:, gi]
        cos_psi = coverage_cone_cos(np.array([rng_g.max()]), np.array([min_el[gi].min()]),
                                    geo.rho_min)[0]
        chord = 2.0 + 1e-9 if cos_psi < -1 else np.sqrt(max(0.0, 2.0 - 2.0 * cos_psi)) + 1e-9
        ng = gi.size
        pts = (rg / rng_g[..., None]).reshape(-1, 3)
        pairs = geo.tree.sparse_distance_matrix(cKDTree(pts), chord, output_type="ndarray")
        if pairs.size == 0:
            continue
        si = pairs["i"].astype(np.int64)
        pj = pairs["j"].astype(np.int64)
        d = rg.reshape(-1, 3)[pj] - geo.xyz[si]
        up = geo.up[si]
        u = d[:, 0] * up[:, 0] + d[:, 1] * up[:, 1] + d[:, 2] * up[:, 2]
        rr = np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1] + d[:, 2] * d[:, 2])
        sat = gi[pj % ng]
        ok = u >= rr * sin_min[sat]
        out["t"].append(t0 + pj[ok] // ng)
        out["s"].append(si[ok])
        out["n"].append(sat[ok])
        out["u"].append(u[ok])
        out["d"].append(d[ok])
        out["r"].append(rr[ok])
    if not out["t"]:
        z = np.zeros(0, np.int64)
        return VisiblePairs(z, z, z, np.zeros(0), np.zeros(0), np.zeros(0))
    t, s, n = (np.concatenate(out[k]) for k in ("t", "s", "n"))
    u, d, rr = np.concatenate(out["u"]), np.concatenate(out["d"]), np.concatenate(out["r"])
    lat = np.radians(geo.sites["lat_deg"].to_numpy(dtype=float))[s]
    lon = np.radians(geo.sites["lon_deg"].to_numpy(dtype=float))[s]
    sp, cp, sl, cl = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
    e = -sl * d[:, 0] + cl * d[:, 1]
    nn = -sp * cl * d[:, 0] - sp * sl * d[:, 1] + cp * d[:, 2]
    el = np.degrees(np.arctan2(u, np.hypot(e, nn)))
    az = np.degrees(np.arctan2(e, nn)) % 360.0
    order = np.lexsort((n, t))
    return VisiblePairs(t[order], s[order], n[order], el[order], az[order], rr[order])


def _pairs_frame(p: VisiblePairs, times_dt, site_cat, sat_cat) -> pd.DataFrame:
    return pd.DataFrame({
        "time_index": p.time_index,
        "time": times_dt[p.time_index],
        "site": pd.Categorical.from_codes(p.site_index, dtype=site_cat, validate=False),
        "sat_index": p.sat_index,
        "sat_id": pd.Categorical.from_codes(p.sat_index, dtype=sat_cat, validate=False),
        "elevation_deg": p.elevation_deg,
        "azimuth_deg": p.azimuth_deg,
        "range_km": p.range_km,
    })


def _times_utc(ephemeris, n_t) -> np.ndarray:
    """UTC times as timezone-naive ``datetime64[ns]`` (NaT if the ephemeris has none)."""
    times = getattr(ephemeris, "times", None)
    if times is None:
        return np.full(n_t, np.datetime64("NaT"), "datetime64[ns]")
    return np.atleast_1d(times.utc.datetime64).astype("datetime64[ns]")


def _sat_ids(ephemeris, n_sat):
    const = getattr(ephemeris, "constellation", None)
    if const is not None and len(const) == n_sat:
        return const.satellites["sat_id"].astype(str).to_numpy()
    return np.array([f"sat-{i}" for i in range(n_sat)])


class _AccessSetup(NamedTuple):
    positions_km: np.ndarray
    sites: pd.DataFrame
    min_el: np.ndarray
    pairs: Iterator[VisiblePairs]


def _access_setup(ephemeris, sites, min_elevation_deg, chunk_steps, method, sort_sites=False
                  ) -> _AccessSetup:
    """Check the arguments of the access search (at the call, not at the first chunk)
    and set up its iterator of :class:`VisiblePairs`."""
    r = ecef_positions_km(ephemeris)
    if r.ndim != 3:
        raise ValueError(f"ephemeris positions must be [time, satellite, 3], got {r.shape}")
    n_t, n_sat, _ = r.shape
    site_df = normalize_sites(sites)
    min_el = satellite_min_elevation_deg(ephemeris, min_elevation_deg, n_sat)
    chunk = None if chunk_steps is None else _chunk_steps(n_sat, len(site_df), chunk_steps)
    check_choice(method, "method", ("auto", "cells", "kdtree"))
    geo = _SiteGeometry(site_df)
    groups = _sat_groups(ephemeris, min_el)
    pairs = _iter_pairs(r, geo, min_el, groups, chunk, method=method,
                        sort_sites=bool(sort_sites))
    return _AccessSetup(r, site_df, min_el, pairs)


def iter_visible_pairs(ephemeris, sites, min_elevation_deg=None, *, chunk_steps=None,
                       method="auto", sort_sites=False) -> Iterator[VisiblePairs]:
    """The access engine: visible (time, site, satellite) triples as arrays, by chunk.

    What :func:`access` and the statistics of :mod:`satcloud.coverage` are built on, for
    reductions that need no table (counts, histograms): no DataFrame per chunk, no
    dense time x site x satellite cube (see the module docstring for the pruning).

    Parameters
    ----------
    ephemeris : Ephemeris or array_like
        Propagated positions ``[time, satellite, 3]`` (an Ephemeris, or an array with
        ``min_elevation_deg`` given). [km]
    sites : pandas.DataFrame
        As in :func:`access` (``lat_deg``, ``lon_deg`` [deg], optional ``alt_m`` [m]).
    min_elevation_deg : float or array_like, optional
        Threshold, scalar or one per satellite; ``None`` for each satellite's own. [deg]
    chunk_steps : int, optional
        Time steps per chunk (default: sized for ~2 million pairs per chunk).
    method : {"auto", "cells", "kdtree"}, optional
        Pruning, as in :func:`access`.
    sort_sites : bool, optional
        Order the sites of each (time, satellite) by site index.

    Returns
    -------
    iterator of VisiblePairs
        One :class:`VisiblePairs` per chunk of time steps, rows ordered by time, then
        satellite; ``site_index`` refers to the rows of :func:`normalize_sites` of
        ``sites``. The arrays may be views into buffers reused by the next chunk: copy
        what you keep.

    Raises
    ------
    TypeError, ValueError
        For bad arguments, at the call (before the first chunk).
    """
    return _access_setup(ephemeris, sites, min_elevation_deg, chunk_steps, method,
                         sort_sites).pairs


def iter_access(ephemeris, sites, min_elevation_deg=None, *, chunk_steps=None,
                method="auto") -> Iterator[pd.DataFrame]:
    """Like :func:`access`, but yield one DataFrame per chunk of time steps.

    Use it to stream through very large problems (e.g. 10,000 sites x 4,408 satellites x
    a day: ~3e8 visible pairs) without holding every pair in memory. Parameters as in
    :func:`access`; ``chunk_steps`` sets the number of time steps per chunk.

    Parameters
    ----------
    ephemeris : Ephemeris or array_like
        As in :func:`access`. [km]
    sites : pandas.DataFrame
        As in :func:`access`.
    min_elevation_deg : float or array_like, optional
        As in :func:`access`; ``None`` for each satellite's own. [deg]
    chunk_steps : int, optional
        Time steps per yielded chunk.
    method : {"auto", "cells", "kdtree"}, optional
        Pruning, as in :func:`access`.
    """
    setup = _access_setup(ephemeris, sites, min_elevation_deg, chunk_steps, method)
    n_t, n_sat, _ = setup.positions_km.shape
    times_dt = _times_utc(ephemeris, n_t)
    site_cat = pd.CategoricalDtype(setup.sites["site"].astype(str).to_numpy(), ordered=False)
    sat_cat = pd.CategoricalDtype(_sat_ids(ephemeris, n_sat), ordered=False)
    return (_pairs_frame(p, times_dt, site_cat, sat_cat) for p in setup.pairs)


def access(ephemeris, sites, min_elevation_deg=None, *, chunk_steps=None,
           method="auto") -> pd.DataFrame:
    """Every visible (time, site, satellite) with elevation, azimuth and range.

    Parameters
    ----------
    ephemeris : Ephemeris
        Output of :func:`satcloud.orbits.propagate` (positions ``[time, satellite, 3]``).
    sites : pandas.DataFrame
        One row per ground site with ``lat_deg`` and ``lon_deg`` [deg], optional
        ``alt_m`` [m]; the name is read from the first present of the columns ``site``,
        ``name`` or ``region`` (so :func:`satcloud.data.azure_regions`,
        :func:`satcloud.data.ground_stations` and :func:`satcloud.data.cities` work as
        they are).
    min_elevation_deg : float or array_like, optional
        Visibility threshold [deg]: a scalar, one value per satellite, or ``None`` for
        each satellite's own ``min_elevation_deg`` from its constellation.
    chunk_steps : int, optional
        Time steps processed together (memory bound). Default: ~2e6 satellite states.
    method : {"auto", "cells", "kdtree"}, optional
        Pruning: "cells" (numba search over latitude/longitude cells of sites, the
        default when numba is present) or "kdtree" (scipy k-d trees, pure numpy).

    Returns
    -------
    pandas.DataFrame
        Columns ``time_index`` (int), ``time`` (datetime64, UTC), ``site`` (categorical),
        ``sat_index`` (int), ``sat_id`` (categorical), ``elevation_deg`` [deg],
        ``azimuth_deg`` [deg], ``range_km`` [km]. A pair is visible when its elevation
        is >= the threshold. ``time`` is UTC as timezone-naive ``datetime64[ns]``. Rows
        are ordered by time, then satellite (sites of one satellite in spatial order;
        sort if you need another order).

    Notes
    -----
    Pruned with k-d trees on the coverage cone (see the module docstring); the dense
    time x site x satellite cube is never formed. The result equals the dense
    computation (tested on subsets, benchmarked in ``benchmarks/bench_access.py``).
    """
    chunks = iter_access(ephemeris, sites, min_elevation_deg, chunk_steps=chunk_steps,
                         method=method)              # checks the arguments
    n_t = np.shape(getattr(ephemeris, "r_ecef_km", ephemeris))[0]
    frames, rows, steps_seen = [], 0, 0
    for f in chunks:
        frames.append(f)
        if len(f):
            rows += len(f)
            steps_seen = max(steps_seen, int(f["time_index"].iat[-1]) + 1)
            # the visible pairs of the steps seen so far, extrapolated to the whole span
            check_memory(rows / steps_seen * n_t * _ACCESS_BYTES_PER_ROW,
                         f"access: about {rows / steps_seen * n_t:,.0f} visible (time, site, "
                         f"satellite) rows ({rows / steps_seen:,.0f} per time step x {n_t:,} "
                         "times)",
                         "stream them with satcloud.geometry.iter_access, reduce them with "
                         "satcloud.coverage.visible_counts or satcloud.chunked, or use fewer "
                         "sites, satellites or time steps")
    frames = [f for f in frames if len(f)] or frames[:1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        out = pd.concat(frames, ignore_index=True)
    return out


def subsatellite_points(ephemeris, time_index=None) -> pd.DataFrame:
    """Sub-satellite points (geodetic latitude/longitude) and altitudes.

    Parameters
    ----------
    ephemeris : Ephemeris
        Propagated positions.
    time_index : int, optional
        One time step; ``None`` for all.

    Returns
    -------
    pandas.DataFrame
        Columns ``time_index``, ``time`` (UTC), ``sat_index``, ``sat_id``, ``lat_deg``
        [deg], ``lon_deg`` [deg, (-180, 180]], ``altitude_km`` [km] (geodetic, WGS84).

    Raises
    ------
    ValueError
        For a ``time_index`` out of range, or a table above the memory limit
        (:data:`satcloud._validate.MAX_ARRAY_BYTES`).
    """
    r = ecef_positions_km(ephemeris)
    if r.ndim != 3:
        raise ValueError(f"ephemeris positions must be [time, satellite, 3], got {r.shape}")
    n_t, n_sat, _ = r.shape
    if time_index is None:
        t_idx = np.arange(n_t)
    else:
        if isinstance(time_index, bool) or not isinstance(time_index, int | np.integer):
            raise TypeError(f"time_index must be an integer, got {time_index!r}")
        ti = int(time_index)
        if not -n_t <= ti < n_t:
            raise ValueError(f"time_index must be in [0, {n_t - 1}], got {time_index}")
        t_idx = np.array([ti % n_t])
    return _subsatellite_frame(ephemeris, r, t_idx, np.arange(n_sat),
                               "give time_index= for one time step, or select satellites "
                               "first (ephemeris.isel(sat=...)) or use ground_track(...,"
                               " sat_index=...)")


def _subsatellite_frame(ephemeris, r, t_idx, s_idx, advice) -> pd.DataFrame:
    """Sub-satellite table of times ``t_idx`` x satellites ``s_idx`` (time-major)."""
    n_t, n_sat, _ = r.shape
    check_memory(t_idx.size * s_idx.size * _SUBSATELLITE_BYTES_PER_ROW,
                 f"subsatellite points: {t_idx.size:,} times x {s_idx.size:,} satellites",
                 advice)
    sub = np.asarray(r[t_idx][:, s_idx], dtype=float)
    lat, lon, alt = ecef_to_geodetic(sub)
    tt, ss = np.meshgrid(t_idx, s_idx, indexing="ij")
    times_dt = _times_utc(ephemeris, n_t)
    ids = _sat_ids(ephemeris, n_sat)
    return pd.DataFrame({
        "time_index": tt.ravel(),
        "time": times_dt[tt.ravel()],
        "sat_index": ss.ravel(),
        "sat_id": pd.Categorical(ids[ss.ravel()], categories=ids),
        "lat_deg": lat.ravel(),
        "lon_deg": lon.ravel(),
        "altitude_km": alt.ravel(),
    })


def ground_track(ephemeris, sat_index=None) -> pd.DataFrame:
    """Ground tracks for plotting, with a ``segment`` column that breaks at the antimeridian.

    Parameters
    ----------
    ephemeris : Ephemeris
        Propagated positions.
    sat_index : int or sequence of int, optional
        Satellites to include (default all).

    Returns
    -------
    pandas.DataFrame
        As :func:`subsatellite_points` for all time steps, plus ``segment`` (int): a new
        segment starts where the longitude jumps by more than 180 deg, so that
        ``groupby(["sat_id", "segment"])`` draws lines without wrap-around streaks.
    """
    r = ecef_positions_km(ephemeris)
    if r.ndim != 3:
        raise ValueError(f"ephemeris positions must be [time, satellite, 3], got {r.shape}")
    n_t, n_sat, _ = r.shape
    idx = np.arange(n_sat) if sat_index is None else np.atleast_1d(np.asarray(sat_index))
    if idx.size and idx.dtype.kind not in "iu":
        raise TypeError(f"sat_index must be integers (satellite indices), got {sat_index!r}")
    if idx.size == 0 or idx.min() < -n_sat or idx.max() >= n_sat:
        raise ValueError(f"sat_index must be in [0, {n_sat - 1}], got {sat_index}")
    # only the satellites asked for (the same rows as filtering the full table)
    df = _subsatellite_frame(ephemeris, r, np.arange(n_t), np.unique(idx % n_sat),
                             "choose fewer satellites (sat_index=) or a coarser time grid")
    df = df.sort_values(["sat_index", "time_index"])
    jump = df.groupby("sat_index")["lon_deg"].diff().abs().fillna(0.0) > 180.0
    df["segment"] = jump.astype(int).groupby(df["sat_index"]).cumsum().to_numpy()
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------- GSO arc
#: Radius of the geostationary arc: the circular orbit of one sidereal day,
#: (mu / omega^2)^(1/3) with the WGS84 mu (NIMA TR8350.2, module References [1], as
#: :data:`satcloud.orbits.MU_EARTH_KM3_S2`) and Earth's rotation rate
#: (:data:`satcloud.time.SIDEREAL_RATE_RAD_S`); equals
#: :data:`satcloud.network.bentpipe.GEO_RADIUS_KM` (~42,164 km). [km]
GSO_ARC_RADIUS_KM = (398600.4418 / SIDEREAL_RATE_RAD_S**2) ** (1.0 / 3.0)
_GSO_GRID = 32  # grid points over the visible arc before the Newton refinement


def _gso_pairs(lat_deg, lon_deg, alt_m, sat_ecef_km):
    """Checked, broadcast and flattened (site, up, satellite) arrays and the shape."""
    sat = as_float_array(sat_ecef_km, "sat_ecef_km", finite=True)
    if sat.ndim < 1 or sat.shape[-1] != 3:
        raise ValueError(f"sat_ecef_km must have shape [..., 3] (ECEF x, y, z) [km], got "
                         f"{sat.shape}")
    lat, lon = check_latlon(lat_deg, lon_deg)
    alt = as_float_array(alt_m, "alt_m", finite=True)
    try:
        shape = np.broadcast_shapes(lat.shape, lon.shape, alt.shape, sat.shape[:-1])
    except ValueError:
        raise ValueError(f"lat_deg {lat.shape}, lon_deg {lon.shape}, alt_m {alt.shape} and "
                         f"sat_ecef_km {sat.shape} (without its last axis) do not "
                         "broadcast together") from None
    lat, lon, alt = (np.broadcast_to(a, shape).ravel() for a in (lat, lon, alt))
    site = geodetic_to_ecef(lat, lon, alt / 1000.0)
    up = enu_basis(lat, lon)[2]
    s = np.broadcast_to(sat, shape + (3,)).reshape(-1, 3)
    with np.errstate(over="ignore", invalid="ignore"):
        los = np.einsum("ij,ij->i", s - site, s - site)
        r2 = np.einsum("ij,ij->i", site, site)
    # squares of the distances stay finite: the kernel and the bound square them too
    check_finite_result(los + r2, "sat_ecef_km or alt_m")
    if (los == 0.0).any():
        i = int(np.flatnonzero(los == 0.0)[0])
        raise ValueError(f"sat_ecef_km[{i}] coincides with its site: no line of sight")
    return (np.ascontiguousarray(site), np.ascontiguousarray(up), np.ascontiguousarray(s),
            shape)


def _gso_separation_rad(site, up, sat) -> np.ndarray:
    kernels = load_kernels("gso_arc")
    if kernels is None:  # pragma: no cover - numba is a declared dependency
        raise ImportError("gso_arc_separation_deg needs numba (a dependency of satcloud); "
                          "install it with `pip install numba`")
    out = np.empty(len(site))
    if len(site):
        kernels.gso_separation_into(site, up, sat, GSO_ARC_RADIUS_KM, _GSO_GRID, out)
    return out


def gso_arc_separation_deg(lat_deg, lon_deg, alt_m, sat_ecef_km) -> np.ndarray:
    """Angle at a site between a satellite and the nearest visible point of the GSO arc.

    For each (site, satellite) pair, the smallest angle at the site between the line of
    sight to the satellite and the line of sight to any point of the geostationary arc
    (radius :data:`GSO_ARC_RADIUS_KM` in the equatorial plane) above the site's
    geodetic horizon: the "angle between the boresight of a GSO earth station
    (assumed to be collocated with the [non-GSO] user) and the direction of the
    [non-GSO] satellite" of SpaceX's GSO-arc avoidance commitment (see
    ``docs/references.md``, "GSO arc avoidance"). Everything broadcasts.

    Parameters
    ----------
    lat_deg : array_like
        Site geodetic latitude (WGS84), in [-90, 90]. [deg]
    lon_deg : array_like
        Site longitude, in [-180, 360]. [deg]
    alt_m : array_like
        Site height above the WGS84 ellipsoid. [m]
    sat_ecef_km : array_like
        Satellite positions, Earth-fixed, ``[..., 3]``. [km]

    Returns
    -------
    numpy.ndarray
        Separation in [0, 180], shaped ``broadcast(lat, lon, alt, sat[..., 0])``; 180 where
        no point of the arc is above the site's horizon (within ~8.7 deg of a pole:
        there is no GSO link to protect). [deg]

    Raises
    ------
    ValueError
        For a latitude or longitude out of range, non-finite values, shapes that do not
        broadcast, or a satellite at its site.

    Notes
    -----
    No closed form is known for the angle between a ray and a circle; the kernel
    (:mod:`satcloud._core.gso_arc`) samples ``cos`` of the angle over the visible
    longitudes (one interval: ``u . (G(l) - P) >= 0`` is ``A cos(l - b) >= c``) and
    refines every sampled maximum by Newton's method with bisection safeguard (Press
    et al. [1]_, sec. 9.4), so the result agrees with a 10^5-point sampling of the arc
    refined by Brent's method to 1e-9 deg (tested).

    References
    ----------
    .. [1] W. H. Press, S. A. Teukolsky, W. T. Vetterling and B. P. Flannery, *Numerical
       Recipes*, 3rd ed., Cambridge University Press, 2007, sec. 9.4.

    Examples
    --------
    >>> import numpy as np
    >>> sat = geodetic_to_ecef(0.0, 10.0, 550.0)   # overhead an equatorial site
    >>> float(np.round(gso_arc_separation_deg(0.0, 10.0, 0.0, sat), 9))
    0.0
    """
    site, up, sat, shape = _gso_pairs(lat_deg, lon_deg, alt_m, sat_ecef_km)
    return np.degrees(_gso_separation_rad(site, up, sat)).reshape(shape)


def gso_arc_excluded(lat_deg, lon_deg, alt_m, sat_ecef_km, avoidance_deg) -> np.ndarray:
    """Whether a satellite is within a GSO-arc avoidance angle, seen from a site.

    ``gso_arc_separation_deg(...) <= avoidance_deg`` (SpaceX: the beam is off when the
    angle "is 22 degrees or less"), computed exactly only where a cheap bound cannot
    decide: the declination (angle from the equatorial plane) of a line of sight
    differs from that of any point of the arc by at most their angular separation, and
    the arc's declinations seen from a site ``P`` lie between ``-asin(z_P / |v|)`` for
    the shortest and longest distances ``|v|`` to the arc, so a satellite whose
    declination is farther than ``avoidance_deg`` from that range is not excluded.

    Parameters
    ----------
    lat_deg : array_like
        Site geodetic latitude (WGS84), in [-90, 90]. [deg]
    lon_deg : array_like
        Site longitude, in [-180, 360]. [deg]
    alt_m : array_like
        Site height above the WGS84 ellipsoid. [m]
    sat_ecef_km : array_like
        Satellite positions, Earth-fixed, ``[..., 3]``. [km]
    avoidance_deg : float
        The avoidance angle, in [0, 90]. [deg]

    Returns
    -------
    numpy.ndarray of bool
        ``True`` where the satellite is within the angle (unusable), shaped as
        :func:`gso_arc_separation_deg`'s result.
    """
    limit = check_range(check_scalar(avoidance_deg, "avoidance_deg"), "avoidance_deg", 0.0,
                        90.0, unit="deg")
    site, up, sat, shape = _gso_pairs(lat_deg, lon_deg, alt_m, sat_ecef_km)
    return _gso_excluded(site, up, sat, np.radians(float(limit))).reshape(shape)


def _gso_excluded(site, up, sat, limit_rad: float) -> np.ndarray:
    """The mask of :func:`gso_arc_excluded` on checked flat arrays (``limit`` in rad)."""
    los = sat - site
    dec = np.arcsin(np.clip(los[:, 2] / np.sqrt(np.einsum("ij,ij->i", los, los)), -1, 1))
    r2 = np.einsum("ij,ij->i", site, site)
    rxy = np.hypot(site[:, 0], site[:, 1])
    near = np.sqrt(np.maximum(GSO_ARC_RADIUS_KM**2 - 2 * GSO_ARC_RADIUS_KM * rxy + r2, 1.0))
    far = np.sqrt(GSO_ARC_RADIUS_KM**2 + 2 * GSO_ARC_RADIUS_KM * rxy + r2)
    a = np.arcsin(np.clip(-site[:, 2] / near, -1, 1))
    b = np.arcsin(np.clip(-site[:, 2] / far, -1, 1))
    gap = np.maximum.reduce([np.zeros_like(dec), np.minimum(a, b) - dec,
                             dec - np.maximum(a, b)])
    out = np.zeros(len(site), bool)
    todo = np.flatnonzero(gap <= limit_rad + 1e-9)
    if todo.size:
        out[todo] = _gso_separation_rad(site[todo], up[todo], sat[todo]) <= limit_rad
    return out
