"""Scenario: how much can it carry? The tables behind notebook 09 (and 06's throughput).

Every number here is a flow of :mod:`satcloud.capacity` (demand on the 1 degree
population grid, the capacity graph of one snapshot, its maximum flow); this module
chooses the fleets, the demands and the times, and shapes the results into tidy tables:

- :func:`fleet_capacity` and :func:`fleet_table` / :func:`fleet_by_continent` /
  :func:`binding_table`: the October 2020 Starlink (the operational satellites of the
  element sets of 29 October 2020, no laser links), Starlink Gen1 as filed, the 2026
  Starlink and Kuiper (to AWS) carrying the same busy-hour demand;
- :func:`site_capacity`: what a Modular Datacenter site can count on over a day: its
  request added to the busy-hour demand of its 1 degree cell, served with the rest of
  the world's demand present;
- :func:`failover`: a country loses its submarine cables (:data:`FAILOVER_CASES`, the
  West African cable cuts of 14 March 2024): the share of its international traffic the
  constellation absorbs, with and without the rest of the world's demand;
- :func:`claim_distribution` / :func:`claim_summary`: "up to 100 Mbps" tested with the
  network: every active subscriber asks for the claim, and the rate each gets, cell by
  cell, at the subscriber counts of 2020 (:data:`SUBSCRIBERS_2020`) and 2026.

Flows maximise the total carried (``fairness="none"`` of :func:`satcloud.capacity.max_flow`)
unless ``fairness="max-min"`` is asked for: which cells a shared bottleneck starves is then
the solver's choice, so per-cell splits behind a shared bottleneck are one maximum among
several; totals are exact.

References
----------
.. [1] SpaceX, petition to the FCC for designation as an Eligible Telecommunications
   Carrier, 3 February 2021: "Over 10,000 users in the United States and abroad are using
   the service today" (as reported by CNET and CNBC, 4 February 2021).
.. [2] ITU, *Measuring digital development: Facts and Figures 2021*, "International
   bandwidth usage": 34 kbit/s of used international bandwidth per Internet user in the
   least developed countries in 2021.
   https://www.itu.int/itu-d/reports/statistics/2021/11/15/international-bandwidth-usage/
.. [3] GSMA, as reported by the Telecoms Chamber (2024): about 3.8 million people in
   Benin, 28 % of the population, used mobile Internet regularly in 2023.
   https://telecomschamber.org/?p=5674
.. [4] "2024 Internet outage in Africa" (Wikipedia) and Cloudflare Radar, 14 March 2024:
   the WACS, ACE, SAT-3 and MainOne cables were cut off Côte d'Ivoire; Côte d'Ivoire,
   Liberia, Benin and Ghana were the worst affected (NetBlocks: Benin at 14 % of its
   usual connectivity). https://en.wikipedia.org/wiki/2024_Internet_outage_in_Africa
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from satcloud import capacity, data
from satcloud._validate import check_choice, check_range, check_scalar
from satcloud.scenarios import _checks

__all__ = [
    "ELEMENT_LABELS",
    "FAILOVER_CASES",
    "FLEETS",
    "FULLY_SERVED",
    "SUBSCRIBERS_2020",
    "binding_table",
    "claim_distribution",
    "claim_summary",
    "failover",
    "fleet_by_continent",
    "fleet_capacity",
    "fleet_table",
    "site_capacity",
]

#: A cell counts as served in full from this share of its demand (the maximum flow works
#: in whole units of ``resolution_mbps``, so a cell's served demand falls short of its
#: offered demand by up to one unit). [-]
FULLY_SERVED = 0.99

#: Readable names of the element types of :data:`satcloud.capacity.ELEMENT_TYPES`, for
#: tables and prose.
ELEMENT_LABELS = {
    "demand": "the demand itself (carried in full)",
    "beam": "user beams",
    "satellite": "satellite capacity",
    "laser": "laser links",
    "feeder": "feeder links",
    "gateway": "gateway antennas",
    "gateway_pop": "gateway-to-PoP backhaul",
    "pop_region": "PoP-to-cloud interconnect",
}

#: The fleets compared: label -> the registry network whose presets (beams, satellite
#: capacity, gateways, cloud) apply, the element-set date of a real fleet (``None``: the
#: registry's own constellation of that network), whether laser links are on, and the
#: day of the snapshot (inside the element sets' validity window). Starlink's v1.0
#: satellites of 2020 carried no laser links (the first laser-equipped ones were
#: launched in January 2021), hence ``lasers=False`` for October 2020.
FLEETS = {
    "Starlink Oct 2020": {"network": "starlink", "as_of": "2020-10-29", "lasers": False,
                          "day": "2020-10-29"},
    "Starlink Gen1 as filed": {"network": "starlink-gen1", "as_of": None, "lasers": True,
                               "day": "2026-04-02"},
    "Starlink 2026": {"network": "starlink", "as_of": None, "lasers": True,
                      "day": "2026-04-02"},
    "Kuiper + AWS": {"network": "kuiper", "as_of": None, "lasers": True,
                     "day": "2026-04-02"},
}

#: Starlink's subscribers at the end of its 2020 beta: "over 10,000 users" (SpaceX to the
#: FCC, 3 February 2021 [1]_), in the United States and Canada (the "Better Than
#: Nothing" beta opened in the northern United States in October 2020, and in Canada in
#: January 2021). An upper bound for October 2020.
SUBSCRIBERS_2020 = {"subscribers": 10_000, "countries": ("US", "CA"),
                    "source": "SpaceX ETC petition to the FCC, 2021-02-03 ('over 10,000 "
                              "users in the United States and abroad')"}

#: Failover cases: country (ISO alpha-2) -> the event, the share of the population using
#: the Internet, the used international bandwidth per Internet user, and a busy-hour to
#: annual-mean factor (assumed) with their sources. Busy-hour international demand:
#: population x internet_user_share x international_kbps_per_user x peak_to_mean.
FAILOVER_CASES = {
    "BJ": {
        "country_name": "Benin",
        "event": "14 March 2024: WACS, ACE, SAT-3 and MainOne cut off Côte d'Ivoire; Benin "
                 "fell to 14 % of its usual connectivity (NetBlocks) [4]",
        "internet_user_share": 0.28,
        "internet_user_source": "GSMA via Telecoms Chamber (2024): 3.8 million regular "
                                "mobile Internet users in 2023, 28 % of the population [3]",
        "international_kbps_per_user": 34.0,
        "international_kbps_source": "ITU Facts and Figures 2021: 34 kbit/s of used "
                                     "international bandwidth per Internet user in the "
                                     "least developed countries (annual mean) [2]",
        "peak_to_mean": 2.0,
        "peak_to_mean_source": "assumption: the busy hour carries twice the annual mean "
                               "traffic load",
    },
}


# --------------------------------------------------------------------------- fleets

def _time(day: str, hour_utc: float) -> pd.Timestamp:
    return pd.Timestamp(day) + pd.Timedelta(hours=float(hour_utc))


def _fleets(fleets) -> dict:
    if fleets is None:
        return dict(FLEETS)
    if isinstance(fleets, Mapping):
        for label, f in fleets.items():
            if not isinstance(f, Mapping) or not {"network", "as_of", "lasers",
                                                  "day"} <= set(f):
                raise ValueError(f"fleets[{label!r}] must be a mapping with network, as_of, "
                                 f"lasers and day (as FLEETS), got {f!r:.120}")
        return dict(fleets)
    names = _checks.names(fleets, "fleets", list(FLEETS))
    return {n: FLEETS[n] for n in names}


def _series(fleet: Mapping, times, dem, fairness: str) -> capacity.CapacityResult:
    """The flows of one fleet over ``times``: :func:`satcloud.capacity.capacity_series`,
    with the fleet's own real constellation when it names an ``as_of`` date."""
    real = None if fleet["as_of"] is None else _real_fleet(fleet)
    return capacity.capacity_series(fleet["network"], times, dem,
                                    lasers=bool(fleet["lasers"]), fairness=fairness,
                                    constellation=real)


