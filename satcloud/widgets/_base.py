"""Machinery shared by the what-if panels of :mod:`satcloud.widgets` (one module per panel).

A :class:`Panel` owns a set of ipywidgets controls, output widgets (figures as PNG
``Image`` widgets, tables and numbers as ``HTML``), a status line with a progress bar
and a message line for inline errors. When a control changes, the panel recomputes in
a background thread:

- *coarse first*: a panel may compute a cheap preview before the full result
  (``has_coarse = True``; :meth:`Panel.compute` is called with ``coarse=True``, then
  ``coarse=False``);
- *supersede*: each run gets a generation number; a newer change cancels the older run
  (the running computation sees :meth:`Panel.checkpoint` raise :class:`Cancelled` at its
  next checkpoint and stops), a new run first waits for the previous thread to stop (so
  two computations never compete for the CPU), and only the newest run may update the
  outputs;
- *errors inline*: a ``ValueError``/``TypeError``/``KeyError`` from the models (bad
  input) is shown as a message in the panel, never as a traceback; anything else is
  shown as a one-line "internal error" message;
- *nothing changed silently*: a value a control cannot hold (outside a slider's range,
  a fraction for a whole-number slider; given by code, as a panel default, or through
  shared widget state) is still brought into range, and the panel says so in its
  notice line, naming the control, the value asked and the value used
  (:attr:`Panel.adjusted`); the sliders are :class:`FloatSlider` and
  :class:`IntSlider`, which report what their range did to a value. A value that is
  not among a selection's options is an error.

Figures are drawn on bare :class:`matplotlib.figure.Figure` objects (no pyplot, so
background threads never touch pyplot's global state), rendered to PNG bytes
off-screen (Agg) and put into ``ipywidgets.Image`` widgets, which works the same in
JupyterLab, Voila and tests. :meth:`Panel.compute` builds everything (including the PNG
bytes); :meth:`Panel.render` only assigns widget values, so the lock it runs under is
held for microseconds.

For a static page (the HTML report, executed without a live frontend)
:meth:`Panel.show_static` displays the current figures as ordinary PNG outputs.

Shareable state: :meth:`Panel.state` gives the control values as a small JSON-safe dict
(with the panel's :attr:`Panel.panel_id` under ``"panel"``), :meth:`Panel.state_json` and
:meth:`Panel.state_query` the same as JSON text and as a URL query string, and
:meth:`Panel.set_state` restores a dict, a JSON text or a query string: strictly (a
value outside a control's range or choices is an error naming the key, the value and
what is allowed, and nothing is changed), unlike :meth:`Panel.set`, which brings numbers
into range and says so. A panel built with ``state=...`` restores it before its first
computation; a state it cannot restore is shown in its state line (``state_error``) and
the defaults are kept.
"""

from __future__ import annotations

import html
import io
import json
import math
import os
import threading
import traceback
import warnings
from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl, urlencode

import ipywidgets as W
import numpy as np
import traitlets

__all__ = ["Cancelled", "FloatSlider", "IntSlider", "Panel", "figure_png", "in_voila",
           "new_figure", "parse_state"]


class Cancelled(Exception):
    """Raised inside a computation superseded by a newer change."""


class _ReportsAdjustment(traitlets.HasTraits):
    """Mixin for bounded numeric widgets: remember when the range changes a value.

    ``adjusted`` is ``(asked, used)`` after a value was brought into ``[min, max]`` (by
    setting it, or by moving ``min``/``max`` past it), ``None`` after an in-range value.
    It is not synced to the browser; :class:`Panel` shows it.
    """

    adjusted = traitlets.Any(None)

    @traitlets.validate("value")
    def _validate_value(self, proposal):
        asked = proposal["value"]
        used = super()._validate_value(proposal)
        self.adjusted = None if used == asked else (asked, used)
        return used

    @traitlets.validate("min")
    def _validate_min(self, proposal):
        before = self.value
        out = super()._validate_min(proposal)
        if self.value != before:
            self.adjusted = (before, self.value)
        return out

    @traitlets.validate("max")
    def _validate_max(self, proposal):
        before = self.value
        out = super()._validate_max(proposal)
        if self.value != before:
            self.adjusted = (before, self.value)
        return out


class FloatSlider(_ReportsAdjustment, W.FloatSlider):
    """:class:`ipywidgets.FloatSlider` that reports values its range changed."""


