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
                                  "pop_lon_deg"]
    assert len(pops) == 61 and (pops["gateway"] == pops["pop"]).all()
    az = gateways("azure-regions")
    assert len(az) == 48
    tele = gateways("teleports")
    assert len(tele) == 48 + 29 + 24
    grid = gateway_grid(30.0)
    assert len(grid) == 5 * 12 and grid["pop"].isin(pops["pop"]).all()
    assert len(gateways("grid:30")) == 60
    user = pd.DataFrame({"name": ["gw1"], "lat_deg": [47.6], "lon_deg": [-122.3]})
    g = gateways(user)
    assert g.loc[0, "pop"] == "sttlwax1"          # nearest PoP: Seattle
    assert set(GATEWAY_PRESETS) >= {"starlink-pops", "azure-regions", "teleports"}


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
