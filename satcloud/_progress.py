"""Progress bars for long computations: one helper the models share.

A bar is a ``tqdm.auto`` bar: text on a terminal, a widget in a notebook. It shows only
when asked. Turned on by the module-level switch it appears only once the work has taken
longer than :data:`DELAY_S` (tqdm's ``delay``), so a quick call prints nothing even when
progress is on; asked for by a call (``progress=True``) it shows at once.

Who asks:

- a library call, through its ``progress=`` keyword (``True``/``False``; ``None``, the
  default, means "the module-level switch");
- the module-level switch, :func:`set_progress` (or the :func:`showing` context
  manager), off by default, so library calls and tests print nothing unless asked;
- the ``satcloud`` command, which turns the switch on when stderr is a terminal.

Examples
--------
>>> from satcloud import _progress
>>> with _progress.showing(False):
...     with _progress.bar(total=3, desc="demo") as b:
...         for _ in range(3):
...             b.update()
>>> _progress.enabled()
False
"""

from __future__ import annotations

import contextlib

__all__ = ["DELAY_S", "bar", "enabled", "resolve", "set_progress", "showing"]

#: A bar appears only once its work has run this long (tqdm's ``delay``). [s]
DELAY_S = 2.0

_state = {"enabled": False}


def _check_flag(value, name: str, *, allow_none: bool) -> bool | None:
    import numpy as np

    if value is None and allow_none:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    allowed = "True, False or None" if allow_none else "True or False"
    raise TypeError(f"{name} must be {allowed}, got {type(value).__name__} {value!r:.80}")


def enabled() -> bool:
    """Whether bars show by default (the module-level switch).

    Returns
    -------
    bool
        The switch set by :func:`set_progress`; ``False`` unless something turned it on.
    """
    return _state["enabled"]


def set_progress(on: bool) -> bool:
    """Turn progress bars on or off for every call that does not say (``progress=None``).

    Parameters
    ----------
    on : bool
        ``True`` to show bars for work longer than :data:`DELAY_S`, ``False`` for none.

    Returns
    -------
    bool
        The previous setting, to restore it.
    """
    on = _check_flag(on, "on", allow_none=False)
    previous, _state["enabled"] = _state["enabled"], on
    return previous


@contextlib.contextmanager
def showing(on: bool = True):
    """Context manager: bars on (or off) inside the ``with`` block, the previous setting after.

    Parameters
    ----------
    on : bool
        The setting inside the block.

    Yields
    ------
    None
    """
    previous = set_progress(on)
    try:
        yield
    finally:
        set_progress(previous)


def resolve(progress: bool | None) -> bool:
    """A call's ``progress=`` keyword, with ``None`` read as the module-level switch.

    Parameters
    ----------
    progress : bool or None
        ``True``/``False`` as asked; ``None`` for :func:`enabled`.

    Returns
    -------
    bool
        Whether the call shows a bar.
    """
    flag = _check_flag(progress, "progress", allow_none=True)
    return enabled() if flag is None else flag


def bar(total: int | None, desc: str, *, unit: str = "step", progress: bool | None = None,
        delay_s: float | None = None, initial: int = 0):
    """A ``tqdm.auto`` bar over ``total`` steps, disabled unless progress is asked for.

    Use it as a context manager (or call ``close()``) and ``update(n)`` after each step.
    A disabled bar costs nothing and prints nothing. A bar asked for by the call
    (``progress=True``) shows at once and stays; one turned on by the module-level switch
    (``progress=None``) appears only once the work has taken ``delay_s`` seconds and is
    cleared when done.

    Parameters
    ----------
    total : int or None
        Number of steps (``None``: unknown).
    desc : str
        Label shown before the bar (e.g. ``"coverage"``).
    unit : str
        Name of one step (e.g. ``"chunk"``, ``"snapshot"``).
    progress : bool or None
        Show the bar (``True``), never (``False``), or as the module-level switch says
        (``None``, the default; see :func:`set_progress`).
    delay_s : float, optional
        Seconds before the bar appears (default: 0 with ``progress=True``,
        :data:`DELAY_S` through the switch). [s]
    initial : int
        Steps already done (e.g. results read back from a previous run).

    Returns
    -------
    tqdm.tqdm
        The bar (``disable=True`` when progress is off).
    """
    from tqdm.auto import tqdm

    asked = _check_flag(progress, "progress", allow_none=True)
    show = enabled() if asked is None else asked
    if delay_s is None:
        delay_s = 0.0 if asked else DELAY_S
    # asked for by the call: shown at once and kept; by the switch: long work only,
    # and the bar is cleared when done
    return tqdm(total=total, desc=desc, unit=unit, disable=not show, leave=bool(asked),
                initial=initial, delay=float(delay_s))
