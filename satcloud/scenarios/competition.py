"""Scenario: the competition side by side -- coverage, latency, capacity, availability.

The tables behind notebook 04. Each function wires the package models together and
returns a tidy :class:`pandas.DataFrame` with units in the column names; no new physics
lives here:

- coverage: :func:`satcloud.coverage.grid_coverage` (area and population weights) on
  ephemerides from :func:`satcloud.orbits.propagate`;
- latency: :func:`satcloud.latency.rtt`, each system to *its* cloud (Starlink to the
  nearest Azure region, Kuiper to the nearest AWS region, the others to the nearest
  Azure region), fibre as the reference, under the delay models of
  :mod:`satcloud.delays` (the propagation floor, the idle round trip a user measures,
  the loaded one; :func:`rtt_samples_by_model`, :func:`delay_model_table`), and the
  quickest satellite system against fibre with the access on both sides
  (:func:`satellite_vs_fibre`);
- capacity: :func:`satcloud.links.link_budget` for the channel throughput,
  :func:`satcloud.links.channels_per_beam`, :func:`satcloud.links.satellite_capacity_gbps`
  and :func:`satcloud.links.system_capacity`, with the share of satellites over demand
  measured by :func:`satcloud.geometry.access` (satellites that see at least one of the
  most populous cities) instead of the package's assumed 0.2;
- availability: :func:`satcloud.scenarios.links.link_availability` (full budget scanned
  over the percentage of the year, ITU-R weather at the place).

What is an assumption here (besides the link profiles' own, see
:func:`satcloud.links.describe_profile`) is in :data:`CAPACITY_ASSUMPTIONS` (spectrum,
reuse and beams per satellite, each with its reason) and in :data:`SYSTEMS` (which
latency mode and which gateways each system uses).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from satcloud import coverage, data, latency, links, orbits, systems
from satcloud._validate import check_choice, check_latlon, check_range
from satcloud.constellations import FILED_FOR_REAL, constellation, network_constellation
from satcloud.coverage import demand_fraction
from satcloud.delays import DELAY_MODELS, LAST_MILE_TECHNOLOGIES
from satcloud.network.bentpipe import DEFAULT_GEO_SLOTS_LON_DEG, geo_elevation_deg
from satcloud.scenarios import _checks
from satcloud.scenarios import links as scenario_links
from satcloud.sites import resolve_sites

__all__ = [
    "AS_FILED",
    "CAPACITY_ASSUMPTIONS",
    "FIBRE_REFERENCE",
    "SYSTEMS",
    "availability_table",
    "availability_text",
    "capacity_table",
    "city_set",
    "contenders_table",
    "coverage_by_latitude",
    "coverage_table",
    "delay_model_table",
    "propagate_systems",
    "rtt_by_city",
    "rtt_samples",
    "rtt_samples_by_model",
    "rtt_table",
    "satellite_vs_fibre",
    "side_by_side",
    "side_by_side_text",
    "systems_table",
    "winners_by_band",
    "winners_by_city",
]

_SYSTEM_KEYS = tuple(systems.systems("competition").query("kind != 'fibre'")["key"])


def _ephemerides(value, name="ephemerides") -> dict:
    return _checks.mapping(value, name, producer="propagate_systems()", keys=_SYSTEM_KEYS,
                           check=_checks.ephemeris)


def _exclude(value) -> list:
    """System keys left out of a contest: one key or a (possibly empty) list of keys."""
    value = [value] if isinstance(value, str) else _checks.sequence(
        value, "exclude", what="system keys")
    for v in value:
        if not isinstance(v, str):
            raise TypeError(f"exclude entries must be system keys (str), got {v!r:.80}")
    return value


_SAMPLE_COLUMNS = ("key", "system", "source", "target", "mode", "reachable", "rtt_ms",
                   "target_floor_ms")


def _check_samples(samples) -> None:
    """:func:`rtt_samples` rows: floors finite, RTT finite wherever reachable."""
    _checks.frame(samples, "samples", _SAMPLE_COLUMNS, producer="rtt_samples()")
    if "delay_model" in samples.columns and samples["delay_model"].nunique() > 1:
        raise ValueError(f"samples mix the delay models "
                         f"{list(dict.fromkeys(samples['delay_model']))}; give one model's "
                         "rows (e.g. samples[samples.delay_model == 'idle'])")
    if samples["reachable"].dtype != bool:
        raise TypeError(f"samples column 'reachable' must be boolean (the output of "
                        f"rtt_samples()), got dtype {samples['reachable'].dtype}")
    _checks.finite_columns(samples, "samples", ("target_floor_ms",),
                           producer="rtt_samples()")
    _checks.finite_columns(samples[samples["reachable"].to_numpy(bool)],
                           "samples (reachable)", ("rtt_ms",), producer="rtt_samples()")
    _checks.finite_columns(samples, "samples", ("rtt_ms",), nan_ok=("rtt_ms",),
                           producer="rtt_samples()")


def _check_by_city(by_city, columns) -> None:
    """:func:`rtt_by_city` rows: NaN only in the median RTT (never reachable)."""
    _checks.frame(by_city, "by_city", columns, producer="rtt_by_city(samples, sources)")
    _checks.finite_columns(by_city, "by_city", ("fraction_reachable", "rtt_median_ms",
                                                "target_floor_ms", "lat_deg", "lon_deg"),
                           nan_ok=("rtt_median_ms",), producer="rtt_by_city()")



_COMPETITION = systems.systems("competition")   # the registry's "competition" rows
_FIBRE_ROW = _COMPETITION[_COMPETITION["kind"] == "fibre"].iloc[0]

#: The systems compared, in display order: the satellite systems of the registry's
#: ``"competition"`` comparison (:func:`satcloud.systems.systems`; ``data/systems.csv``
#: and ``data/comparisons.csv``). ``constellation``: the network of
#: :func:`satcloud.latency.rtt` (also the catalogue name of
#: :func:`satcloud.constellations.constellation`); ``mode``: the latency mode as
#: designed (laser links for Starlink, Kuiper and Telesat Lightspeed; OneWeb's first
#: generation has none; GEO and MEO are bent pipes); ``cloud``: the destination of
#: :func:`satcloud.latency.rtt`; ``profile``: the user-downlink link profile;
#: ``color``: key of :data:`satcloud.plots.NETWORK_COLORS` (``data/colours.csv``).
SYSTEMS = tuple(
    {"key": r.key, "label": r.label, "constellation": r.network, "mode": r.mode,
     "cloud": r.cloud, "profile": r.link_profile, "color": r.colour_key}
    for r in _COMPETITION[_COMPETITION["kind"] != "fibre"].itertuples(index=False))

#: Keys of the systems that run a constellation *as filed* beside the real one it was
#: filed for (:data:`satcloud.constellations.FILED_FOR_REAL`; ``"starlink-gen1"``): a
#: comparison, not a competitor, so :func:`winners_by_city` and :func:`winners_by_band`
#: leave them out by default, as they leave out the fibre reference.
AS_FILED = tuple(s["key"] for s in SYSTEMS
                 if any(s["constellation"] in filed for filed in FILED_FOR_REAL.values()))

#: The terrestrial reference: typical fibre (route factor 2.1) to the nearest Azure region.
FIBRE_REFERENCE = {"key": _FIBRE_ROW["key"], "label": _FIBRE_ROW["label"],
                   "network": _FIBRE_ROW["network"], "mode": _FIBRE_ROW["mode"],
                   "cloud": _FIBRE_ROW["cloud"], "color": _FIBRE_ROW["colour_key"]}

#: Per-system capacity assumptions: user-downlink spectrum [MHz], colours of the reuse
#: pattern, polarisations, user beams active at once per satellite, and why (the
#: networks' rows of the registry, :func:`satcloud.systems.capacity_assumptions`).
CAPACITY_ASSUMPTIONS = systems.capacity_assumptions("competition")


def systems_table(keys: Sequence[str] | None = None) -> pd.DataFrame:
    """The compared systems (:data:`SYSTEMS`), one row each, optionally a subset.

    Parameters
    ----------
    keys : sequence of str, optional
        System keys (``"starlink"``, ``"starlink-gen1"``, ``"kuiper"``, ``"oneweb"``, ``"telesat"``,
        ``"o3b"``, ``"geo"``), in the order wanted; default all.

    Returns
    -------
    pandas.DataFrame
        ``key``, ``label``, ``constellation``, ``mode``, ``cloud``, ``profile``,
        ``color``.
    """
    table = pd.DataFrame(list(SYSTEMS))
    if keys is None:
        return table
    if not isinstance(keys, str) and not hasattr(keys, "__iter__"):
        raise TypeError(f"keys must be system keys {list(table['key'])}, got {keys!r}")
    keys = _checks.names(keys, "keys", list(table["key"]))
    return table.set_index("key").loc[keys].reset_index()


def _system(key: str) -> dict:
    return systems_table([key]).iloc[0].to_dict()


def _constellation(network: str):
    """The constellation a system's network propagates: the registry's
    (:func:`satcloud.constellations.network_constellation`: the operational satellites of
    a real network such as ``"starlink"``, the filed shells otherwise); GEO at the latency
    model's slots."""
    if network == "geo":   # the same slots as the GEO latency model
        return constellation("geo", slot_lon_deg=DEFAULT_GEO_SLOTS_LON_DEG)
    return network_constellation(network)


