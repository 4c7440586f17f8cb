"""Gateways (satellite-to-ground exits) and the fibre behind them.

A bent-pipe path lands at a gateway that sees the same satellite as the user; from
the gateway the packet rides fibre to the operator's point of presence (PoP), and from
the PoP fibre to the cloud region. Operators do not publish gateway coordinates, so
gateway sets are presets a user can replace:

``"starlink-gateways"`` (default for Starlink) and ``"starlink-gateways:<YYYY-MM-DD>"``
    The 261 real Starlink gateway sites of :func:`satcloud.ground.ground_segment`
    (regulatory filings via a community map; with a date, those of ``as_of`` that
    date). Their ``backhaul`` is ``"home-pop"``: :func:`satcloud.latency.rtt` runs the
    gateway -> PoP leg over fibre to each *user's* home PoP
    (:func:`satcloud.ground.home_pop`); the table's ``pop`` columns hold the home PoP
    of the gateway's own position, used where no user is known
    (:func:`gateway_to_destination_ms`).
``"starlink-pops"``
    One gateway at each Starlink PoP location (``satcloud.data.starlink_pops()``):
    the idealised model before the real sites shipped (the gateway -> PoP leg is zero,
    a lower bound). Kuiper, OneWeb and Telesat keep it as their default: their
    operators publish no gateway sites and no real data ships for them, so they land
    on the same Starlink PoP locations (the constellations make the difference).
``"azure-regions"`` / ``"aws-regions"``
    One gateway at each cloud region, the PoP being the region itself (the Azure Space
    "edge co-location" scenario: the ground station in the datacenter).
``"ground-stations"``
    The sites of ``satcloud.data.ground_stations()`` (Azure Orbital, KSAT, AWS Ground
    Station, Starlink TT&C), each its own PoP.
``"teleports"`` (default for GEO and MEO)
    The union of ``"azure-regions"``, ``"aws-regions"``, ``"ground-stations"`` and the
    :data:`REGIONAL_TELEPORTS` (real GEO/MEO gateways, each sourced from its operator's
    or the press's announcement [1]_, that fill the regional holes of
    the other three: West Africa, the Brazilian interior, the Andes, the South Pacific,
    Western Australia): the minimum-delay rule then picks, per satellite, the teleport seeing
    it that is closest (by fibre delay) to the cloud region. :func:`satcloud.latency.rtt`
    limits the choice to the user's service region (``max_gateway_distance_km``).
``"grid:<spacing_deg>"``
    A latitude/longitude grid (e.g. ``"grid:10"``), each point fed to its nearest
    Starlink PoP by fibre.
a DataFrame
    Columns ``lat_deg``, ``lon_deg`` and a name column (``gateway``, ``name`` or
    ``site``); optional ``pop``, ``pop_lat_deg``, ``pop_lon_deg``. Without PoP columns
    each gateway feeds its nearest Starlink PoP. Optional ``backhaul``
    (``"fixed"``, the default, or ``"home-pop"`` to backhaul to the user's home PoP).

Every table :func:`gateways` returns has the columns ``gateway``, ``lat_deg``,
``lon_deg``, ``pop``, ``pop_lat_deg``, ``pop_lon_deg`` and ``backhaul``.

References
----------
.. [1] SES, press release on the O3b mPOWER gateways, 28 April 2021; Via Satellite, "SES exec
   details ground station of the future for O3b mPOWER", 2021-04-28; Teletime, 2017-08-31;
   El Comercio, 2019; Fiji Times and ATH/FINTEL, 2022 (news articles, URLs not verified;
   docs/references.md, ``gateway-press``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from satcloud import data
from satcloud._validate import check_choice, check_latlon, check_range
from satcloud.network.fibre import C_FIBRE_KM_PER_S, geodesic_distance_km, resolve_route_factor

__all__ = ["BACKHAUL_RULES", "GATEWAY_PRESETS", "REGIONAL_TELEPORTS", "gateway_grid",
           "gateway_to_destination_ms", "gateways"]

#: Named gateway sets (see the module notes).
GATEWAY_PRESETS = ("starlink-gateways", "starlink-pops", "azure-regions", "aws-regions",
                   "ground-stations", "teleports")
#: ``backhaul`` values of a gateway table: the PoP of the row, or the user's home PoP.
BACKHAUL_RULES = ("fixed", "home-pop")

#: Real GEO/MEO gateway (teleport) sites added to the ``"teleports"`` preset where the
#: cloud regions and ground stations leave a populated region without a teleport within
#: a service-region distance (West Africa and the Sahel: > 2,800 km to the nearest;
#: the Brazilian interior and Amazonas: > 3,000 km; Colombia and the northern Andes:
#: > 3,300 km; Tuvalu/Central Pacific: > 4,000 km).
#: Columns: name, lat [deg], lon [deg], source. Operators publish the town, not the
#: antenna: coordinates are town-level (a few km to ~30 km; < 0.3 ms of fibre RTT).
#: Sites already at a cloud region or ground station of the other presets (O3b mPOWER
#: Phoenix = Azure westus3 area, Dubbo = AWS Dubbo 1, Hawaii = AWS Hawaii 1, Chile,
#: UAE) are not repeated. Sources: the comments below (module References [1]).
REGIONAL_TELEPORTS = (
    # SES O3b mPOWER initial gateways, announced 28 Apr 2021 (SES press release;
    # Via Satellite, "SES exec details ground station of the future for O3b mPOWER",
    # 2021-04-28; Paperjam, "SES announces O3b ground station partnerships", 2021):
    # Dubbo and Merredin (Australia), Thermopylae (Greece, operated by OTE), Phoenix,
    # Chile, the UAE, Senegal and SES's own station in Hawaii.
    ("ses-o3b-mpower:Senegal (Dakar)", 14.72, -17.47,
     "SES O3b mPOWER gateway, Senegal (2021 announcement); Dakar, town-level"),
    ("ses-o3b-mpower:Merredin WA", -31.48, 118.28,
     "SES O3b mPOWER gateway, Merredin, Western Australia (2021 announcement)"),
    ("ses-o3b-mpower:Thermopylae", 38.80, 22.56,
     "SES O3b mPOWER gateway at OTE's Thermopylae teleport, Greece (2021 announcement)"),
    # NIGCOMSAT Ltd's ground control station for NigComSat-1R (GEO 42.5 E, Ku/Ka/C
    # coverage of West Africa), Obasanjo Space Centre, Lugbe, Abuja, Nigeria.
    ("nigcomsat:Abuja", 8.98, 7.38,
     "NIGCOMSAT Ltd ground station (NigComSat-1R), Abuja, Nigeria; town-level"),
    # Telebras SGDC-1 (GEO 75 W, Ka band over all of Brazil incl. the Amazon): five
    # gateways, Brasilia, Rio de Janeiro, Florianopolis, Campo Grande and Salvador
    # (Teletime, "SGDC ja tem primeiro cliente ativado", 2017-08-31; MCTIC visit to the
    # Florianopolis gateway, Aug 2018).
    ("telebras-sgdc:Brasilia", -15.79, -47.88, "Telebras SGDC-1 gateway, Brasilia DF"),
    ("telebras-sgdc:Rio de Janeiro", -22.91, -43.17,
     "Telebras SGDC-1 gateway, Rio de Janeiro RJ"),
    ("telebras-sgdc:Florianopolis", -27.67, -48.55,
     "Telebras SGDC-1 gateway, Florianopolis Air Base SC"),
    ("telebras-sgdc:Campo Grande", -20.47, -54.62,
     "Telebras SGDC-1 gateway, Campo Grande MS"),
    ("telebras-sgdc:Salvador", -12.97, -38.51, "Telebras SGDC-1 gateway, Salvador BA"),
    # Lurin earth station, south of Lima, Peru: Peru's international satellite earth
    # station since 1969 (Intelsat; NEC-built), now Telefonica del Peru (El Comercio,
    # "Como empezaron las transmisiones via satelite en el Peru hace 50 anos", 2019).
    ("lurin:Lima Peru", -12.27, -76.87,
     "Lurin satellite earth station (1969, Intelsat; Telefonica del Peru), Lima"),
    # FINTEL (Fiji International Telecommunications Ltd) international gateway and
    # satellite earth station, Vatuwaqa, Suva, Fiji: hosts the Starlink and OneWeb
    # gateways for the South Pacific (Fiji Times, "Out of space: FINTEL gateway now
    # crowded"; ATH/FINTEL statement on the Starlink teleport, May 2022).
    ("fintel:Vatuwaqa Suva", -18.13, 178.45,
     "FINTEL international gateway and earth station, Vatuwaqa, Suva, Fiji"),
)

_COLUMNS = ["gateway", "lat_deg", "lon_deg", "pop", "pop_lat_deg", "pop_lon_deg"]


def _self_pop(name, lat, lon) -> pd.DataFrame:
    return pd.DataFrame({"gateway": np.asarray(name, dtype=object), "lat_deg": lat,
                         "lon_deg": lon, "pop": np.asarray(name, dtype=object),
                         "pop_lat_deg": lat, "pop_lon_deg": lon, "backhaul": "fixed"})


def _nearest_pop(name, lat, lon) -> pd.DataFrame:
    pops = data.starlink_pops()
    plat, plon = pops["lat_deg"].to_numpy(), pops["lon_deg"].to_numpy()
    d = geodesic_distance_km(np.asarray(lat)[:, None], np.asarray(lon)[:, None],
                             plat[None, :], plon[None, :])
    k = np.argmin(d, axis=1)
    return pd.DataFrame({"gateway": np.asarray(name, dtype=object), "lat_deg": lat,
                         "lon_deg": lon, "pop": pops["code"].to_numpy()[k],
                         "pop_lat_deg": plat[k], "pop_lon_deg": plon[k],
                         "backhaul": "fixed"})


def _starlink_gateways(as_of) -> pd.DataFrame:
    """The real gateway sites, each with the home PoP of its own position."""
    from satcloud import ground

    g = ground.ground_segment(as_of).gateways
    lat, lon = g["lat_deg"].to_numpy(float), g["lon_deg"].to_numpy(float)
    home = ground.home_pop(lat, lon, as_of=as_of)
    out = pd.DataFrame({"gateway": g["gateway"].to_numpy(object), "lat_deg": lat,
                        "lon_deg": lon, "pop": home["pop"].to_numpy(object),
                        "pop_lat_deg": home["pop_lat_deg"].to_numpy(float),
                        "pop_lon_deg": home["pop_lon_deg"].to_numpy(float),
                        "backhaul": "home-pop"})
    for col in ("country", "band", "antennas", "status", "status_date"):
        out[col] = g[col].to_numpy()
    return out


def _backhaul(spec: pd.DataFrame, n: int) -> np.ndarray:
    if "backhaul" not in spec.columns:
        return np.full(n, "fixed", dtype=object)
    b = spec["backhaul"].astype(str).to_numpy(object)
    bad = sorted(set(b) - set(BACKHAUL_RULES))
    if bad:
        raise ValueError(f"gateways table column 'backhaul' holds {bad}; allowed: "
                         f"{list(BACKHAUL_RULES)}")
    return b


def gateway_grid(spacing_deg: float, lat_min_deg: float = -60.0,
                 lat_max_deg: float = 70.0) -> pd.DataFrame:
    """Gateways on a latitude/longitude grid, each fed to its nearest Starlink PoP.

    Parameters
    ----------
    spacing_deg : float
        Grid spacing in latitude and longitude, in (0, 90]. [deg]
    lat_min_deg, lat_max_deg : float
        Latitude band covered. [deg]

    Returns
    -------
    pandas.DataFrame
        Gateway table (``gateway``, ``lat_deg``, ``lon_deg``, ``pop``, ``pop_lat_deg``,
        ``pop_lon_deg``).

    Examples
    --------
    A 30 deg grid over latitudes -60 to 70 has 5 rows (-60 ... 60) of 12 points:

    >>> from satcloud.network.gateways import gateway_grid
    >>> grid = gateway_grid(30.0)
    >>> len(grid), sorted(set(grid["lat_deg"]))
    (60, [-60.0, -30.0, 0.0, 30.0, 60.0])
    """
    step = float(check_range(spacing_deg, "spacing_deg", 0.0, 90.0, low_open=True,
                             unit="deg"))
    lo, hi = check_latlon(lat_min_deg, 0.0, "lat_min_deg")[0], check_latlon(
        lat_max_deg, 0.0, "lat_max_deg")[0]
    if lo >= hi:
        raise ValueError(f"lat_min_deg ({lo:g}) must be below lat_max_deg ({hi:g})")
    lats = np.arange(float(lo), float(hi) + 1e-9, step)
    lons = np.arange(-180.0, 180.0 - 1e-9, step)
    la, lo_ = (a.ravel() for a in np.meshgrid(lats, lons, indexing="ij"))
    names = [f"grid {a:+.1f} {b:+.1f}" for a, b in zip(la, lo_, strict=True)]
    return _nearest_pop(names, la, lo_)


#: Columns of the ``"starlink-gateways"`` table that a user table keeps when it has them
#: (a subset of that table keeps its antenna counts for :mod:`satcloud.capacity`).
_SITE_COLUMNS = ("country", "band", "antennas", "status", "status_date")


def _with_site_columns(out: pd.DataFrame, spec: pd.DataFrame) -> pd.DataFrame:
    """``out`` (one row per row of ``spec``, in order) with ``spec``'s site columns."""
    for col in _SITE_COLUMNS:
        if col in spec.columns:
            out[col] = spec[col].to_numpy()
    return out


