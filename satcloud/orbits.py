"""Propagation at constellation scale: time grids, J2 secular and SGP4, Earth rotation.

Two propagators, chosen per satellite by the constellation's ``model`` column:

``"j2"`` -- mean elements (filings, Walker shells, boinor orbits)
    Two-body motion plus the secular drift of the right ascension of the ascending
    node, the argument of perigee and the mean anomaly caused by the Earth's
    oblateness J2 (first order; Vallado [1]_, eqs. 9-41, 9-42 and 9-43; Kozai [2]_):

    .. math::

        \\dot\\Omega = -\\tfrac32 n J_2 (R/p)^2 \\cos i, \\quad
        \\dot\\omega = \\tfrac34 n J_2 (R/p)^2 (5\\cos^2 i - 1), \\quad
        \\dot M = n\\left[1 + \\tfrac34 J_2 (R/p)^2 \\sqrt{1-e^2}(3\\cos^2 i - 1)\\right]

    with n = sqrt(mu / a^3), p = a (1 - e^2). The elements are *mean* elements referred
    to the Earth's equator of date with the CIO as origin (the CIRS); positions in the
    Earth-fixed frame follow from one rotation by the Earth rotation angle (ERA, IAU
    2000, from astropy/ERFA with UT1). Short-period J2 terms (~10 km in position) are
    not modelled: these are mean positions, as right as the filings they come from.

``"sgp4"`` -- TLE/OMM element sets
    SGP4 (Vallado et al. [3]_), giving TEME positions; TEME -> Earth-fixed by the
    rotation R3(GMST 1982) with UT1, the convention of that paper and of skyfield. Near-Earth element sets (period < 225 min) go by default through
    :mod:`satcloud._core.sgp4`, a vectorised numba port of the near-Earth ``sgp4``
    with the rotation fused in (same results as ``sgp4.api.SatrecArray`` to < 1e-6 km;
    the library's ``sgp4init`` decides near-Earth vs deep-space); deep-space sets (SDP4)
    always, and everything with ``sgp4_backend="satrec"``, through
    :class:`sgp4.api.SatrecArray`. Polar motion is neglected in both
    paths: |x_p|, |y_p| < 0.5 arcsec, i.e. < 15 m at the Earth's surface and < 20 m at
    LEO, < 0.1 km at GEO.

Constants: mu and the equatorial radius of WGS84/EGM96 [4]_; J2 of EGM96.

Time and Earth orientation
--------------------------
Times, time grids, durations, UT1 and the Earth rotation angles come from
:mod:`satcloud.time` (astropy is the authority; nothing is downloaded, and results do not
depend on the day they are computed: see that module).

Memory
------
Time is processed in chunks (``chunk_steps``) so that temporaries stay around 100 MB;
the result array itself is ``T x N x 3`` (8 bytes each for float64, 4 for float32:
use ``dtype=np.float32`` -- 0.5 m resolution at LEO -- or :func:`iter_propagate` for very
large problems, e.g. Starlink Gen2 over a day at 30 s).

References
----------
.. [1] D. A. Vallado (with W. D. McClain), *Fundamentals of Astrodynamics and Applications*, 4th
   ed., Microcosm Press, Hawthorne, CA, 2013 (a book, no DOI).
.. [2] Y. Kozai, "The motion of a close earth satellite", *The Astronomical Journal* 64,
   367-377, 1959 (DOI not verified).
   https://ui.adsabs.harvard.edu/abs/1959AJ.....64..367K/abstract
.. [3] D. A. Vallado, P. Crawford, R. Hujsak and T. S. Kelso, "Revisiting Spacetrack Report #3",
   AIAA/AAS Astrodynamics Specialist Conference, 2006, paper AIAA 2006-6753.
   doi:10.2514/6.2006-6753
.. [4] National Imagery and Mapping Agency, "Department of Defense World Geodetic System 1984",
   Technical Report TR8350.2, 3rd ed., Amendment 1, 2000.
   https://earth-info.nga.mil/GandG/publications/tr8350.2/tr8350_2.html
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from astropy import units as u
from astropy.time import Time

from satcloud._core._jit import load as load_kernels
from satcloud._validate import (
    _finite_sum,
    check_count,
    check_finite_result,
    check_memory,
    check_range,
    check_shapes,
)
from satcloud.time import earth_rotation_angle_rad, gmst82_rad, quiet_erfa, to_time

__all__ = [
    "ELEMENT_AGE_LIMIT_DAYS",
    "J2_EARTH",
    "ElementAgeWarning",
    "MU_EARTH_KM3_S2",
    "R_EARTH_KM",
    "Ephemeris",
    "iter_propagate",
    "j2_secular_rates",
    "mean_motion_rad_s",
    "nodal_period_s",
    "orbital_period_s",
    "propagate",
    "propagate_pairs",
    "sun_synchronous_inclination_deg",
    "tle_along_track_error_km",
]

#: Earth's gravitational parameter, EGM96/WGS84 (module References [4]). [km^3/s^2]
MU_EARTH_KM3_S2 = 398600.4418
#: Equatorial radius, WGS84. [km]
R_EARTH_KM = 6378.137
#: Second zonal harmonic J2 (un-normalised), EGM96 (-C20 * sqrt(5)). [-]
J2_EARTH = 1.08262668e-3
#: Rate of the mean Sun in right ascension: 360 deg per tropical year. [rad/s]
_SUN_RATE_RAD_S = 2.0 * np.pi / (365.2421897 * 86400.0)

#: Age beyond which an SGP4 element set is "far from its epoch": SGP4 positions from a
#: TLE are good to about 1 km near the epoch and degrade by 1-3 km/day (references of
#: :func:`tle_along_track_error_km`), so 3 days means ~ 5-10 km along-track. [day]
ELEMENT_AGE_LIMIT_DAYS = 3.0
#: Fraction of the SGP4 satellites allowed beyond :data:`ELEMENT_AGE_LIMIT_DAYS` before
#: :func:`propagate` warns: snapshots carry a few stale sets of dead or decaying
#: satellites (4 of the 10,097 of the 2026-04-02 Starlink set are 3-7 days older than the
#: rest), which should not make every use of the snapshot warn. [-]
ELEMENT_AGE_ALLOWED_FRACTION = 0.01
#: Along-track error of a TLE at its epoch and its growth per day of age. [km], [km/day]
TLE_ERROR_AT_EPOCH_KM = 1.0
TLE_ERROR_GROWTH_KM_PER_DAY = (1.0, 3.0)


class ElementAgeWarning(UserWarning):
    """Element sets propagated far (> :data:`ELEMENT_AGE_LIMIT_DAYS`) from their epochs.

    ``age_days`` is the largest age met, ``satellites`` how many sets were beyond the
    limit and ``error_km`` the expected along-track error range at ``age_days``.
    """

    def __init__(self, message, age_days=np.nan, satellites=0, error_km=(np.nan, np.nan)):
        super().__init__(message)
        self.age_days = age_days
        self.satellites = satellites
        self.error_km = error_km


def tle_along_track_error_km(age_days) -> tuple:
    """Expected along-track error of an SGP4/TLE prediction at an age from the epoch.

    Parameters
    ----------
    age_days : array_like
        Time from the element epoch (either sign), |age| <= 1e5. [day]

    Returns
    -------
    low, high : numpy.ndarray
        ``1 km + (1 or 3 km/day) * |age|``: the typical range for LEO objects. [km]

    Notes
    -----
    TLE/SGP4 predictions of LEO objects are good to ~1 km at the epoch [1]_, [2]_ and
    their error grows mostly along-track, by ~1-3 km per day of age, faster for low,
    high-drag objects and at solar maximum [3]_ (drag is the unmodelled force: SGP4
    holds one B* per element set).

    References
    ----------
    .. [1] T. S. Kelso, "Validation of SGP4 and IS-GPS-200D Against GPS Precision
       Ephemerides", AAS 07-127, 17th AAS/AIAA Space Flight Mechanics Meeting (2007).
    .. [2] D. A. Vallado, P. Crawford, R. Hujsak, T. S. Kelso, "Revisiting Spacetrack
       Report #3", AIAA 2006-6753 (2006). doi:10.2514/6.2006-6753
    .. [3] D. A. Vallado, P. J. Cefola, "Two-line element sets - practice and use",
       IAC-12-C1.6.12, 63rd International Astronautical Congress (2012).

    Examples
    --------
    >>> from satcloud.orbits import tle_along_track_error_km
    >>> [float(x) for x in tle_along_track_error_km(2.0)]     # 1 km + (1 or 3 km/day) x 2 days
    [3.0, 7.0]
    """
    age = np.abs(check_range(age_days, "age_days", -1e5, 1e5, unit="day", finite=True))
    low, high = TLE_ERROR_GROWTH_KM_PER_DAY
    return TLE_ERROR_AT_EPOCH_KM + low * age, TLE_ERROR_AT_EPOCH_KM + high * age


def _element_ages_days(constellation, idx, times: Time) -> np.ndarray:
    """Largest |time - element epoch| of each SGP4 row ``idx`` over ``times``. [day]"""
    ep = pd.to_datetime(constellation.satellites["element_epoch"].iloc[idx], utc=True)
    ep_ns = ep.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(float)
    ends = times[[0, -1]].utc.datetime64.astype("datetime64[ns]").astype(np.int64)
    ends = ends.astype(float)
    return np.maximum(np.abs(ends[0] - ep_ns), np.abs(ends[1] - ep_ns)) / 86400e9


def _warn_element_age(constellation, idx, times: Time) -> None:
    if idx.size == 0:
        return
    age = _element_ages_days(constellation, idx, times)
    old = age > ELEMENT_AGE_LIMIT_DAYS
    if old.sum() <= ELEMENT_AGE_ALLOWED_FRACTION * idx.size:
        return
    worst = float(age.max())
    low, high = tle_along_track_error_km(worst)
    sat = constellation.satellites["sat_id"].iloc[idx[int(np.argmax(age))]]
    warnings.warn(ElementAgeWarning(
        f"propagating {int(old.sum())} of {idx.size} element sets more than "
        f"{ELEMENT_AGE_LIMIT_DAYS:g} days from their epochs (up to {worst:.1f} days, "
        f"{sat!r}); expected along-track error {float(low):.0f}-{float(high):.0f} km "
        "(SGP4/TLE error grows ~1-3 km/day). Pick times inside "
        "Constellation.validity_window() or use fresher element sets",
        worst, int(old.sum()), (float(low), float(high))), stacklevel=4)


# ---------------------------------------------------------------------------- times


@quiet_erfa
def _check_times(times) -> Time:
    t = to_time(times)
    if t.isscalar:
        t = t.reshape((1,))
    if t.ndim != 1:
        raise ValueError(f"times must be one-dimensional, got shape {t.shape}")
    if len(t) == 0:
        raise ValueError("times is empty")
    if len(t) > 1:
        d = np.diff((t.tai.jd1 - t.tai.jd1[0]) + (t.tai.jd2 - t.tai.jd2[0]))
        if np.any(d <= 0):
            k = int(np.flatnonzero(d <= 0)[0])
            raise ValueError(f"times must be strictly increasing; times[{k + 1}] = "
                             f"{t[k + 1].isot} is not after times[{k}] = {t[k].isot}")
    return t


# ------------------------------------------------------------------- closed forms


def mean_motion_rad_s(a_km) -> np.ndarray:
    """Keplerian mean motion n = sqrt(mu / a^3). [rad/s]

    Parameters
    ----------
    a_km : array_like
        Semi-major axis. [km]

    Examples
    --------
    >>> from satcloud.orbits import mean_motion_rad_s
    >>> print(f"{float(mean_motion_rad_s(7000.0)):.4e}")    # sqrt(398600.4418 / 7000^3)
    1.0780e-03
    """
    a = check_range(a_km, "a_km", 0.0, None, low_open=True, unit="km", finite=True)
    with np.errstate(over="ignore", divide="ignore"):
        return check_finite_result(np.sqrt(MU_EARTH_KM3_S2 / a**3), "a_km")


def orbital_period_s(altitude_km) -> np.ndarray:
    """Keplerian period T = 2 pi sqrt(a^3 / mu), a = R_E + altitude (circular). [s]

    Parameters
    ----------
    altitude_km : array_like
        Altitude above the WGS84 equatorial radius. [km]

    Examples
    --------
    Kepler's third law for a = 6378.137 + 550 km: 2 pi sqrt(6928.137^3 / 398600.4418)
    = 5,739 s (95.65 min); GEO's 35,786 km gives one sidereal day (86,164 s):

    >>> import numpy as np
    >>> from satcloud.orbits import orbital_period_s
    >>> np.round(orbital_period_s([550.0, 35786.0]))
    array([ 5739., 86164.])
    """
    h = check_range(altitude_km, "altitude_km", 100.0, None, unit="km", finite=True)
    a = R_EARTH_KM + h
    with np.errstate(over="ignore"):
        return check_finite_result(2.0 * np.pi * np.sqrt(a**3 / MU_EARTH_KM3_S2),
                                   "altitude_km")


def j2_secular_rates(a_km, eccentricity, inclination_deg):
    """First-order J2 secular rates of RAAN, argument of perigee and mean anomaly.

    Parameters
    ----------
    a_km : array_like
        Mean semi-major axis. [km]
    eccentricity : array_like
        Mean eccentricity, in [0, 1). [-]
    inclination_deg : array_like
        Mean inclination, in [0, 180]. [deg]

    Returns
    -------
    raan_rate, argp_rate, mean_anomaly_rate : numpy.ndarray
        d(Omega)/dt, d(omega)/dt, dM/dt (the last includes the Keplerian mean
        motion). [rad/s]

    Notes
    -----
    Eqs. 9-41 (nodal regression), 9-42 (apsidal rotation) and 9-43 (mean-motion
    correction) of [1]_; first-order secular J2 theory of [2]_.

    References
    ----------
    .. [1] D. A. Vallado (with W. D. McClain), *Fundamentals of Astrodynamics and
       Applications*, 4th ed., Microcosm Press, Hawthorne, CA, 2013 (a book, no DOI).
    .. [2] Y. Kozai, "The motion of a close earth satellite", *The Astronomical
       Journal* 64, 367-377, 1959 (DOI not verified).
       https://ui.adsabs.harvard.edu/abs/1959AJ.....64..367K/abstract

    Examples
    --------
    The ISS-like orbit (400 km, 51.6 deg) regresses its node by ~5.0 deg/day, the
    textbook figure:

    >>> import numpy as np
    >>> from satcloud.orbits import R_EARTH_KM, j2_secular_rates
    >>> raan_rate, argp_rate, _ = j2_secular_rates(R_EARTH_KM + 400.0, 0.0, 51.6)
    >>> print(f"{np.degrees(raan_rate) * 86400:.2f} {np.degrees(argp_rate) * 86400:.2f}")
    -5.00 3.74
    """
    check_shapes(a_km=a_km, eccentricity=eccentricity, inclination_deg=inclination_deg)
    a = check_range(a_km, "a_km", 0.0, None, low_open=True, unit="km", finite=True)
    e = check_range(eccentricity, "eccentricity", 0.0, 1.0, high_open=True)
    i = np.radians(check_range(inclination_deg, "inclination_deg", 0.0, 180.0, unit="deg"))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        n0 = np.sqrt(MU_EARTH_KM3_S2 / a**3)
        p = a * (1.0 - e * e)
        k = J2_EARTH * (R_EARTH_KM / p) ** 2
        ci = np.cos(i)
        raan_rate = -1.5 * n0 * k * ci
        argp_rate = 0.75 * n0 * k * (5.0 * ci * ci - 1.0)
        m_rate = n0 * (1.0 + 0.75 * k * np.sqrt(1.0 - e * e) * (3.0 * ci * ci - 1.0))
        total = argp_rate + m_rate + raan_rate  # inf - inf (a_km ~ 1e-91) is NaN: refused
    check_finite_result(total, "a_km and eccentricity")
    return raan_rate, argp_rate, m_rate


def nodal_period_s(altitude_km, inclination_deg, eccentricity=0.0) -> np.ndarray:
    """Nodal (draconitic) period 2 pi / (d(omega)/dt + dM/dt) under J2. [s]

    Parameters
    ----------
    altitude_km : array_like
        Altitude above the WGS84 equatorial radius, >= 100. [km]
    inclination_deg : array_like
        Inclination. [deg]
    eccentricity : array_like, optional
        Eccentricity, in [0, 1). [-]

    Examples
    --------
    J2 shortens the 550 km / 53 deg period by 3.5 s from Kepler's 5,739.0 s:

    >>> from satcloud.orbits import nodal_period_s
    >>> print(f"{float(nodal_period_s(550.0, 53.0)):.1f}")
    5735.5
    """
    check_shapes(altitude_km=altitude_km, inclination_deg=inclination_deg,
                 eccentricity=eccentricity)
    h = check_range(altitude_km, "altitude_km", 100.0, None, unit="km", finite=True)
    with np.errstate(over="ignore", divide="ignore"):
        _, w, m = j2_secular_rates(R_EARTH_KM + h, eccentricity, inclination_deg)
        return check_finite_result(2.0 * np.pi / (w + m), "altitude_km")


def sun_synchronous_inclination_deg(altitude_km, eccentricity=0.0) -> np.ndarray:
    """Inclination at which J2 nodal precession follows the mean Sun (360 deg/year). [deg]

    Solves -3/2 n J2 (R/p)^2 cos i = 2 pi / (365.2421897 d) (eq. 11-14 of [1]_).

    Parameters
    ----------
    altitude_km : array_like
        Mean altitude above the equatorial radius (a - R_E). [km]
    eccentricity : array_like, optional
        [-]

    References
    ----------
    .. [1] D. A. Vallado (with W. D. McClain), *Fundamentals of Astrodynamics and
       Applications*, 4th ed., Microcosm Press, Hawthorne, CA, 2013 (a book, no DOI).

    Examples
    --------
    At 800 km a sun-synchronous orbit is inclined 98.6 deg, as for the classical
    Earth-observation missions:

    >>> from satcloud.orbits import sun_synchronous_inclination_deg
    >>> print(f"{float(sun_synchronous_inclination_deg(800.0)):.2f}")
    98.60
    """
    check_shapes(altitude_km=altitude_km, eccentricity=eccentricity)
    h = check_range(altitude_km, "altitude_km", 100.0, None, unit="km", finite=True)
    e = check_range(eccentricity, "eccentricity", 0.0, 1.0, high_open=True)
    a = R_EARTH_KM + h
    # Huge altitudes overflow a**3 to inf, so n0 = 0 and cos_i = -inf: the |cos i| check
    # below reports them; no RuntimeWarning on the way.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        n0 = np.sqrt(MU_EARTH_KM3_S2 / a**3)
        p = a * (1.0 - e * e)
        cos_i = -_SUN_RATE_RAD_S / (1.5 * n0 * J2_EARTH * (R_EARTH_KM / p) ** 2)
    if np.any(np.abs(cos_i) > 1):
        raise ValueError("altitude_km too high for a sun-synchronous orbit "
                         "(needs |cos i| <= 1; above ~5,970 km there is none)")
    return np.degrees(np.arccos(cos_i))


# ----------------------------------------------------------------------- ephemeris


@dataclass
class Ephemeris:
    """Positions of a constellation over a time grid.

    Attributes
    ----------
    times : astropy.time.Time
        The ``T`` times (UTC).
    r_ecef_km : numpy.ndarray
        Earth-fixed (ITRS, WGS84; polar motion neglected) positions ``[T, N, 3]``. [km]
    r_eci_km : numpy.ndarray or None
        Inertial positions ``[T, N, 3]`` in the CIRS (true equator of date, CIO origin;
        r_eci = R3(-ERA) r_ecef), only when propagated with ``inertial=True``. [km]
    constellation : Constellation
        The satellites, row ``n`` of ``constellation.satellites`` is index ``n``.
    """

    times: Time
    r_ecef_km: np.ndarray
    r_eci_km: np.ndarray | None
    constellation: object

    @property
    def sat_ids(self) -> np.ndarray:
        """Satellite identifiers, one per index ``n``."""
        return self.constellation.satellites["sat_id"].to_numpy()

    @property
    def shape(self) -> tuple[int, int]:
        """(number of times, number of satellites)."""
        return self.r_ecef_km.shape[:2]

    def __repr__(self) -> str:
        t = self.times
        span = f"{t[0].isot} .. {t[-1].isot}" if len(t) > 1 else t[0].isot
        return (f"Ephemeris({getattr(self.constellation, 'name', '?')!r}, "
                f"{self.shape[0]} times [{span}], {self.shape[1]} satellites, "
                f"dtype={self.r_ecef_km.dtype}, inertial={self.r_eci_km is not None})")

    def isel(self, time=None, sat=None) -> Ephemeris:
        """Select time steps and/or satellites by integer index, slice or mask."""
        ti = _index(time, "time", len(self.times))
        si = _index(sat, "sat", self.r_ecef_km.shape[1])
        times = self.times[ti]
        r = self.r_ecef_km[ti][:, si]
        eci = None if self.r_eci_km is None else self.r_eci_km[ti][:, si]
        const = self.constellation
        if sat is not None:
            const = const.subset(np.arange(len(const))[si])
        if times.isscalar:
            times = times.reshape((1,))
            r = r[None]
            eci = None if eci is None else eci[None]
        return Ephemeris(times, r, eci, const)


def _index(value, name: str, n: int):
    """``value`` as an index of an axis of length ``n`` (None: all), checked: integers in
    range, a slice or a boolean mask of length ``n``; ``TypeError``/``ValueError`` naming
    ``name``."""
    if value is None:
        return slice(None)
    if isinstance(value, slice):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer index, a slice or a mask, got {value!r}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be integer indices, a slice or a boolean mask, got "
                        f"{value!r:.100}") from exc
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise ValueError(f"{name}: a boolean mask needs {n} entries, got shape {arr.shape}")
        return arr
    if arr.dtype.kind not in "iu" and not (arr.size == 0 and arr.dtype.kind == "f"):
        raise TypeError(f"{name} must be integer indices, a slice or a boolean mask, got "
                        f"{value!r:.100}")
    arr = arr.astype(np.intp)
    if arr.size and (arr.min() < -n or arr.max() >= n):
        bad = arr[(arr < -n) | (arr >= n)].flat[0]
        raise ValueError(f"{name} index {bad} is out of range for {n} entries")
    return arr if arr.ndim else int(arr)


@quiet_erfa
def _sat_arrays(constellation, ref: Time):
    """Per-satellite element arrays (radians, km, seconds since ``ref``)."""
    sats = constellation.satellites
    ep = sats["element_epoch"]
    ep_t = to_time(pd.DatetimeIndex(ep))
    offset = (ep_t.tai - ref.tai).to_value(u.s) if len(sats) else np.zeros(0)
    a = R_EARTH_KM + sats["altitude_km"].to_numpy(float)
    e = sats["eccentricity"].to_numpy(float)
    inc = sats["inclination_deg"].to_numpy(float)
    rd, wd, md = j2_secular_rates(a, e, inc) if len(sats) else (np.zeros(0),) * 3
    return {
        "offset_s": np.asarray(offset, float),
        "a": a, "e": e, "i": np.radians(inc),
        "raan": np.radians(sats["raan_deg"].to_numpy(float)),
        "argp": np.radians(sats["arg_perigee_deg"].to_numpy(float)),
        "m": np.radians(sats["mean_anomaly_deg"].to_numpy(float)),
        "raan_dot": rd, "argp_dot": wd, "m_dot": md,
    }


def _check_finite_elements(el: dict, idx: np.ndarray, sats: pd.DataFrame) -> None:
    """J2 elements of the satellites ``idx`` must be finite (a constellation's table can
    be edited after it was checked); one pass over N values per element."""
    for key, arr in el.items():
        vals = arr[idx]
        ok = np.isfinite(vals)
        if not ok.all():
            k = int(idx[np.flatnonzero(~ok)[0]])
            raise ValueError(f"propagate: satellite {sats['sat_id'].iloc[k]!r} (row {k}) has "
                             f"a non-finite element ({key} = {arr[k]:g}); fix its row of "
                             "constellation.satellites or drop it")


def _kepler_E(m, e, iterations=8):
    """Eccentric anomaly from mean anomaly (Newton; algorithm 2 of module References [1]). [rad]"""
    m = np.remainder(m, 2.0 * np.pi)
    big = e > 0.8
    ecc_anom = np.where(big, np.pi, m + e * np.sin(m))
    for _ in range(iterations):
        f = ecc_anom - e * np.sin(ecc_anom) - m
        ecc_anom = ecc_anom - f / (1.0 - e * np.cos(ecc_anom))
    return ecc_anom


def _j2_positions(el, idx, dt_s, theta, inertial):
    """J2 mean-element positions. dt_s: [T, 1] or [T, n] seconds since element epoch."""
    a, e, inc = el["a"][idx], el["e"][idx], el["i"][idx]
    dt = dt_s - el["offset_s"][idx]
    raan = el["raan"][idx] + el["raan_dot"][idx] * dt
    argp = el["argp"][idx] + el["argp_dot"][idx] * dt
    m = el["m"][idx] + el["m_dot"][idx] * dt
    circ = np.all(e == 0.0)
    if circ:
        uarg = argp + m
        r = a
    else:
        ecc_anom = _kepler_E(m, np.broadcast_to(e, m.shape))
        ee = np.broadcast_to(e, m.shape)
        nu = 2.0 * np.arctan2(np.sqrt(1 + ee) * np.sin(ecc_anom / 2),
                              np.sqrt(1 - ee) * np.cos(ecc_anom / 2))
        uarg = argp + nu
        r = a * (1.0 - ee * np.cos(ecc_anom))
    cu, su = np.cos(uarg), np.sin(uarg)
    ci, si = np.cos(inc), np.sin(inc)
    lam = raan - theta
    cl, sl = np.cos(lam), np.sin(lam)
    rcu = r * cu
    rsuci = r * su * ci
    ecef = np.stack([cl * rcu - sl * rsuci, sl * rcu + cl * rsuci, r * su * si], axis=-1)
    eci = None
    if inertial:
        co, so = np.cos(raan), np.sin(raan)
        eci = np.stack([co * rcu - so * rsuci, so * rcu + co * rsuci, r * su * si], axis=-1)
    return ecef, eci


def _sgp4_error_message(code) -> str:
    from sgp4.api import SGP4_ERRORS

    return SGP4_ERRORS.get(int(code), f"error code {int(code)}")


def _sgp4_raise(sat_id, jd, fr, t, code):
    raise ValueError(f"SGP4 failed for satellite {sat_id!r} at JD {jd[t] + fr[t]:.6f}: "
                     f"{_sgp4_error_message(code)}; drop it or shorten the time span")


def _sgp4_first_error(err):
    """(satellite, time, code) of the first nonzero SGP4 error in [n, T] order, or None."""
    if not np.any(err):
        return None
    n, t = np.argwhere(err)[0]
    return int(n), int(t), int(err[n, t])


def _eci_from_ecef(ecef, era):
    ce, se = np.cos(era)[:, None], np.sin(era)[:, None]
    xe, ye = ecef[..., 0], ecef[..., 1]
    return np.stack([ce * xe - se * ye, se * xe + ce * ye, ecef[..., 2]], axis=-1)


def _rotate_teme(r_teme, gmst, out):
    """out[t, n] = R3(gmst_t) r_teme[n, t]: TEME -> pseudo-Earth-fixed. [km]"""
    cg, sg = np.cos(gmst), np.sin(gmst)
    k = load_kernels("rotation")
    if k is not None and out.flags.c_contiguous:
        k.rotate_teme_into(r_teme, cg, sg, out)
    else:
        r = np.transpose(r_teme, (1, 0, 2))  # [T, n, 3]
        x, y = r[..., 0], r[..., 1]
        out[..., 0] = cg[:, None] * x + sg[:, None] * y
        out[..., 1] = -sg[:, None] * x + cg[:, None] * y
        out[..., 2] = r[..., 2]
    return out


SGP4_BACKENDS = ("auto", "numba", "satrec")


def _numba_sgp4():
    """The numba SGP4 kernels (:mod:`satcloud._core.sgp4`), or ``None`` without numba."""
    return load_kernels("sgp4")


#: ``Satrec.method`` of the element sets SGP4 propagates near-Earth (period < 225 min).
_NEAR_EARTH = "n"


def _near_earth_mask(satrecs) -> np.ndarray:
    """True for element sets that SGP4 propagates near-Earth (period < 225 min).

    The test is the C++ library's own: ``Satrec.method == 'n'`` after ``sgp4init``
    (``2 pi / n_unkozai < 225`` min; module References [3], sec. "Deep space").
    """
    return np.array([s.method == _NEAR_EARTH for s in satrecs], dtype=bool)


def _near_earth_table(satrecs) -> np.ndarray:
    """The near-Earth SGP4 constants of ``sgp4.api.Satrec`` objects, [N, NCOL]
    (:func:`satcloud._core.sgp4.init_table` of their ``sgp4init`` inputs).

    Raises
    ------
    ValueError
        If a deep-space (SDP4) element set is given.
    """
    core = _numba_sgp4()
    satrecs = list(satrecs)
    deep = ~_near_earth_mask(satrecs)
    if deep.any():
        k = int(np.flatnonzero(deep)[0])
        raise ValueError(f"element set {k} is deep-space (period >= 225 min): SDP4 is not "
                         "ported, use sgp4.api.SatrecArray")
    cols = core.INIT_COLUMNS
    el = np.array([[getattr(s, a) for a in cols] for s in satrecs],
                  dtype=np.float64).reshape(len(satrecs), len(cols))
    return core.init_table(el)


def _check_sgp4_backend(backend) -> str:
    if backend not in SGP4_BACKENDS:
        raise ValueError(f"sgp4_backend must be one of {SGP4_BACKENDS}, got {backend!r}")
    if backend == "numba" and _numba_sgp4() is None:  # pragma: no cover
        raise ImportError("sgp4_backend='numba' needs numba")
    return backend


class _Plan:
    """Per-call precomputation shared by the chunks."""

    def __init__(self, constellation, times: Time, sgp4_backend: str = "auto"):
        from sgp4.api import SatrecArray

        sgp4_backend = _check_sgp4_backend(sgp4_backend)

        self.constellation = constellation
        sats = constellation.satellites
        self.n = len(sats)
        model = sats["model"].to_numpy().astype(str)
        self.j2_idx = np.flatnonzero(model == "j2")
        self.sgp4_idx = np.flatnonzero(model == "sgp4")
        self.ref = times[0]
        tai = times.tai
        self.t_s = ((tai.jd1 - self.ref.tai.jd1) + (tai.jd2 - self.ref.tai.jd2)) * 86400.0
        self.theta = earth_rotation_angle_rad(times)
        # J2 element arrays (parsing the element epochs costs ~0.2 s per 5,000 satellites)
        self.el = _sat_arrays(constellation, self.ref) if self.j2_idx.size else None
        if self.el is not None:
            _check_finite_elements(self.el, self.j2_idx, sats)
        self.j2_circ = self.j2_ecc = np.zeros(0, np.int64)
        if self.j2_idx.size:
            ej = self.el["e"][self.j2_idx]
            self.j2_circ = self.j2_idx[ej == 0.0]
            self.j2_ecc = self.j2_idx[ej != 0.0]
        if self.j2_circ.size:
            self._prepare_circular()
        self.satarray = None
        self.sgp4_table = None
        self.sgp4_sat_idx = self.sgp4_fast_idx = np.zeros(0, np.int64)
        if self.sgp4_idx.size:
            satrecs = [constellation.satrecs[k] for k in self.sgp4_idx]
            fast = np.zeros(len(satrecs), dtype=bool)
            sg4 = _numba_sgp4() if sgp4_backend != "satrec" else None
            if sg4 is not None:
                fast = _near_earth_mask(satrecs)
                if fast.any():
                    self.sgp4_table = _near_earth_table(
                        [s for s, f in zip(satrecs, fast, strict=True) if f])
            # SatrecArray: deep-space sets, or all with sgp4_backend="satrec"
            self.sgp4_sat_idx = self.sgp4_idx[~fast]
            self.sgp4_fast_idx = self.sgp4_idx[fast]
            if self.sgp4_sat_idx.size:
                self.satarray = SatrecArray([s for s, f in zip(satrecs, fast, strict=True)
                                             if not f])
            _warn_element_age(constellation, self.sgp4_idx, times)
            self.sgp4_ids = sats["sat_id"].to_numpy()
            utc = times.utc
            self.jd, self.fr = utc.jd1.copy(), utc.jd2.copy()
            self.gmst = gmst82_rad(times)

    def _prepare_circular(self):
        # Satellites with the same (a, i) share their J2 rates: the time-dependent angles
        # are computed once per (time, group) and combined by the angle-addition formulas.
        el, idx = self.el, self.j2_circ
        a, inc = el["a"][idx], el["i"][idx]
        grp, _ = pd.factorize(pd.MultiIndex.from_arrays([a, inc]))
        self.c_grp = grp.astype(np.int64)
        first = np.unique(grp, return_index=True)[1]
        self.c_udot = (el["argp_dot"] + el["m_dot"])[idx][first]
        self.c_odot = el["raan_dot"][idx][first]
        off = el["offset_s"][idx]
        u0 = el["argp"][idx] + el["m"][idx] - (el["argp_dot"] + el["m_dot"])[idx] * off
        o0 = el["raan"][idx] - el["raan_dot"][idx] * off
        self.c_cu0, self.c_su0 = np.cos(u0), np.sin(u0)
        self.c_co0, self.c_so0 = np.cos(o0), np.sin(o0)
        self.c_a = a.copy()
        self.c_ci, self.c_si = np.cos(inc), np.sin(inc)
        self.c_all = idx.size == self.n

    def circular_chunk(self, t0, t1, out, inertial_out=None):
        dt = self.t_s[t0:t1, None]
        psi = self.c_udot[None, :] * dt
        cpsi, spsi = np.cos(psi), np.sin(psi)
        for target, theta in ((out, self.theta[t0:t1, None]), (inertial_out, 0.0)):
            if target is None:
                continue
            phi = self.c_odot[None, :] * dt - theta
            cphi, sphi = np.cos(phi), np.sin(phi)
            buf = target if self.c_all else np.empty((t1 - t0, self.j2_circ.size, 3),
                                                     dtype=target.dtype)
            k = load_kernels("kepler")
            if k is not None and buf.flags.c_contiguous:
                k.circular_positions_into(self.c_cu0, self.c_su0, self.c_co0, self.c_so0, self.c_a, self.c_ci,
                     self.c_si, self.c_grp, cpsi, spsi, cphi, sphi, buf)
            else:
                g = self.c_grp
                cu = self.c_cu0 * cpsi[:, g] - self.c_su0 * spsi[:, g]
                su = self.c_su0 * cpsi[:, g] + self.c_cu0 * spsi[:, g]
                cl = self.c_co0 * cphi[:, g] - self.c_so0 * sphi[:, g]
                sl = self.c_so0 * cphi[:, g] + self.c_co0 * sphi[:, g]
                rcu = self.c_a * cu
                rsuci = self.c_a * su * self.c_ci
                buf[..., 0] = cl * rcu - sl * rsuci
                buf[..., 1] = sl * rcu + cl * rsuci
                buf[..., 2] = self.c_a * su * self.c_si
            if not self.c_all:
                target[:, self.j2_circ] = buf


def _default_chunk(n_sat: int) -> int:
    return max(1, min(4096, 1_000_000 // max(n_sat, 1)))


def _fill_chunk(plan: _Plan, t0: int, t1: int, out_ecef, out_eci, inertial: bool):
    if plan.j2_circ.size:
        plan.circular_chunk(t0, t1, out_ecef, out_eci if inertial else None)
    if plan.j2_ecc.size:
        ecef, eci = _j2_positions(plan.el, plan.j2_ecc, plan.t_s[t0:t1, None],
                                  plan.theta[t0:t1, None], inertial)
        out_ecef[:, plan.j2_ecc] = ecef
        if inertial:
            out_eci[:, plan.j2_ecc] = eci
    if plan.sgp4_idx.size:
        _fill_sgp4(plan, t0, t1, out_ecef, out_eci, inertial)
        # J2 positions are finite by construction (elements checked in _Plan, times
        # finite); SGP4 output is checked, as the library could return NaN unflagged
        _check_finite_positions(plan, t0, out_ecef)


def _check_finite_positions(plan: _Plan, t0: int, out) -> None:
    """Final guard: a chunk of positions must be finite (never return NaN silently).

    One pairwise sum over the chunk (no temporary array): NaN and infinities propagate
    into it, and finite positions (< 1e6 km) cannot overflow it.
    """
    if _finite_sum(out):
        return
    bad = ~np.isfinite(out).all(axis=-1)
    t, n = (int(i) for i in np.argwhere(bad)[0])
    sats = plan.constellation.satellites
    row = sats.iloc[n]
    elements = ", ".join(f"{c}={row[c]}" for c in
                         ("model", "altitude_km", "inclination_deg", "eccentricity",
                          "raan_deg", "arg_perigee_deg", "mean_anomaly_deg", "element_epoch"))
    raise ValueError(f"propagate: satellite {row['sat_id']!r} (row {n}) has a non-finite "
                     f"position at times[{t0 + t}]; its elements are invalid ({elements}); "
                     "drop it or fix its elements")


def _fill_sgp4(plan: _Plan, t0: int, t1: int, out_ecef, out_eci, inertial: bool):
    """SGP4 satellites of one chunk: near-Earth through the numba kernel, the rest
    through SatrecArray; the first error (lowest satellite, then time) is raised, as
    the SatrecArray-only path does."""
    jd, fr, gmst = plan.jd[t0:t1], plan.fr[t0:t1], plan.gmst[t0:t1]
    results, errors = [], []
    if plan.sgp4_table is not None:
        idx = plan.sgp4_fast_idx
        whole = idx.size == plan.n
        buf = out_ecef if whole else np.empty((t1 - t0, idx.size, 3))
        err_t, err_code = _numba_sgp4().sgp4_ecef_into(plan.sgp4_table, jd, fr, gmst, buf)
        bad = np.flatnonzero(err_t >= 0)
        if bad.size:
            errors.append((int(idx[bad[0]]), int(err_t[bad[0]]), int(err_code[bad[0]])))
        results.append((idx, buf, whole))
    if plan.satarray is not None:
        idx = plan.sgp4_sat_idx
        err, r_teme, _ = plan.satarray.sgp4(jd, fr)
        first = _sgp4_first_error(err)
        if first is not None:
            errors.append((int(idx[first[0]]), first[1], first[2]))
        else:
            whole = idx.size == plan.n
            buf = out_ecef if whole else np.empty((t1 - t0, idx.size, 3))
            results.append((idx, _rotate_teme(r_teme, gmst, buf), whole))
    if errors:
        n, t, code = min(errors)
        _sgp4_raise(plan.sgp4_ids[n], jd, fr, t, code)
    era = plan.theta[t0:t1]
    for idx, buf, whole in results:
        if not whole:
            out_ecef[:, idx] = buf
        if inertial:
            out_eci[:, idx] = _eci_from_ecef(buf, era)


def _progress(n_chunks: int, progress):
    from satcloud import _progress as bars

    if n_chunks < 2 or bars.resolve(progress) is False:
        return None
    return bars.bar(n_chunks, "propagate", unit="chunk", progress=progress)


def _check_constellation(constellation):
    if not hasattr(constellation, "satellites") or not hasattr(constellation, "satrecs"):
        raise TypeError("constellation must be a satcloud.constellations.Constellation, got "
                        f"{type(constellation).__name__}")
    if len(constellation) == 0:
        raise ValueError("constellation has no satellites")


def _check_dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"dtype must be np.float64 or np.float32, got {dtype!r}") from exc
    if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise TypeError(f"dtype must be float64 or float32, got {dt}")
    return dt


def _check_chunk_steps(chunk_steps, n_sat: int) -> int:
    """Time steps per chunk: a positive integer, default ~1e6 satellite states."""
    if chunk_steps is None:
        return _default_chunk(n_sat)
    return check_count(chunk_steps, "chunk_steps")


#: Memory per time step held besides the positions (offsets, Earth rotation angles,
#: Julian dates, GMST, UT1 conversion temporaries). [bytes]
_PER_TIME_BYTES = 256
#: Memory per satellite state of the temporaries of one chunk (angles, sines and
#: cosines, SGP4 buffers). [bytes]
_PER_STATE_TEMP_BYTES = 160


def _check_propagate_memory(n_t: int, n_sat: int, dtype: np.dtype, inertial: bool,
                            chunk: int, whole: bool) -> None:
    stored = (n_t if whole else min(chunk, n_t)) * n_sat * 3 * dtype.itemsize
    stored *= 2 if inertial else 1
    temps = min(chunk, n_t) * n_sat * _PER_STATE_TEMP_BYTES
    what = (f"propagate: positions of {n_sat:,} satellites at {n_t:,} times" if whole else
            f"iter_propagate: chunks of {min(chunk, n_t):,} times x {n_sat:,} satellites")
    advice = ("choose a larger step or shorter duration in time_grid, fewer satellites, "
              "dtype=np.float32, or stream with satcloud.orbits.iter_propagate (or "
              "satcloud.chunked for coverage)" if whole else "choose a smaller chunk_steps")
    check_memory(stored + temps + n_t * _PER_TIME_BYTES, what, advice)


@quiet_erfa
def propagate(constellation, times, *, inertial=False, dtype=np.float64, chunk_steps=None,
              progress=None, sgp4_backend="auto") -> Ephemeris:
    """Positions of every satellite at every time, Earth-fixed (and inertial if asked).

    Parameters
    ----------
    constellation : Constellation
        Satellites; each row's ``model`` picks the J2 secular or the SGP4 propagator.
    times : Time or array_like
        Strictly increasing UTC times, e.g. from :func:`satcloud.time.time_grid`.
    inertial : bool, optional
        Also return CIRS inertial positions (``r_eci_km``).
    dtype : numpy dtype, optional
        ``np.float64`` (default) or ``np.float32`` for the stored positions (float32
        halves memory; resolution ~0.5 m at LEO, ~2 m at GEO).
    chunk_steps : int, optional
        Time steps per chunk (default: ~1e6 satellite states per chunk).
    progress : bool, optional
        Show a tqdm bar over the chunks (``tqdm.auto``: terminal or notebook); default:
        the module-level switch (``satcloud.set_progress``, off unless turned on; then
        shown for runs over 2 s).
    sgp4_backend : {"auto", "numba", "satrec"}, optional
        SGP4 implementation for TLE/OMM satellites. ``"auto"`` (default) and ``"numba"``:
        near-Earth element sets (period < 225 min, as ``sgp4init`` classifies them) through
        satcloud's vectorised, parallel numba port of the near-Earth ``sgp4`` of Vallado
        et al. [1]_ (:mod:`satcloud._core.sgp4`; same positions as
        ``sgp4.api.SatrecArray`` to < 1e-6 km, same error codes), deep-space sets (SDP4)
        through ``SatrecArray``; ``"auto"`` falls back to ``SatrecArray`` if numba is
        missing, ``"numba"`` then raises ImportError. ``"satrec"``: every set through
        ``sgp4.api.SatrecArray`` (the C++ library). The first call in a fresh
        environment compiles the kernel (cached on disk afterwards).

    Returns
    -------
    Ephemeris
        ``r_ecef_km`` shaped ``[T, N, 3]`` [km]; ``r_eci_km`` likewise or ``None``.

    Raises
    ------
    ValueError
        For non-increasing or missing times, an empty constellation, an SGP4 error (e.g.
        a decayed satellite; the message names it), a satellite whose position would be
        non-finite (named; never returned as NaN), or a result larger than
        :data:`satcloud._validate.MAX_ARRAY_BYTES` (the message gives the estimate in GB
        and suggests a larger ``step``, ``dtype=np.float32`` or :func:`iter_propagate`).

    References
    ----------
    .. [1] D. A. Vallado, P. Crawford, R. Hujsak and T. S. Kelso, "Revisiting Spacetrack Report
       #3", AIAA/AAS Astrodynamics Specialist Conference, 2006, paper AIAA 2006-6753.
       doi:10.2514/6.2006-6753
    """
    _check_constellation(constellation)
    t = _check_times(times)
    dtype = _check_dtype(dtype)
    n_t, n_sat = len(t), len(constellation)
    chunk = _check_chunk_steps(chunk_steps, n_sat)
    _check_propagate_memory(n_t, n_sat, dtype, bool(inertial), chunk, whole=True)
    plan = _Plan(constellation, t, sgp4_backend)
    out = np.empty((n_t, plan.n, 3), dtype=dtype)
    out_eci = np.empty((n_t, plan.n, 3), dtype=dtype) if inertial else None
    starts = range(0, n_t, chunk)
    bar = _progress(len(starts), progress)
    for t0 in starts:
        t1 = min(t0 + chunk, n_t)
        _fill_chunk(plan, t0, t1, out[t0:t1],
                    None if out_eci is None else out_eci[t0:t1], inertial)
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return Ephemeris(t, out, out_eci, constellation)


def iter_propagate(constellation, times, *, chunk_steps=None, inertial=False,
                   dtype=np.float64, sgp4_backend="auto") -> Iterator[Ephemeris]:
    """Propagate chunk by chunk: yield an :class:`Ephemeris` per block of time steps.

    For problems whose full ``[T, N, 3]`` array is too large to hold; each yielded
    ephemeris covers ``times[k * chunk_steps:(k + 1) * chunk_steps]``. Parameters as in
    :func:`propagate`; they are checked when this is called, before the first chunk.
    Memory is bounded by one chunk (not by
    :data:`satcloud._validate.MAX_ARRAY_BYTES` times the whole span).

    Parameters
    ----------
    constellation : Constellation
        As in :func:`propagate`.
    times : astropy.time.Time or array_like
        As in :func:`propagate`.
    chunk_steps : int, optional
        Time steps per yielded ephemeris.
    inertial : bool, optional
        Also keep inertial positions, as in :func:`propagate`.
    dtype : numpy dtype, optional
        Float type of the positions.
    sgp4_backend : str, optional
        SGP4 implementation, as in :func:`propagate`.
    """
    _check_constellation(constellation)
    t = _check_times(times)
    dtype = _check_dtype(dtype)
    n_t, n_sat = len(t), len(constellation)
    chunk = _check_chunk_steps(chunk_steps, n_sat)
    _check_propagate_memory(n_t, n_sat, dtype, bool(inertial), chunk, whole=False)
    plan = quiet_erfa(_Plan)(constellation, t, sgp4_backend)
    return _iter_chunks(plan, t, chunk, dtype, bool(inertial), constellation)


def _iter_chunks(plan, t, chunk, dtype, inertial, constellation) -> Iterator[Ephemeris]:
    n_t = len(t)
    for t0 in range(0, n_t, chunk):
        t1 = min(t0 + chunk, n_t)
        out = np.empty((t1 - t0, plan.n, 3), dtype=dtype)
        eci = np.empty_like(out) if inertial else None
        _fill_chunk(plan, t0, t1, out, eci, inertial)
        yield Ephemeris(t[t0:t1], out, eci, constellation)


@quiet_erfa
def propagate_pairs(constellation, sat_index, times) -> np.ndarray:
    """Earth-fixed position of satellite ``sat_index[k]`` at ``times[k]`` (pairwise).

    Used to refine events (passes) without a full grid.

    Parameters
    ----------
    constellation : Constellation
    sat_index : array_like of int
        Satellite row numbers, shape [K].
    times : Time
        Times, shape [K] (need not be sorted).

    Returns
    -------
    numpy.ndarray
        ECEF positions [K, 3]. [km]
    """
    _check_constellation(constellation)
    raw = np.asarray(sat_index)
    if raw.size and raw.dtype.kind not in "iu":
        raise TypeError(f"sat_index must be integers (satellite row numbers), got "
                        f"{sat_index!r:.200}")
    idx = raw.astype(np.int64).ravel()
    if idx.size and (idx.min() < 0 or idx.max() >= len(constellation)):
        raise ValueError(f"sat_index must be in [0, {len(constellation) - 1}], got "
                         f"{int(idx.min() if idx.min() < 0 else idx.max())}")
    t = to_time(times)
    if t.isscalar:
        t = t.reshape((1,))
    if t.shape != idx.shape:
        raise ValueError(f"sat_index and times must have the same length, got {idx.shape} "
                         f"and {t.shape}")
    out = np.empty((idx.size, 3))
    if idx.size == 0:
        return out
    sats = constellation.satellites
    model = sats["model"].to_numpy().astype(str)[idx]
    ref = t[0]
    tai = t.tai
    t_s = ((tai.jd1 - ref.tai.jd1) + (tai.jd2 - ref.tai.jd2)) * 86400.0
    theta = earth_rotation_angle_rad(t)
    j2 = np.flatnonzero(model == "j2")
    if j2.size:
        el = _sat_arrays(constellation, ref)
        ecef, _ = _j2_positions(el, idx[j2], t_s[j2], theta[j2], False)
        out[j2] = ecef
    sg = np.flatnonzero(model == "sgp4")
    if sg.size:
        gmst = gmst82_rad(t[sg])
        utc = t[sg].utc
        for n in np.unique(idx[sg]):
            k = np.flatnonzero(idx[sg] == n)
            sat = constellation.satrecs[n]
            err, r, _ = sat.sgp4_array(utc.jd1[k].copy(), utc.jd2[k].copy())
            if np.any(err):
                raise ValueError(f"SGP4 failed for satellite {sats['sat_id'].iloc[n]!r}: "
                                 f"{_sgp4_error_message(err[err != 0][0])}")
            g = gmst[k]
            cg, sgn = np.cos(g), np.sin(g)
            out[sg[k], 0] = cg * r[:, 0] + sgn * r[:, 1]
            out[sg[k], 1] = -sgn * r[:, 0] + cg * r[:, 1]
            out[sg[k], 2] = r[:, 2]
    ok = np.isfinite(out).all(axis=1)
    if not ok.all():
        k = int(np.flatnonzero(~ok)[0])
        raise ValueError(f"propagate_pairs: satellite {sats['sat_id'].iloc[idx[k]]!r} (row "
                         f"{idx[k]}) has a non-finite position at times[{k}]; its elements "
                         "are invalid")
    return out
