"""Link budgets, weather and capacity: from dish to throughput.

One module per physical domain, each model a plain vectorised function with units in
its parameter names:

- :mod:`~satcloud.links.fspl` -- wavelength, slant range, free-space path loss
- :mod:`~satcloud.links.atmosphere` -- ITU-R gas, cloud, rain and scintillation
  (``itur``), cached per place and interpolated over elevation
- :mod:`~satcloud.links.antennas` -- parabolic gain and beamwidth, phased-array scan
  loss, EIRP
- :mod:`~satcloud.links.noise` -- T_sys, G/T, sky noise, C/N0, C/N, Es/N0, Eb/N0,
  C/(N+I)
- :mod:`~satcloud.links.modcod` -- DVB-S2/S2X adaptive coding and modulation, Shannon
- :mod:`~satcloud.links.profiles` -- named, sourced link profiles and bent-pipe chains
- :mod:`~satcloud.links.budget` -- the budget as a tidy DataFrame, hop and end to end
- :mod:`~satcloud.links.capacity` -- channel, beam, satellite, system, per-user
- :mod:`~satcloud.links.availability` -- margin versus time percentage, maps

Examples
--------
>>> from satcloud import links
>>> b = links.link_budget("delportillo_starlink_user_downlink", 1684.0, 40.0,
...                       atm_loss_db=0.53)
>>> round(float(b["cn_db"].iloc[0]), 2)
13.31
"""

from __future__ import annotations

from satcloud.links.antennas import (
    beamwidth_3db_deg,
    eirp_dbw,
    gain_from_beamwidth_dbi,
    parabolic_gain_dbi,
    phased_array_boresight_gain_dbi,
    phased_array_gain_dbi,
    pointing_loss_db,
    scan_angle_deg,
    watts_to_dbw,
)
from satcloud.links.atmosphere import (
    Attenuation,
    atmospheric_attenuation,
    attenuation_cache_info,
    clear_attenuation_cache,
    itur_attenuation,
)
from satcloud.links.availability import (
    availability_for_budget,
    availability_for_margin,
    availability_from_fade_margin,
    availability_map,
    margin_vs_percentage,
)
from satcloud.links.budget import bent_pipe_budget, budget_table, link_budget
from satcloud.links.capacity import (
    beam_capacity_mbps,
    cell_area_km2,
    channels_per_beam,
    max_subscribers,
    per_user_throughput_mbps,
    satellite_capacity_gbps,
    system_capacity,
    user_throughput_table,
)
from satcloud.links.fspl import fspl_db, slant_range_km, wavelength_m
from satcloud.links.modcod import (
    ModcodChoice,
    information_rate_mbps,
    modcod_table,
    select_modcod,
    shannon_capacity_mbps,
    shannon_min_esn0_db,
    symbol_rate_msps,
)
from satcloud.links.noise import (
    BOLTZMANN_DBW_PER_K_HZ,
    cn0_dbhz,
    cn_db,
    combine_ratios_db,
    ebn0_db,
    esn0_db,
    gt_db_per_k,
    noise_temperature_from_figure_k,
    sky_noise_increase_k,
    sky_noise_temperature_k,
    system_noise_temperature_k,
)
from satcloud.links.profiles import (
    BENT_PIPES,
    PROFILES,
    LinkProfile,
    bent_pipe_names,
    describe_profile,
    get_profile,
    profile_names,
    profiles_table,
)

__all__ = [
    "BENT_PIPES",
    "BOLTZMANN_DBW_PER_K_HZ",
    "PROFILES",
    "Attenuation",
    "LinkProfile",
    "ModcodChoice",
    "atmospheric_attenuation",
    "attenuation_cache_info",
    "availability_for_budget",
    "availability_for_margin",
    "availability_from_fade_margin",
    "availability_map",
    "beam_capacity_mbps",
    "beamwidth_3db_deg",
    "bent_pipe_budget",
    "bent_pipe_names",
    "budget_table",
    "cell_area_km2",
    "channels_per_beam",
    "clear_attenuation_cache",
    "cn0_dbhz",
    "cn_db",
    "combine_ratios_db",
    "describe_profile",
    "ebn0_db",
    "eirp_dbw",
    "esn0_db",
    "fspl_db",
    "gain_from_beamwidth_dbi",
    "get_profile",
    "gt_db_per_k",
    "information_rate_mbps",
    "itur_attenuation",
    "link_budget",
    "margin_vs_percentage",
    "max_subscribers",
    "modcod_table",
    "noise_temperature_from_figure_k",
    "parabolic_gain_dbi",
    "per_user_throughput_mbps",
    "phased_array_boresight_gain_dbi",
    "phased_array_gain_dbi",
    "pointing_loss_db",
    "profile_names",
    "profiles_table",
    "satellite_capacity_gbps",
    "scan_angle_deg",
    "select_modcod",
    "shannon_capacity_mbps",
    "shannon_min_esn0_db",
    "sky_noise_increase_k",
    "sky_noise_temperature_k",
    "slant_range_km",
    "symbol_rate_msps",
    "system_capacity",
    "system_noise_temperature_k",
    "user_throughput_table",
    "wavelength_m",
    "watts_to_dbw",
]
