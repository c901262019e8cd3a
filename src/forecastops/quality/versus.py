"""Is the ensemble worse than its better component on volume, beyond the noise of the test weeks?

Per segment the better component is the one with the lower test WAPE (LASSO or NN: picked with
hindsight, so the comparison is the hardest the ensemble can face). The ensemble's WAPE minus that
component's gets a paired bootstrap interval over the segment's series (``quality.bootstrap``,
settings ``report.bootstrap``, the ones the PR comment judges deltas by): a segment counts as
worse only when the interval lies above 0 and the gap is at least ``min_effect`` of the
component's WAPE. A tie or a gap inside the interval is "within noise": the test weeks cannot tell
the two apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops.config.sections.report import BootstrapConfig
from forecastops.quality.bootstrap import KEY, paired_intervals

COMPONENTS = ("lasso", "nn")
NEEDED = [*KEY, "actual", "ensemble", "baseline", "mase_scale"]


def _better_component(rows: pd.DataFrame) -> str:
    actual = rows["actual"].to_numpy(float)
    errors = {c: np.abs(rows[c].to_numpy(float) - actual).sum() for c in COMPONENTS}
    return min(COMPONENTS, key=lambda c: errors[c])  # first on a tie: stable


def versus_better_component(preds: pd.DataFrame, cfg: BootstrapConfig) -> dict[str, dict]:
    """``{segment, "<class> movers" or "overall": {component, wape_delta, low, high, verdict}}``
    (a class and overall: each segment against its own better component)."""
    better = {str(k): _better_component(rows) for k, rows in preds.groupby("segment", sort=True)}
    base = preds[NEEDED].copy()
    picks = preds["segment"].map(better).to_numpy()
    base["ensemble"] = np.where(picks == "lasso", preds["lasso"], preds["nn"])
    intervals = paired_intervals(base, preds[NEEDED], cfg)
    out = {}
    for key, metrics in intervals.items():
        wape = metrics["wape"]
        out[key] = {
            "component": better.get(key, "per segment"),  # a class or overall: each its own
            "wape_delta": wape.delta,
            "low": wape.low,
            "high": wape.high,
            "verdict": wape.verdict(lower_is_better=True, min_effect=cfg.min_effect),
        }
    return out
