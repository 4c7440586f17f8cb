"""Argument checks shared by the package: clear errors naming parameter, value and range.

Memory guard
------------
Computations whose arrays grow with the product of their inputs (time steps x
satellites, time steps x sites) estimate their size before allocating it and refuse,
through :func:`check_memory`, when the estimate exceeds :data:`MAX_ARRAY_BYTES`,
naming the parameter to change. Raise the limit on a machine with more memory by
assigning ``satcloud._validate.MAX_ARRAY_BYTES`` (bytes); it is read at each call.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np

__all__ = ["MAX_ARRAY_BYTES", "PathNotFoundError", "as_float_array", "check_choice", "check_choices",
           "check_finite", "check_finite_result", "check_latlon", "check_memory",
           "check_range", "check_scalar", "check_shapes"]

#: Largest estimated allocation a single call may make before it refuses with a
#: ``ValueError`` giving the estimate and the parameter to change (4 GiB: a quarter of a
#: 16 GB laptop, far above any notebook of the package at its default parameters, and
#: below a bare ``MemoryError`` or the operating system's out-of-memory killer). The
#: chunked paths (:func:`satcloud.orbits.iter_propagate`,
#: :func:`satcloud.geometry.iter_access`, :mod:`satcloud.chunked`) bound their memory
#: themselves and are not limited by it. [bytes]
MAX_ARRAY_BYTES = 4 * 2**30


class PathNotFoundError(FileNotFoundError, ValueError):
    """A path argument names no such file or folder: a ``FileNotFoundError`` that is also
    a ``ValueError`` (bad input), like :class:`satcloud.tle.SourceNotFoundError`. The
    message names the parameter."""


def _finite_sum(arr: np.ndarray) -> bool:
    """True if the sum of ``arr`` is finite: one reduction, no temporary array. NaN and
    infinities propagate into the sum (a sum that overflows, ~1e308, also reads as not
    finite: callers then examine the elements)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(np.add.reduce(arr, axis=None)))


def _first_bad(arr: np.ndarray, bad: np.ndarray) -> str:
    """The first offending element and its index, for messages."""
    flat = np.flatnonzero(bad.ravel())[0]
    value = f"{float(arr.ravel()[flat]):g}"
    if arr.ndim == 0:
        return value
    index = np.unravel_index(flat, arr.shape)
    where = index[0] if len(index) == 1 else tuple(int(i) for i in index)
    return f"{value} at index {where}"


def as_float_array(value, name: str, *, finite: bool = False) -> np.ndarray:
    """``value`` as a float array, checked for NaN (and for infinities if ``finite``).

    Parameters
    ----------
    value : array_like
        Numbers.
    name : str
        Public parameter name used in the error messages.
    finite : bool, optional
        Also reject ``+inf`` and ``-inf`` (default: only NaN is rejected, so that
        callers where infinity means "absent" or "unlimited" keep working).

    Raises
    ------
    TypeError
        If ``value`` cannot be read as numbers.
    ValueError
        If it contains NaN (or an infinity with ``finite=True``).
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError) as exc:
        raise TypeError(f"{name} must be numeric, got {value!r:.200}") from exc
    # one reduction without a temporary array: NaN and infinities propagate into the
    # sum; only if it is not finite are the elements examined (then exactly)
    if arr.size and not _finite_sum(arr):
        if finite:
            ok = np.isfinite(arr)
            if not ok.all():
                raise ValueError(f"{name} must be finite; got {_first_bad(arr, ~ok)}")
        elif np.isnan(arr).any():
            raise ValueError(f"{name} contains NaN; give finite values")
    return arr


def check_finite(value, name: str) -> np.ndarray:
    """``value`` as a float array of finite numbers; ``ValueError`` naming ``name``."""
    return as_float_array(value, name, finite=True)


def check_range(value, name: str, low=None, high=None, *, low_open=False, high_open=False,
                unit: str = "", finite: bool = False) -> np.ndarray:
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
    finite : bool, optional
        Also reject infinities where a bound is ``None`` (default False: an unbounded
        side admits infinity).

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
    if finite and arr.size and not _finite_sum(arr):
        bad |= np.isinf(arr)
    if bad.any():
        first = arr[bad].flat[0]
        lo = "(-inf" if low is None else ("(" if low_open else "[") + f"{low:g}"
        hi = "inf)" if high is None else f"{high:g}" + (")" if high_open else "]")
        u = f" {unit}" if unit else ""
        what = " and finite" if finite and (low is None or high is None) else ""
        raise ValueError(f"{name} must be in {lo}, {hi}{u}{what}; got {first:g}{u}")
    return arr


def check_scalar(value, name: str) -> float:
    """``value`` as one finite float; ``TypeError`` naming ``name`` for arrays of several
    values or non-numbers, ``ValueError`` for NaN or infinity."""
    arr = as_float_array(value, name, finite=True)
    if arr.ndim and arr.size != 1:
        raise TypeError(f"{name} must be a single number, got shape {arr.shape}")
    return float(arr.reshape(()))


def check_count(value, name: str, minimum: int = 1) -> int:
    """A whole number >= ``minimum`` (an int, or a float with no fraction), as ``int``.

    Raises ``TypeError`` for a bool or a non-number and ``ValueError`` for a fraction, a
    non-finite value or one below ``minimum``, naming ``name``.
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer | float
                                                 | np.floating):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r:.80}")
    if not np.isfinite(value) or value != int(value) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r:.80}")
    return int(value)


