"""The Starlink ground segment as data (issue 13, point 4): satcloud.ground, country_of."""

import numpy as np
import pandas as pd
import pytest
import shapefile  # pyshp: reads the Natural Earth attributes independently of satcloud
from pyproj import Geod

from satcloud import data, ground, sites
from satcloud.latency import rtt
from satcloud.network.fibre import C_FIBRE_KM_PER_S, ROUTE_FACTORS

NE = ("naturalearth/shapefiles/natural_earth/cultural/ne_110m_admin_0_countries.shp")


def _ne_name_of(code):
    """Natural Earth NAME of the polygon(s) countries.csv gives an alpha-2 code."""
    c = data.countries()
    return set(c.loc[c["iso_a2"] == code, "ne_name"])


def test_every_feed_country_has_a_home_pop_in_the_pop_table():
    # reference: SpaceX's GeoIP feed of 2024-08-06 (../shared/reference/real/README.md):
    # 116 countries, 20 distinct majority PoPs, all in the PoP list
    seg = ground.ground_segment()
    assert len(seg.home_pops) == 116
    assert seg.home_pops["home_pop"].nunique() == 20
    assert seg.home_pops["home_pop"].isin(seg.pops["code"]).all()
    assert seg.country_pops["pop"].isin(seg.pops["code"]).all()
    # the runner-up has no more blocks than the home PoP
    ok = seg.home_pops["runner_up"] != ""
    assert (seg.home_pops.loc[ok, "runner_up_share"]
            <= seg.home_pops.loc[ok, "home_share"]).all()
    # Belgium in the feed: 10 of 16 blocks name Frankfurt, 3 London
    be = seg.home_pops.set_index("country").loc["BE"]
    assert (be["home_pop"], be["home_share"], be["runner_up"]) == ("frntdeu1", 0.625,
                                                                   "lndngbr1")
    # every home PoP is found by ground.home_pop for its country
    hp = ground.home_pop(country=list(seg.home_pops["country"]), rule="majority")
    assert (hp["pop"].to_numpy() == seg.home_pops["home_pop"].to_numpy()).all()


def test_gateway_table_equals_the_source_counts():
    # ../shared/reference/real/README.md: 261 sites, Ka 218 / E 43, 4,428 antennas;
    # 222 placemarks with a status in the 2023-10-10 map (all joined, co-located sites
    # sharing one)
    g = ground.ground_segment().gateways
    assert len(g) == 261 and g["band"].value_counts().to_dict() == {"Ka": 218, "E": 43}
    assert int(g["antennas"].sum()) == 4428
    dated = g.loc[g["status_date"] != "", "status_date"]
    assert dated.max() == "2023-05-23"          # the map's latest date (README)
    # the country from the coordinates against the filing's "City, CC" text (StarPerf
    # Description; "UK" is GB in ISO 3166)
    by_loc = g.set_index("location")["country"]
    assert by_loc["Frankfurt, DE"] == "DE" and by_loc["Lekki, NG"] == "NG"
    assert by_loc["Goonhilly, UK"] == "GB" and by_loc["Saguenay, QC, CA"] == "CA"
    assert by_loc["Camaçari, BR"] == "BR" and by_loc["Falda del Carmen, AR"] == "AR"
    # known limits of the 1:110m polygons: Curacao has none (its gateway falls back to
    # Venezuela, 70-80 km away), Guam none within COUNTRY_FALLBACK_KM
    assert by_loc["Willemstad, CW"] == "VE" and by_loc["Tumon, GU"] == ""


def test_a_subset_of_the_gateway_table_keeps_its_site_columns():
    # reference: the input rows themselves (a user table of gateways keeps its antenna
    # counts and bands, which satcloud.capacity reads); the Ka/E split of the first 40
    # rows and their antenna total come straight from the source table
    from satcloud.network.gateways import gateways

    full = gateways("starlink-gateways")
    part = full.iloc[:40][["gateway", "lat_deg", "lon_deg", "pop", "pop_lat_deg",
                           "pop_lon_deg", "backhaul", "band", "antennas"]]
    got = gateways(part)
    assert list(got["gateway"]) == list(part["gateway"])
    assert got["antennas"].sum() == part["antennas"].sum()
    assert list(got["band"]) == list(part["band"])
    assert "status" not in got          # only the columns the table has
    named = gateways(part[["gateway", "lat_deg", "lon_deg", "antennas"]])  # nearest PoP
    assert list(named["antennas"]) == list(part["antennas"])


def test_as_of_filters_and_lists_valid_dates():
    latest = ground.ground_segment()
    early = ground.ground_segment("2023-10-10")
    # the 23 PoPs of the 2023-10-10 community map
    assert len(early.pops) == 23 and (early.pops["in_2023_map"] == "yes").all()
    assert len(latest.pops) == 66
    # every known status date (<= 2023-05-23) precedes the earliest as_of: all stay
    assert len(early.gateways) == 261
    with pytest.raises(ValueError, match=r"2023-10-10.*2024-01-21.*2024-08-06.*2026-04-16"):
        ground.ground_segment("2020-10-29")
    with pytest.raises(ValueError, match="not a date"):
        ground.ground_segment("yesterday-ish")
    with pytest.raises(TypeError, match="as_of"):
        ground.ground_segment(20231010)
    # home PoPs only among the PoPs known then
    assert early.home_pops["home_pop"].isin(early.pops["code"]).all()


