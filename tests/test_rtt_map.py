"""The idle-RTT map (issue 14, point 5): :func:`satcloud.latency.rtt_map`.

The independent reference is :func:`satcloud.latency.rtt`, the per-source path engine:
one Dijkstra from each user over the full snapshot graph (user -> satellites -> lasers
-> gateways -> PoP -> destination), where the map runs one Dijkstra per destination
group from the other end and a vectorised minimum over the cells' serving satellites.
Both must give the same round trip, parts, gateway, PoP and destination to 1e-9 ms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from satcloud import data, latency
from satcloud.network.fibre import C_FIBRE_KM_PER_S, geodesic_distance_km
from satcloud.time import time_grid

TARGETS = ("home PoP", "nearest Azure region")
#: Hawthorne, CA #2, a real Starlink gateway (data/starlink_gateways.csv); a user there
#: is homed to the Los Angeles PoP (lsancax1).
HAWTHORNE = (33.92015, -118.33222)
#: The North Atlantic, 30 N 40 W: no country, nearest PoP New York; the nearest gateway
#: is thousands of km away (asserted below).
MID_ATLANTIC = (30.0, -40.0)
TOL_MS = 1e-9


@pytest.fixture(scope="module")
def cells() -> pd.DataFrame:
    grid = data.demand_grid().sample(24, random_state=7).reset_index(drop=True)
    extra = pd.DataFrame({"lat_deg": [HAWTHORNE[0], MID_ATLANTIC[0]],
                          "lon_deg": [HAWTHORNE[1], MID_ATLANTIC[1]],
                          "country": ["US", ""], "population": [1, 0]})
    out = pd.concat([grid, extra], ignore_index=True)
    out["name"] = [f"cell {i}" for i in range(len(out))]
    return out


@pytest.fixture(scope="module")
def times():
    # three snapshots 15 min apart inside the 2026-04-02 element sets' validity
    return time_grid("2026-04-02T06:00:00", "45min", "15min")


@pytest.fixture(scope="module")
def mapped(cells, times):
    return latency.rtt_map("starlink", None, cells, times, destinations=TARGETS,
                           per_time=True)


@pytest.fixture(scope="module")
def reference(cells, times) -> dict:
    return {t: latency.rtt("starlink", None, cells, t, times, delay_model="idle")
            for t in TARGETS}


def _per_time(ds, target) -> pd.DataFrame:
    df = ds.sel(target=target).to_dataframe().reset_index()
    df["time"] = df["time"].dt.tz_localize("UTC")
    return df


@pytest.mark.parametrize("target", TARGETS)
def test_map_equals_the_per_source_engine(mapped, reference, target):
    _, ds = mapped
    ref = reference[target]
    got = _per_time(ds, target)
    m = ref.merge(got, left_on=["time", "source"], right_on=["time", "cell"],
                  suffixes=("", "_map"), validate="one_to_one")
    assert len(m) == len(ref) == len(got)
    assert (m["reachable"].to_numpy() == m["reachable_map"].to_numpy()).all()
    ok = m["reachable"].to_numpy()
    assert ok.sum() >= 0.9 * len(m)
    for c in ("rtt_ms", "rtt_p05_ms", "rtt_p95_ms", "user_link_ms", "isl_ms",
              "gateway_link_ms", "fibre_ms", "backhaul_ms", "pop_fibre_ms", "overhead_ms"):
        a = m[c].to_numpy(float, na_value=np.nan)[ok]
        b = m[c + "_map"].to_numpy(float)[ok]
        np.testing.assert_allclose(b, a, rtol=0, atol=TOL_MS, err_msg=c)
    np.testing.assert_allclose(m["floor_ms_map"], m["floor_ms"], rtol=0, atol=TOL_MS)
    for c in ("gateway", "pop", "destination"):
        assert (m[c].astype(object).to_numpy()[ok] == m[c + "_map"].to_numpy()[ok]).all(), c
    assert (m["hops"].to_numpy(float, na_value=0)[ok] == m["hops_map"].to_numpy()[ok]).all()


@pytest.mark.parametrize("target", TARGETS)
def test_per_cell_statistics_match_summarize(mapped, reference, target):
    table, _ = mapped
    got = table[table["target"] == target].set_index("cell")
    # latency.summarize: numpy percentiles over the reachable snapshots of rtt()
    ref = latency.summarize(reference[target], by="source").set_index("source")
    for c in ("rtt_min_ms", "rtt_p05_ms", "rtt_p95_ms"):
        np.testing.assert_allclose(got.loc[ref.index, c].to_numpy(float, na_value=np.nan),
                                   ref[c].to_numpy(float, na_value=np.nan), rtol=0,
                                   atol=TOL_MS, err_msg=c)
    np.testing.assert_allclose(got.loc[ref.index, "fraction_reachable"],
                               ref["fraction_reachable"], rtol=0, atol=1e-12)
    # rtt_ms is the lower median of the per-snapshot round trips (numpy, method="lower")
    r = reference[target]
    for cell, g in r[r["reachable"]].groupby("source"):
        v = g["rtt_ms"].to_numpy(float)
        assert abs(got.loc[cell, "rtt_ms"] - np.percentile(v, 50, method="lower")) <= TOL_MS


def test_components_sum_to_rtt_and_floor_below_propagation_below_idle(mapped):
    table, ds = mapped
    ok = table["rtt_ms"].notna().to_numpy()
    t = table[ok]
    parts = ["user_link_ms", "isl_ms", "gateway_link_ms", "fibre_ms", "overhead_ms",
             "access_ms", "last_mile_ms", "queueing_ms"]
    np.testing.assert_allclose(t[parts].to_numpy(float).sum(axis=1),
                               t["rtt_ms"].to_numpy(float), rtol=0, atol=1e-9)
    np.testing.assert_allclose(t["backhaul_ms"] + t["pop_fibre_ms"], t["fibre_ms"], rtol=0,
                               atol=1e-9)
    prop = t["propagation_ms"].to_numpy(float)
    assert (t["floor_ms"].to_numpy(float) <= prop + 1e-9).all()
    assert (prop < t["rtt_ms"].to_numpy(float)).all()     # idle adds the access delay
    # and snapshot by snapshot
    reach = ds["reachable"].to_numpy()
    total = sum(ds[c].to_numpy() for c in ("user_link_ms", "isl_ms", "gateway_link_ms",
                                           "fibre_ms", "overhead_ms")) + ds.attrs["access_ms"]
    np.testing.assert_allclose(total[reach], ds["rtt_ms"].to_numpy()[reach], rtol=0, atol=1e-9)
    assert (ds["floor_ms"].to_numpy()[reach] <= total[reach]).all()


def test_a_user_at_a_gateway_of_its_home_pop_gets_the_bent_pipe(mapped, cells):
    _, ds = mapped
    name = cells.loc[(cells["lat_deg"] == HAWTHORNE[0]), "name"].item()
    one = ds.sel(target="home PoP", cell=name)
    assert one["reachable"].all()
    assert (one["hops"] == 2).all() and (one["isl_ms"] == 0).all()
    assert set(one["pop"].to_numpy()) == {"lsancax1"}
    # user and gateway at the same point see the same satellite at the same range:
    # the uplink equals the downlink (closed form, symmetric slant ranges) ...
    np.testing.assert_allclose(one["user_link_ms"], one["gateway_link_ms"], rtol=0, atol=1e-9)
    # ... and the backhaul is route factor 2.1 x the geodesic to the PoP over c / n_g
    pops = data.load_table("starlink_pops")
    la = pops.loc[pops["code"] == "lsancax1"].iloc[0]
    d = geodesic_distance_km(HAWTHORNE[0], HAWTHORNE[1], la["lat_deg"], la["lon_deg"])
    np.testing.assert_allclose(one["backhaul_ms"], 2 * 2.1 * d / C_FIBRE_KM_PER_S * 1e3,
                               rtol=1e-12)


def test_a_mid_ocean_user_gets_lasers(mapped, cells):
    _, ds = mapped
    gw = data.load_table("starlink_gateways")
    # no gateway shares a satellite with it: a satellite at radius r is seen above
    # elevation e within the Earth central angle psi = acos(R cos e / r) - e (spherical
    # Earth), so two points seeing one satellite are at most 2 psi apart; with the
    # highest 2026 shell (< 580 km) and Starlink's 25 deg mask, 2 psi R ~ 1,960 km
    e, r, big_r = np.radians(25.0), 6378.137 + 580.0, 6378.137
    psi = np.arccos(big_r * np.cos(e) / r) - e
    d = geodesic_distance_km(MID_ATLANTIC[0], MID_ATLANTIC[1], gw["lat_deg"].to_numpy(float),
                             gw["lon_deg"].to_numpy(float))
    assert d.min() > 2 * psi * big_r + 100.0
    name = cells.loc[(cells["lat_deg"] == MID_ATLANTIC[0]), "name"].item()
    for target in TARGETS:
        one = ds.sel(target=target, cell=name)
        ok = one["reachable"].to_numpy()
        assert ok.any()
        assert (one["isl_ms"].to_numpy()[ok] > 0).all()
        assert (one["hops"].to_numpy()[ok] >= 3).all()
    assert set(ds.sel(target="home PoP", cell=name)["pop"].to_numpy()) == {"nwyynyx1"}


def test_distributed_equals_synchronous(cells, times, mapped):
    pytest.importorskip("distributed")
    table, _ = mapped
    got = latency.rtt_map("starlink", None, cells, times[:2], destinations=TARGETS,
                          scheduler="distributed", n_workers=1, snapshots_per_task=1)
    sync = latency.rtt_map("starlink", None, cells, times[:2], destinations=TARGETS)
    pd.testing.assert_frame_equal(got, sync)


# ------------------------------------------------------------------ bad input

def test_unknown_destination_names_the_valid_ones(cells, times):
    with pytest.raises(ValueError, match=r"destinations: unknown destination 'nearest GCP "
                                         r"region'.*home PoP.*nearest Azure region"):
        latency.rtt_map("starlink", None, cells, times, destinations="nearest GCP region")


def test_cells_missing_columns(times):
    with pytest.raises(ValueError, match=r"cells lacks column\(s\) \['lon_deg'\]"):
        latency.rtt_map("starlink", None, pd.DataFrame({"lat_deg": [1.0]}), times)
    with pytest.raises(TypeError, match="cells must be a DataFrame"):
        latency.rtt_map("starlink", None, [(1.0, 2.0)], times)


def test_memory_estimate_too_large(cells, times, monkeypatch):
    monkeypatch.setattr("satcloud._validate.MAX_ARRAY_BYTES", 10_000)
    with pytest.raises(ValueError, match=r"rtt_map: 3 snapshots x 26 cells x 2 targets "
                                         r"would need about .* GB"):
        latency.rtt_map("starlink", None, cells, times)


def test_snapshots_closer_than_the_reassignment_interval(cells):
    with pytest.raises(ValueError, match="at least 15 s apart"):
        latency.rtt_map("starlink", None, cells, time_grid("2026-04-02T06:00:00", "20s",
                                                           "10s"))


def test_networks_it_does_not_map(cells, times):
    with pytest.raises(ValueError, match="network 'fibre' is fibre: use rtt"):
        latency.rtt_map("fibre", None, cells, times)
    # Kuiper's gateways sit at PoPs with no operator feed: no home PoP to map
    with pytest.raises(ValueError, match="destinations='home PoP' needs gateways"):
        latency.rtt_map("kuiper", None, cells.head(2), times[:1], destinations="home PoP")


# ------------------------------------------------------------------ scenarios

def test_rtt_map_by_region_weights_by_population():
    from satcloud.scenarios import latency as slat
    t = pd.DataFrame({
        "target": ["home PoP"] * 4, "continent": ["A", "A", "A", "B"],
        "population": [1.0, 1.0, 3.0, 2.0],
        "rtt_ms": pd.array([10.0, 20.0, 30.0, None], dtype="Float64"),
        "floor_ms": [1.0, 2.0, 3.0, 4.0], "bent_pipe_share": pd.array(
            [1.0, 0.0, 0.6, None], dtype="Float64"),
        "fraction_reachable": [1.0, 1.0, 1.0, 0.0]})
    got = slat.rtt_map_by_region(t).set_index("continent")
    # by hand: A's cumulative weights 1, 2, 5 over 10, 20, 30 ms: half of 5 is reached
    # at 30 ms; 90 % too; bent pipe in the 1 + 3 of 5 people whose share >= 0.5
    assert got.loc["A", "rtt_median_ms"] == 30.0 and got.loc["A", "rtt_p90_ms"] == 30.0
    assert got.loc["A", "floor_median_ms"] == 3.0
    assert got.loc["A", "bent_pipe_population_share"] == pytest.approx(4 / 5)
    assert got.loc["A", "laser_population_share"] == pytest.approx(1 / 5)
    assert got.loc["B", "unreachable_population_share"] == 1.0
    assert np.isnan(got.loc["B", "rtt_median_ms"])
    world = slat.rtt_map_by_region(t, by=None)
    assert world["region"].tolist() == ["world"] and world["population"].item() == 7.0
    with pytest.raises(ValueError, match=r"table lacks column\(s\) \['population'\]"):
        slat.rtt_map_by_region(t.drop(columns="population"))


def test_idle_rtt_map_subsamples_the_populated_grid():
    from satcloud.scenarios import latency as slat
    grid = data.demand_grid()
    # by hand: the cells whose centres sit on a 30 degree lattice (x.5 mod 30 == 0.5)
    on = grid[((grid["lat_deg"] - 0.5) % 30 == 0) & ((grid["lon_deg"] - 0.5) % 30 == 0)]
    t = slat.idle_rtt_map(time_grid("2026-04-02T06:00:00", "15min", "15min"), every_deg=30)
    assert len(t) == 2 * len(on)
    assert set(t["target"]) == set(slat.MAP_TARGETS)
    assert t["continent"].notna().all() and (t["continent"] != "").all()
    with pytest.raises(ValueError, match="every_deg must be an integer >= 1"):
        slat.idle_rtt_map(time_grid("2026-04-02T06:00:00", "15min", "15min"), every_deg=0)


def test_serving_kernel_finds_the_pairs_of_the_numpy_search():
    # the numba kernel (satcloud._core.serving) against routing._visible, the numpy
    # search rtt() uses, on random ground points under a real snapshot
    from satcloud import orbits
    from satcloud.constellations import network_constellation
    from satcloud.network import routing

    cons = network_constellation("starlink")
    r = np.asarray(orbits.propagate(cons, time_grid("2026-04-02T06:00:00", "1s", "1s")
                                    ).r_ecef_km)[0]
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(-70, 70, 300), rng.uniform(-180, 180, 300)
    sin = np.sin(np.radians(cons.satellites["min_elevation_deg"].to_numpy(float)))
    ground = routing._Ground(lat, lon, "source")
    want = routing._visible(r[None], ground, sin, None, None)[0]
    bands = routing._SourceBands(ground, sin, 64)
    got = [(idx[v.gnd], sat, v.rng_km) for idx, v, sat in bands.visible(r)]
    g = np.concatenate([x[0] for x in got])
    s = np.concatenate([x[1] for x in got])
    d = np.concatenate([x[2] for x in got])
    a = sorted(zip(want.gnd.tolist(), want.sat.tolist(), strict=True))
    b = sorted(zip(g.tolist(), s.tolist(), strict=True))
    assert a == b and len(a) > 1000
    key_w = dict(zip(zip(want.gnd.tolist(), want.sat.tolist(), strict=True),
                     want.rng_km.tolist(), strict=True))
    np.testing.assert_allclose([key_w[k] for k in zip(g.tolist(), s.tolist(), strict=True)],
                               d, rtol=1e-15, atol=0)


def test_first_allowed_takes_each_points_cheapest_accepted_pair():
    from satcloud.network.routing import _first_allowed
    # points 0, 1, 2 with contiguous pairs; pair 1 (point 0's cheapest) and pair 3 are
    # refused; point 2 sees only unreachable satellites (inf). By hand: point 0 -> pair
    # 0 (cost 2.0, the next cheapest), point 1 -> pair 4, point 2 -> none.
    cost = np.array([2.0, 1.0, 3.0, 0.5, 0.7, np.inf, np.inf])
    gnd = np.array([0, 0, 0, 1, 1, 2, 2])
    asked = []

    def allowed(pairs):
        asked.extend(pairs.tolist())
        return ~np.isin(pairs, [1, 3])

    assert _first_allowed(cost, gnd, 4, allowed).tolist() == [0, 4, -1, -1]
    assert sorted(asked) == [0, 1, 3, 4]        # only each point's best candidates
    assert _first_allowed(np.full(2, np.inf), np.array([0, 0]), 1, allowed).tolist() == [-1]
