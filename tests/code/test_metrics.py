import math

import numpy as np
import pytest

from forecastops.quality import metrics


def test_mape_excludes_zero_actuals_and_summary_counts_them():
    actual = [0, 10, 20, 0]
    forecast = [5, 12, 10, 0]
    # only the rows with actual > 0: |12-10|/10 = 0.2 and |10-20|/20 = 0.5
    assert metrics.mape(actual, forecast) == pytest.approx(0.35)
    s = metrics.summary(actual, forecast)
    assert s["n_zero_actuals"] == 2
    assert s["n_rows"] == 4


def test_rmse_zero_is_error_on_zero_actual_weeks_only():
    actual = [0, 10, 0]
    forecast = [3, 100, 4]
    assert metrics.rmse_zero(actual, forecast) == pytest.approx(math.sqrt((9 + 16) / 2))
    assert metrics.rmse(actual, forecast) == pytest.approx(math.sqrt((9 + 8100 + 16) / 3))


def test_wape_bias_and_dominating_rows():
    actual = np.array([1.0, 100.0])
    forecast = np.array([40.0, 100.0])
    s = metrics.summary(actual, forecast)
    assert s["mape"] == pytest.approx(19.5)  # one tiny actual dominates MAPE ...
    assert s["wape"] == pytest.approx(39 / 101)  # ... but not WAPE
    assert s["bias"] == pytest.approx(39 / 101)
    assert s["ape_over_1"] == 1


def test_undefined_metrics_are_none_not_nan():
    assert metrics.mape([0, 0], [1, 2]) is None
    assert metrics.rmse_zero([1, 2], [1, 2]) is None
    assert metrics.wape([0], [0]) is None
    with pytest.raises(ValueError, match="shape"):
        metrics.mape([1, 2], [1])
