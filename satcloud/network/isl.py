"""Inter-satellite links: +Grid topology and time-varying link snapshots.

The +Grid is the topology of the LEO-routing literature (Bhattacherjee and Singla [1]_;
Kassing et al. [2]_, the Hypatia simulator): every satellite keeps four laser
links, two to its neighbours ahead and behind in its own orbital plane and two to the
satellites in the adjacent planes. Links stay within a shell.

A link exists in a snapshot only when

- its line of sight clears the atmosphere: the point of the segment closest to the
  Earth's centre stays above ``R + grazing_altitude_km`` (Hypatia uses 80 km), with
  ``R`` the WGS84 equatorial radius (a conservative sphere enclosing the ellipsoid);
- it is no longer than ``max_isl_range_km``.

The neighbour index arrays are fixed per shell; only lengths and validity change with
time, computed for all snapshots at once.

Two ways to get them: :func:`plus_grid_edges` from the filed slot numbers of Walker
shells, and :func:`infer_plus_grid` from where the satellites are (planes by RAAN,
neighbours by argument of latitude at a common epoch, gaps where slots or planes are
empty), for real constellations built from element sets; on a filed Walker shell the two
agree exactly.

References
----------
.. [1] D. Bhattacherjee and A. Singla, "Network topology design at 27,000 km/hour", in
   *Proc. ACM CoNEXT 2019*, 2019. doi:10.1145/3359989.3365407
.. [2] S. Kassing, D. Bhattacherjee, A. B. Águas, J. E. Saethre and A. Singla, "Exploring
   the 'Internet from space' with Hypatia", in *Proc. ACM Internet Measurement
   Conference (IMC 2020)*, 2020, pp. 214-229. doi:10.1145/3419394.3423635
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from satcloud._validate import as_float_array, renamed_keywords
from satcloud.geometry import WGS84_A_KM
from satcloud.network._checks import as_int, broadcast, finite_scalar, positions
from satcloud.orbits import R_EARTH_KM, j2_secular_rates
from satcloud.time import to_time

__all__ = [
    "DEFAULT_GRAZING_ALTITUDE_KM",
    "DEFAULT_MAX_ISL_RANGE_KM",
    "INFER_COLUMNS",
    "IslSnapshots",
    "infer_plus_grid",
    "isl_graph",
    "isl_snapshots",
    "plus_grid_edges",
    "segment_min_radius_km",
]

#: Lowest altitude a laser line of sight may graze (Hypatia's default, module References
#: [2]). [km]
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
                    intra_plane_step: int = 1, phasing=0, wrap_planes=True) -> np.ndarray:
    """Undirected +Grid links of a (multi-shell) constellation.

    Satellite ``(shell, p, s)`` links to ``(shell, p, s + intra_plane_step)`` in its own
    plane and to ``(shell, p + 1, s + inter_plane_slot_offset)`` in the next plane, both
    modulo the shell's plane and slot counts; with the same rule applied from the other
    side, every satellite has two intra-plane and two inter-plane neighbours (the +Grid
    of Bhattacherjee and Singla [2]_).

    Across the *seam* (last plane ``P - 1`` -> plane 0) a Walker delta i:T/P/F is
    shifted by F slots: slot ``s`` of plane ``P - 1`` has argument of latitude
    ``360 s / S + 360 F (P - 1) / T``, which is ``360 F / T`` behind slot ``s + F`` of
    plane 0 -- the same lead as between any two adjacent planes (Walker [1]_). Give
    ``phasing=F`` to link the seam to that slot (the satellites beside each other);
    the default 0 links equal slot indices, as Hypatia does, which is a diagonal link
    of F slots at the seam when F > 0. A Walker star (planes over 180 deg of RAAN) has
    counter-rotating planes at the seam and no links across it: ``wrap_planes=False``.

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
    phasing : int or Mapping, optional
        Walker phasing factor F (extra slot shift of the seam links), for every shell
        or as ``{shell label: F}`` (shells not listed: 0). [-]
    wrap_planes : bool or Mapping, optional
        Whether the last plane links to plane 0 (True for a Walker delta, False for a
        Walker star), for every shell or as ``{shell label: bool}`` (not listed: True).

    Returns
    -------
    numpy.ndarray
        ``[E, 2]`` satellite row indices ``(i, j)`` with ``i < j``, unique, sorted.
        Planes with fewer than two satellites and shells with a single plane simply
        contribute no link of that kind.

    References
    ----------
    .. [1] J. G. Walker, "Satellite constellations", *Journal of the British Interplanetary
       Society* 37, 559-572, 1984 (no DOI).
    .. [2] D. Bhattacherjee and A. Singla, "Network topology design at 27,000 km/hour", in
       *Proc. ACM CoNEXT 2019*, 2019. doi:10.1145/3359989.3365407
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
    labels, shell_code = np.unique(shell, return_inverse=True)
    seam_shift = _per_shell(phasing, "phasing", labels, 0,
                            lambda v, n: as_int(v, n, 0))
    seam_wrap = _per_shell(wrap_planes, "wrap_planes", labels, True, _as_flag)
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
            b[-1] = np.roll(b[-1], -seam_shift[code]) if seam_wrap[code] else -1
            edges.append(np.stack([a.ravel(), b.ravel()], axis=1))
    if not edges:
        return np.zeros((0, 2), dtype=np.int64)
    e = np.concatenate(edges)
    e = e[(e[:, 0] >= 0) & (e[:, 1] >= 0) & (e[:, 0] != e[:, 1])]
    e = np.sort(e, axis=1)
    return np.unique(e, axis=0)


