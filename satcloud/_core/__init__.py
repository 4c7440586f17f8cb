"""Unitless numba kernels: plain float arrays in, plain float arrays out.

The fast loops behind the thin layers that speak astropy and pandas (poliastro's
pattern): :mod:`satcloud.orbits` (J2 circular positions, the TEME rotation, near-Earth
SGP4) and :mod:`satcloud.geometry` (the pruned access search). Nothing here imports
astropy, pandas or any other satcloud module; arguments are float64/int64 arrays in the
units the docstrings name (km, rad, days), and results are written into arrays the
caller allocates.

Modules
-------
:mod:`~satcloud._core._jit`
    The one lazy-compile helper: :func:`~satcloud._core._jit.jit` (numba ``njit`` with
    the package's options, disk-cached) and :func:`~satcloud._core._jit.load` (import a
    kernel module on first use; ``None`` when numba is missing, so that callers fall back
    to numpy).
:mod:`~satcloud._core.kepler`
    Positions on circular J2 mean-element orbits by angle addition.
:mod:`~satcloud._core.rotation`
    Rotation of TEME positions to the pseudo-Earth-fixed frame by R3(GMST).
:mod:`~satcloud._core.sgp4`
    Near-Earth SGP4 [1]_, reference port and fused SIMD kernel.
:mod:`~satcloud._core.access`
    The (time, site, satellite) visibility search over latitude/longitude cells.

References
----------
.. [1] D. A. Vallado, P. Crawford, R. Hujsak and T. S. Kelso, "Revisiting Spacetrack
   Report #3", AIAA/AAS Astrodynamics Specialist Conference, AIAA 2006-6753, 2006.
   doi:10.2514/6.2006-6753
"""
