"""Drift injected into the new weeks of an extension (``synth.drift``, conf/synth/drift/): each
kind changes one part of the window's world before (demand, weather, products) or after
(the feed) the counts are drawn, so the change reaches the raw sources the way a real one would.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from forecastops_synth.assortment import Series
from forecastops_synth.config import DriftSpec, SynthConfig
from forecastops_synth.timeline import DAY, Timeline
from forecastops_synth.weather import Weather


def shift_demand(cfg: SynthConfig, spec: DriftSpec, series: Series, log_mu: np.ndarray) -> None:
    """demand_shift: the region's demand times ``factor`` over the drift's weeks (in place)."""
    hit = series.region == cfg.region_ids().index(spec.region)
    log_mu[hit, spec.weeks(log_mu.shape[1])] += np.log(spec.factor)


def warm(cfg: SynthConfig, spec: DriftSpec, weather: Weather, n_weeks: int) -> Weather:
    """weather_anomaly: ``delta_f`` added to the region's daily highs and lows and to the weekly
    anomaly demand reacts to, over the drift's weeks (and the forecast days after them)."""
    zips = weather.reg_of_zip == cfg.region_ids().index(spec.region)
    weeks = spec.weeks(n_weeks)
    days = slice(7 * weeks.start, None if spec.to_week is None else 7 * weeks.stop)
    tmax, tmin, anom = weather.tmax.copy(), weather.tmin.copy(), weather.wk_temp_anom.copy()
    tmax[days, zips] += spec.delta_f
    tmin[days, zips] += spec.delta_f
    anom[zips, weeks] += spec.delta_f
    return dataclasses.replace(weather, tmax=tmax, tmin=tmin, wk_temp_anom=anom)


def cut_feed(
    cfg: SynthConfig, spec: DriftSpec, series: Series, rows: pd.DataFrame, n_weeks: int
) -> pd.DataFrame:
    """feed_outage: no shipment rows from the region's stores over the drift's weeks (the goods
    still shipped: returns follow them)."""
    weeks = spec.weeks(n_weeks)
    region = series.region[rows["s"].to_numpy()] == cfg.region_ids().index(spec.region)
    week = rows["w"].to_numpy()
    return rows[~(region & (week >= weeks.start) & (week < weeks.stop))].reset_index(drop=True)


def launch_family(
    cfg: SynthConfig, spec: DriftSpec, products: pd.DataFrame, tl: Timeline
) -> tuple[pd.DataFrame, np.ndarray]:
    """new_products: ``count`` new SKUs of ``category`` launched in week ``from_week``, each the
    twin of one of the category's best sellers. Returns the catalog with them appended and the
    row of the twin each new product copies its stores and demand from."""
    cat = products.index[products["CATEGORY"] == spec.category]
    twins = products.loc[cat].sort_values("pop", ascending=False).index[: spec.count].to_numpy()
    taken = set(products["item_nbr"])
    numbers = [x for x in range(99999, 0, -1) if x not in taken][: len(twins)]
    launch = tl.weeks[spec.from_week]
    new = products.loc[twins].copy()
    new["item_nbr"] = numbers
    new["ITEM_NBR"] = [f"SKU-{x:05d}" for x in numbers]
    new["DESCRIPTION"] = "New " + new["DESCRIPTION"]
    new["launch"] = np.datetime64(launch, "ns")
    new["discontinue"] = np.datetime64("NaT", "ns")
    return pd.concat([products, new], ignore_index=True), twins


def launch_ramp(cfg: SynthConfig, tl: Timeline, launch: np.datetime64) -> np.ndarray:
    """Log ramp of a product launched at ``launch`` over the window's weeks (-inf before it)."""
    since = ((tl.weeks - launch) // DAY).astype(float) / 7
    ramp = np.log1p(-0.7 * np.exp(-np.clip(since, 0, None) / cfg.launch_ramp_weeks))
    return np.where(since >= 0, ramp, -np.inf)


def inject_weather(cfg: SynthConfig, weather: Weather, n_weeks: int) -> Weather:
    for spec in (d for d in cfg.drift if d.kind == "weather_anomaly"):
        weather = warm(cfg, spec, weather, n_weeks)
    return weather


def inject_demand(cfg: SynthConfig, series: Series, log_mu: np.ndarray) -> None:
    for spec in (d for d in cfg.drift if d.kind == "demand_shift"):
        shift_demand(cfg, spec, series, log_mu)


def inject_feed(cfg: SynthConfig, series: Series, rows: pd.DataFrame, n_weeks: int) -> pd.DataFrame:
    for spec in (d for d in cfg.drift if d.kind == "feed_outage"):
        rows = cut_feed(cfg, spec, series, rows, n_weeks)
    return rows
