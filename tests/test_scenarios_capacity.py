"""Scenario tables of notebook 09 (how much can it carry?), against independent references.

References named per test: the public :func:`satcloud.capacity.capacity_series` (the
private path that flies a fleet of another date must give the same flows on the registry's
own constellation); sums of the per-cell tables computed here with numpy (served and
offered totals, continents, per-subscriber rates); the population of the shipped grid read
with the csv module times the published per-user figures of :data:`FAILOVER_CASES` (ITU
Facts and Figures 2021, GSMA 2023); SpaceX's "over 10,000 users" of February 2021; a
weighted quantile worked by hand; and the maximum-flow property that a network with a
subset of the satellites carries no more (every path of the subset exists in the full
network, and nothing else changes when the beams are not the limit).
"""

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from satcloud import capacity, constellations
from satcloud.scenarios import capacity as scap

GRID_CSV = Path(__file__).resolve().parents[1] / "data" / "demand_grid_1deg.csv"
TIME = "2026-04-02T20:00:00"
#: a small fleet for the flows (OneWeb, ~650 satellites, no lasers) keeps each flow ~1 s
ONEWEB = {"network": "oneweb", "as_of": None, "lasers": False, "day": "2026-04-02"}


@pytest.fixture(scope="module")
def small_demand():
    # Starlink's subscribers spread over Belgium, the Netherlands and Luxembourg: a
    # dense demand that the satellites over them cannot carry in full
    d = capacity.demand(countries=["BE", "NL", "LU"])
    return d[d["subscribers"] > 0].reset_index(drop=True)


@pytest.fixture(scope="module")
def results(small_demand):
    return scap.fleet_capacity({"OneWeb": ONEWEB}, small_demand)


def test_a_given_constellation_is_the_registry_constellation(small_demand):
    # reference: satcloud.capacity.capacity_series on the registry's own constellation;
    # passing that same constellation explicitly (as the 2020 fleet passes its own
    # element-set date) must give identical tables
    public = capacity.capacity_series("oneweb", [TIME], small_demand, lasers=False)
    mine = capacity.capacity_series("oneweb", [TIME], small_demand, lasers=False,
                                    constellation=constellations.network_constellation(
                                        "oneweb"))
    for name in ("cells", "countries", "regions", "summary"):
        a, b = getattr(public, name), getattr(mine, name)
        pd.testing.assert_frame_equal(a.drop(columns=["solver_s"], errors="ignore"),
                                      b.drop(columns=["solver_s"], errors="ignore"))
    assert mine.totals["served_gbps"].iloc[0] == public.totals["served_gbps"].iloc[0]
    with pytest.raises(TypeError, match="constellation must be a satcloud Constellation"):
        capacity.capacity_series("oneweb", [TIME], small_demand, constellation="oneweb")


def test_fleet_table_sums_the_cells(results, small_demand):
    t = scap.fleet_table(results).set_index("fleet").loc["OneWeb"]
    cells = results["OneWeb"].cells
    # hand sums over the per-cell table
    assert t.offered_gbps == pytest.approx(small_demand["offered_gbps"].sum(), rel=1e-12)
    assert t.served_gbps == pytest.approx(cells["served_gbps"].sum(), rel=1e-12)
    assert t.served_gbps <= t.offered_gbps + 1e-9
    assert 0.0 < t.served_fraction < 1.0  # the dense demand is not carried in full
    assert t.per_subscriber_mbps == pytest.approx(
        cells["served_gbps"].sum() * 1e3 / small_demand["subscribers"].sum(), rel=1e-12)
    full = cells["served_fraction"] >= scap.FULLY_SERVED
    assert t.cells_served_fully == pytest.approx(
        cells.loc[full, "subscribers"].sum() / cells["subscribers"].sum(), rel=1e-12)
    # the OneWeb registry: 648 satellites in 18 planes of 36 (data/constellation_shells)
    assert t.n_satellites == len(constellations.network_constellation("oneweb"))
    assert (cells["served_gbps"] <= cells["offered_gbps"] + 1e-9).all()


