"""Network capacity panel: can the constellation carry the busy hour?
(:func:`satcloud.capacity.network_capacity`, issue 15 point 5)."""

from __future__ import annotations

import functools
import html

import ipywidgets as W
import numpy as np
import pandas as pd

from satcloud import plots
from satcloud.widgets._base import FloatSlider, Panel, figure_png
from satcloud.widgets._common import _BOX, _SLIDER, _png_image

__all__ = ["CAPACITY_NETWORKS", "CAPACITY_TIME", "NetworkCapacityPanel", "gateway_sites",
           "satellite_generations"]

#: Networks the panel offers: those with capacity presets in ``data/capacity_presets.csv``.
CAPACITY_NETWORKS = ("starlink-gen1", "starlink", "kuiper", "oneweb")
#: The snapshot (UTC): 20:00 on 2 April 2026, inside the validity window of the real
#: Starlink's element sets (the evening busy hour over Europe and Africa).
CAPACITY_TIME = "2026-04-02T20:00:00"


def satellite_generations() -> list[tuple[str, str | None]]:
    """Satellite generation choices: (label, capacity preset) of every
    ``satellite_capacity_gbps`` row of :func:`satcloud.capacity.capacity_presets`.

    The label is the generation its source names (the text before the first colon,
    e.g. ``"Starlink V2 mini"``) and the capacity per satellite; the first choice,
    ``None``, keeps each network's own preset.

    Returns
    -------
    list of tuple
        ``(label, preset)``, preset ``None`` first.
    """
    from satcloud import capacity

    t = capacity.capacity_presets()
    rows = t[t["parameter"] == "satellite_capacity_gbps"]
    out: list[tuple[str, str | None]] = [("the network's own", None)]
    for preset, value, source in zip(rows["preset"], rows["value"], rows["source"],
                                     strict=True):
        name = str(source).split(":")[0].strip() or str(preset)
        out.append((f"{name}: {float(value):g} Gbit/s per satellite", str(preset)))
    return out


def _preset_value(preset: str, parameter: str) -> float:
    from satcloud import capacity

    t = capacity.capacity_presets(preset)
    row = t[t["parameter"] == parameter]
    if row.empty:
        raise ValueError(f"capacity preset {preset!r} has no {parameter}; presets with one: "
                         f"{sorted(set(capacity.capacity_presets().query('parameter == @parameter')['preset']))}")
    return float(row["value"].iloc[0])


@functools.lru_cache(maxsize=16)
def _demand(preset: str, take_rate_scale: float, countries) -> pd.DataFrame:
    from satcloud import capacity

    base = capacity.demand(preset, countries=countries)
    rate = take_rate_scale * float(base["take_rate"].max())
    return capacity.demand(preset, take_rate=rate, countries=countries)


def gateway_sites(network: str, share: float) -> pd.DataFrame | None:
    """The gateway sites kept when only ``share`` of a network's sites remain.

    The largest sites stay: sorted by antenna count (where the table has one, the real
    Starlink sites), ties and tables without counts in their table order, and the first
    ``max(1, round(share x n))`` kept. ``share`` 1 keeps the network's own gateways
    (``None``: :func:`satcloud.capacity.network_capacity`'s default).

    Parameters
    ----------
    network : str
        A network of :data:`CAPACITY_NETWORKS`.
    share : float
        Share of the gateway sites kept, in (0, 1]. [-]

    Returns
    -------
    pandas.DataFrame or None
        A table for ``network_capacity(..., gateways=...)``, or ``None`` for all.
    """
    from satcloud import systems
    from satcloud._validate import check_range
    from satcloud.network.gateways import gateways

    share = float(check_range(share, "share", 0.0, 1.0, unit="-"))
    if share <= 0.0:
        raise ValueError(f"share must be in (0, 1], got {share!r}")
    if share == 1.0:
        return None
    gw = gateways(systems.network(network).gateways)
    order = (np.argsort(-gw["antennas"].to_numpy(float), kind="stable")
             if "antennas" in gw else np.arange(len(gw)))
    keep = max(1, int(round(share * len(gw))))
    return gw.iloc[np.sort(order[:keep])].reset_index(drop=True)


