"""The one lazy-compile helper of satcloud's numba kernels.

Two halves, so that ``import satcloud`` never imports numba and a kernel is compiled
once, on its first call:

* :func:`jit` decorates a kernel in a :mod:`satcloud._core` module: numba's ``njit``
  with the package's defaults (``cache=True``: the machine code is cached on disk next
  to the module, so only the first run in a fresh environment compiles; ``nogil=True``).
  numba compiles on the first call and keeps the compiled function.
* :func:`load` imports a kernel module (and so numba) on first use and keeps it; it
  returns ``None`` when numba is not installed, and the caller takes its numpy path.
"""

from __future__ import annotations

import importlib

__all__ = ["jit", "load"]

#: Options every kernel gets unless it overrides them.
DEFAULTS = {"cache": True, "nogil": True}

_MODULES: dict[str, object] = {}


def jit(**options):
    """Decorator: compile a kernel with numba (``njit``) on its first call.

    Parameters
    ----------
    **options
        numba ``njit`` options, added to :data:`DEFAULTS` (e.g. ``parallel=True``,
        ``error_model="numpy"``, ``fastmath={"contract"}``, ``inline="always"``).
    """
    import numba

    return numba.njit(**{**DEFAULTS, **options})


def load(name: str):
    """The kernel module ``satcloud._core.<name>``, imported once; ``None`` without numba.

    Parameters
    ----------
    name : str
        Module name inside :mod:`satcloud._core` (``"kepler"``, ``"rotation"``,
        ``"sgp4"``, ``"access"``).
    """
    module = _MODULES.get(name)
    if module is None:
        try:
            module = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != "numba":
                raise
            module = False  # remembered: numba is missing, take the numpy path
        _MODULES[name] = module
    return module or None
