"""Near-Earth SGP4 in numba, vectorised and fused with the TEME -> Earth-fixed rotation.

A port of the per-time part of SGP4 (the near-Earth branch, orbital period < 225 min)
from the reference implementation of Vallado, Crawford, Hujsak & Kelso [1]_ (the C++
``SGP4.cpp`` that ``sgp4.api`` wraps; its pure-Python twin is ``sgp4.propagation``).
Deep-space element sets (SDP4) are not handled here: :func:`satcloud.orbits.propagate`
routes them to :class:`sgp4.api.SatrecArray`.

Initialisation
    The C++ ``Satrec`` does not expose its initialised constants (``cc1``, ``eta``,
    ``d2`` ... are not attributes of ``sgp4.api.Satrec``, only the element set, the
    epoch and the gravity model are), so :mod:`satcloud.orbits` reads the *inputs* of
    ``sgp4init`` from each ``Satrec`` into an array (:data:`INIT_COLUMNS`: ``ecco``,
    ``inclo``, ``nodeo``, ``argpo``, ``mo``,
    ``no_kozai``, ``bstar``, ``jdsatepoch``/``jdsatepochF``, ``radiusearthkm``, ``xke``,
    ``j2``, ``j3oj2``, ``j4``) and repeats the near-Earth part of ``sgp4init``/``initl``
    statement for statement (:func:`_init_row`). The near-Earth/deep-space decision is
    the library's own (``Satrec.method``).

Reference port
    :func:`_sgp4_point` is the near-Earth ``sgp4`` statement for statement (C ``fmod``,
    the Newton-Raphson Kepler solver with its 0.95 step limit and 1e-12 tolerance, error
    codes 1, 2, 4 and 6 set exactly where the C++ code sets them); :func:`sgp4_teme` runs
    it on a grid and returns what ``SatrecArray.sgp4`` returns (positions and velocities
    NaN for codes 1-5, computed for code 6). On the test fixtures it is bit-identical to
    the C++ code; elsewhere within rounding (< 1e-6 km in position, < 1e-9 km/s).

Fast kernel
    :func:`sgp4_ecef_into`, used by :func:`satcloud.orbits.propagate`, computes the same
    model for blocks of 64 satellites in parallel (``numba.prange``), per time step in
    three loops over the block that LLVM compiles to SIMD code (AVX2/AVX-512):

    * secular gravity and drag plus long-period periodics, branch-free (``isimp = 1``
      sets carry exact zeros for the drag terms they skip);
    * the Kepler iteration of SGP4.cpp for all lanes until the last lane converges
      (further Newton steps on a converged lane change nothing beyond rounding);
    * short-period periodics and the position, with the TEME -> pseudo-Earth-fixed
      rotation R3(GMST82) folded into the node (R3(theta) applied to SGP4's orientation
      vector is the same vector built with the node ``xnode - theta``), and
      ``atan2`` + ``sin``/``cos`` of the argument of latitude replaced by normalising
      (sin u, cos u) and rotating by the short-period correction.

    sin/cos are evaluated inline (Cody-Waite reduction by pi/2 in three parts, fdlibm's
    minimax kernels; < 1 ulp for |x| < 1e6 rad) so that the loops vectorise. When an
    angle exceeds ``_BIG`` (2.5e5 rad, ~7 years from epoch in LEO) the block's time step
    is recomputed with the reference port. Velocities are not computed. Agreement with
    ``SatrecArray`` + R3(GMST82): < 1e-8 km for the fixtures within days of epoch,
    < 1e-6 km tested (``tests/test_orbits_sgp4_numba.py``).

Units: SGP4 internal units are Earth radii and minutes; outputs are km and km/s. Times
are split Julian dates ``jd + fr`` (UTC, as ``SatrecArray.sgp4`` takes them) and
``tsince = (jd - jdsatepoch) * 1440 + (fr - jdsatepochF) * 1440`` minutes, the
expression of ``sgp4``'s C++ wrapper. The first call compiles the kernels (~15-30 s on
the 2-core development machine; cached on disk by numba afterwards).

References
----------
.. [1] D. A. Vallado, P. Crawford, R. Hujsak and T. S. Kelso, "Revisiting Spacetrack
   Report #3", AIAA/AAS Astrodynamics Specialist Conference, AIAA 2006-6753, 2006.
   doi:10.2514/6.2006-6753
"""

from __future__ import annotations

import math

import numba
import numpy as np

from satcloud._core._jit import jit

__all__ = [
    "INIT_COLUMNS",
    "NCOL",
    "init_table",
    "sgp4_ecef_into",
    "sgp4_teme",
]

_TWOPI = 2.0 * math.pi
_X2O3 = 2.0 / 3.0
_TEMP4 = 1.5e-12

# Columns of the per-satellite constants table (float64 [N, NCOL]); names as in SGP4.cpp.
(C_MO, C_MDOT, C_ARGPO, C_ARGPDOT, C_NODEO, C_NODEDOT, C_NODECF, C_CC1, C_BC4, C_ISIMP,
 C_OMGCOF, C_ETA, C_XMCOF, C_DELMO, C_D2, C_D3, C_D4, C_BC5, C_SINMAO, C_T2COF, C_T3COF,
 C_T4COF, C_T5COF, C_NO, C_ECCO, C_INCLO, C_SINIO, C_COSIO, C_AYCOF, C_XLCOF, C_CON41,
 C_X1MTH2, C_X7THM1, C_J2, C_XKE, C_RE, C_AK, C_JD, C_JDF, C_VKM) = range(40)
#: Number of columns of the constants table.
NCOL = 40

