"""Round-trip time from anywhere to the cloud, over every kind of network.

One entry point, :func:`rtt`, returns a tidy table with one row per (time, source,
destination, network, mode) and the round trip split into its parts:

==================  =========================================================  ======
column              meaning                                                    unit
==================  =========================================================  ======
``rtt_ms``          round-trip time, the sum of the five components below      [ms]
``user_link_ms``    user terminal <-> first satellite, both ways               [ms]
``isl_ms``          along the laser links, both ways                           [ms]
``gateway_link_ms`` last satellite <-> gateway (or destination terminal)       [ms]
``fibre_ms``        fibre (gateway -> PoP -> destination, or the whole path)   [ms]
``overhead_ms``     ``overhead_ms`` + 2 ``hop_overhead_ms`` per satellite      [ms]
``floor_ms``        vacuum round trip over the geodesic to the destination     [ms]
``target_floor_ms`` same, to the closest candidate of the target (for          [ms]
                    "nearest region": the closest region by distance; else
                    equal to ``floor_ms``): the same floor for every network
``hops``            links of the one-way space path (uplink + ISLs + downlink) [-]
``sat_path``        satellites traversed, as row indices of the constellation  [-]
``gateway``         the gateway used (bent pipe and gateway access)            [-]
``reachable``       whether a path existed at that time                        [-]
==================  =========================================================  ======

Unreachable rows are kept with ``reachable=False`` and ``<NA>`` (pandas nullable
``Float64``) in every delay column, so a mean skips nothing silently:
:func:`summarize` counts reachability explicitly and computes statistics over the
reachable rows only. Round trips assume symmetric paths (twice the one-way delay).

Networks and modes
------------------
``"fibre"``
    Terrestrial fibre; mode is the route-factor preset ``"ideal"`` (1.0),
    ``"conduit"`` (1.3) or ``"typical"`` (2.1) (Bozkurt et al. 2018).
``"geo"``
    Bent pipe through ideal geostationary satellites at ``geo_slots_lon_deg``
    (fixed in the Earth-fixed frame at 42,164 km radius; no propagation needed).
``"o3b-mpower"`` (alias ``"meo"``)
    Bent pipe through the O3b mPOWER MEO ring (8,062 km, equatorial), propagated.
    GEO and MEO users land only at gateways of their own service region (within
    ``max_gateway_distance_km`` of the user, 3,000 km by default; see :func:`rtt`).
``"starlink-gen1"``, ``"starlink-gen2"``, ``"kuiper"``, ``"oneweb"``, ``"telesat-2020"``
    LEO, mode ``"bent-pipe"`` or ``"isl"`` (+Grid laser links), propagated by
    :func:`satcloud.orbits.propagate`. A :class:`~satcloud.constellations.Constellation`
    or an already propagated ``Ephemeris`` is accepted too.

Destinations are a site table, site names, or ``"nearest Azure region"`` /
``"nearest AWS region"``: the region with the smallest RTT at each time over the
network in question (not the nearest by distance). By default a destination sits on
the terrestrial network and is reached from a gateway over fibre
(``destination_access="gateway"``); with ISLs, ``destination_access="terminal"``
puts a satellite terminal at the destination instead (the city-to-city workload of
the LEO-routing literature).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np
import pandas as pd

from satcloud import data
from satcloud._validate import check_choice, check_range
from satcloud.network.bentpipe import DEFAULT_GEO_SLOTS_LON_DEG, geo_positions_ecef_km
from satcloud.network.fibre import (
    ROUTE_FACTORS,
    fibre_rtt_ms,
    geodesic_distance_km,
    resolve_route_factor,
    vacuum_rtt_ms,
)
from satcloud.network.gateways import gateway_to_destination_ms
from satcloud.network.gateways import gateways as _gateways
from satcloud.network.isl import (
    DEFAULT_GRAZING_ALTITUDE_KM,
    DEFAULT_MAX_ISL_RANGE_KM,
    plus_grid_edges,
)
from satcloud.network.routing import ASSIGNMENT_POLICIES, iter_routes

__all__ = [
    "DEFAULT_COMPARISON",
    "GEO_MAX_GATEWAY_DISTANCE_KM",
    "MEO_MAX_GATEWAY_DISTANCE_KM",
    "MODES",
    "NEAREST_REGION",
    "NETWORKS",
    "compare",
    "compare_rtt",
    "resolve_sites",
    "rtt",
    "summarize",
]

#: Networks :func:`rtt` knows by name, and the modes each supports.
NETWORKS = {
    "fibre": tuple(ROUTE_FACTORS),
    "geo": ("bent-pipe",),
    "o3b-mpower": ("bent-pipe",),
    "meo": ("bent-pipe",),
    "starlink-gen1": ("bent-pipe", "isl"),
    "starlink-gen2": ("bent-pipe", "isl"),
    "kuiper": ("bent-pipe", "isl"),
    "oneweb": ("bent-pipe", "isl"),
    "telesat-2020": ("bent-pipe", "isl"),
}
#: Every mode name.
MODES = tuple(ROUTE_FACTORS) + ("bent-pipe", "isl")
#: Destination shortcuts -> region table loader.
NEAREST_REGION = {"nearest Azure region": data.azure_regions,
                  "nearest AWS region": data.aws_regions}
#: Systems compared side by side by :func:`compare` (network, mode).
DEFAULT_COMPARISON = (
    ("fibre", "ideal"),
    ("fibre", "typical"),
    ("geo", "bent-pipe"),
    ("o3b-mpower", "bent-pipe"),
    ("starlink-gen1", "bent-pipe"),
    ("starlink-gen1", "isl"),
    ("kuiper", "bent-pipe"),
    ("oneweb", "bent-pipe"),
)
_DEFAULT_MODE = {"fibre": "typical", "geo": "bent-pipe", "o3b-mpower": "bent-pipe",
                 "meo": "bent-pipe"}
#: Default user minimum elevation for GEO terminals (REFERENCE notes: ~10-20 deg). [deg]
GEO_MIN_ELEVATION_DEG = 10.0
#: Default service-region radius of the GEO and MEO bent pipes: the largest geodesic
#: distance between a user terminal and the gateway it may land at
#: (``max_gateway_distance_km="auto"`` in :func:`rtt`). See :func:`rtt` for the
#: justification. [km]
GEO_MAX_GATEWAY_DISTANCE_KM = 3000.0
MEO_MAX_GATEWAY_DISTANCE_KM = 3000.0
_DELAYS = ["user_link_ms", "isl_ms", "gateway_link_ms", "fibre_ms", "overhead_ms"]
_COLUMNS = ["time", "time_s", "source", "target", "destination", "network", "mode",
            "reachable", "rtt_ms", *_DELAYS, "floor_ms", "target_floor_ms", "hops",
            "sat_path", "gateway"]


# --------------------------------------------------------------------------- sites
def _site_tables():
    return [
        ("cities", data.cities(), "name"),
        ("remote_sites", data.remote_sites(), "site"),
        ("azure_regions", data.azure_regions(), "region"),
        ("aws_regions", data.aws_regions(), "region"),
        ("starlink_pops", data.starlink_pops(), "code"),
    ]


def resolve_sites(value, name: str = "sources") -> pd.DataFrame:
    """A site table (``name``, ``lat_deg``, ``lon_deg``) from names or a DataFrame.

    Parameters
    ----------
    value : str, list of str or pandas.DataFrame
        Names looked up, in order, in :func:`satcloud.data.cities` (``name``; the most
        populous city of a repeated name), :func:`~satcloud.data.remote_sites`
        (``site``), :func:`~satcloud.data.azure_regions` and
        :func:`~satcloud.data.aws_regions` (``region``) and
        :func:`~satcloud.data.starlink_pops` (``code``); or a table with ``lat_deg``,
        ``lon_deg`` and a name column (``name``, ``site``, ``region``, ``city`` or
        ``code``).
    name : str
        Parameter name for error messages.

    Returns
    -------
    pandas.DataFrame
        ``name``, ``lat_deg``, ``lon_deg`` (one row per site, in the given order).

    Raises
    ------
    ValueError
        For an unknown name (with a close-match suggestion) or a malformed table.
    """
    if isinstance(value, pd.DataFrame):
        col = next((c for c in ("name", "site", "region", "city", "code")
                    if c in value.columns), None)
        missing = [c for c in ("lat_deg", "lon_deg") if c not in value.columns]
        if missing or col is None:
            raise ValueError(f"{name} table needs 'lat_deg', 'lon_deg' and a name column "
                             f"('name', 'site', 'region', 'city' or 'code'); got "
                             f"{list(value.columns)}")
        if len(value) == 0:
            raise ValueError(f"{name} table is empty")
        lat = check_range(value["lat_deg"], f"{name} lat_deg", -90.0, 90.0, unit="deg")
        lon = check_range(value["lon_deg"], f"{name} lon_deg", -180.0, 360.0, unit="deg")
        out = pd.DataFrame({"name": value[col].astype(str).to_numpy(), "lat_deg": lat,
                            "lon_deg": lon})
        _check_unique_names(out, name, col)
        return out
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a name, a list of names or a DataFrame, got "
                        f"{type(value).__name__}")
    value = list(value)
    if not value:
        raise ValueError(f"{name} is empty; give at least one site")
    tables = _site_tables()
    lookup: dict[str, tuple[float, float]] = {}
    for _, df, col in reversed(tables):     # earlier tables win
        for n, la, lo in zip(df[col].astype(str)[::-1], df["lat_deg"][::-1],
                             df["lon_deg"][::-1], strict=True):
            lookup[n] = (float(la), float(lo))
    rows = []
    for v in value:
        if not isinstance(v, str):
            raise TypeError(f"{name} entries must be names (str), got {v!r}")
        if v not in lookup:
            close = difflib.get_close_matches(v, list(lookup), n=3, cutoff=0.6)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            examples = "; ".join(f"{t}() column {c!r} (e.g. {list(df[c][:3])})"
                                 for t, df, c in tables)
            raise ValueError(f"unknown {name} name {v!r}; valid choices are the names in "
                             f"satcloud.data.{examples}.{hint}")
        rows.append((v, *lookup[v]))
    out = pd.DataFrame(rows, columns=["name", "lat_deg", "lon_deg"])
    _check_unique_names(out, name, "name")
    return out


def _check_unique_names(sites: pd.DataFrame, name: str, col: str) -> None:
    """Results are keyed by site name: two sites with one name would merge silently."""
    dup = sites["name"][sites["name"].duplicated()].unique().tolist()
    if dup:
        raise ValueError(f"{name} has repeated site names {dup} in column {col!r}; names "
                         "key the results, so make them unique (e.g. add the country code)")


# --------------------------------------------------------------------------- times
def _resolve_times(times):
    from astropy.time import Time

    if times is None:
        return None
    if isinstance(times, tuple) and len(times) == 3:
        from satcloud.orbits import time_grid

        times = time_grid(*times)
    if not isinstance(times, Time):
        try:
            times = Time(times)
        except Exception as exc:  # noqa: BLE001 - re-raised with the parameter name
            raise TypeError(f"times must be an astropy Time, a (start, duration, step) tuple "
                            f"or something Time() accepts; got {times!r}") from exc
    return times.reshape(-1) if times.ndim else times.reshape(1)


# --------------------------------------------------------------------------- network
def _load_network(network, times, geo_slots_lon_deg, time_chunk):
    """(label, sats DataFrame or None, min_el [N], positions iterable, T, times)."""
    if isinstance(network, str) and network == "geo":
        r = geo_positions_ecef_km(geo_slots_lon_deg)
        n_t = 1 if times is None else len(times)
        sats = pd.DataFrame({"sat_id": [f"GEO {x:g}" for x in np.atleast_1d(
            geo_slots_lon_deg)], "shell": "geo", "plane": 0,
            "slot": np.arange(len(r))})
        min_el = np.full(len(r), GEO_MIN_ELEVATION_DEG)

        def gen():
            for i in range(0, n_t, time_chunk):
                yield np.broadcast_to(r, (min(time_chunk, n_t - i),) + r.shape)
        return "geo", sats, min_el, gen, n_t
    if hasattr(network, "r_ecef_km") and hasattr(network, "constellation"):
        eph = network
        cons = eph.constellation
        label = getattr(cons, "name", "ephemeris")
        r = np.asarray(eph.r_ecef_km, float)

        def gen():
            for i in range(0, r.shape[0], time_chunk):
                yield r[i:i + time_chunk]
        sats = cons.satellites
        return label, sats, sats["min_elevation_deg"].to_numpy(float), gen, r.shape[0]
    from satcloud import orbits
    from satcloud.constellations import constellation

    if isinstance(network, str):
        name = "o3b-mpower" if network == "meo" else network
        cons = constellation(name)
        label = network
    else:
        cons = network
        label = getattr(cons, "name", "constellation")
    if times is None:
        raise ValueError(f"times is required for network {label!r}")
    sats = cons.satellites

    def gen():
        for i in range(0, len(times), time_chunk):
            yield np.asarray(orbits.propagate(cons, times[i:i + time_chunk]).r_ecef_km, float)
    return label, sats, sats["min_elevation_deg"].to_numpy(float), gen, len(times)


def rtt(network, mode=None, sources=None, destinations="nearest Azure region",
        times=None, *, route_factor="typical", overhead_ms=0.0, hop_overhead_ms=0.0,
        gateways=None, gateway_min_elevation_deg=None, min_elevation_deg=None,
        assignment="min-delay", reassign_interval_s=15.0, destination_access="gateway",
        max_isl_range_km=DEFAULT_MAX_ISL_RANGE_KM,
        grazing_altitude_km=DEFAULT_GRAZING_ALTITUDE_KM, inter_plane_slot_offset=0,
        geo_slots_lon_deg=DEFAULT_GEO_SLOTS_LON_DEG, max_gateway_distance_km="auto",
        return_paths=True, time_chunk=120) -> pd.DataFrame:
    """Round-trip time per (time, source, destination) over one network and mode.

    Parameters
    ----------
    network : str, Constellation or Ephemeris
        A key of :data:`NETWORKS`, a constellation, or propagated positions (an object
        with ``r_ecef_km`` [T, N, 3] and ``constellation``; its ``times`` are used when
        ``times`` is not given).
    mode : str, optional
        ``"bent-pipe"`` or ``"isl"`` for satellites; a route-factor preset for
        ``"fibre"``. Default: ``"typical"`` for fibre, ``"bent-pipe"`` for GEO/MEO,
        ``"isl"`` for LEO.
    sources : str, list of str or pandas.DataFrame
        User sites (see :func:`resolve_sites`).
    destinations : str, list of str or pandas.DataFrame
        Destination sites, or ``"nearest Azure region"`` / ``"nearest AWS region"``.
    times : astropy.time.Time or (start, duration, step) tuple
        Snapshot times (a tuple goes to :func:`satcloud.orbits.time_grid`). Optional
        for fibre and GEO (one snapshot).
    route_factor : str or float
        Fibre route factor behind the gateways (gateway -> PoP -> destination). [-]
    overhead_ms : float
        Fixed round-trip overhead added to every reachable row (terminal, scheduling,
        processing). [ms]
    hop_overhead_ms : float
        Processing per satellite traversed, per direction. [ms]
    gateways : str or pandas.DataFrame, optional
        Gateway set (:func:`satcloud.network.gateways.gateways`); default
        ``"starlink-pops"`` for LEO, ``"teleports"`` for GEO/MEO.
    gateway_min_elevation_deg : float, optional
        Minimum elevation at the gateways; default: the constellation's. [deg]
    min_elevation_deg : float, optional
        Override the user terminals' minimum elevation. [deg]
    assignment : {"min-delay", "highest-elevation"}
        Serving-satellite policy (:mod:`satcloud.network.routing`).
    reassign_interval_s : float or None
        Hold the serving satellite this long (Starlink: 15 s); ``None`` re-chooses
        every snapshot and pair independently (the routing literature). [s]
    destination_access : {"gateway", "terminal"}
        How a destination connects: via gateway + fibre, or a satellite terminal at the
        destination itself (ISL mode only).
    max_isl_range_km, grazing_altitude_km : float
        Laser-link limits (:func:`satcloud.network.isl.isl_snapshots`). [km]
    inter_plane_slot_offset : int
        +Grid cross-plane slot offset. [-]
    geo_slots_lon_deg : sequence of float
        GEO slot longitudes, east positive. [deg]
    max_gateway_distance_km : float, None or "auto"
        Service region of a bent pipe: the user may only land at gateways within this
        WGS84 geodesic distance of the user terminal; among those the gateway (and the
        "nearest" region) is still chosen by RTT, and a user with no such gateway in
        view is a row with ``reachable=False``. ``None`` (or ``inf``): no limit.
        ``"auto"`` (default): :data:`GEO_MAX_GATEWAY_DISTANCE_KM` for ``"geo"``,
        :data:`MEO_MAX_GATEWAY_DISTANCE_KM` for ``"o3b-mpower"``/``"meo"``, no limit for
        LEO (its bent pipe is already bounded by the shared visibility of one
        satellite: ~2,000 km at 550 km altitude). Applies to ``mode="bent-pipe"``
        only; ignored for fibre and for laser links (whose point is to land far away),
        so one value can be passed to :func:`compare` for every system. [km]

        Why a limit: the minimum-delay rule alone lands a user wherever a gateway
        nearer the sub-satellite point shortens the second slant range, e.g. London
        through a teleport in Johannesburg to South Africa North (503 ms over GEO,
        ~145 ms over O3b). Real high-throughput GEO and MEO systems connect each user
        beam to a gateway of the same service region: Eutelsat KA-SAT's ten gateways
        are all in Europe, ViaSat-2's in North America, Telebras SGDC-1's five in
        Brazil, and O3b mPOWER's gateways (Dubbo, Merredin, Thermopylae, Phoenix,
        Chile, UAE, Senegal, Hawaii) each serve their own region. 3,000 km is the
        radius of such a service region: KA-SAT's European coverage spans ~4,000 km
        (Lisbon to Moscow 3,900 km) and CONUS ~4,000 km (New York to Los Angeles
        3,940 km), with the gateways spread inside, so a user is within ~3,000 km of
        the gateway of its beam; the nearest of the first O3b mPOWER gateways are
        2,900-3,400 km apart (Dubbo-Merredin, Thermopylae-UAE). With the
        ``"teleports"`` preset this lands each of the 100 most populous cities in its
        own region (London -> France South, Sydney -> Australia East, Tokyo -> East
        Asia, Lagos -> Abuja or Dakar; the crossings that remain are between
        neighbours, e.g. Cairo or Istanbul -> UAE), and keeps every remote site a real
        GEO/MEO service reaches reachable (Funafuti via Suva, 1,100 km; Tabatinga via
        the Telebras gateways, 2,400-2,700 km; Agadez via Abuja, 890 km, or Spain; the
        North-Atlantic ship via Ireland, 1,700 km, or France; see
        :data:`satcloud.network.gateways.REGIONAL_TELEPORTS`). Below 2,860 km Nairobi (the
        distance to Johannesburg) loses its last teleport.
    return_paths : bool
        Fill ``sat_path`` (tuples of satellite row indices); ``False`` is faster.
    time_chunk : int
        Snapshots propagated at once (bounds memory).

    Returns
    -------
    pandas.DataFrame
        One row per (time, source, destination); columns as in the module table plus
        ``time`` (UTC), ``time_s`` (since the first time) [s], ``target`` (the
        requested destination, e.g. ``"nearest Azure region"``), ``destination`` (the
        one reached), ``network``, ``mode``.
    """
    if isinstance(network, str):
        network = check_choice(network, "network", NETWORKS)
        valid_modes = NETWORKS[network]
        net_label = network
    else:
        valid_modes = ("bent-pipe", "isl")
        net_label = None
    if mode is None:
        mode = _DEFAULT_MODE.get(network, "isl") if isinstance(network, str) else "isl"
    mode = check_choice(mode, f"mode for network {network!r}" if net_label else "mode",
                        valid_modes)
    destination_access = check_choice(destination_access, "destination_access",
                                      ("gateway", "terminal"))
    assignment = check_choice(assignment, "assignment", ASSIGNMENT_POLICIES)
    ovh = float(check_range(overhead_ms, "overhead_ms", 0.0, None, unit="ms"))
    hop_ovh = float(check_range(hop_overhead_ms, "hop_overhead_ms", 0.0, None, unit="ms"))
    if not isinstance(time_chunk, (int, np.integer)) or time_chunk < 1:
        raise ValueError(f"time_chunk must be an integer >= 1, got {time_chunk!r}")
    _resolve_max_gateway_distance(max_gateway_distance_km, None)   # validate early
    if sources is None:
        raise ValueError("sources is required: city or site names, or a table with "
                         "lat_deg, lon_deg and a name column")
    src = resolve_sites(sources, "sources")
    nearest = isinstance(destinations, str) and destinations.lower().startswith("nearest")
    if nearest:
        key = {k.lower(): k for k in NEAREST_REGION}.get(destinations.lower())
        if key is None:
            check_choice(destinations, "destinations", NEAREST_REGION)
        regions = NEAREST_REGION[key]()
        dst = pd.DataFrame({"name": regions["region"].to_numpy(),
                            "lat_deg": regions["lat_deg"].to_numpy(float),
                            "lon_deg": regions["lon_deg"].to_numpy(float)})
        target = np.full(len(dst), key, dtype=object)
    else:
        dst = resolve_sites(destinations, "destinations")
        target = dst["name"].to_numpy(dtype=object)
    if times is None and hasattr(network, "r_ecef_km") and hasattr(network, "times"):
        times = network.times
    times = _resolve_times(times)
    if (hasattr(network, "r_ecef_km") and times is not None
            and len(times) != np.asarray(network.r_ecef_km).shape[0]):
        raise ValueError(f"times has {len(times)} entries but the ephemeris has "
                         f"{np.asarray(network.r_ecef_km).shape[0]} snapshots")
    route_f = resolve_route_factor(route_factor)

    s_lat, s_lon = src["lat_deg"].to_numpy(float), src["lon_deg"].to_numpy(float)
    d_lat, d_lon = dst["lat_deg"].to_numpy(float), dst["lon_deg"].to_numpy(float)
    floor = vacuum_rtt_ms(geodesic_distance_km(s_lat[:, None], s_lon[:, None],
                                               d_lat[None, :], d_lon[None, :]))  # [S, D]

    if network == "fibre":
        if destination_access != "gateway":
            raise ValueError("destination_access='terminal' needs a satellite network, "
                             "not 'fibre'")
        fib = fibre_rtt_ms(geodesic_distance_km(s_lat[:, None], s_lon[:, None],
                                                d_lat[None, :], d_lon[None, :]),
                           route_factor=mode)                               # [S, D]
        dest = np.broadcast_to(np.arange(len(dst)), fib.shape)
        if nearest:
            dest = np.argmin(fib, axis=1)[:, None]
            fib = np.take_along_axis(fib, dest, 1)
        n_t = 1 if times is None else len(times)
        zero = np.zeros_like(fib)
        blocks = [dict(total=fib / 2.0, up=zero, isl=zero, down=zero, fibre=fib / 2.0,
                       n_sats=np.zeros(fib.shape, int), exit=np.full(fib.shape, -1),
                       dest=dest, paths=None)] * n_t
        return _assemble(blocks, times, src, dst, target, "fibre", mode, floor, ovh,
                         hop_ovh, nearest, gw_names=None, sat_hops=False,
                         return_paths=False)

    label, sats, min_el, gen, n_t = _load_network(network, times, geo_slots_lon_deg,
                                                 time_chunk)
    if net_label is None:
        net_label = label
    if min_elevation_deg is not None:
        min_el = np.full(len(min_el), float(check_range(min_elevation_deg,
                                                        "min_elevation_deg", 0.0, 90.0,
                                                        unit="deg")))
    isl_edges = None
    if mode == "isl":
        isl_edges = plus_grid_edges(sats["shell"].astype(str).to_numpy(),
                                    sats["plane"].to_numpy(), sats["slot"].to_numpy(),
                                    inter_plane_slot_offset=inter_plane_slot_offset)
    max_gw_km = _resolve_max_gateway_distance(max_gateway_distance_km, net_label)
    if destination_access == "terminal":
        if mode != "isl":
            raise ValueError("destination_access='terminal' needs mode='isl' (a bent pipe "
                             "lands at a gateway)")
        ex_lat, ex_lon, exit_to_dst, gw_names = d_lat, d_lon, None, None
    else:
        if gateways is None:
            gateways = "teleports" if net_label in ("geo", "o3b-mpower", "meo") \
                else "starlink-pops"
        gw = _gateways(gateways)
        ex_lat, ex_lon = gw["lat_deg"].to_numpy(float), gw["lon_deg"].to_numpy(float)
        exit_to_dst = gateway_to_destination_ms(gw, d_lat, d_lon, route_f)
        gw_names = gw["gateway"].to_numpy(dtype=object)
    exit_mask = None
    if max_gw_km is not None and mode == "bent-pipe":
        # per-source service region: gateways within max_gw_km of the user terminal
        exit_mask = geodesic_distance_km(s_lat[:, None], s_lon[:, None], ex_lat[None, :],
                                         ex_lon[None, :]) <= max_gw_km
    times_s = None
    if times is not None:
        times_s = (times - times[0]).to(_u_s()).value
    elif n_t == 1:
        times_s = np.zeros(1)
    hold = reassign_interval_s if times_s is not None else None
    blocks = []
    for snap in iter_routes(
            gen(), s_lat, s_lon, ex_lat, ex_lon, sat_min_elevation_deg=min_el,
            exit_min_elevation_deg=gateway_min_elevation_deg,
            exit_to_destination_ms=exit_to_dst, isl_edges=isl_edges,
            max_isl_range_km=max_isl_range_km, grazing_altitude_km=grazing_altitude_km,
            assignment=assignment, times_s=times_s, reassign_interval_s=hold,
            return_paths=return_paths, nearest_destination=nearest,
            exit_mask=exit_mask):
        blocks.append(dict(total=snap.total_ms, up=snap.uplink_ms, isl=snap.isl_ms,
                           down=snap.downlink_ms, fibre=snap.fibre_ms, n_sats=snap.n_sats,
                           exit=snap.exit_index, dest=snap.destination_index,
                           paths=snap.paths))
    return _assemble(blocks, times, src, dst, target, net_label, mode, floor, ovh, hop_ovh,
                     nearest, gw_names=gw_names, sat_hops=True, return_paths=return_paths)


def _resolve_max_gateway_distance(value, net_label) -> float | None:
    """``max_gateway_distance_km`` as a finite limit [km], or ``None`` for no limit."""
    name = "max_gateway_distance_km"
    if isinstance(value, str):
        if value != "auto":
            raise ValueError(f"{name} must be a distance in km, None or 'auto', got "
                             f"{value!r}")
        if net_label == "geo":
            return GEO_MAX_GATEWAY_DISTANCE_KM
        if net_label in ("o3b-mpower", "meo"):
            return MEO_MAX_GATEWAY_DISTANCE_KM
        return None
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float,
                                                                     np.integer,
                                                                     np.floating)):
        raise TypeError(f"{name} must be a number [km], None or 'auto', got "
                        f"{type(value).__name__} {value!r}")
    v = float(value)
    if np.isnan(v) or v < 0:
        raise ValueError(f"{name} must be >= 0 km (or None / inf for no limit), got {v!r}")
    return None if np.isinf(v) else v


def _u_s():
    import astropy.units as u

    return u.s


def _assemble(blocks, times, src, dst, target, network, mode, floor, ovh, hop_ovh, nearest,
              gw_names, sat_hops, return_paths) -> pd.DataFrame:
    n_t, n_s = len(blocks), len(src)
    total = np.stack([b["total"] for b in blocks])                      # [T, S, D']
    comp = {k: np.stack([b[k] for b in blocks]) for k in ("up", "isl", "down", "fibre")}
    n_sats = np.stack([b["n_sats"] for b in blocks])
    ex = np.stack([b["exit"] for b in blocks])
    d_idx = np.stack([np.broadcast_to(b["dest"], b["total"].shape) for b in blocks])
    paths = [b["paths"] for b in blocks] if return_paths else None
    reach = np.isfinite(total)
    shape = total.shape
    n_d_out = shape[2]
    s_idx = np.broadcast_to(np.arange(n_s)[None, :, None], shape)
    if nearest:
        # floor to the region reached; where none is reachable, to the closest region
        target_floor = floor.min(axis=1)[s_idx]
        floor_b = np.where(reach, floor[s_idx, np.maximum(d_idx, 0)], target_floor)
    else:
        d_idx = np.broadcast_to(np.arange(n_d_out)[None, None, :], shape)
        floor_b = np.broadcast_to(floor, shape)
        target_floor = floor_b
    overhead = np.where(reach, ovh + 2.0 * hop_ovh * n_sats, np.nan)
    rtt_ms = 2.0 * total + overhead
    cols = {}
    if times is None:
        cols["time"] = pd.Series(pd.NaT, index=range(int(np.prod(shape))),
                                 dtype="datetime64[ns, UTC]")
        cols["time_s"] = np.zeros(int(np.prod(shape)))
    else:
        tt = pd.to_datetime(np.asarray(times.utc.datetime64), utc=True)
        ts = (times - times[0]).to(_u_s()).value
        if len(tt) != n_t:   # fibre with one block per time
            raise AssertionError("internal: time count mismatch")
        cols["time"] = np.repeat(np.asarray(tt), n_s * n_d_out)
        cols["time_s"] = np.repeat(ts, n_s * n_d_out)
    cols["source"] = np.broadcast_to(src["name"].to_numpy(dtype=object)[None, :, None],
                                     shape).ravel()
    if nearest:
        cols["target"] = np.full(int(np.prod(shape)), target[0], dtype=object)
        dest = dst["name"].to_numpy(dtype=object)[d_idx].ravel()
        cols["destination"] = pd.array(np.where(reach.ravel(), dest, None), dtype="string")
    else:
        cols["target"] = np.broadcast_to(target[None, None, :], shape).ravel()
        cols["destination"] = pd.array(
            np.broadcast_to(dst["name"].to_numpy(dtype=object)[None, None, :],
                            shape).ravel(), dtype="string")
    cols["network"] = network
    cols["mode"] = mode
    cols["reachable"] = reach.ravel()

    def nullable(x):
        # <NA> (masked), never NaN, where unreachable
        x = np.asarray(x, float).ravel()
        return pd.arrays.FloatingArray(np.where(reach.ravel(), x, 0.0), ~reach.ravel())

    cols["rtt_ms"] = nullable(rtt_ms)
    cols["user_link_ms"] = nullable(2.0 * comp["up"])
    cols["isl_ms"] = nullable(2.0 * comp["isl"])
    cols["gateway_link_ms"] = nullable(2.0 * comp["down"])
    cols["fibre_ms"] = nullable(2.0 * comp["fibre"])
    cols["overhead_ms"] = nullable(overhead)
    cols["floor_ms"] = np.asarray(floor_b, float).ravel()
    cols["target_floor_ms"] = np.asarray(target_floor, float).ravel()
    hops = np.where(reach, n_sats + 1, 0) if sat_hops else np.zeros(shape, int)
    cols["hops"] = pd.arrays.IntegerArray(hops.ravel().astype(np.int64),
                                          ~reach.ravel() if sat_hops else
                                          np.zeros(hops.size, bool))
    if return_paths and paths is not None:
        sp_col = np.empty(int(np.prod(shape)), dtype=object)
        k = 0
        for p in paths:
            for row in p.reshape(-1, p.shape[-1]):
                sp_col[k] = tuple(int(v) for v in row[row >= 0]) if row[0] >= 0 else None
                k += 1
        cols["sat_path"] = sp_col
    else:
        cols["sat_path"] = np.full(int(np.prod(shape)), None, dtype=object)
    if gw_names is not None:
        g = gw_names[np.maximum(ex, 0)].ravel()
        cols["gateway"] = pd.array(np.where(reach.ravel() & (ex.ravel() >= 0), g, None),
                                   dtype="string")
    else:
        cols["gateway"] = pd.array([None] * int(np.prod(shape)), dtype="string")
    return pd.DataFrame(cols)[_COLUMNS]


# --------------------------------------------------------------------------- summaries
def summarize(df: pd.DataFrame, by=("source", "target", "network", "mode")) -> pd.DataFrame:
    """Per-group RTT statistics over the reachable rows, with reachability counted.

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`rtt` (or several concatenated).
    by : sequence of str
        Grouping columns.

    Returns
    -------
    pandas.DataFrame
        Per group: ``n_times``, ``n_reachable``, ``fraction_reachable`` [-],
        ``rtt_min_ms``, ``rtt_median_ms``, ``rtt_p95_ms``, ``rtt_max_ms`` (over
        reachable rows only; ``<NA>`` when none is reachable) [ms], ``floor_ms`` (median
        of the per-row floors to the destinations reached) [ms], ``target_floor_ms``
        (the vacuum floor to the target, the same for every network) [ms], and
        ``path_changes_per_hour``: how often the
        route (satellite path, gateway or destination, or reachability) differs from
        the previous snapshot, per hour of the time span (``<NA>`` for a single
        snapshot) [1/h].
    """
    by = list(by)
    missing = [c for c in by + ["rtt_ms", "reachable", "time_s"] if c not in df.columns]
    if missing:
        raise ValueError(f"df lacks column(s) {missing}; pass the output of rtt()")
    out = []
    for key, g in df.groupby(by, sort=False, dropna=False):
        g = g.sort_values("time_s", kind="stable")
        ok = g["reachable"].to_numpy(bool)
        vals = g["rtt_ms"].to_numpy(dtype=float, na_value=np.nan)[ok]
        row = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        row["n_times"] = g["time_s"].nunique()
        row["n_reachable"] = int(ok.sum())
        row["fraction_reachable"] = ok.mean() if len(ok) else np.nan
        if len(vals):
            row.update(rtt_min_ms=vals.min(), rtt_median_ms=np.median(vals),
                       rtt_p95_ms=np.percentile(vals, 95), rtt_max_ms=vals.max())
        else:
            row.update(rtt_min_ms=pd.NA, rtt_median_ms=pd.NA, rtt_p95_ms=pd.NA,
                       rtt_max_ms=pd.NA)
        row["floor_ms"] = float(np.median(g["floor_ms"].to_numpy(float)))
        if "target_floor_ms" in g.columns:
            row["target_floor_ms"] = float(np.median(g["target_floor_ms"].to_numpy(float)))
        span_h = (g["time_s"].max() - g["time_s"].min()) / 3600.0
        if span_h > 0:
            # <NA> (unreachable) compares as None: NA == "x" is ambiguous in pandas
            sig = list(zip(g["sat_path"], _na_to_none(g["gateway"]),
                           _na_to_none(g["destination"]), ok, strict=True))
            changes = sum(a != b for a, b in zip(sig[:-1], sig[1:], strict=True))
            row["path_changes_per_hour"] = changes / span_h
        else:
            row["path_changes_per_hour"] = pd.NA
        out.append(row)
    res = pd.DataFrame(out)
    for c in ("rtt_min_ms", "rtt_median_ms", "rtt_p95_ms", "rtt_max_ms",
              "path_changes_per_hour"):
        res[c] = pd.array(res[c].to_numpy(dtype=object), dtype="Float64")
    return res


def _na_to_none(series: pd.Series) -> list:
    return [None if v is pd.NA or v is None or (isinstance(v, float) and v != v) else v
            for v in series.astype(object)]


def compare_rtt(sources, destinations="nearest Azure region", times=None,
                systems=DEFAULT_COMPARISON, **kwargs) -> pd.DataFrame:
    """:func:`rtt` for several (network, mode) systems on the same pairs, stacked.

    Parameters
    ----------
    sources, destinations, times
        As for :func:`rtt`.
    systems : sequence of (network, mode)
        Systems to run; default :data:`DEFAULT_COMPARISON` (fibre ideal and typical,
        GEO, O3b MEO, Starlink bent pipe and ISL, Kuiper, OneWeb).
    **kwargs
        Passed to every :func:`rtt` call.

    Returns
    -------
    pandas.DataFrame
        The tidy rows of every system (each carries ``floor_ms``).
    """
    frames = []
    for item in systems:
        if not (isinstance(item, tuple) and len(item) == 2):
            raise ValueError(f"systems entries must be (network, mode) pairs, got {item!r}")
        frames.append(rtt(item[0], item[1], sources, destinations, times, **kwargs))
    return pd.concat(frames, ignore_index=True)


def compare(sources, destinations="nearest Azure region", times=None,
            systems=DEFAULT_COMPARISON, **kwargs) -> pd.DataFrame:
    """Side-by-side RTT summary of several systems, the vacuum floor in every row.

    Returns :func:`summarize` of :func:`compare_rtt`, with ``rtt_median_over_floor``
    (median RTT / ``target_floor_ms``, the vacuum floor to the target, the same for
    every system; ``<NA>`` where the floor is 0 or nothing is reachable).
    """
    table = summarize(compare_rtt(sources, destinations, times, systems, **kwargs))
    med = table["rtt_median_ms"].astype("Float64")
    floor = pd.array(table["target_floor_ms"].to_numpy(float), dtype="Float64")
    floor[floor == 0] = pd.NA
    table["rtt_median_over_floor"] = med / floor
    return table
