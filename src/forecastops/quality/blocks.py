"""Every metric of one set of forecast rows against their actuals: the block ``evaluate`` writes per
segment into metrics.json, and ``monitor`` computes on the actuals that arrive later, so both judge
the same figures with the same gate.

The headline is MAPE against the historical-average baseline (mape_reduction = 1 - mape /
baseline_mape), as in the reference case; WAPE, bias, MASE, each component and the naive "last known
week" reference sit beside it; the quantile forecasts get pinball loss and interval coverage.
"""

from __future__ import annotations

import pandas as pd

from forecastops.quality import metrics
from forecastops.quality.intervals import quantile_columns, quantile_summary

COMPARED = ("baseline", "naive", "lasso", "nn")  # each reported beside the ensemble


def _reduction(model: float | None, reference: float | None) -> float | None:
    if model is None or not reference:
        return None
    return 1 - model / reference


def score_block(frame: pd.DataFrame) -> dict:
    """All metrics for one set of rows (a segment, or everything): columns ``actual``,
    ``ensemble``, ``mase_scale``, each of ``COMPARED`` and the quantiles (p10, p50, p90)."""
    actual = frame["actual"]
    scale = frame["mase_scale"]
    out = metrics.summary(actual, frame["ensemble"])
    out["mase"] = metrics.mase(actual, frame["ensemble"], scale)
    for name in COMPARED:
        ref = metrics.summary(actual, frame[name])
        out.update({f"{name}_{k}": ref[k] for k in ("mape", "wape", "bias", "rmse_0", "rmse_all")})
        out[f"{name}_mase"] = metrics.mase(actual, frame[name], scale)
    quantiles = quantile_columns(frame)
    out.update(quantile_summary(actual, {lv: frame[col] for lv, col in quantiles.items()}))
    out["mape_reduction"] = _reduction(out["mape"], out["baseline_mape"])
    out["mape_reduction_vs_naive"] = _reduction(out["mape"], out["naive_mape"])
    out["wape_reduction"] = _reduction(out["wape"], out["baseline_wape"])
    out["beats_baseline_mape"] = (
        out["mape"] is not None
        and out["baseline_mape"] is not None
        and out["mape"] < out["baseline_mape"]
    )
    return out
