"""The network capacity model (satcloud.capacity, issue 15 points 2-3): supply per
snapshot and the maximum flow from the cells to the cloud regions.

References named per test: networkx ``maximum_flow_value`` (an independent max-flow
implementation, preflow-push), the max-flow min-cut theorem (Ford & Fulkerson 1962),
closed-form max-min fair shares (Bertsekas & Gallager, *Data Networks*, 1992, 6.5.2),
the reuse-pattern channel count (Maral & Bousquet 2009, ch. 10) and satcloud.links'
link budget for the ACM rate.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from satcloud import capacity, data, links

TIME = "2026-04-02T20:00:00"


def _edges(rows):
    return pd.DataFrame(rows, columns=["tail", "head", "capacity_gbps"])


def _networkx_value(edges, source, sink):
    """networkx max-flow value; parallel edges merged, inf edges without capacity."""
    g = nx.DiGraph()
    for t, h, c in edges[["tail", "head", "capacity_gbps"]].itertuples(index=False):
        if g.has_edge(t, h):
            g[t][h]["capacity"] = g[t][h].get("capacity", np.inf) + c
        elif np.isinf(c):
            g.add_edge(t, h)
        else:
            g.add_edge(t, h, capacity=c)
    return nx.maximum_flow_value(g, source, sink)


def _assert_feasible(sol, source, sink, tol):
    """Conservation at every inner node, 0 <= flow <= capacity on every edge (checked
    here from the returned table, independently of the solver's own check)."""
    e = sol.edges
    f, c = e["flow_gbps"].to_numpy(float), e["capacity_gbps"].to_numpy(float)
    assert (f >= -tol).all() and (f <= c + tol).all()
    net: dict = {}
    for t, h, x in zip(e["tail"], e["head"], f, strict=True):
        net[t] = net.get(t, 0.0) - x
        net[h] = net.get(h, 0.0) + x
    for node, v in net.items():
        if node not in (source, sink):
            assert abs(v) <= tol * len(e), node
    assert net[sink] == pytest.approx(sol.value_gbps, abs=tol * len(e))
    assert -net[source] == pytest.approx(sol.value_gbps, abs=tol * len(e))


HAND = [
    # CLRS figure 26.1 (Cormen et al., Introduction to Algorithms, 3rd ed.): value 23
    (_edges([("s", "v1", 16), ("s", "v2", 13), ("v1", "v3", 12), ("v2", "v1", 4),
             ("v2", "v4", 14), ("v3", "v2", 9), ("v3", "t", 20), ("v4", "v3", 7),
             ("v4", "t", 4)]), 23.0),
    # antiparallel edges (a laser pair), parallel edges and an infinite edge
    (_edges([("s", "a", 10), ("s", "b", 5), ("a", "b", 15), ("b", "a", 15), ("a", "c", 4),
             ("a", "c", 2), ("b", "t", 9), ("c", "t", np.inf)]), 15.0),
    # a demand with no path: served 0
    (_edges([("s", "a", 3), ("s", "x", 7), ("a", "t", 2)]), 2.0),
]


@pytest.mark.parametrize("method", capacity.CAPACITY_METHODS)
@pytest.mark.parametrize("case", range(len(HAND)))
def test_hand_networks_equal_networkx(case, method):
    edges, expected = HAND[case]
    sol = capacity.max_flow(edges, "s", "t", method=method)
    # Reference: networkx maximum_flow_value (and CLRS's 23 for the first network)
    assert sol.value_gbps == pytest.approx(_networkx_value(edges, "s", "t"), abs=1e-6)
    assert sol.value_gbps == pytest.approx(expected, abs=1e-6)
    _assert_feasible(sol, "s", "t", 1e-6)
    # max-flow min-cut: the capacity of the cut equals the flow
    cut = sol.edges.loc[sol.edges["in_min_cut"], "capacity_gbps"].sum()
    assert cut == pytest.approx(sol.value_gbps, abs=1e-6)


@pytest.mark.parametrize("seed", range(12))
def test_random_networks_equal_networkx(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 14))
    m = int(rng.integers(n, 4 * n))
    tail = rng.integers(0, n, m)
    head = rng.integers(0, n, m)
    keep = tail != head
    edges = _edges(list(zip(tail[keep], head[keep],
                            rng.integers(0, 50, keep.sum()).astype(float), strict=True)))
    if 0 not in set(edges["tail"]) or 1 not in set(edges["head"]):
        edges = pd.concat([edges, _edges([(0, 2, 5.0), (2, 1, 3.0)])], ignore_index=True)
    ref = _networkx_value(edges, 0, 1)
    for method in capacity.CAPACITY_METHODS:
        sol = capacity.max_flow(edges, 0, 1, method=method)
        assert sol.value_gbps == pytest.approx(ref, abs=1e-6), method
        _assert_feasible(sol, 0, 1, 1e-6)


