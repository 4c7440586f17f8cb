"""Contact windows (passes) of satellites over ground stations, refined below a second.

Method
------
1. Coarse detection on the ephemeris grid with the pruned visibility search of
   :func:`satcloud.geometry.access`: runs of consecutive samples with the satellite at or
   above the minimum elevation are passes.
2. Refinement by re-propagating only the satellites concerned at the times needed
   (:func:`satcloud.orbits.propagate_pairs`), vectorised over all passes at once:
   rise and set by bisection of ``elevation(t) - min_elevation`` on the bracketing grid
   interval (halving until the bracket is below ``tolerance_s``, default 0.01 s);
   culmination by golden-section search for the maximum elevation on the two grid
   intervals around the highest sample (to ``tolerance_s``).

A pass shorter than the grid step can fall between samples and be missed: use a step
well below the shortest pass of interest (60 s finds LEO passes above ~10 deg reliably
only if they last several minutes). Passes cut by the ends of the grid are flagged
``truncated`` and start or end at the grid boundary.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from astropy.time import TimeDelta

from satcloud import _progress
from satcloud._validate import check_choice, check_range, check_scalar
from satcloud.geometry import (
    access,
    enu_basis,
    geodetic_to_ecef,
    normalize_sites,
    satellite_min_elevation_deg,
)
from satcloud.orbits import propagate_pairs

__all__ = ["daily_totals", "passes"]

_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def _elevation_fn(constellation, t_ref, sat_idx, site_xyz, site_enu):
    """el(t_s) for K (satellite, site) pairs at offsets t_s [s] from t_ref. [deg]"""
    east, north, up = site_enu

    def el(t_s):
        times = t_ref + TimeDelta(np.asarray(t_s, float), format="sec")
        r = propagate_pairs(constellation, sat_idx, times)
        d = r - site_xyz
        u = np.einsum("kj,kj->k", d, up)
        e = np.einsum("kj,kj->k", d, east)
        n = np.einsum("kj,kj->k", d, north)
        return (np.degrees(np.arctan2(u, np.hypot(e, n))),
                np.degrees(np.arctan2(e, n)) % 360.0)

    return el


def _bisect(fn, lo, hi, f_lo_positive, threshold, tol, bar=None):
    """Bracketed root of fn(t) - threshold; f(lo) > 0 iff f_lo_positive (per element)."""
    lo, hi = lo.copy(), hi.copy()
    while np.any(hi - lo > tol):
        if bar is not None:
            bar.update()
        mid = 0.5 * (lo + hi)
        pos = fn(mid)[0] - threshold >= 0
        same = pos == f_lo_positive
        lo = np.where(same, mid, lo)
        hi = np.where(same, hi, mid)
    return 0.5 * (lo + hi)


def _refine_iterations(t_s: np.ndarray, tol: float) -> int:
    """Iterations of the refinement of passes on grid ``t_s`` to ``tol``: two bisections
    of a grid interval and a golden-section search over two (for the progress bar)."""
    step = float(np.max(np.diff(t_s))) if t_s.size > 1 else 1.0
    bisect = max(0, int(np.ceil(np.log2(max(step / tol, 1.0)))))
    golden = max(0, int(np.ceil(np.log(tol / (2.0 * step)) / np.log(_GOLDEN))))
    return 2 * bisect + golden


def _golden_max(fn, a, b, tol, bar=None):
    a, b = a.copy(), b.copy()
    c = b - _GOLDEN * (b - a)
    d = a + _GOLDEN * (b - a)
    fc, fd = fn(c)[0], fn(d)[0]
    while np.any(b - a > tol):
        if bar is not None:
            bar.update()
        left = fc > fd  # maximum in [a, d]
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        new_c = b - _GOLDEN * (b - a)
        new_d = a + _GOLDEN * (b - a)
        # reuse: if left, new d = old c; else new c = old d
        fd_new = np.where(left, fc, np.nan)
        fc_new = np.where(left, np.nan, fd)
        need = np.where(left, new_c, new_d)
        f_need = fn(need)[0]
        fc = np.where(left, f_need, fc_new)
        fd = np.where(left, fd_new, f_need)
        c, d = new_c, new_d
    return 0.5 * (a + b)


def passes(ephemeris, stations, min_elevation_deg=None, *, sat_index=None, refine=True,
           tolerance_s=0.01, progress=None) -> pd.DataFrame:
    """Passes of satellites over ground stations: rise, culmination, set.

    Parameters
    ----------
    ephemeris : Ephemeris
        Propagated constellation (its grid sets the detection step).
    stations : pandas.DataFrame
        Ground stations: ``lat_deg``, ``lon_deg`` [deg], optional ``alt_m`` [m], a name
        column (``site``, ``name`` or ``region``) and optionally ``network`` (e.g.
        :func:`satcloud.data.ground_stations`).
    min_elevation_deg : float, optional
        Elevation mask [deg]; ``None`` = each satellite's own minimum elevation.
    sat_index : int or sequence of int, optional
        Restrict to these satellites (default all).
    refine : bool, optional
        Refine rise/culmination/set (default True); False keeps grid times.
    tolerance_s : float, optional
        Refinement tolerance, in (0, 1]. [s]
    progress : bool, optional
        Show a progress bar over the detection and the refinement iterations
        (``tqdm.auto``, once the work takes over 2 s); default ``None``: the switch of
        :func:`satcloud._progress.set_progress` (off unless turned on).

    Returns
    -------
    pandas.DataFrame
        One row per pass: ``station``, ``network`` (if given), ``sat_index``, ``sat_id``,
        ``rise_time``, ``culmination_time``, ``set_time`` (UTC datetime64[ns]),
        ``duration_s`` [s], ``max_elevation_deg`` [deg], ``culmination_azimuth_deg``
        [deg], ``truncated`` (bool: cut by the grid ends). Sorted by rise time.
        ``df.attrs["window"]`` holds the grid's (start, end) as datetime64.

    Examples
    --------
    An ideal geostationary satellite over 4.35 deg E, its Earth-fixed position written by
    hand (:func:`satcloud.network.bentpipe.geo_positions_ecef_km`), over three hourly
    samples: Brussels sees it at 31.8 deg elevation all the time, Sydney never.

    >>> import pandas as pd
    >>> from satcloud.constellations import Constellation
    >>> from satcloud.network.bentpipe import geo_positions_ecef_km
    >>> from satcloud.orbits import Ephemeris
    >>> from satcloud.time import time_grid
    >>> geo = Constellation.walker(35786.0, 0.0, planes=1, sats_per_plane=1, name="geo")
    >>> times = time_grid("2020-10-01", "3h", "1h")
    >>> eph = Ephemeris(times, geo_positions_ecef_km([4.35], n_times=len(times)), None, geo)
    >>> sites = pd.DataFrame({"site": ["Brussels", "Sydney"], "lat_deg": [50.85, -33.87],
    ...                       "lon_deg": [4.35, 151.21]})
    >>> from satcloud.passes import passes
    >>> p = passes(eph, sites, min_elevation_deg=10.0, refine=False)
    >>> p[["station", "duration_s", "max_elevation_deg", "truncated"]].round(2)
        station  duration_s  max_elevation_deg  truncated
    0  Brussels      7200.0              31.79       True
    """
    tol = check_scalar(check_range(tolerance_s, "tolerance_s", 0.0, 1.0, low_open=True,
                                   unit="s"), "tolerance_s")
    st = normalize_sites(stations, "stations")
    eph = ephemeris
    if not hasattr(eph, "constellation") or not hasattr(eph, "times"):
        raise TypeError(f"ephemeris must be a satcloud Ephemeris (from propagate), got "
                        f"{type(eph).__name__}")
    const = eph.constellation
    n_sat = eph.r_ecef_km.shape[1]
    min_el_all = satellite_min_elevation_deg(eph, min_elevation_deg, n_sat)
    if sat_index is not None:
        idx = np.atleast_1d(np.asarray(sat_index))
        if idx.size and idx.dtype.kind not in "iu":
            raise TypeError(f"sat_index must be integers (satellite indices), got "
                            f"{sat_index!r:.100}")
        idx = idx.astype(np.int64)
        if idx.size == 0 or idx.min() < 0 or idx.max() >= n_sat:
            raise ValueError(f"sat_index must be in [0, {n_sat - 1}], got {sat_index}")
        eph = eph.isel(sat=idx)
        const = eph.constellation
        min_el = min_el_all[idx]
    else:
        idx = np.arange(n_sat)
        min_el = min_el_all
    times = eph.times
    n_t = len(times)
    t_ref = times[0]
    t_s = ((times.tai.jd1 - t_ref.tai.jd1) + (times.tai.jd2 - t_ref.tai.jd2)) * 86400.0
    _progress.resolve(progress)          # checked before the work
    acc = access(eph, st, min_el)
    cols = ["station", "sat_index", "sat_id", "rise_time", "culmination_time", "set_time",
            "duration_s", "max_elevation_deg", "culmination_azimuth_deg", "truncated"]
    if "network" in st.columns:
        cols.insert(1, "network")
    window = (np.datetime64(times[0].utc.datetime64, "ns"),
              np.datetime64(times[-1].utc.datetime64, "ns"))
    if acc.empty:
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        out.attrs["window"] = window
        return out
    site_i = acc["site"].cat.codes.to_numpy().astype(np.int64)
    sat_i = acc["sat_index"].to_numpy()
    ti = acc["time_index"].to_numpy()
    order = np.lexsort((ti, sat_i, site_i))
    site_i, sat_i, ti = site_i[order], sat_i[order], ti[order]
    el_s = acc["elevation_deg"].to_numpy()[order]
    az_s = acc["azimuth_deg"].to_numpy()[order]
    new = np.ones(ti.size, bool)
    new[1:] = (site_i[1:] != site_i[:-1]) | (sat_i[1:] != sat_i[:-1]) | (ti[1:] != ti[:-1] + 1)
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], ti.size) - 1
    # highest sample of each pass
    pass_id = np.cumsum(new) - 1
    best = pd.Series(el_s).groupby(pass_id).idxmax().to_numpy()
    i0, i1, im = ti[starts], ti[ends], ti[best]
    k_site, k_sat = site_i[starts], sat_i[starts]
    trunc_rise = i0 == 0
    trunc_set = i1 == n_t - 1
    rise = t_s[i0].astype(float)
    sett = t_s[i1].astype(float)
    cul = t_s[im].astype(float)
    max_el = el_s[best]
    cul_az = az_s[best]
    if refine:
        n_steps = _refine_iterations(t_s, tol)
        with _progress.bar(n_steps, "passes", unit="iteration", progress=progress) as bar:
            xyz = geodetic_to_ecef(st["lat_deg"].to_numpy(float), st["lon_deg"].to_numpy(float),
                                   st["alt_m"].to_numpy(float) / 1000.0)
            east, north, up = enu_basis(st["lat_deg"].to_numpy(float),
                                         st["lon_deg"].to_numpy(float))
            thr = min_el[k_sat]

            def fn_for(sel):
                return _elevation_fn(const, t_ref, k_sat[sel], xyz[k_site[sel]],
                                     (east[k_site[sel]], north[k_site[sel]], up[k_site[sel]]))

            r_sel = np.flatnonzero(~trunc_rise)
            if r_sel.size:
                rise[r_sel] = _bisect(fn_for(r_sel), t_s[i0[r_sel] - 1], t_s[i0[r_sel]],
                                      np.zeros(r_sel.size, bool), thr[r_sel], tol, bar)
            s_sel = np.flatnonzero(~trunc_set)
            if s_sel.size:
                sett[s_sel] = _bisect(fn_for(s_sel), t_s[i1[s_sel]], t_s[i1[s_sel] + 1],
                                      np.ones(s_sel.size, bool), thr[s_sel], tol, bar)
            a = np.maximum(t_s[np.maximum(im - 1, 0)], rise)
            b = np.minimum(t_s[np.minimum(im + 1, n_t - 1)], sett)
            allp = np.arange(starts.size)
            fn = fn_for(allp)
            cul_ref = _golden_max(fn, a, b, tol, bar)
            el_ref, az_ref = fn(cul_ref)
            better = el_ref >= max_el
            cul = np.where(better, cul_ref, cul)
            max_el = np.where(better, el_ref, max_el)
            cul_az = np.where(better, az_ref, cul_az)
            bar.update(max(0, n_steps - bar.n))

    def to_dt(sec):
        tt = t_ref + TimeDelta(sec, format="sec")
        return np.asarray(tt.utc.datetime64, dtype="datetime64[ns]")

    out = pd.DataFrame({
        "station": st["site"].to_numpy()[k_site],
        "sat_index": idx[k_sat],
        "sat_id": const.satellites["sat_id"].to_numpy()[k_sat],
        "rise_time": to_dt(rise),
        "culmination_time": to_dt(cul),
        "set_time": to_dt(sett),
        "duration_s": sett - rise,
        "max_elevation_deg": max_el,
        "culmination_azimuth_deg": cul_az,
        "truncated": trunc_rise | trunc_set,
    })
    if "network" in st.columns:
        out.insert(1, "network", st["network"].to_numpy()[k_site])
    out = out.sort_values(["rise_time", "station", "sat_index"], kind="stable"
                          ).reset_index(drop=True)
    out.attrs["window"] = window
    return out


def _union(intervals: np.ndarray) -> np.ndarray:
    if intervals.size == 0:
        return intervals.reshape(0, 2)
    iv = intervals[np.argsort(intervals[:, 0])]
    merged = [iv[0].copy()]
    for a, b in iv[1:]:
        if a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append(np.array([a, b]))
    return np.array(merged)


def daily_totals(passes_df, by="station", *, window=None, stations=None) -> pd.DataFrame:
    """Per station (or network) and UTC day: passes, contact time and longest gap.

    Parameters
    ----------
    passes_df : pandas.DataFrame
        Output of :func:`passes`.
    by : {"station", "network"}
        Group by station or by network (a network's contact is the union of its
        stations' contacts).
    window : tuple of datetime64, optional
        (start, end) analysed; default ``passes_df.attrs["window"]``.
    stations : pandas.DataFrame, optional
        The stations given to :func:`passes`; stations (or networks) without any pass
        then get rows too (no contact, the whole day as gap).

    Returns
    -------
    pandas.DataFrame
        ``<by>``, ``date``, ``n_passes`` (passes rising that day), ``contact_s`` (union
        of contact intervals within the day and window) [s], ``longest_gap_s`` (longest
        interval of the day within the window without contact, counting from the start
        of the day or window and to its end) [s], ``window_s`` [s].

    Examples
    --------
    An ideal geostationary satellite over 4.35 deg E, its Earth-fixed position written by
    hand (:func:`satcloud.network.bentpipe.geo_positions_ecef_km`), over three hourly
    samples: Brussels sees it at 31.8 deg elevation all the time, Sydney never.

    >>> import pandas as pd
    >>> from satcloud.constellations import Constellation
    >>> from satcloud.network.bentpipe import geo_positions_ecef_km
    >>> from satcloud.orbits import Ephemeris
    >>> from satcloud.time import time_grid
    >>> geo = Constellation.walker(35786.0, 0.0, planes=1, sats_per_plane=1, name="geo")
    >>> times = time_grid("2020-10-01", "3h", "1h")
    >>> eph = Ephemeris(times, geo_positions_ecef_km([4.35], n_times=len(times)), None, geo)
    >>> sites = pd.DataFrame({"site": ["Brussels", "Sydney"], "lat_deg": [50.85, -33.87],
    ...                       "lon_deg": [4.35, 151.21]})
    >>> from satcloud.passes import daily_totals, passes
    >>> p = passes(eph, sites, min_elevation_deg=10.0, refine=False)
    >>> daily_totals(p, stations=sites)[["station", "n_passes", "contact_s", "longest_gap_s"]]
        station  n_passes  contact_s  longest_gap_s
    0  Brussels         1     7200.0            0.0
    1    Sydney         0        0.0         7200.0
    """
    check_choice(by, "by", ("station", "network"))
    if not isinstance(passes_df, pd.DataFrame):
        raise TypeError(f"passes_df must be the DataFrame returned by passes(), got "
                        f"{type(passes_df).__name__}")
    if by not in passes_df.columns:
        raise ValueError(f"passes_df has no {by!r} column (stations need a 'network' column "
                         "for by='network')")
    if window is None:
        window = passes_df.attrs.get("window")
        if window is None:
            raise ValueError("window is unknown: pass window=(start, end)")
    try:
        w0, w1 = (pd.Timestamp(w) for w in window)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"window must be (start, end) UTC times, got {window!r:.100}"
                         ) from exc
    if w0 is pd.NaT or w1 is pd.NaT or w1 < w0:
        raise ValueError(f"window must be (start, end) with start <= end, got {window!r:.100}")
    w0, w1 = (w.tz_convert("UTC").tz_localize(None) if w.tz else w for w in (w0, w1))
    w0 = np.datetime64(w0, "ns").astype(np.int64) / 1e9
    w1 = np.datetime64(w1, "ns").astype(np.int64) / 1e9
    day0 = np.floor(w0 / 86400.0) * 86400.0
    days = np.arange(day0, w1, 86400.0)
    rows = []
    groups = dict(list(passes_df.groupby(by, sort=True))) if len(passes_df) else {}
    if stations is not None:
        st = normalize_sites(stations, "stations")
        col = "site" if by == "station" else "network"
        if col not in st.columns:
            raise ValueError("stations has no 'network' column")
        empty = passes_df.iloc[:0]
        for key in st[col].astype(str).unique():
            groups.setdefault(key, empty)
    for key in sorted(groups, key=str):
        g = groups[key]
        rs = np.asarray(g["rise_time"].to_numpy("datetime64[ns]"), dtype=np.int64) / 1e9
        ss = np.asarray(g["set_time"].to_numpy("datetime64[ns]"), dtype=np.int64) / 1e9
        u = _union(np.stack([rs, ss], axis=1))
        for d in days:
            a, b = max(d, w0), min(d + 86400.0, w1)
            if b <= a:
                continue
            clip = np.clip(u, a, b)
            clip = clip[clip[:, 1] > clip[:, 0]]
            contact = float((clip[:, 1] - clip[:, 0]).sum())
            edges = np.concatenate([[a], clip.ravel(), [b]]).reshape(-1, 2)
            gap = float((edges[:, 1] - edges[:, 0]).max())
            n = int(((rs >= d) & (rs < d + 86400.0)).sum())
            rows.append({by: key, "date": np.datetime64(int(d), "s").astype("datetime64[D]"),
                         "n_passes": n, "contact_s": contact, "longest_gap_s": gap,
                         "window_s": b - a})
    return pd.DataFrame(rows, columns=[by, "date", "n_passes", "contact_s", "longest_gap_s",
                                       "window_s"])
