"""Rules on the table as a whole: it must be recent enough and large enough.

They flag no rows (their one example is the measured value), so their actions change nothing; a
``fail`` action stops the stage like any other rule.
"""

from __future__ import annotations

import pandas as pd

from forecastops.data.table import history_rows
from forecastops.data.validate.report import Check


def stale_data(df: pd.DataFrame, check: Check) -> pd.DataFrame:
    """The last history week's age in weeks before the reference date (fixed by ``stage``)."""
    history = history_rows(df)
    if history.any():
        last = pd.Timestamp(df.loc[history, "week_start"].max())
        reference = pd.Timestamp(check.rule.reference_date)
        age = (reference - (last + pd.Timedelta(days=6))).days // 7
        check.what = (
            f"last history week {last.date()} is {age} week(s) before {reference.date()} "
            f"(max {check.rule.max_age_weeks})"
        )
        if age > check.rule.max_age_weeks:
            check.violations = 1
            check.examples = [{"week_start": str(last.date()), "age_weeks": int(age)}]
    return df


def too_few_rows(df: pd.DataFrame, check: Check) -> pd.DataFrame:
    n_history = int(history_rows(df).sum())
    if n_history < check.rule.min_rows:
        check.violations = 1
        check.examples = [{"history_rows": n_history}]
    return df