class IntSlider(_ReportsAdjustment, W.IntSlider):
    """:class:`ipywidgets.IntSlider` that reports values its range changed."""


def new_figure(figsize=(9.0, 4.0), layout="constrained"):
    """A matplotlib figure that is not registered with pyplot (safe in threads).

    Parameters
    ----------
    figsize : tuple of float
        Width and height. [in]
    layout : str or None
        Matplotlib layout engine (``None`` for fixed axes positions).
    """
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout=layout)


def figure_png(fig, dpi: int = 90) -> bytes:
    """Render a matplotlib figure to PNG bytes (no timestamps) and release it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure; closed afterwards if pyplot manages it.
    dpi : int
        Resolution. [dots/in]
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    if getattr(fig.canvas, "manager", None) is not None:    # made by pyplot: release it
        import matplotlib.pyplot as plt

        plt.close(fig)
    return buf.getvalue()


def in_voila() -> bool:
    """Whether this kernel was started by Voila (which sets ``VOILA_*`` variables)."""
    return any(k in os.environ for k in ("VOILA_KERNEL_ID", "VOILA_BASE_URL",
                                         "VOILA_REQUEST_URL"))


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _num(value) -> str:
    return f"{value:g}" if _is_number(value) else repr(value)


def _option_value(option):
    return option[1] if isinstance(option, tuple) and len(option) == 2 else option


def _option_label(option):
    return option[0] if isinstance(option, tuple) and len(option) == 2 else option


def _json_value(value):
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _query_text(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_query_text(v) for v in value)
    return str(value)


def state_text(text: str, parse_query_text) -> dict:
    """Settings from text: a JSON object (text starting with ``{``), else a query string.

    Parameters
    ----------
    text : str
        JSON text or a URL query string.
    parse_query_text : callable
        Turns a query string into the settings dict (a panel's keys, or the app's panel
        ids).

    Returns
    -------
    dict
        The settings.

    Raises
    ------
    ValueError
        Malformed JSON (where it fails).
    TypeError
        JSON that is not an object.
    """
    text = text.strip()
    if not text.startswith("{"):
        return parse_query_text(text)
    try:
        state = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"state: not valid JSON ({exc.msg} at character "
                         f"{exc.pos}): {text[:80]!r}") from None
    if not isinstance(state, dict):
        raise TypeError("state: JSON must be an object of key -> value")
    return state


def parse_state(state, panel_id: str | None = None) -> dict:
    """A panel's state as a dict of key -> value, from a dict, JSON text or a query string.

    Parameters
    ----------
    state : dict or str
        A dict (as :meth:`Panel.state` returns), its JSON text (starting with ``{``),
        or a URL query string (``"panel=latency&source=Lagos"``, optional leading ``?``;
        a repeated key keeps its last value).
    panel_id : str, optional
        The panel the state is for: a ``"panel"`` key naming another panel is an
        error; the ``"panel"`` key is dropped from the result.

    Returns
    -------
    dict
        Key -> value (text values from a query string stay text).

    Raises
    ------
    ValueError
        Malformed JSON, or a ``"panel"`` naming another panel.
    TypeError
        A state that is neither a mapping nor text, or JSON that is not an object.
    """
    if isinstance(state, str):
        state = state_text(state, lambda q: dict(parse_qsl(q.removeprefix("?"),
                                                           keep_blank_values=True)))
    if not isinstance(state, Mapping):
        raise TypeError(f"state must be a dict, JSON text or a query string, got "
                        f"{type(state).__name__} {state!r:.80}")
    values = dict(state)
    for key in values:
        if not isinstance(key, str):
            raise TypeError(f"state: keys must be control names (str), got {key!r:.80}")
    panel = values.pop("panel", None)
    if panel is not None and panel_id is not None and panel != panel_id:
        raise ValueError(f"state: key 'panel' is {panel!r}, but this panel is "
                         f"{panel_id!r}")
    return values


def _allowed_text(widget) -> str:
    if isinstance(widget, W.Checkbox | W.ToggleButton):
        return "true or false"
    if hasattr(widget, "min") and hasattr(widget, "max"):
        kind = "a whole number" if isinstance(widget.value, int) else "a number"
        return f"{kind} in [{widget.min:g}, {widget.max:g}]"
    choices = getattr(widget, "options", None)
    if choices is not None:
        opts = [_option_value(o) for o in choices]
        if isinstance(widget, W.Combobox):
            return f"a place name such as {opts[1:4]} or 'lat, lon'"
        if isinstance(widget, W.SelectMultiple):
            return f"a list (comma-separated in a link) of {opts}"
        return f"one of {opts}"
    return "a value of its type"


def _coerce(name: str, widget, value):
    """``value`` (JSON or query-string text) as the control needs it, else ValueError."""
    def bad():
        return ValueError(f"state: key {name!r} cannot take {value!r:.120}; allowed "
                          f"values: {_allowed_text(widget)}")

    if isinstance(widget, W.Checkbox | W.ToggleButton):
        if isinstance(value, bool | np.bool_):
            return bool(value)
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "on"):
            return True
        if text in ("false", "0", "no", "off"):
            return False
        raise bad()
    if isinstance(widget, W.SelectMultiple):
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            raise bad()
        opts = [_option_value(o) for o in widget.options]
        items = tuple(str(i).strip() for i in items if str(i).strip())
        if not all(i in opts for i in items):
            raise bad()
        return items
    if isinstance(widget, W.Combobox | W.Text):
        if not isinstance(value, str):
            raise bad()
        return value
    if hasattr(widget, "options"):                       # Dropdown, SelectionSlider, ...
        for option in widget.options:
            v = _option_value(option)
            if (value is v or (value == v and type(value) is type(v))
                    or (_is_number(value) and _is_number(v) and float(value) == float(v))):
                return v
            if isinstance(value, str) and value.strip() != "" and (
                    value.strip() == _query_text(v) or value.strip().lower()
                    == str(_option_label(option)).lower()
                    or (_is_number(v) and _float_or_none(value) == float(v))):
                return v
        raise bad()
    if _is_number(widget.value):                         # sliders, FloatText
        if isinstance(value, bool | np.bool_):
            raise bad()
        number = _float_or_none(value) if isinstance(value, str) else (
            float(value) if _is_number(value) or isinstance(value, np.number) else None)
        if number is None or not math.isfinite(number):
            raise bad()
        if isinstance(widget.value, int) and not isinstance(widget.value, bool):
            if number != int(number):
                raise bad()
            return int(number)
        return number
    return value


def _float_or_none(text: str):
    try:
        return float(text)
    except ValueError:
        return None


class Panel:
    """Base class: controls -> background computation -> outputs.

    Subclasses build ``self.controls`` (name -> widget) and ``self.figures`` (name ->
    ``ipywidgets.Image``), call :meth:`observe_controls` and :meth:`layout`, and
    implement :meth:`compute` (returns a dict of results; may call
    :meth:`checkpoint` and :meth:`progress`) and :meth:`render` (puts results into the
    output widgets; runs only for the newest generation).

    Parameters
    ----------
    title : str
        Panel heading.
    threaded : bool
        Compute in a background thread on control changes (default). ``False``
        computes synchronously in the calling thread, which tests use to drive panels
        deterministically.
    """

    has_coarse = False
    #: Name of the panel in a shareable state (``"panel"`` key, ``?panel=...`` of a link).
    panel_id = "panel"
    #: Old control name -> new one (issue 12: one spelling per quantity); an old name
    #: given to :meth:`set` or the constructor still works for one release, with a
    #: ``DeprecationWarning`` naming the new one.
    renamed_controls: dict[str, str] = {}

    def __init__(self, title: str, *, threaded: bool = True):
        self.title = title
        self.threaded = threaded
        self.controls: dict[str, W.Widget] = {}
        self.figures: dict[str, W.Image] = {}
        self.status = W.HTML(value="")
        self.message = W.HTML(value="")
        self.notice = W.HTML(value="")
        self.state_note = W.HTML(value="")
        self.state_error: str | None = None  # a state given at construction not restored
        self.adjusted: dict[str, tuple] = {}   # control -> (asked, used), shown in notice
        self.progress_bar = W.FloatProgress(value=0.0, min=0.0, max=1.0,
                                            layout=W.Layout(width="40%",
                                                            visibility="hidden"))
        self.widget: W.Widget | None = None
        self.result: dict | None = None      # last full (non-coarse) result
        self.last_error: str | None = None
        self.runs_completed = 0
        self.runs_superseded = 0
        self._generation = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._local = threading.local()
        self._hold = False

    # -- wiring ----------------------------------------------------------------------
    def observe_controls(self) -> None:
        """Recompute whenever any control's value changes; track adjusted values."""
        for name, widget in self.controls.items():
            widget.observe(self._on_change, names="value")
            widget.observe(lambda change, n=name: self._on_value(n, change), names="value")
            if isinstance(widget, _ReportsAdjustment):
                widget.observe(lambda change, n=name: self._on_adjusted(n, change["new"]),
                               names="adjusted")

    def _on_change(self, _change) -> None:
        if not self._hold:
            self.update()

    def _on_value(self, name: str, change) -> None:
        # a new value the control took as given clears the notice about it
        if getattr(change["owner"], "adjusted", None) is None and name in self.adjusted:
            del self.adjusted[name]
            self._show_adjusted()

    def _on_adjusted(self, name: str, value) -> None:
        if value is None:
            self.adjusted.pop(name, None)
        else:
            self.adjusted[name] = tuple(value)
        self._show_adjusted()

    def _show_adjusted(self) -> None:
        """Name each control whose value was changed to fit it: asked, used, range."""
        lines = []
        for name, (asked, used) in self.adjusted.items():
            w = self.controls[name]
            label = getattr(w, "description", "") or name
            allowed = (f"its range is {w.min:g} to {w.max:g}" if hasattr(w, "min")
                       else "it takes other values")
            if isinstance(w, W.IntSlider) and hasattr(w, "min") and w.min <= used <= w.max \
                    and isinstance(asked, float) and asked != int(asked):
                allowed = "it takes whole numbers"
            lines.append(f"{html.escape(label)} (<code>{html.escape(name)}</code>): asked "
                         f"{html.escape(_num(asked))}, using {html.escape(_num(used))} "
                         f"({allowed})")
        self.notice.value = "" if not lines else (
            "<div class='satcloud-adjusted' style='color:#E69F00'>⚠ "
            + "<br>⚠ ".join(lines) + "</div>")

    def layout(self, outputs: list[W.Widget], controls: list[W.Widget] | None = None
               ) -> W.Widget:
        """Standard layout: title, controls, status and message, outputs."""
        head = W.HTML(value=f"<h3>{html.escape(self.title)}</h3>")
        box = W.VBox(list(self.controls.values()) if controls is None else controls)
        self.widget = W.VBox([head, box, W.HBox([self.status, self.progress_bar]),
                              self.message, self.notice, self.state_note, *outputs])
        self.widget.add_class("satcloud-panel")
        return self.widget

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # -- hooks for subclasses -----------------------------------------------------------
    def compute(self, values: dict, coarse: bool) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def render(self, result: dict) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def validate(self, values: dict) -> None:
        """Extra checks on the control values; raise ValueError with a clear message."""

    # -- running -----------------------------------------------------------------------
    def values(self) -> dict:
        """Current control values by name."""
        return {name: w.value for name, w in self.controls.items()}

    def _apply(self, values: dict) -> None:
        values = dict(values)
        for old, new in self.renamed_controls.items():
            if old in values:
                if new in values:
                    raise ValueError(f"give the control {new!r} once: {old!r} is its "
                                     "deprecated name")
                warnings.warn(f"{type(self).__name__}: the control {old!r} is deprecated and "
                              f"will be removed in the next release; use {new!r}",
                              DeprecationWarning, stacklevel=3)
                values[new] = values.pop(old)
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; controls: "
                             f"{list(self.controls)}")
        self._hold = True
        try:
            for name, value in values.items():
                widget = self.controls[name]
                choices = getattr(widget, "options", None)
                if hasattr(widget, "min") and hasattr(widget, "max"):
                    allowed = f"a number in [{widget.min:g}, {widget.max:g}]"
                elif choices is not None:
                    allowed = f"one of {[_option_value(o) for o in choices]}"
                else:
                    allowed = "a value of its type"
                if _is_number(widget.value) and (isinstance(value, (bool, np.bool_)) or (
                        _is_number(value) and math.isnan(value))):
                    # a bool would read as 0/1 and NaN compares false with any range
                    raise ValueError(f"control {name!r} cannot take {value!r}; give "
                                     f"{allowed}")
                try:
                    widget.value = value
                except (traitlets.TraitError, TypeError, ValueError, OverflowError) as exc:
                    raise ValueError(f"control {name!r} cannot take {value!r:.120}; give "
                                     f"{allowed}") from exc
                used = widget.value
                if getattr(widget, "adjusted", None) is not None:     # brought into range
                    self.adjusted[name] = tuple(widget.adjusted)
                elif _is_number(value) and _is_number(used) and float(value) != float(used):
                    # a whole-number slider casts 24.7 to 24 before its range is checked
                    self.adjusted[name] = (value, used)
                else:
                    self.adjusted.pop(name, None)
                self._show_adjusted()
        finally:
            self._hold = False

    def set(self, **values) -> None:
        """Set several controls at once and recompute once (unknown names raise)."""
        self._apply(values)
        self.update()

    def start(self, defaults: dict) -> None:
        """Wire the controls, apply the initial values (unknown names raise), restore a
        ``state`` among them (:meth:`restore_initial_state`), compute now."""
        state = defaults.pop("state", None)
        self.observe_controls()
        self._apply(defaults)
        self.restore_initial_state(state)
        self.update(sync=True)

    # -- shareable state ------------------------------------------------------------------
    def state(self) -> dict:
        """The control values as a small JSON-safe dict, ``"panel"`` first.

        Tuples (several networks) become lists; ``json.dumps`` takes the result as is.
        """
        out = {"panel": self.panel_id}
        for name, value in self.values().items():
            out[name] = _json_value(value)
        return out

    def state_json(self) -> str:
        """:meth:`state` as compact JSON text."""
        return json.dumps(self.state(), separators=(",", ":"), allow_nan=False)

    def state_query(self) -> str:
        """:meth:`state` as a URL query string (``panel=latency&source=Lagos&...``).

        Lists are comma-joined, ``None`` is ``none``, booleans ``true``/``false``;
        :meth:`set_state` reads it back.
        """
        return urlencode([(k, _query_text(v)) for k, v in self.state().items()])

    def set_state(self, state) -> None:
        """Restore a state and recompute once; strict: a bad state changes nothing.

        Parameters
        ----------
        state : dict, str
            A dict as :meth:`state` returns (a subset of the controls is enough), its
            JSON text, or a URL query string (``"panel=latency&delay_model=idle"``,
            with or without the leading ``?``); string values are read as the control
            needs (numbers, ``true``/``false``, comma-separated lists, ``none``).

        Raises
        ------
        ValueError
            An unknown key, a ``"panel"`` naming another panel, or a value a control
            cannot take (outside its range or choices), naming the key, the value and
            the allowed values.
        TypeError
            A state that is neither a mapping nor text.
        """
        self._restore(state)
        self.update()

    def restore_initial_state(self, state) -> None:
        """Restore ``state`` before the first computation, keeping the defaults (and
        saying why in the panel's state line, ``state_error``) if it is invalid.

        Parameters
        ----------
        state : dict, str or None
            As :meth:`set_state`; ``None`` does nothing.
        """
        self.state_error = None
        self.state_note.value = ""
        if state is None:
            return
        try:
            self._restore(state)
        except (TypeError, ValueError) as exc:
            self.state_error = str(exc)
            self.state_note.value = (
                "<div class='satcloud-error satcloud-state-error' style='color:#D55E00'>"
                f"⚠ the shared settings were not applied: {html.escape(str(exc))}</div>")

    def _restore(self, state) -> None:
        values = parse_state(state, self.panel_id)
        unknown = [k for k in values if k not in self.controls]
        if unknown:
            raise ValueError(f"state: unknown key {unknown[0]!r} for panel "
                             f"{self.panel_id!r}; allowed keys: {list(self.controls)}")
        coerced = {name: _coerce(name, self.controls[name], values[name])
                   for name in self.controls if name in values}
        before = self.values()
        try:
            for name, value in coerced.items():
                widget = self.controls[name]
                if hasattr(widget, "min") and hasattr(widget, "max") and not (
                        widget.min <= value <= widget.max):
                    raise ValueError(f"state: key {name!r} cannot take {value!r}; allowed "
                                     f"values: {_allowed_text(widget)}")
                self._apply({name: value})
        except ValueError as exc:
            was, self._hold = self._hold, True
            try:
                for name, value in before.items():
                    self.controls[name].value = value
            finally:
                self._hold = was
            for name in list(self.adjusted):
                if getattr(self.controls[name], "adjusted", None) is None:
                    del self.adjusted[name]
            self._show_adjusted()
            if str(exc).startswith("state:"):
                raise
            raise ValueError(f"state: {exc}") from None

    def checkpoint(self) -> None:
        """Raise :class:`Cancelled` if a newer change superseded this run."""
        if getattr(self._local, "generation", None) != self._generation:
            raise Cancelled

    def progress(self, fraction: float, text: str = "") -> None:
        """Report progress of the running computation (0..1) and check for cancellation."""
        self.checkpoint()
        generation = self._local.generation

        def show():
            self.progress_bar.layout.visibility = "visible"
            self.progress_bar.value = min(max(float(fraction), 0.0), 1.0)
            if text:
                self.status.value = f"<i>{html.escape(text)}</i>"
        self._publish(generation, show)

    def update(self, *, sync: bool | None = None) -> None:
        """Start a new computation for the current values (superseding any running one).

        Parameters
        ----------
        sync : bool, optional
            Compute in the calling thread (``True``) or in the background
            (``False``); default: background when the panel is ``threaded``.
        """
        with self._lock:
            self._generation += 1
            generation = self._generation
        values = self.values()
        threaded = self.threaded if sync is None else not sync
        previous = self._thread
        if threaded:
            thread = threading.Thread(target=self._run,
                                      args=(generation, values, previous, True),
                                      daemon=True, name=f"satcloud-panel-{generation}")
            self._thread = thread
            thread.start()
        else:
            if previous is not None:
                previous.join()
            # no coarse preview: nobody sees it before the full result arrives
            self._run(generation, values, None, False)

    def wait(self, timeout: float = 60.0) -> None:
        """Block until the newest computation finished (for tests and scripts)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                raise TimeoutError(f"{self.title}: computation still running after "
                                   f"{timeout:g} s")

    @property
    def running(self) -> bool:
        """Whether a background computation is in progress."""
        return self._thread is not None and self._thread.is_alive()

    def _publish(self, generation: int, fn: Callable[[], None]) -> bool:
        with self._lock:
            if generation != self._generation:
                return False
            fn()
            return True

    def _set_status(self, generation: int, text: str) -> None:
        self._publish(generation, lambda: setattr(self.status, "value", text))

    def _run(self, generation: int, values: dict, previous, coarse_first: bool) -> None:
        self._local.generation = generation
        try:
            if previous is not None and previous is not threading.current_thread():
                previous.join()   # the older run stops at its next checkpoint
            self.checkpoint()
            self.validate(values)
            passes = [True, False] if (self.has_coarse and coarse_first) else [False]
            for coarse in passes:
                self._set_status(generation, "<i>computing (coarse preview)…</i>" if coarse
                                 else "<i>computing…</i>")
                result = self.compute(values, coarse)
                self.checkpoint()
                if not coarse:
                    result = dict(result)

                def show(r=result, c=coarse):
                    self.render(r)
                    if not c:
                        self.result = r
                if not self._publish(generation, show):
                    raise Cancelled
            self._publish(generation, self._done)
        except Cancelled:
            self.runs_superseded += 1
        except (ValueError, TypeError, KeyError) as exc:
            text = str(exc).strip("'\"")
            self._publish(generation, lambda: self._show_error(text))
        except Exception as exc:  # noqa: BLE001 - a panel never shows a traceback
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self._publish(generation, lambda: self._show_error(f"internal error: {detail}"))
        finally:
            self._local.generation = None

    def _done(self) -> None:
        self.runs_completed += 1
        self.last_error = None
        self.message.value = ""
        self.status.value = ""
        self.progress_bar.layout.visibility = "hidden"

    def _show_error(self, text: str) -> None:
        self.last_error = text
        self.status.value = ""
        self.progress_bar.layout.visibility = "hidden"
        self.message.value = (f"<div class='satcloud-error' style='color:#D55E00'>"
                              f"⚠ {html.escape(text)}</div>")

    # -- static output -------------------------------------------------------------------
    def show_static(self, *, force: bool = False) -> None:
        """Display the current figures as ordinary PNG outputs (for static HTML pages).

        Skipped under Voila (the live panel is there) unless ``force``.
        """
        from IPython.display import Image, display

        if in_voila() and not force:
            return
        for image in self.figures.values():
            if image.value:
                display(Image(data=bytes(image.value), format="png"))
