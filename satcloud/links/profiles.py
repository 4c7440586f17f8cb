"""Named link profiles: one hop (uplink or downlink) of a system, every field sourced.

A :class:`LinkProfile` holds what a link budget needs besides geometry and weather:
frequency, bandwidth, EIRP, the receiver (dish or G/T), interference, ACM settings.
:func:`get_profile` returns a named profile with any field overridden;
:func:`describe_profile` shows every field with its unit and source, and
:data:`BENT_PIPES` pairs the hops of each system into forward and return chains.

Where a number comes from
-------------------------
- ``delportillo_*``: the worked budgets of del Portillo, Cameron & Crawley, "A
  technical comparison of three low earth orbit satellite constellation systems to
  provide global broadband", Acta Astronautica 159 (2019) 123-135, as reproduced in
  the project's REFERENCE.md (inputs only; that public code writes dBW as "dBm").
  Their antenna gains imply an aperture efficiency of 0.60 (37.7 dBi for 0.7 m and
  38.3 dBi for 0.75 m at 13.5 GHz), used as the default efficiency below.
- Bands, channel widths, terminal apertures and filed EIRPs: REFERENCE.md "Radio
  links" (FCC filings of SpaceX, Amazon Kuiper, OneWeb; SpaceX terminal filings
  UT3-V1/V2). Orbits and minimum elevations: REFERENCE.md "Constellations".
- Everything else is marked **assumption** in the profile's ``sources`` with the
  reasoning; these are defaults for what-if analysis, not facts. Override them.

Frequencies of system profiles are band centres. Channel bandwidths are per carrier;
a gateway carrier feeding several user carriers gives the same C/N per carrier when
power and bandwidth are split in proportion, which is what the bent-pipe chain uses.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from satcloud._validate import check_choice, check_range
from satcloud.links.antennas import check_diameter_m, check_efficiency, parabolic_gain_dbi
from satcloud.links.modcod import STANDARDS

__all__ = [
    "BENT_PIPES",
    "PROFILES",
    "LinkProfile",
    "bent_pipe_names",
    "describe_profile",
    "get_profile",
    "profile_names",
    "profiles_table",
]

_UNITS = [
    ("_dbw_per_k_hz", "dBW/(K Hz)"), ("_db_per_k", "dB/K"), ("_dbhz", "dBHz"),
    ("_dbw", "dBW"), ("_dbi", "dBi"),
    ("_db", "dB"), ("_ghz", "GHz"), ("_mhz", "MHz"), ("_msps", "Msym/s"),
    ("_mbps", "Mbit/s"), ("_gbps", "Gbit/s"), ("_bps_per_hz", "bit/s/Hz"), ("_km", "km"),
    ("_deg", "deg"), ("_percent", "%"), ("_k", "K"), ("_m", "m"),
]


def unit_of(name: str) -> str:
    """Unit implied by a name's suffix (``eirp_dbw`` -> ``dBW``), ``""`` if none."""
    for suffix, unit in _UNITS:
        if name.endswith(suffix):
            return unit
    return ""


