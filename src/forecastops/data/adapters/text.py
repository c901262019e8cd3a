"""Raw values and raw rows as text, for the typed casts and for error messages.

Readers keep every value as the text a CSV would hold so that a failed cast can quote the raw value;
errors show the first offending rows by their 1-based data row number.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from forecastops.errors import ForecastopsError

MAX_EXAMPLES = 5
SHOWN_CHARS = 80  # of a raw line quoted in a message


def shown(line: str) -> str:
    """A raw line for a message: quoted, cut to ``SHOWN_CHARS``."""
    return repr(line[:SHOWN_CHARS]) + ("..." if len(line) > SHOWN_CHARS else "")


def raw_text(value: Any) -> str | None:
    """A JSON value as the string a CSV would hold (None and NaN stay missing)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if np.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def describe_rows(rows: np.ndarray, values: pd.Series | np.ndarray | None = None) -> str:
    """The first offending rows (and their raw values) for an error message."""
    rows = np.asarray(rows)
    shown_values = None if values is None else np.asarray(values, dtype=object)
    shown = [
        f"row {int(row)}" + ("" if shown_values is None else f" ({shown_values[i]!r})")
        for i, row in enumerate(rows[:MAX_EXAMPLES])
    ]
    more = f" and {len(rows) - MAX_EXAMPLES} more" if len(rows) > MAX_EXAMPLES else ""
    return ", ".join(shown) + more


def fail_at_rows(
    bad: np.ndarray, where: str, problem: str, rows: np.ndarray, raw: pd.Series
) -> None:
    """Raise ``where: problem at row r ('raw value'), ...`` if any row is ``bad``."""
    if bad.any():
        raise ForecastopsError(f"{where}: {problem} at {describe_rows(rows[bad], raw[bad])}")
