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
