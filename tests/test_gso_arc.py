"""GSO-arc separation and avoidance (satcloud.geometry.gso_arc_separation_deg / _excluded).

References: the geometry of the arc (an equatorial circle of radius 42,164 km: it passes
through the zenith of an equatorial site and through each GEO slot); elevations from
PROJ's ``topocentric`` conversion (pyproj), not from satcloud's kernels; a brute-force
sampling of the arc (10^5 points, visibility tested point by point) refined by scipy's
bounded Brent minimiser and brentq for the horizon; positions of the filed Gen1
constellation from satcloud's propagator (itself checked against sgp4/boinor elsewhere).
"""

from __future__ import annotations

import warnings

import astropy.units as u
import numpy as np
import pytest
from astropy.time import Time
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from scipy.optimize import brentq, minimize_scalar

from satcloud.geometry import (
    GSO_ARC_RADIUS_KM,
    enu_basis,
    geodetic_to_ecef,
    gso_arc_excluded,
    gso_arc_separation_deg,
    look_angles,
)

R = GSO_ARC_RADIUS_KM


def brute_force_deg(lat, lon, sat, n=100_000, alt_km=0.0):
    """Separation by sampling the arc at n longitudes, each tested for visibility, then
    refined around the best sample with Brent's method (and brentq at the horizon)."""
    p = geodetic_to_ecef(lat, lon, alt_km)
    up = enu_basis(lat, lon)[2]
    d = (np.asarray(sat) - p) / np.linalg.norm(np.asarray(sat) - p)
    lam = np.linspace(-np.pi, np.pi, n, endpoint=False)
    dl = 2 * np.pi / n

    def vec(lv):
        return R * np.array([np.cos(lv), np.sin(lv), 0.0]) - p

    def ang(lv):
        v = vec(lv)
        return np.arctan2(np.linalg.norm(np.cross(d, v)), d @ v)

    v = R * np.stack([np.cos(lam), np.sin(lam), np.zeros(n)], -1) - p
    vis = v @ up >= 0
    if not vis.any():
        return 180.0
    a = np.arctan2(np.linalg.norm(np.cross(d[None], v), axis=1), v @ d)
    a[~vis] = np.inf
    j = int(np.argmin(a))
    cands = [a[j]]
    lo, hi = lam[j] - dl, lam[j] + dl
    if not vis[(j - 1) % n]:
        lo = brentq(lambda x: vec(x) @ up, lam[j] - dl, lam[j], xtol=1e-15)
        cands.append(ang(lo))
    if not vis[(j + 1) % n]:
        hi = brentq(lambda x: vec(x) @ up, lam[j], lam[j] + dl, xtol=1e-15)
        cands.append(ang(hi))
    cands.append(minimize_scalar(ang, bounds=(lo, hi), method="bounded",
                                 options={"xatol": 1e-14}).fun)
    return float(np.degrees(min(cands)))


def elevation_pyproj_deg(r_km, lat, lon):
    tr = Transformer.from_pipeline(
        f"+proj=topocentric +ellps=WGS84 +lat_0={lat} +lon_0={lon} +h_0=0")
    r = np.asarray(r_km, float) * 1e3
    e, n, up = tr.transform(r[..., 0], r[..., 1], r[..., 2])
    return np.degrees(np.arctan2(up, np.hypot(e, n)))


def random_pairs(n, seed, lat_max=80.0):
    rng = np.random.default_rng(seed)
    lat = rng.uniform(-lat_max, lat_max, n)
    lon = rng.uniform(-180.0, 180.0, n)
    p = geodetic_to_ecef(lat, lon)
    up = enu_basis(lat, lon)[2]
    d = rng.normal(size=(n, 3))
    d /= np.linalg.norm(d, axis=1)[:, None]
    below = np.einsum("ij,ij->i", d, up) < 0     # reflect into the upper half-space
    d[below] -= 2 * np.einsum("ij,ij->i", d[below], up[below])[:, None] * up[below]
    return lat, lon, p + d * rng.uniform(400.0, 3000.0, n)[:, None]


def test_equatorial_zenith_is_on_the_arc():
    # an equatorial site's geodetic vertical is radial: the arc passes through its zenith
    lon = np.array([-170.0, -20.0, 0.0, 35.0, 140.0])
    sat = geodetic_to_ecef(0.0, lon, 550.0)
    np.testing.assert_allclose(gso_arc_separation_deg(0.0, lon, 0.0, sat), 0.0, atol=1e-9)


@pytest.mark.parametrize("lat", [-60.0, -23.5, 10.0, 45.0, 70.0])
def test_geo_satellite_at_the_site_longitude(lat):
    # a GEO satellite is a point of the arc: separation 0
    g = np.array([R * np.cos(np.radians(20.0)), R * np.sin(np.radians(20.0)), 0.0])
    assert gso_arc_separation_deg(lat, 20.0, 0.0, g) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("lat", [25.0, 45.0, 60.0, -40.0])
