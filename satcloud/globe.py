"""A globe that moves: a constellation over time in 3D (plotly), and the same scene as CZML.

Presentation only: positions come from :func:`satcloud.orbits.propagate`, the user's
paths from :func:`satcloud.latency.rtt` (``return_paths=True``: the satellites of each
path, the gateway and the PoP), places from :mod:`satcloud.sites`, gateways from
:mod:`satcloud.network.gateways` and PoPs from :mod:`satcloud.ground`. Nothing here
computes physics of its own.

Three steps, each a public function:

:func:`scene`
    Propagate the constellation once over an Earth-fixed time grid and route the user
    (if any) at every step: a :class:`GlobeScene`.
:func:`figure`
    The scene as an interactive plotly figure: the Earth with the Natural Earth
    coastlines shipped in ``data/naturalearth`` (offline), the satellites coloured by
    shell, the user's space path (laser links or bent pipe) and its fibre to the PoP and
    the cloud region, gateways, PoPs and regions on the ground, one frame per time step
    with a time slider and a play button.
:func:`to_czml` / :func:`write_czml`
    The same scene as a CZML document for CesiumJS: satellites with sampled Earth-fixed
    positions (Lagrange interpolation), ground points, and the path polylines, each
    available over the times it is used.

Frame
-----
Everything is drawn in the Earth-fixed frame (WGS84 ECEF, km): the Earth stands still,
the satellites move over it. Ground points sit on the WGS84 ellipsoid
(:func:`satcloud.geometry.geodetic_to_ecef`); the Earth's surface is drawn 20 km below
it so that coastlines, fibre arcs and ground points stay visible on top of it.

Figure size
-----------
Every frame carries the positions of the satellites drawn, as 16-bit integers of km
(rounded to the nearest km; 32-bit beyond 32,767 km, i.e. for GEO), which plotly (>= 6)
writes as base64 typed arrays: 8 bytes of JSON per satellite and frame. An hour at 15 s
(241 frames) of the 9,043 operational satellites of the 2026 Starlink snapshot would be
about 20 MB of JSON as plotly writes it (``Figure.to_json``, which escapes "/" for
HTML); :func:`figure` draws an evenly spread subset of each shell so that the figure
stays under ``max_figure_mb`` (default :data:`MAX_FIGURE_MB`, 15 MB: about 6,000
satellites over that hour) and says so in its title. Path satellites are always drawn
(with the path).

Display in Jupyter
------------------
:func:`figure` returns a :class:`GlobeFigure`, a :class:`plotly.graph_objects.Figure`
whose rich display is only the ``application/vnd.plotly.v1+json`` mime type (plus
text): JupyterLab renders it interactively with the plotly extension that ships with
plotly (slider and play button run in the browser, no kernel needed), and
``satcloud report`` renders that mime type with the one copy of plotly.js of the report.
It never embeds plotly.js in the notebook nor loads it from a CDN, whatever
``plotly.io.renderers.default`` is. ``GlobeFigure.show()`` is plotly's own and does
follow that default. ``figure(..., widget=True)`` asks for a
:class:`plotly.graph_objects.FigureWidget`; plotly >= 6 builds those on ``anywidget``,
which the ``notebooks`` extra installs (without it the call raises ``ImportError``
saying what to install); the result is a FigureWidget of the first frame beside an ipywidgets time
slider and play button (a FigureWidget cannot hold plotly animation frames).
"""

from __future__ import annotations

import importlib.util
import inspect
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from satcloud._validate import check_choice, check_latlon, check_memory, check_range

__all__ = [
    "EARTH_DRAW_OFFSET_KM",
    "GlobeScene",
    "MAX_FIGURE_MB",
    "PATH_COLOURS",
    "czml_document",
    "figure",
    "scene",
    "shell_colours",
    "to_czml",
    "write_czml",
]

#: Default budget of a figure's JSON (satellites are subsampled to fit). [MB]
MAX_FIGURE_MB = 15.0
#: The Earth's surface is drawn this far below the WGS84 ellipsoid, so that what lies on
#: the ellipsoid (coastlines, fibre, ground points) shows on top of it. [km]
EARTH_DRAW_OFFSET_KM = 20.0
#: Colours of the paths: the space segment per mode, and the fibre behind the gateway.
PATH_COLOURS = {"isl": "#ff3b30", "bent-pipe": "#ffd60a", "fibre": "#30d5c8"}
#: JSON bytes per satellite and frame: 3 int16 as base64 (6 bytes -> 8 characters), the
#: padding of each array, and plotly's escape of "/" as "\u002f" (HTML-safe JSON, as
#: ``Figure.to_json`` and ``to_html`` write it: +5 characters for 1 in 64).
_BYTES_PER_SAT_FRAME = 9.1
#: JSON bytes of one frame besides its satellites (paths, title, slider step), and per
#: trace updated in a frame (the typed-array wrappers).
_BYTES_PER_FRAME = 2500.0
_BYTES_PER_FRAME_TRACE = 160.0
#: JSON bytes of what does not move (Earth, coastlines, ground points, layout).
_STATIC_BYTES = 400_000.0
_ARC_POINTS = 24
_MODES = ("isl", "bent-pipe")
_GROUND_STYLE = {"gateways": ("#b0b0b0", "diamond", 2.5), "pops": ("#ffffff", "square", 3),
                 "regions": ("#3b9cff", "square", 4), "user": ("#7CFC00", "circle", 6)}


# ----------------------------------------------------------------------------- scene

