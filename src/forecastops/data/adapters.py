"""Declarative source adapters: read one raw source as the config describes it, return a typed frame
with the standard column names.

A source spec (one entry of ``data.sources``) says where the files are (``path``, glob allowed,
relative to the data root), how to parse them (``format``: csv | jsonl | json), and how each standard
column is obtained from the raw data (``columns``)::

    shipments:
      path: shipments/*.csv
      format: csv
      columns:
        store_id: STORE_NBR                                   # shorthand: raw column, dtype str
        week_start: {from: WEEK_END_DT, dtype: date, format: "%m/%d/%Y",
                     anchor: week_ending, week_end_day: sunday}
        units_shipped: {from: SHIP_QTY, dtype: float}
        temperature: {from: Temperature, dtype: float, convert: fahrenheit_to_celsius}
        median_income: {from: demographics.median_income, dtype: float}   # nested JSON (dotted)
        region: {constant: all}                               # the same value on every row
        store_type: {from: Type, map: {A: large}, map_default: small}

Column options: ``from`` (raw column / dotted JSON path) or ``constant``; ``dtype`` (str | int |
float | bool | date); ``format`` (strftime, dates); ``anchor`` (dates -> weeks, below);
``week_end_day`` (checks the weekday of week-ending / week-starting dates); ``convert`` (a unit
conversion from ``UNIT_CONVERSIONS``); ``map`` / ``map_default`` (raw value -> value, before the
type cast; unmapped values are kept unless ``map_default`` is set); ``nullable`` (default false: a
missing value is an error).

Week anchoring (the standard week is Monday..Sunday, identified by its Monday ``week_start``):

* ``day``: a calendar day -> the Monday of the week containing it.
* ``week_ending``: the date is the last day of a 7-day reporting week (``D-6 .. D``) -> the Monday-based
  week that shares the most days with it, i.e. the Monday of ``D - 3 days``. Sunday-ending weeks map
  to their own Monday (``D - 6``); Friday-ending weeks (Sat..Fri, Walmart) map to the Monday of the
  same calendar week (``D - 4``, 5 of 7 days shared); Monday-ending weeks to ``D - 7``.
* ``week_starting``: the date is the first day of a 7-day week (``D .. D+6``) -> the Monday of
  ``D + 3 days`` (same majority rule).
* ``none``: the date is kept as is.

Every returned frame carries lineage: ``_source_file`` (path relative to the data root) and
``_source_row`` (1-based data row in that file: CSV rows after the header, JSONL lines, JSON array
items). Errors raise :class:`ForecastopsError` naming the file, the column and the first offending
rows with their values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forecastops.config.sections.data import ColumnSpec, SourceSpec, norm_key
from forecastops.errors import ForecastopsError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
UNIT_CONVERSIONS = {
    "none": lambda x: x,
    "fahrenheit_to_celsius": lambda x: (x - 32.0) * 5.0 / 9.0,
    "inch_to_mm": lambda x: x * 25.4,
    "percent_to_fraction": lambda x: x / 100.0,
}
MAX_EXAMPLES = 5


# ---------------------------------------------------------------------------------------------
# reading


def _to_str_or_na(v: Any) -> Any:
    """A JSON value as the string a CSV would hold (None stays missing)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if np.isnan(v):
            return None
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True)
    return str(v)


def _rows_text(rows: np.ndarray, values: pd.Series | np.ndarray | None = None) -> str:
    rows = np.asarray(rows)
    shown = []
    vals = None if values is None else np.asarray(values, dtype=object)
    for i, r in enumerate(rows[:MAX_EXAMPLES]):
        shown.append(f"row {int(r)}" + ("" if vals is None else f" ({vals[i]!r})"))
    more = f" and {len(rows) - MAX_EXAMPLES} more" if len(rows) > MAX_EXAMPLES else ""
    return ", ".join(shown) + more


def _files(name: str, spec: SourceSpec, data_root: Path) -> list[Path]:
    root = Path(data_root)
    if any(c in spec.path for c in "*?["):
        files = sorted(p for p in root.glob(spec.path) if p.is_file())
        if not files:
            raise ForecastopsError(
                f"source '{name}': no file matches {root / spec.path} (data root: {root})"
            )
        return files
    p = root / spec.path
    if not p.is_file():
        raise ForecastopsError(f"source '{name}': file not found: {p} (data root: {root})")
    return [p]


