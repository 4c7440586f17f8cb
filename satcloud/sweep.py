"""Design-space sweeps on Dask: one row per parameter combination, resumable Parquet output.

:func:`sweep` evaluates a function of keyword parameters over a grid of parameter values
and returns a tidy :class:`pandas.DataFrame` with one row per combination: the parameters,
then the scalar metrics the function returned. The grid is either a dict of parameter
name -> list of values (their Cartesian product, first parameter varying slowest, like
:func:`itertools.product`) or a DataFrame of explicit combinations (one per row). Rows come
back in grid order whatever order the tasks finished in, so a sweep is deterministic.

Where it runs
-------------
The work runs as `Dask <https://distributed.dask.org>`_ tasks, in this order of preference:

1. ``client=``: a :class:`distributed.Client`, or the address of a running scheduler,
   e.g. ``"tcp://10.0.0.5:8786"`` (a cluster started with ``dask scheduler`` /
   ``dask worker``, dask-jobqueue, dask-kubernetes, Coiled...);
2. the ``SATCLOUD_DASK_SCHEDULER`` environment variable, holding such an address;
3. the default :class:`distributed.Client` of the session, if one exists;
4. otherwise a :class:`distributed.LocalCluster` started on demand on this machine (one
   single-threaded worker process per core, bound to 127.0.0.1), closed when the sweep
   ends; its dashboard link is printed when it starts. Use :func:`local_client` to keep
   one local cluster for several sweeps.

``scheduler="synchronous"`` runs every combination in the calling process instead, one
after the other: for debugging (``pdb`` works) and as the reference the distributed run
is tested against. The same code runs unchanged in all cases; remote workers need
satcloud installed and the function importable or picklable (cloudpickle pickles
functions defined in a notebook by value). Results travel back to the client, which
alone writes the output, so workers need no shared file system.

Output and resume
-----------------
With ``output=DIR`` finished combinations are written to ``DIR/parts/`` as Parquet files
(batched every ``flush_interval_s`` seconds), each written to a temporary file in the same
folder then moved into place with :func:`os.replace`, which is atomic: a part file is either
complete or absent, never half-written. Each row carries ``sweep_key``, a stable hash of
what determines its result: the function's identity (``module:qualname``), the ``fixed``
arguments and the row's parameter values (:func:`parameter_key`). A rerun with the same
``output`` skips every combination already written with the same function and ``fixed``
values, so an interrupted sweep (Ctrl-C, an exception, a lost client) resumes where it
stopped, while a rerun with other ``fixed`` values computes afresh (its rows are stored
beside the first run's; rerunning the first ``fixed`` values finds those again);
``DIR/results.parquet`` receives the combined table of the latest completed sweep, also
atomically. The client writes each key at most once, so a worker killed mid-sweep (Dask
reruns its tasks elsewhere) neither loses nor duplicates results. Part files are numbered
in the order they are written (no clock is read), and one sweep at a time may write to a
folder: it holds an exclusive OS lock on ``DIR/.sweep.lock`` (``fcntl.flock``, or
``msvcrt.locking`` on Windows) while it runs, released by the OS even if the process is
killed, and a second sweep into the same folder meanwhile is refused with
:class:`OutputInUseError` instead of deleting the first one's files.

References
----------
.. [1] National Imagery and Mapping Agency, "Department of Defense World Geodetic System
   1984: Its Definition and Relationships with Local Geodetic Systems", Technical Report
   TR8350.2, 3rd ed., Amendment 1, 2000.
   https://earth-info.nga.mil/GandG/publications/tr8350.2/tr8350_2.html

Examples
--------
Orbital period and satellites per plane over a small altitude x planes grid for a fixed
satellite budget (Kepler's third law, GM and equatorial radius from WGS84 [1]_)::

    import math
    from satcloud.sweep import sweep

    def shell(altitude_km, planes, n_satellites=1584):
        a_km = 6378.137 + altitude_km
        return {"period_min": 2 * math.pi * math.sqrt(a_km**3 / 398600.4418) / 60,
                "sats_per_plane": n_satellites // planes}

    grid = {"altitude_km": [540, 550, 560], "planes": [22, 72]}
    df = sweep(shell, grid)                            # local Dask cluster
    df = sweep(shell, grid, scheduler="synchronous")   # one process, for debugging
    df = sweep(shell, grid, output="sweeps/shell")     # resumable Parquet output
    ds = sweep(shell, grid, as_xarray=True)            # Dataset over altitude_km x planes
    # the same sweep on a remote cluster:
    # df = sweep(shell, grid, client="tcp://scheduler-host:8786")

>>> import math
>>> def shell(altitude_km, planes, n_satellites=1584):
...     a_km = 6378.137 + altitude_km
...     return {"period_min": 2 * math.pi * math.sqrt(a_km**3 / 398600.4418) / 60,
...             "sats_per_plane": n_satellites // planes}
>>> df = sweep(shell, {"altitude_km": [540, 550], "planes": [22, 72]},
...            scheduler="synchronous", progress=False)
>>> df.round(2)
   altitude_km  planes  period_min  sats_per_plane
0          540      22       95.44              72
1          540      72       95.44              22
2          550      22       95.65              72
3          550      72       95.65              22
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import importlib.util
import inspect
import itertools
import json
import math
import os
import re
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from satcloud import _progress
from satcloud._io import atomic_write
from satcloud._validate import PathNotFoundError, check_choice

__all__ = [
    "KEY_COLUMN",
    "OutputInUseError",
    "SCHEDULER_ENV",
    "grid_combinations",
    "local_client",
    "parameter_key",
    "read_results",
    "sweep",
]

#: Environment variable holding the address of a Dask scheduler to run sweeps on.
SCHEDULER_ENV = "SATCLOUD_DASK_SCHEDULER"

#: Column holding each row's stable parameter hash in the Parquet output.
KEY_COLUMN = "sweep_key"

_SCHEDULERS = ("distributed", "synchronous")
_MANIFEST = "sweep.json"
_PARTS = "parts"
_RESULTS = "results.parquet"
_TMP_PREFIX = ".tmp-"
_LOCK = ".sweep.lock"
#: 2: keys include the function's identity and the fixed values; parts numbered.
_FORMAT = 2


# --------------------------------------------------------------------------------------
# values, keys and grids
# --------------------------------------------------------------------------------------

def _native(value, where: str):
    """A parameter value as a plain Python scalar and its kind; clear errors otherwise."""
    if isinstance(value, bool | np.bool_):
        return bool(value), "bool"
    if isinstance(value, int | np.integer):
        return int(value), "number"
    if isinstance(value, float | np.floating):
        v = float(value)
        if not math.isfinite(v):
            raise ValueError(f"{where} is {v!r}; give finite values")
        return v, "number"
    if isinstance(value, str):
        return value, "str"
    if isinstance(value, _dt.datetime | np.datetime64):
        ts = pd.Timestamp(value)
        if ts is pd.NaT:
            raise ValueError(f"{where} is NaT; give a date and time")
        return ts, "datetime"
    raise TypeError(
        f"{where} must be a number, string, boolean or datetime; got {value!r} "
        f"of type {type(value).__name__}")


def _canonical(value) -> list[str]:
    """Type-tagged text of a native parameter value, for hashing."""
    if isinstance(value, bool):
        return ["bool", "true" if value else "false"]
    if isinstance(value, int):
        return ["number", str(value)]
    if isinstance(value, float):
        # integral floats hash like ints: 550 and 550.0 are the same combination
        if value.is_integer() and abs(value) < 2.0**53:
            return ["number", str(int(value))]
        return ["number", repr(value)]
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, pd.Timestamp):
        return ["datetime", value.isoformat()]
    raise TypeError(f"cannot hash parameter value {value!r} of type {type(value).__name__}")


def parameter_key(params: Mapping, *, function=None, fixed: Mapping | None = None) -> str:
    """Stable hash of one combination of parameter values (and of what else shapes it).

    The same names and values give the same key in any process, on any machine and in
    any Python session (SHA-256 of a canonical JSON text; integral floats hash like the
    equal int). It names the combination in the Parquet output, so a rerun can skip it.

    Parameters
    ----------
    params : mapping
        Parameter name -> value (number, string, boolean or datetime).
    function : callable or str, optional
        The swept function, or its ``"module:qualname"``. With ``function`` or ``fixed``
        the key is the *resume key* :func:`sweep` stores: a hash of the function's
        identity, the fixed arguments and the parameters, so a different function or
        different ``fixed`` values never reuse a stored result.
    fixed : mapping, optional
        The fixed keyword arguments (numbers, strings, booleans, datetimes, None,
        lists, tuples and dicts of them, numpy arrays, pandas objects; anything else is
        fingerprinted through pickle).

    Returns
    -------
    str
        20 hexadecimal characters (80 bits).

    Examples
    --------
    >>> parameter_key({"planes": 72, "altitude_km": 550}) == parameter_key(
    ...     {"altitude_km": 550.0, "planes": 72})
    True
    >>> parameter_key({"planes": 72}, fixed={"n": 1}) == parameter_key(
    ...     {"planes": 72}, fixed={"n": 2})
    False
    """
    if function is None and fixed is None:
        return _key(params, None)
    return _key(params, _resume_prefix(function, _check_fixed(fixed)))


def _key(params: Mapping, prefix: str | None) -> str:
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping of name -> value, got {type(params).__name__}")
    items = []
    for name in sorted(params):
        value, _ = _native(params[name], f"params[{name!r}]")
        items.append([str(name), *_canonical(value)])
    if prefix is None:       # the documented hash of the parameters alone
        text = json.dumps(items, separators=(",", ":"), ensure_ascii=True)
    else:
        text = json.dumps({"context": prefix, "parameters": items}, separators=(",", ":"),
                          ensure_ascii=True, sort_keys=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:20]


def _resume_prefix(function, fixed: dict) -> str:
    """Hash of the function's identity and the fixed arguments, computed once per sweep."""
    ident = function if isinstance(function, str) or function is None else \
        _function_name(function)
    h = hashlib.sha256()
    _feed(h, ident, "function")
    for name in sorted(fixed):
        _feed(h, str(name), "fixed")
        _feed(h, fixed[name], f"fixed[{name!r}]")
    return h.hexdigest()