#: Satellite-table columns :func:`infer_plus_grid` always reads.
INFER_COLUMNS = ("shell", "plane", "raan_deg", "arg_perigee_deg", "mean_anomaly_deg")
# ... and those it also needs to bring elements of different epochs to one epoch
_EPOCH_COLUMNS = ("element_epoch", "altitude_km", "inclination_deg")


def infer_plus_grid(satellites, *, epoch=None, sats_per_plane=None, plane_spacing_deg=None,
                    gap_factor=1.5, tolerance_slots=0.5) -> np.ndarray:
    """+Grid laser links inferred from the satellites' orbital elements.

    Where :func:`plus_grid_edges` reads the filed slot numbers, this function reads
    where the satellites are: the right ascension of the ascending node (RAAN) of each
    plane and each satellite's argument of latitude ``u = arg_perigee + mean_anomaly``,
    so it works on real constellations whose planes are partly filled (element sets
    grouped into shells and planes), and on filed Walker shells [1]_, where it returns
    the filing's +Grid [2]_ exactly (``plus_grid_edges(..., phasing=F)``, without the seam links
    for a Walker star).

    Rules, per shell (the ``shell`` column) and plane (the ``plane`` column):

    - **Nominal spacings.** The slot spacing is ``360 / S`` with ``S`` the filed
      satellites per plane (``sats_per_plane``, or the shell table of a
      :class:`~satcloud.constellations.Constellation` for Walker-built shells, those
      with ``phasing >= 0``), otherwise the median gap in ``u`` between consecutive
      satellites of the shell's planes. The plane spacing is ``plane_spacing_deg``, or
      ``raan_spread_deg / planes`` of a Walker-built shell, otherwise the median RAAN
      gap between consecutive planes (plane RAAN: circular mean of its satellites).
    - **Intra-plane.** Each satellite links to the next one ahead in ``u`` in its
      plane (wrapping at 360 deg), unless the gap exceeds ``gap_factor`` x the slot
      spacing: such a gap holds at least one empty slot and gets no link.
    - **Adjacent planes.** Planes are ordered by RAAN within the shell; a plane's
      neighbour is the next one east, wrapping at 360 deg, unless the RAAN gap exceeds
      ``gap_factor`` x the plane spacing (an empty plane, or the seam of a Walker star,
      whose last and first planes are 180 deg + one spacing apart: no links there).
    - **Inter-plane.** The shell's inter-plane phase offset ``d`` (how far ahead in
      ``u`` the next plane's satellites are) is the circular median, modulo the slot
      spacing, of each satellite's difference to the nearest satellite in ``u`` of the
      next plane. Each satellite links to the satellite of the next plane nearest to
      ``u + d``, if it lies within ``tolerance_slots`` slot spacings of it and the link
      is mutual (that satellite's nearest to ``u' - d`` in the previous plane is this
      one): an empty slot leaves a gap, never a diagonal link.

    Satellites outside the planes -- an empty ``shell`` label or a negative ``plane``,
    as real constellations mark objects still raising, deorbiting or unclassified --
    get no links.

    Each satellite gets at most two intra-plane and two inter-plane links; the edge
    set is symmetric (undirected). The cost is a few sorts and binary searches over
    all satellites (no loop over satellites).

    Parameters
    ----------
    satellites : Constellation or pandas.DataFrame
        The satellites, one row each, with the columns of :data:`INFER_COLUMNS`
        (``raan_deg``, ``arg_perigee_deg``, ``mean_anomaly_deg`` in deg; ``shell`` and
        ``plane`` labels). With ``element_epoch`` (UTC) and epochs that differ (or an
        ``epoch``), also ``altitude_km`` (a - 6378.137 km), ``inclination_deg`` and
        optionally ``eccentricity`` (default 0).
    epoch : Time, datetime or str, optional
        The common epoch at which planes and phases are compared. Default: the latest
        ``element_epoch`` (without that column the table's angles are taken as they
        are). Rows of a :class:`~satcloud.constellations.Constellation` with an SGP4
        element set (``model == "sgp4"``) are propagated to it by SGP4 and their RAAN
        and ``u`` read from the osculating state vector (TEME); the other rows are
        advanced with the J2 secular rates of RAAN, argument of perigee and mean
        anomaly (:func:`satcloud.orbits.j2_secular_rates`, Vallado [3]_), as are SGP4
        rows whose propagation fails (e.g. decayed). For the 10,097 Starlink element
        sets of 2026-04-02 (ages up to 3 days) the J2 rates alone differ from SGP4 by
        0.07 deg in ``u`` (median; 95th percentile 1.3 deg for sets 1-3 days old, 4 deg
        at most) and < 0.05 deg in RAAN (95th percentile), against slot spacings of
        5-20 deg.
    sats_per_plane : int or Mapping, optional
        Filed satellites per plane S (slot spacing ``360 / S``), for every shell or as
        ``{shell label: S}``; shells not given use the rule above. [-]
    plane_spacing_deg : float or Mapping, optional
        Nominal RAAN spacing of adjacent planes, for every shell or as
        ``{shell label: spacing}``, in (0, 360]. [deg]
    gap_factor : float, optional
        A gap wider than this many nominal spacings means empty slots (or planes); at
        least 1. Default 1.5. [-]
    tolerance_slots : float, optional
        Largest offset of an inter-plane neighbour from the expected phase, in slot
        spacings, in (0, 1). Default 0.5. [-]

    Returns
    -------
    numpy.ndarray
        ``[E, 2]`` row indices ``(i, j)`` of ``satellites`` with ``i < j``, unique,
        sorted -- the format of :func:`plus_grid_edges`, for :func:`isl_snapshots` and
        :func:`satcloud.network.routing.iter_routes`.

    Raises
    ------
    TypeError
        If ``satellites`` is neither a Constellation nor a DataFrame, or a column is
        not numeric.
    ValueError
        For an empty table, a missing column, a non-finite element (the message names
        the column and the satellite), or an option out of range.

    References
    ----------
    .. [1] J. G. Walker, "Satellite constellations", *Journal of the British Interplanetary
       Society* 37, 559-572, 1984 (no DOI).
    .. [2] D. Bhattacherjee and A. Singla, "Network topology design at 27,000 km/hour", in
       *Proc. ACM CoNEXT 2019*, 2019 (the +Grid). doi:10.1145/3359989.3365407
    .. [3] D. A. Vallado (with W. D. McClain), *Fundamentals of Astrodynamics and
       Applications*, 4th ed., Microcosm Press, Hawthorne, CA, 2013 (a book, no DOI),
       eqs. 9-41 to 9-43 (J2 secular rates).
    """
    sats, shells_table, satrecs = _infer_input(satellites)
    gap_factor = finite_scalar(gap_factor, "gap_factor", 1.0, None)
    tol = finite_scalar(tolerance_slots, "tolerance_slots", 0.0, 1.0, low_open=True,
                        high_open=True)
    raan, u = _common_epoch_angles(sats, epoch, satrecs)
    for col in ("shell", "plane"):
        missing = sats[col].isna().to_numpy()
        if missing.any():
            k = int(np.flatnonzero(missing)[0])
            raise ValueError(f"satellites column {col!r} is missing at row {k} "
                             f"({_sat_name(sats, k)}); every satellite needs a {col} (use "
                             f"shell '' or plane -1 for one outside the shells)")
    rows = _plane_members(sats)
    if rows.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    e = _infer_links(sats.iloc[rows], raan[rows], u[rows], shells_table, sats_per_plane,
                     plane_spacing_deg, gap_factor, tol)
    return rows[e]      # rows increase: i < j, order and uniqueness are kept


