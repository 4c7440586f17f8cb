"""TLE and OMM parsing: line-precise errors, skip mode, OMM CSV/JSON equal to TLE."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from satcloud.constellations import Constellation
from satcloud.orbits import propagate
from satcloud.time import time_grid
from satcloud.tle import TLEError, parse_omm, parse_tle, tle_checksum

DATA = Path(__file__).parent / "data"
ISS = (DATA / "iss_2018-07-03.tle").read_text().splitlines()
STARLINK = (DATA / "starlink_2020-02-14.tle").read_text().splitlines()


def test_checksums_of_published_iss_tle():
    # The ISS element set from skyfield's test-suite: column 69 holds the checksum
    assert tle_checksum(ISS[1]) == int(ISS[1][68]) == 3
    assert tle_checksum(ISS[2]) == int(ISS[2][68]) == 6


def test_parse_3le_2le_and_0name_forms():
    r = parse_tle("\n".join(STARLINK))
    assert len(r) == 8 and r.records[0].name == "STARLINK-1007"
    assert r.records[0].line_number == 2
    two = parse_tle("\n".join(ISS[1:]))
    assert two.records[0].name == "25544"
    zero = parse_tle("0 ISS (ZARYA)\n" + "\n".join(ISS[1:]) + "\n\n# comment\n")
    assert zero.records[0].name == "ISS (ZARYA)"
    # element values reach SGP4 unchanged
    sat = r.records[0].satrec
    assert np.degrees(sat.inclo) == pytest.approx(53.0544)
    assert sat.satnum == 44713


def _with_checksum(line):
    return line[:68] + str(tle_checksum(line))


def test_wrong_checksum_names_line_and_reason():
    bad = ISS[2][:68] + str((int(ISS[2][68]) + 1) % 10)
    with pytest.raises(TLEError, match=r"line 3: checksum mismatch: column 69 says \d, "
                                       r"computed 6") as exc:
        parse_tle("\n".join([ISS[0], ISS[1], bad]))
    assert exc.value.line_number == 3


def test_short_line():
    with pytest.raises(TLEError, match="line 2: line 1 is too short"):
        parse_tle("\n".join([ISS[0], ISS[1][:60], ISS[2]]))


def test_mismatched_satellite_numbers():
    other = _with_checksum(ISS[2][:2] + "25545" + ISS[2][7:])
    with pytest.raises(TLEError, match=r"line 3: satellite number '25545' on line 2 does "
                                       r"not match '25544' on line 1 \(line 2\)"):
        parse_tle("\n".join([ISS[0], ISS[1], other]))


def test_lines_out_of_order():
    with pytest.raises(TLEError, match="line 2: line 2 without a preceding line 1"):
        parse_tle("\n".join([ISS[0], ISS[2], ISS[1]]))
    with pytest.raises(TLEError, match="line 2: line 1 is not followed by line 2"):
        parse_tle("\n".join([ISS[0], ISS[1], ISS[1]]))


def test_skip_mode_reports_bad_entries():
    bad = ISS[2][:68] + str((int(ISS[2][68]) + 1) % 10)
    text = "\n".join(STARLINK[:3] + [ISS[0], ISS[1], bad] + STARLINK[3:6])
    with pytest.warns(UserWarning, match="skipped 1 malformed"):
        r = parse_tle(text, errors="skip")
    assert [x.name for x in r.records] == ["STARLINK-1007", "STARLINK-1008"]
    assert r.skipped[0][0] == 6 and "checksum" in r.skipped[0][1]
    with pytest.warns(UserWarning):
        c = Constellation.from_tle(text, errors="skip")
    assert len(c) == 2 and c.skipped[0][0] == 6
    with pytest.raises(ValueError, match="errors"):
        parse_tle(text, errors="ignore")


def test_bad_field_reported_by_line():
    # eccentricity field with a letter: SGP4 cannot read it
    l2 = _with_checksum(ISS[2][:26] + "00X3435" + ISS[2][33:])
    with pytest.raises(TLEError, match=r"line 2: eccentricity field \(columns 27-33\) is "
                                       "'00X3435', not a number"):
        parse_tle("\n".join([ISS[1], l2]))
    l2 = _with_checksum(ISS[2][:8] + " 190.000" + ISS[2][16:])
    with pytest.raises(TLEError, match=r"line 2: inclination 190 deg outside \[0, 180\]"):
        parse_tle("\n".join([ISS[1], l2]))


@settings(max_examples=60, deadline=None)
@given(st.integers(18, 62), st.sampled_from("0123456789"))
def test_any_single_digit_change_is_caught(col, digit):
    # the modulo-10 checksum detects every single-digit substitution
    line = ISS[1]
    if not line[col].isdigit() or line[col] == digit:
        return
    changed = line[:col] + digit + line[col + 1:]
    with pytest.raises(TLEError, match="checksum"):
        parse_tle("\n".join([changed, ISS[2]]))


def test_omm_csv_and_json_equal_tle():
    # The OMM files hold the same element sets (written with sgp4.exporter.export_omm):
    # positions from the three loaders agree to < 1 m (OMM keeps full precision).
    t = time_grid("2020-02-14T12:00:00", "3h", "600s")
    ref = propagate(Constellation.from_tle(DATA / "starlink_2020-02-14.tle"), t).r_ecef_km
    for path in [DATA / "starlink_2020-02-14.csv", DATA / "starlink_2020-02-14.json"]:
        c = Constellation.from_omm(path)
        assert list(c.satellites["sat_id"]) == [f"STARLINK-{k}" for k in range(1007, 1015)]
        e = propagate(c, t)
        assert np.abs(e.r_ecef_km - ref).max() < 1e-3
    text = (DATA / "starlink_2020-02-14.json").read_text()
    assert len(parse_omm(text)) == 8  # format guessed from the text


def test_omm_bad_records():
    csv_text = (DATA / "starlink_2020-02-14.csv").read_text().splitlines()
    header, rows = csv_text[0], csv_text[1:]
    broken = rows[1].replace("0.0001375", "1.5")
    with pytest.raises(TLEError, match=r"line 3: ECCENTRICITY must be in \[0, 1\)"):
        parse_omm("\n".join([header, rows[0], broken]), format="csv")
    with pytest.warns(UserWarning):
        r = parse_omm("\n".join([header, rows[0], broken, rows[2]]), format="csv",
                      errors="skip")
    assert len(r) == 2 and r.skipped[0][0] == 3
    with pytest.raises(TLEError, match="record 1: missing OMM field"):
        parse_omm('[{"OBJECT_NAME": "X", "EPOCH": "2020-01-01T00:00:00"}]')
    with pytest.raises(TLEError, match="not valid JSON"):
        parse_omm("[{", format="json")


def test_missing_file_and_empty_input():
    with pytest.raises(FileNotFoundError):
        parse_tle(DATA / "nope.tle")
    with pytest.raises(ValueError, match="no valid element sets"):
        Constellation.from_tle("# nothing here\n\n")
