"""Scenario tables of notebook 01 against closed forms and brute-force look angles."""

from __future__ import annotations

import re

import numpy as np
import pytest

from satcloud.constellations import constellation, deploy
from satcloud.coverage import global_grid
from satcloud.geometry import coverage_cone, look_angles
from satcloud.orbits import propagate
from satcloud.scenarios import constellations as sc
from satcloud.time import time_grid


def test_shell_table_totals_match_the_filings():
    """Totals per constellation against the counts written in the filings' source notes."""
    shells = sc.shell_table()
    totals = sc.constellation_totals(shells).set_index("constellation")["n_satellites"]
    for label, src in shells.groupby("constellation")["source"].first().items():
        m = re.search(r"(\d{3,5}) (?:satellites|active)", src)
        if m:
            assert totals[label] == int(m.group(1)), label
    assert totals.to_dict() == {"Starlink Gen1": 4408, "Starlink Gen2": 29988, "Kuiper": 3236,
                                "OneWeb": 588, "Telesat (2020 filing)": 1671, "O3b mPOWER": 11}
    s1 = shells[(shells.constellation == "Starlink Gen1") & (shells.shell == "1")].iloc[0]
    assert s1.period_min == pytest.approx(95.6, abs=0.1)  # Keplerian, 550 km
    assert s1.max_latitude_served_deg == pytest.approx(53.0 + s1.central_angle_deg)
    polar = shells[shells.inclination_deg > 90]
    assert (polar.max_latitude_served_deg <= 90).all()


@pytest.fixture(scope="module")
def oct2020_grid():
    c = {sc.OCT2020_LABEL: deploy(constellation("starlink-gen1"), count=800)}
    return c, sc.coverage_grids(c, duration="20min", step="120s", spacing_deg=10.0)


def test_oct2020_serves_nothing_beyond_the_closed_form_latitude(oct2020_grid):
    """The 53 deg shell at 550 km / 25 deg serves up to 61.45 deg: the 10-deg grid's cells
    centred at 55 deg see satellites, those at 65 deg never; the unserved area is then the
    two polar caps beyond 60 deg, 1 - sin(60 deg) of the sphere (closed form)."""
    _, grids = oct2020_grid
    lim = sc.shell_table().query("shell == '1'").iloc[0].max_latitude_served_deg
    by_lat = sc.in_view_vs_latitude(grids)
    assert (by_lat.loc[by_lat.lat_deg.abs() > lim, "max_in_view"] == 0).all()
    assert (by_lat.loc[by_lat.lat_deg.abs() < 50, "min_in_view"] >= 1).all()
    table = sc.coverage_table(grids).iloc[0]
    assert table.never_covered_area_percent == pytest.approx(
        100 * (1 - np.sin(np.radians(60.0))), abs=1e-9)
    assert table.n_satellites == 800 and table.window_h == pytest.approx(20 / 60)


def test_in_view_vs_latitude_matches_brute_force_look_angles(oct2020_grid):
    """Mean/min satellites in view along a latitude band, recounted satellite by satellite
    with look_angles (dense, no pruning) at every grid longitude."""
    consts, grids = oct2020_grid
    c = consts[sc.OCT2020_LABEL]
    eph = propagate(c, time_grid(duration="20min", step="120s"))
    by_lat = sc.in_view_vs_latitude(grids).set_index("lat_deg")
    lons = global_grid(10.0).query("lat_deg == 45.0").lon_deg.to_numpy()
    for lat in (5.0, 45.0):
        counts = np.array([(look_angles(eph, lat, lon).elevation_deg >= 25.0).sum(axis=1)
                           for lon in lons])  # [lon, time]
        assert by_lat.loc[lat, "mean_in_view"] == pytest.approx(counts.mean(), rel=1e-12)
        assert by_lat.loc[lat, "min_in_view"] == counts.min()
        assert by_lat.loc[lat, "max_in_view"] == counts.max()


def test_grid_mesh_shapes_and_edges(oct2020_grid):
    _, grids = oct2020_grid
    g = grids[sc.OCT2020_LABEL]
    lon_e, lat_e, vals = sc.grid_mesh(g, "mean_in_view")
    assert vals.shape == (18, 36) and lon_e[0] == -180 and lon_e[-1] == 180
    assert lat_e[0] == -90 and lat_e[-1] == 90
    assert np.isclose(np.nanmean(vals), g.mean_in_view.mean())