def test_continents_partition_the_demand(results, small_demand):
    bc = scap.fleet_by_continent(results)
    assert set(bc["continent"]) == {"Europe"}  # BE, NL, LU (Natural Earth continents)
    assert bc["offered_gbps"].sum() == pytest.approx(small_demand["offered_gbps"].sum(),
                                                     rel=1e-9)
    assert bc["served_gbps"].sum() == pytest.approx(
        results["OneWeb"].cells["served_gbps"].sum(), rel=1e-9)


def test_binding_table_is_the_summary(results):
    bt = scap.binding_table(results)
    s = results["OneWeb"].summary
    got = bt.set_index("element_type")["flow_gbps"]
    ref = s.assign(element_type=s["element_type"].astype(str)).set_index("element_type")[
        "flow_gbps"]
    assert got.to_dict() == pytest.approx(ref.to_dict())
    assert bt["binding_share"].sum() == pytest.approx(1.0, abs=1e-9)


def test_a_subset_of_the_satellites_carries_no_more(small_demand):
    # max-flow monotonicity: half the satellites (every other plane) can carry no more
    # than all of them (the beams of a cell are shared among the satellites it sees)
    full = constellations.network_constellation("oneweb")
    half = full.subset(np.flatnonzero(full.satellites["plane"].to_numpy() % 2 == 0))
    a = capacity.capacity_series("oneweb", [TIME], small_demand, lasers=False,
                                 constellation=full)
    b = capacity.capacity_series("oneweb", [TIME], small_demand, lasers=False,
                                 constellation=half)
    assert 0 < b.totals["served_gbps"].iloc[0] <= a.totals["served_gbps"].iloc[0] + 1e-9


def test_failover_demand_is_the_published_figures():
    # population of Benin in the shipped grid (csv module) x 28 % Internet users (GSMA
    # 2023) x 34 kbit/s per user (ITU Facts and Figures 2021, LDCs) x 2 (assumed busy
    # hour) -> Gbit/s
    with open(GRID_CSV, newline="") as fh:
        pop = sum(int(r["population"]) for r in csv.DictReader(fh) if r["country"] == "BJ")
    small = capacity.demand(countries=["NG"])
    small = small[small["subscribers"] > 0]
    fo = scap.failover("BJ", "starlink-gen1", TIME, demand=small).set_index("scenario")
    assert fo.loc["alone", "population"] == pop
    assert fo.loc["alone", "national_demand_gbps"] == pytest.approx(
        pop * 0.28 * 34.0 * 2.0 / 1e6, rel=1e-12)
    for s in ("alone", "with the world's demand"):
        assert 0.0 <= fo.loc[s, "share_absorbed"] <= 1.0
        assert fo.loc[s, "national_served_gbps"] <= fo.loc[s, "national_demand_gbps"] + 1e-9
    # Nigeria's demand next door competes for the same satellites and gateways
    assert fo.loc["with the world's demand", "share_absorbed"] <= \
        fo.loc["alone", "share_absorbed"] + 1e-6
    assert np.isnan(fo.loc["alone", "world_served_fraction"])


def test_failover_bad_input():
    with pytest.raises(ValueError, match="country"):
        scap.failover("XX")
    with pytest.raises(ValueError, match="case lacks"):
        scap.failover("BJ", case={"internet_user_share": 0.5})
    with pytest.raises(ValueError, match="internet_user_share"):
        scap.failover("BJ", case={"internet_user_share": 1.5,
                                  "international_kbps_per_user": 34.0, "peak_to_mean": 2.0})


