"""The standard weekly table (docs/contracts.md): its columns, their kinds and its key.

``condition`` writes the table in this column order and ``validate`` checks it against the same
kinds, so the contract between the two stages is stated once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# column -> kind, in output order; demographic columns (named by the data config, float) go
# between the base and the tail columns
BASE_SCHEMA = {
    "region": "string",
    "store_id": "string",
    "store_format": "string",
    "product_id": "string",
    "category": "string",
    "zip": "string",
    "week_start": "datetime",
    "units_shipped": "float",
    "units_returned": "float",
    "net_demand": "float",
    "promo_discount": "float",
    "is_event_week": "int",
    "event_names": "string",
    "temperature_c": "float",
    "precipitation_mm": "float",
    "weather_source": "string",
}
TAIL_SCHEMA = {
    "is_future": "bool",
    "_filled": "bool",
    "_source_file": "string",
    "_source_row": "int",
}
SERIES_WEEK_KEY = ["store_id", "product_id", "week_start"]
LINEAGE = ["_source_file", "_source_row"]


def standard_columns(demographics: list[str]) -> list[str]:
    """The table's columns in output order, with the configured demographic columns."""
    return [*BASE_SCHEMA, *demographics, *TAIL_SCHEMA]


def history_rows(df: pd.DataFrame) -> np.ndarray:
    """Mask of the history rows (every row of a table without ``is_future``)."""
    return ~df["is_future"].to_numpy(bool) if "is_future" in df else np.ones(len(df), bool)
