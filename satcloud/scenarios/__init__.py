"""The comparisons the notebooks tell, as tidy DataFrames.

Each function wires the domain models together for one question of the report and
returns a long/tidy :class:`pandas.DataFrame` with units in the column names. No new
physics lives here: the models are in :mod:`satcloud.network`, :mod:`satcloud.orbits`,
:mod:`satcloud.links` and friends. One submodule per notebook theme; import the
submodule (``from satcloud.scenarios import latency as slat``), since several themes
have functions of the same name:

- :mod:`~satcloud.scenarios.fibre` -- remote places to the nearest cloud region (00)
- :mod:`~satcloud.scenarios.constellations` -- shells, in-view counts, coverage (01)
- :mod:`~satcloud.scenarios.links` -- budgets, rain fade by climate, ACM, capacity (02)
- :mod:`~satcloud.scenarios.latency` -- RTT to Azure by system and component (03)
- :mod:`~satcloud.scenarios.competition` -- systems side by side (04)
- :mod:`~satcloud.scenarios.ground_stations` -- EO downlink through GSaaS networks (05)
- :mod:`~satcloud.scenarios.datacenter` -- Modular Datacenter backhaul options (06)
- :mod:`~satcloud.scenarios.design` -- the shell design trade, swept on Dask (08)
- :mod:`~satcloud.scenarios.capacity` -- what the network carries: fleets, sites, failover (09)
"""

from satcloud.scenarios.fibre import PROVIDERS, cloud_regions, fibre_to_nearest_region

__all__ = ["PROVIDERS", "cloud_regions", "fibre_to_nearest_region"]
