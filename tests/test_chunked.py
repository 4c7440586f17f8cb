"""Tests of satcloud.chunked: exact reductions over time and site chunks, on Dask.

The reference is computed independently of the chunked machinery: the whole span is
propagated in memory, satellites in view are counted from the dense look angles of each
site (satcloud.geometry.look_angles, not the pruned access search), and the statistics
come from a plain Python run-length loop (itertools.groupby). Chunked results must equal
it exactly: every statistic is built from integer counts, so any difference is a bug.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import fields

import numpy as np
import pandas as pd
import pytest

from satcloud import chunked
from satcloud import time as sctime
from satcloud.sweep import local_client

distributed = pytest.importorskip("distributed")
constellations = pytest.importorskip("satcloud.constellations")
orbits = pytest.importorskip("satcloud.orbits")
geometry = pytest.importorskip("satcloud.geometry")
coverage = pytest.importorskip("satcloud.coverage")

SITES = pd.DataFrame({"site": ["seattle", "london", "singapore"],
                      "lat_deg": [47.61, 51.51, 1.35], "lon_deg": [-122.33, -0.13, 103.82]})
START, DURATION, STEP = "2020-10-01T00:00:00", "6h", "60s"


@pytest.fixture(scope="module")
def client():
    c = local_client(n_workers=2, dashboard=False, silence_logs=logging.CRITICAL,
                     set_as_default=False)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture(scope="module")
def sparse_shell():
    """48 satellites at 550 km / 53 deg: sparse, so sites see long outages."""
    return constellations.Constellation.walker(550, 53, 6, 8, min_elevation_deg=25.0)


# --------------------------------------------------------------------------------------
# the independent reference
# --------------------------------------------------------------------------------------

def _reference_column(counts, k):
    """Statistics of one site's counts by plain Python loops."""
    counts = [int(c) for c in counts]
    n = len(counts)
    out = {"n_steps": n, "sum": sum(counts), "min": min(counts), "max": max(counts),
           "covered": sum(c >= k for c in counts)}
    runs, t = [], 0
    for is_out, group in itertools.groupby(counts, key=lambda c: c < k):
        length = len(list(group))
        if is_out:
            runs.append((t, length))
        t += length
    out["n_runs"] = len(runs)
    best = max(runs, key=lambda r: (r[1], -r[0]), default=(-1, 0))   # longest, earliest
    out["longest"], out["longest_start"] = best[1], best[0]
    out["lead"] = runs[0][1] if runs and runs[0][0] == 0 else 0
    out["trail"] = runs[-1][1] if runs and runs[-1][0] + runs[-1][1] == n else 0
    return out


def _reference_frame(eph, sites, k, step_s):
    times = pd.DatetimeIndex(eph.times.utc.datetime64).tz_localize("UTC")
    min_el = eph.constellation.satellites["min_elevation_deg"].to_numpy()
    rows = []
    for site in sites.itertuples(index=False):
        el = geometry.look_angles(eph, site.lat_deg, site.lon_deg).elevation_deg   # [T, N]
        ref = _reference_column((el >= min_el).sum(axis=1), k)
        n = ref["n_steps"]
        rows.append({
            "site": site.site, "lat_deg": site.lat_deg, "lon_deg": site.lon_deg,
            "alt_m": 0.0, "fraction_covered": ref["covered"] / n,
            "mean_in_view": ref["sum"] / n, "min_in_view": ref["min"],
            "max_in_view": ref["max"], "longest_outage_s": ref["longest"] * step_s,
            "outage_count": ref["n_runs"],
            "longest_outage_start": times[ref["longest_start"]] if ref["longest"] else pd.NaT,
            "n_steps": n})
    frame = pd.DataFrame(rows)
    frame["longest_outage_start"] = pd.to_datetime(frame["longest_outage_start"], utc=True)
    return frame


# --------------------------------------------------------------------------------------
# the mergeable summary
# --------------------------------------------------------------------------------------

def _assert_summary_equal(a, b):
    for f in fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        assert np.array_equal(x, y), f"{f.name}: {x} != {y}"