def test_claim_2020_counts_ten_thousand_users():
    # SpaceX to the FCC, 3 February 2021: "over 10,000 users"; the United States and Canada
    cl = scap.claim_distribution(["Starlink Oct 2020"], claim_mbps=100.0)
    assert cl["subscribers"].sum() == pytest.approx(10_000.0, rel=1e-9)
    assert set(cl["country"]) <= {"US", "CA"}
    assert (cl["active_rate_mbps"] <= 100.0 + 1e-9).all()
    # active subscribers: 10 % busy-hour activity of the preset
    assert cl["active_subscribers"].sum() == pytest.approx(1_000.0, rel=1e-9)
    # the rate of an active subscriber is the served traffic over the active subscribers
    rate = np.minimum(cl["served_gbps"] * 1e3 / cl["active_subscribers"], 100.0)
    np.testing.assert_allclose(cl["active_rate_mbps"], rate, rtol=1e-12)


def test_claim_summary_weighted_quantiles_by_hand():
    cells = pd.DataFrame({"fleet": "x", "subscribers_basis": "2020",
                          "subscribers": [1.0, 1.0, 2.0], "active_rate_mbps": [10.0, 50.0, 100.0],
                          "claim_mbps": 100.0, "meets_claim": [False, False, True]})
    s = scap.claim_summary(cells, quantiles=(0.1, 0.5, 0.9)).iloc[0]
    # cumulative subscriber shares 0.25, 0.5, 1.0: p10 -> 10, p50 -> 50, p90 -> 100
    assert (s.rate_p10_mbps, s.rate_p50_mbps, s.rate_p90_mbps) == (10.0, 50.0, 100.0)
    assert s.share_meeting_claim == 0.5
    assert s.subscribers == 4.0


def test_site_capacity_splits_the_cell_and_bounds_the_request(small_demand):
    sites = pd.DataFrame({"name": ["Brussels DC", "Atlantic"], "lat_deg": [50.85, 45.2],
                          "lon_deg": [4.35, -30.7]})
    t = scap.site_capacity(sites, [TIME], "oneweb", site_demand_gbps=5.0,
                           demand=small_demand)
    assert list(t["site"]) == ["Brussels DC", "Atlantic"]
    # the 1 degree cells of data/demand_grid_1deg.csv are centred on half degrees
    assert list(t["lat_deg"]) == [50.5, 45.5]
    assert list(t["lon_deg"]) == [4.5, -30.5]
    assert (t["site_served_gbps"] <= 5.0 + 1e-9).all()
    assert (t["site_alone_gbps"] <= 5.0 + 1e-9).all()
    # the cell's demand besides the site is the demand table's row of that cell
    row = small_demand[(small_demand.lat_deg == 50.5) & (small_demand.lon_deg == 4.5)]
    assert t["cell_demand_gbps"].iloc[0] == pytest.approx(row["offered_gbps"].sum(),
                                                          rel=1e-9)
    assert t["cell_demand_gbps"].iloc[1] == 0.0
    # pooled: the site's share of its cell's served traffic is its share of the demand
    np.testing.assert_allclose(t["site_served_gbps"],
                               t["cell_served_gbps"] * 5.0 / (t["cell_demand_gbps"] + 5.0))
    with pytest.raises(ValueError, match="share a 1 degree cell"):
        scap.site_capacity(pd.DataFrame({"name": ["a", "b"], "lat_deg": [50.1, 50.9],
                                         "lon_deg": [4.1, 4.9]}), [TIME], "oneweb")
    with pytest.raises(ValueError, match="site_demand_gbps"):
        scap.site_capacity(sites, [TIME], "oneweb", site_demand_gbps=-1.0)


def test_fleets_are_checked():
    with pytest.raises(ValueError, match="fleets"):
        scap.fleet_capacity(["Starlink 2030"])
    with pytest.raises(ValueError, match="fleets"):
        scap.fleet_capacity({"x": {"network": "oneweb"}})
    with pytest.raises(ValueError, match="hour_utc"):
        scap.fleet_capacity(["Kuiper + AWS"], hour_utc=24.0)
    with pytest.raises(TypeError, match="results"):
        scap.fleet_table({})
