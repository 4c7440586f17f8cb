"""Time: UTC Time arrays, time grids, the one duration parser, Earth rotation.

astropy is the authority for time scales and UT1 (:class:`astropy.time.Time`); this
module turns what a user gives (ISO strings, datetimes, pandas timestamps, durations
with units) into ``Time`` arrays and seconds, and gives the Earth rotation angles the
propagators need (:mod:`satcloud.orbits`).

Durations
---------
:func:`duration_s` is the one parser of durations and steps in satcloud (``"24h"``,
``"60s"``, a number of seconds, a Quantity, a timedelta; ``"24"`` without a unit is an
error). :func:`sample_durations_s` and :func:`uniform_step_s` give the steps of a time
array, in seconds.

Earth orientation
-----------------
satcloud never downloads: importing this module sets
``astropy.utils.iers.conf.auto_download = False``, so astropy uses the IERS tables
bundled with ``astropy-iers-data`` (observed values plus about a year of predictions).
Inside the tables UT1 is good to ~1 ms (< 0.5 m of Earth rotation at the surface).
Outside them astropy holds the edge value, and if UT1 cannot be had at all satcloud
falls back to UT1 = UTC; both are bounded by |UT1 - UTC| < 0.9 s (the leap second rule),
i.e. an Earth rotation error < 6.6e-5 rad: < 0.45 km at LEO, < 2.8 km at GEO. Never
raises, never downloads.

Results do not depend on the day they are computed: the module also sets
``astropy.utils.iers.conf.auto_max_age = None``, which turns off astropy's comparison of
the bundled tables' age with today's date (the "leap-second file is expired" warning, and
the refusal to interpolate predictions older than 30 days). With downloads off, that
check can only warn about the clock, never change a number; the values used are those of
the installed ``astropy-iers-data`` release, which a user updates by upgrading it.

Polar motion is neglected by the callers (|x_p|, |y_p| < 0.5 arcsec: < 15 m at the
Earth's surface).

The Earth rotation angle and its rate are those of the IERS Conventions [1]_, evaluated
by ERFA; GMST 1982 is the angle of the TEME frame SGP4 works in [2]_.

References
----------
.. [1] G. Petit and B. Luzum (eds.), "IERS Conventions (2010)", IERS Technical Note
   No. 36, Bundesamt für Kartographie und Geodäsie, 2010.
   https://www.iers.org/IERS/EN/Publications/TechnicalNotes/tn36.html
.. [2] D. A. Vallado, P. Crawford, R. Hujsak and T. S. Kelso, "Revisiting Spacetrack
   Report #3", AIAA/AAS Astrodynamics Specialist Conference, AIAA 2006-6753, 2006.
   doi:10.2514/6.2006-6753
"""

from __future__ import annotations

import datetime as _dt
import functools
import warnings

import numpy as np
import pandas as pd
from astropy import units as u
from astropy.time import Time, TimeDelta
from astropy.utils import iers

from satcloud._validate import check_memory

# Never download Earth-orientation tables (satcloud is offline by default), and never
# compare the bundled tables' age with today's date (results must not depend on it).
iers.conf.auto_download = False
iers.conf.auto_max_age = None

__all__ = [
    "DEFAULT_EPOCH",
    "SIDEREAL_RATE_RAD_S",
    "duration_s",
    "earth_rotation_angle_rad",
    "gmst82_rad",
    "sample_durations_s",
    "time_grid",
    "to_time",
    "uniform_step_s",
]

#: Earth's rotation rate relative to the CIO, d(ERA)/dt (IERS Conventions 2010, ch. 5;
#: module References [1]). [rad/s]
SIDEREAL_RATE_RAD_S = 2.0 * np.pi * 1.00273781191135448 / 86400.0

#: The package's fixed default epoch: 2020-10-01T00:00:00 UTC, the month of the
#: Microsoft-SpaceX Azure announcement (deterministic results everywhere).
DEFAULT_EPOCH = Time("2020-10-01T00:00:00", scale="utc")


# ------------------------------------------------------------------------- durations


#: Accepted forms of a duration, for error messages.
_DURATION_FORMS = ("a string with a unit ('24h', '60s', '10min', '1d', '00:01:00'), a number "
                   "of seconds (60 or 60.0), an astropy Quantity (60 * u.s), a TimeDelta, or "
                   "a datetime.timedelta / numpy.timedelta64 / pandas.Timedelta")


