"""The pruned (time, site, satellite) visibility search over latitude/longitude cells (numba).

The kernel of :func:`satcloud.geometry.access` (its module docstring derives the cone
bound; Vallado [1]_, sec. 11.4).

References
----------
.. [1] D. A. Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed.,
   Microcosm Press, 2013.
"""

from __future__ import annotations

import numpy as np

from satcloud._core._jit import jit

__all__ = ["visible_pairs_into"]


@jit()
def visible_pairs_into(r, t_offset, sin_min, cos_psi, s_unit, s_xyz, s_up, s_east, s_north,
                       s_orig, cell_start, cell_lat, cell_lon, nlat, nlon, sort_sites,
                       out_t, out_site, out_sat, out_el, out_az, out_rng):
    """Write the visible (time, site, satellite) triples of a chunk; return their number.

    For each time and satellite only the sites in the latitude/longitude cells the
    satellite's cone can touch are visited; a site is rejected when the dot product of
    the unit vectors is below ``cos_psi`` and kept when its elevation is at or above the
    satellite's threshold (``u >= |d| sin(el_min)``, exact on the ellipsoid). Rows are
    ordered by time, then satellite (then site, with ``sort_sites``). See
    :mod:`satcloud.geometry` for the bound.

    Parameters
    ----------
    r : numpy.ndarray
        C-contiguous float64 satellite positions [T, N, 3] (Earth-fixed). [km]
    t_offset : int
        Index of ``r[0]`` in the whole grid (added to the time indices written).
    sin_min : numpy.ndarray
        sin of each satellite's minimum elevation, [N].
    cos_psi : numpy.ndarray
        cos of the Earth-central angle bounding each satellite's cone, [N].
    s_unit, s_xyz, s_up, s_east, s_north : numpy.ndarray
        Sites sorted by cell: unit vectors, positions [km], and the up, east and north
        unit vectors (geodetic), [S, 3] each.
    s_orig : numpy.ndarray of int64
        Original index of each sorted site, [S].
    cell_start : numpy.ndarray of int64
        Sites of cell ``c`` are ``cell_start[c]:cell_start[c + 1]``, [nlat * nlon + 1].
    cell_lat, cell_lon : float
        Cell size in geocentric latitude and longitude. [rad]
    nlat, nlon : int
        Number of cells in latitude and longitude.
    sort_sites : bool
        Order each satellite's sites by site index.
    out_t, out_site, out_sat : numpy.ndarray of int64
        Written: time index, site index and satellite index of each visible pair.
    out_el, out_az, out_rng : numpy.ndarray
        Written: elevation [deg], azimuth in [0, 360) [deg] and range [km].

    Returns
    -------
    int
        Number of visible pairs; if it exceeds the buffers' length, only the first
        ``len(out_t)`` were written (call again with larger buffers).
    """
    half_pi = 0.5 * np.pi
    cap = out_t.size
    k = 0
    n_t, n_sat = r.shape[0], r.shape[1]
    for t in range(n_t):
        for n in range(n_sat):
            x, y, z = r[t, n, 0], r[t, n, 1], r[t, n, 2]
            rn = np.sqrt(x * x + y * y + z * z)
            ux, uy, uz = x / rn, y / rn, z / rn
            cpsi = cos_psi[n]
            psi = np.arccos(max(-1.0, min(1.0, cpsi)))
            lat = np.arcsin(max(-1.0, min(1.0, uz)))
            lon = np.arctan2(uy, ux)
            b0 = int((lat - psi + half_pi) / cell_lat)
            b1 = int((lat + psi + half_pi) / cell_lat)
            b0 = max(b0, 0)
            b1 = min(b1, nlat - 1)
            full = (lat + psi >= half_pi) or (lat - psi <= -half_pi) or psi >= half_pi
            dlon = 0.0
            if not full:
                sl = np.sin(psi) / np.cos(lat)
                if sl >= 1.0:
                    full = True
                else:
                    dlon = np.arcsin(sl) + 1e-9
            j0 = 0
            j1 = nlon - 1
            if not full:
                j0 = int(np.floor((lon - dlon + np.pi) / cell_lon))
                j1 = int(np.floor((lon + dlon + np.pi) / cell_lon))
                if j1 - j0 + 1 >= nlon:
                    j0 = 0
                    j1 = nlon - 1
            seg0 = k
            for b in range(b0, b1 + 1):
                for j in range(j0, j1 + 1):
                    jj = j % nlon
                    cell = b * nlon + jj
                    for i in range(cell_start[cell], cell_start[cell + 1]):
                        dot = ux * s_unit[i, 0] + uy * s_unit[i, 1] + uz * s_unit[i, 2]
                        if dot < cpsi:
                            continue
                        dx = x - s_xyz[i, 0]
                        dy = y - s_xyz[i, 1]
                        dz = z - s_xyz[i, 2]
                        u = dx * s_up[i, 0] + dy * s_up[i, 1] + dz * s_up[i, 2]
                        rr = np.sqrt(dx * dx + dy * dy + dz * dz)
                        if u >= rr * sin_min[n]:
                            if k < cap:
                                e = dx * s_east[i, 0] + dy * s_east[i, 1]
                                nn = (dx * s_north[i, 0] + dy * s_north[i, 1]
                                      + dz * s_north[i, 2])
                                out_t[k] = t + t_offset
                                out_site[k] = s_orig[i]
                                out_sat[k] = n
                                out_el[k] = np.degrees(np.arctan2(u, np.sqrt(e * e + nn * nn)))
                                az = np.degrees(np.arctan2(e, nn))
                                out_az[k] = az + 360.0 if az < 0.0 else az
                                out_rng[k] = rr
                            k += 1
            # order this satellite's sites by site index (insertion sort, short runs)
            if sort_sites and k <= cap:
                for a in range(seg0 + 1, k):
                    key = out_site[a]
                    vt, ve, va, vr = out_t[a], out_el[a], out_az[a], out_rng[a]
                    b = a - 1
                    while b >= seg0 and out_site[b] > key:
                        out_site[b + 1] = out_site[b]
                        out_t[b + 1] = out_t[b]
                        out_el[b + 1] = out_el[b]
                        out_az[b + 1] = out_az[b]
                        out_rng[b + 1] = out_rng[b]
                        b -= 1
                    out_site[b + 1] = key
                    out_t[b + 1] = vt
                    out_el[b + 1] = ve
                    out_az[b + 1] = va
                    out_rng[b + 1] = vr
    return k
