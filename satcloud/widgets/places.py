"""Places the panels accept: city and remote-site names, ``"lat, lon"`` or typed
coordinates."""

from __future__ import annotations

import ipywidgets as W

from satcloud import sites
from satcloud.widgets._common import _BOX, _LATLON

__all__ = ["TYPED_PLACE", "place_names", "resolve_place"]

#: Place-box entry meaning "use the typed latitude and longitude".
TYPED_PLACE = sites.TYPED_PLACE


def place_names() -> list[str]:
    """Names the place boxes accept: remote sites, then cities by population."""
    return list(sites.site_table(("remote_sites", "cities"))["name"])


def resolve_place(place, lat_deg=None, lon_deg=None) -> tuple[str, float, float]:
    """A place name, a ``"lat, lon"`` text or typed coordinates as (label, lat, lon).

    The place boxes' resolver is :func:`satcloud.sites.resolve_place` over cities and
    remote sites (the one place resolver of the package); see it for the rules.

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
    return sites.resolve_place(place, lat_deg, lon_deg, tables=sites.PLACE_TABLES)


def _place_controls(default: str, lat: float, lon: float, what: str = "place"):
    box = W.Combobox(value=default, options=[TYPED_PLACE, *place_names()],
                     description=what, ensure_option=False,
                     continuous_update=False,
                     placeholder="city, remote site or 'lat, lon'", **_BOX)
    la = W.FloatText(value=lat, description="typed latitude [deg]", **_LATLON)
    lo = W.FloatText(value=lon, description="typed longitude [deg]", **_LATLON)
    return box, la, lo
