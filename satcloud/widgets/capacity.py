"""Capacity panel: subscribers per cell, activity factor and cell capacity against the
"up to 100 Mbps" claim (:func:`satcloud.links.per_user_throughput_mbps`)."""

from __future__ import annotations

import functools

import ipywidgets as W
import numpy as np
import pandas as pd

from satcloud import links, plots
from satcloud.widgets._base import FloatSlider, IntSlider, Panel, figure_png
from satcloud.widgets._common import _SLIDER, _png_image

__all__ = ["CapacityPanel", "default_cell_capacity_mbps"]


@functools.lru_cache(maxsize=1)
def _default_cell() -> dict:
    # the cell of notebook 02 (spectrum, reuse and beamwidth assumptions of
    # satcloud.scenarios.links), with a clear-sky carrier at 40 deg elevation
    from satcloud.scenarios import links as sl

    prof = links.get_profile("starlink_user_downlink")
    carrier = links.link_budget(prof, elevation_deg=40.0, atm_loss_db=0.0)
    budget = pd.DataFrame({"label": ["Ku"], "profile": [prof.name],
                           "bandwidth_mhz": [prof.bandwidth_mhz],
                           "throughput_mbps": [float(carrier["throughput_mbps"].iloc[0])]})
    return sl.cell_capacity(budget).iloc[0].to_dict()


def default_cell_capacity_mbps() -> float:
    """Capacity of one Starlink user beam: channels x clear-sky carrier throughput.

    :func:`satcloud.scenarios.links.cell_capacity` (2,000 MHz of Ku, 4-colour reuse over
    2 polarisations: 4 carriers of 250 MHz) with the ``starlink_user_downlink`` carrier
    at 40 deg elevation and no atmospheric loss. [Mbit/s]
    """
    return float(_default_cell()["cell_capacity_mbps"])


def _cell_area_km2() -> float:
    return float(_default_cell()["cell_area_km2"])


class CapacityPanel(Panel):
    """Per-user busy-hour throughput: does "up to 100 Mbps" hold?

    Controls: ``subscribers`` (per cell, 1-50,000), ``activity_factor`` (share active
    at the busy hour, 0.01-1), ``cell_capacity_mbps`` (100-20,000 Mbit/s; default
    :func:`default_cell_capacity_mbps`), ``claim_mbps`` (10-1,000 Mbit/s, default 100).

    ``result``: ``per_user_mbps`` (:func:`satcloud.links.per_user_throughput_mbps`),
    ``max_subscribers`` (:func:`satcloud.links.max_subscribers`), ``meets_claim``,
    ``table`` (:func:`satcloud.links.user_throughput_table` over a range of densities,
    cell area :func:`satcloud.links.cell_area_km2` of a 1.2 deg beam from 550 km).
    """

    panel_id = "capacity"

    def __init__(self, *, threaded: bool = True, **defaults):
        super().__init__("Capacity: how many subscribers before 'up to 100 Mbps' breaks?",
                         threaded=threaded)
        c = self.controls
        c["subscribers"] = IntSlider(value=1000, min=1, max=50_000, step=1,
                                       description="subscribers per cell", **_SLIDER)
        c["activity_factor"] = FloatSlider(value=links.capacity.BUSY_HOUR_ACTIVITY,
                                             min=0.01, max=1.0, step=0.01,
                                             description="busy-hour activity [-]",
                                             **_SLIDER)
        c["cell_capacity_mbps"] = FloatSlider(value=round(default_cell_capacity_mbps()),
                                                min=100.0, max=20_000.0, step=10.0,
                                                description="cell capacity [Mbit/s]",
                                                readout_format=".0f", **_SLIDER)
        c["claim_mbps"] = FloatSlider(value=100.0, min=10.0, max=1000.0, step=5.0,
                                        description="claimed rate [Mbit/s]",
                                        readout_format=".0f", **_SLIDER)
        c["subscribers"].add_class("satcloud-subscribers")
        self.summary = W.HTML()
        self.figures["capacity"] = _png_image("satcloud-capacity-figure")
        self.layout([self.summary, self.figures["capacity"]])
        self.start(defaults)

    def compute(self, values: dict, coarse: bool) -> dict:
        cap, n = values["cell_capacity_mbps"], values["subscribers"]
        a, claim = values["activity_factor"], values["claim_mbps"]
        per_user = float(links.per_user_throughput_mbps(cap, n, a))
        n_max = int(links.max_subscribers(cap, claim, a))
        area = _cell_area_km2()
        subs = np.unique(np.round(np.logspace(0, np.log10(100_000), 200)))
        table = links.user_throughput_table(cap, subs / area, area, a, claim)
        self.checkpoint()
        out = {"values": dict(values), "per_user_mbps": per_user, "max_subscribers": n_max,
               "meets_claim": per_user >= claim - 1e-9, "table": table,
               "cell_area_km2": area, "subscribers_per_km2": n / area}
        title = (f"{n:,} subscribers at {a:.0%} activity get {per_user:.0f} Mbit/s each "
                 f"from a {cap:,.0f} Mbit/s cell")
        fig = plots.per_user_throughput(table, claim_mbps=claim, max_subscribers=n_max,
                                        subscribers=n, per_user_mbps=per_user, title=title)
        out["png"] = figure_png(fig)
        return out

    def render(self, result: dict) -> None:
        v = result["values"]
        verdict = ("<b style='color:#009E73'>meets</b>" if result["meets_claim"]
                   else "<b style='color:#D55E00'>misses</b>")
        self.summary.value = (
            f"Per active subscriber: <b>{result['per_user_mbps']:.1f} Mbit/s</b>, "
            f"{verdict} the {v['claim_mbps']:g} Mbit/s claim; the claim holds up to "
            f"<b>{result['max_subscribers']:,}</b> subscribers per cell "
            f"({result['max_subscribers'] / result['cell_area_km2']:.1f} per km² over a "
            f"{result['cell_area_km2']:.0f} km² cell).")
        self.figures["capacity"].value = result["png"]
