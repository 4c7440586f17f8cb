"""Angular separation from the geostationary arc, seen from a ground site (numba).

The kernel of :func:`satcloud.geometry.gso_arc_separation_deg`. For a site ``P``
(Earth-fixed, km) with local vertical ``u`` and a unit line of sight ``d``, the arc is
``G(l) = R (cos l, sin l, 0)``; the separation is the smallest angle between ``d`` and
``v(l) = G(l) - P`` over the part of the arc above the site's horizon
(``u . v(l) >= 0``).

Visible part: ``u . v(l) = A cos(l - b) - c`` with ``A = R sqrt(ux^2 + uy^2)``,
``b = atan2(uy, ux)``, ``c = u . P``, so the visible longitudes form one interval
``b -+ arccos(c / A)`` (the whole circle if ``c <= -A``; empty if ``c >= A``, a site
too close to a pole to see the arc).

Search: ``h(l) = d . v / |v|`` (the cosine of the angle) is smooth in ``l``;
it is sampled on a grid over the visible interval, and every grid local maximum is
refined by a safeguarded Newton iteration on ``h'(l) = 0`` (Newton with bisection
fallback, ``rtsafe`` of Press et al. [1]_, sec. 9.4) inside the bracket of its grid
neighbours; the interval's ends (the arc at the horizon) are candidates too. The angle
at the best longitude is returned as ``atan2(|d x v|, d . v)``, accurate near 0.

Derivatives (``G' = R(-sin l, cos l, 0)``, ``G'' = -G``; ``a = d.v``, ``b = |v|^2``):
``a' = d.G'``, ``a'' = d.G''``, ``b' = 2 v.G'``, ``b'' = 2 (R^2 + v.G'')``;
``h = a b^-1/2``, ``h' = a' b^-1/2 - a b' b^-3/2 / 2``,
``h'' = a'' b^-1/2 - a' b' b^-3/2 + 3 a b'^2 b^-5/2 / 4 - a b'' b^-3/2 / 2``.

References
----------
.. [1] W. H. Press, S. A. Teukolsky, W. T. Vetterling and B. P. Flannery, *Numerical
   Recipes*, 3rd ed., Cambridge University Press, 2007, sec. 9.4.
"""

from __future__ import annotations

import numpy as np

from satcloud._core._jit import jit

__all__ = ["gso_separation_into"]


@jit(inline="always")
def _h(lam, px, py, pz, dx, dy, dz, radius):
    """cos(angle) between d and G(lam) - P, and its first two derivatives in lam."""
    c, s = np.cos(lam), np.sin(lam)
    gx, gy = radius * c, radius * s
    vx, vy, vz = gx - px, gy - py, -pz
    g1x, g1y = -gy, gx            # G'
    a = dx * vx + dy * vy + dz * vz
    a1 = dx * g1x + dy * g1y
    a2 = -(dx * gx + dy * gy)     # d . G''
    b = vx * vx + vy * vy + vz * vz
    b1 = 2.0 * (vx * g1x + vy * g1y)
    b2 = 2.0 * (radius * radius - (vx * gx + vy * gy))
    rb = 1.0 / np.sqrt(b)
    rb3 = rb * rb * rb
    h = a * rb
    h1 = a1 * rb - 0.5 * a * b1 * rb3
    h2 = a2 * rb - a1 * b1 * rb3 + 0.75 * a * b1 * b1 * rb3 * rb * rb - 0.5 * a * b2 * rb3
    return h, h1, h2