@dataclass
class GlobeScene:
    """What the globe shows: one propagation and the user's routes over a time grid.

    Attributes
    ----------
    network : str
        The network's (or constellation's) name.
    times : astropy.time.Time
        The ``T`` frame times (UTC), uniformly spaced.
    r_ecef_km : numpy.ndarray
        Earth-fixed positions of every satellite ``[T, N, 3]``. [km]
    sat_ids : numpy.ndarray
        ``N`` satellite names.
    shell : numpy.ndarray
        ``N`` shell labels (str): the classified shells of a real constellation, the
        shell index of a filed one.
    shells : tuple of str
        The shells, in the constellation's order.
    shown : numpy.ndarray
        Indices of the satellites drawn (all, or an even subset per shell).
    user : pandas.DataFrame or None
        One row, ``name``, ``lat_deg``, ``lon_deg`` [deg].
    destination : str or None
        The destination asked for (e.g. ``"nearest Azure region"``).
    gateways, pops, regions : pandas.DataFrame
        Ground points (``name``, ``lat_deg``, ``lon_deg`` [deg]): the network's
        gateways, the PoPs, and the destination candidates.
    routes : dict
        Mode -> the :func:`satcloud.latency.rtt` table of the user (one row per time).
    """

    network: str
    times: object
    r_ecef_km: np.ndarray
    sat_ids: np.ndarray
    shell: np.ndarray
    shells: tuple
    shown: np.ndarray
    user: pd.DataFrame | None
    destination: str | None
    gateways: pd.DataFrame
    pops: pd.DataFrame
    regions: pd.DataFrame
    routes: dict

    @property
    def times_s(self) -> np.ndarray:
        """Seconds since the first frame. [s]"""
        return np.asarray((self.times - self.times[0]).sec, dtype=float)

    def path(self, mode: str, k: int) -> dict | None:
        """The user's path at frame ``k`` over ``mode``, or ``None`` if unreachable.

        Returns a dict with ``space_km`` (``[m, 3]`` ECEF: user, satellites, gateway
        [km]), ``space_names``, ``sat_index`` (row indices of the satellites),
        ``fibre`` (``[(name, lat_deg, lon_deg), ...]``: gateway, PoP if any,
        destination), ``destination`` and ``rtt_ms``.
        """
        from satcloud.geometry import geodetic_to_ecef

        row = self.routes[mode].iloc[k]
        if not bool(row["reachable"]):
            return None
        sats = np.asarray(row["sat_path"], dtype=int)
        user = self.user.iloc[0]
        gw = _lookup(self.gateways, row["gateway"], "gateway")
        ground = np.asarray(geodetic_to_ecef([user.lat_deg, gw[1]], [user.lon_deg, gw[2]]))
        space = np.vstack([ground[:1], self.r_ecef_km[k, sats], ground[1:]])
        fibre = [gw]
        pop = row["pop"]
        if isinstance(pop, str) and pop:
            fibre.append(_lookup(self.pops, pop, "PoP"))
        fibre.append(_lookup(self.regions, row["destination"], "destination"))
        return {"space_km": space, "sat_index": sats,
                "space_names": [user["name"], *self.sat_ids[sats], gw[0]],
                "fibre": fibre, "destination": row["destination"],
                "rtt_ms": float(row["rtt_ms"])}


def _lookup(table: pd.DataFrame, name, what: str) -> tuple:
    hit = table.index[table["name"].to_numpy() == name]
    if len(hit) == 0:
        raise ValueError(f"the route names {what} {name!r}, which the globe's {what} table "
                         "does not hold")
    r = table.loc[hit[0]]
    return str(r["name"]), float(r["lat_deg"]), float(r["lon_deg"])


def _check_network(network):
    from satcloud import systems
    from satcloud.constellations import Constellation, network_constellation

    if isinstance(network, Constellation):
        if len(network) == 0:
            raise ValueError("network: the constellation is empty")
        return network, getattr(network, "name", "constellation")
    if not isinstance(network, str):
        raise TypeError(f"network must be a satellite network name of the registry "
                        f"{_satellite_networks()} or a Constellation, got "
                        f"{type(network).__name__}")
    check_choice(network, "network", _satellite_networks())
    try:
        return network_constellation(network), systems.network(network).name
    except ValueError as exc:
        raise ValueError(f"network {network!r}: {exc}") from None


def _satellite_networks() -> list:
    from satcloud import systems

    return [n for n, v in systems.networks().items()
            if v.constellation is not None and v.kind != "geo"]


def _check_modes(mode) -> tuple:
    if isinstance(mode, str):
        modes = (mode,)
    elif isinstance(mode, (list, tuple)) and mode:
        modes = tuple(mode)
    else:
        raise TypeError(f"mode must be 'isl', 'bent-pipe' or a list of both, got "
                        f"{mode!r:.80}")
    for m in modes:
        if not isinstance(m, str):
            raise TypeError(f"mode entries must be 'isl' or 'bent-pipe', got {m!r:.80}")
        check_choice(m, "mode", _MODES)
    if len(set(modes)) != len(modes):
        raise ValueError(f"mode lists a mode twice: {modes!r}")
    return modes


def _check_user(user) -> pd.DataFrame | None:
    from satcloud.sites import resolve_sites

    if user is None:
        return None
    if isinstance(user, str):
        try:
            return resolve_sites(user, "user")
        except ValueError as exc:
            raise ValueError(f"user: {exc}") from None
    if isinstance(user, (tuple, list)) and len(user) == 2:
        for v in user:
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer,
                                                         np.floating)):
                raise TypeError(f"user must be a site name or a (lat_deg, lon_deg) pair of "
                                f"numbers, got {user!r:.80}")
        lat, lon = check_latlon(float(user[0]), float(user[1]), "user latitude",
                                "user longitude")
        lat, lon = float(lat), float(lon)
        if not (np.isfinite(lat) and np.isfinite(lon)):
            raise ValueError(f"user coordinates must be finite, got {user!r}")
        name = f"{abs(lat):.2f}°{'N' if lat >= 0 else 'S'} {abs(lon):.2f}°{'E' if lon >= 0 else 'W'}"
        return pd.DataFrame({"name": [name], "lat_deg": [lat], "lon_deg": [lon]})
    raise TypeError(f"user must be None, a site name (satcloud.sites) or a (lat_deg, "
                    f"lon_deg) pair, got {user!r:.80}")


def _check_destination(destination) -> tuple:
    """(the value for rtt, the table of candidate destinations)."""
    from satcloud.latency import HOME_POP, NEAREST_REGION
    from satcloud.sites import resolve_sites

    if isinstance(destination, str) and destination.strip().lower().startswith("nearest"):
        key = {k.lower(): k for k in NEAREST_REGION}.get(destination.strip().lower())
        if key is None:
            check_choice(destination, "destination", [*NEAREST_REGION, HOME_POP])
        regions = NEAREST_REGION[key]()
        return key, pd.DataFrame({"name": regions["region"].to_numpy(dtype=object),
                                  "lat_deg": regions["lat_deg"].to_numpy(float),
                                  "lon_deg": regions["lon_deg"].to_numpy(float)})
    if isinstance(destination, str) and destination.strip().lower() == HOME_POP.lower():
        return HOME_POP, None       # the PoPs are the destinations
    if not isinstance(destination, str):
        raise TypeError(f"destination must be {list(NEAREST_REGION)}, {HOME_POP!r} or a "
                        f"site name, got {destination!r:.80}")
    try:
        site = resolve_sites(destination, "destination")
    except ValueError as exc:
        raise ValueError(f"destination: {exc}; or one of {list(NEAREST_REGION)} or "
                         f"{HOME_POP!r}") from None
    return destination, site


