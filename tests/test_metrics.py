"""Trajectory metrics that charts and tables rely on."""

import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from core.metrics import nan_percentiles


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.one_of(st.floats(-1e3, 1e3), st.just(float("nan"))), min_size=5, max_size=5), min_size=1),
    st.lists(st.floats(0, 100), min_size=1, max_size=4),
)
def test_nan_percentiles_match_numpy(rows, qs):
    values = np.array(rows)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy warns about rows of NaNs
        expected = np.nanpercentile(values, qs, axis=1)
    np.testing.assert_allclose(nan_percentiles(values, tuple(qs)), expected, rtol=1e-12, atol=1e-9, equal_nan=True)
