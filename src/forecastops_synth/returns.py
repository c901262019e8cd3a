"""Returns (returns.jsonl): daily records of goods sent back, a few percent of what was shipped.

Returns follow what was actually shipped, even in outage weeks the feed does not report, and a few
bulk returns (recalls, overstock) exceed a week's shipment: both are quirks the pipeline must handle.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops_synth.assortment import Series
from forecastops_synth.config import SynthConfig
from forecastops_synth.timeline import DAY, Timeline

REASONS = np.array(["damaged", "expired", "customer_return", "overstock"])
REASON_P = [0.35, 0.3, 0.2, 0.15]


def make_returns(
    cfg: SynthConfig,
    rng: np.random.Generator,
    tl: Timeline,
    series: Series,
    true_qty: np.ndarray,
    return_rate: np.ndarray,
) -> pd.DataFrame:
    """Return records (date, store, sku, qty, reason) up to the last history day, sorted."""
    rates = cfg.rates
    s_idx, w_idx = np.nonzero(true_qty)  # goods actually shipped (outage or not)
    q = true_qty[s_idx, w_idx].astype(float)
    expect = q * return_rate[s_idx]
    p = np.minimum(0.9, expect / rates.return_event_units)
    hit = rng.random(len(q)) < p
    mean_units = np.where(p > 0, expect / np.maximum(p, 1e-12), 0.0)
    units = 1 + rng.poisson(np.maximum(mean_units - 1, 0))
    day = rng.integers(0, 14, len(q))
    bulk = rng.random(len(q)) < rates.bulk_return
    if not bulk.any() and len(q):
        bulk[int(np.argmax(q))] = True
    bulk_units = np.ceil(q * rng.uniform(1.2, 1.8, len(q))).astype(int) + 1
    bulk_day = rng.integers(0, 7, len(q))
    reason = REASONS[rng.choice(4, p=REASON_P, size=len(q))]
    bulk_reason = np.where(rng.random(len(q)) < 0.5, "recall", "overstock")
    sel = np.concatenate([np.flatnonzero(hit), np.flatnonzero(bulk)])
    is_bulk = np.concatenate([np.zeros(hit.sum(), bool), np.ones(bulk.sum(), bool)])
    date = tl.weeks[w_idx[sel]] + np.where(is_bulk, bulk_day[sel], day[sel]) * DAY
    df = pd.DataFrame(
        {
            "s": s_idx[sel],
            "date": date,
            "qty": np.where(is_bulk, bulk_units[sel], units[sel]),
            "reason": np.where(is_bulk, bulk_reason[sel], reason[sel]),
        }
    )
    df = df[df["date"] <= tl.last_day]
    df["store"] = series.store_nbr[df["s"].to_numpy()]
    df["sku"] = series.sku[df["s"].to_numpy()]
    return df.sort_values(["date", "store", "sku", "qty", "reason"], kind="stable")