def _plane_members(sats: pd.DataFrame) -> np.ndarray:
    """Rows of satellites in a plane: not an empty shell label, not a negative plane."""
    ok = sats["shell"].astype(str).str.strip().to_numpy() != ""
    plane = pd.to_numeric(sats["plane"], errors="coerce").to_numpy(dtype=float)
    ok &= ~(plane < 0)          # non-numeric labels (NaN here) are plane labels too
    return np.flatnonzero(ok)


def _infer_links(sats, raan, u, shells_table, sats_per_plane, plane_spacing_deg,
                 gap_factor, tol) -> np.ndarray:
    """The +Grid of :func:`infer_plus_grid` over satellites that are all in planes;
    ``[E, 2]`` positions in ``sats``, ``i < j``, unique, sorted."""
    shell_code, shell_labels = pd.factorize(sats["shell"])
    plane_code, _ = pd.factorize(sats["plane"])
    group, _ = pd.factorize(shell_code.astype(np.int64) * (int(plane_code.max()) + 1)
                            + plane_code)
    n_shells = len(shell_labels)
    n_groups = int(group.max()) + 1
    group_shell = np.empty(n_groups, np.int64)
    group_shell[group] = shell_code

    # satellites sorted by (plane group, u); each group is a contiguous run
    order = np.lexsort((u, group))
    g_s, u_s = group[order], u[order]
    count = np.bincount(g_s, minlength=n_groups)
    start = np.cumsum(count) - count
    pos = np.arange(len(order)) - start[g_s]
    ahead = start[g_s] + (pos + 1) % count[g_s]
    gap_u = np.mod(u_s[ahead] - u_s, 360.0)
    sh_s = group_shell[g_s]
    multi = count[g_s] >= 2

    walker = _walker_shells(shells_table, shell_labels)
    slot_sp = _nominal_spacing(
        sats_per_plane, "sats_per_plane", shell_labels, walker, "slot",
        _filed_slot_spacing, gap_u[multi], sh_s[multi])

    # intra-plane: consecutive in u unless the gap holds an empty slot
    with np.errstate(over="ignore"):   # a tiny spacing: every gap is "empty slots"
        ok = multi & (gap_u / slot_sp[sh_s] <= gap_factor)
    intra = np.stack([order[ok], order[ahead[ok]]], axis=1)

    # planes ordered by RAAN within each shell; the neighbour east unless the gap is
    # wider than gap_factor plane spacings (empty plane, Walker-star seam)
    ang = np.radians(raan)
    raan_g = np.degrees(np.arctan2(np.bincount(group, np.sin(ang), n_groups),
                                   np.bincount(group, np.cos(ang), n_groups))) % 360.0
    g_order = np.lexsort((raan_g, group_shell))
    gs = group_shell[g_order]
    n_pl = np.bincount(gs, minlength=n_shells)
    g_start = np.cumsum(n_pl) - n_pl
    g_pos = np.arange(n_groups) - g_start[gs]
    east = g_order[g_start[gs] + (g_pos + 1) % n_pl[gs]]
    gap_raan = np.mod(raan_g[east] - raan_g[g_order], 360.0)
    several = n_pl[gs] >= 2
    plane_sp = _nominal_spacing(
        plane_spacing_deg, "plane_spacing_deg", shell_labels, walker, "plane",
        lambda v, n: finite_scalar(v, n, 0.0, 360.0, low_open=True, unit="deg"),
        gap_raan[several], gs[several])
    with np.errstate(over="ignore"):
        linked = several & (gap_raan / plane_sp[gs] <= gap_factor)
    nxt = np.full(n_groups, -1, np.int64)
    prv = np.full(n_groups, -1, np.int64)
    nxt[g_order[linked]] = east[linked]
    prv[east[linked]] = g_order[linked]

    key = g_s * 720.0 + u_s          # sorted: u in [0, 360) within each group
    has_next = nxt[g_s] >= 0
    inter = np.zeros((0, 2), np.int64)
    if has_next.any():
        # the shell's inter-plane phase offset: circular median of the nearest-u
        # differences, modulo the slot spacing
        a = np.flatnonzero(has_next)
        _, d = _nearest(key, u_s, start, count, nxt[g_s[a]], u_s[a])
        sp_a = slot_sp[sh_s[a]]
        phase = 2.0 * np.pi * d / sp_a
        sh_a = sh_s[a]
        mean = np.arctan2(np.bincount(sh_a, np.sin(phase), n_shells),
                          np.bincount(sh_a, np.cos(phase), n_shells))
        rel = np.mod(phase - mean[sh_a] + np.pi, 2.0 * np.pi) - np.pi
        offset = np.zeros(n_shells)
        for k in np.unique(sh_a):
            offset[k] = (mean[k] + np.median(rel[sh_a == k])) * slot_sp[k] / (2.0 * np.pi)
        # forward: nearest to u + offset in the next plane, within the tolerance
        fwd = np.full(len(order), -1, np.int64)
        b, dist = _nearest(key, u_s, start, count, nxt[g_s[a]],
                           np.mod(u_s[a] + offset[sh_a], 360.0))
        keep = np.abs(dist) <= tol * sp_a
        fwd[a[keep]] = b[keep]
        # backward: nearest to u - offset in the previous plane
        c = np.flatnonzero(prv[g_s] >= 0)
        bwd = np.full(len(order), -1, np.int64)
        a2, dist2 = _nearest(key, u_s, start, count, prv[g_s[c]],
                             np.mod(u_s[c] - offset[sh_s[c]], 360.0))
        keep2 = np.abs(dist2) <= tol * slot_sp[sh_s[c]]
        bwd[c[keep2]] = a2[keep2]
        mutual = np.flatnonzero(fwd >= 0)
        mutual = mutual[bwd[fwd[mutual]] == mutual]
        inter = np.stack([order[mutual], order[fwd[mutual]]], axis=1)

    e = np.concatenate([intra, inter]).astype(np.int64)
    e = np.sort(e[e[:, 0] != e[:, 1]], axis=1)
    # unique rows in (i, j) order through one integer key (faster than axis=0)
    key = np.unique(e[:, 0] * len(order) + e[:, 1])
    return np.stack(np.divmod(key, len(order)), axis=1).astype(np.int64)