def _feed(h, value, where: str) -> None:
    """Feed a type-tagged, length-prefixed encoding of ``value`` to the hash ``h``."""
    def put(tag: str, payload: bytes = b"") -> None:
        h.update(f"{tag}:{len(payload)}:".encode("ascii") + payload)

    if value is None:
        put("none")
    elif isinstance(value, bool | np.bool_ | int | np.integer | str | _dt.datetime
                    | np.datetime64) or (isinstance(value, float | np.floating)
                                         and math.isfinite(value)):
        tag, text = _canonical(_native(value, where)[0])
        put(tag, text.encode("utf-8"))
    elif isinstance(value, float | np.floating):
        put("float", repr(float(value)).encode("ascii"))            # nan, inf
    elif isinstance(value, bytes | bytearray):
        put("bytes", bytes(value))
    elif isinstance(value, os.PathLike):
        put("path", os.fspath(value).encode("utf-8"))
    elif isinstance(value, Mapping):
        put("dict", str(len(value)).encode("ascii"))
        for k in sorted(value, key=repr):
            _feed(h, k, where)
            _feed(h, value[k], f"{where}[{k!r}]")
    elif isinstance(value, list | tuple):
        put(type(value).__name__, str(len(value)).encode("ascii"))
        for i, v in enumerate(value):
            _feed(h, v, f"{where}[{i}]")
    elif isinstance(value, np.ndarray) and value.dtype != object:
        put("ndarray", f"{value.dtype.str}{value.shape}".encode("ascii"))
        put("data", np.ascontiguousarray(value).tobytes())
    elif isinstance(value, pd.DataFrame | pd.Series):
        frame = isinstance(value, pd.DataFrame)
        meta = (type(value).__name__,
                [str(c) for c in value.columns] if frame else [str(value.name)],
                [str(d) for d in value.dtypes] if frame else [str(value.dtype)])
        try:
            rows = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        except TypeError:              # unhashable cells (lists...): pickle the object
            _feed_pickle(h, value, where)
            return
        put("pandas", repr(meta).encode("utf-8"))
        put("rows", rows)
    else:
        _feed_pickle(h, value, where)


