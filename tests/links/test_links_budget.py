"""Link budgets: a published worked budget term by term, ACM, bent pipe, bad input."""

import numpy as np
import pandas as pd
import pytest

import satcloud.time
from satcloud.links import (
    bent_pipe_budget,
    budget_table,
    combine_ratios_db,
    link_budget,
    slant_range_km,
)

# del Portillo, Cameron & Crawley, Acta Astronautica 159 (2019), inputs as in
# REFERENCE.md. Expected values are what those inputs imply through the closed forms of
# REFERENCE.md (FSPL = 92.45 + 20 log d_km + 20 log f_GHz; G/T = G - 10 log T;
# C/N0 = EIRP - FSPL - A + G/T + 228.6; C/N = C/N0 - 10 log B), worked by hand:
#   Starlink user DL: FSPL 92.448+64.527+22.607 = 179.58; G/T 37.7-25.598 = 12.10;
#       C/N0 36.7-179.58-0.53+12.10+228.60 = 97.29; C/N 97.29-83.98 = 13.31
#   Telesat user DL:  FSPL 92.448+63.545+22.607 = 178.60; G/T 38.3-25.442 = 12.86;
#       C/N0 34.6-178.60-0.41+12.86+228.60 = 97.05; C/N 97.05-83.98 = 13.07
#   Starlink GW UL:   FSPL 92.448+64.527+29.097 = 186.07; C/N0 68.4-186.07-2.9+13.6+228.60
#       = 121.63; C/N 121.63-86.99 = 34.64
#   Telesat GW UL:    FSPL 92.448+67.744+29.097 = 189.29; C/N0 75.9-189.29-4.8+2.4+228.60
#       = 112.81; C/N 112.81-93.22 = 19.59
# These are checks of our arithmetic on the paper's inputs, not of the paper's printed
# outputs (which are not in REFERENCE.md).
WORKED = [
    ("delportillo_starlink_user_downlink", 1684.0, 0.53, 179.58, 12.10, 97.29, 13.31),
    ("delportillo_telesat_user_downlink", 1504.0, 0.41, 178.60, 12.86, 97.05, 13.07),
    ("delportillo_starlink_gateway_uplink", 1684.0, 2.9, 186.07, 13.60, 121.63, 34.64),
    ("delportillo_telesat_gateway_uplink", 2439.0, 4.8, 189.29, 2.40, 112.81, 19.59),
]


@pytest.mark.parametrize("name, d_km, atm, fspl, gt, cn0, cn", WORKED)
def test_del_portillo_worked_budget_term_by_term(name, d_km, atm, fspl, gt, cn0, cn):
    b = link_budget(name, d_km, 40.0, atm_loss_db=atm)
    row = b.iloc[0]
    assert row["fspl_db"] == pytest.approx(fspl, abs=0.01)
    assert row["atm_total_db"] == atm
    assert row["gt_db_per_k"] == pytest.approx(gt, abs=0.01)
    assert row["cn0_dbhz"] == pytest.approx(cn0, abs=0.01)
    assert row["cn_db"] == pytest.approx(cn, abs=0.01)
    assert row["atm_model"] == "fixed"