def _gateway_table(network_name) -> tuple:
    """(gateway set name, its points, the full table): the network's gateways in the
    registry, else ``"starlink-pops"`` as :func:`satcloud.latency.rtt` lands an unknown
    constellation."""
    from satcloud import systems
    from satcloud.network.gateways import gateways

    spec = "starlink-pops"
    if network_name in systems.networks():
        spec = systems.network(network_name).gateways or spec
    gw = gateways(spec)
    return spec, pd.DataFrame({"name": gw["gateway"].to_numpy(dtype=object),
                               "lat_deg": gw["lat_deg"].to_numpy(float),
                               "lon_deg": gw["lon_deg"].to_numpy(float)}), gw


def _pop_table(gw: pd.DataFrame) -> pd.DataFrame:
    from satcloud.ground import ground_segment

    pops = ground_segment().pops
    own = pd.DataFrame({"name": gw["pop"].to_numpy(dtype=object),
                        "lat_deg": gw["pop_lat_deg"].to_numpy(float),
                        "lon_deg": gw["pop_lon_deg"].to_numpy(float)})
    table = pd.concat([pd.DataFrame({"name": pops["code"].to_numpy(dtype=object),
                                     "lat_deg": pops["lat_deg"].to_numpy(float),
                                     "lon_deg": pops["lon_deg"].to_numpy(float)}), own])
    return table.drop_duplicates("name").reset_index(drop=True)


def _shells(constellation) -> tuple[np.ndarray, tuple]:
    shell = constellation.satellites["shell"].astype(str).to_numpy()
    order = [str(s) for s in constellation.shells["shell"]] if len(
        constellation.shells) and "shell" in constellation.shells else []
    present = set(shell)
    shells = [s for s in dict.fromkeys(order) if s in present]
    shells += sorted(present - set(shells))
    return shell, tuple(shells)


def _subsample(shell: np.ndarray, shells: tuple, n_keep: int) -> np.ndarray:
    """Indices of ``n_keep`` satellites spread evenly within each shell (in proportion
    to the shells' sizes)."""
    n = len(shell)
    if n_keep >= n:
        return np.arange(n)
    out = []
    for s in shells:
        members = np.flatnonzero(shell == s)
        k = int(round(n_keep * len(members) / n))
        if k:
            out.append(members[np.linspace(0, len(members) - 1, k).round().astype(int)])
    return np.unique(np.concatenate(out)) if out else np.arange(0)


def scene(network="starlink", start=None, duration_s=3600.0, step_s=15.0, user=None,
          destination="nearest Azure region", mode="isl", max_satellites=None
          ) -> GlobeScene:
    """Propagate a constellation over a time grid and route one user: the globe's scene.

    Parameters
    ----------
    network : str or Constellation
        A satellite network of the registry (``data/networks.csv``, e.g.
        ``"starlink"``: the real 2026 constellation, ``"starlink-gen1"``: as filed),
        or a :class:`~satcloud.constellations.Constellation`.
    start : Time, datetime or str, optional
        First frame (UTC). Default: the constellation's epoch (for element sets the
        latest element epoch, so SGP4 stays near its sets).
    duration_s : float or str
        Length of the animation, >= 0, a number of seconds or a duration with a unit
        (``"1h"``, :func:`satcloud.time.duration_s`). [s]
    step_s : float or str
        Time between frames, > 0. [s]
    user : str, (float, float) or None
        The user: a site name (:func:`satcloud.sites.resolve_sites`) or a
        ``(lat_deg, lon_deg)`` pair [deg]; ``None``: no path.
    destination : str
        Where the user connects: ``"nearest Azure region"`` (default),
        ``"nearest AWS region"``, ``"home PoP"`` or a site name
        (:func:`satcloud.latency.rtt`'s ``destinations``).
    mode : str or sequence of str
        ``"isl"`` (laser links), ``"bent-pipe"``, or both (``("isl", "bent-pipe")``):
        one path per mode.
    max_satellites : int, optional
        Draw at most this many satellites (>= 1), an even subset of each shell; the
        routes always use the whole constellation. Default: all.

    Returns
    -------
    GlobeScene

    Raises
    ------
    ValueError
        An unknown network, mode, user or destination; ``step_s`` <= 0; a negative
        ``duration_s``; or positions that would not fit in memory
        (:func:`satcloud._validate.check_memory`: shorten ``duration_s`` or raise
        ``step_s``).
    TypeError
        An argument of the wrong type.
    """
    from satcloud import latency, orbits
    from satcloud.time import duration_s as parse_duration
    from satcloud.time import time_grid, to_time

    cons, label = _check_network(network)
    dur = parse_duration(duration_s, "duration_s", allow_zero=True)
    step = parse_duration(step_s, "step_s")
    modes = _check_modes(mode)
    sites = _check_user(user)
    dest, regions = _check_destination(destination)
    if max_satellites is not None:
        from satcloud._validate import check_count

        max_satellites = check_count(max_satellites, "max_satellites")
    t0 = cons.epoch if start is None else to_time(start, "start")
    if not t0.isscalar:
        raise TypeError("start must be a single time")
    n_t = int(np.floor(dur / step * (1 + 1e-12) + 1e-9)) + 1
    # the ephemeris (float64) plus rtt's working copy per chunk, and the drawn positions
    check_memory(n_t * len(cons) * 3 * 8.0 * 2.0,
                 f"globe: positions of {len(cons):,} satellites at {n_t:,} frames "
                 f"({dur:g} s at {step:g} s)",
                 "shorten duration_s or raise step_s")
    times = time_grid(t0, dur, step, endpoint=True)
    eph = orbits.propagate(cons, times)
    shell, shells = _shells(cons)
    n = len(cons)
    shown = _subsample(shell, shells, n if max_satellites is None else max_satellites)
    spec, gw_named, gw = _gateway_table(label)
    pops = _pop_table(gw)
    routes = {}
    if sites is not None:
        for m in modes:
            # the gateways drawn are the ones routed over (named explicitly)
            routes[m] = latency.rtt(eph, m, sources=sites, destinations=dest,
                                    gateways=spec, return_paths=True)
        if regions is None:             # home PoP: the PoPs are the destinations
            regions = pops
    return GlobeScene(network=label, times=times, r_ecef_km=eph.r_ecef_km,
                      sat_ids=eph.sat_ids.astype(str), shell=shell, shells=shells,
                      shown=shown, user=sites, destination=dest if sites is not None
                      else None, gateways=gw_named, pops=pops,
                      regions=regions if regions is not None else gw_named.iloc[:0],
                      routes=routes)