def _feed_pickle(h, value, where: str) -> None:
    import pickle

    try:
        payload = pickle.dumps(value, protocol=4)
    except Exception:  # noqa: BLE001 - lambdas, local classes: cloudpickle by value
        try:
            import cloudpickle

            payload = cloudpickle.dumps(value, protocol=4)
        except Exception as exc:  # noqa: BLE001
            raise TypeError(f"{where} = {value!r:.80} cannot be fingerprinted for the resume "
                            f"key (it does not pickle): {exc}") from exc
    h.update(f"pickle:{len(payload)}:".encode("ascii") + payload)


def _function_name(function) -> str:
    module = getattr(function, "__module__", None) or "?"
    qualname = getattr(function, "__qualname__", None) or type(function).__name__
    return f"{module}:{qualname}"


def _signature(function):
    """(accepted keyword names or None when **kwargs, required keyword names)."""
    if not callable(function):
        raise TypeError(f"function must be callable, got {function!r} of type "
                        f"{type(function).__name__}")
    try:
        sig = inspect.signature(function)
    except (TypeError, ValueError):
        return None, []     # builtins without a signature: let the call check
    kinds = inspect.Parameter
    accepted, required = [], []
    var_keyword = False
    for p in sig.parameters.values():
        if p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY):
            accepted.append(p.name)
            if p.default is kinds.empty:
                required.append(p.name)
        elif p.kind is kinds.VAR_KEYWORD:
            var_keyword = True
        elif p.kind is kinds.POSITIONAL_ONLY and p.default is kinds.empty:
            raise TypeError(
                f"{_function_name(function)} has a required positional-only parameter "
                f"{p.name!r}; sweep passes parameters by keyword, so wrap the function")
    return (None if var_keyword else accepted), required


def _values_list(values, name: str) -> list:
    where = f"grid[{name!r}]"
    if isinstance(values, str | bytes | Mapping | set | frozenset) or not hasattr(values, "__iter__"):
        hint = " (sets have no order: give a list)" if isinstance(values, set | frozenset) else ""
        raise TypeError(f"{where} must be a list of values, got {values!r} of type "
                        f"{type(values).__name__}{hint}; wrap a single value in a list")
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise TypeError(f"{where} must be one-dimensional, got an array of shape {values.shape}")
    values = list(values)
    if not values:
        raise ValueError(f"{where} is empty; give at least one value")
    return values


def _check_kinds(kinds: list[str], where: str) -> None:
    distinct = sorted(set(kinds))
    if len(distinct) > 1:
        raise TypeError(f"{where} mixes value types {distinct}; give one type per parameter "
                        "(ints and floats mix freely)")


def _check_names(names, function, fixed: Mapping) -> None:
    accepted, required = _signature(function)
    fname = _function_name(function)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"grid parameter names must be strings, got {name!r} of type "
                            f"{type(name).__name__}")
        if name == KEY_COLUMN:
            raise ValueError(f"{KEY_COLUMN!r} is reserved for the sweep's own key column")
        if name in fixed:
            raise ValueError(f"parameter {name!r} is both in the grid and in fixed; give it once")
        if accepted is not None:
            try:
                check_choice(name, "parameter", accepted)
            except ValueError as exc:
                raise ValueError(f"grid for {fname}: {exc}") from None
    if accepted is not None:
        for name in fixed:
            try:
                check_choice(name, "fixed parameter", accepted)
            except ValueError as exc:
                raise ValueError(f"fixed for {fname}: {exc}") from None
    missing = [r for r in required if r not in names and r not in fixed]
    if missing:
        raise TypeError(f"{fname} requires parameters {missing} that neither the grid nor "
                        f"fixed give; grid gives {list(names)}")


def _combinations(function, grid, fixed: Mapping, prefix: str | None = None):
    """Validated combinations: (names, list of dicts, keys, full-grid coordinates or None).

    The keys are :func:`parameter_key` hashes, with the resume ``prefix`` (function
    identity and fixed values) when given."""
    if isinstance(grid, pd.DataFrame):
        if grid.shape[1] == 0 or grid.shape[0] == 0:
            raise ValueError(f"grid is empty ({grid.shape[0]} rows x {grid.shape[1]} columns); "
                             "give at least one parameter and one combination")
        names = list(grid.columns)
        if len(set(names)) != len(names):
            raise ValueError(f"grid has duplicate columns: {names}")
        _check_names(names, function, fixed)
        columns = {}
        for name in names:
            natives = [_native(v, f"grid[{name!r}] row {i}")
                       for i, v in enumerate(grid[name].tolist())]
            _check_kinds([k for _, k in natives], f"grid[{name!r}]")
            columns[name] = [v for v, _ in natives]
        combos = [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]
        coords = None
    elif isinstance(grid, Mapping):
        if not grid:
            raise ValueError("grid is empty; give at least one parameter name -> list of values")
        names = list(grid)
        _check_names(names, function, fixed)
        coords = {}
        for name in names:
            natives = [_native(v, f"grid[{name!r}][{i}]")
                       for i, v in enumerate(_values_list(grid[name], name))]
            _check_kinds([k for _, k in natives], f"grid[{name!r}]")
            values = [v for v, _ in natives]
            seen = {}
            for i, v in enumerate(values):
                c = tuple(_canonical(v))
                if c in seen:
                    raise ValueError(f"grid[{name!r}] repeats the value {v!r} (positions "
                                     f"{seen[c]} and {i}); give each value once")
                seen[c] = i
            coords[name] = values
        combos = [dict(zip(names, row, strict=True))
                  for row in itertools.product(*coords.values())]
    else:
        raise TypeError(f"grid must be a dict of parameter name -> list of values or a pandas "
                        f"DataFrame of combinations, got {type(grid).__name__}")
    keys = [_key(c, prefix) for c in combos]
    first = {}
    for i, k in enumerate(keys):
        if k in first:
            raise ValueError(f"grid rows {first[k]} and {i} give the same combination "
                             f"{combos[i]}; give each combination once")
        first[k] = i
    return names, combos, keys, coords


