"""Availability: margin versus percentage of time, its inverse, world maps."""

import numpy as np
import pytest

from satcloud.links import (
    atmospheric_attenuation,
    availability_for_margin,
    availability_map,
    margin_vs_percentage,
)


def test_margin_curve_is_itur_attenuation_and_monotonic():
    df = margin_vs_percentage([47.6, 1.35], [-122.3, 103.8], 40.0, 19.0)
    assert len(df) == 2 * 9
    for (pt, p), row in df.set_index(["point", "p_percent"]).iterrows():
        ref = atmospheric_attenuation([47.6, 1.35][pt], [-122.3, 103.8][pt], 40.0, 19.0, p,
                                      method="direct")
        assert row["required_margin_db"] == pytest.approx(float(ref.total_db))
        assert row["availability_percent"] == pytest.approx(100.0 - p)
    for _, g in df.groupby("point"):
        assert np.all(np.diff(g["required_margin_db"].to_numpy()) < 0)
    # the tropics need far more margin than Seattle at 0.01 %
    m = df[df.p_percent == 0.01].set_index("point")["required_margin_db"]
    assert m[1] > 2 * m[0]


@pytest.mark.parametrize("p0", [0.01, 0.0347, 0.3, 2.5])
def test_availability_inverts_the_margin_curve(p0):
    # a margin equal to A(p0) buys 100 - p0 % (log-p interpolation of a 17-node grid)
    a = float(atmospheric_attenuation(40.7, -74.0, 35.0, 19.0, p0, method="direct").total_db)
    r = availability_for_margin(a, 40.7, -74.0, 35.0, 19.0)
    assert r["bound"].iloc[0] == "exact"
    assert r["p_percent"].iloc[0] == pytest.approx(p0, rel=0.03)


def test_availability_bounds_outside_p618_range():
    r = availability_for_margin([0.01, 200.0], 40.7, -74.0, 35.0, 19.0)
    assert r["bound"].tolist() == ["at_most", "at_least"]
    assert r["availability_percent"].tolist() == pytest.approx([95.0, 99.999])
    assert not r.isna().any().any()


def test_world_map_ku_beats_ka_for_the_same_margin():
    ds = availability_map(6.0, lat_step_deg=30.0, lon_step_deg=60.0)
    assert ds["availability_percent"].dims == ("band", "lat_deg", "lon_deg")
    assert ds["availability_percent"].shape == (2, 5, 6)
    ku = ds["availability_percent"].sel(band="Ku")
    ka = ds["availability_percent"].sel(band="Ka")
    # more rain attenuation at Ka: never better availability than Ku for the same margin
    assert (ka <= ku + 1e-9).all()
    assert (ka < ku).any()
    assert float(ds["availability_percent"].min()) >= 95.0


@pytest.mark.parametrize("call, match", [
    (lambda: margin_vs_percentage(0, 0, 30, 12.0, [0.0001, 1.0]),
     r"p_percent must be in \[0.001, 5\] %"),
    (lambda: margin_vs_percentage(0, 0, 30, 12.0, [1.0, 50.0]),
     r"p_percent must be in \[0.001, 5\] %"),
    (lambda: availability_for_margin(5.0, 0, 0, -1.0, 12.0),
     r"elevation_deg must be in \(0, 90\] deg"),
    (lambda: availability_map(6.0, lat_step_deg=0.0), r"lat_step_deg must be in \(0, 90\]"),
    (lambda: availability_map({"Ku": 6.0}, bands_ghz={"Ku": 11.7, "Ka": 19.0}),
     r"margin_db lacks band\(s\) \['Ka'\]"),
])
def test_availability_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_availability_from_fade_margin_scan():
    # hand cases: the zero crossing of a margin scanned over p, interpolated in log p
    from satcloud.links import availability_from_fade_margin

    grid = np.array([0.01, 0.1, 1.0])
    assert availability_from_fade_margin([1.0, 2.0, 3.0], grid) == (0.01, "at_least")
    assert availability_from_fade_margin([-3.0, -2.0, -1.0], grid) == (1.0, "at_most")
    p, bound = availability_from_fade_margin([-2.0, 0.0, 1.0], grid)
    assert (p, bound) == (pytest.approx(0.1), "exact")
    p, _ = availability_from_fade_margin([-1.0, 1.0, 2.0], grid)   # half way in log p
    assert p == pytest.approx(10 ** -1.5)
    rows, bounds = availability_from_fade_margin([[-1.0, 1.0, 2.0], [1.0, 2.0, 3.0]], grid)
    assert rows == pytest.approx([10 ** -1.5, 0.01]) and list(bounds) == ["exact", "at_least"]
    with pytest.raises(ValueError, match="3 values per scan"):
        availability_from_fade_margin([1.0, 2.0], grid)


# availability_for_budget: the full-budget scan moved from satcloud.scenarios.links and
# satcloud.scenarios.datacenter (issue 12, point 1)
def test_availability_for_budget_matches_a_bisection_of_the_budget():
    """Reference: bisection in log10(p) of the full budget's fade margin
    (:func:`satcloud.links.link_budget`, ITU-R via ``itur``) for its zero crossing,
    independent of the grid inversion; the grid's log-linear interpolation over 17
    points agrees to a few percent of p."""
    from satcloud.links import link_budget
    from satcloud.links.availability import availability_for_budget

    lat, lon = np.array([1.35, 47.6, 64.1]), np.array([103.8, -122.3, -21.9])
    prof = "kuiper_user_downlink"
    r = availability_for_budget(prof, 35.0, lat, lon)
    assert list(r.columns) == ["lat_deg", "lon_deg", "elevation_deg", "range_km",
                               "p_percent", "availability_percent", "bound"]
    np.testing.assert_array_equal(r["availability_percent"], 100.0 - r["p_percent"])

    def fm(i, p):
        p = min(max(p, 0.001), 5.0)         # 10**log10(5) rounds just above 5
        return float(link_budget(prof, elevation_deg=35.0, lat_deg=lat[i], lon_deg=lon[i],
                                 p_percent=p, method="direct")["fade_margin_db"].iloc[0])

    checked = 0
    for i in range(len(lat)):
        if r["bound"].iloc[i] != "exact":
            continue
        lo, hi = -3.0, np.log10(5.0)            # fade margin < 0 at lo, >= 0 at hi
        if fm(i, 10**lo) >= 0 or fm(i, 10**hi) < 0:
            continue
        for _ in range(30):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if fm(i, 10**mid) < 0 else (lo, mid)
        assert r["p_percent"].iloc[i] == pytest.approx(10**hi, rel=0.08)
        checked += 1
    assert checked >= 1
    with pytest.raises(ValueError, match="p_grid_percent"):
        availability_for_budget(prof, 35.0, lat, lon, p_grid_percent=[0.1])
