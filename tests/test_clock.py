"""Results and warnings must not depend on the day the code runs (issue 11, point 1).

astropy compares its bundled leap-second table's expiry date with today's date and warns
"leap-second file is expired" once the clock passes it (seen when the suite was run under
``faketime 2031-07-15``: notebook outputs gained a stderr warning). satcloud turns that
comparison off (``iers.conf.auto_max_age = None``, see :mod:`satcloud.time`); these tests
move astropy's notion of today past any table's expiry and check that nothing changes.
"""

import warnings

import numpy as np
import pytest
from astropy.time import Time
from astropy.utils import iers

from satcloud import time as sctime


@pytest.fixture
def far_future(monkeypatch):
    # 2150: after the expiry of any leap-second table astropy-iers-data will ever ship
    today = Time("2150-01-01", scale="tai", format="iso", out_subfmt="date")
    monkeypatch.setattr(iers.LeapSeconds, "_today", staticmethod(lambda: today))
    return today


def test_satcloud_turns_off_the_clock_dependent_table_age_checks():
    # astropy documents auto_max_age = None as "do not check the age" (iers.Conf)
    assert iers.conf.auto_download is False
    assert iers.conf.auto_max_age is None


def test_leap_second_table_opens_without_stale_warning_on_a_future_date(far_future):
    assert iers.LeapSeconds._today() == far_future
    table = iers.LeapSeconds.auto_open()
    assert table.expires < far_future  # the table really is "expired" on that day
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        iers.LeapSeconds.auto_open()


def test_earth_rotation_is_the_same_on_any_day(monkeypatch, far_future):
    # Earth rotation angle at 2020-10-01: the same whether "today" is now or 2150; the
    # value itself is checked against skyfield in test_orbits.
    t = sctime.time_grid("2020-10-01", "1h", "10min")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        era = sctime.earth_rotation_angle_rad(t)
    monkeypatch.setattr(iers.conf, "auto_max_age", 30.0)   # astropy's default
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        era_default = sctime.earth_rotation_angle_rad(t)
    np.testing.assert_array_equal(era, era_default)