def grid_combinations(grid, function: Callable | None = None,
                      fixed: Mapping | None = None) -> pd.DataFrame:
    """The parameter combinations a sweep evaluates, in order, with their keys.

    Parameters
    ----------
    grid : dict or pandas.DataFrame
        Parameter name -> list of values (Cartesian product), or one combination per row.
    function : callable, optional
        When given, parameter names are checked against its signature as in :func:`sweep`.
    fixed : dict, optional
        Keyword arguments the function receives unchanged in every call.

    Returns
    -------
    pandas.DataFrame
        One row per combination: the parameters, then ``sweep_key``: with ``function``
        the resume key :func:`sweep` stores (function identity, ``fixed`` and the
        parameters); without, the hash of the parameters alone.
    """
    prefix = None if function is None else _resume_prefix(function, _check_fixed(fixed))
    fixed = _check_fixed(fixed)
    names, combos, keys, _ = _combinations(function or (lambda **kw: None), grid, fixed,
                                           prefix)
    frame = pd.DataFrame.from_records(combos, columns=names)
    frame[KEY_COLUMN] = keys
    return frame


def _check_fixed(fixed) -> dict:
    if fixed is None:
        return {}
    if not isinstance(fixed, Mapping):
        raise TypeError(f"fixed must be a dict of keyword arguments, got {type(fixed).__name__}")
    return dict(fixed)


# --------------------------------------------------------------------------------------
# the task: evaluate one batch of combinations
# --------------------------------------------------------------------------------------

def _metric_value(value, where: str):
    if isinstance(value, np.ndarray):
        if value.ndim:
            raise TypeError(f"{where} is an array of shape {value.shape}; return scalar metrics "
                            "(reduce the array, or sweep over its index)")
        value = value.item()
    if isinstance(value, bool | np.bool_):
        return bool(value), "bool"
    if isinstance(value, int | np.integer):
        return int(value), "number"
    if isinstance(value, float | np.floating):
        return float(value), "number"
    if isinstance(value, str):
        return value, "str"
    if isinstance(value, _dt.datetime | np.datetime64):
        return pd.Timestamp(value), "datetime"
    if isinstance(value, _dt.timedelta | np.timedelta64):
        return pd.Timedelta(value), "timedelta"
    raise TypeError(f"{where} is {value!r} of type {type(value).__name__}; metrics must be "
                    "numbers, strings, booleans, datetimes or timedeltas "
                    "(return float('nan') explicitly for a missing number)")


def _check_metrics(out, params: Mapping, fname: str) -> dict:
    call = f"{fname}({_fmt(params)})"
    if isinstance(out, pd.Series):
        out = out.to_dict()
    if not isinstance(out, Mapping):
        raise TypeError(f"{call} returned {type(out).__name__}; the function must return a "
                        "dict or pandas Series of scalar metrics")
    if not out:
        raise ValueError(f"{call} returned no metrics; return at least one")
    metrics = {}
    for name, value in out.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"{call} returned metric name {name!r}; names must be non-empty "
                            "strings")
        if name in params or name == KEY_COLUMN:
            raise ValueError(f"{call} returned a metric named {name!r}, which is a parameter "
                             "name; rename the metric")
        metrics[name] = _metric_value(value, f"metric {name!r} of {call}")[0]
    return metrics


def _fmt(params: Mapping) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in params.items())


def _evaluate_batch(batch, payload):
    """Run ``function(**params, **fixed)`` for each (key, params) of ``batch``.

    Module level, so workers unpickle it from the installed satcloud.
    """
    function, fixed = payload
    fname = _function_name(function)
    rows = []
    for key, params in batch:
        try:
            out = function(**params, **fixed)
        except Exception as exc:
            exc.add_note(f"satcloud.sweep: raised by {fname}({_fmt(params)})")
            raise
        rows.append((key, _check_metrics(out, params, fname)))
    return rows


def _identity(x):
    return x


# --------------------------------------------------------------------------------------
# atomic Parquet output
# --------------------------------------------------------------------------------------

def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False), tmp_prefix=_TMP_PREFIX)


class OutputInUseError(RuntimeError):
    """Another sweep is writing to the output folder (it holds the folder's lock)."""


