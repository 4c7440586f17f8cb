"""Idle-RTT map benchmark (issue 14, Speed): every populated 1 degree cell, one day.

Workload: the shipped population grid (14,715 populated 1 degree land cells, one row per
(cell, country): 16,479 rows), Starlink as in orbit on 2026-04-02 (registry network
``"starlink"``: the real element sets, +Grid lasers inferred from the real planes, the
261 real gateways, each user's home PoP, the 22 deg GSO-arc rule), the idle delay model,
to the home PoP and to the nearest Azure region, 96 snapshots (24 h at 15 min) from
2026-04-02 00:00 UTC.

Timed, in one process (the clusters are started before the clock and shared):

- :func:`satcloud.latency.rtt_map` on a local Dask cluster of 2 workers (the goal: the
  day in < 5 min -> PASS/FAIL) and of 1 worker (the goal: 2 workers >= 1.7x faster ->
  PASS/FAIL);
- the baseline: :func:`satcloud.latency.rtt`, the per-source path engine (one Dijkstra
  per user over the whole snapshot graph), on a subset of cells and snapshots, scaled
  to the full workload (cells x snapshots; both engines scale linearly in each, the
  map sub-linearly in cells); the ratio is printed. The subset's numbers are checked
  equal to the map's (1e-9 ms).

Run:  .venv/bin/python benchmarks/bench_rtt_map.py                (~10 min)
      .venv/bin/python benchmarks/bench_rtt_map.py --snapshots 16  (quick look)
      .venv/bin/python -m benchmarks rtt_map
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import pandas as pd

from satcloud import data, latency
from satcloud.time import time_grid

NETWORK = "starlink"
START = "2026-04-02T00:00:00"
TARGETS = ("home PoP", "nearest Azure region")
GOAL_S = 5 * 60.0
GOAL_SPEEDUP = 1.7


def _run(cells, times, client) -> tuple[pd.DataFrame, float]:
    t0 = time.perf_counter()
    table = latency.rtt_map(NETWORK, None, cells, times, destinations=TARGETS,
                            scheduler="distributed", client=client)
    return table, time.perf_counter() - t0


def baseline(cells: pd.DataFrame, times, n_cells: int, n_times: int) -> tuple[float, int]:
    """Seconds of rtt() per (cell, snapshot) for both targets, on a subset; and the
    number of values that differ from the map's by more than 1e-9 ms."""
    sub = cells.sample(n_cells, random_state=1).reset_index(drop=True)
    sub["name"] = [f"cell {i}" for i in range(len(sub))]
    few = times[:: max(1, len(times) // n_times)][:n_times]
    t0 = time.perf_counter()
    ref = {t: latency.rtt(NETWORK, None, sub, t, few, delay_model="idle",
                          return_paths=False) for t in TARGETS}
    per = (time.perf_counter() - t0) / (n_cells * len(few))
    _, ds = latency.rtt_map(NETWORK, None, sub, few, destinations=TARGETS, per_time=True)
    bad = 0
    for t in TARGETS:
        got = ds.sel(target=t).to_dataframe().reset_index()
        got["time"] = got["time"].dt.tz_localize("UTC")
        m = ref[t].merge(got, left_on=["time", "source"], right_on=["time", "cell"],
                         suffixes=("", "_map"))
        a = m["rtt_ms"].to_numpy(float, na_value=np.nan)
        b = m["rtt_ms_map"].to_numpy(float)
        bad += int((~np.isclose(a, b, rtol=0, atol=1e-9, equal_nan=True)).sum())
    return per, bad


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=int, default=96,
                        help="snapshots, 15 min apart (default 96: one day)")
    parser.add_argument("--baseline-cells", type=int, default=60,
                        help="cells of the rtt() baseline subset (default 60)")
    parser.add_argument("--baseline-snapshots", type=int, default=2,
                        help="snapshots of the rtt() baseline subset (default 2)")
    args = parser.parse_args(argv)
    import scipy

    from satcloud.sweep import local_client

    print(f"Python {platform.python_version()}, numpy {np.__version__}, scipy "
          f"{scipy.__version__}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}")
    cells = data.demand_grid()
    times = time_grid(START, f"{15 * args.snapshots}min", "15min")
    n_cells = cells[["lat_deg", "lon_deg"]].drop_duplicates().shape[0]
    print(f"workload: {len(cells):,} (cell, country) rows ({n_cells:,} cells) x "
          f"{len(times)} snapshots x {len(TARGETS)} targets, network {NETWORK!r} (isl), "
          f"idle")
    walls = {}
    table = None
    for n in (2, 1):
        with local_client(n, dashboard=False) as client:
            # warm the workers (imports, numba caches) off the clock
            latency.rtt_map(NETWORK, None, cells.head(50), times[:n], destinations=TARGETS,
                            scheduler="distributed", client=client, snapshots_per_task=1)
            t_table, walls[n] = _run(cells, times, client)
            table = t_table if table is None else table
        print(f"rtt_map on {n} Dask worker(s): {walls[n]:.1f} s "
              f"({walls[n] / len(times):.2f} s per snapshot), load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)
    per, bad = baseline(cells, times, args.baseline_cells, args.baseline_snapshots)
    scaled = per * len(cells) * len(times)
    speedup = walls[1] / walls[2]
    goal = GOAL_S * len(times) / 96
    print(f"baseline rtt() per source: {per * 1e3:.0f} ms per (cell, snapshot) for both "
          f"targets ({args.baseline_cells} cells x {args.baseline_snapshots} snapshots; "
          f"map values differing > 1e-9 ms: {bad}) -> {scaled / 3600:.1f} h scaled to the "
          f"workload, {scaled / walls[1]:.0f}x the map on 1 worker, "
          f"{scaled / walls[2]:.0f}x on 2")
    print(f"\n2 workers: {walls[2]:.0f} s; goal < {goal:.0f} s: "
          f"{'PASS' if walls[2] < goal else 'FAIL'}")
    print(f"speed-up 1 -> 2 workers: {speedup:.2f}x; goal >= {GOAL_SPEEDUP}x: "
          f"{'PASS' if speedup >= GOAL_SPEEDUP else 'FAIL'}")
    med = table.groupby("target")["rtt_ms"].median()
    share = table.groupby("target")["bent_pipe_share"].mean()
    print("median idle RTT over the cells: " + ", ".join(
        f"{k} {v:.1f} ms (bent pipe {share[k]:.0%} of cell-snapshots)" for k, v in
        med.items()))
    return 0 if (walls[2] < goal and speedup >= GOAL_SPEEDUP and bad == 0) else 1


if __name__ == "__main__":
    raise SystemExit(main())