def test_country_of_known_cities_against_natural_earth_attributes():
    reader = shapefile.Reader(str(data.data_dir() / NE))
    names = {r["NAME"] for r in reader.records()}
    reader.close()
    # Brussels, Lagos, Honolulu (GeoNames coordinates)
    got = sites.country_of([50.8505, 6.4541, 21.3069], [4.3488, 3.3947, -157.8583])
    assert list(got) == ["BE", "NG", "US"]
    assert _ne_name_of("BE") == {"Belgium"} and _ne_name_of("NG") == {"Nigeria"}
    assert _ne_name_of("US") == {"United States of America"}
    assert {"Belgium", "Nigeria", "United States of America"} <= names
    # a coastal point the 1:110m outline misses: Cape Town's Sea Point, 2 km offshore
    # of the generalised coast -> South Africa by the nearest-country fallback
    assert sites.country_of(-33.9249, 18.4241, 0.0)[()] in ("", "ZA")
    assert sites.country_of(-33.9249, 18.4241)[()] == "ZA"
    # mid-Atlantic: no country within COUNTRY_FALLBACK_KM
    assert sites.country_of(0.0, -30.0)[()] == ""


def test_country_of_agrees_with_geonames_for_the_1000_cities():
    # reference: GeoNames country_code of the 1,000 most populous cities (cities.csv).
    # Disagreements are the city-states the 1:110m layer lacks (Hong Kong, Macau,
    # Singapore) and border cities the generalised borders put across (Ciudad Juarez,
    # Brazzaville, Jerusalem...): 12 of 1,000.
    c = data.cities()
    got = sites.country_of(c["lat_deg"], c["lon_deg"])
    assert (got != "").all()
    assert (got == c["country_code"].to_numpy()).sum() == 988
    # containment alone: 41 cities lie in no polygon, all within 50 km of one
    assert (sites.country_of(c["lat_deg"], c["lon_deg"], 0.0) == "").sum() == 41
    assert (sites.country_of(c["lat_deg"], c["lon_deg"], 50.0) != "").all()


def test_site_countries_table_wins_over_coordinates():
    # Singapore has no 1:110m polygon: by coordinates it is Malaysia, by name (GeoNames) SG
    assert sites.country_of(1.28967, 103.85007)[()] == "MY"
    assert list(sites.site_countries(["Singapore", "Brussels"])) == ["SG", "BE"]
    t = pd.DataFrame({"name": ["ship", "x"], "lat_deg": [0.0, 1.29],
                      "lon_deg": [-30.0, 103.85], "country": ["", "Singapore"]})
    assert list(sites.site_countries(t)) == ["", "SG"]
    assert sites.country_code("USA") == "US" and sites.country_code("bel") == "BE"
    with pytest.raises(ValueError, match="unknown country 'Atlantis'"):
        sites.country_code("Atlantis")


def test_home_pop_rules():
    # a Seattle user: the US feed names Seattle (11 %), so the regional rule homes there;
    # the majority rule takes the US rank-1 PoP (Chicago, 46 of 367 blocks)
    r = ground.home_pop([47.61], [-122.33])
    m = ground.home_pop([47.61], [-122.33], rule="majority")
    assert r["pop"].item() == "sttlwax1" and m["pop"].item() == "chcoilx1"
    # the feed's regions (reference: the 2024-08-06 feed itself, counted by hand):
    # BE has one region, BE-BRU, 10 of its 16 blocks on frntdeu1 -> Brussels is homed to
    # Frankfurt by either rule; US-CA's 28 blocks are all lsancax1; US-AK's 3 blocks name
    # Point Hope (2) and Deadhorse (1), under the share floor -> Anchorage goes to the
    # nearest of the US regional majorities (Seattle), not to a community gateway
    users = ground.home_pop([50.85, 34.05, 61.22], [4.35, -118.24, -149.90])
    assert list(users["pop"]) == ["frntdeu1", "lsancax1", "sttlwax1"]
    cp = ground.ground_segment().country_pops.set_index(["country", "pop"])
    assert cp.loc[("US", "lsancax1"), "regions"] == 1
    assert cp.loc[("BE", "frntdeu1"), "regions"] == 1
    assert cp.loc[("BE", "lndngbr1"), "regions"] == 0
    # at sea: nearest PoP (documented assumption)
    sea = ground.home_pop([0.0], [-30.0])
    assert sea["basis"].item() == "nearest PoP" and sea["country"].item() == ""
    with pytest.raises(ValueError, match="has no home PoP.*positions"):
        ground.home_pop(country=["CN"], rule="majority")
    with pytest.raises(ValueError, match="rule='regional' needs"):
        ground.home_pop(country=["BE"])