# Satellites per parallel work item of the fused kernel.
_BLOCK = 64

# (with the defaults of satcloud._core._jit: cache=True, nogil=True)
_JIT = {"error_model": "numpy"}
# the vectorised kernel also lets LLVM fuse multiply-adds (more accurate, not less)
_JITV = {"error_model": "numpy", "fastmath": {"contract"}}


# ------------------------------------------------------------------- initialisation


@jit(**_JIT)
def _init_row(ecco, inclo, nodeo, argpo, mo, no_kozai, bstar, re, xke, j2, j3oj2, j4,
              jd, jdf, row):
    """Near-Earth part of ``sgp4init`` and ``initl`` (SGP4.cpp of [1]_).

    Fills ``row`` (length NCOL) with the constants that ``sgp4`` uses at every time.
    Inputs in SGP4 units: angles [rad], ``no_kozai`` [rad/min], ``bstar`` [1/earth
    radii], ``re`` [km], ``xke`` [1/min], ``jd + jdf`` the epoch [JD, UTC].

    References
    ----------
    .. [1] D. A. Vallado, P. Crawford, R. Hujsak and T. S. Kelso, "Revisiting Spacetrack
       Report #3", AIAA/AAS Astrodynamics Specialist Conference, AIAA 2006-6753, 2006.
       doi:10.2514/6.2006-6753
    """
    for k in range(row.size):
        row[k] = 0.0
    # ---- initl
    eccsq = ecco * ecco
    omeosq = 1.0 - eccsq
    rteosq = math.sqrt(omeosq)
    cosio = math.cos(inclo)
    cosio2 = cosio * cosio
    ak = math.pow(xke / no_kozai, _X2O3)
    d1 = 0.75 * j2 * (3.0 * cosio2 - 1.0) / (rteosq * omeosq)
    del_ = d1 / (ak * ak)
    adel = ak * (1.0 - del_ * del_ - del_ * (1.0 / 3.0 + 134.0 * del_ * del_ / 81.0))
    del_ = d1 / (adel * adel)
    no = no_kozai / (1.0 + del_)
    ao = math.pow(xke / no, _X2O3)
    sinio = math.sin(inclo)
    po = ao * omeosq
    con42 = 1.0 - 5.0 * cosio2
    con41 = -con42 - cosio2 - cosio2
    posq = po * po
    rp = ao * (1.0 - ecco)
    # ---- sgp4init
    ss = 78.0 / re + 1.0
    qzms2ttemp = (120.0 - 78.0) / re
    qzms2t = qzms2ttemp * qzms2ttemp * qzms2ttemp * qzms2ttemp
    row[C_NO] = no
    row[C_ECCO] = ecco
    row[C_INCLO] = inclo
    row[C_SINIO] = sinio
    row[C_COSIO] = cosio
    row[C_MO] = mo
    row[C_ARGPO] = argpo
    row[C_NODEO] = nodeo
    row[C_CON41] = con41
    row[C_J2] = j2
    row[C_XKE] = xke
    row[C_RE] = re
    row[C_AK] = math.pow(xke / no, _X2O3)  # as sgp4 computes it from nm = no_unkozai
    row[C_JD] = jd
    row[C_JDF] = jdf
    row[C_VKM] = re * xke / 60.0
    isimp = 0.0
    if omeosq >= 0.0 or no >= 0.0:
        if rp < (220.0 / re + 1.0):
            isimp = 1.0
        sfour = ss
        qzms24 = qzms2t
        perige = (rp - 1.0) * re
        if perige < 156.0:
            sfour = perige - 78.0
            if perige < 98.0:
                sfour = 20.0
            qzms24temp = (120.0 - sfour) / re
            qzms24 = qzms24temp * qzms24temp * qzms24temp * qzms24temp
            sfour = sfour / re + 1.0
        pinvsq = 1.0 / posq
        tsi = 1.0 / (ao - sfour)
        eta = ao * ecco * tsi
        etasq = eta * eta
        eeta = ecco * eta
        psisq = abs(1.0 - etasq)
        coef = qzms24 * math.pow(tsi, 4.0)
        coef1 = coef / math.pow(psisq, 3.5)
        cc2 = coef1 * no * (ao * (1.0 + 1.5 * etasq + eeta * (4.0 + etasq))
                            + 0.375 * j2 * tsi / psisq * con41
                            * (8.0 + 3.0 * etasq * (8.0 + etasq)))
        cc1 = bstar * cc2
        cc3 = 0.0
        if ecco > 1.0e-4:
            cc3 = -2.0 * coef * tsi * j3oj2 * no * sinio / ecco
        x1mth2 = 1.0 - cosio2
        cc4 = 2.0 * no * coef1 * ao * omeosq * (
            eta * (2.0 + 0.5 * etasq) + ecco * (0.5 + 2.0 * etasq)
            - j2 * tsi / (ao * psisq) * (-3.0 * con41 * (1.0 - 2.0 * eeta + etasq
                                                          * (1.5 - 0.5 * eeta))
                                         + 0.75 * x1mth2 * (2.0 * etasq - eeta
                                                            * (1.0 + etasq))
                                         * math.cos(2.0 * argpo)))
        cc5 = 2.0 * coef1 * ao * omeosq * (1.0 + 2.75 * (etasq + eeta) + eeta * etasq)
        cosio4 = cosio2 * cosio2
        temp1 = 1.5 * j2 * pinvsq * no
        temp2 = 0.5 * temp1 * j2 * pinvsq
        temp3 = -0.46875 * j4 * pinvsq * pinvsq * no
        mdot = (no + 0.5 * temp1 * rteosq * con41
                + 0.0625 * temp2 * rteosq * (13.0 - 78.0 * cosio2 + 137.0 * cosio4))
        argpdot = (-0.5 * temp1 * con42 + 0.0625 * temp2
                   * (7.0 - 114.0 * cosio2 + 395.0 * cosio4)
                   + temp3 * (3.0 - 36.0 * cosio2 + 49.0 * cosio4))
        xhdot1 = -temp1 * cosio
        nodedot = xhdot1 + (0.5 * temp2 * (4.0 - 19.0 * cosio2)
                            + 2.0 * temp3 * (3.0 - 7.0 * cosio2)) * cosio
        omgcof = bstar * cc3 * math.cos(argpo)
        xmcof = 0.0
        if ecco > 1.0e-4:
            xmcof = -_X2O3 * coef * bstar / eeta
        nodecf = 3.5 * omeosq * xhdot1 * cc1
        t2cof = 1.5 * cc1
        if abs(cosio + 1.0) > 1.5e-12:
            xlcof = -0.25 * j3oj2 * sinio * (3.0 + 5.0 * cosio) / (1.0 + cosio)
        else:
            xlcof = -0.25 * j3oj2 * sinio * (3.0 + 5.0 * cosio) / _TEMP4
        aycof = -0.5 * j3oj2 * sinio
        delmotemp = 1.0 + eta * math.cos(mo)
        row[C_MDOT] = mdot
        row[C_ARGPDOT] = argpdot
        row[C_NODEDOT] = nodedot
        row[C_NODECF] = nodecf
        row[C_CC1] = cc1
        row[C_BC4] = bstar * cc4
        row[C_BC5] = bstar * cc5
        row[C_OMGCOF] = omgcof
        row[C_ETA] = eta
        row[C_XMCOF] = xmcof
        row[C_DELMO] = delmotemp * delmotemp * delmotemp
        row[C_SINMAO] = math.sin(mo)
        row[C_T2COF] = t2cof
        row[C_XLCOF] = xlcof
        row[C_AYCOF] = aycof
        row[C_X1MTH2] = x1mth2
        row[C_X7THM1] = 7.0 * cosio2 - 1.0
        if isimp != 1.0:
            cc1sq = cc1 * cc1
            d2 = 4.0 * ao * tsi * cc1sq
            temp = d2 * tsi * cc1 / 3.0
            d3 = (17.0 * ao + sfour) * temp
            d4 = 0.5 * temp * ao * tsi * (221.0 * ao + 31.0 * sfour) * cc1
            row[C_D2] = d2
            row[C_D3] = d3
            row[C_D4] = d4
            row[C_T3COF] = d2 + 2.0 * cc1sq
            row[C_T4COF] = 0.25 * (3.0 * d3 + cc1 * (12.0 * d2 + 10.0 * cc1sq))
            row[C_T5COF] = 0.2 * (3.0 * d4 + 12.0 * cc1 * d3 + 6.0 * d2 * d2
                                  + 15.0 * cc1sq * (2.0 * d2 + cc1sq))
    row[C_ISIMP] = isimp
    if isimp == 1.0:
        # sgp4 skips these drag terms for isimp = 1; zeros make the vectorised kernel
        # add exact zeros instead of branching (the scalar kernels never read them)
        row[C_OMGCOF] = 0.0
        row[C_XMCOF] = 0.0
        row[C_BC5] = 0.0


