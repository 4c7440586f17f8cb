"""Argument checks shared by the package: clear errors naming parameter, value and range."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np

__all__ = ["as_float_array", "check_choice", "check_choices", "check_latlon", "check_range"]


def as_float_array(value, name: str) -> np.ndarray:
    """``value`` as a float array; raises ``TypeError`` naming ``name`` if not numeric."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numeric, got {value!r}") from exc
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN; give finite values")
    return arr


def check_range(value, name: str, low=None, high=None, *, low_open=False, high_open=False,
                unit: str = "") -> np.ndarray:
    """Check that every element of ``value`` lies in the given interval.

    Parameters
    ----------
    value : array_like
        Values to check.
    name : str
        Parameter name used in the error message.
    low, high : float, optional
        Bounds (``None`` for unbounded).
    low_open, high_open : bool
        Whether the bound itself is excluded.
    unit : str
        Unit shown in the message, e.g. ``"deg"``.

    Returns
    -------
    numpy.ndarray
        ``value`` as a float array.

    Raises
    ------
    ValueError
        Naming the parameter, the first offending value and the allowed interval.
    """
    arr = as_float_array(value, name)
    bad = np.zeros(arr.shape, dtype=bool)
    if low is not None:
        bad |= (arr <= low) if low_open else (arr < low)
    if high is not None:
        bad |= (arr >= high) if high_open else (arr > high)
    if bad.any():
        first = arr[bad].flat[0]
        lo = "(-inf" if low is None else ("(" if low_open else "[") + f"{low:g}"
        hi = "inf)" if high is None else f"{high:g}" + (")" if high_open else "]")
        u = f" {unit}" if unit else ""
        raise ValueError(f"{name} must be in {lo}, {hi}{u}; got {first:g}{u}")
    return arr


def check_latlon(lat_deg, lon_deg, lat_name="lat_deg", lon_name="lon_deg"):
    """Check latitude in [-90, 90] and longitude in [-180, 360] degrees; return arrays."""
    lat = check_range(lat_deg, lat_name, -90.0, 90.0, unit="deg")
    lon = check_range(lon_deg, lon_name, -180.0, 360.0, unit="deg")
    return lat, lon


def check_choice(value, name: str, choices: Iterable[str]) -> str:
    """Check ``value`` is one of ``choices``; the error lists them and suggests a close match."""
    choices = list(choices)
    if value in choices:
        return value
    hint = ""
    if isinstance(value, str):
        close = difflib.get_close_matches(value, [str(c) for c in choices], n=1, cutoff=0.6)
        if close:
            hint = f" Did you mean {close[0]!r}?"
    raise ValueError(f"unknown {name} {value!r}; valid choices: {choices}.{hint}")


def check_choices(values, name: str, choices: Iterable[str]) -> list:
    """``values`` (one name or several) as a list, each checked by :func:`check_choice`."""
    values = [values] if isinstance(values, str) else list(values)
    choices = list(choices)
    for value in values:
        check_choice(value, name, choices)
    return values