def _filed_slot_spacing(value, name: str) -> float:
    """Slot spacing 360 / S [deg] of a filed satellites-per-plane count S."""
    n = as_int(value, name, 1)
    if n > 1_000_000:
        raise ValueError(f"{name} must be an integer in [1, 1000000], got {n}")
    return 360.0 / n


def _nearest(key, u_s, start, count, group, target_deg):
    """Index (into the sorted arrays) of the satellite of ``group`` nearest in ``u`` to
    ``target_deg`` (circularly), and the signed difference ``u - target`` in
    [-180, 180). [deg]"""
    n = count[group]
    pos = np.searchsorted(key, group * 720.0 + target_deg) - start[group]
    hi = start[group] + pos % n
    lo = start[group] + (pos - 1) % n
    d_hi = np.mod(u_s[hi] - target_deg + 180.0, 360.0) - 180.0
    d_lo = np.mod(u_s[lo] - target_deg + 180.0, 360.0) - 180.0
    pick_lo = np.abs(d_lo) < np.abs(d_hi)
    return np.where(pick_lo, lo, hi), np.where(pick_lo, d_lo, d_hi)


def _nominal_spacing(value, name, labels, walker, kind, check, gaps, gap_shell):
    """Per-shell nominal spacing [deg]: the user's value, the filed Walker value, or
    the median of the observed gaps (360 when a shell has none)."""
    given = _per_shell({} if value is None else value, name, labels, None, check)
    out = np.full(len(labels), 360.0)
    for k in range(len(labels)):
        if given[k] is not None:
            out[k] = given[k]
        elif walker[k] is not None:
            out[k] = walker[k][kind]
        elif (gap_shell == k).any():
            out[k] = float(np.median(gaps[gap_shell == k]))
    return out


