"""The moving globe (satcloud.globe): frames, positions, paths, colours, display, CZML.

References: satellite positions against ``sgp4``'s ``Satrec.sgp4`` called directly on the
shipped TLE lines, rotated TEME -> Earth-fixed by GMST 1982 from ``sgp4.propagation.gstime``
with UT1 from astropy (the convention of Vallado et al. 2006, which satcloud.orbits
documents); ground points against the closed-form WGS84 geodetic -> ECEF conversion
(NIMA TR8350.2, eq. 4-14); the CZML against the ``czml3`` package's pydantic models.
"""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pandas as pd
import pytest

from satcloud import globe
from satcloud.data import azure_regions, data_dir

pytest.importorskip("plotly")

START = "2026-04-02T19:00:00"      # 20 min after the snapshot's latest element epoch
DURATION_S, STEP_S = 300.0, 15.0   # 21 frames
N_FRAMES = int(DURATION_S / STEP_S) + 1
WGS84_A_KM, WGS84_F = 6378.137, 1 / 298.257223563


def wgs84_ecef_km(lat_deg, lon_deg, h_km=0.0):
    """Closed form (NIMA TR8350.2, eq. 4-14): N = a / sqrt(1 - e2 sin^2 lat)."""
    e2 = WGS84_F * (2 - WGS84_F)
    la, lo = np.radians(lat_deg), np.radians(lon_deg)
    n = WGS84_A_KM / np.sqrt(1 - e2 * np.sin(la) ** 2)
    return np.array([(n + h_km) * np.cos(la) * np.cos(lo), (n + h_km) * np.cos(la) * np.sin(lo),
                     (n * (1 - e2) + h_km) * np.sin(la)])


def sgp4_ecef_km(names, times) -> np.ndarray:
    """[T, n, 3] Earth-fixed positions from sgp4 directly (TEME, rotated by GMST82(UT1))."""
    from sgp4.api import Satrec
    from sgp4.propagation import gstime

    import satcloud.time  # noqa: F401  (astropy offline: bundled IERS tables, no download)

    lines = (data_dir() / "starlink_tle_2026-04-02.txt").read_text().splitlines()
    by_name = {lines[i].strip(): (lines[i + 1], lines[i + 2]) for i in range(0, len(lines), 3)}
    ut1 = times.ut1
    theta = np.array([gstime(a + b) for a, b in zip(ut1.jd1, ut1.jd2, strict=True)])
    c, s = np.cos(theta), np.sin(theta)
    out = np.empty((len(times), len(names), 3))
    utc = times.utc
    for j, name in enumerate(names):
        sat = Satrec.twoline2rv(*by_name[name])
        for k in range(len(times)):
            err, r, _ = sat.sgp4(utc.jd1[k], utc.jd2[k])
            assert err == 0
            out[k, j] = (c[k] * r[0] + s[k] * r[1], -s[k] * r[0] + c[k] * r[1], r[2])
    return out


@pytest.fixture(scope="module")
def scene():
    return globe.scene("starlink", start=START, duration_s=DURATION_S, step_s=STEP_S,
                       user="Lagos", mode=("isl", "bent-pipe"), max_satellites=400)


@pytest.fixture(scope="module")
def fig(scene):
    return globe.figure(scene)


def shell_traces(fig):
    return [i for i, tr in enumerate(fig.data) if (tr.name or "").startswith("shell ")]


def trace_index(fig, name):
    return next(i for i, tr in enumerate(fig.data) if tr.name == name)


def frame_xyz(fig, k, i) -> np.ndarray:
    """Positions of trace ``i`` in frame ``k`` (frames update the moving traces only)."""
    fr = fig.frames[k]
    tr = fr.data[list(fr.traces).index(i)]
    return np.column_stack([np.asarray(tr.x, float), np.asarray(tr.y, float),
                            np.asarray(tr.z, float)])


# ------------------------------------------------------------------ frames and slider

