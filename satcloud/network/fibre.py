"""Terrestrial fibre: geodesic distance, route factors and round-trip time.

A fibre path between two places is modelled as the geodesic on the WGS84 ellipsoid
multiplied by a *route factor* (fibre follows roads, rail and coasts, not great
circles), travelled at the group velocity of light in silica fibre, plus an explicit
overhead for switching, routing and serialisation:

.. math::

    RTT = 2 \\, \\frac{f_{route} \\, d_{geodesic}}{c / n_g} + t_{overhead}

Sources
-------
- Speed of light in vacuum: c = 299,792.458 km/s (SI definition).
- Group index of standard single-mode fibre (ITU-T G.652 [3]_) near 1550 nm:
  n_g ~= 1.468, i.e. 4.90 us/km one way.
- Route factors: Bozkurt et al. [1]_: median Internet fibre route ~2.1 x the
  great-circle distance; ~1.3 x achievable along existing conduits.
- Geodesics: Karney [2]_, as implemented by PROJ's ``geod`` (``pyproj.Geod``).

References
----------
.. [1] I. N. Bozkurt, W. Aqeel, D. Bhattacherjee, B. Chandrasekaran, P. B. Godfrey,
   G. Laughlin, B. M. Maggs and A. Singla, "Dissecting Latency in the Internet's Fiber
   Infrastructure", arXiv:1811.10737, 2018. https://arxiv.org/abs/1811.10737
.. [2] C. F. F. Karney, "Algorithms for geodesics", *Journal of Geodesy* 87(1), 43-55,
   2013. doi:10.1007/s00190-012-0578-z
.. [3] ITU-T Recommendation G.652, "Characteristics of a single-mode optical fibre and
   cable" (edition not pinned: 1.468 is a typical value). https://www.itu.int/rec/T-REC-G.652
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from pyproj import Geod

from satcloud._validate import check_choice, check_finite_result, check_latlon
from satcloud.network._checks import broadcast, finite_array, finite_scalar

__all__ = [
    "C_FIBRE_KM_PER_S",
    "C_VACUUM_KM_PER_S",
    "FIBRE_GROUP_INDEX",
    "ROUTE_FACTORS",
    "fibre_path_rtt_ms",
    "fibre_rtt_ms",
    "geodesic_distance_km",
    "nearest_site",
    "resolve_route_factor",
    "vacuum_rtt_ms",
]

#: Speed of light in vacuum (SI definition). [km/s]
C_VACUUM_KM_PER_S = 299_792.458
#: Group index of single-mode fibre near 1550 nm (ITU-T G.652 typical). [-]
FIBRE_GROUP_INDEX = 1.468
#: Group velocity of light in fibre. [km/s]
C_FIBRE_KM_PER_S = C_VACUUM_KM_PER_S / FIBRE_GROUP_INDEX

#: Named fibre route factors (route length / geodesic length), with sources.
ROUTE_FACTORS = {
    "ideal": 1.0,     # a fibre laid along the geodesic: the fibre floor
    "conduit": 1.3,   # along existing conduits (Bozkurt et al. 2018; module References [1])
    "typical": 2.1,   # median Internet route (Bozkurt et al. 2018; module References [1])
}

_WGS84 = Geod(ellps="WGS84")


def resolve_route_factor(route_factor) -> float:
    """A route factor given by preset name or number, checked to be >= 1.

    Parameters
    ----------
    route_factor : str or float
        A key of :data:`ROUTE_FACTORS` (``"ideal"``, ``"conduit"``, ``"typical"``) or
        a finite number >= 1. [-]

    Returns
    -------
    float
        The route factor. [-]

    Raises
    ------
    ValueError
        An unknown preset name, a number below 1, NaN or inf.
    TypeError
        Anything else (``None``, a bool, an array).
    """
    if isinstance(route_factor, str):
        return ROUTE_FACTORS[check_choice(route_factor, "route_factor", ROUTE_FACTORS)]
    if isinstance(route_factor, (bool, np.bool_)) or not isinstance(
            route_factor, (numbers.Real, np.ndarray)) or np.ndim(route_factor):
        raise TypeError(f"route_factor must be a preset name {list(ROUTE_FACTORS)} or one "
                        f"number >= 1, got {type(route_factor).__name__} {route_factor!r}")
    return finite_scalar(route_factor, "route_factor", 1.0, None)


def geodesic_distance_km(lat1_deg, lon1_deg, lat2_deg, lon2_deg) -> np.ndarray:
    """Geodesic distance on the WGS84 ellipsoid, broadcast over the inputs.

    Parameters
    ----------
    lat1_deg, lon1_deg : array_like
        First point, geodetic latitude and longitude. [deg]
    lat2_deg, lon2_deg : array_like
        Second point. [deg]

    Returns
    -------
    numpy.ndarray
        Distance along the geodesic. [km]

    Notes
    -----
    Karney's algorithm [1]_ via PROJ, accurate to about 15 nm on the ellipsoid.

    References
    ----------
    .. [1] C. F. F. Karney, "Algorithms for geodesics", *Journal of Geodesy* 87(1), 43-55,
       2013. doi:10.1007/s00190-012-0578-z
    """
    lat1, lon1 = check_latlon(lat1_deg, lon1_deg, "lat1_deg", "lon1_deg")
    lat2, lon2 = check_latlon(lat2_deg, lon2_deg, "lat2_deg", "lon2_deg")
    lat1, lon1, lat2, lon2 = broadcast(lat1_deg=lat1, lon1_deg=lon1, lat2_deg=lat2,
                                       lon2_deg=lon2)
    shape = lat1.shape
    _, _, dist_m = _WGS84.inv(lon1.ravel(), lat1.ravel(), lon2.ravel(), lat2.ravel())
    return np.asarray(dist_m, dtype=float).reshape(shape) / 1000.0


def fibre_rtt_ms(distance_km, route_factor="typical", overhead_ms=0.0) -> np.ndarray:
    """Round-trip time over terrestrial fibre.

    Parameters
    ----------
    distance_km : array_like
        Geodesic distance between the endpoints. [km]
    route_factor : str or float
        Fibre route length / geodesic length: a preset of :data:`ROUTE_FACTORS`
        or a number >= 1. [-]
    overhead_ms : float or array_like
        Round-trip switching, routing and serialisation overhead added on top of
        propagation. [ms]

    Returns
    -------
    numpy.ndarray
        Round-trip time. [ms]
    """
    d = finite_array(distance_km, "distance_km", 0.0, None, unit="km")
    f = resolve_route_factor(route_factor)
    ovh = finite_array(overhead_ms, "overhead_ms", 0.0, None, unit="ms")
    d, ovh = broadcast(distance_km=d, overhead_ms=ovh)
    with np.errstate(over="ignore"):
        rtt_ms = 2.0 * f * d / C_FIBRE_KM_PER_S * 1e3 + ovh
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(rtt_ms, "distance_km, route_factor and overhead_ms")


def fibre_path_rtt_ms(lat1_deg, lon1_deg, lat2_deg, lon2_deg, route_factor="typical",
                      overhead_ms=0.0, hops=0, hop_overhead_ms=0.0) -> np.ndarray:
    """Fibre round trip between two places: geodesic x route factor, plus overheads.

    .. math::

        RTT = 2 f d_{geodesic} / (c / n_g) + t_{overhead} + 2 \\, n_{hops} t_{hop}

    Parameters
    ----------
    lat1_deg, lon1_deg, lat2_deg, lon2_deg : array_like
        End points, broadcast together. [deg]
    route_factor : str or float
        Preset of :data:`ROUTE_FACTORS` or a number >= 1. [-]
    overhead_ms : float or array_like
        Fixed round-trip overhead (end hosts, serialisation). [ms]
    hops : int or array_like
        Routers (or switching points) on the one-way path. [-]
    hop_overhead_ms : float
        Processing and queueing per router, per direction. [ms]

    Returns
    -------
    numpy.ndarray
        Round-trip time. [ms]
    """
    d = geodesic_distance_km(lat1_deg, lon1_deg, lat2_deg, lon2_deg)
    n = finite_array(hops, "hops", 0.0, None)
    if np.any(n % 1 != 0):
        raise ValueError(f"hops must be whole numbers, got {n}")
    t_hop = finite_array(hop_overhead_ms, "hop_overhead_ms", 0.0, None, unit="ms")
    ovh = finite_array(overhead_ms, "overhead_ms", 0.0, None, unit="ms")
    broadcast(**{"the end points (lat1_deg ... lon2_deg)": d, "overhead_ms": ovh,
                 "hops": n, "hop_overhead_ms": t_hop})
    with np.errstate(over="ignore"):
        rtt_ms = fibre_rtt_ms(d, route_factor, overhead_ms) + 2.0 * n * t_hop
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(rtt_ms, "route_factor, overhead_ms, hops and hop_overhead_ms")


def vacuum_rtt_ms(distance_km) -> np.ndarray:
    """Round trip at the speed of light in vacuum: the physical floor.

    Parameters
    ----------
    distance_km : array_like
        One-way path length. [km]

    Returns
    -------
    numpy.ndarray
        ``2 d / c``. [ms]
    """
    d = finite_array(distance_km, "distance_km", 0.0, None, unit="km")
    with np.errstate(over="ignore"):
        return check_finite_result(2.0 * d / C_VACUUM_KM_PER_S * 1e3, "distance_km")


def nearest_site(lat_deg, lon_deg, sites: pd.DataFrame, key: str = "region") -> pd.DataFrame:
    """For each point, the site of ``sites`` at the shortest geodesic distance.

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Points to match. [deg]
    sites : pandas.DataFrame
        Candidate sites with ``lat_deg``, ``lon_deg`` and the ``key`` column
        (e.g. :func:`satcloud.data.azure_regions`).
    key : str
        Column naming each site.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``key``, ``distance_km``, and the site's ``site_lat_deg``
        and ``site_lon_deg``.

    Notes
    -----
    Nearest by distance. Nearest by round-trip time over a given network is the job
    of the latency models, because paths differ from geodesics.
    """
    lat, lon = check_latlon(lat_deg, lon_deg)
    lat, lon = broadcast(lat_deg=np.atleast_1d(lat), lon_deg=np.atleast_1d(lon))
    if lat.ndim != 1:
        raise ValueError(f"lat_deg and lon_deg must be scalars or 1-D, got shape {lat.shape}")
    if not isinstance(sites, pd.DataFrame):
        raise TypeError(f"sites must be a pandas DataFrame with 'lat_deg', 'lon_deg' and "
                        f"{key!r} columns, got {type(sites).__name__}")
    if not isinstance(key, str):
        raise TypeError(f"key must be the name of a column of sites, got {key!r:.100}")
    if key not in sites.columns:
        raise ValueError(f"key {key!r} is not a column of sites; columns: "
                         f"{list(sites.columns)}")
    for col in ("lat_deg", "lon_deg"):
        if col not in sites.columns:
            raise ValueError(f"sites must have a {col!r} column; got {list(sites.columns)}")
    if len(sites) == 0:
        raise ValueError("sites is empty; give at least one candidate site")
    slat, slon = check_latlon(sites["lat_deg"].to_numpy(), sites["lon_deg"].to_numpy(),
                              "sites lat_deg", "sites lon_deg")
    dist = geodesic_distance_km(lat[:, None], lon[:, None], slat[None, :], slon[None, :])
    idx = np.argmin(dist, axis=1)
    return pd.DataFrame({
        key: sites[key].to_numpy()[idx],
        "distance_km": dist[np.arange(len(lat)), idx],
        "site_lat_deg": slat[idx],
        "site_lon_deg": slon[idx],
    })
