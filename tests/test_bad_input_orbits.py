"""Bad input to the orbital entry points: non-finite elements, unitless durations, empty
selections, missing files, broken OMM, oversized problems (issue 11, points 3 and 4).

Every test asserts the exception type and a message naming the public parameter (or
the TLE field and line / OMM field and record)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from astropy import units as u
from astropy.time import Time, TimeDelta

from satcloud import _validate
from satcloud.constellations import Constellation, constellation
from satcloud.orbits import iter_propagate, propagate, propagate_pairs
from satcloud.time import DEFAULT_EPOCH, duration_s, time_grid, to_time
from satcloud.tle import SourceNotFoundError, TLEError, parse_omm, parse_tle, tle_checksum

DATA = Path(__file__).parent / "data"
ISS_1, ISS_2 = (DATA / "iss_2018-07-03.tle").read_text().splitlines()[1:3]
OMM_JSON = json.loads((DATA / "starlink_2020-02-14.json").read_text())
OMM_CSV = (DATA / "starlink_2020-02-14.csv").read_text().splitlines()


def _field(line: str, first: int, last: int, text: str) -> str:
    """``line`` with 1-based columns first..last replaced (right-justified) and a valid
    checksum, so that only the field itself is wrong."""
    line = line[:first - 1] + text.rjust(last - first + 1) + line[last:]
    return line[:68] + str(tle_checksum(line))


# ----------------------------------------------------------------------- TLE fields

@pytest.mark.parametrize("line, first, last, text, match", [
    (1, 54, 61, "zzzzz-z", r"line 1: BSTAR field \(columns 54-61\) is ' zzzzz-z', not a "
                           "number"),
    (1, 45, 52, "zzzzz-z", r"line 1: second derivative of mean motion field \(columns "
                           "45-52\\) is ' zzzzz-z'"),
    (1, 34, 43, "nan", r"line 1: first derivative of mean motion field \(columns 34-43\) "
                       "is '       nan', not a finite number"),
    (1, 19, 32, "nan", r"line 1: epoch field \(columns 19-32\) .* not a finite number"),
    (2, 18, 25, "nan", r"line 2: RAAN field \(columns 18-25\) is '     nan', not a finite"),
    (2, 44, 51, "inf", r"line 2: mean anomaly field \(columns 44-51\) is '     inf', not a "
                       "finite"),
    (2, 35, 42, "-inf", r"line 2: argument of perigee field .* not a finite number"),
    (2, 53, 63, "inf", r"line 2: mean motion field .* not a finite number"),
])
def test_non_finite_tle_fields_name_field_and_line(line, first, last, text, match):
    l1, l2 = ISS_1, ISS_2
    if line == 1:
        l1 = _field(l1, first, last, text)
    else:
        l2 = _field(l2, first, last, text)
    with pytest.raises(TLEError, match=match):
        parse_tle("\n".join([l1, l2]))
    # through the constellation builder, with the file's line numbers (name on line 1)
    with pytest.raises(ValueError, match=f"line {line + 1}: "):
        Constellation.from_tle("\n".join(["ISS (ZARYA)", l1, l2]))


def test_valid_tle_exponent_fields_still_read():
    # BSTAR " 31745-4" is 0.31745e-4 (CelesTrak TLE format); a negative one reads too
    sat = parse_tle("\n".join([ISS_1, ISS_2])).records[0].satrec
    assert sat.bstar == pytest.approx(0.31745e-4)
    neg = _field(ISS_1, 54, 61, "-11606-4")
    assert parse_tle("\n".join([neg, ISS_2])).records[0].satrec.bstar == pytest.approx(
        -0.11606e-4)


# ----------------------------------------------------------------------- OMM fields

@pytest.mark.parametrize("key, value", [
    ("RA_OF_ASC_NODE", float("nan")), ("MEAN_ANOMALY", float("inf")),
    ("BSTAR", float("-inf")), ("MEAN_MOTION_DDOT", float("nan")),
])
def test_non_finite_omm_json_field_names_field_and_record(key, value):
    records = [dict(r) for r in OMM_JSON[:3]]
    records[1][key] = value          # json.dumps writes NaN / Infinity, as json.loads reads
    with pytest.raises(TLEError, match=f"record 2: field {key} = .* not a finite number"):
        parse_omm(json.dumps(records))


def test_non_finite_omm_csv_field_names_field_and_line():
    header, row = OMM_CSV[0], OMM_CSV[1]
    bad = row.replace("269.6478", "nan")
    with pytest.raises(TLEError, match="line 3: field RA_OF_ASC_NODE = 'nan' is not a finite"):
        parse_omm("\n".join([header, row, bad]), format="csv")
    bad = row.replace("7.6155e-05", "inf")
    with pytest.raises(TLEError, match="line 2: field BSTAR = 'inf' is not a finite"):
        Constellation.from_omm("\n".join([header, bad]), format="csv")


def test_omm_malformed_documents_are_value_errors_naming_line_or_record():
    with pytest.raises(TLEError, match="line 1: not valid OMM JSON: nested too deeply"):
        parse_omm("[" * 100_000, format="json")            # RecursionError before
    with pytest.raises(TLEError, match="record 1: OMM JSON must be a list of objects"):
        parse_omm("3\n", format="json")
    with pytest.raises(TLEError, match="line 1: not valid XML"):
        parse_omm("<ndm><omm>", format="xml")                # ParseError before
    with pytest.raises(TLEError, match=r"record 1: segment lacks <data>"):
        parse_omm("<ndm><omm><body><segment><metadata/></segment></body></omm></ndm>")
    with pytest.raises(ValueError, match=r"source is not UTF-8 text \(byte 0"):
        parse_omm(b"\xff\xfe{}")                             # UnicodeDecodeError before
    rec = dict(OMM_JSON[0], EPOCH="yesterday")
    with pytest.raises(TLEError, match="record 1: field EPOCH = 'yesterday' is not an ISO"):
        parse_omm(json.dumps([rec]))
    rec = dict(OMM_JSON[0], NORAD_CAT_ID=[44713])
    with pytest.raises(TLEError, match="record 1: field NORAD_CAT_ID = .* is not a number"):
        parse_omm(json.dumps([rec]))


def test_omm_undecodable_file_names_the_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"OBJECT_NAME,EPOCH\n\xff\xfe\n")
    with pytest.raises(ValueError, match=f"source file '{path}' is not UTF-8 text"):
        parse_omm(path)


# -------------------------------------------------------------------- missing files

def test_missing_tle_file_path_says_so(tmp_path):
    missing = str(tmp_path / "starlink.tle")
    # a path given as a string used to be read as (empty) element-set text:
    # "no valid element sets found"
    with pytest.raises(FileNotFoundError, match=f"source: no such file '{missing}'"):
        Constellation.from_tle(missing)
    with pytest.raises(ValueError, match="source: no such file"):      # also a ValueError
        Constellation.from_omm(tmp_path / "starlink.json")
    assert issubclass(SourceNotFoundError, FileNotFoundError)
    with pytest.raises(ValueError, match=r"source: no valid element sets found \(give a file"):
        Constellation.from_tle("# nothing here\n\n")


# --------------------------------------------------------------- Walker and shells

WALKER = dict(altitude_km=550.0, inclination_deg=53.0, planes=4, sats_per_plane=3)


@pytest.mark.parametrize("key, value, exc, match", [
    ("altitude_km", np.inf, ValueError, r"altitude_km must be in \[100, inf\) km and finite"),
    ("altitude_km", np.nan, ValueError, "altitude_km contains NaN"),
    ("inclination_deg", np.nan, ValueError, "inclination_deg contains NaN"),
    ("inclination_deg", np.inf, ValueError, r"inclination_deg must be in \[0, 180\]"),
    ("raan_offset_deg", np.inf, ValueError, "raan_offset_deg must be finite; got inf"),
    ("raan_offset_deg", np.nan, ValueError, "raan_offset_deg must be finite; got nan"),
    ("arg_perigee_deg", -np.inf, ValueError, "arg_perigee_deg must be finite; got -inf"),
    ("eccentricity", np.nan, ValueError, "eccentricity contains NaN"),
    ("raan_spread_deg", np.inf, ValueError, r"raan_spread_deg must be in \(0, 360\]"),
    ("min_elevation_deg", np.nan, ValueError, "min_elevation_deg contains NaN"),
    ("planes", np.inf, TypeError, "planes must be an integer, got inf"),
    ("sats_per_plane", float("nan"), TypeError, "sats_per_plane must be an integer"),
    ("phasing", np.inf, TypeError, "phasing must be an integer"),
    ("raan_offset_deg", [0.0, 1.0], TypeError, r"raan_offset_deg must be a single number"),
])
def test_walker_rejects_non_finite_arguments(key, value, exc, match):
    with pytest.raises(exc, match=match):
        Constellation.walker(**{**WALKER, key: value})


def test_constellation_table_with_non_finite_element_names_the_satellite():
    good = Constellation.walker(**WALKER)
    sats = good.satellites.copy()
    sats.loc[5, "mean_anomaly_deg"] = np.nan
    with pytest.raises(ValueError, match=r"satellite 'walker/1/P01S02' \(row 5\): "
                                         "mean_anomaly_deg contains NaN"):
        Constellation("x", sats, good.shells, good.epoch)
    sats = good.satellites.copy()
    sats.loc[0, "element_epoch"] = pd.NaT
    with pytest.raises(ValueError, match=r"satellite 'walker/1/P00S00' \(row 0\): "
                                         "element_epoch is missing"):
        Constellation("x", sats, good.shells, good.epoch)


def test_propagate_never_returns_nan_for_an_edited_table():
    c = Constellation.walker(**WALKER)
    c.satellites.loc[7, "raan_deg"] = np.inf      # edited after the constellation checked it
    t = time_grid(None, "10min", "60s")
    with pytest.raises(ValueError, match=r"propagate: satellite 'walker/1/P02S01' \(row 7\) "
                                         "has a non-finite element"):
        propagate(c, t)


def test_propagate_guards_sgp4_output(monkeypatch):
    # If the SGP4 kernel ever returned NaN without an error code, propagate must not
    # hand it on: simulate it by poisoning the kernel's output for satellite 3.
    from satcloud._core import sgp4 as _sgp4_numba

    real = _sgp4_numba.sgp4_ecef_into

    def poisoned(table, jd, fr, gmst, out):
        res = real(table, jd, fr, gmst, out)
        out[1:, 3] = np.nan
        return res

    monkeypatch.setattr(_sgp4_numba, "sgp4_ecef_into", poisoned)
    c = Constellation.from_tle(DATA / "starlink_2020-02-14.tle")
    t = time_grid("2020-02-14T12:00:00", "10min", "60s")
    with pytest.raises(ValueError, match=r"propagate: satellite 'STARLINK-1010' \(row 3\) has "
                                         r"a non-finite position at times\[1\]"):
        propagate(c, t)


def test_constellation_with_empty_shells_list():
    # IndexError before
    with pytest.raises(ValueError, match=r"shells is empty; give one or more shells of "
                                         r"'starlink-gen1': \['1', '2', '3', '4', '5'\]"):
        constellation("starlink-gen1", shells=[])
    with pytest.raises(ValueError, match="unknown shell '9'"):
        constellation("starlink-gen1", shells=9)
    assert len(constellation("starlink-gen1", shells=1)) == 1584    # filed 72 x 22


# --------------------------------------------------------------------- time and grids

@pytest.mark.parametrize("kwargs, match", [
    ({"step": np.inf}, "step must be a finite duration; got inf"),
    ({"step": np.nan}, "step must be a finite duration; got nan"),
    ({"duration": np.inf}, "duration must be a finite duration"),
    ({"step": "inf"}, "step = 'inf' has no unit"),
    ({"step": 0 * u.s}, "step must be > 0 s"),
    ({"step": np.timedelta64("NaT", "s")}, "step must be a finite duration"),
    ({"duration": pd.NaT}, "duration must be a single duration"),
])
def test_time_grid_rejects_non_finite(kwargs, match):
    # step=inf used to return one time in the year -4713
    with pytest.raises((ValueError, TypeError), match=match):
        time_grid(DEFAULT_EPOCH, **kwargs)


def test_times_with_missing_values_are_rejected():
    with pytest.raises(ValueError, match="times contains a missing time"):
        to_time(pd.DatetimeIndex(["2020-10-01", None]))
    t = Time(["2020-10-01T00:00:00", "2020-10-01T00:01:00"])
    t[1] = np.ma.masked
    with pytest.raises(ValueError, match=r"times contains a missing time \(NaT or masked\) "
                                         "at index 1"):
        propagate(Constellation.walker(**WALKER), t)
    with pytest.raises(ValueError, match="start is a missing time"):
        time_grid(pd.NaT)


def test_propagate_pairs_checks_sat_index():
    c = Constellation.walker(**WALKER)
    t = time_grid(None, "2min", "60s")
    with pytest.raises(ValueError, match=r"sat_index must be in \[0, 11\], got 12"):
        propagate_pairs(c, [0, 12], t)
    with pytest.raises(TypeError, match="sat_index must be integers"):
        propagate_pairs(c, [0.5, 1.0], t)


# ----------------------------------------------------------- durations without units

@pytest.mark.parametrize("value", ["24", " 60 ", "1e3", "-5", "nan"])
def test_duration_strings_without_unit_are_rejected(value):
    # "24" read as 24 nanoseconds before
    with pytest.raises(ValueError, match=f"duration = '{value}' has no unit; give a string "
                                         r"with a unit \('24h', '60s'"):
        time_grid(None, duration=value, step="60s")
    with pytest.raises(ValueError, match=f"step = '{value}' has no unit"):
        time_grid(None, duration="1h", step=value)


@pytest.mark.parametrize("value, seconds", [
    ("24h", 86400.0), ("90min", 5400.0), ("60s", 60.0), ("1d", 86400.0),
    ("00:01:00", 60.0), (60, 60.0), (60.0, 60.0), (np.float32(1.5), 1.5),
    (10 * u.min, 600.0), (TimeDelta(30.0, format="sec"), 30.0),
    (dt.timedelta(minutes=2), 120.0), (np.timedelta64(3, "s"), 3.0),
    (pd.Timedelta("4s"), 4.0),
])
def test_duration_forms_that_stay_valid(value, seconds):
    assert duration_s(value, "step") == seconds


@pytest.mark.parametrize("value, exc, match", [
    (np.timedelta64(60), ValueError, r"step = .* has no unit"),
    (True, TypeError, "step must be a duration"),
    ([60, 120], TypeError, "step must be a single duration"),
    (5 * u.m, ValueError, "step must be a time"),
    ("soon", ValueError, "step: cannot read 'soon' as a duration"),
    (-60, ValueError, r"step must be > 0 s; got -60"),
    (0, ValueError, r"step must be > 0 s; got 0"),
])
def test_duration_parser_errors(value, exc, match):
    with pytest.raises(exc, match=match):
        duration_s(value, "step")


def test_duration_zero_means_one_instant():
    assert len(time_grid(None, duration=0, step="60s")) == 1
    with pytest.raises(ValueError, match=r"duration must be >= 0 s; got '-1h'"):
        time_grid(None, duration="-1h", step="60s")


# ------------------------------------------------------------------- memory guards

def test_time_grid_refuses_tens_of_millions_of_steps():
    with pytest.raises(ValueError, match=r"time_grid: 86,400,000 times \('1000d' at '1s'\) "
                                         r"would need about 11\.1 GB of memory.*choose a "
                                         "larger step"):
        time_grid(None, "1000d", "1s")


def test_propagate_refuses_a_result_beyond_the_limit():
    c = constellation("starlink-gen1")
    t = time_grid(None, "10d", "10s")                    # 86,400 times x 4,408 satellites
    with pytest.raises(ValueError, match=r"propagate: positions of 4,408 satellites at "
                                         r"86,400 times would need about 9\.\d GB.*"
                                         "iter_propagate"):
        propagate(c, t)
    # the streaming path holds one chunk at a time and is not refused
    first = next(iter(iter_propagate(c, t, chunk_steps=16)))
    assert first.r_ecef_km.shape == (16, 4408, 3)
    assert np.isfinite(first.r_ecef_km).all()


def test_memory_limit_is_one_named_constant(monkeypatch):
    c = Constellation.walker(**WALKER)
    t = time_grid(None, "1h", "60s")
    monkeypatch.setattr(_validate, "MAX_ARRAY_BYTES", 10_000)
    with pytest.raises(ValueError, match=r"satcloud._validate.MAX_ARRAY_BYTES"):
        propagate(c, t)
    monkeypatch.undo()
    assert propagate(c, t).r_ecef_km.shape == (60, 12, 3)


def test_propagate_chunk_steps_and_dtype_are_checked():
    c = Constellation.walker(**WALKER)
    t = time_grid(None, "10min", "60s")
    with pytest.raises(ValueError, match="chunk_steps must be an integer >= 1, got 0"):
        propagate(c, t, chunk_steps=0)
    with pytest.raises(TypeError, match="chunk_steps must be an integer >= 1, got 'abc'"):
        propagate(c, t, chunk_steps="abc")
    with pytest.raises(TypeError, match="dtype must be float64 or float32, got int64"):
        iter_propagate(c, t, dtype=np.int64)              # checked at the call, eagerly


# ------------------------------------- every duration parser agrees (time_grid, chunked)

@pytest.mark.parametrize("step, exc, match", [
    ("60", ValueError, "step = '60' has no unit"),
    (np.timedelta64(60), ValueError, "step = .* has no unit"),     # 60 ns before
    (np.inf, ValueError, "step must be a finite duration"),
    (-60, ValueError, "step must be > 0 s"),
])
def test_chunked_coverage_parses_step_like_time_grid(step, exc, match):
    from satcloud import chunked

    c = Constellation.walker(**WALKER)
    sites = pd.DataFrame({"site": ["a"], "lat_deg": [0.0], "lon_deg": [0.0]})
    with pytest.raises(exc, match=match):
        chunked.coverage_over_time(c, "2020-10-01", "1h", step, sites,
                                   scheduler="synchronous", progress=False)
    with pytest.raises(exc, match=match):
        duration_s(step, "step")
    with pytest.raises(exc, match=match):
        time_grid(None, "1h", step)


def test_chunked_coverage_duration_without_unit():
    from satcloud import chunked

    sites = pd.DataFrame({"site": ["a"], "lat_deg": [0.0], "lon_deg": [0.0]})
    with pytest.raises(ValueError, match="duration = '24' has no unit"):
        chunked.coverage_over_time(Constellation.walker(**WALKER), "2020-10-01", "24", "60s",
                                   sites, scheduler="synchronous", progress=False)


def test_coverage_sample_durations_must_be_positive():
    from satcloud.coverage import site_coverage
    from satcloud.orbits import Ephemeris

    c = Constellation.walker(**WALKER)
    eph = propagate(c, time_grid(None, "5min", "60s"))
    # an ephemeris assembled by hand with times out of order
    bad = Ephemeris(eph.times[[0, 2, 1, 3, 4]], eph.r_ecef_km, None, c)
    sites = pd.DataFrame({"site": ["a"], "lat_deg": [0.0], "lon_deg": [0.0]})
    with pytest.raises(ValueError, match=r"ephemeris times must be strictly increasing; "
                                         r"times\[2\] - times\[1\] = -60 s"):
        site_coverage(bad, sites)


# ----------------------------------------- clear errors: shapes, public parameter names

def test_broadcast_errors_name_the_public_parameters():
    from satcloud.geometry import geodetic_to_ecef
    from satcloud.links import fspl_db, link_budget

    # raw numpy "operands could not be broadcast together" before
    with pytest.raises(ValueError, match=r"distance_km and freq_ghz cannot be broadcast "
                                         r"together \(distance_km shape \(3,\), freq_ghz "
                                         r"shape \(2,\)\)"):
        fspl_db([1000.0, 2000.0, 3000.0], [12.0, 20.0])
    with pytest.raises(ValueError, match=r"lat_deg and lon_deg and altitude_km cannot be "
                                         r"broadcast together \(lat_deg shape \(3,\), lon_deg shape "
                                         r"\(2,\), altitude_km shape \(\)\)"):
        geodetic_to_ecef([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"range_km and elevation_deg .* cannot be broadcast "
                                         r"together \(range_km shape \(3,\), elevation_deg "
                                         r"shape \(2,\)"):
        link_budget("delportillo_starlink_user_downlink", [1000.0, 2000.0, 3000.0],
                    [40.0, 50.0], atm_loss_db=0.5)


def test_combine_ratios_names_its_callers_parameters():
    from satcloud.links import combine_ratios_db

    with pytest.raises(ValueError, match="cn_db must be > -inf dB"):
        combine_ratios_db(-np.inf, 20.0, names=("cn_db", "ci_db"))
    with pytest.raises(ValueError, match=r"ratios_db\[1\] contains NaN"):
        combine_ratios_db(10.0, np.nan)
    # +inf is an absent term: 10 dB combined with nothing is 10 dB
    assert combine_ratios_db(10.0, np.inf) == pytest.approx(10.0)


@pytest.mark.parametrize("call, match", [
    (lambda L: L.fspl_db(np.inf, 12.0), r"distance_km must be in \(0, inf\) km and finite"),
    (lambda L: L.fspl_db(1000.0, np.inf), r"freq_ghz must be in \(0, inf\) GHz and finite"),
    (lambda L: L.link_budget("delportillo_starlink_user_downlink", np.inf, 40.0,
                             atm_loss_db=0.5), r"range_km must be in \(0, inf\) km and finite"),
    (lambda L: L.link_budget("delportillo_starlink_user_downlink", 1000.0, 40.0,
                             atm_loss_db=0.5, overrides={"bandwidth_mhz": np.inf}),
     r"bandwidth_mhz must be in \(0, inf\) MHz and finite"),
    (lambda L: L.link_budget("delportillo_starlink_user_downlink", 1000.0, 40.0,
                             atm_loss_db=0.5, overrides={"rx_gt_db_per_k": np.inf}),
     "rx_gt_db_per_k must be in .* and finite"),
    (lambda L: L.eirp_dbw(np.inf, 30.0), "tx_power_dbw must be in .* and finite"),
    (lambda L: L.cn0_dbhz(40.0, 170.0, -np.inf), "gt_db_per_k must be finite"),
    (lambda L: L.slant_range_km(550.0, 40.0, [6371.0, 6378.0]),
     r"earth_radius_km must be a single number, got shape \(2,\)"),
    (lambda L: L.select_modcod(8.0, [0.5, 1.0]),
     r"implementation_margin_db must be a single number"),
    (lambda L: L.user_throughput_table(1000.0, [1.0], [250.0, 300.0]),
     "cell_area_km2 must be a single number"),
    (lambda L: L.satellite_capacity_gbps(500.0, 10, np.nan),
     "n_channels_per_beam contains NaN"),       # named n_channels (an internal name) before
])
def test_link_functions_reject_non_finite_and_wrong_shapes(call, match):
    from satcloud import links

    with pytest.raises((ValueError, TypeError), match=match):
        call(links)


def test_infinite_interference_ratio_stays_allowed():
    # C/I = +inf means "no such interference" (documented): the budget is the thermal one
    from satcloud.links import link_budget

    kw = dict(atm_loss_db=0.5)
    base = link_budget("delportillo_starlink_user_downlink", 1684.0, 40.0, **kw)
    clean = link_budget("delportillo_starlink_user_downlink", 1684.0, 40.0, **kw,
                        overrides={"c_aci_db": np.inf, "c_asi_db": np.inf,
                                   "c_xpi_db": np.inf, "c_3im_db": np.inf})
    assert clean["cni_db"].iloc[0] == pytest.approx(clean["cn_db"].iloc[0])
    assert clean["cni_db"].iloc[0] > base["cni_db"].iloc[0]


def test_geometry_errors_name_the_parameter():
    from satcloud.geometry import access, elevation_deg, ground_track, look_angles

    with pytest.raises(ValueError, match=r"r_sat_km positions must have shape \[\.\.\., 3\]"):
        elevation_deg([7000.0, 0.0], 0.0, 0.0)
    with pytest.raises(ValueError, match=r"ephemeris positions must be finite; the position "
                                         r"at index \(1,\) is not"):
        look_angles([[7000.0, 0.0, 0.0], [np.nan, 0.0, 0.0]], 0.0, 0.0)
    with pytest.raises(ValueError, match="alt_m must be finite"):
        look_angles([7000.0, 0.0, 0.0], 0.0, 0.0, alt_m=np.inf)
    eph = propagate(Constellation.walker(**WALKER), time_grid(None, "5min", "60s"))
    sites = pd.DataFrame({"site": ["a"], "lat_deg": [0.0], "lon_deg": [0.0]})
    with pytest.raises(ValueError, match="chunk_steps must be an integer >= 1, got 0"):
        access(eph, sites, chunk_steps=0)
    with pytest.raises(TypeError, match="sat_index must be integers"):
        ground_track(eph, [0.5])
    bad_sites = sites.assign(lat_deg=[np.nan])
    with pytest.raises(ValueError, match="lat_deg contains NaN"):
        access(eph, bad_sites)


def test_coverage_and_passes_errors_name_the_parameter():
    from satcloud import passes as passes_mod
    from satcloud.coverage import coverage_summary, coverage_vs_deployment, visible_counts

    c = Constellation.walker(**WALKER)
    eph = propagate(c, time_grid(None, "5min", "60s"))
    sites = pd.DataFrame({"site": ["a"], "lat_deg": [0.0], "lon_deg": [0.0]})
    # chunk_steps=0 made the access loop spin forever before
    with pytest.raises(ValueError, match="chunk_steps must be an integer >= 1, got 0"):
        visible_counts(eph, sites, chunk_steps=0)
    with pytest.raises(ValueError, match="table must be a non-empty output of site_coverage"):
        coverage_summary(pd.DataFrame({"x": [1.0]}))
    with pytest.raises(TypeError, match="counts must be one or more integers"):
        coverage_vs_deployment(c, eph.times, sites, counts=[np.nan])
    with pytest.raises(TypeError, match="sat_index must be integers"):
        passes_mod.passes(eph, sites, sat_index=[1.5])
    with pytest.raises(ValueError, match=r"window must be \(start, end\)"):
        passes_mod.daily_totals(passes_mod.passes(eph, sites), window=("soon", "later"))


# ------------------------------------------------------------- memory guards (cont.)

def test_global_coverage_grid_at_a_tenth_of_a_degree_is_refused():
    from satcloud.coverage import grid_coverage

    eph = propagate(Constellation.walker(**WALKER), time_grid(None, "24h", "60s"))
    # 1,440 times x 6,480,000 cells: ~187 GB of counts and statistics
    with pytest.raises(ValueError, match=r"grid_coverage at spacing_deg=0\.1: 1,440 times x "
                                         r"6,480,000 sites would need about 18[0-9]\.\d GB.*"
                                         "choose a larger spacing_deg.*coverage_over_grid"):
        grid_coverage(eph, spacing_deg=0.1)


def test_access_and_subsatellite_tables_are_bounded(monkeypatch):
    from satcloud.geometry import access, subsatellite_points

    eph = propagate(Constellation.walker(**WALKER), time_grid(None, "2h", "60s"))
    sites = pd.DataFrame({"site": ["a", "b"], "lat_deg": [0.0, 45.0], "lon_deg": [0.0, 9.0]})
    monkeypatch.setattr(_validate, "MAX_ARRAY_BYTES", 1000)
    with pytest.raises(ValueError, match=r"access: about .* visible \(time, site, satellite\) "
                                         r"rows .*iter_access"):
        access(eph, sites, min_elevation_deg=0.0)
    with pytest.raises(ValueError, match=r"subsatellite points: 120 times x 12 satellites .*"
                                         "time_index="):
        subsatellite_points(eph)


def test_availability_map_refuses_a_huge_grid():
    from satcloud.links import availability_map

    # 0.01 deg over 130 deg of latitude: 13,001 x 36,000 points per band
    with pytest.raises(ValueError, match=r"availability_map: 468,036,000 grid points x 2 "
                                         r"band\(s\) would need about .* GB.*larger "
                                         "lat_step_deg"):
        availability_map(lat_step_deg=0.01, lon_step_deg=0.01)
    with pytest.raises(ValueError, match=r"lat_range_deg must be \(low, high\)"):
        availability_map(lat_range_deg=(0.0, 10.0, 20.0))


# ------------------------------------------------- found by tests/test_fuzz_orbits.py

def test_tle_epoch_day_out_of_range():
    bad = _field(ISS_1, 19, 32, "18999.80969102")     # ERFA "unacceptable date" before
    with pytest.raises(TLEError, match=r"line 1: epoch day of year 999.81 \(columns 21-32\) "
                                       r"outside \[1, 367\)"):
        parse_tle("\n".join([bad, ISS_2]))


def test_omm_mean_motion_too_high_names_the_record():
    rec = dict(OMM_JSON[0], MEAN_MOTION=1.3278207303808732e87)
    with pytest.raises(ValueError, match=r"record 1: element set 'STARLINK-1007' has a mean "
                                         "altitude of -6378.1 km, below the 100 km"):
        Constellation.from_omm(json.dumps([rec]))


def test_time_grid_beyond_the_calendar():
    # 2.7 million years: ERFA "unacceptable date" before
    with pytest.raises(ValueError, match="duration 86187696455594.0 from start .* ends at a "
                                         "date astropy cannot convert"):
        time_grid(None, 86187696455594.0, 164389985.0)


def test_overflowing_finite_inputs_are_errors_not_inf():
    from satcloud.geometry import look_angles, slant_range_km
    from satcloud.links import eirp_dbw, fspl_db

    with pytest.raises(ValueError, match="distance_km and freq_ghz: the result overflows"):
        fspl_db(1.0, 1.5e295)
    with pytest.raises(ValueError, match="altitude_km and earth_radius_km: the result "
                                         "overflows"):
        slant_range_km(0.0, 0.0, 1.35e154)
    with pytest.raises(ValueError, match="tx_power_dbw, tx_gain_dbi and tx_losses_db: the "
                                         "result overflows"):
        eirp_dbw(9e307, 9e307)
    with pytest.raises(ValueError, match="ephemeris positions or alt_m: the result overflows"):
        look_angles([[0.0, 0.0, 1.35e154]], 0.0, 0.0)
    with pytest.raises(ValueError, match="ephemeris positions are far outside any orbit"):
        look_angles([[-1.7e308, -1.7e308, 0.0]], 0.0, 0.0)


def test_combine_ratios_below_minus_3000_db_stays_finite():
    from satcloud.links import combine_ratios_db, link_budget

    # 10^(3100/10) overflows; 1/(C/N) summed in the log domain: -3100 dB (+ 1e-308 dB)
    assert combine_ratios_db(-3100.0, 20.0) == pytest.approx(-3100.0)
    # a path loss beyond any link is an outage with finite numbers, not -inf/NaN
    b = link_budget("delportillo_starlink_user_downlink", 1.0, 1.0, atm_loss_db=3161.0)
    assert bool(b["outage"].iloc[0]) and b["throughput_mbps"].iloc[0] == 0.0
    assert np.isfinite(b[["cn_db", "cni_db", "esn0_db", "shannon_mbps"]].to_numpy()).all()


def test_chunked_coverage_is_not_limited_by_the_whole_span(monkeypatch):
    # With a limit that refuses propagating the whole day at once, the chunked path --
    # which holds one block of time steps per task -- still runs, and gives the same
    # statistics as the in-memory path under the normal limit.
    from satcloud import chunked

    c = Constellation.walker(**WALKER)
    sites = pd.DataFrame({"site": ["a", "b"], "lat_deg": [0.0, 50.0], "lon_deg": [0.0, 8.0]})
    times = time_grid("2020-10-01", "24h", "60s")
    expected = chunked.coverage_statistics(propagate(c, times), sites)
    monkeypatch.setattr(_validate, "MAX_ARRAY_BYTES", 400_000)
    with pytest.raises(ValueError, match="propagate: positions of 12 satellites at 1,440"):
        propagate(c, times)
    got = chunked.coverage_over_time(c, "2020-10-01", "24h", "60s", sites, chunk_steps=60,
                                     scheduler="synchronous", progress=False)
    pd.testing.assert_frame_equal(got, expected)


def test_subset_rows_must_be_integers():
    c = Constellation.walker(**WALKER)
    # ["a"] raised numpy's "invalid literal for int()", [1.5] silently became row 1
    for rows in (["a"], [1.5]):
        with pytest.raises(TypeError, match="rows must be integer positions or a boolean"):
            c.subset(rows)
    assert list(c.subset([0, 11]).satellites["sat_id"]) == ["walker/1/P00S00",
                                                           "walker/1/P03S02"]
