"""Round-trip time from anywhere to the cloud, over every kind of network.

One entry point, :func:`rtt`, returns a tidy table with one row per (time, source,
destination, network, mode) and the round trip split into its parts:

==================  =========================================================  ======
column              meaning                                                    unit
==================  =========================================================  ======
``rtt_ms``          round-trip time, the sum of the five components below and  [ms]
                    of ``access_ms``, ``last_mile_ms`` and ``queueing_ms`` (the
                    median of the snapshot under a random delay model)
``user_link_ms``    user terminal <-> first satellite, both ways               [ms]
``isl_ms``          along the laser links, both ways                           [ms]
``gateway_link_ms`` last satellite <-> gateway (or destination terminal)       [ms]
``fibre_ms``        fibre (gateway -> PoP -> destination, or the whole path)   [ms]
``overhead_ms``     ``overhead_ms`` + 2 ``hop_overhead_ms`` per satellite      [ms]
``backhaul_ms``     of ``fibre_ms``: the gateway -> PoP leg (0 for fibre and   [ms]
                    terminal access)
``pop_fibre_ms``    of ``fibre_ms``: the PoP -> destination leg               [ms]
``floor_ms``        vacuum round trip over the geodesic to the destination     [ms]
``target_floor_ms`` same, to the closest candidate of the target (for          [ms]
                    "nearest region": the closest region by distance; else
                    equal to ``floor_ms``): the same floor for every network
``access_ms``       satellite access beyond propagation (``delay_model="idle"``  [ms]
                    or ``"loaded"``; :mod:`satcloud.delays`), else 0
``last_mile_ms``    terrestrial user's access line (fibre, idle or loaded)     [ms]
``queueing_ms``     queueing at the bottleneck (``"loaded"``)                  [ms]
``rtt_p05_ms``,     5th / 95th percentile of the round trip of the snapshot    [ms]
``rtt_p95_ms``      (equal to ``rtt_ms`` for ``"propagation"``)
``delay_model``,    the delay model and its preset                             [-]
``delay_preset``
``hops``            links of the one-way space path (uplink + ISLs + downlink) [-]
``sat_path``        satellites traversed, as row indices of the constellation  [-]
``gateway``         the gateway used (bent pipe and gateway access)            [-]
``pop``             the PoP the gateway backhauls to (for the real Starlink    [-]
                    gateways: the user's home PoP, :mod:`satcloud.ground`)
``reachable``       whether a path existed at that time                        [-]
==================  =========================================================  ======

Unreachable rows are kept with ``reachable=False`` and ``<NA>`` (pandas nullable
``Float64``) in every delay column, so a mean skips nothing silently:
:func:`summarize` counts reachability explicitly and computes statistics over the
reachable rows only. Round trips assume symmetric paths (twice the one-way delay).

Networks and modes
------------------
The networks are the rows of the registry (:mod:`satcloud.systems`,
``data/networks.csv``): each has a *kind*, which says which physics applies, its modes
and its defaults (gateways, minimum elevation, service region). A new network of an
existing kind is a new row.

``"fibre"`` (kind ``fibre``)
    Terrestrial fibre; the mode is the route factor of the path, the one way to set
    it: the preset ``"ideal"`` (1.0), ``"conduit"`` (1.3) or ``"typical"`` (2.1)
    (Bozkurt et al. [1]_), or any number >= 1 (``rtt("fibre", 1.7, ...)``). The
    ``route_factor`` option is the fibre behind the gateways of satellite networks and
    is refused for fibre (see the Notes of :func:`rtt`).
``"geo"`` (kind ``geo``)
    Bent pipe through ideal geostationary satellites at ``geo_slots_lon_deg``
    (fixed in the Earth-fixed frame at 42,164 km radius; no propagation needed).
``"o3b-mpower"`` (alias ``"meo"``; kind ``meo``)
    Bent pipe through the O3b mPOWER MEO ring (8,062 km, equatorial), propagated.
    GEO and MEO users land only at gateways of their own service region (within
    ``max_gateway_distance_km`` of the user, 3,000 km by default; see :func:`rtt`).
``"starlink-gen1"``, ``"starlink-gen2"``, ``"kuiper"``, ``"oneweb"``, ``"telesat-2020"``
    Kind ``leo``: mode ``"bent-pipe"`` or ``"isl"`` (+Grid laser links), propagated by
    :func:`satcloud.orbits.propagate`. A :class:`~satcloud.constellations.Constellation`
    or an already propagated ``Ephemeris`` is accepted too.

Destinations are a site table, site names, or ``"nearest Azure region"`` /
``"nearest AWS region"``: the region with the smallest RTT at each time over the
network in question (not the nearest by distance). By default a destination sits on
the terrestrial network and is reached from a gateway over fibre
(``destination_access="gateway"``); with ISLs, ``destination_access="terminal"``
puts a satellite terminal at the destination instead (the city-to-city workload of
the LEO-routing literature).

References
----------
.. [1] I. N. Bozkurt, W. Aqeel, D. Bhattacherjee, B. Chandrasekaran, P. B. Godfrey,
   G. Laughlin, B. M. Maggs and A. Singla, "Dissecting Latency in the Internet's Fiber
   Infrastructure", arXiv:1811.10737, 2018 (DOI not verified).
   https://arxiv.org/abs/1811.10737
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from satcloud import _progress, data
from satcloud import systems as registry
from satcloud._validate import as_float_array, check_choice, check_finite_result
from satcloud.network._checks import as_bool, as_int, finite_array, finite_scalar, positions
from satcloud.network.bentpipe import DEFAULT_GEO_SLOTS_LON_DEG, geo_positions_ecef_km
from satcloud.network.fibre import (
    C_FIBRE_KM_PER_S,
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
    infer_plus_grid,
    plus_grid_edges,
)
from satcloud.network.routing import ASSIGNMENT_POLICIES, iter_routes

# the one place resolver; importable here too for callers of the old name
from satcloud.sites import resolve_sites  # noqa: F401

__all__ = [
    "COMMON_OPTIONS",
    "DEFAULT",
    "DEFAULT_COMPARISON",
    "DELAY_OPTIONS",
    "GEO_MAX_GATEWAY_DISTANCE_KM",
    "HOME_POP",
    "MAP_DESTINATIONS",
    "MEO_MAX_GATEWAY_DISTANCE_KM",
    "MODES",
    "NEAREST_REGION",
    "NETWORKS",
    "OPTION_DEFAULTS",
    "OPTION_GROUPS",
    "compare",
    "compare_rtt",
    "options_by_system",
    "rtt",
    "rtt_map",
    "rtt_options",
    "summarize",
]

#: Networks :func:`rtt` knows by name, and the modes each supports (from the registry,
#: :func:`satcloud.systems.network_modes`; ``data/networks.csv``).
NETWORKS = registry.network_modes()
#: Every mode name.
MODES = tuple(ROUTE_FACTORS) + ("bent-pipe", "isl")
#: ``destinations=`` value for the round trip Starlink itself reports: terminal to the
#: user's home PoP (:func:`satcloud.ground.home_pop`).
HOME_POP = "home PoP"
#: Destination shortcuts -> region table loader.
NEAREST_REGION = {"nearest Azure region": data.azure_regions,
                  "nearest AWS region": data.aws_regions}
#: Systems compared side by side by :func:`compare` (network, mode): the ``"compare"``
#: comparison of the registry (:func:`satcloud.systems.systems`).
DEFAULT_COMPARISON = tuple(
    (r.network, r.mode) for r in registry.systems("compare").itertuples(index=False))
#: Default user minimum elevation for GEO terminals (REFERENCE notes: ~10-20 deg), the
#: ``min_elevation_deg`` of network ``"geo"`` in the registry. [deg]
GEO_MIN_ELEVATION_DEG = registry.network("geo").min_elevation_deg
#: Default service-region radius of the GEO and MEO bent pipes: the largest geodesic
#: distance between a user terminal and the gateway it may land at
#: (``max_gateway_distance_km="auto"`` in :func:`rtt`; the registry's
#: ``max_gateway_distance_km``). See the Notes of :func:`rtt` for the justification. [km]
GEO_MAX_GATEWAY_DISTANCE_KM = registry.network("geo").max_gateway_distance_km
MEO_MAX_GATEWAY_DISTANCE_KM = registry.network("o3b-mpower").max_gateway_distance_km
_DELAYS = ["user_link_ms", "isl_ms", "gateway_link_ms", "fibre_ms", "overhead_ms"]
_COLUMNS = ["time", "time_s", "source", "target", "destination", "network", "mode",
            "reachable", "rtt_ms", *_DELAYS, "backhaul_ms", "pop_fibre_ms", "floor_ms",
            "target_floor_ms", "hops", "sat_path", "gateway", "pop"]


# --------------------------------------------------------------------------- times
def _resolve_times(times):
    from astropy.time import Time

    if times is None:
        return None
    if isinstance(times, tuple) and len(times) == 3:
        from satcloud.time import time_grid

        times = time_grid(*times)
    if not isinstance(times, Time):
        try:
            times = Time(times)
        except Exception as exc:  # noqa: BLE001 - re-raised with the parameter name
            raise TypeError(f"times must be an astropy Time, a (start, duration, step) tuple "
                            f"or something Time() accepts; got {times!r}") from exc
    times = times.reshape(-1) if times.ndim else times.reshape(1)
    if len(times) == 0:
        raise ValueError("times is empty; give at least one time (or None for fibre and "
                         "GEO)")
    if not np.isfinite(times.jd1).all() or not np.isfinite(times.jd2).all():
        raise ValueError("times holds non-finite (NaN) times; give valid times")
    return times


# --------------------------------------------------------------------------- network
def _load_network(network, times, geo_slots_lon_deg, time_chunk):
    """(label, sats DataFrame or None, min_el [N], positions iterable, T, times)."""
    if isinstance(network, str) and network == "geo":
        r = geo_positions_ecef_km(geo_slots_lon_deg)
        n_t = 1 if times is None else len(times)
        sats = pd.DataFrame({"sat_id": [f"GEO {x:g}" for x in np.atleast_1d(
            geo_slots_lon_deg)], "shell": "geo", "plane": 0,
            "slot": np.arange(len(r))})
        min_el = np.full(len(r), np.nan)   # the network's mask: set by _positions

        def gen():
            for i in range(0, n_t, time_chunk):
                yield np.broadcast_to(r, (min(time_chunk, n_t - i),) + r.shape)
        return "geo", sats, min_el, gen, n_t
    if hasattr(network, "r_ecef_km") and hasattr(network, "constellation"):
        eph = network
        cons = eph.constellation
        label = getattr(cons, "name", "ephemeris")
        r = positions(eph.r_ecef_km, "network (the ephemeris' r_ecef_km)")
        if r.shape[1] != len(cons.satellites):
            raise ValueError(f"network: the ephemeris has {r.shape[1]} satellites but its "
                             f"constellation {len(cons.satellites)}")

        def gen():
            for i in range(0, r.shape[0], time_chunk):
                yield r[i:i + time_chunk]
        sats = cons.satellites
        return label, sats, sats["min_elevation_deg"], gen, r.shape[0]
    from satcloud import orbits
    from satcloud.constellations import network_constellation

    if isinstance(network, str):
        cons = network_constellation(network)
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
    return label, sats, sats["min_elevation_deg"], gen, len(times)


def _min_elevations(column: pd.Series, label) -> np.ndarray:
    """The satellites' filed user minimum elevations, checked (a hand-built constellation
    could hold NaN), named as the network's rather than as a routing parameter."""
    el = np.asarray(pd.to_numeric(pd.Series(column), errors="coerce"), dtype=float)
    bad = ~np.isfinite(el) | (el < 0.0) | (el > 90.0)
    if bad.any():
        raise ValueError(f"network {label!r}: its satellites' min_elevation_deg must be "
                         f"finite, in [0, 90] deg; got {float(el[bad][0])!r} (or pass "
                         "min_elevation_deg= to override it)")
    return el


class _Default:
    """Marker of an option left unset: the network's default applies.

    It tells "not given" from every value a user may give, ``None`` included (``None``
    means "no limit" or "re-choose every snapshot" for some options), so that an option
    given for a network or mode it cannot apply to is an error rather than ignored.
    """

    def __repr__(self) -> str:
        return "default"

    def __reduce__(self):
        return "DEFAULT"


#: The value of an :func:`rtt` option left at its network's default.
DEFAULT = _Default()

#: Defaults of the :func:`rtt` options that apply to some networks and modes only.
OPTION_DEFAULTS = {
    "route_factor": "typical",
    "hop_overhead_ms": 0.0,
    "gateways": None,
    "gateway_min_elevation_deg": None,
    "min_elevation_deg": None,
    "assignment": "min-delay",
    "reassign_interval_s": 15.0,
    "destination_access": "gateway",
    "max_isl_range_km": DEFAULT_MAX_ISL_RANGE_KM,
    "grazing_altitude_km": DEFAULT_GRAZING_ALTITUDE_KM,
    "inter_plane_slot_offset": 0,
    "geo_slots_lon_deg": DEFAULT_GEO_SLOTS_LON_DEG,
    "max_gateway_distance_km": "auto",
    "gso_arc_avoidance_deg": "auto",
    "time_chunk": 120,
}
#: Keyword options of :func:`rtt` that apply to every network and mode.
COMMON_OPTIONS = ("overhead_ms", "return_paths")
#: Keyword options of :func:`rtt` that choose the delay model (:mod:`satcloud.delays`);
#: ``last_mile`` applies to fibre only.
DELAY_OPTIONS = ("delay_model", "samples", "seed", "delay_presets", "last_mile")
_OPTION_ORDER = ("route_factor", "overhead_ms", "hop_overhead_ms", "gateways",
                 "gateway_min_elevation_deg", "min_elevation_deg", "assignment",
                 "reassign_interval_s", "destination_access", "max_isl_range_km",
                 "grazing_altitude_km", "inter_plane_slot_offset", "geo_slots_lon_deg",
                 "max_gateway_distance_km", "gso_arc_avoidance_deg", "return_paths",
                 "time_chunk")