def _real_fleet(fleet: Mapping):
    from satcloud import constellations

    real = constellations.constellation(fleet["network"], as_of=fleet["as_of"])
    # the operational satellites only, as satcloud.constellations.network_constellation
    # keeps them for a registry network (raising and deorbiting ones carry no users)
    return real.subset(np.flatnonzero(
        (real.satellites["status"] == "operational").to_numpy()))


def fleet_capacity(fleets=None, demand=None, *, hour_utc=20.0, fairness="none"
                   ) -> dict[str, capacity.CapacityResult]:
    """One busy-hour snapshot per fleet, all carrying the same demand.

    Parameters
    ----------
    fleets : sequence of str or mapping, optional
        Labels of :data:`FLEETS` (default all), or a mapping label -> fleet as in
        :data:`FLEETS`.
    demand : pandas.DataFrame, optional
        :func:`satcloud.capacity.demand` (default ``demand()``: Starlink's 9 million
        subscribers of end 2025 in the countries it serves).
    hour_utc : float
        Hour of the snapshot on each fleet's ``day``, in [0, 24). [h]
    fairness : {"none", "max-min"}
        As :func:`satcloud.capacity.max_flow`.

    Returns
    -------
    dict
        Label -> :class:`satcloud.capacity.CapacityResult` of its snapshot.
    """
    fl = _fleets(fleets)
    h = check_scalar(check_range(hour_utc, "hour_utc", 0.0, 24.0, unit="h", high_open=True),
                     "hour_utc")
    check_choice(fairness, "fairness", capacity.FAIRNESS_RULES)
    dem = capacity.demand() if demand is None else demand
    return {label: _series(f, [_time(f["day"], h)], dem, fairness)
            for label, f in fl.items()}


