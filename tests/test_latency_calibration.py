"""Calibration of the idle and loaded delay models against published measurements.

Two parts (docs/latency_sources.md section 7 is the record; ids are the rows of
docs/latency_sources.csv):

1. **The fits hold.** Each fitted parameter of data/delay_presets.csv was fixed by one
   measurement (scripts/fit_delay_presets.py); the model must still reproduce it. A
   change of the propagation model (e.g. the ground segment) that moves a fit target
   fails here and asks for the script to be rerun.
2. **Validation on held-out measurements.** Measurements *not* used in any fit, each with
   a tolerance stated before it was compared. Where the model misses, the test is a
   strict ``xfail`` that says why: it fails loudly the day the model starts to agree.

All runs use the real 2026-04-02 Starlink constellation of the registry (``"starlink"``),
at times inside its element sets' validity window.

**Like for like with 2022-23 measurements.** Michel et al. (Dec 2021 - Apr 2022) measured
a Belgian dish without lasers over the 2022 ground segment. The comparison runs the
model in ``mode="bent-pipe"`` (no lasers) to the same anchors with the access preset of
that epoch (``starlink-2022``, fitted to Michel's own idle figures); the geometry is
the 2026 constellation and ground segment (Louvain-la-Neuve homes to Frankfurt, as
Michel's traffic exited in NL/DE). The 2026 constellation is denser, so its propagation
is shorter by a few ms than in 2022; the shift fitted to Michel's 20.5 ms minimum absorbs
that difference at the fit site. Measurements of 2023 (Mohan et al., HitchHiking) use
the ``starlink-2022`` preset too (the last fit before the March 2024 changes), and the
SpaceX / Ookla figures of 2024 the ``starlink-2024`` preset.
"""

import numpy as np
import pandas as pd
import pytest

from satcloud import data
from satcloud.delays import delay_preset
from satcloud.latency import rtt

DAY6 = ("2026-04-02T00:00", "6h", "120s")
US_EVENING = ("2026-04-02T00:00", "4h", "300s")   # 6-9 PM US local = 00-04 UTC


def _site(names, lat, lon, country):
    return pd.DataFrame({"name": names, "lat_deg": lat, "lon_deg": lon,
                         "country": country})


LLN = _site(["Louvain-la-Neuve"], [50.668], [4.611], ["BE"])
# Michel's anchors: the German RIPE Atlas anchors (Nuremberg); a stand-in for the Belgian
# volunteer probes (Brussels); the UCLouvain server on the dish's campus; the remote
# anchors (Fremont, Singapore)
ANCHORS = pd.DataFrame({"name": ["Nuremberg", "Brussels", "Louvain-la-Neuve", "Fremont",
                                 "Singapore"],
                        "lat_deg": [49.452, 50.850, 50.668, 37.548, 1.290],
                        "lon_deg": [11.077, 4.352, 4.611, -121.989, 103.850]})


def _ms(df, col="rtt_ms"):
    return df[col].to_numpy(dtype=float, na_value=np.nan)


def _us_cities(n=20):
    c = data.cities()
    c = c[c["country_code"] == "US"].nlargest(n, "population")
    return _site(list(c["name"]), c["lat_deg"].to_numpy(float),
                 c["lon_deg"].to_numpy(float), "US")


@pytest.fixture(scope="module")
def michel():
    """Louvain-la-Neuve to Michel's anchors, bent pipe, 2022 access, idle and loaded."""
    kw = dict(return_paths=False, delay_presets="starlink-2022")
    idle = rtt("starlink", "bent-pipe", LLN, ANCHORS, DAY6, delay_model="idle", **kw)
    loaded = rtt("starlink", "bent-pipe", LLN, ANCHORS, DAY6, delay_model="loaded", **kw)
    return {d: (idle[idle["destination"] == d], loaded[loaded["destination"] == d])
            for d in ANCHORS["name"]}


@pytest.fixture(scope="module")
def us_home_pop():
    return rtt("starlink", None, _us_cities(), "home PoP", US_EVENING, return_paths=False,
               delay_model="idle")


@pytest.fixture(scope="module")
def geo_us():
    cities = _us_cities()
    out = {}
    for preset in ("geo-viasat-2021", "geo-hughesnet-2021"):
        g = rtt("geo", None, cities, cities, return_paths=False, delay_model="idle",
                delay_presets=preset)
        out[preset] = g[g["source"] == g["destination"].astype(object)]
    return out


