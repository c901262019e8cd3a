"""Load one configured source: find its files, read, filter, cast, and add lineage.

Besides the frame, loading says what each file held (``manifest.FileRecord``: records loaded, a
cut-off last line), which ``validate`` checks. Every returned frame carries lineage:
``_source_file`` (path relative to the data root) and ``_source_row`` (1-based data row in that
file, counted before the ``where`` filter), so that any later error or validation finding can point
at the raw row. A source with ``aggregate`` is summed up to weeks last (``aggregate``): its rows
keep the lineage of their first raw row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from forecastops.config.sections.data import SourceSpec, norm_key
from forecastops.data.adapters.aggregate import aggregate_to_weeks
from forecastops.data.adapters.columns import cast_column, constant_column
from forecastops.data.adapters.files import read_source_text
from forecastops.data.adapters.readers import READERS
from forecastops.data.adapters.text import shown
from forecastops.data.manifest import FileRecord
from forecastops.errors import ForecastopsError


@dataclass
class LoadedSource:
    """A source's rows (standard columns + lineage) and what each of its files held."""

    frame: pd.DataFrame
    files: dict[str, FileRecord]  # by lineage name (path relative to the data root)


def source_files(name: str, spec: SourceSpec, data_root: Path) -> list[Path]:
    """The files of a source (a glob matches several, sorted); none is an error."""
    if any(c in spec.path for c in "*?["):
        files = sorted(p for p in data_root.glob(spec.path) if p.is_file())
        if not files:
            raise ForecastopsError(
                f"source '{name}': no file matches {data_root / spec.path} (data root: {data_root})"
            )
        return files
    path = data_root / spec.path
    if not path.is_file():
        raise ForecastopsError(f"source '{name}': file not found: {path} (data root: {data_root})")
    return [path]


def raw_columns(spec: SourceSpec) -> list[str]:
    """The raw columns a source spec reads (column adapters, then ``where`` filters), once each."""
    columns = [c.from_ for c in spec.columns.values() if c.from_ is not None]
    return list(dict.fromkeys([*columns, *spec.where]))


def _kept_rows(raw: pd.DataFrame, spec: SourceSpec) -> np.ndarray:
    """Rows whose ``where`` columns hold one of the accepted values (case-insensitive)."""
    keep = np.ones(len(raw), dtype=bool)
    for col, values in spec.where.items():
        accepted = {norm_key(v).lower() for v in values}
        keep &= raw[col].str.strip().str.lower().isin(accepted).to_numpy()
    return keep


def _load_file(
    path: Path, spec: SourceSpec, needed: list[str], lineage: str
) -> tuple[pd.DataFrame, FileRecord]:
    src = read_source_text(path, spec)
    raw = READERS[spec.format](src, spec, needed)
    cut = src.partial
    if raw.empty and not spec.allow_empty:
        only = (
            f"; its only data row (line {cut.line}) was cut off: {shown(cut.text)}" if cut else ""
        )
        raise ForecastopsError(f"{path}: empty file (a header but no data rows){only}")
    record = FileRecord(len(raw), cut.line, shown(cut.text)) if cut else FileRecord(len(raw))
    rows = np.arange(1, len(raw) + 1, dtype=np.int64)
    if spec.where:
        keep = _kept_rows(raw, spec)
        raw, rows = raw.loc[keep].reset_index(drop=True), rows[keep]
    columns = {
        standard: (
            constant_column(column, len(raw))
            if column.constant is not None
            else cast_column(raw[column.from_], column, standard, path, rows).reset_index(drop=True)
        )
        for standard, column in spec.columns.items()
    }
    df = pd.DataFrame(columns, index=pd.RangeIndex(len(raw)))
    df["_source_file"] = lineage
    df["_source_row"] = rows
    return df, record


def load_source(name: str, spec: SourceSpec, data_root: str | Path) -> LoadedSource:
    """Read every file of one source, apply the column adapters, concatenate in file order and
    aggregate to weeks when the source says so."""
    data_root = Path(data_root)
    needed = raw_columns(spec)
    frames, files = [], {}
    for path in source_files(name, spec, data_root):
        lineage = (
            path.relative_to(data_root).as_posix() if path.is_relative_to(data_root) else str(path)
        )
        frame, files[lineage] = _load_file(path, spec, needed, lineage)
        frames.append(frame)
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    df["_source_file"] = df["_source_file"].astype("category")
    return LoadedSource(aggregate_to_weeks(df, spec) if spec.aggregate else df, files)


def require_columns(name: str, spec: SourceSpec, required: list[str]) -> None:
    """Fail early (config error) if a source spec lacks standard columns the stage needs."""
    missing = [c for c in required if c not in spec.columns]
    if missing:
        raise ForecastopsError(
            f"params.yaml: data.sources.{name} must map the standard column(s) {missing} "
            f"(it maps {sorted(spec.columns)})"
        )
