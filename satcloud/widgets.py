"""What-if panels: ipywidgets front ends over the package's model functions.

Four panels, each a thin layer over functions the tests call directly:

- :class:`LinkBudgetPanel` -- profile, dish size, rain availability, place and
  elevation -> :func:`satcloud.links.link_budget` (the budget table, margin, MODCOD,
  throughput) and the margin/throughput curve over elevation;
- :class:`CapacityPanel` -- subscribers per cell, activity factor, cell capacity ->
  :func:`satcloud.links.per_user_throughput_mbps` and
  :func:`satcloud.links.user_throughput_table` against the "up to 100 Mbps" claim;
- :class:`ConstellationPanel` -- a Walker design (altitude, inclination, planes,
  satellites per plane, phasing) or a named constellation and its deployed fraction,
  minimum elevation -> :func:`satcloud.orbits.propagate` and
  :func:`satcloud.coverage.grid_coverage`: coverage map and satellites in view versus
  latitude;
- :class:`LatencyPanel` -- source, destination, networks, ISL on/off, gateway placement,
  fibre route factor -> :func:`satcloud.latency.rtt`: RTT time series and distribution
  with the physical (vacuum) floor.

Each panel computes in a background thread, coarse first where the computation is
costly, and a change made while one runs supersedes it (:mod:`satcloud._panel`). Sliders
bound every numeric control; a value outside a slider's range (given as a default, with
:meth:`~satcloud._panel.Panel.set` or through shared widget state) is brought into range
*and the panel says so* in its notice line, naming the control, the value asked and the
value used (``panel.adjusted``); a typed latitude/longitude out of range or an unknown
place name is reported inline, never as a traceback. Heavy inputs are cached
(constellations and propagated positions per design, ITU-R attenuation per place in
:mod:`satcloud.links.atmosphere`).

Every panel takes ``threaded=False`` to compute synchronously (tests, scripts) and
``**defaults`` to change its initial control values, e.g.
``LinkBudgetPanel(place="Singapore", elevation_deg=30)``. After construction the panel
has computed its defaults; ``panel.result`` holds the numbers shown.

Examples
--------
>>> from satcloud.widgets import LinkBudgetPanel
>>> panel = LinkBudgetPanel(threaded=False)              # doctest: +SKIP
>>> panel                                                 # doctest: +SKIP
>>> panel.set(elevation_deg=60.0); panel.result["margin_db"]  # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import functools
import html
import re

import ipywidgets as W
import numpy as np
import pandas as pd

from satcloud import data, links
from satcloud._panel import FloatSlider, IntSlider, Panel, figure_png, new_figure
from satcloud._validate import check_range

__all__ = [
    "TYPED_PLACE",
    "CapacityPanel",
    "ConstellationPanel",
    "LatencyPanel",
    "LinkBudgetPanel",
    "available_destinations",
    "default_cell_capacity_mbps",
    "dish_overrides",
    "place_names",
    "resolve_place",
]

#: Place-box entry meaning "use the typed latitude and longitude".
TYPED_PLACE = "(typed lat/lon)"

_SLIDER = {"continuous_update": False, "style": {"description_width": "170px"},
           "layout": W.Layout(width="520px")}
_BOX = {"style": {"description_width": "170px"}, "layout": W.Layout(width="520px")}
_LATLON = {"style": {"description_width": "170px"}, "layout": W.Layout(width="300px")}


def _png_image(css_class: str) -> W.Image:
    # natural size (a flex column would stretch, and blur, the image to its width)
    img = W.Image(format="png", layout=W.Layout(max_width="100%", align_self="flex-start"))
    img.add_class("satcloud-figure")
    img.add_class(css_class)
    return img


# =============================================================================== places
@functools.lru_cache(maxsize=1)
def _place_table() -> dict[str, tuple[float, float]]:
    """Name -> (lat, lon): cities (the most populous of a repeated name) then remote
    sites."""
    table: dict[str, tuple[float, float]] = {}
    for n, la, lo in zip(data.cities()["name"], data.cities()["lat_deg"],
                         data.cities()["lon_deg"], strict=True):
        table.setdefault(str(n), (float(la), float(lo)))
    sites = data.remote_sites()
    for n, la, lo in zip(sites["site"], sites["lat_deg"], sites["lon_deg"], strict=True):
        table.setdefault(str(n), (float(la), float(lo)))
    return table


def place_names() -> list[str]:
    """Names the place boxes accept: remote sites, then cities by population."""
    sites = [str(s) for s in data.remote_sites()["site"]]
    cities = [n for n in _place_table() if n not in sites]
    return sites + cities


_LATLON_TEXT = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?)\s*[,;\s]\s*([-+]?\d+(?:\.\d*)?)\s*$")


def resolve_place(place, lat_deg=None, lon_deg=None) -> tuple[str, float, float]:
    """A place name, a ``"lat, lon"`` text or typed coordinates as (label, lat, lon).

    Parameters
    ----------
    place : str
        A city of :func:`satcloud.data.cities` (the most populous of a repeated name),
        a site of :func:`satcloud.data.remote_sites`, a text ``"lat, lon"`` in degrees,
        or :data:`TYPED_PLACE` / ``""`` to use ``lat_deg`` and ``lon_deg``.
    lat_deg, lon_deg : float, optional
        Typed coordinates, latitude in [-90, 90] and longitude in [-180, 180]. [deg]

    Returns
    -------
    tuple
        ``(label, lat_deg, lon_deg)``. [deg]

    Raises
    ------
    ValueError
        Unknown name (with a close match, if any) or coordinates out of range.
    """
    if place is None:
        place = TYPED_PLACE
    if not isinstance(place, str):
        raise TypeError(f"place must be a name or 'lat, lon' text, got {place!r}")
    text = place.strip()
    if text in ("", TYPED_PLACE):
        if lat_deg is None or lon_deg is None:
            raise ValueError("give a place name or both latitude and longitude")
        lat, lon = lat_deg, lon_deg
        label = None
    elif (m := _LATLON_TEXT.match(text)) is not None:
        lat, lon = float(m.group(1)), float(m.group(2))
        label = None
    else:
        table = _place_table()
        if text not in table:
            folded = {k.casefold(): k for k in table}
            if text.casefold() in folded:
                text = folded[text.casefold()]
            else:
                close = difflib.get_close_matches(text, list(table), n=3, cutoff=0.6)
                hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
                raise ValueError(f"unknown place {place!r}: not a city of "
                                 f"satcloud.data.cities() nor a site of "
                                 f"satcloud.data.remote_sites(); type a name from the list "
                                 f"or 'lat, lon'.{hint}")
        lat, lon = table[text]
        label = text
    typed = label is None and text in ("", TYPED_PLACE)
    lat_name, lon_name = (("lat_deg (latitude)", "lon_deg (longitude)") if typed else
                          (f"latitude in place {place!r}", f"longitude in place {place!r}"))
    lat = float(check_range(lat, lat_name, -90.0, 90.0, unit="deg", finite=True))
    lon = float(check_range(lon, lon_name, -180.0, 180.0, unit="deg", finite=True))
    if label is None:
        label = f"{abs(lat):.2f}°{'N' if lat >= 0 else 'S'} {abs(lon):.2f}°{'E' if lon >= 0 else 'W'}"
    return label, lat, lon


def _place_controls(default: str, lat: float, lon: float, what: str = "place"):
    box = W.Combobox(value=default, options=[TYPED_PLACE, *place_names()],
                     description=what, ensure_option=False,
                     continuous_update=False,
                     placeholder="city, remote site or 'lat, lon'", **_BOX)
    la = W.FloatText(value=lat, description="typed latitude [deg]", **_LATLON)
    lo = W.FloatText(value=lon, description="typed longitude [deg]", **_LATLON)
    return box, la, lo


# =========================================================================== link budget
def dish_overrides(profile, diameter_m) -> dict:
    """Profile overrides that put a ground dish of another size on a link.

    Downlinks: the receive dish becomes ``diameter_m`` (gain from the dish and the
    profile's aperture efficiency, Maral & Bousquet ch. 5, replacing any given gain).
    Uplinks: the transmit dish becomes ``diameter_m`` at the same transmit power, so
    the EIRP changes with the gain, by ``20 log10(D / D_profile)``. Either way the
    ground antenna used for scintillation changes too.

    Parameters
    ----------
    profile : str or LinkProfile
        Link profile.
    diameter_m : float
        Ground dish diameter, in (0, 100] (the largest steerable dishes are ~100 m). [m]

    Returns
    -------
    dict
        Field -> value, for ``link_budget(..., overrides=...)``.
    """
    from satcloud.network._checks import finite_scalar

    prof = links.get_profile(profile)
    d = finite_scalar(diameter_m, "diameter_m", 0.0, 100.0, low_open=True, unit="m")
    out = {"ground_antenna_diameter_m": d}
    if prof.direction == "downlink":
        if prof.rx_gt_db_per_k is None:
            out.update(rx_antenna_diameter_m=d, rx_gain_dbi=None)
    else:
        out["eirp_dbw"] = prof.eirp_dbw + 20.0 * np.log10(d / prof.ground_antenna_diameter_m)
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
    :func:`satcloud.links.profile_names`), ``dish_m`` (ground dish diameter, 0.2-8 m;
    reset to the profile's on a profile change), ``p_percent`` (rain availability
    95-99.999 % of an average year, stored as the exceedance percentage p), ``place``
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

    def __init__(self, *, threaded: bool = True, **defaults):
        super().__init__("Link budget: what does the weather leave of the link?",
                         threaded=threaded)
        names = links.profile_names()
        profile = defaults.pop("profile", "starlink_user_downlink")
        prof = links.get_profile(profile)
        c = self.controls
        c["profile"] = W.Dropdown(options=names, value=prof.name, description="profile",
                                  **_BOX)
        c["dish_m"] = FloatSlider(value=prof.ground_antenna_diameter_m, min=0.2, max=8.0,
                                    step=0.01, description="ground dish [m]",
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
            self.controls["dish_m"].value = prof.ground_antenna_diameter_m
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
                                 overrides=dish_overrides(values["profile"], values["dish_m"]),
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
        # fixed margins: a layout engine would double the drawing time of every update
        fig = new_figure((7.6, 3.4), layout=None)
        ax1, ax2 = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.14, top=0.9, wspace=0.32)
        el = curve["elevation_deg"].to_numpy()
        ax1.plot(el, curve["margin_db"], color="#0072B2", label="margin over the MODCOD")
        ax1.plot(el, curve["fade_margin_db"], color="#E69F00", ls="--",
                 label="fade margin (lowest MODCOD)")
        ax1.axhline(0.0, color="black", lw=0.8)
        ax2.plot(el, curve["throughput_mbps"], color="#009E73", label="ACM throughput")
        ax2.plot(el, curve["shannon_mbps"], color="#999999", ls=":", label="Shannon bound")
        for ax in (ax1, ax2):
            ax.axvspan(0, prof.min_elevation_deg, color="#DDDDDD", alpha=0.6, lw=0,
                       label=f"below {prof.system} minimum ({prof.min_elevation_deg:g}°)")
            ax.axvline(values["elevation_deg"], color="#D55E00", lw=1.2)
            ax.set_xlabel("elevation [deg]")
            ax.set_xlim(5, 90)
        ax1.plot([values["elevation_deg"]], [out["margin_db"]], "o", color="#D55E00")
        ax2.plot([values["elevation_deg"]], [out["throughput_mbps"]], "o", color="#D55E00")
        ax1.set_ylabel("margin [dB]")
        ax2.set_ylabel("throughput per carrier [Mbit/s]")
        ax1.legend(loc="lower right", fontsize=7)
        ax2.legend(loc="lower right", fontsize=7)
        avail = 100.0 - values["p_percent"]
        fig.suptitle(f"{out['place']}, {avail:g} % of the year: {out['modcod']} at "
                     f"{values['elevation_deg']:g}°, {out['throughput_mbps']:.0f} Mbit/s, "
                     f"margin {out['margin_db']:.1f} dB", fontsize=10)
        return figure_png(fig)

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


def _fmt(value) -> str:
    if isinstance(value, (float, np.floating)):
        return "–" if not np.isfinite(value) else f"{value:.2f}"
    return html.escape(str(value))


# ============================================================================== capacity
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
        fig = new_figure((7.6, 3.6), layout=None)
        ax = fig.subplots()
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.14, top=0.91)
        ax.plot(table["subscribers"], table["per_user_mbps"], color="#0072B2",
                label="per active subscriber")
        ax.axhline(claim, color="#D55E00", ls="--", label=f"claim: up to {claim:g} Mbit/s")
        if n_max >= 1:
            ax.axvline(n_max, color="#999999", ls=":",
                       label=f"claim holds up to {n_max:,} subscribers")
        ax.plot([n], [per_user], "o", color="#D55E00")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("subscribers in the cell [-]")
        ax.set_ylabel("busy-hour throughput per user [Mbit/s]")
        ax.legend(loc="lower left", fontsize=8)
        ax.set_title(f"{n:,} subscribers at {a:.0%} activity get {per_user:.0f} Mbit/s each "
                     f"from a {cap:,.0f} Mbit/s cell", fontsize=10)
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


# ======================================================================= constellations
#: Time grids (duration, step) and grid spacing of the coarse and full passes.
CONSTELLATION_GRIDS = {"coarse": ("1h", "300s", 10.0), "full": ("2h", "120s", 5.0)}


@functools.lru_cache(maxsize=16)
def _walker(altitude_km, inclination_deg, planes, sats_per_plane, phasing,
            min_elevation_deg):
    from satcloud.constellations import Constellation

    return Constellation.walker(altitude_km, inclination_deg, planes, sats_per_plane,
                                phasing=phasing, min_elevation_deg=min_elevation_deg,
                                name="design")


@functools.lru_cache(maxsize=8)
def _named(name, fraction, min_elevation_deg):
    from satcloud.constellations import constellation, deploy

    cons = constellation(name, min_elevation_deg=min_elevation_deg)
    if fraction < 1.0:
        cons = deploy(cons, fraction=fraction)
    return cons


@functools.lru_cache(maxsize=4)     # a full Gen2 ephemeris is ~40 MB
def _propagated(key, duration, step):
    from satcloud import orbits

    cons = _walker(*key[1:]) if key[0] == "walker" else _named(*key[1:])
    return orbits.propagate(cons, orbits.time_grid(None, duration, step))


def _constellation_key(values: dict) -> tuple:
    if values["design"] == "named":
        return ("named", values["name"], round(float(values["fraction"]), 4),
                float(values["min_elevation_deg"]))
    return ("walker", float(values["altitude_km"]), float(values["inclination_deg"]),
            int(values["planes"]), int(values["sats_per_plane"]), int(values["phasing"]),
            float(values["min_elevation_deg"]))


def _catalogue() -> tuple:
    from satcloud.constellations import CATALOGUE

    return CATALOGUE


class ConstellationPanel(Panel):
    """Constellation designer: coverage map and satellites in view versus latitude.

    Controls: ``design`` (``"walker"`` or ``"named"``); Walker: ``altitude_km``
    (300-2,000 km), ``inclination_deg`` (0-120 deg), ``planes`` (1-100),
    ``sats_per_plane`` (1-60), ``phasing`` (Walker F, 0..planes-1); named: ``name``
    (:data:`satcloud.constellations.CATALOGUE`) and ``fraction`` deployed (0.05-1,
    :func:`satcloud.constellations.deploy`); both: ``min_elevation_deg`` (0-60 deg).

    Coarse pass: 1 h at 5 min over a 10 deg grid; full pass: 2 h at 2 min over 5 deg
    (:data:`CONSTELLATION_GRIDS`). ``result``: ``constellation``, ``coverage`` (the
    :func:`satcloud.coverage.grid_coverage` table), ``summary``
    (:func:`~satcloud.coverage.coverage_summary`), ``by_latitude`` (mean, minimum and
    maximum in view per latitude band).
    """

    has_coarse = True

    def __init__(self, *, threaded: bool = True, grids: dict | None = None, **defaults):
        super().__init__("Constellation designer: who sees how many satellites?",
                         threaded=threaded)
        self.grids = dict(CONSTELLATION_GRIDS if grids is None else grids)
        c = self.controls
        c["design"] = W.ToggleButtons(options=[("Walker design", "walker"),
                                               ("named constellation", "named")],
                                      value="walker", description="constellation",
                                      style={"description_width": "170px"})
        c["altitude_km"] = FloatSlider(value=550.0, min=300.0, max=2000.0, step=10.0,
                                         description="altitude [km]", readout_format=".0f",
                                         **_SLIDER)
        c["inclination_deg"] = FloatSlider(value=53.0, min=0.0, max=120.0, step=0.5,
                                             description="inclination [deg]", **_SLIDER)
        c["planes"] = IntSlider(value=24, min=1, max=100, description="planes", **_SLIDER)
        c["sats_per_plane"] = IntSlider(value=22, min=1, max=60,
                                          description="satellites per plane", **_SLIDER)
        c["phasing"] = IntSlider(value=1, min=0, max=23, description="phasing F",
                                   **_SLIDER)
        c["name"] = W.Dropdown(options=list(_catalogue()), value="starlink-gen1",
                               description="named", **_BOX)
        c["fraction"] = FloatSlider(value=1.0, min=0.05, max=1.0, step=0.05,
                                      description="deployed fraction [-]", **_SLIDER)
        c["min_elevation_deg"] = FloatSlider(value=25.0, min=0.0, max=60.0, step=1.0,
                                               description="min elevation [deg]", **_SLIDER)
        c["min_elevation_deg"].add_class("satcloud-min-elevation")
        self.summary = W.HTML()
        self.figures["coverage"] = _png_image("satcloud-coverage-figure")
        self.figures["latitude"] = _png_image("satcloud-latitude-figure")
        self.layout([self.summary, self.figures["coverage"], self.figures["latitude"]])
        c["planes"].observe(self._planes_changed, names="value")
        c["design"].observe(self._design_changed, names="value")
        self.observe_controls()
        self._apply(defaults)
        self._design_changed({"new": c["design"].value})
        self.update(sync=True)

    def _planes_changed(self, change) -> None:
        was, self._hold = self._hold, True
        try:
            self.controls["phasing"].max = max(int(change["new"]) - 1, 0)
        finally:
            self._hold = was

    def _design_changed(self, change) -> None:
        walker = change["new"] == "walker"
        for k in ("altitude_km", "inclination_deg", "planes", "sats_per_plane", "phasing"):
            self.controls[k].disabled = not walker
        for k in ("name", "fraction"):
            self.controls[k].disabled = walker

    def validate(self, values: dict) -> None:
        if values["design"] == "walker" and not 0 <= values["phasing"] < max(values["planes"], 1):
            raise ValueError(f"phasing F must be in [0, planes - 1] = [0, "
                             f"{values['planes'] - 1}], got {values['phasing']}")

    def constellation(self, values: dict | None = None):
        """The :class:`~satcloud.constellations.Constellation` for the control values."""
        key = _constellation_key(self.values() if values is None else values)
        return _walker(*key[1:]) if key[0] == "walker" else _named(*key[1:])

    def compute(self, values: dict, coarse: bool) -> dict:
        from satcloud import coverage

        duration, step, spacing = self.grids["coarse" if coarse else "full"]
        key = _constellation_key(values)
        self.progress(0.1, f"building and propagating ({'coarse' if coarse else 'full'})…")
        cons = self.constellation(values)
        eph = _propagated(key, duration, step)
        self.progress(0.5, "counting satellites in view…")
        cov = coverage.grid_coverage(eph, spacing)
        self.checkpoint()
        summary = coverage.coverage_summary(cov)
        by_lat = cov.groupby("lat_deg").agg(mean_in_view=("mean_in_view", "mean"),
                                            min_in_view=("min_in_view", "min"),
                                            max_in_view=("max_in_view", "max"),
                                            fraction_covered=("fraction_covered", "mean"))
        by_lat = by_lat.reset_index()
        label = (f"{values['name']} ({values['fraction']:.0%} deployed)"
                 if key[0] == "named" else
                 f"Walker {values['inclination_deg']:g}°: {len(cons)}/{values['planes']}/"
                 f"{values['phasing']} at {values['altitude_km']:g} km")
        self.progress(0.8, "drawing…")
        out = {"constellation": cons, "n_satellites": len(cons), "coverage": cov,
               "summary": summary, "by_latitude": by_lat, "label": label,
               "spacing_deg": spacing, "n_times": len(eph.times), "coarse": coarse}
        out["png_map"] = self._map(cov, spacing, label, summary, values)
        self.checkpoint()
        out["png_lat"] = self._lat(by_lat, label, values)
        return out

    @staticmethod
    def _map(cov, spacing, label, summary, values) -> bytes:
        import cartopy.crs as ccrs

        from satcloud.plots import world_map

        # plate carrée: the coverage grid is regular in latitude and longitude, and the
        # coastlines need no reprojection (Robinson costs ~1 s more per figure)
        fig = new_figure((8.0, 3.9), layout=None)
        ax = fig.add_axes((0.02, 0.03, 0.84, 0.87), projection=ccrs.PlateCarree())
        cax = fig.add_axes((0.87, 0.12, 0.02, 0.7))
        world_map(ax=ax, land=False, borders=False)
        lats = np.sort(cov["lat_deg"].unique())
        lons = np.sort(cov["lon_deg"].unique())
        grid = cov.pivot(index="lat_deg", columns="lon_deg", values="mean_in_view"
                         ).reindex(index=lats, columns=lons).to_numpy()
        lat_e = np.concatenate([lats - spacing / 2, [lats[-1] + spacing / 2]])
        lon_e = np.concatenate([lons - spacing / 2, [lons[-1] + spacing / 2]])
        mesh = ax.pcolormesh(lon_e, lat_e, np.ma.masked_where(grid <= 0, grid),
                             transform=ccrs.PlateCarree(), cmap="viridis", shading="flat",
                             zorder=0.5)
        fig.colorbar(mesh, cax=cax, label="mean satellites in view [-]")
        ax.set_title(f"{label}: {summary['fraction_covered']:.0%} of the Earth's surface "
                     f"covered (≥1 in view above {values['min_elevation_deg']:g}°)",
                     fontsize=10)
        return figure_png(fig)

    @staticmethod
    def _lat(by_lat, label, values) -> bytes:
        fig = new_figure((8.0, 3.0), layout=None)
        ax = fig.subplots()
        fig.subplots_adjust(left=0.08, right=0.97, bottom=0.16, top=0.9)
        ax.fill_between(by_lat["lat_deg"], by_lat["min_in_view"], by_lat["max_in_view"],
                        color="#56B4E9", alpha=0.35, label="min-max over longitude and time")
        ax.plot(by_lat["lat_deg"], by_lat["mean_in_view"], color="#0072B2",
                label="mean in view")
        ax.set_xlim(-90, 90)
        ax.set_xlabel("latitude [deg]")
        ax.set_ylabel("satellites in view [-]")
        ax.legend(loc="upper left", fontsize=8)
        peak = by_lat.loc[by_lat["mean_in_view"].idxmax()]
        ax.set_title(f"{label}: most satellites in view at {peak['lat_deg']:+.1f}° "
                     f"({peak['mean_in_view']:.1f} on average)", fontsize=10)
        return figure_png(fig)

    def render(self, result: dict) -> None:
        s = result["summary"]
        note = " (coarse preview)" if result["coarse"] else ""
        self.summary.value = (
            f"<b>{html.escape(result['label'])}</b>: {result['n_satellites']:,} satellites; "
            f"area covered <b>{s['fraction_covered']:.1%}</b> of the time-area, "
            f"mean in view {s['mean_in_view']:.1f}, longest outage at any cell "
            f"{s['longest_outage_s'] / 60:.0f} min{note}.")
        self.figures["coverage"].value = result["png_map"]
        self.figures["latitude"].value = result["png_lat"]


# ============================================================================== latency
#: Networks the explorer offers (``satcloud.latency.NETWORKS`` without the alias).
LATENCY_NETWORKS = ("fibre", "geo", "o3b-mpower", "starlink-gen1", "starlink-gen2",
                    "kuiper", "oneweb", "telesat-2020")
_LEO = {"starlink-gen1", "starlink-gen2", "kuiper", "oneweb", "telesat-2020"}
_COLOUR_KEY = {"starlink-gen1": "starlink", "starlink-gen2": "starlink",
               "telesat-2020": "telesat", "o3b-mpower": "o3b"}
#: Time grids (duration, step) of the coarse and full passes.
LATENCY_GRIDS = {"coarse": ("10min", "60s"), "full": ("30min", "30s")}
#: Gateway placements: (label, value for ``satcloud.latency.rtt(gateways=...)``).
GATEWAY_OPTIONS = [("default per network", None),
                   ("Starlink PoPs", "starlink-pops"), ("teleports", "teleports"),
                   ("Azure regions", "azure-regions"), ("AWS regions", "aws-regions"),
                   ("ground stations", "ground-stations"),
                   ("grid every 10°", "grid:10"), ("grid every 20°", "grid:20")]


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
    the gateways and of the terrestrial path, 1-3).

    Each network is one :func:`satcloud.latency.rtt` call; the terrestrial path is
    ``rtt("fibre", route_factor, ...)`` (for fibre the mode is the route factor, so its
    rows read ``mode = "route factor 2.1"``), the same round trip as
    :func:`satcloud.network.fibre.fibre_path_rtt_ms` at that factor. Coarse pass 10 min
    at 60 s, full 30 min at 30 s (:data:`LATENCY_GRIDS`). ``result``: ``rtt`` (tidy rows), ``summary``
    (:func:`satcloud.latency.summarize`), ``floor_ms``.
    """

    has_coarse = True

    def __init__(self, *, threaded: bool = True, grids: dict | None = None, **defaults):
        super().__init__("Latency explorer: how close is the cloud over each network?",
                         threaded=threaded)
        self.grids = dict(LATENCY_GRIDS if grids is None else grids)
        c = self.controls
        box, la, lo = _place_controls("Nairobi", -1.28, 36.82, "source")
        c["source"], c["lat_deg"], c["lon_deg"] = box, la, lo
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
        """The :func:`satcloud.latency.rtt` rows the panel shows for one network."""
        from satcloud import latency

        src = LatencyPanel.source_table(values)
        if network == "fibre":
            # for fibre the mode is the route factor (mode "route factor 2.1")
            return latency.rtt("fibre", float(values["route_factor"]), src,
                               values["destination"], times, return_paths=False)
        mode = "isl" if (network in _LEO and values["isl"]) else "bent-pipe"
        return latency.rtt(network, mode, src, values["destination"], times,
                           route_factor=values["route_factor"],
                           gateways=values["gateways"], return_paths=False)

    def compute(self, values: dict, coarse: bool) -> dict:
        from satcloud import latency, orbits

        duration, step = self.grids["coarse" if coarse else "full"]
        times = orbits.time_grid(None, duration, step)
        frames = []
        nets = list(values["networks"])
        for i, net in enumerate(nets):
            self.progress(i / len(nets), f"{net} ({'coarse' if coarse else 'full'})…")
            frames.append(self.network_rtt(values, net, times))
        self.checkpoint()
        df = pd.concat(frames, ignore_index=True)
        summary = latency.summarize(df)
        # the physical floor: vacuum RTT to the closest candidate destination
        col = "target_floor_ms" if "target_floor_ms" in df.columns else "floor_ms"
        floor = float(df[col].min())
        src = str(df["source"].iloc[0])
        out = {"rtt": df, "summary": summary, "floor_ms": floor, "source": src,
               "coarse": coarse}
        self.progress(0.95, "drawing…")
        out["png"] = self._figure(df, summary, floor, src, values)
        return out

    @staticmethod
    def _figure(df, summary, floor, src, values) -> bytes:
        from satcloud.plots import NETWORK_COLORS

        fig = new_figure((8.6, 4.2), layout=None)
        ax1, ax2 = fig.subplots(1, 2, width_ratios=[1.6, 1.0])
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.32, top=0.91, wspace=0.25)
        for (net, mode), g in df.groupby(["network", "mode"], sort=False, observed=True):
            key = _COLOUR_KEY.get(str(net), str(net))
            if str(mode) == "isl" and str(net).startswith("starlink"):
                key = "starlink-isl"
            colour = NETWORK_COLORS.get(key, "#777777")
            ls = {"starlink-gen2": "--", "fibre": "-."}.get(str(net), "-")
            label = f"{net} ({mode})"
            y = g["rtt_ms"].to_numpy(dtype=float, na_value=np.nan)
            t_min = g["time_s"].to_numpy(float) / 60.0
            if len(np.unique(t_min)) == 1 and len(t_min) == 1:
                t_all = np.sort(df["time_s"].unique()) / 60.0
                ax1.plot(t_all, np.full(t_all.size, y[0]), color=colour, ls=ls, label=label)
            else:
                ax1.plot(t_min, y, color=colour, ls=ls, label=label, drawstyle="steps-post")
            ok = np.sort(y[np.isfinite(y)])
            if ok.size:
                ax2.step(ok, np.arange(1, ok.size + 1) / ok.size, where="post", color=colour,
                         ls=ls)
        for ax in (ax1,):
            ax.axhline(floor, color="black", ls=":", lw=1.2,
                       label=f"vacuum floor {floor:.1f} ms")
        ax2.axvline(floor, color="black", ls=":", lw=1.2)
        ax1.set_xlabel("time since 2020-10-01 00:00 UTC [min]")
        ax1.set_ylabel("round-trip time [ms]")
        ax2.set_xlabel("round-trip time [ms]")
        ax2.set_ylabel("fraction of time [-]")
        ax2.set_ylim(0, 1.02)
        if df["rtt_ms"].astype(float).max() > 8 * max(floor, 1.0):
            from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter

            ax1.set_yscale("log")
            ax2.set_xscale("log")
            for axis in (ax1.yaxis, ax2.xaxis):
                axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
                axis.set_major_formatter(ScalarFormatter())
                axis.set_minor_formatter(NullFormatter())
        ax1.legend(loc="upper left", fontsize=7, ncol=3, bbox_to_anchor=(0.0, -0.21))
        s = summary.dropna(subset=["rtt_median_ms"])
        if len(s):
            best = s.loc[s["rtt_median_ms"].astype(float).idxmin()]
            what = (f"best median {float(best['rtt_median_ms']):.0f} ms over {best['network']}"
                    f" ({best['mode']})")
        else:
            what = "no network reaches the destination"
        dest = values["destination"]
        fig.suptitle(f"{src} → {dest}: {what}; physical floor {floor:.0f} ms", fontsize=10)
        return figure_png(fig)

    def render(self, result: dict) -> None:
        s = result["summary"]
        rows = "".join(
            f"<tr><td>{html.escape(str(r.network))}</td><td>{html.escape(str(r.mode))}</td>"
            f"<td>{html.escape(str(r.target))}</td>"
            f"<td style='text-align:right'>{_fmt_na(r.rtt_median_ms)}</td>"
            f"<td style='text-align:right'>{_fmt_na(r.rtt_p95_ms)}</td>"
            f"<td style='text-align:right'>{r.fraction_reachable:.0%}</td></tr>"
            for r in s.itertuples(index=False))
        note = " (coarse preview)" if result["coarse"] else ""
        self.summary.value = (
            f"From <b>{html.escape(result['source'])}</b>: vacuum floor "
            f"<b>{result['floor_ms']:.1f} ms</b>{note}"
            "<table class='satcloud-rtt' style='font-size:12px'><tr><th>network</th>"
            "<th>mode</th><th>destination</th><th>median RTT [ms]</th>"
            f"<th>95th pct [ms]</th><th>reachable</th></tr>{rows}</table>")
        self.figures["rtt"].value = result["png"]


def _fmt_na(value) -> str:
    return "–" if value is pd.NA or value is None or not np.isfinite(float(value)) \
        else f"{float(value):.1f}"
