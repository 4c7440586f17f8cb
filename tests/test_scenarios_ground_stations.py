"""Scenario tables of notebook 05 against closed forms, brute-force scans and hand cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from satcloud.geometry import look_angles
from satcloud.network.fibre import ROUTE_FACTORS
from satcloud.orbits import propagate
from satcloud.passes import daily_totals
from satcloud.scenarios import ground_stations as gs
from satcloud.time import time_grid

MU, RE, J2 = 398600.4418, 6378.137, 1.08262668e-3  # EGM-96 / WGS84 values (km^3/s^2, km)


@pytest.fixture(scope="module")
def eo():
    return gs.eo_constellation(550.0, 22.5, min_elevation_deg=5.0)


@pytest.fixture(scope="module")
def day(eo):
    """One analysed day, propagated over two (so every sample finds a next contact)."""
    times = time_grid(duration="48h", step="30s")
    eph = propagate(eo, times)
    stations = gs.station_table()
    p = gs.network_passes(eph, stations, 5.0)
    w0 = np.datetime64("2020-10-01T00:00", "ns")
    return eph, stations, p, (w0, w0 + np.timedelta64(86400, "s"))


def test_boinor_orbit_is_sun_synchronous_closed_form(eo):
    """cos i = -2 a^(7/2) dOmega/dt / (3 J2 R^2 sqrt(mu)) with dOmega/dt = 360 deg per
    tropical year (Vallado eq. 11-14; Wertz's tables give 97.6 deg at 550 km)."""
    from boinor.twobody import Orbit

    orb = gs.eo_orbit(550.0, 22.5)
    assert isinstance(orb, Orbit)
    assert orb.a.to_value("km") == pytest.approx(RE + 550.0)
    assert orb.ecc.value == 0.0
    a = RE + 550.0
    rate = 2 * np.pi / (365.2421897 * 86400.0)
    inc = np.degrees(np.arccos(-2 * a**3.5 * rate / (3 * J2 * RE**2 * np.sqrt(MU))))
    assert inc == pytest.approx(97.59, abs=0.01)
    sat = eo.satellites.iloc[0]
    assert sat.inclination_deg == pytest.approx(inc, abs=1e-3)
    assert sat.altitude_km == pytest.approx(550.0, abs=1e-3)
    summary = gs.orbit_summary(eo, 22.5).set_index("quantity")["value"]
    assert summary["RAAN drift [deg/day]"] == pytest.approx(360 / 365.2421897, rel=1e-3)


def test_eo_orbit_is_the_model_solver():
    """The scenario name kept for notebook 05 is a thin call to the model's solver."""
    from satcloud.constellations import sun_synchronous_orbit

    a, b = gs.eo_orbit(700.0, 6.0), sun_synchronous_orbit(700.0, 6.0)
    assert np.array_equal(a.r.value, b.r.value) and np.array_equal(a.v.value, b.v.value)


def test_ascending_node_at_the_requested_local_mean_time(day):
    """Local mean solar time of each ascending equator crossing, UT + lon / 15 h, found
    from the Earth-fixed ephemeris by interpolating z = 0: 22:30 to within a minute on
    every orbit of the first day (the J2 nodal drift follows the mean Sun)."""
    eph = day[0]
    r = eph.r_ecef_km[:2880, 0, :]
    t_s = np.arange(len(r)) * 30.0
    up = np.flatnonzero((r[:-1, 2] < 0) & (r[1:, 2] >= 0))
    assert 14 <= len(up) <= 16
    f = -r[up, 2] / (r[up + 1, 2] - r[up, 2])
    x = r[up, 0] + f * (r[up + 1, 0] - r[up, 0])
    y = r[up, 1] + f * (r[up + 1, 1] - r[up, 1])
    t_node = t_s[up] + f * 30.0
    lmt = (t_node / 3600.0 + np.degrees(np.arctan2(y, x)) / 15.0) % 24.0
    assert np.abs(lmt - 22.5).max() < 1.0 / 60.0
    with pytest.raises(ValueError):
        gs.eo_orbit(550.0, 24.0)


def test_pass_count_matches_a_brute_force_look_angle_scan(eo, day):
    """Svalbard and Quincy: passes of the refined search versus runs of samples with
    elevation >= 5 deg in an independent 5-s scan with look_angles."""
    _, stations, p, _ = day
    times = time_grid(duration="24h", step="5s")
    dense = propagate(eo, times)
    for net, site in [("ksat-partner", "Svalbard"), ("azure-orbital", "Quincy WA")]:
        row = stations[(stations.network == net) & (stations.site == site)].iloc[0]
        el = look_angles(dense, row.lat_deg, row.lon_deg).elevation_deg[:, 0]
        up = el >= 5.0
        starts = np.flatnonzero(up[1:] & ~up[:-1]) + 1
        ends = np.flatnonzero(~up[1:] & up[:-1])
        mine = p[(p.network == net) & (p.station == site)
                 & (p.rise_time < np.datetime64("2020-10-02T00:00"))]
        assert len(mine) == len(starts) == len(ends) > 0, site
        brute_s = (ends - starts + 1) * 5.0
        assert np.allclose(mine.duration_s.to_numpy(), brute_s, atol=10.0), site


def test_data_volume_is_rate_times_contact_time(day):
    """gbyte_per_day = rate x (union of contacts in the window); the union's contact time
    also agrees with satcloud.passes.daily_totals, and AWS's combined contact time with a
    brute-force 'any station in view' count."""
    eph, stations, p, window = day
    rate = 800.0
    net = gs.network_summary(p, stations, window=window, rate_mbps=rate).set_index("network")
    totals = daily_totals(p, by="network", window=window).groupby("network").contact_s.sum()
    for key, row in net.iterrows():
        assert row.gbyte_per_day == pytest.approx(rate * 1e6 * totals[key] / 8e9, rel=1e-9)
        assert row.minutes_per_day == pytest.approx(totals[key] / 60.0, rel=1e-9)
    aws = stations[stations.network == "aws-ground-station"]
    seen = np.zeros(2880, bool)
    for _, row in aws.iterrows():
        seen |= look_angles(eph, row.lat_deg, row.lon_deg).elevation_deg[:2880, 0] >= 5.0
    assert net.loc["aws-ground-station", "minutes_per_day"] == pytest.approx(
        seen.sum() * 30.0 / 60.0, abs=15.0)
    # Azure Orbital + KSAT is the union of the two networks: at least each of them
    both = net.loc[gs.AZURE_PLUS_KSAT]
    assert both.minutes_per_day >= max(net.loc["azure-orbital", "minutes_per_day"],
                                       net.loc["ksat-partner", "minutes_per_day"])
    assert both.stations == 8


def _hand_passes():
    t0 = np.datetime64("2020-10-01T00:00", "ns")
    m = lambda k: t0 + np.timedelta64(int(k * 60), "s")  # noqa: E731
    p = pd.DataFrame({
        "network": ["n", "n", "n"], "station": ["A", "B", "A"],
        "rise_time": [m(10), m(15), m(60)], "set_time": [m(18), m(20), m(70)],
        "duration_s": [480.0, 300.0, 600.0],
    })
    p.attrs["window"] = (t0, m(60))
    st = pd.DataFrame({"network": ["n", "n"], "site": ["A", "B"], "backhaul_ms": [6.0, 30.0]})
    return p, st


def test_merged_contacts_and_gaps_by_hand():
    """Passes 10-18 (A) and 15-20 (B) merge into one contact 10-20 opened by A; the gap
    20-60 min is the longest even though the window ends at 60 min."""
    p, st = _hand_passes()
    m = gs.merged_contacts(p)
    assert list(m.duration_s) == [600.0, 600.0] and list(m.station) == ["A", "A"]
    s = gs.network_summary(p, st, rate_mbps=100.0).iloc[0]
    assert s.label == "n" and s.stations == 2 and s.contacts_per_day == 24
    assert s.longest_gap_h == pytest.approx(40 / 60)
    assert s.minutes_per_day == pytest.approx(10 * 24)  # 10 min in a 1-hour window
    assert s.gbyte_per_day == pytest.approx(100e6 * 600 * 24 / 8e9)


def test_data_age_by_hand():
    """Samples every minute over [0, 60) min: wait 10 - t before the first contact, 0
    inside it, 60 - t after it; mean wait (55 + 0 + 820) / 60 min; plus the fibre time
    of the station opening each contact."""
    p, st = _hand_passes()
    age = gs.data_age(p, st, sample_step_s=60.0)
    assert len(age) == 60
    t = np.arange(60.0)
    wait = np.where(t < 10, 10 - t, np.where(t < 20, 0.0, 60 - t))
    assert np.allclose(age.wait_s / 60.0, wait)
    assert age.wait_s.mean() / 60.0 == pytest.approx((55 + 0 + 820) / 60)
    assert (age.station == "A").all() and np.allclose(age.backhaul_ms, 6.0)
    assert np.allclose(age.age_min, wait + 6.0 / 60e3)


def test_station_backhaul_is_one_way_fibre_to_the_nearest_region():
    st = gs.station_table(route_factor="typical").set_index(["network", "site"])
    quincy = st.loc[("azure-orbital", "Quincy WA")]
    assert quincy.region == "westus2" and quincy.backhaul_ms < 0.1  # co-located
    sval = st.loc[("ksat-partner", "Svalbard")]
    c_fibre = 299792.458 / 1.468  # km/s in glass
    assert sval.backhaul_ms == pytest.approx(
        1e3 * ROUTE_FACTORS["typical"] * sval.backhaul_km / c_fibre, rel=1e-3)
    assert set(st.reset_index().query("network == 'aws-ground-station'").cloud) == {"aws"}