def _check_results(results) -> None:
    if not isinstance(results, Mapping) or not results or not all(
            isinstance(r, capacity.CapacityResult) for r in results.values()):
        raise TypeError("results must be a non-empty mapping label -> CapacityResult (the "
                        f"output of fleet_capacity()), got {type(results).__name__}")


def fleet_table(results: Mapping) -> pd.DataFrame:
    """One line per fleet: what it carries of the offered demand, and what limits it.

    Parameters
    ----------
    results : mapping
        Output of :func:`fleet_capacity`.

    Returns
    -------
    pandas.DataFrame
        ``fleet``, ``n_satellites``, ``n_gateways`` [-], ``subscribers`` [-],
        ``offered_gbps``, ``served_gbps`` [Gbit/s], ``served_fraction`` [-],
        ``per_subscriber_mbps`` (busy-hour throughput per subscriber, served over
        subscribers) [Mbit/s], ``cells_served_fully`` (share of the subscribers whose cell
        gets at least :data:`FULLY_SERVED` of its demand) [-], ``binding_element`` (the element type holding the largest
        share of the minimum cut other than the demand itself; ``"demand"`` when nothing
        else binds) and ``binding_share`` [-]; averaged over the snapshots of each result.
    """
    _check_results(results)
    rows = []
    for label, r in results.items():
        tot = r.totals
        summ = r.summary.groupby("element_type", sort=False, observed=True)[
            ["n_elements", "binding_share"]].mean()
        limits = summ.drop(index="demand", errors="ignore")["binding_share"]
        binding = str(limits.idxmax()) if len(limits) and limits.max() > 1e-6 else "demand"
        cells = r.cells
        subs = cells["subscribers"].to_numpy(float)
        full = cells["served_fraction"].to_numpy(float) >= FULLY_SERVED
        offered = float(tot["offered_gbps"].mean())
        served = float(tot["served_gbps"].mean())
        n_subs = float(subs.sum()) / len(tot)
        rows.append({
            "fleet": label,
            "n_satellites": int(round(summ.loc["satellite", "n_elements"]))
            if "satellite" in summ.index else 0,
            "n_gateways": int(round(summ.loc["gateway", "n_elements"]))
            if "gateway" in summ.index else 0,
            "subscribers": n_subs, "offered_gbps": offered, "served_gbps": served,
            "served_fraction": served / offered if offered > 0 else 0.0,
            "per_subscriber_mbps": served * 1e3 / n_subs if n_subs > 0 else 0.0,
            "cells_served_fully": float(subs[full].sum() / subs.sum()) if subs.sum() > 0
            else 0.0,
            "binding_element": binding,
            "binding_share": float(summ.loc[binding, "binding_share"])
            if binding in summ.index else 0.0,
        })
    return pd.DataFrame(rows)


