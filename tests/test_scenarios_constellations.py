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