def _walker_shells(shells, labels) -> list:
    """Per shell label: ``{"slot": 360 / S, "plane": spread / P}`` for shells built as
    Walker shells (``phasing >= 0`` in a Constellation's shell table), else None."""
    out = [None] * len(labels)
    if shells is None:
        return out
    need = {"shell", "planes", "sats_per_plane", "phasing", "raan_spread_deg"}
    if not need <= set(shells.columns):
        return out
    rows = {str(r.shell): r for r in shells.itertuples(index=False)}
    for k, label in enumerate(labels):
        r = rows.get(str(label))
        if r is not None and r.phasing >= 0 and r.planes >= 1 and r.sats_per_plane >= 1:
            out[k] = {"slot": 360.0 / r.sats_per_plane,
                      "plane": float(r.raan_spread_deg) / r.planes}
    return out


def _sat_name(sats: pd.DataFrame, k: int) -> str:
    return f"sat_id {sats['sat_id'].iloc[k]!r}" if "sat_id" in sats.columns else f"row {k}"


def _infer_input(satellites):
    """(satellites DataFrame, shell table or None), checked for the columns."""
    from satcloud.constellations import Constellation

    if isinstance(satellites, Constellation):
        sats, shells, satrecs = satellites.satellites, satellites.shells, satellites.satrecs
    elif isinstance(satellites, pd.DataFrame):
        sats, shells, satrecs = satellites, None, None
    else:
        raise TypeError(f"satellites must be a Constellation or a pandas DataFrame with "
                        f"columns {list(INFER_COLUMNS)}, got {type(satellites).__name__}")
    if len(sats) == 0:
        raise ValueError("satellites is empty: no satellite to link")
    missing = [c for c in INFER_COLUMNS if c not in sats.columns]
    if missing:
        raise ValueError(f"satellites is missing column(s) {missing}; needed: "
                         f"{list(INFER_COLUMNS)}")
    return sats.reset_index(drop=True), shells, satrecs


