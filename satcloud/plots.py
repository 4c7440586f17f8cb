"""Figures: matplotlib + cartopy, with maps drawn from data the project ships.

Offline by construction: coastlines, land and borders come from the Natural Earth
1:110m layers in ``data/naturalearth/`` (public domain; see ``data/README.md`` and
``scripts/make_naturalearth.py``). Importing this module also points cartopy's
pre-downloaded data folder at that copy, so a plain ``ax.coastlines()`` on a global
map draws offline too, and replaces cartopy's Natural Earth downloader by one that
raises :class:`OfflineMapDataError` (a clear error) instead of trying the network,
which hangs without a connection.

Colours use the Okabe–Ito palette, which stays distinguishable under the common
colour-vision deficiencies (Okabe & Ito, "Color Universal Design", 2008).
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

from satcloud.data import data_dir

__all__ = [
    "NETWORK_COLORS",
    "OKABE_ITO",
    "OfflineMapDataError",
    "add_borders",
    "add_coastlines",
    "add_land",
    "naturalearth_dir",
    "naturalearth_path",
    "plot_sites",
    "use_style",
    "world_map",
]

#: Okabe–Ito colour-blind-safe palette, in its usual order.
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

#: A fixed colour per network / provider, used by every figure of the report.
NETWORK_COLORS = {
    "azure": OKABE_ITO["blue"],
    "aws": OKABE_ITO["orange"],
    "starlink": OKABE_ITO["vermillion"],
    "starlink-isl": OKABE_ITO["reddish_purple"],
    "kuiper": OKABE_ITO["bluish_green"],
    "oneweb": OKABE_ITO["sky_blue"],
    "telesat": OKABE_ITO["yellow"],
    "o3b": OKABE_ITO["black"],
    "geo": "#999999",
    "fibre": OKABE_ITO["black"],
}

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
    """Fill the land (Natural Earth 110 m, shipped) on a cartopy GeoAxes."""
    _check_ax(ax)
    _check_color(color)
    zorder = _number(zorder, "zorder")
    ax.add_feature(_feature("physical", "land", facecolor=color, edgecolor="none"),
                   zorder=zorder)
    return ax


def add_coastlines(ax, color="#555555", linewidth=0.5, zorder=1):
    """Draw coastlines (Natural Earth 110 m, shipped) on a cartopy GeoAxes."""
    _check_ax(ax)
    _check_color(color)
    linewidth = _number(linewidth, "linewidth", 0.0, 100.0, unit="pt")
    zorder = _number(zorder, "zorder")
    ax.add_feature(_feature("physical", "coastline", facecolor="none", edgecolor=color,
                            linewidth=linewidth), zorder=zorder)
    return ax


def add_borders(ax, color="#999999", linewidth=0.3, zorder=1):
    """Draw land borders between countries (Natural Earth 110 m, shipped)."""
    _check_ax(ax)
    _check_color(color)
    linewidth = _number(linewidth, "linewidth", 0.0, 100.0, unit="pt")
    zorder = _number(zorder, "zorder")
    ax.add_feature(_feature("cultural", "admin_0_boundary_lines_land", facecolor="none",
                            edgecolor=color, linewidth=linewidth), zorder=zorder)
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
        MarkerStyle(marker)
    except (TypeError, ValueError):
        raise ValueError(f"marker must be a matplotlib marker (e.g. 'o', 's', '*', 'D'), got "
                         f"{marker!r:.80}") from None
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

