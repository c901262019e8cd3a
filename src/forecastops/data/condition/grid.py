"""The table's rows: every shipment row (duplicates kept: ``validate`` decides), a zero-filled row
(``_filled``) for each span week without one and ``is_future`` rows of the active series (``series``
says which), sorted into table order with their lineage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastops.data.condition.catalog import Products, Stores
from forecastops.data.condition.codes import codes, week_key
from forecastops.data.condition.series import future_weeks, series_spans, zero_filled_weeks
from forecastops.data.condition.weeks import week_index


@dataclass
class Rows:
    """The table's rows, sorted by series, week, raw before filled, then lineage."""

    store: np.ndarray
    product: np.ndarray
    week: np.ndarray
    key: np.ndarray  # week_key(series, week)
    shipped: np.ndarray  # NaN on future rows
    filled: np.ndarray
    future: np.ndarray
    file_code: np.ndarray  # into source_files; -1 on zero-filled and future rows
    source_row: np.ndarray
    source_files: list[str]


def build_rows(
    shipments: pd.DataFrame,
    stores: Stores,
    products: Products,
    horizon_weeks: int,
    active_within_weeks: int,
) -> Rows:
    """Shipment rows (duplicates kept), zero-filled rows and future rows, in table order."""
    n_product = len(products.ids)
    series = codes(shipments["store_id"], stores.ids) * n_product + codes(
        shipments["product_id"], products.ids
    )
    week = week_index(shipments["week_start"])
    shipped = shipments["units_shipped"].to_numpy(float)
    last = int(week.max())
    spans = series_spans(
        series, week, shipped, last - active_within_weeks, n_product, stores, products
    )
    filled_series, filled_week = zero_filled_weeks(spans, last, week_key(series, week))
    future_series, future_week = future_weeks(spans, last, horizon_weeks)

    n_shipped, n_filled, n_future = len(series), len(filled_series), len(future_series)
    files = shipments["_source_file"].astype("category").cat
    all_series = np.concatenate([series, filled_series, future_series])
    columns = {
        "week": np.concatenate([week, filled_week, future_week]),
        "shipped": np.concatenate([shipped, np.zeros(n_filled), np.full(n_future, np.nan)]),
        "filled": np.repeat([False, True, False], [n_shipped, n_filled, n_future]),
        "future": np.repeat([False, False, True], [n_shipped, n_filled, n_future]),
        "file_code": np.concatenate(
            [files.codes.to_numpy(np.int64), np.full(n_filled + n_future, -1)]
        ),
        "source_row": np.concatenate(
            [shipments["_source_row"].to_numpy(np.int64), np.zeros(n_filled + n_future, np.int64)]
        ),
    }
    order = np.lexsort(
        (
            columns["source_row"],
            columns["file_code"],
            columns["filled"],
            columns["week"],
            all_series,
        )
    )
    all_series = all_series[order]
    columns = {name: values[order] for name, values in columns.items()}
    return Rows(
        store=all_series // n_product,
        product=all_series % n_product,
        key=week_key(all_series, columns["week"]),
        source_files=list(files.categories),
        **columns,
    )
