"""Positions on circular J2 mean-element orbits, by angle addition (numba).

For circular orbits (e = 0) the position needs only the argument of latitude ``u`` and
the angle ``lambda`` of the node from the x axis of the output frame:

.. math::

    r = a\\,(\\cos\\lambda \\cos u - \\sin\\lambda \\sin u \\cos i,\\;
             \\sin\\lambda \\cos u + \\cos\\lambda \\sin u \\cos i,\\; \\sin u \\sin i)

(Vallado [1]_, eq. 2-103 with e = 0). Satellites of one group share their secular
rates, so the time-dependent parts of ``u`` and ``lambda`` are given once per (time,
group) as cosines and sines and combined with each satellite's initial angles by the
angle-addition formulas: no trigonometric function per satellite and time.

References
----------
.. [1] D. A. Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed.,
   Microcosm Press, 2013.
"""

from __future__ import annotations

from satcloud._core._jit import jit

__all__ = ["circular_positions_into"]


@jit()
def circular_positions_into(cu0, su0, co0, so0, a, ci, si, grp, cpsi, spsi, cphi, sphi,
                            out):
    """Fill ``out[t, k]`` with the position of circular-orbit satellite ``k`` at time ``t``.

    Parameters
    ----------
    cu0, su0 : numpy.ndarray
        cos and sin of each satellite's argument of latitude at the reference time, [N].
    co0, so0 : numpy.ndarray
        cos and sin of each satellite's node angle at the reference time, [N].
    a : numpy.ndarray
        Orbit radius, [N]. [km]
    ci, si : numpy.ndarray
        cos and sin of the inclination, [N].
    grp : numpy.ndarray of int64
        Group of each satellite (index into the columns of the next four arrays), [N].
    cpsi, spsi : numpy.ndarray
        cos and sin of the advance of the argument of latitude, [T, G].
    cphi, sphi : numpy.ndarray
        cos and sin of the advance of the node angle (secular drift minus the Earth
        rotation angle for Earth-fixed output, the drift alone for inertial), [T, G].
    out : numpy.ndarray
        C-contiguous float64 or float32 [T, N, 3], written. [km]
    """
    # u = u0 + psi_g(t); lambda = Omega0 + phi_g(t) with phi = Omega_dot t - theta(t)
    n_t, n = out.shape[0], out.shape[1]
    for t in range(n_t):
        for k in range(n):
            g = grp[k]
            cp, sp = cpsi[t, g], spsi[t, g]
            cf, sf = cphi[t, g], sphi[t, g]
            cu = cu0[k] * cp - su0[k] * sp
            su = su0[k] * cp + cu0[k] * sp
            cl = co0[k] * cf - so0[k] * sf
            sl = so0[k] * cf + co0[k] * sf
            r = a[k]
            rcu = r * cu
            rsuci = r * su * ci[k]
            out[t, k, 0] = cl * rcu - sl * rsuci
            out[t, k, 1] = sl * rcu + cl * rsuci
            out[t, k, 2] = r * su * si[k]
