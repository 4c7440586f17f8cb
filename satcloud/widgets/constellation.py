"""Constellation panel: a Walker design or a named constellation -> coverage map and
satellites in view versus latitude (:func:`satcloud.coverage.grid_coverage`)."""

from __future__ import annotations

import functools
import html

import ipywidgets as W

from satcloud import plots
from satcloud.widgets._base import FloatSlider, IntSlider, Panel, figure_png
from satcloud.widgets._common import _BOX, _SLIDER, _png_image

__all__ = ["CONSTELLATION_GRIDS", "ConstellationPanel"]


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
    from satcloud import orbits, time

    cons = _walker(*key[1:]) if key[0] == "walker" else _named(*key[1:])
    return orbits.propagate(cons, time.time_grid(None, duration, step))


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
    panel_id = "constellation"

    def __init__(self, *, threaded: bool = True, grids: dict | None = None, **defaults):
        state = defaults.pop("state", None)
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
        self.restore_initial_state(state)
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
        title = (f"{label}: {summary['fraction_covered']:.0%} of the Earth's surface "
                 f"covered (≥1 in view above {values['min_elevation_deg']:g}°)")
        return figure_png(plots.coverage_map(cov, spacing, title=title))

    @staticmethod
    def _lat(by_lat, label, values) -> bytes:
        peak = by_lat.loc[by_lat["mean_in_view"].idxmax()]
        title = (f"{label}: most satellites in view at {peak['lat_deg']:+.1f}° "
                 f"({peak['mean_in_view']:.1f} on average)")
        return figure_png(plots.in_view_by_latitude(by_lat, title=title))

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
