"""Execute the notebooks and render the HTML report.

``satcloud report`` (and ``make report``) runs every notebook of ``notebooks/`` with
papermill, renders each executed notebook to an HTML page for readers with nbconvert
and writes ``index.html``, the landing page.

Pages for readers
-----------------
A reader who is not going to run the code reads prose, numbers and figures first: every
code cell's input is folded behind its own "Show code" toggle (a ``<details>``
element, which works without script), a "Show all code" button opens or closes them
all, and a table of contents under the title links the page's headings (h1-h3). All CSS
and the few lines of script are inline; the page loads nothing from the network (the
stock template's require.js, MathJax, mermaid and widget-manager CDN scripts are left
out). Figures are PNGs embedded as data URIs. A plotly figure (an output of MIME type
:data:`PLOTLY_MIME`, plotly's default renderer in a kernel; ``satcloud.globe`` draws
one) is drawn in the page by plotly.js loaded from the report's one shared copy,
:data:`PLOTLY_ASSET` (``plotly.offline.get_plotlyjs()``, written once per report folder,
about 5 MB), by relative ``<script src>`` from the pages that have such a figure
only. A notebook must keep plotly's default renderer: the ``notebook`` renderers embed
plotly.js in every output or load it from a CDN.

Formulas stay plain text. No notebook of the series writes TeX: the models' formulas
live in the docstrings of the functions that compute them, with their References, and
the notebooks describe results in words and numbers. Rendering TeX offline would mean
vendoring a renderer into the wheel (KaTeX from npm is ~0.3 MB of script plus ~60 font
files to keep in step; MathJax is several MB), or adding a LaTeX-to-MathML converter
dependency, to render nothing today; nbconvert leaves ``$...$`` as it is written, which
is legible. Revisit when a notebook needs a displayed equation.

The landing page
----------------
``index.html`` states the question, then one card per notebook: a thumbnail of its key
figure (the image output of the cell tagged :data:`KEY_FIGURE_TAG`, else its first
image; downscaled to :data:`THUMBNAIL_PX` and embedded), its lead number (the first
headline it published) large and the other headlines in a list, the parameters it ran
with, and a failed notebook's card in red with the error. Above the cards: when the
report was built (UTC; ``$SOURCE_DATE_EPOCH`` fixes it, the reproducible-builds.org
convention), small or full-size parameters, the ``--param`` overrides, the satcloud
version and the git commit of an editable install (``+ local changes`` when tracked
files differ from it).

Headline numbers
----------------
A notebook publishes a number with :func:`headline`, which displays it (as a small
HTML line) and attaches it to the cell output under the MIME type
:data:`HEADLINE_MIME`. The report reads those outputs back from the executed
notebook, so a headline is always the computed value, never a typed-in one.

Small runs and parameters
-------------------------
Each notebook's ``parameters`` cell holds the full-size defaults. Its metadata entry
``metadata.satcloud.small_parameters`` holds the overrides for a quick run; the test
suite runs every notebook with them (``satcloud report --small``). A parameter given to
a notebook (``--param`` or ``parameters=``) must be a name its ``parameters`` cell
assigns, with a JSON value (finite number, string, bool, None, list, dict with string
keys); anything else is refused before any notebook runs (:func:`notebook_parameters`).

Scratch and clean-up
--------------------
Each notebook runs in a scratch folder ``<out>/.scratch/run-<pid>-<random>/`` (the
notebook being executed, and the kernel's ``$SATCLOUD_SCRATCH_DIR`` and Dask temporary
folder, see :func:`scratch_folder`); the kernel's sockets and connection file live in
``<tmp>/satcloud-kernel-<pid>-<random>/`` (the temporary folder keeps socket paths
short). Both are removed when the notebook ends, the kernels are killed when the run is
interrupted (Ctrl-C, or SIGTERM to ``satcloud report``), and folders left by a run that
was killed outright (SIGKILL) are removed on the next start: their process id no longer
runs. A notebook that fails leaves ``executed/<notebook>.failed.ipynb`` and no page or
executed notebook of an earlier, successful run.

Layout of the output folder::

    index.html               landing page: question, build facts, one card per notebook
    <notebook>.html          one page per notebook (figures embedded)
    assets/plotly.min.js     plotly.js, once, when a page has a plotly figure
    executed/<notebook>.ipynb  the executed notebooks
    headlines.json           every headline number, machine-readable

Everything is written atomically. The pages contain no timestamps and the landing page
only the build time, so a rebuild on the same inputs with the same
``$SOURCE_DATE_EPOCH`` gives the same files.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import html
import json
import math
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from satcloud._io import (
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_text,
    make_scratch_dir,
    remove_stale_scratch,
)
from satcloud._resources import shipped_dir
from satcloud._validate import PathNotFoundError

__all__ = [
    "HEADLINE_MIME",
    "KEY_FIGURE_TAG",
    "NotebookResult",
    "PLOTLY_ASSET",
    "PLOTLY_MIME",
    "ReportError",
    "THUMBNAIL_PX",
    "default_notebook_dir",
    "execute_notebook",
    "headline",
    "list_notebooks",
    "notebook_parameters",
    "read_headlines",
    "render_html",
    "run_report",
    "say",
    "scratch_folder",
]

#: MIME type under which :func:`headline` attaches a number to a cell output.
HEADLINE_MIME = "application/vnd.satcloud.headline+json"


class ReportError(RuntimeError):
    """One or more notebooks failed; the message names each notebook and cell."""


@dataclass
class NotebookResult:
    """Outcome of executing and rendering one notebook."""

    name: str
    title: str
    html_path: Path | None
    headlines: list = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    #: the parameters the notebook ran with (small parameters and overrides)
    parameters: dict = field(default_factory=dict)
    #: PNG of the key figure for the landing page (None: no figure, or failed)
    thumbnail_png: bytes | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None


def headline(key: str, value, unit: str = "", label: str | None = None, fmt: str = ".3g"):
    """Publish a headline number from a notebook (shown inline, collected by the report).

    Parameters
    ----------
    key : str
        Stable identifier, e.g. ``"median_rtt_starlink_ms"``.
    value : float or int or str
        The computed value.
    unit : str
        Unit shown after the value, e.g. ``"ms"``.
    label : str, optional
        Human-readable description; defaults to ``key``.
    fmt : str
        Format specification for numbers.

    Returns
    -------
    dict
        The headline record (also displayed).
    """
    from IPython.display import display

    if not isinstance(key, str) or not key:
        raise ValueError(f"key must be a non-empty string, got {key!r}")
    if hasattr(value, "item") and getattr(value, "size", 1) == 1:
        value = value.item()
    if not isinstance(value, (int, float, str)):
        raise TypeError(f"value of headline {key!r} must be a number or a str, got "
                        f"{type(value).__name__} {value!r:.80}")
    if isinstance(value, float) and not math.isfinite(value):  # NaN or inf
        raise ValueError(f"value of headline {key!r} is {value}; publish a computed, finite "
                         "value (headlines.json must stay valid JSON)")
    for text_value, name in ((unit, "unit"), (fmt, "fmt")):
        if not isinstance(text_value, str):
            raise TypeError(f"{name} must be a str, got {type(text_value).__name__} "
                            f"{text_value!r:.80}")
    if label is not None and not isinstance(label, str):
        raise TypeError(f"label must be a str or None, got {type(label).__name__} "
                        f"{label!r:.80}")
    try:
        text = format(value, fmt) if isinstance(value, (int, float)) else str(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"fmt {fmt!r:.80} is not a format specification for {value!r}: "
                         f"{exc}") from None
    record = {"key": key, "value": value, "unit": unit, "label": label or key, "text": text}
    shown = (f"<p class='satcloud-headline'><b>{html.escape(record['label'])}</b>: "
             f"{html.escape(text)} {html.escape(unit)}</p>")
    display({"text/html": shown, "text/plain": f"{record['label']}: {text} {unit}",
             HEADLINE_MIME: record}, raw=True)
    return record


def say(template: str, **values):
    """Show a computed sentence: a Markdown template filled with named values.

    The prose stays readable in the notebook (the template is ordinary Markdown with
    ``{name}`` or ``{name:.0f}`` placeholders) and the numbers come from the computation,
    never typed in. Every placeholder must be a plain name given in ``values``, and every
    value must be used; a float needs an explicit format (``{rtt_ms:.0f}``, not
    ``{rtt_ms}``) so the number of digits shown is a choice; NaN and infinities are
    refused.

    Parameters
    ----------
    template : str
        Markdown text with ``{name}`` / ``{name:format}`` placeholders (``{{`` and ``}}``
        for literal braces).
    **values
        The value of each placeholder: numbers (int, float, numpy scalars, finite) or
        text.

    Returns
    -------
    str or None
        The rendered Markdown text; ``None`` inside a Jupyter kernel, where the text is
        displayed as Markdown instead (so a ``say(...)`` that ends a cell is not shown
        twice).

    Raises
    ------
    ValueError
        When the template is malformed, a placeholder has no value or is not a plain
        name, a value is unused, a float has no format, or a number is not finite; the
        message names them.

    Examples
    --------
    >>> say("The farthest site is {rtt_ms:.0f} ms from {region}.", rtt_ms=123.4,
    ...     region="UK South")
    'The farthest site is 123 ms from UK South.'
    """
    import numbers
    import string

    if not isinstance(template, str):
        raise TypeError(f"template must be a str, got {type(template).__name__} "
                        f"{template!r:.80}")
    try:
        fields = [(name, spec, conv) for _, name, spec, conv
                  in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ValueError(f"template {template!r:.80} is not a format template: {exc}") from None
    used, problems = set(), []
    for name, spec, conv in fields:
        if not name.isidentifier():
            problems.append(f"placeholder {{{name}}} is not a plain name (compute the value "
                            "first and pass it by name)")
        elif "{" in (spec or ""):
            problems.append(f"placeholder {{{name}}} has a nested format; give a fixed one")
        elif conv:
            problems.append(f"placeholder {{{name}!{conv}}} has a conversion; drop it")
        used.add(name)
    missing = sorted(n for n in used if n.isidentifier() and n not in values)
    extra = sorted(set(values) - used)
    if missing:
        problems.append(f"no value for {', '.join(missing)}")
    if extra:
        problems.append(f"values not in the template: {', '.join(extra)}")
    for name, value in values.items():
        if hasattr(value, "item") and getattr(value, "size", 0) == 1:
            value = value.item()
            values[name] = value
        if isinstance(value, bool) or isinstance(value, str):
            continue
        if isinstance(value, numbers.Real):
            if not math.isfinite(value):
                problems.append(f"{name} is {value}, not a finite number")
            elif not isinstance(value, numbers.Integral) and name in used and any(
                    f_name == name and not spec for f_name, spec, _ in fields):
                problems.append(f"{name} is a float; give it a format, e.g. {{{name}:.1f}}")
        else:
            problems.append(f"{name} must be a number or a str, got {type(value).__name__}")
    if problems:
        raise ValueError(f"template {template!r:.60}: " + "; ".join(problems))
    try:
        text = template.format(**values)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"template {template!r:.60}: a format does not fit its value "
                         f"({exc})") from None
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None and getattr(shell, "kernel", None) is not None:
        from IPython.display import Markdown, display
        display(Markdown(text))
        return None
    return text


def default_notebook_dir() -> Path:
    """The notebook series installed with the package.

    The project's ``notebooks/`` folder, shipped in the wheel as ``satcloud._notebooks``
    (the checkout's folder for an editable install); see
    :func:`satcloud._resources.shipped_dir`.
    """
    return shipped_dir("notebooks")


# environment variable the report runner sets for each kernel (see scratch_folder)
_SCRATCH_ENV = "SATCLOUD_SCRATCH_DIR"


def scratch_folder(prefix: str = "satcloud-scratch-"):
    """A scratch folder for a notebook, removed when the ``with`` block ends.

    Inside a report run it is made under ``$SATCLOUD_SCRATCH_DIR``, which the report
    runner points at the notebook's scratch folder under the report's output folder
    (removed after the notebook, or on the next start if the run was killed). Elsewhere
    (JupyterLab) it is made in the system's temporary folder, named with the process id,
    and a later call removes the folders of processes that died before their ``with``
    block ended.

    Parameters
    ----------
    prefix : str
        Start of the folder's name (no path separators), e.g. ``"satcloud-sweep-"``.

    Returns
    -------
    context manager
        Entering it makes the new, empty folder (a :class:`pathlib.Path`); leaving it
        removes the folder. ``prefix`` is checked at the call.

    Examples
    --------
    >>> with scratch_folder("satcloud-doc-") as folder:
    ...     _ = (folder / "part.txt").write_text("x")
    >>> folder.exists()
    False
    """
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a str (a file-name prefix), got "
                        f"{type(prefix).__name__} {prefix!r:.80}")
    if not prefix or "\x00" in prefix or any(
            sep and sep in prefix for sep in (os.sep, os.altsep)):
        raise ValueError(f"prefix must be a non-empty file-name prefix without path "
                         f"separators, got {prefix!r:.80}")
    return _scratch_folder(prefix)


@contextlib.contextmanager
def _scratch_folder(prefix: str):
    base = os.environ.get(_SCRATCH_ENV) or tempfile.gettempdir()
    remove_stale_scratch(base, prefix)
    folder = make_scratch_dir(base, prefix)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def notebook_parameters(path) -> dict:
    """The names a notebook's ``parameters`` cell assigns, with their default values.

    Parameters
    ----------
    path : path-like
        The notebook.

    Returns
    -------
    dict
        Name -> default value, in the order the cell assigns them; a default that is not
        a Python literal (e.g. ``np.arange(3)``) is returned as ``Ellipsis``. Empty when
        the notebook has no cell tagged ``parameters``.

    Raises
    ------
    ValueError
        When the ``parameters`` cell is not valid Python.
    """
    nb = _read_notebook(path, "path")
    cells = [c for c in nb.cells if c.cell_type == "code"
             and "parameters" in c.metadata.get("tags", [])]
    if not cells:
        return {}
    try:
        tree = ast.parse(cells[0].source)
    except SyntaxError as exc:
        raise ValueError(f"the parameters cell of {Path(path).name} is not valid Python "
                         f"(line {exc.lineno}: {exc.msg})") from exc
    found: dict = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        try:
            default = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            default = Ellipsis
        for target in targets:
            if isinstance(target, ast.Name):
                found[target.id] = default
    return found


def _read_notebook(path, name: str):
    """The notebook at ``path`` (nbformat v4), or an error naming the parameter."""
    import nbformat

    path = _path(path, name)
    if not path.is_file():
        raise PathNotFoundError(f"{name} {str(path)!r:.200} is not a file; give the path "
                                "of a notebook (.ipynb)")
    try:
        return nbformat.read(str(path), as_version=4)
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError,
            RecursionError) as exc:
        raise ValueError(f"{name} {str(path)!r:.200} is not a Jupyter notebook: "
                         f"{type(exc).__name__}: {str(exc)[:200]}") from None


def _check_notebook_node(nb, name: str = "nb") -> None:
    """An in-memory notebook (:class:`nbformat.NotebookNode`, as execute_notebook returns)."""
    import nbformat

    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(nb, nbformat.NotebookNode) or not isinstance(cells, list) or not all(
            isinstance(c, dict) for c in cells):
        raise TypeError(f"{name} must be a notebook (nbformat.NotebookNode with a list of "
                        f"cells, e.g. from execute_notebook() or nbformat.read()), got "
                        f"{type(nb).__name__} {nb!r:.80}")


def _json_problem(value, where: str) -> str | None:
    """Why ``value`` cannot be injected as a notebook parameter (None when it can)."""
    if value is None or isinstance(value, (bool, int, str)):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{where} is {value}, not a finite number"
    if isinstance(value, list):
        for i, item in enumerate(value):
            problem = _json_problem(item, f"{where}[{i}]")
            if problem:
                return problem
        return None
    if isinstance(value, dict):
        for k, item in value.items():
            if not isinstance(k, str):
                return f"{where} has the key {k!r}; keys must be strings"
            problem = _json_problem(item, f"{where}[{k!r}]")
            if problem:
                return problem
        return None
    return (f"{where} is a {type(value).__name__}; a parameter value must be a number, "
            "string, bool, None, list or dict (JSON)")


def _check_parameters(book: Path, params: dict, origin: str) -> None:
    """Refuse names the notebook's parameters cell does not assign, and non-JSON values."""
    if not params:
        return
    if not isinstance(params, dict):
        raise TypeError(f"{origin} for {book.stem} must be a dict of name -> value, "
                        f"got {type(params).__name__}")
    known = notebook_parameters(book)
    valid = ", ".join(known) if known else "none (the notebook has no parameters cell)"
    for name, value in params.items():
        if not isinstance(name, str) or not name.isidentifier() or name not in known:
            raise ValueError(f"{origin}: notebook {book.stem} has no parameter {name!r}; "
                             f"valid names: {valid}")
        # the kind of the default is no rule: a parameter may take a preset name or a
        # number (00_overview's route_factor); the notebook's functions check the value
        problem = _json_problem(value, f"{origin}: {book.stem} parameter {name!r}")
        if problem:
            raise ValueError(problem)


def list_notebooks(notebook_dir: Path | None = None, only=None) -> list[Path]:
    """Numbered notebooks of the series, in order.

    Parameters
    ----------
    notebook_dir : path-like, optional
        Folder to look in (default :func:`default_notebook_dir`).
    only : iterable of str, optional
        Keep notebooks whose file name starts with one of these (e.g. ``"00"``).
    """
    if notebook_dir is None:
        folder = default_notebook_dir().resolve()
    else:
        folder = _path(notebook_dir, "notebook_dir").resolve()
        if not folder.is_dir():
            raise PathNotFoundError(f"notebook_dir {str(folder)!r:.200} is not a folder")
    books = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if only is not None:
        if isinstance(only, str):
            only = [only]
        elif isinstance(only, (bytes, dict)) or not hasattr(only, "__iter__"):
            raise TypeError(f"only must be a notebook name prefix (str) or a list of them, "
                            f"got {type(only).__name__} {only!r:.80}")
        only = list(only)
        for o in only:
            if not isinstance(o, str):
                raise TypeError(f"only entries must be notebook name prefixes (str), got "
                                f"{o!r:.80}")
            if not o:
                raise ValueError("only entries must be non-empty notebook name prefixes "
                                 "(e.g. '00'); give only=None for every notebook")
    if only:
        books = [p for p in books if any(p.name.startswith(o) for o in only)]
        if not books:
            raise ValueError(f"only {only!r:.200}: no notebook in {folder} starts with it; "
                             "available: "
                             f"{[p.name for p in sorted(folder.glob('[0-9][0-9]_*.ipynb'))]}")
    return books


def _path(value, name: str) -> Path:
    """A path argument: str or path-like (not empty), else a TypeError/ValueError naming it."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (str or pathlib.Path), got "
                        f"{type(value).__name__} {value!r:.80}")
    path = Path(value)
    if not str(value) or "\x00" in str(value):
        raise ValueError(f"{name} must be a non-empty path without NUL characters, got "
                         f"{str(value)!r:.80}")
    return path


def _folder(value, name: str) -> Path:
    """A folder argument (made if missing): refused if it names an existing file."""
    path = _path(value, name)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{name} {str(path)!r:.200} is a file; give a folder")
    return path


def _title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def read_headlines(nb) -> list[dict]:
    """Headline records published by an executed notebook, in cell order.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook (its outputs hold the records :func:`headline` published).

    Returns
    -------
    list of dict
        One record per headline (``key``, ``value``, ``unit``, ``label``, ``text``).
    """
    _check_notebook_node(nb)
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if HEADLINE_MIME in data:
                rec = data[HEADLINE_MIME]
                found.append(json.loads(rec) if isinstance(rec, str) else dict(rec))
    return found


def _kernel_env() -> None:
    # Make sure the kernel named "python3" resolves to this interpreter's environment
    # (JUPYTER_PATH comes before per-user kernelspecs).
    share = str(Path(sys.prefix) / "share" / "jupyter")
    paths = os.environ.get("JUPYTER_PATH", "")
    if share not in paths.split(os.pathsep):
        os.environ["JUPYTER_PATH"] = os.pathsep.join([share] + ([paths] if paths else []))
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


# kernel managers of the notebooks running now, killed when a run is interrupted
_LIVE_KERNELS: set = set()
_LIVE_LOCK = threading.Lock()


def _ipc_kernel_manager(ipc_dir, env: dict | None = None):
    """A kernel manager talking to the kernel over Unix-domain sockets in ``ipc_dir``.

    Local IPC instead of loopback TCP: no port is opened, nothing else on the machine
    can reach the kernel, and the kernel has no reason to warn about unencrypted TCP.
    The connection file is written into ``ipc_dir`` too (jupyter_client's default is a
    ``tmp*.json`` in the temporary folder), so removing ``ipc_dir`` removes everything
    the kernel left. ``env`` is added to the kernel's environment.

    The kernel is shut down without the SIGINT jupyter_client sends first: that
    interrupt lands in whatever message ipykernel is handling as the last cell finishes
    and makes it log "KeyboardInterrupt caught in kernel" on the report's terminal. The
    shutdown request alone stops an idle kernel (ipykernel serves it on the control
    channel), and jupyter_client kills a kernel that does not stop in time; cell
    timeouts still interrupt as before.
    """
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", str(Path(ipc_dir) / "kernel"))
            kwargs.setdefault("connection_file", str(Path(ipc_dir) / "kernel.json"))
            super().__init__(**kwargs)
            with _LIVE_LOCK:
                _LIVE_KERNELS.add(self)
            type(self).instances.append(self)

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            if env:
                kw["env"] = {**(kw.get("env") or os.environ), **env}
            return await super()._async_launch_kernel(kernel_cmd, **kw)

        async def _async_interrupt_kernel(self):
            if self.shutting_down:  # see the factory's docstring
                return
            return await super()._async_interrupt_kernel()

    IPCKernelManager.instances = []
    return IPCKernelManager


def _kill_live_kernels() -> None:
    """Kill every kernel this process runs (and its children, e.g. Dask workers)."""
    with _LIVE_LOCK:
        managers = list(_LIVE_KERNELS)
    for km in managers:
        prov = getattr(km, "provisioner", None)
        pgid = getattr(prov, "pgid", None)
        proc = getattr(prov, "process", None)
        try:
            if pgid and pgid != os.getpgrp():  # the kernel's own process group
                os.killpg(pgid, signal.SIGKILL)
            elif proc is not None:
                proc.kill()
        except (ProcessLookupError, PermissionError, OSError):
            pass


_STYLER_ID = re.compile(r"T_[0-9a-f]{5}(?=[_\"'\s])")
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def _stable_styler_ids(nb) -> None:
    """Replace per-run random ids in outputs by stable ones, so rebuilds are identical.

    pandas Styler tables draw a fresh ``T_<5 hex>`` id each run, object reprs carry
    memory addresses and widget views random model ids; they are renumbered in order of
    appearance.
    """
    mapping: dict[str, str] = {}

    def stable(match):
        return mapping.setdefault(match.group(0), f"T_sc{len(mapping):03d}")

    models: dict[str, str] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/html" in data:
                html_text = data["text/html"]
                if isinstance(html_text, list):
                    html_text = "".join(html_text)
                data["text/html"] = _STYLER_ID.sub(stable, html_text)
            if isinstance(data.get("text/plain"), str):  # "<... Styler at 0x7f2b...>"
                data["text/plain"] = _ADDRESS.sub(" at 0x…", data["text/plain"])
            view = data.get("application/vnd.jupyter.widget-view+json")
            if isinstance(view, dict) and "model_id" in view:  # random uuid per run
                view["model_id"] = models.setdefault(view["model_id"],
                                                     f"satcloud-widget-{len(models):03d}")


_KERNEL_PREFIX = "satcloud-kernel-"
_RUN_PREFIX = "run-"


def _dask_env_text(path) -> str:
    """``path`` as the text of a ``DASK_*`` environment variable: a quoted literal.

    Dask reads every ``DASK_*`` variable with :func:`ast.literal_eval` and keeps the raw
    text when that fails; a bare path whose random part holds a digit followed by a
    keyword (``.../run-12-4inab/...``) makes the parser print "SyntaxWarning: invalid
    decimal literal" into the notebook first (seen in CI). A quoted literal parses
    cleanly to the same string.

    Parameters
    ----------
    path : str or os.PathLike
        The folder.

    Returns
    -------
    str
        ``repr(str(path))``.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or os.PathLike, got {path!r:.80}")
    return repr(os.fspath(path))


def _remove_stale_scratch(scratch_dir: Path) -> None:
    """Remove what killed runs left: kernel folders in the temporary folder, run folders."""
    remove_stale_scratch(tempfile.gettempdir(), _KERNEL_PREFIX)
    remove_stale_scratch(scratch_dir, _RUN_PREFIX)


def execute_notebook(path: Path, out_path: Path, parameters: dict | None = None, *,
                     progress_bar: bool = False, timeout_s: float = 1800.0,
                     scratch_dir: Path | None = None):
    """Execute one notebook with papermill and return the executed notebook node.

    Parameters
    ----------
    path : path-like
        The notebook.
    out_path : path-like
        Where the executed notebook is written (a ``.ipynb`` file) (atomically, on success). On failure the
        partly executed notebook goes to ``<stem>.failed.ipynb`` beside it and an
        earlier ``out_path`` is removed.
    parameters : dict, optional
        Values for names of the notebook's ``parameters`` cell.
    progress_bar : bool
        Per-cell progress bar.
    timeout_s : float
        Per-cell execution timeout, in (0, :data:`MAX_TIMEOUT_S`] (a week). [s]
    scratch_dir : pathlib.Path, optional
        Folder for the run's scratch (default ``out_path.parent / ".scratch"``); a
        ``run-<pid>-<random>`` folder in it is removed when the notebook ends.

    Raises
    ------
    ReportError
        Naming the notebook, the failing cell and the exception.
    """
    import nbformat
    import papermill as pm

    from satcloud.network._checks import as_bool

    _read_notebook(path, "path")
    path = Path(path)
    out_path = _path(out_path, "out_path")
    if out_path.suffix != ".ipynb" or out_path.is_dir():
        raise ValueError(f"out_path must name a notebook file ending in .ipynb, got "
                         f"{str(out_path)!r:.200}")
    _folder(out_path.parent, "out_path's folder")
    if parameters is not None:
        if not isinstance(parameters, dict):
            raise TypeError(f"parameters must be a dict of name -> value, got "
                            f"{type(parameters).__name__} {parameters!r:.80}")
        _check_parameters(path, parameters, "parameters")
    as_bool(progress_bar, "progress_bar")
    timeout_s = _timeout(timeout_s)
    if scratch_dir is not None:
        scratch_dir = _folder(scratch_dir, "scratch_dir")
    _kernel_env()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    scratch_dir = Path(scratch_dir) if scratch_dir is not None else \
        out_path.parent / ".scratch"
    _remove_stale_scratch(scratch_dir)
    run_dir = make_scratch_dir(scratch_dir, _RUN_PREFIX)
    ipc_dir = manager = None
    try:
        tmp_out = run_dir / out_path.name
        kernel_tmp = run_dir / "tmp"
        kernel_tmp.mkdir()
        env = {_SCRATCH_ENV: str(kernel_tmp)}
        if "DASK_TEMPORARY_DIRECTORY" not in os.environ:  # dask-scratch-space of workers
            env["DASK_TEMPORARY_DIRECTORY"] = _dask_env_text(kernel_tmp)
        ipc_dir = make_scratch_dir(tempfile.gettempdir(), _KERNEL_PREFIX)
        manager = _ipc_kernel_manager(ipc_dir, env)
        try:
            pm.execute_notebook(
                str(path), str(tmp_out), parameters=parameters or {}, kernel_name="python3",
                # the kernel starts in the notebook's folder; papermill's own cwd= would
                # chdir the whole process, which is not thread-safe with jobs > 1
                resources={"metadata": {"path": str(path.parent)}},
                progress_bar=progress_bar, log_output=False,
                request_save_on_cell_execute=False, execution_timeout=timeout_s,
                kernel_manager_class=manager,
            )
        except Exception as exc:
            failed = out_path.with_name(f"{path.stem}.failed.ipynb")
            if tmp_out.exists():  # keep the partly executed notebook for debugging
                os.replace(tmp_out, failed)
            # an executed notebook of an earlier, successful run must not look current
            out_path.unlink(missing_ok=True)
            if isinstance(exc, pm.PapermillExecutionError):
                raise ReportError(
                    f"notebook {path.name} failed in cell {exc.cell_index} (execution count "
                    f"{exc.exec_count}): {exc.ename}: {exc.evalue} [partial output: {failed}]"
                ) from exc
            raise ReportError(f"notebook {path.name} could not be executed: "
                              f"{type(exc).__name__}: {exc}") from exc
        nb = nbformat.read(str(tmp_out), as_version=4)
    finally:
        if manager is not None:
            with _LIVE_LOCK:
                _LIVE_KERNELS.difference_update(manager.instances)
        if ipc_dir is not None:
            shutil.rmtree(ipc_dir, ignore_errors=True)
        shutil.rmtree(run_dir, ignore_errors=True)
        with contextlib.suppress(OSError):
            scratch_dir.rmdir()  # only when empty: other notebooks may still run
    # papermill records start/end times; drop them so rebuilds are identical, and the
    # (random) scratch path it wrote to: the executed notebook lives at out_path
    if "papermill" in nb.metadata:
        nb.metadata.papermill["output_path"] = str(out_path)
    nb.metadata.get("papermill", {}).pop("start_time", None)
    nb.metadata.get("papermill", {}).pop("end_time", None)
    nb.metadata.get("papermill", {}).pop("duration", None)
    _stable_styler_ids(nb)
    # widget state (random model ids, ~0.5 MB of PNG) is for a live kernel, not the report
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id
        cell.metadata.pop("execution", None)
        pm_meta = cell.metadata.get("papermill", {})
        for k in ("start_time", "end_time", "duration"):
            pm_meta.pop(k, None)
    atomic_write_text(out_path, nbformat.writes(nb))
    stale = out_path.with_name(f"{path.stem}.failed.ipynb")
    if stale.exists():
        stale.unlink()
    return nb


# JupyterLab's nbconvert template without the scripts it loads from CDNs (require.js,
# MathJax, mermaid, the widget manager): the report must read the same offline, and loads
# nothing remote. On top of it, the reader's layout: a bar with the page-wide code toggle,
# a table of contents (inserted at the marker after rendering, from the headings), each
# code cell's input folded in a <details> (its own "show code" toggle, no script needed),
# and plotly.js from the report's one shared copy when the page has a plotly figure.
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_css -%}
<style type="text/css">{{ resources.satcloud.css }}</style>
{%- if resources.satcloud.plotly_src %}
<script src="{{ resources.satcloud.plotly_src }}"></script>
{%- endif %}
{%- endblock html_head_css -%}
{%- block body_header -%}
{{ super() }}
<div class="satcloud-bar">
<a class="satcloud-home" href="index.html">&larr; All notebooks</a>
<button type="button" id="satcloud-toggle-code" aria-pressed="false">Show all code</button>
</div>
<!--satcloud-toc-->
{%- endblock body_header -%}
{% block input_group -%}
<details class="satcloud-code"><summary><span class="satcloud-show">Show code</span><span class="satcloud-hide">Hide code</span></summary>
{{ super() }}
</details>
{%- endblock input_group %}
{% block footer_js %}
<script>{{ resources.satcloud.js }}</script>
{% endblock footer_js %}
"""

# the reader's layout: prose and figures first, code one click away
_PAGE_CSS = """
.satcloud-bar { display: flex; gap: 1em; align-items: center; justify-content: space-between;
  padding: 0.4em 0; margin-bottom: 0.5em; border-bottom: 1px solid #ddd; font-family: system-ui,
  sans-serif; }