@functools.lru_cache(maxsize=16)
def _solve(network, time, preset, take_rate_scale, generation, gateway_scale, countries,
           gateway_share=1.0):
    from satcloud import capacity

    overrides = NetworkCapacityPanel.overrides({"network": network, "generation": generation,
                                                "gateway_scale": gateway_scale})
    return capacity.network_capacity(network, time, _demand(preset, take_rate_scale,
                                                            countries),
                                     overrides=overrides or None,
                                     gateways=gateway_sites(network, gateway_share))


class NetworkCapacityPanel(Panel):
    """Network capacity: the busy-hour demand where people are, carried to the cloud.

    Controls: ``network`` (:data:`CAPACITY_NETWORKS`), ``demand_preset`` (subscribers,
    activity and rate, :data:`satcloud.capacity.DEMAND_PRESETS`), ``take_rate_scale``
    (times the preset's take rate, 0.1-10), ``generation`` (a satellite capacity preset,
    :func:`satellite_generations`: e.g. Starlink v1.5 against V2 mini on the same
    constellation), ``gateway_scale`` (times each gateway antenna's capacity, 0.25-4:
    the gateways' total capacity and each feeder link scale together) and
    ``gateway_share`` (the share of the network's gateway sites kept, 0.1-1, the
    largest first: :func:`gateway_sites`).

    One :func:`satcloud.capacity.network_capacity` snapshot at ``time`` (default
    :data:`CAPACITY_TIME`) over the demand of ``countries`` (default ``"served"``,
    :func:`satcloud.capacity.demand`, the whole 1 degree grid). The snapshot takes seconds, so a control change does not recompute:
    the *compute* button does (``auto_update=True`` restores recompute-on-change), and
    results are cached per setting. :meth:`Panel.set` computes at once.

    ``result``: ``capacity`` (the :class:`~satcloud.capacity.CapacityResult`),
    ``offered_gbps``, ``served_gbps``, ``served_fraction``, ``subscribers``,
    ``per_subscriber_mbps`` (served over subscribers, busy hour), ``binding`` (the
    element type holding the largest share of the minimum cut apart from the demand
    itself, ``None`` when only demand binds) and ``binding_share``.
    """

    panel_id = "network_capacity"

    def __init__(self, *, threaded: bool = True, time: str = CAPACITY_TIME,
                 countries="served", auto_update: bool = False, **defaults):
        from satcloud import capacity

        super().__init__("Network capacity: can the constellation carry the busy hour?",
                         threaded=threaded)
        self.time = time
        self.countries = tuple(countries) if isinstance(countries, list | tuple) \
            else countries
        self.auto_update = bool(auto_update)
        c = self.controls
        c["network"] = W.Dropdown(options=list(CAPACITY_NETWORKS), value="starlink-gen1",
                                  description="network", **_BOX)
        c["demand_preset"] = W.Dropdown(options=list(capacity.DEMAND_PRESETS),
                                        value=capacity.DEMAND_PRESETS[-1],
                                        description="subscribers (preset)", **_BOX)
        c["take_rate_scale"] = FloatSlider(value=1.0, min=0.1, max=10.0, step=0.1,
                                           description="take rate [x preset]", **_SLIDER)
        c["take_rate_scale"].add_class("satcloud-take-rate")
        c["generation"] = W.Dropdown(options=satellite_generations(), value=None,
                                     description="satellite generation", **_BOX)
        c["gateway_scale"] = FloatSlider(value=1.0, min=0.25, max=4.0, step=0.25,
                                         description="gateway capacity [x preset]",
                                         **_SLIDER)
        c["gateway_share"] = FloatSlider(value=1.0, min=0.1, max=1.0, step=0.1,
                                         description="gateway sites kept [share]",
                                         **_SLIDER)
        self.button = W.Button(description="compute", button_style="primary",
                               tooltip="solve the snapshot for these settings")
        self.button.add_class("satcloud-compute")
        self.button.on_click(lambda _b: self.update())
        self.summary = W.HTML()
        self.table = W.HTML()
        self.figures["served"] = _png_image("satcloud-network-capacity-figure")
        self.layout([self.summary, W.HBox([self.table, self.figures["served"]])],
                    controls=[*c.values(), self.button])
        self.start(defaults)

    def _on_change(self, change) -> None:
        if self._hold:
            return
        if self.auto_update:
            self.update()
        else:
            self.status.value = "<i>settings changed: press compute</i>"

    @staticmethod
    def overrides(values: dict) -> dict:
        """The ``overrides`` of :func:`satcloud.capacity.network_capacity` for the
        control values: the generation's ``satellite_capacity_gbps`` and the network's
        ``gateway_antenna_gbps`` times ``gateway_scale``.

        Parameters
        ----------
        values : dict
            ``network``, ``generation`` (a preset or ``None``) and ``gateway_scale``.
        """
        out = {}
        if values["generation"] is not None:
            out["satellite_capacity_gbps"] = _preset_value(values["generation"],
                                                           "satellite_capacity_gbps")
        if values["gateway_scale"] != 1.0:
            out["gateway_antenna_gbps"] = values["gateway_scale"] * _preset_value(
                values["network"], "gateway_antenna_gbps")
        return out

    def demand_table(self, values: dict) -> pd.DataFrame:
        """The :func:`satcloud.capacity.demand` table the panel solves: the preset's
        take rate times ``take_rate_scale``.

        Parameters
        ----------
        values : dict
            ``demand_preset`` and ``take_rate_scale``.
        """
        return _demand(values["demand_preset"], float(values["take_rate_scale"]),
                       self.countries)

    def compute(self, values: dict, coarse: bool) -> dict:
        self.progress(0.1, "building the snapshot and solving the maximum flow…")
        r = _solve(values["network"], self.time, values["demand_preset"],
                   float(values["take_rate_scale"]), values["generation"],
                   float(values["gateway_scale"]), self.countries,
                   float(values["gateway_share"]))
        self.checkpoint()
        tot = r.totals.iloc[0]
        subs = float(r.cells["subscribers"].sum())
        served = float(tot["served_gbps"])
        summ = r.summary
        supply = summ[summ["element_type"].astype(str) != "demand"]
        share = supply["binding_share"].to_numpy(float)
        binding = None
        if len(share) and share.max() > 0:
            binding = str(supply["element_type"].iloc[int(np.argmax(share))])
        out = {"capacity": r, "offered_gbps": float(tot["offered_gbps"]),
               "served_gbps": served, "served_fraction": float(tot["served_fraction"]),
               "subscribers": subs,
               "per_subscriber_mbps": served * 1e3 / subs if subs > 0 else 0.0,
               "binding": binding,
               "binding_share": float(share.max()) if binding is not None else 0.0,
               "coarse": coarse}
        self.progress(0.8, "drawing…")
        title = (f"{values['network']} at {pd.Timestamp(self.time):%Y-%m-%d %H:%M} UTC: "
                 f"{out['served_fraction']:.0%} of the busy-hour demand served")
        cells = r.cells[["lat_deg", "lon_deg", "served_fraction"]]
        out["png"] = figure_png(plots.coverage_map(
            cells, 1.0, column="served_fraction",
            colorbar_label="served share of the offered demand [-]", title=title))
        return out

    def render(self, result: dict) -> None:
        binding = result["binding"]
        limit = ("only the demand itself: everything offered is carried" if binding is None
                 else f"<b>{html.escape(binding)}</b> ({result['binding_share']:.0%} of the "
                 "minimum cut)")
        self.summary.value = (
            f"Served <b>{result['served_gbps']:,.0f}</b> of {result['offered_gbps']:,.0f} "
            f"Gbit/s offered: <b>{result['served_fraction']:.1%}</b>; per subscriber "
            f"<b>{result['per_subscriber_mbps']:.2f} Mbit/s</b> busy-hour average over "
            f"{result['subscribers'] / 1e6:,.2f} M subscribers; binding element: {limit}.")
        s = result["capacity"].summary
        rows = "".join(
            f"<tr><td>{html.escape(str(r.element_type))}</td>"
            f"<td style='text-align:right'>{r.n_elements:,}</td>"
            f"<td style='text-align:right'>{r.capacity_gbps:,.0f}</td>"
            f"<td style='text-align:right'>{r.flow_gbps:,.0f}</td>"
            f"<td style='text-align:right'>{r.utilisation:.0%}</td>"
            f"<td style='text-align:right'>{r.binding_share:.0%}</td></tr>"
            for r in s.itertuples(index=False))
        self.table.value = (
            "<table class='satcloud-network-capacity' style='font-size:12px'><tr>"
            "<th>element</th><th>count</th><th>capacity [Gbit/s]</th><th>flow [Gbit/s]</th>"
            f"<th>utilisation</th><th>share of the cut</th></tr>{rows}</table>")
        self.figures["served"].value = result["png"]
