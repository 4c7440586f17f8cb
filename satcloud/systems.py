"""The registry of networks and compared systems, read from ``data/``.

A *network* is something :func:`satcloud.latency.rtt` can route over: terrestrial
fibre, a GEO or MEO bent pipe, a LEO constellation. Its row of ``data/networks.csv``
gives its kind (which physics applies: ``fibre``, ``geo``, ``meo`` or ``leo``), its
modes and default mode, the constellation it propagates, its default gateways, the
minimum elevation and service-region radius where the network defines them, the
colour of its figures and its capacity assumptions (user-downlink profile, spectrum,
frequency reuse, beams per satellite), each with its source.

A *system* is a network in one mode to one cloud (``data/systems.csv``); a
*comparison* lists the systems one question of the report compares, in order, with
their labels and plot styles (``data/comparisons.csv``): ``"latency"`` (notebook 03),
``"compare"`` (:data:`satcloud.latency.DEFAULT_COMPARISON`) and ``"competition"``
(notebook 04). The colour of every key is in ``data/colours.csv``.

Adding a network whose physics is an existing kind is a table edit: a row in
``networks.csv`` (and its shells in ``constellation_shells.csv``), a row in
``systems.csv`` and, to show it in a comparison, a row in ``comparisons.csv``. The
tables are read when asked (so ``$SATCLOUD_DATA_DIR`` applies) and cross-checked
here: a system names a known network and one of its modes, a comparison names known
systems, a colour key is in the palette; a broken reference raises
:class:`satcloud.data.DataTableError` naming the file, row and column.

Examples
--------
>>> from satcloud import systems
>>> systems.network("geo").min_elevation_deg
10.0
>>> systems.network_modes()["starlink-gen1"]
('bent-pipe', 'isl')
>>> list(systems.systems("latency")["label"])[:2]
['fibre, ideal', 'fibre, typical']
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from satcloud import data

__all__ = [
    "KINDS",
    "Network",
    "System",
    "capacity_assumptions",
    "colours",
    "comparisons",
    "network",
    "network_modes",
    "networks",
    "style",
    "system",
    "systems",
]

#: Network kinds: the physics :func:`satcloud.latency.rtt` applies, and the modes each
#: kind can have (fibre: the route-factor presets of
#: :data:`satcloud.network.fibre.ROUTE_FACTORS`).
KINDS = {"fibre": None, "geo": ("bent-pipe",), "meo": ("bent-pipe",),
         "leo": ("bent-pipe", "isl")}


@dataclass(frozen=True)
class Network:
    """One row of ``data/networks.csv``.

    Attributes
    ----------
    name : str
        The network's name, as :func:`satcloud.latency.rtt` takes it.
    kind : {"fibre", "geo", "meo", "leo"}
        Which physics applies: fibre route, fixed geostationary slots, or a propagated
        constellation (MEO or LEO).
    alias_of : str or None
        The network this name is an alias of (``"meo"`` -> ``"o3b-mpower"``).
    modes : tuple of str
        Modes :func:`satcloud.latency.rtt` accepts for it.
    default_mode : str
        The mode when none is given.
    constellation : str or None
        Catalogue name of :func:`satcloud.constellations.constellation`.
    as_of : str or None
        For a real constellation (element sets, :func:`satcloud.constellations.
        element_sets`): the snapshot date; ``None`` for the filed catalogue.
    gateways : str or None
        Default gateway preset (:func:`satcloud.network.gateways.gateways`).
    min_elevation_deg : float or None
        User minimum elevation where the network defines it (GEO); ``None``: the
        constellation's filed value. [deg]
    max_gateway_distance_km : float or None
        Service-region radius of the bent pipe (``max_gateway_distance_km="auto"``);
        ``None``: no limit. [km]
    colour_key : str
        Key of :func:`colours`.
    link_profile : str or None
        User-downlink link profile (:func:`satcloud.links.profile`).
    spectrum_mhz : float or None
        User-downlink spectrum. [MHz]
    reuse_colours, polarizations, beams_per_satellite : int or None
        Frequency-reuse colours, polarisations and user beams active at once per
        satellite. [-]
    capacity_source : str
        Why those capacity numbers (source or assumption).
    source : str
        Source of the row.
    delay_preset : str or None
        The preset of the ``"idle"`` and ``"loaded"`` delay models of
        :func:`satcloud.latency.rtt` (a name of ``data/delay_presets.csv``,
        :mod:`satcloud.delays`).
    gso_arc_avoidance_deg : float or None
        GSO-arc avoidance angle of the user links (a satellite seen within it of the
        geostationary arc does not serve the user; :func:`satcloud.geometry.
        gso_arc_excluded`); ``None``: none filed. [deg]
    gso_arc_source : str or None
        Source of ``gso_arc_avoidance_deg`` (or why there is none).
    """

    name: str
    kind: str
    alias_of: str | None
    modes: tuple
    default_mode: str
    constellation: str | None
    as_of: str | None
    gateways: str | None
    min_elevation_deg: float | None
    max_gateway_distance_km: float | None
    colour_key: str
    link_profile: str | None
    spectrum_mhz: float | None
    reuse_colours: int | None
    polarizations: int | None
    beams_per_satellite: int | None
    capacity_source: str
    source: str
    delay_preset: str | None = None
    gso_arc_avoidance_deg: float | None = None
    gso_arc_source: str | None = None


@dataclass(frozen=True)
class System:
    """One row of ``data/systems.csv``: a network in one mode, to one cloud.

    Attributes
    ----------
    key : str
        The system's key (e.g. ``"starlink"``, ``"fibre-ideal"``).
    network : str
        Its network (:func:`network`).
    kind : str
        The network's kind.
    mode : str
        The mode of :func:`satcloud.latency.rtt`.
    cloud : str
        Destination of :func:`satcloud.latency.rtt` (``"nearest Azure region"`` or
        ``"nearest AWS region"``).
    source : str
        Source of the row.
    """

    key: str
    network: str
    kind: str
    mode: str
    cloud: str
    source: str


# --------------------------------------------------------------------------- reading
def _none(value):
    """An empty optional cell as ``None``; numbers as Python numbers."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, (np.integer, int)):
        return int(value)
    return float(value)