def fleet_by_continent(results: Mapping) -> pd.DataFrame:
    """Served versus offered demand per fleet and continent (Natural Earth continents).

    Parameters
    ----------
    results : mapping
        Output of :func:`fleet_capacity`.

    Returns
    -------
    pandas.DataFrame
        One row per (fleet, continent): ``fleet``, ``continent``, ``subscribers`` [-],
        ``offered_gbps``, ``served_gbps`` [Gbit/s], ``served_fraction`` [-],
        ``per_subscriber_mbps`` [Mbit/s]; summed over the snapshots' mean. Countries
        without a continent in ``data/countries.csv`` count as ``"other"``.
    """
    _check_results(results)
    table = data.countries().drop_duplicates("iso_a2")
    cont = table.set_index("iso_a2")["continent"].replace("", np.nan)
    frames = []
    for label, r in results.items():
        c = r.countries
        n_t = c["time"].nunique()
        g = c.assign(continent=c["country"].map(cont).fillna("other")).groupby(
            "continent")[["subscribers", "offered_gbps", "served_gbps"]].sum() / n_t
        g = g.reset_index()
        o = g["offered_gbps"].to_numpy(float)
        g["served_fraction"] = np.where(o > 0, g["served_gbps"] / np.where(o > 0, o, 1), 0.0)
        s = g["subscribers"].to_numpy(float)
        g["per_subscriber_mbps"] = np.where(s > 0, g["served_gbps"] * 1e3
                                            / np.where(s > 0, s, 1), 0.0)
        g.insert(0, "fleet", label)
        frames.append(g[g["offered_gbps"] > 0])
    return pd.concat(frames, ignore_index=True)


def binding_table(results: Mapping) -> pd.DataFrame:
    """Per fleet and element type: capacity, flow, utilisation and share of the minimum cut.

    Parameters
    ----------
    results : mapping
        Output of :func:`fleet_capacity`.

    Returns
    -------
    pandas.DataFrame
        The ``summary`` of each result (:class:`satcloud.capacity.CapacityResult`) with
        ``fleet`` first: ``element_type``, ``n_elements`` [-], ``capacity_gbps``,
        ``flow_gbps`` [Gbit/s], ``utilisation``, ``n_saturated``, ``binding_share`` [-].
    """
    _check_results(results)
    cols = ["element_type", "n_elements", "capacity_gbps", "flow_gbps", "utilisation",
            "n_saturated", "binding_share"]
    frames = [r.summary[cols].assign(element_type=r.summary["element_type"].astype(str))
              .groupby("element_type", sort=False).mean().reset_index()
              .assign(fleet=label) for label, r in results.items()]
    out = pd.concat(frames, ignore_index=True)
    return out[["fleet", *cols]]


# --------------------------------------------------------------------------- one site

#: The columns of a demand table (:func:`satcloud.capacity.demand`) this module adds rows to.
_DEMAND_COLUMNS = ("lat_deg", "lon_deg", "country", "population", "subscribers",
                   "offered_gbps")


def _world(demand) -> pd.DataFrame:
    """The world's demand: ``demand()`` by default, else the given table, checked."""
    if demand is None:
        return capacity.demand()[list(_DEMAND_COLUMNS)]
    _checks.frame(demand, "demand", _DEMAND_COLUMNS, producer="satcloud.capacity.demand()")
    _checks.finite_columns(demand, "demand", ("lat_deg", "lon_deg", "population",
                                              "subscribers", "offered_gbps"),
                           producer="satcloud.capacity.demand()")
    return demand[list(_DEMAND_COLUMNS)]


def _cell_centre_deg(x) -> np.ndarray:
    """Centre of the 1 degree cell (of ``data/demand_grid_1deg.csv``) holding ``x``."""
    return np.clip(np.floor(np.asarray(x, float)) + 0.5, -179.5, 179.5)


