"""satcloud: what connectivity a satellite constellation plus a cloud provider gives you.

The front door holds the handful of verbs a notebook needs; everything else lives in
one module per domain (see ``DESIGN.md`` in the project's shared notes and the README):

- :mod:`satcloud.data` -- schema-checked tables from ``data/`` with provenance
- :mod:`satcloud.systems` -- the registry: every network and compared system is a row
  of ``data/`` (modes, gateways, cloud, capacity assumptions, colours)
- :mod:`satcloud.sites` -- place resolution: city, site, region and PoP names to
  coordinates, in one place
- :mod:`satcloud.constellations`, :mod:`satcloud.orbits`, :mod:`satcloud.geometry`,
  :mod:`satcloud.coverage`, :mod:`satcloud.passes` -- the orbits engine
- :mod:`satcloud.links` -- link budgets: ITU-R atmosphere, antennas, noise, ACM, capacity
- :mod:`satcloud.network` -- fibre, bent-pipe and inter-satellite-link models
- :mod:`satcloud.latency` -- ``rtt()``: round trips to the cloud over every network, by component
- :mod:`satcloud.sweep`, :mod:`satcloud.chunked` -- design-space sweeps and long or large
  computations on Dask (local cluster by default, any scheduler by address)
- :mod:`satcloud.plots` -- matplotlib/cartopy figures with offline coastlines
- :mod:`satcloud.widgets` -- what-if panels (ipywidgets) for JupyterLab and the Voila app
- :mod:`satcloud.report` -- execute the notebooks and render the HTML report

Submodules are imported lazily, so ``import satcloud`` stays fast. A front-door name
that is also a module's name (``passes``, ``sweep``, ``coverage`` ...) is the module:
Python binds ``satcloud.<name>`` to the submodule as soon as anything imports it, so it
cannot reliably be a function; the verbs are ``satcloud.passes.passes`` and
``satcloud.sweep.sweep``.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it (imported on first use)
_LAZY = {
    # progress bars of long computations (off unless turned on; the CLI turns them on)
    "set_progress": "satcloud._progress",
    "showing": "satcloud._progress",
    # orbits engine
    "constellations": "satcloud.constellations",
    "orbits": "satcloud.orbits",
    "geometry": "satcloud.geometry",
    "coverage": "satcloud.coverage",
    "tle": "satcloud.tle",
    "constellation": "satcloud.constellations",
    "Constellation": "satcloud.constellations",
    "deploy": "satcloud.constellations",
    "time_grid": "satcloud.time",
    "propagate": "satcloud.orbits",
    "iter_propagate": "satcloud.orbits",
    "Ephemeris": "satcloud.orbits",
    "look_angles": "satcloud.geometry",
    "access": "satcloud.geometry",
    "iter_access": "satcloud.geometry",
    "geodetic_to_ecef": "satcloud.geometry",
    "ecef_to_geodetic": "satcloud.geometry",
    "ground_track": "satcloud.geometry",
    "subsatellite_points": "satcloud.geometry",
    "passes": "satcloud.passes",  # the module; the verb is satcloud.passes.passes
    "daily_totals": "satcloud.passes",
    "site_coverage": "satcloud.coverage",
    "grid_coverage": "satcloud.coverage",
    "global_grid": "satcloud.coverage",
    "coverage_summary": "satcloud.coverage",
    # latency
    "latency": "satcloud.latency",
    "rtt": "satcloud.latency",
    # design-space sweeps on Dask (the module; the verb is satcloud.sweep.sweep)
    "sweep": "satcloud.sweep",
    "chunked": "satcloud.chunked",
    # data, links, scenarios, presentation
    "data": "satcloud.data",
    "systems": "satcloud.systems",
    "sites": "satcloud.sites",
    "links": "satcloud.links",
    "link_budget": "satcloud.links",
    "bent_pipe_budget": "satcloud.links",
    "availability_map": "satcloud.links",
    "scenarios": "satcloud.scenarios",
    "network": "satcloud.network",
    "plots": "satcloud.plots",
    "widgets": "satcloud.widgets",
    "report": "satcloud.report",
}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name):
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        value = module if module.__name__.endswith("." + name) else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'satcloud' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
