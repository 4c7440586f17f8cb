"""Link budget panel: profile, dish, rain availability, place and elevation ->
:func:`satcloud.links.link_budget` and the margin/throughput curve over elevation."""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np
import pandas as pd

from satcloud import links, plots
from satcloud._validate import renamed_keywords
from satcloud.widgets._base import FloatSlider, Panel, figure_png
from satcloud.widgets._common import _BOX, _SLIDER, _fmt, _png_image
from satcloud.widgets.places import _place_controls, resolve_place

__all__ = ["AVAILABILITY_OPTIONS", "BUDGET_TERMS", "LinkBudgetPanel", "dish_overrides"]


@renamed_keywords(diameter_m="antenna_diameter_m")
def dish_overrides(profile, antenna_diameter_m) -> dict:
    """Profile overrides that put a ground dish of another size on a link.

    Downlinks: the receive dish becomes ``antenna_diameter_m`` (gain from the dish and the
    profile's aperture efficiency, Maral and Bousquet [1]_ ch. 5, replacing any given gain).
    Uplinks: the transmit dish becomes ``antenna_diameter_m`` at the same transmit power, so
    the EIRP changes with the gain, by ``20 log10(D / D_profile)``
    (:func:`satcloud.links.antennas.eirp_with_dish_dbw`). Either way the
    ground antenna used for scintillation changes too.

    Parameters
    ----------
    profile : str or LinkProfile
        Link profile.
    antenna_diameter_m : float
        Ground dish diameter, in (0, 100] (the largest steerable dishes are ~100 m);
        spelled ``diameter_m`` before issue 12 (still accepted for one release, with a
        ``DeprecationWarning``). [m]

    Returns
    -------
    dict
        Field -> value, for ``link_budget(..., overrides=...)``.

    References
    ----------
    .. [1] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems,
       Techniques and Technology*, 5th ed., Wiley, 2009 (DOI not verified).
    """
    from satcloud.links.antennas import eirp_with_dish_dbw
    from satcloud.network._checks import finite_scalar

    prof = links.get_profile(profile)
    d = finite_scalar(antenna_diameter_m, "antenna_diameter_m", 0.0, 100.0, low_open=True, unit="m")
    out = {"ground_antenna_diameter_m": d}
    if prof.direction == "downlink":
        if prof.rx_gt_db_per_k is None:
            out.update(rx_antenna_diameter_m=d, rx_gain_dbi=None)
    else:
        out["eirp_dbw"] = float(eirp_with_dish_dbw(prof.eirp_dbw, d,
                                                   prof.ground_antenna_diameter_m))
    return out


#: Rain availability choices: (label, p_percent) with availability = 100 - p. [%]
AVAILABILITY_OPTIONS = [(f"{100.0 - p:g} %", p) for p in
                        (5.0, 2.0, 1.0, 0.5, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.001)]
_P_VALUES = [p for _, p in AVAILABILITY_OPTIONS]

#: Terms of the budget table the panel shows (the full table: ``links.budget_table``).
BUDGET_TERMS = [
    "freq_ghz", "bandwidth_mhz", "range_km", "elevation_deg", "p_percent", "eirp_dbw",
    "fspl_db", "gas_db", "cloud_db", "rain_db", "scintillation_db", "atm_total_db",
    "other_losses_db", "rx_gain_dbi", "sky_noise_k", "gt_db_per_k", "cn0_dbhz", "cn_db",
    "ci_total_db", "cni_db", "esn0_db", "modcod", "required_esn0_db",
    "implementation_margin_db", "margin_db", "fade_margin_db", "throughput_mbps",
    "shannon_mbps",
]


def _nearest_p(p: float) -> float:
    return min(_P_VALUES, key=lambda v: abs(np.log(v) - np.log(p)))


