"""Visible (ground point, satellite) pairs of one snapshot, for many ground points (numba).

The kernel behind the source side of :func:`satcloud.network.routing.iter_destination_routes`:
the same test as :func:`satcloud.network.routing._visible` (a satellite ``s`` is in view of
a ground point ``g`` with unit up vector ``u`` when ``d = u . (s - g) >= 0`` and
``d^2 >= sin^2(el_min) |s - g|^2``), after a conservative prefilter on the Earth-central
angle between the two (``s_hat . g_hat >= cos_lam``), fused in one loop so that no
``ground x satellite`` array is ever held.
"""

from __future__ import annotations

import math

from satcloud._core._jit import jit

__all__ = ["visible_pairs_into"]


@jit()
def visible_pairs_into(sat_xyz, sat_unit, sat_sin2, gnd_xyz, gnd_unit, gnd_up, cos_lam,
                       out_gnd, out_sat, out_rng):
    """Write the visible pairs, ground point by ground point; return their number.

    Parameters (all float64 unless stated): ``sat_xyz`` [N, 3] satellite positions (km),
    ``sat_unit`` [N, 3] their unit vectors, ``sat_sin2`` [N] squared sine of each
    satellite's minimum elevation, ``gnd_xyz`` [G, 3] ground positions (km), ``gnd_unit``
    [G, 3] their unit vectors, ``gnd_up`` [G, 3] their geodetic up vectors, ``cos_lam``
    the prefilter's cosine. Outputs (int64, int64, float64) of one capacity ``C``:
    ground index, satellite index, slant range (km). Pairs come sorted by ground point,
    then satellite. When more than ``C`` pairs are visible, only the first ``C`` are
    written and the full count is returned: call again with larger outputs.
    """
    n_sat = sat_xyz.shape[0]
    n_gnd = gnd_xyz.shape[0]
    cap = out_gnd.shape[0]
    k = 0
    for g in range(n_gnd):
        gx, gy, gz = gnd_xyz[g, 0], gnd_xyz[g, 1], gnd_xyz[g, 2]
        hx, hy, hz = gnd_unit[g, 0], gnd_unit[g, 1], gnd_unit[g, 2]
        ux, uy, uz = gnd_up[g, 0], gnd_up[g, 1], gnd_up[g, 2]
        for s in range(n_sat):
            if sat_unit[s, 0] * hx + sat_unit[s, 1] * hy + sat_unit[s, 2] * hz < cos_lam:
                continue
            dx = sat_xyz[s, 0] - gx
            dy = sat_xyz[s, 1] - gy
            dz = sat_xyz[s, 2] - gz
            d = ux * dx + uy * dy + uz * dz
            if d < 0.0:
                continue
            rho2 = dx * dx + dy * dy + dz * dz
            if d * d < sat_sin2[s] * rho2:
                continue
            if k < cap:
                out_gnd[k] = g
                out_sat[k] = s
                out_rng[k] = math.sqrt(rho2)
            k += 1
    return k
