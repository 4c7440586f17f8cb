"""Terrestrial fibre model (satcloud.network.fibre) against closed forms and published values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from satcloud.network.fibre import (
    ROUTE_FACTORS,
    fibre_path_rtt_ms,
    fibre_rtt_ms,
    geodesic_distance_km,
    nearest_site,
    resolve_route_factor,
    vacuum_rtt_ms,
)

C_KM_S = 299_792.458          # SI definition of the metre
N_GROUP = 1.468               # ITU-T G.652 fibre group index near 1550 nm


def dms(d, m, s):
    sign = -1 if d < 0 else 1
    return sign * (abs(d) + m / 60 + s / 3600)


def test_geodesic_vincenty_flinders_peak_buninyong():
    # Vincenty (1975) / Geoscience Australia worked example on GRS80:
    # Flinders Peak 37°57'03.72030"S 144°25'29.52440"E to
    # Buninyong 37°39'10.15610"S 143°55'35.38390"E: 54,972.271 m.
    # GRS80 and WGS84 differ in 1/f by 1e-10: well below a millimetre here.
    d = geodesic_distance_km(dms(-37, 57, 3.72030), dms(144, 25, 29.52440),
                             dms(-37, 39, 10.15610), dms(143, 55, 35.38390))
    assert d * 1e3 == pytest.approx(54_972.271, abs=0.001)


def haversine_km(lat1, lon1, lat2, lon2, r_km=6371.0088):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * r_km * np.arcsin(np.sqrt(h))


@settings(max_examples=200, deadline=None)
@given(st.floats(-89, 89), st.floats(-180, 180), st.floats(-89, 89), st.floats(-180, 180))
def test_geodesic_close_to_haversine(lat1, lon1, lat2, lon2):
    # the sphere of mean radius (IUGG R1 = 6371.0088 km) is within ~0.6 % of the WGS84
    # geodesic (the flattening is 0.34 %; the sphere errs by at most ~0.56 %)
    h = haversine_km(lat1, lon1, lat2, lon2)
    g = geodesic_distance_km(lat1, lon1, lat2, lon2)
    assert abs(g - h) <= 0.006 * h + 1e-6


def test_fibre_factor_one_is_geodesic_over_fibre_light_speed():
    d = np.array([0.0, 100.0, 5570.0, 20_000.0])
    expected = 2 * d / (C_KM_S / N_GROUP) * 1e3
    assert np.allclose(fibre_rtt_ms(d, "ideal"), expected, rtol=1e-14)
    assert np.allclose(fibre_rtt_ms(d, 1.0), expected, rtol=1e-14)
    # 4.90 us/km one way (REFERENCE notes): 1,000 km round trip = 9.79 ms
    assert fibre_rtt_ms(1000.0, "ideal") == pytest.approx(9.793, abs=1e-3)
    assert np.allclose(fibre_rtt_ms(d, "typical", overhead_ms=2.0), 2.1 * expected + 2.0)


def test_fibre_path_rtt_between_places():
    # London -> New York, geodesic ~5,570 km
    lon_ny = fibre_path_rtt_ms(51.50853, -0.12574, 40.71427, -74.00597, "conduit",
                               overhead_ms=1.0, hops=10, hop_overhead_ms=0.05)
    d = geodesic_distance_km(51.50853, -0.12574, 40.71427, -74.00597)
    assert 5550 < d < 5600
    assert lon_ny == pytest.approx(2 * 1.3 * d / (C_KM_S / N_GROUP) * 1e3 + 1.0 + 2 * 10 * 0.05)


def test_vacuum_floor_below_fibre():
    d = np.linspace(0, 20_000, 11)
    assert np.allclose(vacuum_rtt_ms(d), 2 * d / C_KM_S * 1e3)
    assert np.all(vacuum_rtt_ms(d) <= fibre_rtt_ms(d, "ideal"))


def test_presets_and_bad_input():
    assert ROUTE_FACTORS == {"ideal": 1.0, "conduit": 1.3, "typical": 2.1}
    assert resolve_route_factor("conduit") == 1.3
    with pytest.raises(ValueError, match="Did you mean 'typical'"):
        resolve_route_factor("typcal")
    with pytest.raises(ValueError, match=r"route_factor must be in \[1"):
        fibre_rtt_ms(100.0, 0.5)
    with pytest.raises(ValueError, match="distance_km"):
        fibre_rtt_ms(-1.0)
    with pytest.raises(ValueError, match="lat1_deg"):
        geodesic_distance_km(95.0, 0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="hops"):
        fibre_path_rtt_ms(0, 0, 1, 1, hops=1.5)
    with pytest.raises(ValueError, match="hop_overhead_ms"):
        fibre_path_rtt_ms(0, 0, 1, 1, hops=1, hop_overhead_ms=-1)


def test_nearest_site():
    import pandas as pd
    sites = pd.DataFrame({"region": ["a", "b"], "lat_deg": [0.0, 50.0], "lon_deg": [0.0, 0.0]})
    out = nearest_site([1.0, 49.0], [0.0, 1.0], sites)
    assert list(out["region"]) == ["a", "b"]
