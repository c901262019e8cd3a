"""The weekly grid every generated table lies on: history weeks and days, and the planned future.

All date arithmetic is done in numpy days (`DAY`), which keeps it vectorised and exact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastops_synth.config import SynthConfig

DAY = np.timedelta64(1, "D")


def day64(d: dt.date) -> np.datetime64:
    """A date as a numpy day, the unit of the generator's date arithmetic."""
    return np.datetime64(d.isoformat(), "D")


@dataclass(frozen=True)
class Timeline:
    """History weeks (Monday-based), their days, and how far events and promotions are planned."""

    start: np.datetime64  # Monday of the first history week
    end: np.datetime64  # Monday of the last history week
    n_weeks: int
    weeks: np.ndarray  # Monday of each history week
    last_day: np.datetime64  # Sunday of the last history week
    n_days: int
    future_end: np.datetime64  # events and planned promotions reach this far
    t_years: np.ndarray  # week position in years from the middle of the history (trends)
    doy: np.ndarray  # day of year of each week's Thursday (seasonality)

    @classmethod
    def from_config(cls, cfg: SynthConfig) -> Timeline:
        start = day64(cfg.start_week)
        end = day64(cfg.end_week)
        n_weeks = int((end - start) // 7 // DAY) + 1
        weeks = start + 7 * np.arange(n_weeks) * DAY
        last_day = weeks[-1] + 6 * DAY
        mid = pd.DatetimeIndex(weeks + 3 * DAY)
        return cls(
            start=start,
            end=end,
            n_weeks=n_weeks,
            weeks=weeks,
            last_day=last_day,
            n_days=7 * n_weeks,
            future_end=last_day + 7 * cfg.future_weeks * DAY,
            t_years=(np.arange(n_weeks) - n_weeks / 2) / 52.18,
            doy=mid.day_of_year.to_numpy().astype(float),
        )
