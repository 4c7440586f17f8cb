"""Constellation catalogue, Walker builder, combination, deployment and boinor orbits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from satcloud.constellations import (
    CATALOGUE,
    SATELLITE_COLUMNS,
    Constellation,
    constellation,
    deploy,
    geostationary_altitude_km,
)
from satcloud.orbits import propagate
from satcloud.time import DEFAULT_EPOCH, time_grid

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("name, count", [
    # totals as filed (REFERENCE.md / data/constellation_shells.csv sources)
    ("starlink-gen1", 4408),   # FCC 21-48
    ("starlink-gen2", 29988),  # SpaceX Gen2 amended application, Jan 2022
    ("kuiper", 3236),          # FCC 20-102
    ("oneweb", 588),
    ("telesat-2020", 27 * 13 + 40 * 33),
    ("o3b-mpower", 11),
])
def test_catalogue_counts(name, count):
    c = constellation(name)
    assert len(c) == count
    sats = c.satellites
    assert list(sats.columns[: len(SATELLITE_COLUMNS)]) == SATELLITE_COLUMNS
    assert isinstance(sats.index, pd.RangeIndex) and sats.index[-1] == count - 1
    assert sats["sat_id"].is_unique
    assert c.epoch == DEFAULT_EPOCH
    # every shell has planes x sats_per_plane satellites, planes and slots 0-based
    for row in c.shells.itertuples():
        s = sats[sats["shell"] == row.shell]
        assert len(s) == row.planes * row.sats_per_plane
        assert s["plane"].min() == 0 and s["plane"].max() == row.planes - 1
        assert s["slot"].max() == row.sats_per_plane - 1


def test_filed_parameters_carried_over():
    c = constellation("starlink-gen1")
    sh = c.shells.set_index("shell")
    assert sh.loc["1", "altitude_km"] == 550 and sh.loc["1", "inclination_deg"] == 53.0
    assert (c.satellites["min_elevation_deg"] == 25).all()
    assert (constellation("kuiper").satellites["min_elevation_deg"] == 35).all()
    assert (constellation("oneweb").satellites["band_user"] == "Ku").all()


def test_unknown_name_suggests_close_match():
    with pytest.raises(ValueError, match="Did you mean 'starlink-gen1'") as exc:
        constellation("starlink-gen-1")
    for name in CATALOGUE:
        assert name in str(exc.value)


def test_walker_delta_geometry():
    # Walker i:T/P/F = 53:24/6/2: RAANs every 60 deg; in-plane spacing 90 deg; adjacent
    # planes phased by F * 360 / T = 30 deg (Walker 1984)
    c = Constellation.walker(700, 53, 6, 4, phasing=2)
    s = c.satellites
    assert np.allclose(np.sort(s["raan_deg"].unique()), np.arange(6) * 60.0)
    p0 = s[s["plane"] == 0].sort_values("slot")["mean_anomaly_deg"].to_numpy()
    p1 = s[s["plane"] == 1].sort_values("slot")["mean_anomaly_deg"].to_numpy()
    assert np.allclose(np.diff(p0), 90.0)
    assert np.allclose((p1 - p0) % 360, 30.0)
    # Walker star: planes over 180 deg
    star = Constellation.walker(1200, 87.9, 12, 49, raan_spread_deg=180.0)
    assert np.allclose(np.sort(star.satellites["raan_deg"].unique()), np.arange(12) * 15.0)


def test_oneweb_is_a_walker_star_and_gen1_polar_shells_interleave():
    assert constellation("oneweb").satellites["raan_deg"].max() < 180
    g = constellation("starlink-gen1", shells=["4", "5"]).satellites
    r4 = set(g.loc[g["shell"] == "4", "raan_deg"].round(6))
    r5 = set(g.loc[g["shell"] == "5", "raan_deg"].round(6))
    assert not r4 & r5


@pytest.mark.parametrize("kwargs, match", [
    ({"altitude_km": 90.0}, r"altitude_km must be in \[100"),
    ({"inclination_deg": 181.0}, r"inclination_deg must be in \[0, 180\]"),
    ({"inclination_deg": -1.0}, "inclination_deg"),
    ({"eccentricity": 1.0}, r"eccentricity must be in \[0, 1\)"),
    ({"eccentricity": -0.1}, "eccentricity"),
    ({"min_elevation_deg": 91.0}, "min_elevation_deg"),
    ({"phasing": 6}, r"phasing must be in \[0, 5\]"),
    ({"planes": 0}, "planes"),
])
def test_walker_bad_input(kwargs, match):
    args = {"altitude_km": 550.0, "inclination_deg": 53.0, "planes": 6,
            "sats_per_plane": 4, **kwargs}
    with pytest.raises(ValueError, match=match):
        Constellation.walker(**args)


def test_walker_type_errors():
    with pytest.raises(TypeError, match="planes must be an integer"):
        Constellation.walker(550, 53, 2.5, 4)


def test_combine_constellations():
    a = constellation("oneweb")
    b = constellation("kuiper", shells=["K3"])
    c = a + b
    assert len(c) == len(a) + len(b)
    assert c.satellites["sat_id"].is_unique
    assert set(c.shells["constellation"]) == {"oneweb", "kuiper"}
    e = propagate(c, time_grid(None, "2min", "60s"))
    assert e.r_ecef_km.shape == (2, len(c), 3)
    with pytest.raises(ValueError, match="unique"):
        _ = a + a
    # shell-name clash ("1" in two constellations) is disambiguated
    w = Constellation.walker(800, 60, 2, 2, name="mine")
    both = constellation("oneweb") + w
    assert set(both.shells["shell"]) == {"oneweb:1", "mine:1"}


def test_phasing_override_and_min_elevation_override():
    c = constellation("kuiper", phasing={"K1": 5}, min_elevation_deg=30.0)
    assert c.shells.set_index("shell").loc["K1", "phasing"] == 5
    assert c.shells.set_index("shell").loc["K2", "phasing"] == 1
    assert (c.satellites["min_elevation_deg"] == 30.0).all()
    assert (c.with_min_elevation(40).satellites["min_elevation_deg"] == 40).all()


def test_geo_constellation():
    c = constellation("geo", slot_lon_deg=[-75.0, 19.2])
    assert len(c) == 2 and list(c.satellites["sat_id"]) == ["geo/-75.0E", "geo/+19.2E"]
    # J2-corrected geostationary radius (n (1 + 3 J2 (R/a)^2) = ERA rate): 35,788 km,
    # ~2 km above the Keplerian 35,786 km
    assert geostationary_altitude_km() == pytest.approx(35788, abs=1.5)
    with pytest.raises(ValueError, match="slot_lon_deg"):
        constellation("geo", slot_lon_deg=[400.0])
    with pytest.raises(ValueError, match="only to the 'geo'"):
        constellation("oneweb", slot_lon_deg=[0.0])


def test_deploy_800_of_october_2020():
    # Starlink in Oct 2020: ~800 satellites, all in shell 1 (550 km / 53 deg)
    full = constellation("starlink-gen1")
    d = deploy(full, count=800)
    assert len(d) == 800
    assert set(d.satellites["shell"]) == {"1"}
    per_plane = d.satellites.groupby("plane").size()
    assert (per_plane == 22).sum() == 36 and per_plane.min() == 800 - 36 * 22
    # "spread" plane order covers all RAANs: the biggest RAAN gap stays within 3 plane
    # spacings (15 deg), where the sequential order leaves half the sky without planes
    def max_gap(c):
        raans = np.sort(c.satellites["raan_deg"].unique())
        return np.diff(np.append(raans, raans[0] + 360)).max()

    assert max_gap(d) <= 15.0 + 1e-9
    assert max_gap(deploy(full, count=800, plane_order="sequential")) > 175
    assert len(deploy(full, fraction=0.5)) == 2204
    uni = deploy(full, fraction=0.25, rule="uniform")
    assert uni.satellites.groupby(["shell", "plane"]).ngroups == 72 + 72 + 36 + 6 + 4


@pytest.mark.parametrize("kwargs, match", [
    ({"fraction": 0.0}, "fraction"),
    ({"fraction": 1.5}, "fraction"),
    ({"count": 5000}, "count"),
    ({}, "exactly one"),
    ({"fraction": 0.5, "count": 3}, "exactly one"),
    ({"fraction": 0.5, "rule": "random"}, "rule"),
])
def test_deploy_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        deploy(constellation("starlink-gen1"), **kwargs)


def test_from_tle_infers_shell_plane_slot():
    c = Constellation.from_tle(DATA / "starlink_2020-02-14.tle", name="starlink-feb2020")
    s = c.satellites
    assert len(c) == 8
    assert set(s["model"]) == {"sgp4"}
    assert s["norad_id"].tolist() == list(range(44713, 44721))
    assert set(s["shell"]) == {"550km-53.0deg"}
    # the eight satellites of launch 2019-074 shared a plane in Feb 2020 (RAANs within
    # 3.3 deg of each other, below the 5 deg tolerance given here)
    c5 = Constellation.from_tle(DATA / "starlink_2020-02-14.tle", plane_tolerance_deg=5)
    assert c5.satellites["plane"].nunique() == 1
    assert sorted(c5.satellites["slot"]) == list(range(8))
    # mean altitude a - R_E from the element set: 15.0639 rev/day -> a ~ 6925 km
    assert s["altitude_km"].mean() == pytest.approx(547.5, abs=1.0)


def test_from_orbits_boinor():
    # a boinor Orbit becomes a J2 satellite whose elements (rotated GCRS -> CIRS) keep the
    # orbit's size, shape and inclination to the precession-nutation angle (< 0.3 deg in
    # 2020) and place the satellite where boinor puts it at the epoch.
    from astropy import units as u
    from boinor.bodies import Earth
    from boinor.twobody import Orbit

    orb = Orbit.from_classical(Earth, 7000 * u.km, 0.001 * u.one, 51.6 * u.deg, 40 * u.deg,
                               10 * u.deg, 30 * u.deg, epoch=DEFAULT_EPOCH)
    c = Constellation.from_orbits([orb], names=["sat-a"])
    s = c.satellites.iloc[0]
    assert s["model"] == "j2" and s["sat_id"] == "sat-a"
    # astropy's GCRS -> CIRS velocity transformation changes |v| by ~1e-7 relative: a to 10 m
    assert s["altitude_km"] == pytest.approx(7000 - 6378.137, abs=1e-2)
    assert s["eccentricity"] == pytest.approx(0.001, abs=1e-6)
    assert s["inclination_deg"] == pytest.approx(51.6, abs=0.3)
    e = propagate(c, DEFAULT_EPOCH.reshape((1,)), inertial=True)
    # compare with boinor's position, transformed by astropy GCRS -> CIRS
    from astropy.coordinates import CIRS, GCRS, CartesianRepresentation

    r = orb.rv()[0].to(u.km)
    cirs = GCRS(CartesianRepresentation(r), obstime=DEFAULT_EPOCH).transform_to(
        CIRS(obstime=DEFAULT_EPOCH))
    assert np.allclose(e.r_eci_km[0, 0], cirs.cartesian.xyz.to_value(u.km), atol=1e-3)
    with pytest.raises(ValueError, match="empty"):
        Constellation.from_orbits([])


def test_subset_and_repr():
    c = constellation("kuiper")
    sub = c.subset(np.arange(10))
    assert len(sub) == 10 and list(sub.shells["shell"]) == ["K1"]
    assert "kuiper" in repr(c) and "3236" in repr(c)
    with pytest.raises(ValueError, match="rows"):
        c.subset([10**6])


# sun_synchronous_orbit: moved from satcloud.scenarios.ground_stations.eo_orbit (issue 12)
@pytest.mark.parametrize("altitude_km", [400.0, 550.0, 786.0, 1200.0])
def test_sun_synchronous_orbit_inclination_matches_boinor(altitude_km):
    """Reference: boinor's ``Orbit.heliosynchronous`` (its own J2 = 1.08263e-3 and
    R = 6378.1366 km, so agreement to ~1e-3 deg), and the CIRS inclination the J2
    propagator uses equals the closed form of :mod:`satcloud.orbits` to 1e-6 deg."""
    import astropy.units as u
    from boinor.bodies import Earth
    from boinor.twobody import Orbit

    from satcloud.constellations import sun_synchronous_orbit
    from satcloud.orbits import sun_synchronous_inclination_deg

    ref = Orbit.heliosynchronous(Earth, a=(6378.137 + altitude_km) * u.km, ecc=0 * u.one)
    orb = sun_synchronous_orbit(altitude_km, 10.0)
    sat = Constellation.from_orbits([orb]).satellites.iloc[0]
    assert sat.inclination_deg == pytest.approx(ref.inc.to_value(u.deg), abs=2e-3)
    assert sat.inclination_deg == pytest.approx(
        float(sun_synchronous_inclination_deg(altitude_km)), abs=1e-6)
    assert sat.altitude_km == pytest.approx(altitude_km, abs=1e-3)
    assert orb.ecc.value == 0.0


def test_sun_synchronous_orbit_node_at_the_local_mean_time():
    """Reference: the definition of local mean solar time, UT + longitude / 15 h, at each
    ascending equator crossing found by interpolating z = 0 in the Earth-fixed
    ephemeris (independent of the ERA/RAAN arithmetic of the solver); 06:00 to within
    a minute over six hours."""
    from satcloud.constellations import sun_synchronous_orbit

    orb = sun_synchronous_orbit(700.0, 6.0, "2020-10-01T00:00:00")
    c = Constellation.from_orbits([orb], min_elevation_deg=5.0)
    r = propagate(c, time_grid(duration="6h", step="30s")).r_ecef_km[:, 0, :]
    t_s = np.arange(len(r)) * 30.0
    up = np.flatnonzero((r[:-1, 2] < 0) & (r[1:, 2] >= 0))
    assert len(up) >= 3
    f = -r[up, 2] / (r[up + 1, 2] - r[up, 2])
    x = r[up, 0] + f * (r[up + 1, 0] - r[up, 0])
    y = r[up, 1] + f * (r[up + 1, 1] - r[up, 1])
    lmt = ((t_s[up] + f * 30.0) / 3600.0 + np.degrees(np.arctan2(y, x)) / 15.0) % 24.0
    assert np.abs(lmt - 6.0).max() < 1.0 / 60.0


def test_sun_synchronous_orbit_bad_input():
    from satcloud.constellations import sun_synchronous_orbit

    with pytest.raises(ValueError, match="ltan_h"):
        sun_synchronous_orbit(550.0, 24.0)
    with pytest.raises(ValueError, match="altitude_km"):
        sun_synchronous_orbit(100.0, 10.0)
    with pytest.raises(TypeError, match="altitude_km"):
        sun_synchronous_orbit("550", 10.0)
    with pytest.raises(ValueError, match="iterations"):
        sun_synchronous_orbit(550.0, 10.0, iterations=0)


def test_a_filed_constellation_is_a_table_edit(tmp_path):
    # Adding rows to constellation_shells.csv (and nothing else) adds a constellation:
    # a copy of the data folder with one more row, read through SATCLOUD_DATA_DIR in a
    # fresh interpreter. Reference: the Walker 10:2/5/1 shell the row describes.
    import os
    import shutil
    import subprocess
    import sys

    from satcloud import data

    folder = tmp_path / "data"
    shutil.copytree(data.data_dir(), folder, ignore=shutil.ignore_patterns("naturalearth"))
    with open(folder / "constellation_shells.csv", "a", encoding="utf-8") as fh:
        fh.write("testsat,X1,700,10.0,2,5,180,7.5,20,Ka,test row\n")
    code = ("from satcloud.constellations import CATALOGUE, constellation\n"
            "c = constellation('testsat')\n"
            "print('testsat' in CATALOGUE, len(c), sorted(set(c.satellites.raan_deg)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "SATCLOUD_DATA_DIR": str(folder)}, check=True)
    assert out.stdout.split() == ["True", "10", "[7.5,", "97.5]"]