def _scene_from(network, **given) -> GlobeScene:
    """``network`` if it is already a scene (then every scene argument must keep its
    default), else :func:`scene` of the arguments."""
    if isinstance(network, GlobeScene):
        defaults = {k: p.default for k, p in inspect.signature(scene).parameters.items()}
        set_ = [k for k, v in given.items() if not _same(v, defaults[k])]
        if set_:
            raise ValueError(f"network is a GlobeScene, which fixes {set_}; leave them "
                             "out (or pass a network name to build a new scene)")
        return network
    return scene(network, **given)


def _same(a, b) -> bool:
    try:
        return bool(a is b or (type(a) is type(b) and a == b))
    except (TypeError, ValueError):
        return False


# ----------------------------------------------------------------------------- colours

def shell_colours(shells) -> dict:
    """A distinct colour per shell, in order (matplotlib's ``tab10``, then ``tab20``).

    Parameters
    ----------
    shells : sequence of str
        Shell labels (e.g. :attr:`GlobeScene.shells`).

    Returns
    -------
    dict
        Shell -> ``"#rrggbb"``.
    """
    import matplotlib

    if isinstance(shells, str) or not hasattr(shells, "__iter__"):
        raise TypeError(f"shells must be a sequence of shell labels, got {shells!r:.80}")
    shells = [str(s) for s in shells]
    cmap = matplotlib.colormaps["tab10" if len(shells) <= 10 else "tab20"]
    n = cmap.N
    if len(shells) > n:
        raise ValueError(f"shells: at most {n} shells get distinct colours, got "
                         f"{len(shells)}")
    return {s: matplotlib.colors.to_hex(cmap(i)) for i, s in enumerate(shells)}


# ----------------------------------------------------------------------------- geometry

def _ecef_km(lat_deg, lon_deg, altitude_km=0.0) -> np.ndarray:
    from satcloud.geometry import geodetic_to_ecef

    return np.asarray(geodetic_to_ecef(np.asarray(lat_deg, float),
                                       np.asarray(lon_deg, float), altitude_km))


def _arc(lat1, lon1, lat2, lon2, n=_ARC_POINTS) -> np.ndarray:
    """``[n, 3]`` ECEF points on the ellipsoid along the great circle of the geodetic
    normals (slerp), ending exactly at both points. [km]"""
    def normal(lat, lon):
        la, lo = np.radians(lat), np.radians(lon)
        return np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])

    a, b = normal(lat1, lon1), normal(lat2, lon2)
    w = np.arccos(np.clip(a @ b, -1.0, 1.0))
    t = np.linspace(0.0, 1.0, n)[:, None]
    if w < 1e-9:
        v = a + t * (b - a)
    else:
        v = (np.sin((1 - t) * w) * a + np.sin(t * w) * b) / np.sin(w)
    lat = np.degrees(np.arctan2(v[:, 2], np.hypot(v[:, 0], v[:, 1])))
    lon = np.degrees(np.arctan2(v[:, 1], v[:, 0]))
    pts = _ecef_km(lat, lon)
    pts[0], pts[-1] = _ecef_km(lat1, lon1), _ecef_km(lat2, lon2)
    return pts


def _fibre_km(fibre) -> np.ndarray:
    legs = [_arc(a[1], a[2], b[1], b[2]) for a, b in zip(fibre[:-1], fibre[1:], strict=True)]
    return np.vstack([legs[0]] + [leg[1:] for leg in legs[1:]])


def _coastlines_km() -> np.ndarray:
    """Natural Earth 1:110m coastlines as ECEF polylines separated by NaN rows. [km]"""
    import shapefile

    from satcloud.data import data_dir

    path = (data_dir() / "naturalearth" / "shapefiles" / "natural_earth" / "physical"
            / "ne_110m_coastline.shp")
    parts = []
    with shapefile.Reader(str(path)) as reader:
        for shp in reader.iterShapes():
            pts = np.asarray(shp.points, float)
            bounds = list(shp.parts) + [len(pts)]
            for i0, i1 in zip(bounds[:-1], bounds[1:], strict=True):
                seg = pts[i0:i1]
                parts.append(_ecef_km(seg[:, 1], seg[:, 0]))
                parts.append(np.full((1, 3), np.nan))
    return np.vstack(parts)


def _earth_surface_km(n_lat=37, n_lon=73) -> tuple:
    lat = np.linspace(-90.0, 90.0, n_lat)
    lon = np.linspace(-180.0, 180.0, n_lon)
    la, lo = np.meshgrid(lat, lon, indexing="ij")
    r = _ecef_km(la, lo, -EARTH_DRAW_OFFSET_KM)
    return r[..., 0], r[..., 1], r[..., 2]


def _int_km(r, dtype) -> np.ndarray:
    return np.rint(r).astype(dtype)


# ----------------------------------------------------------------------------- figure

class _Fig:
    """Lazy import of plotly (an optional dependency: the ``notebooks`` extra)."""

    @staticmethod
    def go():
        try:
            import plotly.graph_objects as go
        except ImportError as exc:      # pragma: no cover - plotly is in the extra
            raise ImportError("satcloud.globe.figure needs plotly (>= 5.22): pip install "
                              "'satcloud[notebooks]'") from exc
        return go


_GLOBE_FIGURE: list = []     # the class, made on first use


