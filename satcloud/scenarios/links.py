"""Scenario: link budgets, Ku versus Ka, rain by climate, a pass, users sharing a cell.

The tables behind notebook 02. Each function wires :mod:`satcloud.links` (and, for the
pass, the orbits engine :mod:`satcloud.constellations`, :mod:`satcloud.orbits`,
:mod:`satcloud.geometry`) together for one question and returns a tidy
:class:`pandas.DataFrame` with units in the column names. No new physics lives here.

What is an assumption here (besides the profiles' own, see
:func:`satcloud.links.describe_profile`):

- :data:`BAND_PROFILES`: the Starlink user downlink stands for Ku, the Kuiper user
  downlink for Ka;
- :data:`DOWNLINK_SPECTRUM_MHZ`: the user-downlink band of each profile (REFERENCE.md
  "Radio links": Ku 10.7-12.7 GHz, Ka 17.7-20.2 GHz), shared among the beams by a
  frequency-reuse pattern whose colours and polarisations are parameters;
- :data:`BEAMWIDTH_DEG`: the satellite beamwidth that sets the cell area (Starlink
  ~1.2 deg, REFERENCE.md, secondary; Kuiper's is not published, 1.2 deg assumed).

The lines of :data:`BUDGET_LINES` name the models of :mod:`satcloud.links` they come
from: gases ITU-R P.676 [2]_, clouds P.840 [3]_, rain P.618 [1]_ with P.838 [4]_,
P.837 [5]_ and P.839 [6]_, scintillation and the total of the atmosphere P.618 [1]_,
the MODCOD and its required Es/N0 the DVB-S2 table of ETSI EN 302 307-1 [7]_ (with its
S2X extension, see :mod:`satcloud.links.modcod`).

References
----------
.. [1] ITU-R Recommendation P.618-13 (12/2017), "Propagation data and prediction
   methods required for the design of Earth-space telecommunication systems".
   https://www.itu.int/rec/R-REC-P.618-13-201712-I/en
.. [2] ITU-R Recommendation P.676-12 (08/2019), "Attenuation by atmospheric gases and
   related effects". https://www.itu.int/rec/R-REC-P.676-12-201908-S/en
.. [3] ITU-R Recommendation P.840-7 (12/2017), "Attenuation due to clouds and fog".
   https://www.itu.int/rec/R-REC-P.840-7-201712-I/en
.. [4] ITU-R Recommendation P.838-3 (03/2005), "Specific attenuation model for rain for
   use in prediction methods". https://www.itu.int/rec/R-REC-P.838-3-200503-I/en
.. [5] ITU-R Recommendation P.837-7 (06/2017), "Characteristics of precipitation for
   propagation modelling". https://www.itu.int/rec/R-REC-P.837-7-201706-I/en
.. [6] ITU-R Recommendation P.839-4 (09/2013), "Rain height model for prediction
   methods". https://www.itu.int/rec/R-REC-P.839-4-201309-I/en
.. [7] ETSI EN 302 307-1 V1.4.1 (2014-07), "Digital Video Broadcasting (DVB); Second
   generation framing structure, channel coding and modulation systems ...; Part 1:
   DVB-S2", Table 13.
   https://www.etsi.org/deliver/etsi_en/302300_302399/30230701/01.04.01_60/en_30230701v010401p.pdf
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from satcloud import data, links, systems
from satcloud._validate import check_latlon, check_range, renamed_keywords
from satcloud.links.availability import (
    DEFAULT_P_PERCENT,
    P_GRID_PERCENT,
    availability_for_budget,
)
from satcloud.scenarios import _checks

__all__ = [
    "BAND_PROFILES",
    "BEAMWIDTH_DEG",
    "BUDGET_LINES",
    "CLIMATE_CITIES",
    "DOWNLINK_SPECTRUM_MHZ",
    "HOURS_PER_YEAR",
    "budget_lines",
    "cell_capacity",
    "climate_cities",
    "link_availability",
    "map_summary",
    "pass_budget",
    "pass_summary",
    "pass_geometry",
    "rain_fade_by_city",
    "reference_budgets",
    "subscriber_sweep",
]

#: Hours in an average (Julian) year, for downtime. [h]
HOURS_PER_YEAR = 365.25 * 24.0

#: Five rain climates, from the 1,000 most populous cities of ``data/cities.csv``
#: (GeoNames ids 5809844 Seattle, 2643743 London, 1880252 Singapore, 2332459 Lagos,
#: 2147714 Sydney; CC BY 4.0).
CLIMATE_CITIES = ("Seattle", "London", "Singapore", "Lagos", "Sydney")

#: The profile that stands for each band: Starlink's Ku and Kuiper's Ka user downlinks.
BAND_PROFILES = {"Ku": "starlink_user_downlink", "Ka": "kuiper_user_downlink"}

#: User-downlink spectrum of each band's profile (Ku 10.7-12.7 GHz, Ka 17.7-20.2 GHz;
#: REFERENCE.md "Radio links"), from the systems registry (``data/networks.csv``). [MHz]
DOWNLINK_SPECTRUM_MHZ = {n.link_profile: n.spectrum_mhz
                         for n in systems.networks(False).values()
                         if n.link_profile in BAND_PROFILES.values()}

#: Satellite user-beam 3 dB beamwidth setting the cell size. [deg]
#: Starlink ~1.2 deg (REFERENCE.md, secondary source); Kuiper: assumption, the same.
BEAMWIDTH_DEG = {"starlink_user_downlink": 1.2, "kuiper_user_downlink": 1.2}

#: The engineer's budget, line by line: (label, budget column, unit, role). Role is how
#: the line enters the sum: "+" adds, "-" subtracts, "=" a result, "" information.
#: Labels name the ITU-R and ETSI models of the module References.
BUDGET_LINES = (
    ("Frequency", "freq_ghz", "GHz", ""),
    ("Elevation", "elevation_deg", "deg", ""),
    ("Slant range", "range_km", "km", ""),
    ("Time the weather is exceeded, p", "p_percent", "%", ""),
    ("Satellite EIRP per carrier", "eirp_dbw", "dBW", "+"),
    ("Free-space path loss", "fspl_db", "dB", "-"),
    ("of which gases (ITU-R P.676)", "gas_db", "dB", ""),
    ("of which clouds (ITU-R P.840)", "cloud_db", "dB", ""),
    ("of which rain (ITU-R P.618/P.838/P.837/P.839)", "rain_db", "dB", ""),
    ("of which scintillation (ITU-R P.618)", "scintillation_db", "dB", ""),
    ("Atmospheric attenuation (P.618 sec. 2.5)", "atm_total_db", "dB", "-"),
    ("Other losses (pointing, polarisation)", "other_losses_db", "dB", "-"),
    ("Terminal antenna gain", "rx_gain_dbi", "dBi", ""),
    ("of which sky-noise rise from rain and cloud", "sky_noise_k", "K", ""),
    ("System noise temperature (with sky noise)", "rx_tsys_k", "K", ""),
    ("Terminal G/T", "gt_db_per_k", "dB/K", "+"),
    ("Boltzmann's constant, 10 log10 k", "boltzmann_dbw_per_k_hz", "dBW/(K Hz)", "-"),
    ("C/N0", "cn0_dbhz", "dBHz", "="),
    ("Noise bandwidth", "bandwidth_mhz", "MHz", ""),
    ("Noise bandwidth, 10 log10 B", "bandwidth_dbhz", "dBHz", "-"),
    ("C/N", "cn_db", "dB", "="),
    ("C/I adjacent channel", "c_aci_db", "dB", ""),
    ("C/I adjacent satellite", "c_asi_db", "dB", ""),
    ("C/I cross-polar", "c_xpi_db", "dB", ""),
    ("C/I intermodulation", "c_3im_db", "dB", ""),
    ("C/I all interference", "ci_total_db", "dB", ""),
    ("C/(N+I)", "cni_db", "dB", "="),
    ("Symbol rate, B / (1 + roll-off)", "symbol_rate_msps", "Msym/s", ""),
    ("Es/N0", "esn0_db", "dB", "="),
    ("MODCOD (DVB-S2/S2X ACM)", "modcod", "", ""),
    ("Required Es/N0 (ETSI EN 302 307)", "required_esn0_db", "dB", ""),
    ("Implementation margin", "implementation_margin_db", "dB", ""),
    ("Margin over the chosen MODCOD", "margin_db", "dB", "="),
    ("Fade margin to the lowest MODCOD", "fade_margin_db", "dB", "="),
    ("Spectral efficiency", "spectral_efficiency_bps_per_hz", "bit/s/Hz", ""),
    ("Throughput, symbol rate x efficiency", "throughput_mbps", "Mbit/s", "="),
    ("Shannon bound, B log2(1 + C/(N+I))", "shannon_mbps", "Mbit/s", ""),
)


def _profile_name(profile) -> str:
    return links.get_profile(profile).name


def climate_cities(names: Sequence[str] = CLIMATE_CITIES) -> pd.DataFrame:
    """Cities of :func:`satcloud.data.cities` by name, in the order given.

    Parameters
    ----------
    names : sequence of str
        City names as spelled in ``data/cities.csv`` (the most populous match is
        taken if a name occurs twice).

    Returns
    -------
    pandas.DataFrame
        ``city``, ``geonameid``, ``country_code``, ``lat_deg``, ``lon_deg``,
        ``population``.
    """
    return _city_rows(names, "names")


def _city_rows(names, param: str) -> pd.DataFrame:
    names = _checks.names(names, param)
    table = data.cities()
    rows = []
    for name in names:
        hit = table[table["name"] == name]
        if hit.empty:
            raise ValueError(f"{param}: city {name!r} is not among the {len(table)} cities "
                             "of data/cities.csv; give the place as a DataFrame with city, "
                             "lat_deg and lon_deg instead")
        rows.append(hit.iloc[0])
    out = pd.DataFrame(rows).reset_index(drop=True).rename(columns={"name": "city"})
    return out[["city", "geonameid", "country_code", "lat_deg", "lon_deg", "population"]]


def _places(places) -> pd.DataFrame:
    if places is None:
        return climate_cities()
    if isinstance(places, pd.DataFrame):
        _checks.frame(places, "places", ("city", "lat_deg", "lon_deg"),
                      producer="climate_cities()")
        check_latlon(places["lat_deg"].to_numpy(), places["lon_deg"].to_numpy(),
                     "places lat_deg", "places lon_deg")
        return places.reset_index(drop=True)
    return _city_rows(places, "places")


def _elevation(value) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                     np.floating)):
        raise TypeError(f"elevation_deg must be one number in (0, 90] [deg], got {value!r}")
    return float(check_range(value, "elevation_deg", 0.0, 90.0, low_open=True, unit="deg"))


def _bands(bands) -> dict:
    if bands is None:
        return dict(BAND_PROFILES)
    return _checks.mapping(bands, "bands", producer="a mapping band -> link profile")


def reference_budgets(profiles: Mapping | None = None, lat_deg=51.50853, lon_deg=-0.12574,
                      elevation_deg=40.0, p_percent=None,
                      overrides: Mapping | None = None) -> pd.DataFrame:
    """Budgets of several profiles at one place and elevation, one row per profile.

    Parameters
    ----------
    profiles : mapping, optional
        Label -> profile name; default :data:`BAND_PROFILES` (Ku Starlink, Ka Kuiper).
    lat_deg, lon_deg : float
        Ground terminal (default London, GeoNames 2643743). [deg]
    elevation_deg : float
        Elevation of the satellite, in (0, 90]; the slant range follows from each
        profile's altitude. [deg]
    p_percent : float, optional
        Percentage of the year the weather is exceeded; default each profile's. [%]
    overrides : mapping, optional
        Label -> dict of profile fields to override.

    Returns
    -------
    pandas.DataFrame
        :func:`satcloud.links.link_budget` columns plus ``label`` (first) and
        ``bandwidth_dbhz`` (10 log10 of the noise bandwidth in Hz).
    """
    profiles = dict(BAND_PROFILES if profiles is None else _checks.mapping(
        profiles, "profiles", producer="a mapping label -> link profile"))
    overrides = {} if overrides is None else _checks.mapping(
        overrides, "overrides", keys=list(profiles)) if overrides else {}
    frames = []
    for label, prof in profiles.items():
        b = links.link_budget(prof, elevation_deg=elevation_deg, lat_deg=lat_deg,
                              lon_deg=lon_deg, p_percent=p_percent,
                              overrides=overrides.get(label))
        b.insert(0, "label", label)
        frames.append(b)
    out = pd.concat([f.astype({c: object for c in f.columns
                               if isinstance(f[c].dtype, pd.CategoricalDtype)})
                     for f in frames], ignore_index=True)
    out["bandwidth_dbhz"] = 10.0 * np.log10(out["bandwidth_mhz"].to_numpy(float) * 1e6)
    return out


def budget_lines(budgets: pd.DataFrame, labels: Sequence[str] | None = None) -> pd.DataFrame:
    """The budgets of :func:`reference_budgets` as the table engineers write by hand.

    Parameters
    ----------
    budgets : pandas.DataFrame
        Output of :func:`reference_budgets` (a ``label`` column, one row each).
    labels : sequence of str, optional
        Columns of the table, in order; default every label.

    Returns
    -------
    pandas.DataFrame
        One row per line of :data:`BUDGET_LINES`: ``line``, ``unit``, ``role`` (``+``
        adds, ``-`` subtracts, ``=`` a result) and one column per label.
    """
    _checks.frame(budgets, "budgets", ("label",), producer="reference_budgets()")
    numeric = [ln[1] for ln in BUDGET_LINES if ln[1] in budgets.columns
               and ln[1] != "modcod"]
    # link_budget documents NaN gain and noise temperature for a G/T-only receiver
    _checks.finite_columns(budgets, "budgets", numeric, nan_ok=("rx_gain_dbi", "rx_tsys_k"),
                           producer="reference_budgets()")
    labels = list(budgets["label"]) if labels is None else _checks.names(
        labels, "labels", list(budgets["label"]))
    table = budgets.set_index("label")
    out = pd.DataFrame({
        "line": [ln[0] for ln in BUDGET_LINES],
        "unit": [ln[2] for ln in BUDGET_LINES],
        "role": [ln[3] for ln in BUDGET_LINES],
    })
    for label in labels:
        row = table.loc[label]
        out[label] = [row[ln[1]] for ln in BUDGET_LINES]
    return out


def rain_fade_by_city(places=None, bands: Mapping | None = None, elevation_deg=40.0,
                      p_percent=DEFAULT_P_PERCENT) -> pd.DataFrame:
    """Atmospheric attenuation exceeded for p % of the year, by city and band.

    Each band uses its profile's frequency, ground antenna (for scintillation) and
    polarisation; the attenuation is :func:`satcloud.links.margin_vs_percentage`
    (``itur`` evaluated at every point).

    Parameters
    ----------
    places : pandas.DataFrame or sequence of str, optional
        ``city``, ``lat_deg``, ``lon_deg``, or city names; default
        :data:`CLIMATE_CITIES`.
    bands : mapping, optional
        Band -> profile; default :data:`BAND_PROFILES`.
    elevation_deg : float
        Elevation of the path, in (0, 90]. [deg]
    p_percent : array_like
        Percentages of an average year, in [0.001, 5]. [%]

    Returns
    -------
    pandas.DataFrame
        Tidy: ``city``, ``band``, ``profile``, ``freq_ghz``, ``elevation_deg``,
        ``p_percent``, ``availability_percent``, ``gas_db``, ``cloud_db``, ``rain_db``,
        ``scintillation_db``, ``atm_total_db``.
    """
    pl = _places(places)
    bands = _bands(bands)
    elevation_deg = _elevation(elevation_deg)
    frames = []
    for band, prof in bands.items():
        p = links.get_profile(prof)
        m = links.margin_vs_percentage(
            pl["lat_deg"].to_numpy(float), pl["lon_deg"].to_numpy(float), elevation_deg,
            p.freq_ghz, p_percent, antenna_diameter_m=p.ground_antenna_diameter_m,
            antenna_efficiency=p.ground_antenna_efficiency,
            polarization_tilt_deg=p.polarization_tilt_deg)
        m.insert(0, "city", pl["city"].to_numpy()[m["point"].to_numpy()])
        m.insert(1, "band", band)
        m.insert(2, "profile", p.name)
        frames.append(m.drop(columns=["point", "lat_deg", "lon_deg", "required_margin_db"]))
    return pd.concat(frames, ignore_index=True)


@renamed_keywords(p_grid="p_grid_percent")
def link_availability(places=None, bands: Mapping | None = None, elevation_deg=40.0,
                      margin_db=6.0, p_grid_percent=P_GRID_PERCENT) -> pd.DataFrame:
    """How often each band's link stays up at each place, three ways.

    1. ``clear_sky_fade_margin_db``: the link's fade margin to its lowest MODCOD in
       a vacuum budget (:func:`satcloud.links.link_budget` with ``atm_loss_db=0``),
       and ``availability_atm_percent``, what that margin buys against the
       attenuation alone (:func:`satcloud.links.availability_for_margin`);
    2. ``availability_link_percent``: the full budget (attenuation, sky-noise rise,
       interference) evaluated at each p of ``p_grid_percent``; the availability is 100 - p at
       which its ``fade_margin_db`` crosses zero
       (:func:`satcloud.links.availability.availability_for_budget`);
    3. ``availability_given_margin_percent``: what a common ``margin_db`` buys against
       the attenuation alone (the quantity of the world map).

    Parameters
    ----------
    places : pandas.DataFrame or sequence of str, optional
        As for :func:`rain_fade_by_city`.
    bands : mapping, optional
        Band -> profile; default :data:`BAND_PROFILES`.
    elevation_deg : float
        Elevation of the link. [deg]
    margin_db : float
        Common margin for column 3. [dB]
    p_grid_percent : array_like
        Increasing percentages in [0.001, 5] for the full-budget scan (spelled ``p_grid``
        before issue 12; still accepted, with a ``DeprecationWarning``, for one
        release). [%]

    Returns
    -------
    pandas.DataFrame
        One row per (city, band) with the columns above, the ``*_bound`` of each
        availability (``exact``, ``at_least`` 99.999 %, ``at_most`` 95 %), the
        ``throughput_clear_mbps`` of the vacuum budget and ``downtime_link_h_per_year``
        (outage time of the full budget in an average year; an upper bound when the
        availability is ``at_least``). [h]
    """
    pl = _places(places)
    bands = _bands(bands)
    elevation_deg = _elevation(elevation_deg)
    margin_db = float(check_range(margin_db, "margin_db", unit="dB"))
    if not np.isfinite(margin_db):
        raise ValueError(f"margin_db must be finite, got {margin_db!r}")
    grid = check_range(p_grid_percent, "p_grid_percent", 0.001, 5.0, unit="%")
    if grid.ndim != 1 or grid.size < 2 or np.any(np.diff(grid) <= 0):
        raise ValueError("p_grid_percent must be a 1-D increasing array of at least 2 percentages")
    check_range(grid, "p_grid_percent", 0.001, 5.0, unit="%")
    lat = pl["lat_deg"].to_numpy(float)
    lon = pl["lon_deg"].to_numpy(float)
    rows = []
    for band, prof in bands.items():
        p = links.get_profile(prof)
        ant = dict(antenna_diameter_m=p.ground_antenna_diameter_m,
                   antenna_efficiency=p.ground_antenna_efficiency,
                   polarization_tilt_deg=p.polarization_tilt_deg)
        vac = links.link_budget(p, elevation_deg=elevation_deg, atm_loss_db=0.0)
        fm = float(vac["fade_margin_db"].iloc[0])
        atm_only = links.availability_for_margin(fm, lat, lon, elevation_deg, p.freq_ghz,
                                                 **ant)
        given = links.availability_for_margin(margin_db, lat, lon, elevation_deg,
                                              p.freq_ghz, **ant)
        link = availability_for_budget(p, elevation_deg, lat, lon, p_grid_percent=grid)
        for i, city in enumerate(pl["city"]):
            p_star, bound = float(link["p_percent"].iloc[i]), link["bound"].iloc[i]
            rows.append({
                "city": city, "band": band, "profile": p.name, "freq_ghz": p.freq_ghz,
                "elevation_deg": float(elevation_deg),
                "throughput_clear_mbps": float(vac["throughput_mbps"].iloc[0]),
                "clear_sky_fade_margin_db": fm,
                "availability_atm_percent": float(atm_only["availability_percent"].iloc[i]),
                "availability_atm_bound": atm_only["bound"].iloc[i],
                "availability_link_percent": 100.0 - p_star,
                "availability_link_bound": bound,
                "downtime_link_h_per_year": p_star / 100.0 * HOURS_PER_YEAR,
                "margin_db": float(margin_db),
                "availability_given_margin_percent":
                    float(given["availability_percent"].iloc[i]),
                "availability_given_margin_bound": given["bound"].iloc[i],
            })
    return pd.DataFrame(rows)


@renamed_keywords(search_hours="search_window_h")
def pass_geometry(constellation_name="starlink-gen1", lat_deg=51.50853, lon_deg=-0.12574,
                  *, shells=("1",), start=None, search_window_h=2.0, search_step_s=60.0,
                  step_s=5.0, floor_elevation_deg=10.0) -> pd.DataFrame:
    """Elevation and range over the highest pass of one satellite over a place.

    The orbits engine propagates the constellation on a coarse grid over the search
    window, the satellite reaching the highest elevation is kept, and that satellite
    alone is propagated on a fine grid around its culmination; look angles come from
    :func:`satcloud.geometry.look_angles`.

    Parameters
    ----------
    constellation_name : str
        A name of :func:`satcloud.constellations.constellation`.
    lat_deg, lon_deg : float
        Ground terminal (default London). [deg]
    shells : sequence of str, optional
        Shells to search (default the first); None for all.
    start : str or Time, optional
        Start of the search (default the engine's epoch, 2020-10-01 00:00 UTC).
    search_window_h : float
        Length of the search window, in (0, 48] (spelled ``search_hours`` before issue
        12; still accepted, with a ``DeprecationWarning``, for one release). [h]
    search_step_s : float
        Coarse step of the search. [s]
    step_s : float
        Step of the returned pass. [s]
    floor_elevation_deg : float
        Keep samples at or above this elevation, in (0, 90). [deg]

    Returns
    -------
    pandas.DataFrame
        ``time`` (UTC), ``t_from_culmination_s``, ``sat_id``, ``azimuth_deg``,
        ``elevation_deg``, ``range_km``, ``lat_deg``, ``lon_deg`` (the terminal), ready
        for :func:`satcloud.links.link_budget`.
    """
    import astropy.units as u

    from satcloud import constellations, geometry, orbits
    from satcloud.time import duration_s, time_grid

    hours = float(check_range(search_window_h, "search_window_h", 0.0, 48.0, low_open=True,
                              unit="h"))
    search_step_s = duration_s(search_step_s, "search_step_s")
    step_s = duration_s(step_s, "step_s")
    if search_step_s > hours * 3600.0:
        raise ValueError(f"search_step_s must be at most the search window "
                         f"(search_window_h={hours:g} h); got {search_step_s:g} s")
    if step_s > 1440.0:
        raise ValueError(f"step_s must be at most the 1440 s window around the culmination; "
                         f"got {step_s:g} s")
    if shells is not None:
        shells = [shells] if isinstance(shells, str) else _checks.sequence(
            shells, "shells", what="shell names")
    floor = float(check_range(floor_elevation_deg, "floor_elevation_deg", 0.0, 90.0,
                              low_open=True, high_open=True, unit="deg"))
    constellation_name = _checks.names(constellation_name, "constellation_name",
                                       constellations.CATALOGUE)[0]
    const = constellations.constellation(constellation_name,
                                         shells=None if shells is None else list(shells))
    try:
        coarse = time_grid(start, duration=hours * 3600.0, step=search_step_s)
    except (TypeError, ValueError):
        raise
    except Exception as exc:  # noqa: BLE001 - astropy's own errors, e.g. KeyError
        raise TypeError(f"start must be a time (astropy Time, datetime or ISO text), got "
                        f"{start!r}") from exc
    eph = orbits.propagate(const, coarse)
    el = geometry.look_angles(eph, lat_deg, lon_deg).elevation_deg
    k_t, k_sat = np.unravel_index(int(np.argmax(el)), el.shape)
    if el[k_t, k_sat] < floor:
        raise ValueError(f"no satellite of {constellation_name!r} rises above {floor:g} deg "
                         f"in the {hours:g} h window; search longer")
    one = const.subset([int(k_sat)])
    # a LEO pass lasts < 20 min: a +/- 12 min window around the coarse peak holds it
    t_peak = coarse[k_t]
    fine = time_grid(t_peak - 720.0 * u.s, duration=1440.0, step=step_s,
                            endpoint=True)
    la = geometry.look_angles(orbits.propagate(one, fine), lat_deg, lon_deg)
    e = la.elevation_deg[:, 0]
    top = int(np.argmax(e))
    # the contiguous stretch above the floor around the culmination
    above = e >= floor
    lo = top
    while lo > 0 and above[lo - 1]:
        lo -= 1
    hi = top
    while hi < len(e) - 1 and above[hi + 1]:
        hi += 1
    sel = slice(lo, hi + 1)
    times = pd.to_datetime(fine.datetime64[sel])
    return pd.DataFrame({
        "time": times,
        "t_from_culmination_s": (times - times[top - lo]).total_seconds().to_numpy(),
        "sat_id": str(one.satellites["sat_id"].iloc[0]),
        "azimuth_deg": la.azimuth_deg[sel, 0],
        "elevation_deg": e[sel],
        "range_km": la.range_km[sel, 0],
        "lat_deg": float(lat_deg),
        "lon_deg": float(lon_deg),
    })


def pass_budget(profile, geometry: pd.DataFrame, p_percent=None) -> pd.DataFrame:
    """Budget along a pass: :func:`satcloud.links.link_budget` on a pass geometry.

    Parameters
    ----------
    profile : str or LinkProfile
        Link profile.
    geometry : pandas.DataFrame
        Output of :func:`pass_geometry` (or any table with ``range_km``,
        ``elevation_deg``, ``lat_deg``, ``lon_deg``).
    p_percent : float, optional
        Weather exceeded for p % of the year; default the profile's. [%]

    Returns
    -------
    pandas.DataFrame
        The geometry's other columns, then every budget column (``throughput_mbps``,
        ``shannon_mbps``, ``modcod``, ``below_min_elevation`` ...).
    """
    profile = links.get_profile(profile)
    _checks.frame(geometry, "geometry", ("range_km", "elevation_deg", "lat_deg", "lon_deg"),
                  producer="pass_geometry()")
    _checks.finite_columns(geometry, "geometry", ("range_km", "elevation_deg", "lat_deg",
                                                  "lon_deg"), producer="pass_geometry()")
    return links.link_budget(profile, geometry, p_percent=p_percent)


def cell_capacity(budgets: pd.DataFrame, colours=4, polarizations=2,
                  spectrum_mhz: Mapping | None = None,
                  beamwidth_deg: Mapping | None = None) -> pd.DataFrame:
    """Capacity of one cell served by one beam, from each budget's channel throughput.

    ``channels = floor(spectrum x polarisations / (colours x channel bandwidth))``
    (:func:`satcloud.links.channels_per_beam`), cell capacity = channels x channel
    throughput (:func:`satcloud.links.beam_capacity_mbps`), cell area from the beam's
    footprint at nadir (:func:`satcloud.links.cell_area_km2`).

    Parameters
    ----------
    budgets : pandas.DataFrame
        Output of :func:`reference_budgets` (``label``, ``profile``,
        ``bandwidth_mhz``, ``throughput_mbps``, one row each).
    colours : int
        Colours of the reuse pattern (frequency x polarisation slots). [-]
    polarizations : int
        Polarisations in use (1 or 2). [-]
    spectrum_mhz, beamwidth_deg : mapping, optional
        Profile -> downlink spectrum [MHz] / beamwidth [deg]; defaults
        :data:`DOWNLINK_SPECTRUM_MHZ` and :data:`BEAMWIDTH_DEG` (assumptions).

    Returns
    -------
    pandas.DataFrame
        One row per label: ``label``, ``profile``, ``spectrum_mhz``,
        ``channel_bandwidth_mhz``, ``channels_per_beam``, ``channel_throughput_mbps``,
        ``cell_capacity_mbps``, ``beamwidth_deg``, ``altitude_km``, ``cell_area_km2``.
    """
    _checks.frame(budgets, "budgets", ("label", "profile", "bandwidth_mhz",
                                       "throughput_mbps"), producer="reference_budgets()")
    _checks.finite_columns(budgets, "budgets", ("bandwidth_mhz", "throughput_mbps"),
                           producer="reference_budgets()")
    spectrum = dict(DOWNLINK_SPECTRUM_MHZ if spectrum_mhz is None else
                    _checks.mapping(spectrum_mhz, "spectrum_mhz"))
    beams = dict(BEAMWIDTH_DEG if beamwidth_deg is None else
                 _checks.mapping(beamwidth_deg, "beamwidth_deg"))
    rows = []
    for r in budgets.itertuples(index=False):
        prof = links.get_profile(r.profile)
        for name, table in (("spectrum_mhz", spectrum), ("beamwidth_deg", beams)):
            if prof.name not in table:
                raise ValueError(f"{name} has no entry for profile {prof.name!r}; it has "
                                 f"{sorted(table)}")
        n = int(links.channels_per_beam(spectrum[prof.name], prof.bandwidth_mhz, colours,
                                        polarizations))
        rows.append({
            "label": r.label, "profile": prof.name,
            "spectrum_mhz": spectrum[prof.name], "channel_bandwidth_mhz": prof.bandwidth_mhz,
            "channels_per_beam": n, "channel_throughput_mbps": float(r.throughput_mbps),
            "cell_capacity_mbps": float(links.beam_capacity_mbps(r.throughput_mbps, n)),
            "beamwidth_deg": beams[prof.name], "altitude_km": prof.altitude_km,
            "cell_area_km2": float(links.cell_area_km2(beams[prof.name],
                                                       prof.altitude_km)),
        })
    return pd.DataFrame(rows)


def subscriber_sweep(cells: pd.DataFrame, subscribers_per_cell,
                     activity_factor=links.capacity.BUSY_HOUR_ACTIVITY,
                     claim_mbps=100.0, peak_mbps="channel") -> pd.DataFrame:
    """Busy-hour throughput per active user versus subscribers in a cell.

    Parameters
    ----------
    cells : pandas.DataFrame
        Output of :func:`cell_capacity`.
    subscribers_per_cell : array_like
        Subscriber counts to test, >= 0. [-]
    activity_factor : float
        Share of subscribers active at once in the busy hour, in (0, 1]
        (default :data:`satcloud.links.capacity.BUSY_HOUR_ACTIVITY`, an assumption). [-]
    claim_mbps : float
        Claimed per-user rate. [Mbit/s]
    peak_mbps : "channel", float or None
        Most one user can get: ``"channel"`` (default; assumption: a terminal receives
        one carrier at a time, so a lone user gets one channel's throughput), a rate
        [Mbit/s], or None (a lone user gets the whole cell).

    Returns
    -------
    pandas.DataFrame
        Tidy: ``label``, ``profile``, ``cell_capacity_mbps``, ``peak_mbps``,
        ``subscribers_per_cell``,
        ``subscribers_per_km2``, ``active_users``, ``per_user_mbps``, ``claim_mbps``,
        ``meets_claim`` and ``max_subscribers_per_cell`` (the most subscribers for
        which the claim holds, :func:`satcloud.links.max_subscribers`).
    """
    _checks.frame(cells, "cells", ("label", "profile", "cell_capacity_mbps",
                                   "channel_throughput_mbps", "cell_area_km2"),
                  producer="cell_capacity()")
    _checks.finite_columns(cells, "cells", ("cell_capacity_mbps", "channel_throughput_mbps",
                                            "cell_area_km2"), producer="cell_capacity()")
    subs = np.atleast_1d(check_range(subscribers_per_cell, "subscribers_per_cell", 0.0,
                                     None, finite=True)).astype(float)
    if subs.size == 0 or subs.ndim != 1:
        raise ValueError(f"subscribers_per_cell must be one count or a non-empty list of "
                         f"counts, got shape {subs.shape}")
    frames = []
    for c in cells.itertuples(index=False):
        peak = c.channel_throughput_mbps if isinstance(peak_mbps, str) and (
            peak_mbps == "channel") else peak_mbps
        if isinstance(peak, str):
            raise ValueError(f"peak_mbps must be 'channel', a number or None, got {peak!r}")
        t = links.user_throughput_table(c.cell_capacity_mbps, subs / c.cell_area_km2,
                                        c.cell_area_km2, activity_factor, claim_mbps,
                                        peak_mbps=peak)
        t.insert(0, "label", c.label)
        t.insert(1, "profile", c.profile)
        t.insert(2, "cell_capacity_mbps", c.cell_capacity_mbps)
        t.insert(3, "peak_mbps", np.inf if peak is None else float(peak))
        t["subscribers_per_cell"] = subs
        t["max_subscribers_per_cell"] = int(links.max_subscribers(
            c.cell_capacity_mbps, claim_mbps, activity_factor))
        frames.append(t.drop(columns=["subscribers", "max_subscribers_per_km2"]))
    out = pd.concat(frames, ignore_index=True)
    return out[["label", "profile", "cell_capacity_mbps", "peak_mbps", "subscribers_per_cell",
                "subscribers_per_km2", "active_users", "per_user_mbps", "claim_mbps",
                "meets_claim", "max_subscribers_per_cell"]]


def pass_summary(budgets: Mapping) -> pd.DataFrame:
    """One line per pass budget: time above the system's mask, MODCODs, throughput.

    Parameters
    ----------
    budgets : mapping
        Label -> output of :func:`pass_budget` (uniform time steps).

    Returns
    -------
    pandas.DataFrame
        ``label``, ``sat_id``, ``max_elevation_deg``, ``min_elevation_mask_deg``,
        ``time_above_mask_s``, ``modcods_used`` (above the mask), ``min_throughput_mbps``,
        ``mean_throughput_mbps``, ``max_throughput_mbps``, ``mean_shannon_fraction``
        (throughput / Shannon bound) and ``volume_per_channel_gb`` (one channel over the
        time above the mask). [GB = 1e9 bytes]
    """
    budgets = _checks.mapping(budgets, "budgets", producer="a mapping label -> pass_budget()",
                              check=lambda v, n: _checks.frame(
                                  v, n, ("below_min_elevation", "t_from_culmination_s",
                                         "profile", "sat_id", "elevation_deg",
                                         "throughput_mbps", "shannon_mbps", "modcod")))
    rows = []
    for label, b in budgets.items():
        use = b[~b["below_min_elevation"].to_numpy()]
        step_s = float(np.median(np.diff(b["t_from_culmination_s"].to_numpy())))
        prof = links.get_profile(str(b["profile"].iloc[0]))
        thr = use["throughput_mbps"].to_numpy(float)
        rows.append({
            "label": label, "sat_id": str(b["sat_id"].iloc[0]),
            "max_elevation_deg": float(b["elevation_deg"].max()),
            "min_elevation_mask_deg": prof.min_elevation_deg,
            "time_above_mask_s": len(use) * step_s,
            "modcods_used": int(use["modcod"].nunique()),
            "min_throughput_mbps": float(thr.min()) if thr.size else 0.0,
            "mean_throughput_mbps": float(thr.mean()) if thr.size else 0.0,
            "max_throughput_mbps": float(thr.max()) if thr.size else 0.0,
            "mean_shannon_fraction": float((thr / use["shannon_mbps"].to_numpy(float)).mean())
            if thr.size else 0.0,
            "volume_per_channel_gb": float(thr.sum() * step_s / 8e3),
        })
    return pd.DataFrame(rows)


def map_summary(availability, threshold_percent=99.9) -> pd.DataFrame:
    """Area-weighted share of an availability map at or above a threshold, per band.

    Parameters
    ----------
    availability : xarray.Dataset
        Output of :func:`satcloud.links.availability_map`.
    threshold_percent : float
        Availability threshold. [%]

    Returns
    -------
    pandas.DataFrame
        ``band``, ``freq_ghz``, ``margin_db``, ``threshold_percent``,
        ``area_share_percent`` (grid cells weighted by cos(latitude), the area of a
        regular latitude-longitude cell) and ``median_availability_percent``.
    """
    import xarray as xr

    if not isinstance(availability, xr.Dataset) or not {
            "lat_deg", "band", "availability_percent", "freq_ghz", "margin_db"} <= set(
            availability.variables):
        raise TypeError(f"availability must be the xarray Dataset of "
                        f"satcloud.links.availability_map(), got "
                        f"{type(availability).__name__}")
    threshold_percent = float(check_range(threshold_percent, "threshold_percent", 0.0,
                                          100.0, unit="%"))
    w = np.cos(np.deg2rad(availability["lat_deg"].to_numpy()))[:, None]
    rows = []
    for band in availability["band"].to_numpy():
        a = availability["availability_percent"].sel(band=band).to_numpy()
        ww = np.broadcast_to(w, a.shape)
        rows.append({
            "band": str(band),
            "freq_ghz": float(availability["freq_ghz"].sel(band=band)),
            "margin_db": float(availability["margin_db"].sel(band=band)),
            "threshold_percent": float(threshold_percent),
            "area_share_percent": float(100.0 * ww[a >= threshold_percent].sum() / ww.sum()),
            "median_availability_percent": float(np.median(a)),
        })
    return pd.DataFrame(rows)