def duration_s(value, name="duration", *, allow_zero=False) -> float:
    """A duration in seconds, the one parser of durations and steps in satcloud. [s]

    Parameters
    ----------
    value : str, float, int, Quantity, TimeDelta or timedelta
        A string *with a unit* as pandas reads it (``"24h"``, ``"60s"``, ``"10min"``,
        ``"1d"``, ``"1 days 02:00:00"``); a plain number of seconds (int or float);
        an astropy ``Quantity`` with a time unit; an astropy ``TimeDelta``; a
        ``datetime.timedelta``, ``numpy.timedelta64`` (with a unit) or
        ``pandas.Timedelta``.
    name : str
        Public parameter name for the error messages (``"duration"``, ``"step"``).
    allow_zero : bool
        Accept 0 (a duration of one instant); otherwise the value must be > 0.

    Returns
    -------
    float
        Finite and > 0 (or >= 0 with ``allow_zero``). [s]

    Raises
    ------
    ValueError
        For a string without a unit (``"24"`` would otherwise read as 24 ns), a string
        pandas cannot read, a non-finite, negative (or zero) value, or a Quantity that is
        not a time.
    TypeError
        For any other type (bool, lists, arrays of several values, ...).
    """
    forms = _DURATION_FORMS
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a duration ({forms}); got {value!r}")
    if isinstance(value, u.Quantity):
        try:
            sec = value.to_value(u.s)
        except u.UnitsError as exc:
            raise ValueError(f"{name} must be a time; got {value!r} (unit "
                             f"{value.unit!s:.40}): give {forms}") from exc
    elif isinstance(value, TimeDelta):
        sec = value.to_value(u.s)
    elif isinstance(value, np.timedelta64):
        if np.datetime_data(value.dtype)[0] == "generic":
            raise ValueError(f"{name} = {value!r} has no unit; give {forms}")
        sec = float(pd.Timedelta(value).total_seconds()) if not np.isnat(value) else np.nan
    elif isinstance(value, _dt.timedelta):  # includes pandas.Timedelta
        sec = np.nan if value is pd.NaT else float(pd.Timedelta(value).total_seconds())
    elif isinstance(value, str):
        text = value.strip()
        try:
            float(text)
        except ValueError:
            pass
        else:  # "24", "1e3", "nan", "inf": a number without a unit
            raise ValueError(f"{name} = {value!r} has no unit; give {forms}")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pandas deprecates the unit "d"
                td = pd.Timedelta(text)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValueError(f"{name}: cannot read {value!r} as a duration; give "
                             f"{forms}") from exc
        sec = np.nan if td is pd.NaT else float(td.total_seconds())
    elif isinstance(value, int | float | np.integer | np.floating):
        sec = float(value)
    elif isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        sec = float(value)
    else:
        shape = getattr(value, "shape", None)
        got = (f"shape {shape}" if shape not in (None, ())
               else f"{type(value).__name__} {value!r:.60}")
        raise TypeError(f"{name} must be a single duration ({forms}); got {got}")
    sec = np.asarray(sec, dtype=float)
    if sec.ndim:
        raise TypeError(f"{name} must be a single duration, got shape {sec.shape}")
    sec = float(sec)
    if not np.isfinite(sec):
        raise ValueError(f"{name} must be a finite duration; got {value!r}")
    if sec < 0 or (sec == 0 and not allow_zero):
        need = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {need} s; got {value!r} ({sec:g} s)")
    return sec


