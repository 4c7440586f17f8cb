"""Capacity per channel, beam, satellite, system and user; the '100 Mbps' claim."""

import numpy as np
import pytest

from satcloud.links import (
    beam_capacity_mbps,
    cell_area_km2,
    channels_per_beam,
    link_budget,
    max_subscribers,
    per_user_throughput_mbps,
    satellite_capacity_gbps,
    system_capacity,
    user_throughput_table,
)


def test_channels_per_beam_reuse():
    # REFERENCE.md: Starlink Ku downlink 10.7-12.7 GHz = 2,000 MHz in 250 MHz channels
    assert channels_per_beam(2000.0, 250.0) == 8
    # 4-colour reuse over 2 polarisations: each beam gets half the band -> 4 channels
    assert channels_per_beam(2000.0, 250.0, colours=4, polarizations=2) == 4
    assert channels_per_beam(2000.0, 300.0) == 6          # whole channels only


def test_satellite_and_beam_capacity():
    assert beam_capacity_mbps(750.0, 4) == pytest.approx(3000.0)
    # 16 beams x 4 channels x 750 Mbit/s = 48 Gbit/s
    assert satellite_capacity_gbps(750.0, 16, 4) == pytest.approx(48.0)


def test_system_capacity_satellite_or_gateway_limited():
    s = system_capacity(20.0, 1000, 0.2)
    assert s["capacity_gbps"].iloc[0] == pytest.approx(4000.0)     # 1000 x 0.2 x 20
    assert s["limited_by"].iloc[0] == "satellites"
    s = system_capacity(20.0, 1000, 0.2, n_gateways=[50, 500], gateway_capacity_gbps=20.0)
    assert s["capacity_gbps"].tolist() == [1000.0, 4000.0]
    assert s["limited_by"].tolist() == ["gateways", "satellites"]
    with pytest.raises(TypeError, match="give both n_gateways and gateway_capacity_gbps"):
        system_capacity(20.0, 1000, n_gateways=10)
    with pytest.raises(ValueError, match=r"fraction_over_populated_land must be in \[0, 1\]"):
        system_capacity(20.0, 1000, 1.5)


def test_per_user_contention():
    # 3,000 Mbit/s shared by 1,000 subscribers at 10 % activity: 100 active -> 30 each
    assert per_user_throughput_mbps(3000.0, 1000, 0.1) == pytest.approx(30.0)
    # a lone user gets the whole cell, capped by the terminal peak
    assert per_user_throughput_mbps(3000.0, 1, 0.1) == pytest.approx(3000.0)
    assert per_user_throughput_mbps(3000.0, 1, 0.1, peak_mbps=350.0) == pytest.approx(350.0)
    assert max_subscribers(3000.0, 100.0, 0.1) == 300
    with pytest.raises(ValueError, match=r"activity_factor must be in \(0, 1\]"):
        per_user_throughput_mbps(3000.0, 10, 0.0)


def test_cell_area():
    # nadir cone of 1.2 deg at 550 km: r = 550 tan(0.6 deg) = 5.76 km -> 104.2 km^2
    assert cell_area_km2(1.2, 550.0) == pytest.approx(104.25, abs=0.05)


def test_up_to_100_mbps_claim_for_a_density():
    # one Starlink beam with 4 channels from the budget at 40 deg over Seattle
    b = link_budget("starlink_user_downlink", None, 40.0, lat_deg=47.6, lon_deg=-122.3)
    cell = 4 * b["throughput_mbps"].iloc[0]
    t = user_throughput_table(cell, [0.1, 1.0, 10.0], cell_area_km2=250.0,
                              activity_factor=0.1, claim_mbps=100.0)
    limit = t["max_subscribers_per_km2"].iloc[0]
    # claim holds exactly up to the density C / (100 x 0.1 x area)
    assert limit == pytest.approx(np.floor(cell / 10.0) / 250.0)
    np.testing.assert_array_equal(t["meets_claim"], t["subscribers_per_km2"] <= limit)
    assert t["meets_claim"].iloc[0] and not t["meets_claim"].iloc[-1]