def test_doubling_every_capacity_doubles_the_flow():
    # Reference: max flow is homogeneous of degree 1 in the capacities (the min cut
    # scales); demands made large so they never bind
    edges, _ = HAND[0]
    big = pd.concat([_edges([("S", "s", 1e4)]), edges], ignore_index=True)
    one = capacity.max_flow(big, "S", "t").value_gbps
    two = capacity.max_flow(big.assign(capacity_gbps=big["capacity_gbps"] * 2), "S",
                            "t").value_gbps
    assert two == pytest.approx(2 * one) and one == pytest.approx(23.0)


@pytest.mark.parametrize("method", capacity.CAPACITY_METHODS)
def test_max_min_fair_shares_closed_form(method):
    # Reference: weighted max-min by progressive filling (Bertsekas & Gallager 6.5.2),
    # shares computed by hand. x and y (8 each) share a 10 link; z (8) is alone behind a
    # 1 link: z gets 1 (its bottleneck), x and y split the 10 equally.
    e = _edges([("s", "x", 8), ("s", "y", 8), ("s", "z", 8), ("x", "m", 100),
                ("y", "m", 100), ("z", "t", 1), ("m", "t", 10)])
    sol = capacity.max_flow(e, "s", "t", method=method, fairness="max-min")
    f = dict(zip(sol.edges["head"][:3], sol.edges["flow_gbps"][:3], strict=True))
    assert f == pytest.approx({"x": 5.0, "y": 5.0, "z": 1.0}, abs=1e-3)
    # demands 4 and 12 over one 8 link: equal served fraction 8 / 16 -> 2 and 6
    e2 = _edges([("s", "a", 4), ("s", "b", 12), ("a", "m", 50), ("b", "m", 50),
                 ("m", "t", 8)])
    sol2 = capacity.max_flow(e2, "s", "t", method=method, fairness="max-min")
    assert sol2.edges["flow_gbps"][:2].tolist() == pytest.approx([2.0, 6.0], abs=1e-3)
    # without fairness the total is the same (8) but the split is arbitrary
    assert capacity.max_flow(e2, "s", "t", method=method).value_gbps == pytest.approx(8.0)
    _assert_feasible(sol2, "s", "t", 1e-3)


@pytest.mark.parametrize("edges, match", [
    (_edges([("s", "a", -1.0), ("a", "t", 1.0)]), r"edge 0 \('s' -> 'a'\)"),
    (_edges([("s", "a", np.nan), ("a", "t", 1.0)]), "capacity_gbps must be >= 0"),
    (_edges([("s", "a", np.inf), ("a", "t", np.inf)]), "unbounded"),
    (_edges([("s", "s", 1.0), ("s", "t", 1.0)]), "self-loop"),
])
def test_bad_networks_name_the_element(edges, match):
    with pytest.raises(ValueError, match=match):
        capacity.max_flow(edges, "s", "t")