@dataclass(frozen=True)
class LinkProfile:
    """One hop of a satellite link, with the source of every field.

    Attributes
    ----------
    name : str
        Profile name, e.g. ``"starlink_user_downlink"``.
    system : str
        Constellation or system, e.g. ``"Starlink"``.
    segment : {"user", "gateway"}
        Which ground segment the hop serves.
    direction : {"downlink", "uplink"}
        ``downlink``: satellite -> ground (the ground end receives);
        ``uplink``: ground -> satellite.
    freq_ghz : float
        Carrier frequency. [GHz]
    bandwidth_mhz : float
        Carrier (channel) bandwidth; also the noise bandwidth of C/N. [MHz]
    roll_off : float
        Raised-cosine roll-off alpha; symbol rate = bandwidth / (1 + alpha). [-]
    eirp_dbw : float
        Transmitter EIRP per carrier towards the receiver. [dBW]
    rx_antenna_diameter_m : float or None
        Receive dish diameter (gain from it when ``rx_gain_dbi`` is None). [m]
    rx_antenna_efficiency : float
        Receive aperture efficiency. [-]
    rx_gain_dbi : float or None
        Receive antenna gain, if given directly. [dBi]
    rx_system_noise_temp_k : float or None
        Receiver system noise temperature in clear sky. [K]
    rx_gt_db_per_k : float or None
        Receiver G/T, if given directly (overrides gain and temperature). [dB/K]
    ground_antenna_diameter_m : float
        Diameter of the ground antenna (either end), for scintillation. [m]
    ground_antenna_efficiency : float
        Efficiency of the ground antenna, for scintillation. [-]
    ground_scan_loss_exponent : float or None
        If the ground terminal is a flat phased array: n of its ``cos^n`` scan loss,
        applied to the rx gain (downlink) or the EIRP (uplink); None for a steered
        reflector (no scan loss). [-]
    ground_boresight_elevation_deg : float
        Elevation of the array normal (90 = panel lying flat); the scan angle is
        ``|boresight - elevation|`` (satellite assumed in the tilt plane). [deg]
    polarization_tilt_deg : float
        Polarisation tilt for rain attenuation (45 = circular). [deg]
    other_losses_db : float
        Pointing, polarisation mismatch and other losses. [dB]
    c_aci_db, c_asi_db, c_xpi_db, c_3im_db : float
        Carrier to adjacent-channel, adjacent-satellite, cross-polar and third-order
        intermodulation interference ratios; ``inf`` for none. [dB]
    implementation_margin_db : float
        Added to every MODCOD threshold. [dB]
    modcod_standards : tuple of str
        MODCOD families the modem supports (``"DVB-S2"``, ``"DVB-S2X"``).
    altitude_km : float
        Satellite altitude, for slant range when only elevation is given. [km]
    min_elevation_deg : float
        Minimum operational elevation of the system (rows below it are flagged). [deg]
    p_percent : float
        Default percentage of time the atmospheric attenuation is exceeded. [%]
    rain_sky_noise : bool
        Add the sky-noise rise caused by rain and cloud to a ground receiver's T_sys.
    sources : mapping
        Field -> source or ``"assumption: ..."``.
    """

    name: str
    system: str
    segment: str
    direction: str
    freq_ghz: float
    bandwidth_mhz: float
    roll_off: float
    eirp_dbw: float
    rx_antenna_diameter_m: float | None
    rx_antenna_efficiency: float
    rx_gain_dbi: float | None
    rx_system_noise_temp_k: float | None
    rx_gt_db_per_k: float | None
    ground_antenna_diameter_m: float
    ground_antenna_efficiency: float
    ground_scan_loss_exponent: float | None
    ground_boresight_elevation_deg: float
    polarization_tilt_deg: float
    other_losses_db: float
    c_aci_db: float
    c_asi_db: float
    c_xpi_db: float
    c_3im_db: float
    implementation_margin_db: float
    modcod_standards: tuple
    altitude_km: float
    min_elevation_deg: float
    p_percent: float
    rain_sky_noise: bool
    sources: MappingProxyType = field(default_factory=lambda: MappingProxyType({}),
                                      compare=False, repr=False)

    def __post_init__(self):
        check_choice(self.segment, "segment", ("user", "gateway"))
        check_choice(self.direction, "direction", ("downlink", "uplink"))
        check_range(self.freq_ghz, "freq_ghz", 0.0, None, low_open=True, unit="GHz", finite=True)
        check_range(self.bandwidth_mhz, "bandwidth_mhz", 0.0, None, low_open=True,
                    unit="MHz", finite=True)
        check_range(self.roll_off, "roll_off", 0.0, 1.0)
        check_range(self.eirp_dbw, "eirp_dbw", -100.0, 150.0, unit="dBW")
        if self.rx_antenna_diameter_m is not None:
            check_diameter_m(self.rx_antenna_diameter_m, "rx_antenna_diameter_m")
        check_efficiency(self.rx_antenna_efficiency, "rx_antenna_efficiency")
        if self.rx_system_noise_temp_k is not None:
            check_range(self.rx_system_noise_temp_k, "rx_system_noise_temp_k", 0.0, None,
                        low_open=True, unit="K", finite=True)
        check_diameter_m(self.ground_antenna_diameter_m, "ground_antenna_diameter_m")
        check_efficiency(self.ground_antenna_efficiency, "ground_antenna_efficiency")
        if self.ground_scan_loss_exponent is not None:
            check_range(self.ground_scan_loss_exponent, "ground_scan_loss_exponent", 0.0,
                        10.0)
        check_range(self.ground_boresight_elevation_deg, "ground_boresight_elevation_deg",
                    0.0, 90.0, low_open=True, unit="deg")
        check_range(self.polarization_tilt_deg, "polarization_tilt_deg", 0.0, 90.0,
                    unit="deg")
        check_range(self.other_losses_db, "other_losses_db", 0.0, None, unit="dB", finite=True)
        for name in ("c_aci_db", "c_asi_db", "c_xpi_db", "c_3im_db"):
            # +inf is meaningful here: no interference of that kind
            check_range(getattr(self, name), name, -50.0, None, unit="dB")
        check_range(self.implementation_margin_db, "implementation_margin_db", 0.0, 20.0,
                    unit="dB")
        stds = self.modcod_standards
        if isinstance(stds, str) or not stds:
            raise TypeError(f"modcod_standards must be a non-empty tuple of {STANDARDS}, "
                            f"got {stds!r}")
        for s in stds:
            check_choice(s, "modcod_standards", STANDARDS)
        check_range(self.altitude_km, "altitude_km", 0.0, None, low_open=True, unit="km",
                    finite=True)
        check_range(self.min_elevation_deg, "min_elevation_deg", 0.0, 90.0, unit="deg")
        check_range(self.p_percent, "p_percent", 0.001, 5.0, unit="%")
        if not isinstance(self.rain_sky_noise, bool | np.bool_):
            raise TypeError(f"rain_sky_noise must be True or False, got "
                            f"{self.rain_sky_noise!r}")
        for name, unit in (("rx_gain_dbi", "dBi"), ("rx_gt_db_per_k", "dB/K")):
            if getattr(self, name) is not None:
                check_range(getattr(self, name), name, None, None, unit=unit, finite=True)
        if self.rx_gt_db_per_k is None:
            if self.rx_system_noise_temp_k is None:
                raise ValueError(f"profile {self.name!r}: give rx_gt_db_per_k or "
                                 "rx_system_noise_temp_k")
            if self.rx_gain_dbi is None and self.rx_antenna_diameter_m is None:
                raise ValueError(f"profile {self.name!r}: give rx_gt_db_per_k, rx_gain_dbi "
                                 "or rx_antenna_diameter_m")
        if (self.direction == "downlink" and self.rain_sky_noise
                and self.rx_system_noise_temp_k is None):
            raise ValueError(f"profile {self.name!r}: rain_sky_noise needs "
                             "rx_system_noise_temp_k (the clear-sky T_sys)")

    # derived quantities ----------------------------------------------------------
    @property
    def rx_gain(self) -> float | None:
        """Receive gain: ``rx_gain_dbi``, else from the dish, else None. [dBi]"""
        if self.rx_gain_dbi is not None:
            return float(self.rx_gain_dbi)
        if self.rx_antenna_diameter_m is not None:
            return float(parabolic_gain_dbi(self.rx_antenna_diameter_m, self.freq_ghz,
                                            self.rx_antenna_efficiency))
        return None

    @property
    def rx_gt(self) -> float:
        """Clear-sky receiver G/T: ``rx_gt_db_per_k`` or gain - 10 log10 T_sys. [dB/K]"""
        if self.rx_gt_db_per_k is not None:
            return float(self.rx_gt_db_per_k)
        return self.rx_gain - 10.0 * float(np.log10(self.rx_system_noise_temp_k))

    @classmethod
    def field_names(cls) -> list[str]:
        """Names of the overridable fields (all but ``name`` and ``sources``)."""
        return [f.name for f in dataclasses.fields(cls) if f.name not in ("name", "sources")]

    def replace(self, **overrides) -> LinkProfile:
        """A copy with some fields changed; the source of a changed field becomes
        ``"override"``. Unknown field names raise ``ValueError`` listing the valid ones."""
        valid = self.field_names()
        for key in overrides:
            if key not in valid:
                check_choice(key, "profile field", valid)
        sources = dict(self.sources)
        sources.update({k: "override" for k in overrides})
        return dataclasses.replace(self, **overrides, sources=MappingProxyType(sources))


