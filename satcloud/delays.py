"""Delay models beyond propagation: named, sourced presets and their distributions.

:func:`satcloud.latency.rtt` computes the propagation round trip of a path (the
``"propagation"`` delay model). What a user measures adds delays of the access network
(``"idle"``) and, under a saturating transfer, queueing at the bottleneck
(``"loaded"``). This module holds those additions as data and pure functions; it knows
nothing about paths.

Components (each a column of :func:`satcloud.latency.rtt`)
-------------------------------------------------------------
==============  =======  =================================================================
component       model    what it holds
==============  =======  =================================================================
``access``      idle     everything a satellite access adds beyond propagation: MAC /
                         scheduling of the terminal and satellite, processing in the
                         terminal, satellite, gateway and PoP. No published study
                         separates processing from scheduling (Mohan et al. [2]_ give
                         the bent-pipe segment as one number; Tanveer et al. [6]_ only
                         show few-ms scheduler bands), so they are one lumped term: there
                         is no separate ``processing_ms`` column.
``last_mile``   idle     a terrestrial user's access line (FTTH, cable, DSL, 5G fixed
                         wireless): router to the nearest test server (FCC Measuring
                         Broadband America [5]_; Ookla). A satellite user pays none (the
                         dish is the access); the destination, a datacenter, pays none.
``queueing``    loaded   queueing at the bottleneck under a saturating transfer (loaded
                         RTT minus idle RTT of the same measurement). Empirical: its
                         median and p95 are fitted to the loaded download of Michel et
                         al. [1]_ (95 / 175 ms); read as a buffer drain time, the 46 ms
                         median is the bottleneck buffer over the flow's share of the cell
                         capacity. No buffer size or drain rate is modelled separately (none
                         is published for Starlink).
==============  =======  =================================================================

Each component is a **shifted log-normal** delay::

    d = shift_ms + (median_ms - shift_ms) * exp(sigma * Z),   Z ~ N(0, 1)

``shift_ms`` is its minimum, ``median_ms`` its median, ``sigma`` the log-space spread
(``sigma = 0``: a constant). All random components of one packet share one ``Z``
(comonotone coupling): the quantiles of a sum of components are then the sums of their
quantiles, so the median of the round trip is exactly the sum of the component medians
(the ``rtt_ms`` of :func:`satcloud.latency.rtt`) and its ``p05``/``p95`` are exact too.
This is a modelling choice (the worst case for the spread of a sum with these
marginals), stated, not measured.

Starlink's access delay is redrawn at each 15 s reconfiguration of its global scheduler
(seconds 12, 27, 42 and 57 of each minute; Tanveer et al. [6]_, Mohan et al. [2]_): the
preset's ``reconfiguration`` component gives the period and phase, and samples of one
terminal within one slot share their draws.

Presets
-------
``data/delay_presets.csv`` (long format: preset, component, delay_model, parameter,
value, unit, basis, fitted_to, source, doi_or_url) holds every number with its basis
(``measured``, ``fitted``, ``assumed``) and the one measurement that fixed it;
``scripts/fit_delay_presets.py`` recomputes the fitted values from the model's own
propagation at the measurement sites. Each network of the registry names its preset
(``delay_preset`` in ``data/networks.csv``); ``docs/latency_sources.md`` is the
calibration record. The measurements behind the presets: Starlink's access delay from
Michel et al. [1]_ and SpaceX's 2024 network update [3]_, GEO access from Ookla [4]_,
the terrestrial last mile from the FCC's Measuring Broadband America [5]_.

References
----------
.. [1] F. Michel, M. Trevisan, D. Giordano and O. Bonaventure, "A First Look at Starlink
   Performance", in *Proc. ACM Internet Measurement Conference (IMC 2022)*, 2022.
   https://doi.org/10.1145/3517745.3561416
.. [2] N. Mohan, A. E. Ferguson, H. Cech, R. Bose, P. R. Renatin, M. K. Marina and J. Ott,
   "A Multifaceted Look at Starlink Performance", in *Proc. ACM Web Conference (WWW
   2024)*, 2024, pp. 2723-2734. https://doi.org/10.1145/3589334.3645328 (preprint
   https://arxiv.org/abs/2310.09242)
.. [3] SpaceX, "Improving Starlink's Latency" (Starlink network update), March 2024
   (URL not verified). https://www.starlink.com/updates/network-update
.. [4] Ookla, "How Starlink's Satellite Internet Stacks Up Against HughesNet and Viasat
   around the Globe", Speedtest Intelligence Q2 2021.
   https://www.ookla.com/articles/starlink-hughesnet-viasat-performance-q2-2021
.. [5] Federal Communications Commission, Office of Engineering and Technology,
   *Thirteenth Measuring Broadband America Fixed Broadband Report*, 2023 (URL not
   verified). https://data.fcc.gov/download/measuring-broadband-america/2023/2023-Fixed-Measuring-Broadband-America-Report.pdf
.. [6] H. B. Tanveer, M. Puchol, R. Singh, A. Bianchi and R. Nithyanand, "Making Sense of
   Constellations: Methodologies for Understanding Starlink's Scheduling Algorithms", in
   *CoNEXT Companion 2023*, ACM, 2023, pp. 37-43. https://doi.org/10.1145/3624354.3630586
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from satcloud import data

__all__ = [
    "COMPONENTS",
    "DEFAULT_LAST_MILE",
    "DELAY_MODELS",
    "LAST_MILE_TECHNOLOGIES",
    "DelayComponent",
    "DelayPreset",
    "delay_preset",
    "delay_presets",
    "lognormal_sigma",
    "preset_names",
]

#: The delay models of :func:`satcloud.latency.rtt`, each adding to the one before.
DELAY_MODELS = ("propagation", "idle", "loaded")
#: Component -> the delay model from which it counts (and its column is ``<name>_ms``).
COMPONENTS = {"access": "idle", "last_mile": "idle", "queueing": "loaded"}
#: Terrestrial access technologies with a last-mile delay (``last_mile=`` of
#: :func:`satcloud.latency.rtt`).
LAST_MILE_TECHNOLOGIES = ("ftth", "cable", "dsl", "5g_fwa")
#: The default last mile of a terrestrial user: FTTH, the technology the network name
#: ``"fibre"`` says (FCC MBA 2023, module References [5]: fibre ISPs 7-14 ms idle,
#: the lowest).
DEFAULT_LAST_MILE = "ftth"
_Z95 = NormalDist().inv_cdf(0.95)
_PARAMETERS = {"shift_ms": "ms", "median_ms": "ms", "sigma": "1", "period_s": "s",
               "phase_s": "s"}


@dataclass(frozen=True)
class DelayComponent:
    """One shifted log-normal delay: ``shift_ms + (median_ms - shift_ms) exp(sigma Z)``.

    Attributes
    ----------
    shift_ms : float
        Minimum delay, >= 0. [ms]
    median_ms : float
        Median delay, >= ``shift_ms``. [ms]
    sigma : float
        Log-space standard deviation of the part above the shift, >= 0 (0: constant). [-]
    """

    shift_ms: float = 0.0
    median_ms: float = 0.0
    sigma: float = 0.0

    def __post_init__(self):
        for name in ("shift_ms", "median_ms", "sigma"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer,
                                                         np.floating)):
                raise TypeError(f"{name} must be a number, got {type(v).__name__} {v!r}")
            if not np.isfinite(v) or v < 0:
                raise ValueError(f"{name} must be finite and >= 0, got {v!r}")
        if self.median_ms < self.shift_ms:
            raise ValueError(f"median_ms ({self.median_ms!r}) must be >= shift_ms "
                             f"({self.shift_ms!r})")

    def quantile(self, p) -> np.ndarray:
        """The delay not exceeded with probability ``p`` (in (0, 1)). [ms]"""
        p = np.asarray(p, float)
        if not np.all((p > 0) & (p < 1)):
            raise ValueError(f"p must lie in (0, 1), got {p!r}")
        z = np.vectorize(NormalDist().inv_cdf)(p)
        return self.shift_ms + (self.median_ms - self.shift_ms) * np.exp(self.sigma * z)

    def draw(self, z) -> np.ndarray:
        """The delay at standard-normal draws ``z``. [ms]"""
        return self.shift_ms + (self.median_ms - self.shift_ms) * np.exp(
            self.sigma * np.asarray(z, float))


@dataclass(frozen=True)
class DelayPreset:
    """The delay components of one preset (absent components are zero).

    Attributes
    ----------
    name : str
        Preset name (``data/delay_presets.csv``).
    access, queueing : DelayComponent
        Satellite access (idle) and bottleneck queueing (loaded) delays.
    last_mile : dict of str to DelayComponent
        Terrestrial access delay by technology (:data:`LAST_MILE_TECHNOLOGIES`).
    period_s, phase_s : float or None
        The access delay is redrawn every ``period_s`` seconds, at ``phase_s`` past each
        multiple (Starlink: 15 s at seconds 12, 27, 42, 57); ``None``: every snapshot and
        sample independent. [s]
    """

    name: str
    access: DelayComponent = DelayComponent()
    queueing: DelayComponent = DelayComponent()
    last_mile: Mapping = None
    period_s: float | None = None
    phase_s: float | None = None


def lognormal_sigma(shift_ms, median_ms, p95_ms) -> float:
    """The ``sigma`` of a shifted log-normal with a given shift, median and p95.

    Parameters
    ----------
    shift_ms : float
        Minimum. [ms]
    median_ms : float
        Median, > ``shift_ms``. [ms]
    p95_ms : float
        95th percentile, >= ``median_ms``. [ms]

    Returns
    -------
    float
        ``ln((p95 - shift) / (median - shift)) / z95`` with ``z95`` the standard-normal
        0.95 quantile (1.6449). [-]

    Examples
    --------
    >>> round(lognormal_sigma(0.0, 10.0, 10.0 * np.exp(1.6448536269514722)), 6)
    1.0
    """
    vals = {}
    for name, v in (("shift_ms", shift_ms), ("median_ms", median_ms), ("p95_ms", p95_ms)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a number [ms], got {type(v).__name__} {v!r}")
        if not np.isfinite(v):
            raise ValueError(f"{name} must be finite, got {v!r}")
        vals[name] = float(v)
    if not vals["shift_ms"] < vals["median_ms"] <= vals["p95_ms"]:
        raise ValueError(f"need shift_ms < median_ms <= p95_ms, got {vals}")
    return float(np.log((vals["p95_ms"] - vals["shift_ms"])
                        / (vals["median_ms"] - vals["shift_ms"])) / _Z95)


# --------------------------------------------------------------------------- presets
def delay_presets() -> pd.DataFrame:
    """The delay-preset table, one row per (preset, component, parameter).

    Returns
    -------
    pandas.DataFrame
        ``data/delay_presets.csv``: ``preset``, ``component``, ``delay_model``,
        ``parameter``, ``value``, ``unit``, ``basis`` (``measured``, ``fitted``,
        ``assumed``), ``fitted_to``, ``source``, ``doi_or_url``.
    """
    return data.delay_presets()


@functools.lru_cache(maxsize=8)
def _presets_cached(key) -> dict:
    df = data.delay_presets()
    out = {}
    for name, g in df.groupby("preset", sort=False):
        out[name] = _preset_from_rows(name, g)
    return out


def _preset_from_rows(name: str, rows: pd.DataFrame) -> DelayPreset:
    comps: dict[str, dict] = {}
    for r in rows.itertuples(index=False):
        comps.setdefault(r.component, {})[r.parameter] = float(r.value)
    known = {"access", "queueing", "reconfiguration"} | {
        f"last_mile_{t}" for t in LAST_MILE_TECHNOLOGIES}
    bad = sorted(set(comps) - known)
    if bad:
        raise ValueError(f"delay preset {name!r}: unknown component(s) {bad}; known: "
                         f"{sorted(known)}")
    for c, params in comps.items():
        wrong = sorted(set(params) - set(_PARAMETERS))
        if wrong:
            raise ValueError(f"delay preset {name!r}, component {c!r}: unknown parameter(s) "
                             f"{wrong}; known: {sorted(_PARAMETERS)}")

    def comp(c):
        p = comps.get(c, {})
        return DelayComponent(p.get("shift_ms", 0.0), p.get("median_ms", 0.0),
                              p.get("sigma", 0.0))

    rec = comps.get("reconfiguration", {})
    return DelayPreset(name, access=comp("access"), queueing=comp("queueing"),
                       last_mile={t: comp(f"last_mile_{t}") for t in LAST_MILE_TECHNOLOGIES},
                       period_s=rec.get("period_s"), phase_s=rec.get("phase_s", 0.0)
                       if "period_s" in rec else None)


def _table_key():
    d = data.data_dir() / data.TABLES["delay_presets"].filename
    return (str(d), d.stat().st_mtime_ns if d.exists() else 0)


def delay_preset(preset) -> DelayPreset:
    """One delay preset by name, or built from override rows.

    Parameters
    ----------
    preset : str, DelayPreset, dict or pandas.DataFrame
        A preset name of ``data/delay_presets.csv``; a :class:`DelayPreset` (returned
        as is); a dict ``{component: {parameter: value}}`` or a DataFrame with columns
        ``component``, ``parameter``, ``value`` laid over the preset named by its
        ``"base"`` key (dict) or over nothing (components it omits are zero).
        Components: ``access``, ``queueing``, ``last_mile_<technology>``,
        ``reconfiguration``; parameters ``shift_ms``, ``median_ms``, ``sigma``
        (``period_s``, ``phase_s`` for ``reconfiguration``).

    Returns
    -------
    DelayPreset

    Raises
    ------
    ValueError
        An unknown preset name (the valid names listed), component or parameter.
    TypeError
        Anything else.
    """
    if isinstance(preset, DelayPreset):
        return preset
    presets = _presets_cached(_table_key())
    if isinstance(preset, str):
        if preset not in presets:
            raise ValueError(f"unknown delay preset {preset!r}; valid choices are "
                             f"{sorted(presets)} (data/delay_presets.csv)")
        return presets[preset]
    if isinstance(preset, pd.DataFrame):
        need = {"component", "parameter", "value"}
        if not need <= set(preset.columns):
            raise ValueError(f"delay_presets as a DataFrame needs columns {sorted(need)}, "
                             f"got {list(preset.columns)}")
        return _preset_from_rows("custom", preset)
    if isinstance(preset, Mapping):
        base = preset.get("base")
        rows = []
        if base is not None:
            if not isinstance(base, str) or base not in presets:
                raise ValueError(f"delay_presets 'base' must be a preset name, one of "
                                 f"{sorted(presets)}; got {base!r}")
            rows = [r for r in data.delay_presets()[["preset", "component", "parameter",
                                                     "value"]].itertuples(index=False)
                    if r.preset == base]
            rows = [{"component": r.component, "parameter": r.parameter, "value": r.value}
                    for r in rows]
        for comp, params in preset.items():
            if comp == "base":
                continue
            if not isinstance(params, Mapping):
                raise TypeError(f"delay_presets[{comp!r}] must be a dict of parameter -> "
                                f"value, got {params!r:.80}")
            for k, v in params.items():
                if isinstance(v, bool) or not isinstance(v, (int, float, np.integer,
                                                             np.floating)):
                    raise TypeError(f"delay_presets[{comp!r}][{k!r}] must be a number, got "
                                    f"{type(v).__name__} {v!r:.80}")
                rows = [r for r in rows if not (r["component"] == comp
                                                and r["parameter"] == k)]
                rows.append({"component": comp, "parameter": k, "value": float(v)})
        name = f"{base} (overridden)" if base else "custom"
        return _preset_from_rows(name, pd.DataFrame(rows, columns=["component",
                                                                   "parameter", "value"]))
    raise TypeError(f"delay_presets must be a preset name (one of {sorted(presets)}), a "
                    f"dict or a DataFrame of overrides, got {type(preset).__name__} "
                    f"{preset!r:.80}")


def preset_names() -> tuple[str, ...]:
    """The names of the shipped delay presets (``data/delay_presets.csv``)."""
    return tuple(_presets_cached(_table_key()))