def test_o3b_band_matches_closed_form_and_elevation_sweep_is_monotonic():
    """O3b mPOWER: 11 equatorial satellites at 8,062 km, 10 deg mask. The nearest satellite
    is at most 360/22 deg of longitude away, so a site at latitude phi always sees one
    when arccos(cos(phi) cos(16.4 deg)) <= lambda (54.2 deg), i.e. up to 47.3 deg, and never
    beyond lambda: on a 10-deg grid exactly the cells centred at |lat| <= 45 deg, the band
    |lat| < 50 deg, whose share of the sphere is sin(50 deg)."""
    lam = coverage_cone(8062.0, 10.0).iloc[0].central_angle_deg
    always = np.degrees(np.arccos(np.cos(np.radians(lam)) / np.cos(np.radians(180 / 11))))
    assert 45.0 < always < lam < 55.0
    o3b = {"O3b": constellation("o3b-mpower")}
    row = sc.coverage_table(sc.coverage_grids(o3b, duration="1h", step="300s",
                                              spacing_deg=10.0, population=False)).iloc[0]
    assert row.coverage_area_percent == pytest.approx(100 * np.sin(np.radians(50.0)), abs=1e-9)
    assert row.always_covered_area_percent == pytest.approx(row.coverage_area_percent)
    sweep = sc.elevation_sweep(o3b, (10, 20, 30, 40), duration="1h", step="300s",
                               spacing_deg=10.0)
    assert sweep.coverage_percent.iloc[0] == pytest.approx(row.coverage_area_percent)
    assert (np.diff(sweep.coverage_percent) <= 1e-9).all()


# ------------------------------------------------- the real constellation of October 2020
TLE_2020 = "starlink_tle_2020-10-29.txt"


def _tle_triples(path):
    lines = [x.rstrip() for x in path.read_text().splitlines() if x.strip()]
    return [(lines[k].strip(), lines[k + 1], lines[k + 2]) for k in range(0, len(lines), 3)]


@pytest.fixture(scope="module")
def real_pair():
    return sc.real_comparison_set("2020-10-29", count=800)


def test_real_status_counts_match_an_independent_parse_of_the_element_sets(real_pair):
    """Status counts against the element sets read with sgp4 directly (Satrec.twoline2rv)
    and the documented rule of satcloud.constellations (module docstring, "Real
    constellations") applied to the one shell of the filing, Gen1 shell 1 (550 km,
    53 deg), instead of the clusters found: a = Satrec.a x radiusearthkm, altitude
    a - 6378.137 km; da/dt = -2/3 a/n dn/dt with dn/dt = 2 x ndot (the TLE field is
    n-dot / 2); days in orbit = revolution number / revolutions per day."""
    from sgp4.api import Satrec

    from satcloud.data import data_dir

    triples = _tle_triples(data_dir() / TLE_2020)
    assert len(triples) == 792                       # CelesTrak group, 2020-10-29
    sat = [Satrec.twoline2rv(l1, l2) for _, l1, l2 in triples]
    names = [n for n, _, _ in triples]
    a = np.array([s.a * s.radiusearthkm for s in sat])
    alt = a - 6378.137
    inc = np.degrees([s.inclo for s in sat])
    n = np.array([s.no_kozai for s in sat])          # rad/min
    dadt = -(2 / 3) * a / n * (2 * np.array([s.ndot for s in sat])) * 1440.0
    days = np.array([s.revnum for s in sat]) / (n * 1440 / (2 * np.pi))
    debris = np.array([not x.startswith("STARLINK") or " DEB" in x or "R/B" in x
                       for x in names])
    up, down, young = dadt > 0.2, dadt < -0.2, days < 30.0
    in_group = np.abs(inc - 53.0) <= 0.3
    shell = ~debris & ~up & (np.abs(inc - 53.0) <= 0.05) & (np.abs(alt - 550.0) <= 8.0)
    below_all = ~(in_group & (alt - 550.0 >= -8.0))
    transfer = in_group & (alt > 550.0) & (alt <= 590.0)
    status = np.full(len(sat), "other", dtype=object)
    status[~shell & (up | young | (~down & below_all))] = "raising"
    status[~shell & down & ~transfer & ~young] = "deorbiting"
    status[shell] = "operational"
    status[debris] = "debris"
    expected = dict(zip(*np.unique(status, return_counts=True), strict=True))
    table = sc.status_table(real_pair)
    real = table[table.constellation == "Starlink real (2020-10-29)"]
    assert dict(zip(real.status, real.satellites, strict=True)) == expected
    assert expected["operational"] == 502 and expected["debris"] == 13
    assert real.fraction.sum() == pytest.approx(1.0)
    ideal = table[table.constellation == "Starlink idealised (800)"]
    assert ideal.status.tolist() == ["operational"] and ideal.satellites.tolist() == [800]


