"""Scenario of notebook 08: the shell design trade."""

import math

import numpy as np
import pytest

from satcloud.scenarios import design


def test_weighted_quantile_equals_numpy_inverted_cdf():
    # numpy's "inverted_cdf" quantile (Hyndman & Fan 1996, definition 1) on the values
    # repeated by their integer weights is the weighted quantile of the same definition
    rng = np.random.default_rng(1)
    v = rng.normal(50, 10, 40)
    w = rng.integers(1, 6, 40)
    expanded = np.repeat(v, w)
    for q in (0.0, 0.1, 0.5, 0.95, 1.0):
        assert design.weighted_quantile(v, w, q) == pytest.approx(
            np.quantile(expanded, q, method="inverted_cdf"))


def test_weighted_quantile_bad_input():
    with pytest.raises(ValueError, match="q must be in \\[0, 1\\]"):
        design.weighted_quantile([1, 2], [1, 1], 1.5)
    with pytest.raises(ValueError, match="weights must be in \\[0, inf\\)"):
        design.weighted_quantile([1, 2], [1, -1], 0.5)
    with pytest.raises(ValueError, match="one length"):
        design.weighted_quantile([1, 2], [1], 0.5)


def test_cities_beyond_the_shells_reach_are_never_covered_nor_reachable():
    # Closed form: a satellite at inclination i never flies over latitudes above i, and a
    # terminal sees it only within the coverage-cone central angle
    # lambda = arccos(R cos(el) / (R + h)) - el (spherical Earth), so no city poleward of
    # i + lambda is ever covered. With i = 10 deg, h = 550 km, el = 25 deg:
    # lambda ~ 8.4 deg, reach ~ 18.4 deg; Shanghai (31.2 N) and Beijing (39.9 N) lie beyond.
    r, h, el = 6371.0, 550.0, math.radians(25.0)
    reach = 10.0 + math.degrees(math.acos(r * math.cos(el) / (r + h)) - el)
    assert reach < 31.0
    out = design.shell_trade(550.0, 10.0, 12, n_satellites=144, n_cities=2,
                             duration="20min", step="600s")
    assert out["coverage_population_percent"] == 0.0
    assert out["reachable_population_percent"] == 0.0
    assert out["rtt_median_ms"] == math.inf and out["rtt_p95_ms"] == math.inf


def test_a_dense_53_degree_shell_covers_and_reaches_the_largest_cities():
    out = design.shell_trade(550.0, 53.0, 24, n_satellites=528, n_cities=5,
                             duration="20min", step="600s")
    assert out["sats_per_plane"] == 22
    assert 0.0 < out["coverage_population_percent"] <= 100.0
    assert out["reachable_population_percent"] > 0.0
    # every RTT is at least the vacuum round trip of a satellite at 550 km overhead and
    # back: 2 * 2 * 550 km / c = 7.3 ms (the gateway-side leg alone is at least that)
    assert out["rtt_median_ms"] >= 4 * 550.0 / 299_792.458 * 1e3
    assert out["rtt_p95_ms"] >= out["rtt_median_ms"]


def test_bad_plane_count_and_ranking():
    with pytest.raises(ValueError, match="planes must be a positive divisor"):
        design.shell_trade(550.0, 53.0, 25, n_satellites=1584)
    import pandas as pd

    df = pd.DataFrame({"coverage_population_percent": [100.0, 90.0, 100.0],
                       "reachable_population_percent": [100.0, 100.0, 100.0],
                       "rtt_median_ms": [30.0, 10.0, 20.0], "rtt_p95_ms": [40.0, 20.0, 30.0]})
    best = design.best_designs(df, 2)
    assert best["rtt_median_ms"].tolist() == [20.0, 30.0]
    with pytest.raises(ValueError, match=r"results lacks column\(s\) \[.rtt_p95_ms.\]"):
        design.best_designs(df.drop(columns="rtt_p95_ms"))


def test_counts_are_checked_by_the_shared_count_check():
    # _validate.check_count (shared with orbits and geometry): whole numbers >= 1, an
    # integral float from a sweep grid passes as an int (24.0 -> 24, quoted back below)
    with pytest.raises(ValueError, match=r"planes must be a positive divisor of "
                                         r"n_satellites=25; got 24$"):
        design.shell_trade(550.0, 53.0, 24.0, n_satellites=25)
    with pytest.raises(ValueError, match=r"planes must be an integer >= 1, got 24\.5"):
        design.shell_trade(550.0, 53.0, 24.5, n_satellites=1584)
    with pytest.raises(TypeError, match=r"n_satellites must be an integer >= 1, got True"):
        design.shell_trade(550.0, 53.0, 24, n_satellites=True)
    with pytest.raises(ValueError, match=r"n_cities must be an integer >= 1, got 0"):
        design.shell_trade(550.0, 53.0, 24, n_satellites=1584, n_cities=0)
    with pytest.raises(ValueError, match=r"n_cities must be in \[1, 1000\].*got 1001"):
        design.shell_trade(550.0, 53.0, 24, n_satellites=1584, n_cities=1001)
