"""Parse raw dates and anchor them to the standard week (Monday..Sunday, named by its Monday).

Anchors:

* ``day``: a calendar day -> the Monday of the week containing it.
* ``week_ending``: the date is the last day of a 7-day reporting week (``D-6 .. D``) -> the Monday-based
  week that shares the most days with it, i.e. the Monday of ``D - 3 days``. Sunday-ending weeks map
  to their own Monday (``D - 6``); Friday-ending weeks (Sat..Fri, Walmart) map to the Monday of the
  same calendar week (``D - 4``, 5 of 7 days shared); Monday-ending weeks to ``D - 7``.
* ``week_starting``: the date is the first day of a 7-day week (``D .. D+6``) -> the Monday of
  ``D + 3 days`` (same majority rule).
* ``none``: the date is kept as is.

``week_end_day`` checks the weekday of week-ending / week-starting dates, so a feed that changes its
reporting week fails loudly instead of shifting every row by a week.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops.config.sections.data import ColumnSpec
from forecastops.data.adapters.text import fail_at_rows

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# days to shift an anchored date by before taking its week's Monday (majority-of-days rule)
ANCHOR_SHIFT_DAYS = {"day": 0, "week_ending": -3, "week_starting": 3}
# dates a nanosecond timestamp holds, a week inside its range so that anchoring cannot overflow
FIRST_DATE = (pd.Timestamp.min + pd.Timedelta(weeks=1)).normalize()
LAST_DATE = (pd.Timestamp.max - pd.Timedelta(weeks=1)).normalize()


def monday(dates: pd.Series) -> pd.Series:
    """The Monday starting each date's week."""
    return dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")


def parse_dates(raw: pd.Series, spec: ColumnSpec, where: str, rows: np.ndarray) -> pd.Series:
    """Raw text -> datetime64[ns], checked (``week_end_day``) and anchored as ``spec`` says."""
    present = raw.notna().to_numpy()
    dates = pd.to_datetime(raw.str.strip(), format=spec.format, errors="coerce")
    bad = present & dates.isna().to_numpy()
    fail_at_rows(bad, where, f"unparsable date (format {spec.format or 'ISO 8601'!r})", rows, raw)
    outside = present & ((dates < FIRST_DATE) | (dates > LAST_DATE)).to_numpy()
    problem = (
        f"date outside {FIRST_DATE.date()}..{LAST_DATE.date()} (a sentinel such as 9999-12-31? "
        "list it in the source's na_values)"
    )
    fail_at_rows(outside, where, problem, rows, raw)
    dates = dates.astype("datetime64[ns]")
    if spec.week_end_day is not None:
        wrong = present & (dates.dt.day_of_week.to_numpy() != WEEKDAYS.index(spec.week_end_day))
        problem = f"expected every date to be a {spec.week_end_day} ({spec.anchor})"
        fail_at_rows(wrong, where, problem, rows, raw)
    if spec.anchor in ANCHOR_SHIFT_DAYS:
        return monday(dates + pd.Timedelta(days=ANCHOR_SHIFT_DAYS[spec.anchor]))
    return dates
