"""GEO/MEO/LEO bent pipes (satcloud.network.bentpipe, .gateways) against closed forms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_isl import walker_ecef_km

from satcloud.network.bentpipe import (
    DEFAULT_GEO_SLOTS_LON_DEG,
    GEO_ALTITUDE_KM,
    GEO_RADIUS_KM,
    bent_pipe_rtt_ms,
    geo_floor_rtt_ms,
    geo_positions_ecef_km,
)
from satcloud.network.gateways import (
    GATEWAY_PRESETS,
    REGIONAL_TELEPORTS,
    gateway_grid,
    gateway_to_destination_ms,
    gateways,
)
from satcloud.network.routing import route_snapshots

C_KM_S = 299_792.458


def test_geo_altitude_and_floor():
    # geostationary altitude 35,786 km (REFERENCE notes; Vallado 4th ed. sec. 2.2)
    assert GEO_ALTITUDE_KM == pytest.approx(35_786.0, abs=1.0)
    # GEO floor 4 h / c ~ 477 ms
    assert geo_floor_rtt_ms() == pytest.approx(4 * 35_786.0 / C_KM_S * 1e3, abs=0.02)
    assert 477.0 < geo_floor_rtt_ms() < 478.0
    # O3b MEO at 8,062 km: 4 h / c = 107.6 ms
    assert geo_floor_rtt_ms(8062.0) == pytest.approx(107.57, abs=0.01)
    with pytest.raises(ValueError, match="altitude_km"):
        geo_floor_rtt_ms(0.0)


def test_geo_positions():
    r = geo_positions_ecef_km([0.0, 90.0, -97.1])
    assert np.allclose(np.linalg.norm(r, axis=1), GEO_RADIUS_KM)
    assert np.allclose(r[:, 2], 0.0)
    assert r[1, 1] == pytest.approx(GEO_RADIUS_KM)
    assert geo_positions_ecef_km(n_times=3).shape == (3, len(DEFAULT_GEO_SLOTS_LON_DEG), 3)
    with pytest.raises(ValueError, match="slot_lon_deg"):
        geo_positions_ecef_km([400.0])


def test_geo_bent_pipe_at_subsatellite_point_is_the_floor():
    r = geo_positions_ecef_km([9.0], n_times=1)
    res = route_snapshots(r, [0.0], [9.0], [0.0], [9.0], sat_min_elevation_deg=10.0)[0]
    # user and gateway on the equator under the satellite: 2 x (up + down) = 4 h / c
    assert 2 * res.total_ms[0, 0] == pytest.approx(geo_floor_rtt_ms(), rel=1e-12)
    assert bent_pipe_rtt_ms(r[0, 0], 0.0, 9.0, 0.0, 9.0) == pytest.approx(geo_floor_rtt_ms())


def test_geo_unreachable_from_high_latitude():
    # from 85 N a geostationary satellite is below the horizon (max elevation ~ -3 deg)
    r = geo_positions_ecef_km(DEFAULT_GEO_SLOTS_LON_DEG, n_times=1)
    res = route_snapshots(r, [85.0], [9.0], [0.0], [9.0], sat_min_elevation_deg=10.0)[0]
    assert not res.reachable[0, 0]
    assert np.isnan(res.uplink_ms[0, 0]) and res.first_sat[0, 0] == -1


def test_meo_ring_subsatellite_floor():
    # O3b mPOWER: circular equatorial 8,062 km; user and gateway at a sub-satellite point
    r, *_ = walker_ecef_km([0.0], altitude_km=8062.0, inclination_deg=0.0, planes=1,
                           sats_per_plane=11, phasing=0)
    sub_lon = np.degrees(np.arctan2(r[0, 3, 1], r[0, 3, 0]))
    res = route_snapshots(r, [0.0], [sub_lon], [0.0], [sub_lon],
                          sat_min_elevation_deg=10.0)[0]
    assert res.first_sat[0, 0] == 3
    assert 2 * res.total_ms[0, 0] == pytest.approx(4 * 8062.0 / C_KM_S * 1e3, rel=1e-9)


def test_gateway_presets():
    pops = gateways("starlink-pops")
    assert list(pops.columns) == ["gateway", "lat_deg", "lon_deg", "pop", "pop_lat_deg",
                                  "pop_lon_deg", "backhaul"]
    # the 66 located PoPs of the 2026-04-16 list (73 less 6 without a location, 1 without
    # a code; data/README.md)
    assert len(pops) == 66 and (pops["gateway"] == pops["pop"]).all()
    assert (pops["backhaul"] == "fixed").all()
    az = gateways("azure-regions")
    assert len(az) == 48
    tele = gateways("teleports")
    # azure + aws regions + ground stations + the cited regional teleports
    assert len(tele) == 48 + 29 + 24 + len(REGIONAL_TELEPORTS)
    assert not tele["gateway"].duplicated().any()
    assert all(len(row) == 4 and row[3] for row in REGIONAL_TELEPORTS)   # each has a source
    grid = gateway_grid(30.0)
    assert len(grid) == 5 * 12 and grid["pop"].isin(pops["pop"]).all()
    assert len(gateways("grid:30")) == 60
    user = pd.DataFrame({"name": ["gw1"], "lat_deg": [47.6], "lon_deg": [-122.3]})
    g = gateways(user)
    assert g.loc[0, "pop"] == "sttlwax1"          # nearest PoP: Seattle
    assert set(GATEWAY_PRESETS) >= {"starlink-pops", "azure-regions", "teleports"}


def test_starlink_gateways_preset_matches_the_source_counts():
    # ../shared/reference/real/README.md: 261 <GS> sites, Frequency Ka 218 / E 43,
    # Antenna_Count sum 4,428 (StarPerf Starlink.xml, 2024-01-21)
    g = gateways("starlink-gateways")
    assert len(g) == 261
    assert g["band"].value_counts().to_dict() == {"Ka": 218, "E": 43}
    assert int(g["antennas"].sum()) == 4428
    assert (g["backhaul"] == "home-pop").all()
    assert g["pop"].isin(gateways("starlink-pops")["pop"]).all()
    # Kuiper, OneWeb and Telesat keep the PoP preset (no real gateway data ships)
    from satcloud import systems
    assert systems.network("starlink-gen1").gateways == "starlink-gateways"
    assert {systems.network(n).gateways for n in ("kuiper", "oneweb", "telesat-2020")} == {
        "starlink-pops"}


def test_gateway_table_missing_columns_named():
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['lat_deg', 'lon_deg'\]"):
        gateways(pd.DataFrame({"gateway": ["a"], "latitude": [1.0], "longitude": [2.0]}))
    with pytest.raises(ValueError, match=r"lacks \['pop_lon_deg'\]"):
        gateways(pd.DataFrame({"gateway": ["a"], "lat_deg": [1.0], "lon_deg": [2.0],
                               "pop_lat_deg": [1.0]}))
    with pytest.raises(ValueError, match="backhaul.*'nearest'.*allowed"):
        gateways(pd.DataFrame({"gateway": ["a"], "lat_deg": [1.0], "lon_deg": [2.0],
                               "backhaul": ["nearest"]}))
    with pytest.raises(ValueError, match="2023-10-10"):
        gateways("starlink-gateways:2020-01-01")


def test_gateway_fibre_delay():
    g = pd.DataFrame({"gateway": ["g"], "lat_deg": [0.0], "lon_deg": [0.0], "pop": ["p"],
                      "pop_lat_deg": [0.0], "pop_lon_deg": [1.0]})
    ms = gateway_to_destination_ms(gateways(g), [0.0], [3.0], route_factor="ideal")
    # along the equator: 3 deg of the WGS84 equator = 3 x 111.3195 km (a * pi / 180)
    d = 3 * 6378.137 * np.pi / 180
    assert ms[0, 0] == pytest.approx(d / (C_KM_S / 1.468) * 1e3, rel=1e-9)


def test_gateway_bad_input():
    with pytest.raises(ValueError, match="Did you mean 'starlink-pops'"):
        gateways("starlink-pop")
    with pytest.raises(ValueError, match="grid"):
        gateways("grid:abc")
    with pytest.raises(ValueError, match="spacing_deg"):
        gateway_grid(0.0)
    with pytest.raises(ValueError, match="name column"):
        gateways(pd.DataFrame({"lat_deg": [0.0], "lon_deg": [0.0]}))
    with pytest.raises(TypeError, match="gateways must be"):
        gateways(3)


# --------------------------------------------------------------- per-source exit masks
def _elevation_deg(r_km, lat, lon):
    """Elevation [deg] of ECEF points from (lat, lon, 0), via PROJ topocentric."""
    from pyproj import Transformer

    tr = Transformer.from_pipeline(
        f"+proj=topocentric +ellps=WGS84 +lat_0={lat} +lon_0={lon} +h_0=0")
    r = np.asarray(r_km) * 1e3
    e, n, u = tr.transform(r[..., 0], r[..., 1], r[..., 2])
    return np.degrees(np.arctan2(u, np.hypot(e, n)))


_RNG = np.random.default_rng(7)
_SLAT, _SLON = _RNG.uniform(-55, 55, 10), _RNG.uniform(-180, 180, 10)
_XLAT, _XLON = _RNG.uniform(-55, 55, 30), _RNG.uniform(-180, 180, 30)
_FIB = _RNG.uniform(0.0, 30.0, (30, 5))
_FIB[_RNG.random((30, 5)) < 0.15] = np.inf


@pytest.mark.parametrize("kw", [
    {}, {"nearest_destination": True}, {"assignment": "highest-elevation"},
    {"reassign_interval_s": 60.0}, {"exit_to_destination_ms": None}])
def test_all_true_exit_mask_equals_the_graph_search(kw):
    # the direct masked minimum and scipy's Dijkstra agree when nothing is masked
    times = np.arange(0.0, 300.0, 30.0)
    r, *_ = walker_ecef_km(times)
    base = dict(sat_min_elevation_deg=25.0, exit_to_destination_ms=_FIB, return_paths=True,
                times_s=times)
    base.update(kw)
    a = route_snapshots(r, _SLAT, _SLON, _XLAT, _XLON, **base)
    b = route_snapshots(r, _SLAT, _SLON, _XLAT, _XLON, exit_mask=np.ones((10, 30), bool),
                        **base)
    assert sum(x.reachable.sum() for x in a) > 0
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x.reachable, y.reachable)
        ok = x.reachable
        assert np.allclose(x.total_ms[ok], y.total_ms[ok], rtol=1e-12)
        parts = y.uplink_ms + y.isl_ms + y.downlink_ms + y.fibre_ms
        assert np.allclose(parts[ok], y.total_ms[ok], rtol=1e-12)
        assert np.all(y.n_sats[ok] == 1) and np.all(y.paths[..., 0][ok] == y.first_sat[ok])


def test_exit_mask_equals_brute_force_over_allowed_gateways():
    # GEO slots, users and gateways; each user may use only some gateways. Brute force:
    # every (slot, allowed gateway) both seeing the slot above 10 deg (PROJ topocentric
    # elevation), delay |s-u| + |s-g| (bent_pipe_rtt_ms / 2) + fibre; take the minimum.
    slots = [-69.9, 9.0, 62.6]
    r = geo_positions_ecef_km(slots, n_times=1)
    users = np.array([[51.5, -0.13], [6.45, 3.39], [-23.55, -46.63], [-1.29, 36.82]])
    gws = np.array([[48.86, 2.35], [-25.73, 28.22], [-15.79, -47.88], [8.98, 7.38],
                    [25.2, 55.3], [40.4, -3.7]])
    mask = np.array([[1, 0, 0, 0, 0, 1], [0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 0, 0],
                     [0, 1, 0, 0, 1, 0]], bool)
    fib = np.abs(gws[:, :1] - np.array([[0.0, 20.0, -20.0]])) * 0.3       # [X, D] ms
    res = route_snapshots(r, users[:, 0], users[:, 1], gws[:, 0], gws[:, 1],
                          sat_min_elevation_deg=10.0, exit_to_destination_ms=fib,
                          exit_mask=mask)[0]
    for i, (la, lo) in enumerate(users):
        for d in range(3):
            best = np.inf
            for k in range(len(slots)):
                if _elevation_deg(r[0, k], la, lo) < 10.0:
                    continue
                for x in np.flatnonzero(mask[i]):
                    if _elevation_deg(r[0, k], *gws[x]) < 10.0:
                        continue
                    one_way = bent_pipe_rtt_ms(r[0, k], la, lo, *gws[x]) / 2 + fib[x, d]
                    best = min(best, one_way)
            assert res.total_ms[i, d] == pytest.approx(best, rel=1e-12)
            if np.isfinite(best):
                assert mask[i, res.exit_index[i, d]]
                assert res.fibre_ms[i, d] == fib[res.exit_index[i, d], d]
    # the nearest destination is the minimum over the destinations, with and without
    # fibre behind the exits (exits = destinations)
    for f in (fib, None):
        kw = dict(sat_min_elevation_deg=10.0, exit_to_destination_ms=f, exit_mask=mask)
        full = route_snapshots(r, users[:, 0], users[:, 1], gws[:, 0], gws[:, 1], **kw)[0]
        near = route_snapshots(r, users[:, 0], users[:, 1], gws[:, 0], gws[:, 1],
                               nearest_destination=True, **kw)[0]
        assert np.array_equal(near.total_ms[:, 0], full.total_ms.min(axis=1))
        j = near.destination_index[:, 0]
        ok = j >= 0
        assert np.array_equal(full.total_ms[np.flatnonzero(ok), j[ok]], near.total_ms[ok, 0])


def test_exit_mask_bad_input():
    r = geo_positions_ecef_km([9.0], n_times=1)
    kw = dict(sat_min_elevation_deg=10.0)
    with pytest.raises(ValueError, match=r"exit_mask must have shape \[1, 2\]"):
        route_snapshots(r, [0.0], [9.0], [0.0, 1.0], [9.0, 9.0], exit_mask=np.ones((2, 2),
                                                                                  bool), **kw)
    with pytest.raises(TypeError, match="exit_mask must be a boolean"):
        route_snapshots(r, [0.0], [9.0], [0.0], [9.0], exit_mask=[[1]], **kw)
    with pytest.raises(ValueError, match="exit_mask applies to bent pipes only"):
        route_snapshots(r, [0.0], [9.0], [0.0], [9.0], exit_mask=[[True]],
                        isl_edges=np.zeros((0, 2), int), **kw)
    none = route_snapshots(r, [0.0], [9.0], [0.0], [9.0], exit_mask=[[False]], **kw)[0]
    assert not none.reachable[0, 0] and none.exit_index[0, 0] == -1
    assert np.isnan(none.uplink_ms[0, 0]) and np.isinf(none.total_ms[0, 0])


# geo_elevation_deg: moved from satcloud.scenarios.competition (issue 12, point 1)
def test_geo_elevation_deg_on_the_equator_is_the_circle_closed_form():
    """Reference: on the equator the WGS84 ellipsoid is a circle of radius a and the
    vertical is radial, so a slot dlon away is seen at
    el = atan((cos dlon - a / r_GEO) / sin dlon) (Pratt, Bostian & Allnutt, *Satellite
    Communications*, 2nd ed., sec. 2.2, look angles to a GEO satellite); the highest of
    several slots wins."""
    from satcloud.geometry import WGS84_A_KM
    from satcloud.network.bentpipe import geo_elevation_deg

    for dlon in (0.0, 10.0, 35.0, 70.0):
        d = np.radians(dlon)
        want = 90.0 if dlon == 0 else np.degrees(np.arctan(
            (np.cos(d) - WGS84_A_KM / GEO_RADIUS_KM) / np.sin(d)))
        assert geo_elevation_deg(0.0, 20.0 + dlon, [20.0]) == pytest.approx(want, abs=1e-7)
    assert geo_elevation_deg(0.0, 30.0, [20.0, 100.0, 29.0]) == pytest.approx(
        geo_elevation_deg(0.0, 30.0, [29.0]))
    assert geo_elevation_deg(0.0, 0.0, [180.0]) < 0.0           # behind the Earth
    with pytest.raises(ValueError, match="lat_deg"):
        geo_elevation_deg(91.0, 0.0)
    with pytest.raises(TypeError, match="lon_deg"):
        geo_elevation_deg(0.0, "east")
