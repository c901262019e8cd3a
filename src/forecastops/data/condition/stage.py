"""Stage ``condition``: build the standard weekly table (history + future rows) and write it, with
the manifest of the raw files read (``data.manifest``) in its file metadata for ``validate``.

The table's rows come from ``grid``; each joined source fills its own columns, covariate sources
the covariate columns (``covariates``). Stores unknown to
the stores source keep null attributes (``region`` null) so that ``validate`` can name them;
unknown products get a null ``category``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from forecastops.config.load import load_params, section
from forecastops.config.sections.data import DataConfig
from forecastops.data.condition.catalog import build_catalog
from forecastops.data.condition.codes import string_column
from forecastops.data.condition.covariates import covariate_columns
from forecastops.data.condition.events import event_columns
from forecastops.data.condition.grid import build_rows
from forecastops.data.condition.promotions import promo_discount
from forecastops.data.condition.returns import returned_units
from forecastops.data.condition.sources import load_sources
from forecastops.data.condition.weather import weather_columns
from forecastops.data.condition.weeks import week_start
from forecastops.data.manifest import Manifest, write_table
from forecastops.data.table import standard_columns
from forecastops.errors import ForecastopsError
from forecastops.monitoring.resources import recorded


def condition(
    cfg: DataConfig, data_root: Path, horizon_weeks: int, active_within_weeks: int
) -> tuple[pd.DataFrame, Manifest]:
    """Build the standard weekly table (history + future rows) from the raw sources; with the
    manifest of the files read, which ``validate`` checks."""
    data_root = Path(data_root)
    sources, manifest = load_sources(cfg, data_root)
    stores, products = build_catalog(cfg, sources)
    rows = build_rows(sources["shipments"], stores, products, horizon_weeks, active_within_weeks)
    returned = returned_units(sources.get("returns"), stores, products, rows)
    promo = promo_discount(
        sources.get("promotions"), stores, products, rows, cfg.all_scope, data_root
    )
    is_event, event_names = event_columns(sources.get("events"), stores, rows, cfg.all_scope)
    temperature, precipitation, weather_source = weather_columns(cfg, sources, stores, rows)
    covariates = covariate_columns(cfg, sources, stores, products, rows)
    table = pd.DataFrame(
        {
            "region": string_column(stores.region[rows.store], stores.regions),
            "store_id": string_column(rows.store, stores.ids),
            "store_format": string_column(stores.format[rows.store], stores.formats),
            "product_id": string_column(rows.product, products.ids),
            "category": string_column(products.category[rows.product], products.categories),
            "zip": string_column(stores.zip[rows.store], stores.zips),
            "week_start": week_start(rows.week),
            "units_shipped": rows.shipped,
            "units_returned": returned,
            "net_demand": rows.shipped - returned,
            "promo_discount": promo,
            "is_event_week": is_event,
            "event_names": event_names,
            "temperature_c": temperature,
            "precipitation_mm": precipitation,
            "weather_source": weather_source,
            **{col: values[rows.store] for col, values in stores.demographics.items()},
            **covariates,
            "is_future": rows.future,
            "_filled": rows.filled,
            "_source_file": string_column(rows.file_code, rows.source_files),
            "_source_row": pd.array(
                np.where(rows.file_code >= 0, rows.source_row, 0), dtype="Int64"
            ),
        }
    )
    table.loc[rows.file_code < 0, "_source_row"] = pd.NA
    return table[standard_columns(cfg.demographics, list(covariates))], manifest


def _positive_int_param(params: dict, path: str) -> int:
    """An integer >= 1 at a dotted path of params.yaml (a named error otherwise)."""
    node = params
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ForecastopsError(f"params.yaml: missing '{path}'")
        node = node[part]
    try:
        value = int(node)
    except (TypeError, ValueError) as exc:
        raise ForecastopsError(f"params.yaml: '{path}' must be an integer, got {node!r}") from exc
    if value < 1:
        raise ForecastopsError(f"params.yaml: '{path}' must be >= 1, got {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "Raw sources -> standard weekly table (history + future rows)."
    parser.add_argument(
        "--params", default="params.yaml", help="params file (default: params.yaml)"
    )
    parser.add_argument(
        "--data", default=None, help="raw data root (default: params env.data_root)"
    )
    parser.add_argument("--out", default="artifacts/conditioned.parquet", help="output parquet")


@recorded("condition")  # wall, CPU, peak RSS -> monitor
def run(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    cfg = section(params, "data", DataConfig, source=str(args.params))
    data_root = args.data or (params.get("env") or {}).get("data_root")
    if not data_root:
        raise ForecastopsError(f"{args.params}: no --data given and no env.data_root")
    horizon = _positive_int_param(params, "train.horizon_weeks")
    active = _positive_int_param(params, "score.active_within_weeks")
    started = time.perf_counter()
    df, manifest = condition(cfg, Path(data_root), horizon, active)
    write_table(args.out, df, manifest)
    for files in manifest.values():
        for file, record in files.items():
            if record.cut_line is not None:
                print(
                    f"condition: warning: {file} ends mid-line: line {record.cut_line} "
                    f"{record.cut_text} was cut off and not loaded (validate: truncated_file)"
                )
    history = int((~df["is_future"]).sum())
    print(
        f"wrote {args.out}: {len(df)} rows ({history} history, {len(df) - history} future, "
        f"{int(df['_filled'].sum())} zero-filled) from {data_root} in "
        f"{time.perf_counter() - started:.1f}s"
    )
    return 0