# ---------------------------------------------------------------------------- data

_DP = ("del Portillo, Cameron & Crawley, Acta Astronautica 159 (2019), worked link "
       "budget (REFERENCE.md)")
_REF_LINKS = "REFERENCE.md 'Radio links'"
_REF_SHELLS = "REFERENCE.md 'Constellations'"

#: Defaults shared by every profile unless it says otherwise, with sources.
_COMMON = {
    "roll_off": (0.1, "assumption: DVB-S2X roll-off 0.10 (EN 302 307-2 allows 0.05-0.35)"),
    "rx_antenna_efficiency": (0.6, "del Portillo 2019 dish gains imply 0.60 (37.7 dBi, "
                                   "0.7 m, 13.5 GHz)"),
    "rx_antenna_diameter_m": (None, "not used (gain or G/T given)"),
    "rx_gain_dbi": (None, "computed from rx_antenna_diameter_m and efficiency "
                          "(Maral & Bousquet ch. 5)"),
    "rx_system_noise_temp_k": (None, "not used (G/T given)"),
    "rx_gt_db_per_k": (None, "computed as rx gain - 10 log10 T_sys"),
    "ground_antenna_efficiency": (0.6, "as rx_antenna_efficiency"),
    "ground_scan_loss_exponent": (None, "assumption: the terminal's gain is taken at its "
                                        "pointing direction (steered dish; for a flat "
                                        "phased array set n ~ 1.2, Mailloux 2017)"),
    "ground_boresight_elevation_deg": (90.0, "assumption: flat panel facing the zenith "
                                             "(used only with a scan-loss exponent)"),
    "polarization_tilt_deg": (45.0, "assumption: circular polarisation (tau = 45 deg, "
                                    "ITU-R P.838-3)"),
    "other_losses_db": (0.5, "assumption: 0.5 dB pointing + polarisation mismatch"),
    "c_aci_db": (27.0, "assumption within the 25-30 dB of del Portillo 2019"),
    "c_asi_db": (27.0, "assumption within the 25-30 dB of del Portillo 2019"),
    "c_xpi_db": (25.0, "assumption within the 25-30 dB of del Portillo 2019"),
    "c_3im_db": (30.0, "assumption within the 25-30 dB of del Portillo 2019"),
    "implementation_margin_db": (0.5, "assumption: 0.5 dB demodulator implementation "
                                      "margin over the ETSI AWGN thresholds"),
    "modcod_standards": (("DVB-S2", "DVB-S2X"), "assumption: DVB-S2X modem (decodes "
                                                 "DVB-S2 too) as the ACM proxy"),
    "rain_sky_noise": (True, "ITU-R P.618-13 section 3 sky noise under rain "
                             "(downlinks only)"),
}

_USER_P = (0.5, "assumption: user links dimensioned for 99.5 % of the year")
_GW_P = (0.1, "assumption: gateways dimensioned for 99.9 % of the year")


def _a(value, why):
    return (value, f"assumption: {why}")


