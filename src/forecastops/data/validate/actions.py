"""What a rule does to the rows it flags: count them, keep examples, then drop, clip or zero them.

``fail`` and ``report`` change nothing here: ``fail`` stops the stage in ``stage`` once every rule
has run, so the report still covers them all.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from forecastops.data.table import LINEAGE, SERIES_WEEK_KEY, history_rows
from forecastops.data.validate.report import MAX_EXAMPLES, Check

# net_demand is derived from these; changing one recomputes it on the changed history rows
DEMAND_PARTS = ("units_shipped", "units_returned")


def jsonable(value: Any) -> Any:
    """A cell as a JSON value: dates as YYYY-MM-DD, missing and non-finite numbers as null."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, dt.date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _examples(df: pd.DataFrame, mask: np.ndarray, columns: list[str]) -> list[dict[str, Any]]:
    """Up to 5 violating rows, raw rows (with lineage) before zero-filled ones."""
    rows = df.loc[mask]
    if "_filled" in rows:
        filled = rows["_filled"].astype(bool)
        rows = pd.concat([rows[~filled], rows[filled]])
    shown = [
        c for c in dict.fromkeys([*SERIES_WEEK_KEY, "region", *columns, *LINEAGE]) if c in rows
    ]
    return [
        {c: jsonable(v) for c, v in zip(shown, row, strict=True)}
        for row in rows[shown].head(MAX_EXAMPLES).itertuples(index=False)
    ]


def apply_action(
    df: pd.DataFrame,
    check: Check,
    mask: np.ndarray,
    column: str | None = None,
    low: float | None = None,
    high: float | None = None,
) -> pd.DataFrame:
    """Record the flagged rows on ``check`` and apply its rule's action to them."""
    check.violations = int(mask.sum())
    if not check.violations:
        return df
    check.examples = _examples(df, mask, [column] if column else [])
    action = check.rule.action
    if action == "drop":
        return df.loc[~mask].reset_index(drop=True)
    if action not in ("clip", "fill_zero") or not column:
        return df
    df = df.copy()
    values = df[column].to_numpy(float).copy()
    if action == "fill_zero":
        values[mask] = 0.0
    else:
        values[mask] = np.clip(
            values[mask],
            low if low is not None else -np.inf,
            high if high is not None else np.inf,
        )
    df[column] = values
    if column in DEMAND_PARTS and "net_demand" in df:
        fix = mask & history_rows(df)
        df.loc[fix, "net_demand"] = df.loc[fix, "units_shipped"] - df.loc[fix, "units_returned"]
    return df
