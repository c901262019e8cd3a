"""Paired bootstrap intervals of metric deltas (head - base), resampling series.

Shared by the PR and main comments (run against run), by ``evaluate`` (the ensemble against its
better component, segment by segment) and by ``train`` (a blend against the better component on
the validation weeks, ``modeling.choose``).

The weeks of one store x product series are not independent draws (its level carries over), so the
unit resampled is the series: within each segment, series are drawn with replacement and a drawn
series brings its base and head forecasts along together (paired), so the interval says how much
the delta depends on which series happen to be in the test set. Every metric of the report is a
ratio of sums over rows, so a series is reduced to its sums once and a resample is a weighted sum
(thousands of series x 1,000 draws in well under a second). Each segment draws from its own
generator (seeded by ``report.bootstrap.seed`` and its name: adding a segment moves no other's
interval); the overall row adds up its segments' draws (a stratified bootstrap).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecastops.config.sections.report import BootstrapConfig
from forecastops.quality.gate import segment_class

KEY = ["segment", "store_id", "product_id", "week_start"]  # one forecast row
SERIES = ["segment", "store_id", "product_id"]  # the unit resampled
OVERALL = "overall"
CLASS_ROW = "{} movers"  # a segment class's row: its segments' draws added up, like the overall
# per-row sums every metric is built from, in this order
STATS = (
    "n_pos", "ape", "abs_err", "abs_actual", "n_zero", "sq_zero", "n", "sq", "base_ape", "scaled",
    "n_scaled",
)  # fmt: skip
# A MAPE reduction (1 - mape / baseline_mape) moves by -delta(mape) / baseline_mape: its delta is
# sized against mape / baseline_mape = 1 - reduction, so "1 % of the base" means a 1 % move of MAPE
# (its own value may be near 0, where any wobble would count).
SCALE = {"mape_reduction": lambda base: 1 - base}
BETTER, WORSE, NOISE, SAME, NONE = "better", "worse", "within noise", "unchanged", "no interval"


@dataclass(frozen=True)
class Interval:
    delta: float
    low: float | None
    high: float | None
    scale: float  # what the delta is relative to: the base's value (see ``SCALE``)

    def verdict(self, lower_is_better: bool, min_effect: float = 0.0) -> str:
        """better / worse when the interval excludes 0 and the delta is at least ``min_effect``
        of ``scale`` (a consistent but negligible change is still noise); else within noise, or
        unchanged when both runs scored exactly alike."""
        if self.low is None or self.high is None:
            return NONE
        if self.delta == 0 and self.low == 0 and self.high == 0:
            return SAME
        if self.low <= 0 <= self.high or abs(self.delta) < min_effect * abs(self.scale):
            return NOISE
        return BETTER if (self.high < 0) == lower_is_better else WORSE


def _row_stats(frame: pd.DataFrame, side: str) -> np.ndarray:
    a = frame[f"actual{side}"].to_numpy(float)
    f = frame[f"ensemble{side}"].to_numpy(float)
    b = frame[f"baseline{side}"].to_numpy(float)
    s = frame[f"mase_scale{side}"].to_numpy(float)
    pos, zero = a > 0, a == 0
    ok = np.isfinite(s) & (s > 0)
    err = f - a
    safe_a, safe_s = np.where(pos, a, 1.0), np.where(ok, s, 1.0)
    cols = [
        pos, np.where(pos, np.abs(err) / safe_a, 0.0), np.abs(err), np.abs(a), zero,
        np.where(zero, err**2, 0.0), np.ones_like(a), err**2,
        np.where(pos, np.abs(b - a) / safe_a, 0.0), np.where(ok, np.abs(err) / safe_s, 0.0), ok,
    ]  # fmt: skip
    return np.column_stack([np.asarray(c, dtype=float) for c in cols])


def metric_values(sums: np.ndarray) -> dict[str, np.ndarray]:
    """Each report metric from sums (``STATS`` on the last axis); NaN where undefined."""
    s = {name: sums[..., i] for i, name in enumerate(STATS)}
    with np.errstate(divide="ignore", invalid="ignore"):
        mape = s["ape"] / s["n_pos"]
        base_mape = s["base_ape"] / s["n_pos"]
        return {
            "mape": mape,
            "wape": s["abs_err"] / s["abs_actual"],
            "rmse_0": np.sqrt(s["sq_zero"] / s["n_zero"]),
            "rmse_all": np.sqrt(s["sq"] / s["n"]),
            "baseline_mape": base_mape,
            "mape_reduction": 1 - mape / base_mape,
            "mase": s["scaled"] / s["n_scaled"],
        }


def _interval(base: np.ndarray, head: np.ndarray, level: float, metric: str) -> Interval:
    """``base``/``head``: one metric per draw, the full sample last."""
    point, deltas = head[-1] - base[-1], head[:-1] - base[:-1]
    scale = float(SCALE.get(metric, float)(base[-1]))
    deltas = deltas[np.isfinite(deltas)]
    if not np.isfinite(point) or deltas.size == 0:
        return Interval(float(point), None, None, scale)
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(deltas, [tail, 100 - tail])
    return Interval(float(point), float(low), float(high), scale)


def _intervals(base: np.ndarray, head: np.ndarray, level: float) -> dict[str, Interval]:
    """``base``/``head``: draws x STATS, plus the full sample as the last row."""
    mb, mh = metric_values(base), metric_values(head)
    return {m: _interval(mb[m], mh[m], level, m) for m in mb}


def _draws(segment: str, n_series: int, cfg: BootstrapConfig) -> np.ndarray:
    """Resample weights (draws x series): how often each series is drawn."""
    rng = np.random.default_rng([cfg.seed, zlib.crc32(segment.encode())])
    picks = rng.integers(0, n_series, size=(cfg.resamples, n_series))
    weights = np.zeros((cfg.resamples, n_series))
    np.add.at(weights, (np.arange(cfg.resamples)[:, None], picks), 1.0)
    return weights


def paired_intervals(
    base: pd.DataFrame, head: pd.DataFrame, cfg: BootstrapConfig
) -> dict[str, dict[str, Interval]]:
    """``{segment, "<class> movers" or "overall": {metric: Interval}}`` over the rows both runs
    forecast."""
    paired = base.merge(head, on=KEY, suffixes=("_b", "_h"))
    stats = {side: _row_stats(paired, side) for side in ("_b", "_h")}
    groups = paired.groupby(SERIES, sort=True).ngroup().to_numpy()
    out: dict[str, dict[str, Interval]] = {}
    totals: dict[str, dict[str, Any]] = {OVERALL: {side: 0.0 for side in stats}}
    for segment, rows in paired.groupby("segment", sort=True).indices.items():
        codes, series = np.unique(groups[rows], return_inverse=True)
        weights = np.vstack([_draws(str(segment), len(codes), cfg), np.ones(len(codes))])
        sums = {}
        for side, values in stats.items():
            per_series = np.zeros((len(codes), len(STATS)))
            np.add.at(per_series, series, values[rows])
            sums[side] = weights @ per_series
        out[str(segment)] = _intervals(sums["_b"], sums["_h"], cfg.level)
        for group in (OVERALL, CLASS_ROW.format(segment_class(str(segment)))):
            added = totals.setdefault(group, {side: 0.0 for side in stats})
            for side in stats:
                added[side] = added[side] + sums[side]
    if out:
        out.update({k: _intervals(v["_b"], v["_h"], cfg.level) for k, v in totals.items()})
    return out
