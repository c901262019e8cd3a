"""Retransformation (Duan smearing) and conformal quantiles: pure functions on synthetic data."""

import numpy as np
import pandas as pd

from forecastops.modeling import calibration
from forecastops.quality.intervals import coverage, quantile_summary
from forecastops.quality.metrics import bias


def _rows(level: np.ndarray, target: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"level": level, "target": target})


def _lognormal_demand(n: int, sigma: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    level = rng.uniform(2, 50, n)
    # log1p(y) = log1p(level) + noise: the model's best prediction of the log target is its mean
    noise = rng.normal(-0.1, sigma, n)
    return _rows(level, np.expm1(np.log1p(level) + noise))


def test_plain_back_transform_is_biased_low_and_smearing_removes_it():
    fit = _lognormal_demand(20_000, 0.6, 0)
    new = _lognormal_demand(20_000, 0.6, 1)
    pred = np.full(len(fit), -0.1)  # the mean (and median) of the log-relative target
    plain = calibration.to_units(new, pred, 1.0)
    assert bias(new["target"], plain) < -0.10  # the median under-forecasts the mean
    factor = calibration.duan_factor(fit, pred)
    assert abs(factor - np.exp(0.6**2 / 2)) < 0.02  # lognormal: E[exp(e)] = exp(sigma^2 / 2)
    smeared = calibration.to_units(new, pred, factor)
    assert abs(bias(new["target"], smeared)) < 0.02
    assert (smeared >= 0).all()


def test_smearing_factor_is_one_for_exact_predictions_and_safe_on_empty():
    rows = _rows(np.array([3.0, 10.0]), np.array([3.0, 10.0]))
    assert abs(calibration.duan_factor(rows, np.zeros(2)) - 1.0) < 1e-9
    assert calibration.duan_factor(rows.iloc[:0], np.zeros(0)) == 1.0


def test_conformal_quantiles_cover_nominal_never_cross_never_negative():
    fit = _lognormal_demand(5_000, 0.5, 2)
    new = _lognormal_demand(5_000, 0.5, 3)
    point_fit = calibration.to_units(fit, np.zeros(len(fit)), 1.0)
    point_new = calibration.to_units(new, np.zeros(len(new)), 1.0)
    levels = [0.1, 0.5, 0.9]
    offsets = calibration.conformal_offsets(fit["target"], point_fit, levels)
    assert offsets == sorted(offsets)
    q = calibration.quantile_forecasts(point_new, offsets)
    assert (q >= 0).all() and (np.diff(q, axis=1) >= 0).all()
    assert abs(coverage(new["target"], q[:, 0], q[:, 2]) - 0.8) < 0.03
    summary = quantile_summary(new["target"], dict(zip(levels, q.T, strict=True)))
    assert summary["quantile_crossings"] == 0 and summary["quantile_negative"] == 0
    assert summary["coverage_p10_p90_nominal"] == 0.8
    assert abs(summary["hit_p50"] - 0.5) < 0.03


def test_quantiles_stay_ordered_and_non_negative_for_zero_and_tiny_forecasts():
    offsets = [-3.0, -3.5, 2.0]  # even unsorted offsets cannot make quantiles cross
    q = calibration.quantile_forecasts(np.array([0.0, 0.01, 1.0, 500.0]), offsets)
    assert (q >= 0).all() and (np.diff(q, axis=1) >= 0).all()


def test_naive_mae_is_the_mase_scale():
    rows = pd.DataFrame({"target": [1.0, 4.0, 0.0], "lag_4": [2.0, np.nan, 0.0]})
    assert calibration.naive_mae(rows, 4) == 0.5
    assert calibration.naive_mae(rows.assign(lag_4=rows["target"]), 4) is None
