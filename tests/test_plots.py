"""Maps draw offline from the shipped Natural Earth data; nothing is downloaded."""

import warnings

import cartopy.crs as ccrs
import cartopy.io
import matplotlib.pyplot as plt
import numpy as np
import pytest
import shapely
from cartopy.io import shapereader

from satcloud import data, plots


@pytest.fixture(autouse=True)
def _downloads_are_errors():
    # the rule: cartopy.io.DownloadWarning is an error in the tests
    with warnings.catch_warnings():
        warnings.simplefilter("error", cartopy.io.DownloadWarning)
        yield
    plt.close("all")


def _render(fig):
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())


def test_world_map_draws_land_coast_and_borders_offline():
    ax = plots.world_map(title="t")
    plots.plot_sites(ax, data.azure_regions(), label="Azure", color=plots.NETWORK_COLORS["azure"])
    img = _render(ax.figure)
    # something other than white was drawn (land fill and lines)
    assert (img[..., :3] < 250).any(axis=-1).mean() > 0.05
    assert len(ax.collections) >= 1


def test_plain_cartopy_coastlines_use_the_shipped_layer():
    fig = plt.figure()
    ax = fig.add_subplot(projection=ccrs.PlateCarree())
    ax.set_global()
    ax.coastlines()  # would download ne_110m_coastline without the shipped copy
    _render(fig)
    path = shapereader.natural_earth("110m", "physical", "coastline")
    assert str(data.data_dir()) in str(path)


def test_unshipped_resolution_fails_clearly_instead_of_downloading():
    fig = plt.figure()
    ax = fig.add_subplot(projection=ccrs.PlateCarree())
    ax.set_extent([0, 10, 40, 50])
    ax.coastlines(resolution="10m")
    with pytest.raises(plots.OfflineMapDataError, match="ships only"):
        _render(fig)


def test_derived_coastline_matches_the_countries():
    # Every shipped coastline vertex lies on the boundary of the 110 m countries layer
    # (Natural Earth admin-0, the independent source it is derived from).
    countries = shapely.unary_union(list(shapereader.Reader(
        str(plots.naturalearth_path("cultural", "admin_0_countries"))).geometries()))
    coast = list(shapereader.Reader(str(plots.naturalearth_path("physical", "coastline")))
                 .geometries())
    pts = shapely.points(np.concatenate([np.asarray(g.coords) for line in coast
                                         for g in getattr(line, "geoms", [line])]))
    assert shapely.distance(countries.boundary, pts).max() < 1e-6
    # no artificial edge survives: none runs along the antimeridian (it only closes the
    # polygons of Russia, Fiji and Antarctica) or along the South Pole
    for line in coast:
        for g in getattr(line, "geoms", [line]):
            c = np.asarray(g.coords)
            p, q = c[:-1], c[1:]
            along_180 = (np.abs(np.abs(p[:, 0]) - 180) < 1e-6) & (np.abs(p[:, 0] - q[:, 0]) < 1e-6)
            at_pole = (p[:, 1] < -89.999) & (q[:, 1] < -89.999)
            assert not (along_180 | at_pole).any()


def test_missing_layer_error_lists_shipped_layers():
    with pytest.raises(plots.OfflineMapDataError, match="ne_110m_coastline"):
        plots.naturalearth_path("physical", "rivers_lake_centerlines")


def test_plot_sites_needs_coordinates():
    ax = plots.world_map()
    with pytest.raises(ValueError, match="lat_deg"):
        plots.plot_sites(ax, data.azure_regions().drop(columns="lat_deg"), label="x",
                         color="k")


def test_palette_is_okabe_ito():
    # Okabe & Ito (2008) hex values
    assert plots.OKABE_ITO["vermillion"] == "#D55E00"
    assert plots.OKABE_ITO["bluish_green"] == "#009E73"


# ------------------------------------------------------------ the figure functions
# Small synthetic tables; each figure must name its axes with units in brackets, use the
# project palette, return a Figure pyplot does not manage, and draw offline (the autouse
# fixture turns cartopy's DownloadWarning into an error).
import re  # noqa: E402

import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

_UNIT = re.compile(r"\[[^\]]+\]$")


def _draw(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)         # a bare Figure: draw it as savefig or the notebook would
    return _render(fig)


def _labels(fig):
    return [(ax.get_xlabel(), ax.get_ylabel()) for ax in fig.axes
            if ax.get_xlabel() or ax.get_ylabel()]


def _check_units(fig):
    assert isinstance(fig, Figure)
    assert fig.canvas.manager is None           # not registered with pyplot
    labels = _labels(fig)
    assert labels
    for x, y in labels:
        for text in (x, y):
            if text:
                assert _UNIT.search(text), f"{text!r} has no unit in brackets"
    _draw(fig)
    return labels


def _curve():
    el = np.arange(5.0, 91.0, 5.0)
    return pd.DataFrame({"elevation_deg": el, "margin_db": 0.05 * el - 1.0,
                         "fade_margin_db": 0.05 * el + 2.0, "throughput_mbps": 4.0 * el,
                         "shannon_mbps": 5.0 * el})


def test_link_budget_curves_labels_units_and_palette():
    fig = plots.link_budget_curves(_curve(), elevation_deg=40.0, margin_db=1.0,
                                   throughput_mbps=160.0, min_elevation_deg=25.0,
                                   system="starlink", title="a finding")
    labels = _check_units(fig)
    assert labels == [("elevation [deg]", "margin [dB]"),
                      ("elevation [deg]", "throughput per carrier [Mbit/s]")]
    colours = {ln.get_color() for ax in fig.axes for ln in ax.get_lines()}
    assert plots.OKABE_ITO["blue"] in colours and plots.OKABE_ITO["bluish_green"] in colours
    assert fig._suptitle.get_text() == "a finding"
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "below starlink minimum (25°)" in legend
    with pytest.raises(ValueError, match="curve lacks the column"):
        plots.link_budget_curves(_curve().drop(columns="shannon_mbps"), elevation_deg=40.0,
                                 margin_db=1.0, throughput_mbps=1.0)
    with pytest.raises(ValueError, match="elevation_deg"):
        plots.link_budget_curves(_curve(), elevation_deg=95.0, margin_db=1.0,
                                 throughput_mbps=1.0)


def test_per_user_throughput_labels_units_and_claim():
    subs = np.array([1.0, 10.0, 100.0, 1000.0])
    table = pd.DataFrame({"subscribers": subs, "per_user_mbps": 5000.0 / subs})
    fig = plots.per_user_throughput(table, claim_mbps=100.0, max_subscribers=50,
                                    subscribers=10, per_user_mbps=500.0, title="t")
    assert _check_units(fig) == [("subscribers in the cell [-]",
                                  "busy-hour throughput per user [Mbit/s]")]
    ax = fig.axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["per active subscriber", "claim: up to 100 Mbit/s",
                      "claim holds up to 50 subscribers"]
    with pytest.raises(ValueError, match="claim_mbps"):
        plots.per_user_throughput(table, claim_mbps=0.0)
    with pytest.raises(TypeError, match="table must be a pandas DataFrame"):
        plots.per_user_throughput({"subscribers": [1]}, claim_mbps=100.0)


def test_coverage_map_draws_offline_with_a_colour_bar():
    lat, lon = np.meshgrid(np.arange(-80.0, 81.0, 20.0), np.arange(-170.0, 171.0, 20.0))
    cov = pd.DataFrame({"lat_deg": lat.ravel(), "lon_deg": lon.ravel(),
                        "mean_in_view": np.abs(np.cos(np.deg2rad(lat.ravel()))) * 3})
    fig = plots.coverage_map(cov, 20.0, title="covered")
    _draw(fig)
    assert isinstance(fig, Figure) and fig.canvas.manager is None
    cbar = fig.axes[1]
    assert cbar.get_ylabel() == "mean satellites in view [-]"
    assert fig.axes[0].get_title() == "covered"
    img = _draw(fig)
    assert (img[..., :3] < 250).any(axis=-1).mean() > 0.2
    with pytest.raises(ValueError, match="spacing_deg"):
        plots.coverage_map(cov, 0.0)
    with pytest.raises(ValueError, match="coverage lacks the column"):
        plots.coverage_map(cov, 20.0, column="nope")


def test_in_view_by_latitude_labels_and_units():
    lat = np.arange(-85.0, 86.0, 10.0)
    df = pd.DataFrame({"lat_deg": lat, "mean_in_view": 5 + 0 * lat, "min_in_view": 0 * lat,
                       "max_in_view": 9 + 0 * lat})
    fig = plots.in_view_by_latitude(df, title="t")
    assert _check_units(fig) == [("latitude [deg]", "satellites in view [-]")]
    assert fig.axes[0].get_lines()[0].get_color() == plots.OKABE_ITO["blue"]
    with pytest.raises(ValueError, match="is empty"):
        plots.in_view_by_latitude(df.iloc[:0])


def test_network_color_uses_the_report_palette():
    assert plots.network_color("starlink-gen1") == plots.NETWORK_COLORS["starlink"]
    assert plots.network_color("starlink-gen2", "isl") == plots.NETWORK_COLORS["starlink-isl"]
    assert plots.network_color("kuiper", "isl") == plots.NETWORK_COLORS["kuiper"]
    assert plots.network_color("o3b-mpower") == plots.NETWORK_COLORS["o3b"]
    assert plots.network_color("unknown") == "#777777"
    with pytest.raises(TypeError, match="network must be a str"):
        plots.network_color(3)


