"""Declarative checks of the weekly table with pandera: column kinds, non-null keys, unique keys.

Each check validates lazily (every failure collected, not just the first) and turns pandera's
failure cases back into what the report needs: schema entries per column, or a row mask for the
rule's action. Masks are positional: the frames handed to pandera get a fresh RangeIndex.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from forecastops.data.table import BASE_SCHEMA, TAIL_SCHEMA

# A kind admits several dtypes (is_event_week is int8, _source_row nullable Int64; strings may be
# str or object), so kinds are checked with a predicate instead of a pandera dtype.
KIND_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": lambda t: pd.api.types.is_string_dtype(t) or t == np.dtype(object),
    "float": pd.api.types.is_float_dtype,
    "datetime": pd.api.types.is_datetime64_dtype,
    "int": pd.api.types.is_integer_dtype,
    "bool": pd.api.types.is_bool_dtype,
}
STANDARD_KINDS = {**BASE_SCHEMA, **TAIL_SCHEMA}
TABLE_SCHEMA = pa.DataFrameSchema(
    {
        column: pa.Column(
            nullable=True,
            checks=pa.Check(lambda s, kind=kind: KIND_CHECKS[kind](s.dtype), name=f"kind {kind}"),
        )
        for column, kind in STANDARD_KINDS.items()
    }
)


def _failure_cases(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame | None:
    """pandera's failure cases (one row per failing check and row), or None when valid."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return errors.failure_cases
    return None


def _failing_positions(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> np.ndarray:
    cases = _failure_cases(schema, frame.reset_index(drop=True))
    if cases is None:
        return np.zeros(0, np.int64)
    return np.unique(cases["index"].dropna().to_numpy(np.int64))


def schema_violations(df: pd.DataFrame) -> list[dict[str, str]]:
    """One entry per missing or wrongly typed standard column, in table order."""
    # presence and kinds depend on the columns only: check a 0-row slice, not millions of rows
    cases = _failure_cases(TABLE_SCHEMA, df.iloc[:0])
    if cases is None:
        return []
    missing = set(cases.loc[cases["check"] == "column_in_dataframe", "failure_case"])
    wrong_kind = set(cases.loc[cases["check"].astype(str).str.startswith("kind "), "column"])
    return [
        {
            "column": column,
            "expected": kind,
            "actual": "missing" if column in missing else str(df[column].dtype),
        }
        for column, kind in STANDARD_KINDS.items()
        if column in missing or column in wrong_kind
    ]


def null_rows(df: pd.DataFrame, column: str) -> np.ndarray:
    """Mask of the rows where ``column`` is missing."""
    schema = pa.DataFrameSchema({column: pa.Column(nullable=False)})
    mask = np.zeros(len(df), bool)
    mask[_failing_positions(schema, df[[column]])] = True
    return mask


def duplicate_rows(
    df: pd.DataFrame, among: np.ndarray, key: list[str], keep_first: bool
) -> np.ndarray:
    """Mask of the rows (of those in ``among``) whose ``key`` repeats an earlier row's, or with
    ``keep_first`` false every row of a repeated key."""
    schema = pa.DataFrameSchema(
        unique=key, report_duplicates="exclude_first" if keep_first else "all"
    )
    candidates = np.flatnonzero(among)
    mask = np.zeros(len(df), bool)
    mask[candidates[_failing_positions(schema, df.loc[among, key])]] = True
    return mask
