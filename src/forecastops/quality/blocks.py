"""Every metric of one set of forecast rows against their actuals: the block ``evaluate`` writes per
segment into metrics.json, and ``monitor`` computes on the actuals that arrive later, so both judge
the same figures with the same gate.

The headline is MAPE against the historical-average baseline (mape_reduction = 1 - mape /
baseline_mape), as in the reference case; WAPE, bias, MASE, each component and the naive "last known
week" reference sit beside it; the quantile forecasts get pinball loss and interval coverage.
"""

from __future__ import annotations

from typing import get_args

import pandas as pd

from forecastops.config.sections.model import NNSource
from forecastops.quality import metrics
from forecastops.quality.bootstrap import WORSE
from forecastops.quality.intervals import quantile_columns, quantile_summary

COMPARED = ("baseline", "naive", "lasso", "nn")  # each reported beside the ensemble
EPS = 1e-12  # a tie with the best component counts as "no worse"


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


def segment_counts(per_segment: dict[str, dict], bias_tolerance: float) -> dict[str, int]:
    """How many of ``per_segment`` (metrics.json segment entries) meet each forecast-quality
    target a planner relies on: ``evaluate`` writes them, the README table counts per class."""
    rows = per_segment.values()
    return {
        # on the metric of its gate rule (what the gate requires), and on MAPE (the headline)
        "segments_beating_baseline": sum(s["gate"]["beats_baseline"] is True for s in rows),
        "segments_beating_baseline_mape": sum(s["beats_baseline_mape"] for s in rows),
        "segments_bias_within_tolerance": sum(
            s["bias"] is not None and abs(s["bias"]) <= bias_tolerance + EPS for s in rows
        ),
        "segments_wape_le_best_component": sum(
            s["wape"] is not None and s["wape"] <= min(s["lasso_wape"], s["nn_wape"]) + EPS
            for s in rows
        ),
        # the strict count above treats a gap of 0.01 % as a loss; this one only a gap beyond the
        # noise of the test weeks (``quality.versus``)
        "segments_wape_worse_than_a_component": sum(
            s["versus_better_component"]["verdict"] == WORSE for s in rows
        ),
        **{
            f"segments_nn_{source}": sum(s["nn_source"] == source for s in rows)
            for source in get_args(NNSource)
        },
    }
