"""The cached/interpolated ITU-R attenuation against direct ``itur`` calls."""

import numpy as np
import pytest

from satcloud.links import (
    atmospheric_attenuation,
    attenuation_cache_info,
    clear_attenuation_cache,
    itur_attenuation,
)
from satcloud.links.atmosphere import elevation_nodes_deg

# rainy tropics, mid latitudes, a high plateau and a desert
PLACES = np.array([
    (1.35, 103.82),    # Singapore
    (6.52, 3.38),      # Lagos
    (19.08, 72.88),    # Mumbai
    (47.61, -122.33),  # Seattle
    (-15.79, -47.88),  # Brasilia (~1.1 km altitude)
    (24.71, 46.68),    # Riyadh
])
CASES = [(19.0, 0.01), (30.0, 0.1), (11.7, 1.0), (28.5, 5.0)]


def _grid(elev):
    lat = np.repeat(PLACES[:, 0], elev.size)
    lon = np.repeat(PLACES[:, 1], elev.size)
    return lat, lon, np.tile(elev, len(PLACES))


@pytest.mark.parametrize("freq, p", CASES)
def test_cached_equals_itur_at_nodes(freq, p):
    # the bar: cached path equals the direct itur call within 0.01 dB at the nodes
    lat, lon, el = _grid(elevation_nodes_deg())
    ref = itur_attenuation(lat, lon, el, freq, p)
    got = atmospheric_attenuation(lat, lon, el, freq, p)
    for name, a, b in zip(ref._fields, got, ref, strict=True):
        np.testing.assert_allclose(a, b, atol=0.01, rtol=0, err_msg=name)


@pytest.mark.parametrize("freq, p", CASES)
def test_cached_close_to_itur_between_nodes(freq, p):
    # between nodes the spline in t = sqrt(cot el) stays within 0.1 dB (measured < 0.04)
    rng = np.random.default_rng(7)
    lat, lon, el = _grid(rng.uniform(5.0, 90.0, 40))
    ref = itur_attenuation(lat, lon, el, freq, p)
    got = atmospheric_attenuation(lat, lon, el, freq, p)
    assert np.abs(got.total_db - ref.total_db).max() < 0.1
    assert np.abs(got.rain_db - ref.rain_db).max() < 0.1
    # and the direct method is itur itself
    direct = atmospheric_attenuation(lat, lon, el, freq, p, method="direct")
    for a, b in zip(direct, ref, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-9, rtol=1e-9)


def test_low_elevations_fall_back_to_itur():
    lat, lon, el = _grid(np.array([0.5, 2.0, 4.99]))
    ref = itur_attenuation(lat, lon, el, 19.0, 0.5)
    got = atmospheric_attenuation(lat, lon, el, 19.0, 0.5)
    np.testing.assert_allclose(got.total_db, ref.total_db, atol=1e-9)


def test_gas_and_cloud_scale_as_cosecant():
    # P.676-12 Annex 2 and P.840-7: A(el) = A(90) / sin(el)
    el = np.array([90.0, 30.0, 10.0])
    a = atmospheric_attenuation(40.0, -3.0, el, 20.0, 0.5)
    np.testing.assert_allclose(a.gas_db * np.sin(np.deg2rad(el)), a.gas_db[0], rtol=1e-12)
    np.testing.assert_allclose(a.cloud_db * np.sin(np.deg2rad(el)), a.cloud_db[0],
                               rtol=1e-12)
    # total combines as P.618-13 section 2.5
    np.testing.assert_allclose(
        a.total_db, a.gas_db + np.sqrt((a.rain_db + a.cloud_db) ** 2
                                       + a.scintillation_db ** 2))


def test_shapes_scalars_and_longitude_wrap():
    a = atmospheric_attenuation(10.0, 350.0, 30.0, 12.0, 0.1)
    b = atmospheric_attenuation(10.0, -10.0, 30.0, 12.0, 0.1)
    assert np.shape(a.total_db) == ()
    assert float(a.total_db) == float(b.total_db)
    c = atmospheric_attenuation(np.array([[10.0], [20.0]]), 0.0, np.array([20.0, 40.0, 60.0]),
                                12.0, 0.1)
    assert c.total_db.shape == (2, 3)
    # attenuation falls with elevation and rises with frequency at a rainy place
    assert np.all(np.diff(c.total_db, axis=1) < 0)
    ka = atmospheric_attenuation(np.array([[10.0], [20.0]]), 0.0,
                                 np.array([20.0, 40.0, 60.0]), 20.0, 0.1)
    assert np.all(ka.total_db > c.total_db)


def test_cache_reuse_and_clear():
    clear_attenuation_cache()
    assert len(attenuation_cache_info()) == 0
    lat, lon, el = _grid(np.array([30.0, 60.0]))
    atmospheric_attenuation(lat, lon, el, 12.0, 0.3)
    info = attenuation_cache_info()
    assert set(info["kind"]) == {"zenith", "spline"}
    assert (info["places"] == len(PLACES)).all()
    atmospheric_attenuation(lat[::-1], lon[::-1], el + 1.0, 12.0, 0.3)
    assert (attenuation_cache_info()["places"] == len(PLACES)).all()
    clear_attenuation_cache()
    assert len(attenuation_cache_info()) == 0


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(p_percent=0.0001), ValueError, r"p_percent must be in \[0.001, 5\] %"),
    (dict(p_percent=10.0), ValueError, r"p_percent must be in \[0.001, 5\] %"),
    (dict(freq_ghz=60.0), ValueError, r"freq_ghz must be in \[1, 55\] GHz"),
    (dict(elevation_deg=0.0), ValueError, r"elevation_deg must be in \(0, 90\] deg"),
    (dict(lat_deg=95.0), ValueError, r"lat_deg must be in \[-90, 90\] deg"),
    (dict(antenna_diameter_m=0.0), ValueError, "antenna_diameter_m"),
    (dict(antenna_efficiency=1.5), ValueError, "antenna_efficiency"),
    (dict(p_percent=[0.1, 1.0]), TypeError, "must be scalars"),
    (dict(method="fast"), ValueError, "unknown method 'fast'"),
])
def test_bad_input(kwargs, exc, match):
    args = dict(lat_deg=10.0, lon_deg=10.0, elevation_deg=30.0, freq_ghz=12.0, p_percent=1.0)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        atmospheric_attenuation(**args)