@pytest.mark.parametrize("above_deg", [0.5, 7.0, 22.0, 40.0])
def test_perpendicular_to_the_arc_in_the_meridian(lat, above_deg):
    # Spherical geometry: seen from a site, the arc is highest in the site's meridian
    # (the slot at the site's longitude, elevation e0) and its tangent there is
    # horizontal. A direction in the meridian plane (azimuth of the equator) at elevation
    # e >= e0 is perpendicular to the arc, and by the spherical law of cosines its
    # angle to any point of elevation e' <= e0 is >= e - e' >= e - e0, with equality at
    # the meridian slot: the separation is exactly e - e0 (both elevations from PROJ).
    lon = 15.0
    g0 = np.array([R * np.cos(np.radians(lon)), R * np.sin(np.radians(lon)), 0.0])
    e0 = float(elevation_pyproj_deg(g0, lat, lon))
    e = min(e0 + above_deg, 0.5 * (e0 + 90.0))     # stay below the zenith
    east, north, up = enu_basis(lat, lon)
    toward = -north if lat > 0 else north           # azimuth of the equator
    d = np.cos(np.radians(e)) * toward + np.sin(np.radians(e)) * up
    sat = geodetic_to_ecef(lat, lon) + 1000.0 * d
    assert float(elevation_pyproj_deg(sat, lat, lon)) == pytest.approx(e, abs=1e-9)
    assert float(gso_arc_separation_deg(lat, lon, 0.0, sat)) == pytest.approx(
        e - e0, abs=1e-9)


def test_against_brute_force_sampling():
    lat, lon, sat = random_pairs(150, seed=7)
    # a band of near-equatorial sites, where the arc crosses the sky overhead
    lat2, lon2, sat2 = random_pairs(50, seed=8, lat_max=5.0)
    lat, lon, sat = (np.concatenate(a) for a in ((lat, lat2), (lon, lon2), (sat, sat2)))
    got = gso_arc_separation_deg(lat, lon, 0.0, sat)
    ref = np.array([brute_force_deg(a, b, s) for a, b, s in zip(lat, lon, sat, strict=True)])
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-6)
    assert got.min() < 5.0 and got.max() > 60.0     # the draw spans near and far


def test_arc_below_the_horizon_near_the_poles():
    # the arc's highest point is below the horizon beyond ~81.3 deg latitude
    # (cos(lat) = R_earth / R_geo on a sphere): nothing to protect, reported as 180
    sat = geodetic_to_ecef(85.0, 0.0, 550.0)
    assert gso_arc_separation_deg(85.0, 0.0, 0.0, sat) == 180.0
    assert not gso_arc_excluded(85.0, 0.0, 0.0, sat, 90.0)


def test_broadcasting_and_altitude():
    lat, lon, sat = random_pairs(12, seed=3)
    full = gso_arc_separation_deg(lat, lon, 0.0, sat)
    grid = gso_arc_separation_deg(lat[:, None], lon[:, None], 0.0, sat[None, :3])
    assert grid.shape == (12, 3)
    np.testing.assert_allclose(np.diag(grid[:3]), full[:3], atol=1e-12)
    # a site 10 km up sees the same satellite at a (slightly) different angle
    high = gso_arc_separation_deg(lat, lon, 10_000.0, sat)
    ref = [brute_force_deg(a, b, s, alt_km=10.0)
           for a, b, s in zip(lat[:4], lon[:4], sat[:4], strict=True)]
    np.testing.assert_allclose(high[:4], ref, atol=1e-6)


def test_excluded_equals_the_separation_test():
    # the declination bound only skips work: the mask equals separation <= angle
    lat, lon, sat = random_pairs(4000, seed=11, lat_max=70.0)
    sep = gso_arc_separation_deg(lat, lon, 0.0, sat)
    for angle in (0.0, 5.0, 22.0, 60.0):
        np.testing.assert_array_equal(gso_arc_excluded(lat, lon, 0.0, sat, angle),
                                      sep <= angle)
    assert (sep <= 22.0).any() and (sep > 22.0).any()


@settings(max_examples=60, deadline=None)
@given(lat=st.floats(-80.0, 80.0), lon=st.floats(-180.0, 180.0),
       az=st.floats(0.0, 360.0), el=st.floats(0.0, 90.0), rng_km=st.floats(300.0, 5000.0))
def test_range_and_mirror_symmetry(lat, lon, az, el, rng_km):
    east, north, up = enu_basis(lat, lon)
    a, e = np.radians(az), np.radians(el)
    d = np.cos(e) * (np.sin(a) * east + np.cos(a) * north) + np.sin(e) * up
    sat = geodetic_to_ecef(lat, lon) + rng_km * d
    sep = float(gso_arc_separation_deg(lat, lon, 0.0, sat))
    assert 0.0 <= sep <= 180.0
    # the arc is symmetric under y -> -y (east/west mirror: lon -> -lon) and under
    # z -> -z (north/south mirror: lat -> -lat)
    ew = float(gso_arc_separation_deg(lat, -lon, 0.0, sat * [1.0, -1.0, 1.0]))
    ns = float(gso_arc_separation_deg(-lat, lon, 0.0, sat * [1.0, 1.0, -1.0]))
    assert ew == pytest.approx(sep, abs=1e-7)
    assert ns == pytest.approx(sep, abs=1e-7)


