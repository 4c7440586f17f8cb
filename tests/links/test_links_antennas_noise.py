"""Antennas and noise against textbook values and closed forms."""

import numpy as np
import pytest

from satcloud.links import (
    BOLTZMANN_DBW_PER_K_HZ,
    beamwidth_3db_deg,
    cn0_dbhz,
    cn_db,
    combine_ratios_db,
    ebn0_db,
    eirp_dbw,
    esn0_db,
    gain_from_beamwidth_dbi,
    gt_db_per_k,
    noise_temperature_from_figure_k,
    parabolic_gain_dbi,
    phased_array_boresight_gain_dbi,
    phased_array_gain_dbi,
    pointing_loss_db,
    scan_angle_deg,
    sky_noise_increase_k,
    sky_noise_temperature_k,
    system_noise_temperature_k,
    watts_to_dbw,
)
from satcloud.links.antennas import eirp_with_dish_dbw

# ------------------------------------------------------------------ antennas


def test_dish_gains_of_del_portillo():
    # del Portillo et al., Acta Astronautica 159 (2019): 0.7 m -> 37.7 dBi and
    # 0.75 m -> 38.3 dBi at 13.5 GHz; both imply an efficiency of 0.60
    assert parabolic_gain_dbi(0.7, 13.5, 0.6) == pytest.approx(37.7, abs=0.1)
    assert parabolic_gain_dbi(0.75, 13.5, 0.6) == pytest.approx(38.3, abs=0.1)


def test_textbook_dish_by_hand():
    # 1 m dish at 10 GHz, efficiency 0.6: lambda = 2.998 cm,
    # G = 0.6 (pi / 0.02998)^2 = 6588 -> 38.19 dBi (Maral & Bousquet ch. 5, by hand)
    assert parabolic_gain_dbi(1.0, 10.0, 0.6) == pytest.approx(38.19, abs=0.01)
    # 3 dB beamwidth 70 lambda / D = 70 x 0.02998 = 2.099 deg (Maral & Bousquet ch. 5)
    assert beamwidth_3db_deg(1.0, 10.0) == pytest.approx(2.0985, abs=1e-3)


def test_gain_from_beamwidth_consistent_with_dish():
    # eliminating lambda/D: both routes must agree for any dish
    d, f, eta = 0.48, 11.7, 0.6
    bw = beamwidth_3db_deg(d, f)
    assert gain_from_beamwidth_dbi(bw, eta) == pytest.approx(parabolic_gain_dbi(d, f, eta),
                                                             abs=1e-9)


def test_pointing_loss_is_3db_at_half_beamwidth():
    # definition of the 3 dB beamwidth: half power at theta_3dB / 2
    assert pointing_loss_db(0.6, 1.2) == pytest.approx(3.0, abs=1e-12)


def test_phased_array_scan_loss():
    # cos 60 deg = 1/2: n = 1 loses 10 log10 2 = 3.0103 dB
    assert phased_array_gain_dbi(35.0, 60.0, 1.0) == pytest.approx(35.0 - 3.0103, abs=1e-4)
    assert phased_array_gain_dbi(35.0, 0.0, 1.5) == pytest.approx(35.0)
    # 1,024 elements of 5 dBi: 30.10 + 5 dBi
    assert phased_array_boresight_gain_dbi(1024, 5.0) == pytest.approx(35.103, abs=1e-3)
    # flat horizontal panel: scan angle = 90 - elevation
    assert scan_angle_deg(30.0, 123.0) == pytest.approx(60.0)


def test_eirp():
    # 2 W -> 3.01 dBW; + 36 dBi - 1 dB
    assert watts_to_dbw(2.0) == pytest.approx(3.0103, abs=1e-4)
    assert eirp_dbw(3.0103, 36.0, 1.0) == pytest.approx(38.0103, abs=1e-4)


def test_eirp_with_dish_closed_form():
    # Maral & Bousquet ch. 5: at fixed power and efficiency G ~ D^2, so the EIRP moves
    # by 20 log10(D2/D1); checked against the gain difference of two parabolic dishes
    for d1, d2 in [(0.48, 0.96), (1.2, 0.6), (0.7, 3.3)]:
        expected = 45.0 + 20.0 * np.log10(d2 / d1)
        assert eirp_with_dish_dbw(45.0, d2, d1) == pytest.approx(expected, abs=1e-12)
        by_gain = 45.0 + parabolic_gain_dbi(d2, 14.25, 0.65) - parabolic_gain_dbi(d1, 14.25, 0.65)
        assert eirp_with_dish_dbw(45.0, d2, d1) == pytest.approx(by_gain, abs=1e-9)
    assert eirp_with_dish_dbw(45.0, 2.0, 1.0) == pytest.approx(45.0 + 6.0206, abs=1e-4)
    assert eirp_with_dish_dbw(45.0, 1.0, 1.0) == pytest.approx(45.0)
    got = eirp_with_dish_dbw([40.0, 50.0], [1.0, 4.0], 2.0)
    np.testing.assert_allclose(got, [40.0 - 6.0206, 50.0 + 6.0206], atol=1e-4)


