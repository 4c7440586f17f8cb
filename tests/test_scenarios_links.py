"""Scenario tables of notebook 02 (link budgets), against independent sources.

Sources named per test: ITU-Rpy's own slant-path function (``itur``), the closed forms
of the link equation (Maral & Bousquet, *Satellite Communications Systems*, 5th ed.,
ch. 5), CODATA's Boltzmann constant (``scipy.constants``), the ETSI MODCOD table as
shipped in ``data/dvbs2_modcod.csv`` (read here with the csv module), GeoNames ids and
coordinates of ``data/cities.csv``, and spherical-Earth geometry.
"""

import csv
import dataclasses
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.constants

from satcloud import links
from satcloud.scenarios import links as sl

C_M_S = 299_792_458.0
MODCOD_CSV = Path(__file__).resolve().parents[1] / "data" / "dvbs2_modcod.csv"


def _modcods():
    with open(MODCOD_CSV, newline="") as fh:
        return [(r["modcod"], float(r["spectral_efficiency_bps_per_hz"]),
                 float(r["required_esn0_db"])) for r in csv.DictReader(fh)]


def _itur_total(lat, lon, el, f, p, d, eta=0.6, tau=45.0):
    import itur

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        a = itur.atmospheric_attenuation_slant_path(lat, lon, f, el, p, d, eta=eta, tau=tau)
    return float(np.asarray(getattr(a, "value", a)))


@pytest.fixture(scope="module")
def budgets():
    return sl.reference_budgets(elevation_deg=40.0, p_percent=0.5)


def test_climate_cities_are_the_cited_geonames_rows():
    c = sl.climate_cities()
    assert list(c.city) == list(sl.CLIMATE_CITIES)
    # GeoNames ids cited in the module docstring (cities5000, CC BY 4.0)
    assert list(c.geonameid) == [5809844, 2643743, 1880252, 2332459, 2147714]
    london = c.set_index("city").loc["London"]
    assert (london.lat_deg, london.lon_deg) == pytest.approx((51.50853, -0.12574))
    with pytest.raises(ValueError, match="'Atlantis' is not among"):
        sl.climate_cities(["Atlantis"])


def test_budget_lines_close_by_hand(budgets):
    """Every '=' line of the table follows from the lines above it (the link equation)."""
    table = sl.budget_lines(budgets).set_index("line")
    k_dbw = 10 * math.log10(scipy.constants.k)          # CODATA Boltzmann constant
    for label in ("Ku", "Ka"):
        v = table[label]
        prof = links.get_profile(sl.BAND_PROFILES[label])
        # spherical-Earth slant range at 40 deg, law of cosines
        r, h, el = 6371.0088, prof.altitude_km, math.radians(40.0)
        d = math.sqrt((r + h) ** 2 - (r * math.cos(el)) ** 2) - r * math.sin(el)
        assert v["Slant range"] == pytest.approx(d, rel=1e-9)
        fspl = 20 * math.log10(4 * math.pi * d * 1e3 * prof.freq_ghz * 1e9 / C_M_S)
        assert v["Free-space path loss"] == pytest.approx(fspl, abs=1e-9)
        assert v["Boltzmann's constant, 10 log10 k"] == pytest.approx(k_dbw, abs=1e-4)
        # G/T = G - 10 log10 T_sys (T_sys including the sky-noise rise)
        gt = v["Terminal antenna gain"] - 10 * math.log10(
            v["System noise temperature (with sky noise)"])
        assert v["Terminal G/T"] == pytest.approx(gt, abs=1e-9)
        cn0 = (v["Satellite EIRP per carrier"] - fspl
               - v["Atmospheric attenuation (P.618 sec. 2.5)"]
               - v["Other losses (pointing, polarisation)"] + gt - k_dbw)
        assert v["C/N0"] == pytest.approx(cn0, abs=1e-3)
        cn = cn0 - 10 * math.log10(prof.bandwidth_mhz * 1e6)
        assert v["C/N"] == pytest.approx(cn, abs=1e-3)
        ci = [v[n] for n in ("C/I adjacent channel", "C/I adjacent satellite",
                             "C/I cross-polar", "C/I intermodulation")]
        cni = -10 * math.log10(10 ** (-cn / 10) + sum(10 ** (-x / 10) for x in ci))
        assert v["C/(N+I)"] == pytest.approx(cni, abs=1e-3)
        rs = prof.bandwidth_mhz / (1 + prof.roll_off)
        assert v["Symbol rate, B / (1 + roll-off)"] == pytest.approx(rs)
        esn0 = cni + 10 * math.log10(1 + prof.roll_off)
        assert v["Es/N0"] == pytest.approx(esn0, abs=1e-3)
        # ACM: the most efficient ETSI MODCOD whose threshold + margin the Es/N0 meets
        im = v["Implementation margin"]
        best = max((m for m in _modcods() if m[2] + im <= esn0), key=lambda m: m[1])
        assert v["MODCOD (DVB-S2/S2X ACM)"] == best[0]
        assert v["Required Es/N0 (ETSI EN 302 307)"] == pytest.approx(best[2])
        assert v["Margin over the chosen MODCOD"] == pytest.approx(esn0 - best[2] - im,
                                                                   abs=1e-3)
        assert v["Throughput, symbol rate x efficiency"] == pytest.approx(rs * best[1])
        shannon = prof.bandwidth_mhz * math.log2(1 + 10 ** (cni / 10))
        assert v["Shannon bound, B log2(1 + C/(N+I))"] == pytest.approx(shannon, rel=1e-6)
        assert v["Throughput, symbol rate x efficiency"] < shannon