def _sgp4_node_and_latitude(satrecs, t):
    """RAAN and argument of latitude [deg] in TEME of each SGP4 element set at the
    time ``t``, from its osculating state vector (h = r x v, node = z x h; Vallado
    2013, algorithm 9); ``ok`` is False where SGP4 reports an error (e.g. decayed)."""
    from sgp4.api import SatrecArray

    utc = t.utc
    err, r, v = SatrecArray(list(satrecs)).sgp4(np.array([utc.jd1]), np.array([utc.jd2]))
    r, v = r[:, 0], v[:, 0]
    h = np.cross(r, v)
    node = np.stack([-h[:, 1], h[:, 0], np.zeros(len(h))], axis=1)      # z x h
    raan = np.degrees(np.arctan2(node[:, 1], node[:, 0]))
    h_norm = np.linalg.norm(h, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        along = np.einsum("ij,ij->i", np.cross(node, r), h) / h_norm   # |node| sin u
        u = np.degrees(np.arctan2(along, np.einsum("ij,ij->i", node, r)))
    ok = ((err[:, 0] == 0) & np.isfinite(raan) & np.isfinite(u)
          & (np.hypot(node[:, 0], node[:, 1]) > 1e-9 * h_norm))      # not equatorial
    return raan, u, ok


def _element(sats: pd.DataFrame, col: str) -> np.ndarray:
    try:
        v = sats[col].to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"satellites column {col!r} must be numeric [deg/km], got dtype "
                        f"{sats[col].dtype}") from exc
    bad = ~np.isfinite(v)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ValueError(f"satellites column {col!r} is {float(v[k])!r} at row {k} "
                         f"({_sat_name(sats, k)}); elements must be finite")
    return v


