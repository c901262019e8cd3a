"""The calendar of an extension's new weeks and what was already planned for them: the weekly
grid, the promotions of the plan that touch those weeks, and new products launched in them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from forecastops_synth.assortment import Series
from forecastops_synth.config import SynthConfig
from forecastops_synth.demand import Demand
from forecastops_synth.injected import launch_family, launch_ramp
from forecastops_synth.returns import make_returns
from forecastops_synth.shipments import make_shipments
from forecastops_synth.timeline import DAY, Timeline

# Random streams of the new weeks, apart from the history's default_rng(seed): the window
# default_rng([seed, STREAM]); new products [seed, STREAM, NEW_PRODUCTS] (so adding them changes
# nothing else); the weather forecast issued after N new weeks [seed, STREAM, FORECAST, N].
STREAM, NEW_PRODUCTS, FORECAST = 1, 2, 3


def window_timeline(
    before: np.datetime64, t0: float, n_weeks: int, future_end: np.datetime64
) -> Timeline:
    """``n_weeks`` weeks after the week starting ``before``; trend time from ``t0`` on."""
    weeks = before + 7 * (1 + np.arange(n_weeks)) * DAY
    return Timeline(
        start=weeks[0],
        end=weeks[-1],
        n_weeks=n_weeks,
        weeks=weeks,
        last_day=weeks[-1] + 6 * DAY,
        n_days=7 * n_weeks,
        future_end=future_end,
        t_years=t0 + np.arange(n_weeks) / 52.18,
        doy=pd.DatetimeIndex(weeks + 3 * DAY).day_of_year.to_numpy().astype(float),
    )


def window_promotions(
    table: pd.DataFrame, products: pd.DataFrame, regions: list[str], tl: Timeline
) -> tuple[np.ndarray, np.ndarray]:
    """Per region x product x week of the window: discount x share of the week covered, and the
    discount of a promotion that ended the week before (the post-promotion dip)."""
    shape = (len(regions), len(products), tl.n_weeks)
    eff, post = np.zeros(shape), np.zeros(shape)
    row_of = {sku: i for i, sku in enumerate(products["ITEM_NBR"])}
    live = table[table["e"].to_numpy().astype("datetime64[D]") >= tl.start - 7 * DAY]
    for promo in live.itertuples(index=False):
        s, e = np.datetime64(promo.s, "D"), np.datetime64(promo.e, "D")
        ri, pj, d = regions.index(promo.region), row_of[promo.ITEM_NBR], promo.discount_pct / 100
        first, last = ((s - tl.start) // DAY) // 7, ((e - tl.start) // DAY) // 7
        for wk in range(max(first, 0), min(last, tl.n_weeks - 1) + 1):
            ws = tl.weeks[wk]
            cover = (int((min(e, ws + 6 * DAY) - max(s, ws)) // DAY) + 1) / 7.0
            eff[ri, pj, wk] = max(eff[ri, pj, wk], d * cover)
        if 0 <= last + 1 < tl.n_weeks and eff[ri, pj, last + 1] == 0:
            post[ri, pj, last + 1] = d
    return eff, post


def _family(spec, products: pd.DataFrame, series: Series, tl: Timeline, cfg: SynthConfig):
    """One new_products drift: the catalog with the family, its series (the twins' stores) and
    the rows of ``series`` they copy."""
    base_rows = len(products)
    products, twins = launch_family(cfg, spec, products, tl)
    position = {int(p): k for k, p in enumerate(twins)}
    idx = np.flatnonzero(np.isin(series.prod, twins))
    prod = base_rows + np.array([position[int(p)] for p in series.prod[idx]], dtype=np.int64)
    new = dataclasses.replace(
        series.subset(idx), prod=prod, sku=products["ITEM_NBR"].to_numpy()[prod]
    )
    return products, new, idx


def new_products(cfg: SynthConfig, world, tl: Timeline, demand: Demand):
    """Catalog and series with every new_products drift added, and the family's shipment rows
    (``s`` numbered after the existing series) and returns; (None, None) rows without any."""
    products, series = world.products, world.series
    rng = np.random.default_rng([cfg.seed, STREAM, NEW_PRODUCTS])
    rows, returns = [], []
    for spec in (d for d in cfg.drift if d.kind == "new_products"):
        products, new, idx = _family(spec, products, world.series, tl, cfg)
        launch = tl.weeks[spec.from_week]
        fam = Demand(
            demand.log_mu[idx] + launch_ramp(cfg, tl, launch)[None, :],
            demand.active[idx] & (tl.weeks >= launch)[None, :],
            demand.dispersion[idx],
            demand.return_rate[idx],
        )
        shipped = make_shipments(cfg, rng, tl, len(world.stores), new, fam)
        rows.append(shipped.rows.assign(s=shipped.rows["s"] + len(series)))
        returns.append(make_returns(cfg, rng, tl, new, shipped.true_qty, fam.return_rate))
        series = series.joined(new)
    if not rows:
        return products, series, None, None
    return products, series, pd.concat(rows, ignore_index=True), pd.concat(returns)