class _OutputLock:
    """Exclusive lock on a sweep output folder, held while one sweep writes to it.

    An OS lock on ``DIR/.sweep.lock`` (``fcntl.flock``; ``msvcrt.locking`` on Windows):
    the operating system releases it when the holder closes the file or dies, so a
    crashed or killed sweep never leaves a stale lock behind. The holder writes its
    process id into the file for the message others get.
    """

    def __init__(self, folder: Path):
        self.path = folder / _LOCK
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock_fd(self.fd)
        except OSError:
            try:
                os.lseek(self.fd, 0, os.SEEK_SET)
                holder = os.read(self.fd, 64).decode("ascii", "replace").strip()
            except OSError:                        # Windows locks are mandatory
                holder = ""
            finally:
                os.close(self.fd)
            self.fd = None
            who = f"process {holder}" if holder else "another process"
            raise OutputInUseError(
                f"output folder {str(folder)!r} is in use by another sweep ({who} holds "
                f"{str(self.path)!r}); wait for it to finish, or give another output "
                "folder. The lock is released when that sweep ends, even if it is killed."
            ) from None
        os.ftruncate(self.fd, 0)
        os.lseek(self.fd, 0, os.SEEK_SET)
        os.write(self.fd, f"{os.getpid()}\n".encode("ascii"))

    def release(self) -> None:
        if self.fd is not None:
            try:
                _unlock_fd(self.fd)
            finally:
                os.close(self.fd)
                self.fd = None


def _lock_fd(fd: int) -> None:
    try:
        import fcntl
    except ImportError:                                   # Windows
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock_fd(fd: int) -> None:
    try:
        import fcntl
    except ImportError:                                   # Windows
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    fcntl.flock(fd, fcntl.LOCK_UN)


_PART_NAME = re.compile(r"^part-(\d{20})-[0-9a-f]{8}\.parquet$")


class _Store:
    """Finished rows of a sweep; with an output folder, written there atomically."""

    def __init__(self, output, fname: str, names: list[str], flush_interval_s: float):
        self.rows: dict[str, dict] = {}
        self.params: dict[str, dict] = {}
        self.pending: list[str] = []
        self.names = names
        self.flush_interval_s = flush_interval_s
        self.last_flush = time.monotonic()
        self.schema: dict[str, str] | None = None
        self.lock: _OutputLock | None = None
        self.next_part = 0
        if output is not None and not isinstance(output, str | os.PathLike):
            raise TypeError(f"output must be a folder path, got {type(output).__name__} "
                            f"{output!r}")
        self.output = None if output is None else Path(output)
        if self.output is None:
            return
        if self.output.exists() and not self.output.is_dir():
            raise ValueError(f"output must be a folder, but {str(self.output)!r} is a file")
        self.output.mkdir(parents=True, exist_ok=True)
        self.lock = _OutputLock(self.output)       # before touching anything in the folder
        try:
            self._open(fname, names)
        except BaseException:
            self.close()
            raise

    def _open(self, fname: str, names: list[str]) -> None:
        parts = self.output / _PARTS
        parts.mkdir(parents=True, exist_ok=True)
        manifest = {"format": _FORMAT, "function": fname, "parameters": sorted(names)}
        path = self.output / _MANIFEST
        if path.exists():
            old = json.loads(path.read_text())
            if old.get("format") != _FORMAT:
                raise ValueError(
                    f"output folder {str(self.output)!r} was written by another version of "
                    f"satcloud.sweep (format {old.get('format')}, this is {_FORMAT}: resume "
                    "keys now include the function and the fixed values); give another "
                    "output folder or delete this one")
            if {k: old.get(k) for k in manifest} != manifest:
                raise ValueError(
                    f"output folder {str(self.output)!r} holds a sweep of {old.get('function')} "
                    f"over {old.get('parameters')}, not of {fname} over {sorted(names)}; "
                    "give another output folder or delete this one")
        else:
            atomic_write(path, lambda tmp: tmp.write_text(json.dumps(manifest, indent=1)),
                         tmp_prefix=_TMP_PREFIX)
        # temporary files left by a crashed run are incomplete by construction (and no
        # other sweep is writing here: we hold the lock)
        for stale in parts.glob(f"{_TMP_PREFIX}*"):
            stale.unlink()
        numbers = [int(m.group(1)) for p in parts.iterdir()
                   if (m := _PART_NAME.match(p.name))]
        self.next_part = max(numbers, default=-1) + 1

    def close(self) -> None:
        """Release the output folder's lock."""
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def load(self, keys: dict[str, dict]) -> None:
        """Adopt rows already written for the combinations of ``keys`` (key -> params)."""
        if self.output is None:
            return
        for part in sorted((self.output / _PARTS).glob("part-*.parquet")):
            frame = pd.read_parquet(part)
            metric_cols = [c for c in frame.columns if c != KEY_COLUMN and c not in self.names]
            for record in frame.to_dict("records"):
                key = record[KEY_COLUMN]
                if key in keys and key not in self.rows:
                    metrics = {c: record[c] for c in metric_cols}
                    self._check_schema(key, keys[key], metrics)
                    self.rows[key] = metrics
                    self.params[key] = keys[key]

    def _check_schema(self, key, params, metrics) -> None:
        schema = {n: _metric_value(v, n)[1] for n, v in metrics.items()}
        if self.schema is None:
            self.schema = schema
            return
        call = f"combination ({_fmt(params)})"
        if set(schema) != set(self.schema):
            raise ValueError(f"{call} returned metrics {sorted(schema)}, other combinations "
                             f"{sorted(self.schema)}; return the same metrics every time")
        for n, kind in schema.items():
            if kind != self.schema[n]:
                raise TypeError(f"metric {n!r} of {call} is a {kind}, elsewhere a "
                                f"{self.schema[n]}; return one type per metric")

    def add(self, rows, params_of: dict[str, dict]) -> int:
        added = 0
        for key, metrics in rows:
            if key in self.rows:      # a rerun task: keep the first result, write once
                continue
            self._check_schema(key, params_of[key], metrics)
            self.rows[key] = metrics
            self.params[key] = params_of[key]
            self.pending.append(key)
            added += 1
        if time.monotonic() - self.last_flush >= self.flush_interval_s:
            self.flush()
        return added

    def flush(self) -> None:
        if self.output is not None and self.pending:
            records = [{KEY_COLUMN: k, **self.params[k], **self.rows[k]} for k in self.pending]
            # numbered in write order: the order read_results keeps, with no clock read
            name = f"part-{self.next_part:020d}-{uuid.uuid4().hex[:8]}.parquet"
            self.next_part += 1
            _write_parquet(pd.DataFrame.from_records(records), self.output / _PARTS / name)
        self.pending = []
        self.last_flush = time.monotonic()