# ----------------------------------------------------------------------- 1. the fits hold
def test_the_fits_still_reproduce_their_measurements(michel, us_home_pop, geo_us):
    # MIC-04: 20.5 ms lowest RTT (German anchors); the fit used one day at 60 s, this
    # run six hours at 120 s: its minimum may sit a little above
    assert float(np.nanmin(_ms(michel["Nuremberg"][0], "rtt_p05_ms"))) >= 20.5 - 0.5
    lowest = float(np.nanmin(_ms(michel["Nuremberg"][0]) - _ms(michel["Nuremberg"][0],
                                                                 "access_ms")))
    assert lowest + delay_preset("starlink-2022").access.shift_ms == pytest.approx(20.5,
                                                                                  abs=1.0)
    # MIC-01: Belgian anchors median 46-52 ms -> 49 ms (over six hours, not the day)
    assert float(np.nanmedian(_ms(michel["Brussels"][0]))) == pytest.approx(49.0, abs=1.0)
    # MIC-02: p95 70 ms at the Belgian anchors
    assert float(np.nanmedian(_ms(michel["Brussels"][0], "rtt_p95_ms"))) == pytest.approx(
        70.0, abs=1.0)
    # MIC-11 / MIC-13: loaded download median 95 ms, p95 175 ms (campus server)
    lo = michel["Louvain-la-Neuve"][1]
    assert float(np.nanmedian(_ms(lo))) == pytest.approx(95.0, abs=1.0)
    assert float(np.nanmedian(_ms(lo, "rtt_p95_ms"))) == pytest.approx(175.0, abs=1.0)
    # SPX-01: US peak-hour median terminal -> PoP 33 ms
    assert float(np.nanmedian(_ms(us_home_pop))) == pytest.approx(33.0, abs=0.5)
    # GEO-01 / GEO-02: Ookla US medians Q2 2021
    assert float(np.nanmedian(_ms(geo_us["geo-viasat-2021"]))) == pytest.approx(630, abs=1)
    assert float(np.nanmedian(_ms(geo_us["geo-hughesnet-2021"]))) == pytest.approx(724,
                                                                                   abs=1)


# ------------------------------------------------------------------ 2. held-out validation
def _within(model, measured, rel):
    return abs(model - measured) <= rel * measured


def test_michel_held_out_figures(michel):
    acc = delay_preset("starlink-2022").access
    br_idle = michel["Brussels"][0]
    prop_br = float(np.nanmedian(_ms(br_idle) - _ms(br_idle, "access_ms")))
    # MIC-03: per-anchor minimum 24-28 ms (Belgian anchors); tolerance: the range +-2 ms
    # (the anchors' sites are not published; Brussels stands in)
    low = float(np.nanmin(_ms(br_idle) - _ms(br_idle, "access_ms"))) + acc.shift_ms
    assert 24.0 - 2.0 <= low <= 28.0 + 2.0, low
    # MIC-05: German anchors median 42 ms; tolerance +-15 %
    de = float(np.nanmedian(_ms(michel["Nuremberg"][0])))
    assert _within(de, 42.0, 0.15), de
    # MIC-09 / MIC-10: European anchors p25 / p75 = 40 / 60 ms; tolerance +-15 %
    p25, p75 = prop_br + acc.quantile(0.25), prop_br + acc.quantile(0.75)
    assert _within(p25, 40.0, 0.15) and _within(p75, 60.0, 0.15), (p25, p75)
    # MIC-17: a 3 Mbit/s message flow stays idle-like: 50 ms median (download) to the
    # campus server; tolerance +-10 %
    campus = float(np.nanmedian(_ms(michel["Louvain-la-Neuve"][0])))
    assert _within(campus, 50.0, 0.10), campus
    # MIC-15: loaded download p99 210 ms; tolerance +-15 % (comonotone components)
    p = delay_preset("starlink-2022")
    prop_ll = float(np.nanmedian(_ms(michel["Louvain-la-Neuve"][0])
                                 - _ms(michel["Louvain-la-Neuve"][0], "access_ms")))
    p99 = prop_ll + float(p.access.quantile(0.99) + p.queueing.quantile(0.99))
    assert _within(p99, 210.0, 0.15), p99
    # MIC-07: Singapore anchor median 270 ms (traffic exits in Europe, no lasers);
    # tolerance +-15 %, fibre route factor "typical" (2.1) beyond the PoP
    sg = float(np.nanmedian(_ms(michel["Singapore"][0])))
    assert _within(sg, 270.0, 0.15), sg


