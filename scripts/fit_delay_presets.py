"""Fit the delay presets of ``data/delay_presets.csv`` and write the table.

Every free parameter is fixed by one published measurement (ids of
``docs/latency_sources.csv``), after subtracting the package's own propagation round
trip (``delay_model="propagation"``) at the measurement's sites, over the real 2026-04-02
Starlink constellation and ground segment (times inside its element sets' validity
window). Everything else in the table is a measurement taken as printed or a documented
assumption. ``docs/latency_sources.md`` section 7 is the calibration record.

=====================  ==========================================================
parameter              fixed by
=====================  ==========================================================
Starlink access shift  MIC-04: 20.5 ms overall minimum (Louvain-la-Neuve -> Nuremberg
                       anchors), minus the minimum propagation over one day
Starlink 2022 median   MIC-01: Belgian anchors median 46-52 ms (midpoint 49 ms)
                       minus the median propagation Louvain-la-Neuve -> Brussels
Starlink 2022 sigma    MIC-02: p95 70 ms at the Belgian anchors
Starlink 2024 median   SPX-01: 33 ms US peak-hour median terminal -> PoP, over the 20
                       most populous US cities (``destinations="home PoP"``, 00-04 UTC
                       = US evening), minus the median propagation
Starlink queueing      MIC-11 / MIC-13: loaded download median 95 ms and p95 175 ms
                       (Belgian dish -> UCLouvain server), minus the idle model
GEO access             GEO-01 (Viasat 630 ms) / GEO-02 (HughesNet 724 ms), Ookla US
                       medians Q2 2021 to nearby test servers, minus the median GEO
                       propagation from the 20 most populous US cities to themselves
=====================  ==========================================================

Run: ``.venv/bin/python scripts/fit_delay_presets.py`` (about a minute). It prints each
fitted value and the propagation it was derived from.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from satcloud._io import atomic_write_text  # noqa: E402
from satcloud.latency import rtt  # noqa: E402

Z95 = 1.6448536269514722
#: Michel et al.'s dish (Louvain-la-Neuve), the German RIPE Atlas anchors (Nuremberg) and a
#: stand-in for the four Belgian volunteer probes (Brussels; their exact sites are not
#: published). The UCLouvain QUIC server is on the dish's own campus.
MICHEL = pd.DataFrame({"name": ["Louvain-la-Neuve"], "lat_deg": [50.668],
                       "lon_deg": [4.611], "country": ["BE"]})
MICHEL_ANCHORS = pd.DataFrame({"name": ["Nuremberg", "Brussels", "Louvain-la-Neuve"],
                               "lat_deg": [49.452, 50.850, 50.668],
                               "lon_deg": [11.077, 4.352, 4.611]})
DAY = ("2026-04-02T00:00", "24h", "60s")
US_EVENING = ("2026-04-02T00:00", "4h", "300s")

MICHEL_SRC = ("F. Michel, M. Trevisan, D. Giordano, O. Bonaventure, 'A First Look at "
              "Starlink Performance', ACM IMC 2022")
MICHEL_DOI = "https://doi.org/10.1145/3517745.3561416"
SPX_SRC = "SpaceX, Starlink network update (latency), March 2024"
SPX_URL = "https://www.starlink.com/updates/network-update"
OOK_SRC = "Ookla, Starlink vs HughesNet and Viasat, Q2 2021 (US medians)"
OOK_URL = "https://www.ookla.com/articles/starlink-hughesnet-viasat-performance-q2-2021"
FCC_SRC = ("FCC, Thirteenth Measuring Broadband America Fixed Broadband Report (data "
           "Sept-Oct 2022)")
FCC_URL = ("https://data.fcc.gov/download/measuring-broadband-america/2023/"
           "2023-Fixed-Measuring-Broadband-America-Report.pdf")
FWA_SRC = "Ookla Research, US 5G fixed wireless access report (Q4 2024)"
FWA_URL = ("https://wirelessdealergroup.com/post/are-t-mobile-and-verizon-mobile-customers-"
           "suffering-because-of-home-internet-subscribers")
TAN_SRC = ("H. B. Tanveer et al., 'Making Sense of Constellations: Methodologies for "
           "Understanding Starlink's Scheduling Algorithms', CoNEXT 2023 Companion")
TAN_DOI = "https://doi.org/10.1145/3624354.3630586"


def us_cities(n: int = 20) -> pd.DataFrame:
    """The ``n`` most populous US cities of the shipped city table (name, lat, lon,
    country)."""
    from satcloud import data

    c = data.cities()
    c = c[c["country_code"] == "US"].nlargest(n, "population")
    return pd.DataFrame({"name": c["name"].to_numpy(object),
                         "lat_deg": c["lat_deg"].to_numpy(float),
                         "lon_deg": c["lon_deg"].to_numpy(float), "country": "US"})


def propagation() -> dict:
    """The propagation round trips the fit subtracts. [ms]"""
    out = {}
    m = rtt("starlink", "bent-pipe", MICHEL, MICHEL_ANCHORS, DAY, return_paths=False)
    for dest, g in m.groupby("destination"):
        v = g["rtt_ms"].to_numpy(dtype=float, na_value=np.nan)
        out[f"michel_{dest}_min"] = float(np.nanmin(v))
        out[f"michel_{dest}_median"] = float(np.nanmedian(v))
    us = rtt("starlink", None, us_cities(), "home PoP", US_EVENING, return_paths=False)
    out["us_home_pop_median"] = float(np.nanmedian(us["rtt_ms"].to_numpy(
        dtype=float, na_value=np.nan)))
    cities = us_cities()
    geo = rtt("geo", None, cities, cities, return_paths=False)
    geo = geo[geo["source"] == geo["destination"].astype(object)]
    out["us_geo_median"] = float(np.nanmedian(geo["rtt_ms"].to_numpy(dtype=float,
                                                                       na_value=np.nan)))
    return out


def fit(p: dict) -> dict:
    """The fitted parameters from the propagation round trips ``p``. [ms] / [-]"""
    f = {}
    f["shift"] = 20.5 - p["michel_Nuremberg_min"]                              # MIC-04
    f["m22"] = 49.0 - p["michel_Brussels_median"]                              # MIC-01
    f["s22"] = np.log((70.0 - p["michel_Brussels_median"] - f["shift"])
                      / (f["m22"] - f["shift"])) / Z95                          # MIC-02
    f["m24"] = 33.0 - p["us_home_pop_median"]                                  # SPX-01
    lln = p["michel_Louvain-la-Neuve_median"]
    access95 = f["shift"] + (f["m22"] - f["shift"]) * np.exp(f["s22"] * Z95)
    f["q_med"] = 95.0 - lln - f["m22"]                                         # MIC-11
    f["q_s"] = np.log((175.0 - lln - access95) / f["q_med"]) / Z95             # MIC-13
    f["geo_viasat"] = 630.0 - p["us_geo_median"]                               # GEO-01
    f["geo_hughes"] = 724.0 - p["us_geo_median"]                               # GEO-02
    return {k: round(float(v), 3) for k, v in f.items()}


def rows(f: dict, p: dict) -> list[dict]:
    """The long table."""
    out = []

    def add(preset, component, model, parameter, value, basis, fitted_to, source, url):
        unit = {"sigma": "1", "period_s": "s", "phase_s": "s"}.get(parameter, "ms")
        out.append(dict(preset=preset, component=component, delay_model=model,
                        parameter=parameter, value=value, unit=unit, basis=basis,
                        fitted_to=fitted_to, source=source, doi_or_url=url))

    shift_note = (f"MIC-04: 20.5 ms minimum to the Nuremberg anchors minus the minimum "
                  f"propagation {p['michel_Nuremberg_min']:.2f} ms (2026 constellation, "
                  "bent pipe, one day)")

    def starlink_access(preset, median, median_note, sigma_basis, sigma_note, src, url):
        add(preset, "access", "idle", "shift_ms", f["shift"], "fitted", shift_note,
            MICHEL_SRC, MICHEL_DOI)
        add(preset, "access", "idle", "median_ms", median, "fitted", median_note, src, url)
        add(preset, "access", "idle", "sigma", f["s22"], sigma_basis, sigma_note,
            MICHEL_SRC, MICHEL_DOI)
        add(preset, "reconfiguration", "idle", "period_s", 15.0, "measured",
            "TAN-01 / MOH-15: global scheduler every 15 s", TAN_SRC, TAN_DOI)
        add(preset, "reconfiguration", "idle", "phase_s", 12.0, "measured",
            "TAN-01: reassignments at seconds 12, 27, 42, 57", TAN_SRC, TAN_DOI)

    s22_note = (f"MIC-02: p95 70 ms at the Belgian anchors (propagation median "
                f"{p['michel_Brussels_median']:.2f} ms to Brussels)")
    m22_note = (f"MIC-01: Belgian anchors median 46-52 ms (midpoint 49) minus the median "
                f"propagation {p['michel_Brussels_median']:.2f} ms to Brussels")
    m24_note = (f"SPX-01: 33 ms US peak-hour median terminal -> PoP minus the median "
                f"propagation {p['us_home_pop_median']:.2f} ms (20 largest US cities to "
                "their home PoPs, 00-04 UTC)")
    q_med_note = (f"MIC-11: loaded download median 95 ms minus the idle median "
                  f"({p['michel_Louvain-la-Neuve_median']:.2f} ms propagation to the "
                  "campus server + the 2022 access median)")
    q_s_note = "MIC-13: loaded download p95 175 ms (components comonotone)"

    def queueing(preset, basis, note):
        add(preset, "queueing", "loaded", "shift_ms", 0.0, "assumed",
            "structural: an empty buffer adds no queueing (shift 0)", MICHEL_SRC,
            MICHEL_DOI)
        add(preset, "queueing", "loaded", "median_ms", f["q_med"], basis,
            q_med_note if basis == "fitted" else note, MICHEL_SRC, MICHEL_DOI)
        add(preset, "queueing", "loaded", "sigma", f["q_s"], basis,
            q_s_note if basis == "fitted" else note, MICHEL_SRC, MICHEL_DOI)

    # Starlink, the Michel epoch (Dec 2021 - Apr 2022)
    starlink_access("starlink-2022", f["m22"], m22_note, "fitted", s22_note, MICHEL_SRC,
                    MICHEL_DOI)
    queueing("starlink-2022", "fitted", "")
    # Starlink, the SpaceX March 2024 epoch: the median moves, the shape is 2022's
    same_shape = "assumed: the 2022 shape (sigma of MIC-02); only the median is refitted"
    starlink_access("starlink-2024", f["m24"], m24_note, "assumed", same_shape, SPX_SRC,
                    SPX_URL)
    queueing("starlink-2024", "assumed", "assumed: no loaded measurement of the 2024 epoch "
             "was read; the 2022 queueing of starlink-2022 (MIC-11/13)")
    # other LEO/MEO systems: no separable published access delay
    for preset, base, why in (
            ("oneweb-assumed", "starlink-2022", "OneWeb: no ISLs, Ku-band LEO access like "
             "Starlink's Michel epoch; the TMA 2025 measurements (Zhao et al.) print no "
             "number that could be read"),
            ("kuiper-assumed", "starlink-2024", "Kuiper: no published latency measurement; "
             "phased-array LEO with lasers like Starlink 2024"),
            ("telesat-assumed", "starlink-2024", "Telesat Lightspeed: operator claim only "
             "(30-50 ms RTT, TEL-01), kept for validation"),
            ("o3b-assumed", "starlink-2024", "O3b mPOWER: operator claims only (< 150 ms, "
             "O3B-01), kept for validation")):
        note = f"assumed equal to {base}: {why}"
        m = f["m22"] if base == "starlink-2022" else f["m24"]
        add(preset, "access", "idle", "shift_ms", f["shift"], "assumed", note, MICHEL_SRC,
            MICHEL_DOI)
        add(preset, "access", "idle", "median_ms", m, "assumed", note,
            MICHEL_SRC if base == "starlink-2022" else SPX_SRC,
            MICHEL_DOI if base == "starlink-2022" else SPX_URL)
        add(preset, "access", "idle", "sigma", f["s22"], "assumed", note, MICHEL_SRC,
            MICHEL_DOI)
        queueing(preset, "assumed", f"assumed equal to starlink-2022 queueing: {why}")
    # GEO: DVB-RCS2 return-link access + processing + PEP, one constant per operator class
    for preset, key, mid, val in (("geo-viasat-2021", "geo_viasat", "GEO-01", 630),
                                  ("geo-hughesnet-2021", "geo_hughes", "GEO-02", 724)):
        note = (f"{mid}: Ookla US median {val} ms (Q2 2021) minus the median GEO propagation "
                f"{p['us_geo_median']:.2f} ms (20 largest US cities to a server in the same "
                "city); no spread is published: constant")
        add(preset, "access", "idle", "shift_ms", f[key], "fitted", note, OOK_SRC, OOK_URL)
        add(preset, "access", "idle", "median_ms", f[key], "fitted", note, OOK_SRC, OOK_URL)
        add(preset, "access", "idle", "sigma", 0.0, "assumed", note, OOK_SRC, OOK_URL)
        queueing(preset, "assumed", "assumed equal to starlink-2022 queueing: no published "
                 "loaded GEO latency was found (docs/latency_sources.md section 5)")
    # terrestrial last mile: the FCC per-ISP idle medians (midpoints), FWA from Ookla
    for tech, lo, hi, rid in (("ftth", 7, 14, "FCC-01"), ("cable", 12, 24, "FCC-02"),
                              ("dsl", 23, 34, "FCC-03")):
        note = (f"{rid}: midpoint of the per-ISP idle medians {lo}-{hi} ms (router to the "
                "nearest test server; no spread published: constant)")
        for par, v in (("shift_ms", (lo + hi) / 2), ("median_ms", (lo + hi) / 2),
                       ("sigma", 0.0)):
            add("terrestrial-us-2022", f"last_mile_{tech}", "idle", par, v,
                "assumed" if par == "sigma" else "measured", note, FCC_SRC, FCC_URL)
    note = "FWA-01: T-Mobile 5G FWA median 52 ms, Q4 2024 (no spread published: constant)"
    for par, v in (("shift_ms", 52.0), ("median_ms", 52.0), ("sigma", 0.0)):
        add("terrestrial-us-2022", "last_mile_5g_fwa", "idle", par, v,
            "assumed" if par == "sigma" else "measured", note, FWA_SRC, FWA_URL)
    note = ("assumed 0: no published loaded (working) latency by technology was read "
            "(docs/latency_sources.md section 5); the loaded fibre RTT is a lower bound")
    for par in ("shift_ms", "median_ms", "sigma"):
        add("terrestrial-us-2022", "queueing", "loaded", par, 0.0, "assumed", note,
            FCC_SRC, FCC_URL)
    return out


def main() -> None:
    p = propagation()
    for k, v in p.items():
        print(f"propagation {k}: {v:.3f} ms")
    f = fit(p)
    for k, v in f.items():
        print(f"fitted {k}: {v}")
    table = pd.DataFrame(rows(f, p))
    buf = io.StringIO()
    table.to_csv(buf, index=False, lineterminator="\n")
    atomic_write_text(ROOT / "data" / "delay_presets.csv", buf.getvalue())
    print(f"wrote data/delay_presets.csv ({len(table)} rows)")


if __name__ == "__main__":
    main()