def test_interference_and_acm_columns_consistent():
    rng = np.random.default_rng(1)
    el = rng.uniform(25, 90, 200)
    b = link_budget("starlink_user_downlink", None, el, lat_deg=40.0, lon_deg=-100.0)
    ci = combine_ratios_db(b["c_aci_db"], b["c_asi_db"], b["c_xpi_db"], b["c_3im_db"])
    np.testing.assert_allclose(b["ci_total_db"], ci)
    np.testing.assert_allclose(b["cni_db"], combine_ratios_db(b["cn_db"], ci))
    # 27, 27, 25, 30 dB combine (by hand) to 20.887 dB
    assert b["ci_total_db"].iloc[0] == pytest.approx(20.887, abs=1e-3)
    # Es/N0 = C/(N+I) + 10 log10(1 + roll-off); 250 MHz at 0.05 -> 238.1 Msym/s
    np.testing.assert_allclose(b["esn0_db"], b["cni_db"] + 10 * np.log10(1.05))
    assert b["symbol_rate_msps"].iloc[0] == pytest.approx(250 / 1.05)
    np.testing.assert_allclose(b["throughput_mbps"],
                               b["symbol_rate_msps"] * b["spectral_efficiency_bps_per_hz"])
    assert (b["throughput_mbps"] < b["shannon_mbps"]).all()
    assert (b["margin_db"] >= 0).all() and (b["fade_margin_db"] >= b["margin_db"]).all()
    # slant range from the profile altitude
    np.testing.assert_allclose(b["range_km"], slant_range_km(550.0, el))
    # higher elevation: shorter path, never a lower C/N0
    order = np.argsort(el)
    assert np.all(np.diff(b["cn0_dbhz"].to_numpy()[order]) > -0.05)


def test_accepts_access_dataframe_and_carries_columns():
    acc = pd.DataFrame({
        "site": ["seattle", "seattle", "london"],
        "time": pd.to_datetime(["2020-10-01T00:00", "2020-10-01T00:01", "2020-10-01T00:00"]),
        "sat_id": [101, 102, 7],
        "range_km": [700.0, 1000.0, 800.0],
        "elevation_deg": [60.0, 35.0, 45.0],
    })
    lat = np.array([47.6, 47.6, 51.5])
    lon = np.array([-122.3, -122.3, -0.1])
    b = link_budget("starlink_user_downlink", acc, lat_deg=lat, lon_deg=lon)
    assert list(b.columns[:3]) == ["site", "time", "sat_id"]
    assert b["sat_id"].tolist() == [101, 102, 7]
    plain = link_budget("starlink_user_downlink", acc["range_km"].to_numpy(),
                        acc["elevation_deg"].to_numpy(), lat_deg=lat, lon_deg=lon)
    np.testing.assert_allclose(b["cni_db"], plain["cni_db"])
    # lat/lon columns of the frame are used when present
    b2 = link_budget("starlink_user_downlink", acc.assign(lat_deg=lat, lon_deg=lon))
    np.testing.assert_allclose(b2["atm_total_db"], plain["atm_total_db"])


def test_outage_row_is_flag_zero_not_nan():
    b = link_budget("starlink_user_downlink", np.array([800.0, 40000.0]), 40.0,
                    lat_deg=47.6, lon_deg=-122.3)
    assert b["outage"].tolist() == [False, True]
    assert b["throughput_mbps"].iloc[1] == 0.0
    assert b["spectral_efficiency_bps_per_hz"].iloc[1] == 0.0
    assert b["margin_db"].iloc[1] < 0 and b["fade_margin_db"].iloc[1] < 0
    assert not b.select_dtypes("number").isna().any().any()


def test_rain_raises_sky_noise_and_lowers_gt():
    wet = link_budget("kuiper_user_downlink", None, 40.0, lat_deg=1.35, lon_deg=103.8,
                      p_percent=0.01)
    dry = link_budget("kuiper_user_downlink", None, 40.0, lat_deg=1.35, lon_deg=103.8,
                      p_percent=5.0)
    assert wet["rain_db"].iloc[0] > 10 * dry["rain_db"].iloc[0]
    assert wet["sky_noise_k"].iloc[0] > dry["sky_noise_k"].iloc[0] > 0
    assert wet["gt_db_per_k"].iloc[0] < dry["gt_db_per_k"].iloc[0]
    off = link_budget("kuiper_user_downlink", None, 40.0, lat_deg=1.35, lon_deg=103.8,
                      p_percent=0.01, overrides={"rain_sky_noise": False})
    assert off["sky_noise_k"].iloc[0] == 0.0
    # uplinks: the satellite receiver G/T is given, no sky noise, gain not applicable
    up = link_budget("kuiper_gateway_uplink", None, 40.0, lat_deg=1.35, lon_deg=103.8)
    assert up["sky_noise_k"].iloc[0] == 0.0 and np.isnan(up["rx_gain_dbi"].iloc[0])


