"""Rules on the table as a whole: it must be recent enough and large enough.

They flag no rows (their one example is the measured value), so their actions change nothing; a
``fail`` action stops the stage like any other rule.
"""

from __future__ import annotations

import pandas as pd

from forecastops.data.table import history_rows
from forecastops.data.validate.report import MAX_EXAMPLES, Check


def stale_data(df: pd.DataFrame, check: Check) -> pd.DataFrame:
    """Each region's last history week against the reference: ``reference_date`` when configured,
    else the data's own last history week. No clock is read, so the report repeats byte for byte;
    a region whose feed stopped while the others kept delivering is what it catches."""
    history = df.loc[history_rows(df), ["region", "week_start"]]
    if len(history):
        last = history.groupby("region", sort=True)["week_start"].max()
        newest = pd.Timestamp(last.max())
        week = pd.Timedelta(days=6)
        reference = pd.Timestamp(check.rule.reference_date or newest + week)
        age = (reference - (last + week)).dt.days // 7
        check.what = (
            f"each region's last history week within {check.rule.max_age_weeks} week(s) of "
            f"{reference.date()} (the data's last week starts {newest.date()})"
        )
        stale = age[age > check.rule.max_age_weeks]
        check.violations = len(stale)
        check.examples = [
            {"region": r, "week_start": str(last[r].date()), "age_weeks": int(a)}
            for r, a in stale.items()
        ][:MAX_EXAMPLES]
    return df


def too_few_rows(df: pd.DataFrame, check: Check) -> pd.DataFrame:
    n_history = int(history_rows(df).sum())
    if n_history < check.rule.min_rows:
        check.violations = 1
        check.examples = [{"history_rows": n_history}]
    return df