def _error(table: str, row: int, column: str, message: str) -> data.DataTableError:
    return data.DataTableError(data.data_dir() / data.TABLES[table].filename, message,
                               row=row, column=column)


def _read_networks() -> dict[str, Network]:
    from satcloud.network.fibre import ROUTE_FACTORS

    df = data.networks()
    out = {}
    for i, r in enumerate(df.to_dict("records")):
        modes = tuple(m.strip() for m in r["modes"].split(";"))
        allowed = tuple(ROUTE_FACTORS) if r["kind"] == "fibre" else KINDS[r["kind"]]
        bad = [m for m in modes if m not in allowed]
        if bad or not modes:
            raise _error("networks", i, "modes", f"mode(s) {bad} are not modes of kind "
                         f"{r['kind']!r}; allowed: {list(allowed)}")
        if r["default_mode"] not in modes:
            raise _error("networks", i, "default_mode", f"{r['default_mode']!r} is not one "
                         f"of the network's modes {list(modes)}")
        if r["kind"] != "fibre" and not r["constellation"]:
            raise _error("networks", i, "constellation", f"a {r['kind']} network needs a "
                         "constellation (the catalogue name it propagates)")
        if r["kind"] != "fibre" and not r["gateways"]:
            raise _error("networks", i, "gateways", "a satellite network needs a default "
                         "gateway preset")
        fields = {f.name: _none(r.get(f.name)) for f in dataclasses.fields(Network)
                  if f.name not in ("name", "modes")}
        fields["capacity_source"] = r["capacity_source"]
        out[r["network"]] = Network(name=r["network"], modes=modes, **fields)
    for i, n in enumerate(out.values()):
        if n.alias_of is not None and (n.alias_of not in out
                                       or out[n.alias_of].alias_of is not None):
            raise _error("networks", i, "alias_of", f"{n.alias_of!r} is not a network of "
                         "the table (nor may it be an alias itself)")
    presets = set(data.delay_presets()["preset"])
    for i, n in enumerate(out.values()):
        if n.delay_preset is not None and n.delay_preset not in presets:
            raise _error("networks", i, "delay_preset", f"{n.delay_preset!r} is not a preset "
                         f"of delay_presets.csv {sorted(presets)}")
    palette = colours()
    for i, n in enumerate(out.values()):
        if n.colour_key not in palette:
            raise _error("networks", i, "colour_key", f"{n.colour_key!r} is not a key of "
                         f"colours.csv {sorted(palette)}")
    return out


