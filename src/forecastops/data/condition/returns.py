"""Returned units per store x product x week, on the first row of that key.

Duplicate shipment rows of a key are kept for ``validate`` to judge; putting the week's returns on
the first of them only keeps them counted once whatever validate does with the others.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops.data.condition.catalog import Products, Stores
from forecastops.data.condition.codes import codes, lookup, week_key
from forecastops.data.condition.grid import Rows
from forecastops.data.condition.weeks import week_index


def returned_units(
    returns: pd.DataFrame | None, stores: Stores, products: Products, rows: Rows
) -> np.ndarray:
    """Units returned per row: the key's weekly sum on its first history row, 0 on other history
    rows, NaN on future rows."""
    returned = np.where(rows.future, np.nan, 0.0)
    if returns is None:
        return returned
    store, product = (
        codes(returns["store_id"], stores.ids),
        codes(returns["product_id"], products.ids),
    )
    known = (store >= 0) & (product >= 0)
    units = returns["units_returned"].to_numpy(float)
    series = (store * len(products.ids) + product)[known]
    weekly = (
        pd.Series(units[known])
        .groupby(week_key(series, week_index(returns["week_start"])[known]))
        .sum()
    )
    first_row = ~pd.Series(rows.key).duplicated().to_numpy() & ~rows.future
    position = lookup(rows.key, weekly.index.to_numpy())
    hit = first_row & (position >= 0)
    returned[hit] = weekly.to_numpy()[position[hit]]
    attached, total = float(returned[hit].sum()), float(np.nansum(units))
    if total - attached > 0:
        # Returns for weeks outside every series' span (before its first shipment, after a close
        # or discontinuation, or for a store x product never shipped) have no row.
        print(
            f"condition: warning: {total - attached:g} of {total:g} returned units fall "
            "outside any series' active weeks and are not in the table"
        )
    return returned