@jit(inline="always")
def _refine(lo, hi, px, py, pz, dx, dy, dz, radius):
    """The root of h' in [lo, hi] (h'(lo) > 0 > h'(hi)) by Newton with bisection."""
    x = 0.5 * (lo + hi)
    dx_old = hi - lo
    step = dx_old
    _, f, df = _h(x, px, py, pz, dx, dy, dz, radius)
    for _ in range(100):
        newton_out = ((x - hi) * df - f) * ((x - lo) * df - f) > 0.0
        if newton_out or abs(2.0 * f) > abs(dx_old * df):
            dx_old = step
            step = 0.5 * (hi - lo)
            x = lo + step
        else:
            dx_old = step
            step = f / df
            x = x - step
        if abs(step) < 1e-15 or hi - lo < 1e-15:
            break
        _, f, df = _h(x, px, py, pz, dx, dy, dz, radius)
        if f > 0.0:
            lo = x
        else:
            hi = x
    return x


@jit()
def gso_separation_into(site, up, sat, radius, n_grid, out):
    """Write, per pair, the smallest angle at the site between the satellite and the arc.

    Parameters
    ----------
    site : numpy.ndarray
        ``[P, 3]`` site positions (Earth-fixed). [km]
    up : numpy.ndarray
        ``[P, 3]`` unit local verticals of the sites (the horizon's normal). [-]
    sat : numpy.ndarray
        ``[P, 3]`` satellite positions (Earth-fixed). [km]
    radius : float
        Radius of the geostationary arc (in the equatorial plane). [km]
    n_grid : int
        Grid points over the visible part of the arc (>= 3).
    out : numpy.ndarray
        ``[P]``, written: the separation; ``pi`` when no point of the arc is above the
        site's horizon. [rad]
    """
    n = site.shape[0]
    hs = np.empty(n_grid)
    h1s = np.empty(n_grid)
    ls = np.empty(n_grid)
    for i in range(n):
        px, py, pz = site[i, 0], site[i, 1], site[i, 2]
        ux, uy, uz = up[i, 0], up[i, 1], up[i, 2]
        lx, ly, lz = sat[i, 0] - px, sat[i, 1] - py, sat[i, 2] - pz
        ln = np.sqrt(lx * lx + ly * ly + lz * lz)
        dx, dy, dz = lx / ln, ly / ln, lz / ln
        amp = radius * np.sqrt(ux * ux + uy * uy)
        cc = ux * px + uy * py + uz * pz
        if amp <= cc:
            out[i] = np.pi
            continue
        gam = np.pi if cc <= -amp else np.arccos(cc / amp)
        lo = np.arctan2(uy, ux) - gam
        stepg = 2.0 * gam / (n_grid - 1)
        # the grid (its ends: the arc at the horizon) ...
        best = 0
        for k in range(n_grid):
            ls[k] = lo + k * stepg if k < n_grid - 1 else lo + 2.0 * gam
            hs[k], h1s[k], _ = _h(ls[k], px, py, pz, dx, dy, dz, radius)
            if hs[k] > hs[best]:
                best = k
        best_h, best_l = hs[best], ls[best]
        # ... and every grid local maximum refined where h' changes sign beside it
        for k in range(n_grid):
            if (k > 0 and hs[k] < hs[k - 1]) or (k < n_grid - 1 and hs[k] < hs[k + 1]):
                continue
            if h1s[k] > 0.0 and k < n_grid - 1 and h1s[k + 1] < 0.0:
                x = _refine(ls[k], ls[k + 1], px, py, pz, dx, dy, dz, radius)
            elif h1s[k] < 0.0 and k > 0 and h1s[k - 1] > 0.0:
                x = _refine(ls[k - 1], ls[k], px, py, pz, dx, dy, dz, radius)
            else:
                continue
            hx, _, _ = _h(x, px, py, pz, dx, dy, dz, radius)
            if hx > best_h:
                best_h, best_l = hx, x
        c, s = np.cos(best_l), np.sin(best_l)
        vx, vy, vz = radius * c - px, radius * s - py, -pz
        cx = dy * vz - dz * vy
        cy = dz * vx - dx * vz
        cz = dx * vy - dy * vx
        out[i] = np.arctan2(np.sqrt(cx * cx + cy * cy + cz * cz),
                            dx * vx + dy * vy + dz * vz)
