"""Small geometry kernels the network models share: WGS84 frames and visibility.

Kept inside :mod:`satcloud.network` so the latency models work on plain arrays
(ECEF positions in km) whatever produced them. The formulas are the textbook ones:

- Geodetic -> ECEF on WGS84: Hofmann-Wellenhof, Lichtenegger & Wasle, *GNSS* (2008),
  eq. 5.8 (a = 6378.137 km, f = 1/298.257223563).
- Elevation of a satellite seen from a ground point: the angle between the line of
  sight and the local horizontal plane of the ellipsoid, ``sin(el) = u . (r_sat - r_g) /
  |r_sat - r_g|`` with ``u`` the geodetic up unit vector (Vallado, *Fundamentals of
  Astrodynamics and Applications*, 4th ed., sec. 4.4).
"""

from __future__ import annotations

import numpy as np

from satcloud._validate import check_latlon, check_range

#: WGS84 semi-major axis. [km]
WGS84_A_KM = 6378.137
#: WGS84 flattening. [-]
WGS84_F = 1.0 / 298.257223563
_E2 = WGS84_F * (2.0 - WGS84_F)


def geodetic_to_ecef_km(lat_deg, lon_deg, alt_km=0.0) -> np.ndarray:
    """Earth-fixed Cartesian coordinates of geodetic points on WGS84.

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Geodetic latitude and longitude. [deg]
    alt_km : array_like
        Height above the ellipsoid. [km]

    Returns
    -------
    numpy.ndarray
        ``[..., 3]`` ECEF position. [km]
    """
    lat, lon = check_latlon(lat_deg, lon_deg)
    h = check_range(alt_km, "alt_km", -20.0, None, unit="km")
    lat, lon, h = np.broadcast_arrays(np.radians(lat), np.radians(lon), h)
    n = WGS84_A_KM / np.sqrt(1.0 - _E2 * np.sin(lat) ** 2)
    x = (n + h) * np.cos(lat) * np.cos(lon)
    y = (n + h) * np.cos(lat) * np.sin(lon)
    z = (n * (1.0 - _E2) + h) * np.sin(lat)
    return np.stack([x, y, z], axis=-1)


def up_unit_vector(lat_deg, lon_deg) -> np.ndarray:
    """Geodetic local-vertical unit vector (ellipsoid normal). ``[..., 3]`` [-]"""
    lat, lon = np.radians(np.asarray(lat_deg, float)), np.radians(np.asarray(lon_deg, float))
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)],
                    axis=-1)


def sin_elevation(r_sat_km, r_ground_km, up) -> tuple[np.ndarray, np.ndarray]:
    """Sine of elevation and slant range from ground points to satellites.

    Parameters
    ----------
    r_sat_km : array_like
        ``[..., N, 3]`` satellite ECEF positions. [km]
    r_ground_km : array_like
        ``[G, 3]`` ground ECEF positions. [km]
    up : array_like
        ``[G, 3]`` geodetic up unit vectors at the ground points. [-]

    Returns
    -------
    sin_el : numpy.ndarray
        ``[..., N, G]`` sine of the elevation angle. [-]
    range_km : numpy.ndarray
        ``[..., N, G]`` slant range. [km]

    Notes
    -----
    Uses ``|s - g|^2 = |s|^2 + |g|^2 - 2 s.g`` and ``u.(s - g) = u.s - u.g`` so the
    work is two matrix products (BLAS) instead of a ``[..., N, G, 3]`` temporary.
    """
    s = np.asarray(r_sat_km, float)
    g = np.asarray(r_ground_km, float)
    u = np.asarray(up, float)
    s2 = np.einsum("...i,...i->...", s, s)[..., None]
    g2 = np.einsum("gi,gi->g", g, g)
    sg = s @ g.T
    rng = np.sqrt(np.maximum(s2 + g2 - 2.0 * sg, 0.0))
    us = s @ u.T
    ug = np.einsum("gi,gi->g", u, g)
    with np.errstate(invalid="ignore", divide="ignore"):
        sin_el = np.where(rng > 0, (us - ug) / rng, 1.0)
    return sin_el, rng