def propagate_systems(times, keys: Sequence[str] | None = None) -> dict:
    """Propagate every system's constellation over ``times`` (float32 positions).

    Each network propagates the registry's constellation
    (:func:`satcloud.constellations.network_constellation`): for the real ``"starlink"``
    the operational satellites of its 2026-04-02 element sets, so ``times`` must lie
    inside that constellation's ``validity_window()`` (else
    :class:`satcloud.orbits.ElementAgeWarning`). GEO uses the seven broadband slots of
    the latency model (:data:`satcloud.network.bentpipe.DEFAULT_GEO_SLOTS_LON_DEG`), not
    the three default catalogue slots, so coverage and latency describe the same
    satellites.

    Parameters
    ----------
    times : astropy.time.Time or array_like
        Times to propagate to.
    keys : sequence of str, optional
        System keys (default: every system).

    Returns
    -------
    dict
        System key -> :class:`satcloud.orbits.Ephemeris`.
    """
    from satcloud.latency import _resolve_times

    times = _resolve_times(times)
    if times is None:
        raise ValueError("times is required: the snapshots to propagate over")
    out = {}
    for row in systems_table(keys).itertuples(index=False):
        out[row.key] = orbits.propagate(_constellation(row.constellation), times,
                                        dtype=np.float32)
    return out


def _span(values, fmt="{:g}") -> str:
    v = np.unique(np.round(np.asarray(values, float), 2))
    return fmt.format(v[0]) if v.size == 1 else f"{fmt.format(v[0])}–{fmt.format(v[-1])}"


def contenders_table(ephemerides: Mapping) -> pd.DataFrame:
    """Who is compared: constellation geometry, user link and path to the cloud.

    Parameters
    ----------
    ephemerides : Mapping
        System key -> :class:`satcloud.orbits.Ephemeris` (from :func:`propagate_systems`).

    Returns
    -------
    pandas.DataFrame
        Per system (index ``system``): satellites, shells, altitude and inclination
        (ranges over the shells) [km, deg], filed minimum elevation [deg], user-downlink
        frequency of the profile [GHz], path to the cloud and the cloud.
    """
    ephemerides = _ephemerides(ephemerides)
    rows = []
    for key, eph in ephemerides.items():
        sysd = _system(key)
        sats = eph.constellation.satellites
        prof = links.get_profile(sysd["profile"])
        rows.append({
            "system": sysd["label"], "satellites": len(sats),
            "shells": int(sats["shell"].nunique()),
            "altitude [km]": _span(sats["altitude_km"], "{:,.0f}"),
            "inclination [deg]": _span(sats["inclination_deg"]),
            "min. elevation [deg]": _span(sats["min_elevation_deg"]),
            "user downlink [GHz]": prof.freq_ghz,
            "path to the cloud": {"isl": "laser links", "bent-pipe": "bent pipe"}[
                sysd["mode"]],
            "cloud": sysd["cloud"],
        })
    return pd.DataFrame(rows).set_index("system")


# --------------------------------------------------------------------------- coverage
def coverage_table(ephemerides: Mapping, spacing_deg=5.0, *, cities=None
                   ) -> tuple[pd.DataFrame, dict]:
    """Coverage of each system over a global grid, area- and population-weighted.

    Parameters
    ----------
    ephemerides : mapping
        System key -> Ephemeris (:func:`propagate_systems`).
    spacing_deg : float
        Grid cell size. [deg]
    cities : pandas.DataFrame, optional
        Population source (default the 1,000 most populous cities, GeoNames).

    Returns
    -------
    (pandas.DataFrame, dict)
        Summary, one row per system: ``key``, ``n_satellites``, ``min_elevation_deg``
        (filed; the range if shells differ), ``coverage_area_percent`` and
        ``coverage_population_percent`` (weighted time share with at least one
        satellite above its minimum elevation) [%], ``mean_in_view_area`` (area-weighted
        satellites in view) [-], ``always_covered_area_percent`` (area never in outage)
        [%], ``longest_outage_s`` [s]; and the per-cell tables (key -> DataFrame of
        :func:`satcloud.coverage.grid_coverage` with ``population_weight``).
    """
    ephemerides = _ephemerides(ephemerides)
    rows, grids = [], {}
    for key, eph in ephemerides.items():
        g = coverage.grid_coverage(eph, spacing_deg, population=True, cities=cities)
        grids[key] = g
        area = coverage.coverage_summary(g, "area_weight")
        pop = coverage.coverage_summary(g, "population_weight")
        el = eph.constellation.satellites["min_elevation_deg"].to_numpy(float)
        rows.append({
            "key": key, "n_satellites": int(eph.shape[1]),
            "min_elevation_deg": float(el.min()) if np.ptp(el) == 0 else
            f"{el.min():g}-{el.max():g}",
            "coverage_area_percent": 100.0 * area["fraction_covered"],
            "coverage_population_percent": 100.0 * pop["fraction_covered"],
            "mean_in_view_area": area["mean_in_view"],
            "always_covered_area_percent": 100.0 * area["fraction_always_covered"],
            "longest_outage_s": area["longest_outage_s"],
        })
    return pd.DataFrame(rows), grids


