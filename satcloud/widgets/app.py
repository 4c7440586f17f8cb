"""The what-if app's shareable state: the settings of every panel as a link or a JSON.

A :class:`WhatIfApp` builds the panels of notebook 07 (:meth:`WhatIfApp.panel`) and
restores, into each, the settings a link asked for before its first computation. Under
Voila the link is the page's URL: Voila starts the kernel with the request's query string
in the environment variable ``QUERY_STRING`` (CGI-style, RFC 3875 section 4.1.7;
:func:`voila_query_string`). A query string names a panel, then its settings::

    ?panel=latency&source=Lagos&delay_model=idle
    ?panel=latency&source=Lagos&panel=network_capacity&take_rate_scale=2

(keys after a ``panel=`` belong to it; :func:`parse_query`), or carries the whole app as
JSON in ``?state={...}``. :attr:`WhatIfApp.widget` shows the link of every panel and of
the whole app, and the app's JSON, kept up to date as the controls move, with a box to
paste a JSON back.
"""

from __future__ import annotations

import html
import json
import os
from urllib.parse import parse_qsl, urlencode

import ipywidgets as W

from satcloud.widgets._base import Panel, in_voila, state_text

__all__ = ["WhatIfApp", "parse_query", "voila_query_string"]


def voila_query_string() -> str:
    """The query string of the page Voila serves this kernel for (``""`` elsewhere).

    Voila passes the request's query string to the kernel it starts as the environment
    variable ``QUERY_STRING`` (``voila.handler``; with pre-heated kernels it arrives
    later, through ``voila.utils.get_query_string``, which this app does not use).

    Returns
    -------
    str
        The query string without the leading ``?``.
    """
    if not in_voila():
        return ""
    return os.environ.get("QUERY_STRING", "").removeprefix("?")


def parse_query(query: str, panels=None) -> dict[str, dict]:
    """Settings per panel from a query string.

    Parameters
    ----------
    query : str
        ``panel=<id>&key=value&...`` (keys after a ``panel=`` belong to that panel; a
        repeated key keeps its last value), or ``state=<JSON>`` of :meth:`WhatIfApp.
        state`; a leading ``?`` is ignored; ``""`` gives ``{}``.
    panels : list of str, optional
        The panel ids allowed, at least one (default ``None``: any).

    Returns
    -------
    dict
        Panel id -> {key: value text (or JSON value)}.

    Raises
    ------
    ValueError
        A key before any ``panel=``, a panel id not among ``panels``, malformed JSON.
    TypeError
        ``query`` not a string.
    """
    if not isinstance(query, str):
        raise TypeError(f"query must be a URL query string, got {type(query).__name__}")
    if panels is not None and (not isinstance(panels, list | tuple) or not all(
            isinstance(x, str) for x in panels)):
        raise TypeError(f"panels must be a list of panel ids (str), got {panels!r:.80}")
    if panels is not None and not panels:
        raise ValueError("panels must list at least one panel id (or be None for any)")
    allowed = None if panels is None else list(panels)
    out: dict[str, dict] = {}
    current = None
    for key, value in parse_qsl(query.strip().removeprefix("?"), keep_blank_values=True):
        if key == "state":
            try:
                whole = json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(f"query: key 'state' is not valid JSON ({exc.msg} at "
                                 f"character {exc.pos})") from None
            if not isinstance(whole, dict) or not all(isinstance(v, dict)
                                                      for v in whole.values()):
                raise ValueError("query: key 'state' must be a JSON object of panel id -> "
                                 "{key: value}")
            for pid, values in whole.items():
                _check_panel(pid, allowed)
                out.setdefault(pid, {}).update(values)
            continue
        if key == "panel":
            _check_panel(value, allowed)
            current = value
            out.setdefault(current, {})
            continue
        if current is None:
            raise ValueError(f"query: key {key!r} comes before any 'panel=' naming the panel "
                             f"it belongs to; panels: {allowed}")
        out[current][key] = value
    return out


def _check_panel(value, allowed) -> None:
    if allowed is not None and value not in allowed:
        raise ValueError(f"query: key 'panel' cannot take {value!r}; allowed values: "
                         f"{allowed}")


