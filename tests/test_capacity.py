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
import pyproj
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


# --------------------------------------------------------------- home PoP (multi-commodity)

def _mc_edges(rows):
    return pd.DataFrame(rows, columns=["tail", "head", "capacity_gbps", "commodity"])


def _dense_mcf_value(edges, source, sink):
    """Independent multi-commodity formulation: a dense LP (numpy arrays) with one
    variable per (commodity, edge) on *every* edge, an edge reserved for another
    commodity fixed to 0 by its bounds, conservation per (commodity, node), one joint
    capacity row per edge; scipy.optimize.linprog (HiGHS) on dense matrices."""
    from scipy.optimize import linprog

    comm = sorted({c for c in edges["commodity"] if c})
    nodes = sorted(set(edges["tail"]) | set(edges["head"]), key=str)
    m, k = len(edges), len(comm)
    cap = edges["capacity_gbps"].to_numpy(float)
    cap = np.where(np.isinf(cap), cap[edges["tail"].to_numpy() == source].sum(), cap)
    c = np.zeros(k * m)
    a_eq, a_ub = [], []
    for j in range(k):
        c[j * m:(j + 1) * m] -= (edges["tail"] == source).to_numpy(float)
        for node in nodes:
            if node in (source, sink):
                continue
            row = np.zeros(k * m)
            row[j * m:(j + 1) * m] = ((edges["head"] == node).to_numpy(float)
                                      - (edges["tail"] == node).to_numpy(float))
            a_eq.append(row)
    for i in range(m):
        row = np.zeros(k * m)
        row[i::m] = 1.0
        a_ub.append(row)
    bounds = []
    for com in comm:
        for i in range(m):
            own = edges["commodity"].iloc[i]
            bounds.append((0.0, cap[i] if own in ("", com) else 0.0))
    res = linprog(c, A_ub=np.array(a_ub), b_ub=cap, A_eq=np.array(a_eq),
                  b_eq=np.zeros(len(a_eq)), bounds=bounds, method="highs")
    assert res.status == 0
    return -res.fun


# two home PoPs A and B behind one satellite; A's PoP link carries 1, B's 10
TWO_POPS = _mc_edges([
    ("s", "a", 2.0, "A"), ("s", "b", 2.0, "B"), ("a", "u", 2.0, ""), ("b", "u", 2.0, ""),
    ("u", "PA", 3.0, ""), ("u", "PB", 3.0, ""), ("PA", "t", 1.0, "A"),
    ("PB", "t", 10.0, "B")])


def test_home_pop_closed_form_and_any_pop_upper_bound():
    # Closed form: A's traffic may leave only through PA (1), B's through PB: 1 + 2 = 3;
    # without the commodities (any PoP) a's traffic may leave at PB too: 2 + 2 = 4
    home = capacity.max_flow(TWO_POPS, "s", "t")
    anyp = capacity.max_flow(TWO_POPS.drop(columns="commodity"), "s", "t")
    assert home.value_gbps == pytest.approx(3.0, abs=1e-7)
    assert anyp.value_gbps == pytest.approx(4.0)
    assert home.method == "lp" and home.commodity_flows is not None
    assert home.value_gbps == pytest.approx(_dense_mcf_value(TWO_POPS, "s", "t"), abs=1e-7)
    # no cell reaches a PoP (nothing in view): served 0, not an error
    dark = capacity.max_flow(TWO_POPS[TWO_POPS["head"] != "u"], "s", "t", fairness="max-min")
    assert dark.value_gbps == 0.0 and (dark.edges["flow_gbps"] == 0).all()


