"""From the log-relative scale back to units: the mean (smearing), and quantiles (conformal).

The models predict ``r = log1p(demand) - log1p(level)``; ``expm1(r + log1p(level))`` forecasts a
median, biased low on skewed demand. Duan's smearing restores the mean:

    E[demand] = (1 + level) * exp(r_hat) * S - 1,    S = mean(exp(r - r_hat)) on validation weeks

estimated per segment and component from models that never saw those weeks. Quantiles are split
conformal on the same weeks: the empirical ``level``-quantiles ``c_l`` of log1p(actual) -
log1p(forecast) give ``q_l = max(expm1(log1p(forecast) + c_l), 0)``: monotone in ``l`` by
construction (non-decreasing offsets, monotone transform), never negative.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops.modeling.design import log_level, relative_target


def duan_factor(rows: pd.DataFrame, predicted_relative: np.ndarray) -> float:
    """Smearing factor mean(exp(residual)) of log-relative predictions on ``rows``."""
    resid = relative_target(rows).astype(float) - np.asarray(predicted_relative, dtype=float)
    resid = resid[np.isfinite(resid)]
    factor = float(np.mean(np.exp(resid))) if resid.size else 1.0
    return factor if np.isfinite(factor) and factor > 0 else 1.0


def to_units(rows: pd.DataFrame, relative: np.ndarray, factor: float) -> np.ndarray:
    """Forecast in units: (1 + level) * exp(relative) * factor - 1, never below zero."""
    rel = np.asarray(relative, dtype=float) + log_level(rows)
    return np.clip(np.exp(rel) * factor - 1, 0, None)


def conformal_offsets(actual: np.ndarray, forecast: np.ndarray, levels: list[float]) -> list[float]:
    """Empirical quantiles of log1p(actual) - log1p(forecast), non-decreasing in ``levels``."""
    a = np.log1p(np.clip(np.asarray(actual, dtype=float), 0, None))
    f = np.log1p(np.clip(np.asarray(forecast, dtype=float), 0, None))
    errors = (a - f)[np.isfinite(a - f)]
    if not errors.size:
        return [0.0 for _ in levels]
    return [float(x) for x in np.maximum.accumulate(np.quantile(errors, levels))]


def quantile_forecasts(forecast: np.ndarray, offsets: list[float]) -> np.ndarray:
    """(rows x levels) quantile forecasts: never crossing, never below zero."""
    f = np.log1p(np.clip(np.asarray(forecast, dtype=float), 0, None))
    q = np.clip(np.expm1(f[:, None] + np.asarray(offsets, dtype=float)[None, :]), 0, None)
    return np.maximum.accumulate(q, axis=1)


def naive_mae(rows: pd.DataFrame, horizon: int) -> float | None:
    """In-sample MAE of the naive forecast (the week ``horizon`` weeks back): the MASE scale."""
    lag = rows[f"lag_{horizon}"].to_numpy(dtype=float)
    y = rows["target"].to_numpy(dtype=float)
    ok = np.isfinite(lag) & np.isfinite(y)
    mae = float(np.mean(np.abs(y[ok] - np.clip(lag[ok], 0, None)))) if ok.any() else 0.0
    return mae if mae > 0 else None