def read_results(output) -> pd.DataFrame:
    """All combinations written so far to a sweep's output folder, e.g. while it runs.

    Parameters
    ----------
    output : str or path-like
        The ``output`` folder given to :func:`sweep`.

    Returns
    -------
    pandas.DataFrame
        ``sweep_key``, the parameters and the metrics of every finished combination, in
        the order they were written.
    """
    if not isinstance(output, str | os.PathLike):
        raise TypeError(f"output must be a sweep output folder path, got "
                        f"{type(output).__name__} {output!r}")
    parts = Path(output) / _PARTS
    if not parts.is_dir():
        raise PathNotFoundError(f"output {str(output)!r} is not a sweep output folder (no "
                                f"{_PARTS}/)")
    frames = [pd.read_parquet(p) for p in sorted(parts.glob("part-*.parquet"))]
    if not frames:
        return pd.DataFrame({KEY_COLUMN: pd.Series([], dtype=object)})
    frame = pd.concat(frames, ignore_index=True)
    return frame.drop_duplicates(KEY_COLUMN, keep="first").reset_index(drop=True)


# --------------------------------------------------------------------------------------
# clients
# --------------------------------------------------------------------------------------

def local_client(n_workers: int | None = None, *, threads_per_worker: int = 1,
                 dashboard: bool = True, silence_logs: int | bool = 30,
                 malloc_trim_threshold: int | None = None, **kwargs):
    """A :class:`distributed.Client` on a new local cluster of worker processes.

    The cluster binds to 127.0.0.1 only and is closed with the client (use it as a
    context manager or call ``client.close()``). Pass the client to several
    :func:`sweep` calls to pay the start-up (about a second) once.

    Parameters
    ----------
    n_workers : int, optional
        Worker processes; default one per available core (``dask.system.CPU_COUNT``).
    threads_per_worker : int
        Threads per worker; 1 suits CPU-bound Python and numpy code.
    dashboard : bool
        Print the link to the Dask dashboard, served on a free localhost port (needs
        ``bokeh``).
    silence_logs : int or bool
        Logging level below which cluster messages are hidden (``logging.WARNING`` = 30).
    malloc_trim_threshold : int, optional
        ``MALLOC_TRIM_THRESHOLD_`` for the worker processes (glibc). Dask sets 65,536 by
        default so that workers hand freed memory back to the OS at once; that also
        turns off glibc's adaptive mmap threshold, so every large numpy temporary is
        mapped and unmapped anew: satcloud's propagation and visibility kernels then run
        about 25 % slower than in a plain process (measured by
        ``benchmarks/bench_sweep.py``). ``None`` (default) leaves glibc's adaptive
        default; give 65536 for Dask's behaviour. [bytes]
    **kwargs
        Passed to :class:`distributed.LocalCluster`.

    Returns
    -------
    distributed.Client
    """
    import dask
    import dask.system
    from distributed import Client

    if n_workers is None:
        n_workers = dask.system.CPU_COUNT
    if isinstance(n_workers, bool) or not isinstance(n_workers, int | np.integer) or n_workers < 1:
        raise ValueError(f"n_workers must be a positive int, got {n_workers!r}")
    # checked here: distributed would hang or fail in a worker process on bad values
    if (isinstance(threads_per_worker, bool)
            or not isinstance(threads_per_worker, int | np.integer) or threads_per_worker < 1):
        raise ValueError(f"threads_per_worker must be a positive int, got "
                         f"{threads_per_worker!r:.100}")
    if not isinstance(silence_logs, bool | int | np.integer) or (
            not isinstance(silence_logs, bool) and not 0 <= silence_logs <= 50):
        raise ValueError(f"silence_logs must be a bool or a logging level in [0, 50] (e.g. "
                         f"logging.WARNING = 30), got {silence_logs!r:.100}")
    if malloc_trim_threshold is not None and (
            isinstance(malloc_trim_threshold, bool)
            or not isinstance(malloc_trim_threshold, int | np.integer)
            or malloc_trim_threshold < 0):
        raise ValueError(f"malloc_trim_threshold must be None or an int >= 0 [bytes], got "
                         f"{malloc_trim_threshold!r:.100}")
    dashboard = bool(dashboard) if isinstance(dashboard, bool | np.bool_) else dashboard
    if not isinstance(dashboard, bool):
        raise TypeError(f"dashboard must be True or False, got {dashboard!r:.100}")
    has_bokeh = importlib.util.find_spec("bokeh") is not None
    # The scheduler serves HTTP (health, metrics; the dashboard with bokeh) even without
    # a dashboard: a free port on localhost avoids clashing with other clusters on 8787.
    options = dict(n_workers=int(n_workers), threads_per_worker=threads_per_worker,
                   processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0",
                   silence_logs=silence_logs)
    options.update(kwargs)
    # a key set to None is left out of the workers' environment (distributed.nanny)
    trim = None if malloc_trim_threshold is None else int(malloc_trim_threshold)
    key = "distributed.nanny.pre-spawn-environ"
    with dask.config.set({f"{key}.MALLOC_TRIM_THRESHOLD_": trim}), \
            _parent_environ_restored(list(dask.config.get(key)) + ["PYTHONHASHSEED"]):
        # distributed prefers a variable already in os.environ over its config, and
        # each nanny writes its pre-spawn variables into os.environ of this process
        # before spawning: without the guard a first client's threshold would stick
        # for the process and override every later client's (found by the fuzz
        # harness). An explicit threshold wins over one in the user's environment.
        if trim is not None:
            os.environ["MALLOC_TRIM_THRESHOLD_"] = str(trim)
        client = Client(**options)
    if dashboard:
        link = client.dashboard_link if has_bokeh else "unavailable (install bokeh>=3.1)"
        print(f"satcloud: started a local Dask cluster with {n_workers} worker processes; "
              f"dashboard: {link}")
    return client