def test_bad_network_messages_name_the_element_type():
    e = _edges([("s", "a", 1.0), ("a", "t", -2.0)]).assign(
        element_type=["demand", "gateway"], element=["cell 1", "Gravelines"])
    with pytest.raises(ValueError, match="gateway 'Gravelines'"):
        capacity.max_flow(e, "s", "t")
    with pytest.raises(ValueError, match="edges: unbounded: the source edge demand 'cell 1'"):
        capacity.max_flow(e.assign(capacity_gbps=[np.inf, 1.0]), "s", "t")
    with pytest.raises(ValueError, match="sink 'u' is not a node"):
        capacity.max_flow(e.assign(capacity_gbps=1.0), "s", "u")
    with pytest.raises(ValueError, match="resolution_mbps"):
        capacity.max_flow(_edges([("s", "t", 1e9)]), "s", "t", resolution_mbps=1e-6)
    with pytest.raises(ValueError, match="method"):
        capacity.max_flow(e.assign(capacity_gbps=1.0), "s", "t", method="simplex")


def test_beam_capacity_is_channels_times_the_acm_rate():
    # Reference: Maral & Bousquet's reuse count floor(2000 MHz x 2 pol / (4 colours x
    # 250 MHz)) = 4 channels per beam, each at the ACM rate of satcloud.links' budget
    el = np.array([25.0, 40.0, 63.3, 90.0])
    got = capacity.beam_capacity_gbps("starlink-gen1", el)
    b = links.link_budget("starlink_user_downlink", None, el, atm_loss_db=0.53)
    assert got == pytest.approx(4 * b["throughput_mbps"].to_numpy() / 1e3, rel=2e-3)
    assert np.all(np.diff(got) >= 0)          # ACM: higher elevation, faster beam


@pytest.fixture(scope="module")
def gen1():
    return capacity.network_capacity("starlink-gen1", TIME)


def test_snapshot_flow_is_feasible_and_served_below_offered(gen1):
    c = gen1.cells
    assert (c["served_gbps"] <= c["offered_gbps"] + 1e-9).all()
    t = gen1.totals.iloc[0]
    assert t["offered_gbps"] == pytest.approx(22_500.0)       # 9 M x 2.5 Mbit/s
    assert 0 < t["served_gbps"] <= t["offered_gbps"]
    # every element within its capacity (1 Mbit/s solver resolution)
    e = gen1.elements
    assert (e["flow_gbps"] <= e["capacity_gbps"] + 1e-3).all()
    # satellites carry at most the published 18 Gbit/s of a v1.5 satellite
    assert e.loc[e["element_type"] == "satellite", "flow_gbps"].max() <= 18.0 + 1e-9
    # max-flow min-cut: the cut's capacity equals what is served (1 Mbit/s units)
    s = gen1.summary
    assert s["binding_gbps"].sum() == pytest.approx(t["served_gbps"], abs=0.01 * len(c))
    assert s["binding_share"].sum() == pytest.approx(1.0)
    # the countries and regions split the same total
    assert gen1.countries["served_gbps"].sum() == pytest.approx(t["served_gbps"])
    assert gen1.regions["offered_gbps"].sum() == pytest.approx(t["offered_gbps"])
    per = c["served_gbps"] * 1e3 / c["subscribers"].where(c["subscribers"] > 0)
    assert c["per_subscriber_mbps"].to_numpy() == pytest.approx(per.fillna(0).to_numpy())
    assert (c["per_subscriber_mbps"] <= 2.5 + 1e-9).all()


def test_lasers_carry_more_than_the_bent_pipe(gen1):
    # Without laser links a satellite must see a gateway itself: less is served
    bent = capacity.network_capacity("starlink-gen1", TIME, lasers=False)
    assert bent.totals["served_gbps"].iloc[0] < gen1.totals["served_gbps"].iloc[0]
    assert "laser" not in set(bent.elements["element_type"])


def _europe():
    g = data.demand_grid()
    g = g[g["lat_deg"].between(35, 60) & g["lon_deg"].between(-10, 30)]
    return capacity.demand(grid=g, take_rate=0.01, countries="all")


def test_lp_and_maxflow_agree_on_a_snapshot():
    # Two solvers (HiGHS LP in floating point, Dinic on 1 Mbit/s integers) of one
    # graph: equal up to 1 Mbit/s per edge of the minimum cut
    edges = capacity.network_graph("starlink-gen1", TIME, _europe())
    a = capacity.max_flow(edges, 0, 1, method="maxflow")
    b = capacity.max_flow(edges, 0, 1, method="lp")
    n_cut = int(a.edges["in_min_cut"].sum())
    assert abs(a.value_gbps - b.value_gbps) <= 1e-3 * n_cut + 1e-6
    assert b.value_gbps >= a.value_gbps - 1e-6


