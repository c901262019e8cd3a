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
from forecastops.data.adapters.text import describe_rows, raw_text
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


def _read_text(path: Path, spec: SourceSpec, what: str) -> str:
    try:
        text = path.read_text(encoding=spec.encoding)
    except UnicodeDecodeError as exc:
        raise ForecastopsError(f"{path}: corrupt {what} (not {spec.encoding}): {exc}") from exc
    if not text.strip():
        raise ForecastopsError(f"{path}: empty file (no records)")
    return text


def read_jsonl(path: Path, spec: SourceSpec, needed: list[str]) -> pd.DataFrame:
    records = []
    for i, line in enumerate(_read_text(path, spec, "JSON Lines").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ForecastopsError(
                f"{path}: corrupt JSON Lines: row {i} is not valid JSON ({exc.msg}): {line[:80]!r}"
            ) from exc
    return _records_to_frame(path, records, needed, "JSON Lines")


def read_json(path: Path, spec: SourceSpec, needed: list[str]) -> pd.DataFrame:
    try:
        data = json.loads(_read_text(path, spec, "JSON"))
    except json.JSONDecodeError as exc:
        raise ForecastopsError(
            f"{path}: corrupt JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
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