def _random_mcf(seed):
    rng = np.random.default_rng(seed)
    n_inner = int(rng.integers(4, 9))
    rows = []
    pops = ["PA", "PB", "PC"][:int(rng.integers(2, 4))]
    for i in range(int(rng.integers(2, 6))):                 # cells, each homed to a PoP
        rows.append(("s", f"c{i}", float(rng.integers(1, 10)), str(rng.choice(pops))))
        for j in rng.choice(n_inner, size=2, replace=False):
            rows.append((f"c{i}", f"n{j}", float(rng.integers(1, 10)), ""))
    for _ in range(3 * n_inner):                              # shared mesh (lasers)
        a, b = rng.choice(n_inner, size=2, replace=False)
        rows.append((f"n{a}", f"n{b}", float(rng.integers(0, 8)), ""))
    for p in pops:                                            # gateways to each PoP
        for j in rng.choice(n_inner, size=2, replace=False):
            rows.append((f"n{j}", p, float(rng.integers(1, 10)), ""))
        rows.append((p, "t", float(rng.integers(1, 15)), p[1:]))
    e = _mc_edges(rows)
    # PoP p's link to the region carries commodity p's name
    e["commodity"] = e["commodity"].replace({"A": "PA", "B": "PB", "C": "PC"})
    return e


@pytest.mark.parametrize("seed", range(10))
def test_random_multi_commodity_networks_equal_a_dense_lp(seed):
    # Reference: the dense hand-built LP above (every commodity on every edge, no
    # restriction to the part of the graph that reaches its PoP)
    e = _random_mcf(seed)
    sol = capacity.max_flow(e, "s", "t")
    assert sol.value_gbps == pytest.approx(_dense_mcf_value(e, "s", "t"), abs=1e-6)
    # conservation per commodity, from the returned per-commodity flows
    cf = sol.commodity_flows
    for com, g in cf.groupby("commodity"):
        net: dict = {}
        for i, x in zip(g["edge"], g["flow_gbps"], strict=True):
            t, h = e["tail"].iloc[i], e["head"].iloc[i]
            assert e["commodity"].iloc[i] in ("", com)        # only its own or shared
            net[t] = net.get(t, 0.0) - x
            net[h] = net.get(h, 0.0) + x
        assert all(abs(v) <= 1e-6 for n, v in net.items() if n not in ("s", "t")), com
    assert cf.groupby("edge")["flow_gbps"].sum().to_numpy() == pytest.approx(
        sol.edges["flow_gbps"].to_numpy()[cf.groupby("edge").size().index], abs=1e-9)
    _assert_feasible(sol, "s", "t", 1e-6)
    # the single-commodity relaxation (any PoP) is an upper bound
    assert capacity.max_flow(e.drop(columns="commodity"), "s", "t").value_gbps >= \
        sol.value_gbps - 1e-6


def test_max_min_fairness_with_home_pops_closed_form():
    # Progressive filling (Bertsekas & Gallager 6.5.2) by hand: a (home PA, link 1) and
    # b (home PB) share a 4 link; both grow to 1 (a's PoP link), then b alone to 3
    e = _mc_edges([("s", "a", 4.0, "A"), ("s", "b", 4.0, "B"), ("a", "m", 100.0, ""),
                   ("b", "m", 100.0, ""), ("m", "x", 4.0, ""), ("x", "PA", 100.0, ""),
                   ("x", "PB", 100.0, ""), ("PA", "t", 1.0, "A"), ("PB", "t", 10.0, "B")])
    sol = capacity.max_flow(e, "s", "t", fairness="max-min")
    assert sol.edges["flow_gbps"][:2].tolist() == pytest.approx([1.0, 3.0], abs=1e-6)
    # any PoP: both leave through PB, equal shares 2 and 2
    anyp = capacity.max_flow(e.drop(columns="commodity"), "s", "t", fairness="max-min")
    assert anyp.edges["flow_gbps"][:2].tolist() == pytest.approx([2.0, 2.0], abs=1e-3)
    # the decomposed form (a home PoP's cells draw at most its PoP link, module notes),
    # solved by Dinic's progressive filling: the same shares
    dec = _edges([("s", "SA", 1.0), ("s", "SB", 10.0), ("SA", "a", 4.0), ("SB", "b", 4.0),
                  ("a", "m", 100.0), ("b", "m", 100.0), ("m", "t", 4.0)]).assign(
        element_type=["pop_region", "pop_region", "demand", "demand", "beam", "beam",
                      "satellite"], element=list("1234567"))
    for method in capacity.CAPACITY_METHODS:
        d = capacity.max_flow(dec, "s", "t", method=method, fairness="max-min")
        assert d.edges["flow_gbps"][2:4].tolist() == pytest.approx([1.0, 3.0], abs=1e-3)


