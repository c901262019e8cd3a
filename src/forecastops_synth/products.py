"""The product catalog: categories, Zipf popularity, names, shelf life, launches and discontinuations.

The most popular products of each category stay on sale over the whole history, so launches and
discontinuations never leave a category without a long series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops_synth.config import SynthConfig
from forecastops_synth.timeline import DAY, Timeline

BRANDS = ("Harvest Table", "Golden Valley", "Prairie Pride", "Bayside")


def make_products(cfg: SynthConfig, rng: np.random.Generator, tl: Timeline) -> pd.DataFrame:
    """One row per product, in catalog order; `pop` is popularity relative to the top product."""
    cats = cfg.category_ids()
    n = cfg.n_products
    cat_idx = np.arange(n) % len(cats)
    ranks = rng.permutation(n) + 1
    pop = ranks.astype(float) ** -cfg.zipf_exponent
    nbrs = np.sort(rng.choice(np.arange(1, 100000), n, replace=False))
    premium = np.array([rng.random() < cfg.categories[cats[c]].premium_share for c in cat_idx])
    descs, shelf = _names_and_shelf_life(cfg, rng, cat_idx, premium)
    launch, discontinue = _launch_and_discontinue(cfg, rng, tl, cat_idx, pop)
    return pd.DataFrame(
        {
            "item_nbr": nbrs,
            "ITEM_NBR": [f"SKU-{x:05d}" for x in nbrs],
            "DESCRIPTION": descs,
            "cat_idx": cat_idx,
            "CATEGORY": [cats[c] for c in cat_idx],
            "pop": pop / pop.max(),
            "premium": premium,
            "launch": launch,
            "discontinue": discontinue,
            "SHELF_LIFE_DAYS": shelf,
        }
    )


def _names_and_shelf_life(
    cfg: SynthConfig, rng: np.random.Generator, cat_idx: np.ndarray, premium: np.ndarray
) -> tuple[list[str], list[int]]:
    """Brand + category item (numbered once a category's items run out), and a shelf life."""
    cats = cfg.category_ids()
    descs, shelf = [], []
    for j, c in enumerate(cat_idx):
        spec = cfg.categories[cats[c]]
        k = j // len(cats)
        item = spec.items[k % len(spec.items)]
        brand = "Reserve" if premium[j] else BRANDS[k % len(BRANDS)]
        suffix = f" No.{k // len(spec.items) + 1}" if k >= len(spec.items) else ""
        descs.append(f"{brand} {item}{suffix}")
        lo, hi = spec.shelf_life_days
        shelf.append(int(rng.integers(lo, hi + 1)))
    return descs, shelf


def _launch_and_discontinue(
    cfg: SynthConfig, rng: np.random.Generator, tl: Timeline, cat_idx: np.ndarray, pop: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Launch dates (a few during the history) and discontinuation dates (NaT = still sold);
    at least one product is launched and one discontinued, never a category's top 1-3."""
    n = len(cat_idx)
    launches = rng.random(n) < cfg.rates.product_launch_after_start
    discont = (rng.random(n) < cfg.rates.product_discontinue_before_end) & ~launches
    cat_rank = pd.Series(-pop).groupby(cat_idx).rank(method="first").to_numpy()
    per_cat = np.bincount(cat_idx)[cat_idx]
    movable = cat_rank > np.clip(per_cat - 1, 1, 3)
    launches &= movable
    discont &= movable
    free = np.flatnonzero(movable)
    if not launches.any() and len(free):
        launches[free[0]] = True
    if not discont.any() and len(free[~launches[free]]):
        discont[free[~launches[free]][-1]] = True
    old = np.datetime64("2003-01-01") + rng.integers(0, 5000, n) * DAY
    first = tl.start + 20 * 7 * DAY
    new = first + rng.integers(0, int((tl.end - 40 * 7 * DAY - first) // DAY), n) * DAY
    launch = np.where(launches, new, old)
    lo = np.maximum(launch + 52 * 7 * DAY, tl.start + 40 * 7 * DAY)
    span = np.maximum(((tl.end - 8 * 7 * DAY) - lo) // DAY, 1)
    disc = lo + (rng.random(n) * span).astype(int) * DAY
    return launch, np.where(discont, disc, np.datetime64("NaT"))