#: The raw profile definitions: field -> (value, source).
_DEFS: dict[str, dict] = {
    # ---------------- del Portillo et al. (2019), exactly as published ----------------
    "delportillo_starlink_user_downlink": {
        "system": ("Starlink", _DP), "segment": ("user", _DP),
        "direction": ("downlink", _DP),
        "freq_ghz": (13.5, _DP), "bandwidth_mhz": (250.0, _DP), "eirp_dbw": (36.7, _DP),
        "rx_antenna_diameter_m": (0.7, _DP), "rx_gain_dbi": (37.7, _DP),
        "rx_system_noise_temp_k": (362.9, _DP), "ground_antenna_diameter_m": (0.7, _DP),
        "other_losses_db": (0.0, _DP + " (none listed)"),
        "altitude_km": (550.0, _REF_SHELLS), "min_elevation_deg": (25.0, _REF_SHELLS),
        "p_percent": _USER_P, "rain_sky_noise": (False, _DP + " (fixed T_sys)"),
    },
    "delportillo_starlink_gateway_uplink": {
        "system": ("Starlink", _DP), "segment": ("gateway", _DP),
        "direction": ("uplink", _DP),
        "freq_ghz": (28.5, _DP), "bandwidth_mhz": (500.0, _DP), "eirp_dbw": (68.4, _DP),
        "rx_gt_db_per_k": (13.6, _DP), "ground_antenna_diameter_m": (3.5, _DP),
        "other_losses_db": (0.0, _DP + " (none listed)"),
        "altitude_km": (550.0, _REF_SHELLS), "min_elevation_deg": (25.0, _REF_SHELLS),
        "p_percent": _GW_P, "rain_sky_noise": (False, _DP),
    },
    "delportillo_telesat_user_downlink": {
        "system": ("Telesat", _DP), "segment": ("user", _DP),
        "direction": ("downlink", _DP),
        "freq_ghz": (13.5, _DP), "bandwidth_mhz": (250.0, _DP), "eirp_dbw": (34.6, _DP),
        "rx_antenna_diameter_m": (0.75, _DP), "rx_gain_dbi": (38.3, _DP),
        "rx_system_noise_temp_k": (350.1, _DP), "ground_antenna_diameter_m": (0.75, _DP),
        "other_losses_db": (0.0, _DP + " (none listed)"),
        "altitude_km": (1015.0, _REF_SHELLS), "min_elevation_deg": (10.0, _REF_SHELLS),
        "p_percent": _USER_P, "rain_sky_noise": (False, _DP + " (fixed T_sys)"),
    },
    "delportillo_telesat_gateway_uplink": {
        "system": ("Telesat", _DP), "segment": ("gateway", _DP),
        "direction": ("uplink", _DP),
        "freq_ghz": (28.5, _DP), "bandwidth_mhz": (2100.0, _DP), "eirp_dbw": (75.9, _DP),
        "rx_gt_db_per_k": (2.4, _DP), "ground_antenna_diameter_m": (3.5, _DP),
        "other_losses_db": (0.0, _DP + " (none listed)"),
        "altitude_km": (1015.0, _REF_SHELLS), "min_elevation_deg": (10.0, _REF_SHELLS),
        "p_percent": _GW_P, "rain_sky_noise": (False, _DP),
    },
    # ---------------- Starlink (Gen1 shell 550 km, 25 deg) ----------------
    "starlink_user_downlink": {
        "system": ("Starlink", _REF_LINKS), "segment": ("user", _REF_LINKS),
        "direction": ("downlink", _REF_LINKS),
        "freq_ghz": (11.7, _REF_LINKS + ": centre of the 10.7-12.7 GHz Ku downlink"),
        "bandwidth_mhz": (250.0, _REF_LINKS + ": 250 MHz channel spacing"),
        "roll_off": (0.05, "assumption: 240 MHz occupied of 250 MHz (REFERENCE.md) is "
                           "close to a 0.05 roll-off (the OFDM waveform is modelled by "
                           "DVB-S2X)"),
        "eirp_dbw": (36.7, _DP + " (Starlink satellite EIRP per channel)"),
        "rx_antenna_diameter_m": (0.48, _REF_LINKS + ": first dish 0.48 m aperture"),
        "rx_system_noise_temp_k": (362.9, _DP + " (user terminal T_sys)"),
        "ground_antenna_diameter_m": (0.48, _REF_LINKS),
        "altitude_km": (550.0, _REF_SHELLS), "min_elevation_deg": (25.0, _REF_SHELLS),
        "p_percent": _USER_P,
    },
    "starlink_user_uplink": {
        "system": ("Starlink", _REF_LINKS), "segment": ("user", _REF_LINKS),
        "direction": ("uplink", _REF_LINKS),
        "freq_ghz": (14.25, _REF_LINKS + ": centre of the 14.0-14.5 GHz Ku uplink"),
        "bandwidth_mhz": _a(62.5, "62.5 MHz uplink carrier (a quarter of a 250 MHz "
                                  "channel)"),
        "eirp_dbw": (39.2, _REF_LINKS + ": filed maximum EIRP of terminal UT3-V2 (the "
                                        "lower of the two filings)"),
        "rx_gain_dbi": (43.0, "from the ~1.2 deg satellite beamwidth (REFERENCE.md, "
                              "secondary) via G = eta (70 pi / theta)^2, eta = 0.6"),
        "rx_system_noise_temp_k": _a(460.0, "290 K Earth-viewing antenna + 2 dB NF "
                                            "receiver (170 K)"),
        "ground_antenna_diameter_m": (0.48, _REF_LINKS),
        "altitude_km": (550.0, _REF_SHELLS), "min_elevation_deg": (25.0, _REF_SHELLS),
        "p_percent": _USER_P,
    },
    "starlink_gateway_downlink": {
        "system": ("Starlink", _REF_LINKS), "segment": ("gateway", _REF_LINKS),
        "direction": ("downlink", _REF_LINKS),
        "freq_ghz": (18.55, _REF_LINKS + ": centre of the 17.8-19.3 GHz Ka downlink"),
        "bandwidth_mhz": _a(250.0, "250 MHz carriers as on the user side"),
        "eirp_dbw": _a(45.0, "gateway-beam EIRP per carrier (not published)"),
        "rx_antenna_diameter_m": (1.85, _REF_LINKS + ": 1.85 m gateway antennas"),
        "rx_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "rx_system_noise_temp_k": _a(250.0, "gateway LNA + clear-sky antenna temperature"),
        "ground_antenna_diameter_m": (1.85, _REF_LINKS),
        "ground_antenna_efficiency": _a(0.65, "as rx_antenna_efficiency"),
        "altitude_km": (550.0, _REF_SHELLS), "min_elevation_deg": (25.0, _REF_SHELLS),
        "p_percent": _GW_P,
    },
    "starlink_gateway_uplink": {
        "system": ("Starlink", _REF_LINKS), "segment": ("gateway", _REF_LINKS),
        "direction": ("uplink", _REF_LINKS),
        "freq_ghz": (28.5, _DP + " (inside the 27.5-30.0 GHz Ka uplink)"),
        "bandwidth_mhz": (500.0, _DP), "eirp_dbw": (68.4, _DP),
        "rx_gt_db_per_k": (13.6, _DP),
        "ground_antenna_diameter_m": (1.85, _REF_LINKS + ": 1.85 m gateway antennas"),
        "ground_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "altitude_km": (550.0, _REF_SHELLS), "min_elevation_deg": (25.0, _REF_SHELLS),
        "p_percent": _GW_P,
    },
    # ---------------- Amazon Kuiper (630 km shell, 35 deg) ----------------
    "kuiper_user_downlink": {
        "system": ("Kuiper", _REF_LINKS), "segment": ("user", _REF_LINKS),
        "direction": ("downlink", _REF_LINKS),
        "freq_ghz": (18.95, _REF_LINKS + ": centre of the 17.7-20.2 GHz Ka downlink"),
        "bandwidth_mhz": _a(250.0, "250 MHz carriers, as Starlink"),
        "eirp_dbw": _a(36.7, "equal to del Portillo's Starlink per-channel EIRP"),
        "rx_antenna_diameter_m": _a(0.28, "Amazon's 2023 'standard' terminal, < 11 in "
                                          "(press release, secondary)"),
        "rx_system_noise_temp_k": _a(300.0, "flat-panel Ka terminal"),
        "ground_antenna_diameter_m": _a(0.28, "as rx_antenna_diameter_m"),
        "altitude_km": (630.0, _REF_SHELLS), "min_elevation_deg": (35.0, _REF_SHELLS),
        "p_percent": _USER_P,
    },
    "kuiper_user_uplink": {
        "system": ("Kuiper", _REF_LINKS), "segment": ("user", _REF_LINKS),
        "direction": ("uplink", _REF_LINKS),
        "freq_ghz": (28.75, _REF_LINKS + ": centre of the 27.5-30.0 GHz Ka uplink"),
        "bandwidth_mhz": _a(100.0, "100 MHz return carrier"),
        "eirp_dbw": _a(38.0, "2 W into a 0.28 m aperture (36 dBi at 28.75 GHz)"),
        "rx_gt_db_per_k": _a(15.0, "satellite user-beam receive G/T"),
        "ground_antenna_diameter_m": _a(0.28, "Amazon 2023 standard terminal"),
        "altitude_km": (630.0, _REF_SHELLS), "min_elevation_deg": (35.0, _REF_SHELLS),
        "p_percent": _USER_P,
    },
    "kuiper_gateway_downlink": {
        "system": ("Kuiper", _REF_LINKS), "segment": ("gateway", _REF_LINKS),
        "direction": ("downlink", _REF_LINKS),
        "freq_ghz": (18.95, _REF_LINKS + ": Ka downlink band centre"),
        "bandwidth_mhz": _a(500.0, "500 MHz gateway carriers"),
        "eirp_dbw": _a(48.0, "gateway-beam EIRP per carrier"),
        "rx_antenna_diameter_m": _a(2.4, "gateway reflector"),
        "rx_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "rx_system_noise_temp_k": _a(250.0, "gateway LNA + clear-sky antenna temperature"),
        "ground_antenna_diameter_m": _a(2.4, "gateway reflector"),
        "ground_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "altitude_km": (630.0, _REF_SHELLS), "min_elevation_deg": (35.0, _REF_SHELLS),
        "p_percent": _GW_P,
    },
    "kuiper_gateway_uplink": {
        "system": ("Kuiper", _REF_LINKS), "segment": ("gateway", _REF_LINKS),
        "direction": ("uplink", _REF_LINKS),
        "freq_ghz": (28.75, _REF_LINKS + ": Ka uplink band centre"),
        "bandwidth_mhz": _a(500.0, "as del Portillo's Starlink gateway uplink"),
        "eirp_dbw": _a(68.4, "as del Portillo's Starlink gateway uplink"),
        "rx_gt_db_per_k": _a(13.6, "as del Portillo's Starlink satellite"),
        "ground_antenna_diameter_m": _a(2.4, "gateway reflector"),
        "ground_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "altitude_km": (630.0, _REF_SHELLS), "min_elevation_deg": (35.0, _REF_SHELLS),
        "p_percent": _GW_P,
    },
    # ---------------- OneWeb (1,200 km, 55 deg) ----------------
    "oneweb_user_downlink": {
        "system": ("OneWeb", _REF_LINKS), "segment": ("user", _REF_LINKS),
        "direction": ("downlink", _REF_LINKS),
        "freq_ghz": (11.7, _REF_LINKS + ": Ku user links (10.7-12.7 GHz centre)"),
        "bandwidth_mhz": (250.0, _REF_LINKS + ": 250 MHz forward carriers"),
        "eirp_dbw": _a(35.0, "wide fixed beams (16 per satellite) at 1,200 km"),
        "rx_antenna_diameter_m": _a(0.7, "as del Portillo's user terminal"),
        "rx_system_noise_temp_k": (362.9, _DP + " (user terminal T_sys, reused)"),
        "ground_antenna_diameter_m": _a(0.7, "as rx_antenna_diameter_m"),
        "altitude_km": (1200.0, _REF_SHELLS), "min_elevation_deg": (55.0, _REF_SHELLS),
        "p_percent": _USER_P,
    },
    "oneweb_user_uplink": {
        "system": ("OneWeb", _REF_LINKS), "segment": ("user", _REF_LINKS),
        "direction": ("uplink", _REF_LINKS),
        "freq_ghz": (14.25, _REF_LINKS + ": Ku uplink (14.0-14.5 GHz centre)"),
        "bandwidth_mhz": _a(20.0, "20 MHz return carrier"),
        "eirp_dbw": _a(35.0, "2 W into a 0.7 m dish (38 dBi at 14.25 GHz) minus losses"),
        "rx_gt_db_per_k": _a(2.0, "wide fixed receive beams (16 per satellite)"),
        "ground_antenna_diameter_m": _a(0.7, "as the downlink terminal"),
        "altitude_km": (1200.0, _REF_SHELLS), "min_elevation_deg": (55.0, _REF_SHELLS),
        "p_percent": _USER_P,
    },
    "oneweb_gateway_downlink": {
        "system": ("OneWeb", _REF_LINKS), "segment": ("gateway", _REF_LINKS),
        "direction": ("downlink", _REF_LINKS),
        "freq_ghz": (18.55, _REF_LINKS + ": Ka gateways (17.8-19.3 GHz centre)"),
        "bandwidth_mhz": _a(500.0, "500 MHz gateway carriers"),
        "eirp_dbw": _a(45.0, "gateway-beam EIRP per carrier"),
        "rx_antenna_diameter_m": _a(2.4, "gateway reflector"),
        "rx_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "rx_system_noise_temp_k": _a(250.0, "gateway LNA + clear-sky antenna temperature"),
        "ground_antenna_diameter_m": _a(2.4, "gateway reflector"),
        "ground_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "altitude_km": (1200.0, _REF_SHELLS), "min_elevation_deg": (55.0, _REF_SHELLS),
        "p_percent": _GW_P,
    },
    "oneweb_gateway_uplink": {
        "system": ("OneWeb", _REF_LINKS), "segment": ("gateway", _REF_LINKS),
        "direction": ("uplink", _REF_LINKS),
        "freq_ghz": (28.75, _REF_LINKS + ": Ka gateways (27.5-30.0 GHz centre)"),
        "bandwidth_mhz": _a(500.0, "as del Portillo's Starlink gateway uplink"),
        "eirp_dbw": _a(68.4, "as del Portillo's Starlink gateway uplink"),
        "rx_gt_db_per_k": _a(13.6, "as del Portillo's Starlink satellite"),
        "ground_antenna_diameter_m": _a(2.4, "gateway reflector"),
        "ground_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "altitude_km": (1200.0, _REF_SHELLS), "min_elevation_deg": (55.0, _REF_SHELLS),
        "p_percent": _GW_P,
    },
    # ---------------- Telesat Lightspeed (1,015 km polar shell, 10 deg) ----------------
    "telesat_user_downlink": {
        "system": ("Telesat", _DP), "segment": ("user", _DP),
        "direction": ("downlink", _DP),
        "freq_ghz": (13.5, _DP + " (Telesat files Ka user links: override freq_ghz)"),
        "bandwidth_mhz": (250.0, _DP), "eirp_dbw": (34.6, _DP),
        "rx_antenna_diameter_m": (0.75, _DP), "rx_gain_dbi": (38.3, _DP),
        "rx_system_noise_temp_k": (350.1, _DP), "ground_antenna_diameter_m": (0.75, _DP),
        "altitude_km": (1015.0, _REF_SHELLS), "min_elevation_deg": (10.0, _REF_SHELLS),
        "p_percent": _USER_P,
    },
    "telesat_user_uplink": {
        "system": ("Telesat", _REF_SHELLS), "segment": ("user", "definition"),
        "direction": ("uplink", "definition"),
        "freq_ghz": _a(28.75, "Ka user uplink (27.5-30.0 GHz centre)"),
        "bandwidth_mhz": _a(100.0, "100 MHz return carrier"),
        "eirp_dbw": _a(45.0, "2 W into the 0.75 m terminal (44.6 dBi at 28.75 GHz)"),
        "rx_gt_db_per_k": (2.4, _DP + " (satellite G/T of the gateway uplink, reused)"),
        "ground_antenna_diameter_m": (0.75, _DP),
        "altitude_km": (1015.0, _REF_SHELLS), "min_elevation_deg": (10.0, _REF_SHELLS),
        "p_percent": _USER_P,
    },
    "telesat_gateway_downlink": {
        "system": ("Telesat", _REF_SHELLS), "segment": ("gateway", "definition"),
        "direction": ("downlink", "definition"),
        "freq_ghz": _a(18.55, "Ka downlink (17.8-19.3 GHz centre)"),
        "bandwidth_mhz": _a(500.0, "500 MHz gateway carriers"),
        "eirp_dbw": _a(48.0, "gateway-beam EIRP per carrier"),
        "rx_antenna_diameter_m": (3.5, _DP + " (gateway dish)"),
        "rx_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "rx_system_noise_temp_k": _a(250.0, "gateway LNA + clear-sky antenna temperature"),
        "ground_antenna_diameter_m": (3.5, _DP),
        "ground_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "altitude_km": (1015.0, _REF_SHELLS), "min_elevation_deg": (10.0, _REF_SHELLS),
        "p_percent": _GW_P,
    },
    "telesat_gateway_uplink": {
        "system": ("Telesat", _DP), "segment": ("gateway", _DP),
        "direction": ("uplink", _DP),
        "freq_ghz": (28.5, _DP), "bandwidth_mhz": (2100.0, _DP), "eirp_dbw": (75.9, _DP),
        "rx_gt_db_per_k": (2.4, _DP), "ground_antenna_diameter_m": (3.5, _DP),
        "ground_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "altitude_km": (1015.0, _REF_SHELLS), "min_elevation_deg": (10.0, _REF_SHELLS),
        "p_percent": _GW_P,
    },
    # ---------------- GEO high-throughput Ka (ViaSat/Jupiter class) ----------------
    "geo_hts_user_downlink": {
        "system": ("GEO HTS", _REF_SHELLS), "segment": ("user", "definition"),
        "direction": ("downlink", "definition"),
        "freq_ghz": _a(19.95, "Ka user downlink 19.7-20.2 GHz centre"),
        "bandwidth_mhz": _a(250.0, "250 MHz carriers per spot beam"),
        "eirp_dbw": _a(60.0, "typical Ka HTS spot-beam EIRP per carrier"),
        "rx_antenna_diameter_m": _a(0.75, "typical Ka consumer dish"),
        "rx_antenna_efficiency": _a(0.65, "offset reflector efficiency"),
        "rx_system_noise_temp_k": _a(250.0, "Ka LNB (NF ~2 dB) + clear-sky antenna"),
        "ground_antenna_diameter_m": _a(0.75, "as rx_antenna_diameter_m"),
        "ground_antenna_efficiency": _a(0.65, "offset reflector efficiency"),
        "roll_off": _a(0.2, "DVB-S2 roll-off 0.20"),
        "altitude_km": (35786.0, _REF_SHELLS), "min_elevation_deg": _a(20.0, "10-20 deg "
                                                                             "per "
                                                                             "REFERENCE.md"),
        "p_percent": _USER_P,
    },
    "geo_hts_user_uplink": {
        "system": ("GEO HTS", _REF_SHELLS), "segment": ("user", "definition"),
        "direction": ("uplink", "definition"),
        "freq_ghz": _a(29.75, "Ka user uplink 29.5-30.0 GHz centre"),
        "bandwidth_mhz": _a(10.0, "10 MHz return carrier (MF-TDMA)"),
        "eirp_dbw": _a(50.0, "3 W BUC into a 0.75 m dish (45.5 dBi)"),
        "rx_gt_db_per_k": _a(20.0, "narrow spot-beam receive G/T"),
        "ground_antenna_diameter_m": _a(0.75, "typical Ka consumer dish"),
        "ground_antenna_efficiency": _a(0.65, "offset reflector efficiency"),
        "roll_off": _a(0.2, "DVB-S2 roll-off 0.20"),
        "altitude_km": (35786.0, _REF_SHELLS), "min_elevation_deg": _a(20.0, "10-20 deg "
                                                                             "per "
                                                                             "REFERENCE.md"),
        "p_percent": _USER_P,
    },
    "geo_hts_gateway_downlink": {
        "system": ("GEO HTS", _REF_SHELLS), "segment": ("gateway", "definition"),
        "direction": ("downlink", "definition"),
        "freq_ghz": _a(18.2, "Ka gateway downlink 17.7-18.7 GHz"),
        "bandwidth_mhz": _a(500.0, "500 MHz gateway carriers"),
        "eirp_dbw": _a(62.0, "gateway-beam EIRP per carrier"),
        "rx_antenna_diameter_m": _a(7.0, "GEO gateway reflector"),
        "rx_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "rx_system_noise_temp_k": _a(200.0, "cooled-free gateway LNA + clear sky"),
        "ground_antenna_diameter_m": _a(7.0, "GEO gateway reflector"),
        "ground_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "roll_off": _a(0.2, "DVB-S2 roll-off 0.20"),
        "altitude_km": (35786.0, _REF_SHELLS), "min_elevation_deg": _a(20.0, "10-20 deg "
                                                                             "per "
                                                                             "REFERENCE.md"),
        "p_percent": _GW_P,
    },
    "geo_hts_gateway_uplink": {
        "system": ("GEO HTS", _REF_SHELLS), "segment": ("gateway", "definition"),
        "direction": ("uplink", "definition"),
        "freq_ghz": _a(28.1, "Ka gateway uplink 27.5-28.6 GHz"),
        "bandwidth_mhz": _a(500.0, "500 MHz gateway carriers"),
        "eirp_dbw": _a(75.0, "large gateway HPA into a 7 m dish"),
        "rx_gt_db_per_k": _a(20.0, "gateway-beam receive G/T"),
        "ground_antenna_diameter_m": _a(7.0, "GEO gateway reflector"),
        "ground_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "roll_off": _a(0.2, "DVB-S2 roll-off 0.20"),
        "altitude_km": (35786.0, _REF_SHELLS), "min_elevation_deg": _a(20.0, "10-20 deg "
                                                                             "per "
                                                                             "REFERENCE.md"),
        "p_percent": _GW_P,
    },
    # ---------------- SES O3b mPOWER (MEO 8,062 km) ----------------
    "o3b_mpower_user_downlink": {
        "system": ("O3b mPOWER", _REF_SHELLS), "segment": ("user", "definition"),
        "direction": ("downlink", "definition"),
        "freq_ghz": _a(19.0, "Ka downlink 17.8-20.2 GHz"),
        "bandwidth_mhz": _a(500.0, "500 MHz carriers"),
        "eirp_dbw": _a(55.0, "steerable MEO spot-beam EIRP per carrier"),
        "rx_antenna_diameter_m": _a(1.2, "tracking Ka terminal"),
        "rx_antenna_efficiency": _a(0.65, "reflector efficiency"),
        "rx_system_noise_temp_k": _a(200.0, "Ka LNA + clear-sky antenna"),
        "ground_antenna_diameter_m": _a(1.2, "tracking Ka terminal"),
        "ground_antenna_efficiency": _a(0.65, "reflector efficiency"),
        "altitude_km": (8062.0, _REF_SHELLS), "min_elevation_deg": (10.0, _REF_SHELLS),
        "p_percent": _USER_P,
    },
    "o3b_mpower_user_uplink": {
        "system": ("O3b mPOWER", _REF_SHELLS), "segment": ("user", "definition"),
        "direction": ("uplink", "definition"),
        "freq_ghz": _a(28.75, "Ka uplink 27.5-30.0 GHz centre"),
        "bandwidth_mhz": _a(100.0, "100 MHz return carrier"),
        "eirp_dbw": _a(55.0, "4 W into a 1.2 m dish (49 dBi at 28.75 GHz)"),
        "rx_gt_db_per_k": _a(10.0, "satellite spot-beam receive G/T"),
        "ground_antenna_diameter_m": _a(1.2, "tracking Ka terminal"),
        "ground_antenna_efficiency": _a(0.65, "reflector efficiency"),
        "altitude_km": (8062.0, _REF_SHELLS), "min_elevation_deg": (10.0, _REF_SHELLS),
        "p_percent": _USER_P,
    },
    "o3b_mpower_gateway_downlink": {
        "system": ("O3b mPOWER", _REF_SHELLS), "segment": ("gateway", "definition"),
        "direction": ("downlink", "definition"),
        "freq_ghz": _a(18.5, "Ka downlink"),
        "bandwidth_mhz": _a(500.0, "500 MHz gateway carriers"),
        "eirp_dbw": _a(60.0, "gateway-beam EIRP per carrier"),
        "rx_antenna_diameter_m": _a(7.3, "O3b gateway reflector class"),
        "rx_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "rx_system_noise_temp_k": _a(200.0, "gateway LNA + clear-sky antenna"),
        "ground_antenna_diameter_m": _a(7.3, "O3b gateway reflector class"),
        "ground_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "altitude_km": (8062.0, _REF_SHELLS), "min_elevation_deg": (10.0, _REF_SHELLS),
        "p_percent": _GW_P,
    },
    "o3b_mpower_gateway_uplink": {
        "system": ("O3b mPOWER", _REF_SHELLS), "segment": ("gateway", "definition"),
        "direction": ("uplink", "definition"),
        "freq_ghz": _a(28.75, "Ka uplink"),
        "bandwidth_mhz": _a(500.0, "500 MHz gateway carriers"),
        "eirp_dbw": _a(78.0, "gateway HPA into a 7.3 m dish"),
        "rx_gt_db_per_k": _a(10.0, "satellite receive G/T"),
        "ground_antenna_diameter_m": _a(7.3, "O3b gateway reflector class"),
        "ground_antenna_efficiency": _a(0.65, "gateway reflector efficiency"),
        "altitude_km": (8062.0, _REF_SHELLS), "min_elevation_deg": (10.0, _REF_SHELLS),
        "p_percent": _GW_P,
    },
}


