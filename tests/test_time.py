"""satcloud.time: the steps of a time array (the time grid, the duration parser and Earth
rotation are tested in test_orbits.py, test_bad_input_orbits.py and test_clock.py)."""

import numpy as np
import pytest
from astropy.time import Time

from satcloud.time import sample_durations_s, time_grid, uniform_step_s


def test_steps_of_a_grid_across_a_leap_second():
    # 2016-12-31T23:59:60 is a leap second (IERS Bulletin C 52): a grid of SI seconds
    # keeps its step, a naive UTC subtraction would not
    t = time_grid("2016-12-31T23:58:00", "4min", "60s")
    np.testing.assert_allclose(sample_durations_s(t), 60.0, rtol=0, atol=1e-6)
    assert uniform_step_s(t) == 60.0
    assert uniform_step_s(t[:1]) == 0.0
    np.testing.assert_array_equal(sample_durations_s(t[:1]), [1.0])


def test_steps_of_uneven_and_bad_times():
    t = Time(["2020-10-01T00:00:00", "2020-10-01T00:01:00", "2020-10-01T00:04:00"])
    np.testing.assert_allclose(sample_durations_s(t), [60.0, 180.0, 120.0], atol=1e-6)
    with pytest.raises(ValueError, match="uniformly spaced"):
        uniform_step_s(t)
    with pytest.raises(ValueError, match=r"times must be strictly increasing; times\[1\]"):
        sample_durations_s(t[::-1])
    with pytest.raises(TypeError, match="times: cannot read 'soon'"):
        uniform_step_s("soon")
