"""The time-based train / val / test split, decided once for every region, and the target."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.errors import ForecastopsError


def last_history_week(weeks: pd.Series, is_future: pd.Series) -> pd.Timestamp:
    """The last week with actuals: where the test weeks end, the same for every region."""
    history = weeks[~is_future.astype(bool)]
    if history.empty:
        raise ForecastopsError("featurize: the table has no history rows")
    return history.max()


def assign_splits(
    weeks: pd.Series, is_future: pd.Series, train: TrainConfig, last: pd.Timestamp | None = None
) -> pd.Series:
    """Time-based split on the last history week (``last``: the whole table's, when these weeks
    are one region's): test = most recent weeks, then val, then train."""
    if last is None:
        last = last_history_week(weeks, is_future)
    test_start = last - pd.Timedelta(weeks=train.split.test_weeks - 1)
    val_start = test_start - pd.Timedelta(weeks=train.split.val_weeks)
    train_start = val_start - pd.Timedelta(weeks=train.split.history_weeks)
    split = np.select(
        [is_future, weeks >= test_start, weeks >= val_start, weeks >= train_start],
        ["future", "test", "val", "train"],
        default="warmup",
    )
    return pd.Series(split, index=weeks.index, dtype="string")


def target_and_split(
    table: pd.DataFrame, cfg: FeaturesConfig, train: TrainConfig, last: pd.Timestamp | None = None
) -> tuple[pd.Series, pd.Series]:
    """Each row's target (clipped as configured, missing on future rows) and split (on ``last``,
    the last history week of the whole table, when given)."""
    future = table["is_future"].astype(bool)
    target = table[cfg.target].astype(float)
    if cfg.clip_target_min is not None:
        target = target.clip(lower=cfg.clip_target_min)
    return target.where(~future), assign_splits(table["week_start"], future, train, last)
