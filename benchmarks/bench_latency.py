"""Latency benchmark (issue 5): LEO routing at the scale of the routing literature.

Workload A (Hypatia, Kassing et al. IMC 2020): Starlink shell 1 (72 x 22 at 550 km,
53 deg, 25 deg minimum elevation), the 100 most populous cities, 200 s at 100 ms
(2,000 snapshots), round-trip time and hop count for every city pair with +Grid laser
links and satellite terminals at both ends.

- Goal A1: the whole workload (propagation + link snapshots + routing) < 120 s on the
  2-core machine (routing split over ``--workers`` processes, default 2).
- Goal A2: per snapshot >= 100x faster than networkx Floyd-Warshall
  (``nx.floyd_warshall_numpy``, the all-pairs approach of Hypatia's satgenpy) on the
  same graph, timed in the same run on a few snapshots; the distances are checked
  equal.

Workload B: a full day of 15 s epochs (5,760) for the 100 cities to their nearest Azure
region (nearest by RTT) over Starlink Gen1 (4,408 satellites), through the public
``satcloud.latency.rtt`` (tidy rows with components and satellite paths), ISL mode; and
the same in bent-pipe mode.

Run:  .venv/bin/python benchmarks/bench_latency.py            (full size, ~5 min)
      .venv/bin/python benchmarks/bench_latency.py --quick    (scaled down, ~30 s)
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import time

import networkx as nx
import numpy as np

from satcloud import data
from satcloud.constellations import constellation
from satcloud.latency import rtt, summarize
from satcloud.network.isl import plus_grid_edges
from satcloud.network.routing import iter_routes, snapshot_graph
from satcloud.orbits import propagate
from satcloud.time import time_grid

EPOCH = "2020-10-01T00:00:00"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


_SHARED: dict = {}


def _route_slice(bounds):
    """Route snapshots [t0, t1) of the shared workload (runs in a worker process)."""
    t0, t1 = bounds
    w = _SHARED
    n_c = len(w["lat"])
    out_rtt = np.empty((t1 - t0, n_c, n_c), np.float32)
    out_hops = np.empty((t1 - t0, n_c, n_c), np.int16)
    for snap in iter_routes(w["r"][t0:t1], w["lat"], w["lon"], w["lat"], w["lon"],
                            sat_min_elevation_deg=25.0, isl_edges=w["edges"]):
        out_rtt[snap.t] = 2.0 * snap.total_ms
        out_hops[snap.t] = np.where(snap.reachable, snap.n_sats + 1, 0)
    return t0, out_rtt, out_hops


def workload_a(n_snap: int, n_fw: int, workers: int, n_cities: int = 100) -> dict:
    shell = constellation("starlink-gen1", shells=["1"])
    cities = data.cities(n_cities)
    lat, lon = cities["lat_deg"].to_numpy(float), cities["lon_deg"].to_numpy(float)
    times = time_grid(EPOCH, n_snap * 0.1, 0.1)
    t0 = time.perf_counter()
    eph = propagate(shell, times)
    t_prop = time.perf_counter() - t0
    sats = shell.satellites
    edges = plus_grid_edges(sats["shell"].astype(str).to_numpy(), sats["plane"].to_numpy(),
                            sats["slot"].to_numpy())
    n_t, n_c = len(times), len(lat)
    _SHARED.update(r=eph.r_ecef_km, lat=lat, lon=lon, edges=edges)
    rtt_ms = np.empty((n_t, n_c, n_c), np.float32)
    hops = np.empty((n_t, n_c, n_c), np.int16)
    cuts = np.linspace(0, n_t, workers + 1).astype(int)
    slices = list(zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True))
    t0 = time.perf_counter()
    if workers == 1:
        results = map(_route_slice, slices)
    else:
        pool = mp.get_context("fork").Pool(workers)
        results = pool.imap(_route_slice, slices)
    for a0, r_, h_ in results:
        rtt_ms[a0:a0 + len(r_)] = r_
        hops[a0:a0 + len(h_)] = h_
    if workers != 1:
        pool.close()
        pool.join()
    t_route = time.perf_counter() - t0
    total = t_prop + t_route
    # single-process time per snapshot, measured on a slice in this process
    n_one = min(n_t, 100)
    t0 = time.perf_counter()
    _route_slice((0, n_one))
    per_snap = (time.perf_counter() - t0) / n_one

    # baseline: networkx Floyd-Warshall on the same graph, a few snapshots
    fw_times, max_err = [], 0.0
    picks = np.linspace(0, n_t - 1, n_fw).astype(int) if n_fw else []
    for k in picks:
        g, src_nodes, dst_nodes = snapshot_graph(eph.r_ecef_km[k], lat, lon, lat, lon,
                                                 sat_min_elevation_deg=25.0, isl_edges=edges)
        coo = g.tocoo()
        G = nx.DiGraph()
        G.add_nodes_from(range(g.shape[0]))
        G.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(),
                                      strict=True))
        t0 = time.perf_counter()
        D = nx.floyd_warshall_numpy(G, nodelist=list(range(g.shape[0])))
        fw_times.append(time.perf_counter() - t0)
        ref = 2.0 * np.asarray(D)[np.ix_(src_nodes, dst_nodes)]
        fin = np.isfinite(ref)
        assert np.array_equal(fin, np.isfinite(rtt_ms[k])), "reachability differs from FW"
        max_err = max(max_err, float(np.max(np.abs(ref[fin] - rtt_ms[k][fin]))))
    fw = float(np.mean(fw_times)) if fw_times else float("nan")
    reach = np.isfinite(rtt_ms)
    off = ~np.eye(n_c, dtype=bool)[None]
    return dict(n_snap=n_t, n_sats=len(shell), n_cities=n_c, n_edges=len(edges),
                workers=workers, n_one=n_one, t_prop=t_prop, t_route=t_route, total=total, per_snap=per_snap,
                fw=fw, n_fw=len(fw_times), ratio=fw / per_snap, max_err=max_err,
                reach=float(reach[np.broadcast_to(off, reach.shape)].mean()),
                median_rtt=float(np.median(rtt_ms[reach & off])),
                median_hops=float(np.median(hops[reach & off])))


def workload_b(duration_s: float, mode: str, n_cities: int = 100) -> dict:
    times = time_grid(EPOCH, duration_s, 15.0)
    cities = data.cities(n_cities)
    t0 = time.perf_counter()
    df = rtt("starlink-gen1", mode, cities, "nearest Azure region", times)
    elapsed = time.perf_counter() - t0
    s = summarize(df)
    return dict(n_epochs=len(times), rows=len(df), elapsed=elapsed,
                per_epoch=elapsed / len(times),
                reach=float(df["reachable"].mean()),
                median_rtt=float(s["rtt_median_ms"].astype(float).median()),
                median_changes=float(s["path_changes_per_hour"].astype(float).median()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="scaled-down run for development")
    ap.add_argument("--fw-snapshots", type=int, default=None,
                    help="snapshots timed with networkx Floyd-Warshall (default 3; quick 1)")
    ap.add_argument("--workers", type=int, default=2,
                    help="processes routing workload A (default 2: the machine's cores)")
    args = ap.parse_args()
    if args.workers < 1:
        ap.error(f"--workers must be >= 1, got {args.workers}")
    n_snap = 200 if args.quick else 2000
    n_fw = args.fw_snapshots if args.fw_snapshots is not None else (1 if args.quick else 3)
    day = 2 * 3600.0 if args.quick else 86_400.0

    print(f"# satcloud latency benchmark ({'quick' if args.quick else 'full'})")
    print(f"python {platform.python_version()}, numpy {np.__version__}, networkx "
          f"{nx.__version__}, {os.cpu_count()} CPUs visible, load average at start "
          f"{os.getloadavg()[0]:.1f} (other processes share the cores)")
    a = workload_a(n_snap, n_fw, args.workers)
    print(f"\n## A: Starlink shell 1 ({a['n_sats']} sats, {a['n_edges']} ISLs), "
          f"{a['n_cities']} cities, {a['n_snap']} snapshots, all city pairs (ISL)")
    print(f"propagation            {a['t_prop']:8.2f} s")
    print(f"ISL + routing          {a['t_route']:8.2f} s  ({a['workers']} process(es))")
    print(f"whole workload         {a['total']:8.2f} s")
    print(f"ours, one process      {a['per_snap'] * 1e3:8.2f} ms/snapshot (mean of "
          f"{a['n_one']} snapshots: link snapshot, visibility, graph, Dijkstra, paths)")
    print(f"networkx Floyd-Warshall {a['fw']:7.2f} s/snapshot (mean of {a['n_fw']}); "
          f"max |FW - ours| = {a['max_err']:.2e} ms")
    print(f"pairs reachable {a['reach']:.4f}, median RTT {a['median_rtt']:.1f} ms, "
          f"median hops {a['median_hops']:.0f}")
    scale = 2000 / a["n_snap"]
    est = a["t_prop"] * scale + a["t_route"] * scale
    goal1 = est < 120.0
    print(f"A1 whole workload < 120 s: {est:.1f} s"
          f"{' (extrapolated to 2,000 snapshots)' if scale != 1 else ''} -> {verdict(goal1)}")
    goal2 = a["ratio"] >= 100.0
    print(f"A2 per snapshot >= 100x networkx Floyd-Warshall: {a['ratio']:.0f}x -> "
          f"{verdict(goal2)}")

    for mode in ("isl", "bent-pipe"):
        b = workload_b(day, mode)
        print(f"\n## B: Starlink Gen1 (4,408 sats), 100 cities -> nearest Azure region, "
              f"{b['n_epochs']} epochs of 15 s, mode {mode}, via satcloud.latency.rtt")
        print(f"elapsed {b['elapsed']:.1f} s ({b['per_epoch'] * 1e3:.1f} ms/epoch, "
              f"{b['rows']} rows); reachable {b['reach']:.3f}; median of per-city median "
              f"RTT {b['median_rtt']:.1f} ms; median path changes {b['median_changes']:.0f}/h")
    print(f"\nload average at end {os.getloadavg()[0]:.1f}")
    print(f"SUMMARY A1 {verdict(goal1)}  A2 {verdict(goal2)}")


if __name__ == "__main__":
    main()
