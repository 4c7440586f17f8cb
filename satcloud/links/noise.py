"""Noise: system temperature, G/T, sky noise, and the carrier-to-noise ratios.

.. math::

    T_{sys} = \\frac{T_A}{L_F} + T_F \\left(1 - \\frac{1}{L_F}\\right) + T_R

    C/N_0 = EIRP - L_{FS} - A_{atm} - L_{other} + G/T - 10 \\log_{10} k \\; [dBHz]

    C/N = C/N_0 - 10 \\log_{10} B, \\quad E_s/N_0 = C/N_0 - 10 \\log_{10} R_s, \\quad
    E_b/N_0 = C/N_0 - 10 \\log_{10} R_b

    \\left(\\frac{C}{N+I}\\right)^{-1} = \\left(\\frac{C}{N}\\right)^{-1}
        + \\sum_k \\left(\\frac{C}{I_k}\\right)^{-1}  \\quad \\text{(linear power ratios)}

Sources
-------
- Boltzmann constant k = 1.380649e-23 J/K exactly (SI 2019, ``scipy.constants.k``):
  10 log10 k = -228.599 dBW/(K Hz).
- System noise temperature referred to the receiver input, sky noise under rain,
  link equation and the combination of noise and interference contributions:
  Maral and Bousquet [1]_, chapter 5 (noise temperature, G/T, link equation, and the
  total (C/N0)^-1 as the sum of the uplink, downlink and interference (C/N0)^-1).
- Sky brightness temperature for an attenuation A: ITU-R P.618-13 [2]_ section 3,
  T_sky = T_mr (1 - 10^(-A/10)) + 2.7 10^(-A/10), with T_mr ~ 275 K for rain.

References
----------
.. [1] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems, Techniques and
   Technology*, 5th ed., Wiley, 2009 (DOI not verified).
.. [2] ITU-R Recommendation P.618-13 (12/2017), "Propagation data and prediction methods
   required for the design of Earth-space telecommunication systems".
   https://www.itu.int/rec/R-REC-P.618-13-201712-I/en

Examples
--------
A Ku downlink: 40 dBW EIRP, 180 dB of path loss, a 15 dB/K terminal; then Es/N0 in
a 200 Msymbol/s carrier (C/N0 = 40 - 180 + 15 + 228.6 dBHz):

>>> from satcloud.links import noise
>>> cn0 = noise.cn0_dbhz(40.0, 180.0, 15.0)
>>> print(f"C/N0 {float(cn0):.1f} dBHz, Es/N0 {float(noise.esn0_db(cn0, 200.0)):.2f} dB")
C/N0 103.6 dBHz, Es/N0 20.59 dB
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from scipy import constants

from satcloud._validate import as_float_array, check_finite_result, check_range, check_shapes

__all__ = [
    "BOLTZMANN_DBW_PER_K_HZ",
    "T0_K",
    "cn0_dbhz",
    "cn_db",
    "combine_ratios_db",
    "ebn0_db",
    "esn0_db",
    "gt_db_per_k",
    "noise_temperature_from_figure_k",
    "sky_noise_increase_k",
    "sky_noise_temperature_k",
    "system_noise_temperature_k",
]

#: 10 log10 of the Boltzmann constant (SI 2019 exact value). [dBW/(K Hz)]
BOLTZMANN_DBW_PER_K_HZ = float(10.0 * np.log10(constants.k))
#: Reference temperature of noise figures (IEEE). [K]
T0_K = 290.0


def noise_temperature_from_figure_k(noise_figure_db, reference_k=T0_K) -> np.ndarray:
    """Equivalent noise temperature of a device with a given noise figure.

    Parameters
    ----------
    noise_figure_db : array_like
        Noise figure, >= 0. [dB]
    reference_k : float
        Reference temperature of the noise figure. [K]

    Returns
    -------
    numpy.ndarray
        ``T0 (10^(NF/10) - 1)`` [1]_. [K]

    References
    ----------
    .. [1] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems,
       Techniques and Technology*, 5th ed., Wiley, 2009, chapter 5 (DOI not verified).

    Examples
    --------
    A 1 dB noise figure is 290 x (10**0.1 - 1) = 75.1 K:

    >>> from satcloud.links.noise import noise_temperature_from_figure_k
    >>> print(f"{float(noise_temperature_from_figure_k(1.0)):.1f}")
    75.1
    """
    check_shapes(noise_figure_db=noise_figure_db, reference_k=reference_k)
    nf = check_range(noise_figure_db, "noise_figure_db", 0.0, None, unit="dB", finite=True)
    t0 = check_range(reference_k, "reference_k", 0.0, None, low_open=True, unit="K", finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(t0 * (10.0 ** (nf / 10.0) - 1.0), "noise_figure_db and reference_k")


def system_noise_temperature_k(antenna_temp_k, receiver_temp_k, feeder_loss_db=0.0,
                               feeder_temp_k=T0_K) -> np.ndarray:
    """System noise temperature at the receiver input.

    Parameters
    ----------
    antenna_temp_k : array_like
        Antenna noise temperature (sky plus ground spill-over), >= 0. [K]
    receiver_temp_k : array_like
        Effective input noise temperature of the LNA/receiver, >= 0. [K]
    feeder_loss_db : array_like
        Loss of the feeder between antenna and LNA, >= 0. [dB]
    feeder_temp_k : array_like
        Physical temperature of the feeder, >= 0. [K]

    Returns
    -------
    numpy.ndarray
        ``T_A / L + T_F (1 - 1/L) + T_R`` [1]_. [K]

    References
    ----------
    .. [1] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems,
       Techniques and Technology*, 5th ed., Wiley, 2009, chapter 5 (DOI not verified).

    Examples
    --------
    A 0.5 dB feeder in front of a 75 K LNA turns a 30 K antenna into a 133 K system
    (30 / 1.122 + 290 (1 - 1 / 1.122) + 75):

    >>> from satcloud.links.noise import system_noise_temperature_k
    >>> print(f"{float(system_noise_temperature_k(30.0, 75.0, feeder_loss_db=0.5)):.1f}")
    133.3
    """
    check_shapes(antenna_temp_k=antenna_temp_k, receiver_temp_k=receiver_temp_k,
                 feeder_loss_db=feeder_loss_db, feeder_temp_k=feeder_temp_k)
    ta = check_range(antenna_temp_k, "antenna_temp_k", 0.0, None, unit="K", finite=True)
    tr = check_range(receiver_temp_k, "receiver_temp_k", 0.0, None, unit="K", finite=True)
    with np.errstate(over="ignore"):    # L -> inf is the limit T_F + T_R, no warning
        lf = 10.0 ** (check_range(feeder_loss_db, "feeder_loss_db", 0.0, None, unit="dB",
                                  finite=True) / 10.0)
    tf = check_range(feeder_temp_k, "feeder_temp_k", 0.0, None, unit="K", finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(
            ta / lf + tf * (1.0 - 1.0 / lf) + tr,
            "antenna_temp_k, receiver_temp_k, feeder_loss_db and feeder_temp_k")


def sky_noise_temperature_k(attenuation_db, medium_temp_k=275.0) -> np.ndarray:
    """Sky brightness temperature seen through an absorbing atmosphere.

    Parameters
    ----------
    attenuation_db : array_like
        Total atmospheric attenuation along the path, >= 0. [dB]
    medium_temp_k : array_like
        Mean radiating temperature of the absorbing medium; 275 K for rain (ITU-R
        P.618-13 [1]_ section 3). [K]

    Returns
    -------
    numpy.ndarray
        ``T_mr (1 - 10^(-A/10)) + 2.7 10^(-A/10)``. [K]

    References
    ----------
    .. [1] ITU-R Recommendation P.618-13 (12/2017), "Propagation data and prediction methods
       required for the design of Earth-space telecommunication systems".
       https://www.itu.int/rec/R-REC-P.618-13-201712-I/en

    Examples
    --------
    3 dB of rain lets half the 2.7 K background through and radiates half of 275 K:

    >>> from satcloud.links.noise import sky_noise_temperature_k
    >>> print(f"{float(sky_noise_temperature_k(3.0)):.1f}")
    138.5
    """
    check_shapes(attenuation_db=attenuation_db, medium_temp_k=medium_temp_k)
    a = check_range(attenuation_db, "attenuation_db", 0.0, None, unit="dB", finite=True)
    tm = check_range(medium_temp_k, "medium_temp_k", 0.0, None, unit="K", finite=True)
    t = 10.0 ** (-a / 10.0)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(tm * (1.0 - t) + 2.7 * t, "attenuation_db and medium_temp_k")


def sky_noise_increase_k(excess_attenuation_db, medium_temp_k=275.0,
                         clear_sky_temp_k=20.0) -> np.ndarray:
    """Rise of a ground antenna's noise temperature caused by rain and cloud.

    Parameters
    ----------
    excess_attenuation_db : array_like
        Attenuation in excess of clear sky (rain + cloud), >= 0. [dB]
    medium_temp_k : array_like
        Mean radiating temperature of the rain medium (ITU-R P.618-13 [1]_ section 3). [K]
    clear_sky_temp_k : array_like
        Clear-sky antenna temperature already counted in the receiver's T_sys; ~20 K
        at Ku/Ka for elevations above 20 deg (assumption; Maral and Bousquet [2]_,
        ch. 5). [K]

    Returns
    -------
    numpy.ndarray
        ``(T_m - T_clear)(1 - 10^(-A/10))`` (Maral and Bousquet [2]_, ch. 5, with the
        clear-sky part taken out). [K]

    References
    ----------
    .. [1] ITU-R Recommendation P.618-13 (12/2017), "Propagation data and prediction methods
       required for the design of Earth-space telecommunication systems".
       https://www.itu.int/rec/R-REC-P.618-13-201712-I/en
    .. [2] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems, Techniques and
       Technology*, 5th ed., Wiley, 2009 (DOI not verified).
    """
    check_shapes(excess_attenuation_db=excess_attenuation_db, medium_temp_k=medium_temp_k,
                 clear_sky_temp_k=clear_sky_temp_k)
    a = check_range(excess_attenuation_db, "excess_attenuation_db", 0.0, None, unit="dB",
                    finite=True)
    tm = check_range(medium_temp_k, "medium_temp_k", 0.0, None, unit="K", finite=True)
    tc = check_range(clear_sky_temp_k, "clear_sky_temp_k", 0.0, None, unit="K", finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(
            np.maximum(tm - tc, 0.0) * (1.0 - 10.0 ** (-a / 10.0)),
            "medium_temp_k and clear_sky_temp_k")


def gt_db_per_k(gain_dbi, system_temp_k) -> np.ndarray:
    """Figure of merit G/T of a receiving station.

    Parameters
    ----------
    gain_dbi : array_like
        Receive antenna gain at the receiver input reference point. [dBi]
    system_temp_k : array_like
        System noise temperature at the same reference point, > 0. [K]

    Returns
    -------
    numpy.ndarray
        ``G - 10 log10 T_sys``. [dB/K]

    Examples
    --------
    >>> from satcloud.links.noise import gt_db_per_k
    >>> print(f"{float(gt_db_per_k(35.0, 150.0)):.2f}")     # 35 - 10 log10(150)
    13.24
    """
    check_shapes(gain_dbi=gain_dbi, system_temp_k=system_temp_k)
    g = as_float_array(gain_dbi, "gain_dbi", finite=True)
    t = check_range(system_temp_k, "system_temp_k", 0.0, None, low_open=True, unit="K", finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(g - 10.0 * np.log10(t), "gain_dbi and system_temp_k")


def cn0_dbhz(eirp_dbw, path_loss_db, gt_db_per_k, other_losses_db=0.0) -> np.ndarray:
    """Carrier-to-noise-density ratio of one hop.

    Parameters
    ----------
    eirp_dbw : array_like
        Transmitter EIRP towards the receiver. [dBW]
    path_loss_db : array_like
        Free-space path loss plus atmospheric attenuation, >= 0. [dB]
    gt_db_per_k : array_like
        Receiver figure of merit. [dB/K]
    other_losses_db : array_like
        Pointing, polarisation and other losses, >= 0. [dB]

    Returns
    -------
    numpy.ndarray
        ``EIRP - L - L_other + G/T - 10 log10 k``. [dBHz]
    """
    check_shapes(eirp_dbw=eirp_dbw, path_loss_db=path_loss_db, gt_db_per_k=gt_db_per_k,
                 other_losses_db=other_losses_db)
    e = as_float_array(eirp_dbw, "eirp_dbw", finite=True)
    loss = check_range(path_loss_db, "path_loss_db", 0.0, None, unit="dB", finite=True)
    gt = as_float_array(gt_db_per_k, "gt_db_per_k", finite=True)
    lo = check_range(other_losses_db, "other_losses_db", 0.0, None, unit="dB", finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(
            e - loss - lo + gt - BOLTZMANN_DBW_PER_K_HZ,
            "eirp_dbw, path_loss_db, gt_db_per_k and other_losses_db")


def _ratio(cn0, rate_hz_name, rate, scale):
    c = as_float_array(cn0, "cn0_dbhz", finite=True)
    r = check_range(rate, rate_hz_name, 0.0, None, low_open=True, finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(c - 10.0 * np.log10(r * scale),
                                   f"cn0_dbhz and {rate_hz_name}")


def cn_db(cn0_dbhz, bandwidth_mhz) -> np.ndarray:
    """Carrier-to-noise ratio in a noise bandwidth.

    Parameters
    ----------
    cn0_dbhz : array_like
        Carrier-to-noise density. [dBHz]
    bandwidth_mhz : array_like
        Noise bandwidth, > 0. [MHz]

    Returns
    -------
    numpy.ndarray
        ``C/N0 - 10 log10 B``. [dB]
    """
    check_shapes(cn0_dbhz=cn0_dbhz, bandwidth_mhz=bandwidth_mhz)
    return _ratio(cn0_dbhz, "bandwidth_mhz", bandwidth_mhz, 1e6)


def esn0_db(cn0_dbhz, symbol_rate_msps) -> np.ndarray:
    """Energy per symbol over noise density.

    Parameters
    ----------
    cn0_dbhz : array_like
        Carrier-to-noise density. [dBHz]
    symbol_rate_msps : array_like
        Symbol rate, > 0. [Msymbol/s]

    Returns
    -------
    numpy.ndarray
        ``C/N0 - 10 log10 R_s``. [dB]
    """
    check_shapes(cn0_dbhz=cn0_dbhz, symbol_rate_msps=symbol_rate_msps)
    return _ratio(cn0_dbhz, "symbol_rate_msps", symbol_rate_msps, 1e6)


def ebn0_db(cn0_dbhz, bit_rate_mbps) -> np.ndarray:
    """Energy per information bit over noise density.

    Parameters
    ----------
    cn0_dbhz : array_like
        Carrier-to-noise density. [dBHz]
    bit_rate_mbps : array_like
        Information bit rate, > 0. [Mbit/s]

    Returns
    -------
    numpy.ndarray
        ``C/N0 - 10 log10 R_b``. [dB]
    """
    check_shapes(cn0_dbhz=cn0_dbhz, bit_rate_mbps=bit_rate_mbps)
    return _ratio(cn0_dbhz, "bit_rate_mbps", bit_rate_mbps, 1e6)


def combine_ratios_db(*ratios_db, names=None) -> np.ndarray:
    """Combine carrier-to-noise and carrier-to-interference ratios in linear power.

    Parameters
    ----------
    *ratios_db : array_like
        Any number of C/N, C/I (or C/N0, in the same reference bandwidth) values;
        ``+inf`` stands for an absent term. [dB]
    names : sequence of str, optional
        The caller's parameter name of each ratio, used in error messages (default
        ``ratios_db[0]``, ``ratios_db[1]``, ...).

    Returns
    -------
    numpy.ndarray
        ``-10 log10(sum_k 10^(-x_k/10))``, i.e. ``1/(C/(N+I)) = sum 1/(C/X_k)``
        (Maral and Bousquet [1]_, ch. 5). [dB]

    References
    ----------
    .. [1] G. Maral and M. Bousquet, *Satellite Communications Systems: Systems, Techniques and
       Technology*, 5th ed., Wiley, 2009 (DOI not verified).

    Examples
    --------
    Two equal contributions lose 3 dB; a C/I 10 dB above C/N costs 0.41 dB; ``inf`` is
    an absent term:

    >>> import numpy as np
    >>> from satcloud.links.noise import combine_ratios_db
    >>> np.round(combine_ratios_db([10.0, 10.0, 10.0], [10.0, 20.0, np.inf]), 2)
    array([ 6.99,  9.59, 10.  ])
    """
    if not ratios_db:
        raise TypeError("combine_ratios_db needs at least one ratio")
    if names is not None and (isinstance(names, str) or not isinstance(names, Iterable)):
        raise TypeError(f"names must be a sequence of parameter names, one per ratio, got "
                        f"{names!r:.100}")
    labels = [f"ratios_db[{i}]" for i in range(len(ratios_db))] if names is None else [
        str(n) for n in names]
    if len(labels) != len(ratios_db):
        raise ValueError(f"names must give one name per ratio ({len(ratios_db)}), got "
                         f"{len(labels)}")
    check_shapes(**dict(zip(labels, ratios_db, strict=True)))
    inv = 0.0
    for label, r in zip(labels, ratios_db, strict=True):
        x = as_float_array(r, label)
        if np.isneginf(x).any():
            raise ValueError(f"{label} must be > -inf dB; got -inf")
        with np.errstate(over="ignore"):
            inv = inv + 10.0 ** (-x / 10.0)
    inv = np.asarray(inv, dtype=float)
    if np.isposinf(inv).any():
        # a ratio below about -3,080 dB overflows 10^(-x/10): the same sum in the log
        # domain, only where it overflowed (elsewhere the direct form, bit for bit)
        scale = np.log(10.0) / 10.0
        logs = None
        for r in ratios_db:
            term = -np.asarray(r, dtype=float) * scale
            logs = term if logs is None else np.logaddexp(logs, term)
        stable = -np.broadcast_to(logs, inv.shape) / scale
        with np.errstate(divide="ignore"):
            return np.where(np.isposinf(inv), stable, -10.0 * np.log10(inv))
    with np.errstate(divide="ignore"):
        return -10.0 * np.log10(inv)
