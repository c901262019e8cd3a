"""Promotion discount per row: the largest discount of the promotions overlapping its week.

A promotion applies to its product in one region, or in every region when its ``region`` is the
configured ``all_scope`` value (or the source maps no region). Regional and every-region promotions
are looked up in two tables and the larger discount wins; rows without any promotion get 0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from forecastops.data.adapters.dates import monday
from forecastops.data.condition.catalog import Products, Stores
from forecastops.data.condition.codes import codes, lookup, take, week_key
from forecastops.data.condition.grid import Rows
from forecastops.data.condition.weeks import offsets_within_runs, week_index
from forecastops.errors import ForecastopsError


def _check_dates(promotions: pd.DataFrame, data_root: Path) -> None:
    bad = (promotions["end"] < promotions["start"]).to_numpy()
    if bad.any():
        examples = promotions.loc[bad].head(5)
        rows = ", ".join(f"row {r}" for r in examples["_source_row"])
        raise ForecastopsError(
            f"{data_root / examples['_source_file'].iloc[0]}, columns start/end: "
            f"end before start at {rows}"
        )


def _weekly(promotions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(promotion row, week index) for every week a promotion overlaps."""
    first, last = week_index(monday(promotions["start"])), week_index(monday(promotions["end"]))
    n_weeks = last - first + 1
    return np.repeat(np.arange(len(promotions)), n_weeks), np.repeat(first, n_weeks) + (
        offsets_within_runs(n_weeks)
    )


def promo_discount(
    promotions: pd.DataFrame | None,
    stores: Stores,
    products: Products,
    rows: Rows,
    all_scope: str,
    data_root: Path,
) -> np.ndarray:
    """Max discount over each row's week for its product x region (or every region); else 0."""
    if promotions is None:
        return np.zeros(len(rows.key))
    _check_dates(promotions, data_root)
    promo_row, week = _weekly(promotions)
    product = codes(promotions["product_id"], products.ids)[promo_row]
    discount = promotions["discount"].to_numpy(float)[promo_row]
    if "region" in promotions:
        scope = promotions["region"].astype("str").to_numpy(object)[promo_row]
        every_region = scope == all_scope
        region = stores.regions.get_indexer(pd.Index(scope, dtype="object")).astype(np.int64)
    else:
        every_region = np.ones(len(promo_row), bool)
        region = np.full(len(promo_row), -1, np.int64)
    # product x region code; the stride leaves room for the pseudo region of unknown stores
    n_region_codes = len(stores.regions) + 1
    regional = (product >= 0) & (region >= 0) & ~every_region
    regional_max = (
        pd.Series(discount[regional])
        .groupby(week_key(product[regional] * n_region_codes + region[regional], week[regional]))
        .max()
    )
    everywhere = (product >= 0) & every_region
    everywhere_max = (
        pd.Series(discount[everywhere])
        .groupby(week_key(product[everywhere], week[everywhere]))
        .max()
    )
    row_region = stores.region_or_unknown(rows.store)
    at_regional = lookup(
        week_key(rows.product * n_region_codes + row_region, rows.week),
        regional_max.index.to_numpy(),
    )
    at_everywhere = lookup(week_key(rows.product, rows.week), everywhere_max.index.to_numpy())
    best = np.fmax(
        take(regional_max.to_numpy(), at_regional), take(everywhere_max.to_numpy(), at_everywhere)
    )
    return np.nan_to_num(best, nan=0.0)