def _globe_figure_class():
    if _GLOBE_FIGURE:
        return _GLOBE_FIGURE[0]
    go = _Fig.go()

    class _GlobeFigure(go.Figure):
        """A plotly Figure displayed only as ``application/vnd.plotly.v1+json`` (see the
        module notes, "Display in Jupyter")."""

        def _repr_mimebundle_(self, include=None, exclude=None, validate=True, **kwargs):
            from plotly.io._renderers import renderers
            from plotly.io._utils import validate_coerce_fig_to_dict

            fig = validate_coerce_fig_to_dict(self, validate)
            bundle = renderers._build_mime_bundle(fig, "plotly_mimetype")
            bundle["text/plain"] = repr(self)[:200]
            return bundle

        def _repr_html_(self):
            return None

        def _ipython_display_(self):
            from IPython.display import display

            display(self._repr_mimebundle_(), raw=True)

        def __repr__(self):
            return (f"GlobeFigure({len(self.data)} traces, {len(self.frames)} frames; "
                    f"{self.layout.title.text!s:.120})")

    _GlobeFigure.__name__ = _GlobeFigure.__qualname__ = "GlobeFigure"
    _GlobeFigure.__module__ = __name__
    _GLOBE_FIGURE.append(_GlobeFigure)
    return _GlobeFigure


