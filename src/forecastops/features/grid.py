"""Series x week matrices: the shape in which lags and rolling windows are computed without loops."""

from __future__ import annotations

import numpy as np
import pandas as pd


def wide(df: pd.DataFrame, column: str, week_index: pd.Series, n_weeks: int) -> np.ndarray:
    """Series x week matrix (NaN where a week is absent: dropped outage weeks or outside the span)."""
    out = np.full((df["_sid"].max() + 1, n_weeks), np.nan)
    out[df["_sid"].to_numpy(), week_index.to_numpy()] = df[column].to_numpy(dtype=float)
    return out


def shift(a: np.ndarray, k: int) -> np.ndarray:
    """Columns shifted right by ``k`` weeks (left for negative ``k``), NaN where unknown."""
    out = np.full_like(a, np.nan)
    if k >= 0:
        out[:, k:] = a[:, : a.shape[1] - k]
    else:
        out[:, :k] = a[:, -k:]
    return out


def rolling(a: np.ndarray, window: int, fn: str) -> np.ndarray:
    frame = pd.DataFrame(a.T)
    roll = frame.rolling(window, min_periods=1)
    return getattr(roll, fn)().to_numpy().T