@contextlib.contextmanager
def _parent_environ_restored(names):
    """Restore this process's environment variables ``names`` on exit.

    The nannies of a local cluster copy their pre-spawn variables into ``os.environ``
    to hand them to the worker processes they spawn (``distributed.nanny``); they keep
    their own copy for later restarts, so the parent's environment can be put back as
    soon as the cluster is up.
    """
    saved = {n: os.environ.get(n) for n in names}
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _resolve_client(client, n_workers):
    """(client, whether we own it and must close it)."""
    from distributed import Client, default_client

    if isinstance(client, Client):
        if n_workers is not None:
            raise ValueError("n_workers applies only when sweep starts its own local cluster; "
                             "it was given together with client=")
        return client, False
    source = "client="
    if client is None and os.environ.get(SCHEDULER_ENV):
        client, source = os.environ[SCHEDULER_ENV], f"${SCHEDULER_ENV}"
    if client is None:
        try:
            existing = default_client()
        except ValueError:
            return local_client(n_workers), True
        if n_workers is not None:
            raise ValueError("n_workers applies only when sweep starts its own local cluster; "
                             "a default Dask client exists")
        return existing, False
    if not isinstance(client, str):
        raise TypeError(f"client must be a distributed.Client, a scheduler address string or "
                        f"None, got {client!r} of type {type(client).__name__}")
    if n_workers is not None:
        raise ValueError("n_workers applies only when sweep starts its own local cluster, "
                         f"not with a scheduler address ({source})")
    connected = _connect(str(client), source)
    print(f"satcloud: connected to Dask scheduler {client} "
          f"({len(connected.scheduler_info(n_workers=-1)['workers'])} workers); "
          f"dashboard: {connected.dashboard_link}")
    return connected, True


#: Attempts to connect to a scheduler address before giving up (see :func:`_connect`).
CONNECT_ATTEMPTS = 3


def _connect(address: str, source: str):
    """A ``Client`` of the scheduler at ``address``, retried on a failed handshake.

    distributed's client handshake can fail transiently on a busy machine: its
    ``_ensure_connected`` asserts that the scheduler's first reply is a single message,
    and a second client of the same scheduler joining at that moment can break it (seen
    once in CI on 2 shared cores, an ``AssertionError`` from ``distributed/client.py``).
    Only that handshake failure is retried (up to :data:`CONNECT_ATTEMPTS` times); a
    refused or timed-out connection (``OSError``) fails at once. Either way the error
    names the address and where it came from.
    """
    import time

    from distributed import Client

    last = None
    for attempt in range(CONNECT_ATTEMPTS):
        try:
            return Client(address, timeout="10s", set_as_default=False)
        except OSError as exc:
            raise OSError(f"could not connect to the Dask scheduler at {address!r} "
                          f"(from {source}): {exc}") from exc
        except AssertionError as exc:   # the handshake race described above
            last = exc
            time.sleep(0.5 * (attempt + 1))
    raise OSError(f"could not connect to the Dask scheduler at {address!r} (from {source}): "
                  f"the handshake failed {CONNECT_ATTEMPTS} times (AssertionError in "
                  "distributed's Client._ensure_connected)") from last


# --------------------------------------------------------------------------------------
# the sweep
# --------------------------------------------------------------------------------------

