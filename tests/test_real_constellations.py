"""Real Starlink constellations by date (issue 13): the shipped element sets, their
classification and grouping, positions against skyfield, element age, bad input."""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings

import numpy as np
import pandas as pd
import pytest
from astropy import units as u
from astropy.time import Time

from satcloud import data
from satcloud.constellations import (
    CATALOGUE,
    STATUSES,
    Constellation,
    classify,
    constellation,
    deploy,
    describe,
    element_sets,
    real_constellation,
)
from satcloud.orbits import (
    ElementAgeWarning,
    j2_secular_rates,
    propagate,
    tle_along_track_error_km,
)
from satcloud.time import time_grid
from satcloud.tle import parse_tle

DATES = ("2020-10-29", "2020-12-31", "2026-04-02")


@pytest.fixture(scope="module")
def real():
    return {d: constellation("starlink", as_of=d) for d in DATES}


def _tle_text(as_of):
    return (data.data_dir() / f"starlink_tle_{as_of}.txt").read_text()


# ------------------------------------------------------------------ shipped data


def test_element_set_files_are_the_recorded_bytes():
    # Reference: hashlib over the shipped bytes vs the SHA-256 in element_sets.csv, and
    # the object counts and epoch spans stated in issue 13 / shared/reference/real/README
    # (792, 897 and 10,097 sets; first epochs 2020-10-28 20:43, 2020-12-30 18:58,
    # 2026-03-27 03:41 UTC).
    sets = element_sets("starlink").set_index("as_of")
    assert list(sets.index) == list(DATES)
    for as_of, n, first in (("2020-10-29", 792, "2020-10-28 20:43"),
                            ("2020-12-31", 897, "2020-12-30 18:58"),
                            ("2026-04-02", 10097, "2026-03-27 03:41")):
        raw = (data.data_dir() / sets.loc[as_of, "file"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == sets.loc[as_of, "sha256"]
        assert raw.count(b"\n1 ") + raw.startswith(b"1 ") == n == sets.loc[as_of, "objects"]
        assert f"{sets.loc[as_of, 'epoch_start_utc']:%Y-%m-%d %H:%M}" == first


def test_catalogue_is_built_from_the_shells_table():
    # Reference: the constellations of data/constellation_shells.csv in table order, plus
    # geo (the literal tuple CATALOGUE held before it moved to the table)
    assert CATALOGUE == ("starlink-gen1", "starlink-gen2", "kuiper", "oneweb",
                         "telesat-2020", "o3b-mpower", "geo")
    shells = data.constellation_shells().set_index(["constellation", "shell"])
    # the layout choices formerly in code, now table columns
    assert shells.loc[("oneweb", "1"), "raan_spread_deg"] == 180.0
    assert shells.loc[("telesat-2020", "T1"), "raan_spread_deg"] == 180.0
    assert shells.loc[("starlink-gen1", "5"), "raan_offset_deg"] == 15.0
    c = constellation("starlink-gen1", shells=["5"])
    # shell 5: 4 planes 90 deg apart from 15 deg (Walker delta, offset from the table)
    assert sorted(c.satellites["raan_deg"].unique()) == [15.0, 105.0, 195.0, 285.0]


# ------------------------------------------------------------------ as_of


@pytest.mark.parametrize("as_of", ["2020-10-29", pd.Timestamp("2020-10-29T18:00"),
                                   dt.date(2020, 10, 29), Time("2020-10-29T12:00:00"),
                                   "2020-10-30T03:00:00"])
def test_as_of_forms_and_dates_inside_the_epoch_span(as_of):
    # the 2020-10-29 set's epochs run 2020-10-28 20:43 to 10-30 06:00 UTC (README)
    c = constellation("starlink", as_of=as_of)
    assert c.source["as_of"] == "2020-10-29"
    assert len(c) == 792


def test_default_epoch_is_the_latest_element_epoch(real):
    for as_of in DATES:
        c = real[as_of]
        latest = pd.to_datetime(c.satellites["element_epoch"], utc=True).max()
        assert abs((pd.Timestamp(c.epoch.utc.datetime64, tz="UTC") - latest)
                   .total_seconds()) < 1e-3
        lo, hi = c.element_epoch_span
        assert lo.isot[:16] == f"{c.source['epoch_start_utc']:%Y-%m-%dT%H:%M}"


def test_unknown_as_of_lists_the_shipped_dates():
    with pytest.raises(ValueError, match="2023-05-01") as exc:
        constellation("starlink", as_of="2023-05-01")
    for d in DATES:
        assert d in str(exc.value)
    with pytest.raises(ValueError, match="as_of is required"):
        constellation("starlink")
    with pytest.raises(ValueError, match="as_of applies to the real"):
        constellation("starlink-gen1", as_of="2020-10-29")
    with pytest.raises(TypeError, match="as_of must be a date"):
        constellation("starlink", as_of=20201029)
    with pytest.raises(ValueError, match="as_of must be a date"):
        constellation("starlink", as_of="not a date")
    with pytest.raises(ValueError, match="apply to filed constellations"):
        constellation("starlink", as_of="2020-10-29", shells=["1"])
    with pytest.raises(ValueError, match="name"):
        real_constellation("kuiper", "2020-10-29")


def test_a_corrupted_copy_is_refused(tmp_path, monkeypatch):
    for f in data.data_dir().iterdir():
        if f.is_file():
            (tmp_path / f.name).write_bytes(f.read_bytes())
    path = tmp_path / "starlink_tle_2020-10-29.txt"
    path.write_bytes(path.read_bytes().replace(b"STARLINK-24 ", b"STARLINK-25 ", 1))
    monkeypatch.setenv("SATCLOUD_DATA_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="SHA-256"):
        constellation("starlink", as_of="2020-10-29")


# ------------------------------------------------------------------ positions


@pytest.mark.parametrize("as_of", DATES)
def test_positions_match_skyfield(real, as_of):
    # Reference: skyfield EarthSatellite (its own SGP4 binding, TEME -> ITRS with GMST
    # 1982 and UT1), .frame_xyz(itrs), for 25 satellites of each set over 3 h from the
    # latest epoch. Agreement to 1 m (2020; skyfield's and astropy's UT1 tables agree to
    # well under 1 ms) and 5 m in 2026 (UT1 predictions of the two libraries).
    from skyfield.api import EarthSatellite, load
    from skyfield.framelib import itrs

    c = real[as_of]
    rng = np.random.default_rng(13)
    ok = np.flatnonzero((c.satellites["status"] != "deorbiting").to_numpy())
    pick = np.sort(rng.choice(ok, 25, replace=False))
    sub = c.subset(pick)
    t = time_grid(c.epoch, "3h", "600s")
    e = propagate(sub, t)
    ts = load.timescale(builtin=True)
    lines = {r.name: r for r in parse_tle(_tle_text(as_of)).records}
    tt = ts.from_astropy(t)
    worst = 0.0
    for n, sid in enumerate(sub.satellites["sat_id"]):
        rec = lines[sid]
        ref = EarthSatellite(rec.line1, rec.line2, sid, ts).at(tt).frame_xyz(itrs).km.T
        worst = max(worst, float(np.abs(ref - e.r_ecef_km[:, n]).max()))
    assert worst < (1e-3 if as_of < "2026" else 5e-3)


# ------------------------------------------------------------------ classification


def test_october_2020_shell_1_filling_and_many_raising(real):
    c = real["2020-10-29"]
    sats = c.satellites
    counts = describe(c, by="status").set_index("status")["satellites"]
    # 13 FALCON 9 DEB in the file (issue 13 / reference README): all debris, in no shell
    assert counts["debris"] == 13
    assert sats.loc[sats["status"] == "debris", "sat_id"].str.startswith("FALCON 9 DEB").all()
    assert (sats.loc[sats["status"] == "debris", "plane"] == -1).all()
    shells = describe(c)
    assert list(shells["filed_shell"]) == ["starlink-gen1/1"]
    s1 = shells.iloc[0]
    # FCC 21-48 shell 1: 550 km, 53 deg, 72 x 22; October 2020 was still filling it
    assert 540 < s1["altitude_km"] < 556 and abs(s1["inclination_deg"] - 53.0) < 0.05
    assert s1["planes_filed"] == 72 and s1["satellites_filed"] == 1584
    assert 0.25 < s1["fill_fraction"] < 0.45
    # Shell 1 as first deployed: "72 orbital planes of 20 satellites each" (Wikipedia,
    # List of Starlink launches); the 22 per plane of the 2021 modification came later
    assert s1["sats_per_plane_max"] == 20 and s1["sats_per_plane_median"] >= 18
    # Independent count: STARLINK objects whose mean motion puts them within 8 km of the
    # shell's altitude (Kepler's third law on sgp4's own no_kozai, WGS72 mu) and 0.05 deg
    # of its inclination, not climbing faster than 0.2 km/day
    recs = parse_tle(_tle_text("2020-10-29")).records
    mu = 398600.8
    n = np.array([r.satrec.no_kozai / 60.0 for r in recs])  # rad/s
    a = (mu / n**2) ** (1 / 3)
    inc = np.degrees([r.satrec.inclo for r in recs])
    star = np.array([r.name.startswith("STARLINK") for r in recs])
    near = star & (np.abs(inc - s1["inclination_deg"]) < 0.05) \
        & (np.abs(a - 6378.135 - s1["altitude_km"]) < 12)
    assert abs(int(near.sum()) - s1["satellites"]) <= 0.03 * s1["satellites"]
    # Launch history (SpaceX): Starlink L13 (6 Oct 2020, COSPAR 2020-070) and L14
    # (18 Oct 2020, 2020-073) were 11-23 days old, far too young to have raised to 550 km
    # (raising took 1-3 months): none operational, most raising
    cospar = pd.Series([r.line1[9:14] for r in recs])
    for launch in ("20070", "20073"):
        st = sats["status"][cospar.to_numpy() == launch]
        assert (st != "operational").all()
        assert (st == "raising").sum() >= 0.8 * (st != "debris").sum()
    assert counts["raising"] > 150  # "many satellites were still raising"


def test_december_2020_shell_1_has_more_planes(real):
    oct_, dec = describe(real["2020-10-29"]), describe(real["2020-12-31"])
    assert list(dec["filed_shell"]) == ["starlink-gen1/1"]
    assert dec["satellites"].iloc[0] > oct_["satellites"].iloc[0]
    assert dec["planes_found"].iloc[0] > oct_["planes_found"].iloc[0]


def test_2026_gen1_and_gen2_shells_are_populated(real):
    c = real["2026-04-02"]
    shells = describe(c)
    by_filed = shells.groupby("filed_shell")["satellites"].sum()
    # Gen1 (FCC 21-48): 53.2 deg / 540 km (72 x 22), 70 deg / 570 km (36 x 20),
    # 97.6 deg / 560 km (shells 4 and 5)
    assert by_filed["starlink-gen1/2"] > 1000
    assert by_filed["starlink-gen1/3"] > 500
    assert by_filed["starlink-gen1/4+5"] > 300
    s2 = shells.set_index("filed_shell").loc["starlink-gen1/2"]
    assert 68 <= s2["planes_found"] <= 72 == s2["planes_filed"]
    # Gen2-era shells: large 43 deg and 53 deg shells at ~ 475-490 km
    big = shells[shells["satellites"] > 2000]
    assert set(np.round(big["inclination_deg"]).astype(int)) == {43, 53}
    assert ((big["altitude_km"] > 470) & (big["altitude_km"] < 495)).all()
    assert describe(c, by="status").set_index("status").loc["operational",
                                                              "fraction"] > 0.85


def test_satellites_carry_shell_plane_slot_consistently(real):
    for c in real.values():
        sats = c.satellites
        assert set(sats["status"]) <= set(STATUSES)
        op = sats["status"] == "operational"
        assert (sats.loc[op, "shell"] != "").all() and (sats.loc[~op, "shell"] == "").all()
        assert (sats.loc[op, ["plane", "slot"]] >= 0).all().all()
        assert (sats.loc[~op, ["plane", "slot"]] == -1).all().all()
        # slots are 0..k-1 within each plane; no (shell, plane, slot) twice
        g = sats[op].groupby(["shell", "plane"])["slot"]
        assert (g.max() + 1 == g.size()).all()
        assert not sats[op].duplicated(["shell", "plane", "slot"]).any()
        assert set(sats.loc[op, "shell"]) == set(c.shells["shell"])


def _walker_tles(planes, per_plane, alt_km, inc_deg, spread_days, rng):
    """TLE text of a Walker shell whose element sets have epochs spread over
    ``spread_days``, each advanced to its epoch by the J2 secular rates (so all describe
    one Walker shell at the reference epoch)."""
    from sgp4.api import WGS72, Satrec
    from sgp4.exporter import export_tle

    ref = Time("2026-01-10T00:00:00", scale="utc")
    a = 6378.137 + alt_km
    rr, ar, mr = (float(x) for x in j2_secular_rates(a, 0.0, inc_deg))
    out = []
    for p in range(planes):
        for s in range(per_plane):
            dt_s = float(rng.uniform(-spread_days, 0.0)) * 86400.0
            raan = np.radians(p * 360.0 / planes) + rr * dt_s
            arglat = np.radians(s * 360.0 / per_plane + p * 360.0 / (planes * per_plane)) \
                + (ar + mr) * dt_s
            ep = ref + dt_s * u.s
            sat = Satrec()
            # Kozai mean motion from a (near enough for the grouping test) [rad/min]
            n = np.sqrt(398600.8 / (6378.135 + alt_km) ** 3) * 60.0
            sat.sgp4init(WGS72, "i", 90000 + p * per_plane + s, ep.jd - 2433281.5, 0.0,
                         0.0, 0.0, 1e-4, 0.0, np.radians(inc_deg), arglat % (2 * np.pi), n,
                         raan % (2 * np.pi))
            l1, l2 = export_tle(sat)
            out += [f"STARLINK-{90000 + p * per_plane + s}", l1, l2]
    return "\n".join(out) + "\n"


def test_drift_corrected_planes_recover_a_walker_shell():
    # Reference: a Walker 53 deg 24/12 shell (Walker 1984) written as TLEs whose epochs
    # spread over 5 days; without the J2 drift correction the RAANs of one plane would
    # smear over 5 x 4.5 = 22 deg, more than the 15 deg between planes
    rng = np.random.default_rng(1)
    c = Constellation.from_tle(_walker_tles(24, 12, 550.0, 53.0, 5.0, rng))
    out = classify(c, filed=("starlink-gen1",))
    d = describe(out)
    assert len(d) == 1 and d["filed_shell"].iloc[0] == "starlink-gen1/1"
    assert d["planes_found"].iloc[0] == 24
    assert d["sats_per_plane_min"].iloc[0] == d["sats_per_plane_max"].iloc[0] == 12
    sats = out.satellites
    # plane k holds exactly the satellites written into plane k (ids 90000 + 12 p + s)
    p_true = (sats["norad_id"] - 90000) // 12
    assert (pd.crosstab(sats["plane"], p_true).to_numpy() > 0).sum(axis=1).max() == 1
    # drift-corrected RAANs of a plane agree to < 0.1 deg
    spread = sats.groupby("plane")["raan_at_epoch_deg"].agg(lambda r: np.ptp(r))
    assert spread.max() < 0.1


def test_mixed_epochs_across_years_are_refused():
    text = _tle_text("2020-10-29") + _tle_text("2026-04-02")
    c = Constellation.from_tle(text)
    with pytest.raises(ValueError, match=r"span .* days.*2020-10.*2026-04"):
        classify(c, filed=("starlink-gen1",))


def test_non_starlink_objects_are_reported_as_debris():
    # a rocket body and a debris piece appended to a Starlink snapshot (CelesTrak-style
    # names; the element sets are copies of a Starlink set under other names)
    lines = _tle_text("2020-12-31").splitlines()
    extra = ["FALCON 9 R/B", lines[1], lines[2]]
    c = classify(Constellation.from_tle("\n".join(lines[3:3 * 60] + extra) + "\n"))
    sats = c.satellites
    assert sats.set_index("sat_id").loc["FALCON 9 R/B", "status"] == "debris"


def test_describe_filed_constellations_report_full_fill():
    # a filed Walker constellation is its own filing: 100 % fill, planes as filed
    d = constellation("starlink-gen1").describe()
    assert (d["fill_fraction"] == 1.0).all()
    assert (d["planes_found"] == d["planes_filed"]).all()
    assert list(d["filed_shell"]) == [f"starlink-gen1/{k}" for k in range(1, 6)]
    # deploy(count=800): 800 of shell 1's 1,584 satellites, plane by plane
    dep = describe(deploy(constellation("starlink-gen1"), count=800))
    assert dep["satellites"].sum() == 800
    assert dep["fill_fraction"].iloc[0] == pytest.approx(800 / 1584)
    st = describe(constellation("kuiper"), by="status")
    assert list(st["status"]) == ["operational"] and st["fraction"].iloc[0] == 1.0


# ------------------------------------------------------------------ element age


def test_tle_error_growth_is_the_published_range():
    # Vallado & Cefola (2012): ~1 km at epoch, growing 1-3 km/day
    low, high = tle_along_track_error_km(np.array([0.0, 2.0, -4.0]))
    np.testing.assert_allclose(low, [1.0, 3.0, 5.0])
    np.testing.assert_allclose(high, [1.0, 7.0, 13.0])


def test_propagating_far_from_the_epoch_warns_and_inside_the_window_does_not(real):
    c = real["2020-10-29"]
    c = c.subset((c.satellites["status"] != "deorbiting").to_numpy())
    lo, hi = c.validity_window()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ElementAgeWarning)
        propagate(c, Time([lo, hi]))
    with pytest.warns(ElementAgeWarning, match=r"more than 3 days.*along-track") as rec:
        propagate(c, Time(["2020-11-06T00:00:00"]))
    w = rec[0].message
    # 2020-11-06 is 6.75-8.1 days after the epochs (2020-10-28 20:43 to 10-30 06:00)
    assert 8.0 < w.age_days < 8.2 and w.satellites == len(c)
    assert w.error_km == pytest.approx(tle_along_track_error_km(w.age_days))
    # filed (J2) constellations have no element age
    with warnings.catch_warnings():
        warnings.simplefilter("error", ElementAgeWarning)
        propagate(constellation("o3b-mpower"), Time(["2021-06-01T00:00:00"]))


# ------------------------------------------------------------------ parser fast path


def test_fast_parser_returns_what_the_line_by_line_parser_returns():
    # a comment line sends parse_tle down its line-by-line path: same records
    text = _tle_text("2020-10-29")
    fast = parse_tle(text).records
    slow = parse_tle("# forces the line-by-line parser\n" + text).records
    assert len(fast) == len(slow) == 792
    for f, s in zip(fast, slow, strict=True):
        assert (f.name, f.line1, f.line2, f.line_number + 1) == \
               (s.name, s.line1, s.line2, s.line_number)
        assert f.satrec.no_kozai == s.satrec.no_kozai
    bad = text.replace("1 44238U 19029D   20304.08081934  .00004393  00000-0  25689-3 0  9996",
                       "1 44238U 19029D   20304.08081934  .00004393  00000-0  25689-3 0  9997")
    with pytest.raises(ValueError, match="line 2: checksum"):
        parse_tle(bad)
