"""Parse one raw file into a frame of text columns, one per raw column needed: ``READERS`` by format.

Everything is read as text so that ``columns`` can name the offending raw value when a cast fails.
CSV is read here, JSON Lines and JSON in ``records``; errors name the file (and the row, if any).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from forecastops.config.sections.data import SourceSpec
from forecastops.data.adapters.records import read_json, read_jsonl
from forecastops.errors import ForecastopsError


def read_csv(path: Path, spec: SourceSpec, needed: list[str]) -> pd.DataFrame:
    try:
        df = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_values=spec.na_values,
            sep=spec.delimiter,
            encoding=spec.encoding,
        )
    except pd.errors.EmptyDataError as exc:
        raise ForecastopsError(f"{path}: empty file (no header, no data rows)") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise ForecastopsError(f"{path}: corrupt CSV, cannot parse: {exc}") from exc
    missing = [c for c in needed if c not in df.columns]
    if missing:
        try:
            header = list(pd.read_csv(path, nrows=0, sep=spec.delimiter).columns)
        except Exception:  # the header is only shown to help; the error below is the point
            header = []
        raise ForecastopsError(
            f"{path}: missing column(s) {missing}; the file has columns {header}"
        )
    return df


READERS: dict[str, Callable[[Path, SourceSpec, list[str]], pd.DataFrame]] = {
    "csv": read_csv,
    "jsonl": read_jsonl,
    "json": read_json,
}
