"""Cast one raw text column into a typed standard column, as its ``ColumnSpec`` says.

Options: ``from`` (raw column / dotted JSON path) or ``constant``; ``dtype`` (str | int | float |
bool | date); ``format``, ``anchor``, ``week_end_day`` (dates, see ``dates``); ``convert`` (a unit
conversion from ``UNIT_CONVERSIONS``); ``map`` / ``map_default`` (raw value -> value, before the
type cast; unmapped values are kept unless ``map_default`` is set); ``nullable`` (default false: a
missing value is an error). Every error names the file, the raw and standard column and the first
offending rows with their raw values.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from forecastops.config.sections.data import ColumnSpec, norm_key
from forecastops.data.adapters.dates import parse_dates
from forecastops.data.adapters.text import describe_rows, fail_at_rows, raw_text
from forecastops.errors import ForecastopsError

UNIT_CONVERSIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "none": lambda x: x,
    "fahrenheit_to_celsius": lambda x: (x - 32.0) * 5.0 / 9.0,
    "inch_to_mm": lambda x: x * 25.4,
    "percent_to_fraction": lambda x: x / 100.0,
}
INT_LIMIT = float(np.iinfo(np.int64).max)  # an int column holds int64 values
BOOL_TEXT = {
    **dict.fromkeys(("true", "t", "1", "yes", "y"), True),
    **dict.fromkeys(("false", "f", "0", "no", "n"), False),
}


def _mapped(raw: pd.Series, spec: ColumnSpec) -> pd.Series:
    """Raw values through ``map`` (unmapped ones kept, or ``map_default``)."""
    stripped = raw.str.strip()
    table = {key: raw_text(value) for key, value in spec.map.items()}
    hit = stripped.isin(list(table)).to_numpy()
    other = raw if spec.map_default is None else raw_text(spec.map_default)
    return stripped.map(table).astype("str").where(hit, other)


def _numeric(raw: pd.Series, spec: ColumnSpec, where: str, rows: np.ndarray) -> pd.Series:
    present = raw.notna().to_numpy()
    values = pd.to_numeric(raw.str.strip(), errors="coerce").astype("float64")
    bad = present & values.isna().to_numpy()
    if spec.dtype == "int":
        number = values.to_numpy()
        whole = np.isfinite(number) & (number % 1 == 0)
        bad |= present & ~np.isnan(number) & ~(whole & (np.abs(number) < INT_LIMIT))
    fail_at_rows(bad, where, f"wrong type, expected {spec.dtype}", rows, raw)
    values = pd.Series(UNIT_CONVERSIONS[spec.convert](values.to_numpy()), index=raw.index)
    return values.round().astype("Int64") if spec.dtype == "int" else values


def _boolean(raw: pd.Series, where: str, rows: np.ndarray) -> pd.Series:
    values = raw.str.strip().str.lower().map(BOOL_TEXT)
    bad = raw.notna().to_numpy() & values.isna().to_numpy()
    fail_at_rows(bad, where, "wrong type, expected true/false", rows, raw)
    return values.astype("boolean")


def cast_column(
    raw: pd.Series, spec: ColumnSpec, standard: str, path: Path, rows: np.ndarray
) -> pd.Series:
    """Raw text -> the typed standard column; ``rows`` are the raw rows' lineage numbers."""
    where = f"{path}, column '{spec.from_}' (-> {standard}, {spec.dtype})"
    if spec.map is not None:
        raw = _mapped(raw, spec)
    if spec.dtype == "str":
        values = raw.astype("str").str.strip()
    elif spec.dtype in ("int", "float"):
        values = _numeric(raw, spec, where, rows)
    elif spec.dtype == "bool":
        values = _boolean(raw, where, rows)
    else:
        values = parse_dates(raw, spec, where, rows)
    if not spec.nullable:
        nulls = values.isna().to_numpy()
        if nulls.any():
            raise ForecastopsError(
                f"{where}: missing value (the column is not nullable) at {describe_rows(rows[nulls])}"
            )
    return values


def constant_column(spec: ColumnSpec, length: int) -> pd.Series:
    """The ``constant`` of a column spec repeated ``length`` times, in the column's dtype."""
    value = spec.constant
    if spec.dtype == "str":
        return pd.Series([norm_key(value)] * length, dtype="str")
    if spec.dtype in ("int", "float"):
        return pd.Series(np.full(length, float(value)), dtype="float64")
    if spec.dtype == "bool":
        return pd.Series(np.full(length, bool(value)), dtype="boolean")
    return pd.Series(np.full(length, pd.Timestamp(value)), dtype="datetime64[ns]")
