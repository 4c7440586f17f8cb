"""Property tests (hypothesis) of the link terms."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from satcloud.links import combine_ratios_db, fspl_db, modcod_table, select_modcod

TABLE = modcod_table()
finite_db = st.floats(-10.0, 60.0, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-10.0, 30.0, allow_nan=False), min_size=2, max_size=50),
       st.floats(0.0, 3.0))
def test_acm_efficiency_never_falls_as_esn0_rises(es, im):
    es = np.sort(np.array(es))
    c = select_modcod(es, im, TABLE)
    assert np.all(np.diff(c.spectral_efficiency_bps_per_hz) >= 0)
    ok = ~c.outage
    # every chosen MODCOD closes: Es/N0 >= threshold + implementation margin
    assert np.all(es[ok] >= c.required_esn0_db[ok] + im - 1e-12)
    assert not np.isnan(c.spectral_efficiency_bps_per_hz).any()


@settings(max_examples=100, deadline=None)
@given(st.lists(finite_db, min_size=1, max_size=6))
def test_combined_ratio_below_each_term_and_order_free(terms):
    tot = combine_ratios_db(*terms)
    assert tot <= min(terms) + 1e-9
    assert np.isclose(tot, combine_ratios_db(*terms[::-1]))
    # never more than 10 log10(n) below the worst term
    assert tot >= min(terms) - 10 * np.log10(len(terms)) - 1e-9


@settings(max_examples=100, deadline=None)
@given(st.floats(1.0, 1e5), st.floats(0.1, 100.0), st.floats(1.01, 10.0))
def test_fspl_grows_with_distance_and_frequency(d, f, k):
    assert fspl_db(d * k, f) > fspl_db(d, f)
    assert fspl_db(d, f * k) > fspl_db(d, f)
    np.testing.assert_allclose(fspl_db(d * k, f) - fspl_db(d, f), 20 * np.log10(k))
