"""Scenario tables of notebook 06 (modular datacenter backhaul), against independent sources.

Sources named per test: spherical-Earth visibility geometry (the Earth-central angle at
which a satellite at radius r is seen at elevation e, psi = arccos(R cos e / r) - e;
Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., sec. 11.4) for the
coverage limits of an equatorial MEO ring and of the geostationary arc; the law of
cosines for the range to a geostationary satellite; the speed of light
(c = 299,792.458 km/s) relating the serving range to the user-link delay; the fibre
closed form (group index 1.468, route factor 2.1, REFERENCE.md "Light and fibre"); the
rows of ``data/remote_sites.csv`` read with the csv module; and the link budget's own
definition of availability (the fade margin crosses zero at p = 100 - availability).
"""

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from satcloud import links
from satcloud.scenarios import datacenter as sdc
from satcloud.scenarios.links import HOURS_PER_YEAR
from satcloud.time import time_grid

C_KM_S = 299_792.458
R_EQ_KM = 6378.137
SITES_CSV = Path(__file__).resolve().parents[1] / "data" / "remote_sites.csv"
P_GRID = np.array([0.01, 0.05, 0.2, 1.0, 5.0])


def psi_deg(r_sat_km, elevation_deg, r_site_km=R_EQ_KM):
    e = math.radians(elevation_deg)
    return math.degrees(math.acos(r_site_km * math.cos(e) / r_sat_km)) - elevation_deg


@pytest.fixture(scope="module")
def sites():
    return sdc.remote_sites()


@pytest.fixture(scope="module")
def times():
    return time_grid("2020-10-01T00:00:00", duration=60.0, step=15.0)


@pytest.fixture(scope="module")
def rows(sites, times):
    return sdc.backhaul_rtt(sites, times)


@pytest.fixture(scope="module")
def table(sites, times, rows):
    return sdc.backhaul_table(sites, times, rows=rows, p_grid_percent=P_GRID)


def test_remote_sites_are_the_csv_rows():
    with open(SITES_CSV, newline="") as fh:
        ref = list(csv.DictReader(fh))
    s = sdc.remote_sites()
    assert list(s.name) == [r["site"] for r in ref]
    assert list(s.fibre_nearby) == [r["fibre_nearby"] for r in ref]
    assert s.lat_deg.tolist() == pytest.approx([float(r["lat_deg"]) for r in ref])
    two = sdc.remote_sites(["Funafuti (Tuvalu)", "Agadez (Sahel)"])
    assert list(two.name) == ["Funafuti (Tuvalu)", "Agadez (Sahel)"]
    with pytest.raises(ValueError, match="unknown names .Atlantis."):
        sdc.remote_sites(["Atlantis"])
    with pytest.raises(ValueError, match="unknown option"):
        sdc.backhaul_rtt(s, ("2020-10-01", 60, 15), options=["carrier pigeon"])


def test_serving_range_is_the_user_link_delay(rows):
    """The geometry is that of the path: user_link_ms = 2 x range / c for every option."""
    sat = rows[(rows.option != "fibre") & rows.reachable.astype(bool)]
    assert len(sat) > 0
    np.testing.assert_allclose(sat.user_link_ms.astype(float).to_numpy(),
                               2 * sat.user_range_km.to_numpy() / C_KM_S * 1e3, rtol=1e-6)
    mins = {"Starlink ISL": 25.0, "Starlink bent pipe": 25.0}
    for option, lo in mins.items():
        el = sat[sat.option == option].user_elevation_deg
        assert (el >= lo - 1e-6).all() and (el <= 90.0).all()
    fibre = rows[rows.option == "fibre"]
    assert fibre.user_elevation_deg.isna().all()


def test_geo_geometry_by_the_law_of_cosines(rows, sites):
    r_geo = 42_164.17
    geo = rows[(rows.option == "GEO HTS") & rows.reachable.astype(bool)]
    slots = [-97.1, -69.9, -55.0, 9.0, 62.6, 119.5, 179.6]
    for r in geo.drop_duplicates("source").itertuples():
        s = sites.set_index("name").loc[r.source]
        lon = slots[r.sat_path[0]]
        cos_g = math.cos(math.radians(s.lat_deg)) * math.cos(math.radians(lon - s.lon_deg))
        rng = math.sqrt(R_EQ_KM ** 2 + r_geo ** 2 - 2 * R_EQ_KM * r_geo * cos_g)
        el = math.degrees(math.atan2(cos_g - R_EQ_KM / r_geo, math.sqrt(1 - cos_g ** 2)))
        assert r.user_range_km == pytest.approx(rng, abs=25.0)      # ellipsoid vs sphere
        assert r.user_elevation_deg == pytest.approx(el, abs=0.3)


