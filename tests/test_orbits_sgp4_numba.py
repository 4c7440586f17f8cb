"""The numba near-Earth SGP4 (satcloud._core.sgp4) against the C++ SGP4 of ``sgp4``.

Reference throughout: ``sgp4.api.SatrecArray.sgp4`` -- the C++ implementation of Vallado,
Crawford, Hujsak & Kelso, "Revisiting Spacetrack Report #3", AIAA 2006-6753, that
satcloud ported from. Tolerances: positions < 1e-6 km (1 mm), velocities < 1e-9 km/s,
error codes identical. The first run in a fresh environment compiles the kernels
(~30 s, then cached on disk by numba).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import WGS72, WGS84, Satrec, SatrecArray

from satcloud import orbits
from satcloud._core import sgp4 as sg
from satcloud.constellations import Constellation
from satcloud.orbits import propagate
from satcloud.time import gmst82_rad, time_grid

# These fixtures are propagated hundreds of days from their element epochs on purpose
# (backend equivalence and SGP4 error paths, not accuracy): the age warning of
# satcloud.orbits (tested in tests/test_real_constellations.py) is expected here.
pytestmark = pytest.mark.filterwarnings("ignore::satcloud.orbits.ElementAgeWarning")

DATA = Path(__file__).parent / "data"
MU72 = 398600.8  # WGS72 [km^3/s^2], for mean motions of synthetic sets
RE72 = 6378.135  # [km]


def _fixture_satrecs():
    recs = []
    for name in ("starlink_2020-02-14.tle", "iss_2018-07-03.tle"):
        lines = [ln for ln in (DATA / name).read_text().splitlines() if ln.strip()]
        recs += [Satrec.twoline2rv(lines[i + 1], lines[i + 2]) for i in range(0, len(lines), 3)]
    # the OMM fixtures, through satcloud's own loader (Satrec.sgp4init)
    for name in ("starlink_2020-02-14.csv", "starlink_2020-02-14.json"):
        recs += Constellation.from_omm(DATA / name).satrecs
    return recs


def _synthetic_satrecs(n=300, seed=20061):
    """Near-Earth element sets across inclination, eccentricity 0..0.2, B* (negative,
    zero, large), perigee 90..1,500 km (isimp = 1 below 220 km, the sfour variants
    below 156 and 98 km), both WGS72 and WGS84, both operation modes."""
    rng = np.random.default_rng(seed)
    recs = []
    incl = np.concatenate([[0.0, 180.0, 90.0, 63.4, 97.6, 53.0],
                           rng.uniform(0.0, 180.0, n - 6)])
    ecc = np.concatenate([[0.0, 1e-7, 1e-4, 1.0001e-4, 0.2, 0.1],
                          rng.uniform(0.0, 0.2, n - 6)])
    small = rng.random(n) < 0.3  # many real LEO sets are nearly circular
    small[:6] = False
    ecc[small] = rng.uniform(0.0, 2e-3, small.sum())
    hp = np.concatenate([[300.0, 550.0, 200.0, 150.0, 95.0, 1200.0],
                         rng.uniform(90.0, 1500.0, n - 6)])
    bstar = rng.choice([0.0, 1e-5, -2e-4, 3e-4, 1e-3, 5e-3, -1e-5], size=n)
    for k in range(n):
        a = (RE72 + hp[k]) / (1.0 - ecc[k])
        no_kozai = np.sqrt(MU72 / a**3) * 60.0  # [rad/min]
        s = Satrec()
        s.sgp4init(WGS84 if k % 5 == 0 else WGS72, "a" if k % 7 == 0 else "i", k,
                   25000.0 + rng.uniform(-0.5, 0.5), bstar[k], 0.0, 0.0, ecc[k],
                   rng.uniform(0, 2 * np.pi), np.radians(incl[k]), rng.uniform(0, 2 * np.pi),
                   no_kozai, rng.uniform(0, 2 * np.pi))
        recs.append(s)
    return recs


def _grid(recs, days=(-2.0, 10.0), n=97):
    jd0 = np.median([s.jdsatepoch for s in recs])
    off = np.linspace(days[0], days[1], n) + 0.123456
    return np.full(n, jd0), off


@pytest.fixture(scope="module")
def synthetic():
    recs = _synthetic_satrecs()
    assert all(s.method == "n" for s in recs)
    return recs


def _check_against_satrecarray(recs, jd, fr):
    table = orbits._near_earth_table(recs)
    e_ref, r_ref, v_ref = SatrecArray(recs).sgp4(jd, fr)
    # reference port: TEME r and v, error codes, NaN pattern
    e, r, v = sg.sgp4_teme(table, jd, fr)
    assert np.array_equal(e, e_ref)
    assert np.array_equal(np.isnan(r), np.isnan(r_ref))
    # 1 mm where SGP4 means anything; past decay SGP4 can return error-free states
    # millions of km out (drag polynomial beyond its range), where doubles only carry
    # ~1e-11 relative: there the bound is relative
    big = np.linalg.norm(np.nan_to_num(r_ref), axis=-1) > 1e5
    ok = (e_ref == 0) & ~big
    assert np.abs(r - r_ref)[ok].max() < 1e-6
    assert np.abs(v - v_ref)[ok].max() < 1e-9
    okb = (e_ref == 0) & big
    if okb.any():
        assert (np.abs(r - r_ref)[okb].max(-1) / np.linalg.norm(r_ref[okb], axis=-1)).max() < 1e-10
    # fast fused kernel: R3(gmst) r_TEME, first error per satellite
    gmst = np.random.default_rng(3).uniform(0.0, 2 * np.pi, len(jd))
    out = np.empty((len(jd), len(recs), 3))
    err_t, err_code = sg.sgp4_ecef_into(table, jd, fr, gmst, out)
    c, s = np.cos(gmst)[:, None], np.sin(gmst)[:, None]
    x, y = r_ref[..., 0].T, r_ref[..., 1].T
    ecef_ref = np.stack([c * x + s * y, -s * x + c * y, r_ref[..., 2].T], axis=-1)
    assert np.abs(out - ecef_ref)[ok.T].max() < 1e-6
    if okb.any():
        rel = np.abs(out - ecef_ref)[okb.T].max(-1) / np.linalg.norm(ecef_ref[okb.T], axis=-1)
        assert rel.max() < 1e-10
    assert np.array_equal(np.isnan(out), np.isnan(ecef_ref))
    for k in range(len(recs)):
        bad = np.flatnonzero(e_ref[k])
        assert err_t[k] == (bad[0] if bad.size else -1)
        assert err_code[k] == (e_ref[k, bad[0]] if bad.size else 0)
    return e_ref


def test_fixtures_match_satrecarray():
    recs = _fixture_satrecs()
    jd, fr = _grid(recs[:8], days=(-3.0, 3.0), n=145)
    e = _check_against_satrecarray(recs, jd, fr)
    assert not e.any()


def test_synthetic_sets_match_satrecarray_with_identical_error_codes(synthetic):
    jd, fr = _grid(synthetic)
    e = _check_against_satrecarray(synthetic, jd, fr)
    # the sample reaches every branch that matters: isimp = 1, decay and the
    # eccentricity error among them
    table = orbits._near_earth_table(synthetic)
    assert (table[:, sg.C_ISIMP] == 1).sum() > 10 and (table[:, sg.C_ISIMP] == 0).sum() > 100
    assert (table[:, sg.C_CC1] < 0).any()  # negative B*
    assert {1, 6} <= set(np.unique(e)) and (e == 0).mean() > 0.5


def test_decaying_sets_have_identical_error_codes():
    # 220 km with large drag decays within days (code 1, as the C++ code sets it), a
    # sub-orbital set dips below the surface (code 6)
    recs = []
    for k, bstar in enumerate([0.05, 0.01, 2e-3, 5e-4, -0.05]):
        s = Satrec()
        s.sgp4init(WGS72, "i", k, 25000.0, bstar, 0.0, 0.0, 5e-4, 0.0, np.radians(51.6),
                   0.0, 16.2 * 2 * np.pi / 1440.0, 0.1)
        recs.append(s)
    s = Satrec()  # perigee below the surface: code 6 around every perigee passage
    s.sgp4init(WGS72, "i", 9, 25000.0, 1e-4, 0.0, 0.0, 0.1, 0.0, np.radians(51.6), 0.0,
               np.sqrt(MU72 / 6600.0**3) * 60.0, 0.1)
    recs.append(s)
    jd, fr = _grid(recs, days=(0.0, 20.0), n=481)
    e = _check_against_satrecarray(recs, jd, fr)
    assert (e == 6).any() and (e == 1).any()


def test_beyond_simd_range_uses_reference_port():
    # decades from epoch (B* = 0): angles beyond the kernel's SIMD range -> scalar port
    recs = _synthetic_satrecs(12, seed=7)
    for s in recs:
        s.sgp4init(WGS72, "i", 1, 25000.0, 0.0, 0.0, 0.0, s.ecco, s.argpo, s.inclo, s.mo,
                   s.no_kozai, s.nodeo)
    jd = np.full(4, recs[0].jdsatepoch)
    fr = np.array([0.5, 3000.0, 3500.0, 4000.0])  # days
    mean_anomaly = orbits._near_earth_table(recs)[:, sg.C_MDOT] * fr[-1] * 1440.0  # [rad]
    assert (mean_anomaly > sg._BIG).all() and (mean_anomaly < 10 * sg._BIG).all()
    _check_against_satrecarray(recs, jd, fr)


def test_deep_space_sets_are_rejected_by_the_table():
    s = Satrec()
    s.sgp4init(WGS72, "i", 1, 25000.0, 0.0, 0.0, 0.0, 1e-4, 0.0, 0.01, 0.0,
               1.0027 * 2 * np.pi / 1440.0, 0.0)  # GEO
    assert s.method == "d" and not orbits._near_earth_mask([s]).any()
    with pytest.raises(ValueError, match="deep-space"):
        orbits._near_earth_table([s])


# ------------------------------------------------------------------- propagate


def _mixed_constellation():
    # fixtures + a GEO and a Molniya set (deep space) in the middle
    c = Constellation.from_tle(DATA / "starlink_2020-02-14.tle")
    deep = [{"OBJECT_NAME": name, "OBJECT_ID": f"2020-00{k}A", "EPOCH": "2020-02-14T00:00:00",
             "MEAN_MOTION": mm, "ECCENTRICITY": e, "INCLINATION": i, "RA_OF_ASC_NODE": 10,
             "ARG_OF_PERICENTER": 270, "MEAN_ANOMALY": 0, "EPHEMERIS_TYPE": 0,
             "CLASSIFICATION_TYPE": "U", "NORAD_CAT_ID": 90000 + k, "ELEMENT_SET_NO": 999,
             "REV_AT_EPOCH": 1, "BSTAR": 0.0, "MEAN_MOTION_DOT": 0, "MEAN_MOTION_DDOT": 0}
            for k, (name, mm, e, i) in enumerate([("GEO", 1.0027, 2e-4, 0.05),
                                                  ("MOLNIYA", 2.006, 0.72, 63.4)])]
    d = Constellation.from_omm(json.dumps(deep))
    return c.subset(range(4)) + d + c.subset(range(4, 8)) + \
        Constellation.from_tle(DATA / "iss_2018-07-03.tle")


def test_propagate_numba_equals_satrec_backend_and_routes_deep_space():
    c = _mixed_constellation()
    t = time_grid("2020-02-14T12:00:00", "12h", "120s")
    plan = orbits._Plan(c, t, "auto")
    assert list(plan.sgp4_sat_idx) == [4, 5]  # GEO and Molniya -> SatrecArray
    assert plan.sgp4_fast_idx.size == len(c) - 2
    ref = propagate(c, t, inertial=True, sgp4_backend="satrec")
    for backend in ("auto", "numba"):
        e = propagate(c, t, inertial=True, sgp4_backend=backend, chunk_steps=50)
        assert np.abs(e.r_ecef_km - ref.r_ecef_km).max() < 1e-6
        assert np.abs(e.r_eci_km - ref.r_eci_km).max() < 1e-6
    e32 = propagate(c, t, dtype=np.float32)
    assert np.abs(e32.r_ecef_km - ref.r_ecef_km).max() < 2e-3  # float32 resolution
    parts = list(orbits.iter_propagate(c, t, chunk_steps=100))
    assert np.abs(np.concatenate([p.r_ecef_km for p in parts]) - ref.r_ecef_km).max() < 1e-6


def test_propagate_fused_rotation_is_gmst82():
    # the fused kernel's Earth-fixed positions are R3(GMST82) of SatrecArray's TEME
    c = Constellation.from_tle(DATA / "iss_2018-07-03.tle")
    t = time_grid("2018-07-03T20:00:00", "3h", "60s")
    _, r, _ = SatrecArray(c.satrecs).sgp4(t.utc.jd1, t.utc.jd2)
    g = gmst82_rad(t)
    x, y = r[0, :, 0], r[0, :, 1]
    ref = np.stack([np.cos(g) * x + np.sin(g) * y, -np.sin(g) * x + np.cos(g) * y, r[0, :, 2]],
                   axis=-1)
    assert np.abs(propagate(c, t).r_ecef_km[:, 0] - ref).max() < 1e-6


@pytest.mark.parametrize("backend", ["auto", "satrec"])
def test_sgp4_error_message_is_the_same_for_both_backends(backend):
    rec = {"OBJECT_NAME": "DECAYING", "OBJECT_ID": "2020-001A",
           "EPOCH": "2020-10-01T00:00:00.000000", "MEAN_MOTION": 16.2,
           "ECCENTRICITY": 0.0005, "INCLINATION": 51.6, "RA_OF_ASC_NODE": 10,
           "ARG_OF_PERICENTER": 0, "MEAN_ANOMALY": 0, "EPHEMERIS_TYPE": 0,
           "CLASSIFICATION_TYPE": "U", "NORAD_CAT_ID": 99999, "ELEMENT_SET_NO": 999,
           "REV_AT_EPOCH": 1, "BSTAR": 0.05, "MEAN_MOTION_DOT": 0.01, "MEAN_MOTION_DDOT": 0}
    good = Constellation.from_tle(DATA / "starlink_2020-02-14.tle").subset([0, 1])
    c = good + Constellation.from_omm(json.dumps([rec]))
    with pytest.raises(ValueError) as exc:
        propagate(c, time_grid("2020-10-01", "48h", "1h"), sgp4_backend=backend)
    assert str(exc.value) == (
        "SGP4 failed for satellite 'DECAYING' at JD 2459123.791667: mean eccentricity is "
        "outside the range 0.0 to 1.0; drop it or shorten the time span")


def test_bad_backend_is_rejected():
    c = Constellation.from_tle(DATA / "iss_2018-07-03.tle")
    with pytest.raises(ValueError, match="sgp4_backend"):
        propagate(c, time_grid("2018-07-03", "1h", "10min"), sgp4_backend="cpp")