def _network_kind(network) -> tuple[str, str | None]:
    """(``"fibre"``, ``"geo"`` or ``"satellite"``; the checked name or ``None``)."""
    from satcloud.constellations import Constellation

    if isinstance(network, str):
        name = check_choice(network, "network", registry.network_modes())
        kind = registry.network(name).kind
        return ("fibre" if kind == "fibre" else "geo" if kind == "geo" else "satellite"), name
    if hasattr(network, "r_ecef_km") and hasattr(network, "constellation"):
        return "satellite", None
    if isinstance(network, Constellation):
        return "satellite", None
    raise TypeError(f"network must be a network name (one of "
                    f"{list(registry.network_modes())}), a "
                    f"satcloud Constellation or a propagated Ephemeris; got "
                    f"{type(network).__name__} {network!r}")


def _fibre_mode(mode):
    """A fibre mode: (label, route factor). A preset name or a number >= 1."""
    if isinstance(mode, str):
        check_choice(mode, "mode for network 'fibre' (a route-factor preset, or a number "
                     ">= 1)", ROUTE_FACTORS)
        return mode, ROUTE_FACTORS[mode]
    if isinstance(mode, (bool, np.bool_)) or not isinstance(mode, (int, float, np.integer,
                                                                   np.floating)):
        raise TypeError(f"mode for network 'fibre' is its route factor: a preset name "
                        f"{list(ROUTE_FACTORS)} or a number >= 1; got "
                        f"{type(mode).__name__} {mode!r}")
    f = finite_scalar(mode, "mode for network 'fibre' (its route factor)", 1.0, None)
    return f"route factor {f:g}", f


def _resolve_mode(network, mode):
    """(kind, network name or None, mode label, fibre route factor or None)."""
    kind, name = _network_kind(network)
    if kind == "fibre":
        label, factor = _fibre_mode("typical" if mode is None else mode)
        return kind, name, label, factor
    valid = registry.network(name).modes if name is not None else ("bent-pipe", "isl")
    if mode is None:
        mode = registry.network(name).default_mode if name is not None else "isl"
    what = f"mode for network {name!r}" if name is not None else "mode"
    if not isinstance(mode, str):
        raise TypeError(f"{what} must be one of {list(valid)}, got {type(mode).__name__} "
                        f"{mode!r}")
    return kind, name, check_choice(mode, what, valid), None


#: The keyword options of :func:`rtt` by group: a group applies to the network kinds and
#: modes its name says (:func:`rtt_options` gives the options of one network and mode).
OPTION_GROUPS = {
    "every network": COMMON_OPTIONS,
    "satellite networks": ("hop_overhead_ms", "min_elevation_deg", "assignment",
                           "reassign_interval_s", "destination_access", "time_chunk"),
    "gateway access": ("route_factor", "gateways", "gateway_min_elevation_deg"),
    "bent pipe": ("max_gateway_distance_km",),
    "laser links": ("max_isl_range_km", "grazing_altitude_km", "inter_plane_slot_offset"),
    "geo": ("geo_slots_lon_deg",),
    "non-geostationary": ("gso_arc_avoidance_deg",),
}


def _applicable(kind: str, mode: str, destination_access: str) -> tuple[str, ...]:
    """The options of :data:`OPTION_GROUPS` that apply to a network kind and mode."""
    groups = ["every network"]
    if kind != "fibre":
        groups.append("satellite networks")
        if destination_access == "gateway":
            groups.append("gateway access")
        if mode == "bent-pipe":
            groups.append("bent pipe")
        if mode == "isl":
            groups.append("laser links")
        if kind == "geo":
            groups.append("geo")
        else:
            groups.append("non-geostationary")
    names = {n for g in groups for n in OPTION_GROUPS[g]}
    return tuple(n for n in _OPTION_ORDER if n in names)


def rtt_options(network, mode=None, *, destination_access="gateway") -> tuple[str, ...]:
    """The keyword options of :func:`rtt` that apply to a network and mode.

    :func:`rtt` rejects an option given for a network or mode it cannot apply to (for
    instance ``gateways`` for fibre, ``inter_plane_slot_offset`` for a bent pipe);
    :func:`compare_rtt` and the scenario functions pass each system only these.

    Parameters
    ----------
    network, mode
        As for :func:`rtt`.
    destination_access : {"gateway", "terminal"}
        As for :func:`rtt` (with ``"terminal"`` there is no gateway and no fibre).

    Returns
    -------
    tuple of str
        Option names, in the order of :func:`rtt`'s signature.

    Examples
    --------
    >>> rtt_options("fibre")
    ('overhead_ms', 'return_paths')
    >>> "inter_plane_slot_offset" in rtt_options("starlink-gen1", "bent-pipe")
    False
    """
    kind, _, label, _ = _resolve_mode(network, mode)
    access = check_choice(destination_access, "destination_access", ("gateway", "terminal"))
    return _applicable(kind, label, access)


def options_by_system(systems, options: dict) -> list[dict]:
    """Split keyword options among several (network, mode) systems.

    Each system gets the options of ``options`` that apply to it
    (:func:`rtt_options`). An option that applies to none of the systems is an error,
    so nothing passed is silently ignored. Every value is checked here, before any
    system is computed, as :func:`rtt` checks it.

    Parameters
    ----------
    systems : sequence of (network, mode)
        The systems, e.g. :data:`DEFAULT_COMPARISON`.
    options : dict
        Keyword options of :func:`rtt`.

    Returns
    -------
    list of dict
        One dict of options per system, in order.

    Raises
    ------
    TypeError
        For a name that is not an option of :func:`rtt`.
    ValueError
        For an option that applies to none of the systems.
    """
    if not isinstance(options, Mapping):
        raise TypeError(f"options must be a dict of rtt option -> value, got {options!r:.100}")
    systems = _check_systems(systems)
    unknown = [k for k in options if k not in _OPTION_ORDER]
    if unknown:
        raise TypeError(f"unknown rtt option(s) {unknown}; the options are "
                        f"{list(_OPTION_ORDER)}")
    for k, v in options.items():
        if v is not DEFAULT:
            _check_option(k, v)
    access = options.get("destination_access", "gateway")
    if access is DEFAULT:
        access = "gateway"
    out, used = [], set()
    for network, mode in systems:
        ok = set(rtt_options(network, mode, destination_access=access))
        part = {k: v for k, v in options.items() if k in ok}
        used |= set(part)
        out.append(part)
    unused = [k for k in options if k not in used]
    if unused:
        shown = [(_system_label(n), m) for n, m in systems]
        raise ValueError(f"option(s) {unused} apply to none of the systems {shown}; see "
                         "satcloud.latency.rtt_options(network, mode) for what applies where")
    return out


def _system_label(network) -> str:
    return network if isinstance(network, str) else getattr(
        getattr(network, "constellation", network), "name", type(network).__name__)


def _check_option(name: str, value):
    """One :func:`rtt` option, checked whatever the network; returns it normalised."""
    if name in ("overhead_ms", "hop_overhead_ms"):
        return finite_scalar(value, name, 0.0, None, unit="ms")
    if name == "route_factor":
        resolve_route_factor(value)
        return value
    if name == "gateways":
        return None if value is None else _gateways(value)
    if name in ("gateway_min_elevation_deg", "min_elevation_deg"):
        return None if value is None else finite_scalar(value, name, 0.0, 90.0, unit="deg")
    if name == "assignment":
        return check_choice(value, "assignment", ASSIGNMENT_POLICIES)
    if name == "reassign_interval_s":
        return None if value is None else finite_scalar(value, name, 0.0, None,
                                                        low_open=True, unit="s")
    if name == "destination_access":
        return check_choice(value, "destination_access", ("gateway", "terminal"))
    if name == "max_isl_range_km":
        return None if value is None else finite_scalar(value, name, 0.0, None,
                                                        low_open=True, unit="km",
                                                        allow_inf=True)
    if name == "grazing_altitude_km":
        return finite_scalar(value, name, 0.0, None, unit="km")
    if name == "inter_plane_slot_offset":
        return as_int(value, name)
    if name == "geo_slots_lon_deg":
        lon = finite_array(value, name, -180.0, 360.0, unit="deg")
        lon = np.atleast_1d(lon)
        if lon.ndim != 1 or lon.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D list of slot longitudes [deg], "
                             f"got shape {lon.shape}")
        return lon
    if name == "max_gateway_distance_km":
        _resolve_max_gateway_distance(value, None)
        return value
    if name == "gso_arc_avoidance_deg":
        _resolve_gso_arc(value, None)
        return value
    if name == "return_paths":
        return as_bool(value, name)
    if name == "time_chunk":
        return as_int(value, name, 1)
    raise AssertionError(f"internal: no check for option {name}")  # pragma: no cover