@jit(**_JIT)
def _init_table(el, out):
    for k in range(el.shape[0]):
        e = el[k]
        _init_row(e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7], e[8], e[9], e[10],
                  e[11], e[12], e[13], out[k])


#: The inputs of ``sgp4init`` that :func:`init_table` reads, one column each (names of
#: ``sgp4.api.Satrec``): eccentricity [-], inclination, RAAN, argument of perigee and
#: mean anomaly [rad], Kozai mean motion [rad/min], B* [1/earth radii], the gravity
#: model's Earth radius [km], xke [1/min], J2, J3/J2, J4 [-], and the epoch as whole and
#: fractional Julian date [d].
INIT_COLUMNS = ("ecco", "inclo", "nodeo", "argpo", "mo", "no_kozai", "bstar",
                "radiusearthkm", "xke", "j2", "j3oj2", "j4", "jdsatepoch", "jdsatepochF")


def init_table(elements) -> np.ndarray:
    """The near-Earth SGP4 constants of element sets given as an array, shape [N, NCOL].

    Parameters
    ----------
    elements : numpy.ndarray
        float64 [N, len(INIT_COLUMNS)]: the ``sgp4init`` inputs of near-Earth element
        sets (period < 225 min), columns :data:`INIT_COLUMNS`.

    Returns
    -------
    numpy.ndarray
        float64 table, one row per satellite; columns ``C_*`` of this module.
    """
    el = np.asarray(elements, dtype=np.float64).reshape(-1, len(INIT_COLUMNS))
    out = np.empty((el.shape[0], NCOL))
    if el.shape[0]:
        _init_table(el, out)
    return out


# ---------------------------------------------------------------------- propagation