def _europe_small():
    g = data.demand_grid()
    g = g[g["lat_deg"].between(44, 56) & g["lon_deg"].between(-5, 20)]
    return capacity.demand(grid=g, take_rate=0.002, countries="all")


def test_home_pop_decomposition_equals_the_multi_commodity_lp():
    # The real Starlink gateways backhaul into the terrestrial network toward the
    # user's home PoP, so the graph is decomposed exactly (module notes). Reference: the
    # any-PoP graph with every cell's demand edge and every PoP's link to its region
    # labelled with the PoP, solved as the general multi-commodity LP
    dem = _europe_small()
    home = capacity.network_graph("starlink-gen1", TIME, dem)
    anyp = capacity.network_graph("starlink-gen1", TIME, dem, sink="any PoP")
    r = capacity.network_capacity("starlink-gen1", TIME, dem, sink="any PoP")
    pop_of = dict(zip(r.cells["lat_deg"].map("{:.1f}".format) + ","
                      + r.cells["lon_deg"].map("{:.1f}".format), r.cells["home_pop"],
                      strict=True))
    lab = np.full(len(anyp), "", dtype=object)
    is_d = (anyp["element_type"] == "demand").to_numpy()
    lab[is_d] = anyp.loc[is_d, "element"].map(pop_of).to_numpy(object)
    is_p = (anyp["element_type"] == "pop_region").to_numpy()
    lab[is_p] = anyp.loc[is_p, "element"].str.split(" -> ").str[0].to_numpy(object)
    assert len(set(lab[is_d])) >= 3
    mcf = capacity.max_flow(anyp.assign(commodity=lab), 0, 1)
    dec = capacity.max_flow(home, 0, 1)
    n_cut = int(dec.edges["in_min_cut"].sum())
    assert mcf.method == "lp" and dec.method == "maxflow"
    assert dec.value_gbps == pytest.approx(mcf.value_gbps, abs=1e-3 * n_cut + 1e-6)


def test_one_home_pop_for_every_cell_agrees_with_any_pop():
    # Every Belgian cell is homed to Frankfurt (62 % of Belgium's blocks, one feed
    # region); with demand far below the 1,600 Gbit/s PoP link, home PoP = any PoP, and
    # each equals networkx maximum_flow_value on its graph (1 Mbit/s integers)
    g = data.demand_grid()
    g = g[g["country"] == "BE"]
    dem = capacity.demand(grid=g, take_rate=0.01, countries="all")
    values = {}
    for sink in capacity.SINK_RULES:
        e = capacity.network_graph("starlink-gen1", TIME, dem, sink=sink)
        v = capacity.max_flow(e, 0, 1).value_gbps
        cap = e["capacity_gbps"].to_numpy(float)
        units = np.floor(np.where(np.isinf(cap), 1e6, cap) * 1e3 + 1e-6) / 1e3
        assert v == pytest.approx(_networkx_value(e.assign(capacity_gbps=units), 0, 1),
                                  abs=1e-6)
        values[sink] = v
    assert values["home PoP"] == pytest.approx(values["any PoP"], abs=1e-9)
    # Fixed backhaul (Kuiper on the PoP sites, no lasers): a network with no home-PoP
    # feed of its own homes each cell to the nearest of its PoPs. Keep the Belgian
    # cells whose nearest PoP site is Frankfurt by the WGS84 geodesic (pyproj, an
    # independent distance): the multi-commodity LP then has one commodity in use and
    # equals networkx on the graph keeping only Frankfurt's link
    from satcloud.network.gateways import gateways
    pops = gateways("starlink-pops")
    geod = pyproj.Geod(ellps="WGS84")
    nearest = []
    for lat, lon in zip(g["lat_deg"], g["lon_deg"], strict=True):
        _, _, d_m = geod.inv(np.full(len(pops), lon), np.full(len(pops), lat),
                             pops["lon_deg"].to_numpy(), pops["lat_deg"].to_numpy())
        nearest.append(pops["pop"].iloc[int(np.argmin(d_m))])
    g_fra = g[np.asarray(nearest) == "frntdeu1"]
    assert 0 < len(g_fra) < len(g)  # Belgium splits between Frankfurt and London
    dem = capacity.demand(grid=g_fra, take_rate=0.01, countries="all")
    e = capacity.network_graph("kuiper", TIME, dem, lasers=False)
    sol = capacity.max_flow(e, 0, 1)
    assert sol.method == "lp"
    pr = e["element_type"] == "pop_region"
    keep = ~pr | e["element"].str.startswith("frntdeu1")
    assert sol.value_gbps == pytest.approx(_networkx_value(e[keep], 0, 1), abs=1e-6)