def gateways(spec="starlink-pops") -> pd.DataFrame:
    """A gateway table from a preset name, a grid spec or a user DataFrame.

    Parameters
    ----------
    spec : str or pandas.DataFrame
        One of :data:`GATEWAY_PRESETS`, ``"grid:<spacing_deg>"``,
        ``"starlink-gateways:<YYYY-MM-DD>"``, or a table (see the module notes).

    Returns
    -------
    pandas.DataFrame
        Columns ``gateway``, ``lat_deg``, ``lon_deg``, ``pop``, ``pop_lat_deg``,
        ``pop_lon_deg`` [deg] and ``backhaul`` (:data:`BACKHAUL_RULES`); one row per
        gateway. ``"starlink-gateways"`` adds ``country``, ``band``, ``antennas``,
        ``status`` and ``status_date``; a user table keeps those of them it has (so a
        subset of that table keeps its antenna counts).

    Raises
    ------
    ValueError
        An unknown preset (with a close match), a table lacking columns (named), or an
        ``as_of`` date before the shipped data (the valid dates listed).

    Examples
    --------
    In the "edge co-location" preset every Azure region is its own gateway and PoP:

    >>> from satcloud.network.gateways import gateways
    >>> azure = gateways("azure-regions")
    >>> bool((azure["gateway"] == azure["pop"]).all()), list(azure.columns)
    (True, ['gateway', 'lat_deg', 'lon_deg', 'pop', 'pop_lat_deg', 'pop_lon_deg', 'backhaul'])
    """
    if isinstance(spec, pd.DataFrame):
        name_col = next((c for c in ("gateway", "name", "site") if c in spec.columns), None)
        missing = [c for c in ("lat_deg", "lon_deg") if c not in spec.columns]
        if missing:
            raise ValueError(f"gateways table lacks column(s) {missing}; it needs "
                             "'lat_deg', 'lon_deg' and a name column ('gateway', 'name' "
                             f"or 'site'); got {list(spec.columns)}")
        if name_col is None:
            raise ValueError("gateways table needs a name column: 'gateway', 'name' or "
                             f"'site'; got {list(spec.columns)}")
        if len(spec) == 0:
            raise ValueError("gateways table is empty; give at least one gateway")
        lat, lon = check_latlon(spec["lat_deg"].to_numpy(), spec["lon_deg"].to_numpy(),
                                "gateways lat_deg", "gateways lon_deg")
        names = spec[name_col].astype(str).to_numpy()
        if {"pop_lat_deg", "pop_lon_deg"} <= set(spec.columns):
            plat, plon = check_latlon(spec["pop_lat_deg"].to_numpy(),
                                      spec["pop_lon_deg"].to_numpy(),
                                      "gateways pop_lat_deg", "gateways pop_lon_deg")
            pop = spec["pop"].astype(str).to_numpy() if "pop" in spec.columns else names
            return _with_site_columns(pd.DataFrame(
                {"gateway": names, "lat_deg": lat, "lon_deg": lon, "pop": pop,
                 "pop_lat_deg": plat, "pop_lon_deg": plon,
                 "backhaul": _backhaul(spec, len(spec))}), spec)
        partial = [c for c in ("pop_lat_deg", "pop_lon_deg") if c in spec.columns]
        if partial:
            raise ValueError(f"gateways table has {partial} but lacks "
                             f"{[c for c in ('pop_lat_deg', 'pop_lon_deg') if c not in partial]}"
                             "; give both PoP coordinates or neither")
        out = _nearest_pop(names, lat, lon)
        out["backhaul"] = _backhaul(spec, len(spec))
        return _with_site_columns(out, spec)
    if not isinstance(spec, str):
        raise TypeError(f"gateways must be a preset name or a DataFrame, got "
                        f"{type(spec).__name__}")
    if spec.startswith("grid:"):
        try:
            spacing = float(spec.split(":", 1)[1])
        except ValueError as exc:
            raise ValueError(f"gateways grid spec must be 'grid:<spacing_deg>' with a "
                             f"spacing in (0, 90] deg, got {spec!r}") from exc
        if not 0.0 < spacing <= 90.0:      # False for NaN too
            raise ValueError(f"gateways grid spec must be 'grid:<spacing_deg>' with a "
                             f"spacing in (0, 90] deg, got {spec!r}")
        return gateway_grid(spacing)
    if spec.startswith("starlink-gateways:"):
        return _starlink_gateways(spec.split(":", 1)[1])
    spec = check_choice(spec, "gateways", GATEWAY_PRESETS + ("grid:<spacing_deg>",
                                                             "starlink-gateways:<date>"))
    if spec == "starlink-gateways":
        return _starlink_gateways(None)
    if spec == "starlink-pops":
        p = data.starlink_pops()
        return _self_pop(p["code"].to_numpy(), p["lat_deg"].to_numpy(), p["lon_deg"].to_numpy())
    if spec in ("azure-regions", "aws-regions"):
        p = data.azure_regions() if spec == "azure-regions" else data.aws_regions()
        return _self_pop(p["region"].to_numpy(), p["lat_deg"].to_numpy(),
                         p["lon_deg"].to_numpy())
    if spec == "ground-stations":
        p = data.ground_stations()
        names = (p["network"] + ":" + p["site"]).to_numpy()
        return _self_pop(names, p["lat_deg"].to_numpy(), p["lon_deg"].to_numpy())
    extra = list(zip(*REGIONAL_TELEPORTS, strict=True))
    parts = [gateways("azure-regions"), gateways("aws-regions"), gateways("ground-stations"),
             _self_pop(np.asarray(extra[0], dtype=object), np.asarray(extra[1], float),
                       np.asarray(extra[2], float))]
    return pd.concat(parts, ignore_index=True)