@jit(**_JIT)
def _sgp4_point(c, tsince, r, v):
    """Near-Earth ``sgp4`` (SGP4.cpp of [1]_) for one satellite and time.

    ``c``: the satellite's row of the constants table; ``tsince`` [min since epoch].
    Writes ``r`` [km] and ``v`` [km/s] (TEME) unless the error code is 1-4; returns the
    error code (0, 1, 2, 4 or 6).

    References
    ----------
    .. [1] D. A. Vallado, P. Crawford, R. Hujsak and T. S. Kelso, "Revisiting Spacetrack
       Report #3", AIAA/AAS Astrodynamics Specialist Conference, AIAA 2006-6753, 2006.
       doi:10.2514/6.2006-6753
    """
    t = tsince
    xmdf = c[C_MO] + c[C_MDOT] * t
    argpdf = c[C_ARGPO] + c[C_ARGPDOT] * t
    nodedf = c[C_NODEO] + c[C_NODEDOT] * t
    argpm = argpdf
    mm = xmdf
    t2 = t * t
    nodem = nodedf + c[C_NODECF] * t2
    tempa = 1.0 - c[C_CC1] * t
    tempe = c[C_BC4] * t
    templ = c[C_T2COF] * t2
    if c[C_ISIMP] != 1.0:
        delomg = c[C_OMGCOF] * t
        delmtemp = 1.0 + c[C_ETA] * math.cos(xmdf)
        delm = c[C_XMCOF] * (delmtemp * delmtemp * delmtemp - c[C_DELMO])
        temp = delomg + delm
        mm = xmdf + temp
        argpm = argpdf - temp
        t3 = t2 * t
        t4 = t3 * t
        tempa = tempa - c[C_D2] * t2 - c[C_D3] * t3 - c[C_D4] * t4
        tempe = tempe + c[C_BC5] * (math.sin(mm) - c[C_SINMAO])
        templ = templ + c[C_T3COF] * t3 + t4 * (c[C_T4COF] + t * c[C_T5COF])
    nm = c[C_NO]
    em = c[C_ECCO]
    inclm = c[C_INCLO]
    if nm <= 0.0:
        return 2
    xke = c[C_XKE]
    am = math.pow(xke / nm, _X2O3) * tempa * tempa
    nm = xke / math.pow(am, 1.5)
    em = em - tempe
    if em >= 1.0 or em < -0.001:
        return 1
    if em < 1.0e-6:
        em = 1.0e-6
    mm = mm + c[C_NO] * templ
    xlm = mm + argpm + nodem
    nodem = np.fmod(nodem, _TWOPI)
    argpm = np.fmod(argpm, _TWOPI)
    xlm = np.fmod(xlm, _TWOPI)
    mm = np.fmod(xlm - argpm - nodem, _TWOPI)
    sinip = math.sin(inclm)
    cosip = math.cos(inclm)
    ep = em
    xincp = inclm
    argpp = argpm
    nodep = nodem
    mp = mm
    axnl = ep * math.cos(argpp)
    temp = 1.0 / (am * (1.0 - ep * ep))
    aynl = ep * math.sin(argpp) + temp * c[C_AYCOF]
    xl = mp + argpp + nodep + temp * c[C_XLCOF] * axnl
    u = np.fmod(xl - nodep, _TWOPI)
    eo1 = u
    tem5 = 9999.9
    ktr = 1
    sineo1 = 0.0
    coseo1 = 0.0
    while abs(tem5) >= 1.0e-12 and ktr <= 10:
        sineo1 = math.sin(eo1)
        coseo1 = math.cos(eo1)
        tem5 = 1.0 - coseo1 * axnl - sineo1 * aynl
        tem5 = (u - aynl * coseo1 + axnl * sineo1 - eo1) / tem5
        if abs(tem5) >= 0.95:
            tem5 = 0.95 if tem5 > 0.0 else -0.95
        eo1 = eo1 + tem5
        ktr = ktr + 1
    ecose = axnl * coseo1 + aynl * sineo1
    esine = axnl * sineo1 - aynl * coseo1
    el2 = axnl * axnl + aynl * aynl
    pl = am * (1.0 - el2)
    if pl < 0.0:
        return 4
    rl = am * (1.0 - ecose)
    rdotl = math.sqrt(am) * esine / rl
    rvdotl = math.sqrt(pl) / rl
    betal = math.sqrt(1.0 - el2)
    temp = esine / (1.0 + betal)
    sinu = am / rl * (sineo1 - aynl - axnl * temp)
    cosu = am / rl * (coseo1 - axnl + aynl * temp)
    su = math.atan2(sinu, cosu)
    sin2u = (cosu + cosu) * sinu
    cos2u = 1.0 - 2.0 * sinu * sinu
    temp = 1.0 / pl
    temp1 = 0.5 * c[C_J2] * temp
    temp2 = temp1 * temp
    mrt = rl * (1.0 - 1.5 * temp2 * betal * c[C_CON41]) + 0.5 * temp1 * c[C_X1MTH2] * cos2u
    su = su - 0.25 * temp2 * c[C_X7THM1] * sin2u
    xnode = nodep + 1.5 * temp2 * cosip * sin2u
    xinc = xincp + 1.5 * temp2 * cosip * sinip * cos2u
    mvt = rdotl - nm * temp1 * c[C_X1MTH2] * sin2u / xke
    rvdot = rvdotl + nm * temp1 * (c[C_X1MTH2] * cos2u + 1.5 * c[C_CON41]) / xke
    sinsu = math.sin(su)
    cossu = math.cos(su)
    snod = math.sin(xnode)
    cnod = math.cos(xnode)
    sini = math.sin(xinc)
    cosi = math.cos(xinc)
    xmx = -snod * cosi
    xmy = cnod * cosi
    ux = xmx * sinsu + cnod * cossu
    uy = xmy * sinsu + snod * cossu
    uz = sini * sinsu
    vx = xmx * cossu - cnod * sinsu
    vy = xmy * cossu - snod * sinsu
    vz = sini * cossu
    re = c[C_RE]
    vkm = c[C_VKM]
    r[0] = (mrt * ux) * re
    r[1] = (mrt * uy) * re
    r[2] = (mrt * uz) * re
    v[0] = (mvt * ux + rvdot * vx) * vkm
    v[1] = (mvt * uy + rvdot * vy) * vkm
    v[2] = (mvt * uz + rvdot * vz) * vkm
    if mrt < 1.0:
        return 6
    return 0


