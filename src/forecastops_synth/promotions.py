"""Promotions per region x product: the planned calendar (promotions.csv) and its demand effect.

A promotion starts in a random week (some shifted off Monday), lasts 1-3 weeks at a discount of
10-60 %, never runs outside the product's sale span, and is followed by at least a week without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from forecastops_synth.config import SynthConfig
from forecastops_synth.timeline import DAY, Timeline

DURATION_WEEKS, DURATION_P = [1, 2, 3], [0.5, 0.35, 0.15]
DISCOUNT_PCT = np.array([10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60])
DISCOUNT_WEIGHT = np.array([8, 12, 14, 14, 14, 11, 9, 7, 6, 3, 2], dtype=float)


@dataclass(frozen=True)
class Promotions:
    """The promotion calendar and, per region x product x history week, its demand drivers."""

    table: pd.DataFrame  # promo_id, ITEM_NBR, region, s, e (first/last day), discount_pct
    eff: np.ndarray  # discount x share of the week covered
    post: np.ndarray  # discount of a promotion that ended the week before (post-promo dip)


@dataclass(frozen=True)
class _Draws:
    """Per region x product x week (history + future): whether and how a promotion would start."""

    start: np.ndarray
    weeks: np.ndarray
    pct: np.ndarray
    misaligned: np.ndarray
    shift_days: np.ndarray


class _Promo(NamedTuple):
    week: int  # week position (history + future) it starts in
    weeks: int
    first: np.datetime64
    last: np.datetime64
    pct: int


def make_promotions(
    cfg: SynthConfig, rng: np.random.Generator, tl: Timeline, products: pd.DataFrame
) -> Promotions:
    """Walk each region x product's weeks, placing promotions where the draws start one."""
    regions = cfg.region_ids()
    n_reg, n_prod = len(regions), len(products)
    draws = _draw(cfg, rng, (n_reg, n_prod, tl.n_weeks + cfg.future_weeks))
    eff = np.zeros((n_reg, n_prod, tl.n_weeks))
    post = np.zeros((n_reg, n_prod, tl.n_weeks))
    launch = products["launch"].to_numpy()
    disc = products["discontinue"].to_numpy()
    rows = []
    for ri in range(n_reg):
        for pj in range(n_prod):
            for promo in _series_promotions(draws, tl, ri, pj, launch[pj], disc[pj]):
                rows.append((promo.first, promo.last, regions[ri], pj, promo.pct))
                _mark_weeks(tl, eff[ri, pj], post[ri, pj], promo)
    pr = pd.DataFrame(rows, columns=["s", "e", "region", "pj", "discount_pct"])
    pr["ITEM_NBR"] = products["ITEM_NBR"].to_numpy()[pr["pj"].to_numpy()]
    pr = pr.sort_values(["s", "region", "ITEM_NBR"], kind="stable").reset_index(drop=True)
    pr["promo_id"] = [f"PR{i + 1:06d}" for i in range(len(pr))]
    table = pr[["promo_id", "ITEM_NBR", "region", "s", "e", "discount_pct"]]
    return Promotions(table=table, eff=eff, post=post)


def _draw(cfg: SynthConfig, rng: np.random.Generator, shape: tuple[int, int, int]) -> _Draws:
    """All random choices up front, one per region x product x week, whether used or not."""
    start = rng.random(shape) < cfg.rates.promo_start_per_week
    weeks = rng.choice(DURATION_WEEKS, p=DURATION_P, size=shape)
    pct = rng.choice(DISCOUNT_PCT, p=DISCOUNT_WEIGHT / DISCOUNT_WEIGHT.sum(), size=shape)
    misaligned = rng.random(shape) < cfg.rates.promo_misaligned
    shift_days = rng.integers(1, 5, size=shape)
    return _Draws(start, weeks, pct, misaligned, shift_days)


def _series_promotions(
    draws: _Draws, tl: Timeline, ri: int, pj: int, launch: np.datetime64, disc: np.datetime64
) -> list[_Promo]:
    """One region x product's promotions, in time order."""
    out = []
    n_all = draws.start.shape[2]
    w = 2
    while w < n_all:
        if not draws.start[ri, pj, w]:
            w += 1
            continue
        dur = int(draws.weeks[ri, pj, w])
        shift = int(draws.shift_days[ri, pj, w]) if draws.misaligned[ri, pj, w] else 0
        s = tl.start + (7 * w + shift) * DAY
        e = s + (7 * dur - 1) * DAY
        if s < launch or (not np.isnat(disc) and e >= disc):
            w += 1
            continue
        out.append(_Promo(w, dur, s, e, int(draws.pct[ri, pj, w])))
        w = int((e - tl.start) // DAY) // 7 + 3  # at least a week of gap
    return out


def _mark_weeks(tl: Timeline, eff: np.ndarray, post: np.ndarray, promo: _Promo) -> None:
    """Record `promo` in one series' weekly `eff` (each week it touches) and `post` (week after)."""
    s, e, d = promo.first, promo.last, promo.pct / 100.0
    for k in range(promo.weeks + 1):
        wk = promo.week + k
        if wk >= tl.n_weeks:
            break
        ws = tl.start + 7 * wk * DAY
        lo = max(s, ws)
        hi = min(e, ws + 6 * DAY)
        cover = max(int((hi - lo) // DAY) + 1, 0) / 7.0
        eff[wk] = max(eff[wk], d * cover)
    after = int((e - tl.start) // DAY) // 7 + 1
    if after < tl.n_weeks and eff[after] == 0:
        post[after] = d
