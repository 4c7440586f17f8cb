"""+Grid topology and laser-link snapshots (satcloud.network.isl).

Positions come from a circular Walker-delta shell written here in closed form
(Walker, "Satellite constellations", J. Br. Interplanet. Soc. 37, 1984: plane p has
RAAN 360 p / P, slot s argument of latitude 360 s / S + 360 F p / (P S)), rotated into
the Earth-fixed frame at the sidereal rate; the test helpers of the other network
tests import :func:`walker_ecef_km` from here.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.sparse.csgraph import shortest_path

from satcloud.constellations import Constellation, constellation
from satcloud.network.isl import (
    infer_plus_grid,
    isl_graph,
    isl_snapshots,
    plus_grid_edges,
    segment_min_radius_km,
)
from satcloud.network.routing import route_snapshots, snapshot_graph

MU_KM3_S2 = 398_600.4418          # WGS84 GM
OMEGA_E_RAD_S = 7.2921150e-5      # IERS sidereal rotation rate
R_EQ_KM = 6378.137                # WGS84 semi-major axis


def walker_ecef_km(times_s, altitude_km=550.0, inclination_deg=53.0, planes=72,
                   sats_per_plane=22, phasing=1, raan0_deg=0.0):
    """Earth-fixed positions [T, N, 3] of a circular Walker-delta shell, and its labels.

    Returns (r [T, N, 3] km, shell [N], plane [N], slot [N]); satellite n is
    (plane n // S, slot n % S).
    """
    a = R_EQ_KM + altitude_km
    n = np.sqrt(MU_KM3_S2 / a**3)
    t = np.atleast_1d(np.asarray(times_s, float))
    p = np.repeat(np.arange(planes), sats_per_plane)
    s = np.tile(np.arange(sats_per_plane), planes)
    raan = np.radians(raan0_deg) + 2 * np.pi * p / planes
    u = (2 * np.pi * s / sats_per_plane + 2 * np.pi * phasing * p / (planes * sats_per_plane))
    u = u[None, :] + n * t[:, None]
    inc = np.radians(inclination_deg)
    xo, yo = a * np.cos(u), a * np.sin(u)
    lon = raan[None, :] - OMEGA_E_RAD_S * t[:, None]
    x = xo * np.cos(lon) - yo * np.cos(inc) * np.sin(lon)
    y = xo * np.sin(lon) + yo * np.cos(inc) * np.cos(lon)
    z = yo * np.sin(inc)
    return np.stack([x, y, z], -1), np.zeros(len(p), dtype=int), p, s


def test_walker_fixture_is_circular_at_altitude():
    r, *_ = walker_ecef_km([0.0, 100.0], planes=4, sats_per_plane=5)
    assert np.allclose(np.linalg.norm(r, axis=-1), R_EQ_KM + 550.0)


def test_plus_grid_degree_four_and_count():
    # Bhattacherjee & Singla 2019 / Hypatia: +Grid gives every satellite 4 links, 2N links
    _, shell, plane, slot = walker_ecef_km(0.0, planes=72, sats_per_plane=22)
    e = plus_grid_edges(shell, plane, slot)
    assert e.shape == (2 * 72 * 22, 2)
    deg = np.bincount(e.ravel(), minlength=72 * 22)
    assert np.all(deg == 4)
    assert np.all(e[:, 0] < e[:, 1])
    # intra-plane neighbours are adjacent slots of the same plane
    same_plane = plane[e[:, 0]] == plane[e[:, 1]]
    ds = np.abs(slot[e[same_plane, 0]] - slot[e[same_plane, 1]])
    assert set(np.unique(ds)) == {1, 21}
    # inter-plane neighbours are in adjacent planes (or across the seam 71 -> 0)
    dp = np.abs(plane[e[~same_plane, 0]] - plane[e[~same_plane, 1]])
    assert set(np.unique(dp)) == {1, 71}


def test_plus_grid_keeps_links_within_shell_and_offsets():
    shell = np.array(["a"] * 12 + ["b"] * 12)
    plane = np.concatenate([np.repeat(np.arange(3), 4), np.repeat(np.arange(4), 3)])
    slot = np.concatenate([np.tile(np.arange(4), 3), np.tile(np.arange(3), 4)])
    e = plus_grid_edges(shell, plane, slot)
    assert np.all(shell[e[:, 0]] == shell[e[:, 1]])
    assert len(e) == 2 * 24
    e2 = plus_grid_edges(shell[:12], plane[:12], slot[:12], inter_plane_slot_offset=1)
    cross = e2[plane[e2[:, 0]] != plane[e2[:, 1]]]
    # satellite (p, s) links to (p + 1, s + 1): slot differences 1 (or wrap -3)
    d = (slot[cross[:, 1]] - slot[cross[:, 0]]) % 4
    assert set(np.unique(d)) <= {1, 3}
    assert len(plus_grid_edges(shell[:12], plane[:12], slot[:12], inter_plane=False)) == 12


def test_plus_grid_bad_input():
    with pytest.raises(ValueError, match="same length"):
        plus_grid_edges([0, 0], [0, 0, 1], [0, 1])
    with pytest.raises(ValueError, match="duplicate"):
        plus_grid_edges([0, 0], [0, 0], [1, 1])
    with pytest.raises(TypeError, match="plane must hold integers"):
        plus_grid_edges([0, 0], [0.5, 1.0], [0, 1])


def test_segment_min_radius_closed_form():
    # chord between two points at radius a separated by angle theta: closest a cos(theta/2)
    a = 7000.0
    theta = np.radians([10.0, 60.0, 120.0, 179.0])
    p1 = np.stack([a * np.ones(4), np.zeros(4), np.zeros(4)], -1)
    p2 = np.stack([a * np.cos(theta), a * np.sin(theta), np.zeros(4)], -1)
    assert np.allclose(segment_min_radius_km(p1, p2), a * np.cos(theta / 2), rtol=1e-12)
    # a segment pointing away from the Earth: closest point is its start
    assert segment_min_radius_km([7000.0, 0, 0], [8000.0, 0, 0]) == pytest.approx(7000.0)


def test_isl_lengths_and_validity():
    r, shell, plane, slot = walker_ecef_km(np.arange(0, 600, 60.0))
    e = plus_grid_edges(shell, plane, slot)
    snaps = isl_snapshots(r, e, grazing_altitude_km=80.0, max_isl_range_km=5000.0)
    assert snaps.length_km.shape == (10, len(e))
    # intra-plane chord of a circular orbit: 2 a sin(pi / S) at every time
    intra = plane[e[:, 0]] == plane[e[:, 1]]
    a = R_EQ_KM + 550.0
    assert np.allclose(snaps.length_km[:, intra], 2 * a * np.sin(np.pi / 22), rtol=1e-9)
    # every valid link is within range and its line of sight above the grazing altitude
    v = snaps.valid
    assert v.any()
    assert np.all(snaps.length_km[v] <= 5000.0)
    assert np.all(snaps.min_radius_km[v] > R_EQ_KM + 80.0)
    # independent check of the closest approach, by sampling the segments
    t_s = np.linspace(0.0, 1.0, 401)[:, None, None]
    a_, b_ = r[0, e[:, 0]], r[0, e[:, 1]]
    sampled = np.linalg.norm(a_[None] + t_s * (b_ - a_)[None], axis=-1).min(axis=0)
    # sampling step <= 12.5 km: closest-approach error <= 12.5^2 / (2 r) ~ 0.01 km
    assert np.allclose(snaps.min_radius_km[0], sampled, atol=0.05)
    assert np.all(snaps.min_radius_km[0] <= sampled + 1e-9)


def test_isl_invalid_through_earth_and_out_of_range():
    a = R_EQ_KM + 550.0
    r = np.array([[[a, 0, 0], [-a, 0, 0], [a * np.cos(0.1), a * np.sin(0.1), 0]]])
    e = np.array([[0, 1], [0, 2]])
    s = isl_snapshots(r, e, max_isl_range_km=None)
    assert not s.valid[0, 0]            # antipodal: line of sight through the Earth
    assert s.valid[0, 1]
    s2 = isl_snapshots(r, e, max_isl_range_km=100.0)   # chord 2 a sin(0.05) ~ 692 km > 100
    assert not s2.valid[0, 1]
    g = isl_graph(s.edges, s.length_km[0], s.valid[0], 3)
    assert g.nnz == 2 and g[0, 2] == pytest.approx(2 * a * np.sin(0.05))


def test_isl_bad_input():
    with pytest.raises(ValueError, match="r_ecef_km must have shape"):
        isl_snapshots(np.zeros((2, 3)).ravel(), [[0, 1]])
    with pytest.raises(ValueError, match="outside"):
        isl_snapshots(np.zeros((1, 2, 3)), [[0, 5]])
    with pytest.raises(ValueError, match="grazing_altitude_km"):
        isl_snapshots(np.zeros((1, 2, 3)), [[0, 1]], grazing_altitude_km=-5)
    with pytest.raises(ValueError, match="max_isl_range_km"):
        isl_snapshots(np.zeros((1, 2, 3)), [[0, 1]], max_isl_range_km=0)


# --------------------------------------------------------------------------------------
# +Grid inferred from orbital elements (issue 13, point 2)
#
# Reference: the filing's +Grid. A Walker shell i:T/P/F (Walker 1984) puts slot s of
# plane p at RAAN p * spread / P and argument of latitude 360 s / S + 360 F p / T; its
# +Grid links (p, s) to (p, s + 1) and (p + 1, s), and across the seam of a Walker delta
# (P - 1, s) to (0, s + F) -- the satellite 360 F / T ahead, like every other adjacent
# pair; a Walker star (spread 180 deg) has no seam links. The inference sees only the
# elements (plane labels, RAAN, u), never the slot numbers the references are built from.
# --------------------------------------------------------------------------------------

LAYOUTS = [  # planes, sats per plane, phasing F, RAAN spread [deg], inclination [deg]
    (72, 22, 1, 360.0, 53.0),    # Starlink Gen1 shell 1 as filed
    (22, 72, 1, 360.0, 53.0),    # the transposed shell: 5 deg slots, 16 deg planes
    (18, 36, 1, 180.0, 87.9),    # a Walker star (OneWeb-like)
    (24, 16, 5, 360.0, 70.0),    # F = 5: phase 360 F / T = 4.7 deg of a 22.5 deg slot
]


def walker_table(planes, sats_per_plane, phasing, spread_deg=360.0, inclination_deg=53.0,
                 altitude_km=550.0):
    """Elements of a Walker shell written from Walker (1984), with its slot labels."""
    total = planes * sats_per_plane
    p = np.repeat(np.arange(planes), sats_per_plane)
    s = np.tile(np.arange(sats_per_plane), planes)
    return pd.DataFrame({
        "sat_id": [f"P{a}S{b}" for a, b in zip(p, s, strict=True)],
        "shell": "1", "plane": p, "slot": s,
        "raan_deg": p * spread_deg / planes, "arg_perigee_deg": 0.0,
        "mean_anomaly_deg": (360.0 * s / sats_per_plane + 360.0 * phasing * p / total) % 360,
        "altitude_km": altitude_km, "inclination_deg": inclination_deg, "eccentricity": 0.0,
    })


def filed_grid(plane, slot, keep, planes, sats_per_plane, phasing, delta=True):
    """The filing's +Grid among the kept satellites, from slot numbers alone (a set of
    row-index pairs): intra-plane only between consecutive slots (none across an empty
    slot), inter-plane (p, s) - (p + 1, s), and (P - 1, s) - (0, s + F) for a delta."""
    row = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(plane, slot, strict=True))
           if keep[k]}
    out = set()
    for (p, s), k in row.items():
        partners = [(p, (s + 1) % sats_per_plane)]
        if p + 1 < planes:
            partners.append((p + 1, s))
        elif delta and planes > 1:
            partners.append((0, (s + phasing) % sats_per_plane))
        for q in partners:
            if q in row and row[q] != k:
                out.add(tuple(sorted((k, row[q]))))
    return out


def as_set(edges):
    return {(int(a), int(b)) for a, b in edges}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_plus_grid_edges_seam_links_satellites_beside_each_other(layout):
    # Walker (1984): with phasing=F every inter-plane link joins satellites whose
    # arguments of latitude differ by exactly 360 F / T, the seam included
    planes, spp, f, spread, inc = layout
    t = walker_table(planes, spp, f, spread, inc)
    e = plus_grid_edges(t["shell"], t["plane"], t["slot"], phasing=f,
                        wrap_planes=spread == 360.0)
    u = t["mean_anomaly_deg"].to_numpy()
    cross = e[t["plane"].to_numpy()[e[:, 0]] != t["plane"].to_numpy()[e[:, 1]]]
    p = t["plane"].to_numpy()
    lo = np.where(p[cross[:, 1]] == (p[cross[:, 0]] + 1) % planes, cross[:, 0], cross[:, 1])
    hi = np.where(lo == cross[:, 0], cross[:, 1], cross[:, 0])
    lead = np.mod(u[hi] - u[lo], 360.0)
    assert np.allclose(lead, 360.0 * f / (planes * spp), atol=1e-9)
    # 2 N links for a delta; a star has no seam: S fewer
    n = planes * spp
    assert len(e) == (2 * n if spread == 360.0 else 2 * n - spp)
    assert as_set(e) == filed_grid(p, t["slot"].to_numpy(), np.ones(n, bool), planes, spp, f,
                                   delta=spread == 360.0)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_infer_plus_grid_equals_the_filed_grid(layout):
    planes, spp, f, spread, inc = layout
    c = Constellation.walker(550.0, inc, planes, spp, phasing=f, raan_spread_deg=spread)
    s = c.satellites
    ref = plus_grid_edges(s["shell"], s["plane"], s["slot"], phasing=f,
                          wrap_planes=spread == 360.0)
    assert np.array_equal(infer_plus_grid(c), ref)
    # a bare table (spacings estimated from the medians), rows shuffled: the same links
    t = walker_table(planes, spp, f, spread, inc)
    perm = np.random.default_rng(7).permutation(len(t))
    tp = t.iloc[perm].reset_index(drop=True)
    e = perm[infer_plus_grid(tp)]
    expected = filed_grid(t["plane"], t["slot"], np.ones(len(t), bool), planes, spp, f,
                          delta=spread == 360.0)
    assert {tuple(sorted(x)) for x in as_set(e)} == expected


def test_infer_plus_grid_on_the_filed_starlink_gen1_shells():
    # five shells (two at the same altitude and inclination, interleaved): no link
    # between shells, each shell its own filed +Grid (F = 1 in the catalogue)
    c = constellation("starlink-gen1")
    s = c.satellites
    ref = plus_grid_edges(s["shell"], s["plane"], s["slot"], phasing=1)
    assert np.array_equal(infer_plus_grid(c), ref)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("noise_deg", [0.0, 0.3])
def test_infer_plus_grid_with_random_gaps_and_noise(layout, noise_deg):
    # the filing's +Grid restricted to the remaining satellites (filed_grid, from the
    # known slot numbers); Gaussian noise of 0.3 deg on RAAN and u changes nothing
    planes, spp, f, spread, inc = layout
    t = walker_table(planes, spp, f, spread, inc)
    rng = np.random.default_rng(2026)
    keep = rng.random(len(t)) >= 0.2
    sub = t[keep].reset_index(drop=True)
    sub["raan_deg"] += rng.normal(0.0, noise_deg, len(sub))
    sub["mean_anomaly_deg"] += rng.normal(0.0, noise_deg, len(sub))
    rows = np.flatnonzero(keep)
    expected = filed_grid(t["plane"], t["slot"], keep, planes, spp, f, delta=spread == 360.0)
    # filed satellites per plane known (as for a Constellation's Walker shells)
    e = infer_plus_grid(sub, sats_per_plane=spp, plane_spacing_deg=spread / planes)
    assert as_set(rows[e]) == expected
    # the gap-free satellites would all have degree 4; here every degree is <= 4
    assert np.bincount(e.ravel()).max() <= 4
    # from the elements alone (medians estimate the spacings; 80 % of slots filled)
    assert as_set(rows[infer_plus_grid(sub)]) == expected


def test_infer_plus_grid_from_a_constellation_subset():
    # a Constellation keeps its filed S and P after subset(): gaps are measured against
    # the filing even when most of a plane is empty
    c = Constellation.walker(550.0, 53.0, 24, 16, phasing=1)
    keep = np.random.default_rng(3).random(len(c)) >= 0.6
    s = c.satellites
    expected = filed_grid(s["plane"], s["slot"], keep, 24, 16, 1)
    assert as_set(np.flatnonzero(keep)[infer_plus_grid(c.subset(keep))]) == expected


def test_infer_plus_grid_links_the_nearest_phase_when_it_is_over_half_a_slot():
    # Walker 3:15/3/2: the next plane leads by 360 F / T = 48 deg of a 72 deg slot, so
    # the nearest satellite there trails by 24 deg -- slot s - 1, not s. The inference
    # links that nearest satellite (plus_grid_edges with inter_plane_slot_offset=-1)
    t = walker_table(3, 5, 2)
    ref = plus_grid_edges(t["shell"], t["plane"], t["slot"], phasing=2,
                          inter_plane_slot_offset=-1)
    e = infer_plus_grid(t)
    assert np.array_equal(e, ref)
    u = t["mean_anomaly_deg"].to_numpy()
    p = t["plane"].to_numpy()
    cross = e[p[e[:, 0]] != p[e[:, 1]]]
    diff = np.abs(np.mod(u[cross[:, 1]] - u[cross[:, 0]] + 180.0, 360.0) - 180.0)
    assert np.allclose(diff, 24.0)


def _j2_rates_deg_s(altitude_km, inclination_deg):
    """First-order J2 secular rates [deg/s] of RAAN and of u = argp + M for a circular
    orbit, written out from Vallado (2013) eqs. 9-41 to 9-43."""
    mu, re, j2 = 398_600.4418, 6378.137, 1.08262668e-3
    a = re + altitude_km
    n = np.sqrt(mu / a**3)
    k = j2 * (re / a) ** 2
    ci = np.cos(np.radians(inclination_deg))
    raan_dot = -1.5 * n * k * ci
    u_dot = n * (1 + 0.75 * k * (3 * ci**2 - 1)) + 0.75 * n * k * (5 * ci**2 - 1)
    return np.degrees(raan_dot), np.degrees(u_dot)


def test_infer_plus_grid_brings_elements_to_a_common_epoch():
    # element sets of one Walker shell, each given at its own epoch (up to 3 days
    # earlier, regressed with the closed-form J2 rates): the common epoch restores the
    # filed +Grid; ignoring the epochs scrambles the planes' phases
    t = walker_table(72, 22, 1)
    ref = filed_grid(t["plane"], t["slot"], np.ones(len(t), bool), 72, 22, 1)
    t0 = pd.Timestamp("2026-04-02T00:00:00Z")
    age_s = np.random.default_rng(5).uniform(0.0, 3 * 86400.0, len(t))
    age_s[0] = 0.0                       # the newest set is at t0: the default epoch
    raan_dot, u_dot = _j2_rates_deg_s(550.0, 53.0)
    old = t.copy()
    old["element_epoch"] = t0 - pd.to_timedelta(age_s, unit="s")
    old["raan_deg"] = np.mod(t["raan_deg"] - raan_dot * age_s, 360.0)
    old["mean_anomaly_deg"] = np.mod(t["mean_anomaly_deg"] - u_dot * age_s, 360.0)
    assert as_set(infer_plus_grid(old, sats_per_plane=22)) == ref
    later = infer_plus_grid(old, sats_per_plane=22, epoch="2026-04-03T12:00:00")
    assert as_set(later) == ref          # the grid is the same a day and a half later
    stale = old.drop(columns="element_epoch")
    assert as_set(infer_plus_grid(stale, sats_per_plane=22)) != ref


def test_infer_plus_grid_degree_symmetry_and_shells():
    # a messy two-shell set (gaps, noise, a Walker star beside a delta): at most two
    # intra-plane and two inter-plane links per satellite, at most one partner per
    # adjacent plane, links within a shell and between adjacent planes only
    a = Constellation.walker(550.0, 53.0, 36, 20, phasing=3, name="a", shell="A")
    b = Constellation.walker(1200.0, 87.9, 12, 40, phasing=1, raan_spread_deg=180.0,
                             name="b", shell="B")
    c = a + b
    rng = np.random.default_rng(11)
    c = c.subset(rng.random(len(c)) >= 0.15)
    s = c.satellites.copy()
    s["mean_anomaly_deg"] += rng.normal(0.0, 0.4, len(s))
    e = infer_plus_grid(Constellation("noisy", s, c.shells, c.epoch))
    assert np.all(e[:, 0] < e[:, 1]) and len(np.unique(e, axis=0)) == len(e)
    shell, plane = s["shell"].to_numpy(), s["plane"].to_numpy()
    assert np.all(shell[e[:, 0]] == shell[e[:, 1]])
    n = len(s)
    assert np.bincount(e.ravel(), minlength=n).max() <= 4
    # and it is the filing's +Grid of each shell among the remaining satellites
    slot = s["slot"].to_numpy()
    for label, planes, spp, f, delta in (("A", 36, 20, 3, True), ("B", 12, 40, 1, False)):
        rows = np.flatnonzero(shell == label)
        expected = filed_grid(plane[rows], slot[rows], np.ones(len(rows), bool), planes, spp,
                              f, delta=delta)
        assert as_set(e[np.isin(e[:, 0], rows)]) == {(rows[i], rows[j]) for i, j in expected}
    intra = plane[e[:, 0]] == plane[e[:, 1]]
    assert np.bincount(e[intra].ravel(), minlength=n).max() <= 2
    assert np.bincount(e[~intra].ravel(), minlength=n).max() <= 2
    # one partner per (satellite, other plane): the inter-plane matching is one-to-one
    pairs = np.concatenate([np.stack([e[~intra, 0], plane[e[~intra, 1]]], 1),
                            np.stack([e[~intra, 1], plane[e[~intra, 0]]], 1)])
    assert len(np.unique(pairs, axis=0)) == len(pairs)
    # planes linked are adjacent in the filing (delta wraps, the star does not)
    dp = np.abs(plane[e[~intra, 0]] - plane[e[~intra, 1]])
    is_a = shell[e[~intra, 0]] == "A"
    assert set(np.unique(dp[is_a])) == {1, 35} and set(np.unique(dp[~is_a])) == {1}


def test_infer_plus_grid_bad_input():
    t = walker_table(4, 6, 1)
    with pytest.raises(TypeError, match="Constellation or a pandas DataFrame"):
        infer_plus_grid(t.to_dict("list"))
    with pytest.raises(ValueError, match="empty"):
        infer_plus_grid(t.iloc[:0])
    with pytest.raises(ValueError, match=r"missing column\(s\) \['raan_deg'\]"):
        infer_plus_grid(t.drop(columns="raan_deg"))
    bad = t.copy()
    bad.loc[5, "mean_anomaly_deg"] = np.nan
    with pytest.raises(ValueError, match="'mean_anomaly_deg' is nan at row 5.*P0S5"):
        infer_plus_grid(bad)
    bad = t.copy()
    bad["raan_deg"] = "east"
    with pytest.raises(TypeError, match="'raan_deg' must be numeric"):
        infer_plus_grid(bad)
    bad = t.copy()
    bad["plane"] = bad["plane"].astype(float)
    bad.loc[3, "plane"] = np.nan
    with pytest.raises(ValueError, match="'plane' is missing at row 3"):
        infer_plus_grid(bad)
    with pytest.raises(ValueError, match="gap_factor"):
        infer_plus_grid(t, gap_factor=0.5)
    with pytest.raises(ValueError, match="tolerance_slots"):
        infer_plus_grid(t, tolerance_slots=1.0)
    with pytest.raises(ValueError, match="sats_per_plane"):
        infer_plus_grid(t, sats_per_plane=0)
    with pytest.raises(ValueError, match=r"names shell\(s\) \['9'\]"):
        infer_plus_grid(t, sats_per_plane={"9": 6})
    with pytest.raises(ValueError, match="plane_spacing_deg"):
        infer_plus_grid(t, plane_spacing_deg=-90.0)
    with pytest.raises(ValueError, match="epoch needs an 'element_epoch' column"):
        infer_plus_grid(t, epoch="2026-04-02")
    aged = t.assign(element_epoch=pd.Timestamp("2026-04-02", tz="UTC"))
    aged.loc[0, "element_epoch"] = pd.Timestamp("2026-04-01", tz="UTC")
    with pytest.raises(ValueError, match=r"missing column\(s\) \['altitude_km'\]"):
        infer_plus_grid(aged.drop(columns="altitude_km"))
    aged["element_epoch"] = aged["element_epoch"].astype(object)
    aged.loc[2, "element_epoch"] = None
    with pytest.raises(ValueError, match="'element_epoch' is missing at row 2.*P0S2"):
        infer_plus_grid(aged)
    aged.loc[2, "element_epoch"] = "not a time"
    with pytest.raises(TypeError, match="'element_epoch' must hold UTC times"):
        infer_plus_grid(aged)
    with pytest.raises(TypeError, match="wrap_planes"):
        plus_grid_edges(t["shell"], t["plane"], t["slot"], wrap_planes="no")
    with pytest.raises(ValueError, match="phasing"):
        plus_grid_edges(t["shell"], t["plane"], t["slot"], phasing=-1)


def test_routes_over_the_inferred_grid_of_a_shell_with_gaps():
    # positions from the closed-form Walker shell (walker_ecef_km), 25 % of the
    # satellites removed; the inferred links carry the routes. References: the
    # intra-plane chord 2 a sin(pi / S) (no link spans an empty slot), networkx's
    # shortest paths (hop counts and delays) on the very graphs satcloud routes over
    planes, spp = 36, 20
    r_all, _, plane_all, slot_all = walker_ecef_km([0.0, 300.0], planes=planes,
                                                   sats_per_plane=spp)
    t = walker_table(planes, spp, 1)
    keep = np.random.default_rng(13).random(len(t)) >= 0.25
    sub, r = t[keep].reset_index(drop=True), r_all[:, keep]
    edges = infer_plus_grid(sub, sats_per_plane=spp)
    assert as_set(np.flatnonzero(keep)[edges]) == filed_grid(plane_all, slot_all, keep,
                                                             planes, spp, 1)
    snaps = isl_snapshots(r, edges, max_isl_range_km=None)
    intra = sub["plane"].to_numpy()[edges[:, 0]] == sub["plane"].to_numpy()[edges[:, 1]]
    assert np.allclose(snaps.length_km[:, intra], 2 * (R_EQ_KM + 550.0) * np.sin(np.pi / spp),
                       rtol=1e-9)
    # all-pairs hop counts over the laser graph: scipy (as satcloud's router) = networkx
    hops = shortest_path(snaps.graph(0), unweighted=True, directed=False)
    G = nx.Graph()
    G.add_nodes_from(range(r.shape[1]))
    G.add_edges_from(snaps.edges[snaps.valid[0]].tolist())
    for src in (0, 100, 400):
        ref = nx.single_source_shortest_path_length(G, src)
        got = {k: int(v) for k, v in enumerate(hops[src]) if np.isfinite(v)}
        assert got == ref
    # city-to-city routes: delay and satellites on the path as networkx finds them
    cities = np.array([[51.50853, -0.12574], [40.71427, -74.00597], [35.6895, 139.69171],
                       [-33.86785, 151.20732], [1.28967, 103.85007], [-23.5475, -46.63611]])
    lat, lon = cities[:, 0], cities[:, 1]
    res = route_snapshots(r, lat, lon, lat, lon, sat_min_elevation_deg=25.0,
                          isl_edges=edges, return_paths=True)
    n_checked = 0
    for k in range(2):
        g, src_nodes, dst_nodes = snapshot_graph(r[k], lat, lon, lat, lon,
                                                 sat_min_elevation_deg=25.0, isl_edges=edges)
        D = nx.DiGraph()
        coo = g.tocoo()
        D.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(),
                                      strict=True))
        for i, sn in enumerate(src_nodes):
            dist, paths = nx.single_source_dijkstra(D, int(sn), weight="weight")
            for j, dn in enumerate(dst_nodes):
                if i == j:
                    continue
                if int(dn) not in dist:
                    assert not np.isfinite(res[k].total_ms[i, j])
                    continue
                n_checked += 1
                assert res[k].total_ms[i, j] == pytest.approx(dist[int(dn)], rel=1e-12)
                assert res[k].n_sats[i, j] == sum(v < r.shape[1] for v in paths[int(dn)])
                path = [int(v) for v in res[k].paths[i, j] if v >= 0]
                assert as_set(np.sort(np.array(list(zip(path[:-1], path[1:],
                                                        strict=True)), ndmin=2)
                                      .reshape(-1, 2), axis=1)) <= as_set(edges)
    assert n_checked >= 40   # most city pairs are connected through the gapped grid


def test_infer_plus_grid_leaves_satellites_outside_the_planes_unlinked():
    # real constellations mark objects still raising or deorbiting with shell '' and
    # plane -1: they get no links, and the shell's filed +Grid is unchanged by them
    t = walker_table(6, 8, 1)
    extra = t.iloc[:5].copy()
    extra["shell"] = ["", "", "", "1", "1"]
    extra["plane"] = [-1, -1, 0, -1, -1]
    extra["sat_id"] = [f"X{k}" for k in range(5)]
    extra["mean_anomaly_deg"] += 3.0
    both = pd.concat([extra, t], ignore_index=True)
    e = infer_plus_grid(both)
    assert e.min() >= 5
    ref = filed_grid(t["plane"], t["slot"], np.ones(len(t), bool), 6, 8, 1)
    assert as_set(e - 5) == ref


def test_infer_plus_grid_compares_sgp4_sets_at_their_common_epoch():
    # eight Starlink element sets 16 h apart in epoch (tests/data/README.md): the angles
    # the inference compares are those of each set propagated by SGP4 to the latest
    # epoch. Reference: skyfield's osculating elements (EarthSatellite, Rhodes 2019) in
    # the true equator and equinox of date; TEME differs from it in RAAN by the
    # equation of the equinoxes only (~0.004 deg in 2020), u is the same
    from skyfield.api import EarthSatellite, load
    from skyfield.elementslib import osculating_elements_of
    from skyfield.framelib import true_equator_and_equinox_of_date

    from satcloud.network.isl import _common_epoch_angles

    path = Path(__file__).parent / "data" / "starlink_2020-02-14.tle"
    c = Constellation.from_tle(path)
    s = c.satellites
    lines = path.read_text().splitlines()
    ts = load.timescale(builtin=True)
    t = ts.from_datetime(s["element_epoch"].max().to_pydatetime())
    frame = true_equator_and_equinox_of_date.rotation_at(t)
    ref = [osculating_elements_of(EarthSatellite(lines[i + 1], lines[i + 2], lines[i], ts)
                                  .at(t), reference_frame=frame)
           for i in range(0, len(lines), 3)]
    assert [ln.strip() for ln in lines[0::3]] == list(s["sat_id"])
    raan_ref = np.array([e.longitude_of_ascending_node.degrees for e in ref])
    u_ref = np.array([e.argument_of_latitude.degrees for e in ref])
    raan, u = _common_epoch_angles(s, None, c.satrecs)
    wrap = lambda x: np.mod(x + 180.0, 360.0) - 180.0  # noqa: E731
    assert np.allclose(wrap(u - u_ref), 0.0, atol=1e-4)
    assert np.allclose(wrap(raan - raan_ref), 0.0, atol=0.01)
    # the documented rule applied to skyfield's u (one plane): consecutive satellites
    # linked unless their gap exceeds 1.5 x the median gap
    order = np.argsort(u_ref)
    gaps = np.mod(np.roll(u_ref[order], -1) - u_ref[order], 360.0)
    linked = gaps <= 1.5 * np.median(gaps)
    expected = {tuple(sorted((int(a), int(b))))
                for a, b in zip(order[linked], np.roll(order, -1)[linked], strict=True)}
    assert as_set(infer_plus_grid(c)) == expected
