"""The source manifest: what ``condition`` read from each raw file, carried to ``validate``.

Per source and file: the records loaded and, for a file cut off mid-line, the line it was cut at
and its text (``adapters.files``: that record is not loaded). It travels inside
``artifacts/conditioned.parquet`` as file metadata, so table and manifest are written in one atomic
write and can never disagree; ``validate`` turns it into findings (``truncated_file``,
``lost_rows``) and the report's per-source row counts.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from forecastops import io
from forecastops.errors import ForecastopsError

MANIFEST_KEY = b"forecastops.sources"


@dataclass(frozen=True)
class FileRecord:
    """One raw file as ``condition`` read it."""

    rows: int  # records loaded (before a source's `where` filter)
    cut_line: int | None = None  # line a cut-off last line starts on (not loaded)
    cut_text: str | None = None


# source name -> file (relative to the data root) -> what was read
Manifest = dict[str, dict[str, FileRecord]]


def write_table(target: str | Path, df: pd.DataFrame, manifest: Manifest) -> None:
    """``df`` as parquet with the manifest in its file metadata, written atomically."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    encoded = {
        source: {file: asdict(record) for file, record in files.items()}
        for source, files in manifest.items()
    }
    metadata = {**(table.schema.metadata or {}), MANIFEST_KEY: json.dumps(encoded, sort_keys=True)}
    table = table.replace_schema_metadata(metadata)
    io.atomic_write(target, lambda path: pq.write_table(table, path))


def read_manifest(path: str | Path) -> Manifest | None:
    """The manifest of a table ``condition`` wrote; None for a table without one."""
    try:
        raw = (pq.read_schema(path).metadata or {}).get(MANIFEST_KEY)
    except (OSError, pa.ArrowException) as exc:
        raise ForecastopsError(f"{path}: cannot read parquet: {exc}") from exc
    if raw is None:
        return None
    try:
        return {
            source: {file: FileRecord(**record) for file, record in files.items()}
            for source, files in json.loads(raw).items()
        }
    except (ValueError, TypeError, AttributeError) as exc:
        raise ForecastopsError(
            f"{path}: corrupt source manifest ({MANIFEST_KEY.decode()})"
        ) from exc


def row_counts(manifest: Manifest) -> dict[str, dict]:
    """Per source: records loaded in all and per file (the report's ``sources``)."""
    return {
        source: {
            "rows": sum(record.rows for record in files.values()),
            "files": {file: record.rows for file, record in sorted(files.items())},
        }
        for source, files in sorted(manifest.items())
    }
