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
                         "median_rtt_ms": [40.0, 45.0, 39.0, np.inf],
                         "coverage_pop_pct": [90.0, 100.0, 95.0, 100.0]})


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
    with pytest.raises(ValueError, match="coverage_pop_pct"):
        plots.design_trade(_designs().drop(columns="coverage_pop_pct"), min_elevation_deg=25.0)
    with pytest.raises(ValueError, match="min_elevation_deg"):
        plots.design_trade(_designs(), min_elevation_deg=95.0)