@pytest.fixture(scope="module")
def gen1_any():
    return capacity.network_capacity("starlink-gen1", TIME, sink="any PoP")


def test_home_pop_is_below_the_any_pop_upper_bound(gen1, gen1_any):
    home, anyp = gen1.totals.iloc[0], gen1_any.totals.iloc[0]
    assert home["sink"] == "home PoP" and anyp["sink"] == "any PoP"
    # home PoP adds constraints to the same graph: never more, within 1 Mbit/s units
    assert home["served_gbps"] <= anyp["served_gbps"] + 1e-6
    assert (gen1.countries["served_gbps"].sum()
            == pytest.approx(home["served_gbps"]))
    # a PoP's link to its region never carries more than its home cells offer
    pr = gen1.elements[gen1.elements["element_type"] == "pop_region"]
    assert (pr["flow_gbps"] <= pr["capacity_gbps"] + 1e-9).all()
    by_pop = gen1.cells.groupby("home_pop")["served_gbps"].sum()
    flows = pr.set_index(pr["element"].str.split(" -> ").str[0])["flow_gbps"]
    assert flows.reindex(by_pop.index).to_numpy() == pytest.approx(by_pop.to_numpy(),
                                                                   abs=1e-6)


# --------------------------------------------------------------- beam assignment

def test_water_filling_closed_form():
    # One satellite with 8 beams, three cells of weights 1, 1, 2, the first capped at
    # 1 beam. By hand: the first gets 1, the other 7 are split 1:2 -> 7/3 and 14/3;
    # one pass (round 1) gives 2 x 1/4 x 8 = 2 -> 1, 2 and 4, leaving 1 beam unused
    c, s = np.array([0, 1, 2]), np.array([0, 0, 0])
    w, cap = np.array([1.0, 1.0, 2.0]), np.array([1.0, 10.0, 10.0])
    one, _ = capacity._assign_beams(c, s, w, cap, 8.0, 1, 1)
    full, rounds = capacity._assign_beams(c, s, w, cap, 8.0, 1, 20)
    assert one == pytest.approx([1.0, 2.0, 4.0])
    assert full == pytest.approx([1.0, 7 / 3, 14 / 3]) and rounds == 2


def _wgs84_elevation_deg(lat_deg, lon_deg, sat_km):
    """Elevation from the WGS84 ellipsoid (height 0), closed form (NIMA TR8350.2)."""
    a, f = 6378.137, 1 / 298.257223563
    e2 = f * (2 - f)
    la, lo = np.radians(lat_deg), np.radians(lon_deg)
    n = a / np.sqrt(1 - e2 * np.sin(la) ** 2)
    site = np.c_[n * np.cos(la) * np.cos(lo), n * np.cos(la) * np.sin(lo),
                 n * (1 - e2) * np.sin(la)]
    up = np.c_[np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)]
    d = sat_km - site
    return np.degrees(np.arcsin((d * up).sum(1) / np.linalg.norm(d, axis=1)))


@pytest.fixture(scope="module")
def europe_rounds():
    dem = _europe_small()
    return dem, {r: capacity.network_graph("starlink-gen1", TIME, dem, beam_rounds=r)
                 for r in (1, 2, 3, capacity.BEAM_ROUNDS)}


