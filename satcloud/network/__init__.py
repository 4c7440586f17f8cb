"""Network models: terrestrial fibre, bent-pipe satellite paths, inter-satellite links.

Submodules
----------
fibre
    Geodesic distance on WGS84, fibre route factors and fibre round-trip times.
bentpipe
    GEO/MEO/LEO bent-pipe geometry (user -> satellite -> gateway), the GEO floor.
gateways
    Gateway sets (Starlink PoPs, cloud regions, ground stations, grids) and the fibre
    behind them (``satcloud.network.gateways.gateways(spec)`` builds a table; the
    function is not re-exported here so the submodule name stays unshadowed).
isl
    +Grid laser-link topology and time-varying link snapshots.
routing
    Per-snapshot shortest paths with joint ground attachment (scipy csgraph).
"""

from satcloud.network.bentpipe import (
    DEFAULT_GEO_SLOTS_LON_DEG,
    GEO_ALTITUDE_KM,
    bent_pipe_rtt_ms,
    geo_floor_rtt_ms,
    geo_positions_ecef_km,
)
from satcloud.network.fibre import (
    C_FIBRE_KM_PER_S,
    C_VACUUM_KM_PER_S,
    FIBRE_GROUP_INDEX,
    ROUTE_FACTORS,
    fibre_path_rtt_ms,
    fibre_rtt_ms,
    geodesic_distance_km,
    nearest_site,
    resolve_route_factor,
    vacuum_rtt_ms,
)
from satcloud.network.gateways import GATEWAY_PRESETS, gateway_to_destination_ms
from satcloud.network.isl import IslSnapshots, isl_snapshots, plus_grid_edges
from satcloud.network.routing import SnapshotRoutes, iter_routes, route_snapshots, snapshot_graph

__all__ = [
    "C_FIBRE_KM_PER_S",
    "C_VACUUM_KM_PER_S",
    "DEFAULT_GEO_SLOTS_LON_DEG",
    "FIBRE_GROUP_INDEX",
    "GATEWAY_PRESETS",
    "GEO_ALTITUDE_KM",
    "IslSnapshots",
    "ROUTE_FACTORS",
    "SnapshotRoutes",
    "bent_pipe_rtt_ms",
    "fibre_path_rtt_ms",
    "fibre_rtt_ms",
    "gateway_to_destination_ms",
    "geo_floor_rtt_ms",
    "geo_positions_ecef_km",
    "geodesic_distance_km",
    "isl_snapshots",
    "iter_routes",
    "nearest_site",
    "plus_grid_edges",
    "resolve_route_factor",
    "route_snapshots",
    "snapshot_graph",
    "vacuum_rtt_ms",
]