def test_bent_pipe_combines_hops_in_linear_power():
    down = dict(elevation_deg=np.array([30.0, 50.0, 70.0]), lat_deg=40.7, lon_deg=-74.0)
    up = dict(elevation_deg=45.0, lat_deg=47.6, lon_deg=-122.3)
    e = bent_pipe_budget("starlink_forward", up, down)
    assert len(e) == 3
    # 1/(C/(N+I))_tot = 1/(C/(N+I))_up + 1/(C/(N+I))_down  (Maral & Bousquet ch. 5)
    manual = -10 * np.log10(10 ** (-e["up_cni_db"] / 10) + 10 ** (-e["down_cni_db"] / 10))
    np.testing.assert_allclose(e["cni_db"], manual)
    assert (e["cni_db"] < np.minimum(e["up_cni_db"], e["down_cni_db"])).all()
    assert (e["carrier_profile"] == "starlink_user_downlink").all()
    assert (e["up_profile"] == "starlink_gateway_uplink").all()
    # a near-perfect uplink leaves the downlink alone
    strong = bent_pipe_budget("starlink_forward", up, down,
                              up_overrides={"eirp_dbw": 140.0, "c_aci_db": np.inf,
                                            "c_asi_db": np.inf, "c_xpi_db": np.inf,
                                            "c_3im_db": np.inf})
    np.testing.assert_allclose(strong["cni_db"], strong["down_cni_db"], atol=1e-3)
    ret = bent_pipe_budget("starlink_return", down, up)
    assert (ret["carrier_profile"] == "starlink_user_uplink").all()
    assert ret["bandwidth_mhz"].iloc[0] == 62.5


def test_budget_table_vertical():
    b = link_budget("delportillo_starlink_user_downlink", 1684.0, 40.0, atm_loss_db=0.53)
    t = budget_table(b).set_index("term")
    assert t.loc["eirp_dbw", "unit"] == "dBW"
    assert t.loc["gt_db_per_k", "unit"] == "dB/K"
    assert t.loc["cn0_dbhz", "unit"] == "dBHz"
    assert t.loc["throughput_mbps", "unit"] == "Mbit/s"
    assert t.loc["fspl_db", "value"] == pytest.approx(179.58, abs=0.01)
    with pytest.raises(ValueError, match="row must be an integer"):
        budget_table(b, 5)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: link_budget("starlink_user_downlink", 800.0, 40.0), TypeError,
     "give lat_deg and lon_deg"),
    (lambda: link_budget("starlink_user_downlink", 800.0, 0.0, atm_loss_db=1.0),
     ValueError, r"elevation_deg must be in \(0, 90\] deg"),
    (lambda: link_budget("starlink_user_downlink", -800.0, 40.0, atm_loss_db=1.0),
     ValueError, r"range_km must be in \(0, inf\) km"),
    (lambda: link_budget("starlink_user_downlink", 800.0, 40.0, lat_deg=0, lon_deg=0,
                         p_percent=6.0), ValueError, r"p_percent must be in \[0.001, 5\]"),
    (lambda: link_budget("starlink_user_downlnk", 800.0, 40.0, atm_loss_db=1.0),
     ValueError, "Did you mean 'starlink_user_downlink'"),
    (lambda: link_budget("starlink_user_downlink", 800.0, 40.0, atm_loss_db=1.0,
                         overrides={"dish_m": 1.0}), ValueError, "unknown profile field"),
    (lambda: link_budget("starlink_user_downlink", pd.DataFrame({"range_km": [1.0]})),
     ValueError, "lacks column 'elevation_deg'"),
    (lambda: bent_pipe_budget("starlink_sideways", {}, {}), ValueError,
     "unknown chain 'starlink_sideways'"),
    (lambda: bent_pipe_budget(("starlink_user_downlink", "starlink_user_uplink"),
                              dict(elevation_deg=40.0, atm_loss_db=0.0),
                              dict(elevation_deg=40.0, atm_loss_db=0.0)),
     ValueError, "must be an uplink"),
    (lambda: bent_pipe_budget("starlink_forward", dict(elev=40.0), {}), ValueError,
     "unknown key"),
])
def test_budget_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_flat_panel_scan_loss_on_both_directions():
    # flat panel (boresight at zenith), n = 1: at 30 deg elevation the scan angle is
    # 60 deg and cos 60 = 1/2 -> 3.0103 dB off the gain (Mailloux ch. 1)
    kw = dict(atm_loss_db=0.0, overrides={"ground_scan_loss_exponent": 1.0})
    base = dict(atm_loss_db=0.0)
    for name, col in [("starlink_user_downlink", "gt_db_per_k"),
                      ("starlink_user_uplink", "eirp_dbw")]:
        a = link_budget(name, 1000.0, 30.0, **kw).iloc[0]
        b = link_budget(name, 1000.0, 30.0, **base).iloc[0]
        assert a["scan_loss_db"] == pytest.approx(3.0103, abs=1e-4)
        assert b[col] - a[col] == pytest.approx(3.0103, abs=1e-4)
        assert b["cn0_dbhz"] - a["cn0_dbhz"] == pytest.approx(3.0103, abs=1e-4)
    # no loss at the zenith
    z = link_budget("starlink_user_downlink", 550.0, 90.0, **kw).iloc[0]
    assert z["scan_loss_db"] == pytest.approx(0.0, abs=1e-12)


