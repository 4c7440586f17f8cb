"""Scenario: backhaul for a modular datacenter at a remote site.

The tables behind notebook 06. For each remote place of
:func:`satcloud.data.remote_sites` and each backhaul option (Starlink with laser links or
as a bent pipe, O3b mPOWER, a GEO high-throughput satellite, and fibre where the table
says some exists), the functions here wire together

- the round trip to the nearest Azure region over a window of 15 s epochs
  (:func:`satcloud.latency.rtt`, the satellites propagated once by
  :func:`satcloud.orbits.propagate`);
- the geometry of the serving satellite (elevation and slant range seen from the site,
  :func:`satcloud.geometry.look_angles` on the same positions);
- the user-link budgets at that geometry in the site's own weather, forward (user
  downlink) and return (user uplink) (:func:`satcloud.links.link_budget`, ITU-R through
  ``itur``), and the availability of the link: the percentage of an average year at
  which its fade margin to the lowest MODCOD crosses zero, scanned over the ITU-R range
  of percentages (:func:`satcloud.links.availability.availability_for_budget`, as
  :func:`satcloud.scenarios.links.link_availability` uses it), at each site's own
  serving elevation and range;
- the Starlink Gen1 shells that reach each site (:func:`satcloud.coverage.site_coverage`).

No new physics lives here. Assumptions: the satellite profiles stand for the systems'
user links (:data:`OPTIONS`; per carrier, one terminal); the serving satellite's median
elevation and slant range over the window represent the link; the link is up when both
directions are (in the same weather the weaker direction fails first, so the
availability of the pair is the smaller of the two); fibre throughput and availability
are outside the models (``NaN``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from satcloud import data, latency, links
from satcloud._validate import check_choices, check_range, renamed_keywords
from satcloud.delays import DELAY_MODELS
from satcloud.links.availability import P_GRID_PERCENT, availability_for_budget
from satcloud.scenarios import _checks
from satcloud.scenarios.links import HOURS_PER_YEAR
from satcloud.sites import resolve_sites

__all__ = [
    "FIBRE_OK",
    "OPTIONS",
    "backhaul_rtt",
    "backhaul_rtt_by_model",
    "backhaul_table",
    "decision_table",
    "delay_model_table",
    "remote_sites",
    "shell_coverage",
    "site_throughput",
    "throughput_summary",
]

#: Backhaul option -> the network and mode of :func:`satcloud.latency.rtt` and the link
#: profiles of its user terminal (forward: user downlink, return: user uplink; see
#: :func:`satcloud.links.describe_profile` for their sources). Fibre has no profile.
OPTIONS = {
    "Starlink ISL": {"network": "starlink-gen1", "mode": "isl",
                     "forward": "starlink_user_downlink", "return": "starlink_user_uplink"},
    "Starlink bent pipe": {"network": "starlink-gen1", "mode": "bent-pipe",
                           "forward": "starlink_user_downlink",
                           "return": "starlink_user_uplink"},
    "O3b mPOWER": {"network": "o3b-mpower", "mode": "bent-pipe",
                   "forward": "o3b_mpower_user_downlink", "return": "o3b_mpower_user_uplink"},
    "GEO HTS": {"network": "geo", "mode": "bent-pipe",
                "forward": "geo_hts_user_downlink", "return": "geo_hts_user_uplink"},
    "fibre": {"network": "fibre", "mode": "typical", "forward": None, "return": None},
}

#: Values of ``fibre_nearby`` in ``data/remote_sites.csv`` for which fibre is an option.
FIBRE_OK = ("yes", "partial")


def remote_sites(names: Sequence[str] | None = None) -> pd.DataFrame:
    """The remote places of :func:`satcloud.data.remote_sites`, with a ``name`` column.

    Parameters
    ----------
    names : sequence of str, optional
        Sites to keep (``site`` values), in this order; default all.

    Returns
    -------
    pandas.DataFrame
        ``name``, ``kind``, ``country``, ``lat_deg``, ``lon_deg``, ``fibre_nearby``.
    """
    r = data.remote_sites().rename(columns={"site": "name"})
    if names is not None:
        names = _checks.names(names, "names", list(r["name"]))
        r = r.set_index("name").loc[names].reset_index()
    return r[["name", "kind", "country", "lat_deg", "lon_deg", "fibre_nearby"]].reset_index(
        drop=True)


def _options(options) -> dict:
    if options is None:
        return dict(OPTIONS)
    if not isinstance(options, str) and not hasattr(options, "__iter__"):
        raise TypeError(f"options must be keys of OPTIONS {list(OPTIONS)}, got {options!r}")
    options = check_choices(options, "options entry", OPTIONS)
    if not options:
        raise ValueError(f"options is empty; give at least one of {list(OPTIONS)}")
    return {o: OPTIONS[o] for o in options}


def backhaul_rtt(sites: pd.DataFrame, times, options=None, *, delay_model="propagation",
                 last_mile=None, **kwargs) -> pd.DataFrame:
    """Round trips to the nearest Azure region per option, with the serving geometry.

    Parameters
    ----------
    sites : pandas.DataFrame
        ``name``, ``lat_deg``, ``lon_deg`` (e.g. :func:`remote_sites`).
    times : astropy.time.Time or (start, duration, step) tuple
        Epochs (:func:`satcloud.time.time_grid`).
    options : sequence of str, optional
        Keys of :data:`OPTIONS` (default all).
    delay_model : {"propagation", "idle", "loaded"}
        The delay model of :func:`satcloud.latency.rtt` for every option (default
        ``"propagation"``, the physical path only).
    last_mile : {"ftth", "cable", "dsl", "5g_fwa"}, optional
        The fibre option's access line under ``"idle"`` and ``"loaded"``
        (:data:`satcloud.delays.LAST_MILE_TECHNOLOGIES`; default that of
        :func:`satcloud.latency.rtt`); ignored without a fibre option.
    **kwargs
        Options of :func:`satcloud.latency.rtt` (``overhead_ms``...); each option
        goes to the backhaul options it applies to
        (:func:`satcloud.latency.options_by_system`), and one that applies to none of
        them is an error. The delay options (``samples``, ``seed``, ``delay_presets``)
        go to every option.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`satcloud.latency.rtt` with ``option`` first, plus
        ``user_elevation_deg`` and ``user_range_km``: the first satellite of the path
        seen from the site at that time (NaN for fibre and unreachable rows). [deg, km]
    """
    return _backhaul_rtt(sites, times, options, delay_model, last_mile, {}, kwargs)


def _backhaul_rtt(sites, times, options, delay_model, last_mile, ephs, kwargs,
                  geometry=True) -> pd.DataFrame:
    """:func:`backhaul_rtt`, propagating into (and reusing) ``ephs`` (network -> ephemeris
    over ``times``); ``geometry=False`` leaves the serving geometry NaN."""
    from satcloud import constellations, orbits
    from satcloud import geometry as geom
    from satcloud.network import DEFAULT_GEO_SLOTS_LON_DEG, geo_positions_ecef_km

    opts = _options(options)
    kwargs = dict(kwargs)
    delay = {k: kwargs.pop(k) for k in latency.DELAY_OPTIONS
             if k in kwargs and k not in ("delay_model", "last_mile")}
    per_option = latency.options_by_system(
        [(o["network"], o["mode"]) for o in opts.values()], kwargs)
    sites = resolve_sites(sites, "sites")
    times = latency._resolve_times(times)
    frames = []
    site_xy = sites.set_index("name")[["lat_deg", "lon_deg"]]
    for (label, o), rtt_kwargs in zip(opts.items(), per_option, strict=True):
        network = o["network"]
        rtt_kwargs = {**rtt_kwargs, **delay, "delay_model": delay_model}
        if network == "fibre" and last_mile is not None:
            rtt_kwargs["last_mile"] = last_mile
        if network in ("fibre", "geo"):
            net = network
        else:
            if network not in ephs:
                if times is None:
                    raise ValueError(f"times is required for option {label!r} ({network})")
                ephs[network] = orbits.propagate(constellations.constellation(network), times)
            net = ephs[network]
        df = latency.rtt(net, o["mode"], sites, times=times, **rtt_kwargs)
        df["network"] = network
        df.insert(0, "option", label)
        el = np.full(len(df), np.nan)
        rng = np.full(len(df), np.nan)
        if network != "fibre" and geometry:
            if network == "geo":
                pos = geo_positions_ecef_km(kwargs.get("geo_slots_lon_deg",
                                                       DEFAULT_GEO_SLOTS_LON_DEG))
            t_index = {t: i for i, t in enumerate(np.unique(df["time_s"].to_numpy(float)))}
            for k, (src, ts, path, ok) in enumerate(zip(
                    df["source"], df["time_s"].to_numpy(float), df["sat_path"],
                    df["reachable"].astype(bool), strict=True)):
                if not ok or not isinstance(path, tuple) or not path:
                    continue
                r = pos[path[0]] if network == "geo" else \
                    ephs[network].r_ecef_km[t_index[ts], path[0]]
                la = geom.look_angles(np.asarray(r, float)[None, :],
                                      float(site_xy.loc[src, "lat_deg"]),
                                      float(site_xy.loc[src, "lon_deg"]))
                el[k] = float(la.elevation_deg[0])
                rng[k] = float(la.range_km[0])
        df["user_elevation_deg"] = el
        df["user_range_km"] = rng
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def backhaul_rtt_by_model(sites: pd.DataFrame, times, options=None, *,
                          delay_models=DELAY_MODELS, last_mile="ftth",
                          **kwargs) -> pd.DataFrame:
    """:func:`backhaul_rtt` under several delay models, each constellation propagated once.

    Parameters
    ----------
    sites, times, options
        As for :func:`backhaul_rtt`.
    delay_models : sequence of {"propagation", "idle", "loaded"}
        The delay models, at least one, each once (default all three, floor first). The
        serving geometry (``user_elevation_deg``, ``user_range_km``) is that of the
        first model's paths, repeated for the others (the delay models add delays to a
        path, they do not move it).
    last_mile : {"ftth", "cable", "dsl", "5g_fwa"}
        The fibre option's access line under ``"idle"`` and ``"loaded"`` (default FTTH).
    **kwargs
        Further options of :func:`backhaul_rtt`.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`backhaul_rtt` for each model, stacked in the order of
        ``delay_models``; the ``delay_model`` column tells them apart.
    """
    models = _checks.delay_models(delay_models, kwargs, "backhaul_rtt_by_model()")
    has_fibre = "fibre" in _options(options)
    ephs: dict = {}
    frames = []
    for i, m in enumerate(models):
        lm = last_mile if (m != "propagation" and has_fibre) else None
        df = _backhaul_rtt(sites, times, options, m, lm, ephs, kwargs, geometry=i == 0)
        if i:
            df["user_elevation_deg"] = frames[0]["user_elevation_deg"].to_numpy()
            df["user_range_km"] = frames[0]["user_range_km"].to_numpy()
        if "delay_model" not in df:
            df.insert(1, "delay_model", m)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def delay_model_table(rows: pd.DataFrame, sites: pd.DataFrame, min_reachable: float = 0.99
                      ) -> pd.DataFrame:
    """One line per backhaul option: the floor, the idle RTT a user measures, the loaded RTT.

    :func:`satcloud.scenarios.latency.delay_model_overview` over the remote sites, with
    the options in the role of the systems.

    Parameters
    ----------
    rows : pandas.DataFrame
        :func:`backhaul_rtt_by_model` with the three delay models.
    sites : pandas.DataFrame
        :func:`remote_sites` (``name``, ``lat_deg``, ``lon_deg``).
    min_reachable : float
        An option *covers* a site when it reaches a region in at least this fraction of
        the epochs, in [0, 1]; the medians are over the covered sites. [-]

    Returns
    -------
    pandas.DataFrame
        ``option``, ``n_sites``, ``n_served``, ``floor_median_ms`` (vacuum floor),
        ``propagation_median_ms``, ``idle_median_ms``, ``idle_p05_ms``,
        ``idle_p95_ms``, ``loaded_median_ms``: each the median over the covered sites of
        the site's median over the epochs (idle p05/p95: the per-packet spread). [ms]
    """
    from satcloud.scenarios import latency as slat

    _checks.frame(rows, "rows", ("option", "delay_model", "source"),
                  producer="backhaul_rtt_by_model()")
    _checks.frame(sites, "sites", ("name", "lat_deg", "lon_deg"), producer="remote_sites()")
    with _checks.naming("rows", producer="backhaul_rtt_by_model()"):
        t = slat.delay_model_overview(
            rows.drop(columns=["system"], errors="ignore").rename(columns={"option": "system"}),
            sites[["name", "lat_deg", "lon_deg"]].assign(kind="remote site"),
            min_reachable=min_reachable, kind=None)
    order = [o for o in OPTIONS if o in set(t["system"])]
    t = t.set_index("system").loc[order].reset_index()
    return t.rename(columns={"system": "option"})


@renamed_keywords(p_grid="p_grid_percent")
def backhaul_table(sites: pd.DataFrame, times, options=None, *, p_percent: float = 0.5,
                   min_reachable: float = 0.99, p_grid_percent=P_GRID_PERCENT,
                   rows: pd.DataFrame | None = None, **kwargs) -> pd.DataFrame:
    """One line per (site, option): latency, throughput and availability.

    Parameters
    ----------
    sites : pandas.DataFrame
        :func:`remote_sites` (with ``fibre_nearby``; fibre rows only where it is in
        :data:`FIBRE_OK`).
    times : astropy.time.Time or tuple
        Epochs for the round trips and the serving geometry.
    options : sequence of str, optional
        Keys of :data:`OPTIONS` (default all).
    p_percent : float
        Percentage of the year the weather of the "rain" throughput is exceeded. [%]
    min_reachable : float
        An option *covers* a site when it reaches a region in at least this fraction
        of the epochs. [-]
    p_grid_percent : array_like
        Increasing percentages in [0.001, 5] for the availability scan (spelled ``p_grid``
        before issue 12; still accepted, with a ``DeprecationWarning``, for one
        release). [%]
    rows : pandas.DataFrame, optional
        A precomputed :func:`backhaul_rtt` for the same sites and times.
    **kwargs
        Passed to :func:`backhaul_rtt`.

    Returns
    -------
    pandas.DataFrame
        ``site``, ``option``, ``fibre_nearby``, ``lat_deg``, ``lon_deg``,
        ``fraction_reachable``, ``covered``, ``rtt_median_ms``, ``rtt_p95_ms``,
        ``floor_ms`` (vacuum, to the closest region), ``region`` (most frequent region
        reached), ``elevation_deg`` and ``range_km`` (median serving geometry),
        ``forward_clear_mbps`` / ``return_clear_mbps`` (vacuum budget),
        ``forward_rain_mbps`` / ``return_rain_mbps`` (weather exceeded ``p_percent``
        % of the year), ``rain_db`` (forward rain attenuation at ``p_percent``),
        ``forward_modcod`` (``"outage"`` below the lowest MODCOD),
        ``availability_forward_percent``,
        ``availability_return_percent``, ``availability_percent`` (both directions:
        the smaller), ``availability_bound`` (``exact``, ``at_least`` 99.999 %,
        ``at_most`` 95 %), ``downtime_h_per_year``. Throughputs are per carrier
        (one terminal) [Mbit/s]. The link columns (geometry, throughputs, rain,
        availability and downtime) are NaN (``availability_bound`` None) for fibre, which
        has no radio link, and where the option does not cover the site.
    """
    _checks.frame(sites, "sites", ("name", "lat_deg", "lon_deg"), producer="remote_sites()")
    check_range(p_percent, "p_percent", 0.001, 5.0, unit="%")
    check_range(min_reachable, "min_reachable", 0.0, 1.0)
    grid = check_range(p_grid_percent, "p_grid_percent", 0.001, 5.0, unit="%")
    if grid.ndim != 1 or grid.size < 2 or np.any(np.diff(grid) <= 0):
        raise ValueError(f"p_grid_percent must be at least two increasing percentages in "
                         f"[0.001, 5] %, got {p_grid_percent!r}")
    opts = _options(options)
    fibre_here = sites["fibre_nearby"].isin(FIBRE_OK) if "fibre_nearby" in sites else \
        pd.Series(True, index=sites.index)
    if rows is None:
        rows = backhaul_rtt(sites, times, list(opts), **kwargs)
    else:
        _checks.frame(rows, "rows", ("source", "option", "reachable", "rtt_ms", "destination",
                                     "user_elevation_deg", "user_range_km"),
                      producer="backhaul_rtt()")
        missing = [(s, o) for s in sites["name"] for o in opts
                   if not ((rows["source"] == s) & (rows["option"] == o)).any()]
        if missing:
            raise ValueError(f"rows has no rows for (site, option) {missing[:5]}; give the "
                             "backhaul_rtt() of these sites and options")
    with _checks.naming("rows", producer="backhaul_rtt()"):
        summ = latency.summarize(rows, by=("source", "option"))
    summ = summ.set_index(["source", "option"])
    info = sites.set_index("name")
    out = []
    for s in sites.itertuples():
        for label, o in opts.items():
            if label == "fibre" and not bool(fibre_here.loc[s.Index]):
                continue
            g = rows[(rows["source"] == s.name) & (rows["option"] == label)]
            ok = g[g["reachable"].astype(bool)]
            sm = summ.loc[(s.name, label)]
            frac = float(sm["fraction_reachable"])
            region = ok["destination"].astype(str).mode()
            out.append({
                "site": s.name, "option": label,
                "fibre_nearby": info.loc[s.name, "fibre_nearby"] if "fibre_nearby" in info
                else None,
                "lat_deg": float(s.lat_deg), "lon_deg": float(s.lon_deg),
                "fraction_reachable": frac, "covered": frac >= min_reachable,
                "rtt_median_ms": float(sm["rtt_median_ms"]) if frac > 0 else np.nan,
                "rtt_p95_ms": float(sm["rtt_p95_ms"]) if frac > 0 else np.nan,
                "floor_ms": float(sm["target_floor_ms"]),
                "region": region.iloc[0] if len(region) else None,
                "elevation_deg": float(np.median(ok["user_elevation_deg"])) if len(ok) and
                o["forward"] else np.nan,
                "range_km": float(np.median(ok["user_range_km"])) if len(ok) and
                o["forward"] else np.nan,
            })
    t = pd.DataFrame(out)
    for c in ("forward_clear_mbps", "return_clear_mbps", "forward_rain_mbps",
              "return_rain_mbps", "rain_db", "availability_forward_percent",
              "availability_return_percent"):
        t[c] = np.nan
    t["forward_modcod"] = None
    t["availability_bound"] = None
    bounds = {}
    for label, o in opts.items():
        sel = (t["option"] == label) & t["covered"] & t["elevation_deg"].notna()
        if o["forward"] is None or not sel.any():
            continue
        idx = t.index[sel]
        lat = t.loc[idx, "lat_deg"].to_numpy(float)
        lon = t.loc[idx, "lon_deg"].to_numpy(float)
        el = t.loc[idx, "elevation_deg"].to_numpy(float)
        rng = t.loc[idx, "range_km"].to_numpy(float)
        for d in ("forward", "return"):
            prof = o[d]
            clear = links.link_budget(prof, range_km=rng, elevation_deg=el, atm_loss_db=0.0)
            wet = links.link_budget(prof, range_km=rng, elevation_deg=el, lat_deg=lat,
                                    lon_deg=lon, p_percent=p_percent, method="direct")
            t.loc[idx, f"{d}_clear_mbps"] = clear["throughput_mbps"].to_numpy(float)
            t.loc[idx, f"{d}_rain_mbps"] = wet["throughput_mbps"].to_numpy(float)
            if d == "forward":
                t.loc[idx, "rain_db"] = wet["rain_db"].to_numpy(float)
                t.loc[idx, "forward_modcod"] = np.where(
                    wet["outage"].to_numpy(bool), "outage", wet["modcod"].astype(str).to_numpy())
            link = availability_for_budget(prof, el, lat, lon, range_km=rng,
                                           p_grid_percent=grid)
            avail = link["availability_percent"].to_numpy(float)
            bnd = list(link["bound"])
            t.loc[idx, f"availability_{d}_percent"] = avail
            for i, b in zip(idx, bnd, strict=True):
                bounds.setdefault(i, []).append((float(t.loc[i, f"availability_{d}_percent"]),
                                                 b))
    both = t[["availability_forward_percent", "availability_return_percent"]].min(axis=1,
                                                                                   skipna=False)
    t["availability_percent"] = both
    for i, pairs in bounds.items():
        t.loc[i, "availability_bound"] = min(pairs)[1]
    t["downtime_h_per_year"] = (100.0 - t["availability_percent"]) / 100.0 * HOURS_PER_YEAR
    return t


def decision_table(table: pd.DataFrame, availability_target: float = 99.5,
                   min_forward_mbps: float = 0.0) -> pd.DataFrame:
    """Per site: the quickest option that covers it and meets the targets.

    Fibre (where the site table has some) qualifies on coverage alone, its throughput
    and availability being outside the models.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`backhaul_table`.
    availability_target : float
        Least availability of a satellite option (both directions). [%]
    min_forward_mbps : float
        Least forward throughput per carrier in the rain of ``p_percent``. [Mbit/s]

    Returns
    -------
    pandas.DataFrame
        One row per site: ``site``, ``fibre_nearby``, ``options_covering`` (how many),
        ``qualifying`` (the options meeting the targets, quickest first), ``choice``
        (``"none"`` when nothing qualifies), ``rtt_median_ms``, ``floor_ms``,
        ``forward_rain_mbps``, ``availability_percent`` of the choice, and
        ``best_satellite`` (the quickest qualifying satellite option, for a site whose
        choice is fibre).
    """
    _checks.frame(table, "table", ("site", "option", "covered", "fibre_nearby",
                                   "availability_percent", "forward_rain_mbps",
                                   "rtt_median_ms", "floor_ms"),
                  producer="backhaul_table()")
    _checks.finite_columns(table, "table", ("floor_ms", "rtt_median_ms",
                                            "availability_percent", "forward_rain_mbps"),
                           nan_ok=("rtt_median_ms", "availability_percent",
                                   "forward_rain_mbps"), producer="backhaul_table()")
    check_range(availability_target, "availability_target", 0.0, 100.0, unit="%")
    check_range(min_forward_mbps, "min_forward_mbps", 0.0, None, unit="Mbit/s")
    rows = []
    for site, g in table.groupby("site", sort=False):
        cov = g[g["covered"]]
        is_fibre = cov["option"] == "fibre"
        sat_ok = (~is_fibre) & (cov["availability_percent"] >= availability_target) & (
            cov["forward_rain_mbps"] >= min_forward_mbps)
        q = cov[is_fibre | sat_ok].sort_values("rtt_median_ms", kind="stable")
        sats = q[q["option"] != "fibre"]
        first = q.iloc[0] if len(q) else None
        rows.append({
            "site": site, "fibre_nearby": g["fibre_nearby"].iloc[0],
            "options_covering": len(cov),
            "qualifying": ", ".join(q["option"]) if len(q) else "",
            "choice": first["option"] if first is not None else "none",
            "rtt_median_ms": float(first["rtt_median_ms"]) if first is not None else np.nan,
            "floor_ms": float(g["floor_ms"].iloc[0]),
            "forward_rain_mbps": float(first["forward_rain_mbps"]) if first is not None
            else np.nan,
            "availability_percent": float(first["availability_percent"])
            if first is not None else np.nan,
            "best_satellite": sats["option"].iloc[0] if len(sats) else "none",
        })
    return pd.DataFrame(rows)


def shell_coverage(sites: pd.DataFrame, times, constellation_name: str = "starlink-gen1",
                   min_elevation_deg: float | None = None) -> pd.DataFrame:
    """Which shells of a constellation reach each site, and how often.

    Parameters
    ----------
    sites : pandas.DataFrame
        ``name``, ``lat_deg``, ``lon_deg``.
    times : astropy.time.Time or tuple
        Epochs (:func:`satcloud.time.time_grid`).
    constellation_name : str
        A name of :func:`satcloud.constellations.constellation`.
    min_elevation_deg : float, optional
        Terminal mask; default the filed one. [deg]

    Returns
    -------
    pandas.DataFrame
        One row per (site, shell): ``site``, ``shell``, ``altitude_km``,
        ``inclination_deg``, ``n_satellites``, ``fraction_covered`` (time with at least
        one satellite of that shell in view) [-], ``mean_in_view`` [-] and
        ``longest_outage_s`` [s]; plus a shell ``"all"`` for the whole constellation.
    """
    from satcloud import constellations, coverage, orbits
    from satcloud.latency import _resolve_times

    _checks.frame(sites, "sites", ("name", "lat_deg", "lon_deg"), producer="remote_sites()")
    times = _resolve_times(times)
    if times is None:
        raise ValueError("times is required: the epochs to propagate over")
    full = constellations.constellation(
        _checks.names(constellation_name, "constellation_name", constellations.CATALOGUE)[0])
    table = sites[["name", "lat_deg", "lon_deg"]].rename(columns={"name": "site"})
    frames = []
    shells = [*[str(s) for s in full.shells["shell"]], "all"]
    for shell in shells:
        const = full if shell == "all" else constellations.constellation(
            constellation_name, shells=[shell])
        eph = orbits.propagate(const, times)
        c = coverage.site_coverage(eph, table, min_elevation_deg=min_elevation_deg)
        if shell == "all":
            alt, inc = np.nan, np.nan
        else:
            row = full.shells[full.shells["shell"].astype(str) == shell].iloc[0]
            alt, inc = float(row["altitude_km"]), float(row["inclination_deg"])
        frames.append(pd.DataFrame({
            "site": c["site"].to_numpy(), "shell": shell, "altitude_km": alt,
            "inclination_deg": inc, "n_satellites": len(const.satellites),
            "fraction_covered": c["fraction_covered"].to_numpy(float),
            "mean_in_view": c["mean_in_view"].to_numpy(float),
            "longest_outage_s": c["longest_outage_s"].to_numpy(float)}))
    return pd.concat(frames, ignore_index=True)


def site_throughput(sites: pd.DataFrame, start, hours: float = 24.0, step_h: float = 3.0,
                    network: str = "starlink-gen1", *, site_demand_gbps: float = 100.0,
                    demand=None) -> pd.DataFrame:
    """What each remote site can count on over a day, the world's busy-hour demand present.

    :func:`satcloud.scenarios.capacity.site_capacity` (each site asks for
    ``site_demand_gbps`` on top of its 1 degree cell's demand; one maximum flow of
    :mod:`satcloud.capacity` per snapshot, and one with the sites alone) at snapshots
    every ``step_h`` hours.

    Parameters
    ----------
    sites : pandas.DataFrame
        :func:`remote_sites` (``name``, ``lat_deg``, ``lon_deg``).
    start : str or datetime-like
        First snapshot (UTC).
    hours : float
        Length of the series, >= 0 (snapshots at ``start``, ``start + step_h``, ... up
        to ``start + hours``). [h]
    step_h : float
        Time between snapshots, > 0. [h]
    network : str
        Registry network with capacity presets (default ``"starlink-gen1"``).
    site_demand_gbps : float
        What each site asks for, > 0. [Gbit/s]
    demand : pandas.DataFrame, optional
        The world's demand (:func:`satcloud.capacity.demand`, default ``demand()``).

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`satcloud.scenarios.capacity.site_capacity`: one per (time,
        site), ``site_served_gbps`` [Gbit/s] and the cell's demand and supply.
    """
    from satcloud.scenarios import capacity as scap

    _checks.frame(sites, "sites", ("name", "lat_deg", "lon_deg"), producer="remote_sites()")
    h = float(check_range(hours, "hours", 0.0, 24.0 * 7, unit="h", finite=True))
    step = float(check_range(step_h, "step_h", 0.0, 24.0, low_open=True, unit="h",
                             finite=True))
    from satcloud.time import to_time

    t = to_time(start, "start")
    if not t.isscalar:
        raise TypeError(f"start must be one time (str or datetime-like), got {start!r:.80}")
    t0 = pd.Timestamp(t.datetime64)
    times = [t0 + pd.Timedelta(hours=x) for x in np.arange(0.0, h + 1e-9, step)]
    return scap.site_capacity(sites, times, network, site_demand_gbps=site_demand_gbps,
                              demand=demand)


def throughput_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per site: the least, median and largest throughput served over the snapshots.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`site_throughput`.

    Returns
    -------
    pandas.DataFrame
        One row per site (in the table's order): ``site``, ``n_snapshots`` [-],
        ``site_demand_gbps``, ``min_gbps``, ``median_gbps``, ``max_gbps`` [Gbit/s],
        ``min_satellites_in_view`` [-] and, when the table has ``site_alone_gbps``,
        ``alone_min_gbps`` (the least served with the sites alone) [Gbit/s].
    """
    _checks.frame(table, "table", ("time", "site", "site_demand_gbps", "site_served_gbps",
                                   "n_satellites_in_view"), producer="site_throughput()")
    _checks.finite_columns(table, "table", ("site_demand_gbps", "site_served_gbps",
                                            "site_alone_gbps", "n_satellites_in_view"),
                           producer="site_throughput()")
    g = table.groupby("site", sort=False)
    out = pd.DataFrame({
        "n_snapshots": g["time"].nunique(),
        "site_demand_gbps": g["site_demand_gbps"].max(),
        "min_gbps": g["site_served_gbps"].min(),
        "median_gbps": g["site_served_gbps"].median(),
        "max_gbps": g["site_served_gbps"].max(),
        "min_satellites_in_view": g["n_satellites_in_view"].min()})
    if "site_alone_gbps" in table:
        out["alone_min_gbps"] = g["site_alone_gbps"].min()
    return out.reset_index()