.satcloud-bar button { font: inherit; padding: 0.2em 0.8em; cursor: pointer; }
nav.satcloud-toc { font-family: system-ui, sans-serif; border: 1px solid #ddd; border-radius: 4px;
  padding: 0.5em 1em; margin: 0 0 1em 0; background: #fafafa; }
nav.satcloud-toc p { margin: 0 0 0.3em 0; font-weight: bold; }
nav.satcloud-toc ul { margin: 0; padding-left: 1.2em; }
nav.satcloud-toc li.toc-h3 { margin-left: 1.2em; font-size: 95%; }
details.satcloud-code > summary { cursor: pointer; color: #666; font-family: system-ui,
  sans-serif; font-size: 85%; padding: 0.1em 0; list-style-position: inside; }
details.satcloud-code > summary .satcloud-hide { display: none; }
details.satcloud-code[open] > summary .satcloud-show { display: none; }
details.satcloud-code[open] > summary .satcloud-hide { display: inline; }
.jp-CodeCell.jp-mod-noOutputs details.satcloud-code > summary { font-size: 75%; color: #999; }
.satcloud-plotly { width: 100%; }
@media print { details.satcloud-code > summary { display: none; } }
"""

# the page-wide toggle: opens or closes every code cell's <details>
_PAGE_JS = """
(function () {
  var button = document.getElementById("satcloud-toggle-code");
  if (!button) { return; }
  button.addEventListener("click", function () {
    var show = button.getAttribute("aria-pressed") !== "true";
    document.querySelectorAll("details.satcloud-code").forEach(function (d) { d.open = show; });
    button.setAttribute("aria-pressed", show ? "true" : "false");
    button.textContent = show ? "Hide all code" : "Show all code";
  });
}());
"""

_WIDGET_NOTE = ("<p class='satcloud-widget-note'><i>Interactive panel: live in JupyterLab "
                "or in the what-if app (<code>make app</code>); the figures below show its "
                "default settings.</i></p>")

#: MIME type of a plotly figure's JSON in a cell output (plotly's ``plotly_mimetype``
#: renderer, the default in a Jupyter kernel).
PLOTLY_MIME = "application/vnd.plotly.v1+json"

#: Where the report keeps its one copy of plotly.js, relative to the report folder.
PLOTLY_ASSET = "assets/plotly.min.js"


def _plotly_html(figure, div_id: str) -> str:
    """A plotly figure's JSON as a ``<div>`` and the script that draws it with plotly.js."""
    if isinstance(figure, str):
        figure = json.loads(figure)
    if not isinstance(figure, dict):
        raise TypeError(f"a {PLOTLY_MIME} output must hold a figure (a dict with data, "
                        f"layout, frames), got {type(figure).__name__}")
    config = {**(figure.get("config") or {}), "responsive": True, "displaylogo": False}
    payload = {"data": figure.get("data") or [], "layout": figure.get("layout") or {},
               "frames": figure.get("frames") or [], "config": config}
    # "</" and "<!--" cannot end or confuse the <script> element
    text = json.dumps(payload, separators=(",", ":")).replace("</", "<\\/").replace(
        "<!--", "<\\!--")
    return (f'<div class="satcloud-plotly" id="{div_id}"></div>\n'
            f'<script>Plotly.newPlot("{div_id}", {text});</script>')


def _write_plotly_asset(folder: Path) -> Path:
    """The report's one copy of plotly.js in ``folder``/assets (written if missing or old)."""
    from plotly.offline import get_plotlyjs

    script = get_plotlyjs().encode("utf-8")
    target = folder / PLOTLY_ASSET
    if not (target.is_file() and target.stat().st_size == len(script)
            and target.read_bytes() == script):
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, script)
    return target


_HEADING = re.compile(r'<h([1-3]) id="([^"]+)">(.*?)<a class="anchor-link" href="#[^"]*">'
                      r'(?:&#182;|¶)</a></h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")
_TOC_MARK = "<!--satcloud-toc-->"
_TITLE = re.compile(r'<h1 id="[^"]+">')


def _toc_html(body: str) -> str:
    """The page's table of contents from its rendered headings (h1-h3, not the title)."""
    entries = []
    for level, anchor, text in _HEADING.findall(body):
        entries.append((int(level), anchor, _TAG.sub("", text).strip()))
    if entries and entries[0][0] == 1:
        entries = entries[1:]  # the page's title
    if not entries:
        return ""
    items = "\n".join(f'<li class="toc-h{level}"><a href="#{anchor}">{text}</a></li>'
                      for level, anchor, text in entries)
    return (f'<nav class="satcloud-toc" aria-label="Contents"><p>Contents</p>\n'
            f"<ul>\n{items}\n</ul></nav>")


def render_html(nb, out_path: Path) -> Path:
    """Render an executed notebook to an HTML page for readers (images embedded).

    The page reads prose and figures first: every code cell's input is folded behind
    its own "Show code" toggle (a ``<details>`` element), a button shows or hides all
    code at once, and a table of contents links the page's headings. The page loads
    nothing from the network: figures are embedded as data URIs; the CDN scripts of the
    stock template (require.js, MathJax, mermaid, the widget manager) are left out; a
    plotly figure (an output of MIME type :data:`PLOTLY_MIME`) is drawn by the report's
    one shared copy of plotly.js, :data:`PLOTLY_ASSET` beside the page (written when
    the page needs it).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    out_path : str or pathlib.Path
        The HTML page to write (atomically); its folder must exist.

    Returns
    -------
    pathlib.Path
        The page written.
    """
    import jinja2
    from nbconvert import HTMLExporter

    _check_notebook_node(nb)
    out_path = _path(out_path, "out_path")
    if out_path.is_dir():
        raise ValueError(f"out_path {str(out_path)!r:.200} is a folder; give the path of "
                         "the HTML page to write")
    _folder(out_path.parent, "out_path's folder")
    exporter = HTMLExporter(template_name="lab",
                            extra_loaders=[jinja2.DictLoader({"satcloud.html.j2": _TEMPLATE})],
                            template_file="satcloud.html.j2")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    # papermill records widget state in metadata.widgets; nbconvert would then load the
    # widget manager from a CDN and embed the state. The report shows static figures.
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    n_plotly = 0
    for i, cell in enumerate(nb.cells):
        for j, out in enumerate(cell.get("outputs", [])):
            data = out.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data:
                # a widget view cannot render without a kernel: say where the live panel
                # is instead of showing its text repr
                out["data"] = {"text/html": _WIDGET_NOTE, "text/plain": "(interactive panel)"}
            elif PLOTLY_MIME in data:
                out["data"] = {"text/html": _plotly_html(data[PLOTLY_MIME],
                                                         f"satcloud-plotly-{i}-{j}")}
                n_plotly += 1
    if n_plotly:
        _write_plotly_asset(out_path.parent)
    resources = {"satcloud": {"css": _PAGE_CSS, "js": _PAGE_JS,
                              "plotly_src": PLOTLY_ASSET if n_plotly else ""}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    toc = _toc_html(body)
    mark = body.index(_TOC_MARK)
    body = body[:mark] + body[mark + len(_TOC_MARK):]
    title = _TITLE.search(body, mark)
    # under the page's title (before its introduction), else at the top of the page
    at = body.index("</h1>", title.end()) + len("</h1>") if title else mark
    body = body[:at] + "\n" + toc + body[at:]
    return atomic_write_text(out_path, body)


def _small_parameters(path: Path) -> dict:
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    return dict(nb.metadata.get("satcloud", {}).get("small_parameters", {}))


def _run_one(path: Path, out_dir: Path, params: dict, progress_bar: bool,
             timeout_s: float) -> NotebookResult:
    t0 = time.perf_counter()
    executed = out_dir / "executed" / path.name
    try:
        nb = execute_notebook(path, executed, params, progress_bar=progress_bar,
                              timeout_s=timeout_s, scratch_dir=out_dir / ".scratch")
    except ReportError as exc:
        # the page of an earlier, successful run must not look current
        (out_dir / f"{path.stem}.html").unlink(missing_ok=True)
        source = _read_notebook(path, "path")
        return NotebookResult(path.stem, _title(source) or path.stem, None,
                              seconds=time.perf_counter() - t0, error=str(exc),
                              parameters=dict(params))
    html_path = render_html(nb, out_dir / f"{path.stem}.html")
    return NotebookResult(path.stem, _title(nb) or path.stem, html_path, read_headlines(nb),
                          time.perf_counter() - t0, parameters=dict(params),
                          thumbnail_png=_thumbnail(nb))


#: Tag of the cell whose figure is a notebook's thumbnail on the landing page.
KEY_FIGURE_TAG = "key-figure"

#: Largest thumbnail on the landing page, width x height. [px]
THUMBNAIL_PX = (360, 240)


def _thumbnail(nb) -> bytes | None:
    """A small PNG of the notebook's key figure, or None when it has no image output.

    The key figure is the first image output of the cell tagged :data:`KEY_FIGURE_TAG`,
    else the notebook's first image output. It is downscaled to fit
    :data:`THUMBNAIL_PX` and stored with a 128-colour palette (a few tens of kB).
    """
    import base64
    import io

    from PIL import Image

    first = key = None
    for cell in nb.cells:
        tagged = KEY_FIGURE_TAG in cell.get("metadata", {}).get("tags", [])
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            image = next((data[m] for m in ("image/png", "image/jpeg") if m in data), None)
            if image is None:
                continue
            first = first if first is not None else image
            if tagged and key is None:
                key = image
    chosen = key if key is not None else first
    if chosen is None:
        return None
    if isinstance(chosen, list):
        chosen = "".join(chosen)
    try:
        with Image.open(io.BytesIO(base64.b64decode(chosen))) as img:
            # transparent parts show the page's white, as in the notebook
            rgba = img.convert("RGBA")
            img = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
            img = img.convert("RGB")
            img.thumbnail(THUMBNAIL_PX, Image.Resampling.LANCZOS)
            small = img.quantize(colors=128, dither=Image.Dither.NONE)
    except (OSError, ValueError):  # not a readable image: no thumbnail, the page has it
        return None
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _build_time(epoch_text: str | None = None):
    """When the report is built (UTC): ``$SOURCE_DATE_EPOCH`` if set, else now.

    ``SOURCE_DATE_EPOCH`` (seconds since 1970-01-01 UTC, an integer) is the
    reproducible-builds.org convention for fixing the time a build records, so two builds
    of the same inputs give the same ``index.html``.
    """
    from datetime import UTC, datetime

    text = os.environ.get("SOURCE_DATE_EPOCH") if epoch_text is None else epoch_text
    if text is None or text == "":
        return datetime.now(UTC).replace(microsecond=0)
    if not text.strip().isdigit() or int(text) > 253402300799:  # 9999-12-31T23:59:59Z
        raise ValueError(f"SOURCE_DATE_EPOCH must be a non-negative integer number of "
                         f"seconds since 1970-01-01 UTC (before the year 10000), got "
                         f"{text!r:.80}")
    return datetime.fromtimestamp(int(text), UTC)


def _git_commit() -> str | None:
    """The commit the running satcloud was checked out at, or None (not a git checkout).

    Only when satcloud's own files are tracked by the work tree they sit in (an editable
    install); a wheel installed into a virtual environment inside some repository is not
    that repository's code. ``+ local changes`` marks tracked files changed since.
    """
    import subprocess

    here = Path(__file__).resolve().parent

    def git(*args):
        return subprocess.run(["git", "-C", str(here), *args], capture_output=True,
                              text=True, timeout=30, stdin=subprocess.DEVNULL)

    try:
        if git("ls-files", "--error-unmatch", Path(__file__).name).returncode != 0:
            return None
        head = git("rev-parse", "--short=12", "HEAD")
        if head.returncode != 0 or not head.stdout.strip():
            return None
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):  # no git, or it hung
        return None
    changed = dirty.returncode == 0 and dirty.stdout.strip() != ""
    return head.stdout.strip() + (" + local changes" if changed else "")


def _satcloud_version() -> str:
    from satcloud import __version__

    return __version__


def _format_value(rec) -> str:
    return html.escape(f"{rec.get('text', rec.get('value'))} {rec.get('unit', '')}".strip())


def _format_parameters(params: dict) -> str:
    return ", ".join(f"{name}={json.dumps(value)}" for name, value in params.items())


_INDEX_CSS = """
body { font-family: system-ui, sans-serif; max-width: 76em; margin: 2em auto; padding: 0 1em;
  color: #222; }
p.question { font-size: 115%; max-width: 48em; }
.build { color: #555; font-size: 90%; border-top: 1px solid #ddd; border-bottom: 1px solid #ddd;
  padding: 0.5em 0; }
.build dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; margin: 0; }
.build dt { font-weight: bold; } .build dd { margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(21em, 1fr));
  gap: 1.2em; margin-top: 1.5em; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.8em 1em; background: #fff;
  display: flex; flex-direction: column; gap: 0.4em; }
.card h2 { font-size: 110%; margin: 0; }
.card h2 .num { color: #888; font-weight: normal; margin-right: 0.3em; }
.card img.thumb { width: 100%; height: auto; border: 1px solid #eee; }
.card .lead { display: flex; flex-direction: column; background: #f3f7fb; border-radius: 4px;
  padding: 0.4em 0.6em; }
.card .lead .value { font-size: 180%; font-weight: bold; color: #0072B2; }
.card .lead .label { font-size: 90%; color: #444; }
.card ul { margin: 0; padding-left: 1.2em; font-size: 90%; }
.card .params { font-size: 80%; color: #666; margin: 0; }
.card .status { font-weight: bold; }
.card.ok .status { color: #009E73; }
.card.failed { border: 2px solid #D55E00; background: #fff6f0; }
.card.failed .status { color: #D55E00; font-size: 120%; }
pre.error { white-space: pre-wrap; color: #D55E00; font-size: 80%; max-height: 16em;
  overflow: auto; margin: 0; }
"""


def _card(r: NotebookResult) -> str:
    import base64

    num, _, _ = r.name.partition("_")
    title = html.escape(r.title)
    heading = (f"<a class='card-link' href='{html.escape(r.html_path.name)}'>{title}</a>"
               if r.html_path else title)
    # a title that starts with the notebook's number ("03 · Latency ...") shows it already
    shown = "" if r.title.startswith(num) else f"<span class='num'>{html.escape(num)}</span>"
    parts = [f"<h2>{shown}{heading}</h2>"]
    if r.ok:
        if r.thumbnail_png:
            data = base64.b64encode(r.thumbnail_png).decode("ascii")
            img = (f"<img class='thumb' src='data:image/png;base64,{data}' "
                   f"alt='key figure of {title}'>")
            parts.append(f"<a href='{html.escape(r.html_path.name)}' tabindex='-1'>{img}</a>")
        if r.headlines:
            lead, *rest = r.headlines
            parts.append(f"<div class='lead'><span class='value'>{_format_value(lead)}</span>"
                         f"<span class='label'>{html.escape(lead.get('label', lead['key']))}"
                         "</span></div>")
            if rest:
                items = "".join(
                    f"<li>{html.escape(h.get('label', h['key']))}: <b>{_format_value(h)}</b>"
                    "</li>" for h in rest)
                parts.append(f"<ul>{items}</ul>")
        else:
            parts.append("<p><i>no headline numbers</i></p>")
        parts.append("<p class='status'>ok</p>")
    else:
        parts.append("<p class='status'>FAILED: this notebook did not run; no page.</p>")
        parts.append(f"<pre class='error'>{html.escape(r.error)}</pre>")
    given = _format_parameters(r.parameters)
    parts.append(f"<p class='params'>parameters: {html.escape(given) if given else 'defaults'}"
                 "</p>")
    state = "ok" if r.ok else "failed"
    return (f"<article class='card {state}' id='nb-{html.escape(r.name)}'>\n"
            + "\n".join(parts) + "\n</article>")


def _index_html(results: list[NotebookResult], build: dict) -> str:
    from datetime import UTC

    built = build["time"].astimezone(UTC)
    n_failed = sum(not r.ok for r in results)
    overrides = "; ".join(f"{book}: {_format_parameters(p)}"
                          for book, p in build["overrides"].items() if p)
    rows = [("built", f"<time datetime='{built:%Y-%m-%dT%H:%M:%SZ}'>"
                      f"{built:%Y-%m-%d %H:%M} UTC</time>"),
            ("parameters", "small (the test run)" if build["small"] else "full size"),
            ("overrides", html.escape(overrides) if overrides else "none"),
            ("satcloud", html.escape(build["version"]))]
    if build.get("commit"):
        rows.append(("commit", html.escape(build["commit"])))
    if n_failed:
        rows.append(("status", f"<b class='failed'>{n_failed} of {len(results)} notebooks "
                               "FAILED</b>"))
    facts = "\n".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    cards = "\n".join(_card(r) for r in results)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>satcloud report</title>
<style>{_INDEX_CSS}</style></head>
<body>
<h1>satcloud: satellite constellations plus cloud, compared with fibre</h1>
<p class="question">What connectivity does a satellite constellation plus a cloud provider
really give, compared with fibre and with the competition? Each card below is one notebook:
its key figure and its lead number, computed by the satcloud models in this build; open it
for the whole story (code folded, one click away).</p>
<section class="build" aria-label="How this report was built"><dl>
{facts}
</dl></section>
<section class="cards">
{cards}
</section>
</body></html>
"""


#: Longest per-cell timeout accepted: a week. [s]
MAX_TIMEOUT_S = 7 * 86400.0


def _timeout(timeout_s) -> float:
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float)) or not (
            math.isfinite(timeout_s) and 0 < timeout_s <= MAX_TIMEOUT_S):
        raise ValueError(f"timeout_s must be a number of seconds in (0, {MAX_TIMEOUT_S:g}] "
                         f"(a week), got {timeout_s!r:.80}")
    return float(timeout_s)


def run_report(out_dir="reports", *, notebook_dir=None, small: bool = False, only=None,
               jobs: int = 1, parameters: dict | None = None, progress: bool = True,
               timeout_s: float = 1800.0) -> list[NotebookResult]:
    """Execute the notebook series and write the HTML report.

    Parameters
    ----------
    out_dir : path-like
        Output folder (created if missing).
    notebook_dir : path-like, optional
        Folder of the notebooks (default: the project's ``notebooks/``).
    small : bool
        Use each notebook's ``small_parameters`` (the test-suite run).
    only : iterable of str, optional
        Only notebooks whose name starts with one of these prefixes.
    jobs : int
        Notebooks executed at the same time (each in its own kernel process).
    parameters : dict, optional
        Extra parameters per notebook stem, e.g. ``{"00_overview": {"route_factor": 1.3}}``.
        Each name must be assigned in that notebook's ``parameters`` cell and each value
        be JSON (finite number, string, bool, None, list, dict with string keys).
    progress : bool
        Print progress (and per-cell progress bars when ``jobs == 1``).
    timeout_s : float
        Per-cell execution timeout, in (0, :data:`MAX_TIMEOUT_S`] (a week). [s]

    Returns
    -------
    list of NotebookResult

    Raises
    ------
    ValueError
        Before any notebook runs: unknown notebooks, parameter names a notebook's
        ``parameters`` cell does not assign, values that are not finite JSON.
    ReportError
        After every notebook ran, if any failed (each failure named with its cell).
    KeyboardInterrupt
        Re-raised after killing the running kernels and removing their scratch.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be an integer >= 1, got {jobs!r}")
    from satcloud.network._checks import as_bool

    timeout_s = _timeout(timeout_s)
    if parameters is not None and not isinstance(parameters, dict):
        raise TypeError(f"parameters must be a dict of notebook stem -> dict of name -> "
                        f"value, got {type(parameters).__name__}")
    small, progress = as_bool(small, "small"), as_bool(progress, "progress")
    out = _folder(out_dir, "out_dir").resolve()
    books = list_notebooks(notebook_dir, only)
    extra = dict(parameters or {})
    unknown = set(extra) - {b.stem for b in books}
    if unknown:
        raise ValueError(f"parameters given for unknown notebooks {sorted(unknown)}; "
                         f"notebooks: {[b.stem for b in books]}")
    run_params = {}
    for b in books:
        small_params = _small_parameters(b) if small else {}
        _check_parameters(b, small_params, "metadata.satcloud.small_parameters")
        _check_parameters(b, extra.get(b.stem, {}), "parameters")
        run_params[b.stem] = {**small_params, **extra.get(b.stem, {})}
    build = {"small": small, "overrides": {k: dict(v) for k, v in extra.items()},
             "version": _satcloud_version()}
    _build_time()  # a malformed SOURCE_DATE_EPOCH is refused before any notebook runs
    out.mkdir(parents=True, exist_ok=True)
    _remove_stale_scratch(out / ".scratch")
    t0 = time.perf_counter()
    results: dict[str, NotebookResult] = {}

    def log(msg):
        if progress:
            print(msg, flush=True)

    log(f"satcloud report: {len(books)} notebooks -> {out}/ "
        f"({'small' if small else 'full-size'} parameters, {jobs} at a time)")
    bar = progress and jobs == 1 and sys.stderr.isatty()
    pool = ThreadPoolExecutor(max_workers=jobs)
    futures = {}
    try:
        for b in books:
            futures[pool.submit(_run_one, b, out, run_params[b.stem], bar, timeout_s)] = b
        for done, fut in enumerate(futures, start=1):
            res = fut.result()
            results[res.name] = res
            state = "ok" if res.ok else "FAILED"
            log(f"[{done}/{len(books)}] {res.name}: {state} in {res.seconds:.1f} s")
            if not res.ok:
                log(f"    {res.error}")
    except BaseException:  # Ctrl-C (or SIGTERM through the CLI): stop now, leave no scratch
        for fut in futures:
            fut.cancel()
        # each running notebook then fails fast and removes its scratch; kill again in
        # case one was starting its kernel just now
        while not all(fut.done() for fut in futures):
            _kill_live_kernels()
            wait(futures, timeout=0.5)
        raise
    finally:
        pool.shutdown(wait=True)
    ordered = [results[b.stem] for b in books]
    atomic_write_json(out / "headlines.json", {
        r.name: {"title": r.title, "ok": r.ok, "headlines": r.headlines} for r in ordered})
    build["commit"], build["time"] = _git_commit(), _build_time()
    atomic_write_text(out / "index.html", _index_html(ordered, build))
    log(f"wrote {out / 'index.html'} in {time.perf_counter() - t0:.1f} s")
    failed = [r for r in ordered if not r.ok]
    if failed:
        raise ReportError("; ".join(r.error for r in failed))
    return ordered