def _sgp4_node_and_u(real, rows):
    """RAAN and argument of latitude [deg] from SGP4 state vectors (TEME) at the real
    set's epoch: h = r x v, node = z x h (Vallado 2013, algorithm 9), via sgp4 itself."""
    from sgp4.api import SatrecArray

    t = real.epoch.utc
    _, r, v = SatrecArray([real.satrecs[k] for k in rows]).sgp4(np.array([t.jd1]),
                                                                 np.array([t.jd2]))
    r, v = r[:, 0], v[:, 0]
    h = np.cross(r, v)
    node = np.stack([-h[:, 1], h[:, 0], np.zeros(len(h))], axis=1)
    raan = np.degrees(np.arctan2(node[:, 1], node[:, 0])) % 360
    sin_u = np.einsum("ij,ij->i", np.cross(node, r), h) / np.linalg.norm(h, axis=1)
    u = np.degrees(np.arctan2(sin_u, np.einsum("ij,ij->i", node, r))) % 360
    return raan, u


def _angle_diff(a, b):
    return np.abs((np.asarray(a) - np.asarray(b) + 180.0) % 360.0 - 180.0)


def test_plane_phases_and_plane_table_against_sgp4_and_the_walker_design(real_pair):
    """Real: the J2-drifted RAAN / argument of latitude at the common epoch against the
    osculating ones of SGP4 state vectors (J2 short-period terms and the drag SGP4 adds
    over element ages up to 1.4 days: < 0.1 deg in RAAN, ~0.1 deg in u, at most 1 deg --
    a twentieth of the 18-deg slot spacing), and the planes against a gap count of the
    SGP4 RAANs.
    Idealised: the filed Walker shell 1 (72 planes 5 deg apart, 22 per plane), filled
    plane by plane: 36 full planes and 8 satellites in a 37th."""
    real_label, ideal_label = list(real_pair)
    real = real_pair[real_label]
    phases = sc.plane_phases(real_pair)
    assert (phases.status != "debris").all()
    assert len(phases) == 792 - 13 + 800
    ops = phases[(phases.constellation == real_label) & (phases.status == "operational")]
    rows = real.satellites.index[real.satellites.sat_id.isin(ops.sat_id)].to_numpy()
    assert (real.satellites.sat_id.iloc[rows].to_numpy() == ops.sat_id.to_numpy()).all()
    raan, u = _sgp4_node_and_u(real, rows)
    assert _angle_diff(ops.raan_deg, raan).max() < 0.1
    assert np.median(_angle_diff(ops.arg_latitude_deg, u)) < 0.15
    assert _angle_diff(ops.arg_latitude_deg, u).max() < 1.0
    # planes: clusters of the SGP4 RAANs separated by more than 2 deg (classify's gap)
    s = np.sort(raan)
    gaps = np.diff(np.r_[s, s[0] + 360.0])
    big = gaps > 2.0
    planes = sc.plane_table(phases)
    rp = planes[planes.constellation == real_label]
    assert len(rp) == big.sum() == 27
    assert rp.satellites.sum() == 502
    # plane RAAN: circular mean of its members; gaps between consecutive plane means
    start = np.flatnonzero(np.r_[big[-1], big[:-1]])     # first member of each cluster
    label = np.cumsum(np.isin(np.arange(s.size), start)) % big.sum()
    ang = np.radians(s)
    mean = np.degrees(np.arctan2(np.bincount(label, np.sin(ang)),
                                 np.bincount(label, np.cos(ang)))) % 360
    m = np.sort(mean)
    plane_gaps = np.diff(np.r_[m, m[0] + 360.0])
    assert np.allclose(np.sort(rp.gap_to_next_deg), np.sort(plane_gaps), atol=0.05)
    assert np.allclose(np.sort(rp.raan_deg), m, atol=0.05)
    ip = planes[planes.constellation == ideal_label]
    assert len(ip) == 37 and sorted(ip.satellites.unique()) == [8, 22]
    assert (ip.satellites == 22).sum() == 36
    assert np.allclose(np.round(ip.raan_deg / 5.0), ip.raan_deg / 5.0)
    assert ip.gap_to_next_deg.sum() == pytest.approx(360.0)
    full = phases[(phases.constellation == ideal_label) & (phases.plane == 0)]
    assert np.allclose(np.diff(np.sort(full.arg_latitude_deg)), 360.0 / 22)


