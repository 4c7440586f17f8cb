"""Passes against skyfield's event finder; daily totals on hand-made intervals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from satcloud.constellations import Constellation, constellation
from satcloud.orbits import propagate
from satcloud.passes import daily_totals, passes
from satcloud.time import time_grid

DATA = Path(__file__).parent / "data"

STATIONS = pd.DataFrame({"site": ["Quincy", "Svalbard"], "network": ["azure", "ksat"],
                         "lat_deg": [47.23, 78.23], "lon_deg": [-119.85, 15.39],
                         "alt_m": [390.0, 500.0]})


def _skyfield_events(path, lat, lon, alt_m, t0, t1, min_el):
    from skyfield.api import EarthSatellite, load, wgs84

    ts = load.timescale(builtin=True)
    lines = path.read_text().splitlines()
    sat = EarthSatellite(lines[1], lines[2], lines[0], ts)
    t, ev = sat.find_events(wgs84.latlon(lat, lon, alt_m), ts.from_astropy(t0),
                            ts.from_astropy(t1), altitude_degrees=min_el)
    return t, ev, sat, ts


def test_iss_passes_match_skyfield_find_events():
    # Reference: skyfield EarthSatellite.find_events (rise=0, culminate=1, set=2) on the
    # same TLE. Our rise/culmination/set agree to < 1 s (observed ~0.02 s; skyfield's own
    # search tolerance is of that order), max elevation to 0.01 deg.
    path = DATA / "iss_2018-07-03.tle"
    c = Constellation.from_tle(path)
    t = time_grid("2018-07-03T12:00:00", "24h", "60s")
    p = passes(propagate(c, t), STATIONS, 10.0)
    q = p[p["station"] == "Quincy"].reset_index(drop=True)
    st = STATIONS.iloc[0]
    ts_, ev, sat, ts = _skyfield_events(path, st.lat_deg, st.lon_deg, st.alt_m, t[0], t[-1],
                                        10.0)
    rises = ts_[ev == 0].utc_datetime()
    culms = ts_[ev == 1]
    sets = ts_[ev == 2].utc_datetime()
    assert len(q) == len(rises) == len(sets) >= 3
    to_ts = pd.to_datetime
    for k in range(len(q)):
        assert abs((q["rise_time"][k] - to_ts(rises[k]).tz_localize(None)).total_seconds()) < 1
        assert abs((q["set_time"][k] - to_ts(sets[k]).tz_localize(None)).total_seconds()) < 1
        cul = to_ts(culms[k].utc_datetime()).tz_localize(None)
        assert abs((q["culmination_time"][k] - cul).total_seconds()) < 1
    from skyfield.api import wgs84

    alt, _, _ = (sat - wgs84.latlon(st.lat_deg, st.lon_deg, st.alt_m)).at(culms).altaz()
    assert np.allclose(q["max_elevation_deg"], alt.degrees, atol=0.01)
    assert np.allclose(q["duration_s"], [(s - r).total_seconds() for r, s in
                                         zip(rises, sets, strict=True)], atol=1.0)
    assert not q["truncated"].any()
    assert set(p["network"]) <= {"azure", "ksat"}


def test_passes_j2_constellation_and_truncation():
    c = constellation("oneweb").subset(np.arange(0, 588, 49))  # one satellite per plane
    t = time_grid(None, "6h", "30s")
    e = propagate(c, t)
    p = passes(e, STATIONS, 20.0)
    assert len(p) > 5
    assert (p["max_elevation_deg"] >= 20).all()
    assert (p["rise_time"] <= p["culmination_time"]).all()
    assert (p["culmination_time"] <= p["set_time"]).all()
    # refined rise lies within one grid step before the first visible sample
    assert (p["duration_s"] > 0).all()
    # passes cut by the start of the grid are flagged and start at the grid start
    first = p[p["rise_time"] == pd.Timestamp(t[0].datetime64)]
    assert first["truncated"].all()
    coarse = passes(e, STATIONS, 20.0, refine=False)
    assert len(coarse) == len(p)
    with pytest.raises(ValueError, match="tolerance_s"):
        passes(e, STATIONS, tolerance_s=0)
    with pytest.raises(ValueError, match="sat_index"):
        passes(e, STATIONS, sat_index=[100])


def test_daily_totals_hand_made():
    day = np.datetime64("2020-10-01T00:00:00", "ns")
    h = np.timedelta64(3600, "s")
    df = pd.DataFrame({
        "station": ["a", "a", "b", "b"],
        "network": ["n", "n", "n", "n"],
        "rise_time": [day + 1 * h, day + 5 * h, day + 2 * h, day + 26 * h],
        "set_time": [day + 2 * h, day + 6 * h, day + 3 * h, day + 27 * h],
    })
    window = (day, day + 48 * h)
    st = daily_totals(df, window=window)
    a1 = st[(st.station == "a") & (st.date == np.datetime64("2020-10-01"))].iloc[0]
    assert a1.n_passes == 2 and a1.contact_s == 7200
    assert a1.longest_gap_s == 18 * 3600  # 06:00 -> 24:00
    a2 = st[(st.station == "a") & (st.date == np.datetime64("2020-10-02"))].iloc[0]
    assert a2.n_passes == 0 and a2.contact_s == 0 and a2.longest_gap_s == 86400
    net = daily_totals(df, by="network", window=window)
    n1 = net[net.date == np.datetime64("2020-10-01")].iloc[0]
    # union 01-03 and 05-06: 3 h of contact, longest gap 06 -> 24 = 18 h
    assert n1.contact_s == 3 * 3600 and n1.longest_gap_s == 18 * 3600 and n1.n_passes == 3
    # stations without passes still get rows when the station table is given
    stations = pd.DataFrame({"site": ["a", "b", "c"], "lat_deg": [0, 1, 2],
                             "lon_deg": [0, 1, 2]})
    full = daily_totals(df, window=window, stations=stations)
    c1 = full[full.station == "c"]
    assert len(c1) == 2 and (c1.contact_s == 0).all() and (c1.longest_gap_s == 86400).all()
    with pytest.raises(ValueError, match="window"):
        daily_totals(df)
    with pytest.raises(ValueError, match="network"):
        daily_totals(df.drop(columns="network"), by="network", window=window)


def test_shipped_ground_station_table_is_accepted_as_is():
    # Awarua NZ serves both the KSAT partner network and Starlink TT&C: two stations
    from satcloud import data
    from satcloud.geometry import normalize_sites

    st = normalize_sites(data.ground_stations(), "stations")
    assert st["site"].is_unique
    assert {"Awarua NZ (ksat-partner)", "Awarua NZ (starlink-ttc)"} <= set(st["site"])
    assert "Svalbard" in set(st["site"])  # unique names are left alone
