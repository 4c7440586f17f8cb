"""The delay models of issue 14: distributions, presets, samples (satcloud.delays and the
``delay_model`` of satcloud.latency.rtt).

Independent references: scipy.stats.lognorm (a shifted log-normal is ``lognorm(s=sigma,
loc=shift, scale=median - shift)``), the closed form of its quantiles, and the preset
table's own rows.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from satcloud import data, delays, systems
from satcloud.delays import DelayComponent, delay_preset, lognormal_sigma
from satcloud.latency import rtt

# inside the validity window of the real 2026-04-02 element sets
T = ("2026-04-02T06:00:13", "30s", "15s")
LLN = pd.DataFrame({"name": ["Louvain-la-Neuve"], "lat_deg": [50.668],
                    "lon_deg": [4.611], "country": ["BE"]})


@pytest.mark.parametrize("shift, median, sigma", [(10.0, 35.0, 0.4), (0.0, 46.0, 0.5),
                                                   (5.0, 5.0, 0.0)])
def test_component_quantiles_are_scipy_lognorm(shift, median, sigma):
    c = DelayComponent(shift, median, sigma)
    p = np.array([0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])
    if sigma == 0:
        np.testing.assert_allclose(c.quantile(p), median)
        return
    # scipy.stats.lognorm: loc = shift, scale = exp(mu) = median - shift, s = sigma
    ref = stats.lognorm(s=sigma, loc=shift, scale=median - shift).ppf(p)
    np.testing.assert_allclose(c.quantile(p), ref, rtol=1e-12)
    np.testing.assert_allclose(c.draw(stats.norm.ppf(p)), ref, rtol=1e-12)


def test_lognormal_sigma_inverts_the_p95():
    # closed form: p95 = shift + (median - shift) exp(1.6449 sigma)
    s = lognormal_sigma(10.0, 35.0, 70.0)
    assert s == pytest.approx(np.log(60.0 / 25.0) / stats.norm.ppf(0.95), rel=1e-12)
    assert DelayComponent(10.0, 35.0, s).quantile(0.95) == pytest.approx(70.0, rel=1e-12)
    with pytest.raises(ValueError, match="shift_ms < median_ms <= p95_ms"):
        lognormal_sigma(10.0, 5.0, 70.0)


def test_component_bad_values():
    with pytest.raises(ValueError, match="median_ms"):
        DelayComponent(10.0, 5.0, 0.1)
    with pytest.raises(ValueError, match="sigma"):
        DelayComponent(0.0, 5.0, float("nan"))
    with pytest.raises(TypeError, match="shift_ms"):
        DelayComponent("1", 5.0, 0.1)


def test_every_network_names_a_shipped_preset_and_copies_match_their_base():
    table = data.delay_presets()
    names = set(table["preset"])
    for name, net in systems.networks().items():
        assert net.delay_preset in names, name
    # the "-assumed" presets are documented copies (fitted_to says of which preset)
    for name in ("oneweb-assumed", "kuiper-assumed", "telesat-assumed", "o3b-assumed"):
        rows = table[(table["preset"] == name) & (table["component"] == "access")]
        base = "starlink-2022" if "starlink-2022" in rows["fitted_to"].iloc[0] \
            else "starlink-2024"
        assert delay_preset(name).access == delay_preset(base).access
        assert delay_preset(name).queueing == delay_preset("starlink-2022").queueing
        assert set(rows["basis"]) == {"assumed"}
    # every row has a basis and a source; every fitted row names its measurement
    assert table["source"].str.len().min() > 10
    fitted = table[table["basis"] == "fitted"]
    assert fitted["fitted_to"].str.match(r"^(MIC|SPX|GEO)-\d\d").all()


def test_unknown_names_list_the_choices():
    with pytest.raises(ValueError, match=r"unknown delay preset 'nope'.*starlink-2022"):
        delay_preset("nope")
    with pytest.raises(ValueError, match=r"delay_model.*'propagation', 'idle', 'loaded'"):
        rtt("fibre", None, ["London"], ["Paris"], delay_model="busy")
    with pytest.raises(ValueError, match="unknown delay preset"):
        rtt("fibre", None, ["London"], ["Paris"], delay_model="idle", delay_presets="x")
    with pytest.raises(ValueError, match="unknown component"):
        delay_preset({"acess": {"median_ms": 3.0}})
    with pytest.raises(TypeError, match="delay_presets"):
        rtt("fibre", None, ["London"], ["Paris"], delay_model="idle", delay_presets=3)


def test_overrides_replace_one_parameter_of_the_network_preset():
    base = delay_preset("starlink-2024").access
    over = rtt("starlink", "bent-pipe", LLN, ["Brussels"], T, delay_model="idle",
               delay_presets={"access": {"median_ms": 40.0}}, return_paths=False)
    ref = rtt("starlink", "bent-pipe", LLN, ["Brussels"], T, delay_model="idle",
              return_paths=False)
    assert (over["access_ms"] == 40.0).all()
    assert (ref["access_ms"] == base.median_ms).all()
    # only the median moved: the shift and sigma of the base give the p95
    p95 = base.shift_ms + (40.0 - base.shift_ms) * np.exp(base.sigma * stats.norm.ppf(0.95))
    np.testing.assert_allclose((over["rtt_p95_ms"] - over["rtt_ms"]).to_numpy(float),
                               p95 - 40.0, rtol=1e-9)
    frame = pd.DataFrame({"component": ["last_mile_cable"], "parameter": ["median_ms"],
                          "value": [25.0]})
    f = rtt("fibre", None, ["London"], ["Paris"], delay_model="idle",
            delay_presets=frame, last_mile="cable")
    assert float(f["last_mile_ms"].iloc[0]) == 25.0


def test_samples_are_reproducible_and_follow_the_analytic_percentiles():
    kw = dict(delay_model="loaded", return_paths=False, samples=20000)
    one_time = ("2026-04-02T06:00:13", "1s", "1s")
    a = rtt("starlink", "bent-pipe", LLN, ["Brussels"], one_time, seed=7, **kw)
    b = rtt("starlink", "bent-pipe", LLN, ["Brussels"], one_time, seed=7, **kw)
    c = rtt("starlink", "bent-pipe", LLN, ["Brussels"], one_time, seed=8, **kw)
    assert len(a) == 20000 and list(a["sample"][:3]) == [0, 1, 2]
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["rtt_ms"].to_numpy(float), c["rtt_ms"].to_numpy(float))
    # components still sum to rtt_ms, sample by sample
    parts = a[["user_link_ms", "isl_ms", "gateway_link_ms", "fibre_ms", "overhead_ms",
               "access_ms", "last_mile_ms", "queueing_ms"]].to_numpy(float).sum(axis=1)
    np.testing.assert_allclose(parts, a["rtt_ms"].to_numpy(float), rtol=1e-12)
    # independent analytic percentiles: scipy lognorm of each component, comonotone sum
    p = delay_preset("starlink-2024")
    prop = float(rtt("starlink", "bent-pipe", LLN, ["Brussels"], one_time,
                     return_paths=False)["rtt_ms"].iloc[0])

    def ppf(q):
        return prop + sum(stats.lognorm(s=x.sigma, loc=x.shift_ms,
                                        scale=x.median_ms - x.shift_ms).ppf(q)
                          for x in (p.access, p.queueing))
    v = a["rtt_ms"].to_numpy(float)
    median_row = rtt("starlink", "bent-pipe", LLN, ["Brussels"], one_time,
                     delay_model="loaded", return_paths=False).iloc[0]
    for q, col in ((0.05, "rtt_p05_ms"), (0.5, "rtt_ms"), (0.95, "rtt_p95_ms")):
        analytic = ppf(q)
        assert float(median_row[col]) == pytest.approx(analytic, rel=1e-9)
        # 20,000 draws: the sample quantile is within 2 % of the analytic one
        assert np.quantile(v, q) == pytest.approx(analytic, rel=0.02)


def test_starlink_draws_are_shared_within_a_15_s_slot():
    # Tanveer et al. 2023: reassignments at seconds 12, 27, 42, 57. 06:00:13 and 06:00:26
    # share a slot; 06:00:28 is the next one.
    from astropy.time import Time

    times = Time(["2026-04-02T06:00:13", "2026-04-02T06:00:26", "2026-04-02T06:00:28"])
    df = rtt("starlink", "bent-pipe", LLN, ["Brussels"], times, delay_model="idle",
             samples=4, seed=3, return_paths=False)
    acc = df["access_ms"].to_numpy(float).reshape(3, 4)
    np.testing.assert_array_equal(acc[0], acc[1])
    assert not np.allclose(acc[1], acc[2])
    # fibre has no slots: every snapshot its own draw, but nothing random in the idle
    # terrestrial presets (constant last mile)
    f = rtt("fibre", None, ["London"], ["Paris"], delay_model="idle", samples=3, seed=1)
    assert f["last_mile_ms"].nunique() == 1


def test_sampling_bad_input():
    with pytest.raises(ValueError, match="samples needs a seed"):
        rtt("fibre", None, ["London"], ["Paris"], delay_model="idle", samples=3)
    with pytest.raises(ValueError, match="only used with samples"):
        rtt("fibre", None, ["London"], ["Paris"], delay_model="idle", seed=3)
    with pytest.raises(ValueError, match="propagation has no random part"):
        rtt("fibre", None, ["London"], ["Paris"], samples=3, seed=1)
    with pytest.raises(ValueError, match="memory"):
        rtt("fibre", None, ["London"], ["Paris"], delay_model="idle", samples=10**10,
            seed=1)
    with pytest.raises(ValueError, match="samples"):
        rtt("fibre", None, ["London"], ["Paris"], delay_model="idle", samples=0, seed=1)


def test_last_mile_is_a_terrestrial_users_only():
    with pytest.raises(ValueError, match="the dish"):
        rtt("geo", None, ["London"], ["Paris"], delay_model="idle", last_mile="cable")
    with pytest.raises(ValueError, match="last_mile.*ftth"):
        rtt("fibre", None, ["London"], ["Paris"], delay_model="idle", last_mile="adsl")
    geo = rtt("geo", None, ["London"], ["Paris"], delay_model="idle")
    assert float(geo["last_mile_ms"].iloc[0]) == 0.0
    # the default: FTTH, FCC MBA 2023 fibre ISPs 7-14 ms -> midpoint 10.5 ms
    fib = rtt("fibre", None, ["London"], ["Paris"], delay_model="idle")
    assert delays.DEFAULT_LAST_MILE == "ftth"
    assert float(fib["last_mile_ms"].iloc[0]) == 10.5


def test_compare_passes_the_delay_model_to_every_system_and_last_mile_to_fibre():
    from satcloud.latency import compare_rtt, summarize

    df = compare_rtt(["London"], ["Paris"], None, systems=[("fibre", "typical"),
                                                           ("geo", "bent-pipe")],
                     delay_model="idle", last_mile="dsl")
    fib, geo = df[df["network"] == "fibre"], df[df["network"] == "geo"]
    # FCC-03 midpoint 28.5 ms for DSL; GEO access is the Viasat-class constant
    assert float(fib["last_mile_ms"].iloc[0]) == 28.5
    assert float(geo["last_mile_ms"].iloc[0]) == 0.0
    assert float(geo["access_ms"].iloc[0]) == delay_preset("geo-viasat-2021").access.median_ms
    with pytest.raises(ValueError, match="none of the systems is fibre"):
        compare_rtt(["London"], ["Paris"], None, systems=[("geo", "bent-pipe")],
                    last_mile="dsl")
    # summarize runs over times and samples: 2 snapshots x 50 draws
    s = rtt("starlink", "bent-pipe", LLN, ["Brussels"], T, delay_model="idle", samples=50,
            seed=2, return_paths=False)
    row = summarize(s).iloc[0]
    assert row["n_samples"] == 50 and row["n_times"] == 2 and row["n_reachable"] == 100
    v = s["rtt_ms"].to_numpy(float)
    assert float(row["rtt_p05_ms"]) == pytest.approx(np.percentile(v, 5))
    assert float(row["rtt_median_ms"]) == pytest.approx(np.median(v))