@jit(**_JIT)
def _teme_kernel(tab, jd, fr, e, r, v):
    n_sat, n_t = e.shape
    for k in range(n_sat):
        c = tab[k]
        for j in range(n_t):
            tsince = (jd[j] - c[C_JD]) * 1440.0 + (fr[j] - c[C_JDF]) * 1440.0
            code = _sgp4_point(c, tsince, r[k, j], v[k, j])
            e[k, j] = code
            if code != 0 and code < 6:
                for i in range(3):
                    r[k, j, i] = np.nan
                    v[k, j, i] = np.nan


def sgp4_teme(table, jd, fr):
    """TEME positions and velocities, the reference port (``SatrecArray.sgp4`` layout).

    Parameters
    ----------
    table : numpy.ndarray
        Constants from :func:`init_table`, [N, NCOL].
    jd, fr : array_like
        Whole and fractional parts of the UTC Julian dates, [T] each. [d]

    Returns
    -------
    e : numpy.ndarray of uint8, [N, T]
        SGP4 error codes (0 = none; 1, 2, 4, 6 as in [1]_).
    r : numpy.ndarray, [N, T, 3]
        TEME positions; NaN where 0 < e < 6. [km]
    v : numpy.ndarray, [N, T, 3]
        TEME velocities; NaN where 0 < e < 6. [km/s]

    References
    ----------
    .. [1] D. A. Vallado, P. Crawford, R. Hujsak and T. S. Kelso, "Revisiting Spacetrack
       Report #3", AIAA/AAS Astrodynamics Specialist Conference, AIAA 2006-6753, 2006.
       doi:10.2514/6.2006-6753
    """
    jd = np.ascontiguousarray(np.atleast_1d(jd), dtype=np.float64)
    fr = np.ascontiguousarray(np.atleast_1d(fr), dtype=np.float64)
    n, t = table.shape[0], jd.shape[0]
    e = np.zeros((n, t), dtype=np.uint8)
    r = np.empty((n, t, 3))
    v = np.empty((n, t, 3))
    _teme_kernel(np.ascontiguousarray(table), jd, fr, e, r, v)
    return e, r, v


# ------------------------------------------- fused, vectorised (SIMD) ECEF kernel


# Cody-Waite split of pi/2 (fdlibm e_rem_pio2.c: 33 + 33 + 53 bits) and the minimax
# polynomials of fdlibm's __kernel_sin / __kernel_cos on [-pi/4, pi/4] (< 1 ulp).
_PIO2_1 = 1.57079632673412561417e+00
_PIO2_2 = 6.07710050630396597660e-11
_PIO2_3 = 2.02226624871116645580e-21
_INV_PIO2 = 6.36619772367581382433e-01
_S1, _S2, _S3 = -1.66666666666666324348e-01, 8.33333333332248946124e-03, \
    -1.98412698298579493134e-04
_S4, _S5, _S6 = 2.75573137070700676789e-06, -2.50507602534068634195e-08, \
    1.58969099521155010221e-10
_C1, _C2, _C3 = 4.16666666666666019037e-02, -1.38888888888741095749e-03, \
    2.48015872894767294178e-05
_C4, _C5, _C6 = -2.75573143513906633035e-07, 2.08757232129817482790e-09, \
    -1.13596475577881948265e-11
# 2 pi = _TWOPI_1 + _TWOPI_2 (+ 8e-21): the first part has 33 significant bits, so
# k * _TWOPI_1 is exact for |k| < 2^20
_TWOPI_1 = 2.0 * _PIO2_1 * 2.0
_TWOPI_2 = 4.0 * _PIO2_2


@jit(inline="always", **_JITV)
def _sincos_v(x):
    """Branch-free :func:`_sincos` for |x| < 1e6 rad (callers check the range), so that
    LLVM vectorises the loops that call it; NaN in, NaN out."""
    q = math.floor(x * _INV_PIO2 + 0.5)
    r = ((x - q * _PIO2_1) - q * _PIO2_2) - q * _PIO2_3
    z = r * r
    s = r + r * z * (_S1 + z * (_S2 + z * (_S3 + z * (_S4 + z * (_S5 + z * _S6)))))
    c = 1.0 - 0.5 * z + z * z * (_C1 + z * (_C2 + z * (_C3 + z * (_C4 + z * (_C5
                                                                          + z * _C6)))))
    qm = q - 4.0 * math.floor(q * 0.25)  # quadrant 0..3 (float: no int of NaN)
    swap = (qm == 1.0) | (qm == 3.0)
    s1 = c if swap else s
    c1 = s if swap else c
    s1 = -s1 if qm >= 2.0 else s1
    c1 = -c1 if (qm == 1.0) | (qm == 2.0) else c1
    return s1, c1


_BIG = 2.5e5  # [rad] SIMD range (LEO: ~7 years from epoch); beyond it the reference port


