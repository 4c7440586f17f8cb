"""Scenario: an Earth-observation satellite downlinking through ground stations as a service.

Tidy tables for notebook 05: a sun-synchronous EO satellite defined as a ``boinor``
:class:`~boinor.twobody.Orbit`, its passes over the ground-station networks of
:func:`satcloud.data.ground_stations` (Azure Orbital, its KSAT partner sites, AWS Ground
Station, the Starlink TT&C sites), and per network: contacts per day, contact minutes per
day, the longest gap, the data volume per day at a given downlink rate and the age of the
data when it reaches the cloud. No new physics: orbits, passes and fibre come from
:mod:`satcloud.orbits`, :mod:`satcloud.passes` and :mod:`satcloud.network.fibre`.

Models
------
- **Orbit.** Circular and sun-synchronous, with the ascending node at a chosen local
  *mean* solar time (LTAN): :func:`satcloud.constellations.sun_synchronous_orbit`.
- **Contacts** of a network are the union of its stations' passes (a satellite with one
  X-band transmitter talks to one station at a time; overlapping passes are not counted
  twice). Contacts per day count the union intervals that start that day.
- **Data volume** per day = downlink rate x contact time (every second of contact used at
  the full rate: an upper bound).
- **Age of data when it reaches the cloud.** Data are taken continuously. A sample taken
  at ``t`` leaves the satellite at the start of the network's next contact (at once if
  the satellite is in contact at ``t``; the downlink is assumed to keep up, i.e. no
  backlog) and then crosses terrestrial fibre from the station to the nearest region of
  the network's cloud (Azure for Azure Orbital, KSAT and Starlink; AWS for AWS Ground
  Station): one-way time = half of :func:`satcloud.network.fibre.fibre_rtt_ms` over the
  geodesic with the given route factor. Age = wait + fibre time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from satcloud import data
from satcloud._validate import check_finite_result, check_range
from satcloud.constellations import Constellation, sun_synchronous_orbit
from satcloud.network.fibre import fibre_rtt_ms, nearest_site
from satcloud.orbits import (
    R_EARTH_KM,
    j2_secular_rates,
    nodal_period_s,
    orbital_period_s,
    sun_synchronous_inclination_deg,
)
from satcloud.passes import daily_totals, passes
from satcloud.scenarios import _checks

__all__ = [
    "AZURE_PLUS_KSAT",
    "NETWORK_CLOUD",
    "NETWORK_LABELS",
    "data_age",
    "eo_constellation",
    "eo_orbit",
    "merged_contacts",
    "network_passes",
    "network_summary",
    "orbit_summary",
    "station_table",
]

#: The combined Azure Orbital + KSAT partner network (Azure Orbital's own offer).
AZURE_PLUS_KSAT = "azure-orbital+ksat"

#: Display names of the networks, in report order.
NETWORK_LABELS = {
    "azure-orbital": "Azure Orbital (own sites)",
    "ksat-partner": "KSAT partner sites",
    AZURE_PLUS_KSAT: "Azure Orbital + KSAT",
    "aws-ground-station": "AWS Ground Station",
    "starlink-ttc": "Starlink TT&C sites",
}

#: Cloud whose nearest region receives each network's data.
NETWORK_CLOUD = {"azure-orbital": "azure", "ksat-partner": "azure", AZURE_PLUS_KSAT: "azure",
                 "aws-ground-station": "aws", "starlink-ttc": "azure"}

_REGIONS = {"azure": data.azure_regions, "aws": data.aws_regions}


def eo_orbit(altitude_km: float = 550.0, ltan_h: float = 22.5, epoch=None, *,
             argument_of_latitude_deg: float = 0.0, iterations: int = 4):
    """The EO satellite's orbit: :func:`satcloud.constellations.sun_synchronous_orbit`.

    Kept under this name for notebook 05; the solver (sun-synchronous inclination, node
    at a local mean solar time) lives in :mod:`satcloud.constellations`.

    Parameters
    ----------
    altitude_km : float
        Altitude above the WGS84 equatorial radius. [km]
    ltan_h : float
        Local mean solar time of the ascending node, in [0, 24). [h]
    epoch : Time or str, optional
        Epoch of the elements (default 2020-10-01T00:00:00 UTC).
    argument_of_latitude_deg : float
        Position in the orbit at the epoch, from the ascending node. [deg]
    iterations : int
        Fixed-point steps of the GCRS -> CIRS correction. [-]

    Returns
    -------
    boinor.twobody.Orbit
    """
    return sun_synchronous_orbit(altitude_km, ltan_h, epoch,
                                 argument_of_latitude_deg=argument_of_latitude_deg,
                                 iterations=iterations)


def eo_constellation(altitude_km: float = 550.0, ltan_h: float = 22.5, epoch=None, *,
                     min_elevation_deg: float = 5.0, name: str = "EO-SSO-550") -> Constellation:
    """The EO satellite of :func:`eo_orbit` as a one-satellite constellation (J2 model).

    ``min_elevation_deg`` is the ground stations' elevation mask. [deg]

    Parameters
    ----------
    altitude_km : float, optional
        Orbit altitude. [km]
    ltan_h : float, optional
        Local time of the ascending node. [h]
    epoch : Time or str, optional
        Epoch of the elements (default :data:`satcloud.time.DEFAULT_EPOCH`).
    min_elevation_deg : float, optional
        Ground stations' elevation mask. [deg]
    name : str, optional
        Constellation name.
    """
    orb = eo_orbit(altitude_km, ltan_h, epoch)
    return Constellation.from_orbits([orb], names=[name], name=name,
                                     min_elevation_deg=min_elevation_deg, band_user="X")


def orbit_summary(constellation: Constellation, ltan_h: float | None = None) -> pd.DataFrame:
    """The EO satellite's orbit as a two-column table (quantity, value) for the notebook.

    Rows: altitude [km], inclination [deg], sun-synchronous inclination at that altitude
    [deg], LTAN [h] (if given), Keplerian and nodal periods [min], orbits per day, RAAN
    drift [deg/day] and the mean Sun's motion, 360 deg / 365.2421897 d [deg/day].

    Parameters
    ----------
    constellation : Constellation
        The one-satellite EO constellation.
    ltan_h : float, optional
        Local time of the ascending node, shown if given. [h]
    """
    if not isinstance(constellation, Constellation) or len(constellation.satellites) == 0:
        raise TypeError(f"constellation must be a satcloud Constellation with a satellite "
                        f"(e.g. eo_constellation()), got {constellation!r:.80}")
    if ltan_h is not None:
        check_range(ltan_h, "ltan_h", 0.0, 24.0, high_open=True, unit="h")
    sat = constellation.satellites.iloc[0]
    h, inc, ecc = float(sat["altitude_km"]), float(sat["inclination_deg"]), float(sat["eccentricity"])
    raan_rate = j2_secular_rates(R_EARTH_KM + h, ecc, inc)[0]
    nodal = float(nodal_period_s(h, inc, ecc))
    rows = [("altitude [km]", h), ("inclination [deg]", inc),
            ("sun-synchronous inclination at this altitude [deg]",
             float(sun_synchronous_inclination_deg(h, ecc)))]
    if ltan_h is not None:
        rows.append(("local time of the ascending node [h]", float(ltan_h)))
    rows += [("Keplerian period [min]", float(orbital_period_s(h)) / 60.0),
             ("nodal period [min]", nodal / 60.0),
             ("orbits per day (nodal)", 86400.0 / nodal),
             ("RAAN drift [deg/day]", float(np.degrees(raan_rate)) * 86400.0),
             ("mean Sun's motion [deg/day]", 360.0 / 365.2421897)]
    return pd.DataFrame(rows, columns=["quantity", "value"])


def station_table(networks=("azure-orbital", "ksat-partner", "aws-ground-station",
                            "starlink-ttc"), route_factor="typical") -> pd.DataFrame:
    """Ground stations with the nearest region of their cloud and the fibre time to it.

    Parameters
    ----------
    networks : sequence of str, optional
        Ground-station networks to list.
    route_factor : str or float, optional
        Fibre route factor (preset name or value) for the backhaul time.

    Returns
    -------
    pandas.DataFrame
        The :func:`satcloud.data.ground_stations` rows of ``networks`` plus ``cloud``,
        ``region`` (nearest by geodesic), ``backhaul_km`` [km] and ``backhaul_ms``
        (one-way fibre time with ``route_factor``) [ms].
    """
    st = data.ground_stations()
    networks = _checks.names(networks, "networks", sorted(st["network"].unique()))
    st = st[st["network"].isin(networks)].reset_index(drop=True)
    st["cloud"] = st["network"].map(NETWORK_CLOUD)
    parts = []
    for cloud, g in st.groupby("cloud", sort=False):
        near = nearest_site(g["lat_deg"], g["lon_deg"], _REGIONS[cloud](), key="region")
        parts.append(pd.DataFrame({"region": near["region"].to_numpy(),
                                   "backhaul_km": near["distance_km"].to_numpy()},
                                  index=g.index))
    st = st.join(pd.concat(parts))
    st["backhaul_ms"] = fibre_rtt_ms(st["backhaul_km"].to_numpy(), route_factor) / 2.0
    return st


def network_passes(ephemeris, stations: pd.DataFrame, min_elevation_deg=None, *,
                   combine_azure_ksat: bool = True, tolerance_s: float = 0.01) -> pd.DataFrame:
    """Passes over every network's stations, network by network.

    Station names repeat across networks (Awarua hosts KSAT and Starlink), so
    :func:`satcloud.passes.passes` is called per network. With ``combine_azure_ksat`` the
    passes of ``azure-orbital`` and ``ksat-partner`` are repeated under
    :data:`AZURE_PLUS_KSAT`.

    Parameters
    ----------
    ephemeris : Ephemeris
        The EO satellite's ephemeris.
    stations : pandas.DataFrame
        Ground stations with ``network`` (as from :func:`station_table`).
    min_elevation_deg : float, optional
        Elevation mask; ``None`` = the satellite's own. [deg]
    combine_azure_ksat : bool, optional
        Also list Azure Orbital and KSAT passes together as :data:`AZURE_PLUS_KSAT`.
    tolerance_s : float, optional
        Time tolerance of the refined rise and set times. [s]

    Returns
    -------
    pandas.DataFrame
        :func:`satcloud.passes.passes` rows with ``network``; ``attrs["window"]`` kept.
    """
    _checks.ephemeris(ephemeris, "ephemeris")
    _checks.frame(stations, "stations", ("network", "site", "lat_deg", "lon_deg"),
                  producer="station_table()")
    parts = []
    window = None
    for net, g in stations.groupby("network", sort=False):
        p = passes(ephemeris, g.reset_index(drop=True), min_elevation_deg,
                   tolerance_s=tolerance_s)
        window = p.attrs.get("window", window)
        p = p.copy()
        p["network"] = net
        parts.append(p)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if combine_azure_ksat:
        both = out[out["network"].isin(["azure-orbital", "ksat-partner"])].copy()
        both["network"] = AZURE_PLUS_KSAT
        out = pd.concat([out, both], ignore_index=True)
    out["station"] = out["station"].astype(str)
    out = out.sort_values(["network", "rise_time"], kind="stable").reset_index(drop=True)
    out.attrs["window"] = window
    return out


def merged_contacts(passes_df: pd.DataFrame) -> pd.DataFrame:
    """Union of each network's passes: one row per contact interval.

    Parameters
    ----------
    passes_df : pandas.DataFrame
        Output of :func:`network_passes`.

    Returns
    -------
    pandas.DataFrame
        ``network``, ``start``, ``end`` (UTC datetime64), ``duration_s`` [s] and
        ``station`` (the station whose pass opens the contact), sorted.
    """
    _checks.frame(passes_df, "passes_df", _PASS_COLUMNS, producer="network_passes()",
                  allow_empty=True)
    rows = []
    for net, g in passes_df.groupby("network", sort=False):
        g = g.sort_values("rise_time")
        rs = g["rise_time"].to_numpy("datetime64[ns]")
        ss = g["set_time"].to_numpy("datetime64[ns]")
        names = g["station"].to_numpy()
        cur = None
        for r, s, n in zip(rs, ss, names, strict=True):
            if cur is not None and r <= cur[1]:
                cur[1] = max(cur[1], s)
            else:
                if cur is not None:
                    rows.append((net, *cur))
                cur = [r, s, n]
        if cur is not None:
            rows.append((net, *cur))
    out = pd.DataFrame(rows, columns=["network", "start", "end", "station"])
    out["duration_s"] = (out["end"] - out["start"]).dt.total_seconds()
    return out[["network", "start", "end", "duration_s", "station"]]


_PASS_COLUMNS = ("network", "station", "rise_time", "set_time")


def _ordered(networks) -> list:
    """Networks in report order (those of NETWORK_LABELS first, then the rest sorted)."""
    present = set(networks)
    return [n for n in NETWORK_LABELS if n in present] + sorted(present - set(NETWORK_LABELS))


def _window(passes_df, window):
    if window is None:
        window = passes_df.attrs.get("window")
    if window is None:
        raise ValueError("window is unknown: pass window=(start, end)")
    try:
        w0, w1 = np.datetime64(window[0], "ns"), np.datetime64(window[1], "ns")
    except (TypeError, ValueError, IndexError, KeyError) as exc:
        raise ValueError(f"window must be (start, end) datetimes, got {window!r}") from exc
    if np.isnat(w0) or np.isnat(w1) or not w0 < w1:
        raise ValueError(f"window must be (start, end) with start < end, got {window!r}")
    return w0, w1


def network_summary(passes_df: pd.DataFrame, stations: pd.DataFrame, *, window=None,
                    rate_mbps: float = 800.0) -> pd.DataFrame:
    """Per network: contacts, minutes and data volume per day, and the longest gap.

    Parameters
    ----------
    passes_df : pandas.DataFrame
        Output of :func:`network_passes`.
    stations : pandas.DataFrame
        The stations (for the station counts).
    window : tuple of datetime64, optional
        Analysed (start, end); default the passes' window. Contacts and gaps are clipped
        to it (propagate beyond it so that the last gap ends on a real contact).
    rate_mbps : float
        X-band downlink rate. [Mbit/s]

    Returns
    -------
    pandas.DataFrame
        ``network``, ``label``, ``stations``, ``contacts_per_day``, ``minutes_per_day``,
        ``min_minutes_day``, ``longest_gap_h`` (longest interval without contact that
        opens inside the window, run to the next contact even if that is after the
        window), ``mean_gap_min`` (gaps between contacts), ``gbyte_per_day`` (rate x contact time) [GB/day].
    """
    _checks.frame(passes_df, "passes_df", _PASS_COLUMNS, producer="network_passes()",
                  allow_empty=True)
    _checks.frame(stations, "stations", ("network",), producer="station_table()")
    rate_mbps = float(check_range(rate_mbps, "rate_mbps", 0.0, None, low_open=True,
                                  unit="Mbit/s"))
    if not np.isfinite(rate_mbps):
        raise ValueError(f"rate_mbps must be finite, got {rate_mbps!r}")
    w0, w1 = _window(passes_df, window)
    days = (w1 - w0) / np.timedelta64(1, "s") / 86400.0
    merged = merged_contacts(passes_df)
    totals = daily_totals(passes_df, by="network", window=(w0, w1))
    counts = stations.groupby("network").size().to_dict()
    counts[AZURE_PLUS_KSAT] = counts.get("azure-orbital", 0) + counts.get("ksat-partner", 0)
    rows = []
    for net in _ordered(passes_df["network"]):
        m = merged[merged["network"] == net]
        s0 = m["start"].to_numpy("datetime64[ns]")
        e0 = m["end"].to_numpy("datetime64[ns]")
        s, e = np.clip(s0, w0, w1), np.clip(e0, w0, w1)
        contact_s = float(((e - s) / np.timedelta64(1, "ns")).sum() / 1e9)
        # gaps opening inside the window run to the next contact, even one after w1
        # (so the last gap is not cut short); the first one starts at w0 at the latest
        ends = np.concatenate([[w0], e0[e0 > w0]])
        starts = np.concatenate([s0[e0 > w0], [np.datetime64("NaT")]])
        ok = (ends < w1) & ~np.isnat(starts)
        gaps = np.maximum((starts[ok] - ends[ok]) / np.timedelta64(1, "s"), 0.0)
        if not ok[-1] and ends[-1] < w1:  # no contact after the window's last gap
            gaps = np.append(gaps, (w1 - ends[-1]) / np.timedelta64(1, "s"))
        inner = gaps[1:] if len(gaps) > 1 else gaps
        t = totals[totals["network"] == net]
        rows.append({
            "network": net,
            "label": NETWORK_LABELS.get(net, net),
            "stations": counts.get(net, 0),
            "contacts_per_day": float(((m["start"] >= w0) & (m["start"] < w1)).sum()) / days,
            "minutes_per_day": contact_s / 60.0 / days,
            "min_minutes_day": float(t["contact_s"].min()) / 60.0 if len(t) else 0.0,
            "longest_gap_h": float(gaps.max()) / 3600.0,
            "mean_gap_min": float(inner.mean()) / 60.0 if len(inner) else np.nan,
            "gbyte_per_day": rate_mbps * 1e6 * contact_s / days / 8e9,
        })
    out = pd.DataFrame(rows)
    if len(out):
        check_finite_result(out["gbyte_per_day"], "rate_mbps")
    return out


def data_age(passes_df: pd.DataFrame, stations: pd.DataFrame, *, window=None,
             sample_step_s: float = 60.0) -> pd.DataFrame:
    """Age of data when it reaches the cloud, for data taken every ``sample_step_s``.

    Parameters
    ----------
    passes_df : pandas.DataFrame
        Output of :func:`network_passes` (propagated beyond the window, so that data
        taken near its end still find a next contact).
    stations : pandas.DataFrame
        Output of :func:`station_table` (``backhaul_ms`` per network and site).
    window : tuple of datetime64, optional
        Acquisition times analysed (default the passes' window).
    sample_step_s : float
        Spacing of the acquisition times. [s]

    Returns
    -------
    pandas.DataFrame
        One row per network and acquisition time: ``network``, ``acquired`` (UTC),
        ``in_contact`` (bool), ``wait_s`` [s], ``station`` (downlinking station),
        ``backhaul_ms`` [ms] and ``age_min`` (wait + backhaul) [min]. Samples with no
        later contact in ``passes_df`` are dropped.
    """
    _checks.frame(passes_df, "passes_df", _PASS_COLUMNS, producer="network_passes()",
                  allow_empty=True)
    _checks.frame(stations, "stations", ("network", "site", "backhaul_ms"),
                  producer="station_table()")
    _checks.finite_columns(stations, "stations", ("backhaul_ms", "lat_deg", "lon_deg"),
                           producer="station_table()")
    sample_step_s = float(check_range(sample_step_s, "sample_step_s", 0.0, None,
                                      low_open=True, unit="s"))
    if not np.isfinite(sample_step_s):
        raise ValueError(f"sample_step_s must be finite, got {sample_step_s!r}")
    w0, w1 = _window(passes_df, window)
    span_s = (w1 - w0) / np.timedelta64(1, "s")
    if sample_step_s > span_s:
        raise ValueError(f"sample_step_s must be at most the window's length, {span_s:g} s; "
                         f"got {sample_step_s:g} s")
    step = np.timedelta64(int(round(sample_step_s * 1e9)), "ns")
    t = np.arange(w0, w1, step)
    merged = merged_contacts(passes_df)
    bh = stations.assign(site=stations["site"].astype(str))
    bh_ms = {(n, s): v for n, s, v in zip(bh["network"], bh["site"], bh["backhaul_ms"],
                                          strict=True)}
    parts = []
    for net in _ordered(merged["network"]):
        m = merged[merged["network"] == net]
        s = m["start"].to_numpy("datetime64[ns]")
        e = m["end"].to_numpy("datetime64[ns]")
        # first contact whose end is after t: in contact if its start <= t
        k = np.searchsorted(e, t, side="right")
        ok = k < len(e)
        kk = k[ok]
        tt = t[ok]
        inside = s[kk] <= tt
        wait = np.where(inside, 0.0, (s[kk] - tt) / np.timedelta64(1, "s"))
        st_names = m["station"].to_numpy()[kk]
        nets = [net] if net != AZURE_PLUS_KSAT else ["azure-orbital", "ksat-partner"]
        ms = np.array([next(bh_ms[(n, x)] for n in nets if (n, x) in bh_ms) for x in st_names])
        parts.append(pd.DataFrame({
            "network": net, "acquired": tt, "in_contact": inside, "wait_s": wait,
            "station": st_names, "backhaul_ms": ms,
            "age_min": (wait + ms / 1e3) / 60.0,
        }))
    if not parts:
        raise ValueError("passes_df holds no pass: no contact, so no data age")
    return pd.concat(parts, ignore_index=True)