@pytest.mark.parametrize("call, match", [
    (lambda: eirp_with_dish_dbw(40.0, 0.0, 1.0), r"^antenna_diameter_m must be in \(0, 100\] m"),
    (lambda: eirp_with_dish_dbw(40.0, 1.0, 200.0), r"reference_antenna_diameter_m must be in"),
    (lambda: eirp_with_dish_dbw(np.nan, 1.0, 1.0), "reference_eirp_dbw"),
    (lambda: parabolic_gain_dbi(0.0, 12.0), r"antenna_diameter_m must be in \(0, 100\] m"),
    (lambda: parabolic_gain_dbi(150.0, 12.0), r"antenna_diameter_m must be in \(0, 100\] m"),
    (lambda: parabolic_gain_dbi(1.0, 12.0, 1.2), r"antenna_efficiency must be in \(0, 1\]"),
    (lambda: parabolic_gain_dbi(1.0, 12.0, 0.0), r"antenna_efficiency must be in \(0, 1\]"),
    (lambda: parabolic_gain_dbi(1.0, -1.0), "freq_ghz"),
    (lambda: phased_array_gain_dbi(30.0, 90.0), r"scan_angle_deg must be in \[0, 90\)"),
    (lambda: watts_to_dbw(0.0), "power_w"),
])
def test_antenna_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ------------------------------------------------------------------ noise


def test_boltzmann_constant():
    # REFERENCE.md: -228.6 dBW/K/Hz; SI 2019 k = 1.380649e-23 J/K exactly
    assert BOLTZMANN_DBW_PER_K_HZ == pytest.approx(10 * np.log10(1.380649e-23), abs=1e-12)
    assert BOLTZMANN_DBW_PER_K_HZ == pytest.approx(-228.6, abs=0.01)


def test_noise_figure_3db_is_289k():
    # textbook: NF 3 dB <-> 290 (10^0.3 - 1) = 288.6 K
    assert noise_temperature_from_figure_k(3.0) == pytest.approx(288.63, abs=0.01)


def test_system_noise_temperature_by_hand():
    # Maral & Bousquet ch. 5 by hand: T_A = 50 K, 1 dB feeder at 290 K, T_R = 100 K:
    # 50/1.2589 + 290 (1 - 1/1.2589) + 100 = 39.72 + 59.64 + 100 = 199.36 K
    assert system_noise_temperature_k(50.0, 100.0, 1.0) == pytest.approx(199.36, abs=0.01)


def test_gt_and_link_equation_closed_form():
    # REFERENCE.md: C/N0 = EIRP - FSPL - A + G/T + 228.6
    gt = gt_db_per_k(37.7, 362.9)
    assert gt == pytest.approx(12.102, abs=1e-3)
    c = cn0_dbhz(36.7, 179.5813 + 0.53, gt)
    assert c == pytest.approx(36.7 - 179.5813 - 0.53 + 12.102 + 228.6, abs=0.01)
    assert cn_db(c, 250.0) == pytest.approx(c - 83.979, abs=1e-3)
    assert esn0_db(c, 125.0) == pytest.approx(c - 80.969, abs=1e-3)
    assert ebn0_db(c, 500.0) == pytest.approx(c - 86.990, abs=1e-3)


def test_combine_ratios_linear_power():
    # two equal 10 dB contributions: 1/(0.1 + 0.1) = 5 -> 6.99 dB
    assert combine_ratios_db(10.0, 10.0) == pytest.approx(6.9897, abs=1e-4)
    # an absent term (inf) changes nothing; a single term is itself
    assert combine_ratios_db(13.3, np.inf) == pytest.approx(13.3)
    out = combine_ratios_db(np.array([20.0, 30.0]), 25.0)
    manual = -10 * np.log10(10 ** (-np.array([20.0, 30.0]) / 10) + 10 ** -2.5)
    np.testing.assert_allclose(out, manual)
    with pytest.raises(ValueError, match="contains NaN"):
        combine_ratios_db(np.nan)


def test_sky_noise():
    # ITU-R P.618 section 3: A = 0 -> 2.7 K cosmic background; A = 3 dB -> ~138.8 K
    assert sky_noise_temperature_k(0.0) == pytest.approx(2.7)
    assert sky_noise_temperature_k(3.0103) == pytest.approx(275 * 0.5 + 2.7 * 0.5, abs=1e-3)
    # Maral & Bousquet ch. 5 minus clear sky: (275 - 20)(1 - 1/2)
    assert sky_noise_increase_k(3.0103) == pytest.approx(127.5, abs=1e-3)
    assert sky_noise_increase_k(0.0) == 0.0


def test_antenna_keywords_spelled_before_issue_12_still_work_with_a_warning():
    # diameter_m/efficiency became antenna_diameter_m/antenna_efficiency (one spelling
    # per quantity, as in the link profiles and the ITU-R attenuation); the old keywords
    # give the same numbers for one release. Reference value: 0.7 m at 13.5 GHz with
    # efficiency 0.6 is 37.7 dBi, the Starlink user terminal gain of del Portillo et al.
    # (2019), Acta Astronautica 159 (as the first test of this file)
    with pytest.warns(DeprecationWarning, match="'antenna_diameter_m'"):
        g = parabolic_gain_dbi(diameter_m=0.7, freq_ghz=13.5, antenna_efficiency=0.6)
    assert g == pytest.approx(37.7, abs=0.1)
    with pytest.warns(DeprecationWarning, match="'antenna_efficiency'"):
        assert gain_from_beamwidth_dbi(3.0, efficiency=0.6) == gain_from_beamwidth_dbi(3.0, 0.6)
    with pytest.warns(DeprecationWarning, match="'antenna_diameter_m'"):
        assert beamwidth_3db_deg(diameter_m=1.0, freq_ghz=10.0) == beamwidth_3db_deg(1.0, 10.0)
    with pytest.warns(DeprecationWarning, match="'reference_antenna_diameter_m'"):
        # twice the diameter: +20 log10(2) = 6.0206 dB (the D^2 law of the aperture gain)
        assert eirp_with_dish_dbw(45.0, 2.0, reference_diameter_m=1.0) == pytest.approx(
            45.0 + 6.0206, abs=1e-4)
    with pytest.raises(TypeError, match="both 'efficiency'"):
        parabolic_gain_dbi(0.7, 13.5, 0.6, efficiency=0.6)
