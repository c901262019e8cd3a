"""New weeks after ``end_week`` (``synth.extend_weeks``): the same world, going on.

The history is built exactly as without an extension (same seed, same draws), so every earlier
week of every raw source stays byte-identical; the new weeks continue it from their own random
streams (``window.STREAM``): the same series with the same drawn drivers (level, seasonality,
trend, event and promotion response, weather sensitivity), their AR(1) drift carried on from the
last week, new weather, and the events and promotions already planned for those weeks. The window
is always drawn for all ``future_weeks`` and cut to ``extend_weeks``, so extending by 4 and later
by 8 agrees on the first 4. Drift (``synth.drift``) goes in through ``injected``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from forecastops_synth.config import SynthConfig
from forecastops_synth.demand import Demand, continue_ar1, log_demand
from forecastops_synth.events import make_events, shock_effects
from forecastops_synth.injected import inject_demand, inject_feed, inject_weather
from forecastops_synth.lifecycle import lifecycle
from forecastops_synth.returns import make_returns
from forecastops_synth.shipments import make_shipments
from forecastops_synth.timeline import DAY, Timeline
from forecastops_synth.weather import Weather, WeatherFeed, report_weather, simulate_weather
from forecastops_synth.window import (
    FORECAST,
    STREAM,
    new_products,
    window_promotions,
    window_timeline,
)
from forecastops_synth.world import World


def window_log_mu(
    cfg: SynthConfig, rng: np.random.Generator, world: World, tl: Timeline, wx: Weather
) -> tuple[np.ndarray, np.ndarray]:
    """Expected log units of every series over the window's weeks, and whether it sells."""
    s, d, lat = world.series, world.drivers, cfg.latent
    promo = window_promotions(world.promotions, world.products, cfg.region_ids(), tl)
    life = lifecycle(cfg, tl, world.stores, world.products, s)
    z_store = continue_ar1(rng, lat.store_phi, lat.store_sd, d.z_store, tl.n_weeks)
    z_series = continue_ar1(rng, lat.series_phi, lat.series_sd, d.z_series, tl.n_weeks)
    events = make_events(cfg, tl).log_effect
    z = (z_store, z_series)
    log_mu = log_demand(d, tl, s, z, wx, events, promo, shock_effects(cfg, tl), life)
    return log_mu, life.active


def _forecast(cfg: SynthConfig, wx: Weather, tl: Timeline, weeks: int) -> WeatherFeed:
    """The weather forecast issued after ``weeks`` new weeks (its own stream: the cut changes
    nothing drawn for the weeks themselves)."""
    days = slice(0, 7 * weeks + cfg.forecast_days)
    cut = dataclasses.replace(
        wx, days=wx.days[days], tmax=wx.tmax[days], tmin=wx.tmin[days], precip=wx.precip[days]
    )
    cut_tl = window_timeline(tl.start - 7 * DAY, tl.t_years[0], weeks, tl.future_end)
    return report_weather(
        cfg, np.random.default_rng([cfg.seed, STREAM, FORECAST, weeks]), cut_tl, cut
    )


def _joined(cfg: SynthConfig, world: World, parts: dict) -> World:
    """The history and the first ``extend_weeks`` new weeks as one world to write."""
    n, tl0, zips = cfg.extend_weeks, world.timeline, len(world.weather.zips)
    end = cfg.end_week + dt.timedelta(weeks=n)
    tl = Timeline.from_config(cfg.model_copy(update={"end_week": end}))
    rows = parts["rows"][parts["rows"]["w"] < n]
    returns = parts["returns"][parts["returns"]["date"] <= tl.last_day]
    observed = {
        k: np.concatenate([v, parts["feed"].observed[k][: 7 * n * zips]])
        for k, v in world.weather_feed.observed.items()
    }
    forecast = parts["forecast"]
    return dataclasses.replace(
        world,
        timeline=tl,
        products=parts["products"],
        series=parts["series"],
        weather=dataclasses.replace(world.weather, days=tl0.start + np.arange(tl.n_days) * DAY),
        weather_feed=dataclasses.replace(forecast, observed=observed),
        events=make_events(cfg, tl).table,
        shipments=pd.concat([world.shipments, rows.assign(w=rows["w"] + tl0.n_weeks)]),
        returns=pd.concat([world.returns, returns]),
    )


def extend(cfg: SynthConfig, world: World) -> World:
    """``world`` with ``cfg.extend_weeks`` more weeks in every raw source (drift injected)."""
    tl0 = world.timeline
    t0 = (tl0.n_weeks - tl0.n_weeks / 2) / 52.18  # trend time of the first new week
    tl = window_timeline(tl0.end, t0, cfg.future_weeks, tl0.future_end)
    rng = np.random.default_rng([cfg.seed, STREAM])
    wx = inject_weather(cfg, simulate_weather(cfg, rng, tl, world.stores), tl.n_weeks)
    log_mu, active = window_log_mu(cfg, rng, world, tl, wx)
    inject_demand(cfg, world.series, log_mu)
    d = world.drivers
    demand = Demand(log_mu, active, d.dispersion, d.return_rate)
    shipped = make_shipments(cfg, rng, tl, len(world.stores), world.series, demand)
    returns = make_returns(cfg, rng, tl, world.series, shipped.true_qty, d.return_rate)
    feed = report_weather(cfg, rng, tl, wx)
    products, series, family_rows, family_returns = new_products(cfg, world, tl, demand)
    rows = pd.concat([shipped.rows, family_rows], ignore_index=True)
    rows = inject_feed(cfg, series, rows.sort_values(["w", "s"], kind="stable"), tl.n_weeks)
    returns = pd.concat([returns, family_returns]).sort_values(
        ["date", "store", "sku", "qty", "reason"], kind="stable"
    )
    parts = {"rows": rows, "returns": returns, "feed": feed, "products": products}
    parts |= {"series": series, "forecast": _forecast(cfg, wx, tl, cfg.extend_weeks)}
    return _joined(cfg, world, parts)
