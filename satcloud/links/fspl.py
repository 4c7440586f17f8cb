"""Geometry terms of a link: wavelength, slant range and free-space path loss.

.. math::

    FSPL = 20 \\log_{10}\\left(\\frac{4 \\pi d f}{c}\\right)
         = 92.45 + 20 \\log_{10} d_{km} + 20 \\log_{10} f_{GHz}   \\; [dB]

    d = \\sqrt{(R_E + h)^2 - (R_E \\cos \\varepsilon)^2} - R_E \\sin \\varepsilon

Sources
-------
- Friis transmission equation; ITU-R P.525-4 [1]_: free-space basic
  transmission loss L_bf = 32.45 + 20 log f[MHz] + 20 log d[km] (= 92.45 with f in GHz).
- Slant range over a spherical Earth: Maral and Bousquet [2]_, ch. 8 (orbits); the
  project's REFERENCE.md "Geometry reminders".
- Speed of light: SI definition (``scipy.constants.c``).

References
----------
.. [1] ITU-R Recommendation P.525-4 (08/2019), "Calculation of free-space attenuation".
   https://www.itu.int/rec/R-REC-P.525-4-201908-I/en
.. [2] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems, Techniques
   and Technology*, 5th ed., Wiley, 2009 (DOI not verified).

Examples
--------
>>> from satcloud.links.fspl import fspl_db, slant_range_km
>>> d_km = slant_range_km(550.0, 40.0)      # a 550 km satellite seen at 40 deg elevation
>>> print(f"{float(d_km):.1f} km, {float(fspl_db(d_km, 12.0)):.2f} dB at 12 GHz")
812.1 km, 172.22 dB at 12 GHz
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

    Examples
    --------
    >>> from satcloud.links.fspl import wavelength_m
    >>> print(f"{float(wavelength_m(12.0)) * 100:.3f} cm")    # Ku band: 299792458 / 12e9
    2.498 cm
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
    .. [1] ITU-R Recommendation P.525-4 (08/2019), "Calculation of free-space
       attenuation". https://www.itu.int/rec/R-REC-P.525-4-201908-I/en

    Examples
    --------
    At 1,000 km and 12 GHz the closed form gives 92.45 + 20 log10(1000) + 20 log10(12)
    = 92.45 + 60 + 21.58 = 174.03 dB:

    >>> from satcloud.links.fspl import fspl_db
    >>> print(f"{float(fspl_db(1000.0, 12.0)):.2f}")
    174.03

    Doubling the distance adds 20 log10(2) = 6.02 dB:

    >>> import numpy as np
    >>> np.round(fspl_db([1000.0, 2000.0], 12.0), 2)
    array([174.03, 180.05])
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

    Examples
    --------
    At zenith the slant range is the altitude; towards the horizon it grows to
    ``sqrt((R+h)^2 - R^2)`` (2,704 km for 550 km over a 6,371 km Earth):

    >>> import numpy as np
    >>> from satcloud.links.fspl import slant_range_km
    >>> np.round(slant_range_km(550.0, [90.0, 25.0, 1e-9]), 1)
    array([ 550. , 1123.3, 2703.8])
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
