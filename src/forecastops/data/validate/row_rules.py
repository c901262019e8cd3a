"""Rules that flag rows and hand them to ``apply_action``: one function per rule.

Each takes the table and its rule's ``Check`` and returns the table after the rule's action. Only
history rows are judged: future rows have no demand yet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops.config.sections.validation import RelativeBound
from forecastops.data.table import SERIES_WEEK_KEY, history_rows
from forecastops.data.validate.actions import apply_action
from forecastops.data.validate.outages import outage_rows
from forecastops.data.validate.report import MAX_EXAMPLES, Check
from forecastops.data.validate.schema import duplicate_rows, null_rows


def unknown_store(df: pd.DataFrame, check: Check) -> pd.DataFrame:
    """A store missing from the stores source has no region (condition leaves it null)."""
    return apply_action(df, check, null_rows(df, "region"))


def unknown_product(df: pd.DataFrame, check: Check) -> pd.DataFrame:
    """A product missing from the products source has no category."""
    return apply_action(df, check, null_rows(df, "category"))


def duplicates(df: pd.DataFrame, check: Check) -> pd.DataFrame:
    """Raw history rows sharing a key; ``drop`` keeps the first, else every row is shown."""
    raw = history_rows(df) & ~df["_filled"].to_numpy(bool)
    keep_first = check.rule.action == "drop"
    return apply_action(df, check, duplicate_rows(df, raw, SERIES_WEEK_KEY, keep_first))


def negative(df: pd.DataFrame, check: Check) -> pd.DataFrame:
    column = check.rule.column
    below_zero = history_rows(df) & (df[column].to_numpy(float) < 0)
    return apply_action(df, check, below_zero, column, low=0.0)


def missing_values(df: pd.DataFrame, check: Check) -> pd.DataFrame:
    """Missing values in any listed column; ``fill_zero`` fills each column's own missing rows."""
    columns = check.rule.columns
    history = history_rows(df)
    flagged = np.zeros(len(df), bool)
    for column in columns:
        missing = history & df[column].isna().to_numpy()
        flagged |= missing
        if check.rule.action == "fill_zero" and missing.any():
            part = Check(check.name, check.rule, column, check.what)
            df = apply_action(df, part, missing, column)
            check.examples = (check.examples + part.examples)[:MAX_EXAMPLES]
    check.violations = int(flagged.sum())
    if check.rule.action != "fill_zero" and check.violations:
        df = apply_action(df, check, flagged, columns[0])
    return df


def _bound(df: pd.DataFrame, column: str, bound: float | RelativeBound | None) -> float | None:
    """A range bound as a number: a relative one from the column's raw history values."""
    if not isinstance(bound, RelativeBound):
        return bound
    raw = history_rows(df) & ~df["_filled"].to_numpy(bool)
    values = df.loc[raw, column].to_numpy(float)
    values = values[np.isfinite(values)]
    return float(np.quantile(values, bound.quantile)) * bound.factor if len(values) else None


def out_of_range(df: pd.DataFrame, check: Check) -> pd.DataFrame:
    rule = check.rule
    low, high = _bound(df, rule.column, rule.min), _bound(df, rule.column, rule.max)
    if (low, high) != (rule.min, rule.max):  # relative bounds: say what they came to
        shown = ["-" if b is None else f"{b:.6g}" for b in (low, high)]
        check.what = f"{check.what}: [{shown[0]}, {shown[1]}] on this data"
    values = df[rule.column].to_numpy(float)
    outside = np.zeros(len(df), bool)  # NaN compares false: missing values are not flagged
    if low is not None:
        outside |= values < low
    if high is not None:
        outside |= values > high
    return apply_action(df, check, outside, rule.column, low, high)


def missing_weeks(df: pd.DataFrame, check: Check) -> pd.DataFrame:
    return apply_action(df, check, outage_rows(df))
