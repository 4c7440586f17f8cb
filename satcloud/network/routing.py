"""Shortest paths through a satellite network, snapshot by snapshot.

One graph per snapshot, with edge weights in one-way milliseconds:

- satellite nodes ``0 .. N-1``, joined by the valid laser links of
  :mod:`satcloud.network.isl` (none for a bent pipe);
- one *source* node per ground source, with edges **out** to every satellite it sees
  above the minimum elevation (weight: slant range / c);
- one *exit* node per exit point (a user terminal at the destination, or a gateway),
  with edges **in** from every satellite it sees above its own minimum elevation;
- optionally one *destination* node per destination, with edges in from the exits
  (weight: the fibre delay from that gateway to that destination).

Source nodes only send and exit nodes only receive, so no path relays through the
ground. Dijkstra runs from the source nodes only (``scipy.sparse.csgraph.dijkstra``
with ``indices=``), so the ground attachment at both ends is chosen jointly with the
path through space (Kassing et al. [1]_, sec. 3): the first and last satellites need not
be the nearest or highest ones.

Serving-satellite assignment (user -> first satellite)
------------------------------------------------------
``assignment="min-delay"``
    The serving satellite is the first satellite of the shortest path (to the
    source's nearest destination when there are several).
``assignment="highest-elevation"``
    The serving satellite is the one the user sees highest in the sky; the rest of the
    path is the shortest given that first hop.

With ``reassign_interval_s`` (Starlink reconfigures every 15 s [2]_) the serving satellite
chosen at the first snapshot of each interval is held for the whole interval while
the rest of the path is re-optimised every snapshot; if the held satellite sinks below
the user's minimum elevation inside an interval, the user is reassigned at once (an
early handover). ``reassign_interval_s=None`` re-chooses every snapshot and every pair
independently, as the routing literature does.

Service regions (per-source exit masks)
---------------------------------------
A bent pipe may also be given ``exit_mask`` ``[S, X]``: source ``s`` may only land at
the exits ``x`` with ``exit_mask[s, x]`` (e.g. the gateways of its own service region,
as :func:`satcloud.latency.rtt` builds it from ``max_gateway_distance_km``). Such a
constraint differs per source while the satellites are shared, so it cannot live in one
shared graph; without laser links every path is ``source -> satellite -> exit
(-> destination)``, and the minimum is taken directly over the (source, satellite,
exit) triples in view at each snapshot, with the disallowed exits masked out per
source (vectorised over sources, satellites, exits and destinations; no Dijkstra is
needed). The serving-satellite policies and the reassignment hold work as above.

GSO-arc avoidance (``gso_arc_avoidance_deg``)
---------------------------------------------
To protect geostationary links sharing its Ku band, SpaceX turns off the satellite and
user-terminal beams whenever the angle at the user between a GSO earth station's
boresight (pointing at the arc) and the direction of the SpaceX satellite is 22 degrees
or less [3]_ (``docs/references.md``, "GSO arc avoidance"). With
``gso_arc_avoidance_deg`` the source links (and with ``exit_gso_arc_avoidance_deg`` the
exits', when they are user terminals) to satellites within that angle are removed
(:func:`satcloud.geometry.gso_arc_excluded`), before routing and before the serving
satellite is chosen; a held satellite that enters the zone is handed over. Near the
equator the arc crosses the zenith and removes a band of the sky; at high latitude it
lies low in the south (north) and few satellites are lost. Gateway links are not
masked: the quoted commitment concerns the user beams; gateways are individually
licensed earth stations with narrow, high-gain beams coordinated site by site, and no
filed gateway angle could be confirmed (a smaller one, 18 deg, is cited second hand).

Many sources, few destinations (:func:`iter_destination_routes`)
-----------------------------------------------------------------
For a map (~15,000 cells, ~70 home PoPs) the Dijkstra runs from the other end: one per
destination group over the reversed graph of satellites, laser links and gateways, then
each source takes the serving satellite in view minimising its uplink plus that
satellite's delay to its group. The cells' visibility search is a fused numba kernel
(:mod:`satcloud._core.serving`) over latitude bands, and the GSO-arc test runs only on
each cell's best candidates until one passes. It gives the paths of :func:`iter_routes`
with ``assignment="min-delay"`` re-chosen every snapshot (tested equal through
:func:`satcloud.latency.rtt` to 1e-9 ms).

All delays are one way; :mod:`satcloud.latency` doubles them for round trips
(symmetric paths).

References
----------
.. [1] S. Kassing, D. Bhattacherjee, A. B. Águas, J. E. Saethre and A. Singla, "Exploring
   the 'Internet from space' with Hypatia", Proc. ACM Internet Measurement Conference
   (IMC), 2020, pp. 214-229. doi:10.1145/3419394.3423635
.. [2] N. Mohan, A. E. Ferguson, H. Cech, R. Bose, P. R. Renatin, M. K. Marina and J. Ott,
   "A Multifaceted Look at Starlink Performance", Proc. ACM Web Conference (WWW), 2024,
   pp. 2723-2734. doi:10.1145/3589334.3645328
.. [3] Space Exploration Holdings, LLC (SpaceX), technical attachment to its Ku/Ka-band
   NGSO modification application to the FCC (IBFS SAT-MOD-20200417-00037), April 2020,
   p. 40, as quoted verbatim in public discussion; the figure is unverified against the
   filing (``docs/references.md``, ``spacex-gso-arc-avoidance``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from satcloud._core import _jit
from satcloud._validate import check_choice, check_latlon
from satcloud.geometry import enu_basis, geodetic_to_ecef, gso_arc_excluded
from satcloud.network._checks import as_bool, as_int, finite_array, finite_scalar, positions
from satcloud.network.fibre import C_VACUUM_KM_PER_S
from satcloud.network.isl import (
    DEFAULT_GRAZING_ALTITUDE_KM,
    DEFAULT_MAX_ISL_RANGE_KM,
    isl_snapshots,
)

__all__ = ["ASSIGNMENT_POLICIES", "SnapshotRoutes", "iter_destination_routes", "iter_routes",
           "route_snapshots",
           "snapshot_graph"]

#: Serving-satellite assignment policies.
ASSIGNMENT_POLICIES = ("min-delay", "highest-elevation")

_MS_PER_KM = 1e3 / C_VACUUM_KM_PER_S
_EPS_MS = 1e-12  # weight floor: keeps zero-length fibre edges explicit in the graph


@dataclass
class SnapshotRoutes:
    """Shortest paths of one snapshot, arrays ``[S, D]`` (sources x destinations).

    Attributes
    ----------
    t : int
        Snapshot index.
    total_ms : numpy.ndarray
        One-way delay, ``inf`` where unreachable. [ms]
    uplink_ms, isl_ms, downlink_ms, fibre_ms : numpy.ndarray
        One-way components: source -> first satellite, between satellites, last
        satellite -> exit, exit -> destination. ``nan`` where unreachable. [ms]
    n_sats : numpy.ndarray
        Satellites on the path (0 where unreachable). [-]
    first_sat, last_sat, exit_index : numpy.ndarray
        First and last satellite and the exit (gateway/terminal) used; -1 where
        unreachable.
    paths : numpy.ndarray or None
        ``[S, D, L]`` satellite indices from first to last, padded with -1.
    destination_index : numpy.ndarray
        ``[S, D]`` destination of each column: ``j`` normally; with
        ``nearest_destination=True`` (``D = 1``) the nearest destination, -1 where
        unreachable.
    """

    t: int
    total_ms: np.ndarray
    uplink_ms: np.ndarray
    isl_ms: np.ndarray
    downlink_ms: np.ndarray
    fibre_ms: np.ndarray
    n_sats: np.ndarray
    first_sat: np.ndarray
    last_sat: np.ndarray
    exit_index: np.ndarray
    paths: np.ndarray | None
    destination_index: np.ndarray

    @property
    def reachable(self) -> np.ndarray:
        """``[S, D]`` whether a path exists."""
        return np.isfinite(self.total_ms)


class _Ground:
    def __init__(self, lat_deg, lon_deg, name):
        lat, lon = check_latlon(lat_deg, lon_deg, f"{name}_lat_deg", f"{name}_lon_deg")
        self.lat, self.lon = np.atleast_1d(lat), np.atleast_1d(lon)
        if self.lat.ndim != 1 or self.lat.shape != self.lon.shape:
            raise ValueError(f"{name}_lat_deg and {name}_lon_deg must be 1-D of equal "
                             f"length, got shapes {self.lat.shape} and {self.lon.shape}")
        if self.lat.size == 0:
            raise ValueError(f"{name}_lat_deg and {name}_lon_deg are empty; give at least "
                             f"one {name} point")
        self.ecef = geodetic_to_ecef(self.lat, self.lon)
        self.up = enu_basis(self.lat, self.lon)[2]
        self.n = len(self.lat)


def _threshold(value, n, name, default, what):
    if value is None:
        return default
    arr = finite_array(value, name, 0.0, 90.0, unit="deg")
    if arr.ndim > 1 or (arr.ndim == 1 and arr.shape[0] != n):
        raise ValueError(f"{name} must be a scalar or one value per {what} ({n}), got "
                         f"shape {arr.shape}")
    return np.broadcast_to(np.sin(np.radians(arr)), (n,)).copy()


def _avoidance(value, name):
    """A GSO-arc avoidance angle in [0, 90] [deg]; ``None`` for none (``None`` or 0)."""
    if value is None:
        return None
    angle = finite_scalar(value, name, 0.0, 90.0, unit="deg")
    return angle if angle > 0.0 else None


def _as_chunks(r_chunks):
    if isinstance(r_chunks, (str, bytes)) or r_chunks is None:
        raise TypeError(f"positions must be an array [T, N, 3] or an iterable of such "
                        f"chunks [km], got {r_chunks!r}")
    if isinstance(r_chunks, np.ndarray) or (
            hasattr(r_chunks, "__array__") and not hasattr(r_chunks, "__next__")):
        yield positions(r_chunks, "positions")
        return
    if not hasattr(r_chunks, "__iter__"):
        raise TypeError(f"positions must be an array [T, N, 3] or an iterable of such "
                        f"chunks [km], got {type(r_chunks).__name__}")
    for chunk in r_chunks:
        yield positions(chunk, "positions chunk")


class _Layout:
    """Node numbering and the fixed (time-invariant) edges of the snapshot graphs."""

    def __init__(self, n_sat, src, ext, fib):
        self.n_sat = n_sat
        self.src0 = n_sat
        self.ext0 = n_sat + src.n
        self.dst0 = self.ext0 + ext.n
        if fib is not None:
            self.n_dst = fib.shape[1]
            fx, fd = np.nonzero(np.isfinite(fib))
            self.fixed = (self.ext0 + fx, self.dst0 + fd, np.maximum(fib[fx, fd], _EPS_MS))
            self.dst_nodes = self.dst0 + np.arange(self.n_dst)
        else:
            self.n_dst = ext.n
            self.fixed = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
            self.dst_nodes = self.ext0 + np.arange(ext.n)
        self.n_nodes = self.dst0 + (self.n_dst if fib is not None else 0)
        self.source_nodes = self.src0 + np.arange(src.n)


def _check_inputs(n_sat, source_lat_deg, source_lon_deg, exit_lat_deg, exit_lon_deg,
                  sat_min_elevation_deg, exit_min_elevation_deg, exit_to_destination_ms):
    if n_sat < 1:
        raise ValueError("positions hold no satellite (shape [T, 0, 3]); give at least one")
    src = _Ground(source_lat_deg, source_lon_deg, "source")
    ext = _Ground(exit_lat_deg, exit_lon_deg, "exit")
    sat_sin = _threshold(sat_min_elevation_deg, n_sat, "sat_min_elevation_deg", None,
                         "satellite")
    if sat_sin is None:
        raise ValueError("sat_min_elevation_deg is required (scalar or one per satellite)")
    ext_sin = _threshold(exit_min_elevation_deg, ext.n, "exit_min_elevation_deg", None,
                         "exit")
    if exit_to_destination_ms is None:
        fib = None
    else:
        if isinstance(exit_to_destination_ms, (str, bytes)):
            raise TypeError(f"exit_to_destination_ms must be a numeric array [X, D] [ms], "
                            f"got {exit_to_destination_ms!r}")
        try:
            fib = np.asarray(exit_to_destination_ms, float)
        except (TypeError, ValueError) as exc:
            raise TypeError("exit_to_destination_ms must be a numeric array [X, D] [ms]"
                            ) from exc
        if fib.ndim != 2 or fib.shape[0] != ext.n or fib.shape[1] == 0:
            raise ValueError(f"exit_to_destination_ms must have shape [{ext.n}, D] with "
                             f"D >= 1, got {fib.shape}")
        if np.isnan(fib).any() or (fib < 0).any() or np.isneginf(fib).any():
            raise ValueError("exit_to_destination_ms must be >= 0 (inf for no link), no NaN")
    return src, ext, sat_sin, ext_sin, fib


class _Visible:
    """Ground-satellite pairs in view at one snapshot (flat arrays)."""

    __slots__ = ("sat", "gnd", "rng_km", "sin_el")

    def __init__(self, sat, gnd, rng_km, sin_el):
        self.sat, self.gnd, self.rng_km, self.sin_el = sat, gnd, rng_km, sin_el


def _visible(rc, ground, sin_min_sat, sin_min_gnd, gso_arc_deg=None) -> list[_Visible]:
    """Visible (satellite, ground) pairs for each snapshot of a chunk.

    A satellite is in view when ``u.(s - g) >= sin(el_min) |s - g|`` (``u`` the geodetic
    up vector). A cheap conservative prefilter on the Earth-central angle between the
    satellite and the site (one float32 BLAS product) keeps only candidates within the
    largest coverage radius ``lambda = arccos(R_min / r_max cos el) - el`` (spherical
    Earth, plus a 1 deg margin for the ellipsoid); the exact test runs on those only.
    With ``gso_arc_deg`` the pairs within that angle of the geostationary arc, seen from
    the ground point, are dropped (:func:`satcloud.geometry.gso_arc_excluded`).
    """
    tc, n = rc.shape[:2]
    s = rc.reshape(-1, 3)
    r_s = np.sqrt(np.einsum("ij,ij->i", s, s))
    thr = sin_min_gnd if sin_min_gnd is not None else sin_min_sat
    el_min = np.arcsin(np.clip(np.min(thr), 0.0, 1.0))
    el_pad = max(el_min - np.radians(0.5), 0.0)
    r_g = np.sqrt(np.einsum("gi,gi->g", ground.ecef, ground.ecef))
    ratio = min(1.0, float(r_g.min() / max(r_s.max(), 1e-9)) * np.cos(el_pad))
    lam = np.arccos(ratio) - el_pad + np.radians(1.0)
    cos_lam = np.cos(min(lam, np.pi))
    sn = (s / np.maximum(r_s, 1e-9)[:, None]).astype(np.float32)
    gn = (ground.ecef / r_g[:, None]).astype(np.float32)
    row, gnd = np.nonzero(sn @ gn.T >= cos_lam)
    diff = s[row] - ground.ecef[gnd]
    rho2 = np.einsum("ij,ij->i", diff, diff)
    d = np.einsum("ij,ij->i", ground.up[gnd], diff)
    tk, sat = np.divmod(row, n)
    t2 = (sin_min_gnd[gnd] if sin_min_gnd is not None else sin_min_sat[sat]) ** 2
    ok = (d >= 0.0) & (d * d >= t2 * rho2)
    if gso_arc_deg is not None:
        sel = np.flatnonzero(ok)
        ok[sel[gso_arc_excluded(ground.lat[gnd[sel]], ground.lon[gnd[sel]], 0.0,
                                s[row[sel]], gso_arc_deg)]] = False
    tk, sat, gnd, d, rho2 = tk[ok], sat[ok], gnd[ok], d[ok], rho2[ok]
    rng = np.sqrt(rho2)
    with np.errstate(invalid="ignore", divide="ignore"):
        sin_el = np.where(rng > 0, d / rng, 1.0)
    cuts = np.searchsorted(tk, np.arange(tc + 1))
    return [_Visible(sat[a0:a1], gnd[a0:a1], rng[a0:a1], sin_el[a0:a1])
            for a0, a1 in zip(cuts[:-1], cuts[1:], strict=True)]


def _space_edges(lay, isl_edges, isl_len, isl_ok, ev: _Visible):
    """Laser links (both ways), downlinks to exits and the fixed exit->destination edges."""
    ev_w = ev.rng_km * _MS_PER_KM
    if isl_edges is not None:
        a, b = isl_edges[isl_ok, 0], isl_edges[isl_ok, 1]
        w = isl_len[isl_ok] * _MS_PER_KM
        sr, sc, sw = np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([w, w])
    else:
        sr = sc = np.zeros(0, np.int64)
        sw = np.zeros(0)
    return (np.concatenate([sr, ev.sat, lay.fixed[0]]),
            np.concatenate([sc, lay.ext0 + ev.gnd, lay.fixed[1]]),
            np.concatenate([sw, ev_w, lay.fixed[2]]))


def _graph(lay, fixed, sv: _Visible, srcs=None, restrict=None) -> sp.csr_matrix:
    keep = np.ones(len(sv.gnd), bool) if srcs is None else np.isin(sv.gnd, srcs)
    if restrict is not None:
        keep &= (restrict[sv.gnd] < 0) | (restrict[sv.gnd] == sv.sat)
    rows = np.concatenate([fixed[0], lay.src0 + sv.gnd[keep]])
    cols = np.concatenate([fixed[1], sv.sat[keep]])
    w = np.concatenate([fixed[2], sv.rng_km[keep] * _MS_PER_KM])
    return sp.csr_matrix((w, (rows, cols)), shape=(lay.n_nodes, lay.n_nodes))


def _highest(sv: _Visible, n_src) -> np.ndarray:
    """Per source, the satellite in view with the highest elevation (-1 if none)."""
    best_sin = np.full(n_src, -np.inf)
    np.maximum.at(best_sin, sv.gnd, sv.sin_el)
    best = np.full(n_src, -1, dtype=np.int64)
    top = sv.sin_el == best_sin[sv.gnd]
    best[sv.gnd[top]] = sv.sat[top]
    return best


def snapshot_graph(r_ecef_km, source_lat_deg, source_lon_deg, exit_lat_deg, exit_lon_deg, *,
                   sat_min_elevation_deg, exit_min_elevation_deg=None,
                   exit_to_destination_ms=None, isl_edges=None,
                   max_isl_range_km=DEFAULT_MAX_ISL_RANGE_KM,
                   grazing_altitude_km=DEFAULT_GRAZING_ALTITUDE_KM,
                   gso_arc_avoidance_deg=None, exit_gso_arc_avoidance_deg=None):
    """The directed graph of one snapshot, as :func:`iter_routes` builds it.

    Parameters are those of :func:`iter_routes` with ``r_ecef_km`` ``[N, 3]``.

    Parameters
    ----------
    r_ecef_km : array_like
        Satellite ECEF positions of one snapshot ``[N, 3]``. [km]
    source_lat_deg, source_lon_deg : array_like
        Where routes start. [deg]
    exit_lat_deg, exit_lon_deg : array_like
        Where traffic may leave the satellite network. [deg]
    sat_min_elevation_deg : float
        Mask angle of the user links. [deg]
    exit_min_elevation_deg : float, optional
        Mask angle at the exits (default: ``sat_min_elevation_deg``). [deg]
    exit_to_destination_ms : array_like, optional
        Delay from each exit to the destination. [ms]
    isl_edges : array_like, optional
        Inter-satellite links as index pairs ``[E, 2]``.
    max_isl_range_km : float, optional
        Longest usable inter-satellite link. [km]
    grazing_altitude_km : float, optional
        Lowest altitude of a usable ISL line of sight. [km]
    gso_arc_avoidance_deg, exit_gso_arc_avoidance_deg : float, optional
        GSO-arc avoidance angles of the source and exit links. [deg]

    Returns
    -------
    graph : scipy.sparse.csr_matrix
        ``[V, V]`` one-way edge delays. [ms]
    source_nodes, destination_nodes : numpy.ndarray
        Node indices of the sources and destinations.
    """
    r = positions(r_ecef_km, "r_ecef_km", ndim=(2,))
    if isl_edges is not None:
        finite_scalar(grazing_altitude_km, "grazing_altitude_km", 0.0, None, unit="km")
        if max_isl_range_km is not None:
            finite_scalar(max_isl_range_km, "max_isl_range_km", 0.0, None, low_open=True,
                          unit="km", allow_inf=True)
    src, ext, sat_sin, ext_sin, fib = _check_inputs(
        r.shape[0], source_lat_deg, source_lon_deg, exit_lat_deg, exit_lon_deg,
        sat_min_elevation_deg, exit_min_elevation_deg, exit_to_destination_ms)
    lay = _Layout(r.shape[0], src, ext, fib)
    src_gso = _avoidance(gso_arc_avoidance_deg, "gso_arc_avoidance_deg")
    ext_gso = _avoidance(exit_gso_arc_avoidance_deg, "exit_gso_arc_avoidance_deg")
    sv = _visible(r[None], src, sat_sin, None, src_gso)[0]
    ev = _visible(r[None], ext, sat_sin, ext_sin, ext_gso)[0]
    if isl_edges is not None:
        isl = isl_snapshots(r[None], _edges(isl_edges), grazing_altitude_km=grazing_altitude_km,
                            max_isl_range_km=max_isl_range_km)
        isl_e, isl_len, isl_ok = isl.edges, isl.length_km[0], isl.valid[0]
    else:
        isl_e = isl_len = isl_ok = None
    fixed = _space_edges(lay, isl_e, isl_len, isl_ok, ev)
    return _graph(lay, fixed, sv), lay.source_nodes, lay.dst_nodes


def iter_routes(positions, source_lat_deg, source_lon_deg, exit_lat_deg, exit_lon_deg, *,
                sat_min_elevation_deg, exit_min_elevation_deg=None,
                exit_to_destination_ms=None, isl_edges=None,
                max_isl_range_km=DEFAULT_MAX_ISL_RANGE_KM,
                grazing_altitude_km=DEFAULT_GRAZING_ALTITUDE_KM,
                assignment="min-delay", times_s=None, reassign_interval_s=None,
                return_paths=False, nearest_destination=False, exit_mask=None,
                gso_arc_avoidance_deg=None, exit_gso_arc_avoidance_deg=None,
                chunk_elements=4_000_000) -> Iterator[SnapshotRoutes]:
    """Shortest paths for every snapshot, yielded one snapshot at a time.

    Parameters
    ----------
    positions : array_like or iterable of array_like
        ``[T, N, 3]`` satellite positions, Earth-fixed, or an iterable of ``[t_i, N, 3]``
        chunks in time order (e.g. propagated chunk by chunk to bound memory). [km]
    source_lat_deg, source_lon_deg : array_like
        ``[S]`` ground sources (user terminals). [deg]
    exit_lat_deg, exit_lon_deg : array_like
        ``[X]`` exit points: user terminals at the destinations, or gateways. [deg]
    sat_min_elevation_deg : float or array_like
        Minimum elevation of user terminals, scalar or ``[N]`` per satellite. [deg]
    exit_min_elevation_deg : float or array_like, optional
        Minimum elevation at the exits, scalar or ``[X]``; default as the users. [deg]
    exit_to_destination_ms : array_like, optional
        ``[X, D]`` one-way delay from each exit to each destination (e.g. fibre from a
        gateway to a cloud region), ``inf`` where there is no connection. [ms] If
        omitted the exits are the destinations (``D = X``).
    isl_edges : array_like of int, optional
        ``[E, 2]`` potential laser links (:func:`satcloud.network.isl.plus_grid_edges`);
        ``None`` for a bent pipe.
    max_isl_range_km, grazing_altitude_km : float
        Laser-link limits (:func:`satcloud.network.isl.isl_snapshots`). [km]
    assignment : {"min-delay", "highest-elevation"}
        Serving-satellite policy (see the module notes).
    times_s : array_like, optional
        ``[T]`` snapshot times (seconds from any origin), needed with
        ``reassign_interval_s``. [s]
    reassign_interval_s : float, optional
        Hold the serving satellite for this long; ``None`` to re-choose every
        snapshot. [s]
    return_paths : bool
        Also return the satellite sequence of every path.
    nearest_destination : bool
        Only the nearest destination (by delay) of each source is wanted: one
        multi-source Dijkstra from all destinations over the reversed graph
        (``min_only=True``) replaces one run per source; results have ``D = 1`` and
        ``destination_index`` says which destination.
    exit_mask : array_like of bool, optional
        ``[S, X]`` exits each source may land at (a per-source service region, e.g.
        gateways within a distance of the user); ``None`` allows every exit. Bent pipes
        only (``isl_edges=None``); see the module notes. A source with no allowed exit
        in view is unreachable.
    gso_arc_avoidance_deg : float, optional
        GSO-arc avoidance of the source (user) links: a satellite seen within this
        angle of the geostationary arc (:func:`satcloud.geometry.gso_arc_separation_deg`
        ``<=`` the angle) cannot serve the source, in [0, 90]; ``None`` or 0: no
        avoidance. A held serving satellite that enters the zone is handed over at once,
        as one that sinks below the mask. [deg]
    exit_gso_arc_avoidance_deg : float, optional
        The same for the exit links, when the exits are user terminals at the
        destinations; ``None`` (gateways: see the module notes). [deg]
    chunk_elements : int
        Bound on the ``t x N x ground`` visibility block computed at once.

    Yields
    ------
    SnapshotRoutes
    """
    assignment = check_choice(assignment, "assignment", ASSIGNMENT_POLICIES)
    return_paths = as_bool(return_paths, "return_paths")
    nearest_destination = as_bool(nearest_destination, "nearest_destination")
    chunk_elements = as_int(chunk_elements, "chunk_elements", 1)
    src_gso = _avoidance(gso_arc_avoidance_deg, "gso_arc_avoidance_deg")
    ext_gso = _avoidance(exit_gso_arc_avoidance_deg, "exit_gso_arc_avoidance_deg")
    isl_edges = _isl_options(isl_edges, grazing_altitude_km, max_isl_range_km)
    hold = None
    if reassign_interval_s is not None:
        interval = finite_scalar(reassign_interval_s, "reassign_interval_s", 0.0, None,
                                 low_open=True, unit="s")
        if times_s is None:
            raise ValueError("times_s is required with reassign_interval_s")
        ts = np.atleast_1d(finite_array(times_s, "times_s", unit="s"))
        if ts.ndim != 1 or ts.size == 0:
            raise ValueError(f"times_s must be a non-empty 1-D array [s], got shape "
                             f"{ts.shape}")
        epoch = np.floor((ts - ts[0]) / interval + 1e-9).astype(np.int64)
    if exit_mask is not None and isl_edges is not None:
        raise ValueError("exit_mask applies to bent pipes only (isl_edges=None): with "
                         "laser links the path may land anywhere by design")
    state = None
    t = -1
    for chunk in _as_chunks(positions):
        if state is None:
            n_sat = chunk.shape[1]
            src, ext, sat_sin, ext_sin, fib = _check_inputs(
                n_sat, source_lat_deg, source_lon_deg, exit_lat_deg, exit_lon_deg,
                sat_min_elevation_deg, exit_min_elevation_deg, exit_to_destination_ms)
            lay = _Layout(n_sat, src, ext, fib)
            mask = _check_exit_mask(exit_mask, src.n, ext.n)
            if reassign_interval_s is not None:
                hold = np.full(src.n, -1, dtype=np.int64)
            all_src = np.arange(src.n)
            tc = max(1, int(chunk_elements // max(1, n_sat * (src.n + ext.n))))
            state = True
        elif chunk.shape[1] != n_sat:
            raise ValueError(f"position chunks disagree on the satellite count: "
                             f"{chunk.shape[1]} vs {n_sat}")
        if isl_edges is not None:
            isl = isl_snapshots(chunk, isl_edges, grazing_altitude_km=grazing_altitude_km,
                                max_isl_range_km=max_isl_range_km)
        for c0 in range(0, chunk.shape[0], tc):
            rc = chunk[c0:c0 + tc]
            svs = _visible(rc, src, sat_sin, None, src_gso)
            evs = _visible(rc, ext, sat_sin, ext_sin, ext_gso)
            for k in range(rc.shape[0]):
                t += 1
                ck = c0 + k
                if isl_edges is not None:
                    fixed = _space_edges(lay, isl_edges, isl.length_km[ck], isl.valid[ck],
                                         evs[k])
                else:
                    fixed = _space_edges(lay, None, None, None, evs[k])

                if mask is None:
                    solve = functools.partial(_solve, lay, fixed, svs[k], t, rc[k], src,
                                              ext, fib, return_paths, nearest_destination)
                else:
                    solve = functools.partial(_solve_masked, svs[k], evs[k], t, src.n,
                                              ext.n, fib, mask, return_paths,
                                              nearest_destination)

                if hold is None and assignment == "min-delay":
                    yield solve(all_src, None)
                    continue
                restrict = np.full(src.n, -1, dtype=np.int64)
                if hold is not None:
                    if t >= len(epoch):
                        raise ValueError(f"times_s has {len(epoch)} entries but positions "
                                         "have more snapshots")
                    start = t == 0 or epoch[t] != epoch[t - 1]
                    in_view = svs[k].sat * src.n + svs[k].gnd
                    still = (hold >= 0) & np.isin(hold * src.n + all_src, in_view)
                    new = np.ones(src.n, bool) if start else ~still
                    hold[new] = -1
                    restrict[~new] = hold[~new]
                else:
                    new = np.ones(src.n, bool)
                if assignment == "highest-elevation":
                    best = _highest(svs[k], src.n)
                    restrict[new] = best[new]
                    if hold is not None:
                        hold[new] = best[new]
                    yield solve(all_src, restrict)
                    continue
                # min-delay with holding: free route for the new users, then pin them
                res = solve(all_src, restrict)
                if new.any():
                    reach = res.reachable
                    tot = np.where(reach, res.total_ms, np.inf)
                    bestd = np.argmin(tot, axis=1)
                    first = res.first_sat[all_src, bestd]
                    chosen = np.where(np.isfinite(tot[all_src, bestd]), first, -1)
                    hold[new] = chosen[new]
                    differs = new & (chosen >= 0) & np.any(
                        reach & (res.first_sat != chosen[:, None]), axis=1)
                    if differs.any():
                        restrict[new] = chosen[new]
                        redo = np.flatnonzero(differs)
                        _overwrite(res, solve(redo, restrict), redo)
                yield res


def _solve(lay, fixed, sv, t, r_t, src, ext, fib, return_paths, nearest, srcs, restrict):
    if nearest:
        g = _graph(lay, fixed, sv, None, restrict)
        dist, pred, origin = dijkstra(g.T.tocsr(), directed=True, indices=lay.dst_nodes,
                                      return_predecessors=True, min_only=True)
        return _unpack_nearest(t, dist, pred, origin, lay, r_t, src, ext, fib, return_paths)
    g = _graph(lay, fixed, sv, srcs, restrict)
    dist, pred = dijkstra(g, directed=True, indices=lay.src0 + srcs, return_predecessors=True)
    return _unpack(t, dist, pred, srcs, lay, fib is not None, r_t, src.ecef, ext.ecef, fib,
                   return_paths)


def _check_exit_mask(exit_mask, n_src, n_ext):
    if exit_mask is None:
        return None
    m = np.asarray(exit_mask)
    if m.dtype != bool:
        raise TypeError(f"exit_mask must be a boolean array [S, X], got dtype {m.dtype}")
    if m.shape != (n_src, n_ext):
        raise ValueError(f"exit_mask must have shape [{n_src}, {n_ext}] (sources x exits), "
                         f"got {m.shape}")
    return m


def _solve_masked(sv: _Visible, ev: _Visible, t, n_src, n_ext, fib, mask, return_paths,
                  nearest, srcs, restrict) -> SnapshotRoutes:
    """Bent pipe with a per-source exit mask: direct minimum over the triples in view.

    The triples (source, satellite, exit) are the visible source-satellite pairs
    joined on the satellite with the visible satellite-exit pairs, keeping the exits
    ``mask`` allows for that source (and only the held satellite where ``restrict``
    pins one). Their one-way delay to destination ``d`` is
    ``up + down + fib[exit, d]``; the minimum per (source, destination) is an argmin
    over a dense ``[S, K, D]`` block (``K`` the most triples of any source), padded
    with ``inf``; for the nearest destination, over ``[S, K]`` with each exit's
    quickest destination.
    """
    n_s = len(srcs)
    pos = np.full(n_src, -1, dtype=np.int64)
    pos[srcs] = np.arange(n_s)
    keep = pos[sv.gnd] >= 0
    if restrict is not None:
        keep &= (restrict[sv.gnd] < 0) | (restrict[sv.gnd] == sv.sat)
    s_sat, s_src, s_up = sv.sat[keep], sv.gnd[keep], sv.rng_km[keep] * _MS_PER_KM
    # join on the satellite: ev sorted by satellite, a [lo, hi) range per user pair
    order = np.argsort(ev.sat, kind="stable")
    e_sat, e_ext, e_down = ev.sat[order], ev.gnd[order], ev.rng_km[order] * _MS_PER_KM
    lo = np.searchsorted(e_sat, s_sat, "left")
    cnt = np.searchsorted(e_sat, s_sat, "right") - lo
    rep = np.repeat(np.arange(len(s_sat)), cnt)
    j = np.repeat(lo - np.cumsum(cnt) + cnt, cnt) + np.arange(int(cnt.sum()))
    src_i, sat_i, ext_i = s_src[rep], s_sat[rep], e_ext[j]
    ok = mask[src_i, ext_i]
    src_i, sat_i, ext_i = src_i[ok], sat_i[ok], ext_i[ok]
    up, down = s_up[rep][ok], e_down[j][ok]
    n_d = n_ext if fib is None else fib.shape[1]
    # group the triples by source: triple -> (row, rank k) of the dense block
    row = pos[src_i]
    o = np.argsort(row, kind="stable")
    row, sat_i, ext_i, up, down = row[o], sat_i[o], ext_i[o], up[o], down[o]
    n_per = np.bincount(row, minlength=n_s)
    k_max = max(1, int(n_per.max(initial=0)))
    rank = np.arange(len(row)) - np.repeat(np.cumsum(n_per) - n_per, n_per)
    lookup = np.full((n_s, k_max), -1, dtype=np.int64)
    lookup[row, rank] = np.arange(len(row))
    rows = np.arange(n_s)[:, None]
    if nearest:
        # min over (triple, d) = min over triples of up + down + min_d fib[exit, d]
        if fib is None:
            leg_min, leg_arg = np.zeros(n_ext), np.arange(n_ext)
        else:
            leg_arg = np.argmin(fib, axis=1)
            leg_min = fib[np.arange(n_ext), leg_arg]
        block = np.full((n_s, k_max), np.inf)
        block[row, rank] = up + down + leg_min[ext_i]
        kk = np.argmin(block, axis=1)[:, None]
        total = np.take_along_axis(block, kk, 1)
        dest = leg_arg[ext_i[np.maximum(lookup[rows, kk], 0)]] if len(row) else \
            np.zeros((n_s, 1), np.int64)
    else:
        if fib is None:
            leg = np.full((len(row), n_d), np.inf)
            leg[np.arange(len(row)), ext_i] = 0.0
        else:
            leg = fib[ext_i]
        block = np.full((n_s, k_max, n_d), np.inf)
        block[row, rank] = (up + down)[:, None] + leg
        kk = np.argmin(block, axis=1)                                    # [S, D]
        total = np.take_along_axis(block, kk[:, None, :], 1)[:, 0, :]
        dest = np.broadcast_to(np.arange(n_d)[None, :], total.shape)
    reach = np.isfinite(total)
    tri = np.where(reach, lookup[rows, kk], -1)
    t0 = np.maximum(tri, 0)
    sat = np.where(reach, sat_i[t0] if len(row) else -1, -1)
    ex = np.where(reach, ext_i[t0] if len(row) else -1, -1)
    nan = np.nan
    upm = np.where(reach, up[t0] if len(row) else nan, nan)
    downm = np.where(reach, down[t0] if len(row) else nan, nan)
    if fib is not None:
        fibre = np.where(reach, fib[np.maximum(ex, 0), np.maximum(dest, 0)], nan)
    else:
        fibre = np.where(reach, 0.0, nan)
    return SnapshotRoutes(
        t=t, total_ms=np.where(reach, total, np.inf), uplink_ms=upm,
        isl_ms=np.where(reach, 0.0, nan), downlink_ms=downm, fibre_ms=fibre,
        n_sats=reach.astype(np.int64), first_sat=sat, last_sat=sat.copy(), exit_index=ex,
        paths=sat[:, :, None].copy() if return_paths else None,
        destination_index=np.where(reach, dest, -1))


def _overwrite(res: SnapshotRoutes, sub: SnapshotRoutes, rows) -> None:
    for name in ("total_ms", "uplink_ms", "isl_ms", "downlink_ms", "fibre_ms", "n_sats",
                 "first_sat", "last_sat", "exit_index", "destination_index"):
        getattr(res, name)[rows] = getattr(sub, name)
    if res.paths is not None:
        width = max(res.paths.shape[2], sub.paths.shape[2])
        if width > res.paths.shape[2]:
            pad = np.full(res.paths.shape[:2] + (width - res.paths.shape[2],), -1,
                          res.paths.dtype)
            res.paths = np.concatenate([res.paths, pad], axis=2)
        res.paths[rows] = -1
        res.paths[rows, :, :sub.paths.shape[2]] = sub.paths


def _unpack_nearest(t, dist, pred, origin, lay, r_t, src, ext, fib, return_paths
                    ) -> SnapshotRoutes:
    """Walk the reversed-graph predecessors forward: source -> sats -> exit -> dest."""
    n_sat = lay.n_sat
    v = lay.source_nodes
    total = dist[v]
    reach = np.isfinite(total)
    cur = np.where(reach, pred[v], -1)
    alive = reach & (cur >= 0) & (cur < n_sat)
    reach = alive.copy()
    first = np.where(reach, cur, -1)
    last = first.copy()
    n_sats = np.zeros(len(v), np.int64)
    steps = []
    while alive.any():
        n_sats += alive
        last = np.where(alive, cur, last)
        if return_paths:
            steps.append(np.where(alive, cur, -1))
        nxt = pred[np.maximum(cur, 0)]
        cur = np.where(alive, nxt, cur)
        alive = alive & (cur >= 0) & (cur < n_sat)
    exit_index = np.where(reach, cur - lay.ext0, -1)
    if fib is not None:
        dest = np.where(reach, origin[v] - lay.dst0, -1)
    else:
        dest = exit_index.copy()
    f0, l0, x0 = np.maximum(first, 0), np.maximum(last, 0), np.maximum(exit_index, 0)
    up = np.linalg.norm(r_t[f0] - src.ecef, axis=-1) * _MS_PER_KM
    down = np.linalg.norm(r_t[l0] - ext.ecef[x0], axis=-1) * _MS_PER_KM
    fibre = fib[x0, np.maximum(dest, 0)] if fib is not None else np.zeros(len(v))
    total = np.where(reach, total, np.inf)
    with np.errstate(invalid="ignore"):     # inf - inf on unreachable pairs, masked
        isl_ms = np.where(n_sats > 1, np.maximum(total - up - down - fibre, 0.0), 0.0)
    paths = None
    if return_paths:
        paths = (np.stack(steps, axis=-1) if steps else np.full((len(v), 1), -1))[:, None, :]
    col = lambda x: x[:, None]  # noqa: E731
    nan = np.nan
    return SnapshotRoutes(
        t=t, total_ms=col(total), uplink_ms=col(np.where(reach, up, nan)),
        isl_ms=col(np.where(reach, isl_ms, nan)), downlink_ms=col(np.where(reach, down, nan)),
        fibre_ms=col(np.where(reach, fibre, nan)), n_sats=col(n_sats),
        first_sat=col(first), last_sat=col(last), exit_index=col(exit_index), paths=paths,
        destination_index=col(dest))


def _unpack(t, dist, pred, srcs, lay, has_fibre, r_t, src_ecef, ext_ecef, fib,
            return_paths) -> SnapshotRoutes:
    dst_nodes, n_sat, ext_node0 = lay.dst_nodes, lay.n_sat, lay.ext0
    n_s, n_d = len(srcs), len(dst_nodes)
    total = dist[:, dst_nodes]                                   # [S, D]
    reach = np.isfinite(total)
    ii = np.broadcast_to(np.arange(n_s)[:, None], (n_s, n_d))
    cur = np.broadcast_to(dst_nodes[None, :], (n_s, n_d)).copy()
    if has_fibre:
        exit_node = np.where(reach, pred[ii, cur], -1)
    else:
        exit_node = np.where(reach, cur, -1)
    last = np.where(reach, pred[ii, np.maximum(exit_node, 0)], -1)
    reach &= (last >= 0) & (last < n_sat)
    # walk the predecessors back from the last satellite, touching only live pairs
    pf = pred.ravel()
    n_nodes = pred.shape[1]
    first = np.where(reach, last, -1).ravel()
    n_sats = reach.astype(np.int64).ravel()
    act = np.flatnonzero(reach)
    base = (act // n_d) * n_nodes
    cur = last.ravel()[act]
    steps = [(act, cur)]
    while act.size:
        p = pf[base + cur]
        ok = (p >= 0) & (p < n_sat)
        act, base, cur = act[ok], base[ok], p[ok]
        first[act] = cur
        n_sats[act] += 1
        if return_paths:
            steps.append((act, cur))
    first = first.reshape(n_s, n_d)
    paths = None
    if return_paths:
        # step k holds the k-th satellite counted back from the last one
        flat = np.full((n_s * n_d, max(1, int(n_sats.max(initial=0)))), -1, dtype=np.int64)
        for k, (a, v) in enumerate(steps):
            flat[a, n_sats[a] - 1 - k] = v
        paths = flat.reshape(n_s, n_d, -1)
    n_sats = n_sats.reshape(n_s, n_d)
    exit_index = np.where(reach, exit_node - ext_node0, -1)
    f0, l0, x0 = np.maximum(first, 0), np.maximum(last, 0), np.maximum(exit_index, 0)
    up = np.linalg.norm(r_t[f0] - src_ecef[srcs][:, None, :], axis=-1) * _MS_PER_KM
    down = np.linalg.norm(r_t[l0] - ext_ecef[x0], axis=-1) * _MS_PER_KM
    if fib is not None:
        fibre = fib[x0, np.arange(n_d)[None, :]]
    else:
        fibre = np.zeros((n_s, n_d))
    total = np.where(reach, total, np.inf)
    # ISL delay by difference; exactly zero for a single-satellite (bent-pipe) path
    with np.errstate(invalid="ignore"):     # inf - inf on unreachable pairs, masked
        isl_ms = np.where(n_sats > 1, np.maximum(total - up - down - fibre, 0.0), 0.0)
    nan = np.nan
    return SnapshotRoutes(
        t=t, total_ms=total,
        uplink_ms=np.where(reach, up, nan), isl_ms=np.where(reach, isl_ms, nan),
        downlink_ms=np.where(reach, down, nan), fibre_ms=np.where(reach, fibre, nan),
        n_sats=np.where(reach, n_sats, 0), first_sat=np.where(reach, first, -1),
        last_sat=np.where(reach, last, -1), exit_index=exit_index, paths=paths,
        destination_index=np.where(reach, np.arange(n_d)[None, :], -1))


def _isl_options(isl_edges, grazing_altitude_km, max_isl_range_km):
    """The laser-link options of a routing call, checked; the edges as :func:`_edges`
    makes them (``None``: no lasers, and the other two are not used)."""
    if isl_edges is None:
        return None
    finite_scalar(grazing_altitude_km, "grazing_altitude_km", 0.0, None, unit="km")
    if max_isl_range_km is not None:
        finite_scalar(max_isl_range_km, "max_isl_range_km", 0.0, None, low_open=True,
                      unit="km", allow_inf=True)
    return _edges(isl_edges)


def _edges(isl_edges) -> np.ndarray:
    e = np.asarray(isl_edges)
    if e.ndim != 2 or e.shape[1] != 2:
        raise ValueError(f"isl_edges must have shape [E, 2], got {e.shape}")
    if e.size and not np.issubdtype(e.dtype, np.integer):
        raise TypeError(f"isl_edges must hold integer satellite indices, got dtype {e.dtype}")
    return e.astype(np.int64)


def route_snapshots(*args, **kwargs) -> list[SnapshotRoutes]:
    """All snapshots of :func:`iter_routes` as a list (same parameters).

    Parameters
    ----------
    *args, **kwargs
        The parameters of :func:`iter_routes`.
    """
    return list(iter_routes(*args, **kwargs))


def iter_destination_routes(positions, source_lat_deg, source_lon_deg, source_group,
                            exit_lat_deg, exit_lon_deg, exit_to_group_ms, *,
                            sat_min_elevation_deg, exit_min_elevation_deg=None,
                            isl_edges=None, max_isl_range_km=DEFAULT_MAX_ISL_RANGE_KM,
                            grazing_altitude_km=DEFAULT_GRAZING_ALTITUDE_KM,
                            gso_arc_avoidance_deg=None, source_chunk=1000
                            ) -> Iterator[SnapshotRoutes]:
    """Shortest paths from many sources to a few destinations, thinking in destinations.

    The same graph and the same shortest paths as :func:`iter_routes` with the
    ``min-delay`` assignment re-chosen every snapshot, computed from the other end:
    when there are far fewer destination *groups* (e.g. ~70 home PoPs, or one group
    "nearest region") than sources (e.g. ~15,000 map cells), one Dijkstra per group
    over the reversed satellite graph (``scipy.sparse.csgraph.dijkstra`` with
    ``indices=`` the group nodes) gives the one-way delay ``d_g(n)`` from every
    satellite ``n`` through the laser links and a gateway to group ``g``; a source ``s``
    of group ``g`` then takes the serving satellite in view (above the minimum
    elevation, outside the GSO-arc zone) that minimises ``uplink(s, n) + d_g(n)``, a
    vectorised minimum over the visible (source, satellite) pairs. The path is walked
    forward along the predecessors of the group's Dijkstra to its last satellite and
    exit. Per snapshot the cost is ``G`` Dijkstras on the space segment plus one pass
    over the visible pairs, instead of one Dijkstra per source.

    Parameters
    ----------
    positions : array_like or iterable of array_like
        ``[T, N, 3]`` satellite positions, Earth-fixed, or an iterable of ``[t_i, N, 3]``
        chunks in time order. [km]
    source_lat_deg, source_lon_deg : array_like
        ``[S]`` ground sources (user terminals). [deg]
    source_group : array_like of int
        ``[S]`` or ``[S, K]``: the destination group of each source (for each of ``K``
        targets), an index into the columns of ``exit_to_group_ms``. [-]
    exit_lat_deg, exit_lon_deg : array_like
        ``[X]`` exits (gateways). [deg]
    exit_to_group_ms : array_like
        ``[X, G]`` one-way delay from each exit to each group (e.g. the fibre from a
        gateway through the user's home PoP to the nearest region), ``inf`` where
        there is no connection. [ms]
    sat_min_elevation_deg : float or array_like
        Minimum elevation of the source terminals, scalar or ``[N]``. [deg]
    exit_min_elevation_deg : float or array_like, optional
        Minimum elevation at the exits, scalar or ``[X]``; default as the sources. [deg]
    isl_edges : array_like of int, optional
        ``[E, 2]`` potential laser links; ``None`` for a bent pipe.
    max_isl_range_km, grazing_altitude_km : float
        Laser-link limits (:func:`satcloud.network.isl.isl_snapshots`). [km]
    gso_arc_avoidance_deg : float, optional
        GSO-arc avoidance of the source links, as for :func:`iter_routes`. [deg]
    source_chunk : int
        Sources whose visibility (``N x source_chunk`` candidate pairs) is searched at
        once; bounds memory. [-]

    Yields
    ------
    SnapshotRoutes
        Arrays ``[S, K]`` (``K = 1`` for a 1-D ``source_group``); ``destination_index``
        is the group reached (``-1`` where unreachable); ``paths`` is ``None``.
    """
    src_gso = _avoidance(gso_arc_avoidance_deg, "gso_arc_avoidance_deg")
    source_chunk = as_int(source_chunk, "source_chunk", 1)
    isl_edges = _isl_options(isl_edges, grazing_altitude_km, max_isl_range_km)
    grp = np.asarray(source_group)
    if grp.dtype.kind not in "iu":
        raise TypeError(f"source_group must hold integer group indices, got dtype "
                        f"{grp.dtype}")
    grp = grp.astype(np.int64)
    if grp.ndim == 1:
        grp = grp[:, None]
    state = None
    t = -1
    for chunk in _as_chunks(positions):
        if state is None:
            n_sat = chunk.shape[1]
            src, ext, sat_sin, ext_sin, _ = _check_inputs(
                n_sat, source_lat_deg, source_lon_deg, exit_lat_deg, exit_lon_deg,
                sat_min_elevation_deg, exit_min_elevation_deg, None)
            fib = _group_delays(exit_to_group_ms, ext.n)
            n_grp = fib.shape[1]
            if grp.ndim != 2 or grp.shape[0] != src.n or grp.shape[1] == 0:
                raise ValueError(f"source_group must have shape [{src.n}] or [{src.n}, K], "
                                 f"got {np.shape(source_group)}")
            if (grp < 0).any() or (grp >= n_grp).any():
                raise ValueError(f"source_group must index the {n_grp} columns of "
                                 f"exit_to_group_ms, got values in [{grp.min()}, "
                                 f"{grp.max()}]")
            used = np.unique(grp)
            row_of = np.full(n_grp, -1, np.int64)
            row_of[used] = np.arange(len(used))
            grp_row = row_of[grp]                                     # [S, K]
            # nodes: satellites [0, N), exits [N, N + X), groups [N + X, N + X + G); the
            # graph is stored reversed (edge group <- exit as row group, column exit)
            n_nodes = n_sat + ext.n + n_grp
            ext0, grp0 = n_sat, n_sat + ext.n
            fx, fg = np.nonzero(np.isfinite(fib))
            fixed_rev = (grp0 + fg, ext0 + fx, np.maximum(fib[fx, fg], _EPS_MS))
            bands = _SourceBands(src, sat_sin, source_chunk)
            state = True
        elif chunk.shape[1] != n_sat:
            raise ValueError(f"position chunks disagree on the satellite count: "
                             f"{chunk.shape[1]} vs {n_sat}")
        if isl_edges is not None:
            isl = isl_snapshots(chunk, isl_edges, grazing_altitude_km=grazing_altitude_km,
                                max_isl_range_km=max_isl_range_km)
        evs = _visible(chunk, ext, sat_sin, ext_sin, None)
        for k in range(chunk.shape[0]):
            t += 1
            r_t = chunk[k]
            ev = evs[k]
            if isl_edges is not None:
                ok = isl.valid[k]
                a, b = isl_edges[ok, 0], isl_edges[ok, 1]
                w = isl.length_km[k][ok] * _MS_PER_KM
                sr, sc, sw = np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate(
                    [w, w])
            else:
                sr = sc = np.zeros(0, np.int64)
                sw = np.zeros(0)
            # forward edges: sat -> sat, sat -> exit, exit -> group; stored reversed
            rows = np.concatenate([sc, ext0 + ev.gnd, fixed_rev[0]])
            cols = np.concatenate([sr, ev.sat, fixed_rev[1]])
            wts = np.concatenate([sw, ev.rng_km * _MS_PER_KM, fixed_rev[2]])
            g_rev = sp.csr_matrix((wts, (rows, cols)), shape=(n_nodes, n_nodes))
            dist, pred = dijkstra(g_rev, directed=True, indices=grp0 + used,
                                  return_predecessors=True)
            dsat = dist[:, :n_sat]                                     # [G_used, N]
            yield _best_serving(t, r_t, src, ext, fib, used, grp_row, dsat, pred, n_sat,
                                ext0, bands, src_gso)


def _group_delays(value, n_ext: int) -> np.ndarray:
    """``exit_to_group_ms`` checked: ``[X, G]``, >= 0, ``inf`` for no link, no NaN."""
    what = "exit_to_group_ms must be a numeric array [X, G] [ms]"
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{what}, got {value!r:.80}")
    try:
        fib = np.asarray(value, float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what}, got {type(value).__name__}") from exc
    if fib.ndim != 2 or fib.shape[0] != n_ext or fib.shape[1] == 0:
        raise ValueError(f"exit_to_group_ms must have shape [{n_ext}, G] (exits x groups) "
                         f"with G >= 1, got {fib.shape}")
    if np.isnan(fib).any() or (fib < 0).any():
        raise ValueError("exit_to_group_ms must be >= 0 (inf for no link), no NaN [ms]")
    return fib


class _SourceBands:
    """Sources in chunks of neighbouring latitudes, so that each chunk's visibility
    search (:func:`_visible`) looks only at the satellites over its latitude band
    widened by the largest coverage radius (the search itself is exact; the band is a
    conservative prefilter, like :func:`_visible`'s own)."""

    def __init__(self, src: _Ground, sat_sin, source_chunk: int):
        order = np.argsort(src.lat, kind="stable")
        self.index = [order[a:a + source_chunk] for a in range(0, src.n, source_chunk)]
        self.grounds = [_Ground(src.lat[i], src.lon[i], "source") for i in self.index]
        for g in self.grounds:
            g.unit = g.ecef / np.sqrt(np.einsum("gi,gi->g", g.ecef, g.ecef))[:, None]
        self.lat_rad = [(np.radians(src.lat[i].min()), np.radians(src.lat[i].max()))
                        for i in self.index]
        self.el_pad = max(float(np.arcsin(np.clip(np.min(sat_sin), 0.0, 1.0)))
                          - np.radians(0.5), 0.0)
        self.r_min = float(np.sqrt(np.einsum("gi,gi->g", src.ecef, src.ecef)).min())
        self.sat_sin = sat_sin

    def visible(self, r_t):
        """Per chunk: (global source indices, its :class:`_Visible` pairs, satellite
        indices global)."""
        r_s = np.sqrt(np.einsum("ij,ij->i", r_t, r_t))
        ratio = min(1.0, self.r_min / max(float(r_s.max()), 1e-9) * np.cos(self.el_pad))
        # coverage radius + 1 deg (ellipsoid) + 0.5 deg (geodetic vs geocentric latitude)
        lam = np.arccos(ratio) - self.el_pad + np.radians(1.5)
        sat_lat = np.arcsin(np.clip(r_t[:, 2] / np.maximum(r_s, 1e-9), -1.0, 1.0))
        kernel = _jit.load("serving")
        s_unit = r_t / np.maximum(r_s, 1e-9)[:, None]
        for idx, ground, (lo, hi) in zip(self.index, self.grounds, self.lat_rad,
                                         strict=True):
            sel = np.flatnonzero((sat_lat >= lo - lam) & (sat_lat <= hi + lam))
            if not sel.size:
                continue
            if kernel is None:
                v = _visible(r_t[sel][None], ground, self.sat_sin[sel], None, None)[0]
                yield idx, v, sel[v.sat]
                continue
            args = (np.ascontiguousarray(r_t[sel]), np.ascontiguousarray(s_unit[sel]),
                    self.sat_sin[sel] ** 2, ground.ecef, ground.unit, ground.up,
                    float(np.cos(min(lam, np.pi))))
            cap = 64 * ground.n
            while True:
                out = (np.empty(cap, np.int64), np.empty(cap, np.int64), np.empty(cap))
                k = kernel.visible_pairs_into(*args, *out)
                if k <= cap:
                    break
                cap = k
            gnd, sat, rng = out[0][:k], out[1][:k], out[2][:k]
            yield idx, _Visible(sat, gnd, rng, None), sel[sat]


def _first_allowed(cost, gnd, n_gnd, allowed):
    """Per ground point, the pair of least ``cost`` that ``allowed(pairs)`` accepts
    (``-1`` where none). The pairs of one ground point must be contiguous (as the
    visibility search writes them). ``allowed`` is asked only about the best pair not
    yet refused of each point, round by round (the GSO-arc test is the costly part; most
    best pairs pass it), and each round works only on the points still undecided."""
    best = np.full(n_gnd, -1, np.int64)
    if not len(cost):
        return best
    pos = np.arange(len(cost))
    c = np.array(cost, dtype=float)
    g = np.asarray(gnd)
    while len(c):
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        run_of = np.cumsum(np.r_[False, g[1:] != g[:-1]])
        mins = np.minimum.reduceat(c, starts)
        live = np.isfinite(mins)
        hit = np.flatnonzero((c == mins[run_of]) & live[run_of])
        if not hit.size:          # every remaining point sees only unreachable satellites
            break
        first = hit[np.r_[True, run_of[hit][1:] != run_of[hit][:-1]]]   # first per run
        ok = allowed(pos[first])
        best[g[first[ok]]] = pos[first[ok]]
        c[first[~ok]] = np.inf
        pending = np.zeros(len(starts), bool)
        pending[run_of[first[~ok]]] = True
        keep = pending[run_of]
        pos, c, g = pos[keep], c[keep], g[keep]
    return best


def _best_serving(t, r_t, src, ext, fib, used, grp_row, dsat, pred, n_sat, ext0,
                  bands: _SourceBands, src_gso) -> SnapshotRoutes:
    """Per source and target: the serving satellite minimising uplink + d_g(satellite)
    among those in view and outside the GSO-arc zone, then the path walked forward to
    its exit."""
    n_s, n_k = grp_row.shape
    total = np.full((n_s, n_k), np.inf)
    first = np.full((n_s, n_k), -1, np.int64)
    parts = [(idx[sv.gnd], sat, sv.rng_km) for idx, sv, sat in bands.visible(r_t)]
    if parts:
        gnd = np.concatenate([p[0] for p in parts])
        sat = np.concatenate([p[1] for p in parts])
        up = np.concatenate([p[2] for p in parts]) * _MS_PER_KM
        verdict = np.full(len(sat), -1, np.int8)     # GSO-arc test: unknown / ok / no

        def allowed(pairs):
            if src_gso is None:
                return np.ones(len(pairs), bool)
            new = pairs[verdict[pairs] < 0]
            if new.size:
                verdict[new] = gso_arc_excluded(src.lat[gnd[new]], src.lon[gnd[new]], 0.0,
                                                r_t[sat[new]], src_gso).astype(np.int8)
            return verdict[pairs] == 0

        for j in range(n_k):
            cost = up + dsat[grp_row[gnd, j], sat]
            best = _first_allowed(cost, gnd, n_s, allowed)
            hit = np.flatnonzero(best >= 0)
            total[hit, j] = cost[best[hit]]
            first[hit, j] = sat[best[hit]]
    reach = np.isfinite(total)
    first = np.where(reach, first, -1)
    # walk forward: pred of a satellite in the reversed Dijkstra is its next hop
    cur = np.maximum(first, 0)
    last = cur.copy()
    n_sats = reach.astype(np.int64)
    alive = reach.copy()
    while alive.any():
        nxt = np.where(alive, pred[grp_row, cur], -1)
        step = alive & (nxt >= 0) & (nxt < n_sat)
        cur = np.where(step, nxt, cur)
        last = np.where(step, nxt, last)
        n_sats += step
        alive = step
    exit_node = pred[grp_row, last]
    exit_index = np.where(reach, exit_node - ext0, -1)
    x0 = np.maximum(exit_index, 0)
    up = np.linalg.norm(r_t[np.maximum(first, 0)] - src.ecef[:, None, :], axis=-1) * _MS_PER_KM
    down = np.linalg.norm(r_t[last] - ext.ecef[x0], axis=-1) * _MS_PER_KM
    g_abs = used[grp_row]
    fibre = fib[x0, g_abs]
    with np.errstate(invalid="ignore"):     # inf - inf on unreachable pairs, masked
        isl_ms = np.where(n_sats > 1, np.maximum(total - up - down - fibre, 0.0), 0.0)
    nan = np.nan
    return SnapshotRoutes(
        t=t, total_ms=total, uplink_ms=np.where(reach, up, nan),
        isl_ms=np.where(reach, isl_ms, nan), downlink_ms=np.where(reach, down, nan),
        fibre_ms=np.where(reach, fibre, nan), n_sats=np.where(reach, n_sats, 0),
        first_sat=first, last_sat=np.where(reach, last, -1), exit_index=exit_index,
        paths=None, destination_index=np.where(reach, g_abs, -1))
