"""Network capacity benchmark (issue 15): one Starlink Gen1 snapshot solved in < 30 s.

Workload: Starlink Gen1 as filed (4,408 satellites, FCC 21-48 shells, +Grid laser links
on), busy-hour demand of the ``starlink-2025-12`` preset (9 M subscribers x 2.5 Mbit/s)
on the shipped 1 degree population grid (16,479 (cell, country) rows, 14,715 cells), the
261 real Starlink gateways, their PoPs and the Azure regions; snapshot 2026-04-02 20:00
UTC.

Timed, in one process:

- ``network_graph`` (propagation, access of every cell and gateway, GSO-arc rule,
  water-filling beam assignment, laser links, graph assembly) with the default sink
  rule ``"home PoP"`` (each cell to its home PoP; exact single-commodity decomposition
  for the real gateways' home-pop backhaul) and ``max_flow`` with
  ``scipy.sparse.csgraph`` (Dinic on 1 Mbit/s integers): the goal is build + solve
  < 30 s -> PASS/FAIL;
- baselines on the same graph: ``networkx.maximum_flow_value`` (preflow-push, pure
  Python) and the same problem as an LP with ``scipy.optimize.linprog(method="highs")``
  (sparse constraint matrix); the ratios are printed;
- the decomposition against the general multi-commodity LP (HiGHS, one commodity per
  home PoP on the any-PoP graph) on the same snapshot: equal value, time ratio;
- ``sink="any PoP"`` (the upper bound) on the same snapshot;
- ``--fair``: the max-min fair solve (progressive filling, 20 rounds) too;
- ``--kuiper``: Kuiper (fixed backhaul: the multi-commodity LP is the only exact
  solve) with ``"home PoP"`` and ``"any PoP"``.

Checked: the three solvers agree (networkx on the same integer capacities exactly; the
LP in floating point within 1 Mbit/s per edge of the minimum cut), and the decomposed
home-PoP flow equals the multi-commodity LP within the same tolerance.

``--day`` also solves 96 snapshots (24 h at 15 min) on a 2-worker local Dask cluster
(goal < 20 min) and prints the served fraction over the day.

Run:  .venv/bin/python benchmarks/bench_capacity.py          (~2-3 min)
      .venv/bin/python benchmarks/bench_capacity.py --day    (+ the day)
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import pandas as pd

from satcloud import capacity

NETWORK = "starlink-gen1"
TIME = "2026-04-02T20:00:00"
GOAL_S = 30.0
DAY_GOAL_S = 20 * 60.0


def _networkx_value(edges: pd.DataFrame) -> tuple[float, float]:
    import networkx as nx

    cap = edges["capacity_gbps"].to_numpy(float)
    bound = cap[edges["element_type"].astype(str).to_numpy() == "demand"].sum()
    units = np.floor(np.where(np.isinf(cap), bound, cap) * 1e3 + 1e-6).astype(np.int64)
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(edges["tail"].tolist(), edges["head"].tolist(),
                                  units.tolist(), strict=True), weight="capacity")
    t0 = time.perf_counter()
    v = nx.maximum_flow_value(g, 0, 1)
    return v / 1e3, time.perf_counter() - t0


def _multi_commodity(dem: pd.DataFrame):
    """The home-PoP flow as the general multi-commodity LP: the any-PoP graph with
    each cell's demand edge and each PoP's link to its region labelled with the PoP
    (the cells' home PoPs as ``network_capacity`` reports them)."""
    anyp = capacity.network_graph(NETWORK, TIME, dem, sink="any PoP")
    cells, _ = capacity._cells_of(dem)
    home = capacity._home(cells, NETWORK, None)["pop"].to_numpy(object)
    lab = np.full(len(anyp), "", dtype=object)
    lab[(anyp["element_type"] == "demand").to_numpy()] = home   # cells in node order
    pr = (anyp["element_type"] == "pop_region").to_numpy()
    lab[pr] = anyp.loc[pr, "element"].str.split(" -> ").str[0].to_numpy(object)
    sol = capacity.max_flow(anyp.assign(commodity=lab), 0, 1)
    return sol, len(set(home))


def _day_chunk(times):
    from satcloud import capacity as cap

    r = cap.capacity_series(NETWORK, list(times))
    return r.totals, r.summary


def day(n_workers: int = 2, snapshots: int = 96) -> None:
    from dask.distributed import Client, LocalCluster

    times = pd.date_range("2026-04-02T00:00:00", periods=snapshots, freq="15min")
    per = max(1, snapshots // 16)
    chunks = [times[i:i + per].strftime("%Y-%m-%dT%H:%M:%S").tolist()
              for i in range(0, snapshots, per)]
    t0 = time.perf_counter()
    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        client.upload_file(__file__)          # the workers import _day_chunk from here
        futures = client.map(_day_chunk, chunks)
        parts = client.gather(futures)
    wall = time.perf_counter() - t0
    totals = pd.concat([p[0] for p in parts], ignore_index=True)
    summary = pd.concat([p[1] for p in parts], ignore_index=True)
    frac = totals["served_fraction"]
    goal = DAY_GOAL_S * snapshots / 96
    print(f"\nday: {snapshots} snapshots on {n_workers} Dask workers in {wall:.0f} s "
          f"({wall / snapshots:.1f} s per snapshot); goal < {goal / 60:.1f} min: "
          f"{'PASS' if wall < goal else 'FAIL'}")
    print(f"served fraction over the day: min {frac.min():.3f}, median {frac.median():.3f}, "
          f"max {frac.max():.3f}; served {totals['served_gbps'].min():,.0f}-"
          f"{totals['served_gbps'].max():,.0f} Gbit/s of {totals['offered_gbps'].iloc[0]:,.0f}")
    share = summary.groupby("element_type", observed=True)["binding_share"].mean()
    print("mean share of the minimum cut over the day: "
          + ", ".join(f"{k} {v:.2f}" for k, v in share.items() if v > 0))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", action="store_true", help="also the 96-snapshot day")
    parser.add_argument("--fair", action="store_true", help="also the max-min solve")
    parser.add_argument("--only-day", action="store_true",
                        help="the day alone (no snapshot solves)")
    parser.add_argument("--kuiper", action="store_true",
                        help="also Kuiper (fixed backhaul: the multi-commodity LP)")
    parser.add_argument("--snapshots", type=int, default=96,
                        help="snapshots of the --day run, 15 min apart (default 96)")
    args = parser.parse_args(argv)
    import scipy

    print(f"Python {platform.python_version()}, numpy {np.__version__}, scipy "
          f"{scipy.__version__}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}")
    if args.only_day:
        day(snapshots=args.snapshots)
        return 0
    dem = capacity.demand()
    t0 = time.perf_counter()
    edges = capacity.network_graph(NETWORK, TIME, dem)
    build_s = time.perf_counter() - t0
    counts = edges["element_type"].value_counts()
    print(f"graph (sink 'home PoP'): {len(edges):,} edges "
          f"({', '.join(f'{k} {v:,}' for k, v in counts.items() if v)}), built in "
          f"{build_s:.2f} s")
    t0 = time.perf_counter()
    sol = capacity.max_flow(edges, 0, 1, method="maxflow")
    solve_s = time.perf_counter() - t0
    nx_value, nx_s = _networkx_value(edges)
    lp = capacity.max_flow(edges, 0, 1, method="lp")
    mcf, n_commodities = _multi_commodity(dem)
    n_cut = int(sol.edges["in_min_cut"].sum())
    rows = [
        ("csgraph maximum_flow (Dinic, 1 Mbit/s units)", solve_s, sol.value_gbps, "1.0x"),
        ("networkx maximum_flow_value (same integers)", nx_s, nx_value,
         f"{nx_s / solve_s:.0f}x slower"),
        ("linprog HiGHS, sparse LP (floating point)", lp.solver_s, lp.value_gbps,
         f"{lp.solver_s / solve_s:.0f}x slower"),
        (f"multi-commodity LP ({n_commodities} home PoPs)", mcf.solver_s, mcf.value_gbps,
         f"{mcf.solver_s / solve_s:.0f}x slower"),
    ]
    if args.fair:
        fair = capacity.max_flow(edges, 0, 1, fairness="max-min")
        rows.append((f"csgraph, max-min fair ({fair.rounds} rounds)", fair.solver_s,
                     fair.value_gbps, f"{fair.solver_s / solve_s:.0f}x"))
    print(f"\n{'solver (sink home PoP)':50s} {'time [s]':>9s} {'served [Gbit/s]':>16s}  ratio")
    for name, s, v, ratio in rows:
        print(f"{name:50s} {s:9.2f} {v:16,.1f}  {ratio}")
    same = abs(nx_value - sol.value_gbps) < 1e-6
    close = abs(lp.value_gbps - sol.value_gbps) <= 1e-3 * n_cut + 1e-6
    exact = abs(mcf.value_gbps - sol.value_gbps) <= 1e-3 * n_cut + 1e-6
    print(f"\nnetworkx value equal: {same}; LP within 1 Mbit/s x {n_cut:,} cut edges: {close}; "
          f"decomposition equals the multi-commodity LP: {exact}")
    total = build_s + solve_s
    ok = total < GOAL_S and same and close and exact
    print(f"one snapshot, build + solve: {total:.1f} s; goal < {GOAL_S:.0f} s: "
          f"{'PASS' if ok else 'FAIL'}")
    offered = float(dem["offered_gbps"].sum())
    t0 = time.perf_counter()
    anyp = capacity.max_flow(capacity.network_graph(NETWORK, TIME, dem, sink="any PoP"),
                             0, 1)
    any_s = time.perf_counter() - t0
    print(f"served {sol.value_gbps:,.0f} of {offered:,.0f} Gbit/s offered "
          f"({sol.value_gbps / offered:.1%}) to the home PoPs; {anyp.value_gbps:,.0f} "
          f"({anyp.value_gbps / offered:.1%}) to any PoP (upper bound; {any_s:.1f} s)")
    if args.kuiper:
        for sink in capacity.SINK_RULES:
            t0 = time.perf_counter()
            r = capacity.network_capacity("kuiper", TIME, dem, sink=sink)
            t = r.totals.iloc[0]
            print(f"kuiper, sink {sink!r}: served {t['served_gbps']:,.0f} Gbit/s, solver "
                  f"{t['method']} {t['solver_s']:.1f} s, build + solve "
                  f"{time.perf_counter() - t0:.1f} s")
    if args.day:
        day(snapshots=args.snapshots)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
