"""Daily weather per store zip: simulated truth, its weekly demand drivers, and what the feed reports.

Temperature is regional climate + a regional AR(1) anomaly + zip noise; rain is a regional wet-day
draw flipped per zip. Demand sees the weekly temperature anomaly and heavy-rain days; the feed
reports the history with empty cells, and a forecast whose error grows with the lead time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastops_synth.config import SynthConfig
from forecastops_synth.timeline import DAY, Timeline


@dataclass(frozen=True)
class Weather:
    """The true weather, day x zip over the history and the forecast days after it."""

    zips: list[str]  # sorted; the column order of every zip array
    reg_of_zip: np.ndarray  # region position of each zip
    days: np.ndarray
    tmax: np.ndarray
    tmin: np.ndarray
    precip: np.ndarray
    wk_temp_anom: np.ndarray  # zip x history week, deg F above climate
    wk_heavy: np.ndarray  # zip x history week, heavy-rain days

    def zip_index(self) -> dict[str, int]:
        """Zip code -> its column, for mapping stores onto the weather arrays."""
        return {z: i for i, z in enumerate(self.zips)}


@dataclass(frozen=True)
class WeatherFeed:
    """What the weather source reports: observed history (NaN = empty cell), then the forecast."""

    observed: dict[str, np.ndarray]  # column -> values, history day x zip flattened
    forecast_days: np.ndarray
    forecast_tmax: np.ndarray  # forecast day x zip
    forecast_tmin: np.ndarray
    forecast_precip: np.ndarray


def simulate_weather(
    cfg: SynthConfig, rng: np.random.Generator, tl: Timeline, stores: pd.DataFrame
) -> Weather:
    """The daily weather of every store zip, and its weekly summaries that drive demand."""
    regions = cfg.region_ids()
    zips = sorted(set(stores["zip"]))
    zip_region = stores.drop_duplicates("zip").set_index("zip").loc[zips, "region"].to_numpy()
    reg_of_zip = np.array([regions.index(r) for r in zip_region])
    n_days = tl.n_days + cfg.forecast_days
    days = tl.start + np.arange(n_days) * DAY
    doy = pd.DatetimeIndex(days).day_of_year.to_numpy().astype(float)
    clim, tmax, tmin = _temperatures(cfg, rng, doy, reg_of_zip)
    precip = _precipitation(cfg, rng, doy, reg_of_zip)
    h, n_zip = tl.n_days, len(zips)
    wk_anom = (tmax[:h] - clim[:h]).reshape(tl.n_weeks, 7, n_zip).mean(axis=1)
    heavy = (precip[:h] > cfg.heavy_rain_in).reshape(tl.n_weeks, 7, n_zip).sum(axis=1)
    return Weather(
        zips=zips,
        reg_of_zip=reg_of_zip,
        days=days,
        tmax=tmax,
        tmin=tmin,
        precip=precip,
        wk_temp_anom=wk_anom.T,
        wk_heavy=heavy.T.astype(float),
    )


def _temperatures(
    cfg: SynthConfig, rng: np.random.Generator, doy: np.ndarray, reg_of_zip: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Climate, daily high and low (day x zip): anomalies persist for days and span a region."""
    n_days, n_reg, n_zip = len(doy), len(cfg.region_ids()), len(reg_of_zip)
    t_amp, t_sd = cfg.region_values("temp_amp_f"), cfg.region_values("temp_anom_sd_f")
    clim_reg = cfg.region_values("temp_mean_f")[None, :] + t_amp[None, :] * np.cos(
        2 * np.pi * (doy[:, None] - 200) / 365.25
    )
    phi = 0.75
    innov = rng.normal(0, 1, (n_days, n_reg)) * t_sd * math.sqrt(1 - phi**2)
    anom = np.empty((n_days, n_reg))
    anom[0] = innov[0] / math.sqrt(1 - phi**2)
    for d in range(1, n_days):
        anom[d] = phi * anom[d - 1] + innov[d]
    zip_off = rng.normal(0, 2.0, n_zip)
    clim = clim_reg[:, reg_of_zip] + zip_off
    tmax = clim + anom[:, reg_of_zip] + rng.normal(0, 1.5, (n_days, n_zip))
    diurnal = cfg.region_values("diurnal_f")[reg_of_zip]
    tmin = tmax - np.clip(diurnal + rng.normal(0, 3.5, (n_days, n_zip)), 4, 40)
    return clim, tmax, tmin


def _precipitation(
    cfg: SynthConfig, rng: np.random.Generator, doy: np.ndarray, reg_of_zip: np.ndarray
) -> np.ndarray:
    """Daily inches (day x zip): wet days are regional (a few zips differ), wetter in spring."""
    n_days, n_reg, n_zip = len(doy), len(cfg.region_ids()), len(reg_of_zip)
    wet_p = cfg.region_values("wet_day_prob")
    wet_p = np.clip(wet_p * (1 + 0.25 * np.sin(2 * np.pi * (doy[:, None] - 60) / 365.25)), 0, 1)
    wet_reg = rng.random((n_days, n_reg)) < wet_p
    flip = rng.random((n_days, n_zip)) < 0.15
    wet = wet_reg[:, reg_of_zip] ^ flip
    mean_in = cfg.region_values("wet_day_mean_in")[reg_of_zip]
    return np.where(wet, rng.gamma(0.7, 1.0, (n_days, n_zip)) * mean_in / 0.7, 0.0)


def report_weather(
    cfg: SynthConfig, rng: np.random.Generator, tl: Timeline, weather: Weather
) -> WeatherFeed:
    """The feed: history with random empty cells, and a forecast issued on the last history day
    whose temperature error grows and whose rain skill fades with the lead time."""
    h, n_z = tl.n_days, len(weather.zips)
    observed = {}
    for name, values in (
        ("tmax_f", weather.tmax[:h].ravel()),
        ("tmin_f", weather.tmin[:h].ravel()),
        ("precip_in", weather.precip[:h].ravel()),
    ):
        values = values.copy()
        values[rng.random(values.shape) < cfg.rates.weather_missing_cell] = np.nan
        observed[name] = values
    f_days = weather.days[h:]
    lead = np.arange(1, len(f_days) + 1)[:, None]
    err_sd = 2.0 + 0.45 * lead
    f_tmax = weather.tmax[h:] + rng.normal(0, 1, (len(f_days), n_z)) * err_sd
    f_tmin = weather.tmin[h:] + rng.normal(0, 1, (len(f_days), n_z)) * err_sd
    wet_mean = cfg.region_values("wet_day_mean_in")[weather.reg_of_zip]
    skill = np.clip(1 - lead / 10.0, 0.0, 1.0)
    return WeatherFeed(
        observed=observed,
        forecast_days=f_days,
        forecast_tmax=f_tmax,
        forecast_tmin=np.minimum(f_tmin, f_tmax - 2),
        forecast_precip=skill * weather.precip[h:] + (1 - skill) * 0.3 * wet_mean[None, :],
    )
