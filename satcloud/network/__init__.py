"""Network models: terrestrial fibre, bent-pipe satellite paths, inter-satellite links.

Submodules
----------
fibre
    Geodesic distance on WGS84, fibre route factors and fibre round-trip times.
"""

from satcloud.network.fibre import (
    C_FIBRE_KM_PER_S,
    C_VACUUM_KM_PER_S,
    FIBRE_GROUP_INDEX,
    ROUTE_FACTORS,
    fibre_rtt_ms,
    geodesic_distance_km,
    nearest_site,
    resolve_route_factor,
    vacuum_rtt_ms,
)

__all__ = [
    "C_FIBRE_KM_PER_S",
    "C_VACUUM_KM_PER_S",
    "FIBRE_GROUP_INDEX",
    "ROUTE_FACTORS",
    "fibre_rtt_ms",
    "geodesic_distance_km",
    "nearest_site",
    "resolve_route_factor",
    "vacuum_rtt_ms",
]
