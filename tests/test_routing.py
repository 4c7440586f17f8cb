"""Snapshot routing (satcloud.network.routing) against networkx and independent geometry.

References: networkx's Dijkstra (an independent shortest-path implementation) on the
very graph the router builds; elevation from PROJ's ``topocentric`` conversion
(pyproj), not from satcloud's own kernels; the vacuum great-circle floor from the
WGS84 geodesic (Karney 2013, via PROJ).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from test_isl import walker_ecef_km

from satcloud.network import geodesic_distance_km, vacuum_rtt_ms
from satcloud.network.isl import plus_grid_edges
from satcloud.network.routing import iter_routes, route_snapshots, snapshot_graph

C_KM_PER_MS = 299_792.458 / 1e3

# 12 cities on four continents (GeoNames coordinates)
CITIES = np.array([
    [51.50853, -0.12574], [40.71427, -74.00597], [35.6895, 139.69171], [-33.86785, 151.20732],
    [-23.5475, -46.63611], [1.28967, 103.85007], [19.07283, 72.88261], [-26.20227, 28.04363],
    [55.75222, 37.61556], [34.05223, -118.24368], [30.06263, 31.24967], [6.45407, 3.39467],
])


def elevation_deg_pyproj(r_km, lat, lon):
    """Elevation [deg] of ECEF points r_km [..., 3] from (lat, lon, 0) via PROJ topocentric."""
    tr = Transformer.from_pipeline(
        f"+proj=topocentric +ellps=WGS84 +lat_0={lat} +lon_0={lon} +h_0=0")
    r = np.asarray(r_km) * 1e3
    e, n, u = tr.transform(r[..., 0], r[..., 1], r[..., 2])
    return np.degrees(np.arctan2(u, np.hypot(e, n)))


@pytest.fixture(scope="module")
def shell():
    r, sh, p, s = walker_ecef_km(np.arange(0.0, 40.0, 10.0))
    return r, plus_grid_edges(sh, p, s)


def test_shortest_paths_equal_networkx(shell):
    r, edges = shell
    lat, lon = CITIES[:, 0], CITIES[:, 1]
    for t in (0, 3):
        g, src_nodes, dst_nodes = snapshot_graph(
            r[t], lat, lon, lat, lon, sat_min_elevation_deg=25.0, isl_edges=edges)
        res = route_snapshots(r[t:t + 1], lat, lon, lat, lon, sat_min_elevation_deg=25.0,
                              isl_edges=edges, return_paths=True)[0]
        G = nx.DiGraph()
        coo = g.tocoo()
        G.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(),
                                      strict=True))
        n_sat = r.shape[1]
        for i, sn in enumerate(src_nodes):
            ref = nx.single_source_dijkstra_path_length(G, int(sn), weight="weight")
            for j, dn in enumerate(dst_nodes):
                if int(dn) in ref:
                    assert res.total_ms[i, j] == pytest.approx(ref[int(dn)], rel=1e-12)
                    # the reported path is a real path of the same length
                    path = [int(v) for v in res.paths[i, j] if v >= 0]
                    nodes = [int(sn)] + path + [int(dn)]
                    length = sum(G[a][b]["weight"] for a, b in zip(nodes[:-1], nodes[1:],
                                                                 strict=True))
                    assert length == pytest.approx(ref[int(dn)], rel=1e-12)
                    assert all(0 <= v < n_sat for v in path)
                    assert res.n_sats[i, j] == len(path)
                    assert res.first_sat[i, j] == path[0] and res.last_sat[i, j] == path[-1]
                    parts = (res.uplink_ms[i, j] + res.isl_ms[i, j] + res.downlink_ms[i, j]
                             + res.fibre_ms[i, j])
                    assert parts == pytest.approx(res.total_ms[i, j], rel=1e-9)
                else:
                    assert not np.isfinite(res.total_ms[i, j])


def test_graph_edges_match_independent_geometry(shell):
    r, edges = shell
    lat, lon = CITIES[:3, 0], CITIES[:3, 1]
    g, src_nodes, _ = snapshot_graph(r[0], lat, lon, lat, lon, sat_min_elevation_deg=25.0,
                                     isl_edges=edges)
    n_sat = r.shape[1]
    for i, sn in enumerate(src_nodes):
        el = elevation_deg_pyproj(r[0], lat[i], lon[i])
        row = g.getrow(int(sn))
        assert set(row.indices.tolist()) == set(np.flatnonzero(el >= 25.0).tolist())
        # uplink weight = slant range / c
        k = row.indices
        assert np.all(k < n_sat)
        from satcloud.geometry import geodetic_to_ecef
        rng = np.linalg.norm(r[0, k] - geodetic_to_ecef(lat[i], lon[i]), axis=-1)
        assert np.allclose(row.data, rng / C_KM_PER_MS, rtol=1e-12)


def test_every_leo_rtt_above_vacuum_floor(shell):
    r, edges = shell
    lat, lon = CITIES[:, 0], CITIES[:, 1]
    floor = vacuum_rtt_ms(geodesic_distance_km(lat[:, None], lon[:, None], lat[None], lon[None]))
    n_ok = 0
    for snap in iter_routes(r, lat, lon, lat, lon, sat_min_elevation_deg=25.0, isl_edges=edges):
        ok = snap.reachable
        assert np.all(2 * snap.total_ms[ok] >= floor[ok])
        n_ok += ok.sum()
    assert n_ok > 0.9 * r.shape[0] * len(lat) ** 2


def test_joint_attachment_can_differ_from_highest_satellite(shell):
    # Hypatia (Kassing et al. 2020, sec. 3): the first hop is chosen with the path
    r, edges = shell
    lat, lon = CITIES[:, 0], CITIES[:, 1]
    free = route_snapshots(r, lat, lon, lat, lon, sat_min_elevation_deg=25.0,
                           isl_edges=edges)
    high = route_snapshots(r, lat, lon, lat, lon, sat_min_elevation_deg=25.0,
                           isl_edges=edges, assignment="highest-elevation")
    differs = 0
    for a, b in zip(free, high, strict=True):
        ok = a.reachable & b.reachable
        assert np.all(a.total_ms[ok] <= b.total_ms[ok] + 1e-9)
        differs += np.sum(a.first_sat[ok] != b.first_sat[ok])
        # highest-elevation: one serving satellite per source, whatever the destination
        for i in range(len(lat)):
            firsts = set(b.first_sat[i][b.reachable[i]].tolist())
            assert len(firsts) <= 1
            if firsts:
                el = elevation_deg_pyproj(r[b.t], lat[i], lon[i])
                assert firsts.pop() == int(np.argmax(el))
    assert differs > 0


def test_reachability_changes_exactly_when_coverage_does():
    # bent pipe, one user and one gateway ~1,000 km apart, one sparse shell: reachable
    # at a time iff some satellite is above 25 deg for both (coverage from PROJ)
    times = np.arange(0.0, 3000.0, 20.0)
    r, *_ = walker_ecef_km(times, planes=6, sats_per_plane=8, altitude_km=550.0)
    user, gw = (48.85, 2.35), (52.52, 13.40)
    res = route_snapshots(r, [user[0]], [user[1]], [gw[0]], [gw[1]],
                          sat_min_elevation_deg=25.0)
    reach = np.array([s.reachable[0, 0] for s in res])
    cover = ((elevation_deg_pyproj(r, *user) >= 25.0)
             & (elevation_deg_pyproj(r, *gw) >= 25.0)).any(axis=1)
    assert reach.any() and (~reach).any()
    assert np.array_equal(reach, cover)
    # where reachable, the RTT is the closed-form bent pipe through the satellite used
    from satcloud.network.bentpipe import bent_pipe_rtt_ms
    for s in res:
        if s.reachable[0, 0]:
            k = s.first_sat[0, 0]
            assert s.n_sats[0, 0] == 1
            assert 2 * s.total_ms[0, 0] == pytest.approx(
                bent_pipe_rtt_ms(r[s.t, k], *user, *gw), rel=1e-12)


def test_reassignment_holds_serving_satellite_for_the_interval():
    times = np.arange(0.0, 60.0, 1.0)
    r, sh, p, s = walker_ecef_km(times)
    lat, lon = CITIES[:4, 0], CITIES[:4, 1]
    res = route_snapshots(r, lat, lon, lat, lon, sat_min_elevation_deg=25.0,
                          isl_edges=plus_grid_edges(sh, p, s), times_s=times,
                          reassign_interval_s=15.0)
    first = np.array([x.first_sat[:, 0] for x in res])                  # [T, S]
    for i in range(len(lat)):
        changes = np.flatnonzero(first[1:, i] != first[:-1, i]) + 1
        for t in changes:
            # a change only at an epoch start, or when the held satellite set
            el = elevation_deg_pyproj(r[t, first[t - 1, i]], lat[i], lon[i])
            assert times[t] % 15.0 == 0 or el < 25.0
    # without holding, the best first hop does change between epoch starts here
    free = route_snapshots(r, lat, lon, lat, lon, sat_min_elevation_deg=25.0,
                           isl_edges=plus_grid_edges(sh, p, s))
    f0 = np.array([x.first_sat[:, 0] for x in free])
    t_change = np.flatnonzero((f0[1:] != f0[:-1]).any(axis=1)) + 1
    assert np.any(times[t_change] % 15.0 != 0)
    # ... and the serving satellite is the same for all destinations of a source
    for x in res:
        for i in range(len(lat)):
            assert len(set(x.first_sat[i][x.reachable[i]].tolist())) <= 1


def test_exit_to_destination_fibre_and_gateway_choice():
    r, *_ = walker_ecef_km([0.0], planes=6, sats_per_plane=8)
    user = (48.85, 2.35)
    gws = np.array([[52.52, 13.40], [45.46, 9.19]])
    fib = np.array([[5.0, np.inf], [0.5, 3.0]])        # gateway x destination [ms]
    res = route_snapshots(r, [user[0]], [user[1]], gws[:, 0], gws[:, 1],
                          sat_min_elevation_deg=10.0, exit_to_destination_ms=fib)[0]
    assert res.total_ms.shape == (1, 2)
    for j in range(2):
        if res.reachable[0, j]:
            x = res.exit_index[0, j]
            assert res.fibre_ms[0, j] == fib[x, j]


def test_routing_bad_input(shell):
    r, edges = shell
    with pytest.raises(ValueError, match="assignment"):
        route_snapshots(r, [0], [0], [1], [1], sat_min_elevation_deg=25, assignment="nearest")
    with pytest.raises(ValueError, match="sat_min_elevation_deg"):
        route_snapshots(r, [0], [0], [1], [1], sat_min_elevation_deg=95)
    with pytest.raises(ValueError, match="source_lat_deg"):
        route_snapshots(r, [100], [0], [1], [1], sat_min_elevation_deg=25)
    with pytest.raises(ValueError, match="times_s is required"):
        route_snapshots(r, [0], [0], [1], [1], sat_min_elevation_deg=25,
                        reassign_interval_s=15)
    with pytest.raises(ValueError, match="exit_to_destination_ms"):
        route_snapshots(r, [0], [0], [1], [1], sat_min_elevation_deg=25,
                        exit_to_destination_ms=[[np.nan]])
    with pytest.raises(ValueError, match="positions must have shape"):
        route_snapshots(r[0], [0], [0], [1], [1], sat_min_elevation_deg=25)


@pytest.mark.parametrize("with_fibre", [False, True])
def test_nearest_destination_equals_min_over_all(shell, with_fibre):
    # one reversed multi-source Dijkstra (min_only) == per-source runs then argmin
    r, edges = shell
    lat, lon = CITIES[:6, 0], CITIES[:6, 1]
    dlat, dlon = CITIES[6:, 0], CITIES[6:, 1]
    fib = None
    if with_fibre:
        fib = np.abs(dlat[None, :] - dlat[:, None]) * 0.1 + 0.2      # any [X, D] delays
    kw = dict(sat_min_elevation_deg=25.0, isl_edges=edges, exit_to_destination_ms=fib,
              return_paths=True)
    full = route_snapshots(r, lat, lon, dlat, dlon, **kw)
    near = route_snapshots(r, lat, lon, dlat, dlon, nearest_destination=True, **kw)
    for a, b in zip(full, near, strict=True):
        assert b.total_ms.shape == (6, 1)
        best = np.min(a.total_ms, axis=1)
        assert np.allclose(b.total_ms[:, 0], best, rtol=1e-12)
        j = b.destination_index[:, 0]
        assert np.allclose(a.total_ms[np.arange(6), j], best, rtol=1e-12)
        parts = b.uplink_ms + b.isl_ms + b.downlink_ms + b.fibre_ms
        assert np.allclose(parts[:, 0], b.total_ms[:, 0], rtol=1e-9)
        assert np.all(b.paths[:, 0, 0] == b.first_sat[:, 0])
        assert np.all(b.n_sats[:, 0] == (b.paths[:, 0] >= 0).sum(axis=1))


def test_isl_reachability_follows_coverage_of_both_ends():
    # Starlink-like shell 1 (connected +Grid): a pair is reachable exactly when both
    # ends see a satellite; Anchorage (61.2 N) sits at the edge of 53-deg coverage
    times = np.arange(0.0, 5400.0, 60.0)
    r, sh, p, s = walker_ecef_km(times)
    anc, lon_ = (61.2181, -149.9003), (51.50853, -0.12574)
    res = route_snapshots(r, [anc[0]], [anc[1]], [lon_[0]], [lon_[1]],
                          sat_min_elevation_deg=25.0, isl_edges=plus_grid_edges(sh, p, s))
    reach = np.array([x.reachable[0, 0] for x in res])
    cover = ((elevation_deg_pyproj(r, *anc) >= 25.0).any(axis=1)
             & (elevation_deg_pyproj(r, *lon_) >= 25.0).any(axis=1))
    assert cover.any() and (~cover).any()
    assert np.array_equal(reach, cover)


_R1, _SH1, _P1, _S1 = walker_ecef_km([0.0])
_E1 = plus_grid_edges(_SH1, _P1, _S1)


@settings(max_examples=40, deadline=None)
@given(st.floats(-60, 60), st.floats(-180, 180), st.floats(-60, 60), st.floats(-180, 180))
def test_property_rtt_at_least_vacuum_floor(lat1, lon1, lat2, lon2):
    # any two places: the space path is never shorter than the WGS84 geodesic
    res = route_snapshots(_R1, [lat1], [lon1], [lat2], [lon2], sat_min_elevation_deg=25.0,
                          isl_edges=_E1)[0]
    floor = vacuum_rtt_ms(geodesic_distance_km(lat1, lon1, lat2, lon2))
    if res.reachable[0, 0]:
        assert 2 * res.total_ms[0, 0] >= floor
        assert res.n_sats[0, 0] >= 1


# ------------------------------------------------------------- GSO-arc avoidance
EQUATOR = np.column_stack([np.zeros(8), np.arange(-180.0, 180.0, 45.0)])


def test_gso_arc_avoidance_graph_edges_match_brute_force(shell):
    # the user edges are exactly the satellites above 25 deg (PROJ) whose separation
    # from the arc, by brute-force sampling of the arc (test_gso_arc), exceeds 22 deg
    from test_gso_arc import brute_force_deg

    r, edges = shell
    lat, lon = EQUATOR[:3, 0], EQUATOR[:3, 1]
    g, src_nodes, _ = snapshot_graph(r[0], lat, lon, CITIES[:2, 0], CITIES[:2, 1],
                                     sat_min_elevation_deg=25.0, isl_edges=edges,
                                     gso_arc_avoidance_deg=22.0)
    lost = 0
    for i, sn in enumerate(src_nodes):
        seen = np.flatnonzero(elevation_deg_pyproj(r[0], lat[i], lon[i]) >= 25.0)
        keep = [k for k in seen if brute_force_deg(lat[i], lon[i], r[0, k]) > 22.0]
        assert set(g.getrow(int(sn)).indices.tolist()) == set(keep)
        lost += len(seen) - len(keep)
    assert lost > 0


def test_gso_arc_avoidance_no_serving_satellite_within_the_angle(shell):
    from satcloud.geometry import gso_arc_separation_deg

    r, edges = shell
    lat, lon = EQUATOR[:, 0], EQUATOR[:, 1]
    times = np.arange(r.shape[0]) * 10.0 * 60.0
    kw = dict(sat_min_elevation_deg=25.0, isl_edges=edges, times_s=times,
              reassign_interval_s=15.0)
    within = {}
    for angle in (22.0, None):
        n = 0
        for snap in iter_routes(r, lat, lon, CITIES[:, 0], CITIES[:, 1],
                                gso_arc_avoidance_deg=angle, **kw):
            i, j = np.nonzero(snap.reachable)
            sep = gso_arc_separation_deg(lat[i], lon[i], 0.0, r[snap.t, snap.first_sat[i, j]])
            n += int((sep <= 22.0).sum())
        within[angle] = n
    assert within[22.0] == 0
    assert within[None] > 0       # without the mask the equator is served near the arc


def test_gso_arc_avoidance_zero_is_the_previous_behaviour(shell):
    r, edges = shell
    lat, lon = EQUATOR[:, 0], EQUATOR[:, 1]
    kw = dict(sat_min_elevation_deg=25.0, isl_edges=edges, return_paths=True)
    before = route_snapshots(r, lat, lon, CITIES[:, 0], CITIES[:, 1], **kw)
    for off in (0.0, None):
        after = route_snapshots(r, lat, lon, CITIES[:, 0], CITIES[:, 1],
                                gso_arc_avoidance_deg=off, exit_gso_arc_avoidance_deg=off,
                                **kw)
        for a, b in zip(before, after, strict=True):
            for f in ("total_ms", "uplink_ms", "isl_ms", "downlink_ms", "first_sat",
                      "last_sat", "exit_index", "paths"):
                np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    masked = route_snapshots(r, lat, lon, CITIES[:, 0], CITIES[:, 1],
                             gso_arc_avoidance_deg=22.0, **kw)
    ok = np.array([s.reachable for s in masked]) & np.array([s.reachable for s in before])
    tot_b = np.array([s.total_ms for s in before])[ok]
    tot_m = np.array([s.total_ms for s in masked])[ok]
    assert (tot_m >= tot_b - 1e-12).all() and (tot_m > tot_b).any()


def test_gso_arc_avoidance_bad_input():
    with pytest.raises(ValueError, match="gso_arc_avoidance_deg"):
        next(iter_routes(_R1, [0.0], [0.0], [1.0], [1.0], sat_min_elevation_deg=25.0,
                         gso_arc_avoidance_deg=95.0))
    with pytest.raises(TypeError, match="exit_gso_arc_avoidance_deg"):
        next(iter_routes(_R1, [0.0], [0.0], [1.0], [1.0], sat_min_elevation_deg=25.0,
                         exit_gso_arc_avoidance_deg="22"))
