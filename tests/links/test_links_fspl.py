"""Free-space path loss and slant range against closed forms."""

import numpy as np
import pytest

from satcloud.links import fspl_db, slant_range_km, wavelength_m


def test_fspl_matches_engineering_closed_form():
    # REFERENCE.md / ITU-R P.525-4: FSPL = 92.45 + 20 log10 d_km + 20 log10 f_GHz
    d = np.array([550.0, 1684.0, 35786.0])
    f = np.array([11.7, 13.5, 19.95])
    expected = 92.45 + 20 * np.log10(d) + 20 * np.log10(f)
    np.testing.assert_allclose(fspl_db(d, f), expected, atol=0.01)


def test_fspl_hand_value_del_portillo_range():
    # by hand: 20 log10(4 pi 1684e3 13.5e9 / 299792458) = 179.581 dB
    assert fspl_db(1684.0, 13.5) == pytest.approx(179.581, abs=1e-3)


def test_fspl_broadcasts_and_doubles():
    out = fspl_db(np.array([[100.0], [200.0]]), np.array([10.0, 20.0]))
    assert out.shape == (2, 2)
    # doubling distance or frequency adds 20 log10 2 = 6.0206 dB
    assert out[1, 0] - out[0, 0] == pytest.approx(6.0206, abs=1e-4)
    assert out[0, 1] - out[0, 0] == pytest.approx(6.0206, abs=1e-4)


def test_wavelength():
    # c / 10 GHz = 2.99792458 cm exactly
    assert wavelength_m(10.0) == pytest.approx(0.0299792458, rel=1e-12)


def test_slant_range_zenith_and_vector_geometry():
    # at the zenith the range is the altitude
    assert slant_range_km(550.0, 90.0) == pytest.approx(550.0, abs=1e-9)
    # independent check: place the station at (0, R), the satellite at distance r along
    # the elevation direction and verify |sat| = R + h (law of cosines by vectors)
    r_e = 6371.0088
    for h, el in [(550.0, 25.0), (1200.0, 55.0), (35786.0, 10.0)]:
        d = slant_range_km(h, el)
        e = np.deg2rad(el)
        sat = np.array([d * np.cos(e), r_e + d * np.sin(e)])
        assert np.hypot(*sat) == pytest.approx(r_e + h, rel=1e-12)


def test_slant_range_starlink_min_elevation():
    # by hand: sqrt(6921.0088^2 - (6371.0088 cos 25)^2) - 6371.0088 sin 25 = 1123.28 km
    assert slant_range_km(550.0, 25.0) == pytest.approx(1123.3, abs=1.0)


@pytest.mark.parametrize("kwargs, match", [
    (dict(distance_km=0.0, freq_ghz=12.0), r"distance_km must be in \(0, inf\) km"),
    (dict(distance_km=-5.0, freq_ghz=12.0), "distance_km"),
    (dict(distance_km=1000.0, freq_ghz=0.0), r"freq_ghz must be in \(0, inf\) GHz"),
])
def test_fspl_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        fspl_db(**kwargs)


@pytest.mark.parametrize("el", [0.0, -3.0, 91.0])
def test_slant_range_bad_elevation(el):
    with pytest.raises(ValueError, match=r"elevation_deg must be in \(0, 90\] deg"):
        slant_range_km(550.0, el)


def test_fspl_type_error():
    with pytest.raises(TypeError, match="distance_km must be numeric"):
        fspl_db("far", 12.0)