def site_capacity(sites: pd.DataFrame, times, network="starlink-gen1", *,
                  site_demand_gbps=100.0, demand=None, alone=True,
                  fairness="none") -> pd.DataFrame:
    """What a remote site can count on over a series of snapshots, the world's demand present.

    Each site asks for ``site_demand_gbps`` on top of the busy-hour demand of its 1 degree
    cell (the datacenter is one more customer of its cell: it gets its cell's beams,
    satellites, gateways and backhaul as the policy of :mod:`satcloud.capacity` shares
    them); the cell's served traffic is pooled and split in proportion to what each asks.

    Parameters
    ----------
    sites : pandas.DataFrame
        ``name``, ``lat_deg``, ``lon_deg`` (e.g.
        :func:`satcloud.scenarios.datacenter.remote_sites`), at most one site per cell.
    times : str, datetime-like or sequence of them
        The snapshots (UTC).
    network : str
        Registry network with capacity presets (default ``"starlink-gen1"``).
    site_demand_gbps : float
        What each site asks for, in (0, 1e6] (default 100 Gbit/s, more than one cell's beams
        carry, so what a site gets is what the network can give it). [Gbit/s]
    demand : pandas.DataFrame, optional
        The world's demand (:func:`satcloud.capacity.demand`, default ``demand()``).
    alone : bool
        Also solve with the sites' requests only (no one else asking): what the network
        could give them, the ceiling of ``site_served_gbps``. Default True.
    fairness : {"none", "max-min"}
        As :func:`satcloud.capacity.max_flow`.

    Returns
    -------
    pandas.DataFrame
        One row per (time, site): ``time``, ``site``, ``lat_deg``, ``lon_deg`` [deg] (the
        cell's centre), ``site_demand_gbps``, ``cell_demand_gbps`` (the rest of its cell),
        ``cell_served_gbps``, ``site_served_gbps`` [Gbit/s], ``site_served_fraction`` [-],
        ``n_satellites_in_view`` [-] and, with ``alone``, ``site_alone_gbps`` (served
        with the sites' requests only) [Gbit/s].
    """
    _checks.frame(sites, "sites", ("name", "lat_deg", "lon_deg"), producer="remote_sites()")
    ask = check_scalar(check_range(site_demand_gbps, "site_demand_gbps", 0.0, 1e6,
                                   low_open=True, unit="Gbit/s", finite=True),
                       "site_demand_gbps")
    check_choice(fairness, "fairness", capacity.FAIRNESS_RULES)
    if not isinstance(alone, (bool, np.bool_)):
        raise TypeError(f"alone must be True or False, got {alone!r:.80}")
    lat = _cell_centre_deg(check_range(sites["lat_deg"].to_numpy(float), "sites lat_deg",
                                       -90.0, 90.0))
    lon = _cell_centre_deg(check_range(sites["lon_deg"].to_numpy(float), "sites lon_deg",
                                       -180.0, 180.0))
    key = _cell_key(pd.DataFrame({"lat_deg": lat, "lon_deg": lon}))
    if len(np.unique(key)) < len(key):
        raise ValueError("sites: two sites share a 1 degree cell; give at most one site per "
                         "cell")
    world = _world(demand)
    extra = pd.DataFrame({"lat_deg": lat, "lon_deg": lon, "country": "",
                          "population": 0.0, "subscribers": 0.0, "offered_gbps": ask})
    dem = pd.concat([world, extra], ignore_index=True)
    cells = capacity.capacity_series(network, times, dem, fairness=fairness).cells
    ckey = _cell_key(cells)
    if alone:
        solo = capacity.capacity_series(network, times, extra, fairness=fairness).cells
        skey = _cell_key(solo)
    frames = []
    for name, k, la, lo in zip(sites["name"], key, lat, lon, strict=True):
        c = cells[ckey == k]
        off = c["offered_gbps"].to_numpy(float)
        srv = c["served_gbps"].to_numpy(float)
        share = ask / off
        frames.append(pd.DataFrame({
            "time": c["time"].to_numpy(), "site": name, "lat_deg": la, "lon_deg": lo,
            "site_demand_gbps": ask, "cell_demand_gbps": off - ask,
            "cell_served_gbps": srv, "site_served_gbps": srv * share,
            "site_served_fraction": srv / off,
            "n_satellites_in_view": c["n_satellites_in_view"].to_numpy(np.int64)}))
        if alone:
            frames[-1]["site_alone_gbps"] = solo[skey == k]["served_gbps"].to_numpy(float)
    return pd.concat(frames, ignore_index=True)


def _cell_key(cells: pd.DataFrame) -> np.ndarray:
    return np.round(cells["lat_deg"].to_numpy(float), 3) * 1e4 + np.round(
        cells["lon_deg"].to_numpy(float), 3)