@jit(inline="always", **_JITV)
def _lane_mean(t, mo, mdot, argpo, argpdot, nodeo, nodedot, nodecf, cc1, bc4, omgcof, eta,
               xmcof, delmo, d2, d3, d4, bc5, sinmao, t2cof, t3cof, t4cof, t5cof, no, ecco,
               aycof, xlcof, ak):
    """Secular gravity and drag, long-period periodics (SGP4.cpp ``sgp4``), branch-free.

    Returns am, axnl, aynl, u (reduced to about [-pi, pi]), the node, the error code so
    far (0, 1 or 2) and whether an angle is beyond the SIMD range.
    """
    xmdf = mo + mdot * t
    argpm = argpo + argpdot * t
    t2 = t * t
    nodem = nodeo + nodedot * t + nodecf * t2
    t3 = t2 * t
    t4 = t3 * t
    delmtemp = 1.0 + eta * _sincos_v(xmdf)[1]
    temp = omgcof * t + xmcof * (delmtemp * delmtemp * delmtemp - delmo)
    mm = xmdf + temp
    argpm = argpm - temp
    tempa = 1.0 - cc1 * t - d2 * t2 - d3 * t3 - d4 * t4
    tempe = bc4 * t + bc5 * (_sincos_v(mm)[0] - sinmao)
    templ = t2cof * t2 + t3cof * t3 + t4 * (t4cof + t * t5cof)
    am = ak * tempa * tempa
    em = ecco - tempe
    code = 1.0 if (em >= 1.0) | (em < -0.001) else 0.0
    code = 2.0 if no <= 0.0 else code
    em = 1.0e-6 if em < 1.0e-6 else em
    mm = mm + no * templ
    sinw, cosw = _sincos_v(argpm)
    axnl = em * cosw
    temp = 1.0 / (am * (1.0 - em * em))
    aynl = em * sinw + temp * aycof
    uarg = mm + argpm + temp * xlcof * axnl
    big = (abs(xmdf) >= _BIG) | (abs(mm) >= _BIG) | (abs(argpm) >= _BIG) \
        | (abs(uarg) >= _BIG) | (abs(nodem) >= _BIG)
    kq = math.floor(uarg * (1.0 / _TWOPI) + 0.5)
    u = (uarg - kq * _TWOPI_1) - kq * _TWOPI_2
    return am, axnl, aynl, u, nodem, code, np.int64(big)


@jit(inline="always", **_JITV)
def _lane_position(am, axnl, aynl, sineo1, coseo1, nodem, code, g, j2, con41, x1mth2,
                   x7thm1, cosio, sinio, inclo, re):
    """Short-period periodics, orientation and position rotated by R3(g), branch-free.

    Returns x, y, z [km] (NaN for error codes 1-4), the final error code and whether an
    angle is beyond the SIMD range.
    """
    ecose = axnl * coseo1 + aynl * sineo1
    esine = axnl * sineo1 - aynl * coseo1
    el2 = axnl * axnl + aynl * aynl
    pl = am * (1.0 - el2)
    rl = am * (1.0 - ecose)
    betal = math.sqrt(1.0 - el2)
    temp = esine / (1.0 + betal)
    sinu = am / rl * (sineo1 - aynl - axnl * temp)
    cosu = am / rl * (coseo1 - axnl + aynl * temp)
    sin2u = (cosu + cosu) * sinu
    cos2u = 1.0 - 2.0 * sinu * sinu
    temp = 1.0 / pl
    temp1 = 0.5 * j2 * temp
    temp2 = temp1 * temp
    mrt = rl * (1.0 - 1.5 * temp2 * betal * con41) + 0.5 * temp1 * x1mth2 * cos2u
    # su = atan2(sinu, cosu) - du: rotate the normalised (sin u, cos u) by -du
    rho = 1.0 / math.sqrt(sinu * sinu + cosu * cosu)
    s0 = sinu * rho
    c0 = cosu * rho
    du = 0.25 * temp2 * x7thm1 * sin2u
    sd, cd = _sincos_v(du)
    sinsu = s0 * cd - c0 * sd
    cossu = c0 * cd + s0 * sd
    xinc = inclo + 1.5 * temp2 * cosio * sinio * cos2u
    sini, cosi = _sincos_v(xinc)
    lam = nodem + 1.5 * temp2 * cosio * sin2u - g
    sl, cl = _sincos_v(lam)
    # (du and xinc are small unless the state is degenerate, pl -> 0)
    big = (abs(lam) >= _BIG) | (abs(du) >= _BIG) | (abs(xinc) >= _BIG)
    rr = mrt * re
    csi = cosi * sinsu
    x = rr * (cl * cossu - sl * csi)
    y = rr * (sl * cossu + cl * csi)
    z = rr * (sini * sinsu)
    code = 4.0 if (code == 0.0) & (pl < 0.0) else code
    bad = code != 0.0
    code = 6.0 if (code == 0.0) & (mrt < 1.0) else code
    nan = np.nan
    return nan if bad else x, nan if bad else y, nan if bad else z, code, np.int64(big)


# rows of the per-block workspace after the NCOL rows of constants
(_W_AM, _W_AXNL, _W_AYNL, _W_U, _W_EO1, _W_SIN, _W_COS, _W_NODE, _W_CODE, _W_X, _W_Y,
 _W_Z) = range(NCOL, NCOL + 12)
_NW = NCOL + 12


