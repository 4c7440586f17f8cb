"""What-if panels: ipywidgets front ends over the package's model functions.

Four panels, each a thin layer over functions the tests call directly:

- :class:`LinkBudgetPanel` -- profile, dish size, rain availability, place and
  elevation -> :func:`satcloud.links.link_budget` (the budget table, margin, MODCOD,
  throughput) and the margin/throughput curve over elevation;
- :class:`CapacityPanel` -- subscribers per cell, activity factor, cell capacity ->
  :func:`satcloud.links.per_user_throughput_mbps` and
  :func:`satcloud.links.user_throughput_table` against the "up to 100 Mbps" claim;
- :class:`ConstellationPanel` -- a Walker design (altitude, inclination, planes,
  satellites per plane, phasing) or a named constellation and its deployed fraction,
  minimum elevation -> :func:`satcloud.orbits.propagate` and
  :func:`satcloud.coverage.grid_coverage`: coverage map and satellites in view versus
  latitude;
- :class:`LatencyPanel` -- source, destination, networks, ISL on/off, gateway placement,
  fibre route factor, delay model and the fibre user's last mile ->
  :func:`satcloud.latency.rtt`: RTT time series and distribution with the physical
  (vacuum) floor, and the propagation, idle and loaded medians side by side;
- :class:`NetworkCapacityPanel` -- network, subscribers preset and take rate, satellite
  generation, gateway capacity and sites kept -> :func:`satcloud.capacity.network_capacity`: served
  versus offered busy-hour demand, throughput per subscriber, the binding element.

Shareable state: every panel's :meth:`~satcloud.widgets._base.Panel.state` is a small
JSON-safe dict that :meth:`~satcloud.widgets._base.Panel.set_state` restores (also from
JSON text or a URL query string); :class:`WhatIfApp` builds the panels of notebook 07,
restores the settings of the page's URL under Voila (``?panel=latency&source=Lagos&
delay_model=idle``) and shows the links and JSON that reproduce the current view.

Each panel computes in a background thread, coarse first where the computation is
costly, and a change made while one runs supersedes it (:mod:`satcloud.widgets._base`). Sliders
bound every numeric control; a value outside a slider's range (given as a default, with
:meth:`~satcloud.widgets._base.Panel.set` or through shared widget state) is brought into range
*and the panel says so* in its notice line, naming the control, the value asked and the
value used (``panel.adjusted``); a typed latitude/longitude out of range or an unknown
place name is reported inline, never as a traceback. Heavy inputs are cached
(constellations and propagated positions per design, ITU-R attenuation per place in
:mod:`satcloud.links.atmosphere`).

Every panel takes ``threaded=False`` to compute synchronously (tests, scripts) and
``**defaults`` to change its initial control values, e.g.
``LinkBudgetPanel(place="Singapore", elevation_deg=30)``. After construction the panel
has computed its defaults; ``panel.result`` holds the numbers shown.

Layout: one module per panel (:mod:`~satcloud.widgets.link_budget`,
:mod:`~satcloud.widgets.capacity`, :mod:`~satcloud.widgets.constellation`,
:mod:`~satcloud.widgets.latency`, :mod:`~satcloud.widgets.network_capacity`), the app's
shared state in :mod:`~satcloud.widgets.app`, the place boxes in :mod:`~satcloud.widgets.places`,
the shared panel machinery in :mod:`satcloud.widgets._base`. Every figure is drawn by a
:mod:`satcloud.plots` function, the same the notebooks call; the panels only wire
controls to model functions and plots.

Examples
--------
>>> from satcloud.widgets import LinkBudgetPanel
>>> panel = LinkBudgetPanel(threaded=False)              # doctest: +SKIP
>>> panel                                                 # doctest: +SKIP
>>> panel.set(elevation_deg=60.0); panel.result["margin_db"]  # doctest: +SKIP
"""

from __future__ import annotations

from satcloud.widgets.app import WhatIfApp, parse_query, voila_query_string
from satcloud.widgets.capacity import CapacityPanel, default_cell_capacity_mbps
from satcloud.widgets.constellation import CONSTELLATION_GRIDS, ConstellationPanel
from satcloud.widgets.latency import (
    GATEWAY_OPTIONS,
    LAST_MILE_OPTIONS,
    LATENCY_GRIDS,
    LATENCY_NETWORKS,
    LATENCY_START,
    LatencyPanel,
    available_destinations,
)
from satcloud.widgets.link_budget import (
    AVAILABILITY_OPTIONS,
    BUDGET_TERMS,
    LinkBudgetPanel,
    dish_overrides,
)
from satcloud.widgets.network_capacity import (
    CAPACITY_NETWORKS,
    CAPACITY_TIME,
    NetworkCapacityPanel,
    gateway_sites,
    satellite_generations,
)
from satcloud.widgets.places import TYPED_PLACE, place_names, resolve_place

__all__ = [
    "AVAILABILITY_OPTIONS",
    "BUDGET_TERMS",
    "CAPACITY_NETWORKS",
    "CAPACITY_TIME",
    "CONSTELLATION_GRIDS",
    "GATEWAY_OPTIONS",
    "LAST_MILE_OPTIONS",
    "LATENCY_GRIDS",
    "LATENCY_NETWORKS",
    "LATENCY_START",
    "TYPED_PLACE",
    "CapacityPanel",
    "ConstellationPanel",
    "LatencyPanel",
    "LinkBudgetPanel",
    "NetworkCapacityPanel",
    "WhatIfApp",
    "available_destinations",
    "default_cell_capacity_mbps",
    "dish_overrides",
    "gateway_sites",
    "parse_query",
    "place_names",
    "resolve_place",
    "satellite_generations",
    "voila_query_string",
]
