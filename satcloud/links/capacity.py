"""Capacity: per channel, beam, satellite, system, and per user under contention.

.. math::

    C_{beam} = n_{ch} \\, R_{ch}, \\quad
    n_{ch} = \\left\\lfloor \\frac{B_{spectrum} \\, n_{pol}}{K \\, B_{ch}} \\right\\rfloor,
    \\quad C_{sat} = n_{beams} \\, C_{beam}

    C_{system} = \\min\\left(f_{land} \\, N_{sat} \\, C_{sat}, \\;
                 N_{gw} \\, C_{gw}\\right)

    R_{user} = \\min\\left(R_{peak},
               \\frac{C_{cell}}{\\max(1, \\; a \\, \\rho \\, A_{cell})}\\right)

with ``K`` the number of colours of the frequency-reuse pattern, ``f_land`` the
fraction of satellites over populated land (where demand is), ``a`` the busy-hour
activity factor (fraction of subscribers transferring at the same time) and ``rho``
the subscriber density.

Sources
-------
- Multibeam frequency reuse (colours, polarisation reuse): Maral and Bousquet [1]_,
  ch. 10 (multibeam coverage).
- System throughput limited by the satellites over demand and by the gateways: del
  Portillo, Cameron and Crawley [2]_, sections 4-5.
- :data:`FRACTION_OVER_POPULATED_LAND` is an **assumption** (see its comment); the
  orbits engine (``satcloud.geometry``/coverage) can replace it with the value of a
  given constellation.

References
----------
.. [1] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems, Techniques and
   Technology*, 5th ed., Wiley, 2009 (DOI not verified).
.. [2] I. del Portillo, B. G. Cameron and E. F. Crawley, "A technical comparison of three low
   earth orbit satellite constellation systems to provide global broadband", *Acta
   Astronautica* 159, 123-135, 2019. doi:10.1016/j.actaastro.2019.03.040
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from satcloud._validate import check_finite_result, check_range, check_scalar, check_shapes

__all__ = [
    "BUSY_HOUR_ACTIVITY",
    "FRACTION_OVER_POPULATED_LAND",
    "beam_capacity_mbps",
    "cell_area_km2",
    "channels_per_beam",
    "max_subscribers",
    "per_user_throughput_mbps",
    "satellite_capacity_gbps",
    "system_capacity",
    "user_throughput_table",
]

#: Fraction of a constellation's satellites above populated land at any time.
#: Assumption: ~29 % of the Earth is land and ~2/3 of it is inhabited (~0.19); inclined
#: shells dwell at mid latitudes, slightly raising it: 0.2. Override with the orbit
#: engine's figure for a given constellation. [-]
FRACTION_OVER_POPULATED_LAND = 0.2
#: Busy-hour activity factor: share of subscribers transferring simultaneously.
#: Assumption: 10 % (a 10:1 contention ratio at the busy hour). [-]
BUSY_HOUR_ACTIVITY = 0.1


def channels_per_beam(spectrum_mhz, channel_bandwidth_mhz, colours=1, polarizations=1):
    """Channels a beam gets from a frequency-reuse pattern.

    Parameters
    ----------
    spectrum_mhz : array_like
        Spectrum available to the satellite in one direction, > 0. [MHz]
    channel_bandwidth_mhz : array_like
        Bandwidth of one channel (carrier), > 0. [MHz]
    colours : array_like
        Colours of the reuse pattern (frequency x polarisation slots), >= 1. [-]
    polarizations : array_like
        Polarisations used (1 or 2). [-]

    Returns
    -------
    numpy.ndarray
        ``floor(spectrum x polarizations / (colours x channel))``, integer. [-]

    Examples
    --------
    2 GHz of spectrum in 250 MHz channels, a four-colour pattern on two polarisations:
    floor(2000 x 2 / (4 x 250)) = 4 channels per beam.

    >>> from satcloud.links.capacity import channels_per_beam
    >>> int(channels_per_beam(2000.0, 250.0, colours=4, polarizations=2))
    4
    """
    check_shapes(spectrum_mhz=spectrum_mhz, channel_bandwidth_mhz=channel_bandwidth_mhz,
                 colours=colours, polarizations=polarizations)
    b = check_range(spectrum_mhz, "spectrum_mhz", 0.0, None, low_open=True, unit="MHz",
                    finite=True)
    ch = check_range(channel_bandwidth_mhz, "channel_bandwidth_mhz", 0.0, None,
                     low_open=True, unit="MHz", finite=True)
    k = check_range(colours, "colours", 1.0, None, finite=True)
    pol = check_range(polarizations, "polarizations", 1.0, 2.0)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(np.floor(b * pol / (k * ch) + 1e-9),
                                   "spectrum_mhz and channel_bandwidth_mhz").astype(int)


def beam_capacity_mbps(channel_throughput_mbps, n_channels):
    """Capacity of one beam: channels x throughput per channel.

    Parameters
    ----------
    channel_throughput_mbps : array_like
        Information rate of one channel (e.g. ``throughput_mbps`` of a budget). [Mbit/s]
    n_channels : array_like
        Channels in the beam, >= 0. [-]

    Returns
    -------
    numpy.ndarray
        [Mbit/s]
    """
    check_shapes(channel_throughput_mbps=channel_throughput_mbps, n_channels=n_channels)
    r = check_range(channel_throughput_mbps, "channel_throughput_mbps", 0.0, None,
                    unit="Mbit/s", finite=True)
    n = check_range(n_channels, "n_channels", 0.0, None, finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(r * n, "channel_throughput_mbps and n_channels")


def satellite_capacity_gbps(channel_throughput_mbps, n_beams, n_channels_per_beam):
    """Capacity of one satellite: beams x channels per beam x channel throughput.

    Parameters
    ----------
    channel_throughput_mbps : array_like
        Information rate of one channel. [Mbit/s]
    n_beams : array_like
        Simultaneously active user beams, >= 0. [-]
    n_channels_per_beam : array_like
        Channels per beam (see :func:`channels_per_beam`), >= 0. [-]

    Returns
    -------
    numpy.ndarray
        [Gbit/s]

    Examples
    --------
    >>> from satcloud.links.capacity import satellite_capacity_gbps
    >>> float(satellite_capacity_gbps(800.0, n_beams=24, n_channels_per_beam=4))   # 800 x 4 x 24
    76.8
    """
    check_shapes(channel_throughput_mbps=channel_throughput_mbps, n_beams=n_beams,
                 n_channels_per_beam=n_channels_per_beam)
    r = check_range(channel_throughput_mbps, "channel_throughput_mbps", 0.0, None,
                    unit="Mbit/s", finite=True)
    beams = check_range(n_beams, "n_beams", 0.0, None, finite=True)
    per_beam = check_range(n_channels_per_beam, "n_channels_per_beam", 0.0, None, finite=True)
    with np.errstate(over="ignore", invalid="ignore"):
        total = r * per_beam * beams / 1e3
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(total, "channel_throughput_mbps, n_beams and "
                                          "n_channels_per_beam")


def system_capacity(satellite_capacity_gbps, n_satellites,
                    fraction_over_populated_land=FRACTION_OVER_POPULATED_LAND,
                    n_gateways=None, gateway_capacity_gbps=None) -> pd.DataFrame:
    """Usable capacity of a constellation: satellites over demand, capped by gateways.

    Parameters
    ----------
    satellite_capacity_gbps : array_like
        Capacity of one satellite, >= 0. [Gbit/s]
    n_satellites : array_like
        Satellites in orbit, >= 0. [-]
    fraction_over_populated_land : array_like
        Share of them over populated land at a time, in [0, 1]; default
        :data:`FRACTION_OVER_POPULATED_LAND` (an assumption). [-]
    n_gateways : array_like, optional
        Gateways in service (None: no gateway limit). [-]
    gateway_capacity_gbps : array_like, optional
        Feeder capacity of one gateway; required with ``n_gateways``. [Gbit/s]

    Returns
    -------
    pandas.DataFrame
        Columns ``satellites_over_demand``, ``space_limited_gbps``,
        ``gateway_limited_gbps`` (inf without a gateway limit), ``capacity_gbps`` and
        ``limited_by`` (``"satellites"`` or ``"gateways"``); one row per broadcast
        input.

    Examples
    --------
    1,000 satellites of 20 Gbit/s with a quarter over demand give 5 Tbit/s, more than
    50 gateways of 80 Gbit/s carry, so the gateways limit the system:

    >>> from satcloud.links.capacity import system_capacity
    >>> row = system_capacity(20.0, 1000, 0.25, n_gateways=50, gateway_capacity_gbps=80.0)
    >>> row[["space_limited_gbps", "capacity_gbps", "limited_by"]].to_dict("records")
    [{'space_limited_gbps': 5000.0, 'capacity_gbps': 4000.0, 'limited_by': 'gateways'}]
    """
    check_shapes(satellite_capacity_gbps=satellite_capacity_gbps, n_satellites=n_satellites,
                 fraction_over_populated_land=fraction_over_populated_land,
                 n_gateways=n_gateways, gateway_capacity_gbps=gateway_capacity_gbps)
    c = check_range(satellite_capacity_gbps, "satellite_capacity_gbps", 0.0, None,
                    unit="Gbit/s", finite=True)
    n = check_range(n_satellites, "n_satellites", 0.0, None, finite=True)
    f = check_range(fraction_over_populated_land, "fraction_over_populated_land", 0.0, 1.0)
    if (n_gateways is None) != (gateway_capacity_gbps is None):
        raise TypeError("give both n_gateways and gateway_capacity_gbps, or neither")
    if n_gateways is None:
        gw = np.inf
    else:
        with np.errstate(over="ignore"):
            gw = check_range(n_gateways, "n_gateways", 0.0, None, finite=True) * check_range(
                gateway_capacity_gbps, "gateway_capacity_gbps", 0.0, None, unit="Gbit/s",
                finite=True)
        check_finite_result(gw, "n_gateways and gateway_capacity_gbps")
    c, n, f, gw = np.broadcast_arrays(c, n, f, gw)
    with np.errstate(over="ignore", invalid="ignore"):
        over = n * f
        space = over * c
    check_finite_result(space, "satellite_capacity_gbps, n_satellites and "
                               "fraction_over_populated_land")
    cap = np.minimum(space, gw)
    return pd.DataFrame({
        "satellites_over_demand": np.atleast_1d(over),
        "space_limited_gbps": np.atleast_1d(space),
        "gateway_limited_gbps": np.atleast_1d(gw).astype(float),
        "capacity_gbps": np.atleast_1d(cap),
        "limited_by": np.where(np.atleast_1d(gw) < np.atleast_1d(space), "gateways",
                               "satellites"),
    })


def cell_area_km2(beamwidth_deg, altitude_km):
    """Area of a nadir beam's footprint (flat-Earth circle of the 3 dB cone).

    Parameters
    ----------
    beamwidth_deg : array_like
        Full 3 dB beamwidth of the satellite beam, in (0, 180). [deg]
    altitude_km : array_like
        Satellite altitude, > 0. [km]

    Returns
    -------
    numpy.ndarray
        ``pi (h tan(theta/2))^2``; an upper bound of the cell served, since beams
        overlap and cells are usually hexagons inscribed in the footprints. [km^2]

    Examples
    --------
    A 2 deg beam from 550 km lights a disc of radius 550 tan(1 deg) = 9.6 km:

    >>> from satcloud.links.capacity import cell_area_km2
    >>> print(f"{float(cell_area_km2(2.0, 550.0)):.1f}")
    289.5
    """
    check_shapes(beamwidth_deg=beamwidth_deg, altitude_km=altitude_km)
    th = check_range(beamwidth_deg, "beamwidth_deg", 0.0, 180.0, low_open=True,
                     high_open=True, unit="deg")
    h = check_range(altitude_km, "altitude_km", 0.0, None, low_open=True, unit="km",
                    finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(np.pi * (h * np.tan(np.deg2rad(th) / 2.0)) ** 2, "altitude_km")


def per_user_throughput_mbps(cell_capacity_mbps, subscribers,
                             activity_factor=BUSY_HOUR_ACTIVITY, peak_mbps=None):
    """Busy-hour throughput per active subscriber sharing a cell's capacity.

    Parameters
    ----------
    cell_capacity_mbps : array_like
        Capacity serving the cell (one beam or several), >= 0. [Mbit/s]
    subscribers : array_like
        Subscribers in the cell, >= 0. [-]
    activity_factor : array_like
        Share of subscribers active at once in the busy hour, in (0, 1]. [-]
    peak_mbps : array_like, optional
        Terminal or plan peak rate that caps one user's share. [Mbit/s]

    Returns
    -------
    numpy.ndarray
        ``min(peak, C / max(1, a N))``: the share of each active user (a single
        active user gets the whole cell). [Mbit/s]

    Examples
    --------
    1 Gbit/s shared by 500 subscribers of whom 10 % are active: 1000 / 50 = 20 Mbit/s each,
    unless a plan caps them lower:

    >>> from satcloud.links.capacity import per_user_throughput_mbps
    >>> [float(per_user_throughput_mbps(1000.0, 500, peak_mbps=p)) for p in (None, 15.0)]
    [20.0, 15.0]
    """
    check_shapes(cell_capacity_mbps=cell_capacity_mbps, subscribers=subscribers,
                 activity_factor=activity_factor, peak_mbps=peak_mbps)
    c = check_range(cell_capacity_mbps, "cell_capacity_mbps", 0.0, None, unit="Mbit/s",
                    finite=True)
    n = check_range(subscribers, "subscribers", 0.0, None, finite=True)
    a = check_range(activity_factor, "activity_factor", 0.0, 1.0, low_open=True)
    share = c / np.maximum(1.0, a * n)
    if peak_mbps is not None:
        share = np.minimum(share, check_range(peak_mbps, "peak_mbps", 0.0, None,
                                              unit="Mbit/s", finite=True))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(share, "cell_capacity_mbps and subscribers")


def max_subscribers(cell_capacity_mbps, target_mbps, activity_factor=BUSY_HOUR_ACTIVITY):
    """Largest number of subscribers in a cell that still get a target busy-hour rate.

    Parameters
    ----------
    cell_capacity_mbps : array_like
        Capacity serving the cell, >= 0. [Mbit/s]
    target_mbps : array_like
        Rate each active subscriber should get, > 0. [Mbit/s]
    activity_factor : array_like
        Share of subscribers active at once, in (0, 1]. [-]

    Returns
    -------
    numpy.ndarray
        ``floor(C / (target a))``. [-]

    Examples
    --------
    >>> from satcloud.links.capacity import max_subscribers
    >>> int(max_subscribers(1000.0, 25.0))      # floor(1000 / (25 x 0.1))
    400
    """
    check_shapes(cell_capacity_mbps=cell_capacity_mbps, target_mbps=target_mbps,
                 activity_factor=activity_factor)
    c = check_range(cell_capacity_mbps, "cell_capacity_mbps", 0.0, None, unit="Mbit/s",
                    finite=True)
    t = check_range(target_mbps, "target_mbps", 0.0, None, low_open=True, unit="Mbit/s",
                    finite=True)
    a = check_range(activity_factor, "activity_factor", 0.0, 1.0, low_open=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(np.floor(c / (t * a) + 1e-9),
                                   "cell_capacity_mbps, target_mbps and activity_factor"
                                   ).astype(int)


def user_throughput_table(cell_capacity_mbps, subscribers_per_km2, cell_area_km2,
                          activity_factor=BUSY_HOUR_ACTIVITY, claim_mbps=100.0,
                          peak_mbps=None) -> pd.DataFrame:
    """Test a claim such as "up to 100 Mbps" over a range of subscriber densities.

    Parameters
    ----------
    cell_capacity_mbps : float
        Capacity serving one cell, >= 0. [Mbit/s]
    subscribers_per_km2 : array_like
        Subscriber densities to test, >= 0. [1/km^2]
    cell_area_km2 : float
        Area of the cell, > 0. [km^2]
    activity_factor : float
        Busy-hour activity factor, in (0, 1]. [-]
    claim_mbps : float
        Claimed per-user rate, > 0. [Mbit/s]
    peak_mbps : float, optional
        Peak rate cap of one user. [Mbit/s]

    Returns
    -------
    pandas.DataFrame
        One row per density: ``subscribers_per_km2``, ``subscribers``,
        ``active_users``, ``per_user_mbps``, ``claim_mbps``, ``meets_claim``, and
        ``max_subscribers_per_km2`` (density at which the claim stops holding).
    """
    rho = np.atleast_1d(check_range(subscribers_per_km2, "subscribers_per_km2", 0.0, None,
                                    finite=True))
    if rho.ndim != 1 or rho.size == 0:
        raise ValueError(f"subscribers_per_km2 must be one density or a non-empty list of "
                         f"densities, got shape {np.shape(subscribers_per_km2)}")
    cell_capacity_mbps = check_scalar(check_range(cell_capacity_mbps, "cell_capacity_mbps",
                                                  0.0, None, unit="Mbit/s", finite=True),
                                      "cell_capacity_mbps")
    if peak_mbps is not None:
        peak_mbps = check_scalar(check_range(peak_mbps, "peak_mbps", 0.0, None,
                                             unit="Mbit/s", finite=True), "peak_mbps")
    area = check_scalar(check_range(cell_area_km2, "cell_area_km2", 0.0, None, low_open=True,
                                    unit="km^2", finite=True), "cell_area_km2")
    a = check_scalar(check_range(activity_factor, "activity_factor", 0.0, 1.0,
                                 low_open=True), "activity_factor")
    claim = check_scalar(check_range(claim_mbps, "claim_mbps", 0.0, None, low_open=True,
                                     unit="Mbit/s", finite=True), "claim_mbps")
    with np.errstate(over="ignore"):
        subs = check_finite_result(rho * area, "subscribers_per_km2 and cell_area_km2")
    per_user = per_user_throughput_mbps(cell_capacity_mbps, subs, a, peak_mbps)
    with np.errstate(over="ignore"):
        limit = check_finite_result(max_subscribers(cell_capacity_mbps, claim, a) / area,
                                    "cell_area_km2")
    return pd.DataFrame({
        "subscribers_per_km2": rho,
        "subscribers": subs,
        "active_users": subs * a,
        "per_user_mbps": per_user,
        "claim_mbps": claim,
        "meets_claim": per_user >= claim - 1e-9,
        "max_subscribers_per_km2": np.broadcast_to(limit, rho.shape),
    })
