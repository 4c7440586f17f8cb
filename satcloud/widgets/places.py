"""Places the panels accept: city and remote-site names, ``"lat, lon"`` or typed
coordinates."""

from __future__ import annotations

import difflib
import functools
import re

import ipywidgets as W

from satcloud import data
from satcloud._validate import check_range
from satcloud.widgets._common import _BOX, _LATLON

__all__ = ["TYPED_PLACE", "place_names", "resolve_place"]

#: Place-box entry meaning "use the typed latitude and longitude".
TYPED_PLACE = "(typed lat/lon)"


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
