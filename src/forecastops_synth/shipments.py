"""Shipments: negative binomial counts of the demand, as the feed reports them.

The feed's quirks are part of the data: whole store-weeks missing (outages) and a few rows replaced
by negative corrections. Zero weeks have no row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastops_synth.assortment import Series
from forecastops_synth.config import SynthConfig
from forecastops_synth.demand import Demand
from forecastops_synth.timeline import Timeline


@dataclass(frozen=True)
class Shipments:
    """What was shipped, and what the feed reports of it."""

    true_qty: np.ndarray  # series x week, units shipped (outage or not)
    rows: pd.DataFrame  # reported rows in file order (week, store, item): s (series), w, qty


def make_shipments(
    cfg: SynthConfig,
    rng: np.random.Generator,
    tl: Timeline,
    n_stores: int,
    series: Series,
    demand: Demand,
) -> Shipments:
    """Draw the counts, drop the outage store-weeks and zero weeks, add negative corrections."""
    mu = np.where(demand.active, np.exp(demand.log_mu), 0.0)
    k = demand.dispersion[:, None]
    qty = rng.negative_binomial(np.broadcast_to(k, mu.shape), k / (k + mu)).astype(np.int64)
    qty[~demand.active] = 0
    outage = _feed_outages(cfg, rng, n_stores, tl.n_weeks)
    reported = np.where(outage[series.store], 0, qty)
    w_idx, s_idx = np.nonzero(reported.T)
    q = reported[s_idx, w_idx]
    neg = rng.random(len(q)) < cfg.rates.negative_correction
    if not neg.any() and len(q):
        neg[rng.integers(0, len(q))] = True
    q = np.where(neg, -rng.integers(1, np.maximum(q // 2, 1) + 1), q)
    return Shipments(true_qty=qty, rows=pd.DataFrame({"s": s_idx, "w": w_idx, "qty": q}))


def _feed_outages(
    cfg: SynthConfig, rng: np.random.Generator, n_stores: int, n_weeks: int
) -> np.ndarray:
    """Store x week: 1-3 whole weeks without rows while the store is open (at least one)."""
    starts = rng.random((n_stores, n_weeks)) < cfg.rates.outage_store_week
    if not starts.any():
        starts[0, n_weeks // 2] = True
    dur = rng.choice([1, 2, 3], p=[0.7, 0.2, 0.1], size=(n_stores, n_weeks))
    outage = np.zeros((n_stores, n_weeks), dtype=bool)
    for s, w in zip(*np.nonzero(starts), strict=True):
        outage[s, w : w + dur[s, w]] = True
    return outage
