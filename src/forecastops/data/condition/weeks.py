"""Weeks as integers: the week index is the number of weeks since Monday 1970-01-05.

Working on integer week indexes (instead of timestamps) lets the grid, the joins and the composite
keys be plain numpy arithmetic over millions of rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# week index standing for "never" (no close / discontinue date): after every real week, and a
# quarter of the int64 range so that adding a horizon to it stays in range
NEVER = np.iinfo(np.int64).max // 4


def week_index(mondays: pd.Series) -> np.ndarray:
    """Monday dates -> week index; NaT -> ``NEVER``."""
    days = mondays.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    index = (days.astype(np.int64) - 4) // 7
    return np.where(pd.isna(mondays).to_numpy(), NEVER, index)


def week_start(index: np.ndarray) -> np.ndarray:
    """Week index -> its Monday (datetime64[ns])."""
    return (index * 7 + 4).astype("datetime64[D]").astype("datetime64[ns]")


def last_full_week(closing: pd.Series) -> np.ndarray:
    """Close / discontinue date (the first day closed) -> index of the last week entirely before it
    (its Sunday < the date); NaT -> ``NEVER``."""
    return week_index(closing - pd.Timedelta(days=7))


def week_of_year(index: np.ndarray) -> np.ndarray:
    """ISO week of year of each week index, week 53 counted as 52 (so every year has each week)."""
    unique, inverse = np.unique(index, return_inverse=True)
    iso_week = pd.DatetimeIndex(week_start(unique)).isocalendar().week.to_numpy(np.int64)
    return np.minimum(iso_week, 52)[inverse]


def offsets_within_runs(lengths: np.ndarray) -> np.ndarray:
    """0, 1, .., n-1 for each run length n, concatenated: with ``np.repeat(start, lengths)`` this
    expands (start, length) runs into consecutive weeks without a Python loop."""
    return np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