def rtt(network, mode=None, sources=None, destinations="nearest Azure region",
        times=None, *, route_factor=DEFAULT, overhead_ms=0.0, hop_overhead_ms=DEFAULT,
        gateways=DEFAULT, gateway_min_elevation_deg=DEFAULT, min_elevation_deg=DEFAULT,
        assignment=DEFAULT, reassign_interval_s=DEFAULT, destination_access=DEFAULT,
        max_isl_range_km=DEFAULT, grazing_altitude_km=DEFAULT,
        inter_plane_slot_offset=DEFAULT, geo_slots_lon_deg=DEFAULT,
        max_gateway_distance_km=DEFAULT, gso_arc_avoidance_deg=DEFAULT, return_paths=True,
        time_chunk=DEFAULT, delay_model="propagation", samples=None, seed=None,
        delay_presets=None, last_mile=None) -> pd.DataFrame:
    """Round-trip time per (time, source, destination) over one network and mode.

    Four steps, each a function of this module: resolve the network (its kind, mode
    and options, from the registry :mod:`satcloud.systems`), the positions (sites by
    :mod:`satcloud.sites`; satellites propagated in chunks), the routes per snapshot
    (:mod:`satcloud.network`), and the tidy table.

    Every option is checked (type, range, choice) whatever the network; one given for
    a network or mode it cannot apply to is a ``ValueError`` naming the options that
    do apply there (:func:`rtt_options`). Options left out take their network's
    default (the ``default`` marker, :data:`DEFAULT`; values in
    :data:`OPTION_DEFAULTS` and the registry). The options come in the groups of
    :data:`OPTION_GROUPS`, listed below in that order.

    Parameters
    ----------
    network : str, Constellation or Ephemeris
        A network of the registry (:data:`NETWORKS`, ``data/networks.csv``), a
        constellation, or propagated positions (an object with ``r_ecef_km``
        [T, N, 3] and ``constellation``; its ``times`` are used when ``times`` is not
        given).
    mode : str or float, optional
        ``"bent-pipe"`` or ``"isl"`` for satellites; for ``"fibre"`` the route factor
        (a preset name of :data:`satcloud.network.fibre.ROUTE_FACTORS` or a number
        >= 1; see Notes). Default: the network's ``default_mode`` in the registry
        (``"typical"`` for fibre, ``"bent-pipe"`` for GEO/MEO, ``"isl"`` for LEO). [-]
    sources : str, list of str or pandas.DataFrame
        User sites (:func:`satcloud.sites.resolve_sites`).
    destinations : str, list of str or pandas.DataFrame
        Destination sites, or ``"nearest Azure region"`` / ``"nearest AWS region"``
        (the region with the smallest RTT at each time over this network), or
        ``"home PoP"`` (:data:`HOME_POP`): each user's home PoP
        (:func:`satcloud.ground.home_pop`), the terminal-to-PoP round trip Starlink
        itself reports; only for gateways that backhaul to a home PoP (Starlink's real
        ground segment), else a ``ValueError``.
    times : astropy.time.Time or (start, duration, step) tuple
        Snapshot times (a tuple goes to :func:`satcloud.time.time_grid`), at least
        one. Optional for fibre and GEO (one snapshot).
    overhead_ms : float
        *Every network.* Fixed round-trip overhead added to every reachable row
        (terminal, scheduling, processing), finite and >= 0. [ms]
    return_paths : bool
        *Every network.* Fill ``sat_path`` (tuples of satellite row indices; fibre rows
        have none); ``False`` is faster.
    hop_overhead_ms : float
        *Satellite networks.* Processing per satellite traversed, per direction, finite
        and >= 0; default 0. [ms]
    min_elevation_deg : float, optional
        *Satellite networks.* User terminals' (and, with
        ``destination_access="terminal"``, destination terminals') minimum elevation,
        in [0, 90]; default (or ``None``): the network's in the registry, else the
        constellation's filed value. [deg]
    assignment : {"min-delay", "highest-elevation"}
        *Satellite networks.* Serving-satellite policy (:mod:`satcloud.network.routing`);
        default ``"min-delay"``.
    reassign_interval_s : float or None
        *Satellite networks.* Hold the serving satellite this long (> 0, finite;
        default 15 s, as Starlink); ``None`` re-chooses every snapshot. [s]
    destination_access : {"gateway", "terminal"}
        *Satellite networks.* A destination is reached via a gateway and fibre
        (default), or through a satellite terminal at the destination (``mode="isl"``
        only).
    time_chunk : int
        *Satellite networks.* Snapshots propagated at once (bounds memory), >= 1;
        default 120.
    route_factor : str or float
        *Gateway access* (satellite networks, ``destination_access="gateway"``): route
        factor of the fibre behind the gateways, a preset name or a number >= 1;
        default ``"typical"``. Refused for ``"fibre"`` (see Notes). [-]
    gateways : str or pandas.DataFrame, optional
        *Gateway access.* Gateway set (:func:`satcloud.network.gateways.gateways`);
        default (or ``None``): the network's ``gateways`` in the registry
        (``"starlink-gateways"`` for Starlink: the real sites, each backhauling to the
        user's home PoP; ``"starlink-pops"`` for the other LEOs; ``"teleports"`` for
        GEO/MEO).
    gateway_min_elevation_deg : float, optional
        *Gateway access.* Minimum elevation at the gateways, in [0, 90]; default (or
        ``None``): the user terminals'. [deg]
    gso_arc_avoidance_deg : float, None or "auto"
        *Non-geostationary networks* (LEO, MEO): GSO-arc avoidance of the user links:
        a satellite seen within this angle of the geostationary arc does not serve the
        user (nor, with ``destination_access="terminal"``, a destination terminal), in
        [0, 90]; 0 or ``None``: no avoidance; ``"auto"`` (default): the network's
        ``gso_arc_avoidance_deg`` in the registry (22 deg for Starlink, SpaceX's
        commitment, ``docs/references.md``; none for the others). Gateway links are
        not masked (:mod:`satcloud.network.routing`, "GSO-arc avoidance"). [deg]
    max_gateway_distance_km : float, None or "auto"
        *Bent pipe* (``mode="bent-pipe"``): the user lands only at gateways within this
        geodesic distance (the service region; see Notes); ``None`` or ``inf``: no
        limit; ``"auto"`` (default): the network's ``max_gateway_distance_km`` in the
        registry (3,000 km for GEO and MEO, none for LEO). [km]
    max_isl_range_km : float or None
        *Laser links* (``mode="isl"``): longest laser link, > 0; ``None`` or ``inf``
        for no limit; default :data:`satcloud.network.isl.DEFAULT_MAX_ISL_RANGE_KM`.
        [km]
    grazing_altitude_km : float
        *Laser links.* Lowest altitude a laser line of sight may graze, finite and
        >= 0; default :data:`satcloud.network.isl.DEFAULT_GRAZING_ALTITUDE_KM`. [km]
    inter_plane_slot_offset : int
        *Laser links.* +Grid cross-plane slot offset; default 0. [-]
    geo_slots_lon_deg : sequence of float
        *GEO* (``network="geo"``): slot longitudes, east positive, in [-180, 360];
        default :data:`satcloud.network.bentpipe.DEFAULT_GEO_SLOTS_LON_DEG`. [deg]
    delay_model : {"propagation", "idle", "loaded"}
        *Every network* (:mod:`satcloud.delays`). ``"propagation"`` (default): the
        physical path only (``access_ms``, ``last_mile_ms`` and ``queueing_ms`` are 0).
        ``"idle"``: plus what an idle user measures beyond propagation, from the
        network's delay preset: ``access_ms`` for satellites (MAC/scheduling and
        processing, one lumped term), ``last_mile_ms`` for fibre. ``"loaded"``: plus
        ``queueing_ms`` at the bottleneck under a saturating transfer.
    samples : int, optional
        *Every network, idle or loaded.* Draw this many per-packet samples per row
        (>= 1; needs ``seed``): one row per draw, numbered in column ``sample``, the
        random components and ``rtt_ms`` drawn, ``rtt_p05_ms``/``rtt_p95_ms`` kept
        analytic. Refused when the table would not fit in memory
        (:func:`satcloud._validate.check_memory`). [-]
    seed : int, optional
        Seed (>= 0) of the :class:`numpy.random.Generator` of ``samples``: the same seed
        gives the same draws. [-]
    delay_presets : str, dict or pandas.DataFrame, optional
        The delay preset: default the network's ``delay_preset`` in the registry; a
        preset name of ``data/delay_presets.csv``; a dict
        ``{component: {parameter: value}}`` laid over the network's preset (or over the
        preset named by its ``"base"`` key); a DataFrame of ``component``,
        ``parameter``, ``value`` rows (:func:`satcloud.delays.delay_preset`).
    last_mile : {"ftth", "cable", "dsl", "5g_fwa"}, optional
        *Fibre only.* The terrestrial user's access technology under ``"idle"`` and
        ``"loaded"``; default :data:`satcloud.delays.DEFAULT_LAST_MILE` (``"ftth"``).
        Refused for satellite networks: there the dish is the access. The destination
        (a datacenter) has no last mile. [-]

    Returns
    -------
    pandas.DataFrame
        One row per (time, source, destination); columns as in the module table plus
        ``time`` (UTC), ``time_s`` (since the first time) [s], ``target`` (the
        requested destination, e.g. ``"nearest Azure region"``), ``destination`` (the
        one reached), ``network``, ``mode``.

    Raises
    ------
    TypeError
        A network that is neither a name, a Constellation nor an Ephemeris; an option
        of the wrong type (e.g. a string for a number).
    ValueError
        An unknown name, a value out of range or not finite, or an option that does not
        apply to the network and mode.

    See Also
    --------
    compare_rtt, compare : several systems on the same pairs.
    rtt_options : the options that apply to a network and mode.

    Notes
    -----
    **Route factor, one rule.** A route factor multiplies a geodesic distance into the
    length of a fibre path (Bozkurt et al. [1]_: ``"ideal"`` 1.0, ``"conduit"`` 1.3,
    ``"typical"`` 2.1). For ``"fibre"`` the whole path is fibre, so its route factor
    is what distinguishes one fibre system from another: it is the *mode* (the
    ``mode`` column reads the preset name, or e.g. ``"route factor 1.7"``), and the
    ``route_factor`` option is refused there rather than being a second way to set
    the same number. For a satellite network the mode is the space segment
    (bent pipe or laser links) and ``route_factor`` sets the fibre *behind the
    gateways* (gateway -> PoP -> destination).

    **Real gateways and the home PoP** (Starlink's default ``gateways``,
    ``"starlink-gateways"``). The bent pipe (or the last laser hop) lands at one of the
    261 real gateway sites (:mod:`satcloud.ground`); from there fibre runs to the
    *user's* home PoP (:func:`satcloud.ground.home_pop`: by the user's country, from
    the site table or the coordinates; users in a country the GeoIP feed does not list,
    or at sea, go to the nearest PoP), then to the destination. The gateway is chosen
    jointly with the path, minimising the whole delay including that fibre. Columns
    ``gateway``, ``pop``, ``gateway_link_ms``, ``backhaul_ms`` (gateway -> PoP) and
    ``pop_fibre_ms`` (PoP -> destination) show each leg; ``fibre_ms`` is their fibre
    sum, as before. Users are routed in groups of one home PoP over one propagation.
    Tables of your own (``gateways=DataFrame``) keep their PoPs unless their
    ``backhaul`` column says ``"home-pop"``; ``gateways="starlink-pops"`` restores
    the idealised gateway-at-each-PoP model.

    **Fibre to the nearest region.** With one route factor for every pair, the
    region with the smallest fibre RTT is the nearest by geodesic distance; this is
    the one computation of it (:func:`satcloud.scenarios.fibre.fibre_to_nearest_region`
    calls it).

    **Why bent pipes have a service region** (``max_gateway_distance_km``). The
    minimum-delay rule alone lands a user wherever a gateway nearer the sub-satellite
    point shortens the second slant range, e.g. London through a teleport in
    Johannesburg to South Africa North (503 ms over GEO, ~145 ms over O3b). Real
    high-throughput GEO and MEO systems connect each user beam to a gateway of the
    same service region: Eutelsat KA-SAT's ten gateways are all in Europe, ViaSat-2's
    in North America, Telebras SGDC-1's five in Brazil, and O3b mPOWER's gateways
    (Dubbo, Merredin, Thermopylae, Phoenix, Chile, UAE, Senegal, Hawaii) each serve
    their own region. 3,000 km is the radius of such a service region: KA-SAT's
    European coverage spans ~4,000 km (Lisbon to Moscow 3,900 km) and CONUS ~4,000 km
    (New York to Los Angeles 3,940 km), with the gateways spread inside, so a user is
    within ~3,000 km of the gateway of its beam; the nearest of the first O3b mPOWER
    gateways are 2,900-3,400 km apart (Dubbo-Merredin, Thermopylae-UAE). With the
    ``"teleports"`` preset this lands each of the 100 most populous cities in its own
    region (London -> France South, Sydney -> Australia East, Tokyo -> East Asia,
    Lagos -> Abuja or Dakar; the crossings that remain are between neighbours, e.g.
    Cairo or Istanbul -> UAE), and keeps every remote site a real GEO/MEO service
    reaches reachable (Funafuti via Suva, 1,100 km; Tabatinga via the Telebras
    gateways, 2,400-2,700 km; Agadez via Abuja, 890 km, or Spain; the North-Atlantic
    ship via Ireland, 1,700 km, or France; see
    :data:`satcloud.network.gateways.REGIONAL_TELEPORTS`). Below 2,860 km Nairobi (the
    distance to Johannesburg) loses its last teleport. A LEO bent pipe is already
    bounded by the shared visibility of one satellite (~2,000 km at 550 km altitude),
    and laser links are meant to land far away, so the limit does not apply to them;
    :func:`compare` (or :func:`options_by_system`) passes one value to the bent pipes
    only.

    References
    ----------
    .. [1] I. N. Bozkurt, W. Aqeel, D. Bhattacherjee, B. Chandrasekaran, P. B. Godfrey,
       G. Laughlin, B. M. Maggs and A. Singla, "Dissecting Latency in the Internet's Fiber
       Infrastructure", arXiv:1811.10737, 2018 (DOI not verified).
       https://arxiv.org/abs/1811.10737
    """
    given = {"route_factor": route_factor, "hop_overhead_ms": hop_overhead_ms,
             "gateways": gateways, "gateway_min_elevation_deg": gateway_min_elevation_deg,
             "min_elevation_deg": min_elevation_deg, "assignment": assignment,
             "reassign_interval_s": reassign_interval_s,
             "destination_access": destination_access, "max_isl_range_km": max_isl_range_km,
             "grazing_altitude_km": grazing_altitude_km,
             "inter_plane_slot_offset": inter_plane_slot_offset,
             "geo_slots_lon_deg": geo_slots_lon_deg,
             "max_gateway_distance_km": max_gateway_distance_km,
             "gso_arc_avoidance_deg": gso_arc_avoidance_deg, "time_chunk": time_chunk}
    # 1. the network: kind, mode and the options that apply to it
    net = _resolve_network(network, mode)
    opt = _resolve_options(net, network, given, overhead_ms, return_paths)
    delay = _resolve_delays(net, delay_model, samples, seed, delay_presets, last_mile)
    # 2. the positions: who talks to whom, when, and where the satellites are
    home = None
    if isinstance(destinations, str) and destinations.strip().lower() == HOME_POP.lower():
        destinations, home = _home_pop_destinations(net, opt, sources)
    ends = _resolve_ends(sources, destinations)
    times = _resolve_network_times(network, times)
    if net.kind == "fibre":
        # 3. the routes, fibre: one path per pair, the same at every time
        blocks, gw_names = _fibre_routes(ends, times, net.route_factor), None
        label, satellites = "fibre", False
    else:
        sats = _positions(network, net, times, opt)
        # 3. the routes, satellites: per snapshot, through the space segment
        blocks, gw_names = _satellite_routes(sats, net, ends, times, opt)
        label, satellites = sats.label, True
    # 4. the tidy table: propagation, then the delay model's components
    table = _assemble(blocks, times, ends.src, ends.dst, ends.target, label, net.mode,
                      ends.floor, opt["overhead_ms"], float(opt["hop_overhead_ms"]),
                      ends.nearest, gw_names=gw_names, sat_hops=satellites,
                      return_paths=opt["return_paths"] and satellites)
    if home is not None:
        table = _keep_home_pop(table, home)
    return _add_delays(table, net, delay)


class _Network(NamedTuple):
    """Step 1 of :func:`rtt`: what is routed over."""

    kind: str                   # "fibre", "geo" or "satellite" (MEO/LEO, propagated)
    name: str | None            # the registry name, or None for a constellation object
    label: str                  # the name shown in messages
    mode: str                   # the mode label ("isl", "typical", "route factor 1.7")
    route_factor: float | None  # fibre only


def _resolve_network(network, mode) -> _Network:
    """Step 1a: the network's kind and checked mode (fibre: its route factor)."""
    kind, name, label, factor = _resolve_mode(network, mode)
    return _Network(kind, name, name if name is not None else _system_label(network),
                    label, factor)


def _resolve_options(net: _Network, network, given: dict, overhead_ms,
                     return_paths) -> dict:
    """Step 1b: every option checked; one that cannot apply to the network is refused.

    Returns the options with the defaults filled in (:data:`OPTION_DEFAULTS`) plus
    ``overhead_ms`` and ``return_paths``.
    """
    given = {k: v for k, v in given.items() if v is not DEFAULT}
    # every value is checked, whatever the network ...
    checked, problems = {}, {}
    for k, v in given.items():
        try:
            checked[k] = _check_option(k, v)
        except (TypeError, ValueError) as exc:
            problems[k] = exc
    ovh = _check_option("overhead_ms", overhead_ms)
    return_paths = _check_option("return_paths", return_paths)
    if "destination_access" in problems:
        raise problems["destination_access"]
    # ... and what cannot apply to this network and mode is refused, not ignored
    access = checked.get("destination_access", OPTION_DEFAULTS["destination_access"])
    applies = _applicable(net.kind, net.mode, access)
    stray = [k for k in _OPTION_ORDER if k in given and k not in applies]
    if stray:
        where = f"network {net.label!r} with mode {net.mode!r}"
        if net.kind != "fibre":
            where += f" and destination_access={access!r}"
        hint = ""
        if net.kind == "fibre" and "route_factor" in stray:
            hint = (f"; for fibre the route factor is the mode: a preset name "
                    f"{list(ROUTE_FACTORS)} or a number >= 1, e.g. rtt('fibre', 1.5, ...)")
        also = "".join(f"; besides, {k}: {problems[k]}" for k in stray if k in problems)
        raise ValueError(f"option(s) {stray} do not apply to {where}; the options that "
                         f"apply there are {list(applies)}{hint}{also}")
    for k in _OPTION_ORDER:
        if k in problems:
            raise problems[k]
    if access == "terminal" and net.mode != "isl":
        raise ValueError("destination_access='terminal' needs mode='isl' (a bent pipe "
                         "lands at a gateway)")
    return {**OPTION_DEFAULTS, **checked, "overhead_ms": ovh, "return_paths": return_paths,
            "destination_access": access}