def coverage_by_latitude(grids: Mapping) -> pd.DataFrame:
    """Coverage per latitude row of the grid (every cell of a row has the same area).

    Parameters
    ----------
    grids : Mapping
        System key -> global coverage grid (one row per grid cell).

    Returns
    -------
    pandas.DataFrame
        Tidy: ``key``, ``lat_deg`` (row centre) [deg], ``fraction_covered`` (mean over
        the longitudes of the time share covered) [-], ``mean_in_view`` [-].
    """
    grids = _checks.mapping(grids, "grids", producer="coverage_table()[1]", check=lambda v, n:
                            _checks.frame(v, n, ("lat_deg", "fraction_covered",
                                                 "mean_in_view")))
    frames = []
    for key, g in grids.items():
        s = g.groupby("lat_deg", sort=True)[["fraction_covered", "mean_in_view"]].mean()
        # a mean of fractions that are all 1 can round to 1.0000000000000002
        s["fraction_covered"] = s["fraction_covered"].clip(0.0, 1.0)
        frames.append(s.reset_index().assign(key=key))
    return pd.concat(frames, ignore_index=True)[["key", "lat_deg", "fraction_covered",
                                                 "mean_in_view"]]


# --------------------------------------------------------------------------- latency
def city_set(n: int | None = 100) -> pd.DataFrame:
    """The ``n`` most populous cities (GeoNames) with unique names.

    A name that occurs more than once (Hyderabad, India and Pakistan) gets its country
    code appended, "Hyderabad (IN)", so per-city tables do not merge two places
    (:func:`satcloud.data.cities` with ``unique_names=True``, the one place names are
    made unique).

    Parameters
    ----------
    n : int or None, optional
        How many of the most populous cities; ``None`` for all.

    Returns
    -------
    pandas.DataFrame
        :func:`satcloud.data.cities` columns, ``name`` made unique.
    """
    return data.cities(n, unique_names=True)


def rtt_samples(sources, times, keys: Sequence[str] | None = None, *, ephemerides=None,
                fibre=True, gateways=None, overhead_ms=0.0, delay_model="propagation",
                last_mile=None, **rtt_kwargs) -> pd.DataFrame:
    """Round trips of every system to its own cloud (one :func:`latency.rtt` each).

    Parameters
    ----------
    sources : pandas.DataFrame or list of str
        User sites (e.g. :func:`satcloud.data.cities`).
    times : astropy.time.Time
        Snapshots.
    keys : sequence of str, optional
        Systems (default all of :data:`SYSTEMS`).
    ephemerides : mapping, optional
        Key -> Ephemeris already propagated over ``times`` (saves propagating again).
        GEO always uses the latency model's ideal slots.
    fibre : bool
        Add :data:`FIBRE_REFERENCE` (typical fibre to the nearest Azure region).
    gateways : str, pandas.DataFrame or None
        Gateways of the LEO systems. ``None`` (default): each network's own
        (``data/networks.csv``): Starlink, real and as filed, lands at the real gateways
        of :func:`satcloud.ground.ground_segment` with fibre to the user's home PoP;
        Kuiper, OneWeb and Telesat, which publish no gateway sites, at the Starlink PoP
        set. A value (e.g. ``"starlink-pops"``) gives every LEO system the same set, so
        the constellations, not the ground networks, make the difference. GEO and MEO
        use the package default (teleports at cloud regions and ground stations).
    overhead_ms : float
        Fixed round-trip overhead added to every reachable row. [ms]
    delay_model : {"propagation", "idle", "loaded"}
        The delay model of every :func:`satcloud.latency.rtt` call (default
        ``"propagation"``: the physical path only). ``"idle"`` adds each network's
        access delay from its registry preset (``data/networks.csv``, column
        ``delay_preset``; ``data/delay_presets.csv``) and, for the fibre reference, the
        user's last mile; ``"loaded"`` adds the queueing of a saturating transfer.
    last_mile : {"ftth", "cable", "dsl", "5g_fwa"}, optional
        The fibre user's access line under ``"idle"`` and ``"loaded"``
        (:data:`satcloud.delays.LAST_MILE_TECHNOLOGIES`; default that of
        :func:`satcloud.latency.rtt`, FTTH); an error without the fibre reference.
    **rtt_kwargs
        Further options of the satellite :func:`satcloud.latency.rtt` calls (e.g.
        ``gateway_min_elevation_deg``); each system gets those that apply to it
        (:func:`satcloud.latency.options_by_system`), and one that applies to none of
        them is an error.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`satcloud.latency.rtt` (``return_paths=False``) plus ``key``
        and ``system`` (the label); the delay model's columns (``access_ms``,
        ``last_mile_ms``, ``queueing_ms``, ``rtt_p05_ms``, ``rtt_p95_ms``,
        ``delay_model``, ``delay_preset``) are always present.
    """
    delay_model = check_choice(delay_model, "delay_model", DELAY_MODELS)
    if not isinstance(fibre, (bool, np.bool_)):
        raise TypeError(f"fibre must be True or False (add the fibre reference), got "
                        f"{fibre!r:.80}")
    if last_mile is not None:
        if not fibre:
            raise ValueError(f"last_mile={last_mile!r:.40} applies to the fibre reference "
                             "only, and fibre=False leaves it out")
        last_mile = check_choice(last_mile, "last_mile", LAST_MILE_TECHNOLOGIES)
    table = systems_table(keys)
    if ephemerides is not None:
        ephemerides = _ephemerides(ephemerides)
    per_system = latency.options_by_system(
        [(row.constellation, row.mode) for row in table.itertuples(index=False)], rtt_kwargs)
    frames = []
    for row, options in zip(table.itertuples(index=False), per_system, strict=True):
        leo = systems.network(row.constellation).kind == "leo"
        net = row.constellation
        if ephemerides is not None and row.key in ephemerides and row.key != "geo":
            net = ephemerides[row.key]
        df = latency.rtt(net, row.mode, sources, row.cloud,
                         None if not isinstance(net, str) else times,
                         gateways=gateways if leo else None, overhead_ms=overhead_ms,
                         return_paths=False, delay_model=delay_model, **options)
        frames.append(df.assign(key=row.key, system=row.label))
    if fibre:
        f = FIBRE_REFERENCE
        df = latency.rtt(f["network"], f["mode"], sources, f["cloud"], times,
                         overhead_ms=overhead_ms, return_paths=False,
                         delay_model=delay_model, last_mile=last_mile)
        frames.append(df.assign(key=f["key"], system=f["label"]))
    return pd.concat(frames, ignore_index=True)


