"""Read JSON Lines and JSON files into frames of text columns, one per (dotted) field needed.

Nested fields are reached by dotted paths (``demographics.median_income``); a record lacking a
field gets a missing value, a field no record has is an error naming the fields there are. The
1-based row is the JSONL line or the JSON array item.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forecastops.config.sections.data import SourceSpec
from forecastops.data.adapters.files import SourceText, require_content
from forecastops.data.adapters.text import describe_rows, raw_text, shown
from forecastops.errors import ForecastopsError


def _field(record: dict[str, Any], dotted: str) -> tuple[bool, Any]:
    """(found, value) of a dotted path into a nested record."""
    value: Any = record
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return False, None
        value = value[part]
    return True, value


def _records_to_frame(path: Path, records: list[Any], needed: list[str], what: str) -> pd.DataFrame:
    bad = [i + 1 for i, record in enumerate(records) if not isinstance(record, dict)]
    if bad:
        raise ForecastopsError(
            f"{path}: corrupt {what}: expected objects, got something else at "
            + describe_rows(np.asarray(bad))
        )
    columns = {}
    for col in needed:
        found = [_field(record, col) for record in records]
        if records and not any(hit for hit, _ in found):
            keys = sorted(records[0].keys())
            raise ForecastopsError(
                f"{path}: missing column (field) '{col}'; the records have fields {keys}"
            )
        columns[col] = pd.array([raw_text(value) for _, value in found], dtype="str")
    return pd.DataFrame(columns, index=pd.RangeIndex(len(records)))


def read_jsonl(src: SourceText, spec: SourceSpec, needed: list[str]) -> pd.DataFrame:
    require_content(src, "records")
    records = []
    # split on LF alone: str.splitlines would also split inside a record at U+2028 or U+0085
    for i, line in enumerate(src.text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except (ValueError, RecursionError) as exc:
            raise ForecastopsError(
                f"{src.path}: corrupt JSON Lines: row {i} is not valid JSON "
                f"({getattr(exc, 'msg', exc)}): {shown(line)}"
            ) from exc
    return _records_to_frame(src.path, records, needed, "JSON Lines")


def read_json(src: SourceText, spec: SourceSpec, needed: list[str]) -> pd.DataFrame:
    require_content(src, "records")
    path = src.path
    try:
        data = json.loads(src.text)
    except json.JSONDecodeError as exc:
        raise ForecastopsError(
            f"{path}: corrupt JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    except (ValueError, RecursionError) as exc:  # a huge number, absurdly deep nesting
        raise ForecastopsError(f"{path}: corrupt JSON: {exc}") from exc
    if spec.records_path:
        for part in spec.records_path.split("."):
            if not isinstance(data, dict) or part not in data:
                raise ForecastopsError(f"{path}: records_path '{spec.records_path}' not found")
            data = data[part]
    if not isinstance(data, list):
        raise ForecastopsError(
            f"{path}: expected a JSON array of records, got {type(data).__name__}"
        )
    return _records_to_frame(path, data, needed, "JSON")
