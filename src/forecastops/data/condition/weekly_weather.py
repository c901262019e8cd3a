"""Weather sources as weekly tables, keyed like the stores (by zip or by store_id).

Temperature is the daily mean ((tmax + tmin) / 2 unless the source maps ``temp_c``); precipitation
is the weekly total (the sum of the reported days x 7 / number of reported days for a daily source,
so a week with a missing day is not read as a drier week).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastops.data.condition.catalog import Stores
from forecastops.data.condition.codes import codes
from forecastops.data.condition.weeks import week_index


@dataclass
class WeatherKeys:
    """Weather key codes: positions in ``index`` of the weather rows' ``column`` values."""

    column: str
    index: pd.Index
    of_store: np.ndarray  # key code of each store code (-1: none)

    def codes_of(self, weather: pd.DataFrame) -> np.ndarray:
        return codes(weather[self.column], self.index)


def weather_keys(sources: dict[str, pd.DataFrame], stores: Stores, by_zip: bool) -> WeatherKeys:
    """Keys by store_id, or by every zip of the stores and weather sources."""
    if not by_zip:
        return WeatherKeys("store_id", stores.ids, np.arange(len(stores.ids), dtype=np.int64))
    raw_stores = sources["stores"]
    store_zips = (
        raw_stores["zip"].astype("str") if "zip" in raw_stores else pd.Series([], dtype="str")
    )
    weather_zips = [
        sources[n]["zip"] for n in ("weather_observed", "weather_forecast") if n in sources
    ]
    zips = pd.Index(sorted(set(store_zips.dropna()) | set(pd.concat(weather_zips).dropna())))
    of_store = np.full(len(stores.ids), -1, np.int64)
    if "zip" in raw_stores:
        of_store[stores.source_codes] = zips.get_indexer(store_zips)
    return WeatherKeys("zip", zips, of_store)


def weekly_weather(weather: pd.DataFrame, key: np.ndarray, daily: bool) -> pd.DataFrame:
    """(key, week) -> temp, precip of a daily or weekly weather source."""
    if "temp_c" in weather:
        temp = weather["temp_c"]
    else:
        temp = (weather["tmax_c"] + weather["tmin_c"]) / 2.0
    if "precip_mm" in weather:
        precip = weather["precip_mm"]
    else:
        precip = pd.Series(np.nan, index=weather.index)
    frame = pd.DataFrame(
        {
            "key": key,
            "week": week_index(weather["week_start"]),
            "temp": temp.to_numpy(float),
            "precip": precip.to_numpy(float),
        }
    )
    by_week = frame[frame["key"] >= 0].groupby(["key", "week"], sort=False)
    out = by_week["temp"].mean().to_frame()
    if daily:
        days = by_week["precip"].count()
        out["precip"] = (by_week["precip"].sum() * 7.0 / days).where(days > 0)
    else:
        out["precip"] = by_week["precip"].mean()
    return out.reset_index()


def latest_forecasts(forecast: pd.DataFrame) -> pd.DataFrame:
    """The latest issued forecast of each key x day (when the source has issue dates and days)."""
    if "issued_date" not in forecast or "day" not in forecast:
        return forecast
    key = [c for c in ("zip", "store_id") if c in forecast]
    return forecast.sort_values(["issued_date"]).drop_duplicates([*key, "day"], keep="last")
