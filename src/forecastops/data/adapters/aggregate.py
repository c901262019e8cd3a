"""Aggregate a loaded source to weeks, as its ``aggregate`` says (daily sales -> weekly).

``aggregate`` maps standard columns to an aggregation; every other column of the source is part of
the key, so a daily source whose dates are anchored to their week (``anchor: day``) becomes one row
per key x week. Aggregations:

* ``sum``, ``mean``, ``min``, ``max`` of the values present (a week with no value stays missing);
* ``count``: days whose flag is set (true, or a non-zero number), e.g. open days or promo days;
* ``share``: ``count`` / days with a value, e.g. the share of open days.

Each output row keeps the lineage of the first raw row of its group (``_source_file``,
``_source_row``), so a later finding still points at the raw file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops.config.sections.data import SourceSpec
from forecastops.data.table import LINEAGE

# aggregation -> (pandas reduction, whether it reduces the "flag is set" indicator of the values)
REDUCTIONS = {
    "sum": ("sum", False),
    "mean": ("mean", False),
    "min": ("min", False),
    "max": ("max", False),
    "count": ("sum", True),
    "share": ("mean", True),
}


def _values(column: pd.Series, flag: bool) -> pd.Series:
    """The column as floats, or its "flag is set" indicator (1/0, missing stays missing)."""
    values = column.astype("float64")
    return (values != 0).astype("float64").where(values.notna()) if flag else values


def aggregate_to_weeks(df: pd.DataFrame, spec: SourceSpec) -> pd.DataFrame:
    """One row per distinct value of the non-aggregated columns, aggregated as ``spec`` says."""
    keys = [c for c in spec.columns if c not in spec.aggregate]
    frame = df[keys].copy()
    for column, how in spec.aggregate.items():
        frame[column] = _values(df[column], REDUCTIONS[how][1])
    frame[LINEAGE] = df[LINEAGE]
    grouped = frame.groupby(keys, sort=False, dropna=False)
    out = grouped[LINEAGE].first()
    for column, how in spec.aggregate.items():
        reduction = REDUCTIONS[how][0]
        # min_count: a week without any value stays missing instead of summing to 0
        out[column] = (
            grouped[column].sum(min_count=1)
            if reduction == "sum"
            else grouped[column].agg(reduction)
        )
    out = out.reset_index()
    out["_source_row"] = out["_source_row"].to_numpy(np.int64)
    return out[[*spec.columns, *LINEAGE]]
