"""Which feature rows a model may learn from or forecast, split by split."""

from __future__ import annotations

import pandas as pd

from forecastops.errors import ForecastopsError


def canonical(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in one fixed order: mini-batches and float sums then do not depend on the caller's,
    and validation forecasts line up with the rows they were made for."""
    return rows.sort_values(["store_id", "product_id", "week_start"], kind="stable")


def usable(rows: pd.DataFrame, split: str) -> pd.DataFrame:
    """Rows of a split that have a target and a known level (some history before the horizon)."""
    mask = (rows["split"] == split) & rows["level"].notna()
    if split != "future":
        mask &= rows["target"].notna()
    return rows[mask]


def splits(rows: pd.DataFrame, what: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Train, validation and test rows; each must have rows or ``what`` cannot be fitted."""
    train, val, test = (usable(rows, s) for s in ("train", "val", "test"))
    if len(train) == 0 or len(val) == 0 or len(test) == 0:
        raise ForecastopsError(
            f"train: {what} has {len(train)} train / {len(val)} val / {len(test)} test rows; "
            "each split needs rows (check train.split in conf/train and the data's date range)"
        )
    return train, val, test


def hold_out_last_weeks(
    train: pd.DataFrame, weeks: int, what: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The training rows before their last ``weeks`` weeks, and those weeks: the networks stop
    early there, so the validation weeks stay unseen until the ensemble is chosen on them."""
    last = sorted(train["week_start"].unique())[-weeks:]
    tail = train["week_start"].isin(last)
    fit, stop = train[~tail], train[tail]
    if len(fit) == 0 or len(stop) == 0:
        raise ForecastopsError(
            f"train: {what} has {len(fit)} rows before its last {weeks} training weeks and "
            f"{len(stop)} in them; both need rows (model.nn.stop_weeks in conf/model)"
        )
    return fit, stop