def test_budget_atmosphere_matches_itur(budgets):
    """The table's atmospheric line equals ITU-Rpy's own slant-path call (0.05 dB: the
    fast path interpolates rain over elevation)."""
    for row in budgets.itertuples():
        prof = links.get_profile(row.profile)
        direct = _itur_total(51.50853, -0.12574, 40.0, prof.freq_ghz, 0.5,
                             prof.ground_antenna_diameter_m)
        assert row.atm_total_db == pytest.approx(direct, abs=0.05)


def test_rain_fade_equals_direct_itur():
    out = sl.rain_fade_by_city(["Singapore", "London"], elevation_deg=40.0,
                               p_percent=[0.01, 1.0])
    assert len(out) == 2 * 2 * 2
    cities = sl.climate_cities(["Singapore", "London"]).set_index("city")
    for r in out.itertuples():
        prof = links.get_profile(sl.BAND_PROFILES[r.band])
        c = cities.loc[r.city]
        direct = _itur_total(c.lat_deg, c.lon_deg, 40.0, prof.freq_ghz, r.p_percent,
                             prof.ground_antenna_diameter_m)
        assert r.atm_total_db == pytest.approx(direct, abs=0.01)
        assert r.availability_percent == pytest.approx(100 - r.p_percent)
    # Ka fades more than Ku, and Singapore more than London, at every p
    piv = out.pivot_table(index=["city", "p_percent"], columns="band", values="atm_total_db")
    assert (piv["Ka"] > piv["Ku"]).all()
    assert (piv.loc["Singapore"].to_numpy() > piv.loc["London"].to_numpy()).all()


def test_availability_inverts_itur_and_the_budget():
    grid = np.geomspace(0.001, 5.0, 17)
    av = sl.link_availability(["Singapore"], elevation_deg=40.0, margin_db=6.0,
                              p_grid_percent=grid)
    c = sl.climate_cities(["Singapore"]).iloc[0]
    for r in av.itertuples():
        prof = links.get_profile(r.profile)
        # the margin given equals ITU-Rpy's attenuation at the p it is said to buy
        p_star = 100 - r.availability_given_margin_percent
        assert r.availability_given_margin_bound == "exact"
        a = _itur_total(c.lat_deg, c.lon_deg, 40.0, prof.freq_ghz, p_star,
                        prof.ground_antenna_diameter_m)
        assert a == pytest.approx(6.0, abs=0.3)   # log-linear interpolation, 17 nodes
        # the full budget at the p found is at the edge of outage
        p_link = 100 - r.availability_link_percent
        assert r.availability_link_bound == "exact"
        b = links.link_budget(prof, elevation_deg=40.0, lat_deg=c.lat_deg,
                              lon_deg=c.lon_deg, p_percent=p_link, method="direct")
        assert float(b.fade_margin_db.iloc[0]) == pytest.approx(0.0, abs=0.3)
        # sky noise only makes it worse than the attenuation alone
        assert r.availability_link_percent <= r.availability_atm_percent + 1e-9


def test_full_budget_availability_without_noise_rise_or_interference():
    """With no sky-noise rise and no interference the fade margin is M - A(p), so the
    budget scan must agree with links.availability_for_margin."""
    ka = links.get_profile("kuiper_user_downlink")
    bare = dataclasses.replace(ka, rain_sky_noise=False, c_aci_db=np.inf, c_asi_db=np.inf,
                               c_xpi_db=np.inf, c_3im_db=np.inf)
    av = sl.link_availability(["Lagos", "London"], bands={"Ka": bare}, elevation_deg=40.0)
    assert av.availability_link_percent.to_numpy() == pytest.approx(
        av.availability_atm_percent.to_numpy(), abs=1e-6)