def test_frames_and_slider_steps_are_duration_over_step_plus_one(fig):
    assert len(fig.frames) == N_FRAMES
    steps = fig.layout.sliders[0].steps
    assert len(steps) == N_FRAMES
    assert [s.args[0][0] for s in steps] == [f.name for f in fig.frames]
    assert steps[0].label == "19:00:00" and steps[-1].label == "19:05:00"
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"      # play


def test_an_hour_at_15_s_is_241_frames():
    # a small Walker shell (no user, no routing): only the time grid is at stake
    from satcloud.constellations import Constellation

    walker = Constellation.walker(550.0, 53.0, 6, 4, 1)
    f = globe.figure(walker, duration_s="1h", step_s=15)
    assert len(f.frames) == 3600 // 15 + 1 == len(f.layout.sliders[0].steps)


def test_frames_update_only_what_moves(fig):
    moving = set(fig.frames[0].traces)
    names = {fig.data[i].name for i in moving}
    assert {n for n in names if not n.startswith("shell ")} == {
        "isl path", "fibre (isl)", "bent-pipe path", "fibre (bent-pipe)"}
    static = {tr.name for i, tr in enumerate(fig.data) if i not in moving}
    assert static == {"Earth", "coastlines", "gateways", "PoPs", "cloud regions", "user"}


# ------------------------------------------------------------------ positions

def test_satellites_in_frame_k_are_the_sgp4_positions_at_t_k(fig, scene):
    # frames hold positions rounded to the km: |frame - sgp4| <= 0.5 km + 1 m per axis
    for i in shell_traces(fig):
        names = list(fig.data[i].text)
        got = np.stack([frame_xyz(fig, k, i) for k in (0, 10, N_FRAMES - 1)])
        ref = sgp4_ecef_km(names, scene.times[[0, 10, N_FRAMES - 1]])
        assert np.abs(got - ref).max() <= 0.501, fig.data[i].name
    # and the satellites move: ~7.6 km/s x 150 s between frames 0 and 10
    moved = np.linalg.norm(frame_xyz(fig, 10, i) - frame_xyz(fig, 0, i), axis=1)
    assert np.all((moved > 900) & (moved < 1300))


def test_positions_are_sent_as_16_bit_typed_arrays(fig):
    frame = json.loads(fig.to_json())["frames"][3]["data"][0]
    assert frame["x"]["dtype"] == "i2" and "bdata" in frame["x"]


# ------------------------------------------------------------------ the user's paths