def _build(name: str, spec: dict) -> LinkProfile:
    merged = dict(_COMMON)
    merged.update(spec)
    if merged["rx_gt_db_per_k"][0] is not None and merged["rx_gain_dbi"][0] is None:
        merged["rx_gain_dbi"] = (None, "not used (G/T given)")
    missing = [f for f in LinkProfile.field_names() if f not in merged]
    if missing:
        raise RuntimeError(f"profile {name!r} lacks fields {missing}")
    values = {k: v[0] for k, v in merged.items()}
    sources = {k: v[1] for k, v in merged.items()}
    return LinkProfile(name=name, sources=MappingProxyType(sources), **values)


#: Every named profile, by name (read-only).
PROFILES: MappingProxyType = MappingProxyType({n: _build(n, s) for n, s in _DEFS.items()})

#: Bent-pipe chains: name -> (uplink profile, downlink profile). Forward = gateway up,
#: user down; return = user up, gateway down.
BENT_PIPES: MappingProxyType = MappingProxyType({
    **{f"{s}_forward": (f"{s}_gateway_uplink", f"{s}_user_downlink")
       for s in ("starlink", "kuiper", "oneweb", "telesat", "geo_hts", "o3b_mpower")},
    **{f"{s}_return": (f"{s}_user_uplink", f"{s}_gateway_downlink")
       for s in ("starlink", "kuiper", "oneweb", "telesat", "geo_hts", "o3b_mpower")},
    "delportillo_starlink_forward": ("delportillo_starlink_gateway_uplink",
                                     "delportillo_starlink_user_downlink"),
    "delportillo_telesat_forward": ("delportillo_telesat_gateway_uplink",
                                    "delportillo_telesat_user_downlink"),
})


