"""Scenario: latency from cities and remote sites to their nearest Azure region.

The tables behind notebook 03. Each function wires :func:`satcloud.latency.rtt` (and
:func:`satcloud.latency.summarize`) together for one question and returns a tidy
:class:`pandas.DataFrame` with units in the column names. No new physics lives here:
the delays, the routing, the serving-satellite policy and the vacuum floor are those of
:mod:`satcloud.latency` and :mod:`satcloud.network`.

The systems compared (:data:`SYSTEMS`) are the terrestrial fibre with the ideal (1.0)
and typical (2.1) route factors, geostationary bent pipe, the O3b mPOWER MEO ring,
Starlink as in orbit on 2026-04-02 (registry network ``"starlink"``: the real element
sets, its real gateways and each user's home PoP) as a bent pipe and with laser links,
and Starlink Gen1 as filed with laser links (:data:`AS_FILED_SYSTEMS`) beside it. Each
constellation is propagated once per time grid (the network's own,
:func:`satcloud.constellations.network_constellation`) and shared by its modes; times
must lie inside a real constellation's validity window. The model is held against a
published Starlink measurement, Michel et al. [1]_ (:data:`MEASURED_STARLINK`).

References
----------
.. [1] F. Michel, M. Trevisan, D. Giordano and O. Bonaventure, "A First Look at Starlink
   Performance", in *Proc. ACM Internet Measurement Conference (IMC 2022)*, 2022.
   doi:10.1145/3517745.3561416
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from satcloud import data, latency, systems
from satcloud._validate import check_choices, check_latlon, check_range
from satcloud.constellations import FILED_FOR_REAL as _FILED_FOR_REAL
from satcloud.scenarios import _checks
from satcloud.sites import resolve_sites

__all__ = [
    "AS_FILED_SYSTEMS",
    "COMPONENTS",
    "DELAY_MODELS",
    "FIBRE_SYSTEMS",
    "LEGS",
    "MAP_TARGETS",
    "MEASURED_STARLINK",
    "MEASURED_STARLINK_BASIS",
    "OPERATED_SYSTEMS",
    "SATELLITE_SYSTEMS",
    "SYSTEMS",
    "SYSTEM_MARKERS",
    "SYSTEM_STYLES",
    "best_option",
    "component_breakdown",
    "delay_model_overview",
    "endpoints",
    "idle_rtt_map",
    "measured_comparison",
    "measured_comparison_idle",
    "median_table",
    "overview",
    "route_changes",
    "rtt_map_by_region",
    "summary_by_system",
    "system_rtt",
    "system_rtt_by_model",
]

_LATENCY = systems.systems("latency")   # the "latency" comparison of the registry

#: Label -> (network, mode) of :func:`satcloud.latency.rtt`, in the order of the report
#: (the ``"latency"`` comparison of :func:`satcloud.systems.systems`).
SYSTEMS = {r.label: (r.network, r.mode) for r in _LATENCY.itertuples(index=False)}

#: The fibre systems and the satellite systems of :data:`SYSTEMS`.
FIBRE_SYSTEMS = tuple(_LATENCY.loc[_LATENCY["kind"] == "fibre", "label"])
SATELLITE_SYSTEMS = tuple(_LATENCY.loc[_LATENCY["kind"] != "fibre", "label"])

#: The systems that run a constellation *as filed* beside the real one it was filed
#: for (:data:`satcloud.constellations.FILED_FOR_REAL`): a comparison, not an option a
#: user has, so :func:`best_option` leaves them out by default.
AS_FILED_SYSTEMS = tuple(
    r.label for r in _LATENCY.itertuples(index=False)
    if any(r.network in filed for filed in _FILED_FOR_REAL.values()))
#: The satellite systems a user can choose from (:data:`SATELLITE_SYSTEMS` less
#: :data:`AS_FILED_SYSTEMS`): the candidates of :func:`best_option`.
OPERATED_SYSTEMS = tuple(s for s in SATELLITE_SYSTEMS if s not in AS_FILED_SYSTEMS)

#: Plot style per system: colour (``data/colours.csv``; fibre and O3b share black, so
#: they differ by line style) and a line style, from the registry; plus the vacuum floor.
SYSTEM_STYLES = {
    **{r.label: {"color": r.colour, "ls": r.line_style}
       for r in _LATENCY.itertuples(index=False)},
    "vacuum floor": {"color": systems.colours()["vacuum-floor"], "ls": "-."},
}

#: Marker per system, for charts where a line style cannot show (single values).
SYSTEM_MARKERS = {r.label: r.marker for r in _LATENCY.itertuples(index=False)}

#: A published Starlink measurement the model can be held against: Michel et al., "A
#: First Look at Starlink Performance", ACM IMC 2022 (module References [1]), as
#: summarised by the authors on the APNIC blog ("Fact checking Starlink's
#: performance figures", 28 Nov 2022): a dish in Belgium (Louvain-la-Neuve), idle RTT
#: to the European RIPE Atlas anchors in the first months of 2022, "around 50ms median,
#: ranging from 40ms (25th percentile) to 60ms (75th)"; minimum 20 ms.
MEASURED_STARLINK = {
    "source": "Michel et al., ACM IMC 2022 (APNIC blog, 28 Nov 2022)",
    "place": "Brussels",
    "where": "dish in Belgium to European RIPE Atlas anchors, idle link, early 2022",
    "min_ms": 20.0,
    "p25_ms": 40.0,
    "median_ms": 50.0,
    "p75_ms": 60.0,
}


#: How each statistic of :data:`MEASURED_STARLINK` stands to the idle delay model
#: (``docs/latency_sources.md`` section 7.2-7.3): the minimum and the median fixed the
#: ``starlink-2022`` access shift and median (``MIC-04``, ``MIC-01``); the quartiles
#: (``MIC-09/10``) were held out and check the model.
MEASURED_STARLINK_BASIS = {
    "minimum": "fitted (MIC-04 fixes the access shift)",
    "p25": "held out (MIC-09)",
    "median": "fitted (MIC-01 fixes the access median)",
    "p75": "held out (MIC-10)",
}

#: The delay models of :func:`satcloud.latency.rtt`, floor first
#: (:data:`satcloud.delays.DELAY_MODELS`).
DELAY_MODELS = ("propagation", "idle", "loaded")


def endpoints(n_cities: int = 100, remote: bool = True,
              extra: Sequence[str] = ()) -> pd.DataFrame:
    """The report's endpoints: the most populous cities plus the remote sites.

    Parameters
    ----------
    n_cities : int
        How many of the most populous cities of :func:`satcloud.data.cities`, >= 0.
    remote : bool
        Append the remote sites of :func:`satcloud.data.remote_sites`.
    extra : sequence of str
        Further cities of :func:`satcloud.data.cities` by name (the most populous of a
        repeated name), appended when not already present (e.g. the place of a
        published measurement, or the cities of a figure when ``n_cities`` is small).

    Returns
    -------
    pandas.DataFrame
        ``name``, ``kind`` (``"city"`` or ``"remote site"``), ``country``, ``lat_deg``,
        ``lon_deg``, ``population`` (``<NA>`` for remote sites). City names are made
        unique within the selection by :func:`satcloud.data.cities`
        (``unique_names=True``: e.g. two Hyderabads get their country code appended).
    """
    if isinstance(n_cities, (bool, np.bool_)) or not isinstance(n_cities, (int, np.integer)):
        raise TypeError(f"n_cities must be an integer >= 0, got {n_cities!r}")
    n = int(check_range(n_cities, "n_cities", 0, None))
    c = data.cities(n, unique_names=True) if n > 0 else data.cities(1).iloc[:0]
    cities = pd.DataFrame({
        "name": c["name"].astype(str).to_numpy(), "kind": "city",
        "country": c["country_code"].astype(str).to_numpy(),
        "lat_deg": c["lat_deg"].to_numpy(float), "lon_deg": c["lon_deg"].to_numpy(float),
        "population": pd.array(c["population"].to_numpy(), dtype="Int64"),
    })
    frames = [cities]
    extra = [extra] if isinstance(extra, str) else _checks.sequence(
        extra, "extra", what="city names of data/cities.csv")
    for e in extra:
        if not isinstance(e, str):
            raise TypeError(f"extra entries must be city names (str), got {e!r:.80}")
    remote_names = set(data.remote_sites()["site"]) if remote else set()
    want = [e for e in dict.fromkeys(extra)
            if e not in set(cities["name"]) and e not in remote_names]
    if want:
        everything = data.cities().sort_values("population", ascending=False)
        rows = []
        for e in want:
            hit = everything[everything["name"] == e]
            if hit.empty:
                resolve_sites([e], "extra")    # raises with a close match
                raise ValueError(f"extra: {e!r} is not a city of data/cities.csv")
            rows.append(hit.iloc[0])
        x = pd.DataFrame(rows)
        frames.append(pd.DataFrame({
            "name": x["name"].astype(str).to_numpy(), "kind": "city",
            "country": x["country_code"].astype(str).to_numpy(),
            "lat_deg": x["lat_deg"].to_numpy(float), "lon_deg": x["lon_deg"].to_numpy(float),
            "population": pd.array(x["population"].to_numpy(), dtype="Int64"),
        }))
    if remote:
        r = data.remote_sites()
        frames.append(pd.DataFrame({
            "name": r["site"].to_numpy(), "kind": "remote site",
            "country": r["country"].astype(str).to_numpy(),
            "lat_deg": r["lat_deg"].to_numpy(float), "lon_deg": r["lon_deg"].to_numpy(float),
            "population": pd.array([pd.NA] * len(r), dtype="Int64"),
        }))
    out = pd.concat(frames, ignore_index=True)
    if out["name"].duplicated().any():
        raise ValueError("endpoint names are not unique: "
                         f"{sorted(out.loc[out['name'].duplicated(), 'name'])}")
    return out


def _systems(systems) -> dict:
    if systems is None:
        return dict(SYSTEMS)
    if isinstance(systems, Mapping):
        out = dict(systems)
    else:
        if not isinstance(systems, str) and not hasattr(systems, "__iter__"):
            raise TypeError(f"systems must be labels of SYSTEMS {list(SYSTEMS)} or a "
                            f"mapping label -> (network, mode), got {systems!r}")
        names = check_choices(systems, "systems entry", SYSTEMS)
        out = {s: SYSTEMS[s] for s in names}
    if not out:
        raise ValueError(f"systems is empty; give at least one of {list(SYSTEMS)} (or a "
                         "mapping label -> (network, mode))")
    for label, pair in out.items():
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise ValueError(f"systems[{label!r}] must be a (network, mode) pair, got "
                             f"{pair!r}")
    return out


def system_rtt(sources, times, systems=None, *, destinations="nearest Azure region",
               delay_model="propagation", last_mile=None, **kwargs) -> pd.DataFrame:
    """:func:`satcloud.latency.rtt` of several systems on the same pairs and times.

    Each satellite network is propagated once over ``times`` and shared by its modes
    (Starlink bent pipe and ISL): the registry's constellation of the network
    (:func:`satcloud.constellations.network_constellation`; for the real ``"starlink"``
    its operational satellites of 2026-04-02, so ``times`` must lie inside its
    ``validity_window()``). Fibre and GEO are time-invariant and repeated at every
    time.

    Parameters
    ----------
    sources : pandas.DataFrame, str or list of str
        Endpoints (e.g. :func:`endpoints`; a ``name`` column and coordinates).
    times : astropy.time.Time or (start, duration, step) tuple
        Snapshot times (:func:`satcloud.time.time_grid`).
    systems : sequence of str or mapping, optional
        Labels of :data:`SYSTEMS` (default all), or a mapping label -> (network, mode).
    destinations : str or pandas.DataFrame
        As for :func:`satcloud.latency.rtt` (default the nearest Azure region by RTT).
    delay_model : {"propagation", "idle", "loaded"}
        The delay model of :func:`satcloud.latency.rtt`, for every system (default
        ``"propagation"``: the physical path only, as before the delay models).
        ``"idle"`` adds each network's access delay (satellites) or the user's last
        mile (fibre); ``"loaded"`` adds the queueing of a saturating transfer.
    last_mile : {"ftth", "cable", "dsl", "5g_fwa"}, optional
        The fibre user's access line (:data:`satcloud.delays.LAST_MILE_TECHNOLOGIES`),
        given to the fibre systems only (default that of :func:`satcloud.latency.rtt`,
        FTTH); an error when no system is fibre.
    **kwargs
        Options of :func:`satcloud.latency.rtt` (``overhead_ms``, ``hop_overhead_ms``,
        ``reassign_interval_s``, ``return_paths``...); each system gets those that
        apply to it (:func:`satcloud.latency.options_by_system`), and an option that
        applies to none of them is an error. The other delay options (``samples``,
        ``seed``, ``delay_presets``) go to every system.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`satcloud.latency.rtt`, stacked, with ``system`` (the label)
        as first column (with the delay model's columns ``access_ms``,
        ``last_mile_ms``, ``queueing_ms``, ``rtt_p05_ms``, ``rtt_p95_ms``).
    """
    return _system_rtt(sources, times, systems, destinations, delay_model, last_mile, {},
                       kwargs)


def _system_rtt(sources, times, systems, destinations, delay_model, last_mile, ephemerides,
                kwargs) -> pd.DataFrame:
    """:func:`system_rtt`, propagating into (and reusing) ``ephemerides`` (network name
    -> ephemeris over ``times``), shared by the calls of :func:`system_rtt_by_model`."""
    from satcloud import constellations, orbits

    systems = _systems(systems)
    kwargs = dict(kwargs)
    delay = {k: kwargs.pop(k) for k in latency.DELAY_OPTIONS
             if k in kwargs and k not in ("delay_model", "last_mile")}
    per_system = latency.options_by_system(list(systems.values()), kwargs)
    kinds = [latency._network_kind(network)[0] for network, _ in systems.values()]
    if last_mile is not None and "fibre" not in kinds:
        raise ValueError(f"last_mile={last_mile!r} applies to the fibre systems only, and "
                         f"none of the systems {list(systems)} is fibre")
    times = latency._resolve_times(times)
    frames = []
    for (label, (network, mode)), options, kind in zip(systems.items(), per_system, kinds,
                                                       strict=True):
        if kind == "fibre" and last_mile is not None:
            options = {**options, "last_mile": last_mile}
        options = {**options, **delay, "delay_model": delay_model}
        net = network
        if isinstance(network, str) and network not in ("fibre", "geo"):
            if network not in ephemerides:
                if times is None:
                    raise ValueError(f"times is required for system {label!r} ({network})")
                ephemerides[network] = orbits.propagate(
                    constellations.network_constellation(network), times)
            net = ephemerides[network]
        df = latency.rtt(net, mode, sources, destinations, times=times, **options)
        df["network"] = network
        df.insert(0, "system", label)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def system_rtt_by_model(sources, times, systems=None, *,
                        delay_models=DELAY_MODELS, destinations="nearest Azure region",
                        last_mile="ftth", **kwargs) -> pd.DataFrame:
    """:func:`system_rtt` under several delay models, each constellation propagated once.

    Parameters
    ----------
    sources, times, systems, destinations
        As for :func:`system_rtt`.
    delay_models : sequence of {"propagation", "idle", "loaded"}
        The delay models, at least one, each once (default all three, floor first).
    last_mile : {"ftth", "cable", "dsl", "5g_fwa"} or None
        The fibre user's access line under ``"idle"`` and ``"loaded"`` (default FTTH,
        the quickest of the FCC's measured technologies); ``None`` when no system is
        fibre. [-]
    **kwargs
        Further options of :func:`system_rtt`.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`system_rtt` for each model, stacked in the order of
        ``delay_models``; the ``delay_model`` column tells them apart.
    """
    models = _checks.delay_models(delay_models, kwargs, "system_rtt_by_model()")
    ephemerides: dict = {}
    frames = [_system_rtt(sources, times, systems, destinations, m,
                          None if m == "propagation" else last_mile, ephemerides, kwargs)
              for m in models]
    return pd.concat(frames, ignore_index=True)


def delay_model_overview(rows: pd.DataFrame, sites: pd.DataFrame,
                         min_reachable: float = 0.99, kind: str | None = "city"
                         ) -> pd.DataFrame:
    """One line per system: the floor, the idle RTT a user measures and the loaded RTT.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`system_rtt_by_model` with the ``"propagation"``, ``"idle"``
        and ``"loaded"`` models.
    sites : pandas.DataFrame
        :func:`endpoints` table of the rows' sources.
    min_reachable : float
        A site is *served* by a system when it reaches the target in at least this
        fraction of the snapshots (same for every model), in [0, 1]. [-]
    kind : str or None
        Keep the sites of this ``kind`` (``"city"`` or ``"remote site"``); ``None``
        for all.

    Returns
    -------
    pandas.DataFrame
        ``system``, ``n_sites``, ``n_served``, ``floor_median_ms`` (vacuum floor),
        ``propagation_median_ms``, ``idle_median_ms``, ``idle_p05_ms``,
        ``idle_p95_ms``, ``loaded_median_ms``: each the median over the served sites
        of the site's median over its snapshots (the idle p05 and p95 are the
        snapshot's per-packet spread, :func:`satcloud.latency.rtt`'s ``rtt_p05_ms``
        and ``rtt_p95_ms``). [ms]
    """
    _checks.frame(rows, "rows", ("delay_model", "source", "system", "reachable",
                                 "rtt_p05_ms", "rtt_p95_ms"),
                  producer="system_rtt_by_model()")
    _checks.has_delay_models(rows, "rows", "system_rtt_by_model()")
    check_range(min_reachable, "min_reachable", 0.0, 1.0)
    if kind is not None and not isinstance(kind, str):
        raise TypeError(f"kind must be a site kind (str) or None, got {kind!r:.80}")
    parts = {}
    for m in DELAY_MODELS:
        r = rows[rows["delay_model"] == m].reset_index(drop=True)
        parts[m] = summary_by_system(r, sites)
    if kind is not None:
        kinds = set(parts["idle"]["kind"])
        if kind not in kinds:
            raise ValueError(f"kind {kind!r} is not a kind of the sites; they hold "
                             f"{sorted(kinds)}")
    idle_rows = rows[(rows["delay_model"] == "idle") & rows["reachable"].astype(bool)]
    spread = idle_rows.groupby(["source", "system"])[["rtt_p05_ms", "rtt_p95_ms"]].median()
    out = []
    base = parts["propagation"]
    order = [x for x in SYSTEMS if x in set(base["system"])] + [
        x for x in dict.fromkeys(base["system"]) if x not in SYSTEMS]
    for system in order:
        keep = {}
        for m, s in parts.items():
            g = s[s["system"] == system]
            if kind is not None:
                g = g[g["kind"] == kind]
            keep[m] = g
        g = keep["idle"]
        served = g[(g["fraction_reachable"].astype(float) >= min_reachable)
                   & g["rtt_median_ms"].notna()]["source"]

        def med(frame, col="rtt_median_ms", served=served):
            v = frame[frame["source"].isin(served)][col].astype(float)
            return float(v.median()) if len(v) else np.nan

        sp = spread.loc[[(s_, system) for s_ in served if (s_, system) in spread.index]]
        out.append({
            "system": system, "n_sites": len(g), "n_served": len(served),
            "floor_median_ms": med(keep["propagation"], "target_floor_ms"),
            "propagation_median_ms": med(keep["propagation"]),
            "idle_median_ms": med(keep["idle"]),
            "idle_p05_ms": float(sp["rtt_p05_ms"].astype(float).median()) if len(sp)
            else np.nan,
            "idle_p95_ms": float(sp["rtt_p95_ms"].astype(float).median()) if len(sp)
            else np.nan,
            "loaded_median_ms": med(keep["loaded"]),
        })
    return pd.DataFrame(out, columns=[
        "system", "n_sites", "n_served", "floor_median_ms", "propagation_median_ms",
        "idle_median_ms", "idle_p05_ms", "idle_p95_ms", "loaded_median_ms"])



def _check_measured(system, measured) -> None:
    """A system label and a published measurement (as :data:`MEASURED_STARLINK`)."""
    if not isinstance(system, str):
        raise TypeError(f"system must be a system label (str), got "
                        f"{type(system).__name__} {system!r:.80}")
    if not isinstance(measured, Mapping) or not {"place", "min_ms", "median_ms"} <= set(
            measured):
        raise ValueError(f"measured must be a mapping with 'place', 'min_ms' and "
                         f"'median_ms' (as MEASURED_STARLINK), got {measured!r:.120}")

def measured_comparison_idle(rows: pd.DataFrame, measured: Mapping = MEASURED_STARLINK,
                             system: str = "Starlink bent pipe") -> pd.DataFrame:
    """The idle model's RTT distribution at the place of a measurement, next to it.

    Parameters
    ----------
    rows : pandas.DataFrame
        :func:`system_rtt` rows with ``delay_model="idle"`` at ``measured["place"]``
        (best with per-packet ``samples``, so the quartiles cover the scheduling
        spread).
    measured : mapping
        ``place``, ``min_ms``, ``median_ms`` and optional ``p25_ms``, ``p75_ms``;
        default :data:`MEASURED_STARLINK`.
    system : str
        The modelled system to compare.

    Returns
    -------
    pandas.DataFrame
        One row per statistic (``minimum``, ``p25``, ``median``, ``p75``; those
        ``measured`` gives): ``statistic``, ``model_ms`` (over the reachable
        snapshots and samples), ``measured_ms``, ``gap_ms`` (measured - model) [ms]
        and ``basis`` (fitted or held out, :data:`MEASURED_STARLINK_BASIS`).
    """
    producer = "system_rtt(..., delay_model='idle')"
    _checks.frame(rows, "rows", ("source", "system", "reachable", "rtt_ms", "delay_model"),
                  producer=producer)
    if rows["reachable"].dtype != bool:
        raise TypeError(f"rows column 'reachable' must be boolean (the output of "
                        f"{producer}), got dtype {rows['reachable'].dtype}")
    _checks.finite_columns(rows[rows["reachable"].to_numpy(bool)], "rows (reachable)",
                           ("rtt_ms",), producer=producer)
    _check_measured(system, measured)
    g = rows[(rows["source"] == measured["place"]) & (rows["system"] == system)]
    if g.empty:
        raise ValueError(f"rows have no row for system {system!r:.80} at the measured "
                         f"place {measured['place']!r}")
    if set(g["delay_model"]) != {"idle"}:
        raise ValueError(f"rows must be of delay_model='idle', got "
                         f"{sorted(set(g['delay_model']))}")
    v = g.loc[g["reachable"].astype(bool), "rtt_ms"].to_numpy(float)
    if v.size == 0:
        raise ValueError(f"system {system!r} never reaches {measured['place']!r} in rows")
    stats = [("minimum", "min_ms", float(v.min())),
             ("p25", "p25_ms", float(np.percentile(v, 25))),
             ("median", "median_ms", float(np.median(v))),
             ("p75", "p75_ms", float(np.percentile(v, 75)))]
    out = pd.DataFrame([(name, model, float(measured[key]),
                         MEASURED_STARLINK_BASIS.get(name, ""))
                        for name, key, model in stats if key in measured],
                       columns=["statistic", "model_ms", "measured_ms", "basis"])
    out.insert(3, "gap_ms", out["measured_ms"] - out["model_ms"])
    return out


def summary_by_system(rows: pd.DataFrame, sites: pd.DataFrame | None = None) -> pd.DataFrame:
    """RTT statistics per (source, system), with the vacuum floor and the site's kind.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`system_rtt`.
    sites : pandas.DataFrame, optional
        :func:`endpoints` table; its ``kind``, ``lat_deg`` and ``lon_deg`` are joined.

    Returns
    -------
    pandas.DataFrame
        :func:`satcloud.latency.summarize` by (``source``, ``system``) plus
        ``rtt_median_over_floor`` (median RTT / ``target_floor_ms``) [-] and the site
        columns.
    """
    _checks.frame(rows, "rows", ("source", "system"), producer="system_rtt()")
    if sites is not None:
        _checks.frame(sites, "sites", ("name", "kind", "lat_deg", "lon_deg"),
                      producer="endpoints()")
        check_latlon(sites["lat_deg"], sites["lon_deg"], "sites column lat_deg",
                     "sites column lon_deg")
        missing = sorted(set(rows["source"]) - set(sites["name"]))
        if missing:
            raise ValueError(f"sites lacks the source(s) {missing[:10]} of rows; give the "
                             "endpoints() table the rows were computed for")
    with _checks.naming("rows", producer="system_rtt()"):
        s = latency.summarize(rows, by=("source", "system"))
    floor = s["target_floor_ms"].astype("Float64")
    s["rtt_median_over_floor"] = (s["rtt_median_ms"] / floor.where(floor > 0)).astype("Float64")
    if sites is not None:
        s = s.merge(sites[["name", "kind", "lat_deg", "lon_deg"]].rename(
            columns={"name": "source"}), on="source", how="left")
    order = {k: i for i, k in enumerate(SYSTEMS)}
    s = s.sort_values(["source", "system"], key=lambda c: c.map(order) if c.name == "system"
                      else c).reset_index(drop=True)
    return s


def best_option(summary: pd.DataFrame, min_reachable: float = 0.99,
                satellite_systems: Sequence[str] = OPERATED_SYSTEMS,
                fibre_system: str = "fibre, typical",
                leo_systems: Sequence[str] = ("Starlink bent pipe", "Starlink ISL"),
                ) -> pd.DataFrame:
    """Per source: the satellite system with the lowest median RTT, against fibre.

    A system counts as an option at a source only when it reaches the target in at
    least ``min_reachable`` of the snapshots.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`summary_by_system` (with the site columns).
    min_reachable : float
        Smallest reachable fraction for a system to count, in [0, 1]. [-]
    satellite_systems : sequence of str
        The candidates (default :data:`OPERATED_SYSTEMS`: every satellite system but
        the constellations as filed).
    fibre_system : str
        The fibre system to compare with.
    leo_systems : sequence of str
        The systems counted as "LEO" in ``leo_beats_fibre``.

    Returns
    -------
    pandas.DataFrame
        One row per source: ``source``, (``kind``, ``lat_deg``, ``lon_deg``),
        ``best_system`` (``"none"`` when no satellite system qualifies),
        ``best_rtt_median_ms``, ``leo_rtt_median_ms`` (best of ``leo_systems``),
        ``fibre_rtt_median_ms`` (each NaN where no system of its kind qualifies at the
        source), ``floor_ms`` (vacuum, to the closest region), ``leo_minus_fibre_ms``
        (NaN where either is) and ``leo_beats_fibre``.
    """
    _check_summary(summary, _SUMMARY + ("fraction_reachable", "target_floor_ms"))
    check_range(min_reachable, "min_reachable", 0.0, 1.0)
    satellite_systems = _system_names(satellite_systems, "satellite_systems", summary)
    leo_systems = _system_names(leo_systems, "leo_systems", summary)
    if not isinstance(fibre_system, str):
        raise TypeError(f"fibre_system must be the label of a fibre system (str), got "
                        f"{type(fibre_system).__name__} {fibre_system!r:.80}")
    _system_names(fibre_system, "fibre_system", summary)
    s = summary.copy()
    ok = (s["fraction_reachable"].astype(float) >= min_reachable) & s["rtt_median_ms"].notna()
    med = s["rtt_median_ms"].astype("Float64").where(ok)
    s["_med"] = med.astype(float)
    rows = []
    site_cols = [c for c in ("kind", "lat_deg", "lon_deg") if c in s.columns]
    for source, g in s.groupby("source", sort=False):
        g = g.set_index("system")
        sat = g.loc[g.index.intersection(list(satellite_systems)), "_med"].dropna()
        leo = g.loc[g.index.intersection(list(leo_systems)), "_med"].dropna()
        fibre = float(g.loc[fibre_system, "_med"]) if fibre_system in g.index else np.nan
        row = {"source": source}
        for c in site_cols:
            row[c] = g[c].iloc[0]
        best = sat.idxmin() if len(sat) else "none"
        leo_ms = float(leo.min()) if len(leo) else np.nan
        row.update({
            "best_system": best,
            "best_rtt_median_ms": float(sat.min()) if len(sat) else np.nan,
            "leo_rtt_median_ms": leo_ms,
            "fibre_rtt_median_ms": fibre,
            "floor_ms": float(g["target_floor_ms"].astype(float).iloc[0]),
            "leo_minus_fibre_ms": leo_ms - fibre,
            "leo_beats_fibre": bool(leo_ms < fibre) if np.isfinite(leo_ms) else False,
        })
        rows.append(row)
    return pd.DataFrame(rows)


COMPONENTS = ("user_link_ms", "isl_ms", "gateway_link_ms", "fibre_ms", "overhead_ms")
#: The two legs of ``fibre_ms`` on a real ground segment (:func:`satcloud.latency.rtt`):
#: gateway -> the user's home PoP (``backhaul_ms``) and PoP -> region
#: (``pop_fibre_ms``); ``backhaul_ms`` is 0 where the network has no PoP leg.
LEGS = ("backhaul_ms", "pop_fibre_ms")
#: Columns of a :func:`summary_by_system` table: NaN (``<NA>``) is documented in the RTT
#: statistics of a system that never reaches the source; the rest must be finite.
_SUMMARY_NAN_OK = ("rtt_min_ms", "rtt_median_ms", "rtt_p95_ms", "rtt_max_ms", "floor_ms",
                   "rtt_median_over_floor", "path_changes_per_hour")
_SUMMARY_FINITE = ("fraction_reachable", "target_floor_ms", "lat_deg", "lon_deg")


def _check_summary(summary, columns, producer="summary_by_system()") -> None:
    _checks.frame(summary, "summary", columns, producer=producer)
    _checks.finite_columns(summary, "summary", _SUMMARY_FINITE + _SUMMARY_NAN_OK,
                           nan_ok=_SUMMARY_NAN_OK, producer=producer)


def _check_rows(rows, columns, producer="system_rtt()") -> None:
    """A table of :func:`satcloud.latency.rtt` rows: times, floors and the delays of
    reachable rows finite (unreachable rows hold ``<NA>`` delays)."""
    _checks.frame(rows, "rows", columns, producer=producer)
    if rows["reachable"].dtype != bool:
        raise TypeError(f"rows column 'reachable' must be boolean (the output of "
                        f"{producer}), got dtype {rows['reachable'].dtype}")
    _checks.finite_columns(rows, "rows", ("time_s", "target_floor_ms"), producer=producer)
    _checks.finite_columns(rows[rows["reachable"].to_numpy(bool)], "rows (reachable)",
                           ("rtt_ms", "floor_ms", *COMPONENTS, *LEGS), producer=producer)


def _system_names(value, name: str, summary) -> list[str]:
    """Names of systems, at least one of them in ``summary``."""
    value = _checks.names(value, name)
    present = list(dict.fromkeys(summary["system"]))
    if not set(value) & set(present):
        raise ValueError(f"none of {name} {value!r:.120} is a system of summary; it holds "
                         f"{present}")
    return value


_ROWS = ("source", "system", "time", "destination", "reachable", "rtt_ms",
         "target_floor_ms", "hops", *COMPONENTS, *LEGS, "gateway", "pop")
_SUMMARY = ("source", "system", "rtt_median_ms")


def component_breakdown(rows: pd.DataFrame, sources: Sequence[str] | None = None
                        ) -> pd.DataFrame:
    """The RTT split into its parts, at each (source, system)'s median snapshot.

    The snapshot taken is the reachable one whose RTT is the lower median (rank
    ``(n - 1) // 2``), so the components add up to an RTT that actually occurred.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`system_rtt`.
    sources : sequence of str, optional
        Sources to keep, in this order (default all).

    Returns
    -------
    pandas.DataFrame
        ``source``, ``system``, ``time``, ``destination``, ``gateway`` and ``pop``
        (the gateway landed at and the PoP it backhauls to; ``None`` where the path
        has none), the components ``user_link_ms``, ``isl_ms``, ``gateway_link_ms``,
        ``fibre_ms``, ``overhead_ms``, the legs of ``fibre_ms`` (:data:`LEGS`:
        ``backhaul_ms`` gateway -> home PoP, ``pop_fibre_ms`` PoP -> region), the
        sum ``rtt_ms``, ``target_floor_ms``, ``hops`` and ``reachable`` (False, with
        NaN components, when never reachable).
    """
    _check_rows(rows, _ROWS)
    if sources is not None:
        sources = _checks.names(sources, "sources")
        unknown = [x for x in sources if x not in set(rows["source"])]
        if unknown:
            raise ValueError(f"sources {unknown} are not in rows; rows hold "
                             f"{list(dict.fromkeys(rows['source']))[:10]}...")
    r = rows if sources is None else rows[rows["source"].isin(list(sources))]
    out = []
    order = list(dict.fromkeys(r["source"])) if sources is None else list(sources)
    for source in order:
        for system in dict.fromkeys(r.loc[r["source"] == source, "system"]):
            g = r[(r["source"] == source) & (r["system"] == system)]
            ok = g[g["reachable"].astype(bool)]
            base = {"source": source, "system": system,
                    "target_floor_ms": float(g["target_floor_ms"].astype(float).iloc[0])}
            if ok.empty:
                out.append({**base, "time": pd.NaT, "destination": None,
                            "gateway": None, "pop": None,
                            **{c: np.nan for c in (*COMPONENTS, *LEGS)}, "rtt_ms": np.nan,
                            "hops": 0, "reachable": False})
                continue
            ok = ok.sort_values("rtt_ms", kind="stable")
            row = ok.iloc[(len(ok) - 1) // 2]
            out.append({**base, "time": row["time"], "destination": row["destination"],
                        "gateway": None if pd.isna(row["gateway"]) else str(row["gateway"]),
                        "pop": None if pd.isna(row["pop"]) else str(row["pop"]),
                        **{c: float(row[c]) for c in (*COMPONENTS, *LEGS)},
                        "rtt_ms": float(row["rtt_ms"]), "hops": int(row["hops"]),
                        "reachable": True})
    cols = ["source", "system", "time", "destination", "gateway", "pop", *COMPONENTS,
            *LEGS, "rtt_ms", "target_floor_ms", "hops", "reachable"]
    return pd.DataFrame(out, columns=cols)


def route_changes(rows: pd.DataFrame) -> pd.DataFrame:
    """Flag the snapshots where the route differs from the previous one.

    A route is the satellite path, the gateway, the destination region and the
    reachability, as in :func:`satcloud.latency.summarize`'s path-change count.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`system_rtt` (or :func:`satcloud.latency.rtt`, with a
        ``system`` column or not).

    Returns
    -------
    pandas.DataFrame
        The rows sorted by (``system``, ``source``, ``time_s``) with ``route_change``
        (False at each group's first snapshot) and ``first_sat`` (the serving
        satellite's row index, ``-1`` when unreachable).
    """
    _check_rows(rows, ("source", "time_s", "sat_path", "gateway", "destination",
                       "reachable"), producer="system_rtt() or latency.rtt()")
    keys = [k for k in ("system", "source") if k in rows.columns]
    r = rows.sort_values([*keys, "time_s"], kind="stable").reset_index(drop=True)
    sig = pd.Series([
        (tuple(p) if isinstance(p, tuple) else None,
         None if pd.isna(gw) else str(gw), None if pd.isna(d) else str(d), bool(ok))
        for p, gw, d, ok in zip(r["sat_path"], r["gateway"], r["destination"],
                                r["reachable"], strict=True)], dtype=object)
    prev = sig.shift(1)
    same_group = pd.Series(True, index=r.index)
    for k in keys:
        same_group &= r[k].eq(r[k].shift(1))
    change = np.array([a != b for a, b in zip(sig, prev, strict=True)], dtype=bool)
    r["route_change"] = change & same_group.to_numpy()
    r["first_sat"] = [int(p[0]) if isinstance(p, tuple) and len(p) else -1
                      for p in r["sat_path"]]
    return r


def measured_comparison(summary: pd.DataFrame, measured: Mapping = MEASURED_STARLINK,
                        system: str = "Starlink bent pipe") -> pd.DataFrame:
    """The model's RTT at the place of a published measurement, next to it.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`summary_by_system` holding ``measured["place"]``.
    measured : mapping
        ``place``, ``min_ms``, ``median_ms`` (and optional ``p25_ms``, ``p75_ms``,
        ``source``); default :data:`MEASURED_STARLINK`.
    system : str
        The modelled system to compare.

    Returns
    -------
    pandas.DataFrame
        One row per statistic (``minimum``, ``median``): ``statistic``,
        ``model_ms`` (propagation plus the overheads the rows were computed with),
        ``measured_ms``, ``gap_ms`` (measured - model: what the model leaves out,
        queuing, scheduling, processing and the path beyond the region).
    """
    _check_summary(summary, _SUMMARY + ("rtt_min_ms",))
    _check_measured(system, measured)
    place = measured["place"]
    if system not in set(summary["system"]):
        raise ValueError(f"summary has no row for system {system!r:.80}; its systems are "
                         f"{list(dict.fromkeys(summary['system']))}")
    g = summary[(summary["source"] == place) & (summary["system"] == system)]
    if g.empty:
        raise ValueError(f"summary has no row for the measured place {place!r} "
                         f"(measured['place']) over system {system!r}")
    g = g.iloc[0]
    if pd.isna(g["rtt_min_ms"]) or pd.isna(g["rtt_median_ms"]):
        raise ValueError(f"system {system!r} never reaches {place!r} in summary: no "
                         "modelled RTT to compare with the measurement")
    rows = [("minimum", float(g["rtt_min_ms"]), float(measured["min_ms"])),
            ("median", float(g["rtt_median_ms"]), float(measured["median_ms"]))]
    out = pd.DataFrame(rows, columns=["statistic", "model_ms", "measured_ms"])
    out["gap_ms"] = out["measured_ms"] - out["model_ms"]
    return out


def overview(summary: pd.DataFrame, min_reachable: float = 0.99,
             by_kind: bool = True) -> pd.DataFrame:
    """One line per system (and kind of site): who is served and how fast.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`summary_by_system` (with ``kind`` when ``by_kind``).
    min_reachable : float
        A site is *served* by a system when it reaches the target in at least this
        fraction of the snapshots, in [0, 1]. [-]
    by_kind : bool
        Separate lines for cities and remote sites.

    Returns
    -------
    pandas.DataFrame
        ``system``, (``kind``), ``n_sites``, ``n_served``, ``rtt_median_ms`` and
        ``rtt_p95_ms`` (median and 95th percentile over the served sites of each
        site's median RTT), ``floor_median_ms`` (median over the same sites of the
        vacuum floor to the closest region) and ``rtt_median_over_floor`` (median of the
        sites' median RTT / floor). [ms]
    """
    _check_summary(summary, _SUMMARY + ("fraction_reachable", "target_floor_ms",
                                        "rtt_median_over_floor")
                   + (("kind",) if by_kind else ()), producer="summary_by_system(rows, sites)")
    check_range(min_reachable, "min_reachable", 0.0, 1.0)
    keys = ["system", "kind"] if by_kind else ["system"]
    rows = []
    order = [s for s in SYSTEMS if s in set(summary["system"])] + [
        s for s in dict.fromkeys(summary["system"]) if s not in SYSTEMS]
    kinds = list(dict.fromkeys(summary["kind"])) if by_kind else [None]
    for system in order:
        for kind in kinds:
            g = summary[summary["system"] == system]
            if kind is not None:
                g = g[g["kind"] == kind]
            if g.empty:
                continue
            served = g[(g["fraction_reachable"].astype(float) >= min_reachable)
                       & g["rtt_median_ms"].notna()]
            med = served["rtt_median_ms"].astype(float).to_numpy()
            ratio = served["rtt_median_over_floor"].astype("Float64").dropna().astype(float)
            row = {"system": system}
            if kind is not None:
                row["kind"] = kind
            row.update({
                "n_sites": len(g), "n_served": len(served),
                "rtt_median_ms": float(np.median(med)) if med.size else np.nan,
                "rtt_p95_ms": float(np.percentile(med, 95)) if med.size else np.nan,
                "floor_median_ms": float(served["target_floor_ms"].astype(float).median())
                if len(served) else np.nan,
                "rtt_median_over_floor": float(ratio.median()) if len(ratio) else np.nan,
            })
            rows.append(row)
    return pd.DataFrame(rows, columns=[*keys, "n_sites", "n_served", "rtt_median_ms",
                                       "rtt_p95_ms", "floor_median_ms",
                                       "rtt_median_over_floor"])


def median_table(summary: pd.DataFrame, sources: Sequence[str] | None = None
                 ) -> pd.DataFrame:
    """Median RTT per source (rows) and system (columns), with the vacuum floor.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`summary_by_system`.
    sources : sequence of str, optional
        Rows to keep, in this order (default all, in the summary's order).

    Returns
    -------
    pandas.DataFrame
        Index ``source``; one column per system (median over the reachable snapshots,
        NaN where never reachable) and ``vacuum floor`` (to the closest region). [ms]
    """
    _check_summary(summary, _SUMMARY + ("target_floor_ms",))
    if sources is not None:
        sources = _checks.names(sources, "sources")
    s = summary if sources is None else summary[summary["source"].isin(list(sources))]
    if len(s) == 0:
        raise ValueError(f"none of sources {sources} is in the summary")
    wide = s.pivot(index="source", columns="system", values="rtt_median_ms").astype(float)
    wide = wide[[c for c in SYSTEMS if c in wide.columns]
                + [c for c in wide.columns if c not in SYSTEMS]]
    wide["vacuum floor"] = s.groupby("source")["target_floor_ms"].first().astype(float)
    order = list(dict.fromkeys(s["source"])) if sources is None else [
        x for x in sources if x in wide.index]
    wide = wide.loc[order]
    wide.columns.name = None
    return wide


# --------------------------------------------------------------------------- the cell map
#: The targets of the idle-RTT map: each user's home PoP, and its nearest Azure region.
MAP_TARGETS = (latency.HOME_POP, "nearest Azure region")


def idle_rtt_map(times, *, every_deg: int = 1, network: str = "starlink",
                 delay_model: str = "idle", **kwargs) -> pd.DataFrame:
    """Idle RTT of every populated 1 degree land cell to its home PoP and nearest Azure
    region (:func:`satcloud.latency.rtt_map` over :func:`satcloud.data.demand_grid`).

    Parameters
    ----------
    times : astropy.time.Time or (start, duration, step) tuple
        Snapshot times, at least 15 s apart (:func:`satcloud.latency.rtt_map`).
    every_deg : int
        Keep the cells on a grid of this many degrees (1: every populated cell; 5: one
        cell in 25, for a quick run), >= 1. [deg]
    network : str
        The network (default ``"starlink"``, the constellation of 2026-04-02 with its
        lasers, real gateways and home PoPs).
    delay_model : {"propagation", "idle", "loaded"}
        As for :func:`satcloud.latency.rtt`.
    **kwargs
        Options of :func:`satcloud.latency.rtt_map` (``scheduler``, ``client``,
        ``progress``, ...).

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`satcloud.latency.rtt_map` (one per target and (cell,
        country)) with ``country_name`` (ISO 3166 English name) and ``continent``
        (Natural Earth; ``"small states and territories"``
        for countries without a 1:110m polygon, ``"open ocean"`` without a country).
    """
    from satcloud._validate import check_count

    every = check_count(every_deg, "every_deg", 1)
    grid = data.demand_grid()
    keep = (np.isclose(np.mod(grid["lat_deg"] - 0.5, every), 0.0)
            & np.isclose(np.mod(grid["lon_deg"] - 0.5, every), 0.0))
    if not keep.any():
        raise ValueError(f"every_deg={every_deg!r} keeps no populated cell; give an integer "
                         f"in [1, 90] (1: every cell)")
    table = latency.rtt_map(network, None, grid[keep].reset_index(drop=True), times,
                            destinations=MAP_TARGETS, delay_model=delay_model, **kwargs)
    names = data.countries().drop_duplicates("iso_a2").set_index("iso_a2")
    cont = names["continent"].fillna("")
    c = table["country"].map(cont).fillna("").astype(str)
    table["country_name"] = table["country"].map(names["name_en"]).fillna(
        table["country"]).replace("", "(open ocean)").to_numpy(object)
    c = c.where(c != "", "small states and territories")
    table["continent"] = c.where(table["country"] != "", "open ocean").to_numpy(object)
    return table


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The weighted median: the smallest value at which the cumulative weight reaches
    half the total (NaN for no weight)."""
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    if w.sum() <= 0:
        return float("nan")
    return float(v[np.searchsorted(np.cumsum(w), 0.5 * w.sum())])


def rtt_map_by_region(table: pd.DataFrame, by: str | None = "continent") -> pd.DataFrame:
    """The idle-RTT map summarised per target and region, weighted by population.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`idle_rtt_map` (or :func:`satcloud.latency.rtt_map` with
        ``population`` and the ``by`` column).
    by : str or None
        The grouping column (default ``"continent"``; e.g. ``"country"``); ``None`` for
        the whole map (region ``"world"``).

    Returns
    -------
    pandas.DataFrame
        One row per (target, region): ``cells`` [-], ``population`` [-],
        ``rtt_median_ms`` (population-weighted median of the cells' median idle RTT,
        over the reachable cells) [ms], ``rtt_p90_ms`` (the weighted 90th percentile)
        [ms], ``floor_median_ms`` (weighted median vacuum floor to the destination
        reached) [ms], ``bent_pipe_population_share`` (share of the population in cells
        served by a single satellite, no laser, at most snapshots) [-],
        ``laser_population_share`` (the rest of the reachable population) [-],
        ``unreachable_population_share`` (in cells reachable at under half the
        snapshots) [-].
    """
    if by is not None and not isinstance(by, str):
        raise TypeError(f"by must be a column name or None, got {by!r:.80}")
    t = _checks.frame(table, "table", ("target", "population", "rtt_ms", "floor_ms",
                                       "bent_pipe_share", "fraction_reachable"),
                      producer="idle_rtt_map")
    if by is not None and by not in t.columns:
        raise ValueError(f"by={by!r:.80} is not a column of table; give one of "
                         f"{list(t.columns)} or None")
    _checks.finite_columns(t, "table", ("population", "rtt_ms", "floor_ms",
                                        "bent_pipe_share", "fraction_reachable"),
                           nan_ok=("rtt_ms", "bent_pipe_share"), producer="idle_rtt_map")
    if (t["population"].to_numpy(float) < 0).any():
        raise ValueError("table column 'population' must be >= 0")
    if by is None:
        t, by = t.assign(region="world"), "region"
    rows = []
    for (target, region), g in t.groupby(["target", by], sort=True):
        w = g["population"].to_numpy(float)
        ok = (g["fraction_reachable"].to_numpy(float) >= 0.5) & g["rtt_ms"].notna().to_numpy()
        rtt_v = g["rtt_ms"].to_numpy(float, na_value=np.nan)
        bp = g["bent_pipe_share"].to_numpy(float, na_value=0.0) >= 0.5
        total = w.sum()
        wq = w[ok]
        v = rtt_v[ok]
        order = np.argsort(v, kind="stable")
        cum = np.cumsum(wq[order])
        p90 = float(v[order][np.searchsorted(cum, 0.9 * cum[-1])]) if len(v) and cum[
            -1] > 0 else float("nan")
        rows.append({
            "target": target, by: region, "cells": len(g), "population": total,
            "rtt_median_ms": _weighted_median(v, wq) if len(v) else float("nan"),
            "rtt_p90_ms": p90,
            "floor_median_ms": _weighted_median(g["floor_ms"].to_numpy(float), w),
            "bent_pipe_population_share": w[ok & bp].sum() / total if total else 0.0,
            "laser_population_share": w[ok & ~bp].sum() / total if total else 0.0,
            "unreachable_population_share": w[~ok].sum() / total if total else 0.0})
    return pd.DataFrame(rows)