# --------------------------------------------------------------------------- failover

def _case(country, case) -> dict:
    if case is None:
        check_choice(country, "country", list(FAILOVER_CASES))
        return dict(FAILOVER_CASES[country])
    if not isinstance(case, Mapping):
        raise TypeError(f"case must be a mapping as the entries of FAILOVER_CASES, got "
                        f"{type(case).__name__}")
    need = ("internet_user_share", "international_kbps_per_user", "peak_to_mean")
    missing = [k for k in need if k not in case]
    if missing:
        raise ValueError(f"case lacks {missing}; give {list(need)}")
    return dict(case)


def failover(country="BJ", network="starlink", time="2026-04-02T20:00:00", *, case=None,
             demand=None, fairness="none") -> pd.DataFrame:
    """A country loses its submarine cables: how much of its traffic can the constellation take?

    The country's busy-hour international demand (population x Internet-user share x
    international bandwidth per user x busy-hour factor, :data:`FAILOVER_CASES`) is
    spread over its 1 degree cells in proportion to population and added to the
    demand; one maximum flow with the rest of the world's demand present, and one with
    the country's demand alone (what the constellation could do for it if no one else
    asked).

    Parameters
    ----------
    country : str
        ISO alpha-2 code of a :data:`FAILOVER_CASES` entry (default ``"BJ"``, Benin), or
        any country of the grid when ``case`` is given.
    network : str
        Registry network with capacity presets (default the 2026 ``"starlink"``).
    time : str or datetime-like
        The snapshot (UTC).
    case : mapping, optional
        ``internet_user_share`` [-], ``international_kbps_per_user`` [kbit/s] and
        ``peak_to_mean`` [-] to use instead of :data:`FAILOVER_CASES`.
    demand : pandas.DataFrame, optional
        The world's demand (:func:`satcloud.capacity.demand`, default ``demand()``).
    fairness : {"none", "max-min"}
        As :func:`satcloud.capacity.max_flow`.

    Returns
    -------
    pandas.DataFrame
        Two rows (``scenario`` ``"with the world's demand"`` and ``"alone"``):
        ``country``, ``population`` [-], ``national_demand_gbps``,
        ``national_served_gbps`` [Gbit/s], ``share_absorbed`` [-],
        ``world_served_fraction`` (the rest of the demand's served share; NaN alone) [-].
    """
    if not isinstance(country, str):
        raise TypeError(f"country must be an ISO alpha-2 code (str), got {country!r:.80}")
    cs = _case(country, case)
    users = check_scalar(check_range(cs["internet_user_share"], "internet_user_share",
                                     0.0, 1.0), "internet_user_share")
    kbps = check_scalar(check_range(cs["international_kbps_per_user"],
                                    "international_kbps_per_user", 0.0, None,
                                    unit="kbit/s", finite=True),
                        "international_kbps_per_user")
    peak = check_scalar(check_range(cs["peak_to_mean"], "peak_to_mean", 1.0, None,
                                    finite=True), "peak_to_mean")
    check_choice(fairness, "fairness", capacity.FAIRNESS_RULES)
    grid = data.demand_grid()
    mine = grid[grid["country"] == country.upper()]
    if mine.empty:
        raise ValueError(f"country {country!r} has no population in the demand grid "
                         "(data/demand_grid_1deg.csv); give an ISO alpha-2 code such as 'BJ'")
    pop = mine["population"].to_numpy(float)
    national = pd.DataFrame({
        "lat_deg": mine["lat_deg"].to_numpy(float), "lon_deg": mine["lon_deg"].to_numpy(float),
        "country": country.upper(), "population": 0.0,
        "subscribers": 0.0, "offered_gbps": pop * users * kbps * peak / 1e6})
    world = _world(demand)
    out = []
    for scenario, dem in (("with the world's demand",
                           pd.concat([world, national], ignore_index=True)),
                          ("alone", national)):
        r = capacity.network_capacity(network, time, dem, fairness=fairness)
        cells = r.cells.set_index(["lat_deg", "lon_deg"])
        frac = cells["served_fraction"].reindex(
            pd.MultiIndex.from_arrays([national["lat_deg"], national["lon_deg"]])
        ).to_numpy(float)
        nat_served = float(np.sum(national["offered_gbps"].to_numpy(float) * frac))
        nat_offered = float(national["offered_gbps"].sum())
        tot = r.totals.iloc[0]
        rest_off = float(tot["offered_gbps"]) - nat_offered
        rest_srv = float(tot["served_gbps"]) - nat_served
        out.append({"scenario": scenario, "country": country.upper(),
                    "population": float(pop.sum()), "national_demand_gbps": nat_offered,
                    "national_served_gbps": nat_served,
                    "share_absorbed": nat_served / nat_offered if nat_offered > 0 else 0.0,
                    "world_served_fraction": rest_srv / rest_off if rest_off > 1e-9
                    else np.nan})
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- the claim