@jit(parallel=True, **_JITV)
def _ecef_vec_kernel(tab, jd, fr, gmst, out, err_t, err_code):
    """Blocks of _BLOCK satellites in parallel; per time step three SIMD loops over the
    block: secular/drag and long-period terms, the Kepler iteration, short-period terms
    and the rotated position.

    Everything a loop touches lives in one workspace array per block at constant
    offsets (the block's constants, padded with its first satellite, then the
    intermediate rows), so that LLVM can prove the loops free of aliasing and vectorise
    them without run-time checks.
    """
    n_t, n_sat = out.shape[0], out.shape[1]
    n_blk = (n_sat + _BLOCK - 1) // _BLOCK
    for b in numba.prange(n_blk):
        k0 = b * _BLOCK
        m = min(_BLOCK, n_sat - k0)
        ws = np.empty(_NW * _BLOCK)
        for r in range(NCOL):
            for i in range(_BLOCK):
                ws[r * _BLOCK + i] = tab[k0 + (i if i < m else 0), r]
        mo = ws[C_MO * _BLOCK:(C_MO + 1) * _BLOCK]
        mdot = ws[C_MDOT * _BLOCK:(C_MDOT + 1) * _BLOCK]
        argpo = ws[C_ARGPO * _BLOCK:(C_ARGPO + 1) * _BLOCK]
        argpdot = ws[C_ARGPDOT * _BLOCK:(C_ARGPDOT + 1) * _BLOCK]
        nodeo = ws[C_NODEO * _BLOCK:(C_NODEO + 1) * _BLOCK]
        nodedot = ws[C_NODEDOT * _BLOCK:(C_NODEDOT + 1) * _BLOCK]
        nodecf = ws[C_NODECF * _BLOCK:(C_NODECF + 1) * _BLOCK]
        cc1 = ws[C_CC1 * _BLOCK:(C_CC1 + 1) * _BLOCK]
        bc4 = ws[C_BC4 * _BLOCK:(C_BC4 + 1) * _BLOCK]
        omgcof = ws[C_OMGCOF * _BLOCK:(C_OMGCOF + 1) * _BLOCK]
        eta = ws[C_ETA * _BLOCK:(C_ETA + 1) * _BLOCK]
        xmcof = ws[C_XMCOF * _BLOCK:(C_XMCOF + 1) * _BLOCK]
        delmo = ws[C_DELMO * _BLOCK:(C_DELMO + 1) * _BLOCK]
        d2 = ws[C_D2 * _BLOCK:(C_D2 + 1) * _BLOCK]
        d3 = ws[C_D3 * _BLOCK:(C_D3 + 1) * _BLOCK]
        d4 = ws[C_D4 * _BLOCK:(C_D4 + 1) * _BLOCK]
        bc5 = ws[C_BC5 * _BLOCK:(C_BC5 + 1) * _BLOCK]
        sinmao = ws[C_SINMAO * _BLOCK:(C_SINMAO + 1) * _BLOCK]
        t2cof = ws[C_T2COF * _BLOCK:(C_T2COF + 1) * _BLOCK]
        t3cof = ws[C_T3COF * _BLOCK:(C_T3COF + 1) * _BLOCK]
        t4cof = ws[C_T4COF * _BLOCK:(C_T4COF + 1) * _BLOCK]
        t5cof = ws[C_T5COF * _BLOCK:(C_T5COF + 1) * _BLOCK]
        no = ws[C_NO * _BLOCK:(C_NO + 1) * _BLOCK]
        ecco = ws[C_ECCO * _BLOCK:(C_ECCO + 1) * _BLOCK]
        inclo = ws[C_INCLO * _BLOCK:(C_INCLO + 1) * _BLOCK]
        sinio = ws[C_SINIO * _BLOCK:(C_SINIO + 1) * _BLOCK]
        cosio = ws[C_COSIO * _BLOCK:(C_COSIO + 1) * _BLOCK]
        aycof = ws[C_AYCOF * _BLOCK:(C_AYCOF + 1) * _BLOCK]
        xlcof = ws[C_XLCOF * _BLOCK:(C_XLCOF + 1) * _BLOCK]
        con41 = ws[C_CON41 * _BLOCK:(C_CON41 + 1) * _BLOCK]
        x1mth2 = ws[C_X1MTH2 * _BLOCK:(C_X1MTH2 + 1) * _BLOCK]
        x7thm1 = ws[C_X7THM1 * _BLOCK:(C_X7THM1 + 1) * _BLOCK]
        j2 = ws[C_J2 * _BLOCK:(C_J2 + 1) * _BLOCK]
        re = ws[C_RE * _BLOCK:(C_RE + 1) * _BLOCK]
        ak = ws[C_AK * _BLOCK:(C_AK + 1) * _BLOCK]
        ep_jd = ws[C_JD * _BLOCK:(C_JD + 1) * _BLOCK]
        ep_fr = ws[C_JDF * _BLOCK:(C_JDF + 1) * _BLOCK]
        s_am = ws[_W_AM * _BLOCK:(_W_AM + 1) * _BLOCK]
        s_axnl = ws[_W_AXNL * _BLOCK:(_W_AXNL + 1) * _BLOCK]
        s_aynl = ws[_W_AYNL * _BLOCK:(_W_AYNL + 1) * _BLOCK]
        s_u = ws[_W_U * _BLOCK:(_W_U + 1) * _BLOCK]
        s_eo1 = ws[_W_EO1 * _BLOCK:(_W_EO1 + 1) * _BLOCK]
        s_sin = ws[_W_SIN * _BLOCK:(_W_SIN + 1) * _BLOCK]
        s_cos = ws[_W_COS * _BLOCK:(_W_COS + 1) * _BLOCK]
        s_node = ws[_W_NODE * _BLOCK:(_W_NODE + 1) * _BLOCK]
        s_code = ws[_W_CODE * _BLOCK:(_W_CODE + 1) * _BLOCK]
        s_x = ws[_W_X * _BLOCK:(_W_X + 1) * _BLOCK]
        s_y = ws[_W_Y * _BLOCK:(_W_Y + 1) * _BLOCK]
        s_z = ws[_W_Z * _BLOCK:(_W_Z + 1) * _BLOCK]
        rbuf = np.empty(3)
        vbuf = np.empty(3)
        for j in range(n_t):
            jdj = jd[j]
            frj = fr[j]
            g = gmst[j]
            n_big = 0
            # ---- secular gravity and drag, long-period periodics (SGP4.cpp sgp4)
            for i in range(_BLOCK):
                t = (jdj - ep_jd[i]) * 1440.0 + (frj - ep_fr[i]) * 1440.0
                am, axnl, aynl, u, nodem, code, big = _lane_mean(
                    t, mo[i], mdot[i], argpo[i], argpdot[i], nodeo[i], nodedot[i],
                    nodecf[i], cc1[i], bc4[i], omgcof[i], eta[i], xmcof[i], delmo[i], d2[i],
                    d3[i], d4[i], bc5[i], sinmao[i], t2cof[i], t3cof[i], t4cof[i], t5cof[i],
                    no[i], ecco[i], aycof[i], xlcof[i], ak[i])
                n_big += big
                s_am[i] = am
                s_axnl[i] = axnl
                s_aynl[i] = aynl
                s_u[i] = u
                s_eo1[i] = u
                s_node[i] = nodem
                s_code[i] = code
            # ---- Kepler's equation: Newton-Raphson of SGP4.cpp (step limit 0.95,
            # tolerance 1e-12, at most 10 steps), all lanes until the last converges
            for _ in range(10):
                n_open = 0
                for i in range(_BLOCK):
                    eo1 = s_eo1[i]
                    sineo1, coseo1 = _sincos_v(eo1)
                    axnl = s_axnl[i]
                    aynl = s_aynl[i]
                    tem5 = (s_u[i] - aynl * coseo1 + axnl * sineo1 - eo1) / (
                        1.0 - coseo1 * axnl - sineo1 * aynl)
                    tem5 = min(max(tem5, -0.95), 0.95)
                    s_eo1[i] = eo1 + tem5
                    s_sin[i] = sineo1
                    s_cos[i] = coseo1
                    n_open += (abs(tem5) >= 1.0e-12) & (s_code[i] == 0.0)
                if n_open == 0:
                    break
            # ---- short-period periodics, orientation, R3(gmst) folded into the node
            for i in range(_BLOCK):
                x, y, z, code, big = _lane_position(
                    s_am[i], s_axnl[i], s_aynl[i], s_sin[i], s_cos[i], s_node[i],
                    s_code[i], g, j2[i], con41[i], x1mth2[i], x7thm1[i], cosio[i],
                    sinio[i], inclo[i], re[i])
                n_big += big
                s_code[i] = code
                s_x[i] = x
                s_y[i] = y
                s_z[i] = z
            o = out[j]
            for i in range(m):
                o[k0 + i, 0] = s_x[i]
                o[k0 + i, 1] = s_y[i]
                o[k0 + i, 2] = s_z[i]
            if n_big:
                # angles beyond the SIMD range (decades from epoch): the reference port
                cg = math.cos(g)
                sg = math.sin(g)
                for i in range(m):
                    k = k0 + i
                    c = tab[k]
                    tsince = (jdj - c[C_JD]) * 1440.0 + (frj - c[C_JDF]) * 1440.0
                    code = _sgp4_point(c, tsince, rbuf, vbuf)
                    s_code[i] = code
                    if code != 0 and code < 6:
                        o[k, 0] = o[k, 1] = o[k, 2] = np.nan
                    else:
                        o[k, 0] = cg * rbuf[0] + sg * rbuf[1]
                        o[k, 1] = -sg * rbuf[0] + cg * rbuf[1]
                        o[k, 2] = rbuf[2]
            for i in range(m):
                if s_code[i] != 0.0 and err_t[k0 + i] < 0:
                    err_t[k0 + i] = j
                    err_code[k0 + i] = np.int64(s_code[i])


