"""Atomic file writes, and scratch folders that do not outlive their process.

Atomic writes: a reader never sees a half-written file. :func:`atomic_write` is the one
writer (the report's HTML and JSON, the sweep's Parquet parts and manifest); the others
are built on it.

Scratch folders: :func:`make_scratch_dir` names each folder after the process that made
it (``<prefix><pid>-<random>``), so that :func:`remove_stale_scratch` can tell the
folders of processes that died without cleaning up (killed, or the machine stopped)
from those still in use, and removes only the former. Nothing here looks at clocks or
file times.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_text",
    "make_scratch_dir",
    "remove_stale_scratch",
]

_UMASK = os.umask(0o022)
os.umask(_UMASK)


def atomic_write(path: str | os.PathLike, write: Callable[[Path], object], *,
                 tmp_prefix: str | None = None) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then move it into place.

    The one atomic writer of satcloud: the temporary file is created (empty) in the same
    folder, ``write`` fills it by path (``frame.to_parquet``, ``Path.write_text`` ...),
    then it is fsync-ed, given the usual file mode and renamed over ``path``
    (``os.replace`` is atomic on POSIX and Windows within one file system), so ``path``
    holds either the old or the new content, never a mixture. The temporary file is
    removed if anything fails (including ``KeyboardInterrupt``).

    Parameters
    ----------
    path : str or os.PathLike
        Destination; its folder is created if missing.
    write : callable
        ``write(tmp_path)`` writes the complete content to ``tmp_path``.
    tmp_prefix : str, optional
        Name prefix of the temporary file, for callers that clean up the temporary
        files of crashed runs by name (the file is ``<tmp_prefix><random>-<name>``);
        default ``.<name>.<random>.tmp``.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if tmp_prefix is None:
        prefix, suffix = f".{path.name}.", ".tmp"
    else:
        prefix, suffix = tmp_prefix, f"-{path.name}"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=suffix)
    os.close(fd)
    tmp = Path(tmp)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the usual file mode
        os.replace(tmp, path)
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise
    return path


def atomic_write_bytes(path: str | os.PathLike, payload: bytes) -> Path:
    """Write ``payload`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(payload))


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` atomically (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike, obj) -> Path:
    """Write ``obj`` as sorted, indented JSON atomically (byte-identical for equal input)."""
    return atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True,
                                              ensure_ascii=False) + "\n")


def make_scratch_dir(parent: str | os.PathLike, prefix: str) -> Path:
    """Create a fresh folder ``<parent>/<prefix><pid>-<random>`` (``parent`` is created).

    The caller removes it when done; if the process dies first,
    :func:`remove_stale_scratch` removes it on a later start.
    """
    parent = Path(parent)
    for attempt in range(3):
        parent.mkdir(parents=True, exist_ok=True)
        try:
            return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
        except FileNotFoundError:  # parent removed meanwhile by a cleanup once empty
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def remove_stale_scratch(parent: str | os.PathLike, prefix: str) -> list[Path]:
    """Remove the folders ``<parent>/<prefix><pid>-*`` whose process no longer runs.

    Only folders owned by the current user are touched; those of live processes (this
    one included) are kept.

    Returns
    -------
    list of pathlib.Path
        The folders removed.
    """
    parent = Path(parent)
    removed = []
    try:
        entries = list(parent.iterdir())
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return removed
    for entry in entries:
        name = entry.name
        if not name.startswith(prefix):
            continue
        pid, sep, _ = name[len(prefix):].partition("-")
        if not sep or not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            st = entry.lstat()
        except FileNotFoundError:
            continue
        if not entry.is_dir() or entry.is_symlink():
            continue
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            continue
        if _pid_alive(int(pid)):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed
