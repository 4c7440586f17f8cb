"""Named link profiles: one hop (uplink or downlink) of a system, every field sourced.

A :class:`LinkProfile` holds what a link budget needs besides geometry and weather:
frequency, bandwidth, EIRP, the receiver (dish or G/T), interference, ACM settings.
:func:`get_profile` returns a named profile with any field overridden;
:func:`describe_profile` shows every field with its unit and source, and
:data:`BENT_PIPES` pairs the hops of each system into forward and return chains.

Where a number comes from
-------------------------
The profiles are data: ``data/link_profiles.csv`` holds one row per (profile, field)
with the value and its source (``none`` for an unused optional field, ``inf`` for "no
interference of that kind", ``DVB-S2;DVB-S2X`` for a list). Add or change a profile
there; this module reads and checks it. The sources cited in it:

- ``delportillo_*``: the worked budgets of del Portillo, Cameron and Crawley [1]_, as
  reproduced in the project's REFERENCE.md (inputs only; that public code writes dBW as "dBm").
  Their antenna gains imply an aperture efficiency of 0.60 (37.7 dBi for 0.7 m and
  38.3 dBi for 0.75 m at 13.5 GHz), used as the default efficiency below.
- Bands, channel widths, terminal apertures and filed EIRPs: REFERENCE.md "Radio
  links" (FCC filings of SpaceX, Amazon Kuiper, OneWeb; SpaceX terminal filings
  UT3-V1/V2, docs/references.md ``spacex-terminal-filings``: URLs, file
  numbers and dates not verified). Orbits and minimum elevations: REFERENCE.md "Constellations".
- Everything else is marked **assumption** in the profile's ``sources`` with the
  reasoning; these are defaults for what-if analysis, not facts. Override them.

Frequencies of system profiles are band centres. Channel bandwidths are per carrier;
a gateway carrier feeding several user carriers gives the same C/N per carrier when
power and bandwidth are split in proportion, which is what the bent-pipe chain uses.

References
----------
.. [1] I. del Portillo, B. G. Cameron and E. F. Crawley, "A technical comparison of three low
   earth orbit satellite constellation systems to provide global broadband", *Acta
   Astronautica* 159, 123-135, 2019. doi:10.1016/j.actaastro.2019.03.040
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
    """Unit implied by a name's suffix (``eirp_dbw`` -> ``dBW``), ``""`` if none.

    Parameters
    ----------
    name : str
        A unit-suffixed name, e.g. ``eirp_dbw``.
    """
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

#: How a field's text in ``data/link_profiles.csv`` is read, by the field's annotation.
_NONE = "none"


def _parse_value(profile: str, name: str, kind: str, text: str):
    """One field of ``data/link_profiles.csv`` as the type :class:`LinkProfile` holds."""
    where = f"data/link_profiles.csv: profile {profile!r}, field {name!r}"
    if kind == "str":
        return text
    if kind == "bool":
        if text not in ("true", "false"):
            raise ValueError(f"{where}: {text!r} is not 'true' or 'false'")
        return text == "true"
    if kind == "tuple":
        return tuple(t.strip() for t in text.split(";"))
    if kind == "float | None" and text == _NONE:
        return None
    try:
        return float(text)  # "inf" is meaningful for the interference ratios
    except ValueError:
        raise ValueError(f"{where}: {text!r} is not a number"
                         + (" or 'none'" if kind == "float | None" else "")) from None


def _load_profiles() -> dict[str, LinkProfile]:
    """Every profile of ``data/link_profiles.csv``, in the table's order.

    The table is long: one row per (profile, field) with the value and its source, so
    that every number carries its own citation (see the module docstring and
    ``data/README.md``). Each profile must list every field of :class:`LinkProfile`.
    """
    from satcloud import data

    table = data.load_table("link_profiles")
    kinds = {f.name: f.type for f in dataclasses.fields(LinkProfile)}
    expected = LinkProfile.field_names()
    out = {}
    for name, rows in table.groupby("profile", sort=False):
        fields = list(rows["field"])
        unknown = sorted(set(fields) - set(expected))
        missing = [f for f in expected if f not in fields]
        if unknown or missing:
            raise ValueError(f"data/link_profiles.csv: profile {name!r} has unknown fields "
                             f"{unknown} and lacks {missing}; every profile lists exactly "
                             f"{expected}")
        values = {f: _parse_value(name, f, kinds[f], v)
                  for f, v in zip(rows["field"], rows["value"], strict=True)}
        sources = dict(zip(rows["field"], rows["source"], strict=True))
        out[name] = LinkProfile(name=name, sources=MappingProxyType(sources), **values)
    return out


#: Every named profile, by name (read-only), from ``data/link_profiles.csv``.
PROFILES: MappingProxyType = MappingProxyType(_load_profiles())

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

    References
    ----------
    .. [1] I. del Portillo, B. G. Cameron and E. F. Crawley, "A technical comparison of three
       low earth orbit satellite constellation systems to provide global broadband", *Acta
       Astronautica* 159, 123-135, 2019. doi:10.1016/j.actaastro.2019.03.040

    Examples
    --------
    The Starlink user downlink of del Portillo et al. [1]_, and the same hop with 3 dB
    more EIRP:

    >>> from satcloud.links.profiles import get_profile
    >>> p = get_profile("delportillo_starlink_user_downlink")
    >>> p.freq_ghz, p.eirp_dbw, round(p.rx_gt, 2)        # G/T = 37.7 - 10 log10(362.9)
    (13.5, 36.7, 12.1)
    >>> get_profile(p, eirp_dbw=39.7).eirp_dbw
    39.7
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

    Examples
    --------
    >>> from satcloud.links.profiles import describe_profile
    >>> d = describe_profile("delportillo_starlink_user_downlink").set_index("field")
    >>> d.loc["freq_ghz", "value"], d.loc["freq_ghz", "unit"]
    (13.5, 'GHz')
    >>> d.loc["freq_ghz", "source"]
    'del Portillo, Cameron & Crawley, Acta Astronautica 159 (2019), worked link budget ...'
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
