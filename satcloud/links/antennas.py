"""Antennas: parabolic gain and beamwidth, phased arrays with scan loss, EIRP.

.. math::

    G = \\eta \\left(\\frac{\\pi D f}{c}\\right)^2, \\qquad
    \\theta_{3dB} \\approx 70 \\, \\frac{\\lambda}{D} \\; [deg], \\qquad
    L_{point} = 12 \\left(\\frac{\\theta}{\\theta_{3dB}}\\right)^2 \\; [dB]

    G_{array}(\\theta_s) = G_{array}(0) + 10 \\, n \\log_{10} \\cos \\theta_s

Sources
-------
- Aperture gain and 3 dB beamwidth of a uniformly illuminated, tapered parabolic
  reflector: Maral and Bousquet [1]_, chapter 5 (antenna gain, theta_3dB = 70 lambda/D
  degrees, pointing loss 12 (theta/theta_3dB)^2 dB); Pratt, Bostian and Allnutt [2]_,
  ch. 4.
- Scan loss of a planar phased array: the projected aperture shrinks as cos(theta_s)
  (n = 1); embedded element patterns make practical arrays fall faster, n ~ 1.2-1.5
  (Mailloux [3]_, ch. 1).
  The default n = 1.2 is an assumption within that range; override it.
- EIRP = P_t + G_t - L_t: Maral and Bousquet [1]_, ch. 5. A dish of another diameter at the
  same power and aperture efficiency scales the gain, hence the EIRP, by
  20 log10(D / D_ref) (gain grows as D^2).

References
----------
.. [1] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems, Techniques and
   Technology*, 5th ed., Wiley, 2009 (DOI not verified).
.. [2] T. Pratt, C. W. Bostian and J. E. Allnutt, *Satellite Communications*, 2nd ed., Wiley,
   2003 (DOI not verified).
.. [3] R. J. Mailloux, *Phased Array Antenna Handbook*, 3rd ed., Artech House, 2017 (DOI not
   verified).

Examples
--------
A 60 cm Ku-band dish (12 GHz, efficiency 0.6) has ~35.3 dBi of gain and a ~2.9 deg
beam; a flat panel of 1,000 patches (5 dBi each) has 35 dBi at broadside and loses
10 x 1.2 x log10(cos 40 deg) = -1.39 dB when it scans 40 deg:

>>> from satcloud.links import antennas
>>> print(f"{float(antennas.parabolic_gain_dbi(0.6, 12.0)):.1f} dBi, "
...       f"{float(antennas.beamwidth_3db_deg(0.6, 12.0)):.2f} deg")
35.3 dBi, 2.91 deg
>>> g0 = antennas.phased_array_boresight_gain_dbi(1000)
>>> print(f"{float(g0):.1f} dBi -> {float(antennas.phased_array_gain_dbi(g0, 40.0)):.2f} dBi")
35.0 dBi -> 33.61 dBi
"""

from __future__ import annotations

import numpy as np

from satcloud._validate import (
    check_finite_result,
    check_range,
    check_shapes,
    renamed_keywords,
)
from satcloud.links.fspl import C_M_PER_S, check_freq_ghz

__all__ = [
    "BEAMWIDTH_FACTOR_DEG",
    "MAX_DISH_DIAMETER_M",
    "beamwidth_3db_deg",
    "eirp_dbw",
    "eirp_with_dish_dbw",
    "gain_from_beamwidth_dbi",
    "parabolic_gain_dbi",
    "phased_array_boresight_gain_dbi",
    "phased_array_gain_dbi",
    "pointing_loss_db",
    "scan_angle_deg",
    "watts_to_dbw",
]

#: Factor k of theta_3dB = k lambda / D (Maral and Bousquet ch. 5; module References [1]). [deg]
BEAMWIDTH_FACTOR_DEG = 70.0
#: Largest dish diameter accepted (the largest steerable dishes are ~100 m). [m]
MAX_DISH_DIAMETER_M = 100.0


def check_diameter_m(antenna_diameter_m, name: str = "antenna_diameter_m") -> np.ndarray:
    """Dish diameter checked to lie in (0, 100] m. [m]

    Parameters
    ----------
    antenna_diameter_m : array_like
        Dish diameter. [m]
    name : str, optional
        Parameter name used in error messages.
    """
    return check_range(antenna_diameter_m, name, 0.0, MAX_DISH_DIAMETER_M, low_open=True,
                       unit="m")