def test_backhaul_leg_equals_great_circle_fibre_delay(request):
    # reference: pyproj.Geod (Karney) geodesic from the gateway used to the user's home
    # PoP, times the route factor, at the fibre group velocity c / 1.468 (ITU-T G.652
    # group index, satcloud.network.fibre) -- both ways
    from astropy.time import Time

    df = rtt("starlink-gen1", "bent-pipe", ["Brussels", "Los Angeles"],
             "nearest Azure region", Time(["2024-01-01T00:00:00"]), route_factor="conduit",
             return_paths=False)
    assert df["reachable"].all()
    gw = data.starlink_gateways().set_index("gateway")
    pops = data.starlink_pops().set_index("code")
    geod = Geod(ellps="WGS84")
    for row in df.itertuples():
        g, p = gw.loc[row.gateway], pops.loc[row.pop]
        _, _, d_m = geod.inv(g["lon_deg"], g["lat_deg"], p["lon_deg"], p["lat_deg"])
        want = 2 * ROUTE_FACTORS["conduit"] * d_m / 1e3 / C_FIBRE_KM_PER_S * 1e3
        assert row.backhaul_ms == pytest.approx(want, rel=1e-9)
        assert row.backhaul_ms + row.pop_fibre_ms == pytest.approx(row.fibre_ms, rel=1e-12)
        parts = (row.user_link_ms + row.isl_ms + row.gateway_link_ms + row.fibre_ms
                 + row.overhead_ms)
        assert row.rtt_ms == pytest.approx(parts, rel=1e-12)
    # Los Angeles is homed to the Los Angeles PoP (US, 8 % of blocks: regional rule)
    assert df.set_index("source").loc["Los Angeles", "pop"] == "lsancax1"
    # a user table with fixed PoPs keeps them
    mine = pd.DataFrame({"gateway": ["brussels-gw"], "lat_deg": [50.85], "lon_deg": [4.35],
                         "pop": ["X"], "pop_lat_deg": [50.85], "pop_lon_deg": [4.35]})
    own = rtt("starlink-gen1", "bent-pipe", ["Brussels"], "nearest Azure region",
              Time(["2024-01-01T00:00:00"]), gateways=mine, return_paths=False)
    assert own["pop"].item() == "X" and own["backhaul_ms"].item() == 0.0


def test_grouped_routing_equals_one_group_per_run():
    # routing users of several home PoPs together equals routing each alone (the
    # routes of one user do not depend on another's)
    from astropy.time import Time

    t = Time(["2024-01-01T00:00:00", "2024-01-01T00:00:15"])
    srcs = ["Brussels", "Los Angeles", "Sydney"]
    both = rtt("starlink-gen1", "isl", srcs, "nearest Azure region", t)
    for s in srcs:
        one = rtt("starlink-gen1", "isl", [s], "nearest Azure region", t)
        sub = both[both["source"] == s].reset_index(drop=True)
        np.testing.assert_allclose(sub["rtt_ms"].to_numpy(float),
                                   one["rtt_ms"].to_numpy(float), rtol=1e-12)
        assert list(sub["pop"]) == list(one["pop"])
        assert list(sub["sat_path"]) == list(one["sat_path"])


def test_grouped_bent_pipe_equals_fixed_tables_per_user():
    # reference: each user alone, with the real gateways given as a fixed table whose
    # every row backhauls to that user's home PoP (one group, no exit pre-filtering):
    # the grouped run (one propagation, the gateways each group can share a satellite
    # with) must give the same routes
    from astropy.time import Time

    from satcloud.network.gateways import gateways

    t = Time(["2024-01-01T00:00:00", "2024-01-01T00:01:00", "2024-01-01T00:02:00"])
    srcs = ["Brussels", "Los Angeles", "Sydney", "Tokyo"]
    both = rtt("starlink-gen1", "bent-pipe", srcs, "nearest Azure region", t,
               return_paths=False)
    assert both["pop"].nunique() == 4
    gw = gateways("starlink-gateways")
    for s in srcs:
        home = ground.home_pop(*sites.resolve_sites([s])[["lat_deg", "lon_deg"]].T.to_numpy(),
                               country=list(sites.site_countries([s])))
        fixed = gw[["gateway", "lat_deg", "lon_deg"]].assign(
            pop=home["pop"].item(), pop_lat_deg=home["pop_lat_deg"].item(),
            pop_lon_deg=home["pop_lon_deg"].item())
        one = rtt("starlink-gen1", "bent-pipe", [s], "nearest Azure region", t,
                  gateways=fixed, return_paths=False)
        sub = both[both["source"] == s].reset_index(drop=True)
        assert list(sub["reachable"]) == list(one["reachable"])
        np.testing.assert_allclose(sub["rtt_ms"].to_numpy(float, na_value=np.nan),
                                   one["rtt_ms"].to_numpy(float, na_value=np.nan),
                                   rtol=1e-12)
        assert list(sub["gateway"]) == list(one["gateway"])
        np.testing.assert_allclose(sub["backhaul_ms"].to_numpy(float, na_value=np.nan),
                                   one["backhaul_ms"].to_numpy(float, na_value=np.nan),
                                   rtol=1e-12)
