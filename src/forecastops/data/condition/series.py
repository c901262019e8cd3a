"""Store x product series: their active spans, the zero-filled weeks in them and their future weeks.

A series' active span runs from its first shipment week to the last history week, cut at store
close / product discontinuation (a week is kept only if it ends before the close date, the first
day closed). Span weeks with no shipment row are zero-filled: zero demand is implicit in the raw
data. A series is active, and gets the next ``horizon_weeks`` weeks as future rows, if its store is
open, its product not discontinued and it shipped (> 0 units) within the last
``active_within_weeks`` history weeks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastops.data.condition.catalog import Products, Stores
from forecastops.data.condition.codes import week_key
from forecastops.data.condition.weeks import offsets_within_runs


@dataclass
class Spans:
    """One entry per store x product series with shipments (series code = store * n + product)."""

    code: np.ndarray
    first_week: np.ndarray
    stop_week: np.ndarray  # last week before close / discontinuation
    shipped_recently: np.ndarray


def series_spans(
    series: np.ndarray,
    week: np.ndarray,
    shipped: np.ndarray,
    recent_after: int,
    n_product: int,
    stores: Stores,
    products: Products,
) -> Spans:
    """Span and activity of each series; ``recent_after``: the last week not counted as recent."""
    by_series = (
        pd.DataFrame(
            {"series": series, "week": week, "recent": (week > recent_after) & (shipped > 0)}
        )
        .groupby("series", sort=True)
        .agg(first=("week", "min"), recent=("recent", "any"))
    )
    code = by_series.index.to_numpy(np.int64)
    stop = np.minimum(stores.last_week[code // n_product], products.last_week[code % n_product])
    return Spans(
        code, by_series["first"].to_numpy(np.int64), stop, by_series["recent"].to_numpy(bool)
    )


def zero_filled_weeks(
    spans: Spans, last: int, shipped_keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(series, week) of the span weeks without a shipment row."""
    length = np.maximum(np.minimum(last, spans.stop_week) - spans.first_week + 1, 0)
    series = np.repeat(spans.code, length)
    week = np.repeat(spans.first_week, length) + offsets_within_runs(length)
    missing = ~np.isin(week_key(series, week), shipped_keys)
    return series[missing], week[missing]


def future_weeks(spans: Spans, last: int, horizon_weeks: int) -> tuple[np.ndarray, np.ndarray]:
    """(series, week) of the next ``horizon_weeks`` weeks (cut at close) of the active series."""
    active = spans.shipped_recently & (spans.stop_week > last)
    length = np.where(
        active, np.clip(np.minimum(last + horizon_weeks, spans.stop_week) - last, 0, None), 0
    )
    return np.repeat(spans.code, length), last + 1 + offsets_within_runs(length)