@pytest.mark.xfail(strict=True, reason="MIC-06: Fremont median 184 ms measured; the model "
                   "gives ~231 ms: the 'typical' route factor 2.1 (Bozkurt et al., a median "
                   "over all city pairs) overstates the transatlantic + transcontinental "
                   "backbone; 'conduit' (1.3) gives ~159 ms. The measurement lies between")
def test_michel_fremont_anchor(michel):
    fr = float(np.nanmedian(_ms(michel["Fremont"][0])))
    assert _within(fr, 184.0, 0.15), fr


MOHAN_PROBES = _site(
    ["Berlin", "London", "Amsterdam", "Rome", "Warsaw", "Sydney", "Auckland", "New York",
     "Toronto", "Mexico City"],
    [52.52, 51.507, 52.37, 41.9, 52.23, -33.87, -36.85, 40.71, 43.65, 19.43],
    [13.405, -0.128, 4.9, 12.5, 21.01, 151.2, 174.76, -74.0, -79.38, -99.13],
    ["DE", "GB", "NL", "IT", "PL", "AU", "NZ", "US", "CA", "MX"])


@pytest.fixture(scope="module")
def mohan():
    return rtt("starlink", None, MOHAN_PROBES, "home PoP", DAY6, return_paths=False,
               delay_model="idle", delay_presets="starlink-2022")


def test_mohan_bent_pipe_per_country(mohan):
    # MOH-03: terminal -> PoP medians per country 36-48 ms (Dec 2022 - Sep 2023), here at
    # the capital or largest city of ten probe countries; tolerance: the band +-10 %
    med = mohan.groupby("source")["rtt_ms"].median().astype(float)
    assert len(med) == 10
    assert ((med >= 36 * 0.9) & (med <= 48 * 1.1)).all(), med.to_dict()
    # MOH-04 / MOH-05: gateway <-> PoP about 5 ms (7-8 ms in the US and Canada). The
    # model's backhaul is fibre propagation only (router processing is in access_ms),
    # so it must stay below the measured hop, not match it
    bh = mohan.groupby("source")["backhaul_ms"].median().astype(float)
    na = bh[["New York", "Toronto"]]
    assert (bh.drop(["New York", "Toronto"]) <= 5.0).all() and (na <= 8.0).all(), bh


ISLANDS = _site(["Saint-Denis (Reunion)", "Stanley (Falklands)",
                 "Charlotte Amalie (USVI)"], [-20.88, -51.69, 18.34],
                [55.45, -57.86, -64.93], ["RE", "FK", "VI"])


@pytest.fixture(scope="module")
def islands():
    df = rtt("starlink", None, ISLANDS, "home PoP", DAY6, return_paths=False,
             delay_model="idle", delay_presets="starlink-2022")
    return df.groupby("source")["rtt_ms"].median().astype(float)


def test_mohan_reunion_over_lasers(islands):
    # MOH-06: about 100 ms from Reunion (lasers to a European PoP); tolerance +-15 %
    assert _within(islands["Saint-Denis (Reunion)"], 100.0, 0.15), islands.to_dict()


@pytest.mark.xfail(strict=True, reason="MOH-06: the Falklands and the US Virgin Islands "
                   "measured ~100 ms in 2023; over the 2026 ground segment they home to "
                   "Buenos Aires and Atlanta and the model gives ~71 and ~58 ms: the 2026 "
                   "ground segment is not the one measured")
def test_mohan_falklands_and_virgin_islands(islands):
    for site in ("Stanley (Falklands)", "Charlotte Amalie (USVI)"):
        assert _within(islands[site], 100.0, 0.15), islands.to_dict()


@pytest.mark.xfail(strict=True, reason="HH-01/04/05 (HitchHiking, May-June 2023): per-PoP "
                   "means Mexico 28 ms, Georgia (US) 58 ms, Australia / New Zealand under "
                   "30 ms; the 2022 access preset gives ~42 ms everywhere. HitchHiking "
                   "subtracts the terrestrial hop and smooths over 15 s, and its means run "
                   "~10 ms below Mohan's medians of the same months; its spread across PoPs "
                   "(4-109 ms standard deviation) is not in a per-system access preset")
def test_hitchhiking_per_pop_means(mohan):
    med = mohan.groupby("source")["rtt_ms"].median().astype(float)
    assert _within(med["Mexico City"], 28.0, 0.15)
    assert med["Sydney"] <= 30.0 * 1.15 and med["Auckland"] <= 30.0 * 1.15


