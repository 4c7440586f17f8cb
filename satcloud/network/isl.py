"""Inter-satellite links: +Grid topology and time-varying link snapshots.

The +Grid is the topology of the LEO-routing literature (Bhattacherjee & Singla,
"Network topology design at 27,000 km/hour", CoNEXT 2019; Kassing et al., "Exploring
the 'Internet from space' with Hypatia", IMC 2020): every satellite keeps four laser
links, two to its neighbours ahead and behind in its own orbital plane and two to the
satellites in the adjacent planes. Links stay within a shell.

A link exists in a snapshot only when

- its line of sight clears the atmosphere: the point of the segment closest to the
  Earth's centre stays above ``R + grazing_altitude_km`` (Hypatia uses 80 km), with
  ``R`` the WGS84 equatorial radius (a conservative sphere enclosing the ellipsoid);
- it is no longer than ``max_range_km``.

The neighbour index arrays are fixed per shell; only lengths and validity change with
time, computed for all snapshots at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from satcloud._validate import as_float_array
from satcloud.geometry import WGS84_A_KM
from satcloud.network._checks import as_int, broadcast, finite_scalar, positions

__all__ = [
    "DEFAULT_GRAZING_ALTITUDE_KM",
    "DEFAULT_MAX_ISL_RANGE_KM",
    "IslSnapshots",
    "isl_graph",
    "isl_snapshots",
    "plus_grid_edges",
    "segment_min_radius_km",
]

#: Lowest altitude a laser line of sight may graze (Hypatia's default). [km]
DEFAULT_GRAZING_ALTITUDE_KM = 80.0
#: Default maximum laser-link range, an assumption (optical terminals of the class
#: flown on Starlink are quoted at several thousand km); override per call. [km]
DEFAULT_MAX_ISL_RANGE_KM = 5000.0


def _int_array(value, name: str) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} must be >= 0, got {arr.min()}")
    return arr.astype(np.int64)


def plus_grid_edges(shell, plane, slot, *, intra_plane: bool = True,
                    inter_plane: bool = True, inter_plane_slot_offset: int = 0,
                    intra_plane_step: int = 1) -> np.ndarray:
    """Undirected +Grid links of a (multi-shell) constellation.

    Satellite ``(shell, p, s)`` links to ``(shell, p, s + intra_plane_step)`` in its own
    plane and to ``(shell, p + 1, s + inter_plane_slot_offset)`` in the next plane, both
    modulo the shell's plane and slot counts; with the same rule applied from the other
    side, every satellite has two intra-plane and two inter-plane neighbours.

    Parameters
    ----------
    shell : array_like
        ``[N]`` shell label of each satellite (any hashable values).
    plane : array_like of int
        ``[N]`` plane index within the shell, 0-based.
    slot : array_like of int
        ``[N]`` slot index within the plane, 0-based.
    intra_plane, inter_plane : bool
        Whether to build the in-plane and the cross-plane links.
    inter_plane_slot_offset : int
        Slot shift of the cross-plane neighbour (0 links equal slot indices, as
        Hypatia does). [-]
    intra_plane_step : int
        Slot distance of the in-plane neighbour (1 = the adjacent satellite). [-]

    Returns
    -------
    numpy.ndarray
        ``[E, 2]`` satellite row indices ``(i, j)`` with ``i < j``, unique, sorted.
        Planes with fewer than two satellites and shells with a single plane simply
        contribute no link of that kind.
    """
    plane = _int_array(plane, "plane")
    slot = _int_array(slot, "slot")
    shell = np.asarray(shell)
    if shell.ndim != 1:
        raise TypeError(f"shell must be a 1-D array of shell labels, one per satellite, got "
                        f"{shell!r:.100}")
    if not (len(shell) == len(plane) == len(slot)):
        raise ValueError(f"shell, plane and slot must have the same length, got "
                         f"{len(shell)}, {len(plane)}, {len(slot)}")
    intra_plane_step = as_int(intra_plane_step, "intra_plane_step", 1)
    inter_plane_slot_offset = as_int(inter_plane_slot_offset, "inter_plane_slot_offset")
    _, shell_code = np.unique(shell, return_inverse=True)
    edges = []
    for code in np.unique(shell_code):
        idx = np.flatnonzero(shell_code == code)
        p, s = plane[idx], slot[idx]
        n_planes, n_slots = int(p.max()) + 1, int(s.max()) + 1
        table = np.full((n_planes, n_slots), -1, dtype=np.int64)
        if len(np.unique(p * n_slots + s)) != len(idx):
            raise ValueError(f"duplicate (plane, slot) pairs in shell {shell[idx[0]]!r}")
        table[p, s] = idx
        if intra_plane and n_slots > 1:
            a = table
            b = np.roll(table, -intra_plane_step, axis=1)
            edges.append(np.stack([a.ravel(), b.ravel()], axis=1))
        if inter_plane and n_planes > 1:
            a = table
            b = np.roll(np.roll(table, -1, axis=0), -inter_plane_slot_offset, axis=1)
            edges.append(np.stack([a.ravel(), b.ravel()], axis=1))
    if not edges:
        return np.zeros((0, 2), dtype=np.int64)
    e = np.concatenate(edges)
    e = e[(e[:, 0] >= 0) & (e[:, 1] >= 0) & (e[:, 0] != e[:, 1])]
    e = np.sort(e, axis=1)
    return np.unique(e, axis=0)


def segment_min_radius_km(a_km, b_km) -> np.ndarray:
    """Smallest distance from the Earth's centre of the segments ``a -> b``.

    Parameters
    ----------
    a_km, b_km : array_like
        ``[..., 3]`` segment end points (ECEF). [km]

    Returns
    -------
    numpy.ndarray
        ``[...]`` minimum of ``|a + t (b - a)|`` over ``t`` in [0, 1]. [km]
    """
    a = positions(a_km, "a_km", ndim=None)
    b = positions(b_km, "b_km", ndim=None)
    a, b = broadcast(a_km=a, b_km=b)
    d = b - a
    dd = np.einsum("...i,...i->...", d, d)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(dd > 0, -np.einsum("...i,...i->...", a, d) / dd, 0.0)
    t = np.clip(t, 0.0, 1.0)
    p = a + t[..., None] * d
    return np.sqrt(np.einsum("...i,...i->...", p, p))


@dataclass
class IslSnapshots:
    """Laser links over time.

    Attributes
    ----------
    edges : numpy.ndarray
        ``[E, 2]`` satellite indices of each potential link (fixed over time).
    length_km : numpy.ndarray
        ``[T, E]`` link length. [km]
    valid : numpy.ndarray
        ``[T, E]`` whether the link exists (clears the grazing altitude, within range).
    min_radius_km : numpy.ndarray
        ``[T, E]`` closest approach of the line of sight to the Earth's centre. [km]
    n_sats : int
        Number of satellites (graph nodes).
    """

    edges: np.ndarray
    length_km: np.ndarray
    valid: np.ndarray
    min_radius_km: np.ndarray
    n_sats: int

    def graph(self, t: int = 0) -> sp.csr_matrix:
        """The snapshot ``t`` as a symmetric sparse graph of link lengths [km]."""
        return isl_graph(self.edges, self.length_km[t], self.valid[t], self.n_sats)


def isl_snapshots(r_ecef_km, edges, *, grazing_altitude_km=DEFAULT_GRAZING_ALTITUDE_KM,
                  max_range_km=DEFAULT_MAX_ISL_RANGE_KM) -> IslSnapshots:
    """Lengths and validity of every potential link at every time, vectorised.

    Parameters
    ----------
    r_ecef_km : array_like
        ``[T, N, 3]`` (or ``[N, 3]`` for one snapshot) satellite positions. [km]
    edges : array_like of int
        ``[E, 2]`` satellite index pairs, e.g. from :func:`plus_grid_edges`.
    grazing_altitude_km : float
        The line of sight must stay above this altitude over the WGS84 equatorial
        radius. [km]
    max_range_km : float or None
        Longest allowed link; ``None`` for no limit. [km]

    Returns
    -------
    IslSnapshots
    """
    r = positions(r_ecef_km, "r_ecef_km", ndim=(2, 3))
    if r.ndim == 2:
        r = r[None]
    e = _edge_array(edges, r.shape[1])
    graze = finite_scalar(grazing_altitude_km, "grazing_altitude_km", 0.0, None, unit="km")
    a, b = r[:, e[:, 0]], r[:, e[:, 1]]
    length = np.linalg.norm(b - a, axis=-1)
    min_r = segment_min_radius_km(a, b)
    valid = min_r > WGS84_A_KM + graze
    if max_range_km is not None:
        rmax = finite_scalar(max_range_km, "max_range_km", 0.0, None, low_open=True,
                             unit="km", allow_inf=True)
        valid &= length <= rmax
    return IslSnapshots(edges=e, length_km=length, valid=valid, min_radius_km=min_r,
                        n_sats=r.shape[1])


def _edge_array(edges, n_sats: int) -> np.ndarray:
    e = np.asarray(edges)
    if e.ndim != 2 or e.shape[1] != 2:
        raise ValueError(f"edges must have shape [E, 2], got {e.shape}")
    if e.size and not np.issubdtype(e.dtype, np.integer):
        raise TypeError(f"edges must hold integer satellite indices, got dtype {e.dtype}")
    e = e.astype(np.int64)
    if e.size and (e.min() < 0 or e.max() >= n_sats):
        raise ValueError(f"edges index satellites outside [0, {n_sats - 1}]")
    return e


def isl_graph(edges, length_km, valid, n_sats: int) -> sp.csr_matrix:
    """A symmetric CSR matrix of valid link lengths for one snapshot. [km]

    Parameters
    ----------
    edges : array_like
        Link end points as satellite index pairs ``[E, 2]``.
    length_km : array_like
        Length of each link ``[E]``. [km]
    valid : array_like of bool
        Which links are usable in this snapshot ``[E]``.
    n_sats : int
        Number of satellites (matrix size).
    """
    n_sats = as_int(n_sats, "n_sats", 0)
    e = _edge_array(edges, n_sats)
    length = as_float_array(length_km, "length_km")
    ok = np.asarray(valid)
    if ok.dtype != bool or length.shape != (len(e),) or ok.shape != (len(e),):
        raise ValueError(f"length_km and valid must be 1-D with one entry per edge "
                         f"({len(e)}); valid boolean; got shapes {length.shape} and "
                         f"{ok.shape}, valid dtype {ok.dtype}")
    if not np.isfinite(length[ok]).all():
        raise ValueError("length_km must be finite for every valid edge")
    e = e[ok]
    w = length[ok]
    rows = np.concatenate([e[:, 0], e[:, 1]])
    cols = np.concatenate([e[:, 1], e[:, 0]])
    return sp.csr_matrix((np.concatenate([w, w]), (rows, cols)), shape=(n_sats, n_sats))