def _random_counts(seed, n_t=97, n_s=6):
    rng = np.random.default_rng(seed)
    # long runs of zeros and of positives, so outages span block boundaries
    lengths = rng.integers(1, 15, size=(n_s, n_t))
    cols = []
    for s in range(n_s):
        col, on = [], bool(rng.integers(2))
        for length in lengths[s]:
            col.extend([0] * length if not on else list(rng.integers(1, 5, length)))
            on = not on
            if len(col) >= n_t:
                break
        cols.append(col[:n_t])
    counts = np.array(cols).T
    counts[:, 0] = 0                 # a site in outage all the time
    counts[:, 1] = 3                 # and one never
    return counts


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("block", [1, 5, 13, 96, 97])
def test_merged_blocks_equal_whole_span(seed, block):
    counts = _random_counts(seed)
    k = 2 if seed % 2 else 1
    whole = coverage.CoverageSummary.from_counts(counts, k=k)
    parts = [coverage.CoverageSummary.from_counts(counts[t:t + block], k=k, t0=t)
             for t in range(0, len(counts), block)]
    left = parts[0]
    for p in parts[1:]:
        left = left.merge(p)
    _assert_summary_equal(left, whole)
    level = parts                    # pairwise tree, as the Dask path merges
    while len(level) > 1:
        level = [level[i].merge(level[i + 1]) if i + 1 < len(level) else level[i]
                 for i in range(0, len(level), 2)]
    _assert_summary_equal(level[0], whole)
    # and the whole-span summary equals the plain-Python reference
    for s in range(counts.shape[1]):
        ref = _reference_column(counts[:, s], k)
        assert whole.sum_in_view[s] == ref["sum"] and whole.n_runs[s] == ref["n_runs"]
        assert whole.longest[s] == ref["longest"]
        assert whole.longest_start[s] == ref["longest_start"]
        assert whole.lead[s] == ref["lead"] and whole.trail[s] == ref["trail"]
        assert whole.covered_steps[s] == ref["covered"]
        assert (whole.min_in_view[s], whole.max_in_view[s]) == (ref["min"], ref["max"])


def test_summary_edge_cases():
    counts = np.array([[0, 1, 0], [0, 1, 1], [0, 1, 0], [0, 1, 0]])
    s = coverage.CoverageSummary.from_counts(counts)
    assert s.lead.tolist() == [4, 0, 1] and s.trail.tolist() == [4, 0, 2]
    assert s.longest.tolist() == [4, 0, 2] and s.longest_start.tolist() == [0, -1, 2]
    assert s.n_runs.tolist() == [1, 0, 2]
    # two equal longest runs: the earliest is kept, within a block and across blocks
    tie = np.array([[0], [0], [1], [0], [0], [1]])
    assert coverage.CoverageSummary.from_counts(tie).longest_start.tolist() == [0]
    a = coverage.CoverageSummary.from_counts(tie[:3])
    b = coverage.CoverageSummary.from_counts(tie[3:], t0=3)
    assert a.merge(b).longest_start.tolist() == [0]
    with pytest.raises(ValueError, match="consecutive"):
        b.merge(a)
    with pytest.raises(TypeError, match="integers"):
        coverage.CoverageSummary.from_counts(counts.astype(float))


# --------------------------------------------------------------------------------------
# the pipeline
# --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reference(sparse_shell):
    eph = orbits.propagate(sparse_shell, sctime.time_grid(START, DURATION, STEP))
    return eph, _reference_frame(eph, SITES, 1, 60.0)


def test_reference_has_outages_across_block_boundaries(reference):
    eph, _ = reference
    min_el = eph.constellation.satellites["min_elevation_deg"].to_numpy()
    crossing = 0
    for site in SITES.itertuples(index=False):
        el = geometry.look_angles(eph, site.lat_deg, site.lon_deg).elevation_deg
        out = (el >= min_el).sum(axis=1) == 0
        crossing += sum(out[t - 1] and out[t] for t in range(37, len(out), 37))
    assert crossing >= 3      # the chunked tests below do exercise the join


@pytest.mark.parametrize("where", ["synchronous", "distributed"])
def test_chunked_equals_in_memory_exactly(client, sparse_shell, reference, where):
    _, expected = reference
    run = {"scheduler": "synchronous"} if where == "synchronous" else {"client": client}
    got = chunked.coverage_over_time(sparse_shell, START, DURATION, STEP, SITES,
                                     chunk_steps=37, site_chunk_size=2, progress=False, **run)
    pd.testing.assert_frame_equal(got, expected)
    assert (got["outage_count"] > 0).all() and (got["longest_outage_s"] > 0).all()


def test_in_memory_statistics_equal_reference(reference):
    eph, expected = reference
    pd.testing.assert_frame_equal(chunked.coverage_statistics(eph, SITES), expected)


@pytest.mark.parametrize("k", [1, 2])
def test_agrees_with_coverage_site_coverage(sparse_shell, reference, k):
    """Same statistics as satcloud.coverage.site_coverage over the whole span in memory.

    Counts and run lengths are integers and equal exactly; site_coverage weights samples
    by durations from Julian-date differences (the step to ~1e-11 s), hence rtol 1e-9.
    """
    coverage = pytest.importorskip("satcloud.coverage")
    eph, _ = reference
    got = chunked.coverage_over_time(sparse_shell, START, DURATION, STEP, SITES, k=k,
                                     chunk_steps=50, scheduler="synchronous", progress=False)
    theirs = coverage.site_coverage(eph, SITES, k=k)
    assert list(got.columns[:len(theirs.columns)]) == list(theirs.columns)
    for col in ("min_in_view", "max_in_view"):
        assert np.array_equal(got[col].to_numpy(), theirs[col].to_numpy())
    for col in ("fraction_covered", "mean_in_view", "longest_outage_s"):
        np.testing.assert_allclose(got[col].to_numpy(), theirs[col].to_numpy(), rtol=1e-9)