class _Ends(NamedTuple):
    """Step 2a of :func:`rtt`: sources, destinations and the vacuum floor between them."""

    src: pd.DataFrame       # name, lat_deg, lon_deg
    dst: pd.DataFrame       # name, lat_deg, lon_deg (the candidate regions if nearest)
    target: np.ndarray      # the requested destination per dst row
    nearest: bool           # "nearest ... region": the best candidate per time
    floor: np.ndarray       # [S, D] vacuum RTT over the geodesic [ms]
    src_value: object       # the sources as given (for their countries)


def _resolve_ends(sources, destinations) -> _Ends:
    """Step 2a: the sites (:mod:`satcloud.sites`) and the vacuum floor between them."""
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
    floor = vacuum_rtt_ms(_distance_km(src, dst))
    return _Ends(src, dst, target, nearest, floor, sources)


def _distance_km(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """[len(a), len(b)] WGS84 geodesic distances between two site tables. [km]"""
    return geodesic_distance_km(a["lat_deg"].to_numpy(float)[:, None],
                                a["lon_deg"].to_numpy(float)[:, None],
                                b["lat_deg"].to_numpy(float)[None, :],
                                b["lon_deg"].to_numpy(float)[None, :])


def _resolve_network_times(network, times):
    """Step 2b: the snapshot times (an Ephemeris brings its own)."""
    if times is None and hasattr(network, "r_ecef_km") and hasattr(network, "times"):
        times = network.times
    times = _resolve_times(times)
    if (hasattr(network, "r_ecef_km") and times is not None
            and len(times) != np.asarray(network.r_ecef_km).shape[0]):
        raise ValueError(f"times has {len(times)} entries but the ephemeris has "
                         f"{np.asarray(network.r_ecef_km).shape[0]} snapshots")
    return times


class _Satellites(NamedTuple):
    """Step 2c of :func:`rtt`: the space segment."""

    label: str              # network label of the rows
    table: pd.DataFrame     # one row per satellite (shell, plane, slot)
    min_elevation_deg: np.ndarray   # [N] user minimum elevation [deg]
    positions: object       # callable -> iterator of [t, N, 3] ECEF chunks [km]
    n_times: int


def _positions(network, net: _Network, times, opt: dict) -> _Satellites:
    """Step 2c: the satellites, their minimum elevations and their positions."""
    label, sats, min_el, gen, n_t = _load_network(network, times, opt["geo_slots_lon_deg"],
                                                 opt["time_chunk"])
    label = net.name if net.name is not None else label
    reg = _registry_network(net.name)
    if opt["min_elevation_deg"] is not None:
        min_el = np.full(len(min_el), float(opt["min_elevation_deg"]))
    elif reg is not None and reg.min_elevation_deg is not None:
        # the network defines its terminals' mask (GEO: 10 deg), whatever the filing
        min_el = np.full(len(min_el), reg.min_elevation_deg)
    else:
        min_el = _min_elevations(min_el, label)
    return _Satellites(label, sats, min_el, gen, n_t)


def _fibre_routes(ends: _Ends, times, route_factor: float) -> list[dict]:
    """Step 3, fibre: the path to each destination (or the nearest one), per time."""
    fib = fibre_rtt_ms(_distance_km(ends.src, ends.dst), route_factor=route_factor)  # [S, D]
    dest = np.broadcast_to(np.arange(len(ends.dst)), fib.shape)
    if ends.nearest:
        dest = np.argmin(fib, axis=1)[:, None]
        fib = np.take_along_axis(fib, dest, 1)
    n_t = 1 if times is None else len(times)
    zero = np.zeros_like(fib)
    return [dict(total=fib / 2.0, up=zero, isl=zero, down=zero, fibre=fib / 2.0,
                 n_sats=np.zeros(fib.shape, int), exit=np.full(fib.shape, -1),
                 dest=dest, paths=None, backhaul=zero,
                 pop=np.full(fib.shape, None, dtype=object))] * n_t


def _isl_edges(sats: _Satellites, net: _Network, opt: dict) -> np.ndarray | None:
    """The potential laser links ``[E, 2]`` of an ``"isl"`` network, else ``None``."""
    if net.mode != "isl":
        return None
    t = sats.table
    if "model" in t and (t["model"] == "sgp4").any():
        # element sets (a real constellation): +Grid links inferred from the real
        # planes, with gaps where slots are empty
        if opt["inter_plane_slot_offset"]:
            raise ValueError(
                f"inter_plane_slot_offset={opt['inter_plane_slot_offset']!r} applies "
                "to filed Walker shells; the laser links of a constellation from "
                "element sets are inferred from its planes "
                "(satcloud.network.isl.infer_plus_grid): leave it at 0")
        return infer_plus_grid(t)
    return plus_grid_edges(t["shell"].astype(str).to_numpy(), t["plane"].to_numpy(),
                           t["slot"].to_numpy(),
                           inter_plane_slot_offset=opt["inter_plane_slot_offset"])


def _satellite_routes(sats: _Satellites, net: _Network, ends: _Ends, times,
                      opt: dict) -> tuple[list[dict], np.ndarray | None]:
    """Step 3, satellites: the routes per snapshot (:func:`satcloud.network.routing.
    iter_routes`) and the gateway names (``None`` with terminal access).

    With gateways whose ``backhaul`` is ``"home-pop"`` the fibre behind a gateway runs
    to each user's home PoP (:func:`satcloud.ground.home_pop`): the users are grouped
    by home PoP and each group is routed with its own gateway -> PoP -> destination
    delays, the groups in lockstep over one propagation (the routes of one user never
    depend on another's, so this equals one joint run)."""
    isl_edges = _isl_edges(sats, net, opt)
    s_lat, s_lon = ends.src["lat_deg"].to_numpy(float), ends.src["lon_deg"].to_numpy(float)
    d_lat, d_lon = ends.dst["lat_deg"].to_numpy(float), ends.dst["lon_deg"].to_numpy(float)
    n_src = len(s_lat)
    groups = [(np.arange(n_src), None, None, None)]   # (sources, exit->dst, backhaul, pop)
    if opt["destination_access"] == "terminal":
        ex_lat, ex_lon, gw_names = d_lat, d_lon, None
    else:
        gw = _network_gateways(opt, sats.label)
        ex_lat, ex_lon = gw["lat_deg"].to_numpy(float), gw["lon_deg"].to_numpy(float)
        gw_names = gw["gateway"].to_numpy(dtype=object)
        groups = _backhaul_groups(gw, ends, d_lat, d_lon, opt["route_factor"])
    max_gw_km = _resolve_max_gateway_distance(opt["max_gateway_distance_km"], sats.label)
    gso_arc = _resolve_gso_arc(opt["gso_arc_avoidance_deg"], sats.label)
    exit_mask = None
    if max_gw_km is not None and net.mode == "bent-pipe":
        # per-source service region: gateways within max_gw_km of the user terminal
        exit_mask = geodesic_distance_km(s_lat[:, None], s_lon[:, None], ex_lat[None, :],
                                         ex_lon[None, :]) <= max_gw_km
    times_s = None
    if times is not None:
        times_s = (times - times[0]).to(_u_s()).value
    elif sats.n_times == 1:
        times_s = np.zeros(1)
    hold = opt["reassign_interval_s"] if times_s is not None else None
    # per group, the exits its users can share a satellite with (bent pipe; exact)
    exits = [np.arange(len(ex_lat))] * len(groups)
    if len(groups) > 1 and net.mode == "bent-pipe":
        reach_km = _shared_view_km(sats, opt)
        if reach_km is not None:
            exits = [_exits_within(s_lat[idx], s_lon[idx], ex_lat, ex_lon, reach_km)
                     for idx, *_ in groups]
    feeds = itertools.tee(sats.positions(), len(groups)) if len(groups) > 1 else [
        sats.positions()]
    runs = [iter_routes(
        feed, s_lat[idx], s_lon[idx], ex_lat[keep], ex_lon[keep],
        sat_min_elevation_deg=sats.min_elevation_deg,
        exit_min_elevation_deg=opt["gateway_min_elevation_deg"],
        exit_to_destination_ms=None if exit_to_dst is None else exit_to_dst[keep],
        isl_edges=isl_edges, max_isl_range_km=opt["max_isl_range_km"],
        grazing_altitude_km=opt["grazing_altitude_km"],
        assignment=opt["assignment"], times_s=times_s, reassign_interval_s=hold,
        return_paths=opt["return_paths"], nearest_destination=ends.nearest,
        exit_mask=None if exit_mask is None else exit_mask[np.ix_(idx, keep)],
        gso_arc_avoidance_deg=gso_arc,
        exit_gso_arc_avoidance_deg=gso_arc if opt["destination_access"] == "terminal"
        else None)
        for feed, (idx, exit_to_dst, _, _), keep in zip(feeds, groups, exits, strict=True)]
    blocks = []
    # a bar over the snapshots when the module switch is on (the CLI on a terminal)
    with _progress.bar(sats.n_times, "rtt snapshots", unit="snapshot") as bar:
        for snaps in zip(*runs, strict=True):
            parts = []
            for snap, (_, _, bh, pop), keep in zip(snaps, groups, exits, strict=True):
                ex = np.where(snap.exit_index >= 0, keep[np.maximum(snap.exit_index, 0)], -1)
                ok = ex >= 0
                parts.append(dict(
                    total=snap.total_ms, up=snap.uplink_ms, isl=snap.isl_ms,
                    down=snap.downlink_ms, fibre=snap.fibre_ms, n_sats=snap.n_sats, exit=ex,
                    dest=np.broadcast_to(snap.destination_index, snap.total_ms.shape),
                    paths=snap.paths,
                    backhaul=np.where(ok, bh[np.maximum(ex, 0)], np.nan) if bh is not None
                    else np.zeros(snap.total_ms.shape),
                    pop=np.where(ok, pop[np.maximum(ex, 0)], None) if pop is not None
                    else np.full(snap.total_ms.shape, None, dtype=object)))
            blocks.append(parts[0] if len(parts) == 1 else _merge_groups(parts, groups, n_src))
            bar.update(1)
    return blocks, gw_names


def _network_gateways(opt: dict, label) -> pd.DataFrame:
    """The gateway table of the options, else the network's in the registry."""
    gw = opt["gateways"]
    if gw is None:
        reg = _registry_network(label)
        # a constellation the registry does not know lands as the LEOs without
        # real gateway data do (Kuiper, OneWeb, Telesat)
        gw = _gateways("starlink-pops" if reg is None else reg.gateways)
    return gw


def _shared_view_km(sats: _Satellites, opt: dict) -> float | None:
    """Upper bound on the ground distance between a user and a gateway that see one
    satellite above their minimum elevations [km]; ``None`` if the satellites' orbits
    are not known (no bound, no filtering).

    A satellite at radius ``r`` is seen above elevation ``e`` from the ground within the
    Earth central angle ``psi = arccos(R cos e / r) - e`` (spherical geometry); two
    ground points seeing it are within ``2 psi``. Bounded generously: ``r`` the largest
    apogee radius over the WGS84 equatorial radius, ``R`` the polar radius, ``e`` half a
    degree below the lowest mask (geodetic vs geocentric elevation), the arc on the
    equatorial radius, plus 10 % and 100 km."""
    from satcloud.geometry import WGS84_A_KM, WGS84_B_KM

    t = sats.table
    if not {"altitude_km", "eccentricity"} <= set(t.columns):
        return None
    alt = pd.to_numeric(t["altitude_km"], errors="coerce").to_numpy(float)
    ecc = pd.to_numeric(t["eccentricity"], errors="coerce").to_numpy(float)
    if not (np.isfinite(alt).all() and np.isfinite(ecc).all()) or len(alt) == 0:
        return None
    r = float(np.max((WGS84_A_KM + alt) * (1.0 + ecc)))
    masks = [float(np.min(sats.min_elevation_deg))]
    if opt["gateway_min_elevation_deg"] is not None:
        masks.append(float(opt["gateway_min_elevation_deg"]))
    e = np.radians(max(min(masks) - 0.5, 0.0))
    c = WGS84_B_KM * np.cos(e) / r
    if not 0.0 < c < 1.0:
        return None
    psi = np.arccos(c) - e
    return 1.1 * 2.0 * psi * WGS84_A_KM + 100.0


def _exits_within(lat, lon, ex_lat, ex_lon, reach_km: float) -> np.ndarray:
    """Indices of the exits within ``reach_km`` of any of the given users (at least
    the nearest one, so that a group without any still runs and is unreachable)."""
    d = geodesic_distance_km(lat[:, None], lon[:, None], ex_lat[None, :], ex_lon[None, :])
    keep = np.flatnonzero((d <= reach_km).any(axis=0))
    return keep if keep.size else np.array([int(np.argmin(d.min(axis=0)))])


def _backhaul_groups(gw: pd.DataFrame, ends: _Ends, d_lat, d_lon, route_factor):
    """Users grouped by the PoP their gateways backhaul to, each with its delays.

    Returns a list of ``(source indices, exit -> destination [X, D], gateway -> PoP [X],
    PoP code [X])``, one-way delays in ms: one group for a table whose PoPs are fixed,
    one per home PoP among the users where rows have ``backhaul == "home-pop"``."""
    from satcloud import ground
    from satcloud.sites import site_countries

    f = resolve_route_factor(route_factor)
    glat, glon = gw["lat_deg"].to_numpy(float), gw["lon_deg"].to_numpy(float)
    home_rows = (gw["backhaul"].to_numpy(object) == "home-pop") if "backhaul" in gw.columns \
        else np.zeros(len(gw), bool)
    n_src = len(ends.src)
    if not home_rows.any():
        pops = [(np.arange(n_src), None)]
    else:
        homes = ground.home_pop(ends.src["lat_deg"].to_numpy(float),
                                ends.src["lon_deg"].to_numpy(float),
                                country=list(site_countries(ends.src_value, "sources")))
        codes = homes["pop"].to_numpy(object)
        pops = [(np.flatnonzero(codes == c), homes.iloc[int(np.flatnonzero(codes == c)[0])])
                for c in dict.fromkeys(codes)]
    out = []
    for idx, home in pops:
        table = _homed_gateways(gw, home, home_rows)
        pop, plat, plon = (table[c].to_numpy() for c in ("pop", "pop_lat_deg",
                                                          "pop_lon_deg"))
        exit_to_dst = gateway_to_destination_ms(table, d_lat, d_lon, route_factor)
        backhaul = f * geodesic_distance_km(glat, glon, plat, plon) / C_FIBRE_KM_PER_S * 1e3
        out.append((idx, exit_to_dst, backhaul, pop))
    return out


def _homed_gateways(gw: pd.DataFrame, home, home_rows: np.ndarray) -> pd.DataFrame:
    """The gateway table with the rows that backhaul to the user's home PoP pointed at
    ``home`` (a :func:`satcloud.ground.home_pop` row; ``None``: the table as given)."""
    pop = gw["pop"].to_numpy(object).copy()
    plat = gw["pop_lat_deg"].to_numpy(float).copy()
    plon = gw["pop_lon_deg"].to_numpy(float).copy()
    if home is not None:
        pop[home_rows] = home["pop"]
        plat[home_rows], plon[home_rows] = home["pop_lat_deg"], home["pop_lon_deg"]
    return pd.DataFrame({"gateway": gw["gateway"].to_numpy(object),
                         "lat_deg": gw["lat_deg"].to_numpy(float),
                         "lon_deg": gw["lon_deg"].to_numpy(float), "pop": pop,
                         "pop_lat_deg": plat, "pop_lon_deg": plon})


def _merge_groups(parts: list[dict], groups, n_src: int) -> dict:
    """One snapshot's per-group route arrays, rows put back in source order."""
    merged = {}
    for key in ("total", "up", "isl", "down", "fibre", "n_sats", "exit", "dest",
                "backhaul", "pop"):
        first = np.asarray(parts[0][key])
        arr = np.empty((n_src,) + first.shape[1:], dtype=first.dtype)
        for part, (idx, *_rest) in zip(parts, groups, strict=True):
            arr[idx] = part[key]
        merged[key] = arr
    if parts[0]["paths"] is None:
        merged["paths"] = None
    else:
        length = max(p["paths"].shape[-1] for p in parts)
        first = parts[0]["paths"]
        arr = np.full((n_src,) + first.shape[1:-1] + (length,), -1, dtype=first.dtype)
        for part, (idx, *_rest) in zip(parts, groups, strict=True):
            arr[idx, ..., :part["paths"].shape[-1]] = part["paths"]
        merged["paths"] = arr
    return merged


def _registry_default(value, name: str, allowed: str, net_label):
    """``(True, the registry's value)`` for ``"auto"`` (``None`` for a network the
    registry does not know), ``(True, None)`` for ``None``, else ``(False, value)``; any
    other string is refused naming ``allowed``."""
    if isinstance(value, str):
        if value != "auto":
            raise ValueError(f"{name} must be {allowed}, None or 'auto', got {value!r}")
        net = _registry_network(net_label)
        return True, None if net is None else getattr(net, name, None)
    return value is None, value


def _resolve_max_gateway_distance(value, net_label) -> float | None:
    """``max_gateway_distance_km`` as a finite limit [km], or ``None`` for no limit."""
    name = "max_gateway_distance_km"
    done, value = _registry_default(value, name, "a distance in km", net_label)
    if done:
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float,
                                                                     np.integer,
                                                                     np.floating)):
        raise TypeError(f"{name} must be a number [km], None or 'auto', got "
                        f"{type(value).__name__} {value!r}")
    v = float(value)
    if np.isnan(v) or v < 0:
        raise ValueError(f"{name} must be >= 0 km (or None / inf for no limit), got {v!r}")
    return None if np.isinf(v) else v