def _reachable_values(g: pd.DataFrame) -> np.ndarray:
    ok = g["reachable"].to_numpy(bool)
    return g["rtt_ms"].to_numpy(dtype=float, na_value=np.nan)[ok]


def rtt_table(samples: pd.DataFrame) -> pd.DataFrame:
    """RTT statistics per system over every (city, time) sample.

    Computed here rather than with :func:`satcloud.latency.summarize`: its path-change
    count raises ``TypeError: boolean value of NA is ambiguous`` on a group that mixes
    reachable and unreachable rows when ``rtt(..., return_paths=False)`` (the route
    signature then compares ``<NA>`` gateways with strings).

    Parameters
    ----------
    samples : pandas.DataFrame
        One row per (system, city, time) RTT sample.

    Returns
    -------
    pandas.DataFrame
        Per ``key``: ``system``, ``cloud`` (target), ``mode``, ``n_samples``,
        ``reachable_percent`` [%], ``rtt_median_ms``, ``rtt_p95_ms``, ``rtt_min_ms``
        (reachable samples only; NaN if none) [ms], ``floor_median_ms`` (median vacuum
        floor to the closest region of the target cloud) [ms].
    """
    _check_samples(samples)
    rows = []
    for key, g in samples.groupby("key", sort=False):
        v = _reachable_values(g)
        rows.append({
            "key": key, "system": g["system"].iloc[0], "cloud": g["target"].iloc[0],
            "mode": g["mode"].iloc[0], "n_samples": len(g),
            "reachable_percent": 100.0 * g["reachable"].mean(),
            "rtt_median_ms": float(np.median(v)) if v.size else np.nan,
            "rtt_p95_ms": float(np.percentile(v, 95)) if v.size else np.nan,
            "rtt_min_ms": float(v.min()) if v.size else np.nan,
            "floor_median_ms": float(np.median(g["target_floor_ms"].to_numpy(float))),
        })
    return pd.DataFrame(rows)


