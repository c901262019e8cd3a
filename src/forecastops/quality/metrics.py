"""Forecast accuracy metrics, defined once for training, evaluation, monitoring and reports.

MAPE follows the reference case: rows whose actual is zero are excluded (and counted); RMSE-0 is
the error on exactly those zero-actual weeks. WAPE and bias sit beside MAPE because on store x product
data a few tiny actuals dominate it; `ape_over_1` counts the rows whose error exceeds the actual.
"""

from __future__ import annotations

import math

import numpy as np


def as_arrays(actual, forecast) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast, dtype=float)
    if a.shape != f.shape:
        raise ValueError(f"actual and forecast differ in shape: {a.shape} vs {f.shape}")
    return a, f


def finite(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def as_number(value: object) -> float | None:
    """A metric value read back from JSON as a float; None for missing, booleans or NaN."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def mape(actual, forecast) -> float | None:
    """Mean absolute percentage error over rows with actual > 0; None when there are none."""
    a, f = as_arrays(actual, forecast)
    pos = a > 0
    return finite(np.mean(np.abs(f[pos] - a[pos]) / a[pos])) if pos.any() else None


def wape(actual, forecast) -> float | None:
    a, f = as_arrays(actual, forecast)
    total = np.abs(a).sum()
    return finite(np.abs(f - a).sum() / total) if total > 0 else None


def bias(actual, forecast) -> float | None:
    """Relative bias: (sum of forecasts - sum of actuals) / sum of actuals."""
    a, f = as_arrays(actual, forecast)
    total = a.sum()
    return finite((f.sum() - total) / total) if total > 0 else None


def rmse(actual, forecast) -> float | None:
    a, f = as_arrays(actual, forecast)
    return finite(np.sqrt(np.mean((f - a) ** 2))) if a.size else None


def rmse_zero(actual, forecast) -> float | None:
    """RMSE on the weeks whose actual is zero (how much is forecast where nothing sold)."""
    a, f = as_arrays(actual, forecast)
    zero = a == 0
    return rmse(a[zero], f[zero]) if zero.any() else None


def mase(actual, forecast, scale) -> float | None:
    """Mean absolute scaled error: |forecast - actual| / scale averaged over rows, where ``scale``
    (per row: its segment's in-sample MAE of the naive forecast, ``horizon`` weeks back) makes a
    value below 1 mean "better than the naive forecast was in sample" (Hyndman & Koehler)."""
    a, f = as_arrays(actual, forecast)
    s = np.asarray(scale, dtype=float)
    ok = np.isfinite(s) & (s > 0)
    return finite(np.mean(np.abs(f[ok] - a[ok]) / s[ok])) if ok.any() else None


def summary(actual, forecast) -> dict[str, float | int | None]:
    """Every metric of one forecast against the actuals."""
    a, f = as_arrays(actual, forecast)
    pos = a > 0
    ape = np.abs(f[pos] - a[pos]) / a[pos]
    return {
        "mape": mape(a, f),
        "wape": wape(a, f),
        "bias": bias(a, f),
        "rmse_0": rmse_zero(a, f),
        "rmse_all": rmse(a, f),
        "n_rows": int(a.size),
        "n_zero_actuals": int((~pos).sum()),
        "ape_over_1": int((ape > 1).sum()),
    }


# Selection metrics for the ensemble weights (``model.ensemble.select_metric``).
SCORERS = {"mape": mape, "wape": wape, "rmse_all": rmse}
