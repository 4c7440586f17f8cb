"""The report's numbers do not move when the code is refactored (issues 11 and 12).

The reference is the small report's headlines (``tests/data/headlines_small_16c4da0.json``);
the current small report (the session-wide ``small_report`` fixture, run once for the
offline and browser tests too) must give the same set of headlines with the same units and
values. It was made by running ``satcloud report --small --out DIR`` and writing
``DIR/headlines.json`` as ``{notebook: {key: {"unit", "value"}}}`` plus a ``_provenance``
note.

History of the reference:

- ``headlines_small_8c6e25c.json``: commit 8c6e25c, the last before input validation
  (issue 11) and restructuring (issue 12).
- ``headlines_small_bfcf10b.json``: the real Starlink ground segment (issue 13,
  point 4). Starlink's bent pipe and laser paths now land at the 261 real gateway sites and
  backhaul over fibre (route factor 2.1) to the user's home PoP before the cloud region;
  before, a gateway sat at each PoP and the gateway -> PoP leg was zero, and the path could
  exit at whichever PoP was nearest the region. Moved (8c6e25c -> bfcf10b):

  * ``00_overview/starlink_pops`` 61 -> 66: the PoP table is the 2026-04-16 list (66 of 73
    located).
  * ``03_latency_to_azure/city_isl_median_ms`` 20.11 -> 27.61 ms (+7.5 ms),
    ``leo_beats_fibre_share`` 73.3 -> 40.0 %, ``remote_leo_gain_ms`` 34.9 -> 10.2 ms: the
    eight cities' and the remote sites' Starlink paths now go through their home PoP
    (Delhi: the Mumbai PoP, with no Indian gateway in the 2024-01 site list, via a Turkish
    gateway and ~98 ms of fibre; Agadez: Niger is not in the feed, so the nearest PoP,
    Lagos, then fibre to France South; Funafuti and McMurdo: Auckland), where the old model
    exited at a PoP next to the region.
  * ``06_modular_datacenter/mdc_median_choice_rtt_ms`` 26.32 -> 62.27 ms,
    ``mdc_starlink_choice_sites`` 7 -> 6, ``mdc_worst_starlink_availability`` 99.9688 ->
    99.9745 %: the remote sites' Starlink round trips rise by the backhaul to their home
    PoPs (McMurdo 55 -> 84 ms, Tabatinga 27 -> 104 ms via the Bogota PoP the feed names for
    Brazil), so one site now picks another backhaul and the worst Starlink-served site is a
    different one.
  * ``07_what_if/whatif_best_median_rtt_ms`` 25.99 -> 58.78 ms: from Nairobi (the panel's
    default) Starlink was the quickest system, exiting at a PoP near the region; its path
    now runs through Kenya's home PoP (the feed names Frankfurt and Lagos, 4 blocks each;
    Lagos is nearer), so fibre, unchanged at 58.78 ms, is now the quickest.

  Every other headline (GEO, MEO, fibre, Kuiper, OneWeb, the competition notebook, which
  passes ``gateways="starlink-pops"``) is unchanged to the last bit.
- ``headlines_small_460a803.json``: issue 13 completed. "Starlink" in notebooks 03
  and 04 is the real constellation of the 2026-04-02 element sets (9,043 operational
  satellites, laser links inferred from its planes) at times inside their validity window
  (from 2026-04-02 00:00 UTC instead of 2020-10-01), with Gen1 as filed beside it; the
  competition notebook's Starlink lands at the real gateways and its home PoPs (it passed
  the PoP sites before); the home PoP follows the feed's regions (Brussels: Frankfurt, the
  only Belgian region's majority); GSO-arc avoidance (22 deg, registry) masks Starlink user
  links. Delay models (issue 14) default to "propagation", which moves nothing. Moved
  (bfcf10b -> 460a803):

  * ``01_constellations``: four new headlines of the real October 2020 section
    (``real_oct2020_operational`` 502, ``real_oct2020_raising`` 268, ``real_oct2020_planes``
    27, ``real_oct2020_coverage_area_percent`` 85.7 % small).
  * ``03_latency_to_azure/city_isl_median_ms`` 27.61 -> 27.75 ms,
    ``leo_beats_fibre_share`` 40.0 -> 33.3 %, ``remote_leo_gain_ms`` 10.2 -> 11.9 ms: the
    real 2026 constellation (gaps in its planes, lowered shells) and the GSO-arc mask
    instead of the filed Gen1 shells in 2020.
  * ``04_competition/starlink_median_rtt_ms`` 17.4 -> 39.3 ms and
    ``starlink_share_cities_won_pct`` 91.7 -> 16.7 %: mostly the ground segment (the same
    2026 snapshots give 17.1 ms with gateways at the PoP sites and 39.3 ms with the real
    gateways and home PoPs; Gen1 as filed gives 45.9 ms with them), so Kuiper, which keeps
    gateways at the PoP sites next to the regions, now wins most cities.
    ``starlink_system_tbps`` 37.6 -> 77.0: 9,043 real satellites instead of 4,408 filed.
    ``kuiper_median_rtt_ms`` 19.9 -> 18.7 ms: the 2026 snapshot times.

  Added at c469e8c (issue 14, point 5; no value moved): ``03_latency_to_azure``
  ``city_isl_idle_median_ms`` (53.7 ms small), ``city_isl_loaded_median_ms`` (100.2 ms) and
  ``leo_beats_fibre_idle_share`` (20 %), the idle and loaded delay models beside the
  propagation headlines.
- ``headlines_small_16c4da0.json`` (current): issues 14 and 15 completed. Every headline of
  460a803 is unchanged to the last bit but one, and 17 are added:

  * moved: ``07_what_if/whatif_best_median_rtt_ms`` 58.78 -> 69.28 ms: the latency panel
    now shows the idle model by default (the label says so); the quickest system from
    Nairobi is still fibre, whose idle round trip adds the FTTH last mile (10.5 ms, FCC
    Measuring Broadband America midpoint, ``data/delay_presets.csv``).
  * added, the idle RTT users measure leading notebooks 00, 04 and 06 (issue 14, point 5):
    ``remote_starlink_idle_median_rtt_ms``, ``remote_fibre_idle_median_rtt_ms`` (00);
    ``starlink_idle_median_rtt_ms``, ``fibre_idle_median_rtt_ms``,
    ``satellite_beats_fibre_idle_share_percent`` (04); ``mdc_isl_idle_median_ms``,
    ``mdc_isl_loaded_median_ms`` (06); the cell map of notebook 03
    (``cell_map_home_idle_median_ms``, ``cell_map_azure_idle_median_ms``).
  * added, network capacity (issue 15): ``mdc_min_site_capacity_gbps`` (06); the what-if
    network capacity panel (``whatif_network_served_percent``,
    ``whatif_network_per_subscriber_mbps``); notebook 09 (``capacity_*``: the 2026 and
    2020 fleets' served shares, the share of subscribers at the claimed 100 Mbit/s, the
    Benin failover).
  * then moved: ``09_capacity/capacity_claim_share_2026_percent`` 0.99 -> 0.59 % (small):
    the "up to 100 Mbps" section shares the network max-min (progressive filling) instead
    of maximising the total, which had starved some cells to fill others.
"""

import json
import math

REFERENCE = "headlines_small_16c4da0.json"

# Relative tolerance: the reference was computed with the same code paths; 1e-9 allows
# only the last-bit differences of a different numpy/numba build, not a model change.
RTOL = 1e-9


def test_small_report_headlines_equal_the_reference(root, small_report):
    proc, out, _ = small_report
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    reference = json.loads((root / "tests" / "data" / REFERENCE).read_text())
    reference.pop("_provenance")
    current = json.loads((out / "headlines.json").read_text())
    got = {nb: {h["key"]: {"value": h["value"], "unit": h["unit"]}
                for h in page["headlines"]}
           for nb, page in current.items()}
    assert sorted(got) == sorted(reference), "notebooks differ from the reference"
    moved = {}
    for nb, heads in reference.items():
        assert sorted(got[nb]) == sorted(heads), f"{nb}: headline keys differ"
        for key, ref in heads.items():
            now = got[nb][key]
            if now["unit"] != ref["unit"] or not math.isclose(now["value"], ref["value"],
                                                              rel_tol=RTOL, abs_tol=0.0):
                moved[f"{nb}/{key}"] = (ref, now)
    assert moved == {}, f"headline numbers moved (reference, now): {moved}"
