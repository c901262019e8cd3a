"""Stores: how many per region, their size, zip code and demographics, and when they open and close.

Every region gets at least 2 large and 2 small stores, and one of each stays open over the whole
history, so every region x format segment the pipeline models has data in every week.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from forecastops_synth.config import RegionSpec, SynthConfig
from forecastops_synth.timeline import DAY, Timeline


def make_stores(cfg: SynthConfig, rng: np.random.Generator, tl: Timeline) -> pd.DataFrame:
    """One row per store, sorted by store_nbr; `slot` is the store's position in its region."""
    regions = cfg.region_ids()
    counts = _stores_per_region(cfg)
    rows: list[dict] = []
    for ri, region in enumerate(regions):
        rows.extend(_region_stores(cfg, rng, region, ri, int(counts[ri])))
    st = pd.DataFrame(rows)
    n = len(st)
    st["store_nbr"] = np.sort(rng.choice(np.arange(1000, 10000), n, replace=False))[
        rng.permutation(n)
    ]
    st["large"] = st["sq_ft"] > cfg.large_sqft_threshold
    # the first large and the first small store of each region stay open over the whole history
    open_date, close_date = _open_close_dates(cfg, rng, tl, st["slot"].isin([0, 2]).to_numpy())
    st["open_date"] = open_date
    st["close_date"] = close_date
    return st.sort_values("store_nbr", kind="stable").reset_index(drop=True)


def _stores_per_region(cfg: SynthConfig) -> np.ndarray:
    """4 stores per region plus the rest split by region weight (largest remainders)."""
    weights = cfg.region_values("weight")
    extra = cfg.n_stores - 4 * len(weights)
    quota = extra * weights / weights.sum()
    counts = np.floor(quota).astype(int)
    order = np.argsort(-(quota - counts), kind="stable")
    counts[order[: extra - counts.sum()]] += 1
    return counts + 4


def _region_stores(
    cfg: SynthConfig, rng: np.random.Generator, region: str, ri: int, n: int
) -> list[dict]:
    """The `n` stores of one region: size, zip and demographics drawn around the region's."""
    spec = cfg.regions[region]
    sq = _store_sizes(cfg, rng, n)
    zips = _store_zips(cfg, rng, spec, n)
    income = spec.median_income * np.exp(rng.normal(0, 0.28, n))
    kids = np.clip(rng.normal(0.30, 0.07, n), 0.08, 0.6)
    density = spec.pop_density * np.exp(rng.normal(0, 0.8, n))
    age = np.clip(rng.normal(spec.median_age, 4.0, n), 24, 65)
    return [
        {
            "region": region,
            "region_idx": ri,
            "slot": i,
            "sq_ft": int(sq[i]),
            "zip": zips[i],
            "median_income": int(round(income[i] / 100) * 100),
            "pct_families_with_kids": round(float(kids[i]), 2),
            "pop_density": int(round(density[i], -1)),
            "median_age": round(float(age[i]), 1),
        }
        for i in range(n)
    ]


def _store_sizes(cfg: SynthConfig, rng: np.random.Generator, n: int) -> np.ndarray:
    """Log-normal square feet; slots 0-1 are forced large and 2-3 small (format threshold)."""
    thr = cfg.large_sqft_threshold
    sq = np.exp(rng.normal(math.log(cfg.sqft_median), cfg.sqft_log_sd, n))
    sq[:2] = np.maximum(sq[:2], thr * np.exp(np.abs(rng.normal(0.25, 0.2, 2))))
    sq[2:4] = np.minimum(sq[2:4], thr * np.exp(-np.abs(rng.normal(0.35, 0.2, 2))))
    sq = np.clip(np.round(sq / 500) * 500, 6000, 120000).astype(int)
    sq[:2] = np.maximum(sq[:2], thr + 500)
    sq[2:4] = np.minimum(sq[2:4], thr - 500)
    return sq


def _store_zips(cfg: SynthConfig, rng: np.random.Generator, spec: RegionSpec, n: int) -> list[str]:
    """Zips from a pool smaller than the stores, so some stores share a zip (and its weather)."""
    n_zip = max(1, math.ceil(n * cfg.zips_per_store))
    pre = rng.choice(spec.zip_prefixes, size=4 * n_zip)
    suf = rng.integers(0, 100, size=4 * n_zip)
    pool = list(dict.fromkeys(f"{p}{s:02d}" for p, s in zip(pre, suf, strict=True)))
    pool = pool[:n_zip]
    return [pool[i] for i in rng.integers(0, len(pool), size=n)]


def _open_close_dates(
    cfg: SynthConfig, rng: np.random.Generator, tl: Timeline, protected: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Opening dates (a few during the history) and closing dates (a few, NaT = still open);
    at least one store opens late and one closes, and no `protected` store does either."""
    n = len(protected)
    first = tl.start + 26 * 7 * DAY
    span_open = int((tl.end - 60 * 7 * DAY - first) // DAY)
    opens_late = (rng.random(n) < cfg.rates.store_open_after_start) & ~protected
    closes = (rng.random(n) < cfg.rates.store_close_before_end) & ~protected & ~opens_late
    if not opens_late.any() and (~protected).any():
        opens_late[np.flatnonzero(~protected)[0]] = True
    if not closes.any() and (~protected & ~opens_late).any():
        closes[np.flatnonzero(~protected & ~opens_late)[-1]] = True
    old_open = np.datetime64("1988-01-01") + rng.integers(0, 10500, n) * DAY
    new_open = first + rng.integers(0, max(span_open, 1), n) * DAY
    open_date = np.where(opens_late, new_open, old_open)
    close_lo = np.maximum(open_date + 52 * 7 * DAY, tl.start + 52 * 7 * DAY)
    close_span = ((tl.end - 10 * 7 * DAY) - close_lo) // DAY
    close_date = close_lo + (rng.random(n) * np.maximum(close_span, 1)).astype(int) * DAY
    return open_date, np.where(closes, close_date, np.datetime64("NaT"))