@pytest.fixture(scope="module")
def gen1_snapshots():
    from satcloud.constellations import constellation
    from satcloud.orbits import propagate

    t = Time("2026-01-01T00:00:00", scale="utc") + np.arange(6) * 97.0 * u.s
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(propagate(constellation("starlink-gen1"), t).r_ecef_km)


def _usable(r, lat, angle):
    """Satellites above 25 deg (FCC 21-48 Gen1 mask) and those outside the angle,
    summed over 8 longitudes and the snapshots."""
    seen = kept = 0
    for lon in np.arange(0.0, 360.0, 45.0):
        vis = look_angles(r, lat, lon).elevation_deg >= 25.0
        seen += int(vis.sum())
        kept += int((~gso_arc_excluded(lat, lon, 0.0, r[vis], angle)).sum())
    return seen, kept


def test_gen1_equator_loses_satellites_high_latitude_keeps_them(gen1_snapshots):
    # At the equator the arc crosses the zenith and a 44 deg wide band of the sky
    # (22 deg either side) is closed; at 70 N the arc tops out at ~12 deg elevation, so
    # the zone reaches only ~34 deg above the southern horizon.
    seen0, kept0 = _usable(gen1_snapshots, 0.0, 22.0)
    seen70, kept70 = _usable(gen1_snapshots, 70.0, 22.0)
    assert seen0 > 50 and seen70 > 50
    assert kept0 < 0.75 * seen0              # measured: ~63 % usable
    assert kept70 > 0.85 * seen70            # measured: ~92 % usable
    # the angle 0 closes nothing (a satellite exactly on the arc has measure zero)
    assert _usable(gen1_snapshots, 0.0, 0.0) == (seen0, seen0)


def test_bad_input():
    sat = geodetic_to_ecef(0.0, 0.0, 550.0)
    with pytest.raises(ValueError, match="sat_ecef_km"):
        gso_arc_separation_deg(0.0, 0.0, 0.0, [1.0, 2.0])
    with pytest.raises(ValueError, match="broadcast"):
        gso_arc_separation_deg([0.0, 1.0, 2.0], 0.0, 0.0, np.stack([sat, sat]))
    with pytest.raises(ValueError, match="coincides"):
        gso_arc_separation_deg(0.0, 0.0, 0.0, geodetic_to_ecef(0.0, 0.0))
    with pytest.raises(ValueError, match="lat_deg"):
        gso_arc_separation_deg(95.0, 0.0, 0.0, sat)
    with pytest.raises(ValueError, match="avoidance_deg"):
        gso_arc_excluded(0.0, 0.0, 0.0, sat, 95.0)
    with pytest.raises(TypeError, match="avoidance_deg"):
        gso_arc_excluded(0.0, 0.0, 0.0, sat, [1.0, 2.0])


def test_registry_values():
    from satcloud import systems

    # SpaceX's filed commitment, 22 deg (docs/references.md); no filed value for the others
    for name in ("starlink", "starlink-gen1", "starlink-gen2"):
        assert systems.network(name).gso_arc_avoidance_deg == 22.0
        assert "22 degrees" in systems.network(name).gso_arc_source
    for name in ("kuiper", "oneweb", "telesat-2020", "o3b-mpower", "geo"):
        assert systems.network(name).gso_arc_avoidance_deg is None


def test_rtt_applies_the_registry_angle_and_zero_disables():
    import pandas as pd

    from satcloud.latency import rtt

    src = pd.DataFrame({"name": ["Kampala", "Quito"], "lat_deg": [0.3476, -0.2299],
                        "lon_deg": [32.5825, -78.5249]})
    t = Time("2026-01-01T00:00:00", scale="utc") + np.arange(3) * 60.0 * u.s
    kw = dict(reassign_interval_s=None, return_paths=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # element-age warnings are not the subject here
        auto = rtt("starlink-gen1", "isl", src, "nearest Azure region", t, **kw)
        filed = rtt("starlink-gen1", "isl", src, "nearest Azure region", t,
                    gso_arc_avoidance_deg=22.0, **kw)
        zero = rtt("starlink-gen1", "isl", src, "nearest Azure region", t,
                   gso_arc_avoidance_deg=0, **kw)
        off = rtt("starlink-gen1", "isl", src, "nearest Azure region", t,
                  gso_arc_avoidance_deg=None, **kw)
    pd.testing.assert_frame_equal(auto, filed)
    pd.testing.assert_frame_equal(zero, off)
    # fewer usable first hops can only lengthen the shortest path (min-delay, no hold)
    both = auto["reachable"].to_numpy() & off["reachable"].to_numpy()
    assert (auto["rtt_ms"].to_numpy()[both] >= off["rtt_ms"].to_numpy()[both] - 1e-9).all()
    with pytest.raises(ValueError, match="gso_arc_avoidance_deg"):
        rtt("starlink-gen1", "isl", src, "nearest Azure region", t,
            gso_arc_avoidance_deg=120.0)
    with pytest.raises(ValueError, match="gso_arc_avoidance_deg"):
        rtt("geo", None, src, "nearest Azure region", gso_arc_avoidance_deg=22.0)