def _resolve_gso_arc(value, net_label) -> float | None:
    """``gso_arc_avoidance_deg`` as an angle [deg], or ``None`` for no avoidance."""
    name = "gso_arc_avoidance_deg"
    done, value = _registry_default(value, name, "an angle in [0, 90] deg", net_label)
    if done:
        return value
    v = finite_scalar(value, name, 0.0, 90.0, unit="deg")
    return v if v > 0.0 else None


def _registry_network(label):
    """The registry row of a network label (a network name, or the name of a propagated
    constellation), or ``None`` for a hand-built constellation the registry does not
    know."""
    return registry.networks().get(label) if isinstance(label, str) else None


def _u_s():
    import astropy.units as u

    return u.s


def _assemble(blocks, times, src, dst, target, network, mode, floor, ovh, hop_ovh, nearest,
              gw_names, sat_hops, return_paths) -> pd.DataFrame:
    n_t, n_s = len(blocks), len(src)
    total = np.stack([b["total"] for b in blocks])                      # [T, S, D']
    comp = {k: np.stack([b[k] for b in blocks]) for k in ("up", "isl", "down", "fibre",
                                                           "backhaul")}
    pop_used = np.stack([b["pop"] for b in blocks])
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
    with np.errstate(over="ignore", invalid="ignore"):
        overhead = np.where(reach, ovh + 2.0 * hop_ovh * n_sats, np.nan)
        rtt_ms = 2.0 * total + overhead
    check_finite_result(np.where(reach, rtt_ms, 0.0), "overhead_ms and hop_overhead_ms")
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
    cols["backhaul_ms"] = nullable(2.0 * comp["backhaul"])
    cols["pop_fibre_ms"] = nullable(2.0 * (comp["fibre"] - comp["backhaul"]))
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
    cols["pop"] = pd.array(np.where(reach.ravel(), pop_used.ravel(), None), dtype="string")
    return pd.DataFrame(cols)[_COLUMNS]


# --------------------------------------------------------------------------- delay models
class _Delays(NamedTuple):
    """Step 1c of :func:`rtt`: the delay model, its preset and the sampling."""

    model: str                      # "propagation", "idle" or "loaded"
    preset: object                  # satcloud.delays.DelayPreset, or None (propagation)
    preset_name: str | None
    last_mile: str | None           # fibre only
    samples: int | None
    seed: int | None


def _resolve_delays(net, delay_model, samples, seed, delay_presets, last_mile) -> _Delays:
    """Step 1c: ``delay_model`` and its preset (the network's ``delay_preset`` in the
    registry unless ``delay_presets`` names or overrides one), checked."""
    from satcloud import delays

    model = check_choice(delay_model, "delay_model", delays.DELAY_MODELS)
    if samples is not None:
        samples = as_int(samples, "samples", 1)
        if seed is None:
            raise ValueError("samples needs a seed (an int >= 0) so the draws are "
                             "reproducible, e.g. rtt(..., samples=100, seed=1)")
    if seed is not None:
        seed = as_int(seed, "seed", 0)
        if samples is None:
            raise ValueError(f"seed={seed!r} is only used with samples=N; give samples too "
                             "(or leave seed out)")
    if samples is not None and model == "propagation":
        raise ValueError("samples apply to delay_model='idle' or 'loaded' (propagation has "
                         "no random part); got delay_model='propagation'")
    if last_mile is not None:
        if net.kind != "fibre":
            raise ValueError(f"last_mile={last_mile!r} applies to network 'fibre' only: a "
                             f"satellite user's access is the dish (its access_ms), not a "
                             f"terrestrial line; network {net.label!r} has none")
        last_mile = check_choice(last_mile, "last_mile", delays.LAST_MILE_TECHNOLOGIES)
    elif net.kind == "fibre":
        last_mile = delays.DEFAULT_LAST_MILE
    if model == "propagation" and delay_presets is None:
        return _Delays(model, None, None, last_mile, None, None)
    if delay_presets is None or (isinstance(delay_presets, Mapping)
                                 and "base" not in delay_presets):
        # a propagated constellation of the registry (its name is a network's, as the
        # gateways default reads it) takes that network's preset
        reg = _registry_network(net.name if net.name is not None else net.label)
        base = None if reg is None else reg.delay_preset
        if base is None:
            raise ValueError(f"network {net.label!r} has no delay preset in the registry "
                             f"(data/networks.csv, column delay_preset); pass delay_presets="
                             f"one of {list(delays.preset_names())}")
        if isinstance(delay_presets, Mapping):
            delay_presets = {"base": base, **delay_presets}
        else:
            delay_presets = base
    try:
        preset = delays.delay_preset(delay_presets)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"delay_presets: {exc}") from None
    return _Delays(model, preset, preset.name, last_mile, samples, seed)


def _components(net_kind: str, d: _Delays) -> dict:
    """Component name -> :class:`satcloud.delays.DelayComponent` for this network's rows
    under the delay model (all zero for ``"propagation"``)."""
    from satcloud.delays import DelayComponent

    zero = DelayComponent()
    comp = {"access": zero, "last_mile": zero, "queueing": zero}
    if d.model == "propagation":
        return comp
    if net_kind == "fibre":
        comp["last_mile"] = d.preset.last_mile[d.last_mile]
    else:
        comp["access"] = d.preset.access
    if d.model == "loaded":
        comp["queueing"] = d.preset.queueing
    return comp


def _add_delays(table: pd.DataFrame, net, d: _Delays) -> pd.DataFrame:
    """Step 4b: the delay model's columns (``access_ms``, ``last_mile_ms``,
    ``queueing_ms``), ``rtt_ms`` their sum with propagation (the median of the snapshot:
    the components share one standard-normal draw, :mod:`satcloud.delays`), its
    ``rtt_p05_ms`` / ``rtt_p95_ms``; with ``samples`` one row per draw."""
    from satcloud._validate import check_memory

    comp = _components(net.kind, d)
    reach = table["reachable"].to_numpy(bool)
    prop = table["rtt_ms"].to_numpy(dtype=float, na_value=np.nan)

    def nullable(x):
        x = np.asarray(x, float)
        return pd.arrays.FloatingArray(np.where(reach, x, 0.0), ~reach)

    q = _delay_quantiles(comp)
    extra = sum(q[0.5].values())
    table["rtt_ms"] = nullable(prop + extra)
    for k in comp:
        table[f"{k}_ms"] = nullable(np.full(len(table), q[0.5][k]))
    table["rtt_p05_ms"] = nullable(prop + sum(q[0.05].values()))
    table["rtt_p95_ms"] = nullable(prop + sum(q[0.95].values()))
    table["delay_model"] = d.model
    table["delay_preset"] = pd.array([d.preset_name] * len(table), dtype="string")
    if d.samples is None:
        return table
    n = d.samples
    check_memory(float(len(table)) * n * (table.shape[1] + 1) * 8.0,
                 f"rtt: {n} samples x {len(table)} rows",
                 "give fewer samples, fewer times or fewer sites (or loop over sites)")
    rng = np.random.default_rng(d.seed)
    keys = _draw_keys(table, d.preset)
    uniq, inv = np.unique(keys, return_inverse=True)
    z = rng.standard_normal((len(uniq), n))[inv]                         # [R, n]
    out = table.loc[table.index.repeat(n)].reset_index(drop=True)
    out.insert(out.columns.get_loc("reachable") + 1, "sample", np.tile(np.arange(n),
                                                                       len(table)))
    zr = z.ravel()
    r2 = np.repeat(reach, n)
    total = np.repeat(prop, n)
    for k, c in comp.items():
        v = c.draw(zr)
        total = total + v
        out[f"{k}_ms"] = pd.arrays.FloatingArray(np.where(r2, v, 0.0), ~r2)
    out["rtt_ms"] = pd.arrays.FloatingArray(np.where(r2, total, 0.0), ~r2)
    return out


def _delay_quantiles(comp: dict) -> dict:
    """{0.05, 0.5, 0.95} -> {component: its quantile} [ms] of :func:`_components`."""
    return {p: {k: float(c.quantile(p)) if c.sigma > 0 else c.median_ms
                for k, c in comp.items()} for p in (0.05, 0.5, 0.95)}


def _draw_keys(table: pd.DataFrame, preset) -> np.ndarray:
    """One key per row: rows with one key share their draws. A terminal's delay is
    redrawn each ``period_s`` (Starlink: each 15 s slot of the global scheduler, at
    ``phase_s`` past the multiple), else at each snapshot."""
    src = pd.factorize(table["source"])[0].astype(np.int64)
    if preset.period_s is not None and table["time"].notna().all():
        t = table["time"].to_numpy("datetime64[ns]").astype(np.int64) / 1e9
        slot = np.floor((t - preset.phase_s) / preset.period_s).astype(np.int64)
    else:
        slot = pd.factorize(table["time_s"])[0].astype(np.int64)
    slot = slot - slot.min()
    return src * (int(slot.max()) + 1) + slot


def _home_pop_destinations(net, opt: dict, sources):
    """``destinations="home PoP"``: the distinct home PoPs of the users as a site table,
    and each user's home PoP code; refused where the gateways have no home PoP."""
    from satcloud import ground
    from satcloud.sites import site_countries

    gw = opt.get("gateways")
    name = None
    if gw is None and net.kind != "fibre":
        reg = _registry_network(net.name)
        name = "starlink-pops" if reg is None else reg.gateways
        gw = _gateways(name)
    fed = (gw is not None and opt.get("destination_access") == "gateway"
           and "backhaul" in gw.columns and (gw["backhaul"] == "home-pop").any())
    if not fed:
        what = (f"its gateways ({name!r})" if name is not None else "its gateways"
                ) if net.kind != "fibre" else "it has no gateways"
        raise ValueError(
            f"destinations='home PoP' needs gateways that backhaul to the user's home PoP "
            f"from a ground-segment feed (SpaceX's GeoIP feed: gateways='starlink-gateways', "
            f"the default of the Starlink networks); network {net.label!r} has none: "
            f"{what} land at fixed sites, and no operator feed says which PoP homes a "
            f"user. Options that remain: destinations= site names or a site table, "
            f"'nearest Azure region' or 'nearest AWS region'")
    if sources is None:
        raise ValueError("sources is required: city or site names, or a table with "
                         "lat_deg, lon_deg and a name column")
    src = resolve_sites(sources, "sources")
    homes = ground.home_pop(src["lat_deg"].to_numpy(float), src["lon_deg"].to_numpy(float),
                            country=list(site_countries(sources, "sources")))
    first = homes.drop_duplicates("pop")
    dst = pd.DataFrame({"name": first["pop"].to_numpy(object),
                        "lat_deg": first["pop_lat_deg"].to_numpy(float),
                        "lon_deg": first["pop_lon_deg"].to_numpy(float)})
    return dst, dict(zip(src["name"].to_numpy(object), homes["pop"].to_numpy(object),
                         strict=True))