def test_doubling_supply_doubles_served_when_demand_does_not_bind():
    # Reference: max flow is homogeneous of degree 1; every demand set to 1,000 Gbit/s
    # (more than the ~40 satellites in view of a cell carry at 18 Gbit/s each) so it
    # never binds, then every other capacity x 2: served x 2 (1 Mbit/s per cut edge)
    edges = capacity.network_graph("starlink-gen1", TIME, _europe())
    dem = edges["element_type"] == "demand"
    e1 = edges.assign(capacity_gbps=np.where(dem, 1000.0, edges["capacity_gbps"]))
    e2 = e1.assign(capacity_gbps=np.where(dem, e1["capacity_gbps"],
                                          e1["capacity_gbps"] * 2))
    one, two = capacity.max_flow(e1, 0, 1), capacity.max_flow(e2, 0, 1)
    assert not one.edges.loc[dem, "in_min_cut"].any()
    n_cut = int(one.edges["in_min_cut"].sum())
    assert two.value_gbps == pytest.approx(2 * one.value_gbps, abs=2e-3 * n_cut)


def test_cell_with_no_satellite_in_view_is_served_zero_and_flagged():
    # Kuiper's shells reach 51.9 deg of inclination: nothing is 35 deg above a cell at
    # 89.5 N, while Madrid's cell is covered
    g = pd.DataFrame({"lat_deg": [89.5, 40.5], "lon_deg": [0.5, -3.5],
                      "country": ["", "ES"], "population": [1000.0, 1000.0]})
    r = capacity.network_capacity("kuiper", TIME,
                                  capacity.demand(grid=g, take_rate=0.5, countries="all"))
    c = r.cells.set_index("lat_deg")
    assert c.loc[89.5, "no_satellite_in_view"] and c.loc[89.5, "served_gbps"] == 0.0
    assert c.loc[89.5, "n_satellites_in_view"] == 0
    assert not c.loc[40.5, "no_satellite_in_view"] and c.loc[40.5, "served_gbps"] > 0


def test_series_of_snapshots():
    r = capacity.capacity_series("starlink-gen1", [TIME, "2026-04-02T20:15:00"], _europe())
    assert r.totals["time"].nunique() == 2
    assert r.cells.groupby("time").size().nunique() == 1


def test_bad_network_inputs():
    with pytest.raises(ValueError, match="no capacity presets for 'telesat-2020'"):
        capacity.network_graph("telesat-2020", TIME, _europe())
    with pytest.raises(ValueError, match="overrides: unknown parameter 'warp_gbps'"):
        capacity.network_graph("starlink-gen1", TIME, _europe(),
                               overrides={"warp_gbps": 1.0})
    with pytest.raises(ValueError, match=r"overrides\['laser_link_gbps'\]"):
        capacity.network_graph("starlink-gen1", TIME, _europe(),
                               overrides={"laser_link_gbps": -1.0})
    with pytest.raises(ValueError, match="demand offered_gbps"):
        capacity.network_graph("starlink-gen1", TIME,
                               _europe().assign(offered_gbps=-1.0))
    with pytest.raises(TypeError, match="capacity_series"):
        capacity.network_capacity("starlink-gen1", [TIME, TIME], _europe())


def test_too_many_pairs_are_estimated_first(monkeypatch):
    import satcloud._validate as v

    dem = _europe()
    # 1 MB: the positions of 4,408 satellites (0.1 MB) pass, the ~24,000 visible pairs
    # of 981 cells (about 3.8 MB as a table) do not, and are refused before access runs
    monkeypatch.setattr(v, "MAX_ARRAY_BYTES", 1_000_000)
    with pytest.raises(ValueError, match=r"visible \(cell, satellite\) pairs"):
        capacity.network_graph("starlink-gen1", TIME, dem)
