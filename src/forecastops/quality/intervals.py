"""Accuracy of quantile forecasts: pinball loss per level, interval coverage, and sanity counts.

Inventory is set at a service level, so each forecast row carries quantiles (``p10``, ``p50``,
``p90`` by default); a P90 that is exceeded 30 % of the time, or a P10 above the P50, would set the
wrong stock. Coverage of a central interval (level, 1 - level) is reported next to its nominal width.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from forecastops.quality.metrics import as_arrays, finite

QUANTILE_COLUMN = re.compile(r"p(\d+(?:\.\d+)?)")


def quantile_name(level: float) -> str:
    """Column / metric name of a quantile level: 0.1 -> "p10", 0.975 -> "p97.5"."""
    pct = round(100 * float(level), 6)
    return f"p{int(pct)}" if pct == int(pct) else f"p{pct:g}"


def quantile_columns(frame: pd.DataFrame) -> dict[float, str]:
    """{level: column} of the quantile forecasts in a predictions table (p10, p50, p90, ...)."""
    found = {}
    for col in frame.columns:
        match = QUANTILE_COLUMN.fullmatch(str(col))
        if match:
            found[float(match.group(1)) / 100] = str(col)
    return dict(sorted(found.items()))


def pinball(actual, quantile, level: float) -> float | None:
    """Mean pinball (quantile) loss of a quantile forecast at ``level``, in units."""
    a, q = as_arrays(actual, quantile)
    if not a.size:
        return None
    diff = a - q
    return finite(np.mean(np.maximum(level * diff, (level - 1) * diff)))


def coverage(actual, lower, upper) -> float | None:
    """Share of actuals inside [lower, upper] (inclusive: a zero forecast covers a zero week)."""
    a, lo = as_arrays(actual, lower)
    _, hi = as_arrays(actual, upper)
    return finite(np.mean((a >= lo) & (a <= hi))) if a.size else None


def _central_pairs(levels: list[float]) -> list[tuple[float, float]]:
    return [(lo, hi) for lo in levels for hi in levels if lo < 0.5 and abs(hi - (1 - lo)) < 1e-9]


def quantile_summary(actual, quantiles: dict[float, np.ndarray]) -> dict[str, float | int | None]:
    """Pinball loss and hit rate (share of actuals at or below) per level, mean pinball, coverage of
    every central interval, and the rows with crossing or negative quantiles (both must be 0)."""
    a = np.asarray(actual, dtype=float)
    levels = sorted(quantiles)
    out: dict[str, float | int | None] = {}
    for lv in levels:
        out[f"pinball_{quantile_name(lv)}"] = pinball(a, quantiles[lv], lv)
        out[f"hit_{quantile_name(lv)}"] = finite(np.mean(a <= quantiles[lv])) if a.size else None
    losses = [v for k, v in out.items() if k.startswith("pinball_") and v is not None]
    out["pinball"] = finite(float(np.mean(losses))) if losses else None
    for lo, hi in _central_pairs(levels):
        name = f"coverage_{quantile_name(lo)}_{quantile_name(hi)}"
        out[name] = coverage(a, quantiles[lo], quantiles[hi])
        out[f"{name}_nominal"] = round(hi - lo, 6)
    stacked = np.column_stack([np.asarray(quantiles[lv], dtype=float) for lv in levels])
    out["quantile_crossings"] = int((np.diff(stacked, axis=1) < -1e-9).any(axis=1).sum())
    out["quantile_negative"] = int((stacked < 0).any(axis=1).sum())
    return out