def test_coverage_limits_of_meo_and_geo(table, sites):
    """An equatorial ring covers |lat| < psi(r, e_min): O3b 8,062 km at 10 deg, GEO at 10 deg."""
    lim_o3b = psi_deg(R_EQ_KM + 8062.0, 10.0)          # ~54 deg
    lim_geo = psi_deg(42_164.17, 10.0)                 # ~71 deg
    t = table.set_index(["site", "option"])
    for s in sites.itertuples():
        assert bool(t.loc[(s.name, "O3b mPOWER"), "covered"]) == (abs(s.lat_deg) < lim_o3b)
        assert bool(t.loc[(s.name, "GEO HTS"), "covered"]) == (abs(s.lat_deg) < lim_geo)
        assert bool(t.loc[(s.name, "Starlink ISL"), "covered"])
    # fibre rows exist exactly where the site table lists fibre nearby
    fib = set(table[table.option == "fibre"].site)
    assert fib == set(sites[sites.fibre_nearby.isin(["yes", "partial"])].name)


def test_fibre_and_floors_are_closed_forms(table):
    fib = table[table.option == "fibre"]
    np.testing.assert_allclose(fib.rtt_median_ms, 2.1 * 1.468 * fib.floor_ms, rtol=1e-9)
    ok = table[table.covered]
    assert (ok.rtt_median_ms >= ok.floor_ms).all()
    # the GEO bent pipe never beats 4h/c
    geo = table[(table.option == "GEO HTS") & table.covered]
    assert (geo.rtt_median_ms >= 4 * 35_786.0 / C_KM_S * 1e3 - 0.01).all()


def test_budgets_and_availability_follow_the_link_budget(table):
    sat = table[table.covered & (table.option != "fibre")]
    assert sat.forward_clear_mbps.notna().all()
    assert (sat.forward_rain_mbps <= sat.forward_clear_mbps + 1e-9).all()
    np.testing.assert_allclose(
        sat.availability_percent,
        np.minimum(sat.availability_forward_percent, sat.availability_return_percent))
    np.testing.assert_allclose(sat.downtime_h_per_year,
                               (100 - sat.availability_percent) / 100 * HOURS_PER_YEAR)
    assert ((sat.availability_percent >= 100 - P_GRID.max() - 1e-9)
            & (sat.availability_percent <= 100 - P_GRID.min() + 1e-9)).all()
    # a direct budget at the same geometry reproduces the forward throughput
    r = sat[sat.option == "Starlink ISL"].iloc[0]
    b = links.link_budget("starlink_user_downlink", range_km=[r.range_km],
                          elevation_deg=[r.elevation_deg], lat_deg=r.lat_deg,
                          lon_deg=r.lon_deg, p_percent=0.5, method="direct")
    assert float(b.throughput_mbps.iloc[0]) == pytest.approx(r.forward_rain_mbps)
    # where the availability is exact, the fade margin is ~0 at p = 100 - availability
    ex = sat[sat.availability_bound == "exact"]
    assert len(ex) > 0
    for r in ex.itertuples():
        worse = "forward" if r.availability_forward_percent <= r.availability_return_percent \
            else "return"
        prof = sdc.OPTIONS[r.option][worse]
        p = 100.0 - getattr(r, f"availability_{worse}_percent")
        m = links.link_budget(prof, range_km=[r.range_km], elevation_deg=[r.elevation_deg],
                              lat_deg=r.lat_deg, lon_deg=r.lon_deg, p_percent=p,
                              method="direct").fade_margin_db.iloc[0]
        assert abs(float(m)) < 1.0, (r.site, r.option, float(m))


def test_decision_is_the_quickest_qualifying_option(table):
    d = sdc.decision_table(table, availability_target=99.9).set_index("site")
    for site, g in table.groupby("site"):
        g = g[g.covered]
        q = g[(g.option == "fibre") | (g.availability_percent >= 99.9)]
        assert d.loc[site, "choice"] == q.sort_values("rtt_median_ms").option.iloc[0]
        assert d.loc[site, "options_covering"] == len(g)
    strict = sdc.decision_table(table, availability_target=100.0).set_index("site")
    # nothing but fibre can meet 100 %
    for _site, r in strict.iterrows():
        assert r.choice in ("fibre", "none")


def test_shell_coverage_limits(sites):
    t = time_grid("2020-10-01T00:00:00", duration=600.0, step=120.0)
    sc = sdc.shell_coverage(sites, t)
    assert sc[sc.shell != "all"].drop_duplicates("shell").n_satellites.sum() == 4408
    lat = sites.set_index("name").lat_deg
    for r in sc.itertuples():
        if r.shell in ("1", "2"):
            # a 53 deg shell at ~550 km seen at 25 deg: |lat| < 53 + psi (~8.5 deg)
            lim = r.inclination_deg + psi_deg(R_EQ_KM + r.altitude_km, 25.0) + 0.5
            if abs(lat[r.site]) > lim:
                assert r.fraction_covered == 0.0
    wide = sc.pivot(index="site", columns="shell", values="fraction_covered")
    assert (wide["all"] >= wide.drop(columns="all").max(axis=1) - 1e-12).all()


