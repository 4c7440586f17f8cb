"""Coverage statistics against brute force, closed forms and monotonicity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from satcloud.constellations import Constellation, constellation
from satcloud.coverage import (
    coverage_summary,
    coverage_vs_deployment,
    coverage_vs_min_elevation,
    global_grid,
    grid_coverage,
    population_coverage,
    site_coverage,
    visible_counts,
)
from satcloud.geometry import look_angles
from satcloud.orbits import propagate
from satcloud.time import time_grid


@pytest.fixture(scope="module")
def oneweb_2h():
    return propagate(constellation("oneweb"), time_grid(None, "2h", "60s"))


SITES = pd.DataFrame({"site": ["equator", "london", "pole", "sydney"],
                      "lat_deg": [0.0, 51.5, 89.0, -33.9],
                      "lon_deg": [0.0, -0.1, 0.0, 151.2]})


def test_visible_counts_equal_brute_force(oneweb_2h):
    # Reference: count of look_angles elevations >= 55 deg (OneWeb's filed mask) per site
    counts = visible_counts(oneweb_2h, SITES)
    assert counts.shape == (120, 4)
    for j, s in SITES.iterrows():
        el = look_angles(oneweb_2h, s.lat_deg, s.lon_deg).elevation_deg
        assert np.array_equal(counts[:, j], (el >= 55.0).sum(axis=1))


def test_site_coverage_statistics(oneweb_2h):
    cov = site_coverage(oneweb_2h, SITES)
    el = look_angles(oneweb_2h, 51.5, -0.1).elevation_deg
    n = (el >= 55.0).sum(axis=1)
    row = cov.set_index("site").loc["london"]
    assert row["fraction_covered"] == pytest.approx((n >= 1).mean())
    assert row["mean_in_view"] == pytest.approx(n.mean())
    assert row["min_in_view"] == n.min() and row["max_in_view"] == n.max()
    # longest outage: longest run of zero samples x 60 s
    runs, cur = [0], 0
    for v in n:
        cur = cur + 1 if v == 0 else 0
        runs.append(cur)
    assert row["longest_outage_s"] == pytest.approx(60.0 * max(runs))
    # a polar orbit constellation covers the pole better than the equator
    pole = cov.set_index("site").loc["pole"]
    assert pole["mean_in_view"] > cov.set_index("site").loc["equator", "mean_in_view"]


def test_k_coverage_is_monotonic(oneweb_2h):
    f = [site_coverage(oneweb_2h, SITES, k=k)["fraction_covered"].to_numpy() for k in (1, 2, 3)]
    assert np.all(f[0] >= f[1]) and np.all(f[1] >= f[2])
    with pytest.raises(ValueError, match="k must be"):
        site_coverage(oneweb_2h, SITES, k=0)


def test_global_grid_area_weights():
    g = global_grid(10.0)
    assert len(g) == 18 * 36
    assert g["area_weight"].sum() == pytest.approx(1.0)
    # total area = 4 pi R^2 with R = 6371.0088 km (IUGG mean radius): 510.07 million km^2
    assert g["area_km2"].sum() == pytest.approx(4 * np.pi * 6371.0088**2, rel=1e-12)
    assert g["area_km2"].sum() / 1e6 == pytest.approx(510.07, abs=0.01)
    # a cell at the equator is larger than one near the pole by cos(lat) ratio ~ 11.4
    eq = g.loc[(g.lat_deg == 5.0)].area_km2.iloc[0]
    po = g.loc[(g.lat_deg == 85.0)].area_km2.iloc[0]
    assert eq / po == pytest.approx((np.sin(np.radians(10)) - 0) / (1 - np.sin(np.radians(80))),
                                    rel=1e-9)
    g60 = global_grid(5.0, lat_limit_deg=60.0)
    assert g60["lat_deg"].abs().max() < 60
    with pytest.raises(ValueError, match="divide 180"):
        global_grid(7.0)
    with pytest.raises(ValueError, match="spacing_deg"):
        global_grid(0.0)


def test_grid_coverage_area_and_population_weighted(oneweb_2h):
    g = grid_coverage(oneweb_2h, 15.0, population=True)
    area = coverage_summary(g)
    pop = coverage_summary(g, "population_weight")
    equal = coverage_summary(g, None)
    assert 0 < area["fraction_covered"] <= 1 and 0 < pop["fraction_covered"] <= 1
    # equal weights over-count the (well covered) polar cells relative to area weights
    assert equal["mean_in_view"] > area["mean_in_view"]
    assert g["population_weight"].sum() == pytest.approx(1.0)
    assert area["n_sites"] == 12 * 24
    with pytest.raises(ValueError, match="weight column"):
        coverage_summary(g, "nope")


def test_population_coverage_cities(oneweb_2h):
    cov = population_coverage(oneweb_2h, n=50)
    assert len(cov) == 50 and "population" in cov.columns
    s = coverage_summary(cov, "population")
    assert 0 <= s["fraction_covered"] <= 1


def test_coverage_vs_min_elevation_monotonic(oneweb_2h):
    g = global_grid(15.0)
    df = coverage_vs_min_elevation(oneweb_2h, g, [10, 25, 40, 55, 70], weights="area_weight")
    assert list(df["min_elevation_deg"]) == [10, 25, 40, 55, 70]
    assert np.all(np.diff(df["fraction_covered"]) <= 1e-12)
    assert np.all(np.diff(df["mean_in_view"]) <= 1e-12)
    # the 55 deg row equals the direct computation at OneWeb's own mask
    direct = coverage_summary(site_coverage(oneweb_2h, g, 55.0))
    assert df.loc[3, "fraction_covered"] == pytest.approx(direct["fraction_covered"])
    with pytest.raises(ValueError, match="min_elevations_deg"):
        coverage_vs_min_elevation(oneweb_2h, g, [95.0])


def test_coverage_vs_deployment_monotonic():
    c = Constellation.walker(550, 53, 12, 10, min_elevation_deg=25.0)
    t = time_grid(None, "1h", "120s")
    g = global_grid(15.0, lat_limit_deg=60.0)
    df = coverage_vs_deployment(c, t, g, fractions=[0.25, 0.5, 1.0], weights="area_weight")
    assert list(df["n_satellites"]) == [30, 60, 120]
    assert np.all(np.diff(df["mean_in_view"]) > 0)
    assert np.all(np.diff(df["fraction_covered"]) >= 0)
    with pytest.raises(ValueError, match="exactly one"):
        coverage_vs_deployment(c, t, g)



# demand_fraction: moved from satcloud.scenarios.competition (issue 12, point 1)
def test_demand_fraction_against_a_brute_force_look_angle_count():
    """Reference: an independent dense count with :func:`satcloud.geometry.look_angles`
    (every satellite against every site at every time; a sample counts when any site
    sees it at or above the satellite's mask)."""
    from satcloud.coverage import demand_fraction

    c = constellation("oneweb")
    eph = propagate(c, time_grid(duration="40min", step="10min"))
    sites = pd.DataFrame({"lat_deg": [51.5, -33.9, 35.7, 40.7, 1.3, -23.5],
                          "lon_deg": [-0.13, 151.2, 139.7, -74.0, 103.8, -46.6]})
    mask = c.satellites["min_elevation_deg"].to_numpy(float)
    seen = np.zeros(eph.shape, bool)
    for lat, lon in zip(sites["lat_deg"], sites["lon_deg"], strict=True):
        seen |= look_angles(eph, lat, lon).elevation_deg >= mask[None, :]
    assert demand_fraction(eph, sites, None) == pytest.approx(seen.mean(), abs=1e-12)
    assert 0.0 < seen.mean() < 1.0
    sub = demand_fraction(eph, sites, 2)        # first and last snapshots
    assert sub == pytest.approx(seen[[0, -1]].mean(), abs=1e-12)
    with pytest.raises(ValueError, match="max_times"):
        demand_fraction(eph, sites, 0)
    with pytest.raises(TypeError, match="ephemeris"):
        demand_fraction("eph", sites)
    with pytest.raises(ValueError, match="sites lacks"):
        demand_fraction(eph, pd.DataFrame({"lat": [0.0]}))