def test_rtt_over_time_labels_units_colours_and_log_axes():
    t = np.arange(0.0, 600.0, 60.0)
    df = pd.concat([
        pd.DataFrame({"network": "starlink-gen1", "mode": "isl", "time_s": t,
                      "rtt_ms": 40.0 + t / 100}),
        pd.DataFrame({"network": "fibre", "mode": "route factor 2.1", "time_s": [0.0],
                      "rtt_ms": [60.0]}),
    ], ignore_index=True)
    fig = plots.rtt_over_time(df, 20.0, time_origin="2020-10-01 00:00 UTC", title="t")
    assert _check_units(fig) == [("time since 2020-10-01 00:00 UTC [min]",
                                  "round-trip time [ms]"),
                                 ("round-trip time [ms]", "fraction of time [-]")]
    ax1 = fig.axes[0]
    colours = [ln.get_color() for ln in ax1.get_lines()]
    assert plots.NETWORK_COLORS["starlink-isl"] in colours
    assert ax1.get_yscale() == "linear"
    geo = pd.DataFrame({"network": "geo", "mode": "bent-pipe", "time_s": t,
                        "rtt_ms": 600.0 + 0 * t})
    fig = plots.rtt_over_time(pd.concat([df, geo]), 20.0)
    assert fig.axes[0].get_yscale() == "log"
    assert fig.axes[0].get_xlabel() == "time since the start of the grid [min]"
    with pytest.raises(ValueError, match="floor_ms"):
        plots.rtt_over_time(df, -1.0)


# ------------------------------------------------------------ figures of the notebooks

