"""Adaptive coding and modulation (ACM) over the DVB-S2/S2X MODCOD table.

The receiver's Es/N0 selects the MODCOD with the **highest spectral efficiency whose
threshold (plus an implementation margin) it meets**. The table is *not* monotonic
in threshold (8PSK 3/5 needs less Es/N0 than QPSK 9/10 for about the same
efficiency; 16APSK 3/4 needs less than 8PSK 9/10 and carries more), so "the last row
whose threshold is met" would be wrong.

.. math::

    R_s = \\frac{B}{1 + \\alpha}, \\qquad R_b = R_s \\, \\eta_{MODCOD}, \\qquad
    C_{Shannon} = B \\log_2\\left(1 + \\frac{C}{N+I}\\right)

Sources
-------
- MODCOD table: ``data/dvbs2_modcod.csv`` via :func:`satcloud.data.modcods`, from
  ETSI EN 302 307-1 [1]_ v1.4.1 Table 13 (DVB-S2, AWGN, normal FECFRAME, ideal
  demodulation, PER 1e-7) and ETSI EN 302 307-2 [2]_ v1.1.1 Table 20a (DVB-S2X).
- Symbol rate and roll-off: EN 302 307-1 (alpha = 0.35, 0.25, 0.20);
  EN 302 307-2 adds 0.15, 0.10, 0.05.
- Channel capacity: Shannon [3]_.

References
----------
.. [1] ETSI EN 302 307-1 V1.4.1 (2014-07), "Digital Video Broadcasting (DVB); Second generation
   framing structure, channel coding and modulation systems ...; Part 1: DVB-S2", Table 13.
   https://www.etsi.org/deliver/etsi_en/302300_302399/30230701/01.04.01_60/en_30230701v010401p.pdf
.. [2] ETSI EN 302 307-2 V1.1.1, "... Part 2: DVB-S2 Extensions (DVB-S2X)", Table 20a
   (publication date not verified).
   https://www.etsi.org/deliver/etsi_en/302300_302399/30230702/01.01.01_20/en_30230702v010101a.pdf
.. [3] C. E. Shannon, "A Mathematical Theory of Communication", *Bell System Technical Journal*
   27(3), 379-423, 1948. doi:10.1002/j.1538-7305.1948.tb01338.x
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import pandas as pd

from satcloud._validate import (
    as_float_array,
    check_choice,
    check_finite_result,
    check_range,
    check_scalar,
    check_shapes,
)

__all__ = [
    "STANDARDS",
    "ModcodChoice",
    "information_rate_mbps",
    "modcod_table",
    "select_modcod",
    "shannon_capacity_mbps",
    "shannon_min_esn0_db",
    "symbol_rate_msps",
]

#: Standards present in the MODCOD table.
STANDARDS = ("DVB-S2", "DVB-S2X")


def modcod_table(standards=STANDARDS) -> pd.DataFrame:
    """The MODCOD table, optionally restricted to some standards.

    Parameters
    ----------
    standards : str or sequence of str
        ``"DVB-S2"``, ``"DVB-S2X"`` or both (default). DVB-S2X receivers also
        decode all DVB-S2 MODCODs.

    Returns
    -------
    pandas.DataFrame
        Columns ``modcod``, ``standard``, ``spectral_efficiency_bps_per_hz`` [bit/s/Hz
        of symbol rate, i.e. information bits per symbol] and ``required_esn0_db``
        [dB], sorted by required Es/N0.
    """
    from satcloud import data

    if isinstance(standards, str):
        standards = (standards,)
    if not isinstance(standards, Iterable):
        raise TypeError(f"standards must be a standard name or a sequence of them "
                        f"({list(STANDARDS)}), got {standards!r:.100}")
    standards = tuple(standards)
    if not standards:
        raise ValueError(f"standards must name at least one of {list(STANDARDS)}")
    for s in standards:
        try:
            check_choice(s, "standard", STANDARDS)
        except ValueError as exc:
            raise ValueError(f"standards: {exc}") from None
    df = data.modcods()
    df = df[df["standard"].isin(standards)]
    return df.sort_values(["required_esn0_db", "spectral_efficiency_bps_per_hz"],
                          kind="stable").reset_index(drop=True)


class ModcodChoice(NamedTuple):
    """Result of :func:`select_modcod`, one element per Es/N0 value."""

    #: Chosen MODCOD name; the lowest MODCOD's name where ``outage``. [-]
    modcod: np.ndarray
    #: Spectral efficiency of the chosen MODCOD; 0 where ``outage``. [bit/s/Hz]
    spectral_efficiency_bps_per_hz: np.ndarray
    #: Es/N0 threshold of the chosen MODCOD (of the lowest one where ``outage``). [dB]
    required_esn0_db: np.ndarray
    #: True where Es/N0 is below the lowest threshold plus margin: no MODCOD closes. [-]
    outage: np.ndarray


def select_modcod(esn0_db, implementation_margin_db=0.0, table=None) -> ModcodChoice:
    """Choose the MODCOD of highest efficiency whose threshold the Es/N0 meets.

    Parameters
    ----------
    esn0_db : array_like
        Received Es/N0 (or Es/(N0+I0)). ``-inf`` is allowed (no signal). [dB]
    implementation_margin_db : float
        Margin added to every threshold for real demodulators, >= 0; 0.5-1 dB is
        usual for commercial DVB-S2 modems (assumption). [dB]
    table : pandas.DataFrame, optional
        MODCOD table with the columns of :func:`modcod_table` (default: all rows).

    Returns
    -------
    ModcodChoice
        Arrays shaped like ``esn0_db``. Below the lowest threshold the link is in
        outage: ``outage`` is True and the efficiency is 0 (never NaN, never an
        exception).

    Examples
    --------
    With the DVB-S2 table (ETSI EN 302 307-1, Table 13): below QPSK 1/4's -2.35 dB no
    MODCOD closes; at 6.0 dB 8PSK 3/5 (threshold 5.50 dB, 1.780 bit/symbol) is chosen
    although QPSK 9/10 (6.42 dB) sits later in the table, which it only wins at 6.5 dB:

    >>> from satcloud.links.modcod import modcod_table, select_modcod
    >>> choice = select_modcod([-3.0, 6.0, 6.5], table=modcod_table("DVB-S2"))
    >>> list(choice.modcod), choice.outage.tolist()
    (['QPSK 1/4', '8PSK 3/5', 'QPSK 9/10'], [True, False, False])
    >>> choice.spectral_efficiency_bps_per_hz.tolist()
    [0.0, 1.78, 1.789]
    """
    es = as_float_array(esn0_db, "esn0_db")  # -inf (no signal) is an outage
    im = check_scalar(check_range(implementation_margin_db, "implementation_margin_db", 0.0,
                                  20.0, unit="dB"), "implementation_margin_db")
    tab = modcod_table() if table is None else table
    if not isinstance(tab, pd.DataFrame):
        raise TypeError(f"table must be a DataFrame like modcod_table(), got "
                        f"{type(tab).__name__}")
    missing = {"modcod", "spectral_efficiency_bps_per_hz", "required_esn0_db"} - set(tab)
    if missing:
        raise ValueError(f"table lacks column(s) {sorted(missing)}")
    if len(tab) == 0:
        raise ValueError("table has no MODCOD rows")
    thr = as_float_array(tab["required_esn0_db"].to_numpy(), "table column required_esn0_db",
                         finite=True)
    eff = as_float_array(tab["spectral_efficiency_bps_per_hz"].to_numpy(),
                         "table column spectral_efficiency_bps_per_hz", finite=True)
    order = np.argsort(thr, kind="stable")
    thr = thr[order]
    eff = eff[order]
    names = tab["modcod"].to_numpy(object)[order]
    # best[i]: index (in threshold order) of the most efficient MODCOD among the
    # first i+1 thresholds -- the running arg-max of efficiency.
    best = np.zeros(len(eff), dtype=np.intp)
    for i in range(1, len(eff)):
        best[i] = i if eff[i] > eff[best[i - 1]] else best[i - 1]
    n_met = np.searchsorted(thr + im, es, side="right")   # thresholds met
    outage = n_met == 0
    pick = best[np.maximum(n_met - 1, 0)]
    return ModcodChoice(
        modcod=names[pick.ravel()].reshape(pick.shape),
        spectral_efficiency_bps_per_hz=np.where(outage, 0.0, eff[pick]),
        required_esn0_db=thr[pick],
        outage=outage,
    )


def symbol_rate_msps(bandwidth_mhz, roll_off=0.2) -> np.ndarray:
    """Symbol rate that fits a channel with a raised-cosine roll-off.

    Parameters
    ----------
    bandwidth_mhz : array_like
        Occupied channel bandwidth, > 0. [MHz]
    roll_off : array_like
        Roll-off factor alpha, in [0, 1]. [-]

    Returns
    -------
    numpy.ndarray
        ``B / (1 + alpha)``. [Msymbol/s]

    Examples
    --------
    >>> from satcloud.links.modcod import information_rate_mbps, symbol_rate_msps
    >>> rs = symbol_rate_msps(240.0, roll_off=0.2)           # 240 / 1.2
    >>> float(rs), float(information_rate_mbps(rs, 2.0))
    (200.0, 400.0)
    """
    check_shapes(bandwidth_mhz=bandwidth_mhz, roll_off=roll_off)
    b = check_range(bandwidth_mhz, "bandwidth_mhz", 0.0, None, low_open=True, unit="MHz",
                    finite=True)
    a = check_range(roll_off, "roll_off", 0.0, 1.0)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(b / (1.0 + a), "bandwidth_mhz")


def information_rate_mbps(symbol_rate_msps, spectral_efficiency_bps_per_hz) -> np.ndarray:
    """Information bit rate of a carrier.

    Parameters
    ----------
    symbol_rate_msps : array_like
        Symbol rate, >= 0. [Msymbol/s]
    spectral_efficiency_bps_per_hz : array_like
        Information bits per symbol of the MODCOD, >= 0 (0 in outage). [bit/s/Hz]

    Returns
    -------
    numpy.ndarray
        ``R_s eta``. [Mbit/s]
    """
    check_shapes(symbol_rate_msps=symbol_rate_msps,
                 spectral_efficiency_bps_per_hz=spectral_efficiency_bps_per_hz)
    rs = check_range(symbol_rate_msps, "symbol_rate_msps", 0.0, None, unit="Msps", finite=True)
    eta = check_range(spectral_efficiency_bps_per_hz, "spectral_efficiency_bps_per_hz",
                      0.0, None, finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(rs * eta, "symbol_rate_msps and spectral_efficiency_bps_per_hz")


def shannon_capacity_mbps(bandwidth_mhz, snr_db) -> np.ndarray:
    """Shannon capacity of an AWGN channel.

    Parameters
    ----------
    bandwidth_mhz : array_like
        Bandwidth in which the noise is measured, > 0. [MHz]
    snr_db : array_like
        Signal-to-noise(-plus-interference) ratio in that bandwidth. [dB]

    Returns
    -------
    numpy.ndarray
        ``B log2(1 + S/N)``. [Mbit/s]

    Examples
    --------
    250 MHz at 10 dB: 250 log2(11) = 864.9 Mbit/s.

    >>> from satcloud.links.modcod import shannon_capacity_mbps
    >>> print(f"{float(shannon_capacity_mbps(250.0, 10.0)):.1f}")
    864.9
    """
    check_shapes(bandwidth_mhz=bandwidth_mhz, snr_db=snr_db)
    b = check_range(bandwidth_mhz, "bandwidth_mhz", 0.0, None, low_open=True, unit="MHz",
                    finite=True)
    s = as_float_array(snr_db, "snr_db", finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(b * np.log2(1.0 + 10.0 ** (s / 10.0)), "bandwidth_mhz and snr_db")


def shannon_min_esn0_db(spectral_efficiency_bps_per_hz) -> np.ndarray:
    """Smallest Es/N0 at which any code can carry a given number of bits per symbol.

    Parameters
    ----------
    spectral_efficiency_bps_per_hz : array_like
        Information bits per (complex) symbol, > 0. [bit/s/Hz]

    Returns
    -------
    numpy.ndarray
        ``10 log10(2^eta - 1)`` (Shannon [1]_ for a symbol-rate-wide channel). [dB]

    References
    ----------
    .. [1] C. E. Shannon, "A Mathematical Theory of Communication", *Bell System Technical
       Journal* 27(3), 379-423, 1948. doi:10.1002/j.1538-7305.1948.tb01338.x

    Examples
    --------
    One bit per symbol needs at least 0 dB, two need 10 log10(3) = 4.77 dB; DVB-S2's
    QPSK 1/2 (0.989 bit/symbol) needs 1.00 dB and 8PSK 2/3 (1.981) 6.62 dB:

    >>> import numpy as np
    >>> from satcloud.links.modcod import shannon_min_esn0_db
    >>> np.round(shannon_min_esn0_db([1.0, 2.0]), 2)
    array([0.  , 4.77])
    """
    eta = check_range(spectral_efficiency_bps_per_hz, "spectral_efficiency_bps_per_hz", 0.0,
                      None, low_open=True, finite=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return check_finite_result(10.0 * np.log10(2.0 ** eta - 1.0), "spectral_efficiency_bps_per_hz")