# --- delay models and throughput over the day (issue 14 point 5, issue 15 point 4) ---

FTTH_IDLE_MS = 10.5  # data/delay_presets.csv, last_mile_ftth idle: FCC Measuring
#                      Broadband America 2023 (FCC-01), read below with the csv module


@pytest.fixture(scope="module")
def model_rows(sites, times):
    return sdc.backhaul_rtt_by_model(sites, times, options=["Starlink ISL", "GEO HTS",
                                                            "fibre"])


def test_delay_models_order_floor_propagation_idle_loaded(model_rows, rows):
    # issue 14, Correctness: floor <= propagation <= idle <= loaded, row by row; the
    # "propagation" model reproduces backhaul_rtt's rows exactly
    key = ["option", "source", "time_s"]
    m = {d: g.set_index(key).sort_index() for d, g in model_rows.groupby("delay_model")}
    prop = rows[rows.option.isin(["Starlink ISL", "GEO HTS", "fibre"])].set_index(
        key).sort_index()
    np.testing.assert_array_equal(m["propagation"]["rtt_ms"].to_numpy(float),
                                  prop["rtt_ms"].to_numpy(float))
    ok = m["propagation"]["reachable"].astype(bool).to_numpy()
    p, i, lo = (m[d]["rtt_ms"].to_numpy(float)[ok] for d in ("propagation", "idle",
                                                             "loaded"))
    assert (m["propagation"]["target_floor_ms"].to_numpy(float)[ok] <= p + 1e-9).all()
    assert (p <= i + 1e-9).all() and (i <= lo + 1e-9).all()
    # the geometry of the first model's paths is repeated for the others
    np.testing.assert_array_equal(m["idle"]["user_elevation_deg"].to_numpy(float),
                                  m["propagation"]["user_elevation_deg"].to_numpy(float))


def test_fibre_idle_adds_the_ftth_last_mile(model_rows):
    with open(SITES_CSV.parent / "delay_presets.csv", newline="") as fh:
        ftth = [float(r["value"]) for r in csv.DictReader(fh)
                if r["component"] == "last_mile_ftth" and r["delay_model"] == "idle"
                and r["parameter"] == "median_ms"]
    assert ftth == [FTTH_IDLE_MS]
    f = model_rows[model_rows.option == "fibre"]
    idle = f[f.delay_model == "idle"]["rtt_ms"].to_numpy(float)
    prop = f[f.delay_model == "propagation"]["rtt_ms"].to_numpy(float)
    np.testing.assert_allclose(idle - prop, FTTH_IDLE_MS, atol=1e-9)


def test_delay_model_table_medians_by_hand(model_rows, sites):
    dm = sdc.delay_model_table(model_rows, sites).set_index("option")
    assert list(dm.index) == ["Starlink ISL", "GEO HTS", "fibre"]
    for option in dm.index:
        for model, col in (("idle", "idle_median_ms"), ("loaded", "loaded_median_ms"),
                           ("propagation", "propagation_median_ms")):
            g = model_rows[(model_rows.option == option) & (model_rows.delay_model == model)]
            frac = g.groupby("source")["reachable"].mean()
            covered = frac[frac >= 0.99].index
            per_site = g[g.reachable.astype(bool) & g.source.isin(covered)].groupby(
                "source")["rtt_ms"].median()
            assert dm.loc[option, col] == pytest.approx(float(np.median(per_site)),
                                                        rel=1e-12), (option, model)
            assert dm.loc[option, "n_served"] == len(covered)


def test_site_throughput_snapshots_and_summary(sites):
    from satcloud import capacity

    world = capacity.demand(countries=["CL", "NO"])
    world = world[world.subscribers > 0].reset_index(drop=True)
    t = sdc.site_throughput(sites, "2020-10-01T00:00:00", hours=1.0, step_h=0.5,
                            site_demand_gbps=20.0, demand=world)
    # 0, 0.5 and 1 h: three snapshots per site
    assert t.groupby("site").time.nunique().to_dict() == {s: 3 for s in sites.name}
    assert (t.site_served_gbps <= 20.0 + 1e-9).all()
    assert (t.site_alone_gbps <= 20.0 + 1e-9).all()
    s = sdc.throughput_summary(t).set_index("site")
    for site, g in t.groupby("site"):
        assert s.loc[site, "min_gbps"] == g.site_served_gbps.min()
        assert s.loc[site, "median_gbps"] == pytest.approx(np.median(g.site_served_gbps))
        assert s.loc[site, "max_gbps"] == g.site_served_gbps.max()
        assert s.loc[site, "alone_min_gbps"] == g.site_alone_gbps.min()
    assert list(s.index) == list(sites.name)
    with pytest.raises(ValueError, match="step_h"):
        sdc.site_throughput(sites, "2020-10-01T00:00:00", step_h=0.0)