def check_efficiency(antenna_efficiency, name: str = "antenna_efficiency") -> np.ndarray:
    """Aperture efficiency checked to lie in (0, 1]. [-]

    Parameters
    ----------
    antenna_efficiency : array_like
        Aperture efficiency. [-]
    name : str, optional
        Parameter name used in error messages.
    """
    return check_range(antenna_efficiency, name, 0.0, 1.0, low_open=True)


@renamed_keywords(diameter_m="antenna_diameter_m", efficiency="antenna_efficiency")
def parabolic_gain_dbi(antenna_diameter_m, freq_ghz, antenna_efficiency=0.6) -> np.ndarray:
    """Boresight gain of a parabolic reflector.

    Parameters
    ----------
    antenna_diameter_m : array_like
        Physical aperture diameter, in (0, 100]. [m]
    freq_ghz : array_like
        Frequency, > 0. [GHz]
    antenna_efficiency : array_like
        Aperture efficiency, in (0, 1]; 0.55-0.70 for reflector antennas. [-]

    Returns
    -------
    numpy.ndarray
        ``10 log10(eta (pi D f / c)^2)``. [dBi]

    Examples
    --------
    ``10 log10(0.6 (pi 1.2 m 20e9 Hz / c)^2)`` = 45.8 dBi for a 1.2 m dish at 20 GHz:

    >>> from satcloud.links.antennas import parabolic_gain_dbi
    >>> print(f"{float(parabolic_gain_dbi(1.2, 20.0)):.2f}")
    45.79
    """
    check_shapes(antenna_diameter_m=antenna_diameter_m, freq_ghz=freq_ghz,
                 antenna_efficiency=antenna_efficiency)
    d = check_diameter_m(antenna_diameter_m)
    f = check_freq_ghz(freq_ghz)
    eta = check_efficiency(antenna_efficiency)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(
            10.0 * np.log10(eta * (np.pi * d * f * 1e9 / C_M_PER_S) ** 2),
            "antenna_diameter_m and freq_ghz")