def _raw_columns(spec: SourceSpec) -> list[str]:
    cols = [c.from_ for c in spec.columns.values() if c.from_ is not None]
    cols += list(spec.where)
    return list(dict.fromkeys(cols))


def _read_csv(path: Path, spec: SourceSpec, needed: list[str]) -> pd.DataFrame:
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
        except Exception:
            header = []
        raise ForecastopsError(
            f"{path}: missing column(s) {missing}; the file has columns {header}"
        )
    return df


def _records_to_frame(path: Path, records: list[Any], needed: list[str], what: str) -> pd.DataFrame:
    bad = [i + 1 for i, r in enumerate(records) if not isinstance(r, dict)]
    if bad:
        raise ForecastopsError(
            f"{path}: corrupt {what}: expected objects, got something else at "
            + _rows_text(np.asarray(bad))
        )
    out = {}
    for col in needed:
        parts = col.split(".")
        found = False
        vals = []
        for rec in records:
            v: Any = rec
            for p in parts:
                if isinstance(v, dict) and p in v:
                    v = v[p]
                else:
                    v = None
                    break
            else:
                found = True
            vals.append(_to_str_or_na(v))
        if not found and records:
            keys = sorted(records[0].keys())
            raise ForecastopsError(
                f"{path}: missing column (field) '{col}'; the records have fields {keys}"
            )
        out[col] = pd.array(vals, dtype="str")
    return pd.DataFrame(out, index=pd.RangeIndex(len(records)))


def _read_jsonl(path: Path, spec: SourceSpec, needed: list[str]) -> pd.DataFrame:
    try:
        text = path.read_text(encoding=spec.encoding)
    except UnicodeDecodeError as exc:
        raise ForecastopsError(f"{path}: corrupt JSON Lines (not {spec.encoding}): {exc}") from exc
    if not text.strip():
        raise ForecastopsError(f"{path}: empty file (no records)")
    records = []
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ForecastopsError(
                f"{path}: corrupt JSON Lines: row {i} is not valid JSON ({exc.msg}): {line[:80]!r}"
            ) from exc
    return _records_to_frame(path, records, needed, "JSON Lines")


