"""Where the files that ship with satcloud are: the data tables and the notebooks.

The project keeps them in its top-level ``data/`` and ``notebooks/`` folders;
pyproject.toml maps those folders to the packages ``satcloud._data`` and
``satcloud._notebooks`` (``[tool.setuptools.package-dir]``), so a wheel carries them
inside ``satcloud/`` and an editable install (``pip install -e .``) points at the
checkout. Both are located here, through :mod:`importlib.resources`, and nowhere else.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

__all__ = ["SHIPPED", "shipped_dir"]

#: Folder of the project -> package it is installed as.
SHIPPED = {"data": "satcloud._data", "notebooks": "satcloud._notebooks"}


def shipped_dir(kind: str) -> Path:
    """Folder of the installed ``data/`` or ``notebooks/``.

    Parameters
    ----------
    kind : {"data", "notebooks"}
        Which folder.

    Returns
    -------
    pathlib.Path
        The folder on the file system (inside ``site-packages/satcloud/`` for a wheel,
        the checkout's folder for an editable install).

    Raises
    ------
    ValueError
        For an unknown ``kind``.
    FileNotFoundError
        When the installation does not carry the folder (the message says how to fix it).
    """
    if kind not in SHIPPED:
        raise ValueError(f"kind must be one of {sorted(SHIPPED)}, got {kind!r}")
    package = SHIPPED[kind]
    try:
        folder = importlib.resources.files(package)
    except ModuleNotFoundError as exc:
        raise FileNotFoundError(
            f"satcloud's {kind}/ folder is not installed (package {package} not found); "
            "reinstall satcloud: `pip install satcloud`, or `pip install -e .` in a checkout "
            "(an editable install made before data/ became a package does not map it)"
        ) from exc
    if not isinstance(folder, Path) or not folder.is_dir():
        raise FileNotFoundError(
            f"satcloud's {kind}/ folder ({folder!r}) is not a folder on the file system; "
            "install satcloud unpacked (as pip does), not from a zip archive"
        )
    return folder
