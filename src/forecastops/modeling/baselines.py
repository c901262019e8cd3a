"""The references every model is judged against: historical average and "same as last time"."""

from __future__ import annotations

import numpy as np
import pandas as pd


def historical_average(rows: pd.DataFrame, history: pd.DataFrame) -> np.ndarray:
    """Baseline: each series' mean weekly demand over all its weeks before the forecast period."""
    means = history.groupby(["store_id", "product_id"])["target"].mean()
    keys = pd.MultiIndex.from_frame(rows[["store_id", "product_id"]])
    return np.nan_to_num(means.reindex(keys).to_numpy(dtype=float), nan=0.0)


def running_mean(rows: pd.DataFrame) -> np.ndarray:
    """Each series' mean over every week known at forecast time (the baseline's information)."""
    return np.nan_to_num(rows["rmean_all"].to_numpy(dtype=float), nan=0.0).clip(0)


def naive(rows: pd.DataFrame, horizon: int) -> np.ndarray:
    """Last known week (``horizon`` weeks before the target week): "same as last time"."""
    return np.nan_to_num(rows[f"lag_{horizon}"].to_numpy(dtype=float), nan=0.0).clip(0)