def _read_json(path: Path, spec: SourceSpec, needed: list[str]) -> pd.DataFrame:
    try:
        text = path.read_text(encoding=spec.encoding)
    except UnicodeDecodeError as exc:
        raise ForecastopsError(f"{path}: corrupt JSON (not {spec.encoding}): {exc}") from exc
    if not text.strip():
        raise ForecastopsError(f"{path}: empty file (no records)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ForecastopsError(
            f"{path}: corrupt JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    if spec.records_path:
        for p in spec.records_path.split("."):
            if not isinstance(data, dict) or p not in data:
                raise ForecastopsError(f"{path}: records_path '{spec.records_path}' not found")
            data = data[p]
    if not isinstance(data, list):
        raise ForecastopsError(
            f"{path}: expected a JSON array of records, got {type(data).__name__}"
        )
    return _records_to_frame(path, data, needed, "JSON")


READERS = {"csv": _read_csv, "jsonl": _read_jsonl, "json": _read_json}


# ---------------------------------------------------------------------------------------------
# typing


def monday(d: pd.Series) -> pd.Series:
    """The Monday starting each date's week."""
    return d - pd.to_timedelta(d.dt.dayofweek, unit="D")


def _cast(raw: pd.Series, spec: ColumnSpec, std: str, path: Path, rows: np.ndarray) -> pd.Series:
    where = f"{path}, column '{spec.from_}' (-> {std}, {spec.dtype})"
    s = raw
    if spec.map is not None:
        stripped = s.str.strip()
        table = {k: _to_str_or_na(v) for k, v in spec.map.items()}
        hit = stripped.isin(list(table)).to_numpy()
        other = s if spec.map_default is None else _to_str_or_na(spec.map_default)
        s = stripped.map(table).astype("str").where(hit, other)
    present = s.notna().to_numpy()
    if spec.dtype == "str":
        out = s.astype("str").str.strip()
    elif spec.dtype in ("int", "float"):
        out = pd.to_numeric(s.str.strip(), errors="coerce").astype("float64")
        bad = present & out.isna().to_numpy()
        if spec.dtype == "int":
            bad |= present & ~np.isnan(out.to_numpy()) & (out.to_numpy() % 1 != 0)
        if bad.any():
            raise ForecastopsError(
                f"{where}: wrong type, expected {spec.dtype} at {_rows_text(rows[bad], s[bad])}"
            )
        out = pd.Series(UNIT_CONVERSIONS[spec.convert](out.to_numpy()), index=s.index)
        if spec.dtype == "int":
            out = out.round().astype("Int64")
    elif spec.dtype == "bool":
        low = s.str.strip().str.lower()
        table = {
            "true": True,
            "t": True,
            "1": True,
            "yes": True,
            "y": True,
            "false": False,
            "f": False,
            "0": False,
            "no": False,
            "n": False,
        }
        out = low.map(table)
        bad = present & out.isna().to_numpy()
        if bad.any():
            raise ForecastopsError(
                f"{where}: wrong type, expected true/false at {_rows_text(rows[bad], s[bad])}"
            )
        out = out.astype("boolean")
    else:  # date
        out = pd.to_datetime(s.str.strip(), format=spec.format, errors="coerce")
        bad = present & out.isna().to_numpy()
        if bad.any():
            fmt = spec.format or "ISO 8601"
            raise ForecastopsError(
                f"{where}: unparsable date (format {fmt!r}) at {_rows_text(rows[bad], s[bad])}"
            )
        out = out.astype("datetime64[ns]")
        if spec.week_end_day is not None:
            want = WEEKDAYS.index(spec.week_end_day)
            wrong = present & (out.dt.dayofweek.to_numpy() != want)
            if wrong.any():
                raise ForecastopsError(
                    f"{where}: expected every date to be a {spec.week_end_day} ({spec.anchor}) "
                    f"at {_rows_text(rows[wrong], s[wrong])}"
                )
        if spec.anchor == "day":
            out = monday(out)
        elif spec.anchor == "week_ending":
            out = monday(out - pd.Timedelta(days=3))
        elif spec.anchor == "week_starting":
            out = monday(out + pd.Timedelta(days=3))
    if not spec.nullable:
        nulls = out.isna().to_numpy()
        if nulls.any():
            raise ForecastopsError(
                f"{where}: missing value (the column is not nullable) at {_rows_text(rows[nulls])}"
            )
    return out


def _constant(spec: ColumnSpec, n: int) -> pd.Series:
    v = spec.constant
    if spec.dtype == "str":
        return pd.Series([norm_key(v)] * n, dtype="str")
    if spec.dtype in ("int", "float"):
        return pd.Series(np.full(n, float(v)), dtype="float64")
    if spec.dtype == "bool":
        return pd.Series(np.full(n, bool(v)), dtype="boolean")
    return pd.Series(np.full(n, pd.Timestamp(v)), dtype="datetime64[ns]")


def load_source(name: str, spec: SourceSpec, data_root: str | Path) -> pd.DataFrame:
    """Read every file of one source, apply the column adapters, concatenate in file order."""
    data_root = Path(data_root)
    needed = _raw_columns(spec)
    frames = []
    for path in _files(name, spec, data_root):
        raw = READERS[spec.format](path, spec, needed)
        rel = (
            path.relative_to(data_root).as_posix() if path.is_relative_to(data_root) else str(path)
        )
        if raw.empty and not spec.allow_empty:
            raise ForecastopsError(f"{path}: empty file (a header but no data rows)")
        rows = np.arange(1, len(raw) + 1, dtype=np.int64)
        if spec.where:
            keep = np.ones(len(raw), dtype=bool)
            for col, values in spec.where.items():
                accepted = {norm_key(v).lower() for v in values}
                keep &= raw[col].str.strip().str.lower().isin(accepted).to_numpy()
            raw, rows = raw.loc[keep].reset_index(drop=True), rows[keep]
        out = {}
        for std, cspec in spec.columns.items():
            if cspec.constant is not None:
                out[std] = _constant(cspec, len(raw))
            else:
                out[std] = _cast(raw[cspec.from_], cspec, std, path, rows).reset_index(drop=True)
        df = pd.DataFrame(out, index=pd.RangeIndex(len(raw)))
        df["_source_file"] = rel
        df["_source_row"] = rows
        frames.append(df)
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    df["_source_file"] = df["_source_file"].astype("category")
    return df


def require_columns(name: str, spec: SourceSpec, required: list[str]) -> None:
    """Fail early (config error) if a source spec lacks standard columns the stage needs."""
    missing = [c for c in required if c not in spec.columns]
    if missing:
        raise ForecastopsError(
            f"params.yaml: data.sources.{name} must map the standard column(s) {missing} "
            f"(it maps {sorted(spec.columns)})"
        )