@renamed_keywords(diameter_m="antenna_diameter_m")
def beamwidth_3db_deg(antenna_diameter_m, freq_ghz,
                      factor_deg=BEAMWIDTH_FACTOR_DEG) -> np.ndarray:
    """Half-power (3 dB) beamwidth of a parabolic reflector.

    Parameters
    ----------
    antenna_diameter_m : array_like
        Aperture diameter, in (0, 100]. [m]
    freq_ghz : array_like
        Frequency, > 0. [GHz]
    factor_deg : float
        k in ``k lambda / D``; 70 for the usual tapered illumination (Maral and
        Bousquet [1]_, ch. 5), 58.4 for uniform illumination. [deg]

    Returns
    -------
    numpy.ndarray
        ``k lambda / D``. [deg]

    References
    ----------
    .. [1] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems, Techniques and
       Technology*, 5th ed., Wiley, 2009 (DOI not verified).

    Examples
    --------
    >>> from satcloud.links.antennas import beamwidth_3db_deg
    >>> print(f"{float(beamwidth_3db_deg(1.2, 20.0)):.3f}")    # 70 x 0.01499 m / 1.2 m
    0.874
    """
    check_shapes(antenna_diameter_m=antenna_diameter_m, freq_ghz=freq_ghz,
                 factor_deg=factor_deg)
    d = check_diameter_m(antenna_diameter_m)
    f = check_freq_ghz(freq_ghz)
    k = check_range(factor_deg, "factor_deg", 0.0, None, low_open=True, unit="deg", finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(
            k * (C_M_PER_S / (f * 1e9)) / d,
            "antenna_diameter_m, freq_ghz and factor_deg")


@renamed_keywords(efficiency="antenna_efficiency")
def gain_from_beamwidth_dbi(beamwidth_deg, antenna_efficiency=0.6,
                            factor_deg=BEAMWIDTH_FACTOR_DEG) -> np.ndarray:
    """Gain of a reflector antenna with a given 3 dB beamwidth.

    Eliminating lambda / D between the gain and beamwidth formulas gives
    ``G = eta (pi k / theta_3dB)^2`` (Maral and Bousquet [1]_, ch. 5, ``G = eta (70 pi /
    theta_3dB)^2``). Useful for satellite spot beams known only by their width.

    Parameters
    ----------
    beamwidth_deg : array_like
        3 dB beamwidth, in (0, 180). [deg]
    antenna_efficiency : array_like
        Aperture efficiency, in (0, 1]. [-]
    factor_deg : float
        k of ``theta_3dB = k lambda / D``. [deg]

    Returns
    -------
    numpy.ndarray
        Boresight gain. [dBi]

    References
    ----------
    .. [1] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems, Techniques and
       Technology*, 5th ed., Wiley, 2009 (DOI not verified).

    Examples
    --------
    The gain of a dish recovered from its own beamwidth (lambda / D cancels):

    >>> from satcloud.links.antennas import beamwidth_3db_deg, gain_from_beamwidth_dbi
    >>> print(f"{float(gain_from_beamwidth_dbi(beamwidth_3db_deg(1.2, 20.0))):.2f}")
    45.79
    """
    check_shapes(beamwidth_deg=beamwidth_deg, antenna_efficiency=antenna_efficiency,
                 factor_deg=factor_deg)
    th = check_range(beamwidth_deg, "beamwidth_deg", 0.0, 180.0, low_open=True,
                     high_open=True, unit="deg")
    eta = check_efficiency(antenna_efficiency)
    k = check_range(factor_deg, "factor_deg", 0.0, None, low_open=True, unit="deg", finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(
            10.0 * np.log10(eta * (np.pi * k / th) ** 2),
            "beamwidth_deg and factor_deg")


def pointing_loss_db(offset_deg, beamwidth_deg) -> np.ndarray:
    """Gain loss at an angle off boresight (main lobe, parabolic approximation).

    Parameters
    ----------
    offset_deg : array_like
        Angle between boresight and the direction of interest, >= 0. [deg]
    beamwidth_deg : array_like
        3 dB beamwidth, > 0. [deg]

    Returns
    -------
    numpy.ndarray
        ``12 (theta / theta_3dB)^2`` (Maral and Bousquet [1]_, ch. 5); valid within the
        main lobe, roughly theta < theta_3dB. [dB]

    References
    ----------
    .. [1] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems, Techniques and
       Technology*, 5th ed., Wiley, 2009 (DOI not verified).

    Examples
    --------
    Half a beamwidth off boresight costs 12 x 0.5^2 = 3 dB (the definition of theta_3dB):

    >>> from satcloud.links.antennas import pointing_loss_db
    >>> print(float(pointing_loss_db(1.0, 2.0)))
    3.0
    """
    check_shapes(offset_deg=offset_deg, beamwidth_deg=beamwidth_deg)
    off = check_range(offset_deg, "offset_deg", 0.0, None, unit="deg", finite=True)
    bw = check_range(beamwidth_deg, "beamwidth_deg", 0.0, None, low_open=True, unit="deg",
                     finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(12.0 * (off / bw) ** 2, "offset_deg and beamwidth_deg")


def phased_array_boresight_gain_dbi(n_elements, element_gain_dbi=5.0) -> np.ndarray:
    """Broadside gain of an N-element phased array.

    Parameters
    ----------
    n_elements : array_like
        Number of radiating elements, >= 1. [-]
    element_gain_dbi : array_like
        Gain of one embedded element at broadside; ~5 dBi for a patch (Mailloux [1]_,
        ch. 1). [dBi]

    Returns
    -------
    numpy.ndarray
        ``10 log10 N + G_element``. [dBi]

    References
    ----------
    .. [1] R. J. Mailloux, *Phased Array Antenna Handbook*, 3rd ed., Artech House, 2017 (DOI not
       verified).
    """
    check_shapes(n_elements=n_elements, element_gain_dbi=element_gain_dbi)
    n = check_range(n_elements, "n_elements", 1.0, None, finite=True)
    ge = check_range(element_gain_dbi, "element_gain_dbi", unit="dBi", finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(10.0 * np.log10(n) + ge, "n_elements and element_gain_dbi")


def phased_array_gain_dbi(boresight_gain_dbi, scan_angle_deg,
                          scan_loss_exponent=1.2) -> np.ndarray:
    """Gain of a planar phased array steered away from its broadside.

    Parameters
    ----------
    boresight_gain_dbi : array_like
        Gain at broadside (scan angle 0). [dBi]
    scan_angle_deg : array_like
        Angle between the array normal and the beam, in [0, 90). [deg]
    scan_loss_exponent : array_like
        n of the ``cos^n`` scan loss, in [0, 10]: 1 for the projected aperture
        alone, 1.2-1.5 typical with element patterns (Mailloux [1]_, ch. 1). [-]

    Returns
    -------
    numpy.ndarray
        ``G0 + 10 n log10(cos theta_s)``. [dBi]

    References
    ----------
    .. [1] R. J. Mailloux, *Phased Array Antenna Handbook*, 3rd ed., Artech House, 2017 (DOI not
       verified).

    Examples
    --------
    With n = 1 the loss is the projected aperture alone: cos 60 deg = 1/2, -3.01 dB:

    >>> from satcloud.links.antennas import phased_array_gain_dbi
    >>> print(f"{float(phased_array_gain_dbi(30.0, 60.0, scan_loss_exponent=1.0)):.2f}")
    26.99
    """
    check_shapes(boresight_gain_dbi=boresight_gain_dbi, scan_angle_deg=scan_angle_deg,
                 scan_loss_exponent=scan_loss_exponent)
    g0 = check_range(boresight_gain_dbi, "boresight_gain_dbi", unit="dBi", finite=True)
    th = check_range(scan_angle_deg, "scan_angle_deg", 0.0, 90.0, high_open=True, unit="deg")
    n = check_range(scan_loss_exponent, "scan_loss_exponent", 0.0, 10.0)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(
            g0 + 10.0 * n * np.log10(np.cos(np.deg2rad(th))),
            "boresight_gain_dbi")


def scan_angle_deg(elevation_deg, azimuth_deg=0.0, boresight_elevation_deg=90.0,
                   boresight_azimuth_deg=0.0) -> np.ndarray:
    """Angle between an antenna's boresight and a line of sight.

    Parameters
    ----------
    elevation_deg, azimuth_deg : array_like
        Direction of the satellite seen from the antenna. [deg]
    boresight_elevation_deg, boresight_azimuth_deg : array_like
        Direction of the array normal; 90 deg elevation for a flat panel lying
        horizontal (then the scan angle is 90 - elevation). [deg]

    Returns
    -------
    numpy.ndarray
        Great-circle angle between the two directions, in [0, 180]. [deg]

    Examples
    --------
    For a flat panel facing the zenith the scan angle is 90 deg minus the elevation:

    >>> from satcloud.links.antennas import scan_angle_deg
    >>> print(f"{float(scan_angle_deg(35.0, azimuth_deg=120.0)):.1f}")
    55.0
    """
    check_shapes(elevation_deg=elevation_deg, azimuth_deg=azimuth_deg,
                 boresight_elevation_deg=boresight_elevation_deg,
                 boresight_azimuth_deg=boresight_azimuth_deg)
    el1 = np.deg2rad(check_range(elevation_deg, "elevation_deg", -90.0, 90.0, unit="deg"))
    az1 = np.deg2rad(check_range(azimuth_deg, "azimuth_deg", unit="deg", finite=True))
    el2 = np.deg2rad(check_range(boresight_elevation_deg, "boresight_elevation_deg",
                                 -90.0, 90.0, unit="deg"))
    az2 = np.deg2rad(check_range(boresight_azimuth_deg, "boresight_azimuth_deg", unit="deg",
                                 finite=True))
    c = np.sin(el1) * np.sin(el2) + np.cos(el1) * np.cos(el2) * np.cos(az1 - az2)
    return np.rad2deg(np.arccos(np.clip(c, -1.0, 1.0)))


def watts_to_dbw(power_w) -> np.ndarray:
    """Power in dBW.

    Parameters
    ----------
    power_w : array_like
        Power, > 0. [W]

    Returns
    -------
    numpy.ndarray
        ``10 log10 P``. [dBW]

    Examples
    --------
    >>> from satcloud.links.antennas import watts_to_dbw
    >>> print(f"{float(watts_to_dbw(20.0)):.2f}")     # 10 log10(20)
    13.01
    """
    p = check_range(power_w, "power_w", 0.0, None, low_open=True, unit="W", finite=True)
    return 10.0 * np.log10(p)


def eirp_dbw(tx_power_dbw, tx_gain_dbi, tx_losses_db=0.0) -> np.ndarray:
    """Equivalent isotropically radiated power.

    Parameters
    ----------
    tx_power_dbw : array_like
        Power at the amplifier output. [dBW]
    tx_gain_dbi : array_like
        Transmit antenna gain towards the receiver. [dBi]
    tx_losses_db : array_like
        Feeder and output losses between amplifier and antenna, >= 0. [dB]

    Returns
    -------
    numpy.ndarray
        ``P_t + G_t - L_t`` (Maral and Bousquet [1]_, ch. 5). [dBW]

    References
    ----------
    .. [1] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems, Techniques and
       Technology*, 5th ed., Wiley, 2009 (DOI not verified).

    Examples
    --------
    >>> from satcloud.links.antennas import eirp_dbw
    >>> print(float(eirp_dbw(10.0, 33.0, tx_losses_db=1.5)))
    41.5
    """
    check_shapes(tx_power_dbw=tx_power_dbw, tx_gain_dbi=tx_gain_dbi, tx_losses_db=tx_losses_db)
    p = check_range(tx_power_dbw, "tx_power_dbw", unit="dBW", finite=True)
    g = check_range(tx_gain_dbi, "tx_gain_dbi", unit="dBi", finite=True)
    loss = check_range(tx_losses_db, "tx_losses_db", 0.0, None, unit="dB", finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(p + g - loss, "tx_power_dbw, tx_gain_dbi and tx_losses_db")


@renamed_keywords(diameter_m="antenna_diameter_m",
                  reference_diameter_m="reference_antenna_diameter_m")
def eirp_with_dish_dbw(reference_eirp_dbw, antenna_diameter_m,
                       reference_antenna_diameter_m) -> np.ndarray:
    """EIRP of a transmitter whose parabolic dish is swapped for one of another size.

    The transmit power, feeder losses, frequency and aperture efficiency stay those of
    the reference; only the dish diameter changes. The gain of a parabolic reflector,
    ``eta (pi D f / c)^2``, grows as ``D^2``, so

    .. math::

        EIRP(D) = EIRP(D_{ref}) + 20 \\log_{10}(D / D_{ref}).

    Parameters
    ----------
    reference_eirp_dbw : array_like
        EIRP with the reference dish. [dBW]
    antenna_diameter_m : array_like
        Diameter of the new dish, in (0, 100]. [m]
    reference_antenna_diameter_m : array_like
        Diameter of the reference dish, in (0, 100]. [m]

    Returns
    -------
    numpy.ndarray
        ``reference_eirp_dbw + 20 log10(antenna_diameter_m /
        reference_antenna_diameter_m)``. [dBW]

    Notes
    -----
    Source: the aperture gain of Maral and Bousquet [1]_, ch. 5, at fixed efficiency and
    frequency, and EIRP = P_t + G_t - L_t (same chapter). The widget's dish-size control uses this for uplinks
    (:func:`satcloud.widgets.dish_overrides`).

    References
    ----------
    .. [1] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems, Techniques and
       Technology*, 5th ed., Wiley, 2009 (DOI not verified).

    Examples
    --------
    >>> round(float(eirp_with_dish_dbw(50.0, 2.4, 1.2)), 2)  # twice the diameter: +6.02 dB
    56.02
    """
    check_shapes(reference_eirp_dbw=reference_eirp_dbw, antenna_diameter_m=antenna_diameter_m,
                 reference_antenna_diameter_m=reference_antenna_diameter_m)
    e = check_range(reference_eirp_dbw, "reference_eirp_dbw", unit="dBW", finite=True)
    d = check_diameter_m(antenna_diameter_m)
    d_ref = check_diameter_m(reference_antenna_diameter_m, "reference_antenna_diameter_m")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(e + 20.0 * np.log10(d / d_ref),
                                   "reference_eirp_dbw, antenna_diameter_m and "
                                   "reference_antenna_diameter_m")
