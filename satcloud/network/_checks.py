"""Argument checks of the network models and :func:`satcloud.latency.rtt`.

Each error names the public parameter, the value and what is allowed; nothing
non-finite gets through to a delay (an ``inf`` overhead would otherwise make an
infinite round trip on a row marked reachable).
"""

from __future__ import annotations

import numbers

import numpy as np

from satcloud._validate import check_range

__all__ = ["as_bool", "as_int", "broadcast", "finite_array", "finite_scalar", "positions"]


def _interval(low, high, low_open, high_open, unit) -> str:
    lo = "(-inf" if low is None else ("(" if low_open else "[") + f"{low:g}"
    hi = "inf)" if high is None else f"{high:g}" + (")" if high_open else "]")
    return f"{lo}, {hi}" + (f" {unit}" if unit else "")


def finite_array(value, name: str, low=None, high=None, *, low_open=False, high_open=False,
                 unit: str = "") -> np.ndarray:
    """``value`` as a float array of finite values within the interval.

    Raises ``TypeError`` for a non-numeric value and ``ValueError`` for NaN, +-inf or a
    value outside the interval, naming ``name``.
    """
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be numeric, got {value!r}")
    arr = check_range(value, name, low, high, low_open=low_open, high_open=high_open,
                      unit=unit)
    if not np.isfinite(arr).all():
        first = float(arr[~np.isfinite(arr)].flat[0])
        raise ValueError(f"{name} must be finite, in "
                         f"{_interval(low, high, low_open, high_open, unit)}; got {first!r}")
    return arr


def finite_scalar(value, name: str, low=None, high=None, *, low_open=False, high_open=False,
                  unit: str = "", allow_inf: bool = False) -> float:
    """``value`` as one finite float within the interval (``allow_inf``: +inf allowed).

    Booleans, strings, ``None`` and arrays are a ``TypeError`` naming ``name``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.ndarray)):
        raise TypeError(f"{name} must be a number"
                        f"{' [' + unit + ']' if unit else ''}, got {type(value).__name__} "
                        f"{value!r}")
    if isinstance(value, np.ndarray):
        if value.ndim or value.dtype.kind not in "iuf":
            raise TypeError(f"{name} must be a single number, got an array of shape "
                            f"{value.shape} and dtype {value.dtype}")
        value = value.item()
    v = float(value)
    if np.isnan(v) or (np.isinf(v) and not (allow_inf and v > 0)):
        extra = " (or inf for no limit)" if allow_inf else ""
        raise ValueError(f"{name} must be a finite number in "
                         f"{_interval(low, high, low_open, high_open, unit)}{extra}; got {v!r}")
    if np.isinf(v):
        return v
    return float(check_range(v, name, low, high, low_open=low_open, high_open=high_open,
                             unit=unit))


def as_bool(value, name: str) -> bool:
    """``value`` as a bool; anything but ``True``/``False`` is a ``TypeError``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def as_int(value, name: str, low: int | None = None) -> int:
    """``value`` as an int (not a bool) ``>= low``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if low is not None and value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def broadcast(**arrays) -> list[np.ndarray]:
    """Broadcast named arrays together; a mismatch names every parameter and its shape."""
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items())
        raise ValueError(f"{', '.join(arrays)} must broadcast to one shape; got {shapes}"
                         ) from None


def positions(value, name: str, ndim: tuple[int, ...] | None = (3,)) -> np.ndarray:
    """Satellite positions ``[..., 3]`` as a finite float array (``ndim``: the allowed
    numbers of dimensions, ``None`` for any). [km]"""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of positions [km], got {value!r}")
    try:
        r = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array of positions [km], got "
                        f"{type(value).__name__}") from exc
    if (ndim is not None and r.ndim not in ndim) or r.ndim == 0 or r.shape[-1] != 3:
        want = "[..., 3]" if ndim is None else " or ".join(
            {2: "[N, 3]", 3: "[T, N, 3]", 1: "[3]"}.get(n, f"{n}-D [..., 3]") for n in ndim)
        raise ValueError(f"{name} must have shape {want}, got {r.shape}")
    if not np.isfinite(r).all():
        raise ValueError(f"{name} holds non-finite values (NaN or inf) at "
                         f"{np.argwhere(~np.isfinite(r))[0].tolist()}; give finite positions")
    return r