def check_finite_result(result, names: str) -> np.ndarray:
    """Raise if finite inputs overflowed to a non-finite ``result`` (e.g. 1e300 km).

    One reduction over ``result``; ``names`` lists the public parameters to blame.
    """
    if not _finite_sum(np.asarray(result, dtype=float)):
        raise ValueError(f"{names}: the result overflows (is not finite); the values are far "
                         "outside any physical range")
    return result


def check_shapes(**arrays) -> tuple:
    """The broadcast shape of the named arrays, or a ``ValueError`` naming them.

    Parameters
    ----------
    **arrays : array_like
        Public parameter name -> value, e.g. ``check_shapes(distance_km=d, freq_ghz=f)``.

    Returns
    -------
    tuple
        ``numpy.broadcast_shapes`` of the inputs.

    Raises
    ------
    ValueError
        Listing each parameter with its shape when they cannot be broadcast together.
    """
    shapes = {}
    for k, v in arrays.items():
        try:
            shapes[k] = np.shape(v)
        except ValueError:  # ragged nested sequences
            raise TypeError(f"{k} must be a number or a regular array of numbers, got "
                            f"{v!r:.200}") from None
    try:
        return np.broadcast_shapes(*shapes.values())
    except ValueError:
        listed = ", ".join(f"{k} shape {s}" for k, s in shapes.items())
        raise ValueError(f"{' and '.join(shapes)} cannot be broadcast together ({listed}); "
                         "give scalars or arrays of the same (or numpy-broadcastable) "
                         "shape") from None


def check_memory(n_bytes: float, what: str, advice: str) -> None:
    """Refuse an allocation estimated above :data:`MAX_ARRAY_BYTES`.

    Parameters
    ----------
    n_bytes : float
        Estimated size of the arrays the computation would hold at once. [bytes]
    what : str
        What would be allocated, e.g. ``"propagate: positions for 1e7 times x 4408
        satellites"``.
    advice : str
        Which parameter to change (or which chunked function to use).

    Raises
    ------
    ValueError
        With the estimate and the limit in GB and the advice.
    """
    limit = MAX_ARRAY_BYTES
    if n_bytes > limit:
        raise ValueError(f"{what} would need about {n_bytes / 1e9:,.1f} GB of memory, more "
                         f"than the {limit / 1e9:.1f} GB limit "
                         f"(satcloud._validate.MAX_ARRAY_BYTES); {advice}")


def check_latlon(lat_deg, lon_deg, lat_name="lat_deg", lon_name="lon_deg"):
    """Check latitude in [-90, 90] and longitude in [-180, 360] degrees; return arrays."""
    lat = check_range(lat_deg, lat_name, -90.0, 90.0, unit="deg")
    lon = check_range(lon_deg, lon_name, -180.0, 360.0, unit="deg")
    return lat, lon


def check_choice(value, name: str, choices: Iterable[str]) -> str:
    """Check ``value`` is one of ``choices``; the error lists them and suggests a close match."""
    choices = list(choices)
    try:
        found = value in choices
    except (TypeError, ValueError):  # unhashable or array-like values
        found = False
    if found:
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


def renamed_keywords(**old_to_new: str):
    """Decorator: keep an old keyword spelling working for one release, with a warning.

    ``@renamed_keywords(alt_km="altitude_km")`` lets ``f(alt_km=1.0)`` call
    ``f(altitude_km=1.0)`` after a ``DeprecationWarning`` naming the new spelling (issue
    12, point 7: one spelling per quantity). Giving both spellings is a ``TypeError``. The
    signature seen by :func:`inspect.signature` is the new one; the mapping is kept in
    the wrapper's ``__renamed_keywords__``.
    """
    import functools
    import inspect
    import warnings

    def decorate(fn):
        params = list(inspect.signature(fn).parameters.values())
        # how many positional arguments reach each new name (None: keyword-only)
        position = {p.name: i for i, p in enumerate(params)
                    if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)}
        missing = sorted(set(old_to_new.values()) - {p.name for p in params})
        if missing:
            raise TypeError(f"{fn.__name__} has no parameter(s) {missing} to rename to")

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for old, new in old_to_new.items():
                if old in kwargs:
                    if new in kwargs or len(args) > position.get(new, len(args)):
                        raise TypeError(f"{fn.__name__}() got both {old!r} (deprecated) and "
                                        f"{new!r}; give only {new!r}")
                    warnings.warn(f"{fn.__name__}(): the keyword {old!r} is deprecated and "
                                  f"will be removed in the next release; use {new!r}",
                                  DeprecationWarning, stacklevel=2)
                    kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)

        wrapper.__renamed_keywords__ = dict(old_to_new)
        return wrapper

    return decorate