def __getattr__(name):
    # ``GlobeFigure``, the class :func:`figure` returns: a plotly Figure subclass whose
    # rich display is only the plotly mime type, made on first use so that importing this
    # module does not import plotly (an optional dependency)
    if name == "GlobeFigure":
        return _globe_figure_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _fit_satellites(n_frames: int, n_sats: int, n_traces: int, max_figure_mb: float,
                    dtype) -> int:
    per = _BYTES_PER_SAT_FRAME * (2 if np.dtype(dtype).itemsize == 4 else 1)
    per_frame = _BYTES_PER_FRAME + n_traces * _BYTES_PER_FRAME_TRACE
    budget = max_figure_mb * 1e6 - _STATIC_BYTES - n_frames * per_frame
    if budget < per * n_frames:
        raise ValueError(
            f"max_figure_mb={max_figure_mb:g} MB cannot hold {n_frames:,} frames "
            f"(about {(_STATIC_BYTES + n_frames * (per_frame + per)) / 1e6:.1f} MB "
            "with a single satellite); shorten duration_s, raise step_s or raise "
            "max_figure_mb")
    return int(min(n_sats, budget // (per * n_frames)))


def _frame_title(sc: GlobeScene, k: int, shown_note: str) -> str:
    t = sc.times[k].utc.datetime
    parts = [f"{sc.network}: {t:%Y-%m-%d %H:%M:%S} UTC"]
    for m, table in sc.routes.items():
        p = sc.path(m, k)
        user = sc.user["name"].iat[0]
        parts.append(f"{user} → {p['destination']} over {m}: {p['rtt_ms']:.1f} ms"
                     if p is not None else f"{user} over {m}: unreachable")
        del table
    return " · ".join(parts) + shown_note


def figure(network="starlink", start=None, duration_s=3600.0, step_s=15.0, user=None,
           destination="nearest Azure region", mode="isl", max_satellites=None, *,
           max_figure_mb=MAX_FIGURE_MB, widget=False):
    """An interactive 3D globe of a constellation moving over time, with a user's paths.

    Parameters
    ----------
    network : str, Constellation or GlobeScene
        A satellite network of the registry (default ``"starlink"``, the real 2026
        constellation), a constellation, or a scene from :func:`scene` (then the scene
        arguments below must be left out).
    start : Time, datetime or str, optional
        First frame (UTC); default the constellation's epoch.
    duration_s : float or str
        Length of the animation, >= 0 (default one hour). [s]
    step_s : float or str
        Time between frames, > 0 (default 15 s). [s]
    user : str, (float, float) or None
        The user whose paths are drawn: a site name or ``(lat_deg, lon_deg)`` [deg].
    destination : str
        ``"nearest Azure region"`` (default), ``"nearest AWS region"``, ``"home PoP"``
        or a site name.
    mode : str or sequence of str
        ``"isl"``, ``"bent-pipe"`` or both.
    max_satellites : int, optional
        Draw at most this many satellites (an even subset of each shell).
    max_figure_mb : float
        Budget of the figure's JSON, > 0: fewer satellites are drawn if needed (the
        title says how many); ``ValueError`` if even one satellite does not fit. [MB]
    widget : bool
        Return a widget (needs ``anywidget``; see the module notes) instead of a
        :class:`GlobeFigure`.

    Returns
    -------
    GlobeFigure or ipywidgets.VBox
        A :class:`plotly.graph_objects.Figure` (``widget=True``: a FigureWidget beside a
        play button and a time slider): trace per shell (``name`` the shell,
        one colour), the user's space path and fibre per mode, the ground points, the
        Earth and its coastlines; ``frames`` (one per time, names ``"0"``, ``"1"``, ...)
        update only the satellites, the paths and the title; a slider step per frame
        and a play button.

    Raises
    ------
    ValueError, TypeError
        Bad arguments (as :func:`scene`), a ``max_figure_mb`` too small for the frames.
    ImportError
        ``widget=True`` without ``anywidget``.

    Examples
    --------
    Notebook 03, ready to paste (Lagos to the nearest Azure region over the real 2026
    Starlink constellation, laser path and bent pipe, an hour at 15 s: 241 frames). The
    scene takes about 1.5 min on 2 shared cores (two rtt runs with paths over 241
    snapshots), the figure 15 s; with 3,000 of the 9,043 satellites drawn the figure is
    about 7.7 MB (all that fit in the default 15 MB: 6,136, 14.7 MB)::

        from satcloud import globe

        scene = globe.scene("starlink", user="Lagos", destination="nearest Azure region",
                            mode=("isl", "bent-pipe"), duration_s=3600, step_s=15,
                            max_satellites=3000)
        globe.figure(scene)     # JupyterLab and the HTML report render it, offline

        # the same scene for CesiumJS (all drawn satellites sampled at 15 s: ~28 MB)
        globe.write_czml("lagos_starlink.czml", scene)
    """
    max_mb = float(check_range(max_figure_mb, "max_figure_mb", 0.0, 1e6, low_open=True,
                               unit="MB", finite=True))
    if not isinstance(widget, bool):
        raise TypeError(f"widget must be True or False, got {widget!r:.80}")
    if widget and importlib.util.find_spec("anywidget") is None:
        raise ImportError(
            "figure(widget=True) needs anywidget (plotly >= 6 builds FigureWidget on it), "
            "which is not installed: pip install anywidget, or use widget=False (the "
            "default), whose figure JupyterLab renders interactively with its slider and "
            "play button")
    sc = _scene_from(network, start=start, duration_s=duration_s, step_s=step_s, user=user,
                     destination=destination, mode=mode, max_satellites=max_satellites)
    fig = _build_figure(sc, max_mb)
    return _widget(fig) if widget else fig


def _build_figure(sc: GlobeScene, max_mb: float):
    go = _Fig.go()
    cls = _globe_figure_class()
    n_t = len(sc.times)
    dtype = np.int16 if np.abs(sc.r_ecef_km).max() < 32000 else np.int32
    fit = _fit_satellites(n_t, len(sc.shown), len(sc.shells) + 2 * len(sc.routes), max_mb,
                          dtype)
    shown = sc.shown if fit >= len(sc.shown) else sc.shown[
        _subsample(sc.shell[sc.shown], sc.shells, fit)]
    note = "" if len(shown) == len(sc.shell) else (
        f" · {len(shown):,} of {len(sc.shell):,} satellites drawn")
    colours = shell_colours(sc.shells)
    r_int = _int_km(sc.r_ecef_km[:, shown], dtype)           # [T, n_shown, 3]
    shell_of = sc.shell[shown]
    members = {s: np.flatnonzero(shell_of == s) for s in sc.shells}
    members = {s: m for s, m in members.items() if m.size}
    static, moving = [], []

    ex, ey, ez = _earth_surface_km()
    static.append(go.Surface(x=_int_km(ex, np.int16), y=_int_km(ey, np.int16),
                             z=_int_km(ez, np.int16), colorscale=[[0, "#10243a"],
                                                                  [1, "#10243a"]],
                             showscale=False, hoverinfo="skip", name="Earth",
                             lighting={"ambient": 0.9, "diffuse": 0.2, "specular": 0.0}))
    coast = _coastlines_km()
    static.append(go.Scatter3d(x=coast[:, 0].round(), y=coast[:, 1].round(),
                               z=coast[:, 2].round(), mode="lines", name="coastlines",
                               line={"color": "#8fa9bf", "width": 1.5}, hoverinfo="skip",
                               showlegend=False))
    for key, table in (("gateways", sc.gateways), ("pops", sc.pops),
                       ("regions", sc.regions), ("user", sc.user)):
        if table is None or not len(table):
            continue
        colour, symbol, size = _GROUND_STYLE[key]
        r = _int_km(_ecef_km(table["lat_deg"], table["lon_deg"]), np.int16)
        label = {"gateways": "gateways", "pops": "PoPs", "regions": "cloud regions",
                 "user": "user"}[key]
        static.append(go.Scatter3d(
            x=r[:, 0], y=r[:, 1], z=r[:, 2], mode="markers", name=label,
            text=table["name"].astype(str).to_numpy(),
            hovertemplate="%{text}<extra>" + label + "</extra>",
            marker={"color": colour, "symbol": symbol, "size": size}))

    # frames are plain dicts, built without plotly's per-property validation (thousands
    # of traces: ~0.1 s each otherwise); the traces they update are validated below
    def shell_traces(k):
        return [{"type": "scatter3d", "x": r_int[k, m, 0], "y": r_int[k, m, 1],
                 "z": r_int[k, m, 2]} for m in members.values()]

    def path_traces(k):
        out = []
        for m in sc.routes:
            p = sc.path(m, k)
            if p is None:
                out += [{"type": "scatter3d", "x": [], "y": [], "z": [], "text": []},
                        {"type": "scatter3d", "x": [], "y": [], "z": []}]
                continue
            s = _int_km(p["space_km"], dtype)
            f = _int_km(_fibre_km(p["fibre"]), np.int16)
            out += [{"type": "scatter3d", "x": s[:, 0], "y": s[:, 1], "z": s[:, 2],
                     "text": [str(n) for n in p["space_names"]]},
                    {"type": "scatter3d", "x": f[:, 0], "y": f[:, 1], "z": f[:, 2]}]
        return out

    for (s, m), tr in zip(members.items(), shell_traces(0), strict=True):
        moving.append(go.Scatter3d(
            tr, name=f"shell {s}", mode="markers", marker={"color": colours[s], "size": 1.6},
            text=sc.sat_ids[shown[m]],
            hovertemplate="%{text}<extra>" + f"shell {s}" + "</extra>"))
    paths = path_traces(0)
    for i, m in enumerate(sc.routes):       # (space, fibre) per mode
        moving.append(go.Scatter3d(
            paths[2 * i], name=f"{m} path", mode="lines+markers",
            line={"color": PATH_COLOURS[m], "width": 5},
            marker={"color": PATH_COLOURS[m], "size": 3},
            hovertemplate="%{text}<extra>" + f"{m} path" + "</extra>"))
        moving.append(go.Scatter3d(
            paths[2 * i + 1], name=f"fibre ({m})", mode="lines",
            line={"color": PATH_COLOURS["fibre"], "width": 4}, hoverinfo="skip"))
    first_moving = len(static)
    idx = list(range(first_moving, first_moving + len(moving)))
    frames = [{"name": str(k), "traces": idx, "data": shell_traces(k) + path_traces(k),
               "layout": {"title": {"text": _frame_title(sc, k, note)}}}
              for k in range(n_t)]
    labels = [f"{t:%H:%M:%S}" for t in sc.times.utc.datetime]
    anim = {"frame": {"duration": 0, "redraw": True}, "mode": "immediate",
            "transition": {"duration": 0}}
    steps = [{"method": "animate", "label": labels[k], "args": [[str(k)], anim]}
             for k in range(n_t)]
    play = {"frame": {"duration": 120, "redraw": True}, "fromcurrent": True,
            "transition": {"duration": 0}, "mode": "immediate"}
    layout = go.Layout(
        template="none", paper_bgcolor="#05070d", font={"color": "#e8e8e8"},
        title={"text": _frame_title(sc, 0, note), "font": {"size": 13}},
        margin={"l": 0, "r": 0, "t": 40, "b": 30}, height=650,
        legend={"itemsizing": "constant", "bgcolor": "rgba(0,0,0,0)"},
        scene={"xaxis": {"visible": False}, "yaxis": {"visible": False},
               "zaxis": {"visible": False}, "aspectmode": "data", "bgcolor": "#05070d",
               "camera": _camera(sc)},
        uirevision="globe",
        # one step per frame: the step labels are hidden (hundreds would overlap), the
        # current time shows above the slider
        sliders=[{"active": 0, "steps": steps, "x": 0.1, "len": 0.88, "y": 0.0,
                  "yanchor": "bottom", "font": {"color": "rgba(0,0,0,0)"},
                  "tickcolor": "rgba(0,0,0,0)", "ticklen": 0, "pad": {"t": 0, "b": 10},
                  "currentvalue": {"prefix": "UTC ", "font": {"color": "#e8e8e8"}}}],
        updatemenus=[{"type": "buttons", "showactive": False, "x": 0.0, "y": 0.0,
                      "xanchor": "left", "yanchor": "bottom", "direction": "left",
                      "buttons": [{"label": "▶", "method": "animate",
                                   "args": [None, play]},
                                  {"label": "❚❚", "method": "animate",
                                   "args": [[None], {"frame": {"duration": 0,
                                                               "redraw": False},
                                                     "mode": "immediate"}]}]}])
    fig = cls(data=static + moving, layout=layout, frames=frames, _validate=False)
    fig._validate = True        # what the user changes afterwards is checked as usual
    return fig


def _camera(sc: GlobeScene) -> dict:
    """Look at the user (or at 0°N 0°E)."""
    lat, lon = (0.0, 0.0) if sc.user is None else (float(sc.user["lat_deg"].iat[0]),
                                                   float(sc.user["lon_deg"].iat[0]))
    la, lo = np.radians(lat), np.radians(lon)
    eye = 1.35 * np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    return {"eye": dict(zip("xyz", eye.round(3).tolist(), strict=True)),
            "up": {"x": 0, "y": 0, "z": 1}}


def _widget(fig):
    """A FigureWidget of ``fig``'s first frame with an ipywidgets play button and time
    slider that load the other frames (a FigureWidget cannot hold animation frames)."""
    import ipywidgets as W

    go = _Fig.go()
    frames = list(fig.frames)
    labels = [s["label"] for s in fig.layout.sliders[0]["steps"]]
    base = go.Figure(data=fig.data, layout=fig.layout)
    base.layout.sliders, base.layout.updatemenus = (), ()
    fw = go.FigureWidget(base)
    last = len(frames) - 1
    slider = W.IntSlider(value=0, min=0, max=last, description="frame",
                         readout=False, continuous_update=True)
    play = W.Play(value=0, min=0, max=last, interval=150, description="play")
    W.link((play, "value"), (slider, "value"))
    label = W.Label(f"UTC {labels[0]}")

    def show(change):
        k = change["new"]
        fr = frames[k]
        with fw.batch_update():
            for i, tr in zip(fr.traces, fr.data, strict=True):
                props = {"x": tr.x, "y": tr.y, "z": tr.z}
                if tr.text is not None:     # the path's vertex names
                    props["text"] = tr.text
                fw.data[i].update(props)
            fw.layout.title.text = fr.layout.title.text
        label.value = f"UTC {labels[k]}"

    slider.observe(show, names="value")
    return W.VBox([fw, W.HBox([play, slider, label])])


# ----------------------------------------------------------------------------- CZML

def _iso(t) -> str:
    return t.utc.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".") + "Z"


def _rgba(hex_colour: str, alpha=255) -> list:
    h = hex_colour.lstrip("#")
    return [int(h[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]


def _czml_id(kind: str, name) -> str:
    return f"{kind}/{str(name).replace('#', 'No.')}"


def czml_document(sc: GlobeScene) -> list:
    """The CZML packets of a scene (see :func:`to_czml`).

    Parameters
    ----------
    sc : GlobeScene
        From :func:`scene`.

    Returns
    -------
    list of dict
        The packets, the document packet first.
    """
    if not isinstance(sc, GlobeScene):
        raise TypeError(f"sc must be a GlobeScene (satcloud.globe.scene), got "
                        f"{type(sc).__name__}")
    times, t_s = sc.times, np.round(sc.times_s, 6)      # SI seconds, to the microsecond
    step = float(t_s[1] - t_s[0]) if len(t_s) > 1 else 0.0
    start, end = _iso(times[0]), _iso(times[-1] + step * _seconds())
    whole = f"{start}/{end}"
    packets = [{"id": "document", "name": f"satcloud globe: {sc.network}",
                "version": "1.0",
                "clock": {"interval": whole, "currentTime": start, "multiplier": 60,
                          "range": "LOOP_STOP", "step": "SYSTEM_CLOCK_MULTIPLIER"}}]
    colours = shell_colours(sc.shells)
    for s in sc.shells:
        packets.append({"id": _czml_id("shell", s), "name": f"shell {s}"})
    path_sats = set()
    for m in sc.routes:
        for k in range(len(times)):
            p = sc.path(m, k)
            if p is not None:
                path_sats.update(p["sat_index"].tolist())
    drawn = np.union1d(sc.shown, np.fromiter(path_sats, int, len(path_sats)))
    r_m = np.rint(sc.r_ecef_km[:, drawn] * 1000.0)                  # [T, n, 3] metres
    tcol = np.broadcast_to(t_s[:, None, None], (len(times), len(drawn), 1))
    samples = np.concatenate([tcol, r_m], axis=2).transpose(1, 0, 2)  # [n, T, 4]
    degree = int(min(5, max(len(times) - 1, 1)))
    for j, i in enumerate(drawn):
        s = sc.shell[i]
        packets.append({
            "id": _czml_id("satellite", sc.sat_ids[i]), "name": str(sc.sat_ids[i]),
            "parent": _czml_id("shell", s), "availability": whole,
            "position": {"epoch": start, "referenceFrame": "FIXED",
                         "interpolationAlgorithm": "LAGRANGE",
                         "interpolationDegree": degree,
                         "cartesian": samples[j].ravel().tolist()},
            "point": {"pixelSize": 3, "color": {"rgba": _rgba(colours[s])}}})
    for key, table in (("gateway", sc.gateways), ("pop", sc.pops), ("region", sc.regions),
                       ("user", sc.user)):
        if table is None:
            continue
        colour, _, size = _GROUND_STYLE[{"gateway": "gateways", "pop": "pops",
                                         "region": "regions", "user": "user"}[key]]
        for row in table.itertuples(index=False):
            packets.append({"id": _czml_id(key, row.name), "name": str(row.name),
                            "position": {"cartographicDegrees": [float(row.lon_deg),
                                                                 float(row.lat_deg), 0.0]},
                            "point": {"pixelSize": float(size) * 1.5,
                                      "color": {"rgba": _rgba(colour)}}})
    packets += _czml_paths(sc, whole)
    return packets


def _seconds():
    from astropy import units as u

    return u.s


def _czml_paths(sc: GlobeScene, whole: str) -> list:
    """One polyline packet per distinct path (space segment, then fibre), available over
    the frames that use it: ``[t_k, t_k+1)`` per frame."""
    bounds = [_iso(t) for t in sc.times] + [whole.split("/")[1]]
    out = []
    for m, table in sc.routes.items():
        runs: dict = {}
        for k in range(len(sc.times)):
            p = sc.path(m, k)
            if p is None:
                continue
            key = (tuple(p["sat_index"].tolist()), tuple(f[0] for f in p["fibre"]))
            runs.setdefault(key, []).append(k)
        del table
        for n, ((sats, fibre), ks) in enumerate(runs.items()):
            intervals, k0 = [], ks[0]
            for a, b in zip(ks, ks[1:] + [None], strict=True):
                if b != a + 1:
                    intervals.append(f"{bounds[k0]}/{bounds[a + 1]}")
                    k0 = b
            refs = ([_czml_id("user", sc.user["name"].iat[0])]
                    + [_czml_id("satellite", sc.sat_ids[i]) for i in sats]
                    + [_czml_id("gateway", fibre[0])])
            kinds = ["gateway"] + ["pop"] * (len(fibre) - 2) + ["region"]
            fib = [_czml_id(kind, name) for kind, name in zip(kinds, fibre, strict=True)]
            for part, ids, arc, colour in (("space", refs, "NONE", PATH_COLOURS[m]),
                                           ("fibre", fib, "GEODESIC",
                                            PATH_COLOURS["fibre"])):
                out.append({
                    "id": f"path/{m}/{n}/{part}",
                    "name": f"{m} path {n} ({part})",
                    "availability": intervals,
                    "polyline": {"positions": {"references": [f"{i}#position"
                                                              for i in ids]},
                                 "arcType": arc, "width": 3,
                                 "material": {"solidColor": {"color": {
                                     "rgba": _rgba(colour)}}}}})
    return out


def to_czml(network="starlink", start=None, duration_s=3600.0, step_s=15.0, user=None,
            destination="nearest Azure region", mode="isl", max_satellites=None) -> str:
    """The globe's scene as a CZML document (JSON text) for CesiumJS.

    The document packet carries the clock (the scene's interval, looping); one packet
    per shell groups its satellites (``parent``); each satellite has its Earth-fixed
    positions (``referenceFrame`` ``"FIXED"``, metres, rounded to 1 m) sampled at every
    frame time (seconds after ``epoch``), interpolated by Lagrange polynomials of degree
    5, and a point in its shell's colour; gateways, PoPs, regions and the user are
    points (``cartographicDegrees``); each distinct path of the user is two polylines
    (the space segment, straight, through references to the moving satellites'
    positions; the fibre, geodesic) shown over the frames that use it.

    Parameters
    ----------
    network : str, Constellation or GlobeScene
        As in :func:`figure`.
    start : Time, datetime or str, optional
        First time (UTC); default the constellation's epoch.
    duration_s : float or str
        Length of the scene, >= 0. [s]
    step_s : float or str
        Time between position samples, > 0. [s]
    user : str, (float, float) or None
        The user whose paths are drawn.
    destination : str
        As in :func:`scene`.
    mode : str or sequence of str
        ``"isl"``, ``"bent-pipe"`` or both.
    max_satellites : int, optional
        At most this many satellites besides those of the paths (an even subset of
        each shell). About 9 bytes per coordinate: the 9,043 satellites of the 2026
        Starlink snapshot over an hour at 15 s make ~80 MB.

    Returns
    -------
    str
        The CZML document (a JSON array of packets).

    References
    ----------
    .. [1] Cesium, "CZML Guide" and "Packet" (CZML content, czml-writer wiki).
       https://github.com/AnalyticalGraphicsInc/czml-writer/wiki/CZML-Guide
    """
    sc = _scene_from(network, start=start, duration_s=duration_s, step_s=step_s, user=user,
                     destination=destination, mode=mode, max_satellites=max_satellites)
    return json.dumps(czml_document(sc), separators=(",", ":"), ensure_ascii=False)


def write_czml(path, network="starlink", start=None, duration_s=3600.0, step_s=15.0,
               user=None, destination="nearest Azure region", mode="isl",
               max_satellites=None) -> Path:
    """Write :func:`to_czml` to a file, atomically (:func:`satcloud._io.atomic_write`).

    Parameters
    ----------
    path : str or os.PathLike
        The ``.czml`` file to write (its folder is created).
    network : str, Constellation or GlobeScene
        As in :func:`to_czml`.
    start : Time, datetime or str, optional
        As in :func:`to_czml`.
    duration_s : float or str
        As in :func:`to_czml`. [s]
    step_s : float or str
        As in :func:`to_czml`. [s]
    user : str, (float, float) or None
        As in :func:`to_czml`.
    destination : str
        As in :func:`to_czml`.
    mode : str or sequence of str
        As in :func:`to_czml`.
    max_satellites : int, optional
        As in :func:`to_czml`.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    from satcloud._io import atomic_write_text

    if not isinstance(path, (str, Path)) or not str(path).strip():
        raise TypeError(f"path must be a file path (str or Path), got {path!r:.80}")
    text = to_czml(network, start, duration_s, step_s, user, destination, mode,
                   max_satellites)
    return atomic_write_text(path, text)