def test_beams_within_satellite_view_and_outside_the_gso_arc(europe_rounds):
    from satcloud import constellations, geometry, orbits

    _, graphs = europe_rounds
    e = graphs[capacity.BEAM_ROUNDS]
    b = e[e["element_type"] == "beam"]
    sat = b["element"].str.split(" -> ").str[1]
    # never more beams than a satellite has (8, data/networks.csv)
    assert b.groupby(sat)["beams"].sum().max() <= 8.0 + 1e-9
    assert (b["beams"] >= 0).all() and b["beams"].sum() > 0
    eph = orbits.propagate(constellations.network_constellation("starlink-gen1"), TIME)
    ids = {str(s): i for i, s in enumerate(eph.sat_ids)}
    pos = eph.r_ecef_km[0][sat.map(ids).to_numpy(int)]
    ll = b["element"].str.split(" -> ").str[0].str.split(",", expand=True).astype(float)
    el = _wgs84_elevation_deg(ll[0].to_numpy(), ll[1].to_numpy(), pos)
    min_el = float(eph.constellation.satellites["min_elevation_deg"].min())
    given = b["beams"].to_numpy() > 0
    assert el[given].min() >= min_el - 0.01
    # SpaceX's 22 deg GSO-arc avoidance (data/networks.csv): every served pair is
    # farther than 22 deg from the arc (the exact separation, not the bounded test)
    sep = geometry.gso_arc_separation_deg(ll[0].to_numpy(), ll[1].to_numpy(), 0.0, pos)
    assert sep.min() > 22.0
    # without the rule, some pairs of these cells are inside the arc's 22 deg
    free = capacity.network_graph("starlink-gen1", TIME, _europe_small(),
                                  gso_arc_avoidance_deg=None)
    assert (free["element_type"] == "beam").sum() > len(b)


def test_served_demand_does_not_decrease_over_beam_rounds(europe_rounds):
    # Water-filling only gives unused beam-time away: every beam edge's capacity grows
    # (or stays) from round to round, so the maximum flow never decreases (max flow is
    # monotone in the capacities)
    _, graphs = europe_rounds
    served, beams = [], []
    prev = None
    for r in sorted(graphs):
        e = graphs[r]
        cap = e.loc[e["element_type"] == "beam", "capacity_gbps"].to_numpy()
        if prev is not None:
            assert (cap >= prev - 1e-12).all()
        prev = cap
        served.append(capacity.max_flow(e, 0, 1).value_gbps)
        beams.append(e["beams"].sum())
    assert all(b >= a - 1e-9 for a, b in zip(served, served[1:], strict=False))
    assert beams[-1] > beams[0]                    # the later rounds hand out beam-time
    with pytest.raises(ValueError, match="beam_rounds must be an integer >= 1"):
        capacity.network_graph("starlink-gen1", TIME, _europe_small(), beam_rounds=0)
    with pytest.raises(ValueError, match="unknown sink 'nearest PoP'"):
        capacity.network_graph("starlink-gen1", TIME, _europe_small(), sink="nearest PoP")


def test_fewer_gateways_carry_no_more_and_the_subset_is_used():
    # max-flow monotonicity (Ford-Fulkerson): removing gateway sites removes edges, so
    # the served demand cannot grow; every feeder edge of the subset graph names one of
    # the kept gateways (reference: the kept table itself)
    from satcloud.network.gateways import gateways
    g = data.demand_grid()
    g = g[g["country"].isin(["BE", "NL", "LU"])]
    dem = capacity.demand(grid=g, take_rate=0.05, countries="all")
    full = gateways("starlink-gateways")
    europe = full[full["lat_deg"].between(35, 70) & full["lon_deg"].between(-12, 30)]
    kept = europe.nlargest(3, "antennas")
    a = capacity.network_capacity("starlink", TIME, dem, gateways=europe)
    b = capacity.network_capacity("starlink", TIME, dem, gateways=kept)
    assert 0 < b.totals["served_gbps"].iloc[0] <= a.totals["served_gbps"].iloc[0] + 1e-9
    e = capacity.network_graph("starlink", TIME, dem, gateways=kept)
    gw_edges = e[e["element_type"] == "gateway"]
    assert set(gw_edges["element"]) <= set(kept["gateway"].astype(str))
    assert len(gw_edges) == len(kept)
    with pytest.raises(ValueError, match="gateways"):
        capacity.network_capacity("starlink", TIME, dem, gateways=europe.iloc[:0])
