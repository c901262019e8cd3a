"""Reading what the pipeline wrote, for the monitor and the dashboard alike: a clear error naming
the file (and column, and row) instead of a traceback, before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import TypeVar

import pandas as pd
import pyarrow.parquet as pq

from forecastops import io
from forecastops.errors import ForecastopsError
from forecastops.monitoring.alerts import Alert

# What `score` writes and the forecast log keeps (quantiles: whatever p-columns are there)
FORECAST_COLUMNS = ["segment", "store_id", "product_id", "week_start", "forecast", "lasso", "nn"]
FORECAST_COLUMNS += ["model_version", "data_version"]
DATA_REPORT_PARTS = ("drift", "quality", "alerts")  # what monitor_data writes
T = TypeVar("T")


def _read(path: Path, what: str, reader: Callable[[Path], T]) -> T:
    """``reader(path)``, or an error naming ``path``: missing (``what`` says how to make it) or
    unreadable."""
    if not path.is_file():
        raise ForecastopsError(f"{path}: not found; {what}")
    try:
        return reader(path)
    except (OSError, ValueError) as exc:
        raise ForecastopsError(f"{path}: cannot read: {exc}") from exc


def read_table(path: Path, what: str, **kwargs) -> pd.DataFrame:
    """A CSV (ids as text) or parquet file; ``what`` says how to make it when it is missing."""
    if path.suffix == ".csv":
        ids = {"store_id": str, "product_id": str}
        return _read(path, what, lambda p: pd.read_csv(p, dtype=ids, **kwargs))
    return _read(path, what, lambda p: pd.read_parquet(p, **kwargs))


def read_forecasts(path: Path, what: str) -> pd.DataFrame:
    """Forecast rows as ``score`` writes them; a missing column or a bad value names the row."""
    frame = read_table(path, what)
    missing = [c for c in FORECAST_COLUMNS if c not in frame.columns]
    if missing:
        raise ForecastopsError(f"{path}: no column(s) {missing}: not forecasts written by score")
    week = pd.to_datetime(frame["week_start"], errors="coerce")
    value = pd.to_numeric(frame["forecast"], errors="coerce")
    for column, parsed in (("week_start", week), ("forecast", value)):
        if parsed.isna().any():
            row = int(parsed.isna().to_numpy().argmax())
            raise ForecastopsError(
                f"{path}: data row {row + 1}: column {column}: {frame[column].iloc[row]!r} "
                "is not a valid value"
            )
    return frame.assign(week_start=week, forecast=value)


def read_features(
    folder: Path, regions: list[str], columns: list[str], why: str, *, history: bool = False
) -> pd.DataFrame:
    """``columns`` of every region's features (``history``: only the weeks with actuals, all but
    the future split); a missing column is named with ``why`` needs it. Only those columns and
    rows are read (parquet is columnar, with row-group statistics): the monitor and the dashboard
    read every region, so reading whole files and then filtering cost them most of their time."""
    frames, what = [], "run the featurize stage first"
    for region in regions:
        path = folder / f"{region}.parquet"
        missing = sorted(set(columns) - set(_read(path, what, lambda p: pq.read_schema(p).names)))
        if missing:
            raise ForecastopsError(f"{path}: no column(s) {missing} ({why})")
        rows = {"filters": [("split", "!=", "future")]} if history else {}
        frames.append(read_table(path, what, columns=columns, **rows))
    return pd.concat(frames, ignore_index=True)


def read_data_report(path: Path) -> tuple[dict, list[Alert]]:
    """The report ``monitor_data`` wrote, its alerts checked back into their one shape: a file of
    another shape is named, never half-used."""
    report = io.read_json(path)
    if report is None:
        raise ForecastopsError(f"{path}: not found; run the monitor_data stage first")
    if not isinstance(report, dict) or set(DATA_REPORT_PARTS) - set(report):
        parts = list(DATA_REPORT_PARTS)
        raise ForecastopsError(f"{path}: not a data report: it needs the keys {parts}")
    keys = [f.name for f in fields(Alert)]
    for number, alert in enumerate(report["alerts"], start=1):
        if not isinstance(alert, dict) or sorted(alert) != sorted(keys):
            raise ForecastopsError(
                f"{path}: alert {number} is not an alert: it needs the keys {keys}"
            )
    return report, [Alert(**a) for a in report["alerts"]]
