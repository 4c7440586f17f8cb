"""Figures: matplotlib + cartopy, with maps drawn from data the project ships.

Offline by construction: coastlines, land and borders come from the Natural Earth [2]_
1:110m layers in ``data/naturalearth/`` (public domain; see ``data/README.md`` and
``scripts/make_naturalearth.py``). Importing this module also points cartopy's
pre-downloaded data folder at that copy, so a plain ``ax.coastlines()`` on a global
map draws offline too, and replaces cartopy's Natural Earth downloader by one that
raises :class:`OfflineMapDataError` (a clear error) instead of trying the network,
which hangs without a connection.

Colours use the Okabe–Ito palette [1]_, which stays distinguishable under the common
colour-vision deficiencies.

References
----------
.. [1] M. Okabe and K. Ito, "Color Universal Design (CUD): how to make figures and
   presentations that are friendly to colorblind people", J*Fly, 2002 (modified
   2008), a web page, no DOI. https://jfly.uni-koeln.de/color/
.. [2] Natural Earth, 1:110m Admin 0 countries (public domain), as shipped in the
   ``pyogrio`` wheel. https://www.naturalearthdata.com
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import cartopy
import cartopy.crs as ccrs
import cartopy.feature as cfeature
import matplotlib as mpl
import matplotlib.pyplot as plt
from cartopy.io import shapereader

from satcloud import systems
from satcloud._validate import renamed_keywords
from satcloud.data import data_dir

__all__ = [
    "claim_cdf",
    "fleet_capacity_bars",
    "served_fraction_map",
    "site_throughput_day",
    "NETWORK_COLORS",
    "OKABE_ITO",
    "OfflineMapDataError",
    "add_borders",
    "add_coastlines",
    "add_land",
    "availability_nines_map",
    "backhaul_choice_map",
    "backhaul_decision",
    "band_heatmaps",
    "best_option_map",
    "capacity_bars",
    "contact_timeline",
    "coverage_by_latitude_systems",
    "coverage_map",
    "coverage_sweeps",
    "data_age_cdf",
    "design_trade",
    "ground_segment_map",
    "ground_stations_map",
    "ground_tracks",
    "in_view_by_latitude",
    "in_view_by_latitude_compared",
    "link_budget_curves",
    "naturalearth_dir",
    "naturalearth_path",
    "network_color",
    "pass_throughput",
    "per_user_throughput",
    "plane_phases_compared",
    "plot_sites",
    "rain_fade_curves",
    "rtt_by_delay_model",
    "rtt_cell_map",
    "rtt_by_delay_model_own_cloud",
    "rtt_cdf_by_system",
    "rtt_components",
    "rtt_distributions",
    "rtt_over_time",
    "rtt_series",
    "rtt_to_nearest_region",
    "satellite_vs_fibre_scatter",
    "sites_map",
    "subscribers_per_cell",
    "use_style",
    "world_map",
]

#: Okabe–Ito colour-blind-safe palette, in its usual order (module References [1]).
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: A fixed colour per network / provider, used by every figure of the report: the
#: palette of the systems registry (``data/colours.csv``, Okabe-Ito colours).
NETWORK_COLORS = dict(systems.colours())

_LAND_COLOR = "#EDEDE8"
_OCEAN_COLOR = "#FFFFFF"


class OfflineMapDataError(RuntimeError, ValueError):
    """Map data that satcloud does not ship was requested; nothing is downloaded.

    Also a ``ValueError``: the layer asked for is a bad argument, and the message names
    the parameters (``category``, ``name``, ``resolution``) and the shipped layers."""


_CATEGORIES = ("physical", "cultural")


def _text(value, name: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str{' or None' if optional else ''}, got "
                        f"{type(value).__name__} {value!r:.80}")
    return value


def _check_ax(ax, name: str = "ax"):
    from cartopy.mpl.geoaxes import GeoAxes

    if not isinstance(ax, GeoAxes):
        raise TypeError(f"{name} must be a cartopy GeoAxes (e.g. from world_map(), or "
                        "plt.axes(projection=cartopy.crs.Robinson())), got "
                        f"{type(ax).__name__} {ax!r:.80}")
    return ax


def _check_color(color, name: str = "color"):
    from matplotlib.colors import is_color_like

    if isinstance(color, (bool, float, int)) or not is_color_like(color):
        raise ValueError(f"{name} must be a matplotlib colour (a name such as 'black', "
                         f"'#RRGGBB' or an RGB(A) tuple in [0, 1]), got {color!r:.80}")
    return color


def _number(value, name: str, low=None, high=None, *, low_open=False, unit="") -> float:
    from satcloud.network._checks import finite_scalar

    return finite_scalar(value, name, low, high, low_open=low_open, unit=unit)


def naturalearth_dir() -> Path:
    """Folder holding the shipped Natural Earth layers (cartopy's layout)."""
    return data_dir() / "naturalearth"


def naturalearth_path(category: str, name: str, resolution: str = "110m") -> Path:
    """Path of one shipped Natural Earth shapefile.

    Parameters
    ----------
    category : {"physical", "cultural"}
        Natural Earth category.
    name : str
        Layer name, e.g. ``"coastline"``, ``"land"``, ``"admin_0_countries"``,
        ``"admin_0_boundary_lines_land"``.
    resolution : str
        Only ``"110m"`` ships.

    Raises
    ------
    OfflineMapDataError
        When the layer is not shipped (lists the ones that are).
    """
    for value, pname in ((category, "category"), (name, "name"),
                         (resolution, "resolution")):
        _text(value, pname)
    path = (naturalearth_dir() / "shapefiles" / "natural_earth" / category
            / f"ne_{resolution}_{name}.shp")
    if category not in _CATEGORIES or not path.is_file():
        shipped = sorted(p.stem for p in naturalearth_dir().rglob("*.shp"))
        raise OfflineMapDataError(
            f"Natural Earth layer category={category!r:.60}, name={name!r:.60}, "
            f"resolution={resolution!r:.60} is not shipped with satcloud and will not be "
            f"downloaded; category is one of {list(_CATEGORIES)}, resolution '110m', and "
            f"the shipped layers are {shipped}"
        )
    return path


class _OfflineNEDownloader(shapereader.NEShpDownloader):
    """Cartopy downloader that serves the shipped layers and never downloads."""

    def acquire_resource(self, target_path, format_dict):
        shipped = sorted(p.stem for p in naturalearth_dir().rglob("*.shp"))
        raise OfflineMapDataError(
            "cartopy asked to download Natural Earth "
            f"{format_dict.get('category')}/{format_dict.get('resolution')}/"
            f"{format_dict.get('name')}; satcloud works offline and ships only "
            f"{shipped}. Use resolution='110m' (or satcloud.plots.add_coastlines)."
        )


def _install_offline_cartopy() -> None:
    if "CARTOPY_DATA_DIR" not in os.environ:
        cartopy.config["pre_existing_data_dir"] = naturalearth_dir()
    default = shapereader.NEShpDownloader.default_downloader()
    cartopy.config["downloaders"][("shapefiles", "natural_earth")] = _OfflineNEDownloader(
        url_template=default.url_template,
        target_path_template=default.target_path_template,
        pre_downloaded_path_template=default.pre_downloaded_path_template,
    )


_install_offline_cartopy()


@functools.lru_cache(maxsize=8)
def _geometries(category: str, name: str) -> tuple:
    # read each shipped layer once per process, not once per map
    return tuple(shapereader.Reader(str(naturalearth_path(category, name))).geometries())


def _feature(category, name, **style):
    return cfeature.ShapelyFeature(_geometries(category, name), ccrs.PlateCarree(), **style)


def add_land(ax, color=_LAND_COLOR, zorder=0):
    """Fill the land (Natural Earth 110 m, shipped) on a cartopy GeoAxes.

    Parameters
    ----------
    ax : cartopy.mpl.geoaxes.GeoAxes
        The map to draw on (e.g. from :func:`world_map`).
    color : str
        Fill colour (a matplotlib colour).
    zorder : float
        Drawing order (land below coastlines, borders and sites).

    Returns
    -------
    cartopy.mpl.geoaxes.GeoAxes
        ``ax``, for chaining.
    """
    _check_ax(ax)
    _check_color(color)
    zorder = _number(zorder, "zorder")
    ax.add_feature(_feature("physical", "land", facecolor=color, edgecolor="none"),
                   zorder=zorder)
    return ax


def add_coastlines(ax, color="#555555", linewidth=0.5, zorder=1):
    """Draw coastlines (Natural Earth 110 m, shipped) on a cartopy GeoAxes.

    Parameters
    ----------
    ax : cartopy.mpl.geoaxes.GeoAxes
        The map to draw on (e.g. from :func:`world_map`).
    color : str
        Line colour (a matplotlib colour).
    linewidth : float
        Line width, in [0, 100]. [pt]
    zorder : float
        Drawing order.

    Returns
    -------
    cartopy.mpl.geoaxes.GeoAxes
        ``ax``, for chaining.
    """
    return _add_line_layer(ax, "physical", "coastline", color, linewidth, zorder)


def add_borders(ax, color="#999999", linewidth=0.3, zorder=1):
    """Draw land borders between countries (Natural Earth 110 m, shipped).

    Parameters
    ----------
    ax : cartopy.mpl.geoaxes.GeoAxes
        The map to draw on (e.g. from :func:`world_map`).
    color : str
        Line colour (a matplotlib colour).
    linewidth : float
        Line width, in [0, 100]. [pt]
    zorder : float
        Drawing order.

    Returns
    -------
    cartopy.mpl.geoaxes.GeoAxes
        ``ax``, for chaining.
    """
    return _add_line_layer(ax, "cultural", "admin_0_boundary_lines_land", color, linewidth,
                           zorder)


def _add_line_layer(ax, category, name, color, linewidth, zorder):
    """Draw a shipped Natural Earth line layer (checked colour, width and order)."""
    _check_ax(ax)
    _check_color(color)
    linewidth = _number(linewidth, "linewidth", 0.0, 100.0, unit="pt")
    zorder = _number(zorder, "zorder")
    ax.add_feature(_feature(category, name, facecolor="none", edgecolor=color,
                            linewidth=linewidth), zorder=zorder)
    return ax


def use_style() -> None:
    """Apply the report's matplotlib style: readable sizes, Okabe–Ito colour cycle."""
    mpl.rcParams.update({
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "figure.figsize": (9.0, 4.8),
        "axes.titlesize": 12,
        "axes.labelsize": 11,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "legend.fontsize": 9,
        "axes.prop_cycle": mpl.cycler(color=[OKABE_ITO[k] for k in (
            "blue", "orange", "bluish_green", "vermillion", "reddish_purple",
            "sky_blue", "yellow", "black")]),
        "svg.hashsalt": "satcloud",
    })


def world_map(ax=None, projection=None, extent=None, *, land=True, coastlines=True,
              borders=True, figsize=(11.0, 5.6), title=None):
    """A map with land, coastlines and borders drawn from the shipped data.

    Parameters
    ----------
    ax : cartopy.mpl.geoaxes.GeoAxes, optional
        Draw into this axes; a new figure is made when omitted.
    projection : cartopy.crs.Projection, optional
        Map projection (default Robinson, centred on 0°).
    extent : sequence of 4 floats, optional
        ``(lon_min, lon_max, lat_min, lat_max)`` in PlateCarree degrees; global when
        omitted. [deg]
    land, coastlines, borders : bool
        Which layers to draw.
    figsize : tuple of float
        Size of a new figure. [in]
    title : str, optional
        Axes title (state the finding, not just the topic).

    Returns
    -------
    cartopy.mpl.geoaxes.GeoAxes
    """
    from satcloud.network._checks import as_bool

    if ax is not None:
        _check_ax(ax)
    if projection is not None and not isinstance(projection, ccrs.Projection):
        raise TypeError(f"projection must be a cartopy.crs.Projection (e.g. "
                        f"cartopy.crs.Robinson()) or None, got {type(projection).__name__} "
                        f"{projection!r:.80}")
    if extent is not None:
        extent = _extent(extent)
    land, coastlines, borders = (as_bool(land, "land"), as_bool(coastlines, "coastlines"),
                                 as_bool(borders, "borders"))
    figsize = _figsize(figsize)
    title = _text(title, "title", optional=True)
    if ax is None:
        fig = plt.figure(figsize=figsize)
        ax = fig.add_subplot(1, 1, 1, projection=projection or ccrs.Robinson())
    if extent is None:
        ax.set_global()
    else:
        ax.set_extent(extent, crs=ccrs.PlateCarree())
    if land:
        add_land(ax)
    if coastlines:
        add_coastlines(ax)
    if borders:
        add_borders(ax)
    gl = ax.gridlines(draw_labels=False, linewidth=0.3, color="#BBBBBB", alpha=0.6)
    gl.xlines = gl.ylines = True
    if title:
        ax.set_title(title)
    return ax


def _extent(extent) -> tuple[float, float, float, float]:
    bad = (f"extent must be (lon_min, lon_max, lat_min, lat_max): four finite numbers with "
           f"lon_min < lon_max in [-180, 360] deg and lat_min < lat_max in [-90, 90] deg; "
           f"got {extent!r:.120}")
    if isinstance(extent, (str, bytes)) or not hasattr(extent, "__len__") or len(extent) != 4:
        raise ValueError(bad)
    lon0, lon1, lat0, lat1 = (_number(v, "extent", unit="deg") for v in extent)
    if not (-180.0 <= lon0 < lon1 <= 360.0 and -90.0 <= lat0 < lat1 <= 90.0):
        raise ValueError(bad)
    return lon0, lon1, lat0, lat1


def _figsize(figsize) -> tuple[float, float]:
    if isinstance(figsize, (str, bytes)) or not hasattr(figsize, "__len__") or \
            len(figsize) != 2:
        raise ValueError(f"figsize must be (width, height) in inches, got {figsize!r:.80}")
    w, h = (_number(v, "figsize", 0.0, 100.0, low_open=True, unit="in") for v in figsize)
    return w, h


def plot_sites(ax, sites, *, label, color, marker="o", size=30, annotate=None,
               zorder=5, **kwargs):
    """Scatter a table of sites (``lat_deg``, ``lon_deg``) on a map.

    Parameters
    ----------
    ax : cartopy.mpl.geoaxes.GeoAxes
        Target map.
    sites : pandas.DataFrame
        Table with ``lat_deg`` and ``lon_deg`` columns. [deg]
    label : str
        Legend label.
    color : str
        Marker colour (use :data:`NETWORK_COLORS`).
    marker : str
        Matplotlib marker.
    size : float
        Marker area. [pt^2]
    annotate : str, optional
        Column whose values are written next to each marker.
    zorder : float
        Drawing order (markers above the land and coastlines).
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.scatter`.
    """
    import pandas as pd
    from matplotlib.markers import MarkerStyle

    from satcloud._validate import check_latlon

    _check_ax(ax)
    if not isinstance(sites, pd.DataFrame):
        raise TypeError(f"sites must be a pandas DataFrame with lat_deg and lon_deg columns, "
                        f"got {type(sites).__name__} {sites!r:.80}")
    for col in ("lat_deg", "lon_deg"):
        if col not in sites.columns:
            raise ValueError(f"sites must have a {col!r} column; got {list(sites.columns)}")
    check_latlon(sites["lat_deg"], sites["lon_deg"], "sites column lat_deg",
                 "sites column lon_deg")
    _text(label, "label", optional=True)
    _check_color(color)
    try:
        visible = MarkerStyle(marker).get_marker() not in ("", " ", "None", "none", None)
    except (TypeError, ValueError):
        visible = False
    if not visible:
        raise ValueError(f"marker must be a visible matplotlib marker (e.g. 'o', 's', '*', "
                         f"'D'), got {marker!r:.80}")
    size = _number(size, "size", 0.0, 1e4, unit="pt^2")
    if annotate is not None and (not isinstance(annotate, str)
                                 or annotate not in sites.columns):
        raise ValueError(f"annotate must be None or a column of sites "
                         f"{list(sites.columns)}, got {annotate!r:.80}")
    zorder = _number(zorder, "zorder")
    art = ax.scatter(sites["lon_deg"], sites["lat_deg"], s=size, c=color, marker=marker,
                     label=label, transform=ccrs.PlateCarree(), zorder=zorder,
                     edgecolors="white", linewidths=0.4, **kwargs)
    if annotate is not None:
        for _, row in sites.iterrows():
            ax.annotate(str(row[annotate]), xy=(row["lon_deg"], row["lat_deg"]),
                        xycoords=ccrs.PlateCarree()._as_mpl_transform(ax),
                        xytext=(4, 3), textcoords="offset points", fontsize=7,
                        zorder=zorder + 1)
    return art



# ================================================================ figures of the panels
# Each returns a matplotlib Figure that pyplot does not manage (safe in the widgets'
# threads, displayed once as a cell's last expression) with fixed margins: a layout
# engine would double the drawing time of every widget update.

def _new_figure(figsize):
    from matplotlib.figure import Figure

    return Figure(figsize=_figsize(figsize), layout=None)


def _frame(df, name: str, columns):
    """``df`` checked to be a non-empty DataFrame with ``columns``."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame with columns {list(columns)}, "
                        f"got {type(df).__name__} {df!r:.80}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name} lacks the column(s) {missing}; it has {list(df.columns)}")
    if len(df) == 0:
        raise ValueError(f"{name} is empty: nothing to draw")
    return df


def link_budget_curves(curve, *, elevation_deg, margin_db, throughput_mbps,
                       min_elevation_deg=0.0, system="", title=None,
                       figsize=(7.6, 3.4)):
    """Margin and throughput of one link versus elevation, the chosen point marked.

    Parameters
    ----------
    curve : pandas.DataFrame
        :func:`satcloud.links.link_budget` rows over elevation: ``elevation_deg``,
        ``margin_db``, ``fade_margin_db``, ``throughput_mbps``, ``shannon_mbps``.
    elevation_deg : float
        Elevation of the chosen point, in [0, 90]. [deg]
    margin_db : float
        Margin over the MODCOD at that point. [dB]
    throughput_mbps : float
        ACM throughput per carrier at that point, >= 0. [Mbit/s]
    min_elevation_deg : float
        The system's minimum elevation, shaded, in [0, 90]. [deg]
    system : str
        System name for the shaded band's legend.
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Left: margin and fade margin [dB]; right: throughput and Shannon bound
        [Mbit/s]; both over elevation [deg].
    """
    curve = _frame(curve, "curve", ("elevation_deg", "margin_db", "fade_margin_db",
                                    "throughput_mbps", "shannon_mbps"))
    el0 = _number(elevation_deg, "elevation_deg", 0.0, 90.0, unit="deg")
    m0 = _number(margin_db, "margin_db", unit="dB")
    t0 = _number(throughput_mbps, "throughput_mbps", 0.0, unit="Mbit/s")
    min_el = _number(min_elevation_deg, "min_elevation_deg", 0.0, 90.0, unit="deg")
    system = _text(system, "system")
    title = _text(title, "title", optional=True)
    fig = _new_figure(figsize)
    ax1, ax2 = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.14, top=0.9, wspace=0.32)
    el = curve["elevation_deg"].to_numpy(float)
    ax1.plot(el, curve["margin_db"], color=OKABE_ITO["blue"], label="margin over the MODCOD")
    ax1.plot(el, curve["fade_margin_db"], color=OKABE_ITO["orange"], ls="--",
             label="fade margin (lowest MODCOD)")
    ax1.axhline(0.0, color="black", lw=0.8)
    ax2.plot(el, curve["throughput_mbps"], color=OKABE_ITO["bluish_green"],
             label="ACM throughput")
    ax2.plot(el, curve["shannon_mbps"], color="#999999", ls=":", label="Shannon bound")
    for ax in (ax1, ax2):
        ax.axvspan(0, min_el, color="#DDDDDD", alpha=0.6, lw=0,
                   label=f"below {system + ' ' if system else ''}minimum ({min_el:g}°)")
        ax.axvline(el0, color=OKABE_ITO["vermillion"], lw=1.2)
        ax.set_xlabel("elevation [deg]")
        ax.set_xlim(5, 90)
    ax1.plot([el0], [m0], "o", color=OKABE_ITO["vermillion"])
    ax2.plot([el0], [t0], "o", color=OKABE_ITO["vermillion"])
    ax1.set_ylabel("margin [dB]")
    ax2.set_ylabel("throughput per carrier [Mbit/s]")
    ax1.legend(loc="lower right", fontsize=7)
    ax2.legend(loc="lower right", fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def per_user_throughput(table, *, claim_mbps, max_subscribers=None, subscribers=None,
                        per_user_mbps=None, title=None, figsize=(7.6, 3.6)):
    """Busy-hour throughput per user versus subscribers in a cell, against a claim.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`satcloud.links.user_throughput_table` rows: ``subscribers`` and
        ``per_user_mbps``.
    claim_mbps : float
        The advertised rate, in (0, 1e9], drawn as a dashed line. [Mbit/s]
    max_subscribers : int, optional
        Most subscribers for which the claim holds (a dotted line when >= 1), at most
        1e12. [-]
    subscribers, per_user_mbps : float, optional
        A point to mark: subscribers in the cell (at most 1e12) [-] and their
        throughput (at most 1e9). [Mbit/s]
    title : str, optional
        Axes title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Log-log axes: subscribers in the cell [-] against throughput per user [Mbit/s].
    """
    table = _frame(table, "table", ("subscribers", "per_user_mbps"))
    # log axes: bounds far beyond any cell keep matplotlib's tick maths finite
    claim = _number(claim_mbps, "claim_mbps", 0.0, 1e9, low_open=True, unit="Mbit/s")
    title = _text(title, "title", optional=True)
    fig = _new_figure(figsize)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.14, top=0.91)
    ax.plot(table["subscribers"], table["per_user_mbps"], color=OKABE_ITO["blue"],
            label="per active subscriber")
    ax.axhline(claim, color=OKABE_ITO["vermillion"], ls="--",
               label=f"claim: up to {claim:g} Mbit/s")
    if max_subscribers is not None:
        n_max = int(_number(max_subscribers, "max_subscribers", 0.0, 1e12, unit="-"))
        if n_max >= 1:
            ax.axvline(n_max, color="#999999", ls=":",
                       label=f"claim holds up to {n_max:,} subscribers")
    if subscribers is not None and per_user_mbps is not None:
        n = _number(subscribers, "subscribers", 0.0, 1e12, low_open=True, unit="-")
        u = _number(per_user_mbps, "per_user_mbps", 0.0, 1e9, low_open=True, unit="Mbit/s")
        ax.plot([n], [u], "o", color=OKABE_ITO["vermillion"])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("subscribers in the cell [-]")
    ax.set_ylabel("busy-hour throughput per user [Mbit/s]")
    ax.legend(loc="lower left", fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def coverage_map(coverage, spacing_deg, *, column="mean_in_view",
                 colorbar_label="mean satellites in view [-]", title=None,
                 figsize=(8.0, 3.9)):
    """A world map of a gridded coverage quantity (offline coastlines).

    Parameters
    ----------
    coverage : pandas.DataFrame
        :func:`satcloud.coverage.grid_coverage` rows: ``lat_deg``, ``lon_deg`` (cell
        centres of a regular grid) and ``column``. [deg]
    spacing_deg : float
        Grid spacing, in (0, 90]. [deg]
    column : str
        Quantity to colour; cells with a value <= 0 stay blank.
    colorbar_label : str
        Colour bar label, with its unit in brackets.
    title : str, optional
        Axes title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Plate carrée map (the grid is regular in latitude and longitude, so nothing is
        reprojected) with a colour bar.
    """
    import numpy as np

    column = _text(column, "column")
    coverage = _frame(coverage, "coverage", ("lat_deg", "lon_deg", column))
    from satcloud._validate import check_latlon

    check_latlon(coverage["lat_deg"], coverage["lon_deg"], "coverage column lat_deg",
                 "coverage column lon_deg")
    spacing = _number(spacing_deg, "spacing_deg", 0.0, 90.0, low_open=True, unit="deg")
    colorbar_label = _text(colorbar_label, "colorbar_label")
    title = _text(title, "title", optional=True)
    fig = _new_figure(figsize)
    ax = fig.add_axes((0.02, 0.03, 0.84, 0.87), projection=ccrs.PlateCarree())
    cax = fig.add_axes((0.87, 0.12, 0.02, 0.7))
    world_map(ax=ax, land=False, borders=False)
    lats = np.sort(coverage["lat_deg"].unique())
    lons = np.sort(coverage["lon_deg"].unique())
    grid = coverage.pivot_table(index="lat_deg", columns="lon_deg", values=column
                                ).reindex(index=lats, columns=lons).to_numpy(float)
    lat_e = np.concatenate([lats - spacing / 2, [lats[-1] + spacing / 2]])
    lon_e = np.concatenate([lons - spacing / 2, [lons[-1] + spacing / 2]])
    mesh = ax.pcolormesh(lon_e, lat_e, np.ma.masked_where(~(grid > 0), grid),
                         transform=ccrs.PlateCarree(), cmap="viridis", shading="flat",
                         zorder=0.5)
    fig.colorbar(mesh, cax=cax, label=colorbar_label)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def in_view_by_latitude(by_latitude, *, title=None, figsize=(8.0, 3.0)):
    """Satellites in view versus latitude: mean, and the min-max band.

    Parameters
    ----------
    by_latitude : pandas.DataFrame
        One row per latitude band: ``lat_deg`` [deg], ``mean_in_view``,
        ``min_in_view``, ``max_in_view`` [-].
    title : str, optional
        Axes title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Latitude [deg] against satellites in view [-].
    """
    df = _frame(by_latitude, "by_latitude",
                ("lat_deg", "mean_in_view", "min_in_view", "max_in_view"))
    title = _text(title, "title", optional=True)
    fig = _new_figure(figsize)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.08, right=0.97, bottom=0.16, top=0.9)
    ax.fill_between(df["lat_deg"], df["min_in_view"], df["max_in_view"],
                    color=OKABE_ITO["sky_blue"], alpha=0.35,
                    label="min-max over longitude and time")
    ax.plot(df["lat_deg"], df["mean_in_view"], color=OKABE_ITO["blue"], label="mean in view")
    ax.set_xlim(-90, 90)
    ax.set_xlabel("latitude [deg]")
    ax.set_ylabel("satellites in view [-]")
    ax.legend(loc="upper left", fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


#: Network name -> key of :data:`NETWORK_COLORS` (the registry's ``colour_key``).
_COLOUR_KEY = {name: net.colour_key for name, net in systems.networks().items()}


def network_color(network: str, mode: str = "") -> str:
    """The report's colour of a network (and mode), from :data:`NETWORK_COLORS`.

    Parameters
    ----------
    network : str
        Network name, e.g. ``"starlink-gen1"``, ``"kuiper"``, ``"fibre"``.
    mode : str
        Its mode; Starlink over laser links (``"isl"``) has a colour of its own.

    Returns
    -------
    str
        ``#RRGGBB``; grey (``#777777``) for an unknown network.
    """
    network, mode = _text(network, "network"), _text(mode, "mode")
    key = _COLOUR_KEY.get(network, network)
    if mode == "isl" and network.startswith("starlink"):
        key = "starlink-isl"
    return NETWORK_COLORS.get(key, "#777777")


def rtt_over_time(rtt, floor_ms, *, time_origin=None, title=None, figsize=(8.6, 4.2)):
    """Round-trip time per network over time and its distribution, with the floor.

    Parameters
    ----------
    rtt : pandas.DataFrame
        :func:`satcloud.latency.rtt` rows: ``network``, ``mode``, ``time_s`` [s] and
        ``rtt_ms`` [ms]; one line per (network, mode). A network with a single row
        (fibre) is drawn flat across the time span.
    floor_ms : float
        The physical (vacuum) floor, >= 0, drawn dotted. [ms]
    time_origin : str, optional
        What ``time_s = 0`` is, for the time axis label (e.g. ``"2020-10-01 00:00
        UTC"``).
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Left: RTT [ms] over time [min]; right: fraction of time [-] at or below an
        RTT [ms]. Log axes when the slowest RTT exceeds 8 times the floor.
    """
    import numpy as np
    from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter

    df = _frame(rtt, "rtt", ("network", "mode", "time_s", "rtt_ms"))
    floor = _number(floor_ms, "floor_ms", 0.0, unit="ms")
    time_origin = _text(time_origin, "time_origin", optional=True)
    title = _text(title, "title", optional=True)
    fig = _new_figure(figsize)
    ax1, ax2 = fig.subplots(1, 2, width_ratios=[1.6, 1.0])
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.32, top=0.91, wspace=0.25)
    for (net, mode), g in df.groupby(["network", "mode"], sort=False, observed=True):
        colour = network_color(str(net), str(mode))
        ls = {"starlink-gen2": "--", "fibre": "-."}.get(str(net), "-")
        label = f"{net} ({mode})"
        y = g["rtt_ms"].to_numpy(dtype=float, na_value=np.nan)
        t_min = g["time_s"].to_numpy(float) / 60.0
        if len(t_min) == 1:
            t_all = np.sort(df["time_s"].unique()) / 60.0
            ax1.plot(t_all, np.full(t_all.size, y[0]), color=colour, ls=ls, label=label)
        else:
            ax1.plot(t_min, y, color=colour, ls=ls, label=label, drawstyle="steps-post")
        ok = np.sort(y[np.isfinite(y)])
        if ok.size:
            ax2.step(ok, np.arange(1, ok.size + 1) / ok.size, where="post", color=colour,
                     ls=ls)
    ax1.axhline(floor, color="black", ls=":", lw=1.2, label=f"vacuum floor {floor:.1f} ms")
    ax2.axvline(floor, color="black", ls=":", lw=1.2)
    ax1.set_xlabel(f"time since {time_origin or 'the start of the grid'} [min]")
    ax1.set_ylabel("round-trip time [ms]")
    ax2.set_xlabel("round-trip time [ms]")
    ax2.set_ylabel("fraction of time [-]")
    ax2.set_ylim(0, 1.02)
    slowest = np.nanmax(df["rtt_ms"].to_numpy(dtype=float, na_value=np.nan), initial=0.0)
    if slowest > 8 * max(floor, 1.0):
        ax1.set_yscale("log")
        ax2.set_xscale("log")
        for axis in (ax1.yaxis, ax2.xaxis):
            axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
            axis.set_major_formatter(ScalarFormatter())
            axis.set_minor_formatter(NullFormatter())
    ax1.legend(loc="upper left", fontsize=7, ncol=3, bbox_to_anchor=(0.0, -0.21))
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


# ================================================================ figures of the notebooks
# One function per figure of the narrative notebooks (issue 12, point 5). Each returns a
# matplotlib Figure that pyplot does not manage, shown once as a cell's last expression.

def _figure_png(fig) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def _show_figures_in_ipython() -> None:
    """Inside IPython, show a Figure that ends a cell as a PNG (as the inline backend
    does for pyplot figures; a Figure pyplot does not manage has no other display)."""
    import sys

    from matplotlib.figure import Figure

    ipython = sys.modules.get("IPython")  # never imported here: notebooks extra
    shell = ipython.get_ipython() if ipython is not None else None
    formatters = getattr(getattr(shell, "display_formatter", None), "formatters", {})
    if "image/png" in formatters:
        formatters["image/png"].for_type(Figure, _figure_png)


def _story_figure(figsize):
    from matplotlib.figure import Figure

    figsize = _figsize(figsize)
    _show_figures_in_ipython()
    return Figure(figsize=figsize)


#: Keys of one layer of :func:`sites_map`, with their defaults.
_LAYER_DEFAULTS = {"marker": "o", "size": 30.0}


def sites_map(layers, *, title=None, legend_loc="lower left", figsize=(11.0, 5.6)):
    """A world map with several tables of sites, one legend entry per table.

    Parameters
    ----------
    layers : sequence of dict
        One dict per table, drawn in order: ``sites`` (DataFrame with ``lat_deg`` and
        ``lon_deg`` [deg]), ``label`` (legend text), ``color`` (use
        :data:`NETWORK_COLORS` / :data:`OKABE_ITO`), optional ``marker`` (default
        ``"o"``) and ``size`` (marker area, default 30). [pt^2]
    title : str, optional
        Axes title (state the finding).
    legend_loc : str
        Matplotlib legend location.
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        A Robinson world map (land, coastlines, borders from the shipped data) with
        the sites and a legend.
    """
    if isinstance(layers, (str, bytes, dict)) or not hasattr(layers, "__iter__"):
        raise TypeError(f"layers must be a sequence of dicts (sites, label, color, marker, "
                        f"size), got {type(layers).__name__} {layers!r:.80}")
    layers = list(layers)
    if not layers:
        raise ValueError("layers is empty: nothing to draw")
    allowed = {"sites", "label", "color", *_LAYER_DEFAULTS}
    for i, layer in enumerate(layers):
        if not isinstance(layer, dict):
            raise TypeError(f"layers[{i}] must be a dict, got {type(layer).__name__} "
                            f"{layer!r:.80}")
        missing = {"sites", "label", "color"} - set(layer)
        unknown = set(layer) - allowed
        if missing or unknown:
            raise ValueError(f"layers[{i}] needs the keys sites, label, color (optional "
                             f"marker, size); missing {sorted(missing)}, unknown "
                             f"{sorted(unknown)}")
    title = _text(title, "title", optional=True)
    from matplotlib.legend import Legend

    legend_loc = _text(legend_loc, "legend_loc")
    if legend_loc not in Legend.codes:
        raise ValueError(f"legend_loc must be a matplotlib legend location, one of "
                         f"{sorted(Legend.codes)}, got {legend_loc!r:.80}")
    fig = _story_figure(figsize)
    ax = world_map(ax=fig.add_subplot(1, 1, 1, projection=ccrs.Robinson()), title=title)
    for layer in layers:
        layer = {**_LAYER_DEFAULTS, **layer}
        plot_sites(ax, layer["sites"], label=layer["label"], color=layer["color"],
                   marker=layer["marker"], size=layer["size"])
    ax.legend(loc=legend_loc, fontsize=7, framealpha=0.9)
    return fig


def rtt_to_nearest_region(table, *, route_factor, overhead_ms=0.0, title=None,
                          figsize=(9.0, 4.2)):
    """Fibre round trip from each site to its nearest cloud region, against the floor.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per site (:func:`satcloud.scenarios.fibre_to_nearest_region`): ``site``,
        ``region_name``, ``fibre_rtt_ms``, ``fibre_ideal_rtt_ms`` and ``floor_rtt_ms``
        [ms].
    route_factor : float
        The route factor of ``fibre_rtt_ms``, >= 1, for the legend. [-]
    overhead_ms : float
        The overhead added to ``fibre_rtt_ms``, >= 0, for the legend. [ms]
    title : str, optional
        Axes title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        One bar per site (sorted by fibre RTT): round-trip time [ms] with the route
        factor, on the geodesic, and the vacuum floor as a tick.
    """
    df = _frame(table, "table", ("site", "region_name", "fibre_rtt_ms",
                                 "fibre_ideal_rtt_ms", "floor_rtt_ms"))
    import numpy as np

    for col in ("fibre_rtt_ms", "fibre_ideal_rtt_ms", "floor_rtt_ms"):
        try:
            values = df[col].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"table column {col} must hold numbers [ms], got "
                            f"{df[col].dtype}") from None
        if not (np.isfinite(values) & (values >= 0)).all():
            raise ValueError(f"table column {col} must hold finite round-trip times >= 0 "
                             f"[ms], got {values.tolist()!r:.120}")
    factor = _number(route_factor, "route_factor", 1.0, unit="-")
    overhead = _number(overhead_ms, "overhead_ms", 0.0, unit="ms")
    title = _text(title, "title", optional=True)
    order = df.sort_values("fibre_rtt_ms")
    fig = _story_figure(figsize)
    ax = fig.subplots()
    y = list(range(len(order)))
    ax.barh(y, order["fibre_rtt_ms"], color=OKABE_ITO["blue"],
            label=f"fibre, route factor {factor:g}" + (f" + {overhead:g} ms" if overhead
                                                        else ""))
    ax.barh(y, order["fibre_ideal_rtt_ms"], color=OKABE_ITO["sky_blue"],
            label="fibre on the geodesic (factor 1)")
    ax.scatter(order["floor_rtt_ms"], y, color=OKABE_ITO["black"], marker="|", s=200,
               zorder=3, label="physical floor (vacuum, geodesic)")
    ax.set_yticks(y, [f"{s}\n→ {r}" for s, r in zip(order["site"], order["region_name"],
                                                     strict=True)], fontsize=8)
    ax.set_xlabel("round-trip time to the nearest region [ms]")
    if title:
        ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    return fig


def design_trade(results, *, min_elevation_deg, title=None, figsize=(13.0, 4.8)):
    """A constellation design sweep: median RTT and coverage against altitude.

    Parameters
    ----------
    results : pandas.DataFrame
        One row per design (:func:`satcloud.scenarios.design.shell_trade` through
        :func:`satcloud.sweep.sweep`): ``altitude_km`` [km], ``inclination_deg`` [deg],
        ``planes`` [-], ``rtt_median_ms`` [ms] (inf where no route: not drawn) and
        ``coverage_population_percent`` [%].
    min_elevation_deg : float
        The terminals' elevation mask of the sweep, for the coverage title. [deg]
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Left: population-weighted median RTT [ms] against altitude [km]; right:
        population-weighted coverage [%] against altitude [km]. Colour is the
        inclination (Okabe-Ito), the marker the number of planes.
    """
    import numpy as np

    df = _frame(results, "results", ("altitude_km", "inclination_deg", "planes",
                                     "rtt_median_ms", "coverage_population_percent"))
    for col in ("altitude_km", "inclination_deg", "planes", "rtt_median_ms",
                "coverage_population_percent"):
        try:
            values = df[col].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"results column {col} must hold numbers, got "
                            f"{df[col].dtype}") from None
        finite = np.isfinite(values) if col != "rtt_median_ms" else ~np.isnan(values)
        if not finite.all():
            raise ValueError(f"results column {col} must hold finite numbers, got "
                             f"{values.tolist()!r:.120}")
    mask = _number(min_elevation_deg, "min_elevation_deg", 0.0, 90.0, unit="deg")
    title = _text(title, "title", optional=True)
    colors = [OKABE_ITO[c] for c in ("blue", "orange", "bluish_green", "vermillion",
                                     "reddish_purple", "sky_blue")]
    markers = ["o", "s", "^", "D", "v", "P"]
    fig = _story_figure(figsize)
    axes = fig.subplots(1, 2)
    for (inc, sub), color in zip(df.groupby("inclination_deg"), colors, strict=False):
        for (planes, s2), marker in zip(sub.groupby("planes"), markers, strict=False):
            s2 = s2.sort_values("altitude_km")
            rtt = s2["rtt_median_ms"].astype(float).replace(np.inf, np.nan)
            label = f"{inc:g}°, {planes} planes"
            axes[0].plot(s2["altitude_km"], rtt, marker=marker, color=color, label=label)
            axes[1].plot(s2["altitude_km"], s2["coverage_population_percent"], marker=marker,
                         color=color, label=label)
    axes[0].set_xlabel("altitude [km]")
    axes[0].set_ylabel("population-weighted median RTT [ms]")
    axes[0].set_title("RTT to the nearest Azure region (laser links)")
    axes[1].set_xlabel("altitude [km]")
    axes[1].set_ylabel("population-weighted coverage [%]")
    axes[1].set_title(f"Coverage at a {mask:g}° mask")
    axes[1].legend(fontsize=7, ncols=1, loc="center left", bbox_to_anchor=(1.02, 0.5))
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------- figures of notebooks 01-03


_FLOOR = "vacuum floor"


def _line_styles(styles, name: str, systems, source: str = "systems") -> dict:
    """``styles`` checked: system -> {"color": ..., "ls": ...} for every system asked."""
    from matplotlib.lines import Line2D

    if not isinstance(styles, dict):
        raise TypeError(f"{name} must be a dict system -> {{'color', 'ls'}} (e.g. "
                        f"scenarios.latency.SYSTEM_STYLES), got {type(styles).__name__} "
                        f"{styles!r:.80}")
    missing = [str(s) for s in systems if s not in styles]
    if missing:
        raise ValueError(f"{name} has no style for {missing} (named in {source}); it has "
                         f"{list(styles)}")
    out = {}
    for s in systems:
        st = styles[s]
        if not isinstance(st, dict) or set(st) != {"color", "ls"}:
            raise ValueError(f"{name}[{s!r}] must be a dict with the keys color and ls, got "
                             f"{st!r:.80}")
        _check_color(st["color"], f"{name}[{s!r}]['color']")
        if st["ls"] not in Line2D.lineStyles:
            raise ValueError(f"{name}[{s!r}]['ls'] must be a matplotlib line style, one of "
                             f"{sorted(k for k in Line2D.lineStyles if k.strip())}, got "
                             f"{st['ls']!r:.80}")
        out[s] = dict(st)
    return out


def _systems(systems, name: str) -> list:
    systems = list(_labels(systems, name))
    bad = [s for s in systems if not isinstance(s, str)]
    if bad:
        raise TypeError(f"{name} must hold names (str), got {bad!r:.80}")
    if not systems:
        raise ValueError(f"{name} is empty: nothing to draw")
    return systems


def _rtt_columns(df, name: str, columns, *, finite=()) -> None:
    """``columns`` hold numbers, NaN (no route) allowed but not +-inf; ``finite`` no NaN."""
    import numpy as np

    for col in columns:
        try:
            values = df[col].to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            raise TypeError(f"{name} column {col} must hold numbers, got "
                            f"{df[col].dtype}") from None
        if np.isinf(values).any() or (col in finite and np.isnan(values).any()):
            raise ValueError(f"{name} column {col} must hold finite numbers"
                             f"{'' if col in finite else ' (NaN where there is no route)'}, "
                             f"got {values.tolist()!r:.120}")


def rtt_distributions(summary, *, systems, styles, markers, remote_sites, title=None,
                      figsize=(14.0, 5.8)):
    """Median RTT of every endpoint as a distribution (left) and the remote sites' ranges.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`satcloud.scenarios.latency.summary_by_system` rows, one per endpoint and
        system: ``source``, ``system``, ``rtt_min_ms``, ``rtt_median_ms``, ``rtt_p95_ms``
        (NaN where never reached) and ``target_floor_ms``. [ms]
    systems : sequence of str
        Systems drawn, in order.
    styles : dict
        System -> ``{"color", "ls"}`` for every system and for ``"vacuum floor"``
        (:data:`satcloud.scenarios.latency.SYSTEM_STYLES`).
    markers : dict
        System -> matplotlib marker of its median.
    remote_sites : sequence of str
        Sources of ``summary`` shown one by one on the right.
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Left: share of endpoints [-] whose median RTT is at most x [ms] (log axis,
        0.1-700 ms), one step line per system and the vacuum floor; right: per remote
        site, each system's minimum-to-95th-percentile RTT [ms] with its median marked,
        "×" where never reached, and the floor as a bar.
    """
    import numpy as np
    import pandas as pd
    from matplotlib.lines import Line2D

    df = _frame(summary, "summary", ("source", "system", "rtt_min_ms", "rtt_median_ms",
                                     "rtt_p95_ms", "target_floor_ms"))
    systems = _systems(systems, "systems")
    styles = _line_styles(styles, "styles", [*systems, _FLOOR])
    if not isinstance(markers, dict):
        raise TypeError(f"markers must be a dict system -> marker, got "
                        f"{type(markers).__name__} {markers!r:.80}")
    missing = [s for s in systems if s not in markers]
    if missing:
        raise ValueError(f"markers has no marker for {missing}")
    remote = _systems(remote_sites, "remote_sites")
    unknown = [s for s in remote if s not in set(df["source"])]
    if unknown:
        raise ValueError(f"remote_sites names sources not in summary: {unknown}")
    _rtt_columns(df, "summary", ("rtt_min_ms", "rtt_median_ms", "rtt_p95_ms",
                                 "target_floor_ms"), finite=("target_floor_ms",))
    title = _text(title, "title", optional=True)
    xmin, xmax = 0.1, 700.0
    fig = _story_figure(figsize)
    ax, bx = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.1]})
    n_all = df["source"].nunique()
    floors = df.groupby("source")["target_floor_ms"].first().astype(float)
    for system in systems:
        med = df.loc[df["system"] == system, "rtt_median_ms"].astype(float).dropna()
        v = np.sort(np.clip(med.to_numpy(), xmin, xmax))
        ax.step(v, np.arange(1, v.size + 1) / n_all, where="post", lw=1.8, label=system,
                **styles[system])
    fv = np.sort(np.clip(floors.dropna().to_numpy(), xmin, xmax))
    ax.step(fv, np.arange(1, fv.size + 1) / n_all, where="post", lw=1.6, label=_FLOOR,
            **styles[_FLOOR])
    ax.set_xscale("log")
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("median round-trip time to the nearest Azure region [ms]")
    ax.set_ylabel("share of endpoints [-]")
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title("All endpoints (values below 0.1 ms drawn at 0.1 ms)", fontsize=10)
    offsets = np.linspace(-0.32, 0.32, len(systems))
    for i, site in enumerate(remote):
        g = df[df["source"] == site].set_index("system")
        for off, system in zip(offsets, systems, strict=True):
            color = styles[system]["color"]
            if system not in g.index or pd.isna(g.loc[system, "rtt_median_ms"]):
                bx.text(xmin * 1.15, i + off, "×", color=color, va="center", fontsize=8)
                continue
            r = g.loc[system]
            bx.plot([float(r["rtt_min_ms"]), float(r["rtt_p95_ms"])], [i + off] * 2,
                    color=color, ls=styles[system]["ls"], lw=2)
            bx.plot(float(r["rtt_median_ms"]), i + off, markers[system], color=color, ms=5)
        bx.plot([floors[site]] * 2, [i - 0.42, i + 0.42], color=styles[_FLOOR]["color"],
                lw=2.5)
    bx.set_yticks(range(len(remote)), remote, fontsize=8)
    bx.invert_yaxis()
    bx.set_xscale("log")
    bx.set_xlim(xmin, xmax)
    bx.set_xlabel("round-trip time to the nearest Azure region [ms]")
    bx.grid(axis="y", visible=False)
    handles = [Line2D([], [], lw=2, marker=markers[s], label=s, **styles[s]) for s in systems]
    handles.append(Line2D([], [], color=styles[_FLOOR]["color"], lw=2.5, label=_FLOOR))
    handles.append(Line2D([], [], ls="", marker="$×$", color="#555555",
                          label="never reachable"))
    bx.legend(handles=handles, loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    bx.set_title("Remote sites: minimum to 95th percentile, marker = median", fontsize=10)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


#: The parts of a round trip in :func:`rtt_components`: column -> (label, colour).
_RTT_PARTS = {"user_link_ms": ("user link", OKABE_ITO["orange"]),
             "isl_ms": ("laser links", OKABE_ITO["reddish_purple"]),
             "gateway_link_ms": ("gateway link", OKABE_ITO["vermillion"]),
             "fibre_ms": ("fibre", OKABE_ITO["black"]),
             "overhead_ms": ("overheads", OKABE_ITO["yellow"])}


def rtt_components(components, *, sites, systems, floor_color=OKABE_ITO["blue"],
                   title=None, figsize=None):
    """The round trip split into its parts, one stacked bar per system, one panel per site.

    Parameters
    ----------
    components : pandas.DataFrame
        :func:`satcloud.scenarios.latency.component_breakdown` rows: ``source``,
        ``system``, ``reachable`` (bool), ``target_floor_ms`` and the parts of
        (``user_link_ms``, ``isl_ms``, ``gateway_link_ms``, ``fibre_ms``,
        ``overhead_ms``; NaN counts as 0). [ms]
    sites : sequence of str
        Sources drawn, one panel each, in order.
    systems : sequence of str
        Systems drawn, one bar each, in order.
    floor_color : color
        Colour of the vacuum floor line.
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float, optional
        Width and height; 11 wide and 1.75 per site + 1 high when omitted. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Round-trip time to the nearest Azure region [ms], stacked by part, with the
        vacuum floor and "not reachable" where a system has no route.
    """
    import numpy as np

    df = _frame(components, "components", ("source", "system", "reachable",
                                           "target_floor_ms", *_RTT_PARTS))
    sites = _systems(sites, "sites")
    systems = _systems(systems, "systems")
    unknown = [s for s in sites if s not in set(df["source"])]
    if unknown:
        raise ValueError(f"sites names sources not in components: {unknown}")
    _rtt_columns(df, "components", ("target_floor_ms", *_RTT_PARTS),
                 finite=("target_floor_ms",))
    floor_color = _check_color(floor_color, "floor_color")
    title = _text(title, "title", optional=True)
    fig = _story_figure(figsize if figsize is not None else (11.0, 1.75 * len(sites) + 1))
    axes = fig.subplots(len(sites), 1, sharex=True, squeeze=False)[:, 0]
    for ax, site in zip(axes, sites, strict=True):
        c = df[df["source"] == site].set_index("system").reindex(systems)
        left = np.zeros(len(systems))
        for col, (label, color) in _RTT_PARTS.items():
            w = c[col].astype(float).fillna(0.0).to_numpy(float)
            ax.barh(range(len(systems)), w, left=left, color=color, label=label, height=0.7)
            left += w
        for k, s in enumerate(systems):
            if c.loc[s, "reachable"] != 1:  # False, or NaN for a system not in the table
                ax.text(1.0, k, "not reachable", va="center", fontsize=8, color="#555555")
        ax.axvline(float(df.loc[df["source"] == site, "target_floor_ms"].iloc[0]),
                   color=floor_color, ls="-.", lw=1.5, label=_FLOOR)
        ax.set_yticks(range(len(systems)), systems, fontsize=8)
        ax.invert_yaxis()
        ax.set_title(str(site), fontsize=10, loc="left")
        ax.grid(axis="y", visible=False)
    axes[-1].set_xlabel("round-trip time to the nearest Azure region [ms]")
    h, lab = axes[0].get_legend_handles_labels()
    fig.legend(h, lab, loc="upper center", bbox_to_anchor=(0.5, 0.955), ncols=6, fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    return fig


#: Legend labels of :func:`rtt_by_delay_model`.
_DELAY_MODEL_LABELS = {
    "floor": "vacuum floor",
    "propagation": "propagation (the path's floor)",
    "idle": "idle (median; bar: p05-p95 per packet)",
    "loaded": "loaded (median, saturating download)",
}


def rtt_by_delay_model(table, *, systems, styles, floor_color=OKABE_ITO["blue"],
                       title=None, figsize=None):
    """Per system: the floor, the idle round trip a user measures and the loaded one.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`satcloud.scenarios.latency.delay_model_overview`: ``system``,
        ``floor_median_ms``, ``propagation_median_ms``, ``idle_median_ms``,
        ``idle_p05_ms``, ``idle_p95_ms``, ``loaded_median_ms`` (NaN where a system
        serves no site). [ms]
    systems : sequence of str
        Systems drawn, one row each, top to bottom.
    styles : dict
        System -> ``{"color", "ls"}`` (e.g.
        :data:`satcloud.scenarios.latency.SYSTEM_STYLES`); the colour marks the system.
    floor_color : color
        Colour of the vacuum-floor marker.
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float, optional
        Width and height; 11 wide and 0.45 per system + 2.2 high when omitted. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Median round-trip time to the nearest Azure region [ms] on a log axis: per
        system the vacuum floor, the propagation round trip, the idle median with its
        p05-p95 spread and the loaded median; "not served" where a system serves no
        site.
    """
    import numpy as np

    cols = ("floor_median_ms", "propagation_median_ms", "idle_median_ms", "idle_p05_ms",
            "idle_p95_ms", "loaded_median_ms")
    df = _frame(table, "table", ("system", *cols))
    _rtt_columns(df, "table", cols)
    for col in cols:
        v = df[col].to_numpy(dtype=float, na_value=np.nan)
        if (v[~np.isnan(v)] <= 0).any():
            raise ValueError(f"table column {col} must hold positive round trips [ms] "
                             f"(a log axis), got {v.tolist()!r:.120}")
    systems = _systems(systems, "systems")
    unknown = [s for s in systems if s not in set(df["system"])]
    if unknown:
        raise ValueError(f"systems names systems not in table: {unknown}; it holds "
                         f"{list(dict.fromkeys(df['system']))}")
    drawn = df[df["system"].isin(systems)]
    if not np.isfinite(drawn[list(cols)].to_numpy(dtype=float, na_value=np.nan)).any():
        raise ValueError(f"table holds no round trip for the systems {systems}: every "
                         "value is NaN (no system serves a site), nothing to draw")
    st = _line_styles(styles, "styles", systems)
    floor_color = _check_color(floor_color, "floor_color")
    title = _text(title, "title", optional=True)
    fig = _story_figure(figsize if figsize is not None
                        else (11.0, 0.45 * len(systems) + 2.2))
    ax = fig.subplots()
    t = df.drop_duplicates("system").set_index("system").reindex(systems)
    y = np.arange(len(systems))
    val = {c: t[c].to_numpy(dtype=float, na_value=np.nan) for c in cols}
    lab = _DELAY_MODEL_LABELS
    ax.scatter(val["floor_median_ms"], y, marker="|", s=160, color=floor_color, lw=2,
               label=lab["floor"], zorder=3)
    colors = [st[s]["color"] for s in systems]
    ax.scatter(val["propagation_median_ms"], y, marker="o", s=40, facecolors="white",
               edgecolors=colors, lw=1.5, label=lab["propagation"], zorder=4)
    err = np.vstack([val["idle_median_ms"] - val["idle_p05_ms"],
                     val["idle_p95_ms"] - val["idle_median_ms"]])
    ok = ~np.isnan(val["idle_median_ms"])
    for k in np.flatnonzero(ok):
        ax.errorbar(val["idle_median_ms"][k], y[k], xerr=np.nan_to_num(err[:, k:k + 1]),
                    fmt="none", ecolor=colors[k], elinewidth=1.5, capsize=3, zorder=3)
    ax.scatter(val["idle_median_ms"], y, marker="o", s=60, color=colors,
               label=lab["idle"], zorder=5)
    ax.scatter(val["loaded_median_ms"], y, marker=">", s=50, color=colors,
               edgecolors="black", lw=0.5, label=lab["loaded"], zorder=5)
    for k in np.flatnonzero(~ok):
        ax.text(0.01, y[k], "not served", transform=ax.get_yaxis_transform(),
                va="center", fontsize=8, color="#555555")
    ax.set_xscale("log")
    _log_axis_format(ax.xaxis)
    ax.set_yticks(y, systems, fontsize=9)
    ax.set_ylim(len(systems) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("median round-trip time to the nearest Azure region [ms]")
    h, lab_ = ax.get_legend_handles_labels()
    fig.legend(h, lab_, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=2, fontsize=8)
    if title:
        ax.set_title(title)
    fig.tight_layout(rect=(0, 0.13, 1, 1))
    return fig


def rtt_by_delay_model_own_cloud(table, *, systems, styles, floor_color=OKABE_ITO["blue"],
                                 title=None, figsize=None):
    """:func:`rtt_by_delay_model` for systems that each reach their own cloud.

    The same figure (floor, propagation, idle with its per-packet spread, loaded), with
    the axis naming each system's cloud rather than the nearest Azure region: notebook
    04 sends Kuiper to AWS and the others to Azure.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`satcloud.scenarios.competition.delay_model_table` rows: ``system``,
        ``floor_median_ms``, ``propagation_median_ms``, ``idle_median_ms``,
        ``idle_p05_ms``, ``idle_p95_ms``, ``loaded_median_ms`` (NaN where a system is
        never reached). [ms]
    systems : sequence of str
        Systems drawn (``system`` labels), one row each, top to bottom.
    styles : dict
        System -> ``{"color", "ls"}``; the colour marks the system.
    floor_color : color
        Colour of the vacuum-floor marker.
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float, optional
        Width and height; 11 wide and 0.45 per system + 2.2 high when omitted. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Median round-trip time to each system's cloud [ms] on a log axis.
    """
    fig = rtt_by_delay_model(table, systems=systems, styles=styles, floor_color=floor_color,
                             title=title, figsize=figsize)
    fig.axes[0].set_xlabel("median round-trip time to the system's own cloud [ms]")
    return fig


def satellite_vs_fibre_scatter(table, *, labels, colors, fibre_label, title=None,
                               figsize=(8.6, 6.4)):
    """Per city: the quickest satellite system's round trip against fibre's, log-log.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`satcloud.scenarios.competition.satellite_vs_fibre` rows: ``best`` (key of
        the quickest satellite system; ``None`` where none qualifies, left out),
        ``satellite_rtt_ms`` and ``fibre_rtt_ms`` (finite, > 0 where ``best`` is set)
        [ms].
    labels : mapping
        System key -> legend text, for every ``best`` key; the legend follows its order.
    colors : mapping
        System key -> colour (use :data:`NETWORK_COLORS`).
    fibre_label : str
        What the fibre axis measures (e.g. "typical fibre route + FTTH last mile").
    title : str, optional
        Axes title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        One point per city, coloured by its quickest satellite system, against the
        diagonal where both take as long; below it the satellite system is quicker.
        Legends count the cities per system; the lower-right corner counts the cities
        where satellite is quicker.
    """
    df = _frame(table, "table", ("best", "satellite_rtt_ms", "fibre_rtt_ms"))
    fibre_label = _text(fibre_label, "fibre_label")
    title = _text(title, "title", optional=True)
    df = df[df["best"].notna()]
    if df.empty:
        raise ValueError("table has no city with a satellite system (every best is None): "
                         "nothing to draw")
    labels, colors = _key_styles(labels, colors)
    unknown = sorted({str(k) for k in df["best"]} - set(labels))
    if unknown:
        raise ValueError(f"labels lacks the system(s) {unknown} of table column best; it "
                         f"has {list(labels)}")
    sat = _bounded(df, "table", "satellite_rtt_ms", 1e-6, 1e6, "ms")
    fib = _bounded(df, "table", "fibre_rtt_ms", 1e-6, 1e6, "ms")
    best = df["best"].to_numpy()
    fig = _story_figure(figsize)
    ax = fig.subplots()
    lo = 0.8 * float(min(sat.min(), fib.min()))
    hi = 1.25 * float(max(sat.max(), fib.max()))
    ax.fill_between([lo, hi], [lo, lo], [lo, hi], color="#dddddd", alpha=0.5, lw=0,
                    zorder=0)
    ax.plot([lo, hi], [lo, hi], color="black", lw=1, ls=":", zorder=1)
    for key in labels:
        pick = best == key
        if pick.any():
            ax.scatter(fib[pick], sat[pick], s=30, color=colors[key], edgecolors="#333333",
                       linewidths=0.4, zorder=3,
                       label=f"{labels[key]} ({int(pick.sum())} "
                             f"{'city' if pick.sum() == 1 else 'cities'})")
    n_below = int((sat < fib).sum())
    ax.text(0.98, 0.03, f"satellite quicker: {n_below} of {len(sat)} cities",
            transform=ax.transAxes, ha="right", va="bottom", fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    _log_axis_format(ax.xaxis)
    _log_axis_format(ax.yaxis)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_xlabel(f"median round trip over fibre: {fibre_label} [ms]")
    ax.set_ylabel("median round trip over the quickest satellite system [ms]")
    ax.legend(loc="upper left", fontsize=8, title="quickest satellite system",
              title_fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def rtt_series(rows, *, sites, stepped, flat, styles, time_label, title=None,
               figsize=None):
    """Round-trip time epoch by epoch, route changes ticked, one panel per site.

    Parameters
    ----------
    rows : pandas.DataFrame
        :func:`satcloud.scenarios.latency.route_changes` rows: ``source``, ``system``,
        ``time_s`` [s], ``rtt_ms`` (NaN where unreachable) [ms], ``route_change`` (bool)
        and ``target_floor_ms``. [ms]
    sites : sequence of str
        Sources drawn, one panel each, in order.
    stepped : sequence of str
        Systems drawn as a step line over time with their route changes ticked.
    flat : sequence of str
        Systems whose RTT does not move, drawn as a horizontal line (first value).
    styles : dict
        System -> ``{"color", "ls"}`` for every system drawn and for ``"vacuum floor"``.
    time_label : str
        The x-axis label; ``time_s`` is drawn in minutes, so it should say e.g.
        "minutes after 2020-10-01T00:00 UTC [min]".
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float, optional
        Width and height; 11 wide and 3.6 per site high when omitted. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Time [min] against round-trip time [ms].
    """
    import numpy as np
    from matplotlib.lines import Line2D

    df = _frame(rows, "rows", ("source", "system", "time_s", "rtt_ms", "route_change",
                               "target_floor_ms"))
    sites = _systems(sites, "sites")
    stepped = _systems(stepped, "stepped")
    flat = _systems(flat, "flat") if len(_labels(flat, "flat")) else []
    styles = _line_styles(styles, "styles", [*stepped, *flat, _FLOOR],
                          source="stepped or flat")
    unknown = [s for s in sites if s not in set(df["source"])]
    if unknown:
        raise ValueError(f"sites names sources not in rows: {unknown}")
    _rtt_columns(df, "rows", ("time_s", "rtt_ms", "target_floor_ms"),
                 finite=("time_s", "target_floor_ms"))
    time_label = _text(time_label, "time_label")
    title = _text(title, "title", optional=True)
    fig = _story_figure(figsize if figsize is not None else (11.0, 3.6 * len(sites)))
    axes = fig.subplots(len(sites), 1, sharex=True, squeeze=False)[:, 0]
    for ax, site in zip(axes, sites, strict=True):
        d = df[df["source"] == site]
        top = 0.0
        for k, system in enumerate(stepped):
            e = d[d["system"] == system]
            y = e["rtt_ms"].to_numpy(float, na_value=np.nan)
            t_min = e["time_s"].to_numpy(float) / 60.0
            ax.step(t_min, y, where="post", lw=1.4, label=system, **styles[system])
            ch = e["route_change"].to_numpy(dtype=bool)
            ax.plot(t_min[ch], np.full(int(ch.sum()), 0.03 + 0.04 * k), "|", ms=7,
                    color=styles[system]["color"], transform=ax.get_xaxis_transform())
            top = max(top, float(np.nanmax(y)) if np.isfinite(y).any() else 0.0)
        for system in flat:
            e = d.loc[d["system"] == system, "rtt_ms"].astype(float).dropna()
            if len(e):
                ax.axhline(float(e.iloc[0]), lw=1.5, label=system, **styles[system])
                top = max(top, float(e.iloc[0]))
        floor = float(d["target_floor_ms"].astype(float).iloc[0])
        ax.axhline(floor, lw=1.5, label=_FLOOR, **styles[_FLOOR])
        ax.set_ylim(0, 1.15 * max(top, floor) if max(top, floor) > 0 else 1.0)
        ax.set_ylabel("round-trip time [ms]")
        ax.set_title(str(site), loc="left", fontsize=10)
    h, lab = axes[0].get_legend_handles_labels()
    h += [Line2D([], [], ls="", marker="|", ms=8, color=styles[s]["color"]) for s in stepped]
    lab += [f"route change, {s}" for s in stepped]
    axes[0].legend(h, lab, loc="center right", fontsize=8, ncols=3, framealpha=0.9)
    axes[-1].set_xlabel(time_label)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def best_option_map(best, *, systems, styles, limit_ms=50.0, option_title=None,
                    difference_title=None, figsize=(11.0, 11.5)):
    """Two maps: the quickest satellite option per endpoint, and LEO minus fibre RTT.

    Parameters
    ----------
    best : pandas.DataFrame
        :func:`satcloud.scenarios.latency.best_option` rows: ``lat_deg``, ``lon_deg``
        [deg], ``kind`` ("city" or "remote site"), ``best_system`` and
        ``leo_minus_fibre_ms`` (NaN where either has no route). [ms]
    systems : sequence of str
        Satellite systems, in legend order.
    styles : dict
        System -> ``{"color", "ls"}`` for every system.
    limit_ms : float
        The colour scale of the lower map spans -limit..+limit, > 0. [ms]
    option_title, difference_title : str, optional
        Titles of the two maps (state the findings).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Top: endpoints coloured by their quickest satellite system (stars: remote sites);
        bottom: best Starlink median RTT minus typical-fibre RTT [ms] (PuOr_r, purple
        where Starlink is faster).
    """
    import numpy as np
    from matplotlib.lines import Line2D

    df = _frame(best, "best", ("lat_deg", "lon_deg", "kind", "best_system",
                               "leo_minus_fibre_ms"))
    from satcloud._validate import check_latlon

    check_latlon(df["lat_deg"], df["lon_deg"], "best column lat_deg", "best column lon_deg")
    systems = _systems(systems, "systems")
    styles = _line_styles(styles, "styles", systems)
    _rtt_columns(df, "best", ("leo_minus_fibre_ms",))
    diff = df["leo_minus_fibre_ms"].to_numpy(dtype=float, na_value=np.nan)
    limit = _number(limit_ms, "limit_ms", 0.0, 1e6, low_open=True, unit="ms")
    option_title = _text(option_title, "option_title", optional=True)
    difference_title = _text(difference_title, "difference_title", optional=True)
    kinds = [("city", "o", 26), ("remote site", "*", 130)]
    fig = _story_figure(figsize)
    ax1 = fig.add_subplot(2, 1, 1, projection=ccrs.Robinson())
    ax2 = fig.add_subplot(2, 1, 2, projection=ccrs.Robinson())
    counts = df["best_system"].value_counts()
    world_map(ax=ax1, borders=False)
    handles = []
    for system in systems:
        for kind, marker, size in kinds:
            pts = df[(df["best_system"] == system) & (df["kind"] == kind)]
            if len(pts):
                plot_sites(ax1, pts, color=styles[system]["color"], marker=marker, size=size,
                           label=None)
        if system in counts:
            handles.append(Line2D([], [], ls="", marker="o", color=styles[system]["color"],
                                  label=f"{system} ({int(counts[system])} endpoints)"))
    handles.append(Line2D([], [], ls="", marker="*", ms=10, color="#555555",
                          label="remote site"))
    ax1.legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.9)
    if option_title:
        ax1.set_title(option_title, fontsize=11)
    world_map(ax=ax2, borders=False)
    ok = df.assign(_diff=diff).dropna(subset=["_diff"])
    mesh = None
    for kind, marker, size in kinds:
        pts = ok[ok["kind"] == kind]
        mesh = ax2.scatter(pts["lon_deg"], pts["lat_deg"], c=pts["_diff"].clip(-limit, limit),
                           cmap="PuOr_r", vmin=-limit, vmax=limit, marker=marker,
                           s=size + 4 if kind == "city" else size + 20, edgecolors="#333333",
                           linewidths=0.4, transform=ccrs.PlateCarree(), zorder=5)
    cb = fig.colorbar(mesh, ax=ax2, orientation="horizontal", fraction=0.05, pad=0.04,
                      extend="both")
    cb.set_label("best Starlink median RTT minus typical-fibre RTT [ms] "
                 "(purple: Starlink faster)")
    if difference_title:
        ax2.set_title(difference_title, fontsize=11)
    return fig


def _band_names(names, name: str, bands) -> dict:
    if not isinstance(names, dict):
        raise TypeError(f"{name} must be a dict band -> display name, got "
                        f"{type(names).__name__} {names!r:.80}")
    missing = [str(b) for b in bands if b not in names]
    if missing:
        raise ValueError(f"{name} has no entry for {missing}; it has {list(names)}")
    return {b: _text(names[b], f"{name}[{b!r}]") for b in bands}


def rain_fade_curves(fade, *, names, elevation_deg, title=None, figsize=(11.0, 4.6)):
    """Atmospheric attenuation exceeded against the percentage of the year, per band and city.

    Parameters
    ----------
    fade : pandas.DataFrame
        :func:`satcloud.scenarios.links.rain_fade_by_city` rows: ``band``, ``city``,
        ``freq_ghz`` [GHz], ``p_percent`` (> 0) [%] and ``atm_total_db`` [dB].
    names : dict
        Band -> display name (e.g. ``{"Ku": "Starlink Ku"}``), one per band of ``fade``;
        one panel per band, in this order.
    elevation_deg : float
        Elevation of the path, in (0, 90], for the panel titles. [deg]
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        One panel per band: percentage of an average year [%] (log axis) against the
        attenuation exceeded [dB], one line per city (Okabe-Ito colours).
    """
    df = _frame(fade, "fade", ("band", "city", "freq_ghz", "p_percent", "atm_total_db"))
    _numbers(df, "fade", ("freq_ghz", "p_percent", "atm_total_db"),
             unit={"freq_ghz": "GHz", "p_percent": "%", "atm_total_db": "dB"})
    if not (df["p_percent"] > 0).all():
        raise ValueError("fade column p_percent must be > 0 [%] (it is drawn on a log axis)")
    names = _band_names(names, "names", list(dict.fromkeys(df["band"])))
    elevation = _number(elevation_deg, "elevation_deg", 0.0, 90.0, low_open=True, unit="deg")
    title = _text(title, "title", optional=True)
    cities = list(dict.fromkeys(df["city"]))
    if len(cities) > len(_LINE_COLORS):
        raise ValueError(f"fade holds {len(cities)} cities; at most {len(_LINE_COLORS)} can "
                         "be told apart")
    fig = _story_figure(figsize)
    axes = fig.subplots(1, len(names), sharey=True, squeeze=False)[0]
    for ax, band in zip(axes, names, strict=True):
        for city, color in zip(cities, _LINE_COLORS, strict=False):
            d = df[(df["band"] == band) & (df["city"] == city)].sort_values("p_percent")
            ax.plot(d["p_percent"], d["atm_total_db"], marker="o", ms=3, color=color,
                    label=str(city))
        freq = float(df.loc[df["band"] == band, "freq_ghz"].iloc[0])
        ax.set_xscale("log")
        ax.set_xlabel("percentage of an average year the attenuation is exceeded [%]")
        ax.set_title(f"{names[band]} ({freq:g} GHz), elevation {elevation:g}°", fontsize=10)
    axes[0].set_ylabel("atmospheric attenuation [dB]")
    axes[-1].legend(title="city", loc="upper right")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


_PASS_COLUMNS = ("t_from_culmination_s", "throughput_mbps", "shannon_mbps", "elevation_deg",
                 "below_min_elevation", "modcod", "sat_id")


def pass_throughput(passes, *, names, colors, title=None, figsize=(12.0, 4.8)):
    """Throughput, Shannon bound and elevation across one pass, one panel per link.

    Parameters
    ----------
    passes : dict
        Band -> :func:`satcloud.scenarios.links.pass_budget` table: ``t_from_culmination_s``
        [s], ``throughput_mbps`` and ``shannon_mbps`` [Mbit/s], ``elevation_deg`` [deg],
        ``below_min_elevation`` (bool), ``modcod`` and ``sat_id``.
    names : dict
        Band -> display name, one per band of ``passes``.
    colors : dict
        Band -> colour (use :data:`NETWORK_COLORS`), one per band of ``passes``.
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Per band: time from culmination [s] against the information rate per channel
        [Mbit/s] (ACM staircase and Shannon bound), the elevation [deg] on a second axis,
        shading where the satellite is below the minimum elevation, and the MODCODs at
        culmination and at the mask annotated.
    """
    import numpy as np

    if not isinstance(passes, dict) or not passes:
        raise TypeError(f"passes must be a non-empty dict band -> pass_budget() table, got "
                        f"{type(passes).__name__} {passes!r:.80}")
    for band, pb in passes.items():
        _frame(pb, f"passes[{band!r}]", _PASS_COLUMNS)
        _numbers(pb, f"passes[{band!r}]", ("t_from_culmination_s", "throughput_mbps",
                                           "shannon_mbps", "elevation_deg"),
                 unit={"t_from_culmination_s": "s", "throughput_mbps": "Mbit/s",
                       "shannon_mbps": "Mbit/s", "elevation_deg": "deg"})
    names = _band_names(names, "names", list(passes))
    colors = _colors(colors, "colors", list(passes))
    title = _text(title, "title", optional=True)
    fig = _story_figure(figsize)
    axes = fig.subplots(1, len(passes), sharey=True, squeeze=False)[0]
    for ax, (band, pb) in zip(axes, passes.items(), strict=True):
        t = pb["t_from_culmination_s"]
        ax.step(t, pb["throughput_mbps"], where="mid", color=colors[band],
                label="throughput (DVB-S2X ACM)")
        ax.plot(t, pb["shannon_mbps"], "--", color=colors[band], alpha=0.7,
                label="Shannon bound, B log2(1 + C/(N+I))")
        low = pb["below_min_elevation"].to_numpy(dtype=bool)
        ax.fill_between(t, 0, 1, where=low, transform=ax.get_xaxis_transform(),
                        color="#999999", alpha=0.2, step="mid",
                        label="below the minimum elevation")
        top = int(np.argmax(pb["elevation_deg"].to_numpy(float)))
        ax.annotate(str(pb["modcod"].iloc[top]), (t.iloc[top], pb["throughput_mbps"].iloc[top]),
                    xytext=(0, 6), textcoords="offset points", ha="center", fontsize=8)
        if (~low).any():
            edge = int(np.flatnonzero(~low)[0])
            ax.annotate(str(pb["modcod"].iloc[edge]),
                        (t.iloc[edge], pb["throughput_mbps"].iloc[edge]),
                        xytext=(4, -16), textcoords="offset points", ha="left", fontsize=8)
        ax.set_xlabel("time from culmination [s]")
        ax.set_ylim(0, None)
        twin = ax.twinx()
        twin.plot(t, pb["elevation_deg"], ":", color="black", lw=1, label="elevation")
        twin.set_ylim(0, 95)
        twin.set_ylabel("elevation [deg]")
        twin.grid(False)
        ax.set_title(f"{names[band]}: {pb['sat_id'].iloc[0]}, max. elevation "
                     f"{pb['elevation_deg'].max():.0f}°", fontsize=10)
    axes[0].set_ylabel("information rate per channel [Mbit/s]")
    axes[0].legend(loc="lower center", fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def subscribers_per_cell(sweep, *, cell_capacity_mbps, claim_mbps, names, colors,
                         title=None, figsize=(9.5, 5.0)):
    """Busy-hour throughput per active subscriber as a cell fills, per link, against a claim.

    Parameters
    ----------
    sweep : pandas.DataFrame
        :func:`satcloud.scenarios.links.subscriber_sweep` rows: ``label`` (band),
        ``subscribers_per_cell`` (> 0) [-], ``per_user_mbps`` (> 0) [Mbit/s] and
        ``max_subscribers_per_cell`` (the most subscribers that still get the claim). [-]
    cell_capacity_mbps : dict
        Band -> cell capacity, for the legend. [Mbit/s]
    claim_mbps : float
        The claimed rate per subscriber, in (0, 1e9]. [Mbit/s]
    names : dict
        Band -> display name, one per band of ``sweep``.
    colors : dict
        Band -> colour (use :data:`NETWORK_COLORS`), one per band of ``sweep``.
    title : str, optional
        Axes title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Subscribers in the cell [-] against throughput per active subscriber [Mbit/s]
        (both log axes), the claim as a dashed line and each link's limit as a dotted one.
    """
    from matplotlib.ticker import FuncFormatter

    df = _frame(sweep, "sweep", ("label", "subscribers_per_cell", "per_user_mbps",
                                 "max_subscribers_per_cell"))
    _numbers(df, "sweep", ("subscribers_per_cell", "per_user_mbps",
                           "max_subscribers_per_cell"),
             unit={"subscribers_per_cell": "-", "per_user_mbps": "Mbit/s",
                   "max_subscribers_per_cell": "-"})
    if not ((df["subscribers_per_cell"] > 0).all() and (df["per_user_mbps"] > 0).all()):
        raise ValueError("sweep columns subscribers_per_cell and per_user_mbps must be > 0 "
                         "(log axes)")
    bands = list(dict.fromkeys(df["label"]))
    names = _band_names(names, "names", bands)
    colors = _colors(colors, "colors", bands)
    if not isinstance(cell_capacity_mbps, dict):
        raise TypeError(f"cell_capacity_mbps must be a dict band -> capacity [Mbit/s], got "
                        f"{type(cell_capacity_mbps).__name__} {cell_capacity_mbps!r:.80}")
    missing = [str(b) for b in bands if b not in cell_capacity_mbps]
    if missing:
        raise ValueError(f"cell_capacity_mbps has no entry for {missing}")
    capacity = {b: _number(cell_capacity_mbps[b], f"cell_capacity_mbps[{b!r}]", 0.0,
                           low_open=True, unit="Mbit/s") for b in bands}
    claim = _number(claim_mbps, "claim_mbps", 0.0, 1e9, low_open=True, unit="Mbit/s")
    title = _text(title, "title", optional=True)
    fig = _story_figure(figsize)
    ax = fig.subplots()
    for k, band in enumerate(bands):
        d = df[df["label"] == band].sort_values("subscribers_per_cell")
        limit = int(d["max_subscribers_per_cell"].iloc[0])
        ax.plot(d["subscribers_per_cell"], d["per_user_mbps"], color=colors[band],
                label=f"{names[band]}: cell of {capacity[band] / 1e3:.2f} Gbit/s")
        ax.axvline(limit, color=colors[band], ls=":", lw=1)
        first = k % 2 == 0
        ax.annotate(f"{limit:,} subscribers", (limit, claim),
                    xytext=(5, 12) if first else (-5, -22), textcoords="offset points",
                    ha="left" if first else "right", color=colors[band], fontsize=9)
    ax.axhline(claim, color="black", lw=1.2, ls="--",
               label=f'the claim: "up to {claim:g} Mbps"')
    ax.set_xscale("log")
    ax.set_yscale("log")
    plain = FuncFormatter(lambda v, _: f"{v:,.0f}")
    ax.xaxis.set_major_formatter(plain)
    ax.yaxis.set_major_formatter(plain)
    ax.set_xlabel("subscribers in the cell [-]")
    ax.set_ylabel("busy-hour throughput per active subscriber [Mbit/s]")
    ax.legend(loc="lower left")
    if title:
        ax.set_title(title)
    return fig


def availability_nines_map(amap, *, margin_db, elevation_deg, panel_titles=None,
                           title=None, figsize=(10.0, 8.8)):
    """World maps of the availability a fade margin buys, one per band, in "nines".

    Parameters
    ----------
    amap : xarray.Dataset
        :func:`satcloud.links.availability_map`: ``availability_percent`` [%] over
        ``band``, ``lat_deg`` and ``lon_deg`` [deg].
    margin_db : float
        The fade margin of the map, >= 0, for the colour bar label. [dB]
    elevation_deg : float
        The elevation of the map, in (0, 90], for the colour bar label. [deg]
    panel_titles : dict, optional
        Band -> title of its panel (state the finding); the band name when omitted.
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        One Robinson map per band; colour is -log10(1 - availability) from 1.5 to 5
        (99 % ... >= 99.999 % of the year; cividis).
    """
    import numpy as np
    import xarray as xr

    if not isinstance(amap, xr.Dataset) or "availability_percent" not in amap:
        raise TypeError(f"amap must be an xarray Dataset with availability_percent (from "
                        f"links.availability_map), got {type(amap).__name__} {amap!r:.80}")
    avail = amap["availability_percent"]
    if set(avail.dims) != {"band", "lat_deg", "lon_deg"}:
        raise ValueError(f"amap availability_percent must have the dims band, lat_deg, "
                         f"lon_deg, got {avail.dims}")
    values = avail.to_numpy().astype(float)
    if not (np.isfinite(values) & (values >= 0) & (values <= 100)).all():
        raise ValueError("amap availability_percent must be finite and in [0, 100] [%]")
    bands = [str(b) for b in avail["band"].to_numpy()]
    if panel_titles is None:
        panel_titles = {b: b for b in bands}
    panel_titles = _band_names(panel_titles, "panel_titles", bands)
    margin = _number(margin_db, "margin_db", 0.0, unit="dB")
    elevation = _number(elevation_deg, "elevation_deg", 0.0, 90.0, low_open=True, unit="deg")
    title = _text(title, "title", optional=True)
    with np.errstate(divide="ignore"):
        nines = np.clip(-np.log10(1.0 - avail / 100.0), 0.0, 5.0)
    fig = _story_figure(figsize)
    axes = [fig.add_subplot(len(bands), 1, k + 1, projection=ccrs.Robinson())
            for k in range(len(bands))]
    for ax, band in zip(axes, bands, strict=True):
        world_map(ax=ax, land=False, borders=False)
        mesh = ax.pcolormesh(amap["lon_deg"], amap["lat_deg"],
                             nines.sel(band=band).transpose("lat_deg", "lon_deg"),
                             transform=ccrs.PlateCarree(), cmap="cividis", vmin=1.5, vmax=5,
                             shading="nearest", zorder=0)
        ax.set_title(panel_titles[band], fontsize=10)
    cbar = fig.colorbar(mesh, ax=axes, orientation="horizontal", fraction=0.04, pad=0.04,
                        ticks=[2, 3, 4, 5])
    cbar.ax.set_xticklabels(["99 %", "99.9 %", "99.99 %", "≥ 99.999 %"])
    cbar.set_label(f"availability with a {margin:g} dB margin at {elevation:g}° elevation "
                   "[% of the year]")
    if title:
        fig.suptitle(title, y=0.93)
    return fig


#: Colours of the lines of a figure whose lines are not networks, in order (Okabe-Ito).
_LINE_COLORS = tuple(OKABE_ITO[k] for k in ("vermillion", "blue", "bluish_green", "orange",
                                            "reddish_purple", "sky_blue", "yellow"))


def _colors(colors, name: str, labels) -> dict:
    """``colors`` checked to be a mapping with a matplotlib colour for every label."""
    if not isinstance(colors, dict):
        raise TypeError(f"{name} must be a dict label -> colour (use NETWORK_COLORS / "
                        f"OKABE_ITO), got {type(colors).__name__} {colors!r:.80}")
    missing = [str(label) for label in labels if label not in colors]
    if missing:
        raise ValueError(f"{name} has no colour for {missing}; it has {list(colors)}")
    for label in labels:
        _check_color(colors[label], f"{name}[{label!r}]")
    return colors


def _numbers(df, name: str, columns, *, unit: dict) -> None:
    """Every one of ``columns`` of ``df`` holds finite numbers."""
    import numpy as np

    for col in columns:
        try:
            values = df[col].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{name} column {col} must hold numbers [{unit[col]}], got "
                            f"{df[col].dtype}") from None
        if not np.isfinite(values).all():
            raise ValueError(f"{name} column {col} must hold finite numbers "
                             f"[{unit[col]}], got {values.tolist()!r:.120}")


def _labels(values, name: str) -> tuple:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a sequence of labels, got {type(values).__name__} "
                        f"{values!r:.80}")
    return tuple(values)


def ground_tracks(tracks, *, title=None, legend_title="satellite (dot: first position)",
                  figsize=(11.0, 5.6)):
    """Ground tracks of a few satellites on a world map, each from its first position.

    Parameters
    ----------
    tracks : pandas.DataFrame
        :func:`satcloud.geometry.ground_track` rows: ``sat_id``, ``segment`` (a new one
        where the track wraps around the date line), ``lat_deg`` and ``lon_deg``, in time
        order. [deg]
    title : str, optional
        Axes title (state the finding).
    legend_title : str
        Title of the legend (one entry per satellite).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        A Robinson world map with one line per satellite (Okabe-Ito colours, at most
        seven satellites) and a dot at its first position.
    """
    df = _frame(tracks, "tracks", ("sat_id", "segment", "lat_deg", "lon_deg"))
    from satcloud._validate import check_latlon

    check_latlon(df["lat_deg"], df["lon_deg"], "tracks column lat_deg",
                 "tracks column lon_deg")
    title = _text(title, "title", optional=True)
    legend_title = _text(legend_title, "legend_title")
    groups = list(df.groupby("sat_id", sort=False))
    if len(groups) > len(_LINE_COLORS):
        raise ValueError(f"tracks holds {len(groups)} satellites; at most "
                         f"{len(_LINE_COLORS)} can be told apart")
    fig = _story_figure(figsize)
    ax = world_map(ax=fig.add_subplot(1, 1, 1, projection=ccrs.Robinson()), title=title)
    for (sat_id, g), color in zip(groups, _LINE_COLORS, strict=False):
        for _, seg in g.groupby("segment"):
            ax.plot(seg["lon_deg"], seg["lat_deg"], color=color, lw=1.4,
                    transform=ccrs.PlateCarree())
        ax.plot([], [], color=color, lw=1.4, label=str(sat_id))
        ax.scatter(g["lon_deg"].iloc[0], g["lat_deg"].iloc[0], color=color, s=25,
                   transform=ccrs.PlateCarree(), zorder=5)
    ax.legend(loc="lower left", fontsize=7, title=legend_title, title_fontsize=7)
    return fig


def in_view_by_latitude_compared(in_view, *, colors, dashed=(), title=None,
                                 figsize=(10.0, 5.0)):
    """Mean satellites in view versus latitude, one line per constellation.

    Parameters
    ----------
    in_view : pandas.DataFrame
        :func:`satcloud.scenarios.constellations.in_view_vs_latitude` rows:
        ``constellation``, ``lat_deg`` [deg] and ``mean_in_view`` (time and longitude
        mean, >= 0). [-]
    colors : dict
        Constellation -> colour (use :data:`NETWORK_COLORS` / :data:`OKABE_ITO`), one
        for each constellation of ``in_view``.
    dashed : sequence of str
        Constellations drawn dashed (e.g. a partial deployment).
    title : str, optional
        Axes title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Latitude [deg] against satellites in view [count] on a symmetric-log axis
        (linear below 1).
    """
    df = _frame(in_view, "in_view", ("constellation", "lat_deg", "mean_in_view"))
    _numbers(df, "in_view", ("lat_deg", "mean_in_view"),
             unit={"lat_deg": "deg", "mean_in_view": "count"})
    if not ((df["lat_deg"].abs() <= 90).all() and (df["mean_in_view"] >= 0).all()):
        raise ValueError("in_view needs lat_deg in [-90, 90] deg and mean_in_view >= 0")
    groups = list(df.groupby("constellation", sort=False))
    colors = _colors(colors, "colors", [label for label, _ in groups])
    dashed = set(_labels(dashed, "dashed"))
    title = _text(title, "title", optional=True)
    fig = _story_figure(figsize)
    ax = fig.subplots()
    for label, g in groups:
        ax.plot(g["lat_deg"], g["mean_in_view"], marker=".", color=colors[label],
                label=str(label), ls="--" if label in dashed else "-")
    ax.set_yscale("symlog", linthresh=1)
    ax.set_xlabel("latitude [deg]")
    ax.set_ylabel("satellites in view, time mean [count]")
    ax.set_xlim(-90, 90)
    ax.set_xticks(range(-90, 91, 30))
    ax.legend(fontsize=8, ncol=2)
    if title:
        ax.set_title(title)
    return fig


def coverage_sweeps(deployment, elevation, *, colors, dashed=(), marked_count=None,
                    deployment_title=None, elevation_title=None, figsize=(12.0, 4.8)):
    """Coverage as satellites are deployed (left) and as the elevation mask rises (right).

    Parameters
    ----------
    deployment : pandas.DataFrame
        :func:`satcloud.scenarios.constellations.deployment_sweep` rows: ``variant``
        (deployment rule), ``n_satellites`` [count] and ``coverage_percent`` [%].
    elevation : pandas.DataFrame
        :func:`satcloud.scenarios.constellations.elevation_sweep` rows:
        ``constellation``, ``min_elevation_deg`` [deg] and ``coverage_percent`` [%].
    colors : dict
        Constellation -> colour for the right panel (use :data:`NETWORK_COLORS` /
        :data:`OKABE_ITO`); the left panel's rules take Okabe-Ito colours in order.
    dashed : sequence of str
        Constellations of the right panel drawn dashed.
    marked_count : int, optional
        A number of satellites marked by a vertical line on the left panel. [count]
    deployment_title, elevation_title : str, optional
        Titles of the two panels (state the findings).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Left: satellites deployed [count] against area-weighted time covered [%], one
        line per rule (solid, dashed, dotted); right: minimum elevation [deg] against
        area-weighted time covered [%], one line per constellation.
    """
    dep = _frame(deployment, "deployment", ("variant", "n_satellites",
                                            "coverage_percent"))
    elev = _frame(elevation, "elevation", ("constellation", "min_elevation_deg",
                                           "coverage_percent"))
    _numbers(dep, "deployment", ("n_satellites", "coverage_percent"),
             unit={"n_satellites": "count", "coverage_percent": "%"})
    _numbers(elev, "elevation", ("min_elevation_deg", "coverage_percent"),
             unit={"min_elevation_deg": "deg", "coverage_percent": "%"})
    variants = list(dep.groupby("variant", sort=False))
    if len(variants) > len(_LINE_COLORS):
        raise ValueError(f"deployment holds {len(variants)} variants; at most "
                         f"{len(_LINE_COLORS)} can be told apart")
    groups = list(elev.groupby("constellation", sort=False))
    colors = _colors(colors, "colors", [label for label, _ in groups])
    dashed = set(_labels(dashed, "dashed"))
    if marked_count is not None:
        marked_count = _number(marked_count, "marked_count", 0.0, unit="count")
    deployment_title = _text(deployment_title, "deployment_title", optional=True)
    elevation_title = _text(elevation_title, "elevation_title", optional=True)
    fig = _story_figure(figsize)
    ax1, ax2 = fig.subplots(1, 2)
    styles = ("-", "--", ":", "-.")
    starlink = NETWORK_COLORS.get("starlink", OKABE_ITO["vermillion"])
    dep_colors = (starlink, *(c for c in _LINE_COLORS if c != starlink))
    for k, (variant, g) in enumerate(variants):
        ax1.plot(g["n_satellites"], g["coverage_percent"], marker="o",
                 ls=styles[k % len(styles)], color=dep_colors[k], label=str(variant))
    if marked_count is not None:
        ax1.axvline(marked_count, color="grey", lw=0.8)
        ax1.text(marked_count, 3, f" {marked_count:g}", color="grey", fontsize=8)
    ax1.set_xlabel("satellites deployed [count]")
    ax1.set_ylabel("time covered, area-weighted [%]")
    ax1.set_ylim(0, 102)
    ax1.legend(fontsize=8, loc="lower right")
    for label, g in groups:
        ax2.plot(g["min_elevation_deg"], g["coverage_percent"], marker=".",
                 color=colors[label], label=str(label),
                 ls="--" if label in dashed else "-")
    ax2.set_xlabel("minimum elevation [deg]")
    ax2.set_ylabel("time covered, area-weighted [%]")
    ax2.set_ylim(0, 102)
    ax2.legend(fontsize=7, loc="lower left")
    if deployment_title:
        ax1.set_title(deployment_title, fontsize=10)
    if elevation_title:
        ax2.set_title(elevation_title, fontsize=10)
    return fig


#: Markers of the satellites not in service in :func:`plane_phases_compared`.
_STATUS_MARKERS = {"raising": "^", "deorbiting": "v", "other": "s", "unclassified": "x"}


def plane_phases_compared(phases, *, colors, title=None, panel_titles=None,
                          figsize=(12.0, 4.8)):
    """Where the satellites are in their orbits: RAAN against argument of latitude.

    One panel per constellation, side by side at a common epoch: each dot a satellite,
    its plane the column it sits in (right ascension of the ascending node) and its place
    in the plane the height (argument of latitude). Operational satellites are dots in
    the constellation's colour; the others (still raising, deorbiting, other) grey
    markers, one per status.

    Parameters
    ----------
    phases : pandas.DataFrame
        :func:`satcloud.scenarios.constellations.plane_phases` rows: ``constellation``,
        ``status``, ``raan_deg`` [deg] and ``arg_latitude_deg`` [deg], both in
        [0, 360].
    colors : dict
        Constellation -> colour (use :data:`NETWORK_COLORS` / :data:`OKABE_ITO`), one for
        each constellation of ``phases``.
    title : str, optional
        Figure title (state the finding).
    panel_titles : dict, optional
        Constellation -> title of its panel (default: the constellation's name).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        One axes per constellation (at most four), x: RAAN [deg], y: argument of
        latitude [deg], both 0-360; a legend under each panel with the count per status.
    """
    df = _frame(phases, "phases", ("constellation", "status", "raan_deg",
                                   "arg_latitude_deg"))
    _numbers(df, "phases", ("raan_deg", "arg_latitude_deg"),
             unit={"raan_deg": "deg", "arg_latitude_deg": "deg"})
    for col in ("raan_deg", "arg_latitude_deg"):
        if not ((df[col] >= 0) & (df[col] <= 360)).all():
            raise ValueError(f"phases column {col} must lie in [0, 360] deg, got values "
                             f"from {df[col].min():g} to {df[col].max():g}")
    groups = list(df.groupby("constellation", sort=False))
    if len(groups) > 4:
        raise ValueError(f"phases holds {len(groups)} constellations; at most 4 panels")
    colors = _colors(colors, "colors", [label for label, _ in groups])
    title = _text(title, "title", optional=True)
    if panel_titles is None:
        panel_titles = {}
    if not isinstance(panel_titles, dict):
        raise TypeError(f"panel_titles must be a dict constellation -> title, got "
                        f"{type(panel_titles).__name__} {panel_titles!r:.80}")
    for label, text in panel_titles.items():
        _text(text, f"panel_titles[{label!r}]")
    fig = _story_figure(figsize)
    axes = fig.subplots(1, len(groups), sharey=True, squeeze=False)[0]
    for ax, (label, g) in zip(axes, groups, strict=True):
        ops = g[g["status"] == "operational"]
        ax.scatter(ops["raan_deg"], ops["arg_latitude_deg"], s=9, color=colors[label],
                   label=f"operational ({len(ops)})", zorder=3)
        for status, h in g[g["status"] != "operational"].groupby("status", sort=True):
            ax.scatter(h["raan_deg"], h["arg_latitude_deg"], s=12, color="grey",
                       marker=_STATUS_MARKERS.get(str(status), "x"), alpha=0.6,
                       label=f"{status} ({len(h)})", zorder=2)
        ax.set_xlim(0, 360)
        ax.set_ylim(0, 360)
        ax.set_xticks(range(0, 361, 60))
        ax.set_yticks(range(0, 361, 60))
        ax.set_xlabel("right ascension of ascending node [deg]")
        ax.set_title(str(panel_titles.get(label, label)), fontsize=10)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=4,
                  frameon=False)
    axes[0].set_ylabel("argument of latitude [deg]")
    if title:
        fig.suptitle(title)
    return fig


# ----------------------------------------------------------- figures of notebooks 04-06

def _key_styles(labels, colors, name_labels="labels", name_colors="colors") -> tuple:
    """``labels`` (key -> legend text, in drawing order) and ``colors`` (key -> colour)
    checked; returns them as dicts."""
    from collections.abc import Mapping

    if not isinstance(labels, Mapping) or not labels:
        raise TypeError(f"{name_labels} must be a non-empty mapping system -> legend text, "
                        f"got {type(labels).__name__} {labels!r:.80}")
    for key, text in labels.items():
        _text(key, f"{name_labels} key")
        _text(text, f"{name_labels}[{key!r}]")
    if not isinstance(colors, Mapping):
        raise TypeError(f"{name_colors} must be a mapping system -> colour (use "
                        f"NETWORK_COLORS / network_color), got {type(colors).__name__} "
                        f"{colors!r:.80}")
    for key in labels:
        if key not in colors:
            raise ValueError(f"{name_colors} lacks the system {key!r}; it has {list(colors)}")
        _check_color(colors[key], f"{name_colors}[{key!r}]")
    return dict(labels), dict(colors)


def _bounded(df, name: str, col: str, low, high, unit: str, *, allow_nan=False):
    """Column ``col`` of ``df`` as floats, each in [low, high] (NaN allowed if asked).

    Values beyond a bound by rounding only (1e-9 of the range, e.g. a mean of fractions
    that are all 1 giving 1.0000000000000002) are clipped to it, not refused.
    """
    import numpy as np

    try:
        values = df[col].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} column {col} must hold numbers [{unit}], got "
                        f"{df[col].dtype}") from None
    tol = 1e-9 * (high - low) if np.isfinite(high - low) else 0.0
    near = (values >= low - tol) & (values <= high + tol)
    values = np.where(near, np.clip(values, low, high), values)
    ok = (values >= low) & (values <= high)
    if allow_nan:
        ok |= np.isnan(values)
    if not ok.all():
        raise ValueError(f"{name} column {col} must hold finite numbers in [{low:g}, "
                         f"{high:g}] [{unit}]{' or NaN' if allow_nan else ''}, got "
                         f"{values.tolist()!r:.120}")
    return values


def _log_axis_format(axis) -> None:
    import matplotlib.ticker as mticker

    axis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:g}"))


def coverage_by_latitude_systems(by_latitude, *, labels, colors, title=None,
                                 figsize=(12.0, 4.8)):
    """Coverage and satellites in view versus latitude, one line per system.

    Parameters
    ----------
    by_latitude : pandas.DataFrame
        :func:`satcloud.scenarios.competition.coverage_by_latitude` rows: ``key``,
        ``lat_deg`` [deg], ``fraction_covered`` (share of time with a satellite above the
        minimum elevation, 0-1) [-] and ``mean_in_view`` (0 to 1e6). [-]
    labels : mapping
        System key -> legend text; the lines follow its order (keys without rows are
        left out).
    colors : mapping
        System key -> colour (use :data:`NETWORK_COLORS`), for every key of ``labels``.
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Left: time covered [%] against latitude [deg]; right: mean satellites in view
        (log axis) [-] against latitude.
    """
    import numpy as np

    df = _frame(by_latitude, "by_latitude", ("key", "lat_deg", "fraction_covered",
                                             "mean_in_view"))
    _bounded(df, "by_latitude", "lat_deg", -90.0, 90.0, "deg")
    _bounded(df, "by_latitude", "fraction_covered", 0.0, 1.0, "-")
    _bounded(df, "by_latitude", "mean_in_view", 0.0, 1e6, "-")
    labels, colors = _key_styles(labels, colors)
    title = _text(title, "title", optional=True)
    order = [k for k in labels if k in set(df["key"])]
    if not order:
        raise ValueError(f"by_latitude has no system of labels {list(labels)}")
    fig = _story_figure(figsize)
    axes = fig.subplots(1, 2, sharey=True)
    positive = False
    for key in order:
        d = df[df["key"] == key].sort_values("lat_deg")
        lat = d["lat_deg"].to_numpy(float)
        axes[0].plot(100 * d["fraction_covered"].to_numpy(float), lat, color=colors[key],
                     lw=2, label=labels[key])
        n = d["mean_in_view"].to_numpy(float)
        positive |= bool((n > 0).any())
        axes[1].plot(np.where(n > 0, n, np.nan), lat, color=colors[key], lw=2)
    axes[0].set_xlabel("time with a satellite above the minimum elevation [%]")
    axes[0].set_ylabel("latitude [deg]")
    axes[0].set_xlim(-2, 102)
    if positive:
        axes[1].set_xscale("log")
        _log_axis_format(axes[1].xaxis)
    axes[1].set_xlabel("satellites in view above the minimum elevation, mean [-]")
    for ax in axes:
        ax.set_yticks(np.arange(-90, 91, 30))
    fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center",
               ncol=min(6, len(order)), fontsize=8, bbox_to_anchor=(0.5, -0.01))
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def rtt_cdf_by_system(samples, *, labels, colors, floor_ms, dashed=(),
                      xlim_ms=(2.0, 800.0), title=None, figsize=(11.0, 5.2)):
    """Distribution of the round trip to each system's cloud, with the vacuum floor.

    Parameters
    ----------
    samples : pandas.DataFrame
        :func:`satcloud.scenarios.competition.rtt_samples` rows: ``key``, ``rtt_ms``
        (finite, > 0 where reached) [ms] and ``reachable`` (bool); unreached rows are
        left out.
    labels : mapping
        System key -> legend text; the curves follow its order (keys never reached are
        left out). The share of samples reached is appended when below 99.95 %.
    colors : mapping
        System key -> colour (use :data:`NETWORK_COLORS`), for every key of ``labels``.
    floor_ms : float
        Median vacuum floor, drawn as a dotted vertical line. [ms]
    dashed : collection of str
        Keys drawn dashed (e.g. the fibre reference).
    xlim_ms : tuple of float
        Range of the log round-trip axis, 0 < low < high <= 1e6. [ms]
    title : str, optional
        Axes title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Share of (city, time) samples reached [-] against round-trip time (log) [ms].
    """
    import numpy as np

    df = _frame(samples, "samples", ("key", "rtt_ms", "reachable"))
    labels, colors = _key_styles(labels, colors)
    reach = df["reachable"]
    if reach.dtype != bool:
        raise TypeError(f"samples column reachable must hold booleans, got {reach.dtype}")
    rtt = df["rtt_ms"].to_numpy(dtype=float) if df["rtt_ms"].dtype.kind in "biuf" else None
    if rtt is None:
        raise TypeError(f"samples column rtt_ms must hold numbers [ms], got "
                        f"{df['rtt_ms'].dtype}")
    reach = reach.to_numpy()
    if not (np.isfinite(rtt[reach]) & (rtt[reach] > 0) & (rtt[reach] <= 1e9)).all():
        raise ValueError(f"samples column rtt_ms must be finite, > 0 and <= 1e9 [ms] where "
                         f"reachable, got {rtt[reach].tolist()!r:.120}")
    floor_ms = _number(floor_ms, "floor_ms", 0.0, 1e6, low_open=True, unit="ms")
    if isinstance(dashed, (str, bytes)) or not hasattr(dashed, "__iter__"):
        raise TypeError(f"dashed must be a collection of system keys, got "
                        f"{type(dashed).__name__} {dashed!r:.80}")
    dashed = {_text(d, "dashed item") for d in dashed}
    if isinstance(xlim_ms, (str, bytes)) or not hasattr(xlim_ms, "__len__") or \
            len(xlim_ms) != 2:
        raise ValueError(f"xlim_ms must be (low, high) in ms, got {xlim_ms!r:.80}")
    lo, hi = (_number(v, "xlim_ms", 0.0, 1e6, low_open=True, unit="ms") for v in xlim_ms)
    if not lo < hi:
        raise ValueError(f"xlim_ms must have low < high [ms], got {xlim_ms!r:.80}")
    title = _text(title, "title", optional=True)
    keys = df["key"].to_numpy()
    order = [k for k in labels if (reach & (keys == k)).any()]
    if not order:
        raise ValueError(f"samples has no reached sample of labels {list(labels)}")
    fig = _story_figure(figsize)
    ax = fig.subplots()
    for key in order:
        v = np.sort(rtt[reach & (keys == key)])
        share = 100.0 * (reach & (keys == key)).sum() / (keys == key).sum()
        label = labels[key] + ("" if share >= 99.95 else
                               f" (reached {share:.0f} % of the time)")
        ax.step(v, np.arange(1, v.size + 1) / v.size, where="post", color=colors[key],
                lw=2, ls="--" if key in dashed else "-", label=label)
    ax.axvline(floor_ms, color="black", lw=1, ls=":")
    ax.annotate(f"median vacuum floor\n{floor_ms:.1f} ms", (floor_ms, 0.5), xytext=(-6, 0),
                textcoords="offset points", ha="right", fontsize=8)
    ax.set_xscale("log")
    _log_axis_format(ax.xaxis)
    ax.set_xlabel("round-trip time to the system's cloud [ms]")
    ax.set_ylabel("share of (city, time) samples reached [-]")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(lo, hi)
    ax.legend(loc="lower right", fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def capacity_bars(capacity, *, labels, colors, title=None, figsize=(12.0, 4.6)):
    """Capacity per satellite and of each system over the demand, as log bars.

    Parameters
    ----------
    capacity : pandas.DataFrame
        :func:`satcloud.scenarios.competition.capacity_table` rows: ``key``,
        ``satellite_gbps`` [Gbit/s] and ``system_tbps`` [Tbit/s], each finite, > 0 and
        <= 1e12.
    labels : mapping
        System key -> tick label, for every key of ``capacity``.
    colors : mapping
        System key -> colour (use :data:`NETWORK_COLORS`), for every key of ``labels``.
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Two panels of horizontal bars (systems sorted by system capacity, each value
        written next to its bar): per satellite [Gbit/s] and over demand [Tbit/s].
    """
    import numpy as np

    df = _frame(capacity, "capacity", ("key", "satellite_gbps", "system_tbps"))
    for col, unit in (("satellite_gbps", "Gbit/s"), ("system_tbps", "Tbit/s")):
        v = _bounded(df, "capacity", col, 0.0, 1e12, unit)
        if not (v > 0).all():
            raise ValueError(f"capacity column {col} must be > 0 [{unit}] (log axis), got "
                             f"{v.tolist()!r:.120}")
    labels, colors = _key_styles(labels, colors)
    missing = [k for k in df["key"] if k not in labels]
    if missing:
        raise ValueError(f"labels lacks the system(s) {missing}; it has {list(labels)}")
    if df["key"].duplicated().any():
        raise ValueError(f"capacity column key must be unique, got {df['key'].tolist()}")
    title = _text(title, "title", optional=True)
    d = df.sort_values("system_tbps")
    order = d["key"].tolist()
    y = np.arange(len(order))
    fig = _story_figure(figsize)
    axes = fig.subplots(1, 2, sharey=True)
    for ax, col, xlabel in [(axes[0], "satellite_gbps", "capacity per satellite [Gbit/s]"),
                            (axes[1], "system_tbps", "system capacity over demand [Tbit/s]")]:
        v = d[col].to_numpy(float)
        ax.barh(y, v, color=[colors[k] for k in order], edgecolor="black", lw=0.5)
        for yi, vi in zip(y, v, strict=True):
            ax.annotate(f"{vi:,.3g}", (vi, yi), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
        ax.set_xscale("log")
        ax.set_xlim(v.min() / 10, v.max() * 4)
        _log_axis_format(ax.xaxis)
        ax.set_xlabel(xlabel)
    axes[0].set_yticks(y, [labels[k] for k in order])
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


@renamed_keywords(coverage_pct="coverage_percent")
def band_heatmaps(coverage_percent, rtt_ms, *, min_reachable, title=None,
                  figsize=(13.0, 5.6)):
    """Coverage and median round trip per latitude band and system, as two heat maps.

    Parameters
    ----------
    coverage_percent : pandas.DataFrame
        Rows: systems (their labels), columns: latitude bands; time with a satellite in
        view, 0-100 or NaN. [%]
    rtt_ms : pandas.DataFrame
        Same rows and columns: median round trip of the band's cities, > 0 and <= 1e9, or
        NaN where no city is reached. [ms]
    min_reachable : float
        Share of the time a city must be reached to count, in (0, 1] (for the title of
        the right panel). [-]
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Two annotated heat maps with colour bars: coverage [%] and round-trip time (log
        colour scale from 5 to 600 ms) [ms].
    """
    import numpy as np
    import pandas as pd
    from matplotlib.colors import LogNorm

    for name, df in (("coverage_percent", coverage_percent), ("rtt_ms", rtt_ms)):
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"{name} must be a pandas DataFrame (rows: systems, columns: "
                            f"latitude bands), got {type(df).__name__} {df!r:.80}")
        if df.size == 0:
            raise ValueError(f"{name} is empty: nothing to draw")
    if coverage_percent.shape != rtt_ms.shape or \
            list(coverage_percent.index) != list(rtt_ms.index) or \
            list(coverage_percent.columns) != list(rtt_ms.columns):
        raise ValueError("rtt_ms must have the rows and columns of coverage_percent; got "
                         f"{rtt_ms.shape} against {coverage_percent.shape}")
    values = {}
    for name, df, high, low_open in (("coverage_percent", coverage_percent, 100.0, False),
                                     ("rtt_ms", rtt_ms, 1e9, True)):
        try:
            v = df.to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must hold numbers") from None
        ok = np.isnan(v) | ((v > 0 if low_open else v >= 0) & (v <= high))
        if not ok.all():
            raise ValueError(f"{name} must hold numbers in {'(' if low_open else '['}0, "
                             f"{high:g}] or NaN, got {v.tolist()!r:.120}")
        values[name] = v
    min_reachable = _number(min_reachable, "min_reachable", 0.0, 1.0, low_open=True,
                            unit="-")
    title = _text(title, "title", optional=True)
    cov, rtt = values["coverage_percent"], values["rtt_ms"]
    norm = LogNorm(vmin=5.0, vmax=600.0, clip=True)
    fig = _story_figure(figsize)
    axes = fig.subplots(1, 2, sharey=True)
    im0 = axes[0].imshow(cov, cmap="cividis", vmin=0, vmax=100, aspect="auto")
    im1 = axes[1].imshow(np.ma.masked_invalid(rtt), cmap="cividis_r", norm=norm,
                         aspect="auto")
    for ax, vals in ((axes[0], cov), (axes[1], rtt)):
        for i in range(vals.shape[0]):
            for j in range(vals.shape[1]):
                v = vals[i, j]
                if np.isnan(v):
                    txt, shade = "–", 1.0
                elif ax is axes[0]:
                    txt, shade = f"{v:.0f}", v / 100
                else:
                    txt = f"{v:.0f}"
                    shade = 1 - np.log10(min(max(v, 5.0), 600.0) / 5) / np.log10(120)
                ax.text(j, i, txt, ha="center", va="center", fontsize=8,
                        color="white" if shade < 0.5 else "black")
        ax.set_xticks(range(vals.shape[1]), [str(c) for c in coverage_percent.columns],
                      rotation=45, ha="right")
        ax.set_xlabel("latitude band [deg]")
        ax.grid(False)
    axes[0].set_yticks(range(cov.shape[0]), [str(r) for r in coverage_percent.index])
    axes[0].set_title("coverage: time with a satellite in view [%]", fontsize=10)
    axes[1].set_title(f"median RTT of the band's cities [ms] (–: none reached "
                      f"≥ {100 * min_reachable:.0f} % of the time)", fontsize=10)
    cb0 = fig.colorbar(im0, ax=axes[0], fraction=0.04)
    cb0.set_label("coverage [%]")
    ticks = [5, 10, 20, 50, 100, 200, 500]
    cb1 = fig.colorbar(im1, ax=axes[1], fraction=0.04, ticks=ticks)
    cb1.ax.set_yticklabels([str(t) for t in ticks])
    cb1.set_label("round-trip time [ms]")
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig

def _option_styles(styles, name: str = "styles") -> dict:
    """``styles`` checked: a mapping option -> {"color": ..., "marker": ...}."""
    from collections.abc import Mapping

    from matplotlib.markers import MarkerStyle

    if not isinstance(styles, Mapping) or not styles:
        raise TypeError(f"{name} must be a non-empty mapping option -> {{'color': ..., "
                        f"'marker': ...}}, got {type(styles).__name__} {styles!r:.80}")
    out = {}
    for option, style in styles.items():
        _text(option, f"{name} key")
        if not isinstance(style, Mapping) or set(style) != {"color", "marker"}:
            raise ValueError(f"{name}[{option!r}] must be a dict with the keys color and "
                             f"marker, got {style!r:.80}")
        _check_color(style["color"], f"{name}[{option!r}]['color']")
        try:
            MarkerStyle(style["marker"])
        except (TypeError, ValueError):
            raise ValueError(f"{name}[{option!r}]['marker'] must be a matplotlib marker "
                             f"(e.g. 'o', 's', 'D'), got {style['marker']!r:.80}") from None
        out[option] = dict(style)
    return out


def backhaul_choice_map(sites, choice, regions, *, styles, title=None,
                        figsize=(11.0, 5.6)):
    """Remote sites on a world map, coloured by their chosen backhaul, with the regions.

    Parameters
    ----------
    sites : pandas.DataFrame
        One row per site: ``name``, ``lat_deg`` and ``lon_deg``. [deg]
    choice : mapping or pandas.Series
        The chosen backhaul option of each site name (a key of ``styles``); a site
        without a choice (missing or NaN) is not drawn.
    regions : pandas.DataFrame
        Cloud regions with ``lat_deg`` and ``lon_deg``, drawn as squares in the Azure
        colour. [deg]
    styles : mapping
        Option -> ``{"color": ..., "marker": ...}`` (the options' colours of notebook 03,
        :data:`satcloud.scenarios.latency.SYSTEM_STYLES`); the legend follows its order.
    title : str, optional
        Axes title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        A Robinson world map: the regions, and each site as a star in its option's colour,
        labelled with its name.
    """
    import pandas as pd

    sites = _frame(sites, "sites", ("name", "lat_deg", "lon_deg"))
    regions = _frame(regions, "regions", ("lat_deg", "lon_deg"))
    from satcloud._validate import check_latlon

    for df, name in ((sites, "sites"), (regions, "regions")):
        check_latlon(df["lat_deg"], df["lon_deg"], f"{name} column lat_deg",
                     f"{name} column lon_deg")
    styles = _option_styles(styles)
    if not isinstance(choice, (dict, pd.Series)):
        raise TypeError(f"choice must be a dict or pandas Series site name -> option, got "
                        f"{type(choice).__name__} {choice!r:.80}")
    chosen = sites["name"].map(pd.Series(choice, dtype=object))
    unknown = sorted({str(c) for c in chosen.dropna()} - set(styles))
    if unknown:
        raise ValueError(f"choice names option(s) {unknown} that styles lacks; styles has "
                         f"{list(styles)}")
    title = _text(title, "title", optional=True)
    fig = _story_figure(figsize)
    ax = world_map(ax=fig.add_subplot(1, 1, 1, projection=ccrs.Robinson()), title=title)
    plot_sites(ax, regions, label="Azure region", color=NETWORK_COLORS["azure"],
               marker="s", size=14)
    for option, style in styles.items():
        pts = sites[chosen == option]
        if len(pts):
            plot_sites(ax, pts, label=f"site; quickest qualifying option: {option}",
                       color=style["color"], marker="*", size=220, annotate="name")
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    if title:
        ax.set_title(title, fontsize=11)
    return fig


def backhaul_decision(table, *, sites, styles, availability_target, floor_color=None,
                      title=None, figsize=(15.0, 6.2)):
    """Per site and backhaul option: round trip, throughput in rain and downtime.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per site and option (:func:`satcloud.scenarios.datacenter.backhaul_table`):
        ``site``, ``option``, ``covered`` (bool), ``rtt_median_ms``, ``rtt_p95_ms``,
        ``floor_ms`` [ms], ``forward_rain_mbps``, ``forward_clear_mbps`` [Mbit/s] and
        ``downtime_h_per_year`` [h/year]. Rows not covered are left out; the option
        ``"fibre"`` is drawn in the latency panel only.
    sites : sequence of str
        The sites, top to bottom.
    styles : mapping
        Option -> ``{"color": ..., "marker": ...}``; the legend follows its order.
    availability_target : float
        The availability an option must meet, drawn as a downtime line, in (0, 100]. [%]
    floor_color : str, optional
        Colour of the vacuum floor (default Okabe-Ito blue).
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Three panels sharing the sites: median to 95th-percentile RTT [ms] with the
        vacuum floor (log), forward throughput per carrier [Mbit/s] (filled: in rain;
        hollow: clear sky), and downtime of both directions [h/year] (log; at least
        0.03 h/year drawn) with the target.
    """
    import numpy as np
    from matplotlib.lines import Line2D

    from satcloud.scenarios.links import HOURS_PER_YEAR

    numeric = ("rtt_median_ms", "rtt_p95_ms", "floor_ms", "forward_rain_mbps",
               "forward_clear_mbps", "downtime_h_per_year")
    df = _frame(table, "table", ("site", "option", "covered", *numeric))
    for col in numeric:
        try:
            df[col].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"table column {col} must hold numbers, got "
                            f"{df[col].dtype}") from None
    if isinstance(sites, (str, bytes)) or not hasattr(sites, "__iter__"):
        raise TypeError(f"sites must be a sequence of site names, got "
                        f"{type(sites).__name__} {sites!r:.80}")
    names = [_text(s, "sites item") for s in sites]
    if not names:
        raise ValueError("sites is empty: nothing to draw")
    styles = _option_styles(styles)
    unknown = sorted(set(df.loc[df["covered"].astype(bool), "option"].astype(str))
                     - set(styles))
    if unknown:
        raise ValueError(f"table has option(s) {unknown} that styles lacks; styles has "
                         f"{list(styles)}")
    target = _number(availability_target, "availability_target", 0.0, 100.0,
                     low_open=True, unit="%")
    floor_color = OKABE_ITO["blue"] if floor_color is None else _check_color(
        floor_color, "floor_color")
    title = _text(title, "title", optional=True)
    opts = list(styles)
    off = dict(zip(opts, np.linspace(-0.3, 0.3, len(opts)) if len(opts) > 1 else [0.0],
                   strict=True))
    fig = _story_figure(figsize)
    a1, a2, a3 = fig.subplots(1, 3, sharey=True)
    for i, site in enumerate(names):
        g = df[(df["site"] == site) & df["covered"].astype(bool)].set_index("option")
        for o in g.index:
            r = g.loc[o]
            y = i + off[o]
            st = {"color": styles[o]["color"]}
            mk = styles[o]["marker"]
            a1.plot([r.rtt_median_ms, r.rtt_p95_ms], [y, y], lw=2, **st)
            a1.plot(r.rtt_median_ms, y, mk, ms=6, **st)
            if o == "fibre":
                continue
            a2.plot(r.forward_rain_mbps, y, mk, ms=6, **st)
            a2.plot(r.forward_clear_mbps, y, mk, ms=6, mfc="none", **st)
            a3.plot(max(r.downtime_h_per_year, 0.03), y, mk, ms=6, **st)
        floors = df.loc[df["site"] == site, "floor_ms"]
        if len(floors):
            floor = floors.iloc[0]
            a1.plot([floor, floor], [i - 0.4, i + 0.4], color=floor_color, lw=2.5)
    a1.set_xscale("log")
    a1.set_xlabel("round-trip time to the nearest Azure region [ms]")
    a2.set_xlabel("forward throughput per carrier [Mbit/s]")
    a2.set_xlim(left=-80)
    a3.set_xscale("log")
    a3.set_xlabel("downtime, both directions [h/year]")
    target_h = (100.0 - target) / 100.0 * HOURS_PER_YEAR
    if target_h > 0:
        a3.axvline(target_h, color="#555555", ls=":", lw=1.2)
        a3.annotate(f"target {target:g} %", (target_h, len(names) - 0.5),
                    xytext=(3, 0), textcoords="offset points", fontsize=8, color="#555555")
    a1.set_yticks(range(len(names)), names, fontsize=9)
    a1.invert_yaxis()
    for a in (a1, a2, a3):
        a.grid(axis="y", visible=False)
    handles = [Line2D([], [], ls="", marker=styles[o]["marker"], color=styles[o]["color"],
                      label=o) for o in opts]
    handles.append(Line2D([], [], color=floor_color, lw=2.5, label="vacuum floor"))
    fig.legend(handles=handles, loc="upper center", ncols=len(handles), fontsize=9,
               bbox_to_anchor=(0.5, 0.93))
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    return fig


def _network_labels(labels, name: str = "labels") -> dict:
    """``labels`` checked: a non-empty mapping network key -> display name (str)."""
    from collections.abc import Mapping

    if not isinstance(labels, Mapping) or not labels:
        raise TypeError(f"{name} must be a non-empty mapping network -> display name, got "
                        f"{type(labels).__name__} {labels!r:.80}")
    return {_text(k, f"{name} key"): _text(v, f"{name}[{k!r}]") for k, v in labels.items()}


def ground_stations_map(stations, track, *, styles, labels, title=None,
                        figsize=(11.0, 5.6)):
    """Ground-station sites of several networks and a satellite's ground track.

    Parameters
    ----------
    stations : pandas.DataFrame
        One row per station: ``network``, ``lat_deg`` and ``lon_deg``. [deg]
    track : pandas.DataFrame
        :func:`satcloud.geometry.ground_track` rows: ``segment`` (a new one where the track
        wraps around the date line), ``lat_deg`` and ``lon_deg``, in time order. [deg]
    styles : mapping
        Network -> ``{"color": ..., "marker": ...}`` for every network of ``stations``.
    labels : mapping
        Network -> legend text.
    title : str, optional
        Axes title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        A Robinson world map with the track as a grey line and the stations of each
        network in its colour and marker, one legend entry per network.
    """
    from satcloud._validate import check_latlon

    stations = _frame(stations, "stations", ("network", "lat_deg", "lon_deg"))
    track = _frame(track, "track", ("segment", "lat_deg", "lon_deg"))
    for df, name in ((stations, "stations"), (track, "track")):
        check_latlon(df["lat_deg"], df["lon_deg"], f"{name} column lat_deg",
                     f"{name} column lon_deg")
    styles = _option_styles(styles)
    labels = _network_labels(labels)
    missing = sorted({str(n) for n in stations["network"]} - (set(styles) & set(labels)))
    if missing:
        raise ValueError(f"stations has network(s) {missing} without a style and a label; "
                         f"styles has {list(styles)}, labels {list(labels)}")
    title = _text(title, "title", optional=True)
    fig = _story_figure(figsize)
    ax = world_map(ax=fig.add_subplot(1, 1, 1, projection=ccrs.Robinson()), title=title)
    for _, seg in track.groupby("segment"):
        ax.plot(seg["lon_deg"], seg["lat_deg"], color="grey", lw=1.0,
                transform=ccrs.PlateCarree())
    for net, g in stations.groupby("network", sort=False):
        plot_sites(ax, g, label=labels[net], color=styles[net]["color"],
                   marker=styles[net]["marker"], size=55)
    ax.legend(loc="lower left", fontsize=7, framealpha=0.9)
    return fig


def contact_timeline(contacts, *, start, colors, labels, hours=24.0, title=None,
                     figsize=(12.0, 3.8)):
    """Contacts of each network with a satellite as bars over the hours after ``start``.

    Parameters
    ----------
    contacts : pandas.DataFrame
        One row per contact (:func:`satcloud.scenarios.ground_stations.merged_contacts`):
        ``network``, ``start`` (datetime64, UTC) and ``duration_s``. [s]
    start : numpy.datetime64 or str
        Start of the axis (UTC).
    colors : mapping
        Network -> colour, for every network drawn.
    labels : mapping
        Network -> row label; the rows follow its order (networks without a contact are
        left out).
    hours : float
        Length of the axis, in (0, 240]. [h]
    title : str, optional
        Axes title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        One row per network: a bar per contact, time [h UTC] on the x axis.
    """
    import numpy as np

    df = _frame(contacts, "contacts", ("network", "start", "duration_s"))
    labels = _network_labels(labels)
    try:
        t0 = np.datetime64(start, "ns")
        starts = df["start"].to_numpy(dtype="datetime64[ns]")
    except (TypeError, ValueError):
        raise TypeError(f"start and the contacts column start must be datetimes (UTC), got "
                        f"{start!r:.80} and {df['start'].dtype}") from None
    if np.isnat(t0):
        raise ValueError("start must be a datetime (UTC), got NaT")
    try:
        dur = df["duration_s"].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"contacts column duration_s must hold numbers [s], got "
                        f"{df['duration_s'].dtype}") from None
    if not (np.isfinite(dur) & (dur >= 0)).all() or np.isnat(starts).any():
        raise ValueError("contacts columns start and duration_s must hold datetimes and "
                         "finite durations >= 0 [s]")
    hours = _number(hours, "hours", 0.0, 240.0, low_open=True, unit="h")
    order = [k for k in labels if k in set(df["network"])]
    if not order:
        raise ValueError(f"contacts has no network of labels {list(labels)}")
    from collections.abc import Mapping

    if not isinstance(colors, Mapping):
        raise TypeError(f"colors must be a mapping network -> colour, got "
                        f"{type(colors).__name__} {colors!r:.80}")
    for k in order:
        if k not in colors:
            raise ValueError(f"colors lacks the network {k!r}; it has {list(colors)}")
        _check_color(colors[k], f"colors[{k!r}]")
    title = _text(title, "title", optional=True)
    start_h = (starts - t0) / np.timedelta64(1, "s") / 3600.0
    fig = _story_figure(figsize)
    ax = fig.subplots()
    for y, key in enumerate(order):
        sel = (df["network"].to_numpy() == key) & (start_h < hours)
        ax.broken_barh(list(zip(start_h[sel], dur[sel] / 3600.0, strict=True)),
                       (y - 0.35, 0.7), color=colors[key])
    ax.set_yticks(range(len(order)), [labels[k] for k in order])
    ax.set_xlim(0, hours)
    ax.set_xticks(np.arange(0, hours + 1e-9, 3 if hours <= 48 else 24))
    day = np.datetime_as_string(t0, unit="D")
    ax.set_xlabel(f"time from {day} 00:00 [h UTC]" if t0 == np.datetime64(day, "ns")
                  else f"time from {np.datetime_as_string(t0, unit='m')} [h UTC]")
    ax.invert_yaxis()
    if title:
        ax.set_title(title)
    return fig


def data_age_cdf(age, *, colors, labels, dashed=(), title=None, figsize=(10.0, 4.8)):
    """Distribution of the age of data when it reaches the cloud, one curve per network.

    Parameters
    ----------
    age : pandas.DataFrame
        One row per sample (:func:`satcloud.scenarios.ground_stations.data_age`):
        ``network`` and ``age_min``. [min]
    colors : mapping
        Network -> colour, for every network drawn.
    labels : mapping
        Network -> legend text (the median is appended); the curves follow its order
        (networks without samples are left out).
    dashed : collection of str
        Networks drawn dashed (e.g. a union of two others).
    title : str, optional
        Axes title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Cumulative share of data [%] against age [min].
    """
    import numpy as np

    df = _frame(age, "age", ("network", "age_min"))
    try:
        values = df["age_min"].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"age column age_min must hold numbers [min], got "
                        f"{df['age_min'].dtype}") from None
    if not (np.isfinite(values) & (values >= 0)).all():
        raise ValueError(f"age column age_min must hold finite ages >= 0 [min], got "
                         f"{values.tolist()!r:.120}")
    labels = _network_labels(labels)
    if isinstance(dashed, (str, bytes)) or not hasattr(dashed, "__iter__"):
        raise TypeError(f"dashed must be a collection of network names, got "
                        f"{type(dashed).__name__} {dashed!r:.80}")
    dashed = {_text(d, "dashed item") for d in dashed}
    order = [k for k in labels if k in set(df["network"])]
    if not order:
        raise ValueError(f"age has no network of labels {list(labels)}")
    from collections.abc import Mapping

    if not isinstance(colors, Mapping):
        raise TypeError(f"colors must be a mapping network -> colour, got "
                        f"{type(colors).__name__} {colors!r:.80}")
    for k in order:
        if k not in colors:
            raise ValueError(f"colors lacks the network {k!r}; it has {list(colors)}")
        _check_color(colors[k], f"colors[{k!r}]")
    title = _text(title, "title", optional=True)
    fig = _story_figure(figsize)
    ax = fig.subplots()
    net = df["network"].to_numpy()
    for key in order:
        x = np.sort(values[net == key])
        ax.plot(x, 100 * np.arange(1, len(x) + 1) / len(x), color=colors[key],
                label=f"{labels[key]} (median {np.median(x):.0f} min)",
                ls="--" if key in dashed else "-")
    ax.set_xlabel("age of data when it reaches the cloud [min]")
    ax.set_ylabel("share of data [%]")
    ax.set_xlim(0, None)
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8, loc="lower right")
    if title:
        ax.set_title(title, fontsize=10)
    return fig


#: Marker and colour of each gateway band of :func:`ground_segment_map`.
_GATEWAY_BANDS = {"Ka": {"marker": "^", "color": OKABE_ITO["vermillion"]},
                  "E": {"marker": "s", "color": "#332288"}}   # Paul Tol's 'indigo'
#: Opacity of the home-PoP fills (pale, so the markers stand out).
_HOME_POP_ALPHA = 0.5


def _home_pop_palette(n: int) -> list:
    """``n`` distinct fill colours for the home-PoP regions: matplotlib's ``tab20`` in
    alternating order (dark and light of one hue never side by side), then ``tab20b``."""
    base = list(mpl.colormaps["tab20"].colors)
    order = base[0::2] + base[1::2] + list(mpl.colormaps["tab20b"].colors)
    return [mpl.colors.to_hex(order[i % len(order)]) for i in range(n)]


def ground_segment_map(segment=None, *, title=None, extent=None, annotate_home_pops=True,
                       figsize=(11.5, 6.6)):
    """The Starlink ground segment on a world map: home-PoP regions, gateways and PoPs.

    Each country of the shipped Natural Earth 1:110m layer [4]_ is filled with the
    colour of its home PoP (``segment.home_pops``: the rank-1 PoP of SpaceX's GeoIP
    feed [3]_ for the country; countries the feed does not list keep the plain land
    colour). The gateways are drawn by band (Ka triangles, E-band squares) with a
    marker area proportional to their antenna count, the PoPs as black diamonds; a
    figure legend below the map names each home PoP with its colour and how many
    countries it homes. Everything is drawn from shipped data (offline): the tables of
    :mod:`satcloud.ground`, i.e. the StarPerf gateway sites [1]_, the 2023-10-10
    community map [2]_, SpaceX's GeoIP feed of 2024-08-06 and the 2026-04-16 PoP
    list [3]_.

    Parameters
    ----------
    segment : satcloud.ground.GroundSegment, optional
        The ground segment to draw (default :func:`satcloud.ground.ground_segment`, the
        latest of every table).
    title : str, optional
        Axes title (state the finding).
    extent : sequence of 4 floats, optional
        ``(lon_min, lon_max, lat_min, lat_max)`` in PlateCarree degrees; global when
        omitted. [deg]
    annotate_home_pops : bool
        Write each home PoP's city next to its marker.
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        One Robinson map axes (legend: the gateway bands and the PoPs, with counts) and
        a figure legend of the home PoPs. Each home PoP's countries are one artist whose
        ``gid`` is the PoP code.

    References
    ----------
    .. [1] SpaceNetLab, StarPerf_Simulator, ``config/ground_stations/Starlink.xml``
       (BSD-2 licence). https://github.com/SpaceNetLab/StarPerf_Simulator
    .. [2] "Unofficial Starlink Global Gateways & PoPs" community map, snapshot
       2023-10-10, as kept in the artifacts of N. Mohan et al., "A Multifaceted Look at
       Starlink Performance", WWW 2024 (URL not verified).
    .. [3] clarkzjw/starlink-geoip, the SpaceX GeoIP feed and PoP list as a repository.
       https://github.com/clarkzjw/starlink-geoip
    .. [4] Natural Earth, 1:110m Admin 0 countries (public domain), as shipped in the
       ``pyogrio`` wheel. https://www.naturalearthdata.com
    """
    import matplotlib.patches as mpatches
    import numpy as np
    import pandas as pd

    from satcloud import ground, sites
    from satcloud.network._checks import as_bool

    if segment is None:
        segment = ground.ground_segment()
    if not isinstance(segment, ground.GroundSegment):
        raise TypeError(f"segment must be a satcloud.ground.GroundSegment (from "
                        f"satcloud.ground.ground_segment()) or None, got "
                        f"{type(segment).__name__} {segment!r:.80}")
    title = _text(title, "title", optional=True)
    if extent is not None:
        extent = _extent(extent)
    annotate_home_pops = as_bool(annotate_home_pops, "annotate_home_pops")
    gw, pops, homes = segment.gateways, segment.pops, segment.home_pops
    from satcloud._validate import check_latlon

    _frame(gw, "segment.gateways", ("lat_deg", "lon_deg", "band", "antennas"))
    _frame(pops, "segment.pops", ("code", "city", "lat_deg", "lon_deg"))
    _frame(homes, "segment.home_pops", ("country", "home_pop"))
    check_latlon(gw["lat_deg"], gw["lon_deg"], "segment.gateways column lat_deg",
                 "segment.gateways column lon_deg")
    antennas = pd.to_numeric(gw["antennas"], errors="coerce").to_numpy(float)
    if not (np.isfinite(antennas) & (antennas >= 0)).all():
        raise ValueError("segment.gateways column antennas must be finite counts >= 0, got "
                         f"{gw['antennas'].to_numpy()[~(np.isfinite(antennas) & (antennas >= 0))][:5]}")
    bands = sorted(set(gw["band"]) - set(_GATEWAY_BANDS))
    if bands:
        raise ValueError(f"segment.gateways column band holds {bands}; the map draws the "
                         f"bands {list(_GATEWAY_BANDS)}")
    # countries -> home PoP; the PoPs ordered west to east for the palette
    ne_to_iso = {r.ne_name: r.iso_a2 for r in sites.countries().itertuples(index=False)
                 if r.ne_name}
    home_of = dict(zip(homes["country"], homes["home_pop"], strict=True))
    reader = shapereader.Reader(str(naturalearth_path("cultural", "admin_0_countries")))
    by_pop: dict = {}
    for rec in reader.records():
        pop = home_of.get(ne_to_iso.get(rec.attributes["NAME"], ""))
        if pop:
            by_pop.setdefault(pop, []).append(rec.geometry)
    pop_at = pops.set_index("code")
    codes = sorted(set(homes["home_pop"]),
                   key=lambda c: (float(pop_at.loc[c, "lon_deg"]) if c in pop_at.index
                                  else 999.0, c))
    colours = dict(zip(codes, _home_pop_palette(len(codes)), strict=True))
    n_countries = homes["home_pop"].value_counts()

    fig = _story_figure(figsize)
    ax = world_map(ax=fig.add_subplot(1, 1, 1, projection=ccrs.Robinson()), extent=extent,
                   title=title)
    for code in codes:
        if code in by_pop:
            art = ax.add_geometries(by_pop[code], ccrs.PlateCarree(), facecolor=colours[code],
                                    edgecolor="white", linewidth=0.3, alpha=_HOME_POP_ALPHA,
                                    zorder=0.5)
            art.set_gid(code)
    for band, style in _GATEWAY_BANDS.items():
        g = gw[gw["band"].to_numpy() == band]
        if g.empty:
            continue
        ax.scatter(g["lon_deg"].to_numpy(float), g["lat_deg"].to_numpy(float),
                   s=np.clip(4.0 + 1.5 * antennas[gw["band"].to_numpy() == band], 4.0, 1e4),
                   c=style["color"], marker=style["marker"], transform=ccrs.PlateCarree(),
                   edgecolors="white", linewidths=0.3, alpha=0.85, zorder=6,
                   label=f"{band}-band gateways: {len(g)} sites, "
                         f"{int(g['antennas'].sum()):,} antennas (area ∝ antennas)")
    plot_sites(ax, pops, color=OKABE_ITO["black"], marker="D", size=22.0,
               label=f"PoPs: {len(pops)}", zorder=7)
    if annotate_home_pops:
        for code in codes:
            if code in pop_at.index:
                p = pop_at.loc[code]
                ax.annotate(str(p["city"]), xy=(float(p["lon_deg"]), float(p["lat_deg"])),
                            xycoords=ccrs.PlateCarree()._as_mpl_transform(ax),
                            xytext=(4, 3), textcoords="offset points", fontsize=6.5,
                            zorder=8)
    ax.legend(loc="lower left", fontsize=7, framealpha=0.9)
    city = dict(zip(pops["code"], pops["city"], strict=True))
    handles = [mpatches.Patch(facecolor=colours[c], alpha=_HOME_POP_ALPHA,
                              edgecolor="#999999", linewidth=0.3,
                              label=f"{city.get(c, c)} ({c}): {int(n_countries[c])}")
               for c in codes]
    fig.legend(handles=handles, loc="lower center", ncol=5, fontsize=6.5, frameon=False,
               title="home PoP of each country (SpaceX GeoIP feed): countries homed",
               title_fontsize=7.5)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.95, bottom=0.17)
    return fig


def fleet_capacity_bars(fleets, by_continent, *, colors, title=None, figsize=(12.0, 4.6)):
    """What each fleet carries of the busy-hour demand, in total and per continent.

    Parameters
    ----------
    fleets : pandas.DataFrame
        :func:`satcloud.scenarios.capacity.fleet_table` rows: ``fleet``,
        ``offered_gbps`` and ``served_gbps`` (finite, >= 0). [Gbit/s]
    by_continent : pandas.DataFrame
        :func:`satcloud.scenarios.capacity.fleet_by_continent` rows: ``fleet``,
        ``continent`` and ``served_fraction`` (in [0, 1]). [-]
    colors : dict
        Fleet -> colour, for every fleet of ``fleets``.
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Left: per fleet, the served demand as a bar and the offered demand as a line
        [Gbit/s]; right: per continent, the served share of its demand for each fleet
        (grouped bars) [%].
    """
    import numpy as np

    df = _frame(fleets, "fleets", ("fleet", "offered_gbps", "served_gbps"))
    for col in ("offered_gbps", "served_gbps"):
        _bounded(df, "fleets", col, 0.0, 1e12, "Gbit/s")
    bc = _frame(by_continent, "by_continent", ("fleet", "continent", "served_fraction"))
    _bounded(bc, "by_continent", "served_fraction", 0.0, 1.0, "-")
    order = list(dict.fromkeys(df["fleet"]))
    colors = _colors(colors, "colors", order)
    unknown = sorted(set(bc["fleet"]) - set(order))
    if unknown:
        raise ValueError(f"by_continent names fleets not in fleets: {unknown}; fleets "
                         f"holds {order}")
    title = _text(title, "title", optional=True)
    fig = _story_figure(figsize)
    ax0, ax1 = fig.subplots(1, 2, gridspec_kw={"width_ratios": (1.0, 1.6)})
    t = df.drop_duplicates("fleet").set_index("fleet").reindex(order)
    y = np.arange(len(order))
    served = t["served_gbps"].to_numpy(float) / 1e3
    offered = t["offered_gbps"].to_numpy(float) / 1e3
    ax0.barh(y, served, color=[colors[f] for f in order], edgecolor="black", lw=0.5,
             label="served")
    for yi, s, o in zip(y, served, offered, strict=True):
        ax0.vlines(o, yi - 0.4, yi + 0.4, color="black", lw=1.5,
                   label="offered" if yi == 0 else None)
        ax0.annotate(f"{100 * s / o:.0f} %" if o > 0 else "–", (s, yi), xytext=(3, 0),
                     textcoords="offset points", va="center", fontsize=8)
    ax0.set_yticks(y, order)
    ax0.set_ylim(len(order) - 0.5, -0.5)
    ax0.set_xlim(0, max(offered.max(initial=0), served.max(initial=0)) * 1.15 or 1.0)
    ax0.set_xlabel("busy-hour demand [Tbit/s]")
    ax0.legend(loc="lower right", fontsize=8)
    conts = sorted(set(bc["continent"]))
    x = np.arange(len(conts))
    w = 0.8 / max(len(order), 1)
    for k, f in enumerate(order):
        g = bc[bc["fleet"] == f].set_index("continent").reindex(conts)
        ax1.bar(x + (k - (len(order) - 1) / 2) * w,
                100 * g["served_fraction"].to_numpy(float, na_value=np.nan), w,
                color=colors[f], edgecolor="black", lw=0.4, label=f)
    ax1.set_xticks(x, conts, fontsize=8, rotation=20, ha="right")
    ax1.set_ylim(0, 105)
    ax1.set_ylabel("demand served [%]")
    ax1.legend(fontsize=7, ncols=2, loc="lower left")
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def claim_cdf(cells, *, colors, title=None, figsize=(8.6, 4.2)):
    """The rate an active subscriber gets, over subscribers, against a claimed rate.

    Parameters
    ----------
    cells : pandas.DataFrame
        :func:`satcloud.scenarios.capacity.claim_distribution` rows: ``fleet``,
        ``subscribers`` (>= 0) [-], ``active_rate_mbps`` (>= 0) and ``claim_mbps``
        (> 0, one value) [Mbit/s].
    colors : dict
        Fleet -> colour, for every fleet of ``cells``.
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Per fleet, the share of subscribers (each weighing the same) whose active rate is
        at most x, on a log axis [Mbit/s]; the claim as a vertical line.
    """
    import numpy as np

    df = _frame(cells, "cells", ("fleet", "subscribers", "active_rate_mbps", "claim_mbps"))
    _bounded(df, "cells", "subscribers", 0.0, 1e12, "-")
    _bounded(df, "cells", "active_rate_mbps", 0.0, 1e9, "Mbit/s")
    claim = np.unique(_bounded(df, "cells", "claim_mbps", 0.0, 1e9, "Mbit/s"))
    if claim.size != 1 or claim[0] <= 0:
        raise ValueError(f"cells column claim_mbps must hold one positive claim [Mbit/s], "
                         f"got {claim.tolist()!r:.80}")
    order = list(dict.fromkeys(df["fleet"]))
    colors = _colors(colors, "colors", order)
    title = _text(title, "title", optional=True)
    fig = _story_figure(figsize)
    ax = fig.subplots()
    floor = claim[0] / 1e4
    for f in order:
        g = df[df["fleet"] == f]
        rate = np.maximum(g["active_rate_mbps"].to_numpy(float), floor)
        w = g["subscribers"].to_numpy(float)
        o = np.argsort(rate, kind="stable")
        cum = np.cumsum(w[o]) / max(w.sum(), 1e-300)
        ax.step(np.r_[floor, rate[o]], np.r_[0.0, cum], where="post", color=colors[f],
                lw=1.8, label=f)
    ax.axvline(claim[0], color="black", ls="--", lw=1.0,
               label=f"claim: up to {claim[0]:g} Mbit/s")
    ax.set_xscale("log")
    _log_axis_format(ax.xaxis)
    ax.set_xlim(floor, claim[0] * 1.5)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("busy-hour rate of an active subscriber [Mbit/s]")
    ax.set_ylabel("share of subscribers at or below [-]")
    ax.legend(fontsize=8, loc="upper left")
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def site_throughput_day(table, *, colors, title=None, figsize=(10.0, 4.4)):
    """What each remote site is served over a series of snapshots.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`satcloud.scenarios.capacity.site_capacity` rows: ``time``, ``site``,
        ``site_served_gbps`` (finite, >= 0) [Gbit/s] and ``site_demand_gbps`` [Gbit/s];
        optional ``site_alone_gbps`` (served with the sites alone), drawn dashed.
        [Gbit/s]
    colors : dict
        Site -> colour, for every site of ``table``.
    title : str, optional
        Figure title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Served throughput per site against hours since the first snapshot (markers at
        each snapshot; dashed: the sites alone), the request as a dotted line.
    """
    import numpy as np
    import pandas as pd

    df = _frame(table, "table", ("time", "site", "site_served_gbps", "site_demand_gbps"))
    _bounded(df, "table", "site_served_gbps", 0.0, 1e9, "Gbit/s")
    ask = _bounded(df, "table", "site_demand_gbps", 0.0, 1e9, "Gbit/s")
    sites = list(dict.fromkeys(df["site"]))
    colors = _colors(colors, "colors", sites)
    title = _text(title, "title", optional=True)
    t = pd.to_datetime(df["time"])
    hours = (t - t.min()).dt.total_seconds().to_numpy(float) / 3600.0
    fig = _story_figure(figsize)
    ax = fig.subplots()
    alone = None
    if "site_alone_gbps" in df:
        alone = _bounded(df, "table", "site_alone_gbps", 0.0, 1e9, "Gbit/s")
    for s in sites:
        m = (df["site"] == s).to_numpy()
        o = np.argsort(hours[m], kind="stable")
        ax.plot(hours[m][o], df["site_served_gbps"].to_numpy(float)[m][o], marker="o",
                ms=3.5, lw=1.5, color=colors[s], label=s)
        if alone is not None:
            ax.plot(hours[m][o], alone[m][o], ls="--", lw=1.0, color=colors[s])
    if alone is not None:
        ax.plot([], [], ls="--", lw=1.0, color="#555555", label="the sites alone")
    ax.axhline(float(np.max(ask)), color="black", ls=":", lw=1.0, label="requested")
    span = max(float(hours.max(initial=0.0)), 1.0)
    ax.set_xlim(-0.03 * span, 1.03 * span)
    ax.set_xlabel(f"hours after {t.min():%Y-%m-%d %H:%M} UTC [h]")
    ax.set_ylabel("throughput served to the site [Gbit/s]")
    ax.set_ylim(-0.02 * float(np.max(ask)), float(np.max(ask)) * 1.08)
    h, lab = ax.get_legend_handles_labels()
    fig.legend(h, lab, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=4, fontsize=7.5)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.16, 1, 1))
    return fig


_UNREACHED_COLOR = "#9A9A9A"


def rtt_cell_map(table, *, targets=None, spacing_deg=1.0, vmax_ms=150.0, pops=None,
                 panel_titles=None, title=None, figsize=(10.0, 9.0)):
    """Idle round trip of every map cell, one world map per target.

    Each cell of :func:`satcloud.latency.rtt_map` is coloured by its median RTT
    (``rtt_ms``; a cell split between countries by its most populous part; cells never
    reachable in grey), on a plate carrée map with the shipped Natural Earth coastlines
    (offline). One colour scale for every panel, clipped at ``vmax_ms``.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`satcloud.latency.rtt_map` rows: ``target``, ``lat_deg``, ``lon_deg``
        [deg], ``rtt_ms`` [ms] (``population`` [-] picks the part of a split cell).
    targets : sequence of str, optional
        The targets to draw, one panel each, in order (default: those of ``table``).
    spacing_deg : float
        Cell size, in (0, 90]. [deg]
    vmax_ms : float
        Top of the colour scale (longer round trips take its colour), > 0. [ms]
    pops : pandas.DataFrame, optional
        PoPs to mark (black diamonds): ``lat_deg``, ``lon_deg``. [deg]
    panel_titles : sequence of str, optional
        One title per panel (state the finding); default the target names.
    title : str, optional
        Figure title.
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
    """
    import numpy as np
    import pandas as pd

    from satcloud._validate import check_latlon

    df = _frame(table, "table", ("target", "lat_deg", "lon_deg", "rtt_ms"))
    check_latlon(df["lat_deg"], df["lon_deg"], "table column lat_deg",
                 "table column lon_deg")
    rtt = pd.to_numeric(df["rtt_ms"], errors="coerce").to_numpy(float, na_value=np.nan)
    if np.isinf(rtt).any() or (rtt < 0).any():
        raise ValueError("table column rtt_ms must hold finite round trips >= 0 [ms] (NaN "
                         "or <NA> for a cell never reachable)")
    spacing = _number(spacing_deg, "spacing_deg", 0.0, 90.0, low_open=True, unit="deg")
    vmax = _number(vmax_ms, "vmax_ms", 0.0, 1e6, low_open=True, unit="ms")
    present = list(dict.fromkeys(df["target"].astype(str)))
    if targets is None:
        targets = present
    if not isinstance(targets, (list, tuple)) or not all(isinstance(t, str) for t in targets):
        raise TypeError(f"targets must be a list of target names, got {targets!r:.80}")
    targets = list(targets)
    unknown = [t for t in targets if t not in present]
    if unknown or not targets:
        raise ValueError(f"targets {unknown or targets!r} not in table; it has {present}")
    if panel_titles is None:
        panel_titles = targets
    if not isinstance(panel_titles, (list, tuple)):
        raise TypeError(f"panel_titles must be a list of str, one per target, got "
                        f"{panel_titles!r:.80}")
    if len(panel_titles) != len(targets):
        raise ValueError(f"panel_titles must give one title per target ({len(targets)}), "
                         f"got {panel_titles!r:.80}")
    panel_titles = [_text(t, "panel_titles") for t in panel_titles]
    title = _text(title, "title", optional=True)
    if pops is not None:
        pops = _frame(pops, "pops", ("lat_deg", "lon_deg"))
    fig = _new_figure(figsize)
    n = len(targets)
    height = 0.86 / n
    cmap = mpl.colormaps["viridis"]
    norm = mpl.colors.Normalize(vmin=0.0, vmax=vmax)
    for i, (target, ptitle) in enumerate(zip(targets, panel_titles, strict=True)):
        ax = fig.add_axes((0.02, 0.05 + (n - 1 - i) * height, 0.84, height * 0.9),
                          projection=ccrs.PlateCarree())
        world_map(ax=ax, land=True, borders=False)
        ax.set_extent((-180.0, 180.0, -58.0, 84.0), crs=ccrs.PlateCarree())
        part = df[df["target"].astype(str) == target]
        if "population" in part.columns:
            part = part.sort_values("population", ascending=False, kind="stable")
        part = part.drop_duplicates(["lat_deg", "lon_deg"])
        lat = part["lat_deg"].to_numpy(float)
        lon = part["lon_deg"].to_numpy(float)
        val = pd.to_numeric(part["rtt_ms"], errors="coerce").to_numpy(float, na_value=np.nan)
        lats = np.arange(-90.0 + spacing / 2, 90.0, spacing)
        lons = np.arange(-180.0 + spacing / 2, 180.0, spacing)
        grid = np.full((len(lats), len(lons)), np.nan)
        have = np.zeros(grid.shape, bool)
        iy = np.clip(np.floor((lat + 90.0) / spacing).astype(int), 0, len(lats) - 1)
        ix = np.clip(np.floor((np.mod(lon + 180.0, 360.0)) / spacing).astype(int), 0,
                     len(lons) - 1)
        grid[iy, ix] = val
        have[iy, ix] = True
        lat_e = np.concatenate([lats - spacing / 2, [lats[-1] + spacing / 2]])
        lon_e = np.concatenate([lons - spacing / 2, [lons[-1] + spacing / 2]])
        never = have & np.isnan(grid)
        if never.any():
            ax.pcolormesh(lon_e, lat_e, np.ma.masked_where(~never, np.ones(grid.shape)),
                          transform=ccrs.PlateCarree(), shading="flat", zorder=1.5,
                          cmap=mpl.colors.ListedColormap([_UNREACHED_COLOR]))
        mesh = ax.pcolormesh(lon_e, lat_e, np.ma.masked_where(~have | never, grid),
                             transform=ccrs.PlateCarree(), cmap=cmap, norm=norm,
                             shading="flat", zorder=1.5)
        if pops is not None:
            ax.scatter(pops["lon_deg"].to_numpy(float), pops["lat_deg"].to_numpy(float),
                       marker="D", s=14, color="black", edgecolor="white", linewidth=0.5,
                       transform=ccrs.PlateCarree(), zorder=3, label="Starlink PoP")
            if i == 0:
                ax.legend(loc="lower left", fontsize=8)
        ax.set_title(ptitle, fontsize=10)
    cax = fig.add_axes((0.88, 0.2, 0.02, 0.6))
    fig.colorbar(mesh, cax=cax, extend="max", label="idle round trip, median [ms]")
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def served_fraction_map(cells, *, column="served_fraction",
                        colorbar_label="busy-hour demand served [-]", title=None,
                        figsize=(8.0, 3.9)):
    """A world map of a share per 1 degree cell, blank where there is no cell.

    Parameters
    ----------
    cells : pandas.DataFrame
        :class:`satcloud.capacity.CapacityResult` ``cells`` rows (one time): ``lat_deg``,
        ``lon_deg`` (centres of 1 degree cells) [deg] and ``column`` (in [0, 1]).
    column : str
        The share to colour; a cell at 0 is drawn in the darkest colour, not left blank.
    colorbar_label : str
        Colour bar label, with its unit in brackets.
    title : str, optional
        Axes title (state the finding).
    figsize : tuple of float
        Width and height. [in]

    Returns
    -------
    matplotlib.figure.Figure
        Plate carrée map on the regular 1 degree grid (cells not in ``cells`` blank), with
        a colour bar from 0 to 1.
    """
    import numpy as np

    from satcloud._validate import check_latlon

    column = _text(column, "column")
    df = _frame(cells, "cells", ("lat_deg", "lon_deg", column))
    lat, lon = check_latlon(df["lat_deg"], df["lon_deg"], "cells column lat_deg",
                            "cells column lon_deg")
    v = _bounded(df, "cells", column, 0.0, 1.0, "-")
    colorbar_label = _text(colorbar_label, "colorbar_label")
    title = _text(title, "title", optional=True)
    grid = np.full((180, 360), np.nan)
    i = np.clip(np.floor(np.asarray(lat, float) + 90.0).astype(int), 0, 179)
    j = np.clip(np.floor((np.asarray(lon, float) + 180.0) % 360.0).astype(int), 0, 359)
    grid[i, j] = v
    fig = _new_figure(figsize)
    ax = fig.add_axes((0.02, 0.03, 0.84, 0.87), projection=ccrs.PlateCarree())
    cax = fig.add_axes((0.87, 0.12, 0.02, 0.7))
    world_map(ax=ax, land=False, borders=False)
    mesh = ax.pcolormesh(np.arange(-180.0, 181.0), np.arange(-90.0, 91.0),
                         np.ma.masked_invalid(grid), transform=ccrs.PlateCarree(),
                         cmap="viridis", vmin=0.0, vmax=1.0, shading="flat", zorder=0.5)
    fig.colorbar(mesh, cax=cax, label=colorbar_label)
    if title:
        ax.set_title(title, fontsize=10)
    return fig
