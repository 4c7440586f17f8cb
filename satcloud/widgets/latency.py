"""Latency panel: RTT over time and its distribution against the physical floor, one
:func:`satcloud.latency.rtt` call per network."""

from __future__ import annotations

import functools
import html

import ipywidgets as W
import numpy as np
import pandas as pd

from satcloud import data, delays, plots, systems
from satcloud.widgets._base import FloatSlider, Panel, figure_png
from satcloud.widgets._common import _BOX, _SLIDER, _png_image
from satcloud.widgets.places import _place_controls, resolve_place

__all__ = ["GATEWAY_OPTIONS", "LAST_MILE_OPTIONS", "LATENCY_GRIDS", "LATENCY_NETWORKS",
           "LATENCY_START", "LatencyPanel", "available_destinations"]


#: Networks the explorer offers (``satcloud.latency.NETWORKS`` without the alias).
LATENCY_NETWORKS = tuple(systems.network_modes(include_aliases=False))
_LEO = {n for n, v in systems.networks().items() if v.kind == "leo"}
#: Default start of the panel's time grid (UTC): midnight of the latest ``as_of`` date of
#: the registry's real networks (``"starlink"``: 2026-04-02), inside the validity window
#: of its element sets, so every network, filed or real, is routed at the same times.
LATENCY_START = max(f"{n.as_of}T00:00:00" for n in systems.networks().values()
                    if n.as_of is not None)
#: Time grids (duration, step) of the coarse and full passes.
LATENCY_GRIDS = {"coarse": ("10min", "60s"), "full": ("30min", "30s")}
#: Gateway placements: (label, value for ``satcloud.latency.rtt(gateways=...)``).
GATEWAY_OPTIONS = [("default per network", None),
                   ("Starlink PoPs", "starlink-pops"), ("teleports", "teleports"),
                   ("Azure regions", "azure-regions"), ("AWS regions", "aws-regions"),
                   ("ground stations", "ground-stations"),
                   ("grid every 10°", "grid:10"), ("grid every 20°", "grid:20")]

#: Last-mile choices of the fibre user: (label, value for ``rtt(..., last_mile=...)``),
#: the technologies of :data:`satcloud.delays.LAST_MILE_TECHNOLOGIES`.
LAST_MILE_OPTIONS = [({"ftth": "fibre to the home", "cable": "cable (DOCSIS)",
                       "dsl": "DSL", "5g_fwa": "5G fixed wireless"}.get(t, t), t)
                     for t in delays.LAST_MILE_TECHNOLOGIES]


def available_destinations() -> list[tuple[str, str]]:
    """Destination choices: (label, value) with the nearest-region shortcuts first."""
    out = [("nearest Azure region", "nearest Azure region"),
           ("nearest AWS region", "nearest AWS region")]
    for r, d in zip(data.azure_regions()["region"], data.azure_regions()["display_name"],
                    strict=True):
        out.append((f"Azure {r}: {d}", str(r)))
    for r, d in zip(data.aws_regions()["region"], data.aws_regions()["display_name"],
                    strict=True):
        out.append((f"AWS {r}: {d}", str(r)))
    return out


