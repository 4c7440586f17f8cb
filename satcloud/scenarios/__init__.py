"""The comparisons the notebooks tell, as tidy DataFrames.

Each function wires the domain models together for one question of the report and
returns a long/tidy :class:`pandas.DataFrame` with units in the column names. No new
physics lives here: the models are in :mod:`satcloud.network`, :mod:`satcloud.orbits`,
:mod:`satcloud.links` and friends. One submodule per notebook theme.
"""

from satcloud.scenarios.fibre import PROVIDERS, cloud_regions, fibre_to_nearest_region

__all__ = ["PROVIDERS", "cloud_regions", "fibre_to_nearest_region"]
