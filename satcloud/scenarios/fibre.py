"""Scenario: remote places to their nearest cloud region over fibre.

Each function wires the domain models together for one question of the report and
returns a long/tidy :class:`pandas.DataFrame` with units in the column names. No new
physics lives here: the models are in :mod:`satcloud.network`, :mod:`satcloud.orbits`,
:mod:`satcloud.links` and friends.
"""

from __future__ import annotations

import pandas as pd

from satcloud import data, latency
from satcloud._validate import check_choice, check_latlon
from satcloud.network.fibre import fibre_rtt_ms, geodesic_distance_km, resolve_route_factor
from satcloud.scenarios import _checks

__all__ = ["PROVIDERS", "cloud_regions", "fibre_to_nearest_region"]

#: Cloud providers whose regions ship in ``data/``.
PROVIDERS = {"azure": data.azure_regions, "aws": data.aws_regions}


def cloud_regions(provider: str = "azure") -> pd.DataFrame:
    """Regions of a cloud provider (``"azure"`` or ``"aws"``), with coordinates.

    Parameters
    ----------
    provider : {"azure", "aws"}, optional
        Cloud provider.
    """
    return PROVIDERS[check_choice(provider, "provider", PROVIDERS)]()


def fibre_to_nearest_region(sites: pd.DataFrame, provider: str = "azure",
                            route_factor="typical", overhead_ms: float = 0.0,
                            name_column: str = "site") -> pd.DataFrame:
    """Each site's nearest cloud region and the fibre round trip to it.

    Parameters
    ----------
    sites : pandas.DataFrame
        Places with ``lat_deg``, ``lon_deg`` and ``name_column``.
    provider : {"azure", "aws"}
        Cloud provider.
    route_factor : str or float
        Fibre route factor, a preset name of
        :data:`satcloud.network.fibre.ROUTE_FACTORS` or a number >= 1. [-]
    overhead_ms : float
        Round-trip switching/processing overhead added to the fibre RTT. [ms]
    name_column : str
        Column naming each site.

    Returns
    -------
    pandas.DataFrame
        One row per site: ``site``, ``region``, ``region_name``, ``distance_km``
        (geodesic), ``floor_rtt_ms`` (vacuum, geodesic), ``fibre_ideal_rtt_ms``
        (route factor 1), ``fibre_rtt_ms`` (the given route factor and overhead),
        ``route_factor``.

    Notes
    -----
    The nearest region and its round trip come from :func:`satcloud.latency.rtt`
    (``rtt("fibre", route_factor, ...)`` to ``"nearest Azure region"`` or
    ``"nearest AWS region"``), the one computation of "fibre to the nearest region".
    With one route factor for every pair, the region nearest by round-trip time is
    the nearest by geodesic distance.
    """
    _checks.frame(sites, "sites", ("lat_deg", "lon_deg"),
                  producer="satcloud.data.remote_sites()")
    if not isinstance(name_column, str):
        raise TypeError(f"name_column must be a column name (str), got "
                        f"{type(name_column).__name__} {name_column!r:.80}")
    check_latlon(sites["lat_deg"], sites["lon_deg"], "sites column lat_deg",
                 "sites column lon_deg")
    if name_column not in sites.columns:
        raise ValueError(f"sites has no column {name_column!r} (name_column); columns: "
                         f"{list(sites.columns)}")
    regions = cloud_regions(provider)
    factor = resolve_route_factor(route_factor)
    target = {"azure": "nearest Azure region", "aws": "nearest AWS region"}[provider]
    # the one computation of "fibre to the nearest region": latency.rtt over fibre (the
    # sites keyed by position, so repeated names are fine here)
    ends = pd.DataFrame({"name": [f"#{i}" for i in range(len(sites))],
                         "lat_deg": sites["lat_deg"].to_numpy(float),
                         "lon_deg": sites["lon_deg"].to_numpy(float)})
    rows = latency.rtt("fibre", factor, ends, target, overhead_ms=overhead_ms,
                       return_paths=False)
    region = rows["destination"].astype(str).to_numpy()
    at = regions.set_index("region").loc[region]
    distance = geodesic_distance_km(ends["lat_deg"].to_numpy(), ends["lon_deg"].to_numpy(),
                                    at["lat_deg"].to_numpy(float),
                                    at["lon_deg"].to_numpy(float))
    out = pd.DataFrame({
        "site": sites[name_column].to_numpy(),
        "region": region,
        "region_name": at["display_name"].to_numpy(),
        "distance_km": distance,
    })
    out["floor_rtt_ms"] = rows["floor_ms"].to_numpy(float)
    out["fibre_ideal_rtt_ms"] = fibre_rtt_ms(distance, "ideal")
    out["fibre_rtt_ms"] = rows["rtt_ms"].to_numpy(float)
    out["route_factor"] = factor
    return out