def test_spacex_2024_p99(us_home_pop):
    # SPX-03: US peak-hour p99 below 65 ms (March 2024), not used in the fit (the 2024
    # preset keeps the 2022 shape). The model's per-packet p99 bounds SpaceX's p99 of 15 s
    # averages from above, so it must lie below 65 ms at the median US city
    p = delay_preset("starlink-2024")
    prop = float(np.nanmedian(_ms(us_home_pop) - _ms(us_home_pop, "access_ms")))
    assert prop + float(p.access.quantile(0.99)) < 65.0


@pytest.fixture(scope="module")
def maine():
    me = _site(["Portland, Maine"], [43.66], [-70.26], ["US"])
    df = rtt("starlink", None, me, me, US_EVENING, return_paths=False, delay_model="idle")
    return float(np.nanmedian(_ms(df) - _ms(df, "access_ms")))


def test_ookla_maine_2024(maine):
    # OOK-05 / OOK-07: Maine Oct-Dec 2024, multi-server latency median 47 ms, fast end
    # (p10) 37 ms, to a test server near the user (Portland stands in); tolerances +-15 %
    # (median), +-25 % (tail)
    a = delay_preset("starlink-2024").access
    assert _within(maine + float(a.quantile(0.5)), 47.0, 0.15)
    assert _within(maine + float(a.quantile(0.1)), 37.0, 0.25)


@pytest.mark.xfail(strict=True, reason="OOK-06: Ookla's slow end (p90 72 ms) pools every "
                   "Maine user, obstructed dishes and busy cells included; the model's p90 of "
                   "one unobstructed site is ~53 ms")
def test_ookla_maine_2024_slow_end(maine):
    a = delay_preset("starlink-2024").access
    assert _within(maine + float(a.quantile(0.9)), 72.0, 0.25)


def test_ookla_geo_q4_2021(geo_us):
    # GEO-03 / GEO-04 / GEO-05: Ookla US medians Q4 2021 Viasat 627, HughesNet 725, SES
    # 613 ms (SES against the Viasat-class preset); tolerance +-5 %
    v = float(np.nanmedian(_ms(geo_us["geo-viasat-2021"])))
    h = float(np.nanmedian(_ms(geo_us["geo-hughesnet-2021"])))
    assert _within(v, 627.0, 0.05) and _within(h, 725.0, 0.05) and _within(v, 613.0, 0.05)


def test_terrestrial_last_mile_against_held_out_programmes():
    got = {t: float(rtt("fibre", None, ["London"], ["London"], delay_model="idle",
                        last_mile=t)["rtt_ms"].iloc[0]) for t in ("ftth", "cable", "dsl",
                                                                  "5g_fwa")}
    # FCC-04..06: MBA per-tier idle latency ranges fibre 8-14, cable 13-22, DSL 20-61 ms
    assert 8 <= got["ftth"] <= 14 and 13 <= got["cable"] <= 22 and 20 <= got["dsl"] <= 61
    # OOK-09: US fixed broadband median 14 ms (a technology mix): between FTTH and cable
    assert got["ftth"] <= 14.0 <= got["cable"]
    # FWA-03: Q3 2025 5G FWA medians 50 (T-Mobile), 54 (Verizon), 67 ms (AT&T)
    assert 50.0 <= got["5g_fwa"] <= 67.0


def test_telesat_operator_claim():
    # TEL-01: "30 - 50 milliseconds Round Trip Time" (operator claim, pre-service); the
    # telesat-assumed preset over the filed Lightspeed shells, to the nearest Azure region
    df = rtt("telesat-2020", None, ["London", "Singapore"], "nearest Azure region",
             ("2026-04-02T00:00", "1h", "300s"), return_paths=False, delay_model="idle")
    med = df.groupby("source")["rtt_ms"].median().astype(float)
    assert ((med >= 30.0) & (med <= 50.0)).all(), med.to_dict()


@pytest.mark.xfail(strict=True, reason="O3B-01: O3b's design goal is a round trip under "
                   "150 ms; the modelled MEO bent pipe (~130 ms at typical elevations) plus "
                   "the assumed Starlink-2024 access (~26 ms) exceeds it at London and "
                   "Lagos: O3b's access delay is smaller than the assumption")
def test_o3b_operator_claim():
    df = rtt("o3b-mpower", None, ["London", "Lagos", "Singapore"], "nearest Azure region",
             ("2026-04-02T00:00", "1h", "300s"), return_paths=False, delay_model="idle")
    assert float(np.nanmedian(_ms(df))) < 150.0