def _common_epoch_angles(sats: pd.DataFrame, epoch, satrecs=None):
    """RAAN and argument of latitude [deg], in [0, 360), at one common epoch: SGP4
    state vectors for the rows with an SGP4 element set, J2 secular rates otherwise."""
    raan = _element(sats, "raan_deg")
    u = _element(sats, "arg_perigee_deg") + _element(sats, "mean_anomaly_deg")
    has_epochs = "element_epoch" in sats.columns
    if epoch is not None and not has_epochs:
        raise ValueError("epoch needs an 'element_epoch' column in satellites (the "
                         "epoch of each element set) to advance the elements to it")
    sgp4_rows = np.zeros(0, np.int64)
    if satrecs is not None and has_epochs and "model" in sats.columns:
        sgp4_rows = np.flatnonzero((sats["model"] == "sgp4").to_numpy()
                                   & np.array([r is not None for r in satrecs], bool))
    if has_epochs:
        # pandas, not astropy, for the 10^4 epochs (a UTC difference: no leap second
        # falls inside a few days of element ages since 2017)
        try:
            t = pd.DatetimeIndex(pd.to_datetime(sats["element_epoch"], utc=True))
        except (TypeError, ValueError, OverflowError) as exc:
            raise TypeError(f"satellites column 'element_epoch' must hold UTC times, got "
                            f"{sats['element_epoch'].iloc[0]!r:.100}") from exc
        if t.isna().any():
            k = int(np.flatnonzero(t.isna())[0])
            raise ValueError(f"satellites column 'element_epoch' is missing at row {k} "
                             f"({_sat_name(sats, k)})")
        if epoch is None:
            ref_ts = t.max()
        else:
            ref = to_time(epoch, "epoch")
            if not ref.isscalar:
                raise ValueError(f"epoch must be a single time, got {len(ref)} times")
            ref_ts = pd.Timestamp(ref.utc.datetime64).tz_localize("UTC")
        dt_s = (ref_ts - t).total_seconds().to_numpy(dtype=float)
        ref = to_time(ref_ts, "epoch")
        if np.any(dt_s != 0.0):
            missing = [c for c in _EPOCH_COLUMNS if c not in sats.columns]
            if missing:
                raise ValueError(f"satellites is missing column(s) {missing}, needed to "
                                 "advance elements of different epochs to a common one")
            ecc = (_element(sats, "eccentricity") if "eccentricity" in sats.columns
                   else np.zeros(len(sats)))
            rates = j2_secular_rates(R_EARTH_KM + _element(sats, "altitude_km"), ecc,
                                     _element(sats, "inclination_deg"))
            raan = raan + np.degrees(rates[0] * dt_s)
            u = u + np.degrees((rates[1] + rates[2]) * dt_s)
        if sgp4_rows.size:
            raan_s, u_s, ok = _sgp4_node_and_latitude(
                [satrecs[k] for k in sgp4_rows], ref)
            raan[sgp4_rows[ok]], u[sgp4_rows[ok]] = raan_s[ok], u_s[ok]
    raan, u = np.mod(raan, 360.0), np.mod(u, 360.0)
    # np.mod may round a tiny negative angle up to exactly 360
    return np.where(raan >= 360.0, 0.0, raan), np.where(u >= 360.0, 0.0, u)


