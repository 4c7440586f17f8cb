"""Geodesy, look angles and access: pyproj, skyfield, dense numpy and hypothesis."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from satcloud.constellations import Constellation, constellation
from satcloud.geometry import (
    WGS84_A_KM,
    access,
    coverage_cone,
    ecef_to_geodetic,
    enu_basis,
    geodetic_to_ecef,
    ground_track,
    iter_access,
    look_angles,
    normalize_sites,
    slant_range_km,
    subsatellite_points,
)
from satcloud.orbits import Ephemeris, propagate
from satcloud.time import time_grid

DATA = Path(__file__).parent / "data"

lats = st.floats(-90, 90, allow_nan=False)
lons = st.floats(-180, 180, allow_nan=False)
alts = st.floats(-5, 40000, allow_nan=False)


@pytest.fixture(scope="module")
def wgs84_transformer():
    from pyproj import Transformer

    # EPSG:4979 (WGS84 geographic 3D, metres) -> EPSG:4978 (WGS84 geocentric, metres)
    return Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)


def test_geodetic_to_ecef_matches_pyproj(wgs84_transformer):
    rng = np.random.default_rng(0)
    lat = rng.uniform(-90, 90, 500)
    lon = rng.uniform(-180, 180, 500)
    h_km = rng.uniform(-1, 36000, 500)
    x, y, z = wgs84_transformer.transform(lon, lat, h_km * 1000)
    ref = np.stack([x, y, z], axis=-1) / 1000
    assert np.abs(geodetic_to_ecef(lat, lon, h_km) - ref).max() < 1e-6  # 1 mm


def test_ecef_to_geodetic_matches_pyproj(wgs84_transformer):
    rng = np.random.default_rng(1)
    lat = rng.uniform(-90, 90, 500)
    lon = rng.uniform(-180, 180, 500)
    h_km = rng.uniform(-1, 36000, 500)
    x, y, z = wgs84_transformer.transform(lon, lat, h_km * 1000)
    la, lo, h = ecef_to_geodetic(np.stack([x, y, z], axis=-1) / 1000)
    assert np.abs(la - lat).max() < 1e-9
    assert np.abs((lo - lon + 180) % 360 - 180).max() < 1e-9
    assert np.abs(h - h_km).max() < 1e-6


@settings(max_examples=200, deadline=None)
@given(lats, lons, alts)
def test_ecef_geodetic_round_trip(lat, lon, alt):
    la, lo, h = ecef_to_geodetic(geodetic_to_ecef(lat, lon, alt))
    assert abs(la - lat) < 1e-9
    assert abs(h - alt) < 1e-6
    if abs(lat) < 89.9999:  # longitude is undefined at the poles
        assert abs((lo - lon + 180) % 360 - 180) < 1e-8


@pytest.mark.parametrize("kwargs, match", [
    ({"lat_deg": 91.0, "lon_deg": 0.0}, "lat_deg"),
    ({"lat_deg": -90.5, "lon_deg": 0.0}, "lat_deg"),
    ({"lat_deg": 0.0, "lon_deg": 400.0}, "lon_deg"),
    ({"lat_deg": np.nan, "lon_deg": 0.0}, "NaN"),
])
def test_geodetic_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        geodetic_to_ecef(**kwargs)


def test_ecef_to_geodetic_bad_input():
    with pytest.raises(ValueError, match=r"\[\.\.\., 3\]"):
        ecef_to_geodetic(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="centre"):
        ecef_to_geodetic([1.0, 2.0, 3.0])


# ------------------------------------------------------------------ look angles


def test_look_angles_match_skyfield_altaz():
    # Reference: skyfield (EarthSatellite - wgs84.latlon).at(t).altaz(): same SGP4 element
    # set, skyfield's own frames. Observed agreement ~1e-6 deg and 0.1 m.
    from skyfield.api import EarthSatellite, load, wgs84

    lines = (DATA / "starlink_2020-02-14.tle").read_text().splitlines()
    c = Constellation.from_tle(DATA / "starlink_2020-02-14.tle")
    t = time_grid("2020-02-14T12:00:00", "6h", "120s")
    e = propagate(c, t)
    ts = load.timescale(builtin=True)
    sat = EarthSatellite(lines[4], lines[5], lines[3], ts)
    alt, az, dist = (sat - wgs84.latlon(47.6, -122.3, 100.0)).at(ts.from_astropy(t)).altaz()
    la = look_angles(e, 47.6, -122.3, 100.0)
    assert la.elevation_deg.shape == (len(t), len(c))
    assert np.abs(alt.degrees - la.elevation_deg[:, 1]).max() < 1e-4
    daz = (az.degrees - la.azimuth_deg[:, 1] + 180) % 360 - 180
    assert np.abs(daz).max() < 1e-3
    assert np.abs(dist.km - la.range_km[:, 1]).max() < 1e-3


def test_zenith_and_horizon_cases():
    # a point straight up the ellipsoid normal is at 90 deg; slant range = height
    for lat, lon in [(0, 0), (45, 10), (-60, 170), (89, -30)]:
        r = geodetic_to_ecef(lat, lon, 550.0)
        la = look_angles(r[None, None], lat, lon)
        assert la.elevation_deg[0, 0] == pytest.approx(90.0, abs=1e-9)
        assert la.range_km[0, 0] == pytest.approx(550.0, abs=1e-9)
    # due north along the surface, far away: below the horizon, azimuth 0
    la = look_angles(geodetic_to_ecef(10.0, 0.0, 0.0)[None, None], 0.0, 0.0)
    assert la.azimuth_deg[0, 0] == pytest.approx(0.0, abs=1e-9)
    assert la.elevation_deg[0, 0] < 0


@settings(max_examples=100, deadline=None)
@given(st.floats(-80, 80), lons, st.floats(0.5, 20.0), st.floats(200, 2000))
def test_elevation_symmetric_east_west(lat, lon, dlon, altitude_km):
    # Satellites at the same latitude and height, dlon east and west of the site, have the
    # same elevation and range, and azimuths mirrored about the meridian (az_w = 360 - az_e).
    lons_sat = (np.array([lon + dlon, lon - dlon]) + 180.0) % 360.0 - 180.0
    r = geodetic_to_ecef([lat, lat], lons_sat, altitude_km)
    la = look_angles(r[None], lat, lon)
    assert la.elevation_deg[0, 0] == pytest.approx(la.elevation_deg[0, 1], abs=1e-9)
    assert la.range_km[0, 0] == pytest.approx(la.range_km[0, 1], rel=1e-12)
    assert (la.azimuth_deg[0, 0] + la.azimuth_deg[0, 1]) % 360 == pytest.approx(0, abs=1e-8) \
        or (la.azimuth_deg[0, 0] + la.azimuth_deg[0, 1]) % 360 == pytest.approx(360, abs=1e-8)


def test_slant_range_formula_matches_look_angles_on_a_sphere():
    # REFERENCE.md: d = sqrt((R+h)^2 - (R cos el)^2) - R sin el; at the equator in the
    # meridian plane the WGS84 normal is radial, so the spherical formula is exact there.
    h = 550.0
    for el in [10.0, 25.0, 40.0, 90.0]:
        d = slant_range_km(h, el)
        # place the satellite at range d, elevation el due north of (0, 0)
        ce, se = np.cos(np.radians(el)), np.sin(np.radians(el))
        sat = np.array([6378.137 + d * se, 0.0, d * ce])
        la = look_angles(sat[None, None], 0.0, 0.0)
        assert la.elevation_deg[0, 0] == pytest.approx(el, abs=1e-9)
        assert np.linalg.norm(sat) - 6378.137 == pytest.approx(h, abs=1e-6)
    assert slant_range_km(550.0, 25.0) == pytest.approx(1123.0, abs=1.0)


def test_look_angles_bad_input():
    e = np.zeros((1, 1, 3)) + 7000.0
    with pytest.raises(ValueError, match="lat_deg"):
        look_angles(e, 95.0, 0.0)
    with pytest.raises(TypeError, match="one site"):
        look_angles(e, [1.0, 2.0], [0.0, 0.0])


# ------------------------------------------------------------------ access


def _dense_pairs(r_ecef, sites, min_el):
    """Dense numpy reference: every (time, site, satellite) elevation test."""
    lat = sites["lat_deg"].to_numpy(float)
    lon = sites["lon_deg"].to_numpy(float)
    alt = sites.get("alt_m", pd.Series(0.0, index=sites.index)).to_numpy(float) / 1000
    xyz = geodetic_to_ecef(lat, lon, alt)
    _, _, up = enu_basis(lat, lon)
    smin = np.sin(np.radians(min_el))
    out = set()
    for t in range(r_ecef.shape[0]):
        d = r_ecef[t][None] - xyz[:, None]
        u = d[..., 0] * up[:, None, 0] + d[..., 1] * up[:, None, 1] + d[..., 2] * up[:, None, 2]
        rr = np.sqrt(d[..., 0] ** 2 + d[..., 1] ** 2 + d[..., 2] ** 2)
        s, n = np.nonzero(u >= rr * smin)
        out |= set(zip([t] * s.size, s.tolist(), n.tolist(), strict=True))
    return out


@pytest.fixture(scope="module")
def gen1_short():
    c = constellation("starlink-gen1") + constellation("geo", slot_lon_deg=[-100, 20])
    return propagate(c, time_grid(None, "20min", "120s"))


@pytest.fixture(scope="module")
def random_sites():
    rng = np.random.default_rng(7)
    n = 400
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    lat[:4] = [90.0, -90.0, 89.5, -89.9]  # poles and near-poles
    lon = rng.uniform(-180, 180, n)
    lon[4:6] = [180.0, -180.0]  # antimeridian
    return pd.DataFrame({"name": [f"p{i}" for i in range(n)], "lat_deg": lat,
                         "lon_deg": lon, "alt_m": rng.uniform(0, 3000, n)})


@pytest.mark.parametrize("method", ["cells", "kdtree"])
def test_access_equals_dense_computation(gen1_short, random_sites, method):
    # Reference: the dense numpy time x site x satellite elevation test (every pair).
    e = gen1_short
    acc = access(e, random_sites, method=method)
    got = set(zip(acc["time_index"], acc["site"].cat.codes, acc["sat_index"], strict=True))
    min_el = e.constellation.satellites["min_elevation_deg"].to_numpy()
    assert got == _dense_pairs(e.r_ecef_km, random_sites, min_el)
    assert len(got) > 1000
    # elevation/azimuth/range agree with look_angles for a sample of rows
    for _, row in acc.sample(20, random_state=1).iterrows():
        s = random_sites.iloc[random_sites.index[random_sites["name"] == row["site"]][0]]
        la = look_angles(e, s.lat_deg, s.lon_deg, s.alt_m)
        ti, n = row["time_index"], row["sat_index"]
        assert row["elevation_deg"] == pytest.approx(la.elevation_deg[ti, n], abs=1e-9)
        assert row["azimuth_deg"] == pytest.approx(la.azimuth_deg[ti, n], abs=1e-7)
        assert row["range_km"] == pytest.approx(la.range_km[ti, n], abs=1e-9)
        assert row["elevation_deg"] >= min_el[n]
        assert row["time"] == pd.Timestamp(e.times[ti].utc.datetime64)
        assert row["sat_id"] == e.constellation.satellites["sat_id"][n]


def test_access_columns_and_ordering(gen1_short, random_sites):
    acc = access(gen1_short, random_sites.head(50), min_elevation_deg=10.0, chunk_steps=3)
    assert list(acc.columns) == ["time_index", "time", "site", "sat_index", "sat_id",
                                 "elevation_deg", "azimuth_deg", "range_km"]
    assert acc["time"].dtype == np.dtype("datetime64[ns]")
    key = acc["time_index"].to_numpy() * 10**6 + acc["sat_index"].to_numpy()
    assert np.all(np.diff(key) >= 0)
    assert acc["elevation_deg"].min() >= 10.0


@settings(max_examples=15, deadline=None)
@given(st.floats(0, 60), st.floats(0.1, 30))
def test_visibility_monotonic_in_min_elevation(gen1_short, random_sites, low, delta):
    # raising the mask can only remove pairs, never add
    sites = random_sites.head(60)
    e = gen1_short.isel(time=slice(0, 3))
    lo = access(e, sites, low)
    hi = access(e, sites, low + delta)
    k = ["time_index", "site", "sat_index"]
    lo_set = set(map(tuple, lo[k].astype(str).to_numpy()))
    hi_set = set(map(tuple, hi[k].astype(str).to_numpy()))
    assert hi_set <= lo_set


def test_sites_name_columns_and_errors():
    base = {"lat_deg": [1.0, 2.0], "lon_deg": [3.0, 4.0]}
    for col in ["site", "name", "region"]:
        df = normalize_sites(pd.DataFrame({col: ["a", "b"], **base}))
        assert list(df["site"]) == ["a", "b"]
        assert list(df["alt_m"]) == [0.0, 0.0]
    assert list(normalize_sites(pd.DataFrame(base))["site"]) == ["site-0", "site-1"]
    with pytest.raises(ValueError, match="lat_deg"):
        normalize_sites(pd.DataFrame({"lat_deg": [95.0], "lon_deg": [0.0]}))
    with pytest.raises(ValueError, match="missing column"):
        normalize_sites(pd.DataFrame({"lat": [1.0]}))
    with pytest.raises(ValueError, match="unique"):
        normalize_sites(pd.DataFrame({"site": ["a", "a"], **base}))
    with pytest.raises(TypeError, match="DataFrame"):
        normalize_sites([(1.0, 2.0)])


def test_access_bad_min_elevation(gen1_short, random_sites):
    with pytest.raises(ValueError, match="min_elevation_deg"):
        access(gen1_short, random_sites, min_elevation_deg=95.0)
    with pytest.raises(ValueError, match="one value per satellite"):
        access(gen1_short, random_sites, min_elevation_deg=[10.0, 20.0])


def test_access_with_azure_regions_table(gen1_short):
    from satcloud import data

    regions = data.azure_regions()
    acc = access(gen1_short, regions)
    assert set(acc["site"].cat.categories) == set(regions["region"])
    # every region sees a 25-deg Starlink satellite or a GEO at some time in 20 minutes,
    # except possibly polar ones; at least most regions have contacts
    assert acc["site"].nunique() >= 0.9 * len(regions)


def test_iter_access_streams_chunks(gen1_short, random_sites):
    chunks = list(iter_access(gen1_short, random_sites.head(30), chunk_steps=4))
    assert len(chunks) == 3
    whole = access(gen1_short, random_sites.head(30))
    assert sum(len(c) for c in chunks) == len(whole)


# ------------------------------------------------------------------ ground tracks


def test_subsatellite_points_and_ground_track():
    c = Constellation.walker(550, 53, 1, 1)
    t = time_grid(None, "3h", "60s")
    e = propagate(c, t)
    sp = subsatellite_points(e, time_index=0)
    assert len(sp) == 1 and sp["altitude_km"].iloc[0] == pytest.approx(550, abs=22)
    gt = ground_track(e)
    assert len(gt) == len(t)
    assert gt["lat_deg"].abs().max() == pytest.approx(53.0 + 0.2, abs=0.3)  # geodetic > i
    # segments break where the longitude wraps: never a jump > 180 deg inside a segment
    for _, seg in gt.groupby("segment"):
        assert seg["lon_deg"].diff().abs().max() < 180 or len(seg) == 1
    assert gt["segment"].nunique() >= 2
    with pytest.raises(ValueError, match="sat_index"):
        ground_track(e, sat_index=5)


def test_ephemeris_isel():
    c = constellation("oneweb")
    e = propagate(c, time_grid(None, "10min", "60s"))
    sub = e.isel(time=slice(2, 5), sat=[0, 10, 20])
    assert isinstance(sub, Ephemeris)
    assert sub.r_ecef_km.shape == (3, 3, 3)
    assert list(sub.sat_ids) == list(c.satellites["sat_id"].iloc[[0, 10, 20]])
    assert np.array_equal(sub.r_ecef_km, e.r_ecef_km[2:5][:, [0, 10, 20]])


# ------------------------------------------------------ the public access engine (issue 12)

def test_iter_visible_pairs_are_the_rows_of_access(gen1_short, random_sites):
    from satcloud.geometry import iter_visible_pairs

    rows = [(p.time_index.copy(), p.site_index.copy(), p.sat_index.copy(),
             p.elevation_deg.copy(), p.range_km.copy())
            for p in iter_visible_pairs(gen1_short, random_sites, 25.0, chunk_steps=3)]
    t, s, n, el, rng = (np.concatenate(c) for c in zip(*rows, strict=True))
    acc = access(gen1_short, random_sites, 25.0, chunk_steps=3)
    np.testing.assert_array_equal(t, acc["time_index"])
    np.testing.assert_array_equal(n, acc["sat_index"])
    np.testing.assert_array_equal(s, acc["site"].cat.codes)
    np.testing.assert_array_equal(el, acc["elevation_deg"])
    np.testing.assert_array_equal(rng, acc["range_km"])
    with pytest.raises(ValueError, match="method"):
        iter_visible_pairs(gen1_short, random_sites, method="dense")   # at the call


def test_coverage_cone_cos_is_the_spherical_bound():
    # a satellite at r seen at elevation el from radius rho: cos of the central angle
    # psi = arccos(rho cos(el) / r) - el (Vallado, 4th ed., sec. 11.4), margin 0.2 deg
    from satcloud.geometry import coverage_cone_cos

    r, rho, el = 6928.137, 6356.752, 25.0
    e = np.radians(el - 0.2)
    expected = np.cos(np.arccos(rho * np.cos(e) / r) - e + 1e-6)
    assert coverage_cone_cos(r, el, rho) == pytest.approx(expected, rel=1e-15)
    assert coverage_cone_cos(r, -90.0, rho) < -1.0           # the whole sphere
    with pytest.raises(ValueError, match="r_max_km"):
        coverage_cone_cos(-1.0, el, rho)


def test_enu_basis_is_orthonormal_and_up_is_the_ellipsoid_normal():
    from satcloud.geometry import enu_basis

    e, n, u = enu_basis([0.0, 45.0, -89.0], [0.0, 100.0, 359.0])
    basis = np.stack([e, n, u], axis=1)                       # [3 sites, 3 vectors, 3]
    np.testing.assert_allclose(basis @ basis.transpose(0, 2, 1), np.broadcast_to(
        np.eye(3), (3, 3, 3)), atol=1e-15)
    np.testing.assert_allclose(u[0], [1.0, 0.0, 0.0], atol=1e-16)
    with pytest.raises(ValueError, match="lat_deg"):
        enu_basis(91.0, 0.0)


def test_satellite_min_elevation_deg(gen1_short):
    from satcloud.geometry import ecef_positions_km, satellite_min_elevation_deg

    n = gen1_short.r_ecef_km.shape[1]
    own = satellite_min_elevation_deg(gen1_short)
    np.testing.assert_array_equal(
        own, gen1_short.constellation.satellites["min_elevation_deg"].to_numpy(float))
    np.testing.assert_array_equal(satellite_min_elevation_deg(gen1_short, 10.0), np.full(n, 10.0))
    with pytest.raises(ValueError, match="min_elevation_deg=None needs an Ephemeris"):
        satellite_min_elevation_deg(ecef_positions_km(gen1_short))
    # n_satellites was spelled n_sat before issue 12: still accepted for one release, with
    # a DeprecationWarning naming the new spelling, and the same thresholds
    with pytest.warns(DeprecationWarning, match="'n_satellites'"):
        old = satellite_min_elevation_deg(gen1_short, 10.0, n_sat=n)
    np.testing.assert_array_equal(old, np.full(n, 10.0))
    with pytest.raises(ValueError, match="n_satellites must be a positive integer"):
        satellite_min_elevation_deg(gen1_short, 10.0, n_satellites=0)


def test_geodetic_to_ecef_old_alt_km_keyword_is_deprecated():
    # altitude_km was spelled alt_km before issue 12; the old keyword gives the same point
    # with a DeprecationWarning. Reference: on the equator at lon 0 the point is
    # (a + h, 0, 0), a = 6378.137 km (WGS84, NIMA TR8350.2 table 3.1)
    with pytest.warns(DeprecationWarning, match="'altitude_km'"):
        old = geodetic_to_ecef(0.0, 0.0, alt_km=550.0)
    np.testing.assert_allclose(old, [6378.137 + 550.0, 0.0, 0.0], atol=1e-9)
    np.testing.assert_array_equal(old, geodetic_to_ecef(0.0, 0.0, altitude_km=550.0))
    with pytest.raises(TypeError, match="both 'alt_km'"):
        geodetic_to_ecef(0.0, 0.0, 550.0, alt_km=550.0)


def test_enu_basis_broadcasts_a_scalar_latitude_against_longitudes():
    # found by the public-API fuzz harness: a scalar lat with an array lon stacked arrays
    # of different shapes; the basis at (0, 0) and (0, 90 E) is the closed form of the
    # docstring: e = (0, 1, 0) / (-1, 0, 0), n = (0, 0, 1), u = (1, 0, 0) / (0, 1, 0)
    from satcloud.geometry import enu_basis

    e, n, u = enu_basis(0.0, [0.0, 90.0])
    np.testing.assert_allclose(e, [[0, 1, 0], [-1, 0, 0]], atol=1e-15)
    np.testing.assert_allclose(n, [[0, 0, 1], [0, 0, 1]], atol=1e-15)
    np.testing.assert_allclose(u, [[1, 0, 0], [0, 1, 0]], atol=1e-15)


# coverage_cone: moved from satcloud.scenarios.constellations (issue 12, point 1)
@pytest.mark.parametrize("h_km, eps_deg", [(550.0, 25.0), (630.0, 35.0), (1200.0, 55.0),
                                           (8062.0, 10.0), (35786.0, 0.0)])
def test_coverage_cone_satisfies_the_triangle(h_km, eps_deg):
    """Earth centre, site and satellite at the cone's edge form a triangle with the angle
    90 deg + eps at the site: law of cosines for the slant range, law of sines for the
    central angle (independent of the arccos form used by the module)."""
    cone = coverage_cone(h_km, eps_deg).iloc[0]
    r, rs, d = WGS84_A_KM, WGS84_A_KM + h_km, cone.max_slant_range_km
    e = np.radians(eps_deg)
    assert rs**2 == pytest.approx(r**2 + d**2 + 2 * r * d * np.sin(e), rel=1e-12)
    lam = np.degrees(np.arcsin(d * np.cos(e) / rs))
    assert cone.central_angle_deg == pytest.approx(lam, abs=1e-9)
    assert cone.central_angle_deg + cone.nadir_angle_deg + eps_deg == pytest.approx(90.0)
    assert cone.footprint_radius_km == pytest.approx(r * np.radians(lam), rel=1e-12)


def test_coverage_cone_edge_is_at_min_elevation_in_the_look_angle_code():
    """On the equator the WGS84 ellipsoid is a circle of radius a and the geodetic
    vertical is radial, so a site at longitude lambda (the cone half-angle) must see a
    satellite above (0, 0) exactly at the minimum elevation and at the max slant range."""
    for h, eps in [(550.0, 25.0), (1015.0, 10.0), (1200.0, 55.0)]:
        cone = coverage_cone(h, eps).iloc[0]
        sat = np.array([WGS84_A_KM + h, 0.0, 0.0])
        la = look_angles(sat, 0.0, cone.central_angle_deg)
        assert float(la.elevation_deg) == pytest.approx(eps, abs=1e-7)
        assert float(la.range_km) == pytest.approx(cone.max_slant_range_km, rel=1e-9)


def test_coverage_cone_reference_value():
    """Reference: a hand computation (Vallado, 4th ed., sec. 11.4). Starlink shell 1 (550 km, 25 deg), worked by hand: cos(eps) R / (R + h) =
    0.90631 * 6378.137 / 6928.137 = 0.83435, arccos = 33.45 deg, minus 25 deg gives
    lambda = 8.45 deg, i.e. 940.7 km along the surface; slant range
    sqrt(6928.137^2 - (6378.137 cos 25)^2) - 6378.137 sin 25 = 1,123.4 km."""
    cone = coverage_cone(550.0, 25.0).iloc[0]
    assert cone.central_angle_deg == pytest.approx(8.45, abs=0.01)
    assert cone.footprint_radius_km == pytest.approx(940.7, abs=0.5)
    assert cone.max_slant_range_km == pytest.approx(1123.4, abs=0.5)
    with pytest.raises(ValueError):
        coverage_cone(550.0, 90.0)