def quiet_erfa(func):
    """Silence ERFA's 'dubious year' warnings (UTC beyond the leap-second table: the
    documented, bounded UT1 fallback applies there).

    Parameters
    ----------
    func : callable
        The function to wrap.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*dubious year.*")
            return func(*args, **kwargs)

    return wrapper


def _check_unmasked(t: Time, name: str) -> Time:
    """Reject missing times (NaT, masked elements): they would propagate to NaN."""
    if t.masked:
        missing = np.ma.getmaskarray(t.jd2)
        if missing.any():
            where = "" if t.isscalar else f" at index {int(np.flatnonzero(missing.ravel())[0])}"
            raise ValueError(f"{name} contains a missing time (NaT or masked){where}; give "
                             "valid UTC times")
    return t


def to_time(value, name="times") -> Time:
    """An astropy ``Time`` (UTC) from a Time, datetime, ISO string or datetime64 array.

    Parameters
    ----------
    value : Time, datetime, str, numpy.datetime64 or array_like
        The time(s) to read.
    name : str, optional
        Parameter name used in error messages.

    Raises
    ------
    TypeError
        If ``value`` cannot be read as a time.
    ValueError
        If it contains a missing time (NaT or a masked element).
    """
    if isinstance(value, Time):
        return _check_unmasked(value, name)
    if isinstance(value, pd.Timestamp | pd.DatetimeIndex | pd.Series):
        try:
            idx = pd.DatetimeIndex(np.atleast_1d(pd.to_datetime(value)))
        except (ValueError, TypeError, OverflowError) as exc:
            raise TypeError(f"{name}: cannot read {value!r:.200} as a time (give an astropy "
                            "Time, a datetime or an ISO string, in UTC)") from exc
        if idx.isna().any():
            raise ValueError(f"{name} contains a missing time (NaT) at index "
                             f"{int(np.flatnonzero(idx.isna())[0])}; give valid UTC times")
        if idx.tz is not None:
            idx = idx.tz_convert("UTC").tz_localize(None)
        t = Time(idx.to_numpy(dtype="datetime64[ns]"), scale="utc")
        return t[0] if isinstance(value, pd.Timestamp) else t
    if value is pd.NaT:
        raise ValueError(f"{name} is a missing time (NaT); give a valid UTC time")
    if isinstance(value, _dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(_dt.UTC).replace(tzinfo=None)
    try:
        t = Time(value, scale="utc")
    except (ValueError, TypeError, OverflowError, KeyError) as exc:
        # KeyError: astropy reads a dict as ymdhms fields and asks for 'year'
        raise TypeError(f"{name}: cannot read {value!r:.200} as a time (give an astropy "
                        "Time, a datetime or an ISO string, in UTC)") from exc
    return _check_unmasked(t, name)


#: Peak memory of :func:`time_grid` per time (offsets, TAI and UTC Time arrays and
#: ERFA temporaries; measured 121 bytes with tracemalloc). [bytes]
_TIME_GRID_BYTES_PER_STEP = 128


@quiet_erfa
def time_grid(start=None, duration="24h", step="60s", *, endpoint=False) -> Time:
    """A uniform grid of UTC times.

    Parameters
    ----------
    start : Time, datetime or str, optional
        First time (UTC). Default :data:`DEFAULT_EPOCH` (2020-10-01T00:00:00 UTC).
    duration : str, float, Quantity or timedelta
        Length of the grid, >= 0 (0: the single time ``start``): a string with a unit
        as pandas reads it (``"24h"``, ``"90min"``), a number of seconds, a Quantity
        or a timedelta (see :func:`duration_s`; a string without a unit such as
        ``"24"`` is an error). [s]
    step : str, float, Quantity or timedelta
        Spacing, > 0, in the same forms. [s]
    endpoint : bool, optional
        Include ``start + duration`` when it falls on the grid (default: half-open,
        so 24 h at 60 s gives 1,440 times).

    Returns
    -------
    astropy.time.Time
        Array of times, scale UTC. Steps are exact in SI seconds (TAI), so a grid over
        a leap second stays uniform.

    Raises
    ------
    ValueError
        For a duration or step without a unit, non-finite, negative (or a zero step),
        or a grid whose times alone would exceed the memory limit
        (:data:`satcloud._validate.MAX_ARRAY_BYTES`; about 33 million times).
    """
    t0 = DEFAULT_EPOCH if start is None else to_time(start, "start")
    if not t0.isscalar:
        raise TypeError("start must be a single time")
    dur = duration_s(duration, "duration", allow_zero=True)
    stp = duration_s(step, "step")
    n = np.floor(dur / stp * (1 + 1e-12) + 1e-9)
    n = max(n, 1.0)
    check_memory(n * _TIME_GRID_BYTES_PER_STEP,
                 f"time_grid: {n:,.0f} times ({duration!r} at {step!r})",
                 "choose a larger step or a shorter duration")
    n = int(n)
    if endpoint and abs(n * stp - dur) <= 1e-6 * stp:
        n += 1
    offsets = np.arange(n, dtype=float) * stp
    import erfa

    try:
        return (t0.tai + TimeDelta(offsets, format="sec")).utc
    except (erfa.ErfaError, ValueError, OverflowError) as exc:
        raise ValueError(f"duration {duration!r} from start {t0.isot} ends at a date astropy "
                         "cannot convert to UTC; give a shorter duration") from exc




def _time_axis(times, name: str) -> Time:
    """``times`` as a one-dimensional, non-empty Time (a scalar becomes one time)."""
    t = to_time(times, name)
    if t.isscalar:
        t = t.reshape((1,))
    if t.ndim != 1 or len(t) == 0:
        raise ValueError(f"{name} must be one or more times along one axis, got shape "
                         f"{t.shape}")
    return t


def _elapsed_s(times: Time) -> np.ndarray:
    """TAI seconds of each time since the first (from split Julian dates). [s]"""
    tai = times.tai
    return ((tai.jd1 - tai.jd1[0]) + (tai.jd2 - tai.jd2[0])) * 86400.0


def sample_durations_s(times, name="times") -> np.ndarray:
    """Duration each sample of a time array stands for. [s]

    Sample ``t_i`` stands for the interval ``[t_i, t_{i+1})``; the last sample gets the
    median step, a single time 1 s. Steps are TAI (SI) seconds from the split Julian
    dates, so they are exact across a leap second.

    Parameters
    ----------
    times : Time or array_like
        One-dimensional, strictly increasing UTC times.
    name : str, optional
        Name of the times in error messages.

    Returns
    -------
    numpy.ndarray
        One positive duration per time. [s]

    Raises
    ------
    ValueError
        If the times are not strictly increasing (a non-positive or non-finite duration
        would weight time statistics wrongly).
    TypeError
        If ``times`` cannot be read as times.
    """
    times = _time_axis(times, name)
    if len(times) == 1:
        return np.array([1.0])
    d = np.diff(_elapsed_s(times))
    bad = ~(d > 0)          # also catches NaN
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name} must be strictly increasing; times[{k + 1}] - "
                         f"times[{k}] = {d[k]:g} s")
    return np.append(d, np.median(d))


def uniform_step_s(times, name="times") -> float:
    """The step of a uniform time grid, to the microsecond (0 for a single time). [s]

    Parameters
    ----------
    times : Time or array_like
        One-dimensional UTC times, e.g. from :func:`time_grid`.
    name : str, optional
        Name of the times in error messages.

    Returns
    -------
    float
        The step, rounded to 1e-6 s. [s]

    Raises
    ------
    ValueError
        If the times are not strictly increasing and uniformly spaced (to 1e-5 s).
    TypeError
        If ``times`` cannot be read as times.
    """
    times = _time_axis(times, name)
    if len(times) < 2:
        return 0.0
    d = np.diff(_elapsed_s(times))
    step = float(np.round(d[0], 6))
    if not np.isfinite(step) or step <= 0:
        raise ValueError(f"{name} must be strictly increasing; the first step is "
                         f"{step:g} s")
    if not np.allclose(d, step, rtol=0.0, atol=1e-5):
        raise ValueError("times must be uniformly spaced (e.g. from satcloud.time.time_grid)")
    return step


# -------------------------------------------------------------------- Earth rotation


def _ut1(times: Time) -> Time:
    """UT1 for ``times`` from astropy's bundled IERS tables; UT1 = UTC as a last resort."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return times.ut1
        except Exception:  # noqa: BLE001 - documented fallback, bounded error
            utc = times.utc
            return Time(utc.jd1, utc.jd2, format="jd", scale="ut1")


