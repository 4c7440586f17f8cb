"""Scenario tables of the overview notebook."""

import numpy as np
import pandas as pd
import pytest

from satcloud import data, scenarios

R_MEAN_KM = 6371.0088  # IUGG mean Earth radius
C_KM_S = 299_792.458


def _haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * R_MEAN_KM * np.arcsin(np.sqrt(a))


def test_nearest_region_and_fibre_rtt_against_haversine():
    sites = data.remote_sites()
    out = scenarios.fibre_to_nearest_region(sites, "azure", route_factor="conduit")
    regions = data.azure_regions()
    for site, row in zip(sites.itertuples(), out.itertuples(), strict=True):
        d = _haversine_km(site.lat_deg, site.lon_deg, regions.lat_deg, regions.lon_deg)
        # the spherical nearest region agrees with the ellipsoidal one for these sites
        assert regions.region.iloc[int(np.argmin(d))] == row.region
        # geodesic vs spherical great circle: within 0.5 % (ellipsoid flattening bound)
        assert row.distance_km == pytest.approx(d.min(), rel=5e-3)
        # closed form: RTT = 2 * 1.3 * d / (c / 1.468)
        assert row.fibre_rtt_ms == pytest.approx(2 * 1.3 * row.distance_km * 1.468 / C_KM_S * 1e3)
        assert row.floor_rtt_ms == pytest.approx(2 * row.distance_km / C_KM_S * 1e3)
        assert row.floor_rtt_ms < row.fibre_ideal_rtt_ms < row.fibre_rtt_ms


def test_overhead_and_aws():
    sites = pd.DataFrame({"site": ["Dublin"], "lat_deg": [53.35], "lon_deg": [-6.26]})
    out = scenarios.fibre_to_nearest_region(sites, "aws", route_factor=1.0, overhead_ms=5.0)
    assert out.region.item() == "eu-west-1"
    assert out.fibre_rtt_ms.item() == pytest.approx(out.fibre_ideal_rtt_ms.item() + 5.0)


def test_bad_input():
    sites = data.remote_sites()
    with pytest.raises(ValueError, match="unknown provider 'azur'.*Did you mean 'azure'"):
        scenarios.fibre_to_nearest_region(sites, "azur")
    with pytest.raises(ValueError, match="route_factor must be in \\[1, inf\\)"):
        scenarios.fibre_to_nearest_region(sites, route_factor=0.5)
    with pytest.raises(ValueError, match="unknown route_factor 'typcal'"):
        scenarios.fibre_to_nearest_region(sites, route_factor="typcal")
    bad = sites.assign(lat_deg=[91.0] + list(sites.lat_deg[1:]))
    with pytest.raises(ValueError, match="lat_deg must be in \\[-90, 90\\] deg; got 91"):
        scenarios.fibre_to_nearest_region(bad)
