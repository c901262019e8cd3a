"""Weather per row: weekly temperature and precipitation (``weekly_weather``) and their source.

Weather is keyed by the store's zip, or by store_id when the weather sources map ``store_id``
instead of ``zip``. History rows take observed weather, future rows the forecast; where those are
missing the climatology (key x ISO week-of-year mean of the observed weeks, week 53 counted as 52)
fills in, and ``weather_source`` says which.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops.config.sections.data import DataConfig
from forecastops.data.condition.catalog import Stores
from forecastops.data.condition.codes import lookup, string_column, take, week_key
from forecastops.data.condition.grid import Rows
from forecastops.data.condition.weekly_weather import latest_forecasts, weather_keys, weekly_weather
from forecastops.data.condition.weeks import week_of_year

WEATHER_SOURCES = ["observed", "forecast", "climatology"]  # codes 0, 1, 2 (-1: none)
WEEK_OF_YEAR_STRIDE = 100  # key * stride + ISO week of year (<= 52)


def _positions(
    weekly: pd.DataFrame, row_key: np.ndarray, week: np.ndarray, use: np.ndarray
) -> np.ndarray:
    """Position in ``weekly`` of each row's (key, week) where ``use``, else -1."""
    table_keys = week_key(weekly["key"].to_numpy(), weekly["week"].to_numpy())
    return np.where(use, lookup(week_key(row_key, week), table_keys), -1)


def _climatology(
    observed: pd.DataFrame, row_key: np.ndarray, week: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the key x week-of-year mean temp and precip of the observed weeks (NaN: none)."""
    by_woy = observed.assign(woy=week_of_year(observed["week"].to_numpy())).groupby(["key", "woy"])
    means = by_woy[["temp", "precip"]].mean().reset_index()
    table_keys = (means["key"] * WEEK_OF_YEAR_STRIDE + means["woy"]).to_numpy()
    position = lookup(row_key * WEEK_OF_YEAR_STRIDE + week_of_year(week), table_keys)
    position = np.where(row_key >= 0, position, -1)
    return take(means["temp"].to_numpy(), position), take(means["precip"].to_numpy(), position)


def weather_columns(
    cfg: DataConfig, sources: dict[str, pd.DataFrame], stores: Stores, rows: Rows
) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """(temperature_c, precipitation_mm, weather_source) per row; all missing without weather."""
    n_rows = len(rows.key)
    observed_spec = cfg.sources.weather_observed
    if observed_spec is None:
        return (
            np.full(n_rows, np.nan),
            np.full(n_rows, np.nan),
            string_column(np.full(n_rows, -1), WEATHER_SOURCES),
        )
    keys = weather_keys(sources, stores, "zip" in observed_spec.columns)
    row_key = keys.of_store[rows.store]
    observed = sources["weather_observed"]
    observed_weekly = weekly_weather(
        observed, keys.codes_of(observed), observed_spec.granularity == "daily"
    )
    position = _positions(observed_weekly, row_key, rows.week, (row_key >= 0) & ~rows.future)
    temp = take(observed_weekly["temp"].to_numpy(), position)
    precip = take(observed_weekly["precip"].to_numpy(), position)
    source = np.where(position >= 0, 0, -1)
    if "weather_forecast" in sources:
        forecast = latest_forecasts(sources["weather_forecast"])
        daily = cfg.sources.weather_forecast.granularity == "daily"
        forecast_weekly = weekly_weather(forecast, keys.codes_of(forecast), daily)
        position = _positions(forecast_weekly, row_key, rows.week, (row_key >= 0) & rows.future)
        hit = position >= 0
        temp[hit] = forecast_weekly["temp"].to_numpy()[position[hit]]
        precip[hit] = forecast_weekly["precip"].to_numpy()[position[hit]]
        source[hit] = 1
    normal_temp, normal_precip = _climatology(observed_weekly, row_key, rows.week)
    # The label follows the temperature: climatology where it filled a missing value.
    from_climatology = np.isnan(temp) & ~np.isnan(normal_temp)
    source = np.where(from_climatology, 2, np.where(np.isnan(temp), -1, source))
    temp = np.where(np.isnan(temp), normal_temp, temp)
    precip = np.where(np.isnan(precip), normal_precip, precip)
    return temp, precip, string_column(source, WEATHER_SOURCES)
