"""Guarantee the pipeline's segments: every region x store format has fast and slow series.

The pipeline models region x format x velocity segments; a random draw can leave one empty in a
small config (the sample), so the nearest series are pushed across the velocity threshold.
"""

from __future__ import annotations

import numpy as np

from forecastops_synth.assortment import Series
from forecastops_synth.config import SynthConfig


def ensure_segments(
    cfg: SynthConfig, log_mu: np.ndarray, active: np.ndarray, series: Series, large: np.ndarray
) -> None:
    """Shift whole series in `log_mu` (in place) until each region x format has at least
    `min_series_per_segment` fast and slow ones by mean weekly demand over the last 3 years.
    `large` is the store format per series; only series active over all those weeks count."""
    k = cfg.min_series_per_segment
    thr = cfg.velocity_threshold
    n_weeks = log_mu.shape[1]
    recent = slice(max(0, n_weeks - 156), n_weeks)
    act = active[:, recent]
    mu = np.exp(log_mu[:, recent])
    full = act.all(axis=1)
    mean = np.where(act, mu, 0).sum(axis=1) / np.maximum(act.sum(axis=1), 1)
    for ri in range(len(cfg.region_ids())):
        for fmt in (True, False):
            cand = np.flatnonzero((series.region == ri) & (large == fmt) & full)
            fast = cand[mean[cand] >= 1.5 * thr]
            if len(fast) < k:
                rest = cand[mean[cand] < 1.5 * thr]
                pick = rest[np.argsort(-mean[rest], kind="stable")][: k - len(fast)]
                log_mu[pick] += np.log(2.0 * thr / mean[pick])[:, None]
            slow = cand[mean[cand] <= 0.5 * thr]
            if len(slow) < k:
                rest = cand[(mean[cand] > 0.5 * thr) & ~np.isin(cand, fast)]
                pick = rest[np.argsort(mean[rest], kind="stable")][: k - len(slow)]
                log_mu[pick] += np.log(0.3 * thr / mean[pick])[:, None]