def _render_figure(fig):
    """Draw a Figure pyplot does not manage (it has no canvas of its own)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig)
    return _render(fig)


def _remote():
    import pandas as pd
    return pd.DataFrame({"site": ["Atoll", "Mine"], "region_name": ["East", "Central"],
                         "fibre_rtt_ms": [51.0, 13.0], "fibre_ideal_rtt_ms": [39.0, 10.0],
                         "floor_rtt_ms": [27.0, 7.0]})


def test_rtt_to_nearest_region_labels_units_and_order():
    fig = plots.rtt_to_nearest_region(_remote(), route_factor=1.3, overhead_ms=2.0,
                                      title="finding")
    (ax,) = fig.axes
    assert ax.get_xlabel() == "round-trip time to the nearest region [ms]"
    assert ax.get_title() == "finding"
    # sorted by fibre RTT: the slowest site is the top bar
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Mine\n→ Central",
                                                           "Atoll\n→ East"]
    labels = ax.get_legend_handles_labels()[1]
    assert "fibre, route factor 1.3 + 2 ms" in labels
    assert "physical floor (vacuum, geodesic)" in labels
    from matplotlib.colors import to_hex
    assert plots.OKABE_ITO["blue"].lower() in {to_hex(p.get_facecolor()) for p in ax.patches}
    _render_figure(fig)


def test_rtt_to_nearest_region_refuses_bad_input():
    with pytest.raises(ValueError, match="route_factor"):
        plots.rtt_to_nearest_region(_remote(), route_factor=0.5)
    with pytest.raises(ValueError, match="floor_rtt_ms"):
        plots.rtt_to_nearest_region(_remote().drop(columns="floor_rtt_ms"), route_factor=1.0)


def test_sites_map_draws_each_layer_offline_with_a_legend():
    layers = [{"sites": data.azure_regions(), "label": "Azure region",
               "color": plots.NETWORK_COLORS["azure"], "size": 28},
              {"sites": data.aws_regions(), "label": "AWS region",
               "color": plots.NETWORK_COLORS["aws"], "marker": "s"}]
    fig = plots.sites_map(layers, title="where")
    (ax,) = fig.axes
    assert ax.get_title() == "where"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Azure region",
                                                                   "AWS region"]
    img = _render_figure(fig)
    assert (img[..., :3] < 250).any(axis=-1).mean() > 0.05


def test_sites_map_refuses_bad_layers():
    with pytest.raises(ValueError, match=r"layers\[0\].*missing \['color'\]"):
        plots.sites_map([{"sites": data.azure_regions(), "label": "x"}])
    with pytest.raises(ValueError, match="layers is empty"):
        plots.sites_map([])
    with pytest.raises(TypeError, match="layers"):
        plots.sites_map("azure")


def _designs():
    import pandas as pd
    return pd.DataFrame({"altitude_km": [550.0, 1100.0, 550.0, 1100.0],
                         "inclination_deg": [53.0, 53.0, 53.0, 53.0],
                         "planes": [18, 18, 36, 36],
                         "rtt_median_ms": [40.0, 45.0, 39.0, np.inf],
                         "coverage_population_percent": [90.0, 100.0, 95.0, 100.0]})


def test_design_trade_labels_units_and_lines():
    fig = plots.design_trade(_designs(), min_elevation_deg=25.0, title="best")
    left, right = fig.axes
    assert left.get_xlabel() == right.get_xlabel() == "altitude [km]"
    assert left.get_ylabel() == "population-weighted median RTT [ms]"
    assert right.get_ylabel() == "population-weighted coverage [%]"
    assert right.get_title() == "Coverage at a 25° mask"
    assert fig._suptitle.get_text() == "best"
    assert [t.get_text() for t in right.get_legend().get_texts()] == [
        "53°, 18 planes", "53°, 36 planes"]
    # an unroutable design (inf) is a gap, not a point at infinity
    assert np.isnan(left.lines[1].get_ydata()[1])
    assert left.lines[0].get_color() == plots.OKABE_ITO["blue"]
    _render_figure(fig)


def test_design_trade_refuses_bad_input():
    with pytest.raises(ValueError, match="coverage_population_percent"):
        plots.design_trade(_designs().drop(columns="coverage_population_percent"),
                           min_elevation_deg=25.0)
    with pytest.raises(ValueError, match="min_elevation_deg"):
        plots.design_trade(_designs(), min_elevation_deg=95.0)


_STYLES = {"Starlink ISL": {"color": "#CC79A7", "marker": "P"},
           "GEO HTS": {"color": "#999999", "marker": "^"},
           "fibre": {"color": "#000000", "marker": "s"}}


def _backhaul():
    import pandas as pd
    return pd.DataFrame({
        "site": ["Mine", "Mine", "Mine", "Atoll", "Atoll"],
        "option": ["Starlink ISL", "GEO HTS", "fibre", "Starlink ISL", "GEO HTS"],
        "covered": [True, True, True, True, False],
        "rtt_median_ms": [11.0, 490.0, 21.0, 40.0, np.nan],
        "rtt_p95_ms": [13.0, 495.0, 21.0, 45.0, np.nan],
        "floor_ms": [7.0, 7.0, 7.0, 20.0, 20.0],
        "forward_rain_mbps": [900.0, 300.0, np.nan, 530.0, np.nan],
        "forward_clear_mbps": [941.0, 400.0, np.nan, 941.0, np.nan],
        "downtime_h_per_year": [0.01, 20.0, np.nan, 2.7, np.nan]})


def test_backhaul_choice_map_labels_sites_by_option():
    import pandas as pd
    sites = pd.DataFrame({"name": ["Mine", "Atoll", "Ship"], "lat_deg": [-24.0, -8.5, 55.0],
                          "lon_deg": [-69.0, 179.2, -30.0]})
    fig = plots.backhaul_choice_map(sites, {"Mine": "fibre", "Atoll": "Starlink ISL"},
                                    data.azure_regions(), styles=_STYLES, title="choice")
    (ax,) = fig.axes
    assert ax.get_title() == "choice"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Azure region", "site; quickest qualifying option: Starlink ISL",
        "site; quickest qualifying option: fibre"]
    # the sites with a choice are named on the map, the one without is not drawn
    assert {t.get_text() for t in ax.texts} == {"Mine", "Atoll"}
    _render_figure(fig)


def test_backhaul_choice_map_refuses_bad_input():
    import pandas as pd
    sites = pd.DataFrame({"name": ["Mine"], "lat_deg": [-24.0], "lon_deg": [-69.0]})
    with pytest.raises(ValueError, match=r"option\(s\) \['laser'\]"):
        plots.backhaul_choice_map(sites, {"Mine": "laser"}, data.azure_regions(),
                                  styles=_STYLES)
    with pytest.raises(ValueError, match="sites lacks"):
        plots.backhaul_choice_map(sites.drop(columns="name"), {}, data.azure_regions(),
                                  styles=_STYLES)
    with pytest.raises(TypeError, match="choice"):
        plots.backhaul_choice_map(sites, ["fibre"], data.azure_regions(), styles=_STYLES)
    with pytest.raises(ValueError, match=r"styles\['fibre'\]\['color'\]"):
        plots.backhaul_choice_map(sites, {}, data.azure_regions(),
                                  styles={"fibre": {"color": "nope", "marker": "s"}})


def test_backhaul_decision_labels_units_and_target():
    fig = plots.backhaul_decision(_backhaul(), sites=["Mine", "Atoll"], styles=_STYLES,
                                  availability_target=99.9, title="decision")
    a1, a2, a3 = fig.axes
    assert a1.get_xlabel() == "round-trip time to the nearest Azure region [ms]"
    assert a2.get_xlabel() == "forward throughput per carrier [Mbit/s]"
    assert a3.get_xlabel() == "downtime, both directions [h/year]"
    assert a1.get_xscale() == a3.get_xscale() == "log"
    assert [t.get_text() for t in a1.get_yticklabels()] == ["Mine", "Atoll"]
    assert fig._suptitle.get_text() == "decision"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "Starlink ISL", "GEO HTS", "fibre", "vacuum floor"]
    assert any(t.get_text() == "target 99.9 %" for t in a3.texts)
    # fibre only in the latency panel; the uncovered GEO row nowhere; downtime floored
    assert len(a2.lines) == 2 * 3
    assert min(min(line.get_xdata()) for line in a3.lines[:3]) == pytest.approx(0.03)
    _render_figure(fig)


def test_backhaul_decision_refuses_bad_input():
    with pytest.raises(ValueError, match="availability_target"):
        plots.backhaul_decision(_backhaul(), sites=["Mine"], styles=_STYLES,
                                availability_target=120.0)
    with pytest.raises(ValueError, match="downtime_h_per_year"):
        plots.backhaul_decision(_backhaul().drop(columns="downtime_h_per_year"),
                                sites=["Mine"], styles=_STYLES, availability_target=99.9)
    with pytest.raises(ValueError, match=r"option\(s\) \['fibre'\]"):
        plots.backhaul_decision(_backhaul(), sites=["Mine"], availability_target=99.9,
                                styles={k: v for k, v in _STYLES.items() if k != "fibre"})
    with pytest.raises(TypeError, match="sites"):
        plots.backhaul_decision(_backhaul(), sites="Mine", styles=_STYLES,
                                availability_target=99.9)


# ---------------------------------------------------------------- figures of notebook 01

def _tracks():
    import pandas as pd
    return pd.DataFrame({"sat_id": ["s/1/0", "s/1/0", "s/1/0", "s/4/0", "s/4/0"],
                         "segment": [0, 0, 1, 0, 0],
                         "lat_deg": [0.0, 30.0, 50.0, -80.0, -60.0],
                         "lon_deg": [0.0, 60.0, -170.0, 10.0, 20.0]})


def test_ground_tracks_one_line_per_satellite_and_legend():
    fig = plots.ground_tracks(_tracks(), title="tracks", legend_title="satellite")
    ax = fig.axes[0]
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["s/1/0", "s/4/0"]
    assert legend.get_title().get_text() == "satellite"
    assert ax.get_title() == "tracks"
    colors = {line.get_color() for line in ax.lines}
    assert colors == {plots.OKABE_ITO["vermillion"], plots.OKABE_ITO["blue"]}
    _render_figure(fig)


def test_ground_tracks_refuses_bad_input():
    with pytest.raises(ValueError, match="segment"):
        plots.ground_tracks(_tracks().drop(columns="segment"))
    with pytest.raises(ValueError, match="lat_deg"):
        plots.ground_tracks(_tracks().assign(lat_deg=95.0))
    with pytest.raises(TypeError, match="title"):
        plots.ground_tracks(_tracks(), title=3)
    many = _tracks().assign(sat_id=[str(i) for i in range(5)])
    with pytest.raises(ValueError, match="at most"):
        plots.ground_tracks(_concat([many, many.assign(sat_id=many.sat_id + "b")]))


def _concat(frames):
    import pandas as pd
    return pd.concat(frames, ignore_index=True)


def _in_view():
    import pandas as pd
    return pd.DataFrame({"constellation": ["A", "A", "B", "B"],
                         "lat_deg": [-45.0, 45.0, -45.0, 45.0],
                         "mean_in_view": [2.0, 30.0, 0.0, 1.5]})


def test_in_view_by_latitude_compared_labels_units_and_styles():
    colors = {"A": plots.NETWORK_COLORS["starlink"], "B": plots.OKABE_ITO["blue"]}
    fig = plots.in_view_by_latitude_compared(_in_view(), colors=colors, dashed=["B"],
                                             title="peaks")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "latitude [deg]"
    assert ax.get_ylabel() == "satellites in view, time mean [count]"
    assert ax.get_yscale() == "symlog"
    assert [line.get_linestyle() for line in ax.lines] == ["-", "--"]
    assert ax.lines[0].get_color() == plots.NETWORK_COLORS["starlink"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A", "B"]
    _render_figure(fig)


def test_in_view_by_latitude_compared_refuses_bad_input():
    colors = {"A": "black", "B": "black"}
    with pytest.raises(ValueError, match="colors has no colour for \\['B'\\]"):
        plots.in_view_by_latitude_compared(_in_view(), colors={"A": "black"})
    with pytest.raises(ValueError, match="colors\\['A'\\]"):
        plots.in_view_by_latitude_compared(_in_view(), colors={"A": "nocolour", "B": "k"})
    with pytest.raises(TypeError, match="colors must be a dict"):
        plots.in_view_by_latitude_compared(_in_view(), colors=["black"])
    with pytest.raises(ValueError, match="mean_in_view"):
        plots.in_view_by_latitude_compared(_in_view().assign(mean_in_view=-1.0),
                                           colors=colors)
    with pytest.raises(TypeError, match="dashed"):
        plots.in_view_by_latitude_compared(_in_view(), colors=colors, dashed="B")


def _sweeps():
    import pandas as pd
    dep = pd.DataFrame({"variant": ["spread", "spread", "adjacent", "adjacent"],
                        "n_satellites": [100, 800, 100, 800],
                        "coverage_percent": [40.0, 87.0, 20.0, 75.0]})
    elev = pd.DataFrame({"constellation": ["A", "A", "B", "B"],
                         "min_elevation_deg": [10.0, 55.0, 10.0, 55.0],
                         "coverage_percent": [100.0, 99.0, 87.0, 50.0]})
    return dep, elev


def test_coverage_sweeps_labels_units_and_mark():
    dep, elev = _sweeps()
    fig = plots.coverage_sweeps(dep, elev, colors={"A": "black", "B": "#0072B2"},
                                dashed=["B"], marked_count=800, deployment_title="left",
                                elevation_title="right")
    left, right = fig.axes
    assert left.get_xlabel() == "satellites deployed [count]"
    assert left.get_ylabel() == right.get_ylabel() == "time covered, area-weighted [%]"
    assert right.get_xlabel() == "minimum elevation [deg]"
    assert (left.get_title(), right.get_title()) == ("left", "right")
    assert [line.get_linestyle() for line in left.lines[:2]] == ["-", "--"]
    assert left.lines[0].get_color() == plots.NETWORK_COLORS["starlink"]
    assert left.lines[1].get_color() != left.lines[0].get_color()
    assert list(left.lines[2].get_xdata()) == [800, 800]  # the marked count
    assert [line.get_linestyle() for line in right.lines] == ["-", "--"]
    _render_figure(fig)


def test_coverage_sweeps_refuses_bad_input():
    dep, elev = _sweeps()
    colors = {"A": "black", "B": "black"}
    with pytest.raises(ValueError, match="n_satellites"):
        plots.coverage_sweeps(dep.drop(columns="n_satellites"), elev, colors=colors)
    with pytest.raises(TypeError, match="min_elevation_deg"):
        plots.coverage_sweeps(dep, elev.assign(min_elevation_deg="x"), colors=colors)
    with pytest.raises(ValueError, match="coverage_percent"):
        plots.coverage_sweeps(dep.assign(coverage_percent=np.nan), elev, colors=colors)
    with pytest.raises(ValueError, match="marked_count"):
        plots.coverage_sweeps(dep, elev, colors=colors, marked_count=-1)
    with pytest.raises(TypeError, match="elevation_title"):
        plots.coverage_sweeps(dep, elev, colors=colors, elevation_title=1.0)


_GS_LABELS = {"azure-orbital": "Azure Orbital", "union": "Azure + KSAT",
              "aws-ground-station": "AWS Ground Station"}
_GS_COLORS = {"azure-orbital": "#0072B2", "union": "#56B4E9", "aws-ground-station": "#E69F00"}


def test_ground_stations_map_draws_track_and_networks():
    import pandas as pd
    stations = pd.DataFrame({"network": ["azure-orbital", "aws-ground-station"],
                             "lat_deg": [47.6, 39.0], "lon_deg": [-122.3, -77.5]})
    track = pd.DataFrame({"segment": [0, 0, 1], "lat_deg": [0.0, 10.0, 20.0],
                          "lon_deg": [170.0, 179.0, -175.0]})
    styles = {"azure-orbital": {"color": "#0072B2", "marker": "^"},
              "aws-ground-station": {"color": "#E69F00", "marker": "v"}}
    fig = plots.ground_stations_map(stations, track, styles=styles, labels=_GS_LABELS,
                                    title="sites")
    (ax,) = fig.axes
    assert ax.get_title() == "sites"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Azure Orbital",
                                                                   "AWS Ground Station"]
    assert len(ax.lines) == 2  # one line per track segment
    _render_figure(fig)
    with pytest.raises(ValueError, match=r"network\(s\) \['aws-ground-station'\]"):
        plots.ground_stations_map(stations, track, labels=_GS_LABELS,
                                  styles={"azure-orbital": styles["azure-orbital"]})
    with pytest.raises(ValueError, match="track lacks"):
        plots.ground_stations_map(stations, track.drop(columns="segment"), styles=styles,
                                  labels=_GS_LABELS)


def test_contact_timeline_rows_hours_and_bad_input():
    import pandas as pd
    t0 = np.datetime64("2020-10-01T00:00", "ns")
    contacts = pd.DataFrame({"network": ["aws-ground-station", "azure-orbital",
                                         "aws-ground-station"],
                             "start": [t0 + np.timedelta64(3600, "s"),
                                       t0 + np.timedelta64(7200, "s"),
                                       t0 + np.timedelta64(30 * 3600, "s")],
                             "duration_s": [600.0, 300.0, 600.0]})
    fig = plots.contact_timeline(contacts, start=t0, colors=_GS_COLORS, labels=_GS_LABELS,
                                 title="gaps")
    (ax,) = fig.axes
    assert ax.get_xlabel() == "time from 2020-10-01 00:00 [h UTC]"
    assert ax.get_xlim() == (0.0, 24.0)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Azure Orbital",
                                                            "AWS Ground Station"]
    assert ax.get_title() == "gaps"
    _render_figure(fig)
    with pytest.raises(ValueError, match="hours"):
        plots.contact_timeline(contacts, start=t0, colors=_GS_COLORS, labels=_GS_LABELS,
                               hours=0.0)
    with pytest.raises(ValueError, match="colors lacks"):
        plots.contact_timeline(contacts, start=t0, colors={}, labels=_GS_LABELS)
    with pytest.raises(ValueError, match="duration_s"):
        plots.contact_timeline(contacts.assign(duration_s=-1.0), start=t0,
                               colors=_GS_COLORS, labels=_GS_LABELS)


def test_data_age_cdf_labels_units_and_bad_input():
    import pandas as pd
    age = pd.DataFrame({"network": ["aws-ground-station"] * 3 + ["union"] * 2,
                        "age_min": [1.0, 7.0, 30.0, 14.0, 20.0]})
    fig = plots.data_age_cdf(age, colors=_GS_COLORS, labels=_GS_LABELS, dashed=["union"],
                             title="age")
    (ax,) = fig.axes
    assert ax.get_xlabel() == "age of data when it reaches the cloud [min]"
    assert ax.get_ylabel() == "share of data [%]"
    assert ax.get_ylim() == (0.0, 100.0)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Azure + KSAT (median 17 min)", "AWS Ground Station (median 7 min)"]
    assert ax.lines[0].get_linestyle() == "--"
    _render_figure(fig)
    with pytest.raises(ValueError, match="age_min"):
        plots.data_age_cdf(age.assign(age_min=np.nan), colors=_GS_COLORS, labels=_GS_LABELS)
    with pytest.raises(TypeError, match="dashed"):
        plots.data_age_cdf(age, colors=_GS_COLORS, labels=_GS_LABELS, dashed="union")
    with pytest.raises(TypeError, match="labels"):
        plots.data_age_cdf(age, colors=_GS_COLORS, labels=["AWS"])


# ---------------------------------------------------------------- figures of notebook 02

_BANDS = {"Ku": "Starlink Ku", "Ka": "Kuiper Ka"}
_BAND_COLORS = {"Ku": "#D55E00", "Ka": "#009E73"}


def _fade():
    import pandas as pd
    rows = [(band, freq, city, p, db * k) for band, freq, k in (("Ku", 11.7, 1.0),
                                                                ("Ka", 18.9, 2.5))
            for city in ("Seattle", "Lagos") for p, db in ((0.01, 10.0), (1.0, 1.0))]
    return pd.DataFrame(rows, columns=["band", "freq_ghz", "city", "p_percent",
                                       "atm_total_db"])


def test_rain_fade_curves_labels_units_and_panels():
    fig = plots.rain_fade_curves(_fade(), names=_BANDS, elevation_deg=40.0, title="rain")
    left, right = fig.axes
    assert left.get_xlabel() == ("percentage of an average year the attenuation is "
                                 "exceeded [%]")
    assert left.get_ylabel() == "atmospheric attenuation [dB]"
    assert left.get_xscale() == "log"
    assert left.get_title() == "Starlink Ku (11.7 GHz), elevation 40°"
    assert [t.get_text() for t in right.get_legend().get_texts()] == ["Seattle", "Lagos"]
    assert fig._suptitle.get_text() == "rain"
    _render_figure(fig)


def test_rain_fade_curves_refuses_bad_input():
    with pytest.raises(ValueError, match="names has no entry for \\['Ka'\\]"):
        plots.rain_fade_curves(_fade(), names={"Ku": "Ku"}, elevation_deg=40.0)
    with pytest.raises(ValueError, match="p_percent"):
        plots.rain_fade_curves(_fade().assign(p_percent=0.0), names=_BANDS, elevation_deg=40.0)
    with pytest.raises(ValueError, match="elevation_deg"):
        plots.rain_fade_curves(_fade(), names=_BANDS, elevation_deg=0.0)
    with pytest.raises(ValueError, match="atm_total_db"):
        plots.rain_fade_curves(_fade().drop(columns="atm_total_db"), names=_BANDS,
                               elevation_deg=40.0)


def _pass(sat_id="s1"):
    import pandas as pd
    t = np.array([-60.0, -30.0, 0.0, 30.0, 60.0])
    return pd.DataFrame({"t_from_culmination_s": t, "elevation_deg": 80 - np.abs(t),
                         "throughput_mbps": [400.0, 800.0, 1000.0, 800.0, 400.0],
                         "shannon_mbps": [600.0, 1100.0, 1300.0, 1100.0, 600.0],
                         "below_min_elevation": [True, False, False, False, True],
                         "modcod": ["QPSK 1/2", "16APSK 3/4", "32APSK 9/10", "16APSK 3/4",
                                    "QPSK 1/2"], "sat_id": sat_id})


def test_pass_throughput_labels_units_and_annotations():
    fig = plots.pass_throughput({"Ku": _pass(), "Ka": _pass("s2")}, names=_BANDS,
                                colors=_BAND_COLORS, title="pass")
    ku, ka, ku_twin, ka_twin = fig.axes
    assert ku.get_xlabel() == ka.get_xlabel() == "time from culmination [s]"
    assert ku.get_ylabel() == "information rate per channel [Mbit/s]"
    assert ku_twin.get_ylabel() == ka_twin.get_ylabel() == "elevation [deg]"
    assert ku.get_title() == "Starlink Ku: s1, max. elevation 80°"
    assert [t.get_text() for t in ku.texts] == ["32APSK 9/10", "16APSK 3/4"]
    assert ku.lines[0].get_color() == "#D55E00"
    _render_figure(fig)


def test_pass_throughput_refuses_bad_input():
    with pytest.raises(TypeError, match="passes"):
        plots.pass_throughput([_pass()], names=_BANDS, colors=_BAND_COLORS)
    with pytest.raises(ValueError, match="modcod"):
        plots.pass_throughput({"Ku": _pass().drop(columns="modcod")}, names=_BANDS,
                              colors=_BAND_COLORS)
    with pytest.raises(ValueError, match="colors has no colour"):
        plots.pass_throughput({"Ku": _pass()}, names=_BANDS, colors={})
    with pytest.raises(ValueError, match="throughput_mbps"):
        plots.pass_throughput({"Ku": _pass().assign(throughput_mbps=np.inf)}, names=_BANDS,
                              colors=_BAND_COLORS)


def _subscribers():
    import pandas as pd
    n = np.array([1.0, 10.0, 100.0, 1000.0])
    return pd.concat([pd.DataFrame({"label": band, "subscribers_per_cell": n,
                                    "per_user_mbps": np.minimum(cap / (0.1 * n), 900.0),
                                    "max_subscribers_per_cell": limit})
                      for band, cap, limit in (("Ku", 3760.0, 376), ("Ka", 2250.0, 225))],
                     ignore_index=True)


def test_subscribers_per_cell_labels_units_and_limits():
    fig = plots.subscribers_per_cell(_subscribers(),
                                     cell_capacity_mbps={"Ku": 3760.0, "Ka": 2250.0},
                                     claim_mbps=100.0, names=_BANDS, colors=_BAND_COLORS,
                                     title="claim")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "subscribers in the cell [-]"
    assert ax.get_ylabel() == "busy-hour throughput per active subscriber [Mbit/s]"
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Starlink Ku: cell of 3.76 Gbit/s", "Kuiper Ka: cell of 2.25 Gbit/s",
        'the claim: "up to 100 Mbps"']
    assert [t.get_text() for t in ax.texts] == ["376 subscribers", "225 subscribers"]
    _render_figure(fig)


def test_subscribers_per_cell_refuses_bad_input():
    cap = {"Ku": 3760.0, "Ka": 2250.0}
    with pytest.raises(ValueError, match="claim_mbps"):
        plots.subscribers_per_cell(_subscribers(), cell_capacity_mbps=cap, claim_mbps=0.0,
                                   names=_BANDS, colors=_BAND_COLORS)
    with pytest.raises(ValueError, match="cell_capacity_mbps has no entry"):
        plots.subscribers_per_cell(_subscribers(), cell_capacity_mbps={"Ku": 1.0},
                                   claim_mbps=100.0, names=_BANDS, colors=_BAND_COLORS)
    with pytest.raises(TypeError, match="cell_capacity_mbps must be a dict"):
        plots.subscribers_per_cell(_subscribers(), cell_capacity_mbps=3760.0,
                                   claim_mbps=100.0, names=_BANDS, colors=_BAND_COLORS)
    with pytest.raises(ValueError, match="per_user_mbps"):
        plots.subscribers_per_cell(_subscribers().assign(per_user_mbps=0.0),
                                   cell_capacity_mbps=cap, claim_mbps=100.0, names=_BANDS,
                                   colors=_BAND_COLORS)


def _amap():
    import xarray as xr
    lat, lon = np.array([-30.0, 30.0]), np.array([-90.0, 0.0, 90.0])
    values = np.array([[[99.0, 99.9, 100.0], [99.99, 99.5, 99.95]],
                       [[98.0, 99.0, 99.9], [99.9, 99.0, 99.5]]])
    return xr.Dataset({"availability_percent": (("band", "lat_deg", "lon_deg"), values)},
                      coords={"band": ["Ku", "Ka"], "lat_deg": lat, "lon_deg": lon})


def test_availability_nines_map_panels_and_colour_bar():
    fig = plots.availability_nines_map(_amap(), margin_db=6.0, elevation_deg=40.0,
                                       panel_titles={"Ku": "ku", "Ka": "ka"}, title="nines")
    ku, ka, cbar = fig.axes
    assert (ku.get_title(), ka.get_title()) == ("ku", "ka")
    assert cbar.get_xlabel() == ("availability with a 6 dB margin at 40° elevation "
                                 "[% of the year]")
    assert [t.get_text() for t in cbar.get_xticklabels()] == [
        "99 %", "99.9 %", "99.99 %", "≥ 99.999 %"]
    _render_figure(fig)


def test_availability_nines_map_refuses_bad_input():
    with pytest.raises(TypeError, match="amap"):
        plots.availability_nines_map(_amap()["availability_percent"], margin_db=6.0,
                                     elevation_deg=40.0)
    with pytest.raises(ValueError, match="availability_percent"):
        plots.availability_nines_map(_amap() * 2, margin_db=6.0, elevation_deg=40.0)
    with pytest.raises(ValueError, match="margin_db"):
        plots.availability_nines_map(_amap(), margin_db=-1.0, elevation_deg=40.0)
    with pytest.raises(ValueError, match="panel_titles has no entry"):
        plots.availability_nines_map(_amap(), margin_db=6.0, elevation_deg=40.0,
                                     panel_titles={"Ku": "ku"})


# ---------------------------------------------------------------- figures of notebook 03

_RTT_STYLES = {"fibre, typical": {"color": "#000000", "ls": "--"},
           "Starlink ISL": {"color": "#CC79A7", "ls": "-"},
           "GEO": {"color": "#999999", "ls": "-"},
           "vacuum floor": {"color": "#0072B2", "ls": "-."}}
_RTT_MARKERS = {"fibre, typical": "s", "Starlink ISL": "P", "GEO": "^"}


def _rtt_summary():
    import pandas as pd
    return pd.DataFrame({
        "source": ["Atoll", "Atoll", "Atoll", "City", "City", "City"],
        "system": ["fibre, typical", "Starlink ISL", "GEO"] * 2,
        "rtt_min_ms": [80.0, 30.0, np.nan, 5.0, 8.0, 480.0],
        "rtt_median_ms": [80.0, 33.0, np.nan, 5.0, 9.0, 490.0],
        "rtt_p95_ms": [80.0, 36.0, np.nan, 5.0, 10.0, 495.0],
        "target_floor_ms": [25.0, 25.0, 25.0, 2.0, 2.0, 2.0]})


def test_rtt_distributions_labels_units_and_unreached():
    fig = plots.rtt_distributions(_rtt_summary(), systems=["fibre, typical", "Starlink ISL",
                                                           "GEO"],
                                  styles=_RTT_STYLES, markers=_RTT_MARKERS, remote_sites=["Atoll"],
                                  title="floor")
    ax, bx = fig.axes
    assert ax.get_xlabel() == "median round-trip time to the nearest Azure region [ms]"
    assert ax.get_ylabel() == "share of endpoints [-]"
    assert bx.get_xlabel() == "round-trip time to the nearest Azure region [ms]"
    assert ax.get_xscale() == bx.get_xscale() == "log"
    assert [t.get_text() for t in bx.texts] == ["×"]  # GEO never reaches the atoll
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "fibre, typical", "Starlink ISL", "GEO", "vacuum floor"]
    # GEO reaches one endpoint of two: its curve stops at 0.5
    assert ax.lines[2].get_ydata()[-1] == 0.5
    _render_figure(fig)


def test_rtt_distributions_refuses_bad_input():
    kw = {"systems": ["Starlink ISL"], "styles": _RTT_STYLES, "markers": _RTT_MARKERS,
          "remote_sites": ["Atoll"]}
    with pytest.raises(ValueError, match="styles has no style for \\['vacuum floor'\\]"):
        plots.rtt_distributions(_rtt_summary(), **{**kw, "styles": {
            "Starlink ISL": _RTT_STYLES["Starlink ISL"]}})
    with pytest.raises(ValueError, match="ls"):
        plots.rtt_distributions(_rtt_summary(), **{**kw, "styles": {
            **_RTT_STYLES, "Starlink ISL": {"color": "#CC79A7", "ls": "wavy"}}})
    with pytest.raises(ValueError, match="remote_sites"):
        plots.rtt_distributions(_rtt_summary(), **{**kw, "remote_sites": ["Nowhere"]})
    with pytest.raises(ValueError, match="markers"):
        plots.rtt_distributions(_rtt_summary(), **{**kw, "markers": {}})
    with pytest.raises(ValueError, match="rtt_p95_ms"):
        plots.rtt_distributions(_rtt_summary().drop(columns="rtt_p95_ms"), **kw)


def _components():
    import pandas as pd
    return pd.DataFrame({"source": ["Lagos", "Lagos"], "system": ["fibre, typical", "GEO"],
                         "reachable": [True, False], "target_floor_ms": [27.0, 27.0],
                         "user_link_ms": [np.nan, np.nan], "isl_ms": [np.nan, np.nan],
                         "gateway_link_ms": [np.nan, np.nan], "fibre_ms": [85.0, np.nan],
                         "overhead_ms": [0.0, np.nan]})


def test_rtt_components_labels_units_and_unreachable():
    fig = plots.rtt_components(_components(), sites=["Lagos"],
                               systems=["fibre, typical", "GEO"], title="parts")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "round-trip time to the nearest Azure region [ms]"
    assert ax.get_title(loc="left") == "Lagos"
    assert [t.get_text() for t in ax.texts] == ["not reachable"]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "vacuum floor", "user link", "laser links", "gateway link", "fibre", "overheads"]
    _render_figure(fig)


def test_rtt_components_refuses_bad_input():
    with pytest.raises(ValueError, match="fibre_ms"):
        plots.rtt_components(_components().drop(columns="fibre_ms"), sites=["Lagos"],
                             systems=["GEO"])
    with pytest.raises(ValueError, match="sites"):
        plots.rtt_components(_components(), sites=["Paris"], systems=["GEO"])
    with pytest.raises(ValueError, match="systems is empty"):
        plots.rtt_components(_components(), sites=["Lagos"], systems=[])
    with pytest.raises(ValueError, match="floor_color"):
        plots.rtt_components(_components(), sites=["Lagos"], systems=["GEO"],
                             floor_color="nocolour")


def _series():
    import pandas as pd
    t = [0.0, 15.0, 30.0]
    return pd.DataFrame({"source": "Tabatinga", "system": ["Starlink ISL"] * 3 +
                         ["fibre, typical"] * 3, "time_s": t * 2,
                         "rtt_ms": [26.0, 27.0, 26.5, 66.0, 66.0, 66.0],
                         "route_change": [False, True, False, False, False, False],
                         "target_floor_ms": 21.0})


def test_rtt_series_labels_units_and_ticks():
    fig = plots.rtt_series(_series(), sites=["Tabatinga"], stepped=["Starlink ISL"],
                           flat=["fibre, typical"], styles=_RTT_STYLES,
                           time_label="minutes after 2020-10-01T00:00 UTC [min]", title="t")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "round-trip time [ms]"
    assert ax.get_xlabel() == "minutes after 2020-10-01T00:00 UTC [min]"
    assert list(ax.lines[1].get_xdata()) == [0.25]  # one route change, at 15 s
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Starlink ISL", "fibre, typical", "vacuum floor", "route change, Starlink ISL"]
    _render_figure(fig)


def test_rtt_series_refuses_bad_input():
    kw = {"sites": ["Tabatinga"], "stepped": ["Starlink ISL"], "flat": ["fibre, typical"],
          "styles": _RTT_STYLES, "time_label": "minutes [min]"}
    with pytest.raises(ValueError, match="route_change"):
        plots.rtt_series(_series().drop(columns="route_change"), **kw)
    with pytest.raises(TypeError, match="time_label"):
        plots.rtt_series(_series(), **{**kw, "time_label": None})
    with pytest.raises(TypeError, match="stepped"):
        plots.rtt_series(_series(), **{**kw, "stepped": "Starlink ISL"})
    with pytest.raises(TypeError, match="styles"):
        plots.rtt_series(_series(), **{**kw, "styles": ["#000000"]})


def _best():
    import pandas as pd
    return pd.DataFrame({"lat_deg": [51.5, -8.5], "lon_deg": [-0.1, 179.2],
                         "kind": ["city", "remote site"],
                         "best_system": ["GEO", "Starlink ISL"],
                         "leo_minus_fibre_ms": [3.0, np.nan]})


def test_best_option_map_legend_and_colour_bar():
    fig = plots.best_option_map(_best(), systems=["GEO", "Starlink ISL"], styles=_RTT_STYLES,
                                limit_ms=50.0, option_title="top", difference_title="bottom")
    top, bottom, cbar = fig.axes
    assert (top.get_title(), bottom.get_title()) == ("top", "bottom")
    assert [t.get_text() for t in top.get_legend().get_texts()] == [
        "GEO (1 endpoints)", "Starlink ISL (1 endpoints)", "remote site"]
    assert cbar.get_xlabel() == ("best Starlink median RTT minus typical-fibre RTT [ms] "
                                 "(purple: Starlink faster)")
    _render_figure(fig)


def test_best_option_map_refuses_bad_input():
    with pytest.raises(ValueError, match="limit_ms"):
        plots.best_option_map(_best(), systems=["GEO"], styles=_RTT_STYLES, limit_ms=0.0)
    with pytest.raises(ValueError, match="best_system"):
        plots.best_option_map(_best().drop(columns="best_system"), systems=["GEO"],
                              styles=_RTT_STYLES)
    with pytest.raises(ValueError, match="lat_deg"):
        plots.best_option_map(_best().assign(lat_deg=100.0), systems=["GEO"], styles=_RTT_STYLES)
    with pytest.raises(TypeError, match="option_title"):
        plots.best_option_map(_best(), systems=["GEO"], styles=_RTT_STYLES, option_title=1)


def test_plot_sites_refuses_an_invisible_marker_and_huge_log_values():
    # found with warnings as errors: marker="" drew nothing (matplotlib warned about the
    # edge colour), and 1e308 on per_user_throughput's log axes overflowed in the ticks
    import pandas as pd

    from satcloud import plots

    ax = plots.world_map()
    sites = pd.DataFrame({"name": ["A"], "lat_deg": [0.0], "lon_deg": [0.0]})
    for marker in ("", "None", " "):
        with pytest.raises(ValueError, match="marker must be a visible"):
            plots.plot_sites(ax, sites, label="x", color="#000000", marker=marker)
    table = pd.DataFrame({"subscribers": [1.0, 10.0], "per_user_mbps": [100.0, 10.0]})
    with pytest.raises(ValueError, match="claim_mbps"):
        plots.per_user_throughput(table, claim_mbps=1e308)
    with pytest.raises(ValueError, match="subscribers"):
        plots.per_user_throughput(table, claim_mbps=100.0, subscribers=1e308,
                                  per_user_mbps=1.0)


# ------------------------------------------------------------ figures of notebook 04

_SYS_LABELS = {"starlink": "Starlink + Azure", "kuiper": "Kuiper + AWS", "fibre": "Fibre"}
_SYS_COLORS = {k: plots.network_color(k) for k in ("starlink", "kuiper", "fibre")}


def test_coverage_by_latitude_systems_panels_units_and_bad_input():
    import pandas as pd
    lat = pd.DataFrame({"key": ["starlink"] * 3 + ["kuiper"] * 3,
                        "lat_deg": [-60.0, 0.0, 60.0] * 2,
                        "fraction_covered": [1.0, 1.0, 1.0, 0.0, 1.0, 0.0],
                        "mean_in_view": [30.0, 12.0, 30.0, 0.0, 8.0, 0.0]})
    fig = plots.coverage_by_latitude_systems(lat, labels=_SYS_LABELS, colors=_SYS_COLORS,
                                             title="finding")
    left, right = fig.axes
    assert left.get_xlabel() == "time with a satellite above the minimum elevation [%]"
    assert left.get_ylabel() == "latitude [deg]"
    assert right.get_xlabel() == "satellites in view above the minimum elevation, mean [-]"
    assert right.get_xscale() == "log"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Starlink + Azure",
                                                                  "Kuiper + AWS"]
    assert fig._suptitle.get_text() == "finding"
    _render_figure(fig)
    with pytest.raises(ValueError, match="fraction_covered"):
        plots.coverage_by_latitude_systems(lat.assign(fraction_covered=2.0),
                                           labels=_SYS_LABELS, colors=_SYS_COLORS)
    with pytest.raises(ValueError, match="mean_in_view"):
        plots.coverage_by_latitude_systems(lat.assign(mean_in_view=1e308),
                                           labels=_SYS_LABELS, colors=_SYS_COLORS)
    with pytest.raises(ValueError, match="colors lacks"):
        plots.coverage_by_latitude_systems(lat, labels=_SYS_LABELS, colors={})
    with pytest.raises(TypeError, match="labels"):
        plots.coverage_by_latitude_systems(lat, labels=["a"], colors=_SYS_COLORS)


def test_rtt_cdf_by_system_labels_reach_and_bad_input():
    import pandas as pd
    samples = pd.DataFrame({"key": ["starlink"] * 3 + ["kuiper"] * 2 + ["fibre"] * 2,
                            "rtt_ms": [20.0, 30.0, 40.0, 50.0, np.nan, 10.0, 90.0],
                            "reachable": [True, True, True, True, False, True, True]})
    fig = plots.rtt_cdf_by_system(samples, labels=_SYS_LABELS, colors=_SYS_COLORS,
                                  floor_ms=12.0, dashed=["fibre"], title="fastest")
    (ax,) = fig.axes
    assert ax.get_xlabel() == "round-trip time to the system's cloud [ms]"
    assert ax.get_ylabel() == "share of (city, time) samples reached [-]"
    assert ax.get_xscale() == "log"
    assert ax.get_xlim() == pytest.approx((2.0, 800.0))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Starlink + Azure", "Kuiper + AWS (reached 50 % of the time)", "Fibre"]
    assert ax.get_title() == "fastest"
    _render_figure(fig)
    with pytest.raises(ValueError, match="rtt_ms"):
        plots.rtt_cdf_by_system(samples.assign(rtt_ms=1e308), labels=_SYS_LABELS,
                                colors=_SYS_COLORS, floor_ms=12.0)
    with pytest.raises(ValueError, match="floor_ms"):
        plots.rtt_cdf_by_system(samples, labels=_SYS_LABELS, colors=_SYS_COLORS,
                                floor_ms=1e308)
    with pytest.raises(ValueError, match="xlim_ms"):
        plots.rtt_cdf_by_system(samples, labels=_SYS_LABELS, colors=_SYS_COLORS,
                                floor_ms=12.0, xlim_ms=(800.0, 2.0))
    with pytest.raises(TypeError, match="reachable"):
        plots.rtt_cdf_by_system(samples.assign(reachable=1), labels=_SYS_LABELS,
                                colors=_SYS_COLORS, floor_ms=12.0)


def test_capacity_bars_order_units_and_bad_input():
    import pandas as pd
    cap = pd.DataFrame({"key": ["starlink", "kuiper"], "satellite_gbps": [20.0, 40.0],
                        "system_tbps": [60.0, 30.0]})
    fig = plots.capacity_bars(cap, labels=_SYS_LABELS, colors=_SYS_COLORS, title="fleet")
    left, right = fig.axes
    assert left.get_xlabel() == "capacity per satellite [Gbit/s]"
    assert right.get_xlabel() == "system capacity over demand [Tbit/s]"
    assert left.get_xscale() == right.get_xscale() == "log"
    assert [t.get_text() for t in left.get_yticklabels()] == ["Kuiper + AWS",
                                                              "Starlink + Azure"]
    _render_figure(fig)
    with pytest.raises(ValueError, match="system_tbps"):
        plots.capacity_bars(cap.assign(system_tbps=1e308), labels=_SYS_LABELS,
                            colors=_SYS_COLORS)
    with pytest.raises(ValueError, match="satellite_gbps"):
        plots.capacity_bars(cap.assign(satellite_gbps=0.0), labels=_SYS_LABELS,
                            colors=_SYS_COLORS)
    with pytest.raises(ValueError, match="labels lacks"):
        plots.capacity_bars(cap, labels={"starlink": "S"}, colors=_SYS_COLORS)


def test_band_heatmaps_cells_colorbars_and_bad_input():
    import pandas as pd
    bands = ["[-90, -30)", "[-30, 30)", "[30, 90)"]
    cov = pd.DataFrame([[100.0, 100.0, 100.0], [0.0, 100.0, 40.0]],
                       index=["Starlink", "Kuiper"], columns=bands)
    rtt = pd.DataFrame([[40.0, 30.0, 1e9], [np.nan, 35.0, 2.0]], index=cov.index,
                       columns=bands)
    fig = plots.band_heatmaps(cov, rtt, min_reachable=0.9, title="bands")
    left, right = fig.axes[:2]
    assert left.get_xlabel() == right.get_xlabel() == "latitude band [deg]"
    assert [t.get_text() for t in left.get_yticklabels()] == ["Starlink", "Kuiper"]
    assert right.get_title() == ("median RTT of the band's cities [ms] (–: none reached "
                                 "≥ 90 % of the time)")
    assert {a.get_ylabel() for a in fig.axes[2:]} == {"coverage [%]", "round-trip time [ms]"}
    assert "–" in [t.get_text() for t in right.texts]
    _render_figure(fig)
    with pytest.raises(ValueError, match="coverage_percent"):
        plots.band_heatmaps(cov * 2, rtt, min_reachable=0.9)
    with pytest.raises(ValueError, match="rtt_ms"):
        plots.band_heatmaps(cov, rtt.iloc[:, :2], min_reachable=0.9)
    with pytest.raises(ValueError, match="rtt_ms"):
        plots.band_heatmaps(cov, rtt * 0 - 1, min_reachable=0.9)
    with pytest.raises(ValueError, match="min_reachable"):
        plots.band_heatmaps(cov, rtt, min_reachable=0.0)
    with pytest.raises(TypeError, match="coverage_percent"):
        plots.band_heatmaps(cov.to_numpy(), rtt, min_reachable=0.9)
    # the keyword spelled coverage_pct before issue 12 still works for one release, with
    # a DeprecationWarning naming the new spelling; the figure is the same
    with pytest.warns(DeprecationWarning, match="'coverage_percent'"):
        old = plots.band_heatmaps(coverage_pct=cov, rtt_ms=rtt, min_reachable=0.9)
    assert [t.get_text() for t in old.axes[1].texts] == [t.get_text() for t in right.texts]
    with pytest.raises(TypeError, match="both 'coverage_pct'"):
        plots.band_heatmaps(cov, rtt, coverage_pct=cov, min_reachable=0.9)


def test_fractions_beyond_one_by_rounding_only_are_drawn_not_refused():
    # found by the full-size report (notebook 04): a groupby mean of fractions that are
    # all 1 gave 1.0000000000000002, which the [0, 1] check refused; 1 + 2.2e-16 is one
    # ulp of 1 (IEEE 754 binary64), far inside the 1e-9 tolerance, and 1.1 stays an error
    import numpy as np
    import pandas as pd

    one_ulp_over = np.nextafter(1.0, 2.0)
    lat = pd.DataFrame({"key": ["starlink"] * 2, "lat_deg": [0.0, 60.0],
                        "fraction_covered": [one_ulp_over, 0.5], "mean_in_view": [12.0, 30.0]})
    plots.coverage_by_latitude_systems(lat, labels=_SYS_LABELS, colors=_SYS_COLORS)
    with pytest.raises(ValueError, match="fraction_covered"):
        plots.coverage_by_latitude_systems(lat.assign(fraction_covered=1.1),
                                           labels=_SYS_LABELS, colors=_SYS_COLORS)


def test_coverage_by_latitude_keeps_fractions_in_zero_one():
    # the scenario's per-band mean is clipped to [0, 1] (a mean of ones may round above)
    import numpy as np
    import pandas as pd

    from satcloud.scenarios import competition

    n = 7  # every input one ulp above 1, as a rounded upstream mean can be
    grid = pd.DataFrame({"lat_deg": [0.0] * n, "lon_deg": np.linspace(-180, 180, n),
                         "fraction_covered": [np.nextafter(1.0, 2.0)] * n,
                         "mean_in_view": [3.0] * n})
    out = competition.coverage_by_latitude({"starlink": grid})
    assert out["fraction_covered"].max() <= 1.0


def _phases():
    import pandas as pd
    return pd.DataFrame({
        "constellation": ["real"] * 4 + ["ideal"] * 2,
        "status": ["operational", "operational", "raising", "deorbiting", "operational",
                   "operational"],
        "raan_deg": [10.0, 10.0, 200.0, 300.0, 0.0, 360.0],
        "arg_latitude_deg": [0.0, 18.0, 90.0, 270.0, 0.0, 16.4]})


def test_plane_phases_compared_panels_labels_units_and_counts():
    colors = {"real": plots.NETWORK_COLORS["starlink"], "ideal": plots.OKABE_ITO["blue"]}
    fig = plots.plane_phases_compared(_phases(), colors=colors, title="gaps",
                                      panel_titles={"real": "as launched"})
    left, right = fig.axes
    assert left.get_xlabel() == right.get_xlabel() == "right ascension of ascending node [deg]"
    assert left.get_ylabel() == "argument of latitude [deg]"
    assert left.get_xlim() == (0.0, 360.0) and left.get_ylim() == (0.0, 360.0)
    assert (left.get_title(), right.get_title()) == ("as launched", "ideal")
    assert fig._suptitle.get_text() == "gaps"
    # the counts in the legends are the rows of _phases per status (counted by hand)
    assert [t.get_text() for t in left.get_legend().get_texts()] == [
        "operational (2)", "deorbiting (1)", "raising (1)"]
    assert [t.get_text() for t in right.get_legend().get_texts()] == ["operational (2)"]
    assert left.collections[0].get_offsets().tolist() == [[10.0, 0.0], [10.0, 18.0]]
    assert np.allclose(left.collections[0].get_facecolor()[0][:3],
                       plt.matplotlib.colors.to_rgb(plots.NETWORK_COLORS["starlink"]))
    _render_figure(fig)


def test_plane_phases_compared_refuses_bad_input():
    colors = {"real": "black", "ideal": "black"}
    with pytest.raises(ValueError, match="arg_latitude_deg"):
        plots.plane_phases_compared(_phases().drop(columns="arg_latitude_deg"), colors=colors)
    with pytest.raises(ValueError, match="raan_deg must lie in \\[0, 360\\]"):
        plots.plane_phases_compared(_phases().assign(raan_deg=-5.0), colors=colors)
    with pytest.raises(ValueError, match="raan_deg"):
        plots.plane_phases_compared(_phases().assign(raan_deg=np.nan), colors=colors)
    with pytest.raises(ValueError, match="colors has no colour for \\['ideal'\\]"):
        plots.plane_phases_compared(_phases(), colors={"real": "black"})
    with pytest.raises(TypeError, match="panel_titles"):
        plots.plane_phases_compared(_phases(), colors=colors, panel_titles=["a"])
    with pytest.raises(TypeError, match="title"):
        plots.plane_phases_compared(_phases(), colors=colors, title=3)


def test_ground_segment_map_colours_countries_by_home_pop_offline():
    import cartopy.crs as ccrs
    import matplotlib as mpl

    from satcloud import ground

    fig = plots.ground_segment_map(title="ground")
    ax = fig.axes[0]
    assert ax.get_title() == "ground"
    # the StarPerf gateway file counted by hand: 218 Ka-band and 43 E-band sites; the
    # 2026-04-16 PoP list: 66 located PoPs
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[0].startswith("Ka-band gateways: 218 sites")
    assert texts[1].startswith("E-band gateways: 43 sites")
    assert texts[2] == "PoPs: 66"
    sizes = {c.get_label(): len(c.get_offsets()) for c in ax.collections
             if c.get_label() in texts}
    assert sizes == {texts[0]: 218, texts[1]: 43, texts[2]: 66}
    # SpaceX's GeoIP feed (2024-08-06), counted by hand: Belgium's blocks go 62 % to
    # Frankfurt; the pixel at Belgium's centre is Frankfurt's legend colour over the land
    (legend,) = fig.legends
    patch = {t.get_text().split(" (")[1].split(")")[0]: h for t, h in zip(
        legend.get_texts(), legend.legend_handles, strict=True)}["frntdeu1"]
    alpha = patch.get_alpha()
    want = (alpha * np.array(mpl.colors.to_rgb(patch.get_facecolor()))
            + (1 - alpha) * np.array(mpl.colors.to_rgb("#EDEDE8"))) * 255
    img = _render_figure(fig)
    x, y = ax.projection.transform_point(4.6, 50.6, ccrs.PlateCarree())
    px, py = ax.transData.transform((x, y))
    np.testing.assert_allclose(img[int(round(img.shape[0] - py)), int(round(px)), :3],
                               want, atol=2)
    # one fill per home PoP that homes a country the 1:110m layer draws (Perth's two,
    # American Samoa and Norfolk Island, are too small for it)
    from satcloud.sites import countries

    drawn = set(countries().query("ne_name != ''")["iso_a2"])
    homes = ground.ground_segment().home_pops
    assert {a.get_gid() for a in ax.get_children() if a.get_gid()} == set(
        homes.loc[homes["country"].isin(drawn), "home_pop"])


def test_ground_segment_map_refuses_bad_input():
    from satcloud import ground

    with pytest.raises(TypeError, match="segment must be a satcloud.ground.GroundSegment"):
        plots.ground_segment_map("starlink")
    seg = ground.ground_segment()
    bad = ground.GroundSegment(seg.as_of, seg.gateways.assign(band="X"), seg.pops,
                               seg.country_pops, seg.home_pops)
    with pytest.raises(ValueError, match=r"band holds \['X'\]"):
        plots.ground_segment_map(bad)
    with pytest.raises(ValueError, match="extent"):
        plots.ground_segment_map(extent=(0, 10))


def _delay_table():
    import pandas as pd
    return pd.DataFrame({
        "system": ["fibre, typical", "Starlink ISL", "GEO"],
        "floor_median_ms": [5.0, 5.0, 5.0],
        "propagation_median_ms": [11.0, 28.0, float("nan")],
        "idle_median_ms": [21.5, 54.0, float("nan")],
        "idle_p05_ms": [21.5, 47.0, float("nan")],
        "idle_p95_ms": [21.5, 67.0, float("nan")],
        "loaded_median_ms": [21.5, 100.0, float("nan")]})


def test_rtt_by_delay_model_labels_units_and_no_download():
    fig = plots.rtt_by_delay_model(_delay_table(), systems=["fibre, typical", "Starlink ISL",
                                                            "GEO"],
                                   styles=_RTT_STYLES, title="idle leads")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "median round-trip time to the nearest Azure region [ms]"
    assert ax.get_xscale() == "log"
    assert ax.get_title() == "idle leads"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["fibre, typical", "Starlink ISL",
                                                            "GEO"]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "vacuum floor", "propagation (the path's floor)",
        "idle (median; bar: p05-p95 per packet)", "loaded (median, saturating download)"]
    assert [t.get_text() for t in ax.texts] == ["not served"]
    _render_figure(fig)    # the autouse fixture turns any download into an error


def test_rtt_by_delay_model_refuses_bad_input():
    t = _delay_table()
    with pytest.raises(ValueError, match="idle_p95_ms"):
        plots.rtt_by_delay_model(t.drop(columns="idle_p95_ms"), systems=["GEO"],
                                 styles=_RTT_STYLES)
    with pytest.raises(ValueError, match="not in table"):
        plots.rtt_by_delay_model(t, systems=["O3b"], styles=_RTT_STYLES)
    with pytest.raises(ValueError, match="positive"):
        plots.rtt_by_delay_model(t.assign(floor_median_ms=0.0), systems=["GEO"],
                                 styles=_RTT_STYLES)
    with pytest.raises(ValueError, match="no style"):
        plots.rtt_by_delay_model(t, systems=["GEO"], styles={})


# ---------------------------------------------------------------- figures of notebook 04 (idle)

def test_rtt_by_delay_model_own_cloud_names_each_systems_cloud():
    fig = plots.rtt_by_delay_model_own_cloud(_delay_table(), systems=["Starlink ISL", "GEO"],
                                             styles=_RTT_STYLES, title="own clouds")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "median round-trip time to the system's own cloud [ms]"
    assert ax.get_title() == "own clouds" and ax.get_xscale() == "log"
    # the same marks as rtt_by_delay_model: idle median of Starlink ISL at 54 ms
    idle = [c for c in ax.collections if c.get_label().startswith("idle")][0]
    assert idle.get_offsets()[0][0] == 54.0
    _render_figure(fig)
    with pytest.raises(ValueError, match="not in table"):
        plots.rtt_by_delay_model_own_cloud(_delay_table(), systems=["O3b"], styles=_RTT_STYLES)


def _vs_table():
    import pandas as pd
    # by hand: A and C below the diagonal (satellite quicker), B above, D no satellite
    return pd.DataFrame({"source": ["A", "B", "C", "D"],
                         "best": ["starlink", "kuiper", "starlink", None],
                         "satellite_rtt_ms": [25.0, 40.0, 50.0, float("nan")],
                         "fibre_rtt_ms": [30.0, 10.0, 90.0, 60.0]})


def test_satellite_vs_fibre_scatter_points_counts_and_labels():
    fig = plots.satellite_vs_fibre_scatter(
        _vs_table(), labels={"starlink": "Starlink", "kuiper": "Kuiper"},
        colors={"starlink": "#D55E00", "kuiper": "#009E73"}, fibre_label="typical + FTTH",
        title="who is quicker")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "median round trip over fibre: typical + FTTH [ms]"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Starlink (2 cities)", "Kuiper (1 city)"]
    pts = {c.get_label(): c.get_offsets().tolist() for c in ax.collections
           if c.get_label().endswith(("city)", "cities)"))}
    assert pts["Starlink (2 cities)"] == [[30.0, 25.0], [90.0, 50.0]]   # (fibre, satellite)
    assert [t.get_text() for t in ax.texts] == ["satellite quicker: 2 of 3 cities"]
    _render_figure(fig)
    with pytest.raises(ValueError, match=r"labels lacks the system\(s\) \['kuiper'\]"):
        plots.satellite_vs_fibre_scatter(_vs_table(), labels={"starlink": "S"},
                                         colors={"starlink": "#000000"}, fibre_label="f")
    with pytest.raises(ValueError, match="fibre_rtt_ms"):
        plots.satellite_vs_fibre_scatter(_vs_table().assign(fibre_rtt_ms=-1.0),
                                         labels={"starlink": "S", "kuiper": "K"},
                                         colors={"starlink": "#000000", "kuiper": "#111111"},
                                         fibre_label="f")
    with pytest.raises(ValueError, match="no city with a satellite system"):
        plots.satellite_vs_fibre_scatter(_vs_table().assign(best=None),
                                         labels={"starlink": "S"},
                                         colors={"starlink": "#000000"}, fibre_label="f")


# --- capacity story (notebooks 06 and 09) ---

def test_fleet_capacity_bars_draw_the_served_demand():
    import pandas as pd
    ft = pd.DataFrame({"fleet": ["a", "b"], "offered_gbps": [1000.0, 1000.0],
                       "served_gbps": [400.0, 900.0]})
    bc = pd.DataFrame({"fleet": ["a", "b", "a"], "continent": ["Europe", "Europe", "Asia"],
                       "served_fraction": [0.4, 0.9, 0.2]})
    fig = plots.fleet_capacity_bars(ft, bc, colors={"a": "#D55E00", "b": "#009E73"})
    left, right = fig.axes
    # bar lengths are the served demand in Tbit/s (1000 Gbit/s = 1 Tbit/s)
    assert [p.get_width() for p in left.patches] == pytest.approx([0.4, 0.9])
    assert left.get_xlabel() == "busy-hour demand [Tbit/s]"
    # per continent, heights in percent: Asia (a, b missing -> NaN), Europe (a 40, b 90)
    heights = [p.get_height() for p in right.patches]
    assert heights[0] == pytest.approx(20.0) and heights[1] == pytest.approx(40.0)
    assert heights[3] == pytest.approx(90.0) and np.isnan(heights[2])
    _render_figure(fig)
    with pytest.raises(ValueError, match="served_fraction"):
        plots.fleet_capacity_bars(ft, bc.assign(served_fraction=1.5),
                                  colors={"a": "#D55E00", "b": "#009E73"})
    with pytest.raises(ValueError, match="colors"):
        plots.fleet_capacity_bars(ft, bc, colors={"a": "#D55E00"})


def test_claim_cdf_steps_to_one_over_subscribers():
    import pandas as pd
    cells = pd.DataFrame({"fleet": "a", "subscribers": [1.0, 3.0],
                          "active_rate_mbps": [10.0, 100.0], "claim_mbps": 100.0})
    fig = plots.claim_cdf(cells, colors={"a": "#D55E00"})
    ax = fig.axes[0]
    line = ax.get_lines()[0]
    # weights 1 and 3 of 4 subscribers: the curve steps to 0.25 at 10 and to 1 at 100
    assert list(line.get_ydata()) == pytest.approx([0.0, 0.25, 1.0])
    assert list(line.get_xdata())[1:] == pytest.approx([10.0, 100.0])
    assert ax.get_xscale() == "log"
    _render_figure(fig)
    with pytest.raises(ValueError, match="claim_mbps"):
        plots.claim_cdf(cells.assign(claim_mbps=[50.0, 100.0]), colors={"a": "#D55E00"})


def test_site_throughput_day_and_served_map():
    import pandas as pd
    t = pd.DataFrame({"time": pd.to_datetime(["2026-04-02T00:00", "2026-04-02T03:00"] * 2),
                      "site": ["A", "A", "B", "B"], "site_served_gbps": [10.0, 5.0, 0.0, 1.0],
                      "site_alone_gbps": [10.0, 10.0, 8.0, 8.0], "site_demand_gbps": 10.0})
    fig = plots.site_throughput_day(t, colors={"A": "#D55E00", "B": "#009E73"})
    ax = fig.axes[0]
    served = [ln for ln in ax.get_lines() if ln.get_label() in ("A", "B")]
    assert [list(ln.get_xdata()) for ln in served] == [[0.0, 3.0], [0.0, 3.0]]
    assert list(served[0].get_ydata()) == [10.0, 5.0]
    _render_figure(fig)
    cells = pd.DataFrame({"lat_deg": [50.5, -33.5], "lon_deg": [4.5, 151.5],
                          "served_fraction": [0.0, 1.0]})
    fig = plots.served_fraction_map(cells, title="t")
    mesh = fig.axes[0].collections[-1]
    arr = mesh.get_array()
    # the 1 degree grid: 180 x 360 cells, two of them drawn, the rest masked (blank)
    assert arr.size == 180 * 360 and int((~np.ma.getmaskarray(arr)).sum()) == 2
    _render_figure(fig)
    with pytest.raises(ValueError, match="served_fraction"):
        plots.served_fraction_map(cells.assign(served_fraction=[0.5, 2.0]))


def _cell_table():
    import pandas as pd
    return pd.DataFrame({
        "target": ["home PoP"] * 3 + ["nearest Azure region"] * 3,
        "lat_deg": [50.5, 50.5, -10.5] * 2, "lon_deg": [4.5, 4.5, 120.5] * 2,
        "population": [10, 5, 3] * 2,
        "rtt_ms": pd.array([30.0, 90.0, None, 35.0, 95.0, None], dtype="Float64")})


def test_rtt_cell_map_draws_each_target_with_one_scale_and_no_download():
    import numpy as np
    fig = plots.rtt_cell_map(_cell_table(), vmax_ms=100.0, title="map",
                             panel_titles=["to the PoP", "to the region"])
    maps = [ax for ax in fig.axes if hasattr(ax, "projection")]
    assert [ax.get_title() for ax in maps] == ["to the PoP", "to the region"]
    assert fig.axes[-1].get_ylabel() == "idle round trip, median [ms]"
    # the split cell (50.5, 4.5) shows its most populous part: 30 ms (then 35 ms);
    # the never-reachable cell is drawn grey, apart from the colour scale
    for ax, want in zip(maps, (30.0, 35.0), strict=True):
        meshes = [c for c in ax.collections if hasattr(c, "get_array")
                  and c.get_array() is not None]
        vals = np.ma.compressed(meshes[-1].get_array())
        assert vals.tolist() == [want]
        assert meshes[-1].norm.vmax == 100.0
        assert np.ma.compressed(meshes[0].get_array()).size == 1     # the grey cell
    _render_figure(fig)


def test_rtt_cell_map_refuses_bad_input():
    t = _cell_table()
    with pytest.raises(ValueError, match="lacks the column"):
        plots.rtt_cell_map(t.drop(columns="rtt_ms"))
    with pytest.raises(ValueError, match="not in table"):
        plots.rtt_cell_map(t, targets=["nearest AWS region"])
    with pytest.raises(ValueError, match="one title per target"):
        plots.rtt_cell_map(t, panel_titles=["one"])