class WhatIfApp:
    """The panels of the what-if app, their shared settings and the share box.

    Parameters
    ----------
    query : str, optional
        The settings to restore, as :func:`parse_query` reads them; default
        :func:`voila_query_string` (the page's URL under Voila, nothing elsewhere).
    base_url : str, optional
        The page the links point to; default the Voila request URL without its query
        (``VOILA_REQUEST_URL``), else relative links (``?panel=...``).

    Attributes
    ----------
    panels : dict
        Panel id -> panel, in the order added.
    requested : dict
        Panel id -> the settings the query asked for.
    errors : list of str
        Settings that could not be restored (also shown in the share box and in the
        panel's state line).
    widget : ipywidgets.VBox
        The share box: one link per panel and for the whole app, the app's JSON, and a
        box to paste a JSON back (*restore*).
    """

    #: Panel classes by id (the ``panel=`` of a link).
    PANEL_IDS = ("link_budget", "capacity", "constellation", "latency", "network_capacity")

    def __init__(self, query: str | None = None, base_url: str | None = None):
        self.panels: dict[str, Panel] = {}
        self.errors: list[str] = []
        if base_url is None:
            base_url = os.environ.get("VOILA_REQUEST_URL", "") if in_voila() else ""
        self.base_url = base_url.split("?", 1)[0]
        text = voila_query_string() if query is None else query
        try:
            self.requested = parse_query(text, self.PANEL_IDS)
        except (TypeError, ValueError) as exc:
            self.requested = {}
            self.errors.append(str(exc))
        self.links = W.HTML()
        self.json_box = W.Textarea(value="", description="settings (JSON)",
                                   layout=W.Layout(width="95%", height="90px"),
                                   style={"description_width": "120px"})
        self.json_box.add_class("satcloud-state-json")
        self.paste = W.Textarea(value="", placeholder="paste a settings JSON here",
                                description="restore from", layout=W.Layout(width="95%",
                                                                            height="60px"),
                                style={"description_width": "120px"})
        self.restore_button = W.Button(description="restore")
        self.restore_button.on_click(lambda _b: self._restore_pasted())
        self.message = W.HTML()
        self.widget = W.VBox([W.HTML("<h3>Share these settings</h3>"), self.links,
                              self.json_box, W.HBox([self.paste, self.restore_button]),
                              self.message])
        self.widget.add_class("satcloud-share")
        self._show_errors()

    def _repr_mimebundle_(self, **kwargs):
        self.refresh()
        return self.widget._repr_mimebundle_(**kwargs)

    def panel(self, cls, **defaults) -> Panel:
        """Build a panel with ``defaults``, restoring the settings the query asked for.

        Parameters
        ----------
        cls : type
            A panel class of :mod:`satcloud.widgets` (its ``panel_id`` among
            :attr:`PANEL_IDS`).
        **defaults
            The panel's keywords (initial control values, grids, ...).

        Returns
        -------
        Panel
            The panel, computed, registered under its ``panel_id``.
        """
        if not (isinstance(cls, type) and issubclass(cls, Panel)) or \
                cls.panel_id not in self.PANEL_IDS:
            raise TypeError(f"cls must be a panel class of satcloud.widgets (ids "
                            f"{list(self.PANEL_IDS)}), got {cls!r:.80}")
        state = self.requested.get(cls.panel_id)
        panel = cls(**defaults, state=state)
        if panel.state_error is not None:
            self.errors.append(f"{cls.panel_id}: {panel.state_error}")
            self._show_errors()
        self.add(panel)
        return panel

    def add(self, panel: Panel) -> None:
        """Register a panel built elsewhere (its links then appear in the share box).

        Parameters
        ----------
        panel : Panel
            A what-if panel.
        """
        if not isinstance(panel, Panel):
            raise TypeError(f"panel must be a what-if panel, got {type(panel).__name__}")
        self.panels[panel.panel_id] = panel
        for widget in panel.controls.values():
            widget.observe(lambda _change: self.refresh(), names="value")
        self.refresh()

    def state(self) -> dict:
        """Every panel's :meth:`~satcloud.widgets._base.Panel.state` by panel id."""
        out = {}
        for pid, p in self.panels.items():
            s = p.state()
            s.pop("panel")
            out[pid] = s
        return out

    def state_json(self) -> str:
        """:meth:`state` as compact JSON text."""
        return json.dumps(self.state(), separators=(",", ":"), allow_nan=False)

    def set_state(self, state) -> None:
        """Restore the settings of several panels (each recomputes once).

        Every panel's settings are checked before any is changed.

        Parameters
        ----------
        state : dict or str
            Panel id -> settings (:meth:`state`), its JSON text, or a query string
            (:func:`parse_query`).

        Raises
        ------
        ValueError
            An unknown panel id, or settings a panel cannot take (naming the key, the
            value and the allowed values).
        TypeError
            A state that is neither a mapping nor text.
        """
        if isinstance(state, str):
            state = state_text(state, lambda q: parse_query(q, self.PANEL_IDS))
        if not isinstance(state, dict):
            raise TypeError(f"state must be a dict of panel id -> settings, JSON text or "
                            f"a query string, got {type(state).__name__}")
        for pid, values in state.items():
            if pid not in self.panels:
                raise ValueError(f"state: key {pid!r} is not a panel of this app; allowed "
                                 f"values: {list(self.panels)}")
            if not isinstance(values, dict):
                raise TypeError(f"state[{pid!r}] must be a dict of key -> value, got "
                                f"{type(values).__name__}")
        before = {pid: self.panels[pid].state() for pid in state}
        try:
            for pid, values in state.items():
                self.panels[pid]._restore(values)
        except (TypeError, ValueError):
            for pid, values in before.items():
                self.panels[pid]._restore(values)
            raise
        for pid in state:
            self.panels[pid].update()
        self.refresh()

    def query(self, panel_id: str | None = None) -> str:
        """The query string of one panel's settings, or of every panel's.

        Parameters
        ----------
        panel_id : str, optional
            A panel of :attr:`panels`; ``None`` for all of them.
        """
        if panel_id is None:
            return "&".join(p.state_query() for p in self.panels.values())
        if panel_id not in self.panels:
            raise ValueError(f"panel_id {panel_id!r} is not a panel of this app; allowed "
                             f"values: {list(self.panels)}")
        return self.panels[panel_id].state_query()

    def link(self, panel_id: str | None = None) -> str:
        """The shareable link: :attr:`base_url` + ``?`` + :meth:`query`.

        Parameters
        ----------
        panel_id : str, optional
            As :meth:`query`.
        """
        return f"{self.base_url}?{self.query(panel_id)}"

    def refresh(self) -> None:
        """Rewrite the share box from the panels' current settings."""
        items = "".join(
            f"<li><a class='satcloud-share-link' data-panel='{html.escape(pid)}' "
            f"href='{html.escape(self.link(pid), quote=True)}' target='_blank'>"
            f"{html.escape(p.title.split(':')[0])}</a></li>"
            for pid, p in self.panels.items())
        whole = (f"<a class='satcloud-share-link' data-panel='all' href='"
                 f"{html.escape(self.base_url + '?' + urlencode({'state': self.state_json()}), quote=True)}'"
                 " target='_blank'>every panel</a>") if self.panels else ""
        self.links.value = (f"<div>Links that reproduce these settings: <ul>{items}"
                            f"<li>{whole}</li></ul></div>")
        self.json_box.value = self.state_json()

    def _restore_pasted(self) -> None:
        try:
            self.set_state(self.paste.value)
        except (TypeError, ValueError) as exc:
            self.message.value = ("<div class='satcloud-error' style='color:#D55E00'>⚠ "
                                  f"{html.escape(str(exc))}</div>")
        else:
            self.message.value = ""

    def _show_errors(self) -> None:
        if self.errors:
            self.message.value = "".join(
                "<div class='satcloud-error satcloud-state-error' style='color:#D55E00'>⚠ "
                f"the shared settings were not applied: {html.escape(e)}</div>"
                for e in self.errors)

