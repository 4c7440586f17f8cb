"""+Grid topology and laser-link snapshots (satcloud.network.isl).

Positions come from a circular Walker-delta shell written here in closed form
(Walker, "Satellite constellations", J. Br. Interplanet. Soc. 37, 1984: plane p has
RAAN 360 p / P, slot s argument of latitude 360 s / S + 360 F p / (P S)), rotated into
the Earth-fixed frame at the sidereal rate; the test helpers of the other network
tests import :func:`walker_ecef_km` from here.
"""

from __future__ import annotations

import numpy as np
import pytest

from satcloud.network.isl import (
    isl_graph,
    isl_snapshots,
    plus_grid_edges,
    segment_min_radius_km,
)

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
    snaps = isl_snapshots(r, e, grazing_altitude_km=80.0, max_range_km=5000.0)
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
    s = isl_snapshots(r, e, max_range_km=None)
    assert not s.valid[0, 0]            # antipodal: line of sight through the Earth
    assert s.valid[0, 1]
    s2 = isl_snapshots(r, e, max_range_km=100.0)   # chord 2 a sin(0.05) ~ 692 km > 100
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
    with pytest.raises(ValueError, match="max_range_km"):
        isl_snapshots(np.zeros((1, 2, 3)), [[0, 1]], max_range_km=0)