def test_cell_capacity_and_subscriber_sweep(budgets):
    cells = sl.cell_capacity(budgets, colours=4, polarizations=2)
    ku = cells.set_index("label").loc["Ku"]
    assert ku.channels_per_beam == 2000 * 2 // (4 * 250)          # 4 channels
    assert ku.cell_capacity_mbps == pytest.approx(4 * ku.channel_throughput_mbps)
    assert ku.cell_area_km2 == pytest.approx(math.pi * (550 * math.tan(math.radians(0.6))) ** 2)
    subs = np.array([0, 5, 100, 376, 377, 5000])
    sw = sl.subscriber_sweep(cells, subs, activity_factor=0.1, claim_mbps=100.0,
                             peak_mbps=None)
    s = sw[sw.label == "Ku"].set_index("subscribers_per_cell")
    cap = ku.cell_capacity_mbps
    # C / max(1, a N): one active user takes the whole cell
    assert s.loc[0, "per_user_mbps"] == pytest.approx(cap)
    assert s.loc[5, "per_user_mbps"] == pytest.approx(cap)
    # capped at one channel by default: min(channel, C / max(1, a N))
    capped = sl.subscriber_sweep(cells, subs, 0.1, 100.0).query("label == 'Ku'")
    expect = np.minimum(ku.channel_throughput_mbps, cap / np.maximum(1, 0.1 * subs))
    assert capped.per_user_mbps.to_numpy() == pytest.approx(expect)
    assert s.loc[5000, "per_user_mbps"] == pytest.approx(cap / 500)
    n_max = int(s.max_subscribers_per_cell.iloc[0])
    assert n_max == math.floor(cap / (100 * 0.1))
    assert cap / (0.1 * n_max) >= 100 > cap / (0.1 * (n_max + 1))
    assert s.loc[100, "subscribers_per_km2"] == pytest.approx(100 / ku.cell_area_km2)
    assert list(s.meets_claim) == [x <= n_max for x in subs]


def test_pass_geometry_and_budget():
    g = sl.pass_geometry("starlink-gen1", search_window_h=1.5, search_step_s=60.0, step_s=10.0)
    assert len(g) > 10 and g.sat_id.nunique() == 1
    top = int(np.argmax(g.elevation_deg.to_numpy()))
    assert g.t_from_culmination_s.iloc[top] == 0.0
    assert g.elevation_deg.min() >= 10.0
    # range against the spherical-Earth slant range of a 550 km shell (J2, ellipsoid:
    # the true altitude over London differs by a few tens of km)
    r, h = 6371.0, 550.0
    el = np.radians(g.elevation_deg.to_numpy())
    d = np.sqrt((r + h) ** 2 - (r * np.cos(el)) ** 2) - r * np.sin(el)
    assert g.range_km.to_numpy() == pytest.approx(d, rel=0.05)
    b = sl.pass_budget("starlink_user_downlink", g)
    assert list(b.columns[:3]) == ["time", "t_from_culmination_s", "sat_id"]
    rs = 250.0 / 1.05
    eff = {m: e for m, e, _ in _modcods()}
    expect = [0.0 if o else rs * eff[m] for m, o in zip(b.modcod, b.outage, strict=True)]
    assert b.throughput_mbps.to_numpy() == pytest.approx(expect)
    assert (b.throughput_mbps <= b.shannon_mbps).all()
    assert (b.below_min_elevation == (b.elevation_deg < 25.0)).all()
    summ = sl.pass_summary({"Ku": b}).iloc[0]
    up = b[b.elevation_deg >= 25.0]
    assert summ.time_above_mask_s == pytest.approx(10.0 * len(up))
    assert summ.volume_per_channel_gb == pytest.approx(up.throughput_mbps.sum() * 10 / 8e3)
    assert summ.modcods_used == up.modcod.nunique()


def test_map_summary_weights_cells_by_area():
    import xarray as xr

    lat = np.array([0.0, 60.0])
    ds = xr.Dataset(
        {"availability_percent": (("band", "lat_deg", "lon_deg"),
                                  np.array([[[99.99, 99.99], [99.0, 99.0]]]))},
        coords={"band": ["Ku"], "lat_deg": lat, "lon_deg": [0.0, 180.0],
                "freq_ghz": ("band", [11.7]), "margin_db": ("band", [6.0])})
    out = sl.map_summary(ds, 99.9).iloc[0]
    # cos 0 / (cos 0 + cos 60) = 2/3 of the area is at or above 99.9 %
    assert out.area_share_percent == pytest.approx(100 * 1 / 1.5)
    assert out.median_availability_percent == pytest.approx(99.495)


def test_bad_input():
    with pytest.raises(ValueError, match="p_grid_percent"):
        sl.link_availability(["London"], p_grid_percent=[0.1, 0.01])
    # spelled p_grid before issue 12: the old keyword still reaches the same check, after
    # a DeprecationWarning naming p_grid_percent
    with pytest.warns(DeprecationWarning, match="'p_grid_percent'"), \
            pytest.raises(ValueError, match="p_grid_percent"):
        sl.link_availability(["London"], p_grid=[0.1, 0.01])
    # search_hours became search_window_h (the _h suffix of the glossary): the old
    # keyword reaches the same range check, (0, 48] h, after a DeprecationWarning
    with pytest.warns(DeprecationWarning, match="'search_window_h'"), \
            pytest.raises(ValueError, match=r"search_window_h must be in \(0, 48\]"):
        sl.pass_geometry(search_hours=100.0)
    with pytest.raises(ValueError, match="places lacks column"):
        sl.rain_fade_by_city(pd.DataFrame({"city": ["x"], "lat_deg": [0.0]}))
    with pytest.raises(ValueError, match="unknown profile"):
        sl.reference_budgets({"Ku": "starlnk_user_downlink"})