def _as_flag(value, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r:.100}")
    return bool(value)


def _per_shell(value, name: str, labels, default, check) -> list:
    """One checked value per shell label from a scalar or a ``{label: value}`` mapping."""
    if isinstance(value, Mapping):
        known = {str(k) for k in labels}
        unknown = [k for k in value if str(k) not in known]
        if unknown:
            raise ValueError(f"{name} names shell(s) {unknown!r:.200} that are not in the "
                             f"table; shells: {sorted(known)!r:.200}")
        by_label = {str(k): v for k, v in value.items()}
        return [check(by_label[str(k)], f"{name}[{k!r}]") if str(k) in by_label
                else default for k in labels]
    one = check(value, name)
    return [one] * len(labels)


@renamed_keywords(a_km="point_a_km", b_km="point_b_km")
def segment_min_radius_km(point_a_km, point_b_km) -> np.ndarray:
    """Smallest distance from the Earth's centre of the segments ``a -> b``.

    Parameters
    ----------
    point_a_km, point_b_km : array_like
        ``[..., 3]`` segment end points (ECEF). [km]

    Returns
    -------
    numpy.ndarray
        ``[...]`` minimum of ``|a + t (b - a)|`` over ``t`` in [0, 1]. [km]
    """
    a = positions(point_a_km, "point_a_km", ndim=None)
    b = positions(point_b_km, "point_b_km", ndim=None)
    a, b = broadcast(point_a_km=a, point_b_km=b)
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
    n_satellites : int
        Number of satellites (graph nodes).
    """

    edges: np.ndarray
    length_km: np.ndarray
    valid: np.ndarray
    min_radius_km: np.ndarray
    n_satellites: int

    def graph(self, t: int = 0) -> sp.csr_matrix:
        """The snapshot ``t`` as a symmetric sparse graph of link lengths [km]."""
        return isl_graph(self.edges, self.length_km[t], self.valid[t], self.n_satellites)


@renamed_keywords(max_range_km="max_isl_range_km")
def isl_snapshots(r_ecef_km, edges, *, grazing_altitude_km=DEFAULT_GRAZING_ALTITUDE_KM,
                  max_isl_range_km=DEFAULT_MAX_ISL_RANGE_KM) -> IslSnapshots:
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
    max_isl_range_km : float or None
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
    if max_isl_range_km is not None:
        rmax = finite_scalar(max_isl_range_km, "max_isl_range_km", 0.0, None, low_open=True,
                             unit="km", allow_inf=True)
        valid &= length <= rmax
    return IslSnapshots(edges=e, length_km=length, valid=valid, min_radius_km=min_r,
                        n_satellites=r.shape[1])


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


@renamed_keywords(n_sats="n_satellites")
def isl_graph(edges, length_km, valid, n_satellites: int) -> sp.csr_matrix:
    """A symmetric CSR matrix of valid link lengths for one snapshot. [km]

    Parameters
    ----------
    edges : array_like
        Link end points as satellite index pairs ``[E, 2]``.
    length_km : array_like
        Length of each link ``[E]``. [km]
    valid : array_like of bool
        Which links are usable in this snapshot ``[E]``.
    n_satellites : int
        Number of satellites (matrix size).
    """
    n_sats = as_int(n_satellites, "n_satellites", 0)
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
