"""The standard weekly table (docs/contracts.md): its columns, their kinds and its key.

``condition`` writes the table in this column order and ``validate`` checks it against the same
kinds, so the contract between the two stages is stated once. Besides the standard columns the table
carries the company's demographic columns (float) and covariates (``data.sources.covariates``:
float, or string for categories). pandas is only a type here: ``forecastops params`` checks
feature names against these columns without paying for importing it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

# column -> kind, in output order; demographic columns and covariates (named by the data config)
# go between the base and the tail columns
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


def standard_columns(demographics: list[str], covariates: list[str]) -> list[str]:
    """The table's columns in output order, with the configured demographics and covariates."""
    return [*BASE_SCHEMA, *demographics, *covariates, *TAIL_SCHEMA]


def history_rows(df: pd.DataFrame) -> np.ndarray:
    """Mask of the history rows (every row of a table without ``is_future``)."""
    return ~df["is_future"].to_numpy(bool) if "is_future" in df else np.ones(len(df), bool)