def claim_distribution(fleets=("Starlink Oct 2020", "Starlink 2026"), *, claim_mbps=100.0,
                       subscribers=None, countries=None, hour_utc=20.0,
                       fairness="none") -> pd.DataFrame:
    """"Up to 100 Mbps" with the network: the rate each active subscriber gets, per cell.

    Every active subscriber of the busy hour asks for ``claim_mbps``
    (``active_subscriber_mbps`` of :func:`satcloud.capacity.demand`); the rate an active
    subscriber of a cell gets is the cell's served traffic over its active subscribers
    (at most the claim).

    Parameters
    ----------
    fleets : sequence of str
        Labels of :data:`FLEETS`.
    claim_mbps : float
        The claimed rate, > 0. [Mbit/s]
    subscribers : mapping, optional
        Fleet label -> ``"2020"`` (:data:`SUBSCRIBERS_2020`: 10,000 in the United States
        and Canada) or a demand preset of :data:`satcloud.capacity.DEMAND_PRESETS`.
        Default: ``"2020"`` for a fleet whose ``day`` is in 2020, ``"starlink-2025-12"``
        otherwise.
    countries : sequence of str, optional
        Keep the subscribers to these ISO alpha-2 countries (the preset's subscribers
        spread over them; for ``"2020"`` those of the United States and Canada among
        them); default where the basis puts them.
    hour_utc : float
        Hour of the snapshot on each fleet's ``day``. [h]
    fairness : {"none", "max-min"}
        As :func:`satcloud.capacity.max_flow`.

    Returns
    -------
    pandas.DataFrame
        One row per (fleet, cell with subscribers): ``fleet``, ``subscribers_basis``,
        ``lat_deg``, ``lon_deg`` [deg], ``country``, ``subscribers``,
        ``active_subscribers`` [-], ``offered_gbps``, ``served_gbps`` [Gbit/s],
        ``active_rate_mbps`` (per active subscriber) [Mbit/s], ``claim_mbps``,
        ``meets_claim`` (at least :data:`FULLY_SERVED` of the claim).
    """
    fl = _fleets(fleets)
    claim = check_scalar(check_range(claim_mbps, "claim_mbps", 0.0, 1e6, low_open=True,
                                     unit="Mbit/s", finite=True), "claim_mbps")
    if countries is not None:
        countries = [c.upper() for c in _checks.names(countries, "countries")]
    h = check_scalar(check_range(hour_utc, "hour_utc", 0.0, 24.0, unit="h", high_open=True),
                     "hour_utc")
    check_choice(fairness, "fairness", capacity.FAIRNESS_RULES)
    subscribers = {} if subscribers is None else subscribers
    if not isinstance(subscribers, Mapping):
        raise TypeError(f"subscribers must be a mapping fleet -> '2020' or a demand preset, "
                        f"got {type(subscribers).__name__}")
    frames = []
    for label, f in fl.items():
        basis = subscribers.get(label, "2020" if str(f["day"]).startswith("2020")
                                else "starlink-2025-12")
        check_choice(basis, f"subscribers[{label!r}]", ("2020", *capacity.DEMAND_PRESETS))
        preset = "starlink-2024-09" if basis == "2020" else basis
        activity = float(capacity.capacity_presets(preset).set_index("parameter").loc[
            "busy_hour_activity", "value"])
        if basis == "2020":
            where = [c for c in SUBSCRIBERS_2020["countries"]
                     if countries is None or c in countries]
            if not where:
                raise ValueError(f"countries {countries} hold none of the 2020 subscribers' "
                                 f"countries {list(SUBSCRIBERS_2020['countries'])}")
            base = capacity.demand(preset, countries=where, active_subscriber_mbps=claim)
            mine = base["country"].isin(where).to_numpy()
            rate = SUBSCRIBERS_2020["subscribers"] / float(base["population"][mine].sum())
            dem = capacity.demand(preset, countries=where, take_rate=rate,
                                  active_subscriber_mbps=claim)
        else:
            dem = capacity.demand(preset, active_subscriber_mbps=claim,
                                  countries="served" if countries is None else countries)
        dem = dem[dem["subscribers"] > 0].reset_index(drop=True)
        r = _series(f, [_time(f["day"], h)], dem, fairness)
        c = r.cells[r.cells["subscribers"] > 0]
        active = c["subscribers"].to_numpy(float) * activity
        rate_mbps = np.minimum(c["served_gbps"].to_numpy(float) * 1e3 / active, claim)
        frames.append(pd.DataFrame({
            "fleet": label, "subscribers_basis": basis,
            "lat_deg": c["lat_deg"].to_numpy(float), "lon_deg": c["lon_deg"].to_numpy(float),
            "country": c["country"].to_numpy(object),
            "subscribers": c["subscribers"].to_numpy(float), "active_subscribers": active,
            "offered_gbps": c["offered_gbps"].to_numpy(float),
            "served_gbps": c["served_gbps"].to_numpy(float),
            "active_rate_mbps": rate_mbps, "claim_mbps": claim,
            "meets_claim": rate_mbps >= claim * FULLY_SERVED}))
    return pd.concat(frames, ignore_index=True)


