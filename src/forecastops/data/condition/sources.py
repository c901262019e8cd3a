"""Load every configured source for ``condition`` and check what the stage relies on.

Config mistakes (a source that does not map a column the stage needs, weather keyed by something
the stores do not provide) are named config errors instead of a KeyError or silently missing
weather; duplicate store / product ids fail naming the rows, because the stage looks attributes up
by id and would otherwise pick one of the rows silently.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from forecastops.config.sections.data import DataConfig, SourceSpec
from forecastops.data.adapters.load import load_source, require_columns
from forecastops.data.manifest import Manifest
from forecastops.errors import ForecastopsError

# standard columns each source must map (stores also: the store-format column and demographics)
REQUIRED = {
    "shipments": ["store_id", "product_id", "week_start", "units_shipped"],
    "returns": ["store_id", "product_id", "week_start", "units_returned"],
    "stores": ["store_id", "region"],
    "products": ["product_id", "category"],
    "events": ["week_start", "event_name"],
    "promotions": ["product_id", "start", "end", "discount"],
    "weather_observed": ["week_start"],
    "weather_forecast": ["week_start"],
}


def _check_weather_spec(name: str, spec: SourceSpec) -> None:
    columns = spec.columns
    if ("zip" in columns) == ("store_id" in columns):
        raise ForecastopsError(
            f"params.yaml: data.sources.{name} must map exactly one of 'zip' or 'store_id'"
        )
    if "temp_c" not in columns and not {"tmax_c", "tmin_c"} <= set(columns):
        raise ForecastopsError(
            f"params.yaml: data.sources.{name} must map 'temp_c' or 'tmax_c' and 'tmin_c'"
        )


def check_weather_keys(cfg: DataConfig) -> None:
    """Observed and forecast weather must be keyed alike, and by something the stores provide."""
    observed, forecast = cfg.sources.weather_observed, cfg.sources.weather_forecast
    if forecast is not None and observed is None:
        raise ForecastopsError(
            "params.yaml: data.sources.weather_forecast needs data.sources.weather_observed "
            "(history weeks and climatology come from observed weather)"
        )
    if observed is None:
        return
    if forecast is not None and ("zip" in observed.columns) != ("zip" in forecast.columns):
        raise ForecastopsError(
            "params.yaml: data.sources.weather_observed and weather_forecast must both be keyed "
            "by 'zip' or both by 'store_id'"
        )
    if "zip" in observed.columns and "zip" not in cfg.sources.stores.columns:
        raise ForecastopsError(
            "params.yaml: weather is keyed by 'zip' but data.sources.stores maps no 'zip' column"
        )


def check_unique_keys(df: pd.DataFrame, key: str, name: str) -> None:
    """A source's id column must be unique; the error names the rows that repeat it."""
    duplicated = df[key].duplicated(keep=False).to_numpy()
    if duplicated.any():
        examples = df.loc[duplicated].head(5)
        rows = ", ".join(
            f"{file} row {row} ({key}={value!r})"
            for file, row, value in zip(
                examples["_source_file"], examples["_source_row"], examples[key], strict=True
            )
        )
        raise ForecastopsError(f"source '{name}': duplicate {key} in {rows}")


def load_sources(cfg: DataConfig, data_root: Path) -> tuple[dict[str, pd.DataFrame], Manifest]:
    """Every configured source by name (absent optional sources are left out; covariate sources
    as ``covariates.<name>``) and the manifest of the files read."""
    loaded, manifest = {}, {}
    for name in type(cfg.sources).model_fields:
        spec: SourceSpec | None = getattr(cfg.sources, name)
        if spec is None or name == "covariates":
            continue
        required = list(REQUIRED[name])
        if name == "stores":
            required += [cfg.store_format.column, *cfg.demographics]
        require_columns(name, spec, required)
        if name.startswith("weather"):
            _check_weather_spec(name, spec)
        source = load_source(name, spec, data_root)
        loaded[name], manifest[name] = source.frame, source.files
    for name, spec in cfg.sources.covariates.items():
        source = load_source(f"covariates.{name}", spec, data_root)
        loaded[f"covariates.{name}"], manifest[f"covariates.{name}"] = source.frame, source.files
    check_weather_keys(cfg)
    check_unique_keys(loaded["stores"], "store_id", "stores")
    if "products" in loaded:
        check_unique_keys(loaded["products"], "product_id", "products")
    return loaded, manifest
