"""Rotation of TEME positions to the pseudo-Earth-fixed frame, R3(GMST) (numba).

``r_pef = R3(theta) r_teme`` with ``theta`` the Greenwich mean sidereal time (IAU 1982),
the convention of Vallado et al. [1]_, sec. "Coordinate systems".

References
----------
.. [1] D. A. Vallado, P. Crawford, R. Hujsak and T. S. Kelso, "Revisiting Spacetrack
   Report #3", AIAA/AAS Astrodynamics Specialist Conference, AIAA 2006-6753, 2006.
   doi:10.2514/6.2006-6753
"""

from __future__ import annotations

from satcloud._core._jit import jit

__all__ = ["rotate_teme_into"]


@jit()
def rotate_teme_into(r_teme, cg, sg, out):
    """``out[t, n] = R3(gmst_t) r_teme[n, t]`` (note the transposed layout).

    Parameters
    ----------
    r_teme : numpy.ndarray
        TEME positions [N, T, 3] (the layout of ``sgp4.api.SatrecArray.sgp4``). [km]
    cg, sg : numpy.ndarray
        cos and sin of GMST, [T].
    out : numpy.ndarray
        C-contiguous [T, N, 3], written. [km]
    """
    n, n_t = r_teme.shape[0], r_teme.shape[1]
    for t in range(n_t):
        c, s = cg[t], sg[t]
        for k in range(n):
            x = r_teme[k, t, 0]
            y = r_teme[k, t, 1]
            out[t, k, 0] = c * x + s * y
            out[t, k, 1] = -s * x + c * y
            out[t, k, 2] = r_teme[k, t, 2]