def profile_names() -> list[str]:
    """Names of all profiles, sorted."""
    return sorted(PROFILES)


def bent_pipe_names() -> list[str]:
    """Names of all bent-pipe chains, sorted."""
    return sorted(BENT_PIPES)


def get_profile(profile, **overrides) -> LinkProfile:
    """A named profile (or a given one) with fields overridden.

    Parameters
    ----------
    profile : str or LinkProfile
        A name from :func:`profile_names` or a profile object.
    **overrides
        Field -> new value (any field of :class:`LinkProfile` except ``name``).

    Returns
    -------
    LinkProfile

    Raises
    ------
    ValueError
        Unknown profile (the message lists the known ones and suggests a close match),
        unknown field (lists the valid fields), or a value out of range.
    """
    if isinstance(profile, LinkProfile):
        base = profile
    elif isinstance(profile, str):
        base = PROFILES[check_choice(profile, "profile", profile_names())]
    else:
        raise TypeError(f"profile must be a profile name or a LinkProfile, got "
                        f"{type(profile).__name__}")
    return base.replace(**overrides) if overrides else base


def describe_profile(profile, **overrides) -> pd.DataFrame:
    """Every field of a profile with its value, unit and source.

    Parameters
    ----------
    profile : str or LinkProfile
        Profile name or object.
    **overrides
        As for :func:`get_profile`.

    Returns
    -------
    pandas.DataFrame
        Columns ``field``, ``value``, ``unit``, ``source``; derived rows ``rx_gain``
        and ``rx_gt`` at the end.
    """
    p = get_profile(profile, **overrides)
    rows = [{"field": f, "value": getattr(p, f), "unit": unit_of(f),
             "source": p.sources.get(f, "")} for f in LinkProfile.field_names()]
    rows.append({"field": "rx_gain (derived)", "value": p.rx_gain, "unit": "dBi",
                 "source": "rx_gain_dbi or parabolic gain of the rx dish"})
    rows.append({"field": "rx_gt (derived)", "value": p.rx_gt, "unit": "dB/K",
                 "source": "rx_gt_db_per_k or rx gain - 10 log10 T_sys"})
    return pd.DataFrame(rows, columns=["field", "value", "unit", "source"])


def profiles_table() -> pd.DataFrame:
    """All profiles side by side: one row per profile, one column per field.

    Returns
    -------
    pandas.DataFrame
        Indexed by profile name, with the derived ``rx_gt_db_per_k_effective``.
    """
    rows = {}
    for n in profile_names():
        p = PROFILES[n]
        row = {f: getattr(p, f) for f in LinkProfile.field_names()}
        row["rx_gt_db_per_k_effective"] = p.rx_gt
        rows[n] = row
    return pd.DataFrame.from_dict(rows, orient="index")