def test_path_endpoints_are_user_gateway_pop_and_region(fig, scene):
    from satcloud.ground import ground_segment
    from satcloud.network.gateways import gateways

    lagos = scene.user.iloc[0]
    assert (lagos["lat_deg"], lagos["lon_deg"]) == pytest.approx((6.45407, 3.39467))
    gw = gateways("starlink-gateways").set_index("gateway")
    pops = ground_segment().pops.set_index("code")
    regions = azure_regions().set_index("region")
    user_km = np.rint(wgs84_ecef_km(lagos["lat_deg"], lagos["lon_deg"]))
    checked = 0
    for mode in ("isl", "bent-pipe"):
        space_i, fibre_i = trace_index(fig, f"{mode} path"), trace_index(fig, f"fibre ({mode})")
        table = scene.routes[mode]
        for k in (0, N_FRAMES // 2, N_FRAMES - 1):
            row = table.iloc[k]
            assert row["reachable"]     # Lagos has gateways at home: always reachable
            space, fibre = frame_xyz(fig, k, space_i), frame_xyz(fig, k, fibre_i)
            g = gw.loc[row["gateway"]]
            gw_km = np.rint(wgs84_ecef_km(g["lat_deg"], g["lon_deg"]))
            r = regions.loc[row["destination"]]
            p = pops.loc[row["pop"]]
            assert np.array_equal(space[0], user_km)
            assert np.array_equal(space[-1], gw_km)
            assert len(space) == len(row["sat_path"]) + 2
            # the satellites of the path at t_k (sgp4 directly, rounded to the km)
            ref = sgp4_ecef_km(list(scene.sat_ids[list(row["sat_path"])]),
                               scene.times[[k]])[0]
            assert np.abs(space[1:-1] - ref).max() <= 0.501
            assert np.array_equal(fibre[0], gw_km)
            assert np.array_equal(fibre[-1], np.rint(wgs84_ecef_km(r["lat_deg"],
                                                                   r["lon_deg"])))
            pop_km = np.rint(wgs84_ecef_km(p["lat_deg"], p["lon_deg"]))
            assert (np.abs(fibre - pop_km).sum(axis=1) == 0).any()
            title = fig.frames[k].layout.title.text
            assert f"over {mode}: {row['rtt_ms']:.1f} ms" in title
            checked += 1
    assert checked == 6


def test_fibre_arcs_stay_on_the_ellipsoid(fig):
    # every fibre vertex is at altitude ~0 (rounded to the km): |r| within 1 km of the
    # WGS84 radius at its geocentric latitude
    fibre = frame_xyz(fig, 0, trace_index(fig, "fibre (isl)"))
    lat_c = np.arctan2(fibre[:, 2], np.hypot(fibre[:, 0], fibre[:, 1]))
    b = WGS84_A_KM * (1 - WGS84_F)
    radius = WGS84_A_KM * b / np.hypot(b * np.cos(lat_c), WGS84_A_KM * np.sin(lat_c))
    assert np.abs(np.linalg.norm(fibre, axis=1) - radius).max() < 1.0


# ------------------------------------------------------------------ colours

def test_satellites_are_coloured_by_shell(fig, scene):
    from satcloud.constellations import network_constellation

    shells = network_constellation("starlink").satellites.set_index("sat_id")["shell"]
    colours = []
    for i in shell_traces(fig):
        tr = fig.data[i]
        label = tr.name.removeprefix("shell ")
        assert set(shells.loc[list(tr.text)]) == {label}
        assert isinstance(tr.marker.color, str)
        colours.append(tr.marker.color)
    assert len(colours) == len(set(colours)) == len(scene.shells) == 10


def test_shell_colours_of_a_filed_constellation_are_its_shell_indices():
    cols = globe.shell_colours(["1", "2", "3", "4", "5"])
    assert list(cols) == ["1", "2", "3", "4", "5"] and len(set(cols.values())) == 5
    assert cols["1"] == "#1f77b4"        # matplotlib tab10, first colour


# ------------------------------------------------------------------ size and display

def test_the_figure_stays_within_its_size_budget(scene):
    small = globe.figure(scene, max_figure_mb=0.5)
    size = len(small.to_json())
    assert size <= 0.5e6
    drawn = sum(len(small.data[i].text) for i in shell_traces(small))
    assert 0 < drawn < len(scene.shown)
    assert f"{drawn:,} of {len(scene.shell):,} satellites drawn" in small.layout.title.text


def test_display_is_the_plotly_mime_type_only(fig, monkeypatch):
    import plotly.io as pio

    # whatever the default renderer (here one that would embed plotly.js from a CDN)
    monkeypatch.setattr(pio.renderers, "default", "notebook_connected")
    bundle = fig._repr_mimebundle_()
    assert set(bundle) == {"application/vnd.plotly.v1+json", "text/plain"}
    assert fig._repr_html_() is None
    text = json.dumps(bundle["application/vnd.plotly.v1+json"])
    assert "<script" not in text and "cdn.plot.ly" not in text
    assert len(bundle["application/vnd.plotly.v1+json"]["frames"]) == N_FRAMES


def test_display_in_ipython_publishes_the_bundle(fig, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display",
                        lambda obj, raw=False: shown.append((obj, raw)))
    fig._ipython_display_()
    assert shown[0][1] is True and set(shown[0][0]) == {"application/vnd.plotly.v1+json",
                                                         "text/plain"}


@pytest.mark.skipif(importlib.util.find_spec("anywidget") is not None,
                    reason="anywidget is installed: widget=True works")
def test_widget_without_anywidget_says_what_to_install(scene):
    with pytest.raises(ImportError, match="anywidget"):
        globe.figure(scene, widget=True)


# ------------------------------------------------------------------ bad input

@pytest.mark.parametrize("kwargs, match", [
    ({"user": "Atlantis"}, "user"),
    ({"user": (95.0, 0.0)}, "user latitude"),
    ({"step_s": 0}, "step_s"),
    ({"step_s": -15.0}, "step_s"),
    ({"duration_s": -1.0}, "duration_s"),
    ({"mode": "laser"}, "mode"),
    ({"network": "fibre"}, "network"),
    ({"destination": "nearest Oracle region"}, "destination"),
    ({"max_satellites": 0}, "max_satellites"),
])
def test_bad_input_is_a_clear_error(kwargs, match):
    args = {"network": "starlink-gen1", "duration_s": 60.0, "user": "Lagos", **kwargs}
    with pytest.raises((ValueError, TypeError), match=match):
        globe.scene(**args)


def test_a_duration_too_long_for_memory_is_refused_before_propagating(monkeypatch):
    from satcloud import _validate

    monkeypatch.setattr(_validate, "MAX_ARRAY_BYTES", 50 * 2**20)
    with pytest.raises(ValueError, match="duration_s"):
        globe.scene("starlink-gen1", duration_s="2d", step_s=15)


def test_a_size_budget_too_small_for_the_frames_is_refused(scene):
    with pytest.raises(ValueError, match="max_figure_mb"):
        globe.figure(scene, max_figure_mb=0.05)


def test_a_scene_fixes_its_arguments(scene):
    with pytest.raises(ValueError, match="GlobeScene"):
        globe.figure(scene, step_s=30)


# ------------------------------------------------------------------ CZML

@pytest.fixture(scope="module")
def czml(scene):
    return json.loads(globe.to_czml(scene))


def test_czml_validates_against_czml3(czml):
    czml3 = pytest.importorskip("czml3")
    doc = czml3.Document.model_validate(czml)
    assert doc.packets[0].id == "document" and doc.packets[0].version == "1.0"
    clock = czml[0]["clock"]
    assert clock["interval"] == "2026-04-02T19:00:00Z/2026-04-02T19:05:15Z"


def test_czml_satellite_positions_are_sgp4_at_the_sample_times(czml, scene):
    sats = [p for p in czml if p["id"].startswith("satellite/")]
    assert len(sats) >= len(scene.shown)
    sample = sats[:: max(1, len(sats) // 25)]
    names = [p["name"] for p in sample]
    ref = sgp4_ecef_km(names, scene.times)                     # [T, n, 3] km
    for j, p in enumerate(sample):
        pos = p["position"]
        assert pos["referenceFrame"] == "FIXED" and pos["interpolationAlgorithm"] == "LAGRANGE"
        assert pos["epoch"] == "2026-04-02T19:00:00Z"
        samples = np.asarray(pos["cartesian"], float).reshape(-1, 4)
        assert np.array_equal(samples[:, 0], np.arange(N_FRAMES) * STEP_S)
        # metres, rounded to 1 m: within 1 m of sgp4
        assert np.abs(samples[:, 1:] / 1000.0 - ref[:, j]).max() <= 1e-3


def test_czml_paths_reference_existing_packets_over_the_frames_that_use_them(czml, scene):
    ids = {p["id"] for p in czml}
    paths = [p for p in czml if p["id"].startswith("path/isl/")]
    assert paths
    covered = 0
    for p in paths:
        refs = p["polyline"]["positions"]["references"]
        assert all(r.removesuffix("#position") in ids for r in refs)
        if p["id"].endswith("/space"):
            assert refs[0] == "user/Lagos#position"
            for interval in p["availability"]:
                a, b = (pd.Timestamp(x) for x in interval.split("/"))
                covered += round((b - a).total_seconds() / STEP_S)
        else:
            assert refs[-1].startswith("region/")
    assert covered == int(scene.routes["isl"]["reachable"].sum())
    user = next(p for p in czml if p["id"] == "user/Lagos")
    assert user["position"]["cartographicDegrees"] == pytest.approx([3.39467, 6.45407, 0.0])


def test_write_czml_writes_the_document(tmp_path, scene):
    out = globe.write_czml(tmp_path / "sub" / "globe.czml", scene)
    assert out.read_text(encoding="utf-8") == globe.to_czml(scene)
    assert [p.name for p in tmp_path.joinpath("sub").iterdir()] == ["globe.czml"]


def test_widget_plays_the_frames(scene, monkeypatch):
    # plotly's FigureWidget needs anywidget (the notebooks extra; absent in a core-only
    # install); a stand-in
    # with the same interface (data, layout, batch_update) checks the wiring: moving the
    # slider (or the play button, linked to it) loads that frame's positions and title
    import ipywidgets as W
    import plotly.graph_objects as go

    class FigureWidget(W.Widget):
        def __init__(self, figure):
            super().__init__()
            self.figure = go.Figure(figure)
            self.data, self.layout = self.figure.data, self.figure.layout

        def batch_update(self):
            return self.figure.batch_update()

    monkeypatch.setattr(globe.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(go, "FigureWidget", FigureWidget, raising=False)
    box = globe.figure(scene, widget=True)
    fw, (play, slider, label) = box.children[0], box.children[1].children
    assert len(fw.data) == len(globe.figure(scene).data) and slider.max == N_FRAMES - 1
    i = shell_traces(fw.figure)[0]
    play.value = 7
    assert slider.value == 7 and label.value == "UTC 19:01:45"
    ref = globe.figure(scene)
    assert np.array_equal(np.asarray(fw.data[i].x), frame_xyz(ref, 7, i)[:, 0])
    assert fw.layout.title.text == ref.frames[7].layout.title.text
    space = trace_index(fw.figure, "isl path")
    assert list(fw.data[space].text)[0] == "Lagos"


@pytest.mark.skipif(importlib.util.find_spec("anywidget") is None,
                    reason="anywidget (the notebooks extra) is not installed")
def test_widget_is_plotlys_figurewidget_and_plays_the_frames(scene):
    # the real plotly FigureWidget (anywidget-based, plotly >= 6): moving the play button
    # loads frame 7's satellite positions (reference: the animated figure's own frame)
    import plotly.graph_objects as go

    box = globe.figure(scene, widget=True)
    fw, (play, slider, label) = box.children[0], box.children[1].children
    assert isinstance(fw, go.FigureWidget)
    ref = globe.figure(scene)
    i = shell_traces(ref)[0]
    play.value = 7
    assert slider.value == 7 and label.value == "UTC 19:01:45"
    assert np.array_equal(np.asarray(fw.data[i].x), frame_xyz(ref, 7, i)[:, 0])
    assert fw.layout.title.text == ref.frames[7].layout.title.text


def test_a_laser_path_across_the_pacific_goes_through_several_satellites():
    # Funafuti (Tuvalu) has no gateway within a bent pipe's reach of New Zealand: over the
    # lasers the path crosses several satellites to a New Zealand gateway; each vertex of
    # the drawn path is that satellite's sgp4 position at t_k (rounded to the km)
    sc = globe.scene("starlink", start=START, duration_s=15.0, user="Funafuti (Tuvalu)",
                     max_satellites=50)
    f = globe.figure(sc)
    space_i = trace_index(f, "isl path")
    for k in (0, 1):
        row = sc.routes["isl"].iloc[k]
        assert row["reachable"] and len(row["sat_path"]) >= 2
        space = frame_xyz(f, k, space_i)
        ref = sgp4_ecef_km(list(sc.sat_ids[list(row["sat_path"])]), sc.times[[k]])[0]
        assert np.abs(space[1:-1] - ref).max() <= 0.501
        assert list(f.frames[k].data[list(f.frames[k].traces).index(space_i)].text)[1:-1] \
            == list(sc.sat_ids[list(row["sat_path"])])


def test_globe_figure_is_a_plotly_figure_made_without_importing_plotly_at_import():
    import subprocess
    import sys

    code = ("import sys, satcloud.globe as g; a = 'plotly' in sys.modules; "
            "import plotly.graph_objects as go; print(a, issubclass(g.GlobeFigure, go.Figure))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["False", "True"], out.stderr
