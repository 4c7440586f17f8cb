"""Bent-pipe satellite paths: GEO, MEO and LEO, user -> satellite -> gateway.

A transparent ("bent-pipe") satellite relays the user's signal straight down to a
gateway that sees the same satellite; the one-way propagation delay is

.. math::

    t = (|r_{sat} - r_{user}| + |r_{sat} - r_{gw}|) / c

and the round trip doubles it. At the sub-satellite point with the gateway beside the
user this is ``4 h / c``: about 477 ms for a geostationary satellite (h = 35,786 km),
the hard floor of GEO broadband. The routing of many users over many satellites and
gateways (with the serving-satellite policy and 15 s reassignment) is done by
:func:`satcloud.network.routing.iter_routes` without laser links; this module holds the
geometry specific to bent pipes.

Sources
-------
- Geostationary radius ``a = (GM / omega^2)^(1/3)`` with GM = 398,600.4418 km^3/s^2
  (WGS84/IERS) and omega = 7.2921150e-5 rad/s (sidereal rotation rate, IERS [1]_),
  giving 42,164.17 km, i.e. 35,786 km above the equator (Vallado [2]_, sec. 2.2).
- Slot longitudes in :data:`DEFAULT_GEO_SLOTS_LON_DEG`: ITU/operator-published
  orbital positions of broadband GEO satellites (see the table's comments).

References
----------
.. [1] G. Petit and B. Luzum (eds.), *IERS Conventions (2010)*, IERS Technical Note No. 36,
   2010. https://www.iers.org/IERS/EN/Publications/TechnicalNotes/tn36.html
.. [2] D. A. Vallado (with W. D. McClain), *Fundamentals of Astrodynamics and Applications*, 4th
   ed., Microcosm Press, Hawthorne, CA, 2013 (a book, no DOI).
"""

from __future__ import annotations

import numpy as np

from satcloud._validate import check_finite_result, check_latlon, check_range
from satcloud.constellations import DEFAULT_GEO_SLOTS_DEG
from satcloud.geometry import WGS84_A_KM, geodetic_to_ecef, look_angles
from satcloud.network._checks import as_int, broadcast, finite_array, finite_scalar, positions
from satcloud.network.fibre import C_VACUUM_KM_PER_S
from satcloud.orbits import MU_EARTH_KM3_S2
from satcloud.time import SIDEREAL_RATE_RAD_S

__all__ = [
    "DEFAULT_GEO_SLOTS_LON_DEG",
    "GEO_ALTITUDE_KM",
    "GEO_RADIUS_KM",
    "bent_pipe_rtt_ms",
    "geo_elevation_deg",
    "geo_floor_rtt_ms",
    "geo_positions_ecef_km",
]

#: Geostationary orbit radius. [km]
GEO_RADIUS_KM = (MU_EARTH_KM3_S2 / SIDEREAL_RATE_RAD_S**2) ** (1.0 / 3.0)
#: Geostationary altitude over the WGS84 equator (~35,786 km). [km]
GEO_ALTITUDE_KM = GEO_RADIUS_KM - WGS84_A_KM

#: Default GEO slots (east-positive longitude, a user parameter): the real broadband
#: slots of :data:`satcloud.constellations.DEFAULT_GEO_SLOTS_DEG`. [deg]
DEFAULT_GEO_SLOTS_LON_DEG = DEFAULT_GEO_SLOTS_DEG


def geo_positions_ecef_km(slot_lon_deg=DEFAULT_GEO_SLOTS_LON_DEG, n_times: int | None = None
                          ) -> np.ndarray:
    """Earth-fixed positions of ideal geostationary satellites.

    Parameters
    ----------
    slot_lon_deg : array_like
        ``[N]`` orbital slot longitudes, east positive, in [-180, 360]. [deg]
    n_times : int, optional
        Repeat the (time-invariant) positions ``n_times`` times, giving ``[T, N, 3]``.

    Returns
    -------
    numpy.ndarray
        ``[N, 3]`` or ``[T, N, 3]`` ECEF position on the equator at
        :data:`GEO_RADIUS_KM`. [km]

    Examples
    --------
    >>> import numpy as np
    >>> from satcloud.network.bentpipe import geo_positions_ecef_km
    >>> np.round(geo_positions_ecef_km([0.0, 90.0]), 2)
    array([[42164.17,     0.  ,     0.  ],
           [    0.  , 42164.17,     0.  ]])
    """
    lon = np.radians(np.atleast_1d(check_range(slot_lon_deg, "slot_lon_deg", -180.0, 360.0,
                                               unit="deg")))
    if lon.ndim != 1 or lon.size == 0:
        raise ValueError("slot_lon_deg must be a non-empty 1-D list of longitudes")
    r = GEO_RADIUS_KM * np.stack([np.cos(lon), np.sin(lon), np.zeros_like(lon)], axis=-1)
    if n_times is None:
        return r
    n_times = as_int(n_times, "n_times", 1)
    return np.broadcast_to(r, (int(n_times),) + r.shape).copy()


