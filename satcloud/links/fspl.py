"""Geometry terms of a link: wavelength, slant range and free-space path loss.

.. math::

    FSPL = 20 \\log_{10}\\left(\\frac{4 \\pi d f}{c}\\right)
         = 92.45 + 20 \\log_{10} d_{km} + 20 \\log_{10} f_{GHz}   \\; [dB]

    d = \\sqrt{(R_E + h)^2 - (R_E \\cos \\varepsilon)^2} - R_E \\sin \\varepsilon

Sources
-------
- Friis transmission equation; ITU-R P.525-4 (2019): free-space basic
  transmission loss L_bf = 32.45 + 20 log f[MHz] + 20 log d[km] (= 92.45 with f in GHz).
- Slant range over a spherical Earth: Maral & Bousquet, *Satellite Communications
  Systems*, 5th ed. (2009), ch. 8 (orbits); the project's REFERENCE.md "Geometry reminders".
- Speed of light: SI definition (``scipy.constants.c``).
"""

from __future__ import annotations

import numpy as np
from scipy import constants

from satcloud._validate import check_finite_result, check_range, check_scalar, check_shapes
from satcloud.geometry import slant_range_km as _slant_range_km

__all__ = [
    "C_M_PER_S",
    "EARTH_RADIUS_KM",
    "fspl_db",
    "slant_range_km",
    "wavelength_m",
]

#: Speed of light in vacuum (SI definition). [m/s]
C_M_PER_S = constants.c
#: Mean Earth radius (IUGG). [km]
EARTH_RADIUS_KM = 6371.0088


def check_freq_ghz(freq_ghz, name: str = "freq_ghz") -> np.ndarray:
    """Frequency as a float array, checked to be strictly positive. [GHz]

    Parameters
    ----------
    freq_ghz : array_like
        Carrier frequency. [GHz]
    name : str, optional
        Parameter name used in error messages.
    """
    return check_range(freq_ghz, name, 0.0, None, low_open=True, unit="GHz", finite=True)


def check_elevation_deg(elevation_deg, name: str = "elevation_deg") -> np.ndarray:
    """Elevation as a float array, checked to lie in (0, 90] degrees. [deg]

    Parameters
    ----------
    elevation_deg : array_like
        Elevation angle. [deg]
    name : str, optional
        Parameter name used in error messages.
    """
    return check_range(elevation_deg, name, 0.0, 90.0, low_open=True, unit="deg")


def wavelength_m(freq_ghz) -> np.ndarray:
    """Free-space wavelength.

    Parameters
    ----------
    freq_ghz : array_like
        Carrier frequency, > 0. [GHz]

    Returns
    -------
    numpy.ndarray
        ``c / f``. [m]
    """
    f = check_freq_ghz(freq_ghz)
    with np.errstate(over="ignore"):    # f ~ 1e308 GHz: 0 m, as before, without a warning
        return C_M_PER_S / (f * 1e9)


def fspl_db(distance_km, freq_ghz) -> np.ndarray:
    """Free-space path loss, broadcast over the inputs.

    Parameters
    ----------
    distance_km : array_like
        Path length (slant range), > 0. [km]
    freq_ghz : array_like
        Carrier frequency, > 0. [GHz]

    Returns
    -------
    numpy.ndarray
        ``20 log10(4 pi d f / c)``. [dB]

    Notes
    -----
    Exact form of ITU-R P.525-4 [1]_; the rounded constant 92.45 dB of the usual
    engineering form is 20 log10(4 pi 1e12 / c) = 92.4478 dB.

    References
    ----------
    .. [1] ITU-R Recommendation P.525-4, *Calculation of free-space attenuation*,
       International Telecommunication Union, Geneva (2019).
    """
    check_shapes(distance_km=distance_km, freq_ghz=freq_ghz)
    d = check_range(distance_km, "distance_km", 0.0, None, low_open=True, unit="km", finite=True)
    f = check_freq_ghz(freq_ghz)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(20.0 * np.log10(4.0 * np.pi * (d * 1e3) * (f * 1e9) / C_M_PER_S),
                                   "distance_km and freq_ghz")


def slant_range_km(altitude_km, elevation_deg, earth_radius_km=EARTH_RADIUS_KM) -> np.ndarray:
    """Distance from a ground station to a satellite seen at a given elevation.

    Parameters
    ----------
    altitude_km : array_like
        Satellite altitude above the spherical Earth, > 0. [km]
    elevation_deg : array_like
        Elevation of the satellite above the local horizon, in (0, 90]. [deg]
    earth_radius_km : float
        Radius of the spherical Earth. [km]

    Returns
    -------
    numpy.ndarray
        ``sqrt((R+h)^2 - (R cos el)^2) - R sin el``. [km]
    """
    # the link models' stricter checks (altitude > 0, elevation in (0, 90]); the formula
    # is the one of satcloud.geometry
    check_shapes(altitude_km=altitude_km, elevation_deg=elevation_deg)
    h = check_range(altitude_km, "altitude_km", 0.0, None, low_open=True, unit="km",
                    finite=True)
    el = check_elevation_deg(elevation_deg)
    r = check_scalar(check_range(earth_radius_km, "earth_radius_km", 0.0, None,
                                 low_open=True, unit="km", finite=True), "earth_radius_km")
    return _slant_range_km(h, el, earth_radius_km=r)