def gateway_to_destination_ms(gateway_table: pd.DataFrame, dest_lat_deg, dest_lon_deg,
                              route_factor="typical") -> np.ndarray:
    """One-way fibre delay gateway -> PoP -> destination for every pair.

    Parameters
    ----------
    gateway_table : pandas.DataFrame
        From :func:`gateways`.
    dest_lat_deg, dest_lon_deg : array_like
        ``[D]`` destinations (e.g. cloud regions). [deg]
    route_factor : str or float
        Fibre route factor for both legs (see :data:`satcloud.network.ROUTE_FACTORS`). [-]

    Returns
    -------
    numpy.ndarray
        ``[G, D]`` one-way delay: ``f (d(gw, PoP) + d(PoP, dest)) / (c / n_g)``. [ms]
    """
    f = resolve_route_factor(route_factor)
    g = gateway_table
    if not isinstance(g, pd.DataFrame):
        raise TypeError(f"gateway_table must be a DataFrame from gateways(), got "
                        f"{type(g).__name__}")
    missing = [c for c in _COLUMNS[1:] if c not in g.columns]
    if missing:
        raise ValueError(f"gateway_table lacks column(s) {missing}; build it with "
                         f"gateways()")
    glat, glon = check_latlon(g["lat_deg"].to_numpy(), g["lon_deg"].to_numpy(),
                              "gateway_table lat_deg", "gateway_table lon_deg")
    plat, plon = check_latlon(g["pop_lat_deg"].to_numpy(), g["pop_lon_deg"].to_numpy(),
                              "gateway_table pop_lat_deg", "gateway_table pop_lon_deg")
    dlat, dlon = check_latlon(np.atleast_1d(dest_lat_deg), np.atleast_1d(dest_lon_deg),
                              "dest_lat_deg", "dest_lon_deg")
    if dlat.ndim != 1 or dlat.shape != dlon.shape:
        raise ValueError(f"dest_lat_deg and dest_lon_deg must be 1-D of one length, got "
                         f"shapes {dlat.shape} and {dlon.shape}")
    leg1 = geodesic_distance_km(glat, glon, plat, plon)
    leg2 = geodesic_distance_km(plat[:, None], plon[:, None], dlat[None, :], dlon[None, :])
    return f * (leg1[:, None] + leg2) / C_FIBRE_KM_PER_S * 1e3