def _read_systems() -> dict[str, System]:
    nets = _read_networks()
    out = {}
    for i, r in enumerate(data.systems().to_dict("records")):
        net = nets.get(r["network"])
        if net is None:
            raise _error("systems", i, "network", f"{r['network']!r} is not a network of "
                         f"networks.csv {list(nets)}")
        if r["mode"] not in net.modes:
            raise _error("systems", i, "mode", f"{r['mode']!r} is not a mode of network "
                         f"{net.name!r} {list(net.modes)}")
        out[r["system"]] = System(key=r["system"], network=net.name, kind=net.kind,
                                  mode=r["mode"], cloud=r["cloud"], source=r["source"])
    return out


def _read_comparisons() -> pd.DataFrame:
    table = data.comparisons()
    known = _read_systems()
    palette = colours()
    for i, r in enumerate(table.to_dict("records")):
        if r["system"] not in known:
            raise _error("comparisons", i, "system", f"{r['system']!r} is not a system of "
                         f"systems.csv {list(known)}")
        if r["colour_key"] and r["colour_key"] not in palette:
            raise _error("comparisons", i, "colour_key", f"{r['colour_key']!r} is not a "
                         f"key of colours.csv {sorted(palette)}")
    return table


def _check_name(value, param: str, what: str, valid) -> str:
    """``value`` as one of ``valid``; errors name the parameter and list the choices."""
    if not isinstance(value, str):
        raise TypeError(f"{param} must be a {what} (str), one of {list(valid)}; got "
                        f"{type(value).__name__} {value!r:.80}")
    if value not in valid:
        raise ValueError(f"{param}: unknown {what} {value!r}; valid choices are "
                         f"{list(valid)}")
    return value


# --------------------------------------------------------------------------- networks
def networks(include_aliases: bool = True) -> dict[str, Network]:
    """Every network of ``data/networks.csv``, in table order.

    Parameters
    ----------
    include_aliases : bool
        Include alias names (``"meo"`` for ``"o3b-mpower"``).

    Returns
    -------
    dict
        Name -> :class:`Network`.
    """
    if not isinstance(include_aliases, (bool, np.bool_)):
        raise TypeError(f"include_aliases must be True or False, got {include_aliases!r:.80}")
    nets = _read_networks()
    return {k: v for k, v in nets.items() if include_aliases or v.alias_of is None}


def network(name: str) -> Network:
    """One network by name (an alias returns its own row, with ``alias_of`` set).

    Parameters
    ----------
    name : str
        A network of :func:`networks`, e.g. ``"geo"``.

    Returns
    -------
    Network

    Examples
    --------
    >>> from satcloud import systems
    >>> geo = systems.network("geo")
    >>> geo.kind, geo.modes, geo.min_elevation_deg
    ('geo', ('bent-pipe',), 10.0)

    A misspelt name is an error that lists the networks:

    >>> systems.network("starlnk")
    Traceback (most recent call last):
    ...
    ValueError: name: unknown network 'starlnk'; valid choices are ['fibre', 'geo', ...]
    """
    nets = _read_networks()
    return nets[_check_name(name, "name", "network", nets)]


def network_modes(include_aliases: bool = True) -> dict[str, tuple]:
    """Network name -> its modes (the value of :data:`satcloud.latency.NETWORKS`).

    Parameters
    ----------
    include_aliases : bool
        Include alias names (``"meo"``).

    Returns
    -------
    dict
        Name -> tuple of mode names, in table order.
    """
    return {k: v.modes for k, v in networks(include_aliases).items()}


# --------------------------------------------------------------------------- systems
def system(key: str) -> System:
    """One system by key (``data/systems.csv``).

    Parameters
    ----------
    key : str
        A system key, e.g. ``"starlink"`` (Starlink Gen1 with laser links, to Azure).

    Returns
    -------
    System
    """
    known = _read_systems()
    return known[_check_name(key, "key", "system key", known)]


