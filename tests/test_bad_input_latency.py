"""satcloud.latency.rtt and friends: one way to set each option, nothing ignored, no inf.

Independent references: the fibre round trip in closed form, RTT = 2 d f / (c / n_g)
with the WGS84 geodesic d from PROJ's ``Geod`` (Karney 2013), c = 299,792.458 km/s (SI)
and n_g = 1.468 (ITU-T G.652 group index).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from satcloud.constellations import constellation
from satcloud.latency import (
    DEFAULT_COMPARISON,
    compare,
    compare_rtt,
    options_by_system,
    rtt,
    rtt_options,
    summarize,
)

C_KM_S = 299_792.458
N_G = 1.468
INF, NAN = float("inf"), float("nan")
LONDON, NYC = (51.50853, -0.12574), (40.71427, -74.00597)     # GeoNames 2643743, 5128581


def _geodesic_km(a, b):
    return Geod(ellps="WGS84").inv(a[1], a[0], b[1], b[0])[2] / 1e3


def _fibre_ms(d_km, factor):
    return 2.0 * d_km * factor / (C_KM_S / N_G) * 1e3


# ----------------------------------------------------------------- 1. the route factor
@pytest.mark.parametrize("mode, factor, label", [
    ("ideal", 1.0, "ideal"), ("conduit", 1.3, "conduit"), ("typical", 2.1, "typical"),
    (1.0, 1.0, "route factor 1"), (3.0, 3.0, "route factor 3"),
    (np.float64(1.7), 1.7, "route factor 1.7")])
def test_fibre_route_factor_is_the_mode_and_takes_effect(mode, factor, label):
    row = rtt("fibre", mode, ["London"], ["New York City"]).iloc[0]
    assert row["rtt_ms"] == pytest.approx(_fibre_ms(_geodesic_km(LONDON, NYC), factor),
                                          rel=1e-9)
    assert row["mode"] == label


def test_fibre_refuses_the_route_factor_keyword_instead_of_ignoring_it():
    # the bug: rtt("fibre", "typical", route_factor=1.0) == route_factor=3.0 silently
    for rf in (1.0, 3.0, "ideal"):
        with pytest.raises(ValueError, match=r"\['route_factor'\] do not apply to network "
                                             r"'fibre' with mode 'typical'.*options that "
                                             r"apply there are \['overhead_ms', "
                                             r"'return_paths'\].*route factor is the mode"):
            rtt("fibre", "typical", ["London"], ["New York City"], route_factor=rf)
    with pytest.raises(ValueError, match="mode for network 'fibre'"):
        rtt("fibre", 0.5, ["London"])
    with pytest.raises(ValueError, match="mode for network 'fibre'"):
        rtt("fibre", INF, ["London"])
    with pytest.raises(TypeError, match="mode for network 'fibre' is its route factor"):
        rtt("fibre", True, ["London"])


def test_route_factor_behind_the_gateways_takes_effect():
    # GEO user at the sub-satellite point, its gateway beside it, the PoP 10 deg east:
    # fibre = 2 f (d(gw, PoP) + d(PoP, destination)) / (c / n_g)
    site = pd.DataFrame({"name": ["equator 9E"], "lat_deg": [0.0], "lon_deg": [9.0]})
    gw = site.assign(pop="pop 19E", pop_lat_deg=0.0, pop_lon_deg=19.0)
    legs = 2 * _geodesic_km((0.0, 9.0), (0.0, 19.0))
    for f in (1.0, 1.7, 3.0):
        row = rtt("geo", "bent-pipe", site, site, geo_slots_lon_deg=[9.0], gateways=gw,
                  route_factor=f).iloc[0]
        assert row["fibre_ms"] == pytest.approx(_fibre_ms(legs, f), rel=1e-9)


# ------------------------------------------------- 2. options that cannot apply: refused
@pytest.mark.parametrize("network, mode, option, value", [
    ("fibre", "typical", "gateways", "azure-regions"),
    ("fibre", "typical", "gateway_min_elevation_deg", None),
    ("fibre", "typical", "min_elevation_deg", 30.0),
    ("fibre", "typical", "max_isl_range_km", 3000.0),
    ("fibre", "typical", "reassign_interval_s", None),
    ("fibre", "typical", "hop_overhead_ms", 1.0),
    ("fibre", "typical", "destination_access", "gateway"),
    ("fibre", "ideal", "geo_slots_lon_deg", [9.0]),
    ("fibre", "ideal", "time_chunk", 10),
    ("geo", "bent-pipe", "inter_plane_slot_offset", 1),
    ("geo", "bent-pipe", "max_isl_range_km", 4000.0),
    ("oneweb", "bent-pipe", "inter_plane_slot_offset", 1),
    ("oneweb", "bent-pipe", "geo_slots_lon_deg", [9.0]),
    ("starlink-gen1", "isl", "max_gateway_distance_km", 3000.0),
    ("starlink-gen1", "isl", "geo_slots_lon_deg", [9.0]),
])
def test_options_that_cannot_apply_are_refused(network, mode, option, value):
    with pytest.raises(ValueError, match=rf"\['{option}'\] do not apply to network "
                                         rf"'{network}' with mode '{mode}'.*options that "
                                         r"apply there are \[.*'overhead_ms'"):
        rtt(network, mode, ["London"], **{option: value})


def test_terminal_access_has_no_gateway_and_no_fibre():
    for option, value in (("gateways", "azure-regions"), ("route_factor", 1.5),
                          ("gateway_min_elevation_deg", 10.0)):
        with pytest.raises(ValueError, match=rf"\['{option}'\] do not apply to network "
                                             r"'starlink-gen1' with mode 'isl' and "
                                             r"destination_access='terminal'"):
            rtt("starlink-gen1", "isl", ["London"], ["Tokyo"], destination_access="terminal",
                **{option: value})


@pytest.mark.parametrize("option, value, problem", [
    ("gateways", "nonsense", "unknown gateways 'nonsense'"),
    ("min_elevation_deg", 500, r"min_elevation_deg must be in \[0, 90\]"),
    ("max_isl_range_km", -5, r"max_isl_range_km must be in \(0, inf\) km; got -5"),
    ("reassign_interval_s", -1, r"reassign_interval_s must be in \(0, inf\) s; got -1"),
])
def test_bad_values_for_fibre_are_refused_with_both_reasons(option, value, problem):
    # the cases of the issue: not applicable to fibre, and a bad value besides
    with pytest.raises(ValueError, match=rf"\['{option}'\] do not apply to network 'fibre'"
                                         rf".*besides, {option}: {problem}"):
        rtt("fibre", "typical", ["London"], **{option: value})


@pytest.mark.parametrize("network, mode, kwargs, error, message", [
    ("geo", "bent-pipe", dict(min_elevation_deg=500), ValueError, "min_elevation_deg"),
    ("geo", "bent-pipe", dict(gateway_min_elevation_deg=95), ValueError,
     r"gateway_min_elevation_deg must be in \[0, 90\]"),
    ("geo", "bent-pipe", dict(gateway_min_elevation_deg="high"), TypeError,
     "gateway_min_elevation_deg must be a number"),
    ("geo", "bent-pipe", dict(hop_overhead_ms=INF), ValueError, "hop_overhead_ms must be a "
                                                                "finite"),
    ("geo", "bent-pipe", dict(reassign_interval_s=INF), ValueError, "reassign_interval_s"),
    ("geo", "bent-pipe", dict(route_factor=INF), ValueError, "route_factor must be a finite"),
    ("geo", "bent-pipe", dict(route_factor=True), TypeError, "route_factor"),
    ("geo", "bent-pipe", dict(geo_slots_lon_deg=[INF]), ValueError, "geo_slots_lon_deg"),
    ("geo", "bent-pipe", dict(geo_slots_lon_deg=[]), ValueError,
     "geo_slots_lon_deg must be a non-empty"),
    ("geo", "bent-pipe", dict(assignment="nearest"), ValueError, "unknown assignment"),
    ("geo", "bent-pipe", dict(time_chunk=0), ValueError, "time_chunk must be an integer >= 1"),
    ("geo", "bent-pipe", dict(return_paths="yes"), TypeError, "return_paths"),
    ("starlink-gen1", "isl", dict(max_isl_range_km=0), ValueError, "max_isl_range_km"),
    ("starlink-gen1", "isl", dict(grazing_altitude_km=INF), ValueError,
     "grazing_altitude_km must be a finite"),
    ("starlink-gen1", "isl", dict(inter_plane_slot_offset=True), TypeError,
     "inter_plane_slot_offset must be an integer"),
    ("fibre", "typical", dict(overhead_ms=INF), ValueError, "overhead_ms must be a finite"),
    ("fibre", "typical", dict(overhead_ms=NAN), ValueError, "overhead_ms must be a finite"),
    ("fibre", "typical", dict(overhead_ms=-1.0), ValueError, r"overhead_ms must be in \[0"),
    ("fibre", "typical", dict(overhead_ms="3"), TypeError, "overhead_ms must be a number"),
    ("geo", 3, {}, TypeError, "mode for network 'geo' must be one of"),
])
def test_every_value_is_checked_with_the_public_name(network, mode, kwargs, error, message):
    with pytest.raises(error, match=message) as info:
        rtt(network, mode, ["London"], times=("2020-10-01", "60s", "60s"), **kwargs)
    # internal names of the routing layer never leak through rtt
    for internal in ("exit_min_elevation_deg", "max_range_km", "sat_min_elevation_deg",
                     "slot_lon_deg must"):
        if internal not in message:
            assert internal not in str(info.value).replace("geo_slots_lon_deg", "")


def test_overhead_inf_no_longer_gives_an_infinite_reachable_row():
    with pytest.raises(ValueError, match="overhead_ms"):
        rtt("fibre", "typical", ["London"], overhead_ms=INF)
    df = rtt("fibre", "typical", ["London"], overhead_ms=5.0)
    assert df["reachable"].all() and np.isfinite(df["rtt_ms"].astype(float)).all()


# ------------------------------------------------------------- 4. clear errors
@pytest.mark.parametrize("bad", [42, None, 3.5, ["fibre"], object()])
def test_network_of_the_wrong_type_is_a_type_error(bad):
    with pytest.raises(TypeError, match=r"network must be a network name \(one of \['fibre', "
                                        r"'geo', .*'starlink-gen1'"):
        rtt(bad)


def test_empty_or_non_finite_times_and_bad_ephemerides():
    from astropy.time import Time

    with pytest.raises(ValueError, match="times is empty"):
        rtt("fibre", "typical", ["London"], times=Time([], format="jd"))
    o3b = constellation("o3b-mpower")
    r = np.zeros((1, len(o3b.satellites), 3))
    r[0, 0, 0] = NAN
    eph = SimpleNamespace(r_ecef_km=r, constellation=o3b,
                          times=Time(["2020-10-01T00:00:00"]))
    with pytest.raises(ValueError, match=r"network \(the ephemeris' r_ecef_km\) holds "
                                         "non-finite"):
        rtt(eph, "bent-pipe", ["London"])


def test_a_constellation_with_nan_elevation_masks_names_the_network():
    o3b = constellation("o3b-mpower")
    o3b.satellites["min_elevation_deg"] = NAN
    times = ("2020-10-01", "60s", "60s")
    with pytest.raises(ValueError, match=r"network 'o3b-mpower': its satellites' "
                                         r"min_elevation_deg must be finite") as info:
        rtt(o3b, "bent-pipe", ["London"], times=times)
    assert "sat_min_elevation_deg" not in str(info.value)
    ok = rtt(o3b, "bent-pipe", ["London"], times=times, min_elevation_deg=10.0)
    assert np.isfinite(ok["rtt_ms"].astype(float)).all()


def test_compare_needs_systems_and_routes_each_option_to_where_it_applies():
    with pytest.raises(ValueError, match=r"systems is empty.*networks and their modes: "
                                         r"\{'fibre': \['ideal', 'conduit', 'typical'\]"):
        compare(["London"], systems=[])
    with pytest.raises(TypeError, match="systems must be a sequence of"):
        compare(["London"], systems="fibre")
    with pytest.raises(ValueError, match="systems entries must be .network, mode. pairs"):
        compare(["London"], systems=["fibre"])
    with pytest.raises(ValueError, match=r"option\(s\) \['gateways'\] apply to none of the "
                                         r"systems \[\('fibre', 'ideal'\)\]"):
        compare(["London"], systems=[("fibre", "ideal")], gateways="azure-regions")
    with pytest.raises(TypeError, match=r"unknown rtt option\(s\) \['gatways'\]"):
        compare_rtt(["London"], systems=[("fibre", "ideal")], gatways="azure-regions")
    with pytest.raises(ValueError, match="hop_overhead_ms must be a finite"):
        compare_rtt(["London"], systems=[("geo", "bent-pipe")], hop_overhead_ms=INF)
    systems = [("fibre", "ideal"), ("geo", "bent-pipe")]
    plain = compare_rtt(["London"], "nearest AWS region", None, systems)
    routed = compare_rtt(["London"], "nearest AWS region", None, systems, hop_overhead_ms=1.0,
                         max_gateway_distance_km=None)
    fib = plain["network"] == "fibre"
    pd.testing.assert_frame_equal(plain[fib], routed[fib])             # fibre untouched
    geo_plain, geo_routed = plain[~fib].iloc[0], routed[~fib].iloc[0]
    # a bent pipe traverses one satellite: overhead = 2 directions x hop_overhead_ms x 1
    assert geo_routed["overhead_ms"] == pytest.approx(2.0)
    assert geo_plain["overhead_ms"] == 0.0


def test_rtt_options_and_options_by_system():
    assert rtt_options("fibre") == ("overhead_ms", "return_paths")
    assert "inter_plane_slot_offset" not in rtt_options("starlink-gen1", "bent-pipe")
    assert "max_gateway_distance_km" in rtt_options("geo")
    assert "route_factor" not in rtt_options("kuiper", "isl", destination_access="terminal")
    parts = options_by_system(DEFAULT_COMPARISON, {"overhead_ms": 1.0,
                                                   "inter_plane_slot_offset": 1})
    for (_network, mode), part in zip(DEFAULT_COMPARISON, parts, strict=True):
        assert part["overhead_ms"] == 1.0
        assert ("inter_plane_slot_offset" in part) == (mode == "isl")


def test_summarize_garbage():
    df = rtt("fibre", "typical", ["London", "Lagos"])
    with pytest.raises(TypeError, match="df must be the DataFrame rtt"):
        summarize("rows")
    with pytest.raises(ValueError, match="df has no rows"):
        summarize(df.iloc[:0])
    with pytest.raises(ValueError, match=r"df lacks column\(s\) \['sat_path'\]"):
        summarize(df.drop(columns="sat_path"))
    one = summarize(df, by="source")
    assert list(one["source"]) == ["London", "Lagos"]
    assert not math.isnan(float(one["rtt_median_ms"].iloc[0]))