def _azure_sites():
    from satcloud import data

    return data.azure_regions().head(4)


def test_access_frame_with_sites_table():
    # shaped like satcloud.geometry.access output (its documented columns and dtypes)
    sites = _azure_sites()
    names = sites["region"].tolist()
    acc = pd.DataFrame({
        "time_index": [0, 0, 1],
        "time": pd.to_datetime(["2020-10-01T00:00", "2020-10-01T00:00", "2020-10-01T00:01"]),
        "site": pd.Categorical([names[2], names[0], names[2]], categories=names),
        "sat_index": [5, 9, 5],
        "sat_id": pd.Categorical(["S5", "S9", "S5"]),
        "elevation_deg": [40.0, 60.0, 45.0],
        "azimuth_deg": [10.0, 200.0, 15.0],
        "range_km": [820.0, 630.0, 770.0],
    })
    b = link_budget("starlink_user_downlink", acc, sites=sites)
    lat = sites.set_index("region").loc[[names[2], names[0], names[2]], "lat_deg"]
    np.testing.assert_allclose(b["lat_deg"], lat.to_numpy())
    assert list(b.columns[:6]) == ["time_index", "time", "site", "sat_index", "sat_id",
                                   "azimuth_deg"]
    with pytest.raises(ValueError, match="not found in sites"):
        link_budget("starlink_user_downlink", acc.assign(site="atlantis"), sites=sites)
    with pytest.raises(TypeError, match="either sites or lat_deg/lon_deg"):
        link_budget("starlink_user_downlink", acc, sites=sites, lat_deg=0.0, lon_deg=0.0)


def test_with_the_orbits_engine_access_table():
    # integration with the orbits engineer's satcloud.geometry.access (skipped if absent)
    geometry = pytest.importorskip("satcloud.geometry")
    from satcloud import constellations, orbits

    c = constellations.constellation("starlink-gen1", shells=["1"])
    eph = orbits.propagate(c, satcloud.time.time_grid(duration="3min", step="60s"))
    sites = _azure_sites()
    acc = geometry.access(eph, sites)
    assert len(acc) > 0
    b = link_budget("starlink_user_downlink", acc, sites=sites)
    assert len(b) == len(acc)
    assert (b["elevation_deg"] >= 25.0 - 1e-9).all()
    assert not b["below_min_elevation"].any()
    assert not b["outage"].any()           # Starlink above 25 deg closes in these budgets