class LatencyPanel(Panel):
    """Latency explorer: RTT over time and its distribution against the physical floor.

    Controls: ``source`` (city, remote site, ``"lat, lon"`` or :data:`TYPED_PLACE`),
    ``lat_deg``/``lon_deg`` (typed source), ``destination`` (nearest Azure/AWS region
    or a named region, :func:`available_destinations`), ``networks`` (several of
    :data:`LATENCY_NETWORKS`), ``isl`` (LEO networks over laser links, else bent pipe),
    ``gateways`` (:data:`GATEWAY_OPTIONS`), ``route_factor`` (fibre route factor behind
    the gateways and of the terrestrial path, 1-3), ``delay_model`` (the model the
    figure and the percentiles show: ``"propagation"``, ``"idle"`` or ``"loaded"``,
    :data:`satcloud.delays.DELAY_MODELS`; default ``"idle"``, what a user measures) and
    ``last_mile`` (the fibre user's access line, :data:`LAST_MILE_OPTIONS`).

    The time grid starts at ``start`` (default :data:`LATENCY_START`, inside the
    validity window of the real networks' element sets); a grid that leaves the window
    of a selected real network (:meth:`satcloud.constellations.Constellation.
    validity_window`) is an inline error naming the window, never a propagation far
    from the element epochs.

    Each network is one :func:`satcloud.latency.rtt` call with ``delay_model="loaded"``
    (:meth:`network_rtt`); the terrestrial path is ``rtt("fibre", route_factor, ...,
    last_mile=...)`` (for fibre the mode is the route factor, so its rows read
    ``mode = "route factor 2.1"``). Its components give the three models side by side
    (:meth:`by_delay_model`): ``rtt_ms`` is the sum of the propagation round trip and
    the medians of ``access_ms``, ``last_mile_ms`` and ``queueing_ms``, so the idle
    round trip is ``rtt_ms - queueing_ms`` and the propagation one ``rtt_ms`` minus all
    three -- the numbers ``rtt(..., delay_model="idle")`` and ``"propagation"`` return,
    without routing the network three times. Coarse pass 10 min at 60 s, full 30 min
    at 30 s (:data:`LATENCY_GRIDS`).

    ``result``: ``rtt`` (tidy rows of the chosen model: ``rtt_ms``, and
    ``rtt_propagation_ms``, ``rtt_idle_ms``, ``rtt_loaded_ms`` side by side),
    ``rtt_loaded`` (the :func:`~satcloud.latency.rtt` rows as returned), ``summary``
    (:func:`satcloud.latency.summarize` of the chosen model, with
    ``propagation_median_ms``, ``idle_median_ms`` and ``loaded_median_ms``),
    ``floor_ms``, ``delay_model``.
    """

    has_coarse = True
    panel_id = "latency"

    def __init__(self, *, threaded: bool = True, grids: dict | None = None, start=None,
                 **defaults):
        from satcloud.time import to_time

        super().__init__("Latency explorer: how close is the cloud over each network?",
                         threaded=threaded)
        self.grids = dict(LATENCY_GRIDS if grids is None else grids)
        self.start_time = to_time(LATENCY_START if start is None else start, "start")
        if not self.start_time.isscalar:
            raise TypeError("start must be a single time")
        c = self.controls
        box, la, lo = _place_controls("Nairobi", -1.28, 36.82, "source")
        c["source"], c["lat_deg"], c["lon_deg"] = box, la, lo
        box.add_class("satcloud-source")
        c["destination"] = W.Dropdown(options=available_destinations(),
                                      value="nearest Azure region",
                                      description="destination", **_BOX)
        c["networks"] = W.SelectMultiple(options=list(LATENCY_NETWORKS),
                                         value=("fibre", "geo", "o3b-mpower",
                                                "starlink-gen1", "kuiper"),
                                         rows=len(LATENCY_NETWORKS),
                                         description="networks", **_BOX)
        c["isl"] = W.Checkbox(value=True, description="LEO over laser links (ISL)",
                              indent=True, **_BOX)
        c["gateways"] = W.Dropdown(options=GATEWAY_OPTIONS, value=None,
                                   description="gateways", **_BOX)
        c["route_factor"] = FloatSlider(value=2.1, min=1.0, max=3.0, step=0.05,
                                          description="fibre route factor [-]", **_SLIDER)
        c["route_factor"].add_class("satcloud-route-factor")
        c["delay_model"] = W.ToggleButtons(options=list(delays.DELAY_MODELS), value="idle",
                                           description="delay model",
                                           style={"description_width": "170px"})
        c["delay_model"].add_class("satcloud-delay-model")
        c["last_mile"] = W.Dropdown(options=LAST_MILE_OPTIONS,
                                    value=delays.DEFAULT_LAST_MILE,
                                    description="fibre user's last mile", **_BOX)
        c["last_mile"].add_class("satcloud-last-mile")
        self.summary = W.HTML()
        self.figures["rtt"] = _png_image("satcloud-rtt-figure")
        self.layout([self.summary, self.figures["rtt"]])
        self.start(defaults)

    def validate(self, values: dict) -> None:
        if not values["networks"]:
            raise ValueError("networks: select at least one network")
        try:
            resolve_place(values["source"], values["lat_deg"], values["lon_deg"])
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"source: {exc}") from None

    @staticmethod
    def source_table(values: dict) -> pd.DataFrame:
        """The one-row source table (``name``, ``lat_deg``, ``lon_deg``)."""
        label, lat, lon = resolve_place(values["source"], values["lat_deg"],
                                        values["lon_deg"])
        return pd.DataFrame({"name": [label], "lat_deg": [lat], "lon_deg": [lon]})

    @staticmethod
    def network_rtt(values: dict, network: str, times) -> pd.DataFrame:
        """The :func:`satcloud.latency.rtt` rows of one network, ``delay_model="loaded"``
        (every component a column; :meth:`by_delay_model` gives the three models)."""
        from satcloud import latency

        src = LatencyPanel.source_table(values)
        if network == "fibre":
            # for fibre the mode is the route factor (mode "route factor 2.1")
            return latency.rtt("fibre", float(values["route_factor"]), src,
                               values["destination"], times, return_paths=False,
                               delay_model="loaded", last_mile=values["last_mile"])
        mode = "isl" if (network in _LEO and values["isl"]) else "bent-pipe"
        return latency.rtt(network, mode, src, values["destination"], times,
                           route_factor=values["route_factor"],
                           gateways=values["gateways"], return_paths=False,
                           delay_model="loaded")

    @staticmethod
    def by_delay_model(loaded: pd.DataFrame, delay_model: str) -> pd.DataFrame:
        """Rows of :meth:`network_rtt` as the chosen delay model, all three side by side.

        Parameters
        ----------
        loaded : pandas.DataFrame
            :func:`satcloud.latency.rtt` rows with ``delay_model="loaded"``.
        delay_model : {"propagation", "idle", "loaded"}
            The model ``rtt_ms`` holds.

        Returns
        -------
        pandas.DataFrame
            The rows with ``rtt_propagation_ms`` (``rtt_ms`` minus ``access_ms``,
            ``last_mile_ms`` and ``queueing_ms``), ``rtt_idle_ms`` (minus
            ``queueing_ms``), ``rtt_loaded_ms`` and ``rtt_ms`` the chosen one of them;
            the loaded model's components and per-packet percentiles are dropped. [ms]
        """
        from satcloud._validate import check_choice

        check_choice(delay_model, "delay_model", delays.DELAY_MODELS)
        df = loaded.copy()
        total = df["rtt_ms"]
        df["rtt_idle_ms"] = total - df["queueing_ms"]
        df["rtt_propagation_ms"] = df["rtt_idle_ms"] - df["access_ms"] - df["last_mile_ms"]
        df["rtt_loaded_ms"] = total
        df["rtt_ms"] = df[f"rtt_{delay_model}_ms"]
        df["delay_model"] = delay_model
        return df.drop(columns=["access_ms", "last_mile_ms", "queueing_ms", "rtt_p05_ms",
                                "rtt_p95_ms"])

    def compute(self, values: dict, coarse: bool) -> dict:
        from satcloud import latency, time

        duration, step = self.grids["coarse" if coarse else "full"]
        times = time.time_grid(self.start_time, duration, step)
        frames = []
        nets = list(values["networks"])
        for net in nets:
            _check_validity(net, times)
        for i, net in enumerate(nets):
            self.progress(i / len(nets), f"{net} ({'coarse' if coarse else 'full'})…")
            frames.append(self.network_rtt(values, net, times))
        self.checkpoint()
        loaded = pd.concat(frames, ignore_index=True)
        model = values["delay_model"]
        df = self.by_delay_model(loaded, model)
        summary = latency.summarize(df)
        for m in delays.DELAY_MODELS:
            s = latency.summarize(df.assign(rtt_ms=df[f"rtt_{m}_ms"]))
            summary[f"{m}_median_ms"] = s["rtt_median_ms"].to_numpy()
        # the physical floor: vacuum RTT to the closest candidate destination
        col = "target_floor_ms" if "target_floor_ms" in df.columns else "floor_ms"
        floor = float(df[col].min())
        src = str(df["source"].iloc[0])
        out = {"rtt": df, "rtt_loaded": loaded, "summary": summary, "floor_ms": floor,
               "source": src, "delay_model": model, "coarse": coarse}
        self.progress(0.95, "drawing…")
        out["png"] = self._figure(df, summary, floor, src, values,
                                  f"{times[0].isot[:16].replace('T', ' ')} UTC")
        return out

    @staticmethod
    def _figure(df, summary, floor, src, values, time_origin) -> bytes:
        s = summary.dropna(subset=["rtt_median_ms"])
        if len(s):
            best = s.loc[s["rtt_median_ms"].astype(float).idxmin()]
            what = (f"best median {float(best['rtt_median_ms']):.0f} ms over {best['network']}"
                    f" ({best['mode']})")
        else:
            what = "no network reaches the destination"
        title = (f"{src} → {values['destination']}, {values['delay_model']} RTT: {what}; "
                 f"physical floor {floor:.0f} ms")
        return figure_png(plots.rtt_over_time(df, floor, time_origin=time_origin,
                                              title=title))

    def render(self, result: dict) -> None:
        s = result["summary"]
        model = result["delay_model"]

        def cell(value, m):
            text = _fmt_na(value)
            return (f"<td style='text-align:right'>{'<b>' + text + '</b>' if m == model else text}"
                    "</td>")
        rows = "".join(
            f"<tr><td>{html.escape(str(r.network))}</td><td>{html.escape(str(r.mode))}</td>"
            f"<td>{html.escape(str(r.target))}</td>"
            f"<td style='text-align:right'>{_fmt_na(r.floor_ms)}</td>"
            + "".join(cell(getattr(r, f"{m}_median_ms"), m) for m in delays.DELAY_MODELS)
            + f"<td style='text-align:right'>{_fmt_na(r.rtt_p95_ms)}</td>"
            f"<td style='text-align:right'>{r.fraction_reachable:.0%}</td></tr>"
            for r in s.itertuples(index=False))
        note = " (coarse preview)" if result["coarse"] else ""
        self.summary.value = (
            f"From <b>{html.escape(result['source'])}</b>: vacuum floor "
            f"<b>{result['floor_ms']:.1f} ms</b>; the figure and the 95th percentile show "
            f"the <b>{html.escape(model)}</b> model{note}"
            "<table class='satcloud-rtt' style='font-size:12px'><tr><th>network</th>"
            "<th>mode</th><th>destination</th><th>floor [ms]</th>"
            "<th>propagation median [ms]</th><th>idle median [ms]</th>"
            "<th>loaded median [ms]</th>"
            f"<th>95th pct [ms]</th><th>reachable</th></tr>{rows}</table>")
        self.figures["rtt"].value = result["png"]


@functools.lru_cache(maxsize=8)
def _validity_window(network: str):
    """(start, end) of a real network's element sets, ``None`` for a filed one."""
    from satcloud.constellations import network_constellation

    if systems.network(network).as_of is None:
        return None
    return network_constellation(network).validity_window()


def _check_validity(network: str, times) -> None:
    """A real network's times must lie inside its element sets' validity window."""
    window = _validity_window(network)
    if window is None:
        return
    lo, hi = window
    if times[0] < lo or times[-1] > hi:
        raise ValueError(
            f"start: the times {times[0].isot[:16]} to {times[-1].isot[:16]} UTC leave the "
            f"validity window of network {network!r} ({lo.isot[:16]} to {hi.isot[:16]} "
            "UTC, its element sets of "
            f"{systems.network(network).as_of}); choose a start inside it")


def _fmt_na(value) -> str:
    return "–" if value is pd.NA or value is None or not np.isfinite(float(value)) \
        else f"{float(value):.1f}"
