"""Link-budget benchmark (issue 4): a million link evaluations with ITU-R weather.

Workload: the 1,000 most populous cities (``data/cities.csv``), 1,000 link evaluations
at each (1,000,000 rows), every one with its own elevation (uniform in [10, 90) deg) and
slant range (a 550-1,200 km shell), through the full public budget
``satcloud.links.link_budget`` (FSPL, ITU-R gas/cloud/rain/scintillation at p %, sky
noise, G/T, C/N0, C/(N+I), ACM, Shannon) of the Ka-band ``kuiper_user_downlink``
profile, returned as a 1,000,000-row DataFrame.

Baseline: vectorised ``itur.atmospheric_attenuation_slant_path`` (ITU-Rpy 0.4) over the
same points -- the attenuation alone, nothing else of the budget. It costs ~0.5 ms a
point, so it is timed on a random subset (``--subset`` points spread over all places) and
scaled per point to the million; the subset is large enough for per-call overheads to
be negligible. Both sides are warmed up first (``itur``'s import and data loading are
not counted on either side).

How the fast path works: per place (lat, lon, frequency, p) it caches gas and cloud at
the zenith (both scale exactly as 1/sin el in P.676 Annex 2 and P.840) and cubic
splines of rain and scintillation over elevation in t = sqrt(cot el), built from
``itur`` at 80 fixed elevations (see ``satcloud/links/atmosphere.py``).

Goals (issue 4):
- G1 speed: full budget for the 1e6 evaluations, cold cache (including building the
  per-place tables), >= 50x faster than the baseline's time for the same points.
- G2 accuracy: max |fast - itur| of the total attenuation <= 0.1 dB, measured against
  ``itur`` itself on the timed subset, and on all 1e6 points against the
  ``method="direct"`` path (``itur``'s own rain and scintillation functions at every
  point, checked equal to the baseline on the subset to 1e-9 dB).

Run:  .venv/bin/python benchmarks/bench_links.py            (full size, ~1-2 min)
      .venv/bin/python benchmarks/bench_links.py --quick    (100 places, ~20 s)
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from satcloud import data
from satcloud.links import (
    atmospheric_attenuation,
    clear_attenuation_cache,
    itur_attenuation,
    link_budget,
)
from satcloud.links.fspl import slant_range_km

PROFILE = "kuiper_user_downlink"


def workload(n_places: int, per_place: int, seed: int = 2020):
    """Points: (lat, lon) of the n most populous cities, distinct elevations and ranges."""
    cities = data.cities(n_places)
    rng = np.random.default_rng(seed)
    lat = np.repeat(cities["lat_deg"].to_numpy(float), per_place)
    lon = np.repeat(cities["lon_deg"].to_numpy(float), per_place)
    el = rng.uniform(10.0, 90.0, lat.size)
    alt = rng.uniform(550.0, 1200.0, lat.size)
    return lat, lon, el, slant_range_km(alt, el)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--places", type=int, default=1000)
    ap.add_argument("--per-place", type=int, default=1000)
    ap.add_argument("--subset", type=int, default=3000,
                    help="points on which the itur baseline is timed and compared")
    ap.add_argument("--p-percent", type=float, default=0.1)
    ap.add_argument("--quick", action="store_true", help="100 places x 1,000, subset 1,000")
    args = ap.parse_args(argv)
    if args.quick:
        args.places, args.subset = 100, 1000

    lat, lon, el, rng_km = workload(args.places, args.per_place)
    n = lat.size
    from satcloud.links.profiles import get_profile
    prof = get_profile(PROFILE)
    f, p = prof.freq_ghz, args.p_percent
    kw = dict(antenna_diameter_m=prof.ground_antenna_diameter_m,
              antenna_efficiency=prof.ground_antenna_efficiency,
              polarization_tilt_deg=prof.polarization_tilt_deg)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, python "
          f"{platform.python_version()}")
    print(f"workload: {args.places} places x {args.per_place} = {n:,} link evaluations, "
          f"{PROFILE} ({f} GHz), p = {p} %")

    # warm-up of both sides (imports, itur data files) at a place not in the workload
    itur_attenuation(-75.0, 0.0, [20.0, 50.0], f, p, **kw)
    atmospheric_attenuation(-75.0, 0.0, [20.0, 50.0], f, p, **kw)
    clear_attenuation_cache()

    # ---- ours: full budget, cold cache, then warm
    t0 = time.perf_counter()
    b = link_budget(PROFILE, rng_km, el, lat_deg=lat, lon_deg=lon, p_percent=p)
    t_cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    link_budget(PROFILE, rng_km, el, lat_deg=lat, lon_deg=lon, p_percent=p)
    t_warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    atmospheric_attenuation(lat, lon, el, f, p, **kw)
    t_att_warm = time.perf_counter() - t0
    ours = b["atm_total_db"].to_numpy()
    assert len(b) == n and not b.select_dtypes("number").drop(
        columns=["rx_gain_dbi", "rx_tsys_k"]).isna().any().any()

    # ---- baseline: vectorised itur on a random subset, scaled per point
    sub = np.random.default_rng(1).choice(n, size=min(args.subset, n), replace=False)
    t0 = time.perf_counter()
    ref = itur_attenuation(lat[sub], lon[sub], el[sub], f, p, **kw)
    t_sub = time.perf_counter() - t0
    t_base = t_sub / sub.size * n
    err_sub = float(np.abs(ours[sub] - ref.total_db).max())

    # ---- accuracy over all points against itur's own component functions
    t0 = time.perf_counter()
    direct = atmospheric_attenuation(lat, lon, el, f, p, method="direct", **kw)
    t_direct = time.perf_counter() - t0
    err_direct_vs_itur = float(np.abs(direct.total_db[sub] - ref.total_db).max())
    err_all = float(np.abs(ours - direct.total_db).max())
    err_rain = float(np.abs(b["rain_db"].to_numpy() - direct.rain_db).max())

    ratio = t_base / t_cold
    print()
    print(f"{'step':58s} {'time':>10s}")
    print(f"{'itur vectorised, ' + format(sub.size, ',') + ' points (measured)':58s} "
          f"{t_sub:9.2f} s  ({t_sub / sub.size * 1e3:.3f} ms/point)")
    print(f"{'itur vectorised, scaled to ' + format(n, ',') + ' points (baseline)':58s} "
          f"{t_base:9.1f} s")
    print(f"{'link_budget, cold cache (builds per-place tables)':58s} {t_cold:9.2f} s")
    print(f"{'link_budget, warm cache':58s} {t_warm:9.2f} s")
    print(f"{'atmospheric_attenuation only, warm cache':58s} {t_att_warm:9.2f} s")
    print(f"{'atmospheric_attenuation method=direct (accuracy reference)':58s} "
          f"{t_direct:9.2f} s")
    print()
    print(f"speed-up vs itur, cold full budget:   {ratio:8.0f}x")
    print(f"speed-up vs itur, warm full budget:   {t_base / t_warm:8.0f}x")
    print(f"max |fast - itur| on the subset:           {err_sub:.4f} dB")
    print(f"max |direct - itur| on the subset:         {err_direct_vs_itur:.1e} dB")
    print(f"max |fast - direct| on all {n:,} points: {err_all:.4f} dB "
          f"(rain alone {err_rain:.4f} dB)")
    print(f"largest attenuation in the workload:       {float(ours.max()):.1f} dB")
    print()
    g1 = ratio >= 50.0
    g2 = max(err_sub, err_all) <= 0.1 and err_direct_vs_itur <= 1e-6
    print(f"G1 speed >= 50x (cold, full budget vs itur attenuation):  "
          f"{'PASS' if g1 else 'FAIL'} ({ratio:.0f}x)")
    print(f"G2 agreement <= 0.1 dB:                                  "
          f"{'PASS' if g2 else 'FAIL'} ({max(err_sub, err_all):.4f} dB)")
    return 0 if (g1 and g2) else 1


if __name__ == "__main__":
    raise SystemExit(main())