def claim_summary(cells: pd.DataFrame, quantiles: Sequence[float] = (0.1, 0.5, 0.9)
                  ) -> pd.DataFrame:
    """Per fleet: the share of subscribers whose active rate meets the claim, and quantiles.

    Parameters
    ----------
    cells : pandas.DataFrame
        Output of :func:`claim_distribution`.
    quantiles : sequence of float
        Quantiles in [0, 1] of the active rate over subscribers (each subscriber weighs
        the same). [-]

    Returns
    -------
    pandas.DataFrame
        One row per fleet: ``fleet``, ``subscribers_basis``, ``subscribers`` [-],
        ``claim_mbps``, ``share_meeting_claim`` (of subscribers) [-] and
        ``rate_pNN_mbps`` per quantile (the rate of an active subscriber) [Mbit/s].
    """
    _checks.frame(cells, "cells", ("fleet", "subscribers_basis", "subscribers",
                                   "active_rate_mbps", "claim_mbps", "meets_claim"),
                  producer="claim_distribution()")
    _checks.finite_columns(cells, "cells", ("subscribers", "active_rate_mbps", "claim_mbps"),
                           producer="claim_distribution()")
    if (cells["subscribers"].to_numpy(float) < 0).any():
        raise ValueError("cells column subscribers must be >= 0")
    q = check_range(np.atleast_1d(quantiles), "quantiles", 0.0, 1.0)
    if q.ndim != 1 or q.size == 0:
        raise ValueError(f"quantiles must be a non-empty list of values in [0, 1], got "
                         f"{quantiles!r:.80}")
    rows = []
    for fleet, g in cells.groupby("fleet", sort=False):
        w = g["subscribers"].to_numpy(float)
        if not w.sum() > 0:
            raise ValueError(f"cells of fleet {fleet!r} hold no subscribers; give the "
                             "claim_distribution() rows (cells with subscribers)")
        rate = g["active_rate_mbps"].to_numpy(float)
        order = np.argsort(rate, kind="stable")
        cw = np.cumsum(w[order]) / w.sum()
        row = {"fleet": fleet, "subscribers_basis": g["subscribers_basis"].iloc[0],
               "subscribers": float(w.sum()), "claim_mbps": float(g["claim_mbps"].iloc[0]),
               "share_meeting_claim": float(w[g["meets_claim"].to_numpy(bool)].sum()
                                            / w.sum())}
        for x in q:
            # the weighted quantile: the smallest rate with at least x of the subscribers
            # at or below it
            row[f"rate_p{round(100 * x):02d}_mbps"] = float(
                rate[order][min(np.searchsorted(cw, x - 1e-12), len(cw) - 1)])
        rows.append(row)
    return pd.DataFrame(rows)