def sgp4_ecef_into(table, jd, fr, gmst, out):
    """Near-Earth SGP4 positions rotated by R3(GMST): the fast, fused, vectorised path.

    Parameters
    ----------
    table : numpy.ndarray
        Constants from :func:`init_table`, [N, NCOL].
    jd, fr : numpy.ndarray
        Whole and fractional parts of the UTC Julian dates, [T]. [d]
    gmst : numpy.ndarray
        Greenwich mean sidereal time (IAU 1982, UT1) at the same times, [T]. [rad]
    out : numpy.ndarray
        float64 or float32 array [T, N, 3], filled with R3(gmst) r_TEME
        (pseudo-Earth-fixed; NaN for error codes 1-4). [km]

    Returns
    -------
    err_t, err_code : numpy.ndarray of int64, [N]
        For each satellite the first time index with a nonzero SGP4 error code and that
        code (-1 and 0 where none).
    """
    n = table.shape[0]
    err_t = np.full(n, -1, dtype=np.int64)
    err_code = np.zeros(n, dtype=np.int64)
    if n == 0 or out.shape[0] == 0:
        return err_t, err_code
    if out.shape != (len(jd), n, 3):
        raise ValueError(f"out must have shape {(len(jd), n, 3)}, got {out.shape}")
    # one compiled specialisation only: C-contiguous float64 in and out
    target = out
    if out.dtype != np.float64 or not out.flags.c_contiguous:
        target = np.empty(out.shape)
    _ecef_vec_kernel(np.ascontiguousarray(table, dtype=np.float64),
                     np.ascontiguousarray(jd, dtype=np.float64),
                     np.ascontiguousarray(fr, dtype=np.float64),
                     np.ascontiguousarray(gmst, dtype=np.float64), target, err_t, err_code)
    if target is not out:
        out[...] = target
    return err_t, err_code