def _keep_home_pop(table: pd.DataFrame, home: dict) -> pd.DataFrame:
    """The rows of each user to its own home PoP, target ``"home PoP"``."""
    want = table["source"].map(home).to_numpy(object)
    keep = table["destination"].astype(object).to_numpy() == want
    out = table.loc[keep].reset_index(drop=True)
    out["target"] = HOME_POP
    return out


# --------------------------------------------------------------------------- summaries
def summarize(df: pd.DataFrame, by=("source", "target", "network", "mode")) -> pd.DataFrame:
    """Per-group RTT statistics over the reachable rows, with reachability counted.

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`rtt` (or several concatenated).
    by : str or sequence of str
        Grouping columns.

    Returns
    -------
    pandas.DataFrame
        Per group: ``n_times``, ``n_reachable``, ``fraction_reachable`` [-],
        ``rtt_min_ms``, ``rtt_median_ms``, ``rtt_p95_ms``, ``rtt_max_ms`` (over
        reachable rows only; ``<NA>`` when none is reachable) [ms], ``rtt_p05_ms``
        (likewise) [ms], ``n_samples`` (draws per snapshot: the statistics run over
        times *and* samples of ``rtt(..., samples=N)``; without samples, over the
        per-snapshot medians) [-], ``floor_ms`` (median
        of the per-row floors to the destinations reached) [ms], ``target_floor_ms``
        (the vacuum floor to the target, the same for every network) [ms], and
        ``path_changes_per_hour``: how often the
        route (satellite path, gateway or destination, or reachability) differs from
        the previous snapshot, per hour of the time span (``<NA>`` for a single
        snapshot) [1/h].
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be the DataFrame rtt() returns, got {type(df).__name__}")
    if not isinstance(by, str | list | tuple):
        raise TypeError(f"by must be a column name or a list of column names, got "
                        f"{by!r:.100}")
    by = [by] if isinstance(by, str) else list(by)
    if not by or not all(isinstance(c, str) for c in by):
        raise ValueError(f"by must name one or more columns of df, got {by!r}")
    need = ["rtt_ms", "reachable", "time_s", "floor_ms", "sat_path", "gateway",
            "destination"]
    missing = [c for c in dict.fromkeys(need) if c not in df.columns]
    if missing:
        raise ValueError(f"df lacks column(s) {missing}; pass the output of rtt()")
    absent = [c for c in by if c not in df.columns]
    if absent:
        raise ValueError(f"by names column(s) {absent} that df lacks; columns: "
                         f"{list(df.columns)}")
    if len(df) == 0:
        raise ValueError("df has no rows; pass the output of rtt()")
    if df["reachable"].dtype != bool:
        raise TypeError(f"df column reachable must be boolean, got {df['reachable'].dtype}")
    reached = df["reachable"].to_numpy()
    as_float_array(df["rtt_ms"].to_numpy(dtype=float, na_value=np.nan)[reached],
                   "df column rtt_ms (reachable rows)", finite=True)
    as_float_array(df["floor_ms"].to_numpy(dtype=float, na_value=np.nan),
                   "df column floor_ms", finite=True)
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
                       rtt_p95_ms=np.percentile(vals, 95), rtt_max_ms=vals.max(),
                       rtt_p05_ms=np.percentile(vals, 5))
        else:
            row.update(rtt_min_ms=pd.NA, rtt_median_ms=pd.NA, rtt_p95_ms=pd.NA,
                       rtt_max_ms=pd.NA, rtt_p05_ms=pd.NA)
        row["n_samples"] = int(g["sample"].nunique()) if "sample" in g.columns else 1
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
    for c in ("rtt_min_ms", "rtt_median_ms", "rtt_p95_ms", "rtt_max_ms", "rtt_p05_ms",
              "path_changes_per_hour"):
        res[c] = pd.array(res[c].to_numpy(dtype=object), dtype="Float64")
    return res


def _na_to_none(series: pd.Series) -> list:
    return [None if v is pd.NA or v is None or (isinstance(v, float) and v != v) else v
            for v in series.astype(object)]


def _check_systems(systems) -> list[tuple]:
    """``systems`` as a non-empty list of (network, mode) pairs, each checked."""
    valid = {k: list(v) for k, v in registry.network_modes().items()}
    if isinstance(systems, (str, bytes)) or not isinstance(systems, Iterable):
        raise TypeError(f"systems must be a sequence of (network, mode) pairs, e.g. "
                        f"[('fibre', 'typical'), ('starlink-gen1', 'isl')], got "
                        f"{type(systems).__name__} {systems!r}")
    out = []
    for item in systems:
        if not (isinstance(item, (tuple, list)) and len(item) == 2):
            raise ValueError(f"systems entries must be (network, mode) pairs, got {item!r}; "
                             f"networks and their modes: {valid}")
        _resolve_mode(item[0], item[1])
        out.append(tuple(item))
    if not out:
        raise ValueError(f"systems is empty; give at least one (network, mode) pair, e.g. "
                         f"{list(DEFAULT_COMPARISON[:2])}; networks and their modes: {valid}")
    return out


def compare_rtt(sources, destinations="nearest Azure region", times=None,
                systems=DEFAULT_COMPARISON, **kwargs) -> pd.DataFrame:
    """:func:`rtt` for several (network, mode) systems on the same pairs, stacked.

    Parameters
    ----------
    sources, destinations, times
        As for :func:`rtt`.
    systems : sequence of (network, mode)
        Systems to run, at least one; default :data:`DEFAULT_COMPARISON` (fibre ideal
        and typical, GEO, O3b MEO, Starlink bent pipe and ISL, Kuiper, OneWeb).
    **kwargs
        Options of :func:`rtt`; each system gets those that apply to it
        (:func:`options_by_system`), and an option that applies to none of them is an
        error. The delay options (:data:`DELAY_OPTIONS`) go to every system, except
        ``last_mile``, which goes to the fibre systems.

    Returns
    -------
    pandas.DataFrame
        The tidy rows of every system (each carries ``floor_ms``).
    """
    systems = _check_systems(systems)
    delay = {k: kwargs.pop(k) for k in DELAY_OPTIONS if k in kwargs}
    per_system = options_by_system(systems, kwargs)
    last_mile = delay.pop("last_mile", None)
    kinds = [_network_kind(n)[0] for n, _ in systems]
    if last_mile is not None and "fibre" not in kinds:
        raise ValueError(f"last_mile={last_mile!r} applies to network 'fibre' only, and "
                         f"none of the systems is fibre")
    frames = []
    for (network, mode), options, kind in zip(systems, per_system, kinds, strict=True):
        extra = {"last_mile": last_mile} if kind == "fibre" else {}
        frames.append(rtt(network, mode, sources, destinations, times, **options,
                          **delay, **extra))
    return pd.concat(frames, ignore_index=True)


def compare(sources, destinations="nearest Azure region", times=None,
            systems=DEFAULT_COMPARISON, **kwargs) -> pd.DataFrame:
    """Side-by-side RTT summary of several systems, the vacuum floor in every row.

    Returns :func:`summarize` of :func:`compare_rtt` (same parameters: ``systems``
    is a non-empty sequence of (network, mode) pairs; each option of ``**kwargs`` goes
    to the systems it applies to), with ``rtt_median_over_floor`` (median RTT /
    ``target_floor_ms``, the vacuum floor to the target, the same for every system;
    ``<NA>`` where the floor is 0 or nothing is reachable).

    Parameters
    ----------
    sources, destinations, times
        As in :func:`compare_rtt` and :func:`rtt`.
    systems : sequence of (network, mode), optional
        Systems to run, at least one (default :data:`DEFAULT_COMPARISON`).
    **kwargs
        Options of :func:`rtt`, each passed to the systems it applies to.
    """
    table = summarize(compare_rtt(sources, destinations, times, systems, **kwargs))
    med = table["rtt_median_ms"].astype("Float64")
    floor = pd.array(table["target_floor_ms"].to_numpy(float), dtype="Float64")
    floor[floor == 0] = pd.NA
    table["rtt_median_over_floor"] = med / floor
    return table


# --------------------------------------------------------------------------- the map
#: Destinations :func:`rtt_map` knows: the user's home PoP and the nearest cloud regions.
MAP_DESTINATIONS = (HOME_POP, *NEAREST_REGION)
_MAP_PARTS = ("user_link_ms", "isl_ms", "gateway_link_ms", "fibre_ms", "backhaul_ms",
              "pop_fibre_ms", "overhead_ms")
_MAP_BYTES_PER_ROW = 8 * 8 + 2 + 3 * 4    # per (time, cell, target): the block arrays
_MAP_TABLE_BYTES_PER_ROW = 24 * 8         # per (time, cell, target) of per_time output


def rtt_map(network="starlink", mode=None, cells=None, times=None, *,
            destinations=(HOME_POP, "nearest Azure region"), delay_model="idle",
            delay_presets=None, route_factor=DEFAULT, gateways=DEFAULT,
            gateway_min_elevation_deg=DEFAULT, min_elevation_deg=DEFAULT,
            gso_arc_avoidance_deg=DEFAULT, max_isl_range_km=DEFAULT,
            grazing_altitude_km=DEFAULT, time_chunk=DEFAULT, per_time=False,
            scheduler="synchronous", client=None, n_workers=None, snapshots_per_task=4,
            progress=None):
    """Round-trip time from every cell of a map to its home PoP and nearest cloud region.

    The numbers of :func:`rtt` (same network, mode, options and delay model; the
    serving satellite re-chosen at every snapshot, as :func:`rtt` does for snapshots at
    least its 15 s reassignment interval apart), computed the other way round: there
    are ~70 home PoPs and ~50 regions but ~15,000 populated cells, so per snapshot one
    Dijkstra per destination group runs over the satellites, laser links and gateways
    (:func:`satcloud.network.routing.iter_destination_routes`) and each cell then takes
    its best serving satellite in view plus that precomputed delay, a vectorised
    minimum. A group is a home PoP: for ``"home PoP"`` the destination itself, for
    ``"nearest Azure region"`` the region nearest that PoP (the fibre behind every
    gateway runs through the user's home PoP, so a user's best region depends on its
    PoP only). Snapshots run one after another in this process
    (``scheduler="synchronous"``) or as Dask tasks of ``snapshots_per_task``
    snapshots on a cluster (``scheduler="distributed"``, as :func:`satcloud.sweep.sweep`
    finds one).

    Parameters
    ----------
    network : str, Constellation or Ephemeris
        A non-geostationary network of the registry with gateway access (default
        ``"starlink"``, the constellation of 2026-04-02 at its real gateways), a
        constellation or propagated positions, as for :func:`rtt`. Networks whose bent
        pipe has a service region (``max_gateway_distance_km``: GEO, MEO) are refused:
        use :func:`rtt`.
    mode : {"isl", "bent-pipe"}, optional
        As for :func:`rtt` (default: the network's, ``"isl"`` for Starlink). [-]
    cells : pandas.DataFrame, optional
        The map's cells: ``lat_deg``, ``lon_deg`` [deg], optionally ``country`` (codes
        or names; else the country of the coordinates), ``population`` [-] and
        ``name``; default :func:`satcloud.data.demand_grid` (the 14,715 populated
        1 degree land cells, one row per (cell, country): 16,479 rows).
    times : astropy.time.Time or (start, duration, step) tuple
        Snapshot times, at least one, consecutive ones at least the 15 s reassignment
        interval apart (:func:`rtt`'s ``reassign_interval_s``; closer snapshots would hold
        the serving satellite: use :func:`rtt`).
    destinations : str or sequence of str
        Targets among :data:`MAP_DESTINATIONS`: ``"home PoP"`` (needs gateways that
        backhaul to the user's home PoP, as :func:`rtt`), ``"nearest Azure region"``,
        ``"nearest AWS region"``.
    delay_model : {"propagation", "idle", "loaded"}
        As for :func:`rtt` (default ``"idle"``, what an idle user measures).
    delay_presets : str, dict or pandas.DataFrame, optional
        As for :func:`rtt`.
    route_factor, gateways, gateway_min_elevation_deg, min_elevation_deg
        As for :func:`rtt` (route factor [-], elevations [deg]).
    gso_arc_avoidance_deg, max_isl_range_km, grazing_altitude_km, time_chunk
        As for :func:`rtt` (angle [deg], distances [km], snapshots per propagation [-]).
    per_time : bool
        Also return the per-snapshot values as an :class:`xarray.Dataset` over
        ``target x time x cell``.
    scheduler : {"synchronous", "distributed"}
        Where the snapshots run: in this process, or as Dask tasks.
    client : distributed.Client or str, optional
        With ``"distributed"``: a client or scheduler address, as for
        :func:`satcloud.sweep.sweep` (default: ``$SATCLOUD_DASK_SCHEDULER``, the
        session's client, or a new local cluster).
    n_workers : int, optional
        Workers of the local cluster started on demand. [-]
    snapshots_per_task : int
        Snapshots per Dask task (each task propagates its own), >= 1. [-]
    progress : bool or None
        Show a progress bar over the snapshots (:mod:`satcloud._progress`; ``None``:
        the module switch).

    Returns
    -------
    pandas.DataFrame or (pandas.DataFrame, xarray.Dataset)
        One row per (target, cell): ``target``, ``cell`` (the name), ``lat_deg``,
        ``lon_deg`` [deg], ``country``, ``population`` (when given), ``network``,
        ``mode``, ``n_times``, ``fraction_reachable`` (share of snapshots with a path)
        [-], ``bent_pipe_share`` (of the reachable snapshots, the share whose path is one
        satellite, no laser) [-]; then at the **median snapshot** (over the reachable
        snapshots, the lower median for an even count, so that it is one snapshot's
        path): ``rtt_ms`` [ms], its parts as :func:`rtt` gives them
        (``user_link_ms``, ``isl_ms``, ``gateway_link_ms``, ``fibre_ms`` =
        ``backhaul_ms`` + ``pop_fibre_ms``, ``overhead_ms``, ``access_ms``,
        ``last_mile_ms``, ``queueing_ms``) and their physical sum ``propagation_ms`` [ms],
        ``floor_ms`` (vacuum round trip to the destination reached) [ms],
        ``destination``, ``gateway``, ``pop``, ``hops`` [-]; over time: ``rtt_min_ms``,
        ``rtt_p05_ms``, ``rtt_p95_ms`` (percentiles of the per-snapshot ``rtt_ms``, as
        :func:`summarize`) [ms], and ``target_floor_ms`` [ms], ``delay_model``,
        ``delay_preset``. Cells never reachable keep ``<NA>`` in the delay columns.

    Raises
    ------
    TypeError
        ``cells`` not a DataFrame, options of the wrong type.
    ValueError
        An unknown destination (with the valid ones), ``cells`` without ``lat_deg``
        or ``lon_deg`` or with repeated rows, a network or option that does not apply,
        snapshots closer than 15 s, or a result that would not fit in memory
        (:func:`satcloud._validate.check_memory`).

    See Also
    --------
    rtt : the per-source path engine this equals (tested to 1e-9 ms).
    """
    from satcloud._validate import check_memory

    given = {"route_factor": route_factor, "gateways": gateways,
             "gateway_min_elevation_deg": gateway_min_elevation_deg,
             "min_elevation_deg": min_elevation_deg,
             "gso_arc_avoidance_deg": gso_arc_avoidance_deg,
             "max_isl_range_km": max_isl_range_km,
             "grazing_altitude_km": grazing_altitude_km, "time_chunk": time_chunk}
    targets = _map_targets(destinations)
    per_time = as_bool(per_time, "per_time")
    scheduler = check_choice(scheduler, "scheduler", ("synchronous", "distributed"))
    per_task = as_int(snapshots_per_task, "snapshots_per_task", 1)
    if scheduler == "synchronous" and (client is not None or n_workers is not None):
        raise ValueError("scheduler='synchronous' runs in this process; give client= or "
                         "n_workers= only with scheduler='distributed'")
    _progress.resolve(progress)   # checks the value; the bar takes it as given
    net = _resolve_network(network, mode)
    if net.kind != "satellite":
        raise ValueError(f"rtt_map maps non-geostationary satellite networks (LEO, MEO "
                         f"without a service region); network {net.label!r} is "
                         f"{net.kind}: use rtt()")
    opt = _resolve_options(net, network, given, 0.0, False)
    if opt["destination_access"] != "gateway":   # pragma: no cover - not an option here
        raise AssertionError("internal: rtt_map routes to gateways")
    delay = _resolve_delays(net, delay_model, None, None, delay_presets, None)
    if net.mode == "bent-pipe" and _resolve_max_gateway_distance(
            opt["max_gateway_distance_km"], net.label) is not None:
        raise ValueError(f"network {net.label!r}: its bent pipe lands only in its service "
                         f"region (max_gateway_distance_km), a per-cell constraint "
                         f"rtt_map does not model; use rtt()")
    src = _map_cells(cells)
    times = _resolve_network_times(network, times)
    if times is None:
        raise ValueError(f"times is required for network {net.label!r}")
    times_s = (times - times[0]).to(_u_s()).value
    epoch = np.floor(times_s / OPTION_DEFAULTS["reassign_interval_s"] + 1e-9)
    if len(times) > 1 and (np.diff(epoch) == 0).any():
        raise ValueError(f"times: consecutive snapshots must be at least "
                         f"{OPTION_DEFAULTS['reassign_interval_s']:g} s apart (rtt holds the "
                         f"serving satellite for its reassignment interval; rtt_map re-"
                         f"chooses it every snapshot); use rtt() for finer steps")
    n_t, n_s, n_k = len(times), len(src), len(targets)
    check_memory(float(n_t) * n_s * n_k * (_MAP_BYTES_PER_ROW + (
        _MAP_TABLE_BYTES_PER_ROW if per_time else 0)),
        f"rtt_map: {n_t} snapshots x {n_s} cells x {n_k} targets",
        "give fewer cells or fewer times (or map the times in parts)")
    runner, owned = None, False
    if scheduler == "distributed":
        from satcloud.sweep import _resolve_client

        runner, owned = _resolve_client(client, n_workers)
    try:
        gw = _network_gateways(opt, net.name if net.name is not None else net.label)
        # the cells' home PoPs on the workers while this process loads the satellites
        homes = _map_homes(src, gw, runner)
        sats = _positions(network, net, times, opt)
        plan = _map_plan(net, opt, src, targets, gw, homes=homes)
        payload = dict(
            src_lat=src["lat_deg"].to_numpy(float), src_lon=src["lon_deg"].to_numpy(float),
            group=plan.group, ex_lat=gw["lat_deg"].to_numpy(float),
            ex_lon=gw["lon_deg"].to_numpy(float), fib=plan.w,
            sat_min_elevation_deg=sats.min_elevation_deg,
            exit_min_elevation_deg=opt["gateway_min_elevation_deg"],
            isl_edges=_isl_edges(sats, net, opt), max_isl_range_km=opt["max_isl_range_km"],
            grazing_altitude_km=opt["grazing_altitude_km"],
            gso_arc_avoidance_deg=_resolve_gso_arc(opt["gso_arc_avoidance_deg"], sats.label))
        with _progress.bar(n_t, "rtt map", unit="snapshot", progress=progress) as bar:
            if runner is None:
                blocks = [_map_block(sats.positions(), payload, bar)]
            else:
                blocks = _map_dask(network, times, opt["time_chunk"], payload, per_task,
                                   runner, bar)
    finally:
        if owned:
            runner.close()
    arrays = {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}
    return _map_tables(arrays, plan, src, targets, times, net, sats.label, delay, gw,
                       per_time)


def _map_targets(destinations) -> list[str]:
    """``destinations`` as a non-empty list of :data:`MAP_DESTINATIONS`, checked."""
    values = [destinations] if isinstance(destinations, str) else destinations
    if not isinstance(values, (list, tuple)) or not values:
        raise TypeError(f"destinations must be one of {list(MAP_DESTINATIONS)} or a "
                        f"non-empty list of them, got {destinations!r:.100}")
    lower = {d.lower(): d for d in MAP_DESTINATIONS}
    out = []
    for v in values:
        key = lower.get(v.strip().lower()) if isinstance(v, str) else None
        if key is None:
            raise ValueError(f"destinations: unknown destination {v!r}; rtt_map maps to "
                             f"{list(MAP_DESTINATIONS)} (for given sites use rtt())")
        if key in out:
            raise ValueError(f"destinations names {key!r} twice")
        out.append(key)
    return out


def _map_cells(cells) -> pd.DataFrame:
    """The map's cells: ``name``, ``lat_deg``, ``lon_deg`` (+ ``country``,
    ``population`` when given), checked; default the populated 1 degree grid."""
    if cells is None:
        cells = data.demand_grid()
    if not isinstance(cells, pd.DataFrame):
        raise TypeError(f"cells must be a DataFrame with lat_deg and lon_deg [deg] (e.g. "
                        f"satcloud.data.demand_grid()), got {type(cells).__name__}")
    missing = [c for c in ("lat_deg", "lon_deg") if c not in cells.columns]
    if missing:
        raise ValueError(f"cells lacks column(s) {missing}; give lat_deg and lon_deg [deg] "
                         f"(optionally country, population, name); columns given: "
                         f"{list(cells.columns)}")
    if len(cells) == 0:
        raise ValueError("cells has no rows; give at least one cell")
    lat = as_float_array(cells["lat_deg"], "cells column lat_deg", finite=True)
    lon = as_float_array(cells["lon_deg"], "cells column lon_deg", finite=True)
    out = pd.DataFrame({"lat_deg": lat, "lon_deg": lon})
    if "country" in cells.columns:
        out["country"] = cells["country"].fillna("").astype(str).to_numpy(object)
    if "population" in cells.columns:
        out["population"] = cells["population"].to_numpy()
    if "name" in cells.columns:
        names = cells["name"].astype(str).to_numpy(object)
    else:
        cc = out["country"] if "country" in out else pd.Series([""] * len(out))
        names = np.array([f"{a:.4f},{b:.4f} {c}".rstrip() for a, b, c in
                          zip(lat, lon, cc, strict=True)], dtype=object)
    dup = pd.Index(names).duplicated()
    if dup.any():
        raise ValueError(f"cells has repeated rows (name {names[np.flatnonzero(dup)[0]]!r}); "
                         f"give each (lat_deg, lon_deg, country) once or a unique name")
    out.insert(0, "name", names)
    return out


class _MapTarget(NamedTuple):
    """One target of :func:`rtt_map`: its candidate destinations and floor."""

    dst: pd.DataFrame          # name, lat_deg, lon_deg
    nearest: bool              # the nearest (by RTT) of the candidates
    target_floor: np.ndarray   # [S] vacuum RTT to the target (nearest: closest) [ms]


def _pair_floor(src: pd.DataFrame, dst: pd.DataFrame, s_idx, d_idx) -> np.ndarray:
    """Vacuum RTT over the geodesic between source ``s_idx`` and destination ``d_idx``
    (arrays of one shape), each distinct pair computed once, as :func:`_resolve_ends`
    computes it for :func:`rtt`. [ms]"""
    s_idx, d_idx = np.asarray(s_idx), np.asarray(d_idx)
    key = s_idx.astype(np.int64) * len(dst) + d_idx
    uniq, inv = np.unique(key.ravel(), return_inverse=True)
    us, ud = np.divmod(uniq, len(dst))
    v = vacuum_rtt_ms(geodesic_distance_km(
        src["lat_deg"].to_numpy(float)[us], src["lon_deg"].to_numpy(float)[us],
        dst["lat_deg"].to_numpy(float)[ud], dst["lon_deg"].to_numpy(float)[ud]))
    return v[inv].reshape(key.shape)


def _nearest_geodesic_km(lat, lon, d_lat, d_lon) -> np.ndarray:
    """The WGS84 geodesic distance from each point to the nearest destination [km],
    computing geodesics only for the destinations a sphere puts within 1.2 % (+1 km)
    of the nearest (the sphere of the mean radius is within 0.6 % of the ellipsoid)."""
    p1, p2 = np.radians(lat)[:, None], np.radians(d_lat)[None, :]
    dl = np.radians(d_lon)[None, :] - np.radians(lon)[:, None]
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    sph = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))      # [S, D]
    s_i, d_i = np.nonzero(sph <= sph.min(axis=1, keepdims=True) * 1.012 + 1.0)
    d = geodesic_distance_km(lat[s_i], lon[s_i], d_lat[d_i], d_lon[d_i])
    out = np.full(len(lat), np.inf)
    np.minimum.at(out, s_i, d)
    return out


class _MapPlan(NamedTuple):
    """The destination groups of :func:`rtt_map`: per group ``p`` (a home PoP, for one
    target), the one-way delay from each gateway to the destination of the group and
    which destination that is."""

    group: np.ndarray          # [S, K] group of each cell per target
    w: np.ndarray              # [X, G] one-way delay gateway -> destination [ms]
    dest: np.ndarray           # [X, G] destination index (into the target's table)
    backhaul: np.ndarray       # [X, G] one-way gateway -> PoP leg [ms]
    pop: np.ndarray            # [X, G] PoP code
    ends: list                 # per target, its _MapTarget


def _map_plan(net, opt, src: pd.DataFrame, targets, gw, homes=None) -> _MapPlan:
    """The groups of :func:`rtt_map`: one per home PoP among the cells (one in all for
    gateways with fixed PoPs), each with its gateway -> PoP -> destination delays, as
    :func:`_backhaul_groups` builds them for :func:`rtt`; the users' home PoPs are
    looked up once for every target."""
    n_s, n_x = len(src), len(gw)
    home_rows = (gw["backhaul"].to_numpy(object) == "home-pop") if "backhaul" in gw.columns \
        else np.zeros(n_x, bool)
    if HOME_POP in targets and not home_rows.any():
        _home_pop_destinations(net, opt, src)      # raises, saying why and what remains
    lat, lon = src["lat_deg"].to_numpy(float), src["lon_deg"].to_numpy(float)
    if home_rows.any():
        homes = _cell_homes(src) if homes is None else (
            homes.result() if hasattr(homes, "result") else homes)
        codes = homes["pop"].to_numpy(object)
        first = homes.drop_duplicates("pop")
        members = pd.Series(np.arange(n_s)).groupby(codes, sort=False).indices
        groups = [(members[c], homes.iloc[int(i)]) for c, i in
                  zip(first["pop"], first.index, strict=True)]
    else:
        groups = [(np.arange(n_s), None)]
    f = resolve_route_factor(opt["route_factor"])
    glat, glon = gw["lat_deg"].to_numpy(float), gw["lon_deg"].to_numpy(float)
    group = np.zeros((n_s, len(targets)), np.int64)
    cols = {"w": [], "dest": [], "backhaul": [], "pop": []}
    ends_all = []
    for k, target in enumerate(targets):
        if target == HOME_POP:
            dst = pd.DataFrame({"name": first["pop"].to_numpy(object),
                                "lat_deg": first["pop_lat_deg"].to_numpy(float),
                                "lon_deg": first["pop_lon_deg"].to_numpy(float)})
            d_home = pd.Index(dst["name"]).get_indexer(codes)
            ends = _MapTarget(dst, False, _pair_floor(src, dst, np.arange(n_s), d_home))
        else:
            regions = NEAREST_REGION[target]()
            dst = pd.DataFrame({"name": regions["region"].to_numpy(),
                                "lat_deg": regions["lat_deg"].to_numpy(float),
                                "lon_deg": regions["lon_deg"].to_numpy(float)})
            ends = _MapTarget(dst, True, vacuum_rtt_ms(_nearest_geodesic_km(
                lat, lon, dst["lat_deg"].to_numpy(float), dst["lon_deg"].to_numpy(float))))
        ends_all.append(ends)
        d_lat, d_lon = ends.dst["lat_deg"].to_numpy(float), ends.dst["lon_deg"].to_numpy(float)
        for idx, home in groups:
            table = _homed_gateways(gw, home, home_rows)
            pop, plat, plon = (table[c].to_numpy() for c in ("pop", "pop_lat_deg",
                                                              "pop_lon_deg"))
            if target == HOME_POP:
                d = np.full(n_x, d_home[idx[0]])
            elif home is not None and home_rows.all():
                # every gateway backhauls to the one PoP: the region nearest that PoP is
                # the quickest from every gateway (the gateway leg is common)
                d = np.full(n_x, int(np.argmin(geodesic_distance_km(
                    plat[0], plon[0], d_lat, d_lon))))
            else:
                d = np.argmin(gateway_to_destination_ms(table, d_lat, d_lon,
                                                        opt["route_factor"]), axis=1)
            uniq, inv = np.unique(d, return_inverse=True)
            w = gateway_to_destination_ms(table, d_lat[uniq], d_lon[uniq],
                                          opt["route_factor"])[np.arange(n_x), inv]
            p = len(cols["w"])
            group[idx, k] = p
            cols["w"].append(w)
            cols["dest"].append(d)
            cols["backhaul"].append(f * geodesic_distance_km(glat, glon, plat, plon)
                                    / C_FIBRE_KM_PER_S * 1e3)
            cols["pop"].append(pop)
    return _MapPlan(group, *(np.stack(cols[c], axis=1) for c in ("w", "dest", "backhaul",
                                                                  "pop")), ends_all)


def _map_block(positions, payload: dict, bar=None) -> dict:
    """The routes of a block of snapshots as arrays ``[t, S, K]``."""
    from satcloud.network.routing import iter_destination_routes

    p = payload
    out = {k: [] for k in ("total", "up", "isl", "down", "fibre", "n_sats", "exit", "group")}
    for snap in iter_destination_routes(
            positions, p["src_lat"], p["src_lon"], p["group"], p["ex_lat"], p["ex_lon"],
            p["fib"], sat_min_elevation_deg=p["sat_min_elevation_deg"],
            exit_min_elevation_deg=p["exit_min_elevation_deg"], isl_edges=p["isl_edges"],
            max_isl_range_km=p["max_isl_range_km"],
            grazing_altitude_km=p["grazing_altitude_km"],
            gso_arc_avoidance_deg=p["gso_arc_avoidance_deg"]):
        out["total"].append(snap.total_ms)
        out["up"].append(snap.uplink_ms)
        out["isl"].append(snap.isl_ms)
        out["down"].append(snap.downlink_ms)
        out["fibre"].append(snap.fibre_ms)
        out["n_sats"].append(snap.n_sats.astype(np.int16))
        out["exit"].append(snap.exit_index.astype(np.int32))
        out["group"].append(snap.destination_index.astype(np.int32))
        if bar is not None:
            bar.update(1)
    return {k: np.stack(v) for k, v in out.items()}


def _map_task(network, times, time_chunk, payload) -> dict:
    """One Dask task of :func:`rtt_map`: propagate a block of times and route it."""
    gen = _load_network(network, times, DEFAULT_GEO_SLOTS_LON_DEG, time_chunk)[3]
    return _map_block(gen(), payload)


def _cell_homes(src: pd.DataFrame) -> pd.DataFrame:
    """:func:`satcloud.ground.home_pop` of the cells (their countries as given, else
    by coordinates), as :func:`rtt` looks them up."""
    from satcloud import ground
    from satcloud.sites import site_countries

    return ground.home_pop(src["lat_deg"].to_numpy(float), src["lon_deg"].to_numpy(float),
                           country=list(site_countries(src, "cells")))


def _map_homes(src: pd.DataFrame, gw: pd.DataFrame, client):
    """The cells' home PoPs when the gateways backhaul to one (else ``None``): on the
    Dask workers in parts when a client is given (a future-like with ``result()``),
    else here. Each row depends on its own cell only, so the parts concatenate to the
    whole."""
    if "backhaul" not in gw.columns or not (gw["backhaul"] == "home-pop").any():
        return None
    if client is None:
        return _cell_homes(src)
    n = max(1, len(client.scheduler_info(n_workers=-1)["workers"]))
    parts = [src.iloc[a:a + -(-len(src) // n)] for a in range(0, len(src), -(-len(src) // n))]
    futures = client.map(_cell_homes, parts, pure=False)

    class _Joined:
        def result(self):
            return pd.concat(client.gather(futures), ignore_index=True)

    return _Joined()


def _map_dask(network, times, time_chunk, payload, per_task, client, bar):
    from distributed import as_completed

    from satcloud.sweep import _identity

    if hasattr(network, "r_ecef_km"):
        # an Ephemeris: each task gets its slice of positions (nothing to propagate)
        r = np.asarray(network.r_ecef_km, float)
        network = None
    futures = []
    try:
        net_f = client.submit(_identity, network, pure=False)
        pay_f = client.submit(_identity, payload, pure=False)
        size = {}
        for a in range(0, len(times), per_task):
            b = min(a + per_task, len(times))
            if network is None:
                fut = client.submit(_map_block, r[a:b], pay_f, pure=False)
            else:
                fut = client.submit(_map_task, net_f, times[a:b], time_chunk, pay_f,
                                    pure=False)
            futures.append(fut)
            size[fut.key] = b - a
        for fut in as_completed(futures):
            if fut.status == "error":
                fut.result()
            bar.update(size[fut.key])
        return client.gather(futures)
    finally:
        pending = [f for f in futures if not f.done()]
        if pending:
            client.cancel(pending)


def _lerp_percentile(sorted_vals: np.ndarray, n: np.ndarray, q: float) -> np.ndarray:
    """Linear percentile ``q`` [0, 1] of the first ``n`` values of each column of
    ``sorted_vals`` [T, ...] (NaN where ``n == 0``), as :func:`numpy.percentile`."""
    pos = q * np.maximum(n - 1, 0)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
    a = np.take_along_axis(sorted_vals, lo[None], 0)[0]
    b = np.take_along_axis(sorted_vals, hi[None], 0)[0]
    frac = pos - lo
    with np.errstate(invalid="ignore"):
        v = np.where(frac >= 0.5, b - (b - a) * (1.0 - frac), a + (b - a) * frac)
    return np.where(n > 0, v, np.nan)


def _map_tables(arr: dict, plan: _MapPlan, src: pd.DataFrame, targets, times, net,
                label, delay: _Delays, gw, per_time):
    """The per-cell table (and the per-snapshot Dataset) from the route arrays."""
    reach = np.isfinite(arr["total"])                                  # [T, S, K]
    n_t, n_s, n_k = reach.shape
    x0 = np.maximum(arr["exit"], 0)
    g0 = np.maximum(arr["group"], 0)
    dest = plan.dest[x0, g0]
    bh = np.where(reach, plan.backhaul[x0, g0], np.nan)
    q = _delay_quantiles(_components(net.kind, delay))
    extra = {p: sum(v.values()) for p, v in q.items()}
    part = {"user_link_ms": 2.0 * arr["up"], "isl_ms": 2.0 * arr["isl"],
            "gateway_link_ms": 2.0 * arr["down"], "fibre_ms": 2.0 * arr["fibre"],
            "backhaul_ms": 2.0 * bh, "pop_fibre_ms": 2.0 * (arr["fibre"] - bh),
            "overhead_ms": np.where(reach, 0.0, np.nan)}
    prop = np.where(reach, 2.0 * arr["total"], np.nan)
    rtt_t = prop + extra[0.5]
    floor = np.empty((n_t, n_s, n_k))
    target_floor = np.empty((n_s, n_k))
    s_idx = np.arange(n_s)[None, :]
    for k, ends in enumerate(plan.ends):
        target_floor[:, k] = ends.target_floor
        if ends.nearest:
            at = _pair_floor(src, ends.dst, np.broadcast_to(s_idx, (n_t, n_s)),
                             dest[:, :, k])
            floor[:, :, k] = np.where(reach[:, :, k], at, target_floor[None, :, k])
        else:
            floor[:, :, k] = target_floor[None, :, k]
    # the median snapshot per (cell, target): lower median of the reachable ones
    n_reach = reach.sum(axis=0)
    order = np.argsort(np.where(reach, rtt_t, np.inf), axis=0, kind="stable")
    srt = np.take_along_axis(np.where(reach, rtt_t, np.nan), order, 0)
    med_t = np.take_along_axis(order, np.maximum((n_reach - 1) // 2, 0)[None], 0)[0]

    def at_med(x):
        return np.take_along_axis(x, med_t[None], 0)[0]

    ok = n_reach > 0
    hops = arr["n_sats"].astype(np.int64) + 1
    gw_names = gw["gateway"].to_numpy(object)
    names = {k: [ends.dst["name"].to_numpy(object) for ends in plan.ends][k]
             for k in range(n_k)}
    rows = {}
    rows["target"] = np.repeat(np.array(targets, dtype=object), n_s)
    rows["cell"] = np.tile(src["name"].to_numpy(object), n_k)
    for c in ("lat_deg", "lon_deg", "country", "population"):
        if c in src.columns:
            rows[c] = np.tile(src[c].to_numpy(), n_k)
    rows["network"] = label
    rows["mode"] = net.mode

    def flat(x):          # [S, K] -> target-major rows
        return np.asarray(x).T.ravel()

    def nullable(x):
        x = flat(x).astype(float)
        m = ~flat(ok)
        return pd.arrays.FloatingArray(np.where(m, 0.0, np.nan_to_num(x)), m)

    rows["n_times"] = n_t
    rows["fraction_reachable"] = flat(n_reach / n_t)
    single = (reach & (arr["n_sats"] == 1)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rows["bent_pipe_share"] = nullable(single / n_reach)
    rows["rtt_ms"] = nullable(at_med(rtt_t))
    for c in _MAP_PARTS:
        rows[c] = nullable(at_med(part[c]))
    for c in ("access", "last_mile", "queueing"):
        rows[f"{c}_ms"] = nullable(np.full((n_s, n_k), q[0.5][c]))
    rows["propagation_ms"] = nullable(at_med(prop))
    rows["floor_ms"] = flat(at_med(floor))
    rows["target_floor_ms"] = flat(target_floor)
    dmed = at_med(dest)
    rows["destination"] = pd.array(np.where(flat(ok), np.concatenate(
        [names[k][dmed[:, k]] for k in range(n_k)]), None), dtype="string")
    rows["gateway"] = pd.array(np.where(flat(ok), gw_names[flat(at_med(x0))], None),
                               dtype="string")
    rows["pop"] = pd.array(np.where(flat(ok), plan.pop[flat(at_med(x0)), flat(at_med(g0))],
                                    None), dtype="string")
    rows["hops"] = pd.arrays.IntegerArray(np.where(flat(ok), flat(at_med(hops)), 0),
                                          ~flat(ok))
    rows["rtt_min_ms"] = nullable(srt[0])
    rows["rtt_p05_ms"] = nullable(_lerp_percentile(srt, n_reach, 0.05))
    rows["rtt_p95_ms"] = nullable(_lerp_percentile(srt, n_reach, 0.95))
    rows["delay_model"] = delay.model
    rows["delay_preset"] = pd.array([delay.preset_name] * (n_s * n_k), dtype="string")
    table = pd.DataFrame(rows)
    if not per_time:
        return table
    import xarray as xr

    def tks(x):           # [T, S, K] -> [K, T, S]
        return np.moveaxis(x, 2, 0)

    ds = xr.Dataset(
        {"rtt_ms": (("target", "time", "cell"), tks(rtt_t)),
         "rtt_p05_ms": (("target", "time", "cell"), tks(prop + extra[0.05])),
         "rtt_p95_ms": (("target", "time", "cell"), tks(prop + extra[0.95])),
         **{c: (("target", "time", "cell"), tks(part[c])) for c in _MAP_PARTS},
         "floor_ms": (("target", "time", "cell"), tks(floor)),
         "reachable": (("target", "time", "cell"), tks(reach)),
         "hops": (("target", "time", "cell"), tks(np.where(reach, hops, 0))),
         "destination": (("target", "time", "cell"), tks(np.where(
             reach, np.stack([names[k][dest[:, :, k]] for k in range(n_k)], axis=2),
             None))),
         "gateway": (("target", "time", "cell"), tks(np.where(reach, gw_names[x0], None))),
         "pop": (("target", "time", "cell"), tks(np.where(reach, plan.pop[x0, g0], None)))},
        coords={"target": list(targets),
                "time": pd.to_datetime(np.asarray(times.utc.datetime64)),
                "cell": src["name"].to_numpy(object),
                "lat_deg": ("cell", src["lat_deg"].to_numpy(float)),
                "lon_deg": ("cell", src["lon_deg"].to_numpy(float))},
        attrs={"network": label, "mode": net.mode, "delay_model": delay.model,
               "access_ms": q[0.5]["access"], "note": "NaN where not reachable"})
    return table, ds