def test_one_block_and_one_step_blocks_agree(sparse_shell, reference):
    _, expected = reference
    for chunk_steps in (1000, 1):
        got = chunked.coverage_over_time(sparse_shell, START, "1h", STEP, SITES,
                                         chunk_steps=chunk_steps, scheduler="synchronous",
                                         progress=False)
        head = chunked.coverage_statistics(
            orbits.propagate(sparse_shell, sctime.time_grid(START, "1h", STEP)), SITES)
        pd.testing.assert_frame_equal(got, head)
    assert len(expected) == 3


def test_each_task_propagates_only_its_block(sparse_shell, monkeypatch):
    """Memory per task is bounded: no call propagates more than chunk_steps times."""
    seen = []
    real = orbits.propagate

    def spy(constellation, times, **kw):
        seen.append(len(times))
        return real(constellation, times, **kw)

    monkeypatch.setattr(orbits, "propagate", spy)
    chunked.coverage_over_time(sparse_shell, START, "2h", STEP, SITES, chunk_steps=25,
                               site_chunk_size=2, scheduler="synchronous", progress=False)
    # 120 steps in blocks of 25, once per site block (2 + 1 sites)
    assert seen == [25, 25, 25, 25, 20] * 2


def test_global_grid_matches_in_memory(client, sparse_shell):
    kw = {"spacing_deg": 30.0, "chunk_steps": 15, "site_chunk_size": 25, "progress": False}
    table = chunked.coverage_over_grid(sparse_shell, START, "2h", "120s", client=client, **kw)
    ds = chunked.coverage_over_grid(sparse_shell, START, "2h", "120s", as_xarray=True,
                                    scheduler="synchronous", **kw)
    cells = coverage.global_grid(30.0)
    eph = orbits.propagate(sparse_shell, sctime.time_grid(START, "2h", "120s"))
    pd.testing.assert_frame_equal(table, chunked.coverage_statistics(eph, cells))
    assert dict(ds.sizes) == {"lat_deg": 6, "lon_deg": 12}
    assert ds["lat_deg"].values.tolist() == [-75.0, -45.0, -15.0, 15.0, 45.0, 75.0]
    for name in ("fraction_covered", "outage_count", "longest_outage_s", "area_weight"):
        assert np.array_equal(ds[name].values.ravel(), table[name].to_numpy())
    # the table summarises like coverage.grid_coverage's
    summary = coverage.coverage_summary(table)
    np.testing.assert_allclose(
        summary["fraction_covered"], float((table["fraction_covered"]
                                            * table["area_weight"]).sum()), rtol=1e-12)


def test_constellation_by_catalogue_name():
    one = pd.DataFrame({"site": ["quito"], "lat_deg": [-0.18], "lon_deg": [-78.47]})
    by_name = chunked.coverage_over_time("o3b-mpower", START, "1h", "300s", one,
                                         scheduler="synchronous", progress=False)
    by_object = chunked.coverage_over_time(constellations.constellation("o3b-mpower"), START,
                                           "1h", "300s", one, scheduler="synchronous",
                                           progress=False)
    pd.testing.assert_frame_equal(by_name, by_object)
    # MEO on the equator: an equatorial site sees several satellites at all times
    assert by_name["min_in_view"].item() >= 1


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"k": 0}, ValueError, "k must be an integer >= 1"),
    ({"k": 1.5}, ValueError, "k must be an integer >= 1"),
    ({"chunk_steps": 0}, ValueError, "chunk_steps"),
    ({"site_chunk_size": 1.5}, ValueError, "site_chunk_size"),
    ({"scheduler": "sync"}, ValueError, "unknown scheduler"),
])
def test_bad_arguments(sparse_shell, kwargs, error, message):
    with pytest.raises(error, match=message):
        chunked.coverage_over_time(sparse_shell, START, "1h", STEP, SITES, progress=False,
                                   **{"scheduler": "synchronous", **kwargs})


def test_bad_grids_and_constellations():
    with pytest.raises(ValueError, match="spacing_deg must divide 180"):
        chunked.coverage_over_grid("o3b-mpower", START, "1h", STEP, spacing_deg=7.0)
    with pytest.raises(TypeError, match="Constellation or a catalogue name"):
        chunked.coverage_over_time(42, START, "1h", STEP, SITES)
    with pytest.raises(ValueError, match="unknown constellation"):
        chunked.coverage_over_time("starlink-gen3", START, "1h", STEP, SITES)
