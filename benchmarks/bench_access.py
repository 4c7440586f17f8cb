"""Access (visibility) speed: pruned search against the dense numpy computation (issue 3).

Run:  .venv/bin/python benchmarks/bench_access.py            (full: 10,000 sites x Gen1 x 24 h)
      .venv/bin/python benchmarks/bench_access.py --quick    (2 h instead of 24 h)

Goal: access for 10,000 sites x Starlink Gen1 (4,408 satellites, each with its filed 25 deg
mask) x 24 h at 60 s at least 20x faster than the dense numpy computation, with the same
visible pairs.

- satcloud: ``satcloud.geometry.iter_access`` over the whole day (pairs streamed chunk by
  chunk as DataFrames with elevation, azimuth and range; ~3.5e8 pairs do not fit in memory
  as one table). Propagation is timed separately and not included.
- dense: for each time step the full site x satellite elevation test in numpy
  (``d = r_sat - r_site``; ``d . up >= |d| sin(el_min)``; ``np.nonzero``), in blocks of 500
  sites to bound memory. It is timed on a subset of time steps spread over the day and
  scaled per step to the whole day (said in the output); on those steps the visible
  (time, site, satellite) sets of both methods are compared for equality.

Sites: 10,000 points uniform on the sphere (seeded), 0-2,000 m above the ellipsoid.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd


def sites_uniform(n, seed=42):
    rng = np.random.default_rng(seed)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    lon = rng.uniform(-180, 180, n)
    return pd.DataFrame({"site": [f"s{k:05d}" for k in range(n)], "lat_deg": lat,
                         "lon_deg": lon, "alt_m": rng.uniform(0, 2000, n)})


def dense_step(r_sat, xyz, up, sin_min, block=500):
    """Dense numpy visibility test for one time step: (site, sat) index arrays."""
    out_s, out_n = [], []
    for s0 in range(0, xyz.shape[0], block):
        x = xyz[s0:s0 + block]
        u_ = up[s0:s0 + block]
        d = r_sat[None, :, :] - x[:, None, :]
        upc = d[..., 0] * u_[:, None, 0] + d[..., 1] * u_[:, None, 1] + d[..., 2] * u_[:, None, 2]
        rr = np.sqrt(d[..., 0] * d[..., 0] + d[..., 1] * d[..., 1] + d[..., 2] * d[..., 2])
        s, n = np.nonzero(upc >= rr * sin_min[None, :])
        out_s.append(s + s0)
        out_n.append(n)
    return np.concatenate(out_s), np.concatenate(out_n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="2 h instead of 24 h")
    ap.add_argument("--sites", type=int, default=10_000)
    ap.add_argument("--dense-steps", type=int, default=6)
    args = ap.parse_args()

    from satcloud.constellations import constellation
    from satcloud.geometry import access, enu_basis, geodetic_to_ecef, iter_access
    from satcloud.orbits import propagate
    from satcloud.time import time_grid

    hours = 2 if args.quick else 24
    c = constellation("starlink-gen1")
    t = time_grid(None, f"{hours}h", "60s")
    sites = sites_uniform(args.sites)
    t0 = time.perf_counter()
    e = propagate(c, t)
    t_prop = time.perf_counter() - t0
    n_t = len(t)
    print(f"{args.sites} sites x {len(c)} satellites x {n_t} steps ({hours} h at 60 s); "
          f"propagation {t_prop:.2f} s (not included below); 2 shared CPU cores")

    # warm-up (numba compile / cache load), not timed
    access(e.isel(time=slice(0, 1)), sites.head(100))

    # --- satcloud: the whole grid, streamed -------------------------------------------
    t0 = time.perf_counter()
    n_pairs = 0
    for chunk in iter_access(e, sites):
        n_pairs += len(chunk)
    t_ours = time.perf_counter() - t0
    print(f"satcloud iter_access: {t_ours:.2f} s for {n_pairs / 1e6:.1f} M visible pairs "
          f"({t_ours / n_t * 1e3:.1f} ms/step)")

    # --- dense numpy on a subset of steps, scaled ----------------------------------------
    steps = np.unique(np.linspace(0, n_t - 1, args.dense_steps).round().astype(int))
    lat = sites["lat_deg"].to_numpy()
    lon = sites["lon_deg"].to_numpy()
    xyz = geodetic_to_ecef(lat, lon, sites["alt_m"].to_numpy() / 1000)
    _, _, up = enu_basis(lat, lon)
    sin_min = np.sin(np.radians(c.satellites["min_elevation_deg"].to_numpy()))
    dense = {}
    t0 = time.perf_counter()
    for k in steps:
        dense[k] = dense_step(e.r_ecef_km[k], xyz, up, sin_min)
    t_dense_step = (time.perf_counter() - t0) / steps.size
    t_dense = t_dense_step * n_t
    print(f"dense numpy: {t_dense_step * 1e3:.0f} ms/step measured on {steps.size} steps "
          f"{steps.tolist()}, scaled x {n_t} steps = {t_dense:.1f} s")

    # --- same visible pairs on those steps ----------------------------------------------
    same = True
    n_checked = 0
    sub = access(e.isel(time=steps), sites)
    codes = sub["site"].cat.codes.to_numpy().astype(np.int64)
    for j, k in enumerate(steps):
        m = sub["time_index"].to_numpy() == j
        ours = set(zip(codes[m].tolist(), sub["sat_index"].to_numpy()[m].tolist(),
                       strict=True))
        ref = set(zip(dense[k][0].tolist(), dense[k][1].tolist(), strict=True))
        same &= ours == ref
        n_checked += len(ref)
    print(f"visible pairs identical on the {steps.size} checked steps "
          f"({n_checked} pairs): {same}")

    ratio = t_dense / t_ours
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9
    print(f"peak RSS of this process: {rss:.2f} GB")
    print("\nGoal                                          ratio    need   result")
    ok_speed = ratio >= 20.0
    print(f"{'access >= 20x dense numpy':44s} {ratio:7.1f} {20.0:7.1f}   "
          f"{'PASS' if ok_speed else 'FAIL'}")
    print(f"{'same visible pairs as dense':44s} {'':7s} {'':7s}   {'PASS' if same else 'FAIL'}")
    return 0 if (ok_speed and same) else 1


if __name__ == "__main__":
    sys.exit(main())