class LinkBudgetPanel(Panel):
    """Link budget of one hop: profile, dish, rain availability, place, elevation.

    Controls (``panel.controls``): ``profile`` (dropdown of
    :func:`satcloud.links.profile_names`), ``antenna_diameter_m`` (ground dish diameter,
    0.2-8 m; reset to the profile's on a profile change; ``dish_m`` before issue 12),
    ``p_percent`` (rain availability 95-99.999 % of an average year, stored as the
    exceedance percentage p), ``place``
    (city, remote site, ``"lat, lon"`` or :data:`TYPED_PLACE`), ``lat_deg`` and
    ``lon_deg`` (typed coordinates), ``elevation_deg`` (5-90 deg).

    Outputs: the summary line (margin, MODCOD, throughput), the budget table (terms of
    :data:`BUDGET_TERMS` from :func:`satcloud.links.budget_table`) and a figure of
    margin and throughput versus elevation at that place (``figures["budget"]``).
    ``result`` holds ``budget`` (the :func:`~satcloud.links.link_budget` row),
    ``table``, ``curve`` (the budget over elevation), ``margin_db``, ``modcod``,
    ``throughput_mbps``, ``place``, ``lat_deg``, ``lon_deg``.
    """

    has_coarse = True
    panel_id = "link_budget"
    renamed_controls = {"dish_m": "antenna_diameter_m"}

    def __init__(self, *, threaded: bool = True, **defaults):
        super().__init__("Link budget: what does the weather leave of the link?",
                         threaded=threaded)
        names = links.profile_names()
        profile = defaults.pop("profile", "starlink_user_downlink")
        prof = links.get_profile(profile)
        c = self.controls
        c["profile"] = W.Dropdown(options=names, value=prof.name, description="profile",
                                  **_BOX)
        c["antenna_diameter_m"] = FloatSlider(value=prof.ground_antenna_diameter_m, min=0.2,
                                              max=8.0, step=0.01, description="ground dish [m]",
                                              readout_format=".2f", **_SLIDER)
        c["p_percent"] = W.SelectionSlider(options=AVAILABILITY_OPTIONS,
                                           value=_nearest_p(prof.p_percent),
                                           description="rain availability [%]", **_SLIDER)
        box, la, lo = _place_controls("Singapore", 1.29, 103.85)
        c["place"], c["lat_deg"], c["lon_deg"] = box, la, lo
        c["elevation_deg"] = FloatSlider(value=40.0, min=5.0, max=90.0, step=0.5,
                                           description="elevation [deg]", **_SLIDER)
        c["elevation_deg"].add_class("satcloud-elevation")
        self.summary = W.HTML()
        self.table = W.HTML()
        self.figures["budget"] = _png_image("satcloud-budget-figure")
        self.layout([self.summary, W.HBox([self.table, self.figures["budget"]])])
        c["profile"].observe(self._profile_changed, names="value")
        self.start(defaults)

    def _profile_changed(self, change) -> None:
        prof = links.get_profile(change["new"])
        was, self._hold = self._hold, True
        try:
            self.controls["antenna_diameter_m"].value = prof.ground_antenna_diameter_m
            self.controls["p_percent"].value = _nearest_p(prof.p_percent)
        finally:
            self._hold = was

    @staticmethod
    def budget(values: dict, elevation_deg=None, method="direct") -> pd.DataFrame:
        """The :func:`satcloud.links.link_budget` the panel shows for ``values``."""
        _, lat, lon = resolve_place(values["place"], values["lat_deg"], values["lon_deg"])
        el = values["elevation_deg"] if elevation_deg is None else elevation_deg
        return links.link_budget(values["profile"], elevation_deg=el, lat_deg=lat,
                                 lon_deg=lon, p_percent=values["p_percent"],
                                 overrides=dish_overrides(values["profile"],
                                                          values["antenna_diameter_m"]),
                                 method=method)

    def compute(self, values: dict, coarse: bool) -> dict:
        label, lat, lon = resolve_place(values["place"], values["lat_deg"], values["lon_deg"])
        budget = self.budget(values)
        self.checkpoint()
        row = budget.iloc[0]
        full = links.budget_table(budget)
        table = full.set_index("term").loc[BUDGET_TERMS].reset_index()
        out = {"budget": budget, "table": table, "place": label, "lat_deg": lat,
               "lon_deg": lon, "margin_db": float(row["margin_db"]),
               "fade_margin_db": float(row["fade_margin_db"]),
               "modcod": str(row["modcod"]), "throughput_mbps": float(row["throughput_mbps"]),
               "outage": bool(row["outage"]), "coarse": coarse}
        if coarse:
            return out
        self.progress(0.5, "budget over elevation…")
        el = np.arange(5.0, 90.01, 1.0)
        curve = self.budget(values, elevation_deg=el, method="interp")
        self.checkpoint()
        out["curve"] = curve
        out["png"] = self._figure(values, out, curve)
        return out

    def _figure(self, values, out, curve) -> bytes:
        prof = links.get_profile(values["profile"])
        avail = 100.0 - values["p_percent"]
        title = (f"{out['place']}, {avail:g} % of the year: {out['modcod']} at "
                 f"{values['elevation_deg']:g}°, {out['throughput_mbps']:.0f} Mbit/s, "
                 f"margin {out['margin_db']:.1f} dB")
        return figure_png(plots.link_budget_curves(
            curve, elevation_deg=values["elevation_deg"], margin_db=out["margin_db"],
            throughput_mbps=out["throughput_mbps"],
            min_elevation_deg=prof.min_elevation_deg, system=prof.system, title=title))

    def render(self, result: dict) -> None:
        status = "<b style='color:#D55E00'>OUTAGE</b>" if result["outage"] else ""
        self.summary.value = (
            f"<b>{html.escape(result['place'])}</b> ({result['lat_deg']:.2f}°, "
            f"{result['lon_deg']:.2f}°): MODCOD <b>{html.escape(result['modcod'])}</b>, "
            f"throughput <b>{result['throughput_mbps']:.0f} Mbit/s</b>, margin "
            f"<b>{result['margin_db']:.2f} dB</b>, fade margin "
            f"{result['fade_margin_db']:.2f} dB {status}")
        t = result["table"]
        rows = "".join(
            f"<tr><td>{html.escape(str(term))}</td><td style='text-align:right'>"
            f"{_fmt(val)}</td><td>{html.escape(unit)}</td></tr>"
            for term, val, unit in zip(t["term"], t["value"], t["unit"], strict=True))
        self.table.value = ("<table class='satcloud-budget' style='font-size:12px'>"
                            "<tr><th>term</th><th>value</th><th>unit</th></tr>"
                            f"{rows}</table>")
        if "png" in result:
            self.figures["budget"].value = result["png"]
