"""ACM over the MODCOD table against ETSI EN 302 307 and Shannon."""

import numpy as np
import pytest

from satcloud.links import (
    information_rate_mbps,
    modcod_table,
    select_modcod,
    shannon_capacity_mbps,
    shannon_min_esn0_db,
    symbol_rate_msps,
)

# ETSI EN 302 307-1 v1.4.1, Table 13 (AWGN, normal FECFRAME, PER 1e-7):
# MODCOD -> (spectral efficiency [bit/symbol], ideal Es/N0 [dB])
ETSI_TABLE_13 = {
    "QPSK 1/4": (0.490243, -2.35), "QPSK 1/3": (0.656448, -1.24),
    "QPSK 2/5": (0.789412, -0.30), "QPSK 1/2": (0.988858, 1.00),
    "QPSK 3/5": (1.188304, 2.23), "QPSK 2/3": (1.322253, 3.10),
    "QPSK 3/4": (1.487473, 4.03), "QPSK 4/5": (1.587196, 4.68),
    "QPSK 5/6": (1.654663, 5.18), "QPSK 8/9": (1.766451, 6.20),
    "QPSK 9/10": (1.788612, 6.42), "8PSK 3/5": (1.779991, 5.50),
    "8PSK 2/3": (1.980636, 6.62), "8PSK 3/4": (2.228124, 7.91),
    "8PSK 5/6": (2.478562, 9.35), "8PSK 8/9": (2.646012, 10.69),
    "8PSK 9/10": (2.679207, 10.98), "16APSK 2/3": (2.637201, 8.97),
    "16APSK 3/4": (2.966728, 10.21), "16APSK 4/5": (3.165623, 11.03),
    "16APSK 5/6": (3.300184, 11.61), "16APSK 8/9": (3.523143, 12.89),
    "16APSK 9/10": (3.567342, 13.13), "32APSK 3/4": (3.703295, 12.73),
    "32APSK 4/5": (3.951571, 13.64), "32APSK 5/6": (4.119540, 14.28),
    "32APSK 8/9": (4.397854, 15.69), "32APSK 9/10": (4.453027, 16.05),
}


def test_dvbs2_rows_match_etsi_table_13():
    tab = modcod_table("DVB-S2")
    assert len(tab) >= 20
    for _, row in tab.iterrows():
        eff, thr = ETSI_TABLE_13[row["modcod"]]
        assert row["spectral_efficiency_bps_per_hz"] == pytest.approx(eff, abs=6e-4)
        assert row["required_esn0_db"] == pytest.approx(thr, abs=1e-9)


def test_every_threshold_above_shannon_limit():
    # no code beats Shannon: Es/N0 >= 10 log10(2^eta - 1); DVB-S2 LDPC + constellation
    # shaping loss keeps every MODCOD within ~1-4 dB of it (EN 302 307-1 Table 13 vs Shannon)
    tab = modcod_table()
    gap = tab["required_esn0_db"] - shannon_min_esn0_db(tab["spectral_efficiency_bps_per_hz"])
    assert (gap > 0).all()
    assert (gap < 4.0).all()


def test_highest_efficiency_not_last_threshold():
    # table is not monotonic: at 11.0 dB both 16APSK 3/4 (10.21 dB, 2.967) and
    # 8PSK 9/10 (10.98 dB, 2.679) close; the more efficient one must win
    c = select_modcod(11.0, table=modcod_table("DVB-S2"))
    assert c.modcod[()] == "16APSK 3/4"
    # at 5.6 dB: 8PSK 3/5 (5.50, 1.780) beats QPSK 5/6 (5.18, 1.655)
    c = select_modcod(5.6, table=modcod_table("DVB-S2"))
    assert c.modcod[()] == "8PSK 3/5"
    assert c.spectral_efficiency_bps_per_hz[()] == pytest.approx(1.780)


def test_selection_matches_brute_force():
    tab = modcod_table()
    es = np.linspace(-4, 22, 531)
    for im in (0.0, 0.7):
        c = select_modcod(es, im, tab)
        for e, eff, out in zip(es, c.spectral_efficiency_bps_per_hz, c.outage, strict=True):
            ok = tab[tab["required_esn0_db"] + im <= e]
            best = ok["spectral_efficiency_bps_per_hz"].max() if len(ok) else 0.0
            assert eff == pytest.approx(best)
            assert out == (len(ok) == 0)


def test_implementation_margin_shifts_thresholds():
    tab = modcod_table("DVB-S2")
    assert select_modcod(1.0, 0.0, tab).modcod[()] == "QPSK 1/2"
    assert select_modcod(1.0, 0.5, tab).modcod[()] == "QPSK 2/5"


def test_outage_is_flag_not_exception_nor_nan():
    c = select_modcod(np.array([-10.0, -np.inf, 3.0]))
    np.testing.assert_array_equal(c.outage, [True, True, False])
    np.testing.assert_array_equal(c.spectral_efficiency_bps_per_hz[:2], [0.0, 0.0])
    assert not np.isnan(c.spectral_efficiency_bps_per_hz).any()
    assert c.modcod[0] == "QPSK 2/9 (VL-SNR)"   # lowest MODCOD named for reference


def test_rates():
    # 250 MHz at roll-off 0.25: 200 Msym/s; x 2.967 bit/symbol = 593.3 Mbit/s
    rs = symbol_rate_msps(250.0, 0.25)
    assert rs == pytest.approx(200.0)
    assert information_rate_mbps(rs, 2.966728) == pytest.approx(593.35, abs=0.01)
    # Shannon: 0 dB in 100 MHz -> 100 Mbit/s; 20 dB -> 100 log2(101) = 665.8 Mbit/s
    assert shannon_capacity_mbps(100.0, 0.0) == pytest.approx(100.0)
    assert shannon_capacity_mbps(100.0, 20.0) == pytest.approx(665.82, abs=0.01)


@pytest.mark.parametrize("call, match", [
    (lambda: symbol_rate_msps(250.0, 1.5), r"roll_off must be in \[0, 1\]"),
    (lambda: symbol_rate_msps(0.0, 0.2), "bandwidth_mhz"),
    (lambda: select_modcod(5.0, -1.0), "implementation_margin_db"),
    (lambda: modcod_table("DVB-T"), "unknown standard 'DVB-T'"),
    (lambda: select_modcod(np.nan), "esn0_db contains NaN"),
])
def test_modcod_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
