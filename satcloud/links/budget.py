"""Link budgets as tidy tables: every term a column, one row per link evaluation.

For one hop (a :class:`~satcloud.links.profiles.LinkProfile`), per row:

.. math::

    C/N_0 = EIRP - FSPL - A_{atm}(p) - L_{other} + G/T - 10\\log_{10} k

    C/N = C/N_0 - 10 \\log_{10} B, \\quad
    (C/(N+I))^{-1} = (C/N)^{-1} + (C/I_{ACI})^{-1} + (C/I_{ASI})^{-1}
                      + (C/I_{XPI})^{-1} + (C/I_{3IM})^{-1}

    E_s/N_0 = C/(N+I) + 10 \\log_{10}(1 + \\alpha), \\quad
    R_b = \\frac{B}{1+\\alpha} \\eta_{MODCOD}

and for a bent pipe (transparent transponder) the two hops combine in linear power,
``1/(C/(N+I))_tot = 1/(C/(N+I))_up + 1/(C/(N+I))_down`` (Maral and Bousquet [1]_,
ch. 5).

Columns carry their units in their names (``eirp_dbw``, ``fspl_db``, ``cn0_dbhz``,
...); :func:`budget_table` turns one row into the vertical term / value / unit table
engineers write by hand.

Conventions
-----------
- ``margin_db``: Es/N0 minus (threshold of the chosen MODCOD + implementation
  margin); ``fade_margin_db``: the same against the *lowest* MODCOD, i.e. how much
  more fading the link takes before outage. Both are negative in outage.
- ``rx_gain_dbi`` and ``rx_tsys_k`` are NaN where the profile gives the receiver
  only as a G/T (satellite receivers): not applicable, not missing data.
- ``lat_deg``/``lon_deg`` are NaN only when a fixed ``atm_loss_db`` is given without
  a place (the place is then unknown and not needed).
- In outage ``modcod`` names the lowest MODCOD, ``spectral_efficiency_bps_per_hz``
  and ``throughput_mbps`` are 0, ``outage`` is True, and ``ebn0_db`` refers to the
  lowest MODCOD's bit rate.

References
----------
.. [1] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems, Techniques and
   Technology*, 5th ed., Wiley, 2009 (DOI not verified).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from satcloud._validate import (
    check_choice,
    check_latlon,
    check_range,
    check_scalar,
    check_shapes,
)
from satcloud.links.antennas import phased_array_gain_dbi
from satcloud.links.atmosphere import atmospheric_attenuation
from satcloud.links.fspl import check_elevation_deg, fspl_db, slant_range_km
from satcloud.links.modcod import (
    modcod_table,
    select_modcod,
    shannon_capacity_mbps,
    symbol_rate_msps,
)
from satcloud.links.noise import (
    BOLTZMANN_DBW_PER_K_HZ,
    combine_ratios_db,
    sky_noise_increase_k,
)
from satcloud.links.profiles import BENT_PIPES, LinkProfile, get_profile, unit_of

__all__ = [
    "bent_pipe_budget",
    "budget_table",
    "link_budget",
]

_GEOMETRY_KEYS = ("range_km", "elevation_deg", "lat_deg", "lon_deg", "atm_loss_db", "sites")


def _site_coordinates(frame: pd.DataFrame, sites: pd.DataFrame):
    """Latitude and longitude of each access row, looked up by its ``site``."""
    if not isinstance(sites, pd.DataFrame):
        raise TypeError(f"sites must be a DataFrame, got {type(sites).__name__}")
    name_col = next((c for c in ("site", "name", "region") if c in sites), None)
    missing = [c for c in ("lat_deg", "lon_deg") if c not in sites]
    if name_col is None or missing:
        raise ValueError("sites needs columns lat_deg, lon_deg and a name column (site, "
                         f"name or region); it has {list(sites.columns)}")
    if "site" not in frame:
        raise ValueError("sites given but the access DataFrame has no 'site' column; it has "
                         f"{list(frame.columns)}")
    table = sites.drop_duplicates(name_col)
    table = table.set_index(table[name_col].astype(str))
    idx = table.index.get_indexer(frame["site"].astype(str))
    if (idx < 0).any():
        unknown = sorted(set(frame["site"].astype(str)[idx < 0]))
        raise ValueError(f"access sites {unknown[:5]} not found in sites[{name_col!r}]")
    return (table["lat_deg"].to_numpy(float)[idx], table["lon_deg"].to_numpy(float)[idx])


def _geometry(profile: LinkProfile, range_km, elevation_deg, lat_deg, lon_deg, atm_loss_db,
              sites=None):
    """Resolve the geometry inputs into flat arrays plus the columns to carry over."""
    carry = None
    if sites is not None and not isinstance(range_km, pd.DataFrame):
        raise TypeError("sites is only used with an access DataFrame as range_km")
    if isinstance(range_km, pd.DataFrame):
        frame = range_km
        if elevation_deg is not None:
            raise TypeError("give elevation_deg either as an argument or as a column of the "
                            "access DataFrame, not both")
        for col in ("range_km", "elevation_deg"):
            if col not in frame:
                raise ValueError(f"access DataFrame lacks column {col!r}; it has "
                                 f"{list(frame.columns)}")
        range_km = frame["range_km"].to_numpy(float)
        elevation_deg = frame["elevation_deg"].to_numpy(float)
        if sites is not None:
            if lat_deg is not None or lon_deg is not None:
                raise TypeError("give either sites or lat_deg/lon_deg, not both")
            lat_deg, lon_deg = _site_coordinates(frame, sites)
        if lat_deg is None and "lat_deg" in frame:
            lat_deg = frame["lat_deg"].to_numpy(float)
        if lon_deg is None and "lon_deg" in frame:
            lon_deg = frame["lon_deg"].to_numpy(float)
        carry = frame.drop(columns=[c for c in _GEOMETRY_KEYS if c in frame]).reset_index(
            drop=True)
    if elevation_deg is None:
        raise TypeError("elevation_deg is required (for the atmosphere and for the slant "
                        "range when range_km is not given)")
    el = check_elevation_deg(elevation_deg)
    if range_km is None:
        rng = slant_range_km(profile.altitude_km, el)
    else:
        rng = check_range(range_km, "range_km", 0.0, None, low_open=True, unit="km", finite=True)
    if atm_loss_db is None:
        if lat_deg is None or lon_deg is None:
            raise TypeError("give lat_deg and lon_deg of the ground end (for the ITU-R "
                            "weather), or a fixed atm_loss_db")
        lat, lon = check_latlon(lat_deg, lon_deg)
        atm = None
    else:
        lat = np.nan if lat_deg is None else check_latlon(lat_deg, 0.0)[0]
        lon = np.nan if lon_deg is None else check_latlon(0.0, lon_deg)[1]
        atm = check_range(atm_loss_db, "atm_loss_db", 0.0, None, unit="dB", finite=True)
    check_shapes(range_km=rng, elevation_deg=el, lat_deg=lat, lon_deg=lon,
                 atm_loss_db=0.0 if atm is None else atm)
    arrays = np.broadcast_arrays(np.atleast_1d(rng), np.atleast_1d(el), np.atleast_1d(lat),
                                 np.atleast_1d(lon),
                                 np.atleast_1d(0.0 if atm is None else atm))
    rng, el, lat, lon, atm_arr = (a.ravel() for a in arrays)
    if carry is not None and len(carry) != rng.size:
        raise ValueError(f"lat_deg/lon_deg have {rng.size} rows after broadcasting but the "
                         f"access DataFrame has {len(carry)}")
    return rng, el, lat, lon, (None if atm is None else atm_arr), carry


def _overrides(value, name: str) -> dict:
    """Profile overrides as a dict of field -> value; ``TypeError`` naming ``name``."""
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise TypeError(f"{name} must be a mapping of profile field -> value, e.g. "
                        f"{{'eirp_dbw': 40.0}}, got {value!r:.100}")
    return dict(value)


#: Budget columns that may be NaN (see the module notes): receiver gain and noise
#: temperature of G/T-only receivers, the place of a fixed-loss budget.
_MAY_BE_NAN = ("rx_gain_dbi", "rx_tsys_k", "lat_deg", "lon_deg")


def link_budget(profile, range_km=None, elevation_deg=None, *, lat_deg=None, lon_deg=None,
                sites=None, p_percent=None, atm_loss_db=None,
                overrides: Mapping | None = None, method="interp") -> pd.DataFrame:
    """Budget of one hop, every term a column, one row per geometry sample.

    Parameters
    ----------
    profile : str or LinkProfile
        Profile name (see :func:`~satcloud.links.profiles.profile_names`) or object.
    range_km : array_like or pandas.DataFrame, optional
        Slant range, > 0 [km]; or an access table with columns ``range_km`` and
        ``elevation_deg`` (e.g. the output of ``satcloud.geometry.access``, whose other
        columns -- ``site``, ``time``, ``sat_id`` ... -- are carried into the result,
        and whose ``lat_deg``/``lon_deg`` columns are used if present). Omitted: the
        slant range from the profile's ``altitude_km`` and the elevation.
    elevation_deg : array_like
        Elevation at the ground end, in (0, 90]. [deg]
    lat_deg, lon_deg : array_like, optional
        Ground end of the path (for the ITU-R weather); broadcast with the geometry.
        [deg]
    sites : pandas.DataFrame, optional
        With an access table: the ground sites it was computed for (the ``sites`` given
        to ``satcloud.geometry.access``: ``lat_deg``, ``lon_deg`` and a name column,
        the first present of ``site``, ``name``, ``region``); each row's coordinates
        are looked up by its ``site``.
    p_percent : float, optional
        Percentage of an average year the atmospheric attenuation is exceeded, in
        [0.001, 5]; default the profile's ``p_percent``. [%]
    atm_loss_db : array_like, optional
        A fixed total atmospheric loss instead of ITU-R (then gas/cloud/rain/
        scintillation columns are 0 and ``atm_model`` is ``"fixed"``). [dB]
    overrides : mapping, optional
        Profile fields to change, e.g. ``{"eirp_dbw": 40.0}``.
    method : {"interp", "direct"}
        Passed to :func:`~satcloud.links.atmosphere.atmospheric_attenuation`.

    Returns
    -------
    pandas.DataFrame
        One row per sample: carried access columns, then ``profile``, ``system``,
        ``segment``, ``direction``, ``freq_ghz``, ``bandwidth_mhz``, ``range_km``,
        ``elevation_deg``, ``lat_deg``, ``lon_deg``, ``p_percent``, ``eirp_dbw`` (after
        the terminal's scan loss on uplinks), ``scan_loss_db`` (flat-array terminals, 0
        otherwise), ``fspl_db``, ``gas_db``, ``cloud_db``,
        ``rain_db``, ``scintillation_db``, ``atm_total_db``, ``other_losses_db``,
        ``rx_gain_dbi``, ``rx_tsys_k``, ``sky_noise_k``, ``gt_db_per_k`` (after sky noise
        and, on downlinks, the terminal's scan loss),
        ``boltzmann_dbw_per_k_hz``, ``cn0_dbhz``, ``cn_db``, ``c_aci_db``,
        ``c_asi_db``, ``c_xpi_db``, ``c_3im_db``, ``ci_total_db``, ``cni_db``,
        ``symbol_rate_msps``, ``esn0_db``, ``modcod``, ``spectral_efficiency_bps_per_hz``,
        ``required_esn0_db``, ``implementation_margin_db``, ``ebn0_db``,
        ``margin_db``, ``fade_margin_db``, ``throughput_mbps``, ``shannon_mbps``,
        ``outage``, ``below_min_elevation``, ``atm_model``.

    References
    ----------
    .. [1] I. del Portillo, B. G. Cameron and E. F. Crawley, "A technical comparison of three
       low earth orbit satellite constellation systems to provide global broadband", *Acta
       Astronautica* 159, 123-135, 2019. doi:10.1016/j.actaastro.2019.03.040

    Examples
    --------
    The Starlink user downlink of del Portillo et al. [1]_ at 1,000 km with a fixed 0 dB of
    atmosphere: FSPL = 92.45 + 20 log10(1000) + 20 log10(13.5) = 175.05 dB, G/T =
    37.7 dBi - 10 log10(362.9 K) = 12.10 dB/K, so C/N0 = 36.7 - 175.05 + 12.10 + 228.60
    = 102.35 dBHz:

    >>> from satcloud.links.budget import link_budget
    >>> b = link_budget("delportillo_starlink_user_downlink", range_km=1000.0,
    ...                 elevation_deg=40.0, atm_loss_db=0.0)
    >>> b[["fspl_db", "gt_db_per_k", "cn0_dbhz"]].round(2).to_dict("records")
    [{'fspl_db': 175.05, 'gt_db_per_k': 12.1, 'cn0_dbhz': 102.35}]
    >>> b.loc[0, "modcod"], bool(b.loc[0, "outage"])
    ('32APSK 9/10', False)
    """
    prof = get_profile(profile, **_overrides(overrides, "overrides"))
    check_choice(method, "method", ("interp", "direct"))
    p = prof.p_percent if p_percent is None else p_percent
    p = check_scalar(check_range(p, "p_percent", 0.001, 5.0, unit="%"), "p_percent")
    rng, el, lat, lon, atm_fixed, carry = _geometry(prof, range_km, elevation_deg, lat_deg,
                                                    lon_deg, atm_loss_db, sites)
    n = rng.size
    f = prof.freq_ghz
    try:
        fspl = fspl_db(rng, f)
    except ValueError:  # only an overflow is left: range and frequency are checked
        raise ValueError("range_km: the free-space path loss overflows (is not finite); "
                         "the range is far outside any physical value") from None
    if atm_fixed is None:
        att = atmospheric_attenuation(lat, lon, el, f, p,
                                      antenna_diameter_m=prof.ground_antenna_diameter_m,
                                      antenna_efficiency=prof.ground_antenna_efficiency,
                                      polarization_tilt_deg=prof.polarization_tilt_deg,
                                      method=method)
        gas, cloud, rain, scint, atm = att
        atm_model = f"ITU-R P.618-13 (itur), p={p:g}%"
    else:
        zero = np.zeros(n)
        gas, cloud, rain, scint, atm = zero, zero, zero, zero, atm_fixed
        atm_model = "fixed"
    # receiver: clear-sky G/T, degraded by the sky-noise rise on ground receivers
    gt_clear = prof.rx_gt
    tsys = prof.rx_system_noise_temp_k
    if prof.direction == "downlink" and prof.rain_sky_noise:
        dt = sky_noise_increase_k(rain + cloud)
        gt = gt_clear - 10.0 * np.log10(1.0 + dt / tsys)
    else:
        dt = np.zeros(n)
        gt = np.full(n, gt_clear)
    # flat phased-array ground terminal: cos^n scan loss on its gain (rx or tx side)
    if prof.ground_scan_loss_exponent is None:
        scan = np.zeros(n)
    else:
        # both angles lie in (0, 90], so the scan angle is below 90 deg
        off = np.abs(prof.ground_boresight_elevation_deg - el)
        scan = -phased_array_gain_dbi(0.0, off, prof.ground_scan_loss_exponent)
    eirp = prof.eirp_dbw - (scan if prof.direction == "uplink" else 0.0)
    gt = gt - (scan if prof.direction == "downlink" else 0.0)
    cn0 = eirp - fspl - atm - prof.other_losses_db + gt - BOLTZMANN_DBW_PER_K_HZ
    cn = cn0 - 10.0 * np.log10(prof.bandwidth_mhz * 1e6)
    ci = [prof.c_aci_db, prof.c_asi_db, prof.c_xpi_db, prof.c_3im_db]
    ci_total = float(combine_ratios_db(*ci, names=("c_aci_db", "c_asi_db", "c_xpi_db",
                                                   "c_3im_db")))
    cni = combine_ratios_db(cn, ci_total, names=("cn_db", "ci_total_db"))
    cols = {
        "profile": prof.name, "system": prof.system, "segment": prof.segment,
        "direction": prof.direction, "freq_ghz": f, "bandwidth_mhz": prof.bandwidth_mhz,
        "range_km": rng, "elevation_deg": el, "lat_deg": lat, "lon_deg": lon,
        "p_percent": p, "eirp_dbw": eirp, "scan_loss_db": scan, "fspl_db": fspl,
        "gas_db": gas,
        "cloud_db": cloud, "rain_db": rain, "scintillation_db": scint, "atm_total_db": atm,
        "other_losses_db": prof.other_losses_db,
        "rx_gain_dbi": np.nan if prof.rx_gain is None or prof.rx_gt_db_per_k is not None
        else prof.rx_gain,
        "rx_tsys_k": np.nan if tsys is None or prof.rx_gt_db_per_k is not None
        else tsys + dt,
        "sky_noise_k": dt, "gt_db_per_k": gt,
        "boltzmann_dbw_per_k_hz": BOLTZMANN_DBW_PER_K_HZ, "cn0_dbhz": cn0, "cn_db": cn,
        "c_aci_db": prof.c_aci_db, "c_asi_db": prof.c_asi_db, "c_xpi_db": prof.c_xpi_db,
        "c_3im_db": prof.c_3im_db, "ci_total_db": ci_total, "cni_db": cni,
    }
    cols.update(_acm(cni, prof.bandwidth_mhz, prof.roll_off, prof.implementation_margin_db,
                     prof.modcod_standards))
    cols["below_min_elevation"] = el < prof.min_elevation_deg
    cols["atm_model"] = atm_model
    out = _frame(cols, n)
    if carry is not None:
        out = pd.concat([carry, out], axis=1)
    return out


def _frame(cols: dict, n: int) -> pd.DataFrame:
    """DataFrame of n rows; scalars are broadcast, text columns become categoricals
    (a million repeated strings cost nothing that way)."""
    out = {}
    for k, v in cols.items():
        if isinstance(v, str):
            out[k] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [v])
        elif np.ndim(v) == 0:
            out[k] = np.full(n, v)
        elif np.asarray(v).dtype == object:
            out[k] = pd.Categorical(v)
        else:
            out[k] = v
    return pd.DataFrame(out)


def _acm(cni_db, bandwidth_mhz, roll_off, implementation_margin_db, standards):
    """ACM columns from C/(N+I) in the carrier bandwidth."""
    rs = float(symbol_rate_msps(bandwidth_mhz, roll_off))
    esn0 = cni_db + 10.0 * np.log10(bandwidth_mhz / rs)
    table = modcod_table(standards)
    choice = select_modcod(esn0, implementation_margin_db, table)
    lowest = table.loc[table["required_esn0_db"].idxmin()]
    eff_for_eb = np.where(choice.outage, float(lowest["spectral_efficiency_bps_per_hz"]),
                          choice.spectral_efficiency_bps_per_hz)
    return {
        "symbol_rate_msps": rs,
        "esn0_db": esn0,
        "modcod": choice.modcod,
        "spectral_efficiency_bps_per_hz": choice.spectral_efficiency_bps_per_hz,
        "required_esn0_db": choice.required_esn0_db,
        "implementation_margin_db": implementation_margin_db,
        "ebn0_db": esn0 - 10.0 * np.log10(eff_for_eb),
        "margin_db": esn0 - choice.required_esn0_db - implementation_margin_db,
        "fade_margin_db": esn0 - float(lowest["required_esn0_db"]) - implementation_margin_db,
        "throughput_mbps": rs * choice.spectral_efficiency_bps_per_hz,
        "shannon_mbps": shannon_capacity_mbps(bandwidth_mhz, cni_db),
        "outage": choice.outage,
    }


def _leg_inputs(leg, name):
    if isinstance(leg, pd.DataFrame):
        return {"range_km": leg}
    if not isinstance(leg, Mapping):
        raise TypeError(f"{name} must be a mapping or DataFrame with keys "
                        f"{list(_GEOMETRY_KEYS)}, got {type(leg).__name__}")
    unknown = set(leg) - set(_GEOMETRY_KEYS)
    if unknown:
        raise ValueError(f"{name} has unknown key(s) {sorted(unknown)}; valid keys: "
                         f"{list(_GEOMETRY_KEYS)}")
    return dict(leg)


def bent_pipe_budget(chain, uplink, downlink, *, p_percent=None,
                     up_overrides: Mapping | None = None,
                     down_overrides: Mapping | None = None,
                     method="interp") -> pd.DataFrame:
    """End-to-end budget of a transparent (bent-pipe) satellite: uplink + downlink.

    Parameters
    ----------
    chain : str or tuple
        A name of :data:`~satcloud.links.profiles.BENT_PIPES` (e.g.
        ``"starlink_forward"``: gateway uplink then user downlink; ``"..._return"``:
        user uplink then gateway downlink) or a pair (uplink profile, downlink
        profile), each a name or a LinkProfile.
    uplink, downlink : mapping or pandas.DataFrame
        Geometry and weather of each hop, keys/columns ``range_km``,
        ``elevation_deg``, ``lat_deg``, ``lon_deg`` or ``atm_loss_db`` as for
        :func:`link_budget`. The two hops broadcast against each other row by row.
    p_percent : float, optional
        Exceedance percentage for both hops (default: each profile's). [%]
    up_overrides, down_overrides : mapping, optional
        Profile fields to change on each hop.
    method : {"interp", "direct"}
        Atmosphere evaluation, see :func:`link_budget`.

    Returns
    -------
    pandas.DataFrame
        Per row: every column of both hop budgets prefixed ``up_`` / ``down_``, then
        the end-to-end ``cn_db`` (thermal noise only), ``cni_db`` (noise plus all
        interference of both hops), ``esn0_db``, ``modcod``, ``throughput_mbps``,
        ``shannon_mbps``, ``outage``... The carrier (bandwidth, roll-off,
        implementation margin, MODCODs) is the user-side hop's: the user downlink on
        the forward link, the user uplink on the return link. C/N values of the two
        hops are combined per carrier, which assumes the gateway hop shares its power
        and bandwidth in proportion among the user carriers it carries.
    """
    if isinstance(chain, str):
        up_name, down_name = BENT_PIPES[check_choice(chain, "chain", sorted(BENT_PIPES))]
        chain_name = chain
    else:
        try:
            up_name, down_name = chain
        except (TypeError, ValueError) as exc:
            raise TypeError("chain must be a bent-pipe name or a pair (uplink profile, "
                            "downlink profile)") from exc
        chain_name = "custom"
    up = get_profile(up_name, **_overrides(up_overrides, "up_overrides"))
    down = get_profile(down_name, **_overrides(down_overrides, "down_overrides"))
    if p_percent is not None:
        p_percent = check_scalar(check_range(p_percent, "p_percent", 0.001, 5.0, unit="%"),
                                 "p_percent")
    if up.direction != "uplink":
        raise ValueError(f"first hop {up.name!r} must be an uplink, it is a {up.direction}")
    if down.direction != "downlink":
        raise ValueError(f"second hop {down.name!r} must be a downlink, it is an "
                         f"{down.direction}")
    bu = link_budget(up, p_percent=p_percent, method=method, **_leg_inputs(uplink, "uplink"))
    bd = link_budget(down, p_percent=p_percent, method=method,
                     **_leg_inputs(downlink, "downlink"))
    n = max(len(bu), len(bd))
    if min(len(bu), len(bd)) not in (1, n):
        raise ValueError(f"uplink has {len(bu)} rows and downlink {len(bd)}; they must be "
                         "equal or one of them 1")
    bu = bu.loc[np.zeros(n, int)].reset_index(drop=True) if len(bu) == 1 < n else bu
    bd = bd.loc[np.zeros(n, int)].reset_index(drop=True) if len(bd) == 1 < n else bd
    carrier = up if up.segment == "user" else down
    cn = combine_ratios_db(bu["cn_db"].to_numpy(), bd["cn_db"].to_numpy(),
                           names=("up_cn_db", "down_cn_db"))
    cni = combine_ratios_db(bu["cni_db"].to_numpy(), bd["cni_db"].to_numpy(),
                            names=("up_cni_db", "down_cni_db"))
    cn0 = cn + 10.0 * np.log10(carrier.bandwidth_mhz * 1e6)
    e2e = {"chain": chain_name, "carrier_profile": carrier.name,
           "bandwidth_mhz": carrier.bandwidth_mhz, "cn_db": cn, "cni_db": cni,
           "cn0_dbhz": cn0}
    e2e.update(_acm(cni, carrier.bandwidth_mhz, carrier.roll_off,
                    carrier.implementation_margin_db, carrier.modcod_standards))
    e2e = _frame(e2e, n)
    return pd.concat([bu.add_prefix("up_"), bd.add_prefix("down_"), e2e], axis=1)


def budget_table(budget: pd.DataFrame, row: int = 0) -> pd.DataFrame:
    """One evaluation of a budget as a vertical engineer's table.

    Parameters
    ----------
    budget : pandas.DataFrame
        Output of :func:`link_budget` or :func:`bent_pipe_budget`.
    row : int
        Positional row to show.

    Returns
    -------
    pandas.DataFrame
        Columns ``term``, ``value``, ``unit`` in the budget's column order.

    Examples
    --------
    >>> from satcloud.links.budget import budget_table, link_budget
    >>> b = link_budget("delportillo_starlink_user_downlink", range_km=1000.0,
    ...                 elevation_deg=40.0, atm_loss_db=0.0)
    >>> table = budget_table(b).set_index("term")
    >>> for term in ("eirp_dbw", "rx_tsys_k", "modcod"):
    ...     print(term, table.loc[term, "value"], table.loc[term, "unit"])
    eirp_dbw 36.7 dBW
    rx_tsys_k 362.9 K
    modcod 32APSK 9/10
    """
    if not isinstance(budget, pd.DataFrame):
        raise TypeError(f"budget must be a DataFrame, got {type(budget).__name__}")
    if len(budget) == 0:
        raise ValueError("budget is empty; give the output of link_budget or "
                         "bent_pipe_budget")
    if isinstance(row, bool) or not isinstance(row, int | np.integer):
        raise TypeError(f"row must be an integer, got {row!r:.100}")
    if not -len(budget) <= row < len(budget):
        raise ValueError(f"row must be an integer in [0, {len(budget) - 1}], got {row!r}")
    r = budget.iloc[int(row)]
    for col, value in r.items():
        if (isinstance(value, float | np.floating) and not np.isfinite(value)
                and not str(col).endswith(_MAY_BE_NAN)):
            raise ValueError(f"budget row {row}: {col} is {value}, not finite; give the "
                             "output of link_budget or bent_pipe_budget")
    return pd.DataFrame({"term": list(budget.columns), "value": list(r.to_numpy()),
                         "unit": [unit_of(c) for c in budget.columns]})