def comparisons() -> tuple[str, ...]:
    """Names of the comparisons of ``data/comparisons.csv`` (e.g. ``"latency"``).

    Returns
    -------
    tuple of str
    """
    return tuple(dict.fromkeys(data.comparisons()["comparison"]))


def systems(comparison: str | None = None) -> pd.DataFrame:
    """The systems, one row each: all of them, or one comparison's in its order.

    Parameters
    ----------
    comparison : str, optional
        A name of :func:`comparisons` (``"latency"``, ``"compare"``,
        ``"competition"``); default every system of ``data/systems.csv``.

    Returns
    -------
    pandas.DataFrame
        ``key``, ``network``, ``kind``, ``mode``, ``cloud``, the network's
        ``constellation``, ``gateways`` and ``link_profile``, and ``source``; for a
        comparison also ``label``, ``colour_key``, ``colour`` (hex), ``line_style`` and
        ``marker`` (``""`` where the comparison sets none), in the comparison's order.
    """
    known = _read_systems()
    nets = _read_networks()
    rows = [{**dataclasses.asdict(s), "constellation": nets[s.network].constellation,
             "gateways": nets[s.network].gateways,
             "link_profile": nets[s.network].link_profile} for s in known.values()]
    table = pd.DataFrame(rows)[["key", "network", "kind", "mode", "cloud",
                                "constellation", "gateways", "link_profile", "source"]]
    if comparison is None:
        return table
    _check_name(comparison, "comparison", "comparison", comparisons())
    comp = _read_comparisons()
    comp = comp[comp["comparison"] == comparison].sort_values("position", kind="stable")
    palette = colours()
    out = comp[["system", "label", "colour_key", "line_style", "marker"]].rename(
        columns={"system": "key"}).merge(table, on="key", how="left")
    out.insert(3, "colour", [palette.get(k, "") for k in out["colour_key"]])
    return out.reset_index(drop=True)


def style(key: str, comparison: str = "latency") -> dict:
    """Plot style of one system in one comparison, as matplotlib keywords.

    Parameters
    ----------
    key : str
        A system key of the comparison (e.g. ``"starlink"``).
    comparison : str
        A name of :func:`comparisons`; default ``"latency"``.

    Returns
    -------
    dict
        ``color`` (hex), and ``ls`` and ``marker`` where the comparison sets them.
    """
    table = systems(comparison)
    _check_name(key, "key", f"system key of comparison {comparison!r}", list(table["key"]))
    row = table.set_index("key").loc[key]
    out = {"color": row["colour"]}
    if row["line_style"]:
        out["ls"] = row["line_style"]
    if row["marker"]:
        out["marker"] = row["marker"]
    return out


def colours() -> dict[str, str]:
    """Colour key -> hex colour (``data/colours.csv``), used by every figure.

    Returns
    -------
    dict
    """
    table = data.colours()
    for i, c in enumerate(table["colour"]):
        if not (len(c) == 7 and c.startswith("#")
                and all(ch in "0123456789abcdefABCDEF" for ch in c[1:])):
            raise _error("colours", i, "colour", f"{c!r} is not a hex colour '#RRGGBB'")
    return dict(zip(table["key"], table["colour"], strict=True))


def capacity_assumptions(comparison: str = "competition") -> dict[str, dict]:
    """Per system of a comparison: its network's capacity assumptions.

    Parameters
    ----------
    comparison : str
        A name of :func:`comparisons`; default ``"competition"``. Systems whose network
        has no capacity assumptions (fibre) are left out.

    Returns
    -------
    dict
        System key -> ``spectrum_mhz`` [MHz], ``colours``, ``polarizations``,
        ``beams_per_satellite`` [-] and ``source``.
    """
    nets = _read_networks()
    out = {}
    for key, net_name in systems(comparison)[["key", "network"]].itertuples(index=False):
        n = nets[net_name]
        if n.spectrum_mhz is None:
            continue
        out[key] = {"spectrum_mhz": n.spectrum_mhz, "colours": n.reuse_colours,
                    "polarizations": n.polarizations,
                    "beams_per_satellite": n.beams_per_satellite,
                    "source": n.capacity_source}
    return out