@quiet_erfa
def earth_rotation_angle_rad(times) -> np.ndarray:
    """Earth rotation angle, IAU 2000 (ERFA ``era00`` with UT1 from astropy). [rad]

    Parameters
    ----------
    times : Time or array_like
        UTC times.

    Returns
    -------
    numpy.ndarray
        ERA in [0, 2 pi), the angle CIRS -> TIRS about the CIP. [rad]

    Notes
    -----
    ERA is the linear function of UT1 of the IERS Conventions [1]_ (chapter 5), as
    ERFA's ``era00`` evaluates it.

    References
    ----------
    .. [1] G. Petit and B. Luzum (eds.), "IERS Conventions (2010)", IERS Technical Note
       No. 36, Bundesamt für Kartographie und Geodäsie, 2010.
       https://www.iers.org/IERS/EN/Publications/TechnicalNotes/tn36.html
    """
    import erfa

    t = _ut1(to_time(times))
    return np.asarray(erfa.era00(t.jd1, t.jd2))


@quiet_erfa
def gmst82_rad(times) -> np.ndarray:
    """Greenwich mean sidereal time, IAU 1982 model with UT1 (ERFA ``gmst82``). [rad]

    The angle of the TEME -> pseudo-Earth-fixed rotation used with SGP4 ([1]_, sec.
    "Coordinate systems").

    Parameters
    ----------
    times : Time or array_like
        Times, read by :func:`to_time`.

    References
    ----------
    .. [1] D. A. Vallado, P. Crawford, R. Hujsak and T. S. Kelso, "Revisiting Spacetrack
       Report #3", AIAA/AAS Astrodynamics Specialist Conference, AIAA 2006-6753, 2006.
       doi:10.2514/6.2006-6753
    """
    import erfa

    t = _ut1(to_time(times))
    return np.asarray(erfa.gmst82(t.jd1, t.jd2))
