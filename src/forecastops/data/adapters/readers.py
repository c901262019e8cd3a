"""Parse one raw file into a frame of text columns, one per raw column needed: ``READERS`` by format.

Every reader gets the file's checked text (``files``: decodable, no binary garbage, a cut-off last
line already split off) and reads everything as text, so that ``columns`` can name the offending
raw value when a cast fails. CSV is read here, JSON Lines and JSON in ``records``; errors name the
file (and the row, if any).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd

from forecastops.config.sections.data import SourceSpec
from forecastops.data.adapters.files import SourceText, require_content
from forecastops.data.adapters.records import read_json, read_jsonl
from forecastops.errors import ForecastopsError


def read_csv(src: SourceText, spec: SourceSpec, needed: list[str]) -> pd.DataFrame:
    require_content(src, "header, no data rows")
    try:
        df = pd.read_csv(
            io.BytesIO(src.data),
            dtype=str,
            keep_default_na=False,
            na_values=spec.na_values,
            sep=spec.delimiter,
            encoding=spec.encoding,
        )
    except pd.errors.EmptyDataError as exc:
        raise ForecastopsError(f"{src.path}: empty file (no header, no data rows)") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise ForecastopsError(f"{src.path}: corrupt CSV, cannot parse: {exc}") from exc
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise ForecastopsError(
            f"{src.path}: missing column(s) {missing}; the file has columns {list(df.columns)}"
        )
    return df


READERS: dict[str, Callable[[SourceText, SourceSpec, list[str]], pd.DataFrame]] = {
    "csv": read_csv,
    "jsonl": read_jsonl,
    "json": read_json,
}