def sweep(function: Callable, grid, *, fixed: Mapping | None = None, client=None,
          scheduler: str = "distributed", n_workers: int | None = None, output=None,
          batch_size: int = 1, as_xarray: bool = False, progress: bool | None = None,
          retries: int = 0, flush_interval_s: float = 5.0):
    """Evaluate ``function`` at every combination of a parameter grid, on Dask.

    Parameters
    ----------
    function : callable
        Called as ``function(**combination, **fixed)``; returns a dict (or pandas Series)
        of scalar metrics: numbers, strings, booleans, datetimes or timedeltas, the same
        names and types for every combination. Must be picklable for a distributed run
        (module-level functions, lambdas and notebook functions all are).
    grid : dict or pandas.DataFrame
        Either parameter name -> list of values, swept as their Cartesian product (first
        parameter varying slowest), or a DataFrame with one explicit combination per row.
        Names must be keyword parameters of ``function``; values numbers, strings,
        booleans or datetimes, one type per parameter, no repeats, no NaN.
    fixed : dict, optional
        Keyword arguments passed unchanged to every call (e.g. a table of sites). With
        ``output`` they are part of each row's resume key (:func:`parameter_key`): a
        rerun with other values computes afresh.
    client : distributed.Client or str, optional
        Where to run: a client, or a scheduler address such as ``"tcp://host:8786"``.
        Default: the address in ``$SATCLOUD_DASK_SCHEDULER``, else the session's default
        client, else a local cluster started for this sweep (see :func:`local_client`).
    scheduler : {"distributed", "synchronous"}
        ``"synchronous"`` evaluates every combination in this process, in grid order,
        without Dask: for debugging and as a reference.
    n_workers : int, optional
        Worker processes of the local cluster this sweep starts (default: one per core).
    output : str or path-like, optional
        Folder for resumable Parquet output (see the module notes): finished combinations
        go to ``output/parts/``, the complete table to ``output/results.parquet``, both
        written atomically; combinations already there for the same function and
        ``fixed`` values are not recomputed. One sweep at a time per folder: another
        sweep writing to it meanwhile makes this one raise :class:`OutputInUseError`.
    batch_size : int
        Combinations per Dask task. Raise it when one evaluation takes less than about
        10 ms, so per-task overhead stays small against the work.
    as_xarray : bool
        Return an :class:`xarray.Dataset` with one dimension per parameter (in grid order,
        coordinates the grid values) and one variable per metric. Dict grids only.
    progress : bool, optional
        Show a progress bar over the combinations (``tqdm.auto``: a widget in notebooks,
        text in terminals; once the sweep takes over 2 s); default ``None``: the switch
        of :func:`satcloud._progress.set_progress` (off unless turned on).
    retries : int
        Times Dask reruns a combination whose function raised. Lost workers are always
        handled by Dask, independently of this.
    flush_interval_s : float
        With ``output``, finished rows are written at most this long after the previous
        write, and all of them when the sweep ends or fails. [s]

    Returns
    -------
    pandas.DataFrame or xarray.Dataset
        One row per combination in grid order: the parameters, then the metrics in the
        order the function returned them.

    Raises
    ------
    ValueError, TypeError
        For a bad grid (empty, unknown or repeated names, wrong value types), naming the
        parameter and the valid names; or for bad metrics.
    OutputInUseError
        When another sweep (in this or another process) is writing to ``output``.
    Exception
        The first exception raised by ``function``, with a note naming the combination;
        combinations finished before it are written to ``output`` and not rerun.
    """
    fixed = _check_fixed(fixed)
    # with an output folder, results are keyed by function, fixed values and parameters
    prefix = None if output is None else _resume_prefix(function, fixed)
    names, combos, keys, coords = _combinations(function, grid, fixed, prefix)
    scheduler = check_choice(scheduler, "scheduler", _SCHEDULERS)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer) \
            or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    if isinstance(retries, bool) or not isinstance(retries, int | np.integer) or retries < 0:
        raise ValueError(f"retries must be a non-negative int, got {retries!r}")
    if isinstance(flush_interval_s, bool) or not (
            isinstance(flush_interval_s, int | float) and flush_interval_s >= 0):
        raise ValueError(f"flush_interval_s must be a number >= 0 [s], got {flush_interval_s!r}")
    if as_xarray and coords is None:
        raise ValueError("as_xarray=True needs a dict grid (a full Cartesian product); a "
                         "DataFrame grid has no grid shape. Convert the result yourself.")
    if scheduler == "synchronous" and (client is not None or n_workers is not None):
        raise ValueError("scheduler='synchronous' runs in this process; do not give client= "
                         "or n_workers=")

    _progress.resolve(progress)          # a bad value fails before any work
    fname = _function_name(function)
    params_of = dict(zip(keys, combos, strict=True))
    store = _Store(output, fname, names, flush_interval_s)    # locks the output folder
    try:
        store.load(params_of)
        todo = [(k, params_of[k]) for k in keys if k not in store.rows]
        batches = [todo[i:i + batch_size] for i in range(0, len(todo), batch_size)]

        bar = _progress.bar(len(keys), f"sweep {getattr(function, '__name__', fname)}",
                            unit="combination", progress=progress,
                            initial=len(keys) - len(todo))
        try:
            if scheduler == "synchronous":
                payload = (function, fixed)
                for batch in batches:
                    bar.update(store.add(_evaluate_batch(batch, payload), params_of))
            elif batches:
                _run_distributed(function, fixed, batches, client, n_workers, retries, store,
                                 params_of, bar, fname)
        finally:
            bar.close()
            store.flush()

        frame = _assemble(names, combos, keys, store.rows)
        if store.output is not None:
            _write_parquet(frame, store.output / _RESULTS)
    finally:
        store.close()
    if as_xarray:
        return _to_xarray(frame, names, coords)
    return frame


def _run_distributed(function, fixed, batches, client, n_workers, retries, store, params_of,
                     bar, fname) -> None:
    from distributed import as_completed

    client, owned = _resolve_client(client, n_workers)
    futures = []
    try:
        token = uuid.uuid4().hex[:8]
        label = "".join(c if c.isalnum() or c == "_" else "_"
                        for c in getattr(function, "__name__", "function"))
        # A task, not scattered data: if the worker holding it dies, Dask recomputes it.
        payload = client.submit(_identity, (function, fixed), key=f"sweep_payload-{token}",
                                pure=False)
        # one map: a single graph update for the scheduler, not one message per task
        futures = client.map(_evaluate_batch, batches, payload=payload,
                             key=[f"sweep_{label}-{token}-{i}" for i in range(len(batches))],
                             retries=int(retries), pure=False)
        # with_results: results are fetched as tasks finish, concurrently, rather than
        # one blocking round trip per task; the first error is raised here
        finished = as_completed(futures, loop=client.loop, with_results=True)
        try:
            for future, rows in finished:
                bar.update(store.add(rows, params_of))
                future.release()
        except Exception as exc:
            if type(exc).__name__ == "KilledWorker":
                exc.add_note(f"satcloud.sweep: a task of {fname} killed Dask workers "
                             "repeatedly; run with scheduler='synchronous' to debug")
            raise
    finally:
        if futures:
            client.cancel([f for f in futures if not f.done()])
        if owned:
            client.close()


def _assemble(names, combos, keys, rows) -> pd.DataFrame:
    params = pd.DataFrame.from_records(combos, columns=names)
    metric_names = list(rows[keys[0]])
    metrics = pd.DataFrame.from_records([rows[k] for k in keys], columns=metric_names)
    return pd.concat([params, metrics], axis=1)


def _to_xarray(frame: pd.DataFrame, names, coords):
    import xarray as xr

    shape = tuple(len(coords[n]) for n in names)
    data_vars = {m: (names, frame[m].to_numpy().reshape(shape))
                 for m in frame.columns if m not in names}
    return xr.Dataset(data_vars, coords={n: list(coords[n]) for n in names})