def test_real_coverage_matches_a_brute_force_count_with_skyfield(real_pair):
    """Satellites in view of each cell of a 30-deg grid, recounted from skyfield's own
    SGP4 positions in ITRS (EarthSatellite.at(t).frame_xyz(itrs)) and WGS84 sites
    (wgs84.latlon): elevation = asin(rho . up / |rho|), up the geodetic normal, >= 25 deg
    (the filed Starlink mask); operational satellites only."""
    from skyfield.api import EarthSatellite, load, wgs84
    from skyfield.framelib import itrs

    from satcloud.data import data_dir

    real_label, _ = list(real_pair)
    real = real_pair[real_label]
    grids = sc.real_coverage_grids({real_label: real}, duration="10min", step="300s",
                                   spacing_deg=30.0, population=False)
    g = grids[real_label]
    assert g.attrs["n_satellites"] == 502
    assert g.attrs["start_utc"] == real.epoch.utc.isot
    ts = load.timescale(builtin=True)
    times = time_grid(real.epoch, duration="10min", step="300s")
    t = ts.from_astropy(times)
    op = set(real.satellites.loc[real.satellites.status == "operational", "norad_id"])
    pos = []
    for name, l1, l2 in _tle_triples(data_dir() / TLE_2020):
        if int(l1[2:7]) in op:
            pos.append(EarthSatellite(l1, l2, name, ts).at(t).frame_xyz(itrs).km)
    assert len(pos) == 502
    pos = np.array(pos)                                   # [sat, 3, time]
    for row in g.itertuples():
        site = wgs84.latlon(row.lat_deg, row.lon_deg)
        lat, lon = np.radians(row.lat_deg), np.radians(row.lon_deg)
        up = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
        rho = pos - site.itrs_xyz.km[None, :, None]
        el = np.degrees(np.arcsin(np.einsum("sit,i->st", rho, up)
                                  / np.linalg.norm(rho, axis=1)))
        counts = (el >= 25.0).sum(axis=0)                # [time]
        assert row.mean_in_view == pytest.approx(counts.mean(), abs=1e-12), row.site
        assert row.min_in_view == counts.min() and row.max_in_view == counts.max()


def test_real_coverage_grids_refuse_times_outside_the_validity_window(real_pair):
    real_label, ideal_label = list(real_pair)
    with pytest.raises(ValueError, match="outside the validity window of 'Starlink real"):
        sc.real_coverage_grids(real_pair, duration="60h", step="1h", spacing_deg=30.0,
                               population=False)
    with pytest.raises(ValueError, match="no element-set constellation"):
        sc.real_coverage_grids({ideal_label: real_pair[ideal_label]}, duration="10min",
                               step="300s", spacing_deg=30.0)


def test_real_comparison_set_shares_the_epoch_and_refuses_bad_input(real_pair):
    real_label, ideal_label = list(real_pair)
    real, ideal = real_pair[real_label], real_pair[ideal_label]
    assert real.epoch.utc.isot == ideal.epoch.utc.isot == "2020-10-30T06:00:01.000"
    assert len(real) == 792 and len(ideal) == 800
    with pytest.raises(ValueError, match="count must be in \\[1, 4408\\]"):
        sc.real_comparison_set(count=0)
    with pytest.raises(TypeError, match="count must be an integer"):
        sc.real_comparison_set(count=True)
    with pytest.raises(ValueError, match="as_of"):
        sc.real_comparison_set(as_of="1999-01-01")
    other = {real_label: real, "Oct 2020 filed": deploy(constellation("starlink-gen1"),
                                                        count=10)}
    with pytest.raises(ValueError, match="share one epoch"):
        sc.plane_phases(other)
    with pytest.raises(ValueError, match="no operational satellite"):
        sc.plane_table(sc.plane_phases({real_label: real}).assign(status="raising"))
