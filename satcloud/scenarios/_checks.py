"""Argument checks of the scenario functions: the tables and mappings they take.

Scenario functions chain the outputs of one another; given something else (``None``,
an empty table, a table from another function) they raise a ``TypeError`` or
``ValueError`` that names the parameter, what it got and which function makes the
right input, instead of a bare ``KeyError`` or ``AttributeError`` from pandas.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

__all__ = ["delay_models", "ephemeris", "finite_columns", "frame", "has_delay_models",
           "mapping", "names", "naming", "sequence"]


def _from(producer: str | None) -> str:
    return f" (the output of {producer})" if producer else ""


def frame(value, name: str, columns: Iterable[str] = (), *, producer: str | None = None,
          allow_empty: bool = False) -> pd.DataFrame:
    """``value`` checked to be a DataFrame with ``columns`` (and rows, unless allowed)."""
    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame{_from(producer)}, got "
                        f"{type(value).__name__} {value!r:.80}")
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}; give a table with "
                         f"{list(columns)}{_from(producer)}; got columns "
                         f"{list(value.columns)}")
    if not allow_empty and len(value) == 0:
        raise ValueError(f"{name} has no rows; give a non-empty table{_from(producer)}")
    return value


def mapping(value, name: str, *, producer: str | None = None, keys: Iterable | None = None,
            check=None) -> dict:
    """``value`` checked to be a non-empty mapping (keys among ``keys``; each value
    passed to ``check(value, f"{name}[{key!r}]")``)."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping (dict){_from(producer)}, got "
                        f"{type(value).__name__} {value!r:.80}")
    if not value:
        raise ValueError(f"{name} is empty; give at least one entry{_from(producer)}")
    if keys is not None:
        keys = list(keys)
        bad = [k for k in value if k not in keys]
        if bad:
            raise ValueError(f"{name} has unknown key(s) {bad}; valid keys: {keys}")
    if check is not None:
        for k, v in value.items():
            check(v, f"{name}[{k!r}]")
    return dict(value)


def ephemeris(value, name: str) -> None:
    """``value`` checked to be a propagated Ephemeris (:func:`satcloud.orbits.propagate`)."""
    from satcloud.orbits import Ephemeris

    if not isinstance(value, Ephemeris):
        raise TypeError(f"{name} must be an Ephemeris from satcloud.orbits.propagate(), "
                        f"got {type(value).__name__} {value!r:.80}")


def names(value, name: str, choices: Iterable[str] | None = None) -> list[str]:
    """One name or a non-empty sequence of names (each among ``choices``)."""
    if isinstance(value, str):
        value = [value]
    elif isinstance(value, (pd.DataFrame, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a name or a list of names, got "
                        f"{type(value).__name__} {value!r:.80}")
    value = list(value)
    if not value:
        extra = f" of {list(choices)[:12]}" if choices is not None else ""
        raise ValueError(f"{name} is empty; give at least one name{extra}")
    for v in value:
        if not isinstance(v, str):
            raise TypeError(f"{name} entries must be names (str), got {v!r}")
    if choices is not None:
        from satcloud._validate import check_choices

        check_choices(value, name, choices)
    return value


def finite_columns(df: pd.DataFrame, name: str, columns: Iterable[str], *,
                   nan_ok: Iterable[str] = (), producer: str | None = None) -> None:
    """Every number of ``df[columns]`` finite (NaN allowed in the ``nan_ok`` columns).

    Columns absent from ``df`` are skipped (:func:`frame` checks the required ones). An
    infinity is never a value of a scenario table; NaN is one only where the producing
    function documents it (e.g. the median RTT of a system that never reaches a site).
    """
    nan_ok = set(nan_ok)
    for c in columns:
        if c not in df.columns:
            continue
        try:
            v = df[c].to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            raise TypeError(f"{name} column {c!r} must hold numbers{_from(producer)}; got "
                            f"dtype {df[c].dtype}") from None
        bad = np.isinf(v) if c in nan_ok else ~np.isfinite(v)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            allowed = "finite numbers or NaN" if c in nan_ok else "finite numbers"
            raise ValueError(f"{name} column {c!r} must hold {allowed}{_from(producer)}; "
                             f"got {v[i]!r} in row {i}")


def sequence(value, name: str, *, what: str = "values") -> list:
    """One list of ``value``'s items: a list, tuple or other non-text iterable."""
    if isinstance(value, (str, bytes, Mapping, pd.DataFrame)) or not isinstance(
            value, Iterable):
        raise TypeError(f"{name} must be a list of {what}, got {type(value).__name__} "
                        f"{value!r:.80}")
    return list(value)


@contextlib.contextmanager
def naming(name: str, producer: str | None = None):
    """Prefix a ``ValueError``/``TypeError`` raised inside with the public ``name``.

    For the tables a scenario hands straight to a model: the model's message names its
    own parameter (``elevation_deg``), the prefix the scenario's (``geometry``).
    """
    try:
        yield
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        if msg.startswith(f"{name}"):
            raise
        base = TypeError if isinstance(exc, TypeError) else ValueError
        raise base(f"{name}{_from(producer)}: {msg}") from exc


def delay_models(value, options: Mapping, producer: str) -> list[str]:
    """The ``delay_models`` of a ``*_by_model`` scenario function, checked.

    Parameters
    ----------
    value : str or sequence of str
        Names of :data:`satcloud.delays.DELAY_MODELS`: at least one, each once.
    options : mapping
        The function's further keyword options: a single ``delay_model`` among them is
        an error (the function takes the sequence).
    producer : str
        The function's name with parentheses, for the message (``"system_rtt_by_model()"``).

    Returns
    -------
    list of str
        The models, in the order given.
    """
    from satcloud._validate import check_choices
    from satcloud.delays import DELAY_MODELS

    models = list(check_choices(names(value, "delay_models"), "delay_models entry",
                                DELAY_MODELS))
    if len(set(models)) != len(models):
        raise ValueError(f"delay_models repeats a model: {models}")
    if "delay_model" in options:
        raise TypeError(f"{producer} takes delay_models (a sequence of models), not "
                        "delay_model")
    return models


def has_delay_models(table: pd.DataFrame, name: str, producer: str) -> None:
    """Check that a table stacked by a ``*_by_model`` function holds every delay model.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows with a ``delay_model`` column.
    name : str
        The parameter's name, for the message.
    producer : str
        The function that makes such tables, with parentheses (``"rtt_samples_by_model()"``).
    """
    from satcloud.delays import DELAY_MODELS

    missing = [m for m in DELAY_MODELS if m not in set(table["delay_model"])]
    if missing:
        raise ValueError(f"{name} lack the delay model(s) {missing}; compute them with "
                         f"{producer.removesuffix('()')}(..., "
                         f"delay_models={list(DELAY_MODELS)})")