def geo_floor_rtt_ms(altitude_km=GEO_ALTITUDE_KM) -> np.ndarray:
    """Bent-pipe round trip at the sub-satellite point: ``4 h / c``.

    Parameters
    ----------
    altitude_km : array_like
        Satellite altitude. [km]

    Returns
    -------
    numpy.ndarray
        User up + down to a co-located gateway, and back. [ms]

    Examples
    --------
    Four times 35,786 km at 299,792.458 km/s:

    >>> from satcloud.network.bentpipe import geo_floor_rtt_ms
    >>> print(f"{float(geo_floor_rtt_ms()):.1f}")
    477.5
    """
    h = finite_array(altitude_km, "altitude_km", 0.0, None, low_open=True, unit="km")
    with np.errstate(over="ignore"):
        return check_finite_result(4.0 * h / C_VACUUM_KM_PER_S * 1e3, "altitude_km")


def bent_pipe_rtt_ms(r_sat_km, user_lat_deg, user_lon_deg, gateway_lat_deg,
                     gateway_lon_deg) -> np.ndarray:
    """Round trip user -> satellite -> gateway and back, propagation only.

    Parameters
    ----------
    r_sat_km : array_like
        ``[..., 3]`` satellite ECEF position. [km]
    user_lat_deg, user_lon_deg : array_like
        User terminal. [deg]
    gateway_lat_deg, gateway_lon_deg : array_like
        Gateway. [deg]

    Returns
    -------
    numpy.ndarray
        ``2 (|s - u| + |s - g|) / c``, broadcast over the inputs. Visibility is not
        checked here (see :func:`satcloud.network.routing.iter_routes`). [ms]

    Examples
    --------
    Under the satellite with the gateway beside the user the round trip is the GEO floor;
    a gateway in Brussels adds the longer down leg:

    >>> from satcloud.network.bentpipe import bent_pipe_rtt_ms, geo_positions_ecef_km
    >>> sat = geo_positions_ecef_km([0.0])[0]
    >>> print(f"{float(bent_pipe_rtt_ms(sat, 0.0, 0.0, 0.0, 0.0)):.1f} "
    ...       f"{float(bent_pipe_rtt_ms(sat, 0.0, 0.0, 50.85, 4.35)):.1f}")
    477.5 495.3
    """
    s = positions(r_sat_km, "r_sat_km", ndim=None)
    ulat, ulon = broadcast(**dict(zip(("user_lat_deg", "user_lon_deg"), check_latlon(
        user_lat_deg, user_lon_deg, "user_lat_deg", "user_lon_deg"), strict=True)))
    glat, glon = broadcast(**dict(zip(("gateway_lat_deg", "gateway_lon_deg"), check_latlon(
        gateway_lat_deg, gateway_lon_deg, "gateway_lat_deg", "gateway_lon_deg"),
        strict=True)))
    u = geodetic_to_ecef(ulat, ulon)
    g = geodetic_to_ecef(glat, glon)
    broadcast(r_sat_km=s[..., 0], **{"user_lat_deg/user_lon_deg": u[..., 0],
                                     "gateway_lat_deg/gateway_lon_deg": g[..., 0]})
    d = np.linalg.norm(s - u, axis=-1) + np.linalg.norm(s - g, axis=-1)
    return 2.0 * d / C_VACUUM_KM_PER_S * 1e3


def geo_elevation_deg(lat_deg, lon_deg, slot_lon_deg=DEFAULT_GEO_SLOTS_LON_DEG) -> float:
    """Elevation of the highest geostationary slot seen from a place.

    :func:`satcloud.geometry.look_angles` (WGS84 ellipsoid) from the place to the ideal
    GEO positions of :func:`geo_positions_ecef_km`; the largest elevation wins.

    Parameters
    ----------
    lat_deg : float
        Geodetic latitude of the place, in [-90, 90]. [deg]
    lon_deg : float
        Longitude of the place, in [-180, 360]. [deg]
    slot_lon_deg : array_like, optional
        GEO slot longitudes (default :data:`DEFAULT_GEO_SLOTS_LON_DEG`). [deg]

    Returns
    -------
    float
        Elevation of the highest slot; negative when none is above the horizon. [deg]

    Examples
    --------
    A slot on the equator due south of Brussels (50.85 deg N) stands 31.8 deg high; the
    spherical-Earth closed form ``atan((cos(lat) - R/r) / sin(lat))`` gives 31.76 deg:

    >>> from satcloud.network.bentpipe import geo_elevation_deg
    >>> print(f"{geo_elevation_deg(50.85, 4.35, slot_lon_deg=[4.35]):.2f}")
    31.79
    """
    lat = finite_scalar(lat_deg, "lat_deg", -90.0, 90.0, unit="deg")
    lon = finite_scalar(lon_deg, "lon_deg", -180.0, 360.0, unit="deg")
    la = look_angles(geo_positions_ecef_km(slot_lon_deg), lat, lon)
    return float(np.max(la.elevation_deg))