def rtt_by_city(samples: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per (system, city): share of time reachable and median RTT over the reachable times.

    Parameters
    ----------
    samples : pandas.DataFrame
        Output of :func:`rtt_samples`.
    sources : pandas.DataFrame, optional
        The source table (``name``, ``lat_deg``, ``lon_deg``) to attach coordinates.

    Returns
    -------
    pandas.DataFrame
        ``key``, ``system``, ``source``, ``fraction_reachable`` [-], ``rtt_median_ms``
        [ms] (NaN when never reachable), ``target_floor_ms`` [ms], and ``lat_deg``,
        ``lon_deg`` when ``sources`` is given.
    """
    _check_samples(samples)
    s = samples.assign(_rtt=samples["rtt_ms"].to_numpy(dtype=float, na_value=np.nan))
    g = s.groupby(["key", "source"], sort=False)
    out = pd.DataFrame({
        "system": g["system"].first(),
        "fraction_reachable": g["reachable"].mean(),
        "rtt_median_ms": g["_rtt"].median(),
        "target_floor_ms": g["target_floor_ms"].median(),
    }).reset_index()
    if sources is not None:
        src = resolve_sites(sources).drop_duplicates("name")
        out = out.merge(src.rename(columns={"name": "source"}), on="source", how="left")
    return out


def winners_by_city(by_city: pd.DataFrame, *, min_reachable=0.9,
                    exclude: Sequence[str] = ("fibre", *AS_FILED)) -> pd.DataFrame:
    """The satellite system with the lowest median RTT at each city.

    Parameters
    ----------
    by_city : pandas.DataFrame
        Output of :func:`rtt_by_city`.
    min_reachable : float
        A system competes at a city only if reachable at least this share of the time.
    exclude : sequence of str
        Keys left out of the contest (default the fibre reference and the constellations
        as filed, :data:`AS_FILED`).

    Returns
    -------
    pandas.DataFrame
        Per city: ``source``, ``winner`` (key), ``winner_system``, ``rtt_ms`` (its median)
        [ms], ``runner_up`` (key or None), ``lead_ms`` (runner-up minus winner; NaN without
        a runner-up) [ms], and ``lat_deg``/``lon_deg`` when present. Cities no system
        reaches often enough are left out.
    """
    _check_by_city(by_city, ("key", "system", "source", "fraction_reachable",
                             "rtt_median_ms"))
    check_range(min_reachable, "min_reachable", 0.0, 1.0)
    exclude = _exclude(exclude)
    d = by_city[~by_city["key"].isin(exclude)]
    d = d[(d["fraction_reachable"] >= min_reachable) & d["rtt_median_ms"].notna()]
    rows = []
    for src, g in d.groupby("source", sort=False):
        g = g.sort_values(["rtt_median_ms", "key"], kind="stable")
        first = g.iloc[0]
        row = {"source": src, "winner": first["key"], "winner_system": first["system"],
               "rtt_ms": float(first["rtt_median_ms"]),
               "runner_up": g.iloc[1]["key"] if len(g) > 1 else None,
               "lead_ms": float(g.iloc[1]["rtt_median_ms"] - first["rtt_median_ms"])
               if len(g) > 1 else np.nan}
        for c in ("lat_deg", "lon_deg"):
            if c in g.columns:
                row[c] = float(first[c])
        rows.append(row)
    return pd.DataFrame(rows)


def rtt_samples_by_model(sources, times, keys: Sequence[str] | None = None, *,
                         delay_models: Sequence[str] = DELAY_MODELS, last_mile=None,
                         ephemerides=None, fibre=True, gateways=None, overhead_ms=0.0,
                         **rtt_kwargs) -> pd.DataFrame:
    """:func:`rtt_samples` under several delay models, each constellation propagated once.

    The routes are the same under every model (the delay models add delays to a path,
    they do not change it), so reachability is too; only the delay columns differ.

    Parameters
    ----------
    sources, times, keys, fibre, gateways, overhead_ms
        As for :func:`rtt_samples`.
    delay_models : sequence of {"propagation", "idle", "loaded"}
        The delay models, at least one, each once (default all three, floor first).
    last_mile : {"ftth", "cable", "dsl", "5g_fwa"}, optional
        The fibre user's access line under ``"idle"`` and ``"loaded"`` (default FTTH,
        :data:`satcloud.delays.DEFAULT_LAST_MILE`); an error with ``fibre=False``.
    ephemerides : mapping, optional
        Key -> Ephemeris over ``times``; default: :func:`propagate_systems` once for
        every satellite system but GEO (whose slots are fixed).
    **rtt_kwargs
        Further options of :func:`rtt_samples` (not ``delay_model``).

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`rtt_samples` for each model, stacked in the order of
        ``delay_models``; the ``delay_model`` column tells them apart.
    """
    resolve_sites(sources, "sources")   # checked before anything is propagated
    models = _checks.delay_models(delay_models, rtt_kwargs, "rtt_samples_by_model()")
    if ephemerides is None:
        need = [k for k in systems_table(keys)["key"] if k != "geo"]
        ephemerides = propagate_systems(times, need) if need else None
    frames = [rtt_samples(sources, times, keys, ephemerides=ephemerides, fibre=fibre,
                          gateways=gateways, overhead_ms=overhead_ms, delay_model=m,
                          last_mile=None if m == "propagation" else last_mile,
                          **rtt_kwargs)
              for m in models]
    return pd.concat(frames, ignore_index=True)


def delay_model_table(samples: pd.DataFrame) -> pd.DataFrame:
    """Per system: the vacuum floor, the propagation, idle and loaded round trips.

    Statistics over every reachable (city, time) sample, as :func:`rtt_table`: the
    medians of a model are the median of its ``rtt_ms``; the idle spread is the median
    over the samples of the snapshot's per-packet 5th and 95th percentiles
    (:func:`satcloud.latency.rtt`'s ``rtt_p05_ms`` and ``rtt_p95_ms``: the scheduling
    spread a user sees at one place, not the spread over places).

    Parameters
    ----------
    samples : pandas.DataFrame
        Output of :func:`rtt_samples_by_model` with the ``"propagation"``, ``"idle"``
        and ``"loaded"`` models.

    Returns
    -------
    pandas.DataFrame
        Per ``key``: ``system``, ``cloud``, ``mode``, ``n_samples`` (per model),
        ``reachable_percent`` [%], ``floor_median_ms`` (vacuum floor to the closest
        region of the cloud), ``propagation_median_ms``, ``idle_median_ms``,
        ``idle_p05_ms``, ``idle_p95_ms``, ``loaded_median_ms``, ``idle_access_ms``
        (what idle adds to propagation, median: the satellite access delay, or the
        fibre user's last mile), ``loaded_queueing_ms`` (what loaded adds to idle,
        median) [ms] (NaN where never reachable) and ``idle_preset`` (the delay preset
        of the idle rows, ``data/delay_presets.csv``). The columns of
        :func:`satcloud.plots.rtt_by_delay_model`.
    """
    _checks.frame(samples, "samples", (*_SAMPLE_COLUMNS, "delay_model", "delay_preset",
                                       "rtt_p05_ms", "rtt_p95_ms", "access_ms",
                                       "last_mile_ms", "queueing_ms"),
                  producer="rtt_samples_by_model()")
    _checks.has_delay_models(samples, "samples", "rtt_samples_by_model()")
    per = {m: samples[samples["delay_model"] == m] for m in DELAY_MODELS}
    for part in per.values():
        _check_samples(part)
    rows = []
    for key, prop in per["propagation"].groupby("key", sort=False):
        g = {m: part[part["key"] == key] for m, part in per.items()}
        ok = {m: part[part["reachable"].to_numpy(bool)] for m, part in g.items()}

        def med(m, *cols, ok=ok):
            if ok[m].empty:
                return np.nan
            v = sum(ok[m][c].to_numpy(dtype=float, na_value=np.nan) for c in cols)
            return float(np.median(v))

        rows.append({
            "key": key, "system": prop["system"].iloc[0], "cloud": prop["target"].iloc[0],
            "mode": prop["mode"].iloc[0], "n_samples": len(prop),
            "reachable_percent": 100.0 * prop["reachable"].mean(),
            "floor_median_ms": float(np.median(prop["target_floor_ms"].to_numpy(float))),
            "propagation_median_ms": med("propagation", "rtt_ms"),
            "idle_median_ms": med("idle", "rtt_ms"),
            "idle_p05_ms": med("idle", "rtt_p05_ms"),
            "idle_p95_ms": med("idle", "rtt_p95_ms"),
            "loaded_median_ms": med("loaded", "rtt_ms"),
            "idle_access_ms": med("idle", "access_ms", "last_mile_ms"),
            "loaded_queueing_ms": med("loaded", "queueing_ms"),
            "idle_preset": str(g["idle"]["delay_preset"].iloc[0])
            if len(g["idle"]) else None,
        })
    return pd.DataFrame(rows)


def satellite_vs_fibre(by_city: pd.DataFrame, *, min_reachable=0.9,
                       exclude: Sequence[str] = AS_FILED,
                       fibre_key: str = FIBRE_REFERENCE["key"]) -> pd.DataFrame:
    """Per city: the quickest satellite system against the fibre reference.

    Parameters
    ----------
    by_city : pandas.DataFrame
        Output of :func:`rtt_by_city` holding the fibre reference (under the idle model
        of :func:`rtt_samples`, both sides carry their access: the dish's access delay
        and the fibre user's last mile).
    min_reachable : float
        A satellite system competes at a city only if reachable at least this share of
        the time, in [0, 1]. [-]
    exclude : sequence of str
        Satellite keys left out (default the constellations as filed, :data:`AS_FILED`).
    fibre_key : str
        Key of the fibre rows (default :data:`FIBRE_REFERENCE`'s).

    Returns
    -------
    pandas.DataFrame
        One row per city of the fibre rows: ``source``, ``best`` (key of the quickest
        satellite system, ``None`` where none qualifies), ``best_system``,
        ``satellite_rtt_ms`` (its median), ``fibre_rtt_ms`` (fibre's median),
        ``satellite_minus_fibre_ms`` [ms] (NaN where no satellite system qualifies),
        ``satellite_beats_fibre`` (bool), and ``lat_deg``/``lon_deg`` when present.
    """
    _check_by_city(by_city, ("key", "system", "source", "fraction_reachable",
                             "rtt_median_ms"))
    check_range(min_reachable, "min_reachable", 0.0, 1.0)
    exclude = _exclude(exclude)
    if not isinstance(fibre_key, str):
        raise TypeError(f"fibre_key must be the key of the fibre rows (str), got "
                        f"{fibre_key!r:.80}")
    fib = by_city[by_city["key"] == fibre_key]
    if fib.empty:
        raise ValueError(f"by_city has no row of fibre_key {fibre_key!r:.40}; it holds "
                         f"{list(dict.fromkeys(by_city['key']))} (compute the samples with "
                         "rtt_samples(..., fibre=True))")
    _checks.finite_columns(fib, "by_city (fibre rows)", ("rtt_median_ms",),
                           producer="rtt_by_city()")
    if fib["source"].duplicated().any():
        raise ValueError(f"by_city holds the fibre key {fibre_key!r} twice for a city "
                         f"({sorted(fib.loc[fib['source'].duplicated(), 'source'])[:5]}); "
                         "give the rtt_by_city() table of one delay model")
    win = winners_by_city(by_city, min_reachable=min_reachable,
                          exclude=[*exclude, fibre_key])
    if win.empty:
        win = pd.DataFrame(columns=["source", "winner", "winner_system", "rtt_ms"])
    out = fib[["source", *[c for c in ("lat_deg", "lon_deg") if c in fib.columns],
               "rtt_median_ms"]].rename(columns={"rtt_median_ms": "fibre_rtt_ms"})
    out = out.merge(win[["source", "winner", "winner_system", "rtt_ms"]].rename(columns={
        "winner": "best", "winner_system": "best_system", "rtt_ms": "satellite_rtt_ms"}),
        on="source", how="left")
    sat = out["satellite_rtt_ms"].to_numpy(dtype=float, na_value=np.nan)
    fibre_ms = out["fibre_rtt_ms"].to_numpy(dtype=float)
    out["satellite_rtt_ms"] = sat
    out["satellite_minus_fibre_ms"] = sat - fibre_ms
    out["satellite_beats_fibre"] = np.where(np.isnan(sat), False, sat < fibre_ms)
    out["best"] = out["best"].astype(object).where(out["best"].notna(), None)
    out["best_system"] = out["best_system"].astype(object).where(
        out["best_system"].notna(), None)
    cols = ["source", "best", "best_system", "satellite_rtt_ms", "fibre_rtt_ms",
            "satellite_minus_fibre_ms", "satellite_beats_fibre"]
    return out[cols + [c for c in ("lat_deg", "lon_deg") if c in out.columns]].reset_index(
        drop=True)


def winners_by_band(cov_lat: pd.DataFrame, by_city: pd.DataFrame, band_deg=20.0, *,
                    min_reachable=0.9, full=0.999,
                    exclude: Sequence[str] = ("fibre", *AS_FILED)) -> pd.DataFrame:
    """Who wins in each latitude band: coverage and median RTT.

    Parameters
    ----------
    cov_lat : pandas.DataFrame
        Output of :func:`coverage_by_latitude`.
    by_city : pandas.DataFrame
        Output of :func:`rtt_by_city` with ``lat_deg``.
    band_deg : float
        Width of the bands, dividing 180. [deg]
    min_reachable : float
        As for :func:`winners_by_city`.
    full : float
        Coverage at or above this counts as full: every such system is listed.
    exclude : sequence of str, optional
        Keys left out of the competition (default: the fibre reference and the
        constellations as filed, :data:`AS_FILED`).

    Returns
    -------
    pandas.DataFrame
        Per band (``band``, e.g. "20°N–40°N", ``lat_min_deg``, ``lat_max_deg``):
        ``full_coverage`` (keys with full coverage, comma-separated; or the best one and
        its share), ``best_coverage_percent`` [%] (None and NaN for a band without any
        latitude row of ``cov_lat``), ``rtt_winner`` (key with the lowest
        median over the band's cities of the per-city median RTT), ``rtt_winner_ms``
        [ms] (None and NaN for a band without any of the cities), ``n_cities``.
    """
    from satcloud.network._checks import finite_scalar

    _checks.frame(cov_lat, "cov_lat", ("key", "lat_deg", "fraction_covered"),
                  producer="coverage_by_latitude()")
    _checks.finite_columns(cov_lat, "cov_lat", ("lat_deg", "fraction_covered",
                                                "mean_in_view"),
                           producer="coverage_by_latitude()")
    _check_by_city(by_city, ("key", "system", "source", "fraction_reachable",
                             "rtt_median_ms", "lat_deg"))
    check_range(min_reachable, "min_reachable", 0.0, 1.0)
    check_range(full, "full", 0.0, 1.0)
    b = finite_scalar(band_deg, "band_deg", 1.0, 90.0, unit="deg")
    if abs(180.0 / b - round(180.0 / b)) > 1e-9:
        raise ValueError(f"band_deg must divide 180, got {b:g}")
    edges = np.arange(-90.0, 90.0 + b / 2, b)
    exclude = _exclude(exclude)
    cov = cov_lat[~cov_lat["key"].isin(exclude)]
    if cov.empty:
        raise ValueError(f"exclude {exclude!r:.120} leaves no system of cov_lat (it holds "
                         f"{list(dict.fromkeys(cov_lat['key']))})")
    city = by_city[~by_city["key"].isin(exclude)]
    city = city[(city["fraction_reachable"] >= min_reachable) & city["rtt_median_ms"].notna()]

    def name(lo, hi):
        def one(x):
            return "0°" if x == 0 else f"{abs(x):g}°{'N' if x > 0 else 'S'}"
        return f"{one(lo)}–{one(hi)}"

    rows = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        c = cov[(cov["lat_deg"] >= lo) & (cov["lat_deg"] < hi)]
        share = c.groupby("key", sort=False)["fraction_covered"].mean()
        full_keys = [k for k in share.index if share[k] >= full]
        row = {"band": name(lo, hi), "lat_min_deg": lo, "lat_max_deg": hi,
               "full_coverage": ", ".join(full_keys) if full_keys else "",
               "best_coverage": share.idxmax() if len(share) else None,
               "best_coverage_percent": 100.0 * share.max() if len(share) else np.nan}
        cc = city[(city["lat_deg"] >= lo) & (city["lat_deg"] < hi)]
        row["n_cities"] = int(cc["source"].nunique())
        if len(cc):
            med = cc.groupby("key", sort=False)["rtt_median_ms"].median()
            n = cc.groupby("key", sort=False)["source"].nunique()
            med = med[n == n.max()]          # only systems serving every city of the band
            row["rtt_winner"] = med.idxmin()
            row["rtt_winner_ms"] = float(med.min())
        else:
            row["rtt_winner"], row["rtt_winner_ms"] = None, np.nan
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- capacity
def capacity_table(ephemerides: Mapping, demand_sites, *, lat_deg=51.50853,
                   lon_deg=-0.12574, elevation_deg=40.0, p_percent=None,
                   assumptions: Mapping | None = None) -> pd.DataFrame:
    """Capacity per satellite and per system.

    Channel throughput: the user-downlink budget of each system's profile
    (:func:`satcloud.links.link_budget`) at ``elevation_deg`` at a place, in the weather
    exceeded ``p_percent`` of the year (default each profile's). Satellite capacity =
    beams x channels per beam x channel throughput; system capacity = satellites over
    demand (:func:`satcloud.coverage.demand_fraction`) x satellite capacity
    (:func:`satcloud.links.system_capacity`, no gateway limit).

    Parameters
    ----------
    ephemerides : mapping
        Key -> Ephemeris.
    demand_sites : pandas.DataFrame
        Where the demand is (e.g. the 1,000 most populous cities).
    lat_deg, lon_deg : float
        Place of the budget (default London, as notebook 02). [deg]
    elevation_deg : float
        Elevation of the budget. [deg]
    p_percent : float, optional
        [%]
    assumptions : mapping, optional
        Key -> dict overriding :data:`CAPACITY_ASSUMPTIONS` entries.

    Returns
    -------
    pandas.DataFrame
        Per key: ``profile``, ``modcod``, ``channel_mbps``, ``channel_bandwidth_mhz``,
        ``spectrum_mhz``, ``colours``, ``polarizations``, ``channels_per_beam``,
        ``beams_per_satellite``, ``satellite_gbps``, ``n_satellites``,
        ``over_demand_fraction``, ``satellites_over_demand``, ``system_tbps``,
        ``assumption``.
    """
    ephemerides = _ephemerides(ephemerides)
    _checks.frame(demand_sites, "demand_sites", ("lat_deg", "lon_deg"))
    check_latlon(demand_sites["lat_deg"], demand_sites["lon_deg"],
                 "demand_sites column lat_deg", "demand_sites column lon_deg")
    assumptions = {} if assumptions is None else _checks.mapping(
        assumptions, "assumptions", keys=_SYSTEM_KEYS) if assumptions else {}
    rows = []
    for key, eph in ephemerides.items():
        spec = {**CAPACITY_ASSUMPTIONS[key], **assumptions.get(key, {})}
        prof = links.get_profile(_system(key)["profile"])
        b = links.link_budget(prof, elevation_deg=elevation_deg, lat_deg=lat_deg,
                              lon_deg=lon_deg, p_percent=p_percent)
        ch = float(b["throughput_mbps"].iloc[0])
        n_ch = int(links.channels_per_beam(spec["spectrum_mhz"], prof.bandwidth_mhz,
                                           spec["colours"], spec["polarizations"]))
        sat = float(links.satellite_capacity_gbps(ch, spec["beams_per_satellite"], n_ch))
        frac = demand_fraction(eph, demand_sites)
        n_sat = int(eph.shape[1])
        sys_cap = links.system_capacity(sat, n_sat, fraction_over_populated_land=frac)
        rows.append({
            "key": key, "profile": prof.name, "modcod": b["modcod"].iloc[0],
            "channel_mbps": ch, "channel_bandwidth_mhz": float(prof.bandwidth_mhz),
            "spectrum_mhz": spec["spectrum_mhz"], "colours": spec["colours"],
            "polarizations": spec["polarizations"], "channels_per_beam": n_ch,
            "beams_per_satellite": spec["beams_per_satellite"], "satellite_gbps": sat,
            "n_satellites": n_sat, "over_demand_fraction": frac,
            "satellites_over_demand": float(sys_cap["satellites_over_demand"].iloc[0]),
            "system_tbps": float(sys_cap["capacity_gbps"].iloc[0]) / 1e3,
            "assumption": spec["source"],
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- availability
def availability_table(places, keys: Sequence[str] | None = None) -> pd.DataFrame:
    """Full-budget availability of each system's user downlink at each place.

    LEO and MEO systems are evaluated at their filed minimum elevation (the worst
    geometry the system must close at to claim the place is covered); GEO at the real
    elevation of the highest of the latency model's slots (:func:`satcloud.network.bentpipe.geo_elevation_deg`).

    Parameters
    ----------
    places : sequence of str or pandas.DataFrame
        Cities (see :func:`satcloud.scenarios.links.climate_cities`).
    keys : sequence of str, optional
        Systems (default all).

    Returns
    -------
    pandas.DataFrame
        :func:`satcloud.scenarios.links.link_availability` rows (``city``,
        ``availability_link_percent``, ``availability_link_bound``,
        ``downtime_link_h_per_year``, ``clear_sky_fade_margin_db``...) with ``key``.
    """
    pl = scenario_links._places(places)
    frames = []
    for row in systems_table(keys).itertuples(index=False):
        prof = links.get_profile(row.profile)
        if row.key == "geo":
            for i in range(len(pl)):
                one = pl.iloc[[i]]
                el = geo_elevation_deg(one["lat_deg"].iloc[0], one["lon_deg"].iloc[0])
                if el <= 0:
                    raise ValueError(f"no GEO slot is above the horizon at {one['city'].iloc[0]}")
                frames.append(scenario_links.link_availability(
                    one, bands={row.key: prof.name}, elevation_deg=el).assign(key=row.key))
        else:
            el = float(_constellation(row.constellation).satellites["min_elevation_deg"].min())
            frames.append(scenario_links.link_availability(
                pl, bands={row.key: prof.name}, elevation_deg=el).assign(key=row.key))
    return pd.concat(frames, ignore_index=True)


_BOUND_TEXT = {"at_least": "≥ 99.999", "at_most": "≤ 95"}


def availability_text(value, bound) -> str:
    """An availability as a reader should see it: bounds outside ITU-R P.618's range.

    Parameters
    ----------
    value : float
        Availability (``availability_link_percent``), in [0, 100]; read only when
        ``bound`` is ``"exact"``. [%]
    bound : {"exact", "at_least", "at_most"}
        ``availability_link_bound`` of :func:`availability_table`.

    Returns
    -------
    str
        The availability with three decimals, or ``"≥ 99.999"`` / ``"≤ 95"`` for a
        bound. [%]

    Notes
    -----
    ITU-R P.618 [1]_ predicts rain attenuation for 0.001 % to 5 % of an average year, so
    an availability outside [95, 99.999] % is shown as the bound it is, never as an
    extrapolated number (:mod:`satcloud.links.availability`).

    References
    ----------
    .. [1] ITU-R Recommendation P.618-13 (12/2017), "Propagation data and prediction
       methods required for the design of Earth-space telecommunication systems".
       https://www.itu.int/rec/R-REC-P.618-13-201712-I/en
    """
    from satcloud.network._checks import finite_scalar

    if not isinstance(bound, str) or bound not in ("exact", *_BOUND_TEXT):
        raise ValueError(f"bound must be one of ['exact', 'at_least', 'at_most'] (the "
                         f"availability_link_bound of availability_table()), got "
                         f"{bound!r:.80}")
    if bound in _BOUND_TEXT:
        return _BOUND_TEXT[bound]
    return f"{finite_scalar(value, 'value', 0.0, 100.0, unit='%'):.3f}"


# --------------------------------------------------------------------------- the table
def side_by_side(cov: pd.DataFrame, rtt: pd.DataFrame, cap: pd.DataFrame,
                 avail: pd.DataFrame, delays: pd.DataFrame | None = None) -> pd.DataFrame:
    """The side-by-side table: one row per system (plus the fibre reference).

    Parameters
    ----------
    cov, rtt, cap, avail : pandas.DataFrame
        Outputs of :func:`coverage_table` (first element), :func:`rtt_table` (of the
        propagation samples), :func:`capacity_table` and :func:`availability_table`.
    delays : pandas.DataFrame, optional
        Output of :func:`delay_model_table`: adds the idle round trip a user measures
        and the loaded one, ahead of the propagation columns.

    Returns
    -------
    pandas.DataFrame
        Index ``system`` (label); columns with units: satellites, minimum elevation,
        coverage (area, population), satellites in view, cloud, latency mode, reachable
        share, (with ``delays``: idle median, its per-packet p05-p95, loaded median,)
        propagation median / p95 RTT, vacuum floor, capacity per satellite and per
        system, and one availability column per place (a string, bounds marked).
    """
    _checks.frame(cov, "cov", ("key", "n_satellites", "min_elevation_deg",
                               "coverage_area_percent", "coverage_population_percent",
                               "mean_in_view_area"), producer="coverage_table()[0]")
    _checks.frame(rtt, "rtt", ("key", "system", "cloud", "mode", "reachable_percent",
                               "rtt_median_ms", "rtt_p95_ms", "floor_median_ms"),
                  producer="rtt_table()")
    _checks.frame(cap, "cap", ("key", "satellite_gbps", "system_tbps"),
                  producer="capacity_table()")
    _checks.frame(avail, "avail", ("key", "city", "availability_link_percent",
                                   "availability_link_bound"),
                  producer="availability_table()", allow_empty=True)
    _checks.finite_columns(cov, "cov", ("coverage_area_percent",
                                        "coverage_population_percent", "mean_in_view_area"),
                           producer="coverage_table()[0]")
    _checks.finite_columns(rtt, "rtt", ("reachable_percent", "rtt_median_ms", "rtt_p95_ms",
                                        "floor_median_ms"),
                           nan_ok=("rtt_median_ms", "rtt_p95_ms"), producer="rtt_table()")
    _checks.finite_columns(cap, "cap", ("satellite_gbps", "system_tbps"),
                           producer="capacity_table()")
    _checks.finite_columns(avail, "avail", ("availability_link_percent",),
                           producer="availability_table()")
    idle_cols = ("idle_median_ms", "idle_p05_ms", "idle_p95_ms", "loaded_median_ms")
    if delays is not None:
        _checks.frame(delays, "delays", ("key", *idle_cols), producer="delay_model_table()")
        _checks.finite_columns(delays, "delays", idle_cols, nan_ok=idle_cols,
                               producer="delay_model_table()")
    labels = {s["key"]: s["label"] for s in SYSTEMS}
    labels[FIBRE_REFERENCE["key"]] = FIBRE_REFERENCE["label"]
    keys = list(dict.fromkeys(list(cov["key"]) + list(rtt["key"])))
    t = pd.DataFrame({"key": keys})
    t = t.merge(cov, on="key", how="left").merge(
        rtt.drop(columns=["system"]), on="key", how="left").merge(
        cap[["key", "satellite_gbps", "system_tbps"]], on="key", how="left")
    out = pd.DataFrame({
        "satellites": t["n_satellites"].astype("Int64"),
        "min. elevation [deg]": t["min_elevation_deg"],
        "coverage, area-weighted [%]": t["coverage_area_percent"],
        "coverage, population-weighted [%]": t["coverage_population_percent"],
        "satellites in view, area mean [-]": t["mean_in_view_area"],
        "cloud": t["cloud"].str.replace("nearest ", "", regex=False),
        "path": t["mode"].replace({"isl": "laser links", "bent-pipe": "bent pipe",
                                   "typical": "fibre, route x2.1"}),
        "reachable [%]": t["reachable_percent"],
        **({} if delays is None else _idle_columns(keys, delays)),
        "propagation RTT, median [ms]": t["rtt_median_ms"],
        "propagation RTT, p95 [ms]": t["rtt_p95_ms"],
        "vacuum floor, median [ms]": t["floor_median_ms"],
        "capacity per satellite [Gbit/s]": t["satellite_gbps"],
        "system capacity over demand [Tbit/s]": t["system_tbps"],
    })
    out.index = pd.Index([labels.get(k, k) for k in keys], name="system")
    for city, g in avail.groupby("city", sort=False):
        m = {r.key: availability_text(r.availability_link_percent, r.availability_link_bound)
             for r in g.itertuples(index=False)}
        out[f"availability, {city} [%]"] = [m.get(k) for k in keys]
    return out


def _idle_columns(keys, delays: pd.DataFrame) -> dict:
    """The idle and loaded columns of :func:`side_by_side`, in the order of ``keys``."""
    d = delays.drop_duplicates("key").set_index("key").reindex(keys)
    p05 = d["idle_p05_ms"].to_numpy(dtype=float, na_value=np.nan)
    p95 = d["idle_p95_ms"].to_numpy(dtype=float, na_value=np.nan)
    return {
        "idle RTT, median [ms]": d["idle_median_ms"].to_numpy(dtype=float, na_value=np.nan),
        "idle RTT per packet, p05–p95 [ms]": [
            None if np.isnan(a) or np.isnan(b) else f"{a:.0f}–{b:.0f}"
            for a, b in zip(p05, p95, strict=True)],
        "loaded RTT, median [ms]": d["loaded_median_ms"].to_numpy(dtype=float,
                                                                  na_value=np.nan),
    }


#: How :func:`side_by_side_text` writes each numeric column.
DISPLAY_FORMATS = {
    "satellites": "{:,.0f}",
    "min. elevation [deg]": "{:g}",
    "coverage, area-weighted [%]": "{:.0f}",
    "coverage, population-weighted [%]": "{:.2f}",
    "satellites in view, area mean [-]": "{:.1f}",
    "reachable [%]": "{:.0f}",
    "idle RTT, median [ms]": "{:.0f}",
    "loaded RTT, median [ms]": "{:.0f}",
    "propagation RTT, median [ms]": "{:.0f}",
    "propagation RTT, p95 [ms]": "{:.0f}",
    "vacuum floor, median [ms]": "{:.1f}",
    "capacity per satellite [Gbit/s]": "{:.0f}",
    "system capacity over demand [Tbit/s]": "{:.1f}",
}


def side_by_side_text(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`side_by_side` as text, transposed (one column per system) for reading.

    Numbers are rounded as in :data:`DISPLAY_FORMATS`; missing values are "—".

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`side_by_side`.
    """
    _checks.frame(table, "table", producer="side_by_side()")
    out = {}
    for col in table.columns:
        fmt = DISPLAY_FORMATS.get(col)
        out[col] = ["—" if v is None or (not isinstance(v, str) and pd.isna(v))
                    else (fmt.format(v) if fmt and not isinstance(v, str) else str(v))
                    for v in table[col]]
    return pd.DataFrame(out, index=table.index).T.rename_axis(index="", columns="system")
