"""Bad input to satcloud.network: a clear error naming the public parameter, never NaN.

Every public function of the network models is fed non-finite numbers, wrong types,
empty and mismatched arrays; each case must raise the given ``ValueError`` or
``TypeError`` whose message names the parameter. A property test feeds random garbage
(hypothesis) and accepts only a named error or finite output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from satcloud.network import bentpipe, fibre, isl, routing
from satcloud.network import gateways as gw

INF, NAN = float("inf"), float("nan")
R2 = np.array([[[7000.0, 0.0, 0.0], [0.0, 7000.0, 0.0]]])        # [1, 2, 3] positions


def _routes(**kw):
    base = dict(sat_min_elevation_deg=10.0)
    base.update(kw)
    positions = base.pop("positions", R2)
    src = base.pop("src", (0.0, 0.0))
    ext = base.pop("ext", (0.0, 10.0))
    return routing.route_snapshots(positions, *src, *ext, **base)


def _gw_table():
    return gw.gateways("azure-regions")


CASES = [
    # fibre
    (lambda: fibre.resolve_route_factor(INF), ValueError, "route_factor must be a finite"),
    (lambda: fibre.resolve_route_factor(True), TypeError, "route_factor"),
    (lambda: fibre.resolve_route_factor(None), TypeError, "route_factor"),
    (lambda: fibre.resolve_route_factor(0.5), ValueError, r"route_factor must be in \[1"),
    (lambda: fibre.resolve_route_factor("fast"), ValueError, "unknown route_factor 'fast'"),
    (lambda: fibre.geodesic_distance_km([0, 1], [0, 1, 2], 0, 0), ValueError,
     r"lat1_deg, lon1_deg, lat2_deg, lon2_deg must broadcast.*lon1_deg \(3,\)"),
    (lambda: fibre.geodesic_distance_km(0, INF, 0, 0), ValueError, "lon1_deg"),
    (lambda: fibre.fibre_rtt_ms(INF), ValueError, "distance_km must be finite"),
    (lambda: fibre.fibre_rtt_ms(10.0, overhead_ms=INF), ValueError,
     "overhead_ms must be finite"),
    (lambda: fibre.fibre_rtt_ms([1.0, 2.0], overhead_ms=[1.0, 2.0, 3.0]), ValueError,
     "distance_km, overhead_ms must broadcast"),
    (lambda: fibre.fibre_path_rtt_ms(0, 0, 1, 1, hops=1, hop_overhead_ms=INF), ValueError,
     "hop_overhead_ms must be finite"),
    (lambda: fibre.fibre_path_rtt_ms(0, 0, 1, 1, hops=INF), ValueError, "hops must be finite"),
    (lambda: fibre.vacuum_rtt_ms(INF), ValueError, "distance_km must be finite"),
    (lambda: fibre.nearest_site(0, 0, "azure"), TypeError, "sites must be a pandas DataFrame"),
    (lambda: fibre.nearest_site(0, 0, pd.DataFrame({"lat_deg": ["x"], "lon_deg": [0.0],
                                                    "region": ["a"]})),
     TypeError, "sites lat_deg must be numeric"),
    # bent pipe
    (lambda: bentpipe.geo_positions_ecef_km([1.0], n_times=True), TypeError, "n_times"),
    (lambda: bentpipe.geo_floor_rtt_ms(INF), ValueError, "altitude_km must be finite"),
    (lambda: bentpipe.bent_pipe_rtt_ms([NAN, 0, 0], 0, 0, 0, 0), ValueError,
     "r_sat_km holds non-finite"),
    (lambda: bentpipe.bent_pipe_rtt_ms([1.0, 2.0], 0, 0, 0, 0), ValueError,
     r"r_sat_km must have shape \[\.\.\., 3\]"),
    (lambda: bentpipe.bent_pipe_rtt_ms("abc", 0, 0, 0, 0), TypeError, "r_sat_km"),
    (lambda: bentpipe.bent_pipe_rtt_ms(np.full((3, 3), 7000.0), [0, 1], 0, 0, 0), ValueError,
     "r_sat_km, user_lat_deg/user_lon_deg, gateway_lat_deg/gateway_lon_deg must broadcast"),
    # gateways
    (lambda: gw.gateways("grid:0"), ValueError, "gateways grid spec .*'grid:0'"),
    (lambda: gw.gateways("grid:nan"), ValueError, "gateways grid spec .*'grid:nan'"),
    (lambda: gw.gateways("grid:inf"), ValueError, "gateways grid spec .*'grid:inf'"),
    (lambda: gw.gateways(pd.DataFrame({"gateway": ["a"], "lat_deg": [NAN], "lon_deg": [0.0]})),
     ValueError, "gateways lat_deg contains NaN"),
    (lambda: gw.gateway_to_destination_ms("x", 0, 0), TypeError, "gateway_table"),
    (lambda: gw.gateway_to_destination_ms(pd.DataFrame({"a": [1]}), 0, 0), ValueError,
     r"gateway_table lacks column\(s\)"),
    (lambda: gw.gateway_to_destination_ms(_gw_table(), [1.0, 2.0], [1.0]), ValueError,
     "dest_lat_deg and dest_lon_deg must be 1-D of one length"),
    (lambda: gw.gateway_to_destination_ms(_gw_table(), 0.0, 0.0, INF), ValueError,
     "route_factor must be a finite"),
    # laser links
    (lambda: isl.plus_grid_edges([0, 0], [0, 1], [0, 1], inter_plane_slot_offset=True),
     TypeError, "inter_plane_slot_offset must be an integer"),
    (lambda: isl.segment_min_radius_km([NAN, 0, 0], [1, 0, 0]), ValueError, "a_km"),
    (lambda: isl.isl_snapshots(np.full((1, 2, 3), NAN), [[0, 1]]), ValueError,
     "r_ecef_km holds non-finite"),
    (lambda: isl.isl_snapshots(R2, [[0, 1]], grazing_altitude_km=INF), ValueError,
     "grazing_altitude_km must be a finite"),
    (lambda: isl.isl_snapshots(R2, [[0, 1]], max_isl_range_km=NAN), ValueError,
     "max_isl_range_km"),
    (lambda: isl.isl_snapshots(R2, [[0.5, 1.0]]), TypeError, "edges must hold integer"),
    (lambda: isl.isl_graph([[0, 1]], [1.0], [True], 1), ValueError, "edges index satellites"),
    # routing
    (lambda: _routes(positions=np.full((1, 2, 3), NAN)), ValueError,
     "positions holds non-finite"),
    (lambda: _routes(positions=np.zeros((1, 0, 3))), ValueError, "positions hold no satellite"),
    (lambda: _routes(positions="abc"), TypeError, "positions must be an array"),
    (lambda: _routes(sat_min_elevation_deg=INF), ValueError, "sat_min_elevation_deg"),
    (lambda: _routes(sat_min_elevation_deg=[10.0, 20.0, 30.0]), ValueError,
     r"sat_min_elevation_deg must be a scalar or one value per satellite \(2\)"),
    (lambda: _routes(exit_min_elevation_deg=NAN), ValueError, "exit_min_elevation_deg"),
    (lambda: _routes(reassign_interval_s=INF, times_s=[0.0]), ValueError,
     "reassign_interval_s must be a finite"),
    (lambda: _routes(reassign_interval_s=15.0, times_s=[NAN]), ValueError, "times_s"),
    (lambda: _routes(reassign_interval_s=15.0, times_s=[]), ValueError,
     "times_s must be a non-empty"),
    (lambda: _routes(exit_to_destination_ms="x"), TypeError, "exit_to_destination_ms"),
    (lambda: _routes(isl_edges=[[0.5, 1.0]]), TypeError, "isl_edges must hold integer"),
    (lambda: _routes(isl_edges=[[0, 1]], max_isl_range_km=-5.0), ValueError,
     "max_isl_range_km"),
    (lambda: _routes(chunk_elements=0), ValueError, "chunk_elements"),
    (lambda: _routes(chunk_elements=NAN), TypeError, "chunk_elements"),
    (lambda: _routes(src=([], [])), ValueError, "source_lat_deg and source_lon_deg are empty"),
    (lambda: _routes(ext=([], [])), ValueError, "exit_lat_deg and exit_lon_deg are empty"),
    (lambda: _routes(return_paths="yes"), TypeError, "return_paths must be True or False"),
    (lambda: routing.snapshot_graph(R2, 0, 0, 0, 10, sat_min_elevation_deg=10), ValueError,
     r"r_ecef_km must have shape \[N, 3\]"),
]


@pytest.mark.parametrize("call, error, message", CASES)
def test_bad_input_names_the_parameter(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_valid_input_still_gives_the_closed_forms():
    # fibre: 2 f d / (c / 1.468) (ITU-T G.652 group index; SI speed of light)
    c_fibre = 299_792.458 / 1.468
    assert fibre.fibre_rtt_ms(1000.0, 1.3, 2.0) == pytest.approx(
        2 * 1.3 * 1000.0 / c_fibre * 1e3 + 2.0, rel=1e-12)
    # GEO bent pipe at the sub-satellite point: 4 h / c
    assert bentpipe.geo_floor_rtt_ms(35786.0) == pytest.approx(
        4 * 35786.0 / 299_792.458 * 1e3, rel=1e-12)
    # an unreachable exit (inf fibre) stays a valid "no link", not an error
    res = _routes(exit_to_destination_ms=[[INF]])[0]
    assert not res.reachable.any()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.none(), st.text(max_size=3),
                 st.booleans(), st.lists(st.floats(), max_size=3)))
def test_garbage_gives_a_named_error_or_finite_output(value):
    calls = {
        "distance_km": lambda v: fibre.fibre_rtt_ms(v),
        "overhead_ms": lambda v: fibre.fibre_rtt_ms(100.0, overhead_ms=v),
        "route_factor": lambda v: fibre.fibre_rtt_ms(100.0, route_factor=v),
        "altitude_km": lambda v: bentpipe.geo_floor_rtt_ms(v),
        "hop_overhead_ms": lambda v: fibre.fibre_path_rtt_ms(0, 0, 1, 1, hops=1,
                                                             hop_overhead_ms=v),
        "grazing_altitude_km": lambda v: isl.isl_snapshots(R2, [[0, 1]],
                                                           grazing_altitude_km=v).length_km,
        "sat_min_elevation_deg": lambda v: _routes(sat_min_elevation_deg=v)[0].total_ms,
    }
    for name, call in calls.items():
        try:
            out = call(value)
        except (TypeError, ValueError) as exc:
            assert name in str(exc), (name, value, str(exc))
            continue
        arr = np.asarray(out, dtype=float)
        finite_or_unreachable = np.isfinite(arr) | (np.isposinf(arr) & (
            name == "sat_min_elevation_deg"))
        assert finite_or_unreachable.all(), (name, value, out)


@pytest.mark.parametrize("kwargs, name", [
    # found by the hypothesis test above in CI: 2 * 9e305 * 100 km / c overflows to inf
    ({"distance_km": 100.0, "route_factor": 8.98846567431158e305}, "route_factor"),
    ({"distance_km": 1.7e308}, "distance_km"),   # 2 * 2.1 * 1.7e308 > float max
])
def test_fibre_rtt_overflow_is_an_error_not_inf(kwargs, name):
    with pytest.raises(ValueError, match=name):
        fibre.fibre_rtt_ms(**kwargs)


def test_fibre_path_rtt_overflow_in_hops_is_an_error_not_inf():
    with pytest.raises(ValueError, match="hop_overhead_ms"):
        fibre.fibre_path_rtt_ms(0, 0, 1, 1, hops=1e308, hop_overhead_ms=1e10)
